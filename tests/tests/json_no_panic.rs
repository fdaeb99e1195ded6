//! Arbitrary and mutated JSON never makes a generated deserializer panic: it is read or it is
//! an error. Inputs come from a seeded generator, so a failure is reproducible.

use odata_runtime::serde_json::{self, Map, Value};
use xtask::mutate::{mutate, Rng};

const KEYS: &[&str] = &[
    "@odata.type",
    "@odata.context",
    "@odata.nextLink",
    "id",
    "sessions",
    "segments",
    "media",
    "streams",
    "caller",
    "callee",
    "userAgent",
    "modalities",
    "type",
    "version",
    "startDateTime",
    "averageJitter",
    "charge",
    "value",
    "platform",
    "role",
    "main",
    "shapes",
    "side",
    "access",
    "band",
    "duration",
    "decimal",
    "int64",
    "single",
    "binary",
    "guid",
    "date",
    "timeOfDay",
    "next",
    "operand",
    "manager",
];
const STRINGS: &[&str] = &[
    "#microsoft.graph.callRecords.participantEndpoint",
    "#microsoft.graph.callRecords.clientUserAgent",
    "#fx.base.more.square",
    "#fx.rec.negation",
    "audio",
    "read,write",
    "PT0.016S",
    "P1DT2H",
    "-PT0.5S",
    "PT",
    "2020-02-25T18:52:21.2169889Z",
    "2020-13-45T99:00:00Z",
    "NaN",
    "INF",
    "-INF",
    "12.50",
    "1e400",
    "",
    "AQID",
    "9007199254740993",
    "e523d2ed-2966-4b6b-925b-754a88034cc5",
    "13:20:00",
    "25:61:00",
    "\u{0}",
    "é",
];

fn value(rng: &mut Rng, depth: u32) -> Value {
    match rng.below(if depth > 5 { 6 } else { 9 }) {
        0 => Value::Null,
        1 => Value::Bool(rng.below(2) == 0),
        2 => Value::from(rng.next_u64() as i64),
        3 => Value::from((rng.next_u64() as f64) / 7.0 - 1e18),
        4 | 5 => Value::from(STRINGS[rng.below(STRINGS.len())]),
        6 | 7 => {
            let mut m = Map::new();
            for _ in 0..rng.below(6) {
                m.insert(KEYS[rng.below(KEYS.len())].to_string(), value(rng, depth + 1));
            }
            Value::Object(m)
        }
        _ => Value::Array((0..rng.below(4)).map(|_| value(rng, depth + 1)).collect()),
    }
}

fn all_deserializers(text: &str) {
    use callrecords_model::call_records::{AnyEndpoint, CallRecord, Session};
    let _ = serde_json::from_str::<CallRecord>(text);
    let _ = serde_json::from_str::<odata_runtime::Collection<Session>>(text);
    let _ = serde_json::from_str::<AnyEndpoint>(text);
    let _ = serde_json::from_str::<fixture_primitives_model::edm::Everything>(text);
    let _ = serde_json::from_str::<fixture_inheritance_model::more::Drawing>(text);
    let _ = serde_json::from_str::<fixture_enums_model::enums::Holder>(text);
    let _ = serde_json::from_str::<fixture_recursion_model::rec::AnyExpr>(text);
    // Whatever was read can be written.
    if let Ok(r) = serde_json::from_str::<CallRecord>(text) {
        let _ = serde_json::to_string(&r);
    }
    if let Ok(v) = serde_json::from_str::<Value>(text) {
        let _ = serde_json::from_value::<CallRecord>(v.clone());
        let _ = serde_json::from_value::<fixture_inheritance_model::more::Drawing>(v);
    }
}

#[test]
fn arbitrary_json_never_panics() {
    let mut rng = Rng::new(0xC0FFEE);
    for i in 0..3000 {
        let v = value(&mut rng, 0);
        let text = v.to_string();
        if std::panic::catch_unwind(|| all_deserializers(&text)).is_err() {
            panic!("input {i} panicked: {text}");
        }
    }
}

#[test]
fn mutated_real_payloads_never_panic() {
    let Some(shared) = tests::shared_dir() else { return };
    let dir = shared.join("examples/graph-docs-beta");
    let mut payloads = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap().flatten() {
        if e.path().extension().is_some_and(|x| x == "json") {
            payloads.push(std::fs::read(e.path()).unwrap());
        }
    }
    payloads.sort();
    let mut rng = Rng::new(42);
    for i in 0..1500 {
        let base = &payloads[i % payloads.len()];
        let bytes = mutate(base, &mut rng);
        let text = String::from_utf8_lossy(&bytes).into_owned();
        if std::panic::catch_unwind(|| all_deserializers(&text)).is_err() {
            panic!("mutation {i} panicked: {text}");
        }
    }
}
