//! Tests of the `Edm` impls of plain Rust types: Int64, floats, Decimal, containers.

use odata_runtime::edm::Decimal;
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

#[test]
fn int64_accepts_numbers_and_strings() {
    assert_eq!(de::<i64>("123").unwrap(), 123);
    assert_eq!(de::<i64>("\"123\"").unwrap(), 123);
    assert_eq!(de::<i64>("\"-9223372036854775808\"").unwrap(), i64::MIN);
    assert_eq!(de::<i64>("9223372036854775807").unwrap(), i64::MAX);
    assert_eq!(de::<i64>("1e3").unwrap(), 1000);
    assert_eq!(de_value::<i64>(json!("42")).unwrap(), 42);
    assert_eq!(de_value::<i64>(json!(42)).unwrap(), 42);
    assert_eq!(ser(&123i64), "123");
    assert_eq!(ser(&-5i64), "-5");
}

#[test]
fn int64_rejects_non_integers() {
    for bad in ["1.5", "\"1.5\"", "\"abc\"", "\"\"", "9223372036854775808", "\"9223372036854775808\"", "true", "[]"] {
        let err = de::<i64>(bad).unwrap_err().to_string();
        assert!(err.contains("Edm.Int64"), "{bad}: {err}");
    }
}

#[test]
fn small_integers_are_plain_serde() {
    assert_eq!(de::<i32>("-7").unwrap(), -7);
    assert_eq!(de::<i16>("300").unwrap(), 300);
    assert_eq!(de::<i8>("-128").unwrap(), -128);
    assert_eq!(de::<u8>("255").unwrap(), 255);
    assert!(de::<u8>("256").is_err());
    assert!(de::<i32>("\"1\"").is_err());
    assert!(de::<bool>("true").unwrap());
    assert_eq!(de::<String>("\"a\\u00e9\"").unwrap(), "aé");
    assert_eq!(ser(&String::from("x\"y")), r#""x\"y""#);
    assert_eq!(ser(&255u8), "255");
}

#[test]
fn doubles_read_numbers_and_special_strings() {
    assert_eq!(de::<f64>("1.5").unwrap(), 1.5);
    assert_eq!(de::<f64>("2").unwrap(), 2.0);
    assert_eq!(de::<f64>("-2").unwrap(), -2.0);
    assert_eq!(de::<f64>("\"2.25\"").unwrap(), 2.25);
    assert!(de::<f64>("\"NaN\"").unwrap().is_nan());
    assert_eq!(de::<f64>("\"INF\"").unwrap(), f64::INFINITY);
    assert_eq!(de::<f64>("\"-INF\"").unwrap(), f64::NEG_INFINITY);
    assert_eq!(de::<f64>("\"Infinity\"").unwrap(), f64::INFINITY);
    assert_eq!(de::<f64>("\"-Infinity\"").unwrap(), f64::NEG_INFINITY);
    assert!(de::<f64>("\"abc\"").is_err());
    assert!(de::<f64>("null").is_err());
    assert_eq!(de::<f32>("\"-INF\"").unwrap(), f32::NEG_INFINITY);
    assert_eq!(de::<f32>("0.25").unwrap(), 0.25);
    assert!(de_value::<f64>(json!("NaN")).unwrap().is_nan());
}

#[test]
fn doubles_write_non_finite_as_strings() {
    assert_eq!(ser(&1.5f64), "1.5");
    assert_eq!(ser(&f64::NAN), "\"NaN\"");
    assert_eq!(ser(&f64::INFINITY), "\"INF\"");
    assert_eq!(ser(&f64::NEG_INFINITY), "\"-INF\"");
    assert_eq!(ser(&0.1f32), "0.1");
    assert_eq!(ser(&f32::NAN), "\"NaN\"");
    assert_eq!(ser(&f32::NEG_INFINITY), "\"-INF\"");
    // Round trip of the special values.
    let back: f64 = de(&ser(&f64::NEG_INFINITY)).unwrap();
    assert_eq!(back, f64::NEG_INFINITY);
}

#[test]
fn decimal_from_strings_and_numbers_is_exact() {
    let d: Decimal = de("\"12.50\"").unwrap();
    assert_eq!(d.to_string(), "12.50");
    assert_eq!(ser(&d), "12.50");

    let d: Decimal = de("12.50").unwrap();
    assert_eq!(d.to_string(), "12.50");
    assert_eq!(ser(&d), "12.50");

    let d: Decimal = de("1e-7").unwrap();
    assert_eq!(d.to_string(), "0.0000001");
    assert_eq!(ser(&d), "0.0000001");

    let long = "0.1234567890123456789012345678";
    let d: Decimal = de(long).unwrap();
    assert_eq!(d.to_string(), long);
    assert_eq!(ser(&d), long);
    let d: Decimal = de(&format!("\"{long}\"")).unwrap();
    assert_eq!(ser(&d), long);

    let big = "79228162514264337593543950335";
    assert_eq!(ser(&de::<Decimal>(big).unwrap()), big);
    assert_eq!(ser(&de::<Decimal>("-3").unwrap()), "-3");
    assert_eq!(ser(&de::<Decimal>("-1.5E+2").unwrap()), "-150");
    assert_eq!(ser(&de::<Decimal>("\"0.000\"").unwrap()), "0.000");
}

#[test]
fn decimal_inside_containers_and_from_reader() {
    let v: Vec<Option<Decimal>> = de("[1.10, null, \"2.20\"]").unwrap();
    assert_eq!(ser(&v), "[1.10,null,2.20]");
    // The io::Read path of serde_json hands out owned raw text.
    let v: In<Vec<Decimal>> = serde_json::from_reader(&b"[0.1234567890123456789012345678]"[..]).unwrap();
    assert_eq!(ser(&v.0), "[0.1234567890123456789012345678]");
}

#[test]
fn decimal_from_value_uses_value_text() {
    assert_eq!(de_value::<Decimal>(json!(12.5)).unwrap().to_string(), "12.5");
    assert_eq!(de_value::<Decimal>(json!("12.50")).unwrap().to_string(), "12.50");
    assert_eq!(de_value::<Decimal>(json!(7)).unwrap().to_string(), "7");
    let as_value = serde_json::to_value(Out(&de::<Decimal>("2.5").unwrap())).unwrap();
    assert_eq!(as_value, json!(2.5));
}

#[test]
fn decimal_rejects_what_it_cannot_hold_exactly() {
    for bad in [
        "1e-40",
        "0.12345678901234567890123456789",
        "1e30",
        "\"abc\"",
        "\"1.\"",
        "\"1_000\"",
        "true",
        "null",
        "{}",
        "[1]",
    ] {
        assert!(de::<Decimal>(bad).is_err(), "{bad} should fail");
    }
    // Zeros beyond the scale limit are dropped rather than rejected.
    assert_eq!(ser(&de::<Decimal>("1.00000000000000000000000000000000").unwrap()), "1.0000000000000000000000000000");
}

#[test]
fn options_vectors_boxes_and_values() {
    assert_eq!(de::<Option<i64>>("null").unwrap(), None);
    assert_eq!(de::<Option<i64>>("\"5\"").unwrap(), Some(5));
    assert_eq!(ser(&None::<i64>), "null");
    assert_eq!(ser(&Some(3i64)), "3");

    let v: Vec<Vec<i64>> = de(r#"[[1,"2"],[]]"#).unwrap();
    assert_eq!(v, vec![vec![1, 2], vec![]]);
    assert_eq!(ser(&v), "[[1,2],[]]");
    assert!(de::<Vec<i64>>("{}").is_err());
    assert!(de::<Vec<i64>>("[1,\"x\"]").is_err());

    let b: Box<f64> = de("\"INF\"").unwrap();
    assert_eq!(*b, f64::INFINITY);
    assert_eq!(ser(&b), "\"INF\"");

    let v: Value = de(r#"{"a":[1,null]}"#).unwrap();
    assert_eq!(v, json!({"a": [1, null]}));
    assert_eq!(ser(&v), r#"{"a":[1,null]}"#);
    assert_eq!(de::<Option<Value>>("null").unwrap(), None);
}
