//! Tests of evolvable enumerations and flags.

use odata_runtime::enums::{self, EnumMember, Flags};
use odata_runtime::serde::{Deserialize, Deserializer, Serialize, Serializer};
use odata_runtime::{In, Out};
use serde_json::json;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Other(String),
}

// Written by hand, as the trait documents it (generated enums use `enum_members!`).
impl EnumMember for Weekday {
    const MEMBERS: &'static [(&'static str, Self)] = &[
        ("monday", Self::Monday),
        ("tuesday", Self::Tuesday),
        ("wednesday", Self::Wednesday),
        ("thursday", Self::Thursday),
        ("friday", Self::Friday),
        ("saturday", Self::Saturday),
    ];
    // by length, then bytes: friday monday tuesday saturday thursday wednesday
    const BY_NAME: &'static [u32] = &[4, 0, 1, 5, 3, 2];
    fn index(&self) -> Result<usize, &str> {
        Ok(match self {
            Self::Monday => 0,
            Self::Tuesday => 1,
            Self::Wednesday => 2,
            Self::Thursday => 3,
            Self::Friday => 4,
            Self::Saturday => 5,
            Self::Other(s) => return Err(s),
        })
    }
    fn other(name: String) -> Self {
        Self::Other(name)
    }
}

#[test]
fn every_member_is_found_by_name_and_others_are_not() {
    for (wire, member) in Weekday::MEMBERS {
        assert_eq!(Weekday::from_wire(wire), *member);
        assert_eq!(member.as_str(), *wire);
    }
    for name in ["", "a", "sunday", "fridays", "m", "monda", "zzz", "Monday", "tuesday "] {
        assert_eq!(Weekday::from_wire(name), Weekday::Other(name.into()), "{name:?}");
    }
}

impl Serialize for Weekday {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        enums::serialize_enum(self, s)
    }
}

impl<'de> Deserialize<'de> for Weekday {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        enums::deserialize_enum(d)
    }
}

odata_runtime::impl_edm_via_serde!(Weekday);

#[test]
fn enum_members_known_and_unknown() {
    assert_eq!(serde_json::from_str::<Weekday>("\"monday\"").unwrap(), Weekday::Monday);
    assert_eq!(
        serde_json::from_str::<Weekday>("\"unknownFutureValue\"").unwrap(),
        Weekday::Other("unknownFutureValue".into())
    );
    // Escaped strings are not borrowable from the input: the owned path.
    assert_eq!(serde_json::from_str::<Weekday>(r#""tu\u0065sday""#).unwrap(), Weekday::Tuesday);
    assert_eq!(serde_json::from_value::<Weekday>(json!("tuesday")).unwrap(), Weekday::Tuesday);
    assert_eq!(serde_json::from_reader::<_, Weekday>(&b"\"monday\""[..]).unwrap(), Weekday::Monday);
    assert_eq!(serde_json::to_string(&Weekday::Tuesday).unwrap(), "\"tuesday\"");
    assert_eq!(serde_json::to_string(&Weekday::Other("x".into())).unwrap(), "\"x\"");
    let v: In<Vec<Weekday>> = serde_json::from_str(r#"["monday","sunday"]"#).unwrap();
    assert_eq!(serde_json::to_string(&Out(&v.0)).unwrap(), r#"["monday","sunday"]"#);
}

#[test]
fn enum_rejects_non_strings() {
    for bad in ["1", "null", "[]", "{}", "true"] {
        let err = serde_json::from_str::<Weekday>(bad).unwrap_err().to_string();
        assert!(err.contains("enumeration member name"), "{bad}: {err}");
    }
}

#[test]
fn flags_parse_and_write() {
    let f: Flags<Weekday> = serde_json::from_str("\"tuesday, monday ,sunday\"").unwrap();
    assert_eq!(f.as_slice(), [Weekday::Tuesday, Weekday::Monday, Weekday::Other("sunday".into())]);
    assert_eq!(serde_json::to_string(&f).unwrap(), "\"tuesday,monday,sunday\"");
    assert_eq!(f.to_string(), "tuesday,monday,sunday");

    let empty: Flags<Weekday> = serde_json::from_str("\"\"").unwrap();
    assert!(empty.is_empty());
    assert_eq!(serde_json::to_string(&empty).unwrap(), "\"\"");

    let f: Flags<Weekday> = serde_json::from_str("\"monday,,monday, \"").unwrap();
    assert_eq!(f.as_slice(), [Weekday::Monday]);
    assert_eq!(serde_json::to_string(&f).unwrap(), "\"monday\"");

    let f: In<Option<Flags<Weekday>>> = serde_json::from_str("null").unwrap();
    assert_eq!(f.0, None);
    let f: In<Flags<Weekday>> = serde_json::from_value(json!("monday,tuesday")).unwrap();
    assert_eq!(serde_json::to_string(&Out(&f.0)).unwrap(), "\"monday,tuesday\"");

    for bad in ["1", "[\"monday\"]", "null"] {
        let err = serde_json::from_str::<Flags<Weekday>>(bad).unwrap_err().to_string();
        assert!(err.contains("comma-separated"), "{bad}: {err}");
    }
}

#[test]
fn flags_set_operations() {
    let mut f = Flags::new();
    assert!(f.insert(Weekday::Tuesday));
    assert!(f.insert(Weekday::Other("sunday".into())));
    assert!(!f.insert(Weekday::Tuesday));
    assert!(f.contains(&Weekday::Tuesday));
    assert!(!f.contains(&Weekday::Monday));
    assert_eq!(f.len(), 2);
    assert_eq!(f.iter().map(EnumMember::as_str).collect::<Vec<_>>(), ["tuesday", "sunday"]);
    assert!(f.remove(&Weekday::Tuesday));
    assert!(!f.remove(&Weekday::Tuesday));
    assert_eq!(f, [Weekday::Other("sunday".into())].into_iter().collect());

    let collected: Flags<Weekday> = [Weekday::Monday, Weekday::Tuesday, Weekday::Monday].into_iter().collect();
    assert_eq!(collected.as_slice(), [Weekday::Monday, Weekday::Tuesday]);
    assert_eq!((&collected).into_iter().count(), 2);
    assert_eq!(collected.into_iter().collect::<Vec<_>>(), [Weekday::Monday, Weekday::Tuesday]);
    assert_eq!(Flags::<Weekday>::default(), Flags::new());
}

#[test]
fn flags_are_a_set_compared_without_order() {
    use std::collections::HashSet;
    let a: Flags<Weekday> = serde_json::from_str("\"monday,tuesday\"").unwrap();
    let b: Flags<Weekday> = serde_json::from_str("\"tuesday,monday,tuesday\"").unwrap();
    assert_eq!(b.len(), 2);
    assert_eq!(a, b);
    let set: HashSet<Flags<Weekday>> = [a.clone(), b].into_iter().collect();
    assert_eq!(set.len(), 1);
    let c: Flags<Weekday> = serde_json::from_str("\"monday\"").unwrap();
    assert_ne!(a, c);
    assert_ne!(c, a);
}
