//! The one place that turns wire names into Rust identifiers: heck for the case, keyword
//! escaping, and deterministic resolution when two wire names give one Rust name.

use std::collections::BTreeMap;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Words that are keywords in some edition; `r#` makes them usable as identifiers.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false", "fn", "for", "gen",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static", "struct",
    "trait", "true", "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "crate", "super", "_"];

/// Rust identifiers are Unicode XID; CSDL names are letters and digits in the wider sense
/// (`char::is_alphabetic` also admits marks such as U+0345), so anything else becomes `_` and a
/// name that cannot start an identifier gets a leading `_`.
fn xid(s: String) -> String {
    if s.chars().all(|c| c == '_' || unicode_ident::is_xid_continue(c))
        && s.chars().next().is_none_or(|c| c == '_' || unicode_ident::is_xid_start(c))
    {
        return s;
    }
    let mut out: String = s.chars().map(|c| if unicode_ident::is_xid_continue(c) { c } else { '_' }).collect();
    if out.chars().next().is_some_and(|c| c != '_' && !unicode_ident::is_xid_start(c)) {
        out.insert(0, '_');
    }
    out
}

/// A field, parameter or module name: snake_case; keywords as `r#kw`; `self`, `crate`,
/// `super` with a trailing `_`.
pub fn snake(wire: &str) -> String {
    let mut s = xid(wire.to_snake_case());
    if s.is_empty() {
        s = "value".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    if NOT_RAW.contains(&s.as_str()) {
        s.push('_');
    } else if KEYWORDS.contains(&s.as_str()) {
        s.insert_str(0, "r#");
    }
    s
}

/// A type or variant name: UpperCamelCase; `Self` becomes `SelfType` (it cannot be raw).
pub fn pascal(wire: &str, suffix_for_self: &str) -> String {
    let mut s = xid(wire.to_upper_camel_case());
    if s.starts_with('_') {
        // UpperCamelCase names do not start with `_`.
        s.replace_range(..1, "N");
    }
    if s.is_empty() {
        s = "Value".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'N');
    }
    if s == "Self" {
        s.push_str(suffix_for_self);
    }
    s
}

/// Names the generated crates define at their root, which no module or service type may take:
/// the client re-exports the model as `model` and the runtime's client types; generated code
/// names these crates by path.
pub const CRATE_ROOT_ITEMS: &[&str] = &[
    "model",
    "client",
    "runtime",
    "odata_runtime",
    "std",
    "core",
    "alloc",
    "serde",
    "serde_json",
    "http",
    "Client",
    "ClientBuilder",
    "Error",
    "Request",
    "ServiceError",
    "TokenProvider",
    "Transport",
    "Collection",
];

/// The first of `base`, `base2`, `base3`, ... (`base_2`, ... in snake case) that `taken` does not
/// hold: the one way every naming decision finds a free name. A trailing `_` of an escaped
/// name is not doubled (`self_` -> `self_2`), so the result stays lint-clean.
pub fn free(base: &str, snake_case: bool, taken: impl Fn(&str) -> bool) -> String {
    free_with(base, if snake_case { "_" } else { "" }, taken)
}

/// [`free`] with the number joined by `separator` (`-` for cargo feature names).
pub fn free_with(base: &str, separator: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(bare(base)) {
        return base.to_string();
    }
    let stem = bare(base).trim_end_matches('_');
    (2..).map(|n| format!("{stem}{separator}{n}")).find(|name| !taken(name)).unwrap_or_else(|| stem.to_string())
}

/// The identifier without a raw prefix, for building derived names.
pub fn bare(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// Gives each wire name a unique Rust name. `reserved` names are taken first (in order).
/// Then, among wire names that give the same identifier, the one already spelled as that
/// identifier (`query_string` for `query_string`, `Value` for `Value`) keeps it, and the rest
/// follow in byte order with `2`, `3`, ... (`_2` for snake case). A name thus depends only on
/// the wire names that collide with it, never on document order or on unrelated names.
pub fn unique(
    wires: &[&str],
    reserved: &[String],
    convert: impl Fn(&str) -> String,
    snake_case: bool,
) -> BTreeMap<String, String> {
    let mut taken: Vec<String> = reserved.to_vec();
    let mut sorted: Vec<(bool, &str, String)> = wires
        .iter()
        .map(|w| {
            let base = convert(w);
            (bare(&base) != *w, *w, base)
        })
        .collect();
    sorted.sort_unstable();
    sorted.dedup_by(|a, b| a.1 == b.1);
    let mut out = BTreeMap::new();
    for (_, w, base) in sorted {
        let name = free(&base, snake_case, |n| taken.iter().any(|t| bare(t) == n));
        taken.push(name.clone());
        out.insert(w.to_string(), name);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_names_become_valid_identifiers() {
        let cases = [
            ("type", "r#type", "Type"),
            ("self", "self_", "SelfType"),
            ("Self", "self_", "SelfType"),
            ("crate", "crate_", "Crate"),
            ("super", "super_", "Super"),
            ("iOS", "i_os", "IOs"),
            ("wifi80211ax", "wifi80211ax", "Wifi80211ax"),
            ("organizer_v2", "organizer_v2", "OrganizerV2"),
            ("participants_v2", "participants_v2", "ParticipantsV2"),
            ("HTTPStatusCode", "http_status_code", "HttpStatusCode"),
            ("callRecords", "call_records", "CallRecords"),
            ("frequency24GHz", "frequency24_g_hz", "Frequency24GHz"),
            ("_private", "private", "Private"),
            ("async", "r#async", "Async"),
            ("\u{345}mark", "_\u{345}mark", "\u{399}mark"),
            ("caf\u{e9}", "caf\u{e9}", "Caf\u{e9}"),
        ];
        for (wire, field, ty) in cases {
            assert_eq!(snake(wire), field, "{wire}");
            assert_eq!(pascal(wire, "Type"), ty, "{wire}");
            syn::parse_str::<syn::Ident>(&snake(wire)).unwrap_or_else(|e| panic!("{wire}: {e}"));
            syn::parse_str::<syn::Ident>(&pascal(wire, "Type")).unwrap_or_else(|e| panic!("{wire}: {e}"));
        }
    }

    #[test]
    fn collisions_resolve_by_spelling_then_wire_name_order() {
        let names = unique(&["httpStatusCode", "HTTPStatusCode", "value", "Value"], &[], snake, true);
        assert_eq!(names["HTTPStatusCode"], "http_status_code");
        assert_eq!(names["httpStatusCode"], "http_status_code_2");
        // `value` is already spelled as the identifier: it keeps it.
        assert_eq!(names["value"], "value");
        assert_eq!(names["Value"], "value_2");
        // The same set in another order gives the same names.
        let again = unique(&["Value", "value", "HTTPStatusCode", "httpStatusCode"], &[], snake, true);
        assert_eq!(names, again);
        // Real Graph collisions: the snake-case property keeps the plain field name whether or
        // not its camel-case twin exists.
        let graph = unique(&["queryString", "query_string"], &[], snake, true);
        assert_eq!((graph["query_string"].as_str(), graph["queryString"].as_str()), ("query_string", "query_string_2"));
        assert_eq!(unique(&["query_string"], &[], snake, true)["query_string"], "query_string");
        let members = unique(&["remoteControlSoftware", "remote_Control_Software"], &[], |w| pascal(w, "Value"), false);
        assert_eq!(members["remoteControlSoftware"], "RemoteControlSoftware");
        assert_eq!(members["remote_Control_Software"], "RemoteControlSoftware2");
        let reserved = unique(&["extra"], &["extra".to_string()], snake, true);
        assert_eq!(reserved["extra"], "extra_2");
        let kw = unique(&["type", "Type"], &[], snake, true);
        assert_eq!((kw["type"].as_str(), kw["Type"].as_str()), ("r#type", "type_2"));
        // An escaped keyword that collides gets a lint-clean suffix, not `self__2`.
        let s = unique(&["self", "self_"], &[], snake, true);
        assert_eq!((s["self_"].as_str(), s["self"].as_str()), ("self_", "self_2"));
        for n in s.values() {
            assert!(!n.contains("__"), "{n}");
        }
    }
}
