//! `$batch` in the JSON format (OData JSON Format 4.01, section 19): several typed requests in
//! one HTTP call, each response read as its request's type.
//!
//! A [`Batch`] takes [`Request`]s built as usual (by a generated client or by hand) and gives a
//! [`BatchHandle<T>`] per request; [`Batch::send`] posts them to `<base URL>/$batch`, at most
//! [`MAX_PER_CALL`] per call (a larger set is split into several calls, in order; requests
//! linked by `dependsOn` or an atomicity group stay in one call), and
//! [`BatchResponses::take`] reads each answer as `Result<T, Error>`, with the same
//! [`ServiceError`] typing as a single request.
//!
//! Items answered with a status the client's [`RetryPolicy`] retries for them (429, 503, 504
//! for idempotent requests; only 429 and 503 with `Retry-After` for a `POST` or `PATCH`, see
//! [`retry`](super::retry)) are sent again in a new batch after the wait their `Retry-After`
//! asks for (or the policy's backoff), together with the items that failed only because they
//! depended on them (`424`), within the policy's attempts and total delay. The batch call
//! itself follows the policy as any request, as an idempotent one when all its requests are.
//! Item URLs are written relative to the base URL, so the credentials go only to the
//! configured origin; a request whose URL is not below the base URL is not sent.
//!
//! ```
//! use odata_runtime::client::batch::Batch;
//! use odata_runtime::client::{BoxFuture, Client, Request, Transport, TransportError};
//!
//! # struct Offline;
//! # impl Transport for Offline {
//! #     fn send(&self, _: http::Request<Vec<u8>>) -> BoxFuture<'_, Result<http::Response<Vec<u8>>, TransportError>> {
//! #         Box::pin(async { Err(TransportError::new("offline")) })
//! #     }
//! # }
//! let client = Client::builder("https://graph.microsoft.com/beta").transport(Offline).build().unwrap();
//! let mut batch = Batch::new(&client);
//! let me = batch.add(Request::<serde_json::Value>::new(&client, http::Method::GET, "me".into()));
//! let manager = batch.add_with(
//!     Request::<serde_json::Value>::new(&client, http::Method::GET, "me/manager".into()),
//!     odata_runtime::client::batch::ItemOptions::new().depends_on(me.id()),
//! );
//! assert_eq!(batch.len(), 2);
//! # let _ = manager;
//! // let mut responses = batch.send().await?;
//! // let me: serde_json::Value = responses.take(me)?;
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use http::header::CONTENT_TYPE;
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::error::DecodeError;
use super::request::decode;
use super::retry::{is_idempotent_method, Pacer};
use super::{Client, Error, Request, RetryPolicy, ServiceError};

/// The most requests one `$batch` call carries (Microsoft Graph's limit).
pub const MAX_PER_CALL: usize = 20;

static NEXT_BATCH: AtomicU64 = AtomicU64::new(1);

/// Names one request added to a [`Batch`], for [`ItemOptions::depends_on`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ItemId {
    batch: u64,
    index: usize,
}

impl ItemId {
    /// The request's `id` in the batch body (`"1"` for the first request added).
    pub fn wire_id(&self) -> String {
        (self.index + 1).to_string()
    }
}

/// The answer to one request of a batch, to take from [`BatchResponses::take`] as a `T`.
#[must_use = "the handle is how the response is read"]
pub struct BatchHandle<T> {
    id: ItemId,
    marker: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for BatchHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("BatchHandle").field(&self.id).finish()
    }
}

impl<T> BatchHandle<T> {
    /// The request's id, for [`ItemOptions::depends_on`].
    pub fn id(&self) -> ItemId {
        self.id
    }
}

/// `dependsOn` and `atomicityGroup` of one request.
#[derive(Debug, Clone, Default)]
pub struct ItemOptions {
    depends_on: Vec<ItemId>,
    atomicity_group: Option<String>,
}

impl ItemOptions {
    /// No dependencies, no atomicity group.
    pub fn new() -> Self {
        ItemOptions::default()
    }

    /// The request is executed after `id` succeeded (added before it to the same batch); the
    /// two are always sent in the same call.
    pub fn depends_on(mut self, id: ItemId) -> Self {
        self.depends_on.push(id);
        self
    }

    /// The request belongs to the atomicity group `group`: the service executes the group's
    /// requests all or none. A group's requests are sent in one call, next to each other.
    pub fn atomicity_group(mut self, group: &str) -> Self {
        self.atomicity_group = Some(group.to_owned());
        self
    }
}

/// One request as the batch body writes it.
#[derive(Serialize)]
struct WireRequest<'a> {
    id: String,
    method: &'a str,
    url: &'a str,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    headers: &'a BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<&'a RawValue>,
    #[serde(rename = "dependsOn", skip_serializing_if = "Vec::is_empty")]
    depends_on: Vec<String>,
    #[serde(rename = "atomicityGroup", skip_serializing_if = "Option::is_none")]
    atomicity_group: Option<&'a str>,
}

#[derive(Deserialize)]
struct WireResponses {
    #[serde(default)]
    responses: Vec<WireResponse>,
}

#[derive(Deserialize)]
struct WireResponse {
    id: String,
    status: u16,
    #[serde(default)]
    headers: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    body: Option<serde_json::Value>,
}

struct Item {
    method: Method,
    url: String,
    headers: BTreeMap<String, String>,
    body: Option<Box<RawValue>>,
    depends_on: Vec<usize>,
    atomicity_group: Option<String>,
}

/// Several requests sent as `$batch` calls; see the [module docs](self).
pub struct Batch {
    client: Client,
    batch: u64,
    /// Per request: the item to send, or why it cannot be.
    items: Vec<Result<Item, Error>>,
    max_per_call: usize,
    policy: Option<RetryPolicy>,
}

impl fmt::Debug for Batch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Batch").field("requests", &self.items.len()).field("max_per_call", &self.max_per_call).finish()
    }
}

impl Batch {
    /// An empty batch for `client`'s service (`<base URL>/$batch`).
    pub fn new(client: &Client) -> Self {
        Batch {
            client: client.clone(),
            batch: NEXT_BATCH.fetch_add(1, Ordering::Relaxed),
            items: Vec::new(),
            max_per_call: MAX_PER_CALL,
            policy: None,
        }
    }

    /// At most `n` requests per call (1 to [`MAX_PER_CALL`]; default [`MAX_PER_CALL`]).
    pub fn max_per_call(mut self, n: usize) -> Self {
        self.max_per_call = n.clamp(1, MAX_PER_CALL);
        self
    }

    /// Follows `policy` instead of the client's, for the calls and for throttled items.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.policy = Some(policy);
        self
    }

    /// How many requests were added.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether no request was added.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Adds `request`; its answer is read through the handle.
    pub fn add<T, F>(&mut self, request: Request<T, F>) -> BatchHandle<T> {
        self.add_with(request, ItemOptions::new())
    }

    /// Adds `request` with `dependsOn` and `atomicityGroup` options. A dependency that is not
    /// an earlier request of this batch, or one that cannot be sent, makes this request fail
    /// with [`Error::Request`] (it is not sent).
    pub fn add_with<T, F>(&mut self, request: Request<T, F>, options: ItemOptions) -> BatchHandle<T> {
        let index = self.items.len();
        let item = self.item(&request, options, index);
        self.items.push(item);
        BatchHandle { id: ItemId { batch: self.batch, index }, marker: PhantomData }
    }

    fn item<T, F>(&self, request: &Request<T, F>, options: ItemOptions, index: usize) -> Result<Item, Error> {
        let mut depends_on = Vec::new();
        for d in options.depends_on {
            if d.batch != self.batch || d.index >= index {
                return Err(Error::Request(format!(
                    "request {} of the batch depends on a request that is not an earlier one of the same batch",
                    index + 1
                )));
            }
            if matches!(self.items.get(d.index), Some(Err(_))) {
                return Err(Error::Request(format!(
                    "request {} of the batch depends on request {}, which cannot be sent",
                    index + 1,
                    d.index + 1
                )));
            }
            depends_on.push(d.index);
        }
        let built = request.build()?;
        let absolute = built.uri().to_string();
        let base = self.client.base_url();
        let url = match absolute.strip_prefix(base) {
            Some(rest) if rest.is_empty() || rest.starts_with(['/', '?']) => {
                if rest.starts_with('/') {
                    rest.to_owned()
                } else {
                    format!("/{rest}")
                }
            }
            _ => {
                return Err(Error::Request(format!("{absolute} is not below the base URL {base}: not sent in a batch")))
            }
        };
        let mut headers = BTreeMap::new();
        for (name, value) in built.headers() {
            if name == http::header::AUTHORIZATION {
                continue;
            }
            let value = value
                .to_str()
                .map_err(|_| Error::Request(format!("header {name} is not text: not sent in a batch")))?;
            headers.insert(name.as_str().to_owned(), value.to_owned());
        }
        let body = built.body();
        let body = if body.is_empty() {
            None
        } else {
            let is_json = built
                .headers()
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.to_ascii_lowercase().contains("json"));
            let text = String::from_utf8(body.clone()).ok().filter(|_| is_json).ok_or_else(|| {
                Error::Request("a JSON batch carries JSON bodies only: send this request on its own".to_owned())
            })?;
            Some(
                RawValue::from_string(text)
                    .map_err(|e| Error::Request(format!("the body is not JSON: {e}: not sent in a batch")))?,
            )
        };
        Ok(Item {
            method: built.method().clone(),
            url,
            headers,
            body,
            depends_on,
            atomicity_group: options.atomicity_group,
        })
    }

    /// The calls the requests are sent in: lists of indices, in order, no call above the limit;
    /// requests linked by `dependsOn` or a group stay together.
    /// Whether request `index` is safe to send twice (by its method).
    fn item_is_idempotent(&self, index: usize) -> bool {
        matches!(self.items.get(index), Some(Ok(item)) if is_idempotent_method(&item.method))
    }

    fn calls(&self, pending: &[usize]) -> Result<Vec<Vec<usize>>, Error> {
        let n = self.items.len();
        let mut parent: Vec<usize> = (0..n).collect();
        fn find(parent: &mut [usize], mut i: usize) -> usize {
            while let Some(&p) = parent.get(i) {
                if p == i {
                    break;
                }
                let up = parent.get(p).copied().unwrap_or(p);
                if let Some(slot) = parent.get_mut(i) {
                    *slot = up;
                }
                i = p;
            }
            i
        }
        let mut groups: BTreeMap<&str, usize> = BTreeMap::new();
        for &i in pending {
            let Some(Ok(item)) = self.items.get(i) else { continue };
            let mut links: Vec<usize> = item.depends_on.iter().copied().filter(|d| pending.contains(d)).collect();
            if let Some(g) = &item.atomicity_group {
                links.push(*groups.entry(g.as_str()).or_insert(i));
            }
            for d in links {
                let (a, b) = (find(&mut parent, i), find(&mut parent, d));
                if let Some(slot) = parent.get_mut(a) {
                    *slot = b;
                }
            }
        }
        let mut components: Vec<(usize, Vec<usize>)> = Vec::new();
        for &i in pending {
            let root = find(&mut parent, i);
            match components.iter_mut().find(|(r, _)| *r == root) {
                Some((_, list)) => list.push(i),
                None => components.push((root, vec![i])),
            }
        }
        let mut calls: Vec<Vec<usize>> = Vec::new();
        let mut current: Vec<usize> = Vec::new();
        for (_, component) in components {
            if component.len() > self.max_per_call {
                return Err(Error::Request(format!(
                    "{} requests linked by dependsOn or an atomicity group do not fit in one batch call of at most {}",
                    component.len(),
                    self.max_per_call
                )));
            }
            if current.len() + component.len() > self.max_per_call {
                calls.push(std::mem::take(&mut current));
            }
            current.extend(component);
        }
        if !current.is_empty() {
            calls.push(current);
        }
        for call in &mut calls {
            call.sort_unstable();
        }
        Ok(calls)
    }

    /// The body of one call.
    fn body(&self, call: &[usize]) -> Result<Vec<u8>, Error> {
        let mut requests = Vec::with_capacity(call.len());
        for &i in call {
            let Some(Ok(item)) = self.items.get(i) else { continue };
            requests.push(WireRequest {
                id: (i + 1).to_string(),
                method: item.method.as_str(),
                url: &item.url,
                headers: &item.headers,
                body: item.body.as_deref(),
                depends_on: item.depends_on.iter().filter(|d| call.contains(d)).map(|d| (d + 1).to_string()).collect(),
                atomicity_group: item.atomicity_group.as_deref(),
            });
        }
        #[derive(Serialize)]
        struct Body<'a> {
            requests: Vec<WireRequest<'a>>,
        }
        serde_json::to_vec(&Body { requests }).map_err(|e| Error::Request(format!("cannot write the batch body: {e}")))
    }

    /// Sends one call; the answers by index.
    async fn send_call(
        &self,
        call: &[usize],
        policy: &RetryPolicy,
    ) -> Result<BTreeMap<usize, http::Response<Vec<u8>>>, Error> {
        let body = self.body(call)?;
        let idempotent = call.iter().all(|&i| self.item_is_idempotent(i));
        let request: Request<(), super::NoField> = Request::new(&self.client, Method::POST, "$batch".to_owned())
            .body(body)
            .retry_policy(policy.clone())
            .idempotent(idempotent);
        let response = request.send_raw().await?;
        let status = response.status();
        if !status.is_success() {
            return Err(ServiceError::from_response_at(
                status,
                response.headers(),
                response.body(),
                self.client.clock().now(),
            )
            .into());
        }
        let parsed: WireResponses = serde_json::from_slice(response.body())
            .map_err(|e| DecodeError::new(status, response.headers(), response.body(), e))?;
        let mut out = BTreeMap::new();
        for r in parsed.responses {
            let Some(index) = r.id.parse::<usize>().ok().and_then(|n| n.checked_sub(1)) else { continue };
            if call.contains(&index) {
                out.insert(index, item_response(r));
            }
        }
        Ok(out)
    }

    /// Sends every request (see the [module docs](self)) and returns the answers. `Err` only
    /// when a call as a whole failed (the requests of later calls are then not sent); the
    /// answer of each request, success or error, is read from the [`BatchResponses`].
    pub async fn send(self) -> Result<BatchResponses, Error> {
        let policy = self.policy.clone().unwrap_or_else(|| self.client.retry_policy().clone());
        let mut results: Vec<Option<Result<http::Response<Vec<u8>>, Error>>> = Vec::with_capacity(self.items.len());
        let mut pending = Vec::new();
        for (i, item) in self.items.iter().enumerate() {
            match item {
                Ok(_) => {
                    results.push(None);
                    pending.push(i);
                }
                Err(e) => results.push(Some(Err(clone_error(e)))),
            }
        }
        let mut pacer = Pacer::new(&self.client, &policy);
        while !pending.is_empty() {
            let mut answers = BTreeMap::new();
            for call in self.calls(&pending)? {
                answers.extend(self.send_call(&call, &policy).await?);
            }
            // What to send again: throttled items, and those that failed for them (424).
            let now = self.client.clock().now();
            let mut again: Vec<usize> = Vec::new();
            let mut asked: Option<Duration> = None;
            for &i in &pending {
                if let Some(r) = answers.get(&i) {
                    if policy.retries_response(r.status(), r.headers(), self.item_is_idempotent(i)) {
                        again.push(i);
                        let e = ServiceError::from_response_at(r.status(), r.headers(), r.body(), now);
                        asked = asked.max(e.retry_after);
                    }
                }
            }
            for &i in &pending {
                let failed_dependency = answers.get(&i).is_some_and(|r| r.status() == StatusCode::FAILED_DEPENDENCY);
                let Some(Ok(item)) = self.items.get(i) else { continue };
                if failed_dependency && item.depends_on.iter().any(|d| again.contains(d)) && !again.contains(&i) {
                    again.push(i);
                }
            }
            again.sort_unstable();
            let retry = if again.is_empty() { None } else { pacer.next_wait(asked) };
            for &i in &pending {
                let answer = answers.remove(&i);
                let keep_for_retry = retry.is_some() && again.contains(&i);
                if keep_for_retry {
                    continue;
                }
                let result = match answer {
                    Some(r)
                        if pacer.enabled()
                            && again.contains(&i)
                            && policy.retries_response(r.status(), r.headers(), self.item_is_idempotent(i)) =>
                    {
                        let e = ServiceError::from_response_at(r.status(), r.headers(), r.body(), now);
                        Err(pacer.give_up(e.into()))
                    }
                    Some(r) => Ok(r),
                    None => Err(Error::Request(format!("the batch response has no answer for request {}", i + 1))),
                };
                if let Some(slot) = results.get_mut(i) {
                    *slot = Some(result);
                }
            }
            match retry {
                Some(wait) => {
                    pacer.wait(wait).await;
                    pending = again;
                }
                None => pending.clear(),
            }
        }
        Ok(BatchResponses { batch: self.batch, results })
    }
}

/// The answer of one item as an HTTP response: status, headers and the body as bytes (JSON
/// as written, a string body of another media type as its text).
fn item_response(r: WireResponse) -> http::Response<Vec<u8>> {
    let mut headers = HeaderMap::new();
    for (name, value) in &r.headers {
        let text = match value {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        if let (Ok(n), Ok(v)) = (HeaderName::try_from(name.as_str()), HeaderValue::try_from(text)) {
            headers.append(n, v);
        }
    }
    let is_json =
        headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_none_or(|v| v.to_ascii_lowercase().contains("json"));
    let body = match r.body {
        None | Some(serde_json::Value::Null) => Vec::new(),
        Some(serde_json::Value::String(s)) if !is_json => s.into_bytes(),
        Some(v) => serde_json::to_vec(&v).unwrap_or_default(),
    };
    let mut response = http::Response::new(body);
    *response.status_mut() = StatusCode::from_u16(r.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    *response.headers_mut() = headers;
    response
}

/// A copy of an error made when a request was added, for its answer.
fn clone_error(e: &Error) -> Error {
    match e {
        Error::ForeignNextLink { url } => Error::ForeignNextLink { url: url.clone() },
        Error::InvalidUrl(m) => Error::InvalidUrl(m.clone()),
        other => Error::Request(other.to_string()),
    }
}

/// The answers of a sent [`Batch`], one per request.
pub struct BatchResponses {
    batch: u64,
    results: Vec<Option<Result<http::Response<Vec<u8>>, Error>>>,
}

impl fmt::Debug for BatchResponses {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BatchResponses").field("answers", &self.results.len()).finish()
    }
}

impl BatchResponses {
    /// The answer of `handle`'s request as its type: a 2xx body read as `T` (an empty body as
    /// JSON `null`), any other status as [`Error::Service`], a throttled answer the policy gave
    /// up on as [`Error::RetriesExhausted`], and the error that kept the request from being
    /// sent (a foreign next link, a missing dependency, ...).
    pub fn take<T: DeserializeOwned>(&mut self, handle: BatchHandle<T>) -> Result<T, Error> {
        decode(self.take_raw(handle.id)?)
    }

    /// The answer of the request `id` as an HTTP response, whatever its status; `Err` when it
    /// was not answered. An answer can be taken once.
    pub fn take_raw(&mut self, id: ItemId) -> Result<http::Response<Vec<u8>>, Error> {
        if id.batch != self.batch {
            return Err(Error::Request("the handle belongs to another batch".to_owned()));
        }
        match self.results.get_mut(id.index).and_then(Option::take) {
            Some(result) => result,
            None => Err(Error::Request(format!("no answer (left) for request {}", id.index + 1))),
        }
    }

    /// The status of the answer of `id`, when it has one and it was not taken.
    pub fn status(&self, id: ItemId) -> Option<StatusCode> {
        match self.results.get(id.index)? {
            Some(Ok(r)) if id.batch == self.batch => Some(r.status()),
            _ => None,
        }
    }
}
