//! A whole service split into cargo features: what one feature compiles, what happens to data
//! of a feature that is off, and that names and conditions stay put when the schema changes
//! elsewhere. The fixture crates are built here with only `users` on.

use codegen::emit::CrateOptions;
use codegen::plan::features::Features;
use fixture_features_model::svc::{AnyDirectoryObject, User};
use odata_runtime::serde_json::{self, json, Value};

fn back(v: &impl odata_runtime::serde::Serialize) -> Value {
    serde_json::from_str(&serde_json::to_string(v).unwrap()).unwrap()
}

#[test]
fn a_navigation_property_into_a_feature_that_is_off_is_kept_in_extra() {
    // `devices` is its own area, off in this build: `User` has no `devices` field, and the
    // expanded JSON is kept and written back.
    let input = json!({
        "id": "u1",
        "displayName": "Ada",
        "presence": "busy",
        "devices": [{"id": "d1", "model": "x"}],
        "messages": [{"id": "m1", "subject": "hi", "from": {"user": {"displayName": "Bob"}}}]
    });
    let u: User = serde_json::from_value(input.clone()).unwrap();
    assert_eq!(u.display_name.as_deref(), Some("Ada"));
    assert_eq!(u.messages.as_ref().map(Vec::len), Some(1), "containment is part of the area");
    assert!(u.extra.get("devices").is_some(), "the JSON of a property whose feature is off is kept");
    assert_eq!(back(&u), input);
}

#[test]
fn a_derived_type_whose_feature_is_off_is_read_as_its_base() {
    // The users area holds users; devices are off, so a device is read into `Other` with the
    // fields of directoryObject and written back as it came.
    let user: AnyDirectoryObject = serde_json::from_value(json!({"@odata.type": "#fx.svc.user", "id": "u"})).unwrap();
    assert!(matches!(user, AnyDirectoryObject::User(_)));
    let input = json!({"@odata.type": "#fx.svc.device", "id": "d", "model": "phone"});
    let device: AnyDirectoryObject = serde_json::from_value(input.clone()).unwrap();
    assert!(matches!(device, AnyDirectoryObject::Other(_)));
    assert_eq!(back(&device), input);
}

#[test]
fn the_client_offers_the_paths_of_the_features_that_are_on() {
    let client = odata_runtime::client::Client::builder("https://example.com/v1").build().expect("client");
    let svc = fixture_features_client::SvcService::new(client);
    assert_eq!(svc.users().by_id("u1").messages().list().url(), "https://example.com/v1/users/u1/messages");
    assert_eq!(svc.me().get().url(), "https://example.com/v1/me");
}

fn graph_features() -> Option<(codegen::model::Model<'static>, Features)> {
    let path = tests::graph_2021()?;
    // Leaked: the model lives to the end of the test.
    let bytes = std::fs::read(&path).unwrap().leak();
    let (model, diags) = codegen::load(&path.display().to_string(), bytes);
    assert!(!diags.has_errors());
    let model = model.unwrap();
    let f = Features::new(&model, "microsoft.graph", |ns| codegen::plan::module_name(ns, "microsoft.graph"));
    Some((model, f))
}

#[test]
fn graph_is_split_per_namespace_and_per_entity_set_and_singleton() {
    let Some((model, f)) = graph_features() else { return };
    let names: Vec<&str> = f.list.iter().map(|x| x.name.as_str()).collect();
    let c = model.container.as_ref().unwrap();
    // One feature per namespace other than microsoft.graph and per entity set and singleton,
    // plus the types nothing reaches.
    assert_eq!(f.list.len(), (model.schemas.len() - 1) + c.entity_sets.len() + c.singletons.len() + 1, "{names:?}");
    for n in ["call-records", "ediscovery", "term-store-namespace", "users", "me", "communications", "graph-unreached"]
    {
        assert!(names.contains(&n), "{n} in {names:?}");
    }
    let gate = |q: &str| f.names(f.gate(model.lookup(q).unwrap()));
    let with = |q: &str, feature: &str| gate(q).is_empty() || gate(q).contains(&feature);
    // callRecords alone: its types, the container path to them, and what they hold.
    assert_eq!(gate("microsoft.graph.callRecords.callRecord"), ["call-records", "communications"]);
    assert!(with("microsoft.graph.cloudCommunications", "call-records"));
    assert!(with("microsoft.graph.identitySet", "call-records"));
    assert!(with("microsoft.graph.chatMessageFromIdentitySet", "call-records"), "derived types of what it holds");
    assert!(!with("microsoft.graph.call", "call-records"), "other contents of communications stay out");
    assert!(!with("microsoft.graph.user", "call-records"));
    // The base of everything is always compiled.
    assert!(gate("microsoft.graph.entity").is_empty());
    // How much the callRecords feature compiles: its closure, not Graph.
    let with_call_records = (0..model.types.len() as u32)
        .map(codegen::model::TypeId)
        .filter(|t| f.gate(*t).is_empty() || f.names(f.gate(*t)).contains(&"call-records"))
        .count();
    assert!(with_call_records < model.types.len() / 10, "{with_call_records} of {} types", model.types.len());
}

fn generate_graph(xml: &[u8]) -> codegen::emit::Files {
    let options = codegen::Options {
        namespace: None,
        crate_options: CrateOptions { features: true, ..CrateOptions::new("graph", "../runtime", true) },
    };
    codegen::generate("graph.xml", xml, &options).unwrap().files
}

#[test]
fn a_change_in_one_namespace_leaves_the_other_files_as_they_were() {
    let Some(path) = tests::graph_2021() else { return };
    let before = std::fs::read_to_string(&path).unwrap();
    // callRecords grows a type, a property and an enum member; nothing else changes.
    let after = before
        .replacen(
            r#"<EntityType Name="callRecord" BaseType="graph.entity">"#,
            r#"<ComplexType Name="callQuality"><Property Name="score" Type="Edm.Int32" /></ComplexType><EntityType Name="callRecord" BaseType="graph.entity"><Property Name="quality" Type="microsoft.graph.callRecords.callQuality" />"#,
            1,
        )
        .replacen(r#"<Member Name="screenSharing" Value="4" />"#, r#"<Member Name="screenSharing" Value="4" /><Member Name="hologram" Value="6" />"#, 1);
    assert!(after.contains(r#"Name="callQuality""#) && after.contains(r#"Name="hologram""#), "both edits apply");
    let (a, b) = (generate_graph(before.as_bytes()), generate_graph(after.as_bytes()));
    let changed: Vec<&String> = b.keys().filter(|k| a.get(*k) != b.get(*k)).collect();
    // The model types and the client's property enums of callRecords; nothing else.
    assert_eq!(changed, ["graph-client/src/call_records.rs", "graph-model/src/call_records.rs"]);
    assert_eq!(a.len(), b.len());
}

#[tokio::test]
async fn functions_returning_one_value_or_a_stream_are_typed() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    let json = |body: &str| ResponseTemplate::new(200).set_body_raw(body.to_owned(), "application/json");
    Mock::given(method("GET"))
        .and(path("/v1/users/u1/countUnread()"))
        .respond_with(json(r#"{"@odata.context":"x","value":7}"#))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/users/u1/currentPresence()"))
        .respond_with(json(r#"{"value":"busy"}"#))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/users/u1/activityReport(period='D7')"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("a,b\n1,2\n", "text/csv"))
        .mount(&server)
        .await;
    let client = odata_runtime::client::Client::builder(&format!("{}/v1", server.uri())).build().expect("client");
    let user = fixture_features_client::SvcService::new(client).users().by_id("u1");
    let count = user.count_unread().send().await.unwrap();
    assert_eq!(count.value, 7);
    assert_eq!(count.extra.get("@odata.context"), Some(&json!("x")));
    let presence = user.current_presence().send().await.unwrap().into_inner();
    assert_eq!(presence, fixture_features_model::svc::PresenceState::Busy);
    let report = user.activity_report("D7".into()).send().await.unwrap();
    assert_eq!(report.bytes, b"a,b\n1,2\n");
    assert_eq!(report.content_type.as_deref(), Some("text/csv"));
}

#[test]
fn an_operation_named_like_a_path_method_does_not_shadow_it() {
    // `clone` is the path's `Clone`; the bound action of that name is `clone_action`, with
    // one argument per parameter however many there are.
    let client = odata_runtime::client::Client::builder("https://example.com/v1").build().expect("client");
    let user = fixture_features_client::SvcService::new(client).users().by_id("u1");
    let copy = user.clone();
    assert_eq!(copy.path(), user.path());
    let request = copy
        .clone_action(
            Some("Team".into()),
            Some("team".into()),
            Some("d".into()),
            Some("private".into()),
            Some("apps".into()),
            None,
            Some(fixture_features_model::svc::IdentitySet::default()),
            Some(fixture_features_model::svc::PresenceState::Busy),
        )
        .unwrap();
    let built = request.build().unwrap();
    assert_eq!(built.method(), "POST");
    assert_eq!(built.uri(), "https://example.com/v1/users/u1/clone");
    let body: Value = serde_json::from_slice(built.body()).unwrap();
    assert_eq!(body["presence"], json!("busy"));
    assert_eq!(body["displayName"], json!("Team"));
    // A nullable action parameter left `None` is not sent.
    assert!(body.get("classification").is_none());
}

#[test]
fn a_structured_function_parameter_goes_as_a_parameter_alias() {
    let client = odata_runtime::client::Client::builder("https://example.com/v1").build().expect("client");
    let user = fixture_features_client::SvcService::new(client).users().by_id("u1");
    let mut who = fixture_features_model::svc::IdentitySet::default();
    let mut ada = fixture_features_model::svc::Identity::default();
    ada.display_name = Some("Ada L".into());
    who.user = Some(ada);
    let url = user.find_matches(who, 3).unwrap().url();
    assert_eq!(
        url,
        "https://example.com/v1/users/u1/findMatches(who=@who,limit=3)?@who=%7B%22user%22:%7B%22displayName%22:%22Ada%20L%22%7D%7D"
    );
    // The alias's value reads back as the JSON of the parameter.
    let (_, value) = url.split_once("?@who=").unwrap();
    let decoded = value.replace("%7B", "{").replace("%7D", "}").replace("%22", "\"").replace("%20", " ");
    assert_eq!(serde_json::from_str::<Value>(&decoded).unwrap(), json!({"user": {"displayName": "Ada L"}}));
}
