//! Tests of structures, `Extra` and polymorphic dispatch with hand-written "generated" types.

use std::fmt;

use odata_runtime::edm::{DateTimeOffset, Decimal, Duration};
use odata_runtime::enums::Flags;
use odata_runtime::object::{self, Extra, Polymorphic, Read, Rest, Structure};
use odata_runtime::serde::de::{MapAccess, Visitor};
use odata_runtime::serde::ser::SerializeMap;
use odata_runtime::serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::json;

// ----------------------------------------------------------------------------- test model

#[derive(Debug, Clone, PartialEq, Eq)]
enum Modality {
    Audio,
    Video,
    Other(String),
}

odata_runtime::__private::enum_members!(Modality, Other, [0 Audio "audio", 1 Video "video"], [0, 1]);

#[derive(Debug, Clone, Default, PartialEq)]
struct Endpoint {
    user_agent: Option<String>,
    extra: Extra,
}

// Written by hand, as the trait documents it.
impl Structure for Endpoint {
    const TYPE_NAME: &'static str = "microsoft.graph.callRecords.endpoint";
    const FIELDS: &'static [&'static str] = &["userAgent"];
    const BY_NAME: &'static [u32] = &[0];
    fn read_field<'de, A: MapAccess<'de>>(&mut self, index: usize, map: &mut A) -> Result<Read, A::Error> {
        match index {
            0 => object::read(map, &mut self.user_agent),
            _ => Ok(Read::Undeclared),
        }
    }
    fn write_field<M: SerializeMap>(&self, index: usize, key: &'static str, map: &mut M) -> Result<bool, M::Error> {
        match index {
            0 => object::write(map, key, &self.user_agent),
            _ => Ok(false),
        }
    }
    fn extra(&self) -> &Extra {
        &self.extra
    }
    fn extra_mut(&mut self) -> &mut Extra {
        &mut self.extra
    }
}

odata_runtime::impl_structure_serde!(Endpoint);

#[derive(Clone, PartialEq)]
struct ParticipantEndpoint {
    user_agent: Option<String>,
    cpu_cores_count: Option<i32>,
    price: Option<Decimal>,
    extra: Extra,
}

odata_runtime::__private::impl_structure!(
    ParticipantEndpoint,
    "microsoft.graph.callRecords.participantEndpoint",
    extra,
    [0 user_agent "userAgent", 1 cpu_cores_count "cpuCoresCount", 2 price "price"],
    [2, 0, 1],
);

#[derive(Debug, Clone, PartialEq)]
enum AnyEndpoint {
    Endpoint(Endpoint),
    ParticipantEndpoint(ParticipantEndpoint),
    Other(Endpoint),
}

impl Polymorphic for AnyEndpoint {
    fn decode<'de, A: MapAccess<'de>>(type_name: Option<&str>, rest: Rest<'_, A>) -> Result<Self, A::Error> {
        Ok(match type_name {
            None | Some("microsoft.graph.callRecords.endpoint") => Self::Endpoint(rest.finish()?),
            Some("microsoft.graph.callRecords.participantEndpoint") => Self::ParticipantEndpoint(rest.finish()?),
            Some(_) => Self::Other(rest.finish()?),
        })
    }
}

impl<'de> Deserialize<'de> for AnyEndpoint {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        object::deserialize_polymorphic(d)
    }
}

impl Serialize for AnyEndpoint {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Endpoint(v) => object::serialize_structure(v, None, s),
            Self::ParticipantEndpoint(v) => object::serialize_typed(v, s),
            Self::Other(v) => object::serialize_structure(v, None, s),
        }
    }
}

odata_runtime::impl_edm_via_serde!(AnyEndpoint);

#[derive(Clone, PartialEq)]
struct Session {
    id: Option<String>,
    start_date_time: Option<DateTimeOffset>,
    modalities: Option<Vec<Modality>>,
    flags: Option<Flags<Modality>>,
    caller: Option<Box<AnyEndpoint>>,
    endpoints: Option<Vec<AnyEndpoint>>,
    duration: Option<Duration>,
    count: Option<i64>,
    extra: Extra,
}

odata_runtime::__private::impl_structure!(
    Session,
    "microsoft.graph.callRecords.session",
    extra,
    [
        0 id "id",
        1 start_date_time "startDateTime",
        2 modalities "modalities",
        3 flags "flags",
        4 caller "caller",
        5 endpoints "endpoints",
        6 duration "duration",
        7 count "count",
        #[cfg(any())] 8 never "never",
    ],
    // by length, then bytes: id count flags never caller duration endpoints modalities startDateTime
    [0, 7, 3, 8, 4, 6, 5, 2, 1],
);

fn roundtrip<T: Serialize + for<'de> Deserialize<'de>>(json: &str) -> (T, String) {
    let value: T = serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"));
    let written = serde_json::to_string(&value).unwrap();
    (value, written)
}

// ----------------------------------------------------------------------------- Extra

#[test]
fn extra_api() {
    let mut extra = Extra::new();
    assert!(extra.is_empty());
    extra.insert("@odata.type".into(), json!("#a.b"));
    assert_eq!(extra.insert("b".into(), json!(1)), None);
    assert_eq!(extra.insert("b".into(), json!(2)), Some(json!(1)));
    assert_eq!(extra.len(), 2);
    assert_eq!(extra.get("b"), Some(&json!(2)));
    assert_eq!(extra.odata_type(), Some("a.b"));
    extra.set_odata_type("x.y");
    assert_eq!(extra.get("@odata.type"), Some(&json!("#x.y")));
    extra.set_odata_type("#x.z");
    assert_eq!(extra.odata_type(), Some("x.z"));
    let keys: Vec<&str> = extra.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["@odata.type", "b"]);
    assert_eq!(extra.remove("b"), Some(json!(2)));
    assert_eq!(extra.remove("b"), None);

    extra.mark_null("zeta");
    extra.mark_null("alpha");
    extra.mark_null("zeta");
    assert!(extra.is_null("alpha") && extra.is_null("zeta") && !extra.is_null("beta"));
    assert_eq!(extra.nulls().collect::<Vec<_>>(), ["alpha", "zeta"]);
    extra.clear_null("zeta");
    assert!(!extra.is_null("zeta"));
    assert_eq!(extra.len(), 1, "null marks are not counted");

    let mut other = Extra::new();
    other.mark_null("alpha");
    other.set_odata_type("x.z");
    assert_eq!(extra, other);

    let mut short = Extra::new();
    short.insert("@type".into(), json!("#s.t"));
    assert_eq!(short.odata_type(), Some("s.t"));
    assert_eq!(Extra::new().odata_type(), None);
}

// ----------------------------------------------------------------------------- structures

#[test]
fn structure_round_trip_keeps_unknown_data_nulls_and_order() {
    let json = r#"{
        "zUnknown": {"deep": [1, 2]},
        "id": "s1",
        "@odata.etag": "W/1",
        "startDateTime": "2020-02-25T18:52:21.2169889Z",
        "endpoints@odata.nextLink": "https://next",
        "modalities": ["audio", "screenSharing"],
        "flags": "video, audio",
        "caller": null,
        "duration": "PT0.016S",
        "count": "123",
        "@odata.context": "https://ctx"
    }"#;
    let (session, written): (Session, String) = roundtrip(json);
    assert_eq!(session.id.as_deref(), Some("s1"));
    assert_eq!(session.count, Some(123));
    assert_eq!(session.modalities, Some(vec![Modality::Audio, Modality::Other("screenSharing".into())]));
    assert_eq!(session.flags.as_ref().map(Flags::len), Some(2));
    assert_eq!(session.caller, None);
    assert!(session.extra.is_null("caller"));
    assert_eq!(session.extra.get("zUnknown"), Some(&json!({"deep": [1, 2]})));
    assert_eq!(session.extra.len(), 4);
    assert_eq!(
        written,
        concat!(
            r#"{"@odata.context":"https://ctx","@odata.etag":"W/1","endpoints@odata.nextLink":"https://next","#,
            r#""id":"s1","startDateTime":"2020-02-25T18:52:21.2169889Z","modalities":["audio","screenSharing"],"#,
            r#""flags":"video,audio","caller":null,"duration":"PT0.016S","count":123,"zUnknown":{"deep":[1,2]}}"#
        )
    );
    // Writing back and reading again gives the same value.
    let again: Session = serde_json::from_str(&written).unwrap();
    assert_eq!(again, session);
}

#[test]
fn structure_null_marks_follow_the_values() {
    let mut s: Session = serde_json::from_str(r#"{"id":null,"count":null}"#).unwrap();
    assert_eq!(serde_json::to_string(&s).unwrap(), r#"{"id":null,"count":null}"#);
    s.count = Some(5);
    assert_eq!(serde_json::to_string(&s).unwrap(), r#"{"id":null,"count":5}"#);
    s.extra.clear_null("id");
    assert_eq!(serde_json::to_string(&s).unwrap(), r#"{"count":5}"#);
    // Absent fields are not written at all.
    assert_eq!(serde_json::to_string(&Session::default()).unwrap(), "{}");
}

#[test]
fn structure_duplicate_keys_last_wins() {
    let s: Session = serde_json::from_str(r#"{"id":"a","id":null,"count":1,"count":"2","x":1,"x":2}"#).unwrap();
    assert_eq!(s.id, None);
    assert!(s.extra.is_null("id"));
    assert_eq!(s.count, Some(2));
    assert_eq!(s.extra.get("x"), Some(&json!(2)));
    let s: Session = serde_json::from_str(r#"{"id":null,"id":"b"}"#).unwrap();
    assert_eq!(s.id.as_deref(), Some("b"));
    assert!(!s.extra.is_null("id"));
}

#[test]
fn structure_errors_name_the_problem() {
    let err = serde_json::from_str::<Session>(r#"{"count":"many"}"#).unwrap_err().to_string();
    assert!(err.contains("Edm.Int64"), "{err}");
    let err = serde_json::from_str::<Session>("[1]").unwrap_err().to_string();
    assert!(err.contains("microsoft.graph.callRecords.session"), "{err}");
    let err = serde_json::from_str::<Session>(r#"{"duration":"P1M"}"#).unwrap_err().to_string();
    assert!(err.contains("months are not allowed"), "{err}");
    assert!(serde_json::from_str::<Session>(r#"{"modalities":"audio"}"#).is_err());
}

#[test]
fn structure_from_value() {
    let value = json!({"id": "v", "count": 7, "caller": {"userAgent": "ua"}, "extraProp": true});
    let s: Session = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(s.count, Some(7));
    assert_eq!(
        s.caller,
        Some(Box::new(AnyEndpoint::Endpoint(Endpoint { user_agent: Some("ua".into()), ..Default::default() })))
    );
    assert_eq!(serde_json::to_value(&s).unwrap(), value);
    let by_ref = Session::deserialize(&value).unwrap();
    assert_eq!(by_ref, s);
}

struct AfterType(Endpoint);

impl<'de> Deserialize<'de> for AfterType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AfterType;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object starting with @odata.type")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AfterType, A::Error> {
                let key: String = map.next_key()?.ok_or_else(|| odata_runtime::serde::de::Error::custom("empty"))?;
                assert_eq!(key, "@odata.type");
                let type_value: String = map.next_value()?;
                object::fill_structure_after_type(map, type_value).map(AfterType)
            }
        }
        d.deserialize_map(V)
    }
}

#[test]
fn fill_structure_after_type_keeps_the_type() {
    let AfterType(e) = serde_json::from_str(r##"{"@odata.type":"#x.y","userAgent":"ua","k":1}"##).unwrap();
    assert_eq!(e.user_agent.as_deref(), Some("ua"));
    assert_eq!(e.extra.odata_type(), Some("x.y"));
    assert_eq!(e.extra.get("k"), Some(&json!(1)));
    assert_eq!(serde_json::to_string(&e).unwrap(), r##"{"@odata.type":"#x.y","userAgent":"ua","k":1}"##);
}

// ----------------------------------------------------------------------------- polymorphism

const PARTICIPANT: &str = "microsoft.graph.callRecords.participantEndpoint";

fn participant(any: &AnyEndpoint) -> &ParticipantEndpoint {
    match any {
        AnyEndpoint::ParticipantEndpoint(p) => p,
        other => panic!("expected ParticipantEndpoint, got {other:?}"),
    }
}

#[test]
fn polymorphic_fast_path() {
    let json = r##"{"@odata.type":"#microsoft.graph.callRecords.participantEndpoint","userAgent":"ua","cpuCoresCount":8,"price":0.1234567890123456789012345678,"new":[1]}"##;
    let (any, written): (AnyEndpoint, String) = roundtrip(json);
    let p = participant(&any);
    assert_eq!(p.cpu_cores_count, Some(8));
    assert_eq!(p.extra.odata_type(), Some(PARTICIPANT));
    assert_eq!(p.extra.get("new"), Some(&json!([1])));
    assert_eq!(written, json);
}

#[test]
fn polymorphic_buffered_path_when_type_is_not_first() {
    let json = r##"{"userAgent":"ua","price":0.1234567890123456789012345678,"cpuCoresCount":"x-not-checked-before","@odata.type":"#microsoft.graph.callRecords.participantEndpoint"}"##;
    // A bad value of a declared property is still reported on the buffered path.
    let err = serde_json::from_str::<AnyEndpoint>(json).unwrap_err().to_string();
    assert!(err.contains("cpuCoresCount"), "{err}");

    let json = r##"{"userAgent":"ua","price":0.1234567890123456789012345678,"cpuCoresCount":4,"@odata.type":"#microsoft.graph.callRecords.participantEndpoint","zz":{"a":null}}"##;
    let (any, written): (AnyEndpoint, String) = roundtrip(json);
    let p = participant(&any);
    assert_eq!(p.cpu_cores_count, Some(4));
    assert_eq!(p.user_agent.as_deref(), Some("ua"));
    assert_eq!(p.price.map(|d| d.to_string()).as_deref(), Some("0.1234567890123456789012345678"));
    assert_eq!(p.extra.get("zz"), Some(&json!({"a": null})));
    assert_eq!(
        written,
        r##"{"@odata.type":"#microsoft.graph.callRecords.participantEndpoint","userAgent":"ua","cpuCoresCount":4,"price":0.1234567890123456789012345678,"zz":{"a":null}}"##
    );
}

#[test]
fn polymorphic_unknown_type_falls_back_to_other_and_keeps_it() {
    for json in [
        r##"{"@odata.type":"#microsoft.graph.callRecords.futureEndpoint","userAgent":"ua","newProp":1}"##,
        r##"{"userAgent":"ua","@odata.type":"#microsoft.graph.callRecords.futureEndpoint","newProp":1}"##,
    ] {
        let (any, written): (AnyEndpoint, String) = roundtrip(json);
        let AnyEndpoint::Other(e) = &any else { panic!("expected Other, got {any:?}") };
        assert_eq!(e.user_agent.as_deref(), Some("ua"));
        assert_eq!(e.extra.odata_type(), Some("microsoft.graph.callRecords.futureEndpoint"));
        assert_eq!(
            written,
            r##"{"@odata.type":"#microsoft.graph.callRecords.futureEndpoint","userAgent":"ua","newProp":1}"##
        );
    }
}

#[test]
fn polymorphic_without_type_is_the_base_type_and_writes_none() {
    let (any, written): (AnyEndpoint, String) = roundtrip(r#"{"userAgent":null,"x":"y"}"#);
    let AnyEndpoint::Endpoint(e) = &any else { panic!("expected Endpoint, got {any:?}") };
    assert!(e.extra.is_null("userAgent"));
    assert_eq!(written, r#"{"userAgent":null,"x":"y"}"#);
    let (any, written): (AnyEndpoint, String) = roundtrip("{}");
    assert_eq!(any, AnyEndpoint::Endpoint(Endpoint::default()));
    assert_eq!(written, "{}");
}

#[test]
fn polymorphic_non_string_type_counts_as_absent() {
    let (any, written): (AnyEndpoint, String) = roundtrip(r#"{"@odata.type":5,"userAgent":"ua"}"#);
    let AnyEndpoint::Endpoint(e) = &any else { panic!("expected Endpoint, got {any:?}") };
    assert_eq!(e.extra.get("@odata.type"), Some(&json!(5)));
    assert_eq!(written, r#"{"@odata.type":5,"userAgent":"ua"}"#);
}

#[test]
fn polymorphic_short_type_key() {
    let (any, written): (AnyEndpoint, String) =
        roundtrip(r##"{"cpuCoresCount":2,"@type":"#microsoft.graph.callRecords.participantEndpoint"}"##);
    assert_eq!(participant(&any).cpu_cores_count, Some(2));
    assert_eq!(written, r##"{"@type":"#microsoft.graph.callRecords.participantEndpoint","cpuCoresCount":2}"##);
}

#[test]
fn polymorphic_typed_variant_writes_its_type() {
    let any = AnyEndpoint::ParticipantEndpoint(ParticipantEndpoint { cpu_cores_count: Some(1), ..Default::default() });
    assert_eq!(
        serde_json::to_string(&any).unwrap(),
        r##"{"@odata.type":"#microsoft.graph.callRecords.participantEndpoint","cpuCoresCount":1}"##
    );
    let mut e = Endpoint::default();
    e.extra.insert("@odata.context".into(), json!("c"));
    let mut buf = Vec::new();
    object::serialize_structure(&e, Some("x.y"), &mut serde_json::Serializer::new(&mut buf)).unwrap();
    assert_eq!(String::from_utf8(buf).unwrap(), r##"{"@odata.context":"c","@odata.type":"#x.y"}"##);
}

#[test]
fn polymorphic_from_value_both_paths() {
    let fast =
        json!({"@odata.type": "#microsoft.graph.callRecords.participantEndpoint", "price": 2.5, "cpuCoresCount": 3});
    let any: AnyEndpoint = serde_json::from_value(fast).unwrap();
    assert_eq!(participant(&any).price.map(|d| d.to_string()).as_deref(), Some("2.5"));

    // "1st" comes before "@odata.type" both in key order and in insertion order.
    let buffered = json!({"1st": 1, "zeta": 1, "price": "12.50", "cpuCoresCount": 3, "@odata.type": "#microsoft.graph.callRecords.participantEndpoint"});
    let any = AnyEndpoint::deserialize(&buffered).unwrap();
    let p = participant(&any);
    assert_eq!(p.price.map(|d| d.to_string()).as_deref(), Some("12.50"));
    assert_eq!(p.extra.get("zeta"), Some(&json!(1)));
    let any: AnyEndpoint = serde_json::from_value(json!({"price": 1, "@odata.type": "#x.unknown"})).unwrap();
    let AnyEndpoint::Other(e) = &any else { panic!("expected Other, got {any:?}") };
    assert_eq!(e.extra.get("price"), Some(&json!(1)));
}

#[test]
fn polymorphic_inside_structures_and_arrays() {
    let json = r##"{"caller":{"cpuCoresCount":1,"@odata.type":"#microsoft.graph.callRecords.participantEndpoint"},"endpoints":[{"@odata.type":"#microsoft.graph.callRecords.participantEndpoint","cpuCoresCount":2},{"userAgent":"b"},null]}"##;
    let err = serde_json::from_str::<Session>(json).unwrap_err().to_string();
    assert!(err.contains("null"), "an array element of a non-nullable type cannot be null: {err}");

    let json = r##"{"caller":{"cpuCoresCount":1,"@odata.type":"#microsoft.graph.callRecords.participantEndpoint"},"endpoints":[{"@odata.type":"#microsoft.graph.callRecords.participantEndpoint","cpuCoresCount":2},{"userAgent":"b"}]}"##;
    let (s, written): (Session, String) = roundtrip(json);
    assert_eq!(participant(s.caller.as_deref().unwrap()).cpu_cores_count, Some(1));
    let endpoints = s.endpoints.as_deref().unwrap();
    assert_eq!(participant(&endpoints[0]).cpu_cores_count, Some(2));
    assert!(matches!(&endpoints[1], AnyEndpoint::Endpoint(e) if e.user_agent.as_deref() == Some("b")));
    assert_eq!(
        written,
        r##"{"caller":{"@odata.type":"#microsoft.graph.callRecords.participantEndpoint","cpuCoresCount":1},"endpoints":[{"@odata.type":"#microsoft.graph.callRecords.participantEndpoint","cpuCoresCount":2},{"userAgent":"b"}]}"##
    );
}

#[test]
fn polymorphic_rejects_non_objects() {
    for bad in ["[]", "1", "\"x\"", "null"] {
        let err = serde_json::from_str::<AnyEndpoint>(bad).unwrap_err().to_string();
        assert!(err.contains("an OData object"), "{bad}: {err}");
    }
}

#[test]
fn a_property_compiled_out_is_kept_in_extra() {
    // `never` is in Session's table but its field is behind a cfg that is off.
    let (s, written) = roundtrip::<Session>(r#"{"never":[1,2],"id":"a","count":null}"#);
    assert_eq!(s.extra.get("never"), Some(&json!([1, 2])));
    assert_eq!(s.id.as_deref(), Some("a"));
    assert!(s.extra.is_null("count"));
    assert_eq!(written, r#"{"id":"a","count":null,"never":[1,2]}"#);
    let (s, written) = roundtrip::<Session>(r#"{"never":null}"#);
    assert_eq!(s.extra.get("never"), Some(&json!(null)));
    assert!(!s.extra.is_null("never"));
    assert_eq!(written, r#"{"never":null}"#);
}

#[test]
fn every_key_of_a_table_is_found_and_others_are_not() {
    // Keys that sort before, between and after the declared names, and prefixes of them.
    let json = r#"{"a":1,"caller":{"userAgent":"x"},"call":2,"count":"7","idx":3,"id":"i","z":4,"startDateTime":"2020-01-01T00:00:00Z"}"#;
    let s: Session = serde_json::from_str(json).unwrap();
    assert_eq!(s.count, Some(7));
    assert_eq!(s.id.as_deref(), Some("i"));
    assert!(s.caller.is_some() && s.start_date_time.is_some());
    let unknown: Vec<&str> = s.extra.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(unknown.len(), 4, "{unknown:?}");
    for k in ["a", "call", "idx", "z"] {
        assert!(s.extra.get(k).is_some(), "{k} kept in extra");
    }
}

#[test]
fn debug_shows_wire_names_and_json_values() {
    let s: Session = serde_json::from_str(r#"{"count":"7","id":null,"x":true,"duration":"PT1M"}"#).unwrap();
    assert_eq!(
        format!("{s:?}"),
        r#"Session { id: null, duration: "PT1M", count: 7, extra: Extra { properties: {"x": Bool(true)}, nulls: ["id"] } }"#
    );
    let pretty = format!("{s:#?}");
    assert!(pretty.starts_with("Session {\n    id: null,\n    duration: \"PT1M\",\n"), "{pretty}");
}
