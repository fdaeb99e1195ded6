//! Wire forms of Edm.Date, Edm.TimeOfDay and Edm.DateTimeOffset (`time` crate types).
//!
//! Parsing follows the OData ABNF, which is RFC 3339 with optional seconds:
//!
//! - Date: `[-]YYYY-MM-DD` (years -9999..=9999, the range of `time::Date`).
//! - TimeOfDay: `HH:MM[:SS[.fraction]]`.
//! - DateTimeOffset: `<date>T<time><offset>` with offset `Z` or `±HH:MM` (lowercase `t`/`z`
//!   accepted). A missing offset is read as UTC, since some services omit it.
//!
//! Fractions may have any number of digits; digits past the ninth (below a nanosecond) must
//! be zeros, otherwise the input is rejected rather than rounded. Writing produces the
//! canonical form: seconds always present, the fraction only when non-zero and without
//! trailing zeros, `Z` for a zero offset and `±HH:MM` otherwise, so a value read and written
//! back is the same instant with the same offset.

use std::fmt::Write as _;

use serde::{Deserializer, Serializer};
use time::{Date, Month, OffsetDateTime, Time, UtcOffset};

use super::ParseError;
use crate::wire::{deserialize_parsed, Edm};

/// A byte cursor over ASCII input that never indexes out of bounds.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(s: &'a str) -> Self {
        Cursor { bytes: s.as_bytes(), pos: 0 }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        let hit = self.peek() == Some(b);
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    /// Exactly `n` ASCII digits as a number.
    fn digits(&mut self, n: usize) -> Option<u32> {
        let mut v: u32 = 0;
        for _ in 0..n {
            let d = self.peek().filter(u8::is_ascii_digit)?;
            v = v * 10 + u32::from(d - b'0');
            self.pos += 1;
        }
        Some(v)
    }

    /// One or more digits after a '.', as nanoseconds.
    fn fraction(&mut self) -> Result<u32, &'static str> {
        let mut nanos: u32 = 0;
        let mut count = 0usize;
        while let Some(d) = self.peek().filter(u8::is_ascii_digit) {
            if count < 9 {
                nanos = nanos * 10 + u32::from(d - b'0');
            } else if d != b'0' {
                return Err("more than 9 fraction digits: below nanosecond precision");
            }
            count += 1;
            self.pos += 1;
        }
        if count == 0 {
            return Err("a '.' must be followed by digits");
        }
        for _ in count..9 {
            nanos *= 10;
        }
        Ok(nanos)
    }
}

fn date_at(c: &mut Cursor<'_>) -> Result<Date, &'static str> {
    let negative = c.eat(b'-');
    let year = c.digits(4).ok_or("expected a 4-digit year")?;
    if c.peek().is_some_and(|b| b.is_ascii_digit()) {
        return Err("years beyond 9999 are not supported");
    }
    if !c.eat(b'-') {
        return Err("expected '-' after the year");
    }
    let month = c.digits(2).ok_or("expected a 2-digit month")?;
    if !c.eat(b'-') {
        return Err("expected '-' after the month");
    }
    let day = c.digits(2).ok_or("expected a 2-digit day")?;
    let year = i32::try_from(year).map_err(|_| "year out of range")?;
    let year = if negative { -year } else { year };
    let month = u8::try_from(month).ok().and_then(|m| Month::try_from(m).ok()).ok_or("month out of range")?;
    let day = u8::try_from(day).map_err(|_| "day out of range")?;
    Date::from_calendar_date(year, month, day).map_err(|_| "no such date")
}

fn time_at(c: &mut Cursor<'_>) -> Result<Time, &'static str> {
    let hour = c.digits(2).ok_or("expected a 2-digit hour")?;
    if !c.eat(b':') {
        return Err("expected ':' after the hour");
    }
    let minute = c.digits(2).ok_or("expected 2-digit minutes")?;
    let (mut second, mut nanos) = (0, 0);
    if c.eat(b':') {
        second = c.digits(2).ok_or("expected 2-digit seconds")?;
        if c.eat(b'.') {
            nanos = c.fraction()?;
        }
    }
    let hms = |v: u32| u8::try_from(v).map_err(|_| "time component out of range");
    Time::from_hms_nano(hms(hour)?, hms(minute)?, hms(second)?, nanos).map_err(|_| "time component out of range")
}

fn offset_at(c: &mut Cursor<'_>) -> Result<UtcOffset, &'static str> {
    if c.at_end() || c.eat(b'Z') || c.eat(b'z') {
        return Ok(UtcOffset::UTC);
    }
    let sign: i8 = if c.eat(b'+') {
        1
    } else if c.eat(b'-') {
        -1
    } else {
        return Err("expected 'Z' or an offset such as +05:30");
    };
    let hours = c.digits(2).ok_or("expected 2-digit offset hours")?;
    c.eat(b':');
    let minutes = c.digits(2).ok_or("expected 2-digit offset minutes")?;
    let part = |v: u32| i8::try_from(v).map(|v| sign * v).map_err(|_| "offset out of range");
    UtcOffset::from_hms(part(hours)?, part(minutes)?, 0).map_err(|_| "offset out of range")
}

fn finish<T>(c: &Cursor<'_>, v: T) -> Result<T, &'static str> {
    if c.at_end() {
        Ok(v)
    } else {
        Err("unexpected characters at the end")
    }
}

/// Parses an Edm.Date (`2019-11-01`).
pub fn parse_date(s: &str) -> Result<Date, ParseError> {
    let mut c = Cursor::new(s);
    date_at(&mut c).and_then(|d| finish(&c, d)).map_err(|reason| ParseError::new("Edm.Date", s, reason))
}

/// Parses an Edm.TimeOfDay (`13:20`, `13:20:00`, `13:20:00.123`).
pub fn parse_time_of_day(s: &str) -> Result<Time, ParseError> {
    let mut c = Cursor::new(s);
    time_at(&mut c).and_then(|t| finish(&c, t)).map_err(|reason| ParseError::new("Edm.TimeOfDay", s, reason))
}

/// Parses an Edm.DateTimeOffset (`2020-02-25T18:52:21.2169889Z`, `2019-11-01T00:00:00+05:30`).
pub fn parse_date_time_offset(s: &str) -> Result<OffsetDateTime, ParseError> {
    let parse = || {
        let mut c = Cursor::new(s);
        let date = date_at(&mut c)?;
        if !(c.eat(b'T') || c.eat(b't')) {
            return Err("expected 'T' between date and time");
        }
        let time = time_at(&mut c)?;
        let offset = offset_at(&mut c)?;
        finish(&c, OffsetDateTime::new_in_offset(date, time, offset))
    };
    parse().map_err(|reason| ParseError::new("Edm.DateTimeOffset", s, reason))
}

fn push_date(out: &mut String, d: Date) {
    let year = d.year();
    if year < 0 {
        out.push('-');
    }
    let _ = write!(out, "{:04}-{:02}-{:02}", year.unsigned_abs(), u8::from(d.month()), d.day());
}

fn push_time(out: &mut String, t: Time) {
    let (h, m, s, nanos) = t.as_hms_nano();
    let _ = write!(out, "{h:02}:{m:02}:{s:02}");
    if nanos != 0 {
        let digits = format!("{nanos:09}");
        out.push('.');
        out.push_str(digits.trim_end_matches('0'));
    }
}

/// Writes an Edm.Date (`2019-11-01`).
pub fn format_date(d: Date) -> String {
    let mut out = String::with_capacity(10);
    push_date(&mut out, d);
    out
}

/// Writes an Edm.TimeOfDay (`13:20:00`, `13:20:00.123`).
pub fn format_time_of_day(t: Time) -> String {
    let mut out = String::with_capacity(18);
    push_time(&mut out, t);
    out
}

/// Writes an Edm.DateTimeOffset in RFC 3339 form, keeping the offset (`Z` when zero).
///
/// RFC 3339 offsets have no seconds: a value whose offset has a seconds part is written in UTC.
pub fn format_date_time_offset(dt: OffsetDateTime) -> String {
    let dt =
        if dt.offset().seconds_past_minute() != 0 { dt.checked_to_offset(UtcOffset::UTC).unwrap_or(dt) } else { dt };
    let mut out = String::with_capacity(35);
    push_date(&mut out, dt.date());
    out.push('T');
    push_time(&mut out, dt.time());
    let offset = dt.offset();
    if offset.is_utc() {
        out.push('Z');
    } else {
        let (h, m, _) = offset.as_hms();
        let sign = if offset.is_negative() { '-' } else { '+' };
        let _ = write!(out, "{sign}{:02}:{:02}", h.unsigned_abs(), m.unsigned_abs());
    }
    out
}

impl Edm for Date {
    fn de<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_parsed(d, "an Edm.Date string such as \"2019-11-01\"", parse_date)
    }

    fn ser<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_date(*self))
    }
}

impl Edm for Time {
    fn de<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_parsed(d, "an Edm.TimeOfDay string such as \"13:20:00\"", parse_time_of_day)
    }

    fn ser<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_time_of_day(*self))
    }
}

impl Edm for OffsetDateTime {
    fn de<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_parsed(d, "an Edm.DateTimeOffset string such as \"2019-11-01T00:00:00Z\"", parse_date_time_offset)
    }

    fn ser<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_date_time_offset(*self))
    }
}
