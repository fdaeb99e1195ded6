//! `cargo xtask`: the project's command line. Parses flags, reads and writes files, and hands
//! everything else to the `codegen` library.

mod fsx;
mod inspect;
mod report;
mod settings;
mod update;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "OData CSDL to Rust: generator commands")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Work with CSDL metadata documents.
    Metadata {
        #[command(subcommand)]
        command: MetadataCommand,
    },
}

#[derive(Subcommand)]
enum MetadataCommand {
    /// Counts per namespace, container children, and every diagnostic of a CSDL document.
    Inspect {
        /// The CSDL XML file.
        file: PathBuf,
        /// Only this namespace's counts.
        #[arg(long)]
        namespace: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Prunes a full document to a namespace's closure and writes it to `metadata/`.
    Update {
        /// The full `$metadata` document.
        #[arg(long)]
        from: PathBuf,
        /// The namespace (default: the one in `metadata/codegen.json`).
        #[arg(long)]
        namespace: Option<String>,
    },
}

/// Output format of reporting commands.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable.
    Text,
    /// Machine-readable JSON.
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Metadata { command } => match command {
            MetadataCommand::Inspect { file, namespace, format } => inspect::run(&file, namespace.as_deref(), format),
            MetadataCommand::Update { from, namespace } => update::run(&workspace_root(), &from, namespace),
        },
    }
}

/// The workspace root: the parent of this crate's directory.
fn workspace_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent().unwrap_or(here).to_path_buf()
}
