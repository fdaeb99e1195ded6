//! OData CSDL to Rust. Pure: bytes in, a map of file path to file text out; no disk, no
//! network. The stages run in one direction: [`csdl::read`] -> [`model::resolve`] ->
//! [`model::prune`] -> plan -> emit.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod csdl;
pub mod diag;
pub mod diff;
pub mod emit;
pub mod model;
pub mod mutate;
pub mod plan;

use diag::{Diagnostics, Source};

/// Reads and resolves a CSDL document. The model is `None` when the XML itself could not be
/// read; otherwise it is returned together with every diagnostic (check
/// [`Diagnostics::has_errors`]). The model borrows from `bytes`; `name` is only used to locate
/// diagnostics.
pub fn load<'s>(name: &str, bytes: &'s [u8]) -> (Option<model::Model<'s>>, Diagnostics) {
    let src = Source::new(name, bytes);
    let (doc, mut diags) = csdl::read(&src);
    let Some(doc) = doc else { return (None, diags) };
    let (model, more) = model::resolve(doc, &src);
    diags.0.extend(more.0);
    (Some(model), diags)
}

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Prune to this namespace's closure first (`None`: the document is used as it is).
    pub namespace: Option<String>,
    /// Crate names, paths and layout.
    pub crate_options: emit::CrateOptions,
}

/// The generated files and the warnings met on the way.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Path relative to the output directory -> text.
    pub files: emit::Files,
    /// Warnings (there are no errors when generation succeeds).
    pub diagnostics: Diagnostics,
}

/// Why generation failed.
#[derive(Debug, Clone)]
pub enum GenerateError {
    /// The metadata has errors; every one is here.
    Metadata(Diagnostics),
    /// The namespace is not in the document.
    Namespace(String),
    /// A generator bug: generated code that does not parse.
    Emit(String),
}

impl std::fmt::Display for GenerateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GenerateError::Metadata(d) => {
                for x in d.iter() {
                    writeln!(f, "{x}\n")?;
                }
                write!(f, "{} errors in the metadata; nothing generated", d.error_count())
            }
            GenerateError::Namespace(m) | GenerateError::Emit(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for GenerateError {}

/// The whole pipeline: read, resolve, prune, plan, emit.
pub fn generate(name: &str, bytes: &[u8], options: &Options) -> Result<Generated, GenerateError> {
    let (model, diagnostics) = load(name, bytes);
    let model = match model {
        Some(m) if !diagnostics.has_errors() => m,
        _ => return Err(GenerateError::Metadata(diagnostics)),
    };
    let model = match &options.namespace {
        Some(ns) => model::prune::prune(&model, ns).map_err(|e| GenerateError::Namespace(e.to_string()))?,
        None => model,
    };
    let plan = if options.crate_options.features { plan::Plan::with_features(&model) } else { plan::Plan::new(&model) };
    let mut files = emit::model_crate(&model, &plan, &options.crate_options).map_err(GenerateError::Emit)?;
    files.extend(emit::client_crate(&model, &plan, &options.crate_options).map_err(GenerateError::Emit)?);
    Ok(Generated { files, diagnostics })
}
