//! Tests of `odata_runtime::client` without a network: URLs, literals, encoding, headers,
//! credentials and paging decisions, through an in-memory transport.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use http::{HeaderValue, Method, StatusCode};
use odata_runtime::client::literal::{enum_member, Literal};
use odata_runtime::client::{
    encode_segment, function_call, key_predicate, BoxFuture, Client, Error, Field, Media, Request, ReturnPreference,
    Transport, TransportError,
};
use odata_runtime::edm::{parse_date_time_offset, Guid};
use odata_runtime::Collection;
use percent_encoding::percent_decode_str;
use proptest::prelude::*;
use serde_json::Value;
use wiremock::http::Url;

/// A scripted response: status, headers, body.
type Scripted = (u16, Vec<(&'static str, String)>, String);

/// Answers from a queue of scripted responses and records every request.
#[derive(Clone, Default)]
struct Script {
    responses: Arc<Mutex<VecDeque<Scripted>>>,
    seen: Arc<Mutex<Vec<http::Request<Vec<u8>>>>>,
}

impl Script {
    fn respond(&self, status: u16, headers: &[(&'static str, &str)], body: &str) -> &Self {
        let headers = headers.iter().map(|(k, v)| (*k, v.to_string())).collect();
        self.responses.lock().unwrap().push_back((status, headers, body.to_owned()));
        self
    }
    fn seen(&self) -> Vec<http::Request<Vec<u8>>> {
        std::mem::take(&mut *self.seen.lock().unwrap())
    }
}

impl Transport for Script {
    fn send(&self, request: http::Request<Vec<u8>>) -> BoxFuture<'_, Result<http::Response<Vec<u8>>, TransportError>> {
        self.seen.lock().unwrap().push(request);
        let next = self.responses.lock().unwrap().pop_front();
        Box::pin(async move {
            let (status, headers, body) = next.ok_or_else(|| TransportError::new("no scripted response"))?;
            let mut b = http::Response::builder().status(status);
            for (k, v) in headers {
                b = b.header(k, v);
            }
            Ok(b.body(body.into_bytes()).unwrap())
        })
    }
}

#[derive(Clone, Copy)]
enum CallRecordField {
    Id,
    StartDateTime,
    Sessions,
}

impl Field for CallRecordField {
    fn name(self) -> &'static str {
        match self {
            CallRecordField::Id => "id",
            CallRecordField::StartDateTime => "startDateTime",
            CallRecordField::Sessions => "sessions",
        }
    }
}

fn client(script: &Script) -> Client {
    Client::builder("https://graph.microsoft.com/beta/")
        .transport(script.clone())
        .token_provider("secret-token")
        .build()
        .unwrap()
}

#[test]
fn urls_read_as_in_the_graph_docs() {
    let c = client(&Script::default());
    assert_eq!(c.base_url(), "https://graph.microsoft.com/beta");
    let id = Guid::parse_str("6f0c1b6e-2f8e-4f0a-9c4b-3d2e1f0a9b8c").unwrap();
    let r: Request<Value, CallRecordField> =
        Request::new(&c, Method::GET, format!("communications/callRecords/{}", encode_segment(&id.to_literal())))
            .expand_raw("sessions($expand=segments)")
            .select([CallRecordField::Id, CallRecordField::StartDateTime])
            .top(10)
            .order_by([CallRecordField::StartDateTime.desc()])
            .filter("startDateTime ge 2021-02-01T00:00:00Z and type eq 'group call'")
            .count(true)
            .skip(20)
            .search("\"a+b\"")
            .skip_token("X&Y");
    assert_eq!(
        r.url(),
        "https://graph.microsoft.com/beta/communications/callRecords/6f0c1b6e-2f8e-4f0a-9c4b-3d2e1f0a9b8c\
         ?$select=id,startDateTime&$expand=sessions($expand=segments)\
         &$filter=startDateTime%20ge%202021-02-01T00:00:00Z%20and%20type%20eq%20'group%20call'\
         &$search=%22a%2Bb%22&$orderby=startDateTime%20desc&$top=10&$skip=20&$count=true&$skiptoken=X%26Y"
    );
    let r: Request<Value, CallRecordField> =
        Request::new(&c, Method::GET, "communications/callRecords".into()).expand([CallRecordField::Sessions]);
    assert_eq!(r.url(), "https://graph.microsoft.com/beta/communications/callRecords?$expand=sessions");
    let r: Request<Value> = Request::new(&c, Method::GET, String::new());
    assert_eq!(r.url(), "https://graph.microsoft.com/beta");
}

#[test]
fn function_calls_use_bare_iso_dates() {
    let from = parse_date_time_offset("2021-02-01T00:00:00Z").unwrap();
    let to = parse_date_time_offset("2021-02-02T00:00:00Z").unwrap();
    let call = function_call(
        "microsoft.graph.callRecords.getPstnCalls",
        &[("fromDateTime", from.to_literal()), ("toDateTime", to.to_literal())],
    );
    let c = client(&Script::default());
    let r: Request<Value> = Request::new(&c, Method::GET, format!("communications/callRecords/{call}"));
    assert_eq!(
        r.url(),
        "https://graph.microsoft.com/beta/communications/callRecords/microsoft.graph.callRecords.getPstnCalls\
         (fromDateTime=2021-02-01T00:00:00Z,toDateTime=2021-02-02T00:00:00Z)"
    );
    assert_eq!(
        enum_member(Some("microsoft.graph.callRecords.modality"), "audio"),
        "microsoft.graph.callRecords.modality'audio'"
    );
}

#[test]
fn a_path_with_raw_delimiters_cannot_start_a_query() {
    let c = client(&Script::default());
    let r: Request<Value> = Request::new(&c, Method::GET, "/users/a b?c#d".into()).top(1);
    assert_eq!(r.url(), "https://graph.microsoft.com/beta/users/a%20b%3Fc%23d?$top=1");
    for dots in ["..", "."] {
        let r: Request<Value> = Request::new(&c, Method::GET, format!("users/{}", encode_segment(dots)));
        assert!(matches!(r.build(), Err(Error::Request(_))), "{dots}");
    }
    for dots in ["a/%2E%2e/b", "a/.%2E", "%2e/a"] {
        let r: Request<Value> = Request::new(&c, Method::GET, dots.into());
        assert!(matches!(r.build(), Err(Error::Request(_))), "{dots}");
    }
    // An encoded percent sign is not a dot.
    let r: Request<Value> = Request::new(&c, Method::GET, format!("users/{}", encode_segment("%2E%2e")));
    assert_eq!(r.build().unwrap().uri(), "https://graph.microsoft.com/beta/users/%252E%252e");
}

#[tokio::test]
async fn headers_merge_and_only_build_authorized_carries_the_token() {
    let script = Script::default();
    let c = Client::builder("https://graph.microsoft.com/beta")
        .transport(script.clone())
        .token_provider(String::from("t0k"))
        .header("Prefer", "odata.maxpagesize=5")
        .header("x-custom", "1")
        .build()
        .unwrap();
    let r: Request<Value> = Request::new(&c, Method::GET, "me".into())
        .include_unknown_enum_members()
        .header(http::header::HeaderName::from_static("x-custom"), HeaderValue::from_static("2"));
    let plain = r.build().unwrap();
    assert!(plain.headers().get("authorization").is_none());
    assert_eq!(plain.headers()["prefer"], "odata.maxpagesize=5, include-unknown-enum-members");
    assert_eq!(plain.headers()["x-custom"], "2");
    assert_eq!(plain.headers()["accept"], "application/json");
    let authorized = r.build_authorized().await.unwrap();
    assert_eq!(authorized.headers()["authorization"], "Bearer t0k");
}

#[tokio::test]
async fn credentials_never_go_to_another_origin() {
    let script = Script::default();
    script.respond(200, &[], "{}").respond(200, &[], "{}").respond(200, &[], "{}");
    let c = Client::builder("https://graph.microsoft.com/beta")
        .transport(script.clone())
        .header("authorization", "Bearer default-header")
        .token_provider("tok")
        .build()
        .unwrap();
    for (url, expected) in [
        ("https://graph.microsoft.com/v1.0/me", Some("Bearer tok")),
        ("https://graph.microsoft.com.evil.example/beta/me", None),
        ("http://graph.microsoft.com/beta/me", None),
    ] {
        let mut req = http::Request::get(url).body(Vec::new()).unwrap();
        req.headers_mut().insert("authorization", HeaderValue::from_static("Bearer default-header"));
        c.send_http(req).await.unwrap();
        let seen = script.seen();
        assert_eq!(seen[0].headers().get("authorization").map(|v| v.to_str().unwrap()), expected, "{url}");
    }
    assert!(c.is_same_origin("HTTPS://GRAPH.microsoft.com:443/x"));
    assert!(!c.is_same_origin("https://graph.microsoft.com:444/x"));
}

#[tokio::test]
async fn paging_stops_at_a_foreign_next_link_without_following_it() {
    let script = Script::default();
    script
        .respond(200, &[], r#"{"value":[1,2],"@odata.nextLink":"https://graph.microsoft.com/beta/x?$skiptoken=2"}"#)
        .respond(200, &[], r#"{"value":[3],"@odata.nextLink":"https://attacker.example/beta/x?$skiptoken=3"}"#);
    let c = client(&script);
    let r: Request<Collection<i64>> = Request::new(&c, Method::GET, "x".into()).top(2);
    let mut items = Vec::new();
    let mut error = None;
    use futures_util::StreamExt;
    let mut stream = std::pin::pin!(r.items());
    while let Some(item) = stream.next().await {
        match item {
            Ok(v) => items.push(v),
            Err(e) => error = Some(e),
        }
    }
    assert_eq!(items, [1, 2, 3]);
    match error {
        Some(Error::ForeignNextLink { url }) => assert_eq!(url, "https://attacker.example/beta/x?$skiptoken=3"),
        other => panic!("{other:?}"),
    }
    let seen = script.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[1].uri(), "https://graph.microsoft.com/beta/x?$skiptoken=2");
    assert!(seen.iter().all(|r| r.uri().host() == Some("graph.microsoft.com")));
}

#[tokio::test]
async fn empty_bodies_decode_as_null_and_errors_are_typed() {
    let script = Script::default();
    script.respond(204, &[], "").respond(404, &[("request-id", "abc")], r#"{"error":{"code":"NotFound"}}"#).respond(
        200,
        &[],
        "not json",
    );
    let c = client(&script);
    let r: Request<()> = Request::new(&c, Method::DELETE, "x".into());
    r.send().await.unwrap();
    let r: Request<Value> = Request::new(&c, Method::GET, "x".into());
    let e = r.clone().send().await.unwrap_err();
    let s = e.as_service().unwrap();
    assert_eq!(
        (s.status, s.code.as_deref(), s.request_id.as_deref()),
        (StatusCode::NOT_FOUND, Some("NotFound"), Some("abc"))
    );
    match r.send().await.unwrap_err() {
        Error::Decode(d) => assert_eq!((d.status.as_u16(), d.body.as_str()), (200, "not json")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn invalid_configuration_is_an_error_not_a_panic() {
    let s = Script::default();
    assert!(matches!(Client::builder("not a url").transport(s.clone()).build(), Err(Error::InvalidUrl(_))));
    assert!(matches!(
        Client::builder("https://x").transport(s.clone()).header("bad name", "v").build(),
        Err(Error::Request(_))
    ));
    assert!(matches!(Client::builder("https://x").transport(s).header("x", "a\nb").build(), Err(Error::Request(_))));
    #[cfg(not(feature = "reqwest"))]
    assert!(matches!(Client::builder("https://x").build(), Err(Error::Request(_))));
}

/// Characters that could change a URL's structure, mixed with ordinary and non-ASCII ones.
fn hostile() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::collection::vec(
            prop_oneof![
                Just('\''),
                Just('/'),
                Just('?'),
                Just('#'),
                Just('%'),
                Just(' '),
                Just('&'),
                Just('='),
                Just('+'),
                Just(','),
                Just('('),
                Just(')'),
                Just('.'),
                Just('\\'),
                Just('\t'),
                Just('\n'),
                Just('é'),
                Just('😀'),
                Just('a'),
                Just('2'),
                Just('$'),
                Just(';'),
                Just('@'),
                Just(':'),
            ],
            0..24
        )
        .prop_map(|v| v.into_iter().collect()),
        any::<String>(),
    ]
}

fn decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8().unwrap().into_owned()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn no_value_can_change_the_path_or_the_query(key in hostile(), param in hostile(), raw in hostile(), text in hostile()) {
        let c = client(&Script::default());
        let key_literal = key.to_literal();
        let segment = encode_segment(&raw);
        let call = function_call("f", &[("a", param.to_literal()), ("b", 1i32.to_literal())]);
        let path = format!("users({})/{segment}/{call}", encode_segment(&key_literal));
        let filter = format!("name eq {}", text.to_literal());
        let r: Request<Value> = Request::new(&c, Method::GET, path).filter(&filter).select_raw(&text).top(3);
        let built = match r.build() {
            Ok(b) => b,
            Err(Error::Request(_)) => {
                // Only a segment of dots is refused.
                prop_assert!(raw.chars().all(|c| c == '.'));
                return Ok(());
            }
            Err(e) => return Err(TestCaseError::fail(format!("{e}"))),
        };
        let url = r.url();
        prop_assert_eq!(built.uri().to_string(), url.clone());

        // As http::Uri reads it (what hyper sends).
        let uri = built.uri();
        let segments: Vec<&str> = uri.path().split('/').collect();
        prop_assert_eq!(segments.len(), 5, "{}", uri);
        prop_assert_eq!(decode(segments[2]), format!("users({key_literal})"));
        prop_assert_eq!(decode(segments[3]), raw.clone());
        let inner = decode(segments[4]);
        prop_assert_eq!(inner, format!("f(a={},b=1)", param.to_literal()));
        // The parameter list splits into exactly two parameters before decoding.
        let list = segments[4].strip_prefix("f(").and_then(|s| s.strip_suffix(')')).unwrap();
        prop_assert_eq!(list.split(',').count(), 2);
        let query = uri.query().unwrap_or_default();
        let pairs: Vec<(&str, &str)> = query.split('&').map(|p| p.split_once('=').unwrap_or((p, ""))).collect();
        let keys: Vec<&str> = pairs.iter().map(|(k, _)| *k).collect();
        prop_assert_eq!(keys, ["$select", "$filter", "$top"]);
        prop_assert_eq!(decode(pairs[0].1), text.clone());
        prop_assert_eq!(decode(pairs[1].1), filter);

        // As the WHATWG URL parser reads it (what reqwest sends): same segments, same keys.
        let parsed = Url::parse(&url).unwrap();
        prop_assert_eq!(parsed.host_str(), Some("graph.microsoft.com"));
        prop_assert_eq!(parsed.path_segments().unwrap().count(), 4);
        prop_assert!(parsed.fragment().is_none());
        let keys: Vec<String> = parsed.query_pairs().map(|(k, _)| k.into_owned()).collect();
        prop_assert_eq!(keys, ["$select", "$filter", "$top"]);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn no_key_part_can_change_the_predicate_or_the_path(a in hostile(), b in hostile()) {
        let c = client(&Script::default());
        let key = key_predicate(&[("a", a.to_literal()), ("b", b.to_literal()), ("n", 7i32.to_literal())]);
        let r: Request<Value> = Request::new(&c, Method::GET, format!("sets{key}/nav"));
        let built = r.build().map_err(|e| TestCaseError::fail(format!("{e}")))?;
        let uri = built.uri();
        let segments: Vec<&str> = uri.path().split('/').collect();
        prop_assert_eq!(segments.len(), 4, "{}", uri);
        prop_assert_eq!(segments[3], "nav");
        prop_assert!(uri.query().is_none());
        // Before decoding, the predicate holds exactly three parts.
        let list = segments[2].strip_prefix("sets(").and_then(|s| s.strip_suffix(')')).unwrap();
        prop_assert_eq!(list.split(',').count(), 3);
        prop_assert_eq!(decode(segments[2]), format!("sets(a={},b={},n=7)", a.to_literal(), b.to_literal()));
        let single = key_predicate(&[("a", a.to_literal())]);
        prop_assert_eq!(decode(&single), format!("({})", a.to_literal()));
        prop_assert!(!single.contains('/') && !single.contains('?') && !single.contains('#'));
    }
}

#[tokio::test]
async fn writes_send_the_etag_and_preferences_and_type_412_and_428() {
    let script = Script::default();
    script
        .respond(412, &[], r#"{"error":{"code":"412","message":"Precondition Failed"}}"#)
        .respond(428, &[], r#"{"error":{"code":"428","message":"Precondition Required"}}"#)
        .respond(204, &[("preference-applied", "return=minimal")], "")
        .respond(200, &[("content-type", "text/plain")], "hi");
    let c = client(&script);
    let entity = serde_json::json!({"@odata.etag": "W/\"1\"", "@odata.context": "$metadata#x/$entity", "a": 1});
    let e = Request::<Option<Value>>::new(&c, Method::PATCH, "x(1)".into()).entity(&entity).send().await.unwrap_err();
    assert!(e.is_precondition_failed() && !e.is_precondition_required(), "{e}");
    let e = Request::<Option<Value>>::new(&c, Method::DELETE, "x(1)".into()).send().await.unwrap_err();
    assert!(e.is_precondition_required(), "{e}");
    let none = Request::<Option<Value>>::new(&c, Method::PUT, "x(1)".into())
        .entity(&entity)
        .if_match("W/\"2\"")
        .prefer_return(ReturnPreference::Representation)
        .prefer_return(ReturnPreference::Minimal)
        .send()
        .await
        .unwrap();
    assert!(none.is_none());
    let media = Media::new(&c, "x(1)/content".into());
    let stream = media.get().send().await.unwrap();
    assert_eq!((stream.bytes.as_slice(), stream.content_type.as_deref()), (&b"hi"[..], Some("text/plain")));
    let seen = script.seen();
    assert_eq!(seen[0].headers()["if-match"], "W/\"1\"");
    assert_eq!(seen[0].body(), br#"{"a":1}"#);
    assert!(!seen[1].headers().contains_key("if-match"));
    assert_eq!(seen[2].headers()["if-match"], "W/\"2\"", "an explicit tag wins");
    assert_eq!(seen[2].headers()["prefer"], "return=minimal");
    assert_eq!(seen[3].headers()["accept"], "*/*");
    // Bad header values are errors of build, not panics.
    let bad = Request::<()>::new(&c, Method::DELETE, "x".into()).if_match("a\nb").build();
    assert!(matches!(bad, Err(Error::Request(_))));
    let bad = media.put("text/plain\r\nx: y", vec![1]).build();
    assert!(matches!(bad, Err(Error::Request(_))));
    let put = media.put("application/pdf", vec![1, 2]).build().unwrap();
    assert_eq!(put.method(), Method::PUT);
    assert_eq!(put.headers()["content-type"], "application/pdf");
}

fn assert_send<T: Send>(value: T) -> T {
    value
}

#[test]
fn futures_and_streams_can_move_between_threads() {
    let c = Client::builder("https://x/v1.0")
        .transport(Script::default())
        .header(http::header::USER_AGENT, HeaderValue::from_static("typed"))
        .build()
        .unwrap();
    assert_eq!(c.default_headers()["user-agent"], "typed");
    let r: Request<Value> = Request::new(&c, Method::GET, "me".into());
    drop(assert_send(r.clone().send()));
    drop(assert_send(r.build_authorized()));
    let r: Request<Collection<Value>> = Request::new(&c, Method::GET, "users".into());
    drop(assert_send(r.clone().pages()));
    drop(assert_send(r.items()));
    fn clone_and_share<T: Clone + Send + Sync>(_: &T) {}
    clone_and_share(&c);
}

#[tokio::test]
async fn action_bodies_are_json_objects_in_edm_form() {
    use odata_runtime::client::{json_body, json_value};
    let script = Script::default();
    script.respond(204, &[], "");
    let c = client(&script);
    let exact = odata_runtime::edm::parse_decimal("12345678901234567890.12345678").unwrap();
    let body = json_body(&[
        ("n", json_value(&f64::NAN).unwrap()),
        ("big", json_value(&9_007_199_254_740_993i64).unwrap()),
        ("exact", json_value(&exact).unwrap()),
        ("list", json_value(&vec![String::from("a'b")]).unwrap()),
    ])
    .unwrap();
    let r: Request<()> = Request::new(&c, odata_runtime::client::http::Method::POST, "x/act".into()).body(body);
    r.send().await.unwrap();
    let seen = script.seen();
    assert_eq!(seen[0].method(), Method::POST);
    assert_eq!(seen[0].headers()["content-type"], "application/json");
    assert_eq!(
        seen[0].body(),
        br#"{"n":"NaN","big":9007199254740993,"exact":12345678901234567890.12345678,"list":["a'b"]}"#
    );
}

#[tokio::test]
async fn an_expanded_collection_continues_from_its_next_link() {
    use futures_util::TryStreamExt;
    let script = Script::default();
    script
        .respond(200, &[], r#"{"value":[3,4],"@odata.nextLink":"https://graph.microsoft.com/beta/callRecords('a')/sessions?$skiptoken=3"}"#)
        .respond(200, &[], r#"{"value":[5]}"#);
    let c = client(&script);
    // As it comes inline: {"id": "a", "sessions": [1, 2], "sessions@odata.nextLink": "..."}.
    let link = "https://graph.microsoft.com/beta/callRecords('a')/sessions?$skiptoken=2";
    let rest: Vec<i64> = c.continue_items::<i64>(link).try_collect().await.unwrap();
    assert_eq!(rest, [3, 4, 5]);
    let seen = script.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].uri(), link);
    assert_eq!(seen[0].method(), Method::GET);
    assert_eq!(seen[0].headers()["authorization"], "Bearer secret-token");
    assert_eq!(seen[1].uri(), "https://graph.microsoft.com/beta/callRecords('a')/sessions?$skiptoken=3");

    // A relative link resolves against the base URL; request options still apply.
    script.respond(200, &[], r#"{"value":[9]}"#);
    let r: Request<Collection<i64>> =
        Request::from_next_link(&c, "callRecords('a')/sessions?$skiptoken=9").max_page_size(2);
    assert_eq!(r.url(), "https://graph.microsoft.com/beta/callRecords('a')/sessions?$skiptoken=9");
    assert_eq!(r.collect_all().await.unwrap(), [9]);
    assert_eq!(script.seen()[0].headers()["prefer"], "odata.maxpagesize=2");

    // Another origin: nothing is requested, the stream says why.
    use futures_util::StreamExt;
    let pages: Vec<Result<Collection<i64>, Error>> =
        c.continue_pages("https://attacker.example/beta/x?$skiptoken=2").collect().await;
    assert!(
        matches!(&pages[..], [Err(Error::ForeignNextLink { url })] if url == "https://attacker.example/beta/x?$skiptoken=2")
    );
    assert!(script.seen().is_empty());
}

#[tokio::test]
async fn max_page_size_is_sent_with_every_page_and_replaces_the_default() {
    let script = Script::default();
    script
        .respond(200, &[], r#"{"value":[1],"@odata.nextLink":"https://graph.microsoft.com/beta/x?$skiptoken=2"}"#)
        .respond(200, &[], r#"{"value":[2]}"#);
    let c = Client::builder("https://graph.microsoft.com/beta")
        .transport(script.clone())
        .header("Prefer", "odata.maxpagesize=999, include-unknown-enum-members")
        .build()
        .unwrap();
    let r: Request<Collection<i64>> = Request::new(&c, Method::GET, "x".into()).max_page_size(1);
    assert_eq!(r.collect_all().await.unwrap(), [1, 2]);
    for seen in script.seen() {
        assert_eq!(seen.headers()["prefer"], "odata.maxpagesize=1, include-unknown-enum-members");
    }
}
