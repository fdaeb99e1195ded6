//! The client against a misbehaving network and service: a loopback server that answers with
//! cut and stalled bodies, HTML where JSON was due, successes with bodies where none was
//! expected, gateway timeouts to writes, compressed and oversized answers. Each test asserts the
//! outcome the caller sees and how many requests reached the server.

mod loopback;

use std::io::Write;
use std::time::Duration;

use futures_util::StreamExt;
use http::Method;
use loopback::{head, Reply, Server};
use odata_runtime::client::{
    Body, Client, DecodeErrorKind, Error, Media, Request, ReqwestTransport, RetryPolicy, Timeout,
};
use serde_json::Value;

const READ_LIMIT: Duration = Duration::from_millis(400);

fn client(server: &Server) -> Client {
    client_with(server, |b| b)
}

fn client_with(
    server: &Server,
    f: impl FnOnce(odata_runtime::client::ClientBuilder) -> odata_runtime::client::ClientBuilder,
) -> Client {
    let transport = ReqwestTransport::builder()
        .read_timeout(Some(READ_LIMIT))
        .timeout(Some(Duration::from_secs(1)))
        .build()
        .expect("transport");
    let policy = RetryPolicy::new().with_base_delay(Duration::from_millis(5)).with_max_delay(Duration::from_millis(20));
    f(Client::builder(&server.url()).transport(transport).retry_policy(policy)).build().expect("client")
}

fn get(c: &Client) -> Request<Value> {
    Request::new(c, Method::GET, "Things".into())
}

fn transport_error(e: &Error) -> &odata_runtime::client::TransportError {
    match e.last() {
        Error::Transport(t) => t,
        other => panic!("not a transport error: {other:?}"),
    }
}

#[tokio::test]
async fn a_body_cut_short_is_an_error_not_a_retry() {
    // The connection closes 10 bytes into a body announced as 100.
    let server = Server::start(|_, _| {
        let mut bytes = head(200, &[("Content-Type", "application/json"), ("Content-Length", "100")]);
        bytes.extend_from_slice(br#"{"value":["#);
        Reply::Raw(bytes)
    })
    .await;
    let e = get(&client(&server)).send().await.unwrap_err();
    let t = transport_error(&e);
    assert!(t.to_string().contains("broke off"), "{t}");
    assert!(std::error::Error::source(t).is_some(), "the HTTP client's error is kept as the source");
    assert!(!t.is_not_sent());
    assert_eq!(server.requests(), 1);

    // Complete as HTTP (its Content-Length is right), cut as JSON.
    let server = Server::start(|_, _| Reply::json(200, r#"{"value":[{"ID":1},"#)).await;
    let e = get(&client(&server)).send().await.unwrap_err();
    match &e {
        Error::Decode(d) => {
            assert_eq!(d.kind, DecodeErrorKind::Truncated);
            assert!(std::error::Error::source(&e).is_some(), "the JSON reader's error is the source");
        }
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("cut short"), "{e}");
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn an_html_page_with_200_says_what_came() {
    let page = "<!DOCTYPE html><html><head><title>Sign in to your account</title></head></html>";
    let server =
        Server::start(move |_, _| Reply::full(200, &[("Content-Type", "text/html; charset=utf-8")], page.as_bytes()))
            .await;
    let e = get(&client(&server)).send().await.unwrap_err();
    let Error::Decode(d) = &e else { panic!("{e:?}") };
    assert_eq!(d.kind, DecodeErrorKind::NotJson);
    assert_eq!(d.status, 200);
    assert_eq!(d.content_type.as_deref(), Some("text/html; charset=utf-8"));
    let text = e.to_string();
    assert!(text.contains("HTTP 200") && text.contains("text/html") && text.contains("<!DOCTYPE html>"), "{text}");
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn a_stalled_body_ends_with_the_limit_between_reads() {
    let server = Server::start(|_, _| {
        let mut bytes = head(200, &[("Content-Type", "application/json"), ("Content-Length", "100")]);
        bytes.extend_from_slice(b"{\"value\":");
        Reply::Stall(bytes)
    })
    .await;
    let e = get(&client(&server)).send().await.unwrap_err();
    assert_eq!(transport_error(&e).timeout(), Some(Timeout::BetweenReads(READ_LIMIT)), "{e}");
    assert!(e.to_string().contains("limit between reads"), "{e}");
    assert_eq!(server.requests(), 1);

    // Stalled before the headers: the same limit.
    let server = Server::start(|_, _| Reply::Stall(Vec::new())).await;
    let e = get(&client(&server)).send().await.unwrap_err();
    assert_eq!(transport_error(&e).timeout(), Some(Timeout::BetweenReads(READ_LIMIT)), "{e}");
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn a_connection_closed_mid_body_is_an_error() {
    let server = Server::start(|_, _| {
        let mut bytes = head(200, &[("Content-Type", "application/json"), ("Transfer-Encoding", "chunked")]);
        bytes.extend_from_slice(b"a\r\n{\"value\":[\r\n");
        Reply::Raw(bytes)
    })
    .await;
    let e = get(&client(&server)).send().await.unwrap_err();
    assert!(transport_error(&e).to_string().contains("broke off"), "{e}");
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn successes_with_a_body_where_none_is_expected_are_successes() {
    let server = Server::start(|_, seen| match seen.method.as_str() {
        "DELETE" => Reply::json(200, r#"{"deleted":true}"#),
        "PUT" => Reply::full(200, &[("Content-Type", "text/plain")], b"stored"),
        _ => Reply::full(202, &[("Content-Type", "text/html")], b"<html>accepted</html>"),
    })
    .await;
    let c = client(&server);
    Request::<()>::new(&c, Method::DELETE, "Things(1)".into()).send().await.expect("a delete answered 200 with JSON");
    Media::new(&c, "Things(1)/photo".into())
        .put("image/png", vec![1, 2, 3])
        .send()
        .await
        .expect("a media PUT answered 200");
    Request::<()>::new(&c, Method::POST, "Things(1)/Ns.Reset".into())
        .body(b"{}".to_vec())
        .send()
        .await
        .expect("an action without a result answered 202 with HTML");
    assert_eq!(server.requests(), 3);

    // A typed result still wants its JSON.
    let server = Server::start(|_, _| Reply::full(200, &[("Content-Type", "text/plain")], b"ok")).await;
    let e = get(&client(&server)).send().await.unwrap_err();
    assert!(matches!(&e, Error::Decode(d) if d.kind == DecodeErrorKind::NotJson), "{e:?}");
    // An empty 200 where an entity is due: JSON `null`, not the expected shape.
    let server = Server::start(|_, _| Reply::full(200, &[("Content-Type", "application/json")], b"")).await;
    let c = client(&server);
    let entity = Request::<std::collections::BTreeMap<String, Value>>::new(&c, Method::GET, "Things(1)".into());
    let e = entity.send().await.unwrap_err();
    assert!(matches!(&e, Error::Decode(d) if d.kind == DecodeErrorKind::Unexpected), "{e:?}");
}

#[tokio::test]
async fn a_write_answered_504_is_not_sent_again() {
    let server = Server::start(|n, _| match n {
        0 => Reply::json(504, r#"{"error":{"code":"GatewayTimeout","message":"upstream"}}"#),
        _ => Reply::json(201, r#"{"ID":2}"#),
    })
    .await;
    let c = client(&server);
    let post = || Request::<Value>::new(&c, Method::POST, "Things".into()).body(br#"{"Name":"x"}"#.to_vec());
    let e = post().send().await.unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(504));
    assert!(matches!(e, Error::Service(_)), "returned as it is: {e:?}");
    assert_eq!(server.requests(), 1, "the create may have happened upstream");

    // The same for 500 and 502, and for PATCH.
    for status in [500u16, 502, 504] {
        let server = Server::start(move |_, _| Reply::json(status, "{}")).await;
        let c = client(&server);
        let e =
            Request::<()>::new(&c, Method::PATCH, "Things(1)".into()).body(b"{}".to_vec()).send().await.unwrap_err();
        assert_eq!(e.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(server.requests(), 1, "{status}");
    }

    // The caller opts in: per request, or per client.
    let server =
        Server::start(|n, _| if n == 0 { Reply::json(504, "{}") } else { Reply::json(201, r#"{"ID":2}"#) }).await;
    let c = client(&server);
    let v = Request::<Value>::new(&c, Method::POST, "Things".into()).body(b"{}".to_vec()).idempotent(true).send().await;
    assert_eq!(v.unwrap()["ID"], 2);
    assert_eq!(server.requests(), 2);
    let server =
        Server::start(|n, _| if n == 0 { Reply::json(504, "{}") } else { Reply::json(201, r#"{"ID":3}"#) }).await;
    let c = client_with(&server, |b| {
        b.retry_policy(RetryPolicy::new().with_base_delay(Duration::from_millis(5)).with_non_idempotent_retries(true))
    });
    let v = Request::<Value>::new(&c, Method::POST, "Things".into()).body(b"{}".to_vec()).send().await;
    assert_eq!(v.unwrap()["ID"], 3);
    assert_eq!(server.requests(), 2);

    // A read answered 504 keeps being retried.
    let server =
        Server::start(|n, _| if n < 2 { Reply::json(504, "{}") } else { Reply::json(200, r#"{"value":[]}"#) }).await;
    get(&client(&server)).send().await.expect("a GET is retried");
    assert_eq!(server.requests(), 3);
}

#[tokio::test]
async fn a_patch_answered_503_is_retried_only_when_the_service_says_when() {
    let server = Server::start(|n, _| match n {
        0 => Reply::full(503, &[("Retry-After", "0")], b""),
        _ => Reply::full(204, &[], b""),
    })
    .await;
    let c = client(&server);
    let patch = || Request::<()>::new(&c, Method::PATCH, "Things(1)".into()).body(br#"{"Name":"y"}"#.to_vec());
    patch().send().await.expect("sent again after Retry-After");
    assert_eq!(server.requests(), 2);
    assert!(server.seen().iter().all(|s| s.body_len == 12), "the same body each time");

    let server = Server::start(|n, _| match n {
        0 => Reply::full(503, &[], b"busy"),
        _ => Reply::full(204, &[], b""),
    })
    .await;
    let c = client(&server);
    let e = Request::<()>::new(&c, Method::PATCH, "Things(1)".into()).body(b"{}".to_vec()).send().await.unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.requests(), 1, "a 503 without Retry-After may have done the write");

    // 429 says the request was not processed: retried, whatever the method.
    let server = Server::start(|n, _| if n == 0 { Reply::full(429, &[], b"") } else { Reply::json(201, "{}") }).await;
    let c = client(&server);
    Request::<Value>::new(&c, Method::POST, "Things".into()).body(b"{}".to_vec()).send().await.expect("after 429");
    assert_eq!(server.requests(), 2);
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

#[tokio::test]
async fn gzip_answers_are_asked_for_and_read() {
    let json = format!(r#"{{"value":[{}]}}"#, vec![r#"{"Name":"compressed"}"#; 500].join(","));
    let body = gzip(json.as_bytes());
    assert!(body.len() < json.len() / 10);
    let server = Server::start(move |_, _| {
        Reply::full(200, &[("Content-Type", "application/json"), ("Content-Encoding", "gzip")], &body)
    })
    .await;
    let v = get(&client(&server)).send().await.unwrap();
    assert_eq!(v["value"].as_array().map(Vec::len), Some(500));
    let accept = server.seen()[0].header("accept-encoding").unwrap_or_default().to_owned();
    assert!(accept.contains("gzip") && accept.contains("br"), "{accept}");
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn an_answer_over_the_size_limit_is_a_typed_error() {
    // Announced, and without a length (chunked, never-ending as far as the client knows).
    let server = Server::start(|n, _| match n {
        0 => Reply::json(200, &format!(r#"{{"value":"{}"}}"#, "x".repeat(10_000))),
        _ => Reply::Generate {
            head: head(200, &[("Content-Type", "application/json")]),
            total: 1 << 30,
            chunk: 16 * 1024,
            gap: Duration::ZERO,
        },
    })
    .await;
    let c = client_with(&server, |b| b.max_response_size(4096));
    for _ in 0..2 {
        let e = get(&c).send().await.unwrap_err();
        assert!(matches!(e, Error::ResponseTooLarge { status: 200, limit: 4096 }), "{e:?}");
        assert!(e.to_string().contains("4096 bytes"), "{e}");
    }
    assert_eq!(server.requests(), 2);
    // The client stopped reading long before the gigabyte was written.
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(server.generated.load(std::sync::atomic::Ordering::Relaxed) < 1 << 28);
}

#[tokio::test]
async fn a_download_is_held_to_the_limit_between_reads_not_to_the_whole_request_limit() {
    // 1.6 s of body, a chunk every 200 ms: longer than the 1 s whole-request limit, never
    // silent for the 400 ms limit between reads.
    let slow = || Reply::Generate {
        head: head(200, &[("Content-Type", "application/octet-stream")]),
        total: 8 * 1024,
        chunk: 1024,
        gap: Duration::from_millis(200),
    };
    let server = Server::start(move |_, _| slow()).await;
    let c = client(&server);
    let media = Media::new(&c, "Files(1)/$value".into());
    let mut download = media.download().await.expect("headers");
    assert_eq!(download.content_type(), Some("application/octet-stream"));
    let mut total = 0;
    while let Some(chunk) = download.next_chunk().await {
        total += chunk.expect("chunk").len();
    }
    assert_eq!(total, 8 * 1024);

    // Read whole, the same answer runs out of the whole-request limit.
    let e = media.get().send().await.unwrap_err();
    assert_eq!(transport_error(&e).timeout(), Some(Timeout::Whole(Duration::from_secs(1))), "{e}");
    assert_eq!(server.requests(), 2);

    // A download that stalls ends with the limit between reads.
    let server = Server::start(|_, _| {
        let mut bytes = head(200, &[("Content-Type", "image/png"), ("Content-Length", "1000")]);
        bytes.extend_from_slice(&[0u8; 100]);
        Reply::Stall(bytes)
    })
    .await;
    let c = client(&server);
    let download = Media::new(&c, "Files(1)/$value".into()).download().await.expect("headers");
    let chunks: Vec<_> = download.collect().await;
    let e = chunks.into_iter().find_map(Result::err).expect("an error after the stall");
    assert_eq!(transport_error(&e).timeout(), Some(Timeout::BetweenReads(READ_LIMIT)), "{e}");
}

#[tokio::test]
async fn a_streamed_upload_is_sent_once_with_its_length() {
    let server = Server::start(|n, _| match n {
        0 => Reply::full(204, &[], b""),
        _ => Reply::full(503, &[("Retry-After", "0")], b""),
    })
    .await;
    let c = client(&server);
    let chunks = || futures_util::stream::iter((0..64).map(|_| Ok::<_, std::io::Error>(vec![7u8; 16 * 1024])));
    let media = Media::new(&c, "Files(1)/$value".into());
    media.put_stream("application/octet-stream", Body::from_stream(chunks(), Some(1 << 20))).send().await.unwrap();
    let seen = server.seen();
    assert_eq!((seen[0].method.as_str(), seen[0].body_len), ("PUT", 1 << 20));
    assert_eq!(seen[0].header("content-length"), Some("1048576"));

    // Chunked without a length; a 503 with Retry-After is not followed by a second send,
    // since the stream cannot be read twice.
    let e = media.put_stream("application/octet-stream", Body::from_stream(chunks(), None)).send().await.unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.requests(), 2);
    assert_eq!(server.seen()[1].body_len, 1 << 20);
    assert_eq!(server.seen()[1].header("transfer-encoding"), Some("chunked"));
}
