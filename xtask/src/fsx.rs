//! File writing that never leaves a half-written state behind.

use std::path::{Path, PathBuf};

/// Writes every file to a temporary sibling first, then renames them all into place, so a
/// failure before the renames changes nothing.
pub fn write_all_atomic(files: &[(PathBuf, Vec<u8>)]) -> Result<(), String> {
    let mut staged = Vec::new();
    for (path, bytes) in files {
        if std::fs::read(path).is_ok_and(|old| &old == bytes) {
            continue; // unchanged: not rewritten, so its timestamp stays
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let tmp = dir.join(format!(".{}.tmp", path.file_name().and_then(|n| n.to_str()).unwrap_or("file")));
        if let Err(e) = std::fs::write(&tmp, bytes) {
            for (t, _) in &staged {
                let _ = std::fs::remove_file(t);
            }
            return Err(format!("cannot write {}: {e}", tmp.display()));
        }
        staged.push((tmp, path.clone()));
    }
    for (tmp, path) in staged {
        std::fs::rename(&tmp, &path).map_err(|e| format!("cannot replace {}: {e}", path.display()))?;
    }
    Ok(())
}
