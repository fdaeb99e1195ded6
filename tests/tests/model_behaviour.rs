//! What a user of a generated model crate relies on, one test per promise, on the callRecords
//! crate and on the per-concern fixture crates.

use std::str::FromStr;

use callrecords_model::call_records::{
    AnyEndpoint, AnyUserAgent, CallRecord, ClientPlatform, Modality, PstnCallLogRow, Session, WifiBand,
};
use fixture_enums_model::enums::{Access, Holder, WifiBand as FxWifiBand};
use fixture_inheritance_model::base::{AnyShape, Bag};
use fixture_inheritance_model::more::{Drawing, Square};
use fixture_primitives_model::edm::Everything;
use fixture_recursion_model::rec::{AnyExpr, Node, Person};
use odata_runtime::edm::{Decimal, Duration};
use odata_runtime::enums::Flags;
use odata_runtime::serde_json::{self, json, Value};

fn back(v: &impl odata_runtime::serde::Serialize) -> Value {
    serde_json::from_str(&serde_json::to_string(v).unwrap()).unwrap()
}

#[test]
fn every_property_may_be_absent() {
    let r: CallRecord = serde_json::from_str("{}").unwrap();
    assert_eq!(r, CallRecord::default());
    assert_eq!(back(&r), json!({}));
    let s: Session = serde_json::from_str(r#"{"id":"x"}"#).unwrap();
    assert_eq!(s.id.as_deref(), Some("x"));
    assert!(s.segments.is_none());
}

#[test]
fn unknown_properties_annotations_and_nulls_are_kept() {
    let text = json!({
        "@odata.context": "https://graph.microsoft.com/beta/$metadata#communications/callRecords/$entity",
        "@odata.etag": "W/\"1\"",
        "id": "r1",
        "joinWebUrl": null,
        "isTest": false,
        "sessions@odata.nextLink": "https://graph.microsoft.com/beta/next",
        "sessions": [{"id": "s1", "futureProperty": {"nested": [1, 2.5, "x"]}}]
    });
    let r: CallRecord = serde_json::from_value(text.clone()).unwrap();
    assert_eq!(r.join_web_url, None);
    assert!(r.extra.is_null("joinWebUrl"));
    assert_eq!(r.extra.get("isTest"), Some(&json!(false)));
    assert_eq!(r.sessions.as_ref().unwrap()[0].extra.get("futureProperty"), Some(&json!({"nested": [1, 2.5, "x"]})));
    assert_eq!(back(&r), text);
    // Setting a field that arrived as null writes the value.
    let mut r = r;
    r.join_web_url = Some("https://teams/x".into());
    assert_eq!(back(&r)["joinWebUrl"], json!("https://teams/x"));
}

#[test]
fn values_are_built_from_default_and_written_without_absent_fields() {
    let mut row = PstnCallLogRow::default();
    row.id = Some("1".into());
    row.charge = Some(Decimal::from_str("0.10").unwrap());
    // Only the fields that are set are written; the decimal keeps its scale.
    assert_eq!(serde_json::to_string(&row).unwrap(), r#"{"charge":0.10,"id":"1"}"#);
    assert_eq!(back(&row), json!({"id": "1", "charge": 0.10}));
}

#[test]
fn evolvable_enums_keep_unknown_values() {
    assert_eq!(Modality::from_str("audio").unwrap(), Modality::Audio);
    assert_eq!(Modality::from_str("hologram").unwrap(), Modality::Other("hologram".into()));
    assert_eq!(Modality::Other("hologram".into()).as_str(), "hologram");
    assert_eq!(Modality::VideoBasedScreenSharing.to_string(), "videoBasedScreenSharing");
    assert_eq!(ClientPlatform::IOs.as_str(), "iOS");
    let list: Vec<Modality> = serde_json::from_str(r#"["audio","unknownFutureValue","hologram"]"#).unwrap();
    assert_eq!(list, [Modality::Audio, Modality::UnknownFutureValue, Modality::Other("hologram".into())]);
    assert_eq!(back(&list), json!(["audio", "unknownFutureValue", "hologram"]));
    // Every member is a variant, in schema order, including the sentinel.
    let members = <WifiBand as odata_runtime::enums::EnumMember>::MEMBERS;
    assert_eq!(
        members.iter().map(|(_, m)| m.as_str()).collect::<Vec<_>>(),
        ["unknown", "frequency24GHz", "frequency50GHz", "frequency60GHz", "unknownFutureValue"]
    );
    // The table and the lookup by name agree for every member.
    for (wire, member) in members {
        assert_eq!(WifiBand::from_wire(wire), *member);
    }
    assert!(serde_json::from_str::<Modality>("1").is_err(), "a number is not a member name");
}

#[test]
fn members_after_the_sentinel_are_documented_as_needing_the_prefer_header() {
    let src = std::fs::read_to_string(tests::workspace_root().join("tests/generated/fixture-enums-model/src/enums.rs"))
        .unwrap();
    let at = src.find("    Frequency60GHz,").expect("variant");
    let doc = &src[src[..at].rfind("Unknown").unwrap()..at];
    assert!(doc.contains("Prefer: include-unknown-enum-members"), "{doc}");
    let before = src.find("    Frequency24GHz,").unwrap();
    let doc24 = &src[src[..before].rfind("///").unwrap()..before];
    assert!(!doc24.contains("Prefer"), "{doc24}");
    assert_eq!(FxWifiBand::from_wire("frequency60GHz"), FxWifiBand::Frequency60GHz);
}

#[test]
fn flags_enums_are_sets_on_the_wire_as_comma_separated_names() {
    let h: Holder = serde_json::from_value(json!({"access": "read,write", "band": "unknown"})).unwrap();
    let access = h.access.clone().unwrap();
    assert!(access.contains(&Access::Read) && access.contains(&Access::Write) && !access.contains(&Access::Admin));
    assert_eq!(back(&h)["access"], json!("read,write"));
    let mut set: Flags<Access> = Flags::default();
    set.insert(Access::Admin);
    set.insert(Access::Read);
    let mut h2 = Holder::default();
    h2.access = Some(set);
    assert_eq!(back(&h2), json!({"access": "admin,read"}));
    let odd: Holder = serde_json::from_value(json!({"access": "read, root"})).unwrap();
    assert!(odd.access.unwrap().contains(&Access::Other("root".into())));
}

#[test]
fn derived_types_are_chosen_by_odata_type_across_three_levels_and_namespaces() {
    let d: Drawing = serde_json::from_value(json!({
        "id": "d1",
        "main": {"@odata.type": "#fx.base.more.square", "label": "sq", "corners": 4, "side": 2.5},
        "shapes": [
            {"label": "no type"},
            {"@odata.type": "#fx.base.more.circle", "radius": 1.0},
            {"radius": 2.0, "@odata.type": "#fx.base.more.circle"},
            {"@odata.type": "#fx.base.more.hexagon", "corners": 6}
        ],
        "outline": {"@odata.type": "#fx.base.more.square", "side": 1.0}
    }))
    .unwrap();
    match d.main.as_ref().unwrap() {
        AnyShape::Square(s) => {
            assert_eq!((s.label.as_deref(), s.corners, s.side), (Some("sq"), Some(4), Some(2.5)));
        }
        other => panic!("expected a square, got {other:?}"),
    }
    let shapes = d.shapes.as_ref().unwrap();
    // `shape` is abstract: a value without `@odata.type` is kept, never made a `shape`.
    assert!(matches!(&shapes[0], AnyShape::Other(s) if s.label.as_deref() == Some("no type")));
    assert!(matches!(&shapes[1], AnyShape::Circle(c) if c.radius == Some(1.0)));
    assert!(matches!(&shapes[2], AnyShape::Circle(c) if c.radius == Some(2.0)), "type not first");
    match &shapes[3] {
        AnyShape::Other(s) => {
            assert_eq!(s.extra.odata_type(), Some("fx.base.more.hexagon"));
            assert_eq!(s.extra.get("corners"), Some(&json!(6)));
        }
        other => panic!("unknown type should fall back, got {other:?}"),
    }
    assert!(matches!(d.outline.as_ref().unwrap(), fixture_inheritance_model::more::AnyPolygon::Square(_)));
    // Written back: the same JSON, each value with its type.
    let v = back(&d);
    assert_eq!(v["main"]["@odata.type"], json!("#fx.base.more.square"));
    assert_eq!(v["shapes"][3], json!({"@odata.type": "#fx.base.more.hexagon", "corners": 6}));
    // A value built in code gets its `@odata.type` when written as a derived type.
    let mut sq = Square::default();
    sq.side = Some(3.0);
    let mut d2 = Drawing::default();
    d2.main = Some(sq.into());
    assert_eq!(back(&d2), json!({"main": {"@odata.type": "#fx.base.more.square", "side": 3.0}}));
}

#[test]
fn call_record_endpoints_and_user_agents_resolve_to_concrete_types() {
    let s: Session = serde_json::from_value(json!({
        "caller": {"@odata.type": "#microsoft.graph.callRecords.participantEndpoint",
                   "userAgent": {"@odata.type": "#microsoft.graph.callRecords.clientUserAgent", "platform": "windows"}},
        "callee": {"@odata.type": "#microsoft.graph.callRecords.serviceEndpoint",
                   "userAgent": {"@odata.type": "#microsoft.graph.callRecords.serviceUserAgent", "role": "voicemail"}}
    }))
    .unwrap();
    let AnyEndpoint::ParticipantEndpoint(caller) = s.caller.as_ref().unwrap() else { panic!("{:?}", s.caller) };
    let Some(AnyUserAgent::ClientUserAgent(ua)) = &caller.user_agent else { panic!("{:?}", caller.user_agent) };
    assert_eq!(ua.platform, Some(ClientPlatform::Windows));
    let AnyEndpoint::ServiceEndpoint(callee) = s.callee.as_ref().unwrap() else { panic!("{:?}", s.callee) };
    assert!(matches!(&callee.user_agent, Some(AnyUserAgent::ServiceUserAgent(_))));
}

#[test]
fn open_types_keep_dynamic_properties() {
    let b: Bag = serde_json::from_value(json!({"known": "k", "dynamic": {"a": 1}, "flag": true})).unwrap();
    assert_eq!(b.known.as_deref(), Some("k"));
    assert_eq!(b.extra.len(), 2);
    assert_eq!(back(&b), json!({"known": "k", "dynamic": {"a": 1}, "flag": true}));
}

#[test]
fn recursive_types_are_boxed_and_read_deeply() {
    let n: Node = serde_json::from_value(
        json!({"value": 1, "next": {"value": 2, "next": {"value": 3}}, "children": [{"value": 4}]}),
    )
    .unwrap();
    assert_eq!(n.next.as_ref().unwrap().next.as_ref().unwrap().value, Some(3));
    let p: Person =
        serde_json::from_value(json!({"id": "7", "manager": {"id": 1, "team": {"id": 2, "lead": {"id": 1}}}})).unwrap();
    assert_eq!(p.id, Some(7), "Int64 is accepted as a string");
    assert_eq!(p.manager.unwrap().team.unwrap().lead.unwrap().id, Some(1));
    let e: AnyExpr = serde_json::from_value(
        json!({"@odata.type": "#fx.rec.negation", "operand": {"@odata.type": "#fx.rec.negation"}}),
    )
    .unwrap();
    assert!(matches!(e, AnyExpr::Negation(ref n) if matches!(n.operand.as_ref(), Some(AnyExpr::Negation(_)))));
}

#[test]
fn every_edm_primitive_keeps_its_meaning() {
    let input = json!({
        "binary": "AQID_w==",
        "boolean": true,
        "byte": 255,
        "date": "2019-11-01",
        "dateTimeOffset": "2020-02-25T18:52:21.2169889Z",
        "decimal": "DECIMAL",
        "double": "-INF",
        "duration": "-PT0.5S",
        "guid": "E523D2ED-2966-4B6B-925B-754A88034CC5",
        "int16": -32768,
        "int32": 2147483647,
        "int64": "9007199254740993",
        "sByte": -128,
        "single": "NaN",
        "stream": "https://example.com/$value",
        "string": "é",
        "timeOfDay": "13:20:00.125",
        "point": {"type": "Point", "coordinates": [1.5, 2.5]},
        "untyped": [1, {"a": null}],
        "price": "10.5000",
        "tags": ["a", "b"],
        "durations": ["PT0.016S", "P1DT2H", "PT0S"]
    });
    // The decimal goes in as JSON text: a serde_json::Value would already have made it an f64.
    let text = input.to_string().replace(r#""DECIMAL""#, "12345678901234567890.123456789");
    let e: Everything = serde_json::from_str(&text).unwrap();
    assert_eq!(e.binary.as_deref().map(|b| b.to_vec()), Some(vec![1, 2, 3, 255]));
    assert_eq!(e.int64, Some(9_007_199_254_740_993), "no f64 on the way");
    assert!(e.single.unwrap().is_nan());
    assert_eq!(e.double, Some(f64::NEG_INFINITY));
    assert_eq!(e.duration, Some(Duration::from_nanos(-500_000_000).unwrap()));
    assert_eq!(e.durations.as_ref().unwrap()[0], Duration::from_nanos(16_000_000).unwrap());
    assert_eq!(e.durations.as_ref().unwrap()[1].whole_seconds(), 26 * 3600);
    assert_eq!(e.date_time_offset.unwrap().nanosecond(), 216_988_900);
    assert_eq!(e.price, Some(Decimal::from_str("10.5000").unwrap()), "a type definition over Decimal");
    assert_eq!(e.byte, Some(255));
    let out = serde_json::to_string(&e).unwrap();
    // Decimal is exact on the way in and out, Int64 is a number, durations are ISO 8601.
    assert!(out.contains(r#""decimal":12345678901234567890.123456789"#), "{out}");
    assert!(out.contains(r#""int64":9007199254740993"#), "{out}");
    assert!(out.contains(r#""duration":"-PT0.5S""#), "{out}");
    assert!(out.contains(r#""durations":["PT0.016S","P1DT2H","PT0S"]"#), "{out}");
    assert!(out.contains(r#""dateTimeOffset":"2020-02-25T18:52:21.2169889Z""#), "{out}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["point"], input["point"]);
    assert_eq!(v["untyped"], input["untyped"]);
    assert_eq!(v["single"], json!("NaN"));
    assert_eq!(v["guid"], json!("e523d2ed-2966-4b6b-925b-754a88034cc5"));
}

#[test]
fn docs_name_the_odata_item_and_deprecations_become_attributes() {
    let root = tests::workspace_root();
    let more = std::fs::read_to_string(root.join("tests/generated/fixture-inheritance-model/src/more.rs")).unwrap();
    assert!(
        more.contains("/// What the drawing shows; see <https://example.com/docs>."),
        "description with the URL in <>"
    );
    assert!(more.contains("/// OData property `description` (`Edm.String`)."));
    assert!(more.contains(r"/// Free text \[with brackets\] and \*stars\*."));
    assert!(more.contains("/// OData entity type `fx.base.more.drawing`, derived from `fx.base.entity`."));
    let enums = std::fs::read_to_string(root.join("tests/generated/fixture-enums-model/src/enums.rs")).unwrap();
    assert!(enums.contains(r#"#[deprecated(note = "Use wifiBand. (deprecated 2021-01-01)")]"#));
    assert!(enums.contains("/// Full control."));
}

#[test]
fn a_real_segment_reads_durations_and_seven_digit_instants() {
    let Some(shared) = tests::shared_dir() else { return };
    let text =
        std::fs::read_to_string(shared.join("examples/graph-docs-beta/beta__callrecords-callrecord-get__2.json"))
            .unwrap();
    let r: CallRecord = serde_json::from_str(&text).unwrap();
    let sessions = r.sessions.as_ref().expect("sessions are expanded");
    let segment = &sessions[0].segments.as_ref().expect("segments are expanded")[0];
    let stream = &segment.media.as_ref().unwrap()[0].streams.as_ref().unwrap()[0];
    assert!(stream.average_jitter.is_some() || stream.average_round_trip_time.is_some());
    assert!(r.start_date_time.unwrap().nanosecond().is_multiple_of(100), "7 fractional digits: 100 ns steps");
    assert!(r.modalities.as_ref().unwrap().contains(&Modality::Audio));
}

#[test]
fn an_any_default_is_the_concrete_base_and_survives_a_round_trip() {
    use callrecords_model::call_records::{AnyEndpoint, AnyUserAgent};
    let value = AnyEndpoint::default();
    assert!(matches!(value, AnyEndpoint::Endpoint(_)), "{value:?}");
    let json = serde_json::to_string(&value).unwrap();
    assert_eq!(json, "{}");
    assert_eq!(serde_json::from_str::<AnyEndpoint>(&json).unwrap(), value);
    // An abstract base has no variant of its own: its default is `Other`.
    assert!(matches!(AnyUserAgent::default(), AnyUserAgent::Other(_)));
}
