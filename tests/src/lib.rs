//! Helpers shared by the workspace tests: where the workspace and the shared data are.

use std::path::{Path, PathBuf};

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent().unwrap_or(here).to_path_buf()
}

/// The shared data directory (real Graph documents and example payloads): `$ODATA_SHARED_DIR`,
/// else `../shared` beside the workspace. `None` (with the reason printed) when it is missing
/// and `REQUIRE_SHARED` is not set; a panic when it is missing and `REQUIRE_SHARED` is set, so
/// CI cannot pass by skipping.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("ODATA_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("..").join("shared"));
    if dir.join("metadata").is_dir() {
        return Some(dir);
    }
    let reason = format!("shared data not found at {} (set ODATA_SHARED_DIR)", dir.display());
    if std::env::var_os("REQUIRE_SHARED").is_some() {
        panic!("{reason}; REQUIRE_SHARED is set");
    }
    eprintln!("skipped: {reason}");
    None
}

/// The three real Graph beta documents, by file name, when the shared data is present.
pub fn graph_documents() -> Vec<PathBuf> {
    let Some(dir) = shared_dir() else { return Vec::new() };
    let mut docs: Vec<PathBuf> = std::fs::read_dir(dir.join("metadata"))
        .expect("shared metadata directory is readable")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    docs.sort();
    docs
}

/// The newest real Graph document (2021-07-13), when the shared data is present.
pub fn graph_2021() -> Option<PathBuf> {
    shared_dir().map(|d| d.join("metadata").join("graph-beta-2021-07-13.xml"))
}

/// JSON equality as a user means it: same keys, equal values; numbers compared by value
/// (`0.00` equals `0`), and strings that hold the same instant or duration in another spelling
/// are equal. Returns the path of the first difference.
pub fn json_diff(a: &serde_json::Value, b: &serde_json::Value, path: &str) -> Option<String> {
    use serde_json::Value;
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter().find_map(|k| match (x.get(k), y.get(k)) {
                (Some(p), Some(q)) => json_diff(p, q, &format!("{path}/{k}")),
                (Some(_), None) => Some(format!("{path}/{k}: lost")),
                (None, Some(_)) => Some(format!("{path}/{k}: added")),
                (None, None) => None,
            })
        }
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                return Some(format!("{path}: {} items became {}", x.len(), y.len()));
            }
            x.iter().zip(y).enumerate().find_map(|(i, (p, q))| json_diff(p, q, &format!("{path}/{i}")))
        }
        (Value::Number(x), Value::Number(y)) => {
            let same = x == y || x.as_f64().zip(y.as_f64()).is_some_and(|(p, q)| p == q);
            (!same).then(|| format!("{path}: {x} became {y}"))
        }
        (Value::String(x), Value::String(y)) if x != y => {
            let same_instant = odata_runtime::edm::parse_date_time_offset(x)
                .ok()
                .zip(odata_runtime::edm::parse_date_time_offset(y).ok())
                .is_some_and(|(p, q)| p == q);
            let same_duration = odata_runtime::edm::Duration::parse(x)
                .ok()
                .zip(odata_runtime::edm::Duration::parse(y).ok())
                .is_some_and(|(p, q)| p == q);
            (!same_instant && !same_duration).then(|| format!("{path}: {x:?} became {y:?}"))
        }
        _ => (a != b).then(|| format!("{path}: {a} became {b}")),
    }
}

/// The README's examples, compiled (and the model example run) as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

/// Every list of a document's elements reversed (enum members only where their values are
/// explicit: implicit values follow the order), for tests that check that the order a
/// producer writes elements in changes nothing. Give it to `codegen::load_set_with` or
/// `codegen::generate_set_with`.
pub fn reverse_document(doc: &mut codegen::csdl::ast::Document<'_>) {
    doc.references.reverse();
    doc.schemas.reverse();
    for s in &mut doc.schemas {
        s.entity_types.reverse();
        s.complex_types.reverse();
        s.enum_types.reverse();
        s.type_definitions.reverse();
        s.operations.reverse();
        s.terms.reverse();
        s.annotation_blocks.reverse();
        for t in s.entity_types.iter_mut().chain(s.complex_types.iter_mut()) {
            t.properties.reverse();
            t.navigation_properties.reverse();
        }
        for e in &mut s.enum_types {
            if e.members.iter().all(|m| m.value.is_some()) {
                e.members.reverse();
            }
        }
        for c in &mut s.containers {
            c.entity_sets.reverse();
            c.singletons.reverse();
            c.operation_imports.reverse();
        }
    }
}
