//! Edm.Duration: a signed day-time duration (xsd:dayTimeDuration) kept exactly to the nanosecond.

use std::fmt;
use std::str::FromStr;

use serde::de::{Deserialize, Deserializer};
use serde::ser::{Serialize, Serializer};

use super::ParseError;
use crate::wire::deserialize_parsed;

const NANOS_PER_SEC: i128 = 1_000_000_000;
const TYPE_NAME: &str = "Edm.Duration";

/// An Edm.Duration: a signed span of days, hours, minutes and seconds.
///
/// The wire form is the ISO 8601 / xsd:dayTimeDuration text OData uses: an optional sign,
/// `P`, then days (`nD`), and after `T` hours (`nH`), minutes (`nM`) and seconds (`n.fS`), in
/// that order, each optional but at least one present. Years and months are not allowed
/// (their length in seconds is not fixed), so `P1Y` and `P1M` are rejected.
///
/// The value is stored exactly as a number of nanoseconds. Seconds may have any number of
/// fraction digits, but digits past the ninth (below a nanosecond) must be zeros: the parser
/// rejects `PT0.0000000001S` rather than round it.
///
/// The range is that of [`time::Duration`] (about ±292 billion years), so converting into it
/// never fails. [`Display`](fmt::Display) writes a canonical form: whole days as `nD`, then
/// hours, minutes and seconds below a day, omitting zero parts (`P1DT2H`, `-PT0.5S`), and
/// zero as `PT0S`. Parsing and writing preserve the value, not necessarily the text
/// (`PT36H` is written back as `P1DT12H`).
///
/// ```
/// use odata_runtime::edm::Duration;
///
/// let d: Duration = "PT1M5.1234567S".parse().unwrap();
/// assert_eq!(d.whole_seconds(), 65);
/// assert_eq!(d.subsec_nanos(), 123_456_700);
/// assert_eq!(d.to_string(), "PT1M5.1234567S");
/// assert!("P1Y".parse::<Duration>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Duration {
    /// Total nanoseconds; always within the range of `time::Duration`.
    nanos: i128,
}

impl Duration {
    /// The zero duration.
    pub const ZERO: Duration = Duration { nanos: 0 };
    /// The largest representable duration (that of [`time::Duration::MAX`]).
    pub const MAX: Duration = Duration { nanos: time::Duration::MAX.whole_nanoseconds() };
    /// The smallest (most negative) representable duration (that of [`time::Duration::MIN`]).
    pub const MIN: Duration = Duration { nanos: time::Duration::MIN.whole_nanoseconds() };

    /// A duration of `nanos` nanoseconds, or `None` outside [`Duration::MIN`]..=[`Duration::MAX`].
    pub fn from_nanos(nanos: i128) -> Option<Duration> {
        (Self::MIN.nanos..=Self::MAX.nanos).contains(&nanos).then_some(Duration { nanos })
    }

    /// A duration of whole seconds.
    pub fn from_secs(seconds: i64) -> Duration {
        Duration { nanos: i128::from(seconds) * NANOS_PER_SEC }
    }

    /// The total number of nanoseconds.
    pub fn as_nanos(&self) -> i128 {
        self.nanos
    }

    /// Whether the duration is below zero.
    pub fn is_negative(&self) -> bool {
        self.nanos < 0
    }

    /// The duration in seconds as a float (may round for very long or very precise values).
    pub fn as_secs_f64(&self) -> f64 {
        self.whole_seconds() as f64 + f64::from(self.subsec_nanos()) / 1e9
    }

    /// The whole seconds, truncated toward zero (negative for negative durations).
    pub fn whole_seconds(&self) -> i64 {
        // In range by the type invariant; saturate rather than panic regardless.
        i64::try_from(self.nanos / NANOS_PER_SEC).unwrap_or(if self.nanos < 0 { i64::MIN } else { i64::MAX })
    }

    /// The fractional part in nanoseconds, with the sign of the duration (-999_999_999..=999_999_999),
    /// as `time::Duration::subsec_nanoseconds` has it.
    pub fn subsec_nanos(&self) -> i32 {
        i32::try_from(self.nanos % NANOS_PER_SEC).unwrap_or(0)
    }

    /// Parses the ISO 8601 wire form (see the type docs).
    pub fn parse(s: &str) -> Result<Duration, ParseError> {
        parse(s)
    }
}

/// Which component a designator letter stands for, in the order they must appear.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Part {
    Days,
    Hours,
    Minutes,
    Seconds,
}

impl Part {
    fn nanos(self) -> i128 {
        match self {
            Part::Days => 86_400 * NANOS_PER_SEC,
            Part::Hours => 3_600 * NANOS_PER_SEC,
            Part::Minutes => 60 * NANOS_PER_SEC,
            Part::Seconds => NANOS_PER_SEC,
        }
    }
}

fn take_digits<'a>(b: &'a [u8], i: &mut usize) -> &'a [u8] {
    let start = *i;
    while b.get(*i).is_some_and(u8::is_ascii_digit) {
        *i += 1;
    }
    b.get(start..*i).unwrap_or_default()
}

fn parse(s: &str) -> Result<Duration, ParseError> {
    let err = |reason: &'static str| ParseError::new(TYPE_NAME, s, reason);
    let b = s.as_bytes();
    if b.is_empty() {
        return Err(err("empty string"));
    }
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
    if b.get(i) != Some(&b'P') {
        return Err(err("must start with 'P' (after an optional sign)"));
    }
    i += 1;

    let too_large = || err("value out of range");
    let mut total: i128 = 0;
    let mut in_time = false;
    let mut last: Option<Part> = None;
    let mut time_parts = 0usize;
    while i < b.len() {
        if b.get(i) == Some(&b'T') {
            if in_time {
                return Err(err("'T' appears twice"));
            }
            in_time = true;
            i += 1;
            continue;
        }
        let int_digits = take_digits(b, &mut i);
        let mut frac_digits: Option<&[u8]> = None;
        if b.get(i) == Some(&b'.') {
            i += 1;
            frac_digits = Some(take_digits(b, &mut i));
        }
        let Some(&designator) = b.get(i) else {
            return Err(err("number without a designator (D, H, M or S)"));
        };
        i += 1;
        let part = match (designator, in_time) {
            (b'Y', _) => {
                return Err(err("years are not allowed: Edm.Duration is an xsd:dayTimeDuration (days, hours, minutes, seconds)"))
            }
            (b'M', false) => {
                return Err(err("months are not allowed: Edm.Duration is an xsd:dayTimeDuration (days, hours, minutes, seconds); minutes go after 'T'"))
            }
            (b'W', _) => return Err(err("weeks are not allowed: use days")),
            (b'D', false) => Part::Days,
            (b'D', true) => return Err(err("days must come before 'T'")),
            (b'H', true) => Part::Hours,
            (b'M', true) => Part::Minutes,
            (b'S', true) => Part::Seconds,
            (b'H' | b'S', false) => return Err(err("hours, minutes and seconds must come after 'T'")),
            _ => return Err(err("unexpected character")),
        };
        if int_digits.is_empty() {
            return Err(err("a designator must follow a number"));
        }
        if last.is_some_and(|prev| prev >= part) {
            return Err(err("components repeated or out of order (D, then T, H, M, S)"));
        }
        last = Some(part);
        if in_time {
            time_parts += 1;
        }
        let mut amount: i128 = 0;
        for d in int_digits {
            amount = amount.checked_mul(10).and_then(|a| a.checked_add(i128::from(d - b'0'))).ok_or_else(too_large)?;
        }
        let mut nanos = amount.checked_mul(part.nanos()).ok_or_else(too_large)?;
        if let Some(frac) = frac_digits {
            if part != Part::Seconds {
                return Err(err("only seconds may have a fraction"));
            }
            if frac.is_empty() {
                return Err(err("a '.' must be followed by digits"));
            }
            let (kept, rest) = frac.split_at(frac.len().min(9));
            if rest.iter().any(|&d| d != b'0') {
                return Err(err("more than 9 fraction digits: below nanosecond precision"));
            }
            let mut sub: i128 = 0;
            for (k, d) in kept.iter().enumerate() {
                sub += i128::from(d - b'0') * 10i128.pow(8 - k as u32);
            }
            nanos = nanos.checked_add(sub).ok_or_else(too_large)?;
        }
        total = total.checked_add(nanos).ok_or_else(too_large)?;
    }
    if in_time && time_parts == 0 {
        return Err(err("'T' must be followed by hours, minutes or seconds"));
    }
    if last.is_none() {
        return Err(err("no days, hours, minutes or seconds"));
    }
    let nanos = if negative { -total } else { total };
    Duration::from_nanos(nanos).ok_or_else(too_large)
}

impl FromStr for Duration {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Duration, ParseError> {
        parse(s)
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let abs = self.nanos.unsigned_abs();
        let nanos_per_sec = NANOS_PER_SEC.unsigned_abs();
        let secs = abs / nanos_per_sec;
        let frac = abs % nanos_per_sec;
        let days = secs / 86_400;
        let hours = secs % 86_400 / 3_600;
        let minutes = secs % 3_600 / 60;
        let seconds = secs % 60;
        if self.nanos < 0 {
            f.write_str("-")?;
        }
        f.write_str("P")?;
        if days > 0 {
            write!(f, "{days}D")?;
        }
        if hours == 0 && minutes == 0 && seconds == 0 && frac == 0 {
            return if days == 0 { f.write_str("T0S") } else { Ok(()) };
        }
        f.write_str("T")?;
        if hours > 0 {
            write!(f, "{hours}H")?;
        }
        if minutes > 0 {
            write!(f, "{minutes}M")?;
        }
        if seconds > 0 || frac > 0 {
            write!(f, "{seconds}")?;
            if frac > 0 {
                let digits = format!("{frac:09}");
                write!(f, ".{}", digits.trim_end_matches('0'))?;
            }
            f.write_str("S")?;
        }
        Ok(())
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_parsed(d, "an Edm.Duration string such as \"PT1H30M\"", parse)
    }
}

crate::impl_edm_via_serde!(Duration);

impl From<std::time::Duration> for Duration {
    /// Converts exactly; saturates at [`Duration::MAX`] (only for spans beyond ~292 billion years).
    fn from(d: std::time::Duration) -> Duration {
        i128::try_from(d.as_nanos()).ok().and_then(Duration::from_nanos).unwrap_or(Duration::MAX)
    }
}

/// The error of converting a negative [`Duration`] into a [`std::time::Duration`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DurationRangeError;

impl fmt::Display for DurationRangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a negative Edm.Duration cannot be converted to std::time::Duration")
    }
}

impl std::error::Error for DurationRangeError {}

impl TryFrom<Duration> for std::time::Duration {
    type Error = DurationRangeError;

    fn try_from(d: Duration) -> Result<std::time::Duration, DurationRangeError> {
        let secs = u64::try_from(d.whole_seconds()).map_err(|_| DurationRangeError)?;
        let nanos = u32::try_from(d.subsec_nanos()).map_err(|_| DurationRangeError)?;
        Ok(std::time::Duration::new(secs, nanos))
    }
}

impl From<time::Duration> for Duration {
    fn from(d: time::Duration) -> Duration {
        // Every time::Duration is in range by construction of MIN and MAX.
        Duration { nanos: d.whole_nanoseconds() }
    }
}

impl From<Duration> for time::Duration {
    fn from(d: Duration) -> time::Duration {
        // Same sign and |nanos| < 1e9, so `new` does not carry and cannot overflow.
        time::Duration::new(d.whole_seconds(), d.subsec_nanos())
    }
}
