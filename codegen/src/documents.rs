//! Sets of documents: a main CSDL document and the documents its `edmx:Reference`s point at.
//!
//! The library never loads anything itself. A caller (the xtask) asks [`references`] what a
//! document points at, loads what it can, and hands every document to [`crate::load_set`]
//! named by where it was found; a reference is matched to a document by its URI resolved
//! against the referring document's name ([`resolve_uri`]). The types of the OASIS standard
//! vocabularies are built in ([`VOCABULARIES`]), so references to them need no document.

use std::collections::{BTreeMap, BTreeSet};

use crate::csdl::ast;

/// One document of a set, named by where it was found: a file path or a URL. The name is what
/// diagnostics show and what references are resolved against.
#[derive(Debug, Clone)]
pub struct Document<'s> {
    /// Path or URL.
    pub name: String,
    /// The document's bytes.
    pub bytes: &'s [u8],
}

/// The built-in type definitions of the OASIS standard vocabularies (terms left out), by
/// namespace: written from the published specifications, see `codegen/vocabularies/README.md`.
pub const VOCABULARIES: &[(&str, &str)] = &[
    ("Org.OData.Aggregation.V1", include_str!("../vocabularies/Org.OData.Aggregation.V1.xml")),
    ("Org.OData.Authorization.V1", include_str!("../vocabularies/Org.OData.Authorization.V1.xml")),
    ("Org.OData.Capabilities.V1", include_str!("../vocabularies/Org.OData.Capabilities.V1.xml")),
    ("Org.OData.Core.V1", include_str!("../vocabularies/Org.OData.Core.V1.xml")),
    ("Org.OData.JSON.V1", include_str!("../vocabularies/Org.OData.JSON.V1.xml")),
    ("Org.OData.Measures.V1", include_str!("../vocabularies/Org.OData.Measures.V1.xml")),
    ("Org.OData.Temporal.V1", include_str!("../vocabularies/Org.OData.Temporal.V1.xml")),
    ("Org.OData.Validation.V1", include_str!("../vocabularies/Org.OData.Validation.V1.xml")),
];

/// Namespaces of standard vocabularies that declare no types: a reference to them needs no
/// document either.
const TYPELESS_VOCABULARIES: &[&str] = &["Org.OData.Repeatability.V1"];

/// Whether the types of `namespace` are built in (or it has none).
pub fn is_standard_vocabulary(namespace: &str) -> bool {
    VOCABULARIES.iter().any(|(ns, _)| *ns == namespace) || TYPELESS_VOCABULARIES.contains(&namespace)
}

/// The name of the built-in document of a standard vocabulary, as diagnostics show it.
pub fn vocabulary_name(namespace: &str) -> String {
    format!("<built-in {namespace}>")
}

/// One `edmx:Reference` of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referenced {
    /// `Uri` as written.
    pub uri: String,
    /// The URI resolved against the referring document's name: the name the referenced
    /// document must have in the set.
    pub resolved: String,
    /// Namespaces it includes.
    pub namespaces: Vec<String>,
    /// Whether every included namespace is a standard vocabulary whose types are built in, so
    /// nothing needs to be loaded.
    pub built_in: bool,
}

/// What a document references (empty when it cannot be read; [`crate::load_set`] reports
/// why). Only the `edmx:Reference` elements are looked at: they come before
/// `edmx:DataServices`, so the scan stops there and costs next to nothing on a large document.
pub fn references(name: &str, bytes: &[u8]) -> Vec<Referenced> {
    use quick_xml::events::Event;
    let bytes = bytes.strip_prefix(crate::diag::UTF8_BOM).unwrap_or(bytes);
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    let attr = |e: &quick_xml::events::BytesStart<'_>, key: &str| -> Option<String> {
        e.attributes()
            .flatten()
            .find(|a| a.key.local_name().as_ref() == key)
            .and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok().map(|v| v.into_owned()))
    };
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match e.local_name().as_ref() {
                "Reference" => out.push((attr(&e, "Uri").unwrap_or_default(), Vec::new())),
                "Include" => {
                    if let (Some(last), Some(ns)) = (out.last_mut(), attr(&e, "Namespace")) {
                        last.1.push(ns);
                    }
                }
                "DataServices" => break,
                _ => {}
            },
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    out.into_iter()
        .map(|(uri, namespaces)| Referenced {
            resolved: resolve_uri(name, &uri),
            built_in: !namespaces.is_empty() && namespaces.iter().all(|n| is_standard_vocabulary(n)),
            uri,
            namespaces,
        })
        .collect()
}

/// Resolves a reference's URI against the name of the document that holds it: an absolute URI
/// (`scheme:...`) stays as it is; a relative one is joined to the referrer's directory, URL
/// or file path alike, with `.` and `..` segments removed (`dir/a.xml` + `../b.xml` ->
/// `b.xml`, `https://h/s/$metadata` + `x.xml` -> `https://h/s/x.xml`, `/abs` keeps only the
/// referrer's origin). A query or fragment of the referrer is not kept.
pub fn resolve_uri(base: &str, uri: &str) -> String {
    let uri = uri.trim();
    if has_scheme(uri) {
        return normalize_url(uri);
    }
    if has_scheme(base) {
        let base = base.split(['?', '#']).next().unwrap_or(base);
        // scheme://authority is the origin; the rest is the path.
        let after = base.find("://").map_or(0, |i| i + 3);
        let path_start = base[after..].find('/').map_or(base.len(), |i| after + i);
        let origin = &base[..path_start];
        if uri.starts_with("//") {
            let scheme = &base[..base.find(':').unwrap_or(0)];
            return normalize_url(&format!("{scheme}:{uri}"));
        }
        if let Some(abs) = uri.strip_prefix('/') {
            return format!("{origin}/{}", normalize_path(abs));
        }
        let dir = &base[path_start..base[path_start..].rfind('/').map_or(path_start, |i| path_start + i + 1)];
        let joined = format!("{}{}", dir.trim_start_matches('/'), uri);
        return format!("{origin}/{}", normalize_path(&joined));
    }
    if uri.starts_with('/') || base.is_empty() {
        return normalize_file(uri);
    }
    let dir = base.rfind(['/', '\\']).map_or("", |i| &base[..=i]);
    normalize_file(&format!("{dir}{uri}"))
}

fn has_scheme(s: &str) -> bool {
    match s.find(':') {
        // A one-letter "scheme" is a Windows drive (C:\...), not a URL.
        Some(i) if i > 1 => {
            s[..i].chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && s.starts_with(|c: char| c.is_ascii_alphabetic())
        }
        _ => false,
    }
}

fn normalize_url(url: &str) -> String {
    let after = url.find("://").map_or(0, |i| i + 3);
    let Some(path_start) = url[after..].find('/').map(|i| after + i) else { return url.to_string() };
    let (path, rest) = match url[path_start..].find(['?', '#']) {
        Some(i) => url[path_start..].split_at(i),
        None => (&url[path_start..], ""),
    };
    format!("{}/{}{rest}", &url[..path_start], normalize_path(path.trim_start_matches('/')))
}

/// Removes `.` and `..` segments (a `..` above the top is dropped, as URLs do).
fn normalize_path(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').collect();
    for (i, seg) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        match *seg {
            "." => {
                if last {
                    out.push("");
                }
            }
            ".." => {
                out.pop();
                if last {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    out.join("/")
}

/// A file path with `.` and `..` removed where they can be (a leading `..` stays).
fn normalize_file(path: &str) -> String {
    let absolute = path.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for seg in path.split(['/', '\\']) {
        match seg {
            "" | "." => {}
            ".." if out.last().is_some_and(|l| *l != "..") => {
                out.pop();
            }
            ".." if absolute => {}
            s => out.push(s),
        }
    }
    let joined = out.join("/");
    if absolute {
        format!("/{joined}")
    } else if joined.is_empty() {
        ".".to_string()
    } else {
        joined
    }
}

/// The built-in vocabulary types `docs` use directly (as property, navigation, parameter,
/// return, base or underlying types), qualified names split in namespace and name.
pub(crate) fn vocabulary_uses(docs: &[ast::Document<'_>]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for doc in docs {
        // The aliases that name a standard vocabulary; most documents have none, and then only
        // a fully qualified `Org.OData.` name can be a use.
        let mut aliases: Vec<(&str, &str)> = Vec::new();
        for r in &doc.references {
            for i in r.includes.iter().filter(|i| is_standard_vocabulary(&i.namespace)) {
                aliases.push((i.alias.as_deref().unwrap_or(&i.namespace), &i.namespace));
            }
        }
        for_each_type_name(doc, &mut |name| {
            if aliases.is_empty() && !name.starts_with("Org.OData.") {
                return;
            }
            let Some((prefix, local)) = name.rsplit_once('.') else { return };
            let ns = match aliases.iter().find(|(a, _)| *a == prefix) {
                Some((_, ns)) => *ns,
                None if prefix.starts_with("Org.OData.") && is_standard_vocabulary(prefix) => prefix,
                None => return,
            };
            out.push((ns.to_string(), local.to_string()));
        });
    }
    out
}

/// `uses` with the built-in types they need in turn (property, base and underlying types, and
/// the derived types that may stand where a needed type is declared).
pub(crate) fn needed_vocabulary_types(
    uses: Vec<(String, String)>,
    vocabularies: &[ast::Document<'_>],
) -> BTreeSet<(String, String)> {
    let mut needed = BTreeSet::new();
    let mut queue = uses;
    // Within the vocabularies every reference is written fully qualified.
    let mut by_name: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for v in vocabularies {
        for s in &v.schemas {
            let mut add = |name: &str, uses: Vec<String>| {
                by_name.insert((s.namespace.to_string(), name.to_string()), uses);
            };
            for t in s.complex_types.iter().chain(&s.entity_types) {
                let mut uses: Vec<String> = t.base_type.iter().map(|b| b.to_string()).collect();
                uses.extend(t.properties.iter().map(|p| p.ty.name.to_string()));
                uses.extend(t.navigation_properties.iter().map(|p| p.ty.name.to_string()));
                add(&t.name, uses);
            }
            for t in &s.type_definitions {
                add(&t.name, vec![t.underlying_type.to_string()]);
            }
            for t in &s.enum_types {
                add(&t.name, Vec::new());
            }
        }
    }
    while let Some(key) = queue.pop() {
        if needed.contains(&key) {
            continue;
        }
        if let Some(uses) = by_name.get(&key) {
            for u in uses {
                if let Some((ns, local)) = u.rsplit_once('.') {
                    if ns != "Edm" {
                        queue.push((ns.to_string(), local.to_string()));
                    }
                }
            }
            // Derived types may stand where a needed type is declared.
            for ((ns, name), uses) in &by_name {
                if uses.first().is_some_and(|b| *b == format!("{}.{}", key.0, key.1))
                    && !needed.contains(&(ns.clone(), name.clone()))
                {
                    queue.push((ns.clone(), name.clone()));
                }
            }
        }
        needed.insert(key);
    }
    needed
}

/// Calls `f` with every type name a document uses (collections unwrapped).
fn for_each_type_name(doc: &ast::Document<'_>, f: &mut dyn FnMut(&str)) {
    for s in &doc.schemas {
        for t in s.entity_types.iter().chain(&s.complex_types) {
            if let Some(b) = &t.base_type {
                f(b);
            }
            t.properties.iter().for_each(|p| f(&p.ty.name));
            t.navigation_properties.iter().for_each(|p| f(&p.ty.name));
        }
        for t in &s.type_definitions {
            f(&t.underlying_type);
        }
        for o in &s.operations {
            o.parameters.iter().for_each(|p| f(&p.ty.name));
            if let Some(r) = &o.return_type {
                f(&r.ty.name);
            }
        }
        for t in &s.terms {
            f(&t.ty.name);
        }
    }
}

/// Keeps only the `needed` types of a vocabulary document.
pub(crate) fn retain_types(doc: &mut ast::Document<'_>, needed: &BTreeSet<(String, String)>) {
    for s in &mut doc.schemas {
        let ns = s.namespace.to_string();
        let keep = |name: &str| needed.contains(&(ns.clone(), name.to_string()));
        s.complex_types.retain(|t| keep(&t.name));
        s.entity_types.retain(|t| keep(&t.name));
        s.enum_types.retain(|t| keep(&t.name));
        s.type_definitions.retain(|t| keep(&t.name));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_resolve_against_their_referrer() {
        let cases = [
            ("dir/main.xml", "./Products.xml", "dir/Products.xml"),
            ("dir/main.xml", "Products.xml", "dir/Products.xml"),
            ("dir/sub/main.xml", "../Products.xml", "dir/Products.xml"),
            ("main.xml", "../x/P.xml", "../x/P.xml"),
            ("/srv/m/main.xml", "../P.xml", "/srv/P.xml"),
            ("main.xml", "P.xml", "P.xml"),
            ("https://h.example/svc/$metadata", "P.xml", "https://h.example/svc/P.xml"),
            ("https://h.example/svc/$metadata", "../v/P.xml", "https://h.example/v/P.xml"),
            ("https://h.example/svc/$metadata", "/v/P.xml", "https://h.example/v/P.xml"),
            ("https://h.example/svc/$metadata?x=1", "./P.xml", "https://h.example/svc/P.xml"),
            ("main.xml", "https://h.example/a/./b/../V.xml", "https://h.example/a/V.xml"),
            ("https://h.example/svc/$metadata", "//other.example/V.xml", "https://other.example/V.xml"),
            ("C:\\data\\main.xml", "P.xml", "C:/data/P.xml"),
        ];
        for (base, uri, want) in cases {
            assert_eq!(resolve_uri(base, uri), want, "{base} + {uri}");
        }
    }

    #[test]
    fn vocabularies_are_standard() {
        assert!(is_standard_vocabulary("Org.OData.Core.V1"));
        assert!(is_standard_vocabulary("Org.OData.Repeatability.V1"));
        assert!(!is_standard_vocabulary("com.sap.vocabularies.Common.v1"));
    }
}
