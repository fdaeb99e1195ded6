//! Tests of the Edm primitive types: Duration, date/time types, Guid, Binary.

use odata_runtime::edm::{
    self, Binary, Date, DateTimeOffset, Duration, DurationRangeError, Guid, ParseError, TimeOfDay,
};
use odata_runtime::{Edm, In, Out};
use serde_json::{json, Value};

fn de<T: Edm>(json: &str) -> Result<T, serde_json::Error> {
    serde_json::from_str::<In<T>>(json).map(|v| v.0)
}

fn de_value<T: Edm>(value: Value) -> Result<T, serde_json::Error> {
    serde_json::from_value::<In<T>>(value).map(|v| v.0)
}

fn ser<T: Edm>(v: &T) -> String {
    serde_json::to_string(&Out(v)).unwrap()
}

fn dur(s: &str) -> Duration {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
}

#[test]
fn duration_parses_and_writes_canonical_forms() {
    let cases = [
        ("PT0.016S", 16_000_000i128, "PT0.016S"),
        ("P1DT2H", (86_400 + 7_200) * 1_000_000_000, "P1DT2H"),
        ("-PT0.5S", -500_000_000, "-PT0.5S"),
        ("PT1M5.1234567S", 65_123_456_700, "PT1M5.1234567S"),
        ("P0D", 0, "PT0S"),
        ("PT0S", 0, "PT0S"),
        ("P2DT0.000001S", 2 * 86_400 * 1_000_000_000 + 1_000, "P2DT0.000001S"),
        ("PT36H", 36 * 3_600 * 1_000_000_000, "P1DT12H"),
        ("PT90M", 90 * 60 * 1_000_000_000, "PT1H30M"),
        ("+P1D", 86_400 * 1_000_000_000, "P1D"),
        ("PT1.000000000000S", 1_000_000_000, "PT1S"),
        ("PT0.123456789S", 123_456_789, "PT0.123456789S"),
        ("P1DT1H1M1S", 90_061 * 1_000_000_000, "P1DT1H1M1S"),
    ];
    for (input, nanos, canonical) in cases {
        let d = dur(input);
        assert_eq!(d.as_nanos(), nanos, "{input}");
        assert_eq!(d.to_string(), canonical, "{input}");
        assert_eq!(dur(canonical), d, "{canonical} reparses");
    }
}

#[test]
fn duration_rejects_invalid_text() {
    let rejects = [
        "",
        "P",
        "PT",
        "1D",
        "PT1.S",
        "PTS",
        "P1Y",
        "P1M",
        "garbage",
        "P1DT",
        "PT1H1H",
        "PT1M1H",
        "P1H",
        "PT1D",
        "P1W",
        "P1.5D",
        "PT1.5M",
        "PT0.0000000001S",
        "pt1s",
        "P-1D",
        "PT1H ",
        " PT1H",
        "P1DT2HX",
        "P999999999999999999999999999999999999999999D",
        "P99999999999999999999D",
    ];
    for input in rejects {
        let err: ParseError = input.parse::<Duration>().expect_err(input);
        assert_eq!(err.type_name(), "Edm.Duration");
        assert!(err.to_string().starts_with("invalid Edm.Duration"), "{err}");
    }
    assert!("P1Y".parse::<Duration>().unwrap_err().reason().contains("years are not allowed"));
    assert!("P1M".parse::<Duration>().unwrap_err().reason().contains("months are not allowed"));
}

#[test]
fn duration_accessors_and_ordering() {
    let d = dur("-PT1.5S");
    assert!(d.is_negative());
    assert_eq!(d.whole_seconds(), -1);
    assert_eq!(d.subsec_nanos(), -500_000_000);
    assert_eq!(d.as_secs_f64(), -1.5);
    assert!(dur("-PT1S") < Duration::ZERO);
    assert!(dur("PT1S") < dur("PT1.000000001S"));
    assert_eq!(Duration::default(), Duration::ZERO);
    assert_eq!(Duration::from_secs(90), dur("PT1M30S"));
    assert_eq!(Duration::from_nanos(i128::MAX), None);
    assert_eq!(Duration::MAX.to_string().parse::<Duration>().unwrap(), Duration::MAX);
    assert_eq!(Duration::MIN.to_string().parse::<Duration>().unwrap(), Duration::MIN);
}

#[test]
fn duration_conversions() {
    let std_d = std::time::Duration::new(65, 123_456_700);
    let d = Duration::from(std_d);
    assert_eq!(d, dur("PT1M5.1234567S"));
    assert_eq!(std::time::Duration::try_from(d), Ok(std_d));
    assert_eq!(std::time::Duration::try_from(dur("-PT0.5S")), Err(DurationRangeError));
    assert_eq!(Duration::from(std::time::Duration::MAX), Duration::MAX);

    let t = time::Duration::new(-3, -250_000_000);
    let d = Duration::from(t);
    assert_eq!(d, dur("-PT3.25S"));
    assert_eq!(time::Duration::from(d), t);
    let back: time::Duration = Duration::MIN.into();
    assert_eq!(back, time::Duration::MIN);
}

#[test]
fn duration_wire_form_is_a_string() {
    let d: Duration = de("\"PT0.016S\"").unwrap();
    assert_eq!(ser(&d), "\"PT0.016S\"");
    assert_eq!(serde_json::to_string(&d).unwrap(), "\"PT0.016S\"");
    assert_eq!(serde_json::from_str::<Duration>("\"-PT0.5S\"").unwrap(), dur("-PT0.5S"));
    assert_eq!(de_value::<Duration>(json!("P1DT2H")).unwrap(), dur("P1DT2H"));
    let err = de::<Duration>("\"P1Y\"").unwrap_err().to_string();
    assert!(err.contains("years are not allowed"), "{err}");
    assert!(de::<Duration>("16").is_err());
}

#[test]
fn date_time_offset_keeps_fraction_and_offset() {
    let s = "2020-02-25T18:52:21.2169889Z";
    let dt: DateTimeOffset = de(&format!("\"{s}\"")).unwrap();
    assert_eq!(dt.nanosecond(), 216_988_900);
    assert_eq!(dt.offset(), time::UtcOffset::UTC);
    assert_eq!(ser(&dt), format!("\"{s}\""));

    let dt = edm::parse_date_time_offset("2019-11-01T00:00:00Z").unwrap();
    assert_eq!(edm::format_date_time_offset(dt), "2019-11-01T00:00:00Z");
    assert_eq!(dt.unix_timestamp(), 1_572_566_400);

    let dt = edm::parse_date_time_offset("2019-11-01T08:15:00.5+05:30").unwrap();
    assert_eq!(dt.offset().whole_minutes(), 330);
    assert_eq!(dt.unix_timestamp(), 1_572_576_300);
    assert_eq!(edm::format_date_time_offset(dt), "2019-11-01T08:15:00.5+05:30");

    let dt = edm::parse_date_time_offset("2019-11-01T08:15:00-00:30").unwrap();
    assert_eq!(edm::format_date_time_offset(dt), "2019-11-01T08:15:00-00:30");

    let cases = [
        ("2019-11-01T00:00Z", "2019-11-01T00:00:00Z"),
        ("2019-11-01t00:00:00z", "2019-11-01T00:00:00Z"),
        ("2019-11-01T00:00:00.2500000Z", "2019-11-01T00:00:00.25Z"),
        ("2019-11-01T00:00:00.123456789000Z", "2019-11-01T00:00:00.123456789Z"),
        ("2019-11-01T00:00:00", "2019-11-01T00:00:00Z"),
        ("2019-11-01T00:00:00+0100", "2019-11-01T00:00:00+01:00"),
    ];
    for (input, written) in cases {
        let dt = edm::parse_date_time_offset(input).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(edm::format_date_time_offset(dt), written);
    }
}

#[test]
fn date_time_offset_rejects_invalid_text() {
    for bad in [
        "",
        "2019-11-01",
        "2019-13-01T00:00:00Z",
        "2019-02-30T00:00:00Z",
        "2019-11-01T25:00:00Z",
        "2019-11-01T00:60:00Z",
        "2019-11-01 00:00:00Z",
        "2019-11-01T00:00:00.Z",
        "2019-11-01T00:00:00.1234567891Z",
        "2019-11-01T00:00:00Q",
        "2019-11-01T00:00:00Z ",
        "19-11-01T00:00:00Z",
        "2019-11-01T00:00:00+99:00",
        "2019-11-01T00:00:00é",
    ] {
        let err = edm::parse_date_time_offset(bad).expect_err(bad);
        assert_eq!(err.type_name(), "Edm.DateTimeOffset");
    }
    assert!(de::<DateTimeOffset>("1572566400").is_err());
}

#[test]
fn date_and_time_of_day() {
    let d: Date = de("\"2019-11-01\"").unwrap();
    assert_eq!(d, Date::from_calendar_date(2019, time::Month::November, 1).unwrap());
    assert_eq!(ser(&d), "\"2019-11-01\"");
    assert_eq!(edm::format_date(edm::parse_date("-0044-03-15").unwrap()), "-0044-03-15");
    assert_eq!(de_value::<Date>(json!("2020-02-29")).unwrap().day(), 29);
    for bad in ["2019-11-1", "2019-02-29", "2019/11/01", "20190-11-01", "2019-11-01T00:00:00Z", ""] {
        assert!(edm::parse_date(bad).is_err(), "{bad}");
    }

    let t: TimeOfDay = de("\"13:20:00\"").unwrap();
    assert_eq!(ser(&t), "\"13:20:00\"");
    let t: TimeOfDay = de("\"13:20:00.123\"").unwrap();
    assert_eq!(t.millisecond(), 123);
    assert_eq!(ser(&t), "\"13:20:00.123\"");
    assert_eq!(edm::format_time_of_day(edm::parse_time_of_day("07:05").unwrap()), "07:05:00");
    assert_eq!(edm::format_time_of_day(edm::parse_time_of_day("23:59:59.9999999").unwrap()), "23:59:59.9999999");
    for bad in ["24:00:00", "13:20:00.", "1:20", "13:20:00Z", "13-20-00", ""] {
        assert!(edm::parse_time_of_day(bad).is_err(), "{bad}");
    }
}

#[test]
fn guid_reads_any_case_and_writes_lowercase() {
    let g: Guid = de("\"6F0C1B6E-2A3B-4C5D-8E9F-0A1B2C3D4E5F\"").unwrap();
    assert_eq!(ser(&g), "\"6f0c1b6e-2a3b-4c5d-8e9f-0a1b2c3d4e5f\"");
    let again: Guid = de(&ser(&g)).unwrap();
    assert_eq!(again, g);
    assert!(de::<Guid>("\"not-a-guid\"").is_err());
    assert!(de::<Guid>("12").is_err());
}

#[test]
fn binary_is_base64url_on_the_wire() {
    let b: Binary = de("\"_-8=\"").unwrap();
    assert_eq!(&*b, &[0xff, 0xef]);
    assert_eq!(ser(&b), "\"_-8=\"");
    assert_eq!(de::<Binary>("\"_-8\"").unwrap(), b, "unpadded");
    assert_eq!(de::<Binary>("\"/+8=\"").unwrap(), b, "standard alphabet");
    assert_eq!(de::<Binary>("\"T0RhdGE\"").unwrap(), Binary::from(b"OData".to_vec()));
    assert_eq!(ser(&Binary::from(b"OData".to_vec())), "\"T0RhdGE=\"");
    assert_eq!(de::<Binary>("\"\"").unwrap(), Binary::default());
    assert_eq!(ser(&Binary::default()), "\"\"");
    assert_eq!(serde_json::to_string(&b).unwrap(), "\"_-8=\"");
    assert_eq!(de_value::<Binary>(json!("AAEC")).unwrap().into_inner(), vec![0, 1, 2]);
    for bad in ["\"!!!!\"", "\"A\"", "\"AB=C\"", "12"] {
        assert!(de::<Binary>(bad).is_err(), "{bad}");
    }
}

/// Deterministic pseudo-random strings over the characters these formats use.
fn random_inputs(count: usize) -> Vec<String> {
    const ALPHABET: &[u8] = b"0123456789PTDHMSYW.:-+Zzt_/=eE ";
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let seeds =
        ["PT1M5.1234567S", "2020-02-25T18:52:21.2169889+05:30", "13:20:00.123", "2019-11-01", "-P1DT2H", "1.5e-7"];
    (0..count)
        .map(|i| {
            let mut s: Vec<u8> = seeds[i % seeds.len()].bytes().collect();
            for _ in 0..(next() % 4) {
                let at = (next() as usize) % (s.len() + 1);
                let c = ALPHABET[(next() as usize) % ALPHABET.len()];
                match next() % 3 {
                    0 => s.insert(at, c),
                    1 if at < s.len() => s[at] = c,
                    _ if at < s.len() => {
                        s.remove(at);
                    }
                    _ => s.push(c),
                }
            }
            String::from_utf8(s).unwrap()
        })
        .collect()
}

#[test]
fn parsers_round_trip_whatever_they_accept() {
    let mut accepted = 0;
    for input in random_inputs(20_000) {
        if let Ok(d) = input.parse::<Duration>() {
            accepted += 1;
            assert_eq!(d.to_string().parse::<Duration>().unwrap(), d, "{input}");
        }
        if let Ok(dt) = edm::parse_date_time_offset(&input) {
            accepted += 1;
            let back = edm::parse_date_time_offset(&edm::format_date_time_offset(dt)).unwrap();
            assert_eq!((back, back.offset()), (dt, dt.offset()), "{input}");
        }
        if let Ok(t) = edm::parse_time_of_day(&input) {
            accepted += 1;
            assert_eq!(edm::parse_time_of_day(&edm::format_time_of_day(t)).unwrap(), t, "{input}");
        }
        if let Ok(d) = edm::parse_date(&input) {
            accepted += 1;
            assert_eq!(edm::parse_date(&edm::format_date(d)).unwrap(), d, "{input}");
        }
        if let Ok(d) = edm::parse_decimal(&input) {
            accepted += 1;
            assert_eq!(edm::parse_decimal(&d.to_string()).unwrap(), d, "{input}");
        }
        if let Ok(b) = Binary::parse(&input) {
            assert_eq!(Binary::parse(&b.encode()).unwrap(), b, "{input}");
        }
    }
    assert!(accepted > 1_000, "the mutations should keep many inputs valid: {accepted}");
}
