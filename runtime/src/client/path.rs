//! Percent-encoding of path segments and function calls, so that no value can change the path
//! or the query of a URL.
//!
//! ```
//! use odata_runtime::client::literal::Literal;
//! use odata_runtime::client::path::{encode_segment, function_call};
//!
//! assert_eq!(encode_segment(&"a/b c".to_literal()), "'a%2Fb%20c'");
//! let call = function_call(
//!     "getPstnCalls",
//!     &[("fromDateTime", "2021-02-01T00:00:00Z".into()), ("toDateTime", "2021-02-02T00:00:00Z".into())],
//! );
//! assert_eq!(call, "getPstnCalls(fromDateTime=2021-02-01T00:00:00Z,toDateTime=2021-02-02T00:00:00Z)");
//! ```

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// What [`encode_segment`] encodes: everything but the unreserved characters (`A-Z a-z 0-9 - . _ ~`)
/// and the sub-delimiters OData literals and key predicates use: `' ( ) = , : @ $`.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'=')
    .remove(b',')
    .remove(b':')
    .remove(b'@')
    .remove(b'$');

/// What [`function_call`] encodes in a parameter value: as [`SEGMENT`], and also `(`, `)`, `,`
/// and `=`, which delimit the parameter list.
const PARAMETER: &AsciiSet = &SEGMENT.add(b'(').add(b')').add(b',').add(b'=');

/// Percent-encodes one path segment, e.g. a key value written as a segment
/// (`callRecords/{id}`) or a key predicate (`callRecords('{id}')`).
///
/// `/`, `?`, `#`, `%`, spaces, controls and non-ASCII characters (as UTF-8) are all encoded, so
/// nothing in `raw` can add a segment or start the query or the fragment. Unreserved characters
/// and `' ( ) = , : @ $` are kept, so literals read as in the OData docs.
///
/// A value of only dots (`.`, `..`) is a dot-segment that URL parsers remove, whatever its
/// encoding; [`Request::build`](super::Request::build) refuses a path holding one. Quoted
/// literals (`'..'`) and key predicates (`callRecords('..')`) are not affected.
pub fn encode_segment(raw: &str) -> String {
    utf8_percent_encode(raw, SEGMENT).to_string()
}

/// A function call segment: `name(p1=literal1,p2=literal2)`.
///
/// `params` are (parameter name, literal) pairs, the literals from
/// [`Literal::to_literal`](super::literal::Literal::to_literal). Each literal is
/// percent-encoded so that `/`, `?`, `#`, `%`, `&`, spaces, non-ASCII characters and also `(`,
/// `)`, `,` and `=` inside a string literal cannot end the parameter, the list or the segment.
/// The names are encoded as path segments.
pub fn function_call(name: &str, params: &[(&str, String)]) -> String {
    let mut out =
        String::with_capacity(name.len() + 2 + params.iter().map(|(n, v)| n.len() + v.len() + 2).sum::<usize>());
    out.extend(utf8_percent_encode(name, SEGMENT));
    out.push('(');
    for (i, (param, literal)) in params.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.extend(utf8_percent_encode(param, PARAMETER));
        out.push('=');
        out.extend(utf8_percent_encode(literal, PARAMETER));
    }
    out.push(')');
    out
}

/// A key predicate: `(literal)` for a single key, `(name1=literal1,name2=literal2)` for a
/// composite one (names are the key properties, or their aliases), each literal percent-encoded
/// as a function parameter is, so that no value can end the predicate, the segment or the path.
///
/// ```
/// use odata_runtime::client::path::key_predicate;
///
/// assert_eq!(key_predicate(&[("code", "'a''b'".into())]), "('a''b')");
/// assert_eq!(key_predicate(&[("year", "2024".into()), ("currency", "'U/S'".into())]), "(year=2024,currency='U%2FS')");
/// ```
pub fn key_predicate(parts: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(2 + parts.iter().map(|(n, v)| n.len() + v.len() + 2).sum::<usize>());
    out.push('(');
    if let [(_, single)] = parts {
        out.extend(utf8_percent_encode(single, PARAMETER));
    } else {
        for (i, (name, literal)) in parts.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.extend(utf8_percent_encode(name, PARAMETER));
            out.push('=');
            out.extend(utf8_percent_encode(literal, PARAMETER));
        }
    }
    out.push(')');
    out
}

#[doc(hidden)]
/// `Debug` for generated path structs (fields `client` and `path`): the URL they stand for.
/// Generated for the paths through which the service lets nothing be read, whose client no
/// method uses.
///
/// ```
/// #[derive(Clone)]
/// pub struct OrdersPath {
///     client: odata_runtime::client::Client,
///     path: String,
/// }
/// odata_runtime::__private::impl_path_debug!(OrdersPath);
/// # struct Offline;
/// # impl odata_runtime::client::Transport for Offline {
/// #     fn send(&self, _: http::Request<Vec<u8>>) -> odata_runtime::client::BoxFuture<'_, Result<http::Response<Vec<u8>>, odata_runtime::client::TransportError>> {
/// #         Box::pin(async { Err(odata_runtime::client::TransportError::new("offline")) })
/// #     }
/// # }
/// let client = odata_runtime::client::Client::builder("https://example.com/odata").transport(Offline).build().unwrap();
/// let path = OrdersPath { client, path: "Orders(1)".into() };
/// assert_eq!(format!("{path:?}"), r#"OrdersPath("https://example.com/odata/Orders(1)")"#);
/// ```
#[macro_export]
macro_rules! impl_path_debug {
    ($($ty:ident),+ $(,)?) => {$(
        impl ::core::fmt::Debug for $ty {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_tuple(::core::stringify!($ty))
                    .field(&::std::format!("{}/{}", self.client.base_url(), self.path))
                    .finish()
            }
        }
    )+};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_keep_literal_punctuation_and_encode_the_rest() {
        assert_eq!(encode_segment("'it''s'"), "'it''s'");
        assert_eq!(encode_segment("a/b?c#d%e f"), "a%2Fb%3Fc%23d%25e%20f");
        assert_eq!(encode_segment("é"), "%C3%A9");
        assert_eq!(encode_segment("a&b+c;d"), "a%26b%2Bc%3Bd");
        assert_eq!(encode_segment("(x=1,y:2@$)"), "(x=1,y:2@$)");
    }

    #[test]
    fn function_parameters_cannot_break_out() {
        let call = function_call("f", &[("a", "'x),b=(y'".into()), ("c", "1".into())]);
        assert_eq!(call, "f(a='x%29%2Cb%3D%28y',c=1)");
        assert_eq!(function_call("f", &[]), "f()");
    }

    #[test]
    fn key_predicates_cannot_break_out() {
        assert_eq!(key_predicate(&[("ID", "42".into())]), "(42)");
        assert_eq!(key_predicate(&[("a", "'x),b=(y'".into()), ("c", "true".into())]), "(a='x%29%2Cb%3D%28y',c=true)");
        assert_eq!(key_predicate(&[("s", "'?#/%'".into())]), "('%3F%23%2F%25')");
    }
}
