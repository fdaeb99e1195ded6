//! Loading a document with the documents its `edmx:Reference`s point at: relative URIs beside
//! the referring file (recursively; documents that reference each other are loaded once),
//! `--reference URI=FILE` for any URI, and by URL from the main document's origin when it was
//! itself fetched. References to the OASIS standard vocabularies need nothing: their types are
//! built into the generator. What cannot be loaded is left to the library to judge (a warning
//! when only annotation terms come from it, an error where a type does) with a note here on why.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// `--reference URI=FILE`: where to read a referenced document from.
#[derive(Debug, Clone, Default)]
pub struct References(pub Vec<(String, PathBuf)>);

impl References {
    /// Parses `URI=FILE` arguments (the URI may itself hold `=`: the last one separates).
    pub fn parse(args: &[String]) -> Result<Self, String> {
        let mut out = Vec::new();
        for a in args {
            match a.rsplit_once('=') {
                Some((uri, file)) if !uri.is_empty() && !file.is_empty() => {
                    out.push((uri.to_string(), PathBuf::from(file)));
                }
                _ => return Err(format!("--reference {a:?}: expected URI=FILE")),
            }
        }
        Ok(References(out))
    }

    /// The file mapped to a reference, by its URI as written or as resolved.
    fn file_for(&self, uri: &str, resolved: &str) -> Option<&Path> {
        self.0.iter().find(|(u, _)| u == uri || *u == resolved).map(|(_, f)| f.as_path())
    }
}

/// Downloads a URL (only `metadata update --from URL` has one).
pub type Fetch<'a> = &'a dyn Fn(&str) -> Result<Vec<u8>, String>;

/// A main document and every document it references that could be loaded.
#[derive(Debug, Default)]
pub struct Loaded {
    /// (name, bytes), the main document first. Names are what references resolve to.
    pub documents: Vec<(String, Vec<u8>)>,
    /// Why a referenced document was not loaded, one line each.
    pub notes: Vec<String>,
}

impl Loaded {
    /// The documents as the library takes them.
    pub fn set(&self) -> Vec<codegen::Document<'_>> {
        self.documents.iter().map(|(name, bytes)| codegen::Document { name: name.clone(), bytes }).collect()
    }

    /// Names documents below `root` relative to it, so diagnostics do not show where the
    /// workspace is (references resolve the same: they are relative to their referrer).
    pub fn relative_to(&mut self, root: &Path) {
        let root = root.display().to_string();
        let prefix = format!("{}/", root.trim_end_matches('/'));
        // All or none: a reference from a renamed document to one that is not renamed would
        // no longer resolve.
        if !self.documents.iter().all(|(name, _)| name.starts_with(&prefix)) {
            return;
        }
        for (name, _) in &mut self.documents {
            if let Some(rest) = name.strip_prefix(&prefix) {
                *name = rest.to_string();
            }
        }
    }

    /// Prints the notes as warnings.
    pub fn print_notes(&self) {
        for n in &self.notes {
            eprintln!("warning: {n}");
        }
    }
}

/// Loads `main` (already read, named `name`) and what it references.
pub fn load(name: &str, main: Vec<u8>, refs: &References, fetch: Option<Fetch<'_>>) -> Loaded {
    let mut loaded = Loaded::default();
    let origin = url_origin(name);
    let mut queue = vec![(name.to_string(), decode(main))];
    let mut known: BTreeMap<String, ()> = BTreeMap::new();
    known.insert(name.to_string(), ());
    while let Some((doc_name, bytes)) = queue.pop() {
        for r in codegen::documents::references(&doc_name, &bytes) {
            if known.contains_key(&r.resolved) {
                continue;
            }
            let mapped = refs.file_for(&r.uri, &r.resolved);
            if mapped.is_none() && r.built_in {
                continue;
            }
            known.insert(r.resolved.clone(), ());
            let got = match mapped {
                Some(file) => {
                    std::fs::read(file).map_err(|e| format!("cannot read {} (--reference): {e}", file.display()))
                }
                None if is_url(&r.resolved) => match (fetch, &origin) {
                    (Some(f), Some(o)) if url_origin(&r.resolved).as_ref() == Some(o) => f(&r.resolved),
                    (Some(_), _) => Err(format!(
                        "not fetched: {} is not on the origin of the main document; map it with --reference {}=FILE",
                        r.resolved, r.uri
                    )),
                    (None, _) => Err(format!("a remote document; map it to a file with --reference {}=FILE", r.uri)),
                },
                // An absolute path (`/sap/opu/...`) is relative to the server the document came
                // from, not to this machine: only a mapping or a download can supply it.
                None if r.uri.trim_start().starts_with('/') => {
                    Err(format!("a path on the service's host; map it to a file with --reference {}=FILE", r.uri))
                }
                None => std::fs::read(&r.resolved).map_err(|e| format!("cannot read {}: {e}", r.resolved)),
            };
            match got {
                Ok(b) => queue.push((r.resolved.clone(), decode(b))),
                // A missing file or a remote document is judged by the library (a warning when
                // only annotation terms come from it, an error at each type it should supply);
                // what went wrong with a mapping or a download is said here.
                Err(why) if mapped.is_some() || fetch.is_some() => {
                    loaded.notes.push(format!("reference {} in {doc_name} not loaded: {why}", r.uri))
                }
                Err(_) => {}
            }
        }
        loaded.documents.push((doc_name, bytes));
    }
    // The main document first, the rest by name: the same set whatever order they were found in.
    loaded.documents[1..].sort_by(|a, b| a.0.cmp(&b.0));
    loaded
}

/// Reads a service document and what it references, then each annotation document and what it
/// references: one set, each document once, by name or by content (an annotation document that
/// references the service document finds it already loaded).
pub fn load_with_annotations(path: &Path, annotations: &[PathBuf], refs: &References) -> Result<Loaded, String> {
    let mut loaded = load_file(path, refs)?;
    for a in annotations {
        let more = load_file(a, refs).map_err(|e| format!("{e} (--annotations)"))?;
        loaded.notes.extend(more.notes);
        for (name, bytes) in more.documents {
            // The same document reached by another name (`./metadata.xml`, a symlink) is the
            // same document: by name or by content, it is read once.
            if !loaded.documents.iter().any(|(n, b)| *n == name || *b == bytes) {
                loaded.documents.push((name, bytes));
            }
        }
    }
    // The main document first, the rest by name, as `load` leaves them.
    if let Some(rest) = loaded.documents.get_mut(1..) {
        rest.sort_by(|a, b| a.0.cmp(&b.0));
    }
    Ok(loaded)
}

/// Reads a file and what it references.
pub fn load_file(path: &Path, refs: &References) -> Result<Loaded, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(load(&path.display().to_string(), bytes, refs, None))
}

fn is_url(s: &str) -> bool {
    let head = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    head.starts_with("http://") || head.starts_with("https://")
}

/// `scheme://host:port` of a URL.
fn url_origin(s: &str) -> Option<String> {
    if !is_url(s) {
        return None;
    }
    let after = s.find("://")? + 3;
    let end = s[after..].find(['/', '?', '#']).map_or(s.len(), |i| after + i);
    Some(s[..end].to_ascii_lowercase())
}

/// A UTF-16 document (told by its byte order mark) as UTF-8; anything else as it is. The
/// library reads UTF-8 only and says so for UTF-16 input; decoding here keeps a user's file
/// working, with line and column numbers unchanged.
pub fn decode(bytes: Vec<u8>) -> Vec<u8> {
    let little = match bytes.get(..2) {
        Some([0xFF, 0xFE]) => true,
        Some([0xFE, 0xFF]) => false,
        _ => return bytes,
    };
    let units = bytes[2..].chunks_exact(2).map(|c| {
        if little {
            u16::from_le_bytes([c[0], c[1]])
        } else {
            u16::from_be_bytes([c[0], c[1]])
        }
    });
    let text: String = char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)).collect();
    text.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_with_a_byte_order_mark_is_decoded() {
        let text = "<a>\u{e9}</a>";
        let mut le = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let mut be = vec![0xFE, 0xFF];
        be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(decode(le), text.as_bytes());
        assert_eq!(decode(be), text.as_bytes());
        assert_eq!(decode(text.as_bytes().to_vec()), text.as_bytes());
    }

    #[test]
    fn reference_arguments() {
        let r = References::parse(&["http://h/x?a=b=v.xml".to_string()]).unwrap();
        assert_eq!(r.0[0], ("http://h/x?a=b".to_string(), PathBuf::from("v.xml")));
        assert!(References::parse(&["novalue".to_string()]).is_err());
        assert_eq!(url_origin("HTTPS://Host:8080/a/b"), Some("https://host:8080".to_string()));
    }
}
