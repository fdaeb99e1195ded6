//! CSDL XML: the syntax tree, the reader, and the canonical writer.

pub mod ast;
mod read;
pub mod write;

pub use read::{is_simple_identifier, read};
