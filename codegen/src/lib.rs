//! OData CSDL to Rust. Pure: bytes in, a map of file path to file text out; no disk, no
//! network. The stages run in one direction: [`csdl::read`] -> [`model::resolve`] ->
//! [`model::prune`] -> plan -> emit. Beside the pipeline, on the resolved model:
//! [`model::write`](mod@model::write) (the canonical CSDL writer) and [`model::diff`](mod@model::diff) (the schema diff).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod csdl;
pub mod diag;
pub mod documents;
pub mod emit;
pub mod model;
pub mod plan;

use diag::{Diagnostics, Sources};
pub use documents::Document;

/// Reads and resolves one CSDL document on its own: [`load_set`] with no referenced
/// documents (references to the standard vocabularies resolve to the built-in types; any
/// other reference is reported as not loaded).
pub fn load<'s>(name: &str, bytes: &'s [u8]) -> (Option<model::Model<'s>>, Diagnostics) {
    load_set(&[Document { name: name.to_string(), bytes }])
}

/// Reads and resolves a set of CSDL documents into one model. The first is the main document;
/// the others are what its references (and theirs) point at, each named so that a reference's
/// URI resolved against its referrer ([`documents::resolve_uri`]) finds it. Documents that
/// reference each other are one model. A reference to a document that is not in the set is a
/// warning when only annotation terms come from it, and an error at each use of a type from it.
///
/// The model is `None` when the main document's XML could not be read; otherwise it is
/// returned together with every diagnostic (check [`Diagnostics::has_errors`]). The model
/// borrows from the documents' bytes.
pub fn load_set<'s>(docs: &[Document<'s>]) -> (Option<model::Model<'s>>, Diagnostics) {
    load_set_with(docs, &mut |_| {})
}

/// [`load_set`] with each document's syntax tree handed to `edit` before it is resolved: for
/// tests that reorder a document's elements and check that the output does not change.
#[doc(hidden)]
pub fn load_set_with<'s>(
    docs: &[Document<'s>],
    edit: &mut dyn FnMut(&mut csdl::ast::Document<'s>),
) -> (Option<model::Model<'s>>, Diagnostics) {
    let mut sources = Sources::default();
    for d in docs {
        sources.push(&d.name, d.bytes);
    }
    let mut diags = Diagnostics::default();
    let mut trees = Vec::new();
    for (i, src) in sources.iter().enumerate() {
        let (tree, mut more) = csdl::read(src);
        if i > 0 && tree.is_none() {
            // A referenced document that is not CSDL at all (an empty file, an HTML error
            // page) is a reference that could not be loaded: what it should supply is judged
            // like a missing document's, and why it failed is said as a warning.
            for d in &mut more.0 {
                d.severity = diag::Severity::Warning;
                d.message = format!("referenced document not read: {}", d.message);
            }
        }
        diags.0.extend(more.0);
        trees.push(tree);
    }
    if docs.is_empty() || trees[0].is_none() {
        return (None, diags);
    }
    let readable: Vec<bool> = trees.iter().map(Option::is_some).collect();
    let mut trees: Vec<csdl::ast::Document<'s>> = trees.into_iter().map(Option::unwrap_or_default).collect();
    trees.iter_mut().for_each(edit);
    include_annotations(docs, &mut trees);

    // References: to a document of the set, to a namespace a document of the set defines, to a
    // built-in vocabulary, or missing.
    let defined: Vec<String> = trees.iter().flat_map(|t| t.schemas.iter().map(|s| s.namespace.to_string())).collect();
    let mut missing: Vec<model::MissingReference> = Vec::new();
    for (d, tree) in docs.iter().zip(&trees) {
        for r in &tree.references {
            let resolved = documents::resolve_uri(&d.name, &r.uri);
            let loaded = docs.iter().zip(&readable).any(|(x, ok)| *ok && x.name == resolved);
            if loaded || missing.iter().any(|m| m.resolved == resolved) {
                continue;
            }
            let namespaces: Vec<String> = r.includes.iter().map(|i| i.namespace.to_string()).collect();
            let rest: Vec<String> = namespaces
                .into_iter()
                .filter(|n| !documents::is_standard_vocabulary(n) && !defined.contains(n))
                .collect();
            if !rest.is_empty() {
                missing.push(model::MissingReference {
                    uri: r.uri.to_string(),
                    resolved,
                    namespaces: rest,
                    offset: r.offset,
                });
            }
        }
    }
    // The built-in vocabulary types the documents use, for namespaces no document defines
    // (nothing is read when no document uses one).
    let uses: Vec<(String, String)> =
        documents::vocabulary_uses(&trees).into_iter().filter(|(ns, _)| !defined.contains(ns)).collect();
    let mut vocabularies: Vec<csdl::ast::Document<'s>> = Vec::new();
    if !uses.is_empty() {
        let first_vocabulary = trees.len();
        for (ns, text) in documents::VOCABULARIES {
            if !defined.iter().any(|d| d == ns) {
                sources.push(&documents::vocabulary_name(ns), text.as_bytes());
            }
        }
        vocabularies = sources
            .iter()
            .skip(first_vocabulary)
            .map(|src| {
                let (tree, more) = csdl::read(src);
                // The built-in documents are part of the generator; a problem in them is a bug.
                diags.0.extend(more.0);
                tree.unwrap_or_default()
            })
            .collect();
        let needed = documents::needed_vocabulary_types(uses, &vocabularies);
        for v in &mut vocabularies {
            documents::retain_types(v, &needed);
            if v.schemas.iter().all(|s| {
                s.complex_types.is_empty()
                    && s.entity_types.is_empty()
                    && s.enum_types.is_empty()
                    && s.type_definitions.is_empty()
            }) {
                // Nothing used: not part of the model (its source stays, unused).
                *v = csdl::ast::Document::default();
            }
        }
    }
    trees.extend(vocabularies);
    let (model, more) = model::resolve(trees, &sources, &missing);
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
    /// The options cannot give valid crates (a crate prefix that is no crate name).
    Options(String),
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
            GenerateError::Namespace(m) | GenerateError::Emit(m) | GenerateError::Options(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for GenerateError {}

/// The whole pipeline on one document: read, resolve, prune, plan, emit.
pub fn generate(name: &str, bytes: &[u8], options: &Options) -> Result<Generated, GenerateError> {
    generate_set(&[Document { name: name.to_string(), bytes }], options)
}

/// The whole pipeline on a set of documents (see [`load_set`]).
pub fn generate_set(docs: &[Document<'_>], options: &Options) -> Result<Generated, GenerateError> {
    generate_set_with(docs, options, &mut |_| {})
}

/// [`generate_set`] through [`load_set_with`].
#[doc(hidden)]
pub fn generate_set_with<'s>(
    docs: &[Document<'s>],
    options: &Options,
    edit: &mut dyn FnMut(&mut csdl::ast::Document<'s>),
) -> Result<Generated, GenerateError> {
    let prefix = &options.crate_options.crate_prefix;
    let valid = prefix.starts_with(|c: char| c.is_ascii_alphabetic())
        && prefix.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !valid {
        return Err(GenerateError::Options(format!(
            "crate prefix {prefix:?} is not a crate name: it starts with an ASCII letter and holds only ASCII letters, digits, `-` and `_`"
        )));
    }
    let (model, diagnostics) = load_set_with(docs, edit);
    let model = match model {
        Some(m) if !diagnostics.has_errors() => m,
        _ => return Err(GenerateError::Metadata(diagnostics)),
    };
    let model = match &options.namespace {
        Some(ns) => model::prune::prune(&model, ns).map_err(|e| GenerateError::Namespace(e.to_string()))?,
        None => model,
    };
    let plan = if options.crate_options.features { plan::Plan::with_features(&model) } else { plan::Plan::new(&model) };
    let mut diagnostics = diagnostics;
    diagnostics.0.extend(plan.warnings.iter().cloned());
    let mut files = emit::model_crate(&model, &plan, &options.crate_options).map_err(GenerateError::Emit)?;
    files.extend(emit::client_crate(&model, &plan, &options.crate_options).map_err(GenerateError::Emit)?);
    Ok(Generated { files, diagnostics })
}

/// Honours `edmx:IncludeAnnotations`: a document that other documents of the set reference
/// with `IncludeAnnotations` contributes only the external annotations those elements include
/// (by term namespace, and by qualifier and target namespace when they say so). A document
/// referenced with `Include` alone, and one given beside the main document (an annotation
/// document), keeps all of its annotations.
fn include_annotations<'s>(docs: &[Document<'s>], trees: &mut [csdl::ast::Document<'s>]) {
    // For each document: the IncludeAnnotations elements of references to it.
    let mut wanted: Vec<Vec<csdl::ast::IncludeAnnotations<'s>>> = vec![Vec::new(); trees.len()];
    for (referrer, tree) in docs.iter().zip(trees.iter()) {
        for r in &tree.references {
            let resolved = documents::resolve_uri(&referrer.name, &r.uri);
            if let Some(j) = docs.iter().position(|d| d.name == resolved) {
                if let Some(w) = wanted.get_mut(j) {
                    w.extend(r.include_annotations.iter().cloned());
                }
            }
        }
    }
    for (j, tree) in trees.iter_mut().enumerate() {
        let Some(includes) = wanted.get(j).filter(|w| !w.is_empty() && j > 0) else { continue };
        // Term and target names are written with the document's aliases.
        let aliases: Vec<(String, String)> = tree.aliases().map(|(a, ns)| (a.to_string(), ns.to_string())).collect();
        let namespace_of = |qualified: &str| -> String {
            let head = qualified.rsplit_once('.').map_or("", |(ns, _)| ns);
            aliases.iter().find(|(a, _)| a == head).map_or_else(|| head.to_string(), |(_, ns)| ns.clone())
        };
        for sc in &mut tree.schemas {
            for block in &mut sc.annotation_blocks {
                let target_head = block.target.split(['/', '(']).next().unwrap_or_default().to_string();
                let target_ns = namespace_of(&target_head);
                let block_qualifier = block.qualifier.clone();
                block.annotations.retain(|a| {
                    let qualifier = a.qualifier.as_ref().or(block_qualifier.as_ref());
                    includes.iter().any(|i| {
                        namespace_of(&a.term) == *i.term_namespace
                            && i.qualifier.as_ref().is_none_or(|q| qualifier == Some(q))
                            && i.target_namespace.as_ref().is_none_or(|t| target_ns == **t)
                    })
                });
            }
            sc.annotation_blocks.retain(|b| !b.annotations.is_empty());
        }
    }
}
