//! The generated client's typed filters and inline-collection paging over a loopback server:
//! the exact request line the client sends, and every session of a record whose `sessions`
//! were expanded with a `sessions@odata.nextLink`.

use callrecords_client::call_records::{CallRecordFilter, CallRecordProperty, SessionFilter};
use callrecords_client::{Client, Error, GraphService};
use callrecords_model::call_records::{CallRecord, Modality, Session};
use futures_util::TryStreamExt;
use odata_runtime::client::Field;
use odata_runtime::edm::parse_date_time_offset;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn graph(server: &MockServer) -> GraphService {
    let client = Client::builder(&format!("{}/beta", server.uri())).token_provider("t").build().expect("client");
    GraphService::new(client)
}

fn line(r: &Request) -> String {
    match r.url.query() {
        Some(q) => format!("{} {}?{}", r.method, r.url.path(), q),
        None => format!("{} {}", r.method, r.url.path()),
    }
}

#[tokio::test]
async fn typed_filter_and_order_by_give_the_exact_request_line() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/beta/communications/callRecords"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"value": []})))
        .expect(1)
        .mount(&server)
        .await;
    let from = parse_date_time_offset("2021-02-01T00:00:00Z").unwrap();
    let filter = CallRecordFilter::start_date_time()
        .ge(from)
        .and(CallRecordFilter::modalities().any(|m| m.eq(Modality::Audio)))
        .and(
            CallRecordFilter::sessions()
                .any(|s| s.member(SessionFilter::caller()).is_not_null().or(s.member(SessionFilter::id()).eq("x'y"))),
        );
    assert_eq!(
        filter.as_str(),
        "startDateTime ge 2021-02-01T00:00:00Z and modalities/any(m:m eq microsoft.graph.callRecords.modality'audio') \
         and sessions/any(s:s/caller ne null or s/id eq 'x''y')"
    );
    let request = graph(&server)
        .communications()
        .call_records()
        .list()
        .filter(filter)
        .order_by([CallRecordProperty::StartDateTime.desc(), CallRecordProperty::Id.asc()])
        .top(5);
    let query = "$filter=startDateTime%20ge%202021-02-01T00:00:00Z%20and%20\
         modalities/any(m:m%20eq%20microsoft.graph.callRecords.modality'audio')%20and%20\
         sessions/any(s:s/caller%20ne%20null%20or%20s/id%20eq%20'x''y')&$orderby=startDateTime%20desc,id&$top=5";
    assert_eq!(request.url(), format!("{}/beta/communications/callRecords?{query}", server.uri()));
    let records: Vec<CallRecord> = request.collect_all().await.expect("records");
    assert!(records.is_empty());
    // On the wire the HTTP stack writes the single quotes of the query as %27 (the WHATWG URL
    // rules for a query); the service reads the same expression.
    let seen = server.received_requests().await.unwrap();
    assert_eq!(line(&seen[0]), format!("GET /beta/communications/callRecords?{}", query.replace('\'', "%27")));
}

#[tokio::test]
async fn inline_sessions_continue_from_their_next_link() {
    let server = MockServer::start().await;
    let next = format!("{}/beta/communications/callRecords/r1/sessions?$skiptoken=2", server.uri());
    let record = serde_json::json!({
        "id": "r1",
        "sessions": [{"id": "s1"}, {"id": "s2"}],
        "sessions@odata.nextLink": next,
    });
    let page2 = serde_json::json!({
        "value": [{"id": "s3"}],
        "@odata.nextLink": format!("{}/beta/communications/callRecords/r1/sessions?$skiptoken=3", server.uri()),
    });
    let page3 = serde_json::json!({"value": [{"id": "s4"}]});
    Mock::given(method("GET"))
        .and(path("/beta/communications/callRecords/r1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(record))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/beta/communications/callRecords/r1/sessions"))
        .respond_with(move |r: &Request| {
            let body = if r.url.query().is_some_and(|q| q.ends_with("=3")) { page3.clone() } else { page2.clone() };
            ResponseTemplate::new(200).set_body_json(body)
        })
        .mount(&server)
        .await;
    let graph = graph(&server);
    let mut record = graph
        .communications()
        .call_records()
        .by_id("r1")
        .get()
        .expand([CallRecordProperty::Sessions])
        .send()
        .await
        .expect("record");
    let inline = record.sessions.take().unwrap_or_default();
    let client = graph.client();
    let all: Vec<Session> =
        client.inline_items(inline, &record.extra, "sessions").try_collect().await.expect("sessions");
    let ids: Vec<&str> = all.iter().filter_map(|s| s.id.as_deref()).collect();
    assert_eq!(ids, ["s1", "s2", "s3", "s4"]);
    let seen: Vec<String> = server.received_requests().await.unwrap().iter().map(line).collect();
    assert_eq!(
        seen,
        [
            "GET /beta/communications/callRecords/r1?$expand=sessions",
            "GET /beta/communications/callRecords/r1/sessions?$skiptoken=2",
            "GET /beta/communications/callRecords/r1/sessions?$skiptoken=3",
        ]
    );
    // Every page carried the credentials: same origin.
    assert!(server.received_requests().await.unwrap().iter().all(|r| r.headers.get("authorization").is_some()));

    // Nothing more to read without a link; a foreign link is refused before any request.
    let none: Vec<Session> = client.continue_inline(&Default::default(), "sessions").try_collect().await.unwrap();
    assert!(none.is_empty());
    let mut foreign = odata_runtime::object::Extra::new();
    foreign.insert("sessions@odata.nextLink".into(), "https://attacker.example/beta/x?$skiptoken=2".into());
    let result: Result<Vec<Session>, Error> = client.continue_inline(&foreign, "sessions").try_collect().await;
    assert!(matches!(result, Err(Error::ForeignNextLink { .. })), "{result:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
    assert_eq!(CallRecordProperty::Sessions.name(), "sessions");
}
