//! Tests of `odata_runtime::client` over real HTTP: the reqwest transport against loopback
//! wiremock servers, asserting the request line and headers the client sends.
//!
//! wiremock hands out the request URL through the WHATWG URL parser, which writes `'` in a
//! query as `%27`; the paths compared here are exactly as sent.

use std::net::TcpListener;
use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt};
use http::{HeaderName, HeaderValue, Method, StatusCode};
use odata_runtime::client::literal::Literal;
use odata_runtime::client::{encode_segment, function_call, Client, Error, Request};
use odata_runtime::Collection;
use serde_json::{json, Value};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder(&format!("{}/beta/", server.uri())).token_provider("t-123").build().unwrap()
}

/// `METHOD /path?query` of a received request.
fn line(r: &wiremock::Request) -> String {
    match r.url.query() {
        Some(q) => format!("{} {}?{}", r.method, r.url.path(), q),
        None => format!("{} {}", r.method, r.url.path()),
    }
}

fn header<'a>(r: &'a wiremock::Request, name: &str) -> Option<&'a str> {
    r.headers.get(name).and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn a_get_with_select_and_expand() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/beta/communications/callRecords/abc"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "abc", "sessions": []})))
        .mount(&server)
        .await;
    let c = client(&server);
    let r: Request<Value> = Request::new(&c, Method::GET, "communications/callRecords/abc".into())
        .select_raw("id,startDateTime")
        .expand_raw("sessions($expand=segments)");
    let v = r.send().await.unwrap();
    assert_eq!(v["id"], "abc");
    let seen = server.received_requests().await.unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        line(&seen[0]),
        "GET /beta/communications/callRecords/abc?$select=id,startDateTime&$expand=sessions($expand=segments)"
    );
    assert_eq!(header(&seen[0], "authorization"), Some("Bearer t-123"));
    assert_eq!(header(&seen[0], "accept"), Some("application/json"));
    assert!(header(&seen[0], "user-agent").unwrap().starts_with("odata-runtime/"));
}

#[tokio::test]
async fn three_pages_joined_by_next_links() {
    let server = MockServer::start().await;
    let base = format!("{}/beta/communications/callRecords", server.uri());
    let page = |n: usize, next: Option<String>| {
        let mut body = json!({
            "@odata.context": "ctx",
            "value": [{"id": format!("{n}a")}, {"id": format!("{n}b")}],
        });
        if let Some(next) = next {
            body["@odata.nextLink"] = json!(next);
        }
        ResponseTemplate::new(200).set_body_json(body)
    };
    Mock::given(method("GET"))
        .and(path("/beta/communications/callRecords"))
        .and(query_param("$skiptoken", "p2"))
        .respond_with(page(2, Some(format!("{base}?$skiptoken=p3"))))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/beta/communications/callRecords"))
        .and(query_param("$skiptoken", "p3"))
        .respond_with(page(3, None))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/beta/communications/callRecords"))
        .and(query_param("$top", "2"))
        .respond_with(page(1, Some(format!("{base}?$skiptoken=p2"))))
        .mount(&server)
        .await;
    let c = client(&server);
    let r: Request<Collection<Value>> =
        Request::new(&c, Method::GET, "communications/callRecords".into()).top(2).include_unknown_enum_members();
    let ids: Vec<String> =
        r.items().map_ok(|v| v["id"].as_str().unwrap_or_default().to_owned()).try_collect().await.unwrap();
    assert_eq!(ids, ["1a", "1b", "2a", "2b", "3a", "3b"]);
    let seen = server.received_requests().await.unwrap();
    let lines: Vec<String> = seen.iter().map(line).collect();
    assert_eq!(
        lines,
        [
            "GET /beta/communications/callRecords?$top=2",
            "GET /beta/communications/callRecords?$skiptoken=p2",
            "GET /beta/communications/callRecords?$skiptoken=p3",
        ]
    );
    for r in &seen {
        assert_eq!(header(r, "prefer"), Some("include-unknown-enum-members"));
        assert_eq!(header(r, "authorization"), Some("Bearer t-123"));
        assert_eq!(header(r, "accept"), Some("application/json"));
    }
}

#[tokio::test]
async fn an_odata_error_body_is_typed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).insert_header("request-id", "req-1").set_body_json(json!({
            "error": {
                "code": "Request_ResourceNotFound",
                "message": "Resource 'x' does not exist.",
                "innerError": {"date": "2021-02-01T00:00:00", "request-id": "inner-1"}
            }
        })))
        .mount(&server)
        .await;
    let r: Request<Value> = Request::new(&client(&server), Method::GET, "users/x".into());
    let e = r.send().await.unwrap_err();
    let Error::Service(s) = &e else { panic!("{e:?}") };
    assert_eq!(s.status, StatusCode::NOT_FOUND);
    assert_eq!(s.code.as_deref(), Some("Request_ResourceNotFound"));
    assert_eq!(s.message.as_deref(), Some("Resource 'x' does not exist."));
    assert_eq!(s.inner_error.as_ref().unwrap()["request-id"], "inner-1");
    assert_eq!(s.request_id.as_deref(), Some("req-1"));
    assert_eq!(
        e.to_string(),
        "HTTP 404 Not Found: Request_ResourceNotFound: Resource 'x' does not exist. (request-id req-1)"
    );
}

#[tokio::test]
async fn non_json_and_empty_error_bodies_keep_status_and_text() {
    let server = MockServer::start().await;
    Mock::given(path("/beta/html"))
        .respond_with(ResponseTemplate::new(500).set_body_string("<html>Internal Server Error</html>"))
        .mount(&server)
        .await;
    Mock::given(path("/beta/empty")).respond_with(ResponseTemplate::new(502)).mount(&server).await;
    let c = client(&server);
    let e = Request::<Value>::new(&c, Method::GET, "html".into()).send().await.unwrap_err();
    let s = e.as_service().unwrap();
    assert_eq!(
        (s.status.as_u16(), s.code.as_ref(), s.body.as_str()),
        (500, None, "<html>Internal Server Error</html>")
    );
    let e = Request::<Value>::new(&c, Method::GET, "empty".into()).send().await.unwrap_err();
    let s = e.as_service().unwrap();
    assert_eq!((s.status.as_u16(), s.message.as_ref(), s.body.as_str()), (502, None, ""));
    assert_eq!(e.to_string(), "HTTP 502 Bad Gateway");
}

#[tokio::test]
async fn retry_after_in_seconds_and_as_a_date_without_retries() {
    let server = MockServer::start().await;
    Mock::given(path("/beta/throttled"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "7").set_body_json(json!({
            "error": {"code": "TooManyRequests", "message": "slow down"}
        })))
        .mount(&server)
        .await;
    let in_a_minute = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(60));
    Mock::given(path("/beta/unavailable"))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", in_a_minute.as_str()))
        .mount(&server)
        .await;
    let c = client(&server);
    let e = Request::<Value>::new(&c, Method::GET, "throttled".into()).no_retry().send().await.unwrap_err();
    assert_eq!(e.status(), Some(StatusCode::TOO_MANY_REQUESTS));
    assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));
    let e = Request::<Value>::new(&c, Method::GET, "unavailable".into()).no_retry().send().await.unwrap_err();
    assert_eq!(e.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    let wait = e.retry_after().unwrap();
    assert!(wait > Duration::from_secs(50) && wait <= Duration::from_secs(60), "{wait:?}");
}

#[tokio::test]
async fn a_throttled_request_is_sent_again_over_loopback() {
    let server = MockServer::start().await;
    Mock::given(path("/beta/me"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(path("/beta/me"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "me"})))
        .mount(&server)
        .await;
    let v = Request::<Value>::new(&client(&server), Method::GET, "me".into()).send().await.unwrap();
    assert_eq!(v["id"], "me");
    let seen = server.received_requests().await.unwrap();
    assert_eq!(seen.len(), 3);
    assert!(seen.iter().all(|r| header(r, "authorization") == Some("Bearer t-123")));
}

#[tokio::test]
async fn a_refused_connection_is_retried_as_not_sent() {
    // A port nobody listens on: bound, then closed.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let policy = odata_runtime::client::RetryPolicy::new().with_max_attempts(3).with_base_delay(Duration::ZERO);
    let c = Client::builder(&format!("http://127.0.0.1:{port}/beta")).retry_policy(policy).build().unwrap();
    let e = Request::<Value>::new(&c, Method::GET, "me".into()).send().await.unwrap_err();
    assert_eq!(e.attempts(), Some(3), "{e:?}");
    match e.last() {
        Error::Transport(t) => assert!(t.is_not_sent(), "{t}"),
        other => panic!("{other:?}"),
    }
}

async fn foreign_next_link_is_not_followed(foreign: MockServer) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": ["x"]})))
        .mount(&foreign)
        .await;
    let link = format!("{}/beta/items?$skiptoken=2", foreign.uri());
    Mock::given(path("/beta/items"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": ["a"], "@odata.nextLink": link})))
        .mount(&server)
        .await;
    let r: Request<Collection<String>> = Request::new(&client(&server), Method::GET, "items".into());
    let results: Vec<Result<Collection<String>, Error>> = r.pages().collect().await;
    assert_eq!(results.len(), 2);
    assert_eq!(results[0].as_ref().unwrap().value, ["a"]);
    match &results[1] {
        Err(Error::ForeignNextLink { url }) => assert_eq!(*url, link),
        other => panic!("{other:?}"),
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    assert!(foreign.received_requests().await.unwrap().is_empty(), "the foreign server was called");
}

#[tokio::test]
async fn a_next_link_to_another_port_is_not_followed() {
    foreign_next_link_is_not_followed(MockServer::start().await).await;
}

#[tokio::test]
async fn a_next_link_to_another_host_is_not_followed() {
    let listener = TcpListener::bind("127.0.0.2:0").expect("127.0.0.2 is a loopback address on Linux");
    foreign_next_link_is_not_followed(MockServer::builder().listener(listener).start().await).await;
}

#[tokio::test]
async fn hostile_keys_and_parameters_stay_in_their_segment() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(json!({}))).mount(&server).await;
    let key = "it's/../a?b=c#d%20é e";
    let call = function_call("f", &[("p", "x),y=(z&q".to_literal())]);
    let path = format!("users({})/{}/{call}", encode_segment(&key.to_literal()), encode_segment(key));
    let r: Request<Value> = Request::new(&client(&server), Method::GET, path)
        .top(1)
        .header(HeaderName::from_static("x-key"), HeaderValue::from_static("k"));
    r.send().await.unwrap();
    let seen = server.received_requests().await.unwrap();
    assert_eq!(
        line(&seen[0]),
        "GET /beta/users('it''s%2F..%2Fa%3Fb=c%23d%2520%C3%A9%20e')/it's%2F..%2Fa%3Fb=c%23d%2520%C3%A9%20e\
         /f(p='x%29%2Cy%3D%28z%26q')?$top=1"
    );
    assert_eq!(header(&seen[0], "x-key"), Some("k"));
}
