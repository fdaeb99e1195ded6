//! App-only sign-in (`client::auth::ClientCredentials`) through a scripted in-memory transport
//! that answers both the token endpoint and the service, under tokio's paused clock.
//!
//! `tests/data/test-app.*` is a throwaway RSA key and self-signed certificate made for these
//! tests with the openssl command line (`openssl req -x509 -newkey rsa:2048 -nodes ...`); the
//! public key was exported from the key with openssl too, so the signature check below does not
//! rely on this crate's reading of the key.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use futures_util::future::join_all;
use http::Method;
use odata_runtime::client::auth::{Certificate, ClientCredentials, ClientCredentialsBuilder};
use odata_runtime::client::{
    ApiVersion, BoxFuture, Client, ClientBuilder, Cloud, Error, Request, Transport, TransportError,
};
use serde_json::Value;
use tokio::time::Instant;
use wiremock::http::Url;

const SECRET: &str = "s3cr3t~value&with=chars";
const TENANT: &str = "contoso.onmicrosoft.com";
const CLIENT_ID: &str = "11111111-2222-3333-4444-555555555555";
const TOKEN_URL: &str = "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token";

type Response = Result<http::Response<Vec<u8>>, TransportError>;

/// What the token endpoint answers: status and body.
type TokenAnswer = Arc<dyn Fn(usize) -> (u16, String) + Send + Sync>;

/// Answers token requests (counted, slow: 50 ms of paused time, so concurrent callers pile up)
/// and service requests (recorded, `{"ok": true}`).
#[derive(Clone)]
struct Fake {
    token_hits: Arc<AtomicUsize>,
    token_requests: Arc<Mutex<Vec<http::Request<Vec<u8>>>>>,
    service_requests: Arc<Mutex<Vec<http::Request<Vec<u8>>>>>,
    token_answer: TokenAnswer,
}

impl Fake {
    fn new(answer: impl Fn(usize) -> (u16, String) + Send + Sync + 'static) -> Fake {
        Fake {
            token_hits: Arc::default(),
            token_requests: Arc::default(),
            service_requests: Arc::default(),
            token_answer: Arc::new(answer),
        }
    }

    /// Tokens `tok-1`, `tok-2`, ... valid for `lifetime` seconds.
    fn tokens(lifetime: u64) -> Fake {
        Fake::new(move |n| {
            (
                200,
                format!(
                    r#"{{"token_type":"Bearer","expires_in":{lifetime},"ext_expires_in":{lifetime},"access_token":"tok-{n}"}}"#
                ),
            )
        })
    }

    fn hits(&self) -> usize {
        self.token_hits.load(Ordering::SeqCst)
    }

    fn authorizations(&self) -> Vec<String> {
        let seen = self.service_requests.lock().unwrap();
        seen.iter().map(|r| r.headers().get("authorization").map_or("", |v| v.to_str().unwrap()).to_owned()).collect()
    }
}

impl Transport for Fake {
    fn send(&self, request: http::Request<Vec<u8>>) -> BoxFuture<'_, Response> {
        Box::pin(async move {
            let uri = request.uri().to_string();
            if uri.contains("/oauth2/v2.0/token") {
                let n = self.token_hits.fetch_add(1, Ordering::SeqCst) + 1;
                self.token_requests.lock().unwrap().push(request);
                tokio::time::sleep(Duration::from_millis(50)).await;
                let (status, body) = (self.token_answer)(n);
                Ok(http::Response::builder().status(status).body(body.into_bytes()).unwrap())
            } else {
                self.service_requests.lock().unwrap().push(request);
                Ok(http::Response::builder().status(200).body(br#"{"ok":true}"#.to_vec()).unwrap())
            }
        })
    }
}

/// A wall clock at a whole second when the test starts, moving with tokio's (paused) time.
fn paused_clock() -> impl Fn() -> SystemTime + Send + Sync + Clone + 'static {
    let start = Instant::now();
    let base = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    move || base + start.elapsed()
}

fn credentials() -> ClientCredentialsBuilder {
    ClientCredentials::builder(TENANT, CLIENT_ID).secret(SECRET)
}

fn client_with(builder: ClientBuilder, fake: &Fake) -> Client {
    builder
        .transport(fake.clone())
        .sleep(|d: Duration| -> BoxFuture<'static, ()> { Box::pin(tokio::time::sleep(d)) })
        .clock(paused_clock())
        .build()
        .unwrap()
}

fn app_client(fake: &Fake, credentials: ClientCredentialsBuilder) -> Client {
    client_with(Client::app_only(&Cloud::Global, ApiVersion::V1, credentials), fake)
}

/// The pairs of a form-encoded body.
fn form(body: &[u8]) -> Vec<(String, String)> {
    let url = Url::parse(&format!("http://x/?{}", std::str::from_utf8(body).unwrap())).unwrap();
    url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

fn field<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

async fn get_me(c: &Client) -> Result<Value, Error> {
    Request::<Value>::new(c, Method::GET, "me".into()).send().await
}

#[tokio::test(start_paused = true)]
async fn a_thousand_concurrent_requests_make_one_token_request() {
    let fake = Fake::tokens(3600);
    let c = app_client(&fake, credentials());
    let results = join_all((0..1000).map(|_| get_me(&c))).await;
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(fake.hits(), 1, "one token request for 1,000 waiting requests");
    let auth = fake.authorizations();
    assert_eq!(auth.len(), 1000);
    assert!(auth.iter().all(|a| a == "Bearer tok-1"), "all carry the same token");

    let token_request = &fake.token_requests.lock().unwrap()[0];
    assert_eq!(token_request.method(), Method::POST);
    assert_eq!(token_request.uri(), TOKEN_URL);
    assert!(token_request.headers().get("authorization").is_none(), "no bearer token to the token endpoint");
    assert_eq!(token_request.headers()["content-type"], "application/x-www-form-urlencoded");
    let pairs = form(token_request.body());
    assert_eq!(field(&pairs, "grant_type"), Some("client_credentials"));
    assert_eq!(field(&pairs, "client_id"), Some(CLIENT_ID));
    assert_eq!(field(&pairs, "client_secret"), Some(SECRET));
    assert_eq!(field(&pairs, "scope"), Some("https://graph.microsoft.com/.default"));
}

#[tokio::test(start_paused = true)]
async fn tokens_are_replaced_before_they_expire() {
    let fake = Fake::tokens(3600);
    let c = app_client(&fake, credentials());
    get_me(&c).await.unwrap();
    // The default margin is 5 minutes: the token is kept until 55 minutes have passed.
    tokio::time::advance(Duration::from_secs(3600 - 300 - 2)).await;
    get_me(&c).await.unwrap();
    assert_eq!(fake.hits(), 1);
    tokio::time::advance(Duration::from_secs(3)).await;
    get_me(&c).await.unwrap();
    assert_eq!(fake.hits(), 2);
    assert_eq!(fake.authorizations(), ["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"]);

    // A short-lived token is replaced after half its life; the margin can be set.
    let fake = Fake::tokens(60);
    let c = app_client(&fake, credentials());
    get_me(&c).await.unwrap();
    tokio::time::advance(Duration::from_secs(29)).await;
    get_me(&c).await.unwrap();
    tokio::time::advance(Duration::from_secs(2)).await;
    get_me(&c).await.unwrap();
    assert_eq!(fake.hits(), 2);
    let fake = Fake::tokens(3600);
    let c = app_client(&fake, credentials().refresh_margin(Duration::from_secs(1800)));
    get_me(&c).await.unwrap();
    tokio::time::advance(Duration::from_secs(1801)).await;
    get_me(&c).await.unwrap();
    assert_eq!(fake.hits(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_token_endpoint_error_is_typed_shared_and_without_the_secret() {
    let body = r#"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.","error_codes":[7000215],"timestamp":"2024-01-01 00:00:00Z","trace_id":"t-1","correlation_id":"c-1"}"#;
    let fake = Fake::new(move |_| (400, body.to_owned()));
    let c = app_client(&fake, credentials());
    let results = join_all((0..50).map(|_| get_me(&c))).await;
    assert_eq!(fake.hits(), 1, "the waiting requests share the failure");
    assert!(fake.authorizations().is_empty(), "nothing reached the service");
    for e in results.into_iter().map(Result::unwrap_err) {
        let Error::TokenEndpoint(t) = &e else { panic!("{e:?}") };
        assert_eq!(t.status.as_u16(), 400);
        assert_eq!(t.error.as_deref(), Some("invalid_client"));
        assert_eq!(t.error_codes, [7000215]);
        assert_eq!((t.trace_id.as_deref(), t.correlation_id.as_deref()), (Some("t-1"), Some("c-1")));
        assert_eq!(e.status().map(|s| s.as_u16()), Some(400));
        for shown in [e.to_string(), format!("{e:?}")] {
            assert!(!shown.contains(SECRET) && !shown.contains("s3cr3t"), "{shown}");
        }
        assert_eq!(
            e.to_string(),
            "the token endpoint answered HTTP 400 Bad Request: invalid_client: AADSTS7000215: Invalid client secret \
             provided."
        );
    }
    // The next request asks again.
    assert!(get_me(&c).await.is_err());
    assert_eq!(fake.hits(), 2);
}

#[tokio::test(start_paused = true)]
async fn secrets_are_redacted_in_debug_output() {
    let builder = credentials();
    let built = builder.clone().build().unwrap();
    let fake = Fake::tokens(3600);
    let c = app_client(&fake, builder.clone());
    get_me(&c).await.unwrap();
    for shown in [format!("{builder:?}"), format!("{built:?}"), format!("{c:?}"), format!("{:#?}", built)] {
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(!shown.contains("tok-1"), "{shown}");
    }
    assert!(format!("{builder:?}").contains("<redacted>"));
    let cert = test_certificate();
    let shown = format!("{cert:?} {:?}", ClientCredentials::builder(TENANT, CLIENT_ID).certificate(cert.clone()));
    assert!(shown.contains("<redacted>") && shown.contains(cert.x5t()), "{shown}");
    assert!(!shown.contains("PRIVATE"));
}

fn test_certificate() -> Certificate {
    Certificate::from_pem(include_bytes!("data/test-app.cert.pem"), include_bytes!("data/test-app.key.pem")).unwrap()
}

#[tokio::test(start_paused = true)]
async fn the_certificate_assertion_is_a_verifiable_rs256_jwt() {
    let fake = Fake::tokens(3600);
    let clock = paused_clock();
    let now = clock();
    let c = app_client(&fake, ClientCredentials::builder(TENANT, CLIENT_ID).certificate(test_certificate()));
    get_me(&c).await.unwrap();
    let token_request = fake.token_requests.lock().unwrap().remove(0);
    let pairs = form(token_request.body());
    assert_eq!(field(&pairs, "client_secret"), None);
    assert_eq!(field(&pairs, "client_assertion_type"), Some("urn:ietf:params:oauth:client-assertion-type:jwt-bearer"));
    let jwt = field(&pairs, "client_assertion").unwrap();
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3);

    let public_key = include_bytes!("data/test-app.pub.pkcs1.der");
    let key = ring::signature::UnparsedPublicKey::new(&ring::signature::RSA_PKCS1_2048_8192_SHA256, public_key);
    let signed = format!("{}.{}", parts[0], parts[1]);
    let signature = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
    key.verify(signed.as_bytes(), &signature).expect("the signature verifies with the certificate's key");
    assert!(key.verify(b"something else", &signature).is_err());

    let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
    // Thumbprints as `openssl x509 -outform DER | openssl dgst -sha1` (and -sha256) give them.
    assert_eq!(header["alg"], "RS256");
    assert_eq!(header["typ"], "JWT");
    assert_eq!(header["x5t"], "sWymxWb0tCuZ114qdj-bbiPsqZA");
    assert_eq!(header["x5t#S256"], "N-C-zb4ZRP_f8CWrMzrExIOH9LTqnA6xdVxfDcz716Q");
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    let secs = now.duration_since(UNIX_EPOCH).unwrap().as_secs();
    assert_eq!(claims["aud"], TOKEN_URL);
    assert_eq!(claims["iss"], CLIENT_ID);
    assert_eq!(claims["sub"], CLIENT_ID);
    assert_eq!(claims["nbf"], secs);
    assert_eq!(claims["exp"], secs + 600);
    assert_eq!(claims["jti"].as_str().map(str::len), Some(32));

    let cert = test_certificate();
    let a = cert.client_assertion(CLIENT_ID, TOKEN_URL, now).unwrap();
    let b = cert.client_assertion(CLIENT_ID, TOKEN_URL, now).unwrap();
    let jti = |jwt: &str| {
        let claims: Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(jwt.split('.').nth(1).unwrap()).unwrap()).unwrap();
        claims["jti"].clone()
    };
    assert_ne!(jti(&a), jti(&b), "jti is unique");
}

#[tokio::test(start_paused = true)]
async fn a_national_cloud_client_signs_in_at_its_own_authority() {
    let fake = Fake::tokens(3600);
    let c = client_with(Client::app_only(&Cloud::UsGovernmentL5, ApiVersion::Beta, credentials()), &fake);
    assert_eq!(c.base_url(), "https://dod-graph.microsoft.us/beta");
    get_me(&c).await.unwrap();
    let token_request = fake.token_requests.lock().unwrap().remove(0);
    assert_eq!(token_request.uri(), "https://login.microsoftonline.us/contoso.onmicrosoft.com/oauth2/v2.0/token");
    assert_eq!(field(&form(token_request.body()), "scope"), Some("https://dod-graph.microsoft.us/.default"));
    let service = fake.service_requests.lock().unwrap().remove(0);
    assert_eq!(service.uri(), "https://dod-graph.microsoft.us/beta/me");

    // Incomplete credentials are reported by build, not by a panic.
    let incomplete = Client::app_only(&Cloud::China, ApiVersion::V1, ClientCredentials::builder(TENANT, CLIENT_ID));
    assert!(matches!(incomplete.transport(fake.clone()).build(), Err(Error::Credentials(_))));
}

#[tokio::test(start_paused = true)]
async fn a_throttled_token_request_is_retried_once_for_everyone() {
    let fake = Fake::new(|n| {
        if n == 1 {
            (429, r#"{"error":"temporarily_unavailable"}"#.to_owned())
        } else {
            (200, r#"{"token_type":"Bearer","expires_in":"3599","access_token":"tok-after-wait"}"#.to_owned())
        }
    });
    let c = app_client(&fake, credentials());
    let results = join_all((0..20).map(|_| get_me(&c))).await;
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(fake.hits(), 2);
    assert!(fake.authorizations().iter().all(|a| a == "Bearer tok-after-wait"));
}

#[tokio::test(start_paused = true)]
async fn a_fixed_token_still_works_and_goes_to_the_service_origin_only() {
    let fake = Fake::tokens(3600);
    let c = client_with(Client::builder("https://graph.microsoft.com/v1.0").token_provider("fixed"), &fake);
    get_me(&c).await.unwrap();
    let mut other = http::Request::get("https://example.com/x").body(Vec::new()).unwrap();
    c.authorize(&mut other).await.unwrap();
    assert!(other.headers().get("authorization").is_none());
    assert_eq!(fake.authorizations(), ["Bearer fixed"]);
    assert_eq!(fake.hits(), 0);
}
