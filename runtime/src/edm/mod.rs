//! Edm primitive types that generated structs use, with their OData JSON wire forms.
//!
//! | Edm type | Rust type | wire form |
//! | --- | --- | --- |
//! | Edm.Duration | [`Duration`] | `"P1DT2H"`, `"-PT0.5S"` |
//! | Edm.DateTimeOffset | [`DateTimeOffset`] (`time::OffsetDateTime`) | `"2020-02-25T18:52:21.2169889Z"` |
//! | Edm.Date | [`Date`] (`time::Date`) | `"2019-11-01"` |
//! | Edm.TimeOfDay | [`TimeOfDay`] (`time::Time`) | `"13:20:00.123"` |
//! | Edm.Guid | [`Guid`] (`uuid::Uuid`) | `"6f0c1b6e-…"` (lowercase, hyphenated) |
//! | Edm.Binary | [`Binary`] | base64url, padded |
//! | Edm.Decimal | [`Decimal`] (`rust_decimal::Decimal`) | an exact JSON number |
//!
//! Types of other crates implement [`Edm`] only; [`Duration`] and
//! [`Binary`] also implement serde's traits with the same wire form.

mod binary;
mod decimal;
mod duration;
mod temporal;

use std::borrow::Cow;
use std::fmt;

use serde::{Deserializer, Serializer};

use crate::wire::{deserialize_parsed, Edm};

pub use binary::Binary;
pub use decimal::parse_decimal;
pub use duration::{Duration, DurationRangeError};
pub use temporal::{
    format_date, format_date_time_offset, format_time_of_day, parse_date, parse_date_time_offset, parse_time_of_day,
};

/// Edm.Decimal: an exact decimal number (up to 28 digits after the point, 96-bit mantissa).
pub use rust_decimal::Decimal;

/// Edm.DateTimeOffset: a point in time with the UTC offset it was written with.
pub type DateTimeOffset = time::OffsetDateTime;

/// Edm.Date: a calendar date without time or offset.
pub type Date = time::Date;

/// Edm.TimeOfDay: a clock time without date or offset, to the nanosecond.
pub type TimeOfDay = time::Time;

/// Edm.Guid: a 128-bit identifier.
pub type Guid = uuid::Uuid;

/// Why a string is not a valid literal of an Edm type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    type_name: &'static str,
    input: String,
    reason: Cow<'static, str>,
}

impl ParseError {
    /// Longest part of the input kept for the message.
    const MAX_INPUT: usize = 64;

    /// Creates an error for `input`, which is not a valid `type_name` because of `reason`.
    pub fn new(type_name: &'static str, input: &str, reason: impl Into<Cow<'static, str>>) -> Self {
        let mut end = input.len().min(Self::MAX_INPUT);
        while !input.is_char_boundary(end) {
            end -= 1;
        }
        let mut kept = input.get(..end).unwrap_or_default().to_owned();
        if end < input.len() {
            kept.push('…');
        }
        ParseError { type_name, input: kept, reason: reason.into() }
    }

    /// The Edm type that was expected, e.g. `"Edm.Duration"`.
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }

    /// Why the input was rejected.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {} {:?}: {}", self.type_name, self.input, self.reason)
    }
}

impl std::error::Error for ParseError {}

fn parse_guid(s: &str) -> Result<Guid, ParseError> {
    Guid::try_parse(s).map_err(|e| ParseError::new("Edm.Guid", s, e.to_string()))
}

impl Edm for Guid {
    fn de<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_parsed(d, "an Edm.Guid string", parse_guid)
    }

    fn ser<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.hyphenated())
    }
}
