//! `metadata update` end to end: the real schema history served over loopback HTTP into a
//! scratch workspace; the diff, the version bump, the changelog, the regenerated crates, and
//! nothing written when a step fails.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Serves `files` (URL path -> bytes) on 127.0.0.1 for `requests` requests; returns the base URL.
fn serve(files: Vec<(String, Vec<u8>)>, requests: usize) -> String {
    let server = tiny_http::Server::http("127.0.0.1:0").expect("loopback server");
    let base = format!("http://{}", server.server_addr().to_ip().expect("ip address"));
    std::thread::spawn(move || {
        for _ in 0..requests {
            let Ok(Some(req)) = server.recv_timeout(std::time::Duration::from_secs(30)) else { return };
            let hit = files.iter().find(|(p, _)| p == req.url());
            let _ = match hit {
                Some((_, body)) => req.respond(tiny_http::Response::from_data(body.clone())),
                None => req.respond(tiny_http::Response::from_string("no such file").with_status_code(404)),
            };
        }
    });
    base
}

fn scratch_workspace(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("odata-update-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("metadata")).unwrap();
    let settings = r#"{"crate_prefix": "callrecords", "namespace": "microsoft.graph.callRecords", "version": "0.1.0"}"#;
    std::fs::write(dir.join("metadata/codegen.json"), settings).unwrap();
    dir
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn update_walks_the_real_history_over_http() {
    let Some(shared) = tests::shared_dir() else { return };
    let docs: Vec<(String, Vec<u8>)> =
        ["graph-beta-2020-02-26.xml", "graph-beta-2020-08-04.xml", "graph-beta-2021-07-13.xml"]
            .iter()
            .map(|f| (format!("/{f}"), std::fs::read(shared.join("metadata").join(f)).unwrap()))
            .collect();
    let base = serve(docs, 3);
    let ws = scratch_workspace("history");
    let run = |file: &str| xtask::update::run(&ws, &format!("{base}/{file}"), None, &Default::default());

    assert_eq!(run("graph-beta-2020-02-26.xml"), ExitCode::SUCCESS);
    assert!(read(&ws.join("generated/callrecords-model/src/call_records.rs")).contains("pub struct CallRecord"));
    let first = read(&ws.join("metadata/metadata.xml"));
    assert!(!first.contains("pstnCallLogRow"));

    // 2020-08: new types, operations and members, all additive -> patch.
    assert_eq!(run("graph-beta-2020-08-04.xml"), ExitCode::SUCCESS);
    let settings = read(&ws.join("metadata/codegen.json"));
    assert!(settings.contains("\"version\": \"0.1.1\""), "{settings}");
    let log = read(&ws.join("metadata/CHANGELOG.md"));
    assert!(log.starts_with("# Changelog\n\n## 0.1.1\n"), "{log}");
    assert!(log.contains("`microsoft.graph.callRecords.serviceRole/voicemail`"), "{log}");
    assert!(log.contains("`microsoft.graph.callRecords.getPstnCalls`"), "{log}");
    assert!(!log.contains("### Breaking"), "{log}");
    let model_toml = read(&ws.join("generated/callrecords-model/Cargo.toml"));
    assert!(model_toml.contains("version = \"0.1.1\""), "{model_toml}");
    assert_eq!(read(&ws.join("generated/callrecords-model/CHANGELOG.md")), log);
    assert!(read(&ws.join("generated/callrecords-model/src/call_records.rs")).contains("pub struct PstnCallLogRow"));

    // 2021-07: identitySet gains its first derived types (breaking for 0.x -> minor).
    assert_eq!(run("graph-beta-2021-07-13.xml"), ExitCode::SUCCESS);
    assert!(read(&ws.join("metadata/codegen.json")).contains("\"version\": \"0.2.0\""));
    let log = read(&ws.join("metadata/CHANGELOG.md"));
    assert!(log.starts_with("# Changelog\n\n## 0.2.0\n"), "{log}");
    assert!(log.contains("## 0.1.1"), "the older entry stays below");
    assert!(log.contains("`microsoft.graph.callRecords.pstnCallLogRow/callDurationSource`"), "{log}");
    // A breaking change says what a user must change.
    assert!(log.contains("`microsoft.graph.identitySet`: first derived type"), "{log}");
    assert!(log.contains("To do: fields typed with the type now hold its `Any*` enum"), "{log}");
    // The result is what the committed metadata/ holds (same source document).
    let committed = read(&tests::workspace_root().join("metadata/metadata.xml"));
    assert_eq!(read(&ws.join("metadata/metadata.xml")), committed);
    let _ = std::fs::remove_dir_all(&ws);
}

#[test]
fn a_failed_download_writes_nothing() {
    let ws = scratch_workspace("failure");
    let base = serve(Vec::new(), 1);
    let code = xtask::update::run(&ws, &format!("{base}/missing.xml"), None, &Default::default());
    assert_eq!(code, ExitCode::from(2));
    assert!(!ws.join("metadata/metadata.xml").exists());
    assert!(!ws.join("generated").exists());

    // A document that does not read is an error too, with nothing written.
    let bad = ws.join("bad.xml");
    std::fs::write(&bad, "<edmx:Edmx Version=\"4.0\"><edmx:DataServices>").unwrap();
    assert_eq!(xtask::update::run(&ws, bad.to_str().unwrap(), None, &Default::default()), ExitCode::from(1));
    assert!(!ws.join("metadata/metadata.xml").exists());
    let _ = std::fs::remove_dir_all(&ws);
}

#[test]
fn update_keeps_the_annotation_documents_and_applies_them_to_the_new_schema() {
    let Some(shared) = tests::shared_dir() else { return };
    let ws = scratch_workspace("annotations");
    let restrictions = read(&tests::workspace_root().join("metadata/callrecords-restrictions.xml"));
    std::fs::write(ws.join("metadata/callrecords-restrictions.xml"), &restrictions).unwrap();
    let settings = r#"{"crate_prefix": "callrecords", "namespace": "microsoft.graph.callRecords", "version": "0.1.0",
        "key_as_segment": true, "annotations": ["callrecords-restrictions.xml"]}"#;
    std::fs::write(ws.join("metadata/codegen.json"), settings).unwrap();

    let from = shared.join("metadata/graph-beta-2020-08-04.xml");
    let code = xtask::update::run(&ws, &from.display().to_string(), None, &Default::default());
    assert_eq!(code, ExitCode::SUCCESS);
    // The annotation document stays as it was, and the settings still name it.
    assert_eq!(read(&ws.join("metadata/callrecords-restrictions.xml")), restrictions);
    assert!(read(&ws.join("metadata/codegen.json")).contains("callrecords-restrictions.xml"));
    // The client regenerated from the new schema offers what Graph serves: reads, no writes.
    let paths = read(&ws.join("generated/callrecords-client/src/call_records.rs"));
    assert!(paths.contains("pub fn get(") && paths.contains("pub fn get_pstn_calls("));
    for write in ["pub fn create(", "pub fn update(", "pub fn replace(", "pub fn delete("] {
        assert!(!paths.contains(write), "{write} is generated");
    }
    let _ = std::fs::remove_dir_all(&ws);
}
