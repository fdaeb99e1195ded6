//! `$batch` (JSON format): splitting, dependsOn, typed answers, throttled items retried, the
//! credentials' origin. A scripted transport answers each call from its body; no real sleeps.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use http::{Method, StatusCode};
use odata_runtime::client::batch::{Batch, ItemOptions};
use odata_runtime::client::{BoxFuture, Client, Error, Request, RetryPolicy, Transport, TransportError};
use serde::Deserialize;
use serde_json::{json, Value};

const BASE: &str = "https://graph.example.com/beta";

/// What the scripted service answers to one item: status, headers, body.
type Answer = (u16, Value, Value);
type Script = dyn Fn(usize, &Value) -> Answer + Send + Sync;

/// A transport that records every call and answers each item of a batch with the script,
/// given the number of the call (0 first) and the item.
struct Scripted {
    calls: Arc<Mutex<Vec<http::Request<Vec<u8>>>>>,
    script: Box<Script>,
}

impl Transport for Scripted {
    fn send(&self, request: http::Request<Vec<u8>>) -> BoxFuture<'_, Result<http::Response<Vec<u8>>, TransportError>> {
        let body: Value = serde_json::from_slice(request.body()).unwrap_or(Value::Null);
        let n = {
            let mut calls = self.calls.lock().unwrap();
            calls.push(request);
            calls.len() - 1
        };
        let mut responses = Vec::new();
        for item in body["requests"].as_array().cloned().unwrap_or_default().iter().rev() {
            let (status, headers, body) = (self.script)(n, item);
            responses.push(json!({"id": item["id"], "status": status, "headers": headers, "body": body}));
        }
        let out = serde_json::to_vec(&json!({ "responses": responses })).unwrap();
        Box::pin(async move {
            Ok(http::Response::builder().status(200).header("content-type", "application/json").body(out).unwrap())
        })
    }
}

struct Setup {
    client: Client,
    calls: Arc<Mutex<Vec<http::Request<Vec<u8>>>>>,
    waits: Arc<Mutex<Vec<Duration>>>,
}

fn setup(script: impl Fn(usize, &Value) -> Answer + Send + Sync + 'static) -> Setup {
    let calls = Arc::new(Mutex::new(Vec::new()));
    let waits = Arc::new(Mutex::new(Vec::new()));
    let recorded = waits.clone();
    let client = Client::builder(BASE)
        .transport(Scripted { calls: calls.clone(), script: Box::new(script) })
        .token_provider("secret-token")
        .sleep(move |d: Duration| -> BoxFuture<'static, ()> {
            recorded.lock().unwrap().push(d);
            Box::pin(async {})
        })
        .build()
        .unwrap();
    Setup { client, calls, waits }
}

fn body_of(r: &http::Request<Vec<u8>>) -> Value {
    serde_json::from_slice(r.body()).unwrap()
}

fn ids(r: &http::Request<Vec<u8>>) -> Vec<String> {
    body_of(r)["requests"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_owned()).collect()
}

#[derive(Debug, Deserialize, PartialEq)]
struct Thing {
    id: String,
}

fn get(client: &Client, path: &str) -> Request<Thing> {
    Request::new(client, Method::GET, path.to_owned())
}

fn echo(_: usize, item: &Value) -> Answer {
    let url = item["url"].as_str().unwrap();
    let id = url.rsplit('/').next().unwrap();
    (200, json!({"content-type": "application/json"}), json!({ "id": id }))
}

#[tokio::test]
async fn forty_five_requests_go_in_three_calls_in_order_with_typed_answers() {
    let s = setup(echo);
    let mut batch = Batch::new(&s.client);
    let handles: Vec<_> = (0..45).map(|i| batch.add(get(&s.client, &format!("things/t{i}")))).collect();
    let mut responses = batch.send().await.expect("batch");
    for (i, h) in handles.into_iter().enumerate() {
        assert_eq!(responses.take(h).unwrap(), Thing { id: format!("t{i}") });
    }
    let calls = s.calls.lock().unwrap();
    assert_eq!(calls.len(), 3);
    let sizes: Vec<usize> = calls.iter().map(|c| ids(c).len()).collect();
    assert_eq!(sizes, [20, 20, 5]);
    assert_eq!(ids(&calls[2]), ["41", "42", "43", "44", "45"]);
    for c in calls.iter() {
        assert_eq!(c.method(), Method::POST);
        assert_eq!(c.uri().to_string(), format!("{BASE}/$batch"));
        assert_eq!(c.headers()["authorization"], "Bearer secret-token");
        assert_eq!(c.headers()["content-type"], "application/json");
    }
    // The item as written: relative URL, method, the request's headers, no credentials.
    let first = &body_of(&calls[0])["requests"][0];
    assert_eq!(first["url"], "/things/t0");
    assert_eq!(first["method"], "GET");
    assert_eq!(first["headers"], json!({"accept": "application/json"}));
    assert!(!calls[0].body().windows(12).any(|w| w == b"secret-token"));
}

#[tokio::test]
async fn depends_on_keeps_requests_in_one_call_and_is_written() {
    let s = setup(echo);
    let mut batch = Batch::new(&s.client);
    for i in 0..19 {
        let _ = batch.add(get(&s.client, &format!("things/a{i}")));
    }
    let b = batch.add(get(&s.client, "things/b"));
    let c = batch.add_with(
        Request::<Thing>::new(&s.client, Method::PATCH, "things/c".into()).json(&json!({"name": "c"})),
        ItemOptions::new().depends_on(b.id()).atomicity_group("g1"),
    );
    let mut responses = batch.send().await.expect("batch");
    assert_eq!(responses.take(c).unwrap(), Thing { id: "c".into() });
    assert_eq!(responses.take(b).unwrap(), Thing { id: "b".into() });
    let calls = s.calls.lock().unwrap();
    assert_eq!(calls.len(), 2, "b and c do not fit after the first 19");
    assert_eq!(ids(&calls[0]).len(), 19);
    let second = body_of(&calls[1]);
    assert_eq!(
        second["requests"][1],
        json!({
            "id": "21",
            "method": "PATCH",
            "url": "/things/c",
            "headers": {"accept": "application/json", "content-type": "application/json"},
            "body": {"name": "c"},
            "dependsOn": ["20"],
            "atomicityGroup": "g1",
        })
    );
}

#[tokio::test]
async fn an_error_item_is_typed_and_a_foreign_link_is_not_sent() {
    let s = setup(|_, item| {
        if item["url"] == "/things/missing" {
            (
                404,
                json!({"content-type": "application/json", "request-id": "r-1"}),
                json!({"error": {"code": "Request_ResourceNotFound", "message": "no such thing"}}),
            )
        } else {
            echo(0, item)
        }
    });
    let mut batch = Batch::new(&s.client);
    let ok = batch.add(get(&s.client, "things/ok"));
    let missing = batch.add(get(&s.client, "things/missing"));
    let foreign = batch
        .add(Request::<Value>::from_next_link(&s.client, "https://elsewhere.example.com/beta/things?$skiptoken=2"));
    let mut responses = batch.send().await.expect("batch");
    assert_eq!(responses.take(ok).unwrap(), Thing { id: "ok".into() });
    let e = responses.take(missing).unwrap_err();
    let service = e.as_service().expect("typed service error");
    assert_eq!(service.status, StatusCode::NOT_FOUND);
    assert_eq!(service.code.as_deref(), Some("Request_ResourceNotFound"));
    assert_eq!(service.request_id.as_deref(), Some("r-1"));
    assert!(matches!(responses.take(foreign), Err(Error::ForeignNextLink { .. })));
    let calls = s.calls.lock().unwrap();
    assert_eq!(ids(&calls[0]), ["1", "2"]);
}

#[tokio::test]
async fn a_throttled_item_and_its_dependent_are_sent_again_after_retry_after() {
    let s = setup(|call, item| match (call, item["url"].as_str().unwrap()) {
        (0, "/things/slow") => (429, json!({"retry-after": "7"}), json!({"error": {"code": "TooManyRequests"}})),
        (0, "/things/after") => (424, json!({}), json!({"error": {"code": "FailedDependency"}})),
        _ => echo(call, item),
    });
    let mut batch = Batch::new(&s.client);
    let fast = batch.add(get(&s.client, "things/fast"));
    let slow = batch.add(get(&s.client, "things/slow"));
    let after = batch.add_with(get(&s.client, "things/after"), ItemOptions::new().depends_on(slow.id()));
    let mut responses = batch.send().await.expect("batch");
    assert_eq!(responses.take(fast).unwrap(), Thing { id: "fast".into() });
    assert_eq!(responses.take(slow).unwrap(), Thing { id: "slow".into() });
    assert_eq!(responses.take(after).unwrap(), Thing { id: "after".into() });
    let calls = s.calls.lock().unwrap();
    assert_eq!(calls.len(), 2);
    assert_eq!(ids(&calls[1]), ["2", "3"]);
    assert_eq!(body_of(&calls[1])["requests"][1]["dependsOn"], json!(["2"]));
    assert_eq!(*s.waits.lock().unwrap(), [Duration::from_secs(7)]);
}

#[tokio::test]
async fn a_throttled_item_the_policy_gives_up_on_is_retries_exhausted() {
    let s = setup(|_, _| (503, json!({"retry-after": "1"}), json!({"error": {"code": "serviceNotAvailable"}})));
    let mut batch = Batch::new(&s.client).retry_policy(RetryPolicy::new().with_max_attempts(3));
    let h = batch.add(get(&s.client, "things/x"));
    let mut responses = batch.send().await.expect("batch");
    match responses.take(h) {
        Err(Error::RetriesExhausted { attempts, last }) => {
            assert_eq!(attempts, 3);
            assert_eq!(last.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(s.calls.lock().unwrap().len(), 3);
    assert_eq!(s.waits.lock().unwrap().len(), 2);

    // Without retries the answer is the typed 503 itself.
    let s = setup(|_, _| (503, json!({}), json!({"error": {"code": "serviceNotAvailable"}})));
    let mut batch = Batch::new(&s.client).retry_policy(RetryPolicy::none());
    let h = batch.add(get(&s.client, "things/x"));
    let e = batch.send().await.unwrap().take(h).unwrap_err();
    assert_eq!(e.as_service().unwrap().code.as_deref(), Some("serviceNotAvailable"));
    assert!(!matches!(e, Error::RetriesExhausted { .. }));
}

#[tokio::test]
async fn dependencies_must_be_earlier_requests_of_the_same_batch() {
    let s = setup(echo);
    let mut other = Batch::new(&s.client);
    let elsewhere = other.add(get(&s.client, "things/o"));
    let mut batch = Batch::new(&s.client).max_per_call(2);
    let a = batch.add_with(get(&s.client, "things/a"), ItemOptions::new().depends_on(elsewhere.id()));
    let b = batch.add(get(&s.client, "things/b"));
    let c = batch.add_with(get(&s.client, "things/c"), ItemOptions::new().depends_on(b.id()));
    let d = batch.add_with(get(&s.client, "things/d"), ItemOptions::new().depends_on(a.id()));
    let mut responses = batch.send().await.unwrap();
    assert!(matches!(responses.take(a), Err(Error::Request(_))));
    assert!(matches!(responses.take(d), Err(Error::Request(_))), "a dependent of an unsent request is not sent");
    assert_eq!(responses.take(c).unwrap(), Thing { id: "c".into() });
    // b and c (linked) fill one call; the failed `a` and its dependent `d` were never sent.
    let calls = s.calls.lock().unwrap();
    assert_eq!(calls.iter().map(ids).collect::<Vec<_>>(), [vec!["2".to_owned(), "3".to_owned()]]);
}

#[tokio::test]
async fn too_many_linked_requests_are_refused() {
    let s = setup(echo);
    let mut batch = Batch::new(&s.client).max_per_call(2);
    for i in 0..3 {
        let _ = batch.add_with(get(&s.client, &format!("things/{i}")), ItemOptions::new().atomicity_group("g"));
    }
    assert!(matches!(batch.send().await, Err(Error::Request(_))));
    assert!(s.calls.lock().unwrap().is_empty());
}
