//! The system query options of one request (`$select`, `$expand`, `$filter`, ...) and how they
//! are written into the URL.
//!
//! Options are written in a fixed order (`$select`, `$expand`, `$filter`, `$search`, `$orderby`,
//! `$top`, `$skip`, `$count`, `$skiptoken`, then [`Query::custom`] in insertion order), so the
//! same request always has the same URL. Values are percent-encoded so that `&`, `#`, `+`, `%`,
//! spaces, controls and non-ASCII characters cannot end the option or the query, while
//! `$ ( ) = , ' : / @ ! * ;` are kept: `?$expand=sessions($expand=segments)` reads exactly as in the
//! Microsoft Graph docs.
//!
//! ```
//! use odata_runtime::client::Query;
//!
//! let mut q = Query::default();
//! q.expand.push("sessions($expand=segments)".into());
//! q.filter = Some("name eq 'a&b'".into());
//! q.top = Some(5);
//! assert_eq!(q.to_query_string(), "$expand=sessions($expand=segments)&$filter=name%20eq%20'a%26b'&$top=5");
//! ```

use std::fmt::Write as _;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// What a query option value keeps: unreserved characters and `$ ( ) = , ' : / @ ! * ;`.
const VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'$')
    .remove(b'(')
    .remove(b')')
    .remove(b'=')
    .remove(b',')
    .remove(b'\'')
    .remove(b':')
    .remove(b'/')
    .remove(b'@')
    .remove(b'!')
    .remove(b'*')
    .remove(b';');

/// What a custom query option name keeps: as a value, but `=` is encoded.
const NAME: &AsciiSet = &VALUE.add(b'=');

/// Percent-encodes a query option value (see the [module docs](self)).
pub fn encode_query_value(raw: &str) -> String {
    utf8_percent_encode(raw, VALUE).to_string()
}

/// The query options of a request. Every field is optional; an empty `Query` writes nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Query {
    /// `$select` items, joined with `,`.
    pub select: Vec<String>,
    /// `$expand` items, joined with `,` (each may carry nested options: `sessions($expand=segments)`).
    pub expand: Vec<String>,
    /// `$filter` expression.
    pub filter: Option<String>,
    /// `$search` expression (Microsoft Graph wants it in double quotes: `"displayName:al"`).
    pub search: Option<String>,
    /// `$orderby` items (`name` or `name desc`), joined with `,`.
    pub order_by: Vec<String>,
    /// `$top`.
    pub top: Option<u64>,
    /// `$skip`.
    pub skip: Option<u64>,
    /// `$count`.
    pub count: Option<bool>,
    /// `$skiptoken`.
    pub skip_token: Option<String>,
    /// Other options (`$format`, parameter aliases such as `@p1`, service-specific ones), written
    /// last, in insertion order, name and value percent-encoded.
    pub custom: Vec<(String, String)>,
}

impl Query {
    /// An empty query.
    pub fn new() -> Self {
        Query::default()
    }

    /// Whether no option is set.
    pub fn is_empty(&self) -> bool {
        self.select.is_empty()
            && self.expand.is_empty()
            && self.filter.is_none()
            && self.search.is_none()
            && self.order_by.is_empty()
            && self.top.is_none()
            && self.skip.is_none()
            && self.count.is_none()
            && self.skip_token.is_none()
            && self.custom.is_empty()
    }

    /// The query string without the leading `?`; empty when no option is set.
    pub fn to_query_string(&self) -> String {
        let mut out = String::new();
        self.write_into(&mut out);
        out
    }

    /// Appends the options to `out`, separated by `&`, without a leading `?` or `&`.
    pub fn write_into(&self, out: &mut String) {
        let start = out.len();
        let sep = |out: &mut String| {
            if out.len() > start {
                out.push('&');
            }
        };
        let list = |out: &mut String, name: &str, items: &[String]| {
            out.push_str(name);
            out.push('=');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.extend(utf8_percent_encode(item, VALUE));
            }
        };
        if !self.select.is_empty() {
            sep(out);
            list(out, "$select", &self.select);
        }
        if !self.expand.is_empty() {
            sep(out);
            list(out, "$expand", &self.expand);
        }
        if let Some(f) = &self.filter {
            sep(out);
            out.push_str("$filter=");
            out.extend(utf8_percent_encode(f, VALUE));
        }
        if let Some(s) = &self.search {
            sep(out);
            out.push_str("$search=");
            out.extend(utf8_percent_encode(s, VALUE));
        }
        if !self.order_by.is_empty() {
            sep(out);
            list(out, "$orderby", &self.order_by);
        }
        if let Some(n) = self.top {
            sep(out);
            let _ = write!(out, "$top={n}");
        }
        if let Some(n) = self.skip {
            sep(out);
            let _ = write!(out, "$skip={n}");
        }
        if let Some(c) = self.count {
            sep(out);
            out.push_str(if c { "$count=true" } else { "$count=false" });
        }
        if let Some(t) = &self.skip_token {
            sep(out);
            out.push_str("$skiptoken=");
            out.extend(utf8_percent_encode(t, VALUE));
        }
        for (name, value) in &self.custom {
            sep(out);
            out.extend(utf8_percent_encode(name, NAME));
            out.push('=');
            out.extend(utf8_percent_encode(value, VALUE));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_written_in_a_fixed_order() {
        let q = Query {
            skip_token: Some("x+y".into()),
            count: Some(true),
            skip: Some(2),
            top: Some(1),
            order_by: vec!["a desc".into(), "b".into()],
            search: Some("\"display:al\"".into()),
            filter: Some("a eq 'é#'".into()),
            expand: vec!["e".into()],
            select: vec!["id".into(), "x".into()],
            custom: vec![("@p=1".into(), "'v'".into())],
        };
        assert_eq!(
            q.to_query_string(),
            "$select=id,x&$expand=e&$filter=a%20eq%20'%C3%A9%23'&$search=%22display:al%22&$orderby=a%20desc,b\
             &$top=1&$skip=2&$count=true&$skiptoken=x%2By&@p%3D1='v'"
        );
        assert!(Query::new().is_empty());
        assert_eq!(Query::new().to_query_string(), "");
    }
}
