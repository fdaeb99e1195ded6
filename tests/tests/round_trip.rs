//! Every real payload from the Graph docs, and the two responses in the seed page, read into the
//! generated types and written back with no value lost or changed.

use callrecords_model::call_records::{CallRecord, DirectRoutingLogRow, PstnCallLogRow, Session};
use odata_runtime::serde_json::{self, Value};
use odata_runtime::Collection;

/// Reads `text` as `T`, writes it back, and compares the two as JSON.
fn round_trip<T>(name: &str, text: &str) -> T
where
    T: odata_runtime::serde::de::DeserializeOwned + odata_runtime::serde::Serialize,
{
    let original: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{name}: not JSON: {e}"));
    let typed: T = serde_json::from_str(text).unwrap_or_else(|e| panic!("{name}: does not deserialize: {e}"));
    // Through text, as a client sends it (a Value would widen f32 to f64 digits).
    let written = serde_json::to_string(&typed).unwrap_or_else(|e| panic!("{name}: does not serialize: {e}"));
    let back: Value = serde_json::from_str(&written).unwrap();
    if let Some(diff) = tests::json_diff(&original, &back, "") {
        panic!("{name}: value changed at {diff}");
    }
    typed
}

/// (file, expected type) from the index of the examples.
fn index(dir: &std::path::Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(dir.join("INDEX.md")).expect("INDEX.md");
    text.lines()
        .filter(|l| l.starts_with("| beta__"))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            (cells[1].to_string(), cells[3].to_string())
        })
        .collect()
}

#[test]
fn every_graph_docs_payload_round_trips_through_the_generated_types() {
    let Some(shared) = tests::shared_dir() else { return };
    let dir = shared.join("examples/graph-docs-beta");
    let rows = index(&dir);
    assert!(rows.len() >= 19, "index has {} rows", rows.len());
    let mut typed = 0;
    for (file, expected) in rows {
        let text = std::fs::read_to_string(dir.join(&file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let collection = expected.starts_with("collection of");
        let ty = expected
            .split_whitespace()
            .find_map(|w| w.strip_prefix("microsoft.graph.callRecords."))
            .unwrap_or_else(|| panic!("{file}: no type in {expected:?}"));
        match (collection, ty) {
            (false, "callRecord") => {
                let r: CallRecord = round_trip(&file, &text);
                assert!(r.id.is_some(), "{file}");
                typed += 1;
            }
            (true, "callRecord") => {
                let _: Collection<CallRecord> = round_trip(&file, &text);
                typed += 1;
            }
            (true, "session") => {
                let page: Collection<Session> = round_trip(&file, &text);
                assert!(!page.value.is_empty(), "{file}");
                typed += 1;
            }
            (true, "pstnCallLogRow") => {
                let page: Collection<PstnCallLogRow> = round_trip(&file, &text);
                assert!(page.value.iter().all(|r| r.charge.is_some()), "{file}");
                typed += 1;
            }
            (true, "directRoutingLogRow") => {
                let _: Collection<DirectRoutingLogRow> = round_trip(&file, &text);
                typed += 1;
            }
            // Types newer than the embedded schema: kept whole as unknown data.
            (true, _) => {
                let _: Collection<Value> = round_trip(&file, &text);
            }
            (false, other) => panic!("{file}: no single-entity case for {other}"),
        }
    }
    assert!(typed >= 14, "only {typed} payloads went through generated types");
}

/// The JSON bodies of the HTTP responses in a docs page.
pub fn response_bodies(page: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = page;
    while let Some(start) = rest.find("```http\nHTTP/1.1") {
        let block = &rest[start + 8..];
        let end = block.find("\n```").unwrap_or(block.len());
        let body = &block[..end];
        if let Some(json_start) = body.find('{') {
            out.push(body[json_start..].to_string());
        }
        rest = &block[end..];
    }
    out
}

#[test]
fn the_seed_sessions_responses_round_trip() {
    let Some(shared) = tests::shared_dir() else { return };
    let page = std::fs::read_to_string(shared.join("seeds/004_968abc579a38aa9e.txt")).unwrap();
    let bodies = response_bodies(&page);
    assert_eq!(bodies.len(), 2);
    for (i, body) in bodies.iter().enumerate() {
        let sessions: Collection<Session> = round_trip(&format!("seed response {i}"), body);
        assert!(sessions.next_link.is_some());
    }
}
