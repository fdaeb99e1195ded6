//! Printing diagnostics for people.

use codegen::diag::Diagnostics;

/// Prints every diagnostic with its source line to stderr, then a count.
pub fn print(diags: &Diagnostics) {
    for d in diags.iter() {
        eprintln!("{d}\n");
    }
    if !diags.0.is_empty() {
        eprintln!("{} errors, {} warnings", diags.error_count(), diags.warning_count());
    }
}
