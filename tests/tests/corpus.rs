//! The third-party corpus (`tests/fixtures/services/`, sources in its README): every real
//! document reads without errors, generates both crates split into features with every
//! namespace, and gives byte-identical crates when every list of its elements is reversed.
//! `.ci/run` compiles what this generates with `-D warnings`.

use std::path::{Path, PathBuf};

use codegen::emit::{CrateOptions, Files};
use xtask::load::{load_file, References};

fn corpus_dir() -> PathBuf {
    tests::workspace_root().join("tests/fixtures/services")
}

/// Every main document: the top-level files and, in each subdirectory, the one that no other
/// file of the subdirectory references (they reference each other by relative `Uri`).
pub fn main_documents() -> Vec<PathBuf> {
    let dir = corpus_dir();
    let mut out: Vec<PathBuf> = Vec::new();
    for e in std::fs::read_dir(&dir).expect("corpus directory").flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "xml") {
            out.push(p);
        }
    }
    for sub in ["odatanet-model-ref/ODataModelRefServiceCsdl.xml", "olingo-trippin/trippin.xml"] {
        out.push(dir.join(sub));
    }
    out.sort();
    out
}

/// The two documents whose types come from a remote document, mapped to the local copy as a
/// user does with `--reference URI=FILE`.
fn references() -> References {
    let dir = corpus_dir();
    References(vec![
        (
            "http://localhost:${tomcat.servlet.port}/stub/StaticService/V40/NorthWindExt.svc/$metadata".to_string(),
            dir.join("olingo-fit-northwind-ext.xml"),
        ),
        (
            "https://sap.github.io/odata-vocabularies/vocabularies/Common.xml".to_string(),
            dir.join("sap-vocabulary-common.xml"),
        ),
    ])
}

fn options(prefix: &str) -> codegen::Options {
    let mut crate_options = CrateOptions::new(prefix, "../../runtime", false);
    crate_options.features = true;
    codegen::Options { namespace: None, crate_options }
}

fn stem(p: &Path) -> String {
    p.file_stem().unwrap().to_string_lossy().replace('.', "-").to_lowercase()
}

fn generate(main: &Path, reversed: bool) -> Files {
    let loaded = load_file(main, &references()).expect("readable");
    let set = loaded.set();
    let result = if reversed {
        codegen::generate_set_with(&set, &options(&stem(main)), &mut tests::reverse_document)
    } else {
        codegen::generate_set(&set, &options(&stem(main)))
    };
    match result {
        Ok(g) => {
            assert!(!g.diagnostics.has_errors(), "{}", main.display());
            g.files
        }
        Err(e) => panic!("{}: {e}", main.display()),
    }
}

#[test]
fn the_corpus_holds_many_producers() {
    let docs = main_documents();
    assert!(docs.len() >= 30, "{} documents", docs.len());
    let names: Vec<String> = docs.iter().map(|d| stem(d)).collect();
    for producer in ["trippin", "northwind", "sap-rap", "cap-", "olingo", "business-central", "odatanet"] {
        assert!(names.iter().any(|n| n.contains(producer)), "no {producer} document");
    }
}

#[test]
fn every_document_generates_and_reordering_changes_nothing() {
    for main in main_documents() {
        let files = generate(&main, false);
        assert!(files.keys().any(|k| k.ends_with("-model/src/lib.rs")), "{}", main.display());
        let again = generate(&main, true);
        let differing: Vec<&String> = files.iter().filter(|(k, v)| again.get(*k) != Some(v)).map(|(k, _)| k).collect();
        if let Some(k) = differing.first() {
            let diff = similar::TextDiff::from_lines(files[*k].as_str(), again[*k].as_str());
            eprintln!("{}", diff.unified_diff().context_radius(1));
        }
        assert!(differing.is_empty(), "{}: reordered input changes {differing:?}", main.display());
        assert_eq!(files.len(), again.len(), "{}", main.display());
    }
}

#[test]
fn documents_that_reference_each_other_are_one_model() {
    let dir = corpus_dir();
    // The service container extends one in a referenced document; its types come from others.
    let main = dir.join("odatanet-model-ref/ODataModelRefServiceCsdl.xml");
    let loaded = load_file(&main, &References::default()).unwrap();
    assert!(loaded.documents.len() >= 5, "{:?}", loaded.documents.iter().map(|d| &d.0).collect::<Vec<_>>());
    let set = loaded.set();
    let (model, diags) = codegen::load_set(&set);
    assert!(!diags.has_errors(), "{diags:?}");
    let model = model.unwrap();
    let namespaces: Vec<&str> = model.schemas.iter().map(|s| &*s.namespace).collect();
    assert!(namespaces.iter().any(|n| n.ends_with(".GPS")), "{namespaces:?}");
    assert!(namespaces.iter().any(|n| n.ends_with(".Location")), "{namespaces:?}");
    let c = model.container.as_ref().expect("container");
    assert!(!c.entity_sets.is_empty() || !c.singletons.is_empty());
}

#[test]
fn a_remote_reference_needs_a_mapping_and_says_how_to_give_it() {
    let main = corpus_dir().join("olingo-fit-northwind.xml");
    let loaded = load_file(&main, &References::default()).unwrap();
    let set = loaded.set();
    let (_, diags) = codegen::load_set(&set);
    let first = diags.iter().find(|d| d.is_error()).expect("a located error");
    assert!(first.message.contains("--reference http://localhost:"), "{}", first.message);
    assert!(first.line > 0 && first.file.ends_with("olingo-fit-northwind.xml"), "{first}");
    // With the mapping it generates.
    let loaded = load_file(&main, &references()).unwrap();
    assert_eq!(loaded.documents.len(), 2);
    assert!(codegen::generate_set(&loaded.set(), &options("nw")).is_ok());
}

#[test]
fn byte_order_marks_and_crlf_read_like_plain_utf8() {
    let main = corpus_dir().join("odatanet-e2e-default.xml");
    let bytes = std::fs::read(&main).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF") && bytes.windows(2).any(|w| w == b"\r\n"));
    let plain = String::from_utf8(bytes[3..].to_vec()).unwrap().replace("\r\n", "\n");
    let (a, da) = codegen::load("a.xml", &bytes);
    let (b, db) = codegen::load("a.xml", plain.as_bytes());
    assert!(!da.has_errors() && !db.has_errors());
    assert_eq!(codegen::model::write::write(&a.unwrap()), codegen::model::write::write(&b.unwrap()));
    // A diagnostic's column does not count the byte order mark.
    let bad = b"\xEF\xBB\xBF<edmx:Metadata/>";
    let (_, d) = codegen::load("b.xml", bad);
    let e = d.iter().find(|d| d.is_error()).unwrap();
    assert_eq!((e.line, e.column), (1, 1), "{e}");
    assert!(e.message.contains("wrong root element <edmx:Metadata>"), "{}", e.message);
}

/// Writes the corpus crates into `$CORPUS_OUT` for CI to compile with `-D warnings` (skipped
/// when it is not set: compiling them is CI's job, not the test command's).
#[test]
fn write_the_crates_for_ci() {
    let Some(out) = std::env::var_os("CORPUS_OUT").map(PathBuf::from) else {
        eprintln!("skipped: CORPUS_OUT not set");
        return;
    };
    let runtime = tests::workspace_root().join("runtime");
    for main in main_documents() {
        let loaded = load_file(&main, &references()).unwrap();
        let mut o = options(&stem(&main));
        o.crate_options =
            CrateOptions { features: true, ..CrateOptions::new(&stem(&main), &runtime.display().to_string(), true) };
        let g = codegen::generate_set(&loaded.set(), &o).unwrap();
        for (k, v) in &g.files {
            let p = out.join(k);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, v).unwrap();
        }
    }
}
