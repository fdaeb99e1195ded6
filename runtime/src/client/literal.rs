//! OData URL literals: how a key value or a function parameter is written in a URL.
//!
//! The forms follow the OData ABNF (`primitiveLiteral`), as the Microsoft Graph docs show them:
//!
//! | Rust value | literal |
//! | --- | --- |
//! | `"it's"` (`str`, `String`) | `'it''s'` (single quotes, a quote doubled) |
//! | `true` | `true` |
//! | `42i64`, `7u8` | `42`, `7` |
//! | `1.5f64`, `f64::NAN`, `f64::INFINITY` | `1.5`, `NaN`, `INF` |
//! | [`Decimal`] | `12.50` |
//! | [`Guid`] | `6f0c1b6e-2f8e-4f0a-9c4b-3d2e1f0a9b8c` (bare) |
//! | [`DateTimeOffset`] | `2021-02-01T00:00:00Z` (bare, ISO 8601) |
//! | [`Date`] | `2019-11-01` |
//! | [`TimeOfDay`] | `13:20:00` |
//! | [`Duration`] | `duration'PT1S'` |
//! | [`Binary`] | `binary'T0RhdGE'` (base64url, no padding) |
//! | enum member | `'audio'` or `microsoft.graph.modality'audio'` ([`enum_member`]) |
//! | `None` | `null` |
//!
//! A literal is not yet safe to put in a URL: [`path::encode_segment`](super::path::encode_segment)
//! and [`path::function_call`](super::path::function_call) percent-encode it.
//!
//! ```
//! use odata_runtime::client::literal::Literal;
//!
//! assert_eq!("it's".to_literal(), "'it''s'");
//! assert_eq!(42i32.to_literal(), "42");
//! ```

use crate::edm::{
    format_date, format_date_time_offset, format_time_of_day, Binary, Date, DateTimeOffset, Decimal, Duration, Guid,
    TimeOfDay,
};
use crate::enums::{EnumMember, Flags};

/// A value that has an OData URL literal form.
///
/// Generated enumerations implement it through [`enum_member`].
pub trait Literal {
    /// The literal, not yet percent-encoded.
    fn to_literal(&self) -> String;
}

/// A string literal: the text in single quotes, each single quote doubled.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        if c == '\'' {
            out.push('\'');
        }
        out.push(c);
    }
    out.push('\'');
    out
}

#[doc(hidden)]
/// An enumeration member literal: `'member'`, or `Namespace.Type'member'` when the qualified
/// type name is given (OData 4.0 services require the qualified form; 4.01 accept both).
///
/// ```
/// use odata_runtime::client::literal::enum_member;
///
/// assert_eq!(enum_member(None, "audio"), "'audio'");
/// assert_eq!(enum_member(Some("microsoft.graph.modality"), "audio"), "microsoft.graph.modality'audio'");
/// ```
pub fn enum_member(qualified_type: Option<&str>, member: &str) -> String {
    match qualified_type {
        Some(t) => {
            let mut out = String::with_capacity(t.len() + member.len() + 2);
            out.push_str(t);
            out.push_str(&string(member));
            out
        }
        None => string(member),
    }
}

impl Literal for str {
    fn to_literal(&self) -> String {
        string(self)
    }
}

impl Literal for String {
    fn to_literal(&self) -> String {
        string(self)
    }
}

impl<T: Literal + ?Sized> Literal for &T {
    fn to_literal(&self) -> String {
        (**self).to_literal()
    }
}

impl<T: Literal + ?Sized> Literal for Box<T> {
    fn to_literal(&self) -> String {
        (**self).to_literal()
    }
}

/// `None` is the `null` literal.
impl<T: Literal> Literal for Option<T> {
    fn to_literal(&self) -> String {
        match self {
            Some(v) => v.to_literal(),
            None => "null".to_owned(),
        }
    }
}

impl Literal for bool {
    fn to_literal(&self) -> String {
        if *self { "true" } else { "false" }.to_owned()
    }
}

macro_rules! integer_literals {
    ($($t:ty),*) => {
        $(
            impl Literal for $t {
                fn to_literal(&self) -> String {
                    self.to_string()
                }
            }
        )*
    };
}

integer_literals!(i8, i16, i32, i64, u8, u16, u32, u64);

fn float_literal(v: f64, text: impl FnOnce() -> String) -> String {
    if v.is_nan() {
        "NaN".to_owned()
    } else if v.is_infinite() {
        if v > 0.0 { "INF" } else { "-INF" }.to_owned()
    } else {
        text()
    }
}

/// Finite values in plain decimal notation (`1.5`, `100000000000000000000`), the others as
/// `NaN`, `INF`, `-INF`.
impl Literal for f64 {
    fn to_literal(&self) -> String {
        float_literal(*self, || self.to_string())
    }
}

/// As `f64`, with the shortest text that reads back as the same `f32`.
impl Literal for f32 {
    fn to_literal(&self) -> String {
        float_literal(f64::from(*self), || self.to_string())
    }
}

impl Literal for Decimal {
    fn to_literal(&self) -> String {
        self.to_string()
    }
}

impl Literal for Guid {
    fn to_literal(&self) -> String {
        self.hyphenated().to_string()
    }
}

impl Literal for DateTimeOffset {
    fn to_literal(&self) -> String {
        format_date_time_offset(*self)
    }
}

impl Literal for Date {
    fn to_literal(&self) -> String {
        format_date(*self)
    }
}

impl Literal for TimeOfDay {
    fn to_literal(&self) -> String {
        format_time_of_day(*self)
    }
}

impl Literal for Duration {
    fn to_literal(&self) -> String {
        format!("duration'{self}'")
    }
}

/// Base64url without the optional `=` padding, as the URL conventions' example
/// `binary'T0RhdGE'` (ABNF `binaryValue`: the padding is optional).
impl Literal for Binary {
    fn to_literal(&self) -> String {
        format!("binary'{}'", self.encode().trim_end_matches('='))
    }
}

/// A flags value as an unqualified enumeration literal: `'audio,video'`.
impl<E: EnumMember> Literal for Flags<E> {
    fn to_literal(&self) -> String {
        let joined = self.iter().map(|m| m.as_str()).collect::<Vec<_>>().join(",");
        string(&joined)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primitive_literals() {
        assert_eq!("".to_literal(), "''");
        assert_eq!("it's".to_literal(), "'it''s'");
        assert_eq!(String::from("''").to_literal(), "''''''");
        assert_eq!(true.to_literal(), "true");
        assert_eq!((-5i8).to_literal(), "-5");
        assert_eq!(u64::MAX.to_literal(), "18446744073709551615");
        assert_eq!(1.5f64.to_literal(), "1.5");
        assert_eq!(1e20f64.to_literal(), "100000000000000000000");
        assert_eq!(f64::NAN.to_literal(), "NaN");
        assert_eq!(f32::NEG_INFINITY.to_literal(), "-INF");
        assert_eq!(0.1f32.to_literal(), "0.1");
        assert_eq!(Some(3i32).to_literal(), "3");
        assert_eq!(None::<i32>.to_literal(), "null");
        assert_eq!(Duration::from_secs(1).to_literal(), "duration'PT1S'");
        assert_eq!(Binary(vec![1, 2, 3]).to_literal(), "binary'AQID'");
        assert_eq!(Binary(b"OData".to_vec()).to_literal(), "binary'T0RhdGE'");
        let d = crate::edm::parse_date("2019-11-01").unwrap();
        assert_eq!(d.to_literal(), "2019-11-01");
        let t = crate::edm::parse_date_time_offset("2021-02-01T00:00:00Z").unwrap();
        assert_eq!(t.to_literal(), "2021-02-01T00:00:00Z");
        assert_eq!((&&"x").to_literal(), "'x'");
    }
}
