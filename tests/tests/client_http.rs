//! The generated client over real HTTP: a loopback server serves the Graph docs' example
//! responses and checks the exact request line and headers the client sends.

use callrecords_client::{Client, Error, GraphService};
use futures_util::StreamExt;
use odata_runtime::edm::parse_date_time_offset;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "test-token";

fn example(file: &str) -> Option<String> {
    let shared = tests::shared_dir()?;
    Some(std::fs::read_to_string(shared.join("examples/graph-docs-beta").join(file)).expect("example"))
}

fn graph(server: &MockServer) -> GraphService {
    let client = Client::builder(&format!("{}/beta", server.uri())).token_provider(TOKEN).build().expect("client");
    GraphService::new(client)
}

/// The request line as the server saw it: method, path and the raw query.
fn line(r: &Request) -> String {
    match r.url.query() {
        Some(q) => format!("{} {}?{}", r.method, r.url.path(), q),
        None => format!("{} {}", r.method, r.url.path()),
    }
}

#[tokio::test]
async fn get_a_call_record_with_nested_expand() {
    let Some(body) = example("beta__callrecords-callrecord-get-id6781567655__2.json") else { return };
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/beta/communications/callRecords/e523d2ed-2966-4b6b-925b-754a88034cc5"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let request = graph(&server)
        .communications()
        .call_records()
        .by_id("e523d2ed-2966-4b6b-925b-754a88034cc5")
        .get()
        .expand_raw("sessions($expand=segments)");
    // Built without sending: the URL is the one the Graph docs show.
    let built = request.build().unwrap();
    assert_eq!(
        built.uri().to_string(),
        format!("{}/beta/communications/callRecords/e523d2ed-2966-4b6b-925b-754a88034cc5?$expand=sessions($expand=segments)", server.uri())
    );
    let record = request.send().await.expect("call record");
    assert_eq!(record.id.as_deref(), Some("e523d2ed-2966-4b6b-925b-754a88034cc5"));
    assert!(record.sessions.as_ref().unwrap()[0].segments.is_some());
    let seen = server.received_requests().await.unwrap();
    assert_eq!(
        line(&seen[0]),
        "GET /beta/communications/callRecords/e523d2ed-2966-4b6b-925b-754a88034cc5?$expand=sessions($expand=segments)"
    );
    assert_eq!(seen[0].headers.get("accept").unwrap(), "application/json");
}

#[tokio::test]
async fn list_sessions_across_pages_with_headers_carried() {
    let Some(first) = example("beta__callrecords-session-list__2.json") else { return };
    let server = MockServer::start().await;
    // Page 1 is the docs' response with its nextLink pointed back at this server.
    let mut page1: serde_json::Value = serde_json::from_str(&first).unwrap();
    let next =
        format!("{}/beta/communications/callRecords/rec1/sessions?$expand=segments&$skiptoken=page2", server.uri());
    page1["@odata.nextLink"] = serde_json::Value::from(next.clone());
    let first_count = page1["value"].as_array().unwrap().len();
    let page2 = serde_json::json!({"value": [{"id": "s-last", "modalities": ["audio"], "segments": []}]});
    Mock::given(method("GET"))
        .and(path("/beta/communications/callRecords/rec1/sessions"))
        .respond_with(move |r: &Request| {
            let body =
                if r.url.query().is_some_and(|q| q.contains("skiptoken")) { page2.clone() } else { page1.clone() };
            ResponseTemplate::new(200).set_body_json(body)
        })
        .expect(2)
        .mount(&server)
        .await;
    let sessions: Vec<_> = graph(&server)
        .communications()
        .call_records()
        .by_id("rec1")
        .sessions()
        .list()
        .expand_raw("segments")
        .include_unknown_enum_members()
        .items()
        .collect()
        .await;
    let sessions: Vec<_> = sessions.into_iter().collect::<Result<_, _>>().expect("all pages");
    assert_eq!(sessions.len(), first_count + 1);
    assert_eq!(sessions.last().unwrap().id.as_deref(), Some("s-last"));
    let seen = server.received_requests().await.unwrap();
    assert_eq!(line(&seen[0]), "GET /beta/communications/callRecords/rec1/sessions?$expand=segments");
    assert_eq!(line(&seen[1]), "GET /beta/communications/callRecords/rec1/sessions?$expand=segments&$skiptoken=page2");
    for r in &seen {
        assert_eq!(r.headers.get("prefer").unwrap(), "include-unknown-enum-members", "carried to every page");
        assert_eq!(r.headers.get("authorization").unwrap(), &format!("Bearer {TOKEN}"));
    }
}

#[tokio::test]
async fn pstn_and_direct_routing_functions_take_typed_instants() {
    let (Some(pstn), Some(direct)) = (
        example("beta__callrecords-callrecord-getpstncalls__1.json"),
        example("beta__callrecords-callrecord-getdirectroutingcalls__1.json"),
    ) else {
        return;
    };
    let server = MockServer::start().await;
    let strip_next = |text: &str| {
        let mut v: serde_json::Value = serde_json::from_str(text).unwrap();
        v.as_object_mut().unwrap().remove("@odata.nextLink");
        v
    };
    Mock::given(method("GET"))
        .and(path("/beta/communications/callRecords/getPstnCalls(fromDateTime=2021-02-01T00:00:00Z,toDateTime=2021-02-02T00:00:00Z)"))
        .respond_with(ResponseTemplate::new(200).set_body_json(strip_next(&pstn)))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/beta/communications/callRecords/getDirectRoutingCalls(fromDateTime=2019-11-01T00:00:00Z,toDateTime=2019-12-01T00:00:00Z)"))
        .respond_with(ResponseTemplate::new(200).set_body_json(strip_next(&direct)))
        .mount(&server)
        .await;
    let g = graph(&server);
    let from = parse_date_time_offset("2021-02-01T00:00:00Z").unwrap();
    let to = parse_date_time_offset("2021-02-02T00:00:00Z").unwrap();
    let request = g.communications().call_records().get_pstn_calls(from, to);
    assert_eq!(
        request.url(),
        format!("{}/beta/communications/callRecords/getPstnCalls(fromDateTime=2021-02-01T00:00:00Z,toDateTime=2021-02-02T00:00:00Z)", server.uri())
    );
    let page = request.send().await.expect("pstn calls");
    assert!(!page.value.is_empty());
    assert!(page.value[0].charge.is_some());
    let rows: Vec<_> = g
        .communications()
        .call_records()
        .get_direct_routing_calls(
            parse_date_time_offset("2019-11-01T00:00:00Z").unwrap(),
            parse_date_time_offset("2019-12-01T00:00:00Z").unwrap(),
        )
        .items()
        .collect()
        .await;
    assert!(rows.iter().all(Result::is_ok) && !rows.is_empty());
}

#[tokio::test]
async fn service_errors_are_typed_and_expose_retry_after() {
    let server = MockServer::start().await;
    let error = serde_json::json!({"error": {"code": "Authorization_RequestDenied", "message": "Insufficient privileges.",
        "innerError": {"request-id": "r-1", "date": "2021-07-13T00:00:00"}}});
    Mock::given(path("/beta/communications/callRecords/denied"))
        .respond_with(ResponseTemplate::new(403).set_body_json(error))
        .mount(&server)
        .await;
    Mock::given(path("/beta/communications/callRecords/busy"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "7").set_body_string(""))
        .mount(&server)
        .await;
    let g = graph(&server);
    let err = g.communications().call_records().by_id("denied").get().send().await.unwrap_err();
    let service = err.as_service().expect("service error");
    assert_eq!(service.status.as_u16(), 403);
    assert_eq!(service.code.as_deref(), Some("Authorization_RequestDenied"));
    assert_eq!(service.message.as_deref(), Some("Insufficient privileges."));
    assert_eq!(service.inner_error.as_ref().unwrap()["request-id"], "r-1");
    let err = g.communications().call_records().by_id("busy").get().no_retry().send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(err.retry_after(), Some(std::time::Duration::from_secs(7)));
}

#[tokio::test]
async fn a_next_link_to_another_host_is_not_followed_with_credentials() {
    let server = MockServer::start().await;
    let foreign = MockServer::start().await;
    let page = serde_json::json!({"value": [{"id": "a"}], "@odata.nextLink": format!("{}/beta/steal", foreign.uri())});
    Mock::given(path("/beta/communications/callRecords"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page))
        .mount(&server)
        .await;
    let items: Vec<_> = graph(&server).communications().call_records().list().items().collect().await;
    assert!(items[0].is_ok());
    assert!(matches!(items.last().unwrap(), Err(Error::ForeignNextLink { .. })), "{items:?}");
    assert!(foreign.received_requests().await.unwrap().is_empty(), "the foreign host received nothing");
}

#[tokio::test]
async fn hostile_keys_stay_inside_their_segment() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "x"})))
        .mount(&server)
        .await;
    let g = graph(&server);
    let hostile = "a'b/c?d=1&e#f%g h\u{e9}";
    let request = g.communications().call_records().by_id(hostile).sessions().by_id("s").get();
    let url = request.url();
    assert!(url.ends_with("/beta/communications/callRecords/a'b%2Fc%3Fd=1%26e%23f%25g%20h%C3%A9/sessions/s"), "{url}");
    request.send().await.expect("sent");
    let seen = server.received_requests().await.unwrap();
    assert_eq!(seen[0].url.query(), None, "nothing leaked into the query");
    assert_eq!(seen[0].url.path_segments().unwrap().count(), 6);
}
