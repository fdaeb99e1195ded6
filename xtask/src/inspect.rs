//! `metadata inspect`: what a CSDL document holds and what is wrong with it.

use std::path::Path;
use std::process::ExitCode;

use serde_json::json;

use crate::Format;

/// Exit 0 without errors, 1 with errors, 2 when the file cannot be read.
pub fn run(file: &Path, namespace: Option<&str>, format: Format, refs: &crate::load::References) -> ExitCode {
    let loaded = match crate::load::load_file(file, refs) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    loaded.print_notes();
    let name = file.display().to_string();
    let docs = loaded.set();
    let (model, diags) = codegen::load_set(&docs);
    let mut counts = model.as_ref().map(|m| m.counts()).unwrap_or_default();
    if let Some(ns) = namespace {
        counts.retain(|k, _| k == ns);
        if counts.is_empty() && model.is_some() {
            eprintln!("warning: no namespace {ns} in {name}");
        }
    }
    let (sets, singletons) =
        model.as_ref().and_then(|m| m.container.as_ref()).map_or((0, 0), |c| (c.entity_sets.len(), c.singletons.len()));
    match format {
        Format::Json => {
            let namespaces: serde_json::Map<String, serde_json::Value> = counts
                .iter()
                .map(|(ns, c)| {
                    (
                        ns.clone(),
                        json!({
                            "entity_types": c.entity_types,
                            "complex_types": c.complex_types,
                            "enum_types": c.enum_types,
                            "type_definitions": c.type_definitions,
                            "functions": c.functions,
                            "actions": c.actions,
                            "terms": c.terms,
                        }),
                    )
                })
                .collect();
            let diagnostics: Vec<_> = diags
                .iter()
                .map(|d| {
                    json!({
                        "severity": d.severity.as_str(),
                        "file": d.file,
                        "line": d.line,
                        "column": d.column,
                        "path": d.path,
                        "message": d.message,
                    })
                })
                .collect();
            let out = json!({
                "namespaces": namespaces,
                "entity_sets": sets,
                "singletons": singletons,
                "diagnostics": diagnostics,
            });
            println!("{}", serde_json::to_string_pretty(&out).expect("JSON values always serialize"));
        }
        Format::Text => {
            println!("{name}");
            for (ns, c) in &counts {
                println!(
                    "  {ns}: {} entity types, {} complex types, {} enum types, {} type definitions, {} functions, {} actions, {} terms",
                    c.entity_types, c.complex_types, c.enum_types, c.type_definitions, c.functions, c.actions, c.terms
                );
            }
            println!("  container: {sets} entity sets, {singletons} singletons");
            crate::report::print(&diags);
            println!("  {} errors, {} warnings", diags.error_count(), diags.warning_count());
        }
    }
    if diags.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
