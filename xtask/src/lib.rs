//! The project's commands as a library, so tests can run the same generation and drift
//! comparison as `cargo xtask codegen`.

pub mod bench;
pub mod codegen;
pub mod fsx;
pub mod fuzz;
pub mod inspect;
pub mod load;
pub mod mutate;
pub mod report;
pub mod schema_diff;
pub mod settings;
pub mod update;

/// Output format of reporting commands.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human-readable.
    Text,
    /// Machine-readable JSON.
    Json,
}
