//! CSDL XML: the syntax tree and the reader. (The canonical writer writes a resolved model, so
//! it lives in [`crate::model::write`].)

pub mod ast;
mod read;

pub use read::{is_simple_identifier, read};
