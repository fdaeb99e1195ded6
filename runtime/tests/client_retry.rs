//! Retries of `odata_runtime::client` through a scripted in-memory transport, under tokio's
//! paused clock: waits are measured with `tokio::time::Instant` and cost no real time.
//!
//! Every client here is given `tokio::time::sleep` as its `Sleep` and a clock that starts at a
//! whole second and moves with tokio's paused time, so HTTP-date `Retry-After` values are
//! exact.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures_util::TryStreamExt;
use http::{Method, StatusCode};
use odata_runtime::client::{BoxFuture, Client, ClientBuilder, Error, Request, RetryPolicy, Transport, TransportError};
use odata_runtime::Collection;
use serde_json::Value;
use tokio::time::Instant;

type Response = Result<http::Response<Vec<u8>>, TransportError>;

/// One scripted answer, made when the request arrives (so it can read the clock).
type Answer = Box<dyn FnOnce(&http::Request<Vec<u8>>) -> Response + Send>;

/// A request and the (paused) time it arrived.
type Seen = (Instant, http::Request<Vec<u8>>);

/// Answers from a queue and records each request with the time it arrived.
#[derive(Clone, Default)]
struct Script {
    answers: Arc<Mutex<VecDeque<Answer>>>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

fn response(status: u16, headers: &[(&str, &str)], body: &str) -> Response {
    let mut b = http::Response::builder().status(status);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    Ok(b.body(body.as_bytes().to_vec()).expect("response"))
}

impl Script {
    fn then(&self, answer: impl FnOnce(&http::Request<Vec<u8>>) -> Response + Send + 'static) -> &Self {
        self.answers.lock().unwrap().push_back(Box::new(answer));
        self
    }

    fn status(&self, status: u16, headers: &[(&'static str, &'static str)], body: &'static str) -> &Self {
        let headers = headers.to_vec();
        self.then(move |_| response(status, &headers, body))
    }

    fn fail(&self, not_sent: bool) -> &Self {
        self.then(move |_| Err(TransportError::new("scripted failure").with_not_sent(not_sent)))
    }

    fn times(&self) -> Vec<Instant> {
        self.seen.lock().unwrap().iter().map(|(t, _)| *t).collect()
    }

    fn requests(&self) -> Vec<http::Request<Vec<u8>>> {
        std::mem::take(&mut *self.seen.lock().unwrap()).into_iter().map(|(_, r)| r).collect()
    }

    /// The waits between consecutive requests.
    fn gaps(&self) -> Vec<Duration> {
        self.times().windows(2).map(|w| w[1] - w[0]).collect()
    }
}

impl Transport for Script {
    fn send(&self, request: http::Request<Vec<u8>>) -> BoxFuture<'_, Response> {
        let answer = self.answers.lock().unwrap().pop_front();
        let result = match answer {
            Some(answer) => answer(&request),
            None => Err(TransportError::new("no scripted answer")),
        };
        self.seen.lock().unwrap().push((Instant::now(), request));
        Box::pin(async move { result })
    }
}

/// A wall clock at a whole second when the test starts, moving with tokio's (paused) time.
fn paused_clock() -> impl Fn() -> SystemTime + Send + Sync + Clone + 'static {
    let start = Instant::now();
    let base = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    move || base + start.elapsed()
}

fn builder(script: &Script) -> ClientBuilder {
    Client::builder("https://graph.microsoft.com/v1.0")
        .transport(script.clone())
        .token_provider("tok")
        .sleep(|d: Duration| -> BoxFuture<'static, ()> { Box::pin(tokio::time::sleep(d)) })
        .clock(paused_clock())
}

fn client(script: &Script) -> Client {
    builder(script).build().unwrap()
}

fn get(c: &Client) -> Request<Value> {
    Request::new(c, Method::GET, "me".into())
}

#[tokio::test(start_paused = true)]
async fn retry_after_in_seconds_then_as_a_date_then_success() {
    let script = Script::default();
    let clock = paused_clock();
    let date_clock = clock.clone();
    script.status(429, &[("Retry-After", "2")], r#"{"error":{"code":"TooManyRequests"}}"#).then(move |_| {
        let at = httpdate::fmt_http_date(date_clock() + Duration::from_secs(3));
        response(429, &[("Retry-After", &at)], "")
    });
    script.status(200, &[], r#"{"id":"me"}"#);
    let c = builder(&script).clock(clock).build().unwrap();
    let start = Instant::now();
    let v = get(&c).send().await.unwrap();
    assert_eq!(v["id"], "me");
    assert_eq!(script.times().len(), 3, "exactly three requests");
    assert_eq!(script.gaps(), [Duration::from_secs(2), Duration::from_secs(3)]);
    assert_eq!(start.elapsed(), Duration::from_secs(5));
    for r in script.requests() {
        assert_eq!(r.headers()["authorization"], "Bearer tok", "each attempt is authorized");
    }
}

#[tokio::test(start_paused = true)]
async fn a_503_without_retry_after_backs_off_within_bounds() {
    let script = Script::default();
    script.status(503, &[], "").status(503, &[], "").status(503, &[], "").status(200, &[], "{}");
    let policy = RetryPolicy::new()
        .with_base_delay(Duration::from_millis(400))
        .with_max_delay(Duration::from_millis(1000))
        .with_max_attempts(5);
    let c = builder(&script).retry_policy(policy.clone()).build().unwrap();
    get(&c).send().await.unwrap();
    let gaps = script.gaps();
    assert_eq!(gaps.len(), 3);
    for (n, gap) in gaps.iter().enumerate() {
        let cap = policy.backoff_cap(n as u32 + 1);
        assert!(*gap <= cap, "wait {n} {gap:?} > {cap:?}");
    }
    assert_eq!(
        [1, 2, 3].map(|r| policy.backoff_cap(r)),
        [Duration::from_millis(400), Duration::from_millis(800), Duration::from_millis(1000)]
    );
}

#[tokio::test(start_paused = true)]
async fn max_attempts_end_with_the_last_error_and_the_count() {
    let script = Script::default();
    for _ in 0..5 {
        script.status(503, &[("Retry-After", "1")], r#"{"error":{"code":"ServiceUnavailable","message":"busy"}}"#);
    }
    let c = builder(&script).retry_policy(RetryPolicy::new().with_max_attempts(3)).build().unwrap();
    let e = get(&c).send().await.unwrap_err();
    assert_eq!(script.times().len(), 3);
    assert_eq!(e.attempts(), Some(3));
    assert_eq!(e.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(e.as_service().and_then(|s| s.code.as_deref()), Some("ServiceUnavailable"));
    assert!(matches!(&e, Error::RetriesExhausted { attempts: 3, last } if matches!(**last, Error::Service(_))));
    assert_eq!(e.to_string(), "HTTP 503 Service Unavailable: ServiceUnavailable: busy (gave up after 3 attempts)");
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_beyond_the_total_delay_left_stops_at_once() {
    let script = Script::default();
    script.status(429, &[("Retry-After", "10")], "").status(429, &[("Retry-After", "10")], "");
    let policy = RetryPolicy::new().with_max_attempts(10).with_max_total_delay(Duration::from_secs(15));
    let c = builder(&script).retry_policy(policy).build().unwrap();
    let start = Instant::now();
    let e = get(&c).send().await.unwrap_err();
    assert_eq!(e.attempts(), Some(2));
    assert_eq!(e.retry_after(), Some(Duration::from_secs(10)));
    assert_eq!(start.elapsed(), Duration::from_secs(10), "the second wait (10 s) did not fit in the 5 s left");

    // An hour asked on the first answer: no wait at all.
    let script = Script::default();
    script.status(503, &[("Retry-After", "3600")], "").status(200, &[], "{}");
    let start = Instant::now();
    let e = get(&client(&script)).send().await.unwrap_err();
    assert_eq!((e.attempts(), start.elapsed()), (Some(1), Duration::ZERO));
    assert_eq!(e.to_string(), "HTTP 503 Service Unavailable (gave up after 1 attempt)");

    // Backoff is shortened to what is left, then the retries end.
    let script = Script::default();
    for _ in 0..10 {
        script.status(504, &[], "");
    }
    let policy = RetryPolicy::new()
        .with_max_attempts(10)
        .with_base_delay(Duration::from_secs(2))
        .with_max_total_delay(Duration::from_secs(3));
    let c = builder(&script).retry_policy(policy).build().unwrap();
    let start = Instant::now();
    let e = get(&c).send().await.unwrap_err();
    assert!(start.elapsed() <= Duration::from_secs(3), "{:?}", start.elapsed());
    assert_eq!(e.status(), Some(StatusCode::GATEWAY_TIMEOUT));
    assert!(e.attempts().is_some());
}

#[tokio::test(start_paused = true)]
async fn other_statuses_are_not_retried() {
    for status in [400u16, 401, 404, 409, 500, 502] {
        let script = Script::default();
        script.status(status, &[("Retry-After", "1")], "").status(200, &[], "{}");
        let e = get(&client(&script)).send().await.unwrap_err();
        assert_eq!(script.times().len(), 1, "{status}");
        assert_eq!(e.status().map(|s| s.as_u16()), Some(status));
        assert!(matches!(e, Error::Service(_)), "not wrapped: {e:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn transport_errors_are_retried_only_when_nothing_was_sent() {
    let script = Script::default();
    script.fail(true).fail(true).status(201, &[], r#"{"id":"new"}"#);
    let c = client(&script);
    let post = || Request::<Value>::new(&c, Method::POST, "users".into()).body(br#"{"a":1}"#.to_vec());
    assert_eq!(post().send().await.unwrap()["id"], "new");
    let seen = script.requests();
    assert_eq!(seen.len(), 3);
    assert!(seen.iter().all(|r| r.body() == br#"{"a":1}"# && r.headers()["content-type"] == "application/json"));

    script.fail(false).status(201, &[], "{}");
    match post().send().await.unwrap_err() {
        Error::Transport(t) => assert!(!t.is_not_sent()),
        other => panic!("{other:?}"),
    }
    assert_eq!(script.requests().len(), 1, "a request that may have been sent is not sent again");
    *script.answers.lock().unwrap() = VecDeque::new();

    // Not sent, every time: the policy gives up with the transport error.
    for _ in 0..4 {
        script.fail(true);
    }
    let e = post().send().await.unwrap_err();
    assert_eq!(e.attempts(), Some(4));
    assert!(matches!(e.last(), Error::Transport(t) if t.is_not_sent()));
}

#[tokio::test(start_paused = true)]
async fn per_request_policies_override_the_client_and_none_turns_retries_off() {
    // Client default (on), request off.
    let script = Script::default();
    script.status(429, &[("Retry-After", "1")], "").status(200, &[], "{}");
    let c = client(&script);
    let e = get(&c).no_retry().send().await.unwrap_err();
    assert!(matches!(e, Error::Service(_)), "{e:?}");
    assert_eq!(e.retry_after(), Some(Duration::from_secs(1)));
    assert_eq!(script.requests().len(), 1);

    // Client off, request on.
    let script = Script::default();
    script.status(429, &[("Retry-After", "1")], "").status(200, &[], "{}");
    let c = builder(&script).retry_policy(RetryPolicy::none()).build().unwrap();
    assert!(get(&c).send().await.is_err());
    assert_eq!(script.requests().len(), 1);
    script.answers.lock().unwrap().clear();
    script.status(429, &[("Retry-After", "1")], "").status(200, &[], "{}");
    get(&c).retry_policy(RetryPolicy::new()).send().await.unwrap();
    assert_eq!(script.requests().len(), 2);

    // Only some statuses.
    let script = Script::default();
    script.status(503, &[], "").status(200, &[], "{}");
    let only_429 = RetryPolicy::new().with_statuses([StatusCode::TOO_MANY_REQUESTS]);
    let e = get(&client(&script)).retry_policy(only_429).send().await.unwrap_err();
    assert_eq!(e.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(script.requests().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn paging_fetches_the_failed_page_again_not_the_whole_list() {
    let script = Script::default();
    script
        .status(200, &[], r#"{"value":[1,2],"@odata.nextLink":"https://graph.microsoft.com/v1.0/n?$skiptoken=2"}"#)
        .status(429, &[("Retry-After", "4")], "")
        .status(200, &[], r#"{"value":[3],"@odata.nextLink":"https://graph.microsoft.com/v1.0/n?$skiptoken=3"}"#)
        .status(503, &[("Retry-After", "1")], "")
        .status(200, &[], r#"{"value":[4]}"#);
    let c = client(&script);
    let items: Vec<i64> =
        Request::<Collection<i64>>::new(&c, Method::GET, "n".into()).top(2).items().try_collect().await.unwrap();
    assert_eq!(items, [1, 2, 3, 4]);
    assert_eq!(script.gaps(), [Duration::ZERO, Duration::from_secs(4), Duration::ZERO, Duration::from_secs(1)]);
    let urls: Vec<String> = script.requests().iter().map(|r| r.uri().to_string()).collect();
    assert_eq!(
        urls,
        [
            "https://graph.microsoft.com/v1.0/n?$top=2",
            "https://graph.microsoft.com/v1.0/n?$skiptoken=2",
            "https://graph.microsoft.com/v1.0/n?$skiptoken=2",
            "https://graph.microsoft.com/v1.0/n?$skiptoken=3",
            "https://graph.microsoft.com/v1.0/n?$skiptoken=3",
        ]
    );

    // A page request's own policy holds for every page.
    let script = Script::default();
    script
        .status(200, &[], r#"{"value":[1],"@odata.nextLink":"https://graph.microsoft.com/v1.0/n?$skiptoken=2"}"#)
        .status(429, &[("Retry-After", "1")], "");
    let c = client(&script);
    let pages: Vec<Result<Collection<i64>, Error>> = futures_util::StreamExt::collect(
        Request::<Collection<i64>>::new(&c, Method::GET, "n".into()).no_retry().pages(),
    )
    .await;
    assert_eq!(pages.len(), 2);
    assert!(matches!(&pages[1], Err(Error::Service(s)) if s.status == StatusCode::TOO_MANY_REQUESTS));
}

#[cfg(not(feature = "tokio"))]
#[tokio::test(start_paused = true)]
async fn without_a_sleep_requests_are_sent_once() {
    let script = Script::default();
    script.status(429, &[("Retry-After", "1")], "").status(200, &[], "{}");
    let c = Client::builder("https://graph.microsoft.com/v1.0").transport(script.clone()).build().unwrap();
    assert!(!c.can_retry());
    assert!(get(&c).send().await.is_err());
    assert_eq!(script.requests().len(), 1);
}

#[cfg(feature = "tokio")]
#[test]
fn outside_a_tokio_runtime_requests_are_sent_once_without_a_panic() {
    let script = Script::default();
    script.status(503, &[], "").status(200, &[], "{}");
    let c = Client::builder("https://graph.microsoft.com/v1.0").transport(script.clone()).build().unwrap();
    let e = futures_util::FutureExt::now_or_never(get(&c).send()).expect("no wait").unwrap_err();
    assert!(matches!(e, Error::Service(_)), "{e:?}");
    assert_eq!(script.requests().len(), 1);
}

#[cfg(feature = "tokio")]
#[tokio::test(start_paused = true)]
async fn the_tokio_feature_retries_by_default() {
    let script = Script::default();
    script.status(429, &[("Retry-After", "30")], "").status(200, &[], "{}");
    let c = Client::builder("https://graph.microsoft.com/v1.0").transport(script.clone()).build().unwrap();
    assert!(c.can_retry());
    assert_eq!(c.retry_policy(), &RetryPolicy::new());
    get(&c).send().await.unwrap();
    assert_eq!(script.gaps(), [Duration::from_secs(30)]);
}
