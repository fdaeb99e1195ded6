//! Edm.Decimal on the wire: exact decimal text in and out, never through `f64`.
//!
//! Reading asks the deserializer for the value's raw text through serde_json's raw-value
//! protocol (the newtype-struct name `$serde_json::private::RawValue`, enabled by serde_json's
//! `raw_value` feature): serde_json answers with a one-entry map whose value is the exact
//! source text, e.g. `12.50` or `"12.50"`. Deserializers that do not know the protocol are
//! served through the ordinary visitor methods (strings, integers and, as a last resort,
//! floats). Writing emits a `serde_json::value::RawValue` holding the decimal's text, so
//! serde_json writes a JSON number with exactly those digits.

use std::fmt;

use rust_decimal::Decimal;
use serde::de::{self, Deserializer, MapAccess, Unexpected, Visitor};
use serde::ser::{Error as _, Serialize, Serializer};

use super::ParseError;
use crate::wire::{Edm, KeyCow, RAW_VALUE_TOKEN};

const TYPE_NAME: &str = "Edm.Decimal";
/// The largest scale (digits after the point) a `Decimal` holds.
const MAX_SCALE: i64 = 28;

/// Parses an Edm.Decimal literal exactly: `[+|-]digits[.digits][(e|E)[+|-]digits]`.
///
/// The value must be representable without rounding: at most 28 digits after the point
/// (after dropping trailing zeros beyond that) and a magnitude below 2^96. Trailing zeros
/// within the scale are kept (`12.50` stays `12.50`).
///
/// ```
/// use odata_runtime::edm::parse_decimal;
///
/// assert_eq!(parse_decimal("12.50").unwrap().to_string(), "12.50");
/// assert_eq!(parse_decimal("1e-7").unwrap().to_string(), "0.0000001");
/// assert_eq!(parse_decimal("-1.5E+2").unwrap().to_string(), "-150");
/// assert!(parse_decimal("1e-40").is_err());
/// ```
pub fn parse_decimal(s: &str) -> Result<Decimal, ParseError> {
    let err = |reason: &'static str| ParseError::new(TYPE_NAME, s, reason);
    let b = s.as_bytes();
    let mut i = 0;
    let negative = match b.first() {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let digits_from = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        b.get(start..*i).unwrap_or_default()
    };
    let int_part = digits_from(&mut i);
    if int_part.is_empty() {
        return Err(err("expected a digit"));
    }
    let mut frac_part: &[u8] = &[];
    if b.get(i) == Some(&b'.') {
        i += 1;
        frac_part = digits_from(&mut i);
        if frac_part.is_empty() {
            return Err(err("a '.' must be followed by digits"));
        }
    }
    let mut exponent: i64 = 0;
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        let exp_negative = match b.get(i) {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let exp_digits = digits_from(&mut i);
        if exp_digits.is_empty() {
            return Err(err("an exponent must have digits"));
        }
        for d in exp_digits {
            exponent = exponent * 10 + i64::from(d - b'0');
            if exponent > 100_000 {
                return Err(err("exponent out of range"));
            }
        }
        if exp_negative {
            exponent = -exponent;
        }
    }
    if i != b.len() {
        return Err(err("unexpected character"));
    }

    // All digits as one integer mantissa with `scale` digits after the point.
    let mut scale = frac_part.len() as i64 - exponent;
    let all: Vec<u8> = int_part.iter().chain(frac_part).copied().collect();
    let first_nonzero = all.iter().position(|&d| d != b'0').unwrap_or(all.len());
    let mut significant = all.get(first_nonzero..).unwrap_or_default();
    while scale > MAX_SCALE {
        match significant.split_last() {
            Some((b'0', rest)) => {
                significant = rest;
                scale -= 1;
            }
            Some(_) => return Err(err("more than 28 digits after the decimal point: not representable exactly")),
            None => scale = MAX_SCALE, // zero
        }
    }
    if significant.len() > 29 {
        return Err(err("more than 29 significant digits: out of range for Edm.Decimal"));
    }
    let mut mantissa: i128 = 0;
    for d in significant {
        mantissa = mantissa * 10 + i128::from(d - b'0');
    }
    while scale < 0 {
        if mantissa != 0 {
            mantissa = mantissa.checked_mul(10).ok_or_else(|| err("out of range for Edm.Decimal"))?;
        }
        scale += 1;
    }
    if negative {
        mantissa = -mantissa;
    }
    let scale = u32::try_from(scale).map_err(|_| err("scale out of range"))?;
    Decimal::try_from_i128_with_scale(mantissa, scale).map_err(|_| err("out of range for Edm.Decimal"))
}

/// Parses the raw JSON text of a value: a number, or a string holding one.
fn from_raw(raw: &str) -> Result<Decimal, String> {
    let raw = raw.trim();
    if raw.starts_with('"') {
        let text: String = serde_json::from_str(raw).map_err(|e| e.to_string())?;
        parse_decimal(&text).map_err(|e| e.to_string())
    } else {
        parse_decimal(raw).map_err(|e| e.to_string())
    }
}

struct DecimalVisitor;

impl<'de> Visitor<'de> for DecimalVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an Edm.Decimal: a JSON number or a string holding a number")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Decimal, A::Error> {
        match map.next_key::<KeyCow<'de>>()? {
            Some(KeyCow(key)) if key == RAW_VALUE_TOKEN => {
                let raw: KeyCow<'de> = map.next_value()?;
                from_raw(&raw.0).map_err(de::Error::custom)
            }
            _ => Err(de::Error::invalid_type(Unexpected::Map, &self)),
        }
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Decimal, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
        parse_decimal(v).map_err(E::custom)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Decimal, E> {
        Decimal::try_from_i128_with_scale(v, 0).map_err(|_| E::custom("integer out of range for Edm.Decimal"))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Decimal, E> {
        i128::try_from(v)
            .map_err(|_| E::custom("integer out of range for Edm.Decimal"))
            .and_then(|v| self.visit_i128(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
        // Last resort for deserializers that only have the float (e.g. a buffered value):
        // the shortest text that round-trips the float, parsed exactly.
        if !v.is_finite() {
            return Err(E::invalid_value(Unexpected::Float(v), &self));
        }
        parse_decimal(&format!("{v}")).map_err(E::custom)
    }
}

impl Edm for Decimal {
    fn de<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_newtype_struct(RAW_VALUE_TOKEN, DecimalVisitor)
    }

    fn ser<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let raw = serde_json::value::RawValue::from_string(self.to_string()).map_err(S::Error::custom)?;
        raw.serialize(s)
    }
}
