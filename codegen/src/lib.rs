//! OData CSDL to Rust. Pure: bytes in, a map of file path to file text out; no disk, no
//! network. The stages run in one direction: [`csdl::read`] -> [`model::resolve`] ->
//! [`model::prune`] -> plan -> emit.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod csdl;
pub mod diag;
pub mod model;
pub mod mutate;

use diag::{Diagnostics, Source};

/// Reads and resolves a CSDL document. The model is `None` when the XML itself could not be
/// read; otherwise it is returned together with every diagnostic (check
/// [`Diagnostics::has_errors`]).
pub fn load(name: &str, bytes: &[u8]) -> (Option<model::Model>, Diagnostics) {
    let src = Source::new(name, bytes);
    let (doc, mut diags) = csdl::read(&src);
    let Some(doc) = doc else { return (None, diags) };
    let (model, more) = model::resolve(doc, &src);
    diags.0.extend(more.0);
    (Some(model), diags)
}
