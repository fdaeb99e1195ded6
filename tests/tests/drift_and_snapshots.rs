//! The committed generated crates are what the metadata produces (the drift check of
//! `cargo xtask codegen --check`, run in `cargo test`), and a snapshot of each fixture's output.

use xtask::codegen::{differences, embedded_jobs, fixture_jobs};

#[test]
fn committed_generated_crates_match_the_metadata() {
    let root = tests::workspace_root();
    let jobs = embedded_jobs(&root).expect("metadata/codegen.json");
    let mut report = Vec::new();
    for job in &jobs {
        let loaded = xtask::load::load_with_annotations(&job.metadata, &job.annotations, &Default::default()).unwrap();
        let generated = codegen::generate_set(&loaded.set(), &job.options).unwrap_or_else(|e| panic!("{e}"));
        for (path, _, _) in differences(&job.out, &generated.files) {
            report.push(format!("{}/{path}", job.out.display()));
        }
    }
    assert!(report.is_empty(), "stale generated files (run `cargo xtask codegen`):\n{}", report.join("\n"));
}

#[test]
fn generation_is_deterministic_and_independent_of_document_order() {
    let root = tests::workspace_root();
    let job = &embedded_jobs(&root).unwrap()[0];
    let bytes = std::fs::read(&job.metadata).unwrap();
    let a = codegen::generate("m", &bytes, &job.options).unwrap().files;
    let b = codegen::generate("m", &bytes, &job.options).unwrap().files;
    assert_eq!(a, b);
    // The same schema with its top-level elements in reverse order gives the same crate.
    let text = String::from_utf8(bytes).unwrap();
    let reversed = reverse_schema_children(&text);
    assert_ne!(reversed, text);
    let c = codegen::generate("m", reversed.as_bytes(), &job.options).unwrap().files;
    assert_eq!(a, c);
}

/// Reverses the order of the direct children of every `<Schema>` (each starts on a line
/// indented by six spaces and ends at the next such line).
fn reverse_schema_children(text: &str) -> String {
    let mut out = String::new();
    let mut children: Vec<String> = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        let l = format!("{line}\n");
        if line.trim_start().starts_with("<Schema ") {
            inside = true;
            out.push_str(&l);
            continue;
        }
        if line.trim_start().starts_with("</Schema>") {
            children.reverse();
            out.push_str(&children.concat());
            children.clear();
            inside = false;
            out.push_str(&l);
            continue;
        }
        if !inside {
            out.push_str(&l);
        } else if line.starts_with("      <") && !line.starts_with("      </") {
            children.push(l);
        } else if let Some(last) = children.last_mut() {
            last.push_str(&l);
        } else {
            out.push_str(&l);
        }
    }
    out
}

#[test]
fn fixture_output_snapshots() {
    let root = tests::workspace_root();
    for job in fixture_jobs(&root) {
        let name = job.metadata.file_stem().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&job.metadata).unwrap();
        let generated = codegen::generate(&name, &bytes, &job.options).unwrap_or_else(|e| panic!("{name}: {e}"));
        for (path, text) in &generated.files {
            if path.ends_with(".rs") {
                let snapshot = format!("{name}__{}", snapshot_name(path));
                insta::assert_snapshot!(snapshot, text);
            }
        }
    }
}

#[test]
fn call_records_snapshots() {
    let root = tests::workspace_root();
    let job = &embedded_jobs(&root).unwrap()[0];
    let loaded = xtask::load::load_with_annotations(&job.metadata, &job.annotations, &Default::default()).unwrap();
    let generated = codegen::generate_set(&loaded.set(), &job.options).unwrap();
    for (path, text) in &generated.files {
        if path.ends_with(".rs") {
            insta::assert_snapshot!(snapshot_name(path), text);
        }
    }
}

/// `callrecords-model/src/call_records.rs` -> `callrecords-model__call_records`.
fn snapshot_name(path: &str) -> String {
    let crate_dir = path.split('/').next().unwrap_or(path);
    let file = path.rsplit('/').next().unwrap_or(path).trim_end_matches(".rs");
    format!("{crate_dir}__{file}")
}
