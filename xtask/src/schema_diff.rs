//! `schema-diff OLD NEW`: the changelog between two CSDL documents, classified for users of
//! the generated crates, with the version bump it needs (the comparison is `codegen::model::diff`).

use std::path::Path;
use std::process::ExitCode;

use codegen::model::diff::{bump, Change, Class};
use codegen::model::Model;

use crate::Format;

/// The generated crates are 0.x: breaking changes bump the minor, the rest the patch.
const CURRENT_MAJOR: u64 = 0;

/// Exit 0 with the report, 1 when either document has errors, 2 when either cannot be read.
pub fn run(
    old: &Path,
    new: &Path,
    namespace: Option<&str>,
    format: Format,
    refs: &crate::load::References,
) -> ExitCode {
    let (old_docs, new_docs) = match (read(old, refs), read(new, refs)) {
        (Ok(o), Ok(n)) => (o, n),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    let (old_set, new_set) = (old_docs.set(), new_docs.set());
    let (old_model, new_model) = match (load(&old_set), load(&new_set)) {
        (Ok(o), Ok(n)) => (o, n),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    let changes = match namespace {
        Some(ns) => {
            let present = |m: &Model| m.schemas.iter().any(|s| s.namespace == ns);
            if !present(&old_model) && !present(&new_model) {
                eprintln!("warning: no namespace {ns} in either document");
            }
            codegen::model::diff::diff_namespace(&old_model, &new_model, ns)
        }
        None => codegen::model::diff::diff(&old_model, &new_model),
    };
    let text = match format {
        Format::Text => text(&changes),
        Format::Json => json(&changes),
    };
    println!("{text}");
    ExitCode::SUCCESS
}

/// Reads one document and what it references, printing why it cannot be read.
fn read(path: &Path, refs: &crate::load::References) -> Result<crate::load::Loaded, ExitCode> {
    let loaded = crate::load::load_file(path, refs).map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(2)
    })?;
    loaded.print_notes();
    Ok(loaded)
}

/// Resolves one document set, printing what is wrong with it.
fn load<'s>(docs: &[codegen::Document<'s>]) -> Result<Model<'s>, ExitCode> {
    let (model, diags) = codegen::load_set(docs);
    match model {
        Some(m) if !diags.has_errors() => Ok(m),
        _ => {
            crate::report::print(&diags);
            Err(ExitCode::from(1))
        }
    }
}

/// The changelog grouped by class, then the bump.
pub fn text(changes: &[Change]) -> String {
    let mut out = String::new();
    let groups = [(Class::Breaking, "Breaking"), (Class::Additive, "Additive"), (Class::None, "No API change")];
    for (class, title) in groups {
        let items: Vec<&Change> = changes.iter().filter(|c| c.class == class).collect();
        if items.is_empty() {
            continue;
        }
        out.push_str(&format!("{title} ({}):\n", items.len()));
        for c in items {
            out.push_str(&format!("- {}: {}\n", c.path, c.detail));
        }
        out.push('\n');
    }
    if changes.is_empty() {
        out.push_str("No changes.\n\n");
    }
    out.push_str(&format!("Version bump for 0.x crates: {}", bump(changes, CURRENT_MAJOR).as_str()));
    out
}

/// `{"changes": [{"kind", "path", "class", "detail"}], "bump"}`, keys in that order.
pub fn json(changes: &[Change]) -> String {
    // serde_json's map sorts keys; the documented order is written by hand, values escaped by serde_json.
    let s = |v: &str| serde_json::Value::from(v).to_string();
    let items: Vec<String> = changes
        .iter()
        .map(|c| {
            format!(
                "    {{\"kind\": {}, \"path\": {}, \"class\": {}, \"detail\": {}}}",
                s(c.kind.as_str()),
                s(&c.path),
                s(c.class.as_str()),
                s(&c.detail)
            )
        })
        .collect();
    let list = if items.is_empty() { "[]".to_string() } else { format!("[\n{}\n  ]", items.join(",\n")) };
    format!("{{\n  \"changes\": {list},\n  \"bump\": {}\n}}", s(bump(changes, CURRENT_MAJOR).as_str()))
}
