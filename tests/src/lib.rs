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
