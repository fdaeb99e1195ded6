//! Benchmark of `odata_runtime::client`: URL building, and paging through a loopback server
//! with the client (default settings: retries on, nothing to retry) against plain reqwest GETs
//! of the same URLs on the same tokio runtime.
//!
//! Run with `cargo bench -p odata-runtime --features reqwest --bench client`. Every loop is
//! bounded in count and in time; the only server is a wiremock one on 127.0.0.1.

use std::hint::black_box;
use std::time::{Duration, Instant};

use http::Method;
use odata_runtime::client::literal::Literal;
use odata_runtime::client::{encode_segment, Client, Field, Request, ReqwestTransport};
use odata_runtime::edm::Guid;
use odata_runtime::Collection;
use serde_json::{json, Value};
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

const URLS: usize = 100_000;
const PAGES: usize = 200;
const ITEMS_PER_PAGE: usize = 10;
const ROUNDS: usize = 15;
const TIME_LIMIT: Duration = Duration::from_secs(60);

#[derive(Clone, Copy)]
enum F {
    Id,
    StartDateTime,
    Sessions,
}

impl Field for F {
    fn name(self) -> &'static str {
        match self {
            F::Id => "id",
            F::StartDateTime => "startDateTime",
            F::Sessions => "sessions",
        }
    }
}

/// Page `n` of the collection; its nextLink points to page `n + 1` on the same server. The
/// bodies are made once, so the server's share of each request stays small and constant.
struct Pager {
    pages: Vec<Vec<u8>>,
}

impl Pager {
    fn new(base: &str) -> Pager {
        let pages = (0..PAGES)
            .map(|n| {
                let value: Vec<Value> = (0..ITEMS_PER_PAGE)
                    .map(|i| json!({"id": format!("{n}-{i}"), "startDateTime": "2021-02-01T00:00:00Z", "type": "groupCall"}))
                    .collect();
                let mut body = json!({"@odata.context": "ctx", "value": value});
                if n + 1 < PAGES {
                    body["@odata.nextLink"] = json!(format!("{base}?page={}", n + 1));
                }
                serde_json::to_vec(&body).expect("json")
            })
            .collect();
        Pager { pages }
    }
}

impl Respond for Pager {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let n: usize =
            request.url.query_pairs().find(|(k, _)| k == "page").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
        let body = self.pages.get(n).cloned().unwrap_or_default();
        ResponseTemplate::new(200).set_body_raw(body, "application/json")
    }
}

fn build_urls(client: &Client) -> (usize, Duration, usize) {
    let ids: Vec<Guid> = (0..64u128).map(|i| Guid::from_u128(i * 0x9e37_79b9_7f4a_7c15)).collect();
    let start = Instant::now();
    let mut total_len = 0;
    let mut built = 0;
    for i in 0..URLS {
        let id = ids.get(i % ids.len()).copied().unwrap_or_default();
        let r: Request<Value, F> = Request::new(
            client,
            Method::GET,
            format!("communications/callRecords/{}", encode_segment(&id.to_literal())),
        )
        .select([F::Id, F::StartDateTime])
        .expand([F::Sessions])
        .filter("startDateTime ge 2021-02-01T00:00:00Z and type eq 'group call'")
        .top((i % 100) as u64);
        total_len += black_box(r.url()).len();
        built += 1;
        if start.elapsed() > TIME_LIMIT {
            break;
        }
    }
    (built, start.elapsed(), total_len)
}

async fn with_client(client: &Client) -> (usize, Duration) {
    use futures_util::StreamExt;
    let start = Instant::now();
    let r: Request<Collection<Value>> = Request::new(client, Method::GET, "items".into()).query_param("page", "0");
    let mut pages = std::pin::pin!(r.pages());
    let mut n = 0;
    while let Some(page) = pages.next().await {
        black_box(page.expect("page"));
        n += 1;
        if n >= PAGES || start.elapsed() > TIME_LIMIT {
            break;
        }
    }
    (n, start.elapsed())
}

async fn with_reqwest(http: &reqwest::Client, base: &str) -> (usize, Duration) {
    let start = Instant::now();
    let mut n = 0;
    for page in 0..PAGES {
        let bytes = http.get(format!("{base}?page={page}")).send().await.expect("send").bytes().await.expect("body");
        let page: Collection<Value> = serde_json::from_slice(&bytes).expect("json");
        black_box(page);
        n += 1;
        if start.elapsed() > TIME_LIMIT {
            break;
        }
    }
    (n, start.elapsed())
}

fn per_second(n: usize, d: Duration) -> f64 {
    n as f64 / d.as_secs_f64().max(1e-9)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("runtime");
    runtime.block_on(async {
        let server = MockServer::builder().disable_request_recording().start().await;
        let base = format!("{}/beta/items", server.uri());
        Mock::given(wiremock::matchers::method("GET"))
            .respond_with(Pager::new(&base))
            .mount(&server)
            .await;
        let client = Client::builder(&format!("{}/beta", server.uri())).token_provider("bench-token").build().expect("client");
        let plain = ReqwestTransport::new().expect("transport").client().clone();

        let (built, took, len) = build_urls(&client);
        let urls_per_sec = per_second(built, took);

        // Warm up both (connections, allocator), then alternate rounds.
        with_client(&client).await;
        with_reqwest(&plain, &base).await;
        let (mut client_times, mut plain_times) = (Vec::new(), Vec::new());
        let (mut client_rps, mut plain_rps) = (Vec::new(), Vec::new());
        let start = Instant::now();
        for round in 0..ROUNDS {
            // Alternate which goes first, so neither always runs on a warmer server.
            let ((cn, cd), (pn, pd)) = if round % 2 == 0 {
                let c = with_client(&client).await;
                (c, with_reqwest(&plain, &base).await)
            } else {
                let p = with_reqwest(&plain, &base).await;
                (with_client(&client).await, p)
            };
            client_rps.push(per_second(cn, cd));
            client_times.push(cd.as_secs_f64() * 1e6 / cn.max(1) as f64);
            plain_rps.push(per_second(pn, pd));
            plain_times.push(pd.as_secs_f64() * 1e6 / pn.max(1) as f64);
            if start.elapsed() > TIME_LIMIT {
                break;
            }
        }
        let (c_us, p_us) = (median(client_times), median(plain_times));
        println!("| measure | value |");
        println!("| --- | --- |");
        println!("| client retry policy | {} |", client.retry_policy());
        println!("| URLs built (select+expand+filter+top) | {built} in {:.3} s, avg length {} |", took.as_secs_f64(), len / built.max(1));
        println!("| URL building | {:.0} URLs/s |", urls_per_sec);
        println!("| paging, client (`pages()`, {PAGES} pages x {ITEMS_PER_PAGE} items, median of {} rounds) | {:.0} req/s ({c_us:.1} µs/req) |", client_rps.len(), median(client_rps.clone()));
        println!("| paging, plain reqwest GET + same JSON decode | {:.0} req/s ({p_us:.1} µs/req) |", median(plain_rps));
        println!("| client overhead per request | {:.1} µs ({:+.1} %) |", c_us - p_us, (c_us - p_us) / p_us * 100.0);
    });
}
