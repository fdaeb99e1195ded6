//! Key methods of the generated client, for every key shape of `tests/fixtures/codegen/keys.xml`:
//! the URL each gives (built, not sent), key predicates by default and key segments where the
//! service or an option says so; writes left out where the service forbids them.

use codegen::emit::CrateOptions;
use codegen::Options;
use fixture_keys_client::model::keys::Color;
use fixture_keys_client::{Client, Keys};
use odata_runtime::edm::{
    parse_date, parse_date_time_offset, parse_decimal, parse_time_of_day, Binary, Duration, Guid,
};

const BASE: &str = "https://example.test/svc";

fn keys() -> Keys {
    Keys::new(Client::builder(BASE).build().expect("client"))
}

fn url(path: &str) -> String {
    format!("{BASE}/{path}")
}

#[test]
fn single_keys_of_every_primitive_type_are_literals_in_parentheses() {
    let k = keys();
    assert_eq!(k.by_string().by_id("it's a/b?#%").get().url(), url("byString('it''s%20a%2Fb%3F%23%25')"));
    assert_eq!(k.by_string().by_id("(x),y=z").get().url(), url("byString('%28x%29%2Cy%3Dz')"));
    assert_eq!(k.by_boolean().by_id(true).get().url(), url("byBoolean(true)"));
    assert_eq!(k.by_byte().by_id(255).get().url(), url("byByte(255)"));
    assert_eq!(k.by_s_byte().by_id(-8).get().url(), url("bySByte(-8)"));
    assert_eq!(k.by_int16().by_id(-16).get().url(), url("byInt16(-16)"));
    assert_eq!(k.by_int32().by_id(1).get().url(), url("byInt32(1)"));
    assert_eq!(k.by_int64().by_id(4_294_967_296_001).get().url(), url("byInt64(4294967296001)"));
    assert_eq!(k.by_single().by_id(1.5).get().url(), url("bySingle(1.5)"));
    assert_eq!(k.by_double().by_id(f64::INFINITY).get().url(), url("byDouble(INF)"));
    assert_eq!(k.by_decimal().by_id(parse_decimal("12.50").unwrap()).get().url(), url("byDecimal(12.50)"));
    assert_eq!(k.by_duration().by_id(Duration::from_secs(90)).get().url(), url("byDuration(duration'PT1M30S')"));
    let instant = parse_date_time_offset("2024-02-29T23:59:58+01:00").unwrap();
    assert_eq!(
        k.by_date_time_offset().by_id(instant).get().url(),
        url("byDateTimeOffset(2024-02-29T23:59:58%2B01:00)")
    );
    assert_eq!(k.by_date().by_id(parse_date("2024-02-29").unwrap()).get().url(), url("byDate(2024-02-29)"));
    assert_eq!(
        k.by_time_of_day().by_id(parse_time_of_day("23:59:58").unwrap()).get().url(),
        url("byTimeOfDay(23:59:58)")
    );
    let g = Guid::parse_str("11111111-1111-4111-8111-111111111111").unwrap();
    assert_eq!(k.by_guid().by_id(g).get().url(), url("byGuid(11111111-1111-4111-8111-111111111111)"));
    assert_eq!(k.by_binary().by_id(Binary(vec![0xfb, 0xff])).get().url(), url("byBinary(binary'-_8')"));
    assert_eq!(k.by_enum().by_id(Color::Blue).get().url(), url("byEnum(fx.keys.Color'blue')"));
    assert_eq!(k.by_definition().by_id("a'b").get().url(), url("byDefinition('a''b')"));
}

#[test]
fn composite_keys_and_aliases_name_every_part() {
    let k = keys();
    assert_eq!(
        k.composites().by_key(2024, "U,S=D", false).get().url(),
        url("composites(year=2024,name='U%2CS%3DD',active=false)")
    );
    assert_eq!(k.aliased().by_key(7, Color::Red).get().url(), url("aliased(identPart=7,color=fx.keys.Color'red')"));
}

#[test]
fn writes_are_requests_with_the_right_method_and_headers() {
    let k = keys();
    let mut value = fixture_keys_client::model::keys::ByInt32::default();
    value.id = Some(3);
    value.extra.insert("@odata.etag".into(), serde_json::json!("W/\"7\""));
    value.extra.insert("@odata.context".into(), serde_json::json!("$metadata#byInt32/$entity"));
    let update = k.by_int32().by_id(3).update(&value).build().expect("request");
    assert_eq!(update.method(), "PATCH");
    assert_eq!(update.headers()["if-match"], "W/\"7\"");
    assert_eq!(update.headers()["prefer"], "return=representation");
    assert_eq!(std::str::from_utf8(update.body()).unwrap(), r#"{"id":3}"#);
    let minimal = k
        .by_int32()
        .by_id(3)
        .replace(&value)
        .if_match("W/\"8\"")
        .prefer_return(odata_runtime::client::ReturnPreference::Minimal)
        .build()
        .expect("request");
    assert_eq!(minimal.method(), "PUT");
    assert_eq!(minimal.headers()["if-match"], "W/\"8\"");
    assert_eq!(minimal.headers()["prefer"], "return=minimal");
    let create = k.by_int32().create(&value).build().expect("request");
    assert_eq!((create.method().as_str(), create.uri().to_string()), ("POST", url("byInt32")));
    let delete = k.by_int32().by_id(3).delete().if_match_any().build().expect("request");
    assert_eq!(delete.method(), "DELETE");
    assert_eq!(delete.headers()["if-match"], "*");
    assert_eq!(k.by_int32().count().filter("id gt 1").url(), url("byInt32/$count?$filter=id%20gt%201"));
}

fn generate(doc: &str, key_as_segment: bool) -> codegen::Generated {
    let options = Options {
        namespace: None,
        crate_options: CrateOptions { key_as_segment, ..CrateOptions::new("k", "../runtime", true) },
    };
    codegen::generate("keys.xml", doc.as_bytes(), &options).expect("generates")
}

fn fixture() -> String {
    std::fs::read_to_string(tests::workspace_root().join("tests/fixtures/codegen/keys.xml")).expect("keys.xml")
}

#[test]
fn the_set_the_service_marks_read_only_has_no_writes() {
    let g = generate(&fixture(), false);
    let client = &g.files["k-client/src/keys.rs"];
    let fixed = client.split("pub struct FixedPath").nth(1).expect("FixedPath");
    let fixed = fixed.split("pub struct GuidPath").next().unwrap_or(fixed);
    assert!(
        !fixed.contains("pub fn update(") && !fixed.contains("pub fn delete(") && !fixed.contains("pub fn create(")
    );
    assert!(fixed.contains("pub fn count("));
}

#[test]
fn key_segments_by_option_or_by_the_services_annotation() {
    let by_option = generate(&fixture(), true);
    let client = &by_option.files["k-client/src/keys.rs"];
    assert!(client.contains("encode_segment(id)"), "a string key is a bare segment");
    assert!(!client.contains("key_predicate"));
    let annotated = fixture().replace(
        "<EntityContainer Name=\"Keys\">",
        "<EntityContainer Name=\"Keys\">\n        <Annotation Term=\"Org.OData.Capabilities.V1.KeyAsSegmentSupported\"/>",
    );
    let by_annotation = generate(&annotated, false);
    assert_eq!(by_annotation.files["k-client/src/keys.rs"], *client);
}

#[test]
fn a_key_without_a_url_literal_is_skipped_with_a_warning() {
    let doc = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="fx.odd" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="Place">
        <Key><PropertyRef Name="where"/></Key>
        <Property Name="where" Type="Edm.GeographyPoint" Nullable="false"/>
      </EntityType>
      <EntityContainer Name="Odd">
        <EntitySet Name="places" EntityType="fx.odd.Place"/>
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>"#;
    let g = generate(doc, false);
    let client = &g.files["k-client/src/odd.rs"];
    assert!(!client.contains("pub fn by_id"));
    let text = format!("{:?}", g.diagnostics);
    assert!(text.contains("fx.odd.Place: Edm.GeographyPoint has no URL literal"), "{text}");
}

/// Reverses the direct children of every `<Schema>` (each starts on a line indented by six
/// spaces and runs to the next such line).
fn reverse_schema_children(text: &str) -> String {
    let mut out = String::new();
    let mut children: Vec<String> = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        let l = format!("{line}\n");
        if line.trim_start().starts_with("<Schema ") {
            inside = true;
            out.push_str(&l);
        } else if line.trim_start().starts_with("</Schema>") {
            children.reverse();
            out.push_str(&children.concat());
            children.clear();
            inside = false;
            out.push_str(&l);
        } else if !inside {
            out.push_str(&l);
        } else if line.starts_with("      <") && !line.starts_with("      </") {
            children.push(l);
        } else if let Some(last) = children.last_mut() {
            last.push_str(&l);
        } else {
            out.push_str(&l);
        }
    }
    out
}

#[test]
fn the_cap_client_does_not_depend_on_document_order() {
    let text = std::fs::read_to_string(tests::workspace_root().join("tests/cap/metadata.xml")).expect("metadata.xml");
    let reversed = reverse_schema_children(&text);
    assert_ne!(reversed, text);
    let a = generate(&text, false).files;
    let b = generate(&reversed, false).files;
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, text) in &a {
        assert!(b[path] == *text, "{path} differs for the reordered document");
    }
}
