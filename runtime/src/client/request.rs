//! [`Request`]: one call to the service, built without sending or sent through the transport.

use std::fmt;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex};

use http::header::CONTENT_TYPE;
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use serde::de::{DeserializeOwned, Visitor};
use serde::Serialize;

use super::body::{Body, Download, ResponseBody, StreamedResponse};
use super::error::{DecodeError, MAX_ERROR_BODY};
use super::retry::Idempotent;
use super::{Client, Error, Field, NoField, Origin, Query, RetryPolicy, ServiceError};

/// The `Prefer` header (RFC 7240), which `http` has no constant for.
const PREFER: HeaderName = HeaderName::from_static("prefer");

/// What is encoded in a path given to [`Request::new`] although it should already be encoded:
/// characters no URI may hold, and `?` and `#`, which would end the path.
const PATH_FIXUP: &AsciiSet =
    &CONTROLS.add(b' ').add(b'"').add(b'<').add(b'>').add(b'\\').add(b'^').add(b'`').add(b'{').add(b'|').add(b'}');
const PATH_FIXUP_DELIMS: &AsciiSet = &PATH_FIXUP.add(b'?').add(b'#');

/// One request: method, path below the base URL, query options, headers and body, and the type
/// `T` the response body is read as. `F` is the [`Field`] enum of the requested type, for
/// [`select`](Self::select), [`expand`](Self::expand) and [`order_by`](Self::order_by).
///
/// Setting an option twice: list options (`$select`, `$expand`, `$orderby`) accumulate, the
/// others (`$filter`, `$top`, ...) keep the last value.
#[must_use = "a request does nothing until it is sent (`send`) or built (`build`)"]
pub struct Request<T, F = NoField> {
    client: Client,
    method: Method,
    path: String,
    query: Query,
    headers: HeaderMap,
    body: Option<Vec<u8>>,
    /// A streamed body ([`Request::body_stream`]): taken by the first send, shared by clones.
    stream: Option<Arc<Mutex<Option<Body>>>>,
    error: Option<String>,
    /// An absolute URL replacing base URL and path: a next link ([`Request::from_next_link`]).
    link: Option<Link>,
    retry: Option<RetryPolicy>,
    idempotent: Option<bool>,
    marker: PhantomData<fn() -> (T, F)>,
}

/// A next link given to [`Request::from_next_link`]: as received, and resolved.
#[derive(Clone)]
struct Link {
    received: String,
    resolved: String,
}

impl<T, F> Clone for Request<T, F> {
    fn clone(&self) -> Self {
        Request {
            client: self.client.clone(),
            method: self.method.clone(),
            path: self.path.clone(),
            query: self.query.clone(),
            headers: self.headers.clone(),
            body: self.body.clone(),
            stream: self.stream.clone(),
            error: self.error.clone(),
            link: self.link.clone(),
            retry: self.retry.clone(),
            idempotent: self.idempotent,
            marker: PhantomData,
        }
    }
}

impl<T, F> fmt::Debug for Request<T, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("url", &self.url())
            .field("headers", &self.headers)
            .field("body_len", &self.body.as_ref().map(Vec::len))
            .field("streamed_body", &self.stream.is_some())
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl<T, F> Request<T, F> {
    /// A request for `path` below the client's base URL (`communications/callRecords('x')`;
    /// a leading `/` is ignored).
    ///
    /// `path` must already be encoded ([`encode_segment`](super::encode_segment),
    /// [`function_call`](super::function_call)); as a safety net, characters no URL may hold and
    /// `?`/`#` are percent-encoded, so the path cannot start a query or a fragment.
    pub fn new(client: &Client, method: Method, path: String) -> Self {
        Request {
            client: client.clone(),
            method,
            path,
            query: Query::default(),
            headers: HeaderMap::new(),
            body: None,
            stream: None,
            error: None,
            link: None,
            retry: None,
            idempotent: None,
            marker: PhantomData,
        }
    }

    /// A `GET` of `link`, an `@odata.nextLink` as the service sent it: typically
    /// `<navigation>@odata.nextLink` of a collection expanded inline, whose remaining pages
    /// [`pages`](Self::pages) and [`items`](Self::items) then read like those of any list (see
    /// also [`Client::continue_pages`]). The link may be absolute or relative to the base URL.
    ///
    /// The same rule as for paging holds: a link to another scheme, host or port than the base
    /// URL is not requested; [`build`](Self::build) (so `send`, `pages`, ...) fails with
    /// [`Error::ForeignNextLink`]. The link carries the query options; any set on this request
    /// are appended to them.
    pub fn from_next_link(client: &Client, link: &str) -> Self {
        let resolved = super::paging::resolve(client, link);
        let mut request = Request::new(client, Method::GET, String::new());
        request.link = Some(Link { received: link.to_owned(), resolved });
        request
    }

    /// Adds `raw` to `$select` as written (e.g. `"id,startDateTime"`).
    pub fn select_raw(mut self, raw: &str) -> Self {
        self.query.select.push(raw.to_owned());
        self
    }

    /// Adds `raw` to `$expand` as written, e.g. `"sessions($expand=segments)"`.
    pub fn expand_raw(mut self, raw: &str) -> Self {
        self.query.expand.push(raw.to_owned());
        self
    }

    /// Sets `$filter` to an expression written by hand, e.g.
    /// `"startDateTime ge 2021-02-01T00:00:00Z"` (string literals from
    /// [`Literal::to_literal`](super::Literal::to_literal) are quoted and escaped). The typed
    /// form is [`filter`](Self::filter).
    pub fn filter_raw(mut self, expr: &str) -> Self {
        self.query.filter = Some(expr.to_owned());
        self
    }

    /// Sets `$filter`: a typed [`Filter<F>`](super::filter::Filter) over this request's
    /// entity type (checked at compile time, see [`filter`](super::filter)), or a hand-written
    /// `&str`/`String` as [`filter_raw`](Self::filter_raw).
    pub fn filter(mut self, expr: impl super::filter::IntoFilter<F>) -> Self {
        self.query.filter = Some(expr.into_filter_text());
        self
    }

    /// Sets `$search` (Microsoft Graph wants the expression in double quotes).
    pub fn search(mut self, s: &str) -> Self {
        self.query.search = Some(s.to_owned());
        self
    }

    /// Sets `$top`.
    pub fn top(mut self, n: u64) -> Self {
        self.query.top = Some(n);
        self
    }

    /// Sets `$skip`.
    pub fn skip(mut self, n: u64) -> Self {
        self.query.skip = Some(n);
        self
    }

    /// Adds `raw` to `$orderby` as written, e.g. `"startDateTime desc"`.
    pub fn order_by_raw(mut self, raw: &str) -> Self {
        self.query.order_by.push(raw.to_owned());
        self
    }

    /// Sets `$count`.
    pub fn count(mut self, yes: bool) -> Self {
        self.query.count = Some(yes);
        self
    }

    /// Sets `$skiptoken`.
    pub fn skip_token(mut self, t: &str) -> Self {
        self.query.skip_token = Some(t.to_owned());
        self
    }

    /// Adds any other query option (`$format`, a parameter alias `@p1`, ...), written after the
    /// system query options.
    pub fn query_param(mut self, name: &str, value: &str) -> Self {
        self.query.custom.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Sets a header, replacing one of the same name set before on this request or on the
    /// client; `Prefer` values are merged instead (`Prefer: a, b`).
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        if name == PREFER {
            self.headers.append(name, value);
        } else {
            self.headers.insert(name, value);
        }
        self
    }

    /// Asks for at most `n` items per page: `Prefer: odata.maxpagesize=n` (replacing a
    /// `odata.maxpagesize` of the client's default `Prefer` header). The service may send
    /// fewer; the next pages keep the preference.
    pub fn max_page_size(self, n: u32) -> Self {
        match HeaderValue::try_from(format!("odata.maxpagesize={n}")) {
            Ok(value) => self.header(PREFER, value),
            Err(_) => self,
        }
    }

    /// Follows `policy` instead of the client's [`RetryPolicy`] (for every page, when paging).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Sends this request once, whatever the client's [`RetryPolicy`]: the same as
    /// `retry_policy(RetryPolicy::none())`.
    pub fn no_retry(self) -> Self {
        self.retry_policy(RetryPolicy::none())
    }

    /// Says whether this request is safe to send twice, overriding what its method says
    /// (`POST` and `PATCH` are not, the other methods are): an action known to be idempotent
    /// can be retried on every retryable status, a `PUT` with side effects can be kept from it.
    /// See [`retry`](super::retry).
    pub fn idempotent(mut self, yes: bool) -> Self {
        self.idempotent = Some(yes);
        self
    }

    /// The retry policy this request follows: its own, or else the client's.
    pub fn effective_retry_policy(&self) -> &RetryPolicy {
        self.retry.as_ref().unwrap_or(self.client.retry_policy())
    }

    /// Adds `Prefer: include-unknown-enum-members`, so the service sends enumeration members
    /// declared after `unknownFutureValue` instead of `unknownFutureValue`.
    pub fn include_unknown_enum_members(self) -> Self {
        self.header(PREFER, HeaderValue::from_static("include-unknown-enum-members"))
    }

    /// Sets a JSON body (e.g. from [`json_body`](super::json_body)), with
    /// `Content-Type: application/json` unless this request already has a `Content-Type`.
    pub fn body(mut self, json: Vec<u8>) -> Self {
        if !self.headers.contains_key(CONTENT_TYPE) {
            self.headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        self.body = Some(json);
        self
    }

    /// Sets a body of any type, with its `Content-Type`.
    pub fn raw_body(mut self, content_type: HeaderValue, bytes: Vec<u8>) -> Self {
        self.headers.insert(CONTENT_TYPE, content_type);
        self.body = Some(bytes);
        self.stream = None;
        self
    }

    /// Sets a body read from a stream while it is sent (an upload of any size in constant
    /// memory), with its `Content-Type`. Such a request is sent once, whatever the retry
    /// policy, and only once: a clone shares the stream, and a second send fails with
    /// [`Error::Request`]. [`build`](Self::build) cannot hold it; it is sent by
    /// [`send`](Self::send) and [`send_raw`](Self::send_raw).
    pub fn body_stream(mut self, content_type: HeaderValue, body: Body) -> Self {
        self.headers.insert(CONTENT_TYPE, content_type);
        self.body = None;
        self.stream = Some(Arc::new(Mutex::new(Some(body))));
        self
    }

    /// Sets a JSON body serialized from `value` with serde (`Content-Type: application/json`).
    /// A value that cannot be serialized is reported by [`build`](Self::build) as
    /// [`Error::Request`].
    pub fn json<B: Serialize + ?Sized>(self, value: &B) -> Self {
        match serde_json::to_vec(value) {
            Ok(bytes) => self.raw_body(HeaderValue::from_static("application/json"), bytes),
            Err(e) => {
                let mut this = self;
                this.error = Some(format!("cannot serialize the body: {e}"));
                this
            }
        }
    }

    /// Sets `If-Match: tag` (an `@odata.etag` as read, e.g. `W/"2024-01-15T10:00:00.000Z"`):
    /// the service applies the update, delete or action only when the entity still has that
    /// tag, and answers `412` otherwise ([`Error::is_precondition_failed`]). Replaces a tag
    /// taken from the entity by [`entity`](Self::entity).
    pub fn if_match(mut self, tag: &str) -> Self {
        match HeaderValue::try_from(tag) {
            Ok(v) => {
                self.headers.insert(http::header::IF_MATCH, v);
            }
            Err(_) => self.error = Some(format!("the entity tag {tag:?} cannot be a header value")),
        }
        self
    }

    /// Sets `If-Match: *`: the write applies whatever the entity's current tag (for services
    /// that require `If-Match`, `428`, when no tag is at hand).
    pub fn if_match_any(self) -> Self {
        self.if_match("*")
    }

    /// Sets `If-None-Match: tag`: a `GET` answers `304 Not Modified` when the entity still has
    /// that tag.
    pub fn if_none_match(mut self, tag: &str) -> Self {
        match HeaderValue::try_from(tag) {
            Ok(v) => {
                self.headers.insert(http::header::IF_NONE_MATCH, v);
            }
            Err(_) => self.error = Some(format!("the entity tag {tag:?} cannot be a header value")),
        }
        self
    }

    /// Asks for the written entity in the answer, or for none: `Prefer: return=representation`
    /// or `Prefer: return=minimal` (replacing an earlier `return` preference).
    pub fn prefer_return(self, preference: super::ReturnPreference) -> Self {
        self.header(PREFER, HeaderValue::from_static(preference.as_str()))
    }

    /// Sets `value` as the JSON body of a write (create, update, replace), without the control
    /// information read with it (`@odata.context`, links, ...). Its `@odata.etag`, when it has
    /// one and no `If-Match` is set yet, becomes `If-Match`: the write applies only to the
    /// version that was read. A value that cannot be serialized is reported by
    /// [`build`](Self::build).
    pub fn entity<B: Serialize + ?Sized>(mut self, value: &B) -> Self {
        match super::write::entity_body(value) {
            Ok((bytes, tag)) => {
                if let Some(tag) = tag {
                    if !self.headers.contains_key(http::header::IF_MATCH) {
                        self = self.if_match(&tag);
                    }
                }
                self.raw_body(HeaderValue::from_static("application/json"), bytes)
            }
            Err(e) => {
                self.error = Some(e);
                self
            }
        }
    }

    /// Makes [`build`](Self::build) fail with `Error::Request(message)`.
    pub(crate) fn with_error(mut self, message: String) -> Self {
        self.error = Some(message);
        self
    }

    /// The client the request goes through.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path below the base URL, as given to [`new`](Self::new).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The query options.
    pub fn query(&self) -> &Query {
        &self.query
    }

    /// The query options, to change.
    pub fn query_mut(&mut self) -> &mut Query {
        &mut self.query
    }

    /// The headers set on this request (the client's default headers are added by
    /// [`build`](Self::build)).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The absolute URL: base URL, `/`, path, then `?` and the query options when there are any
    /// (see [`Query`] for their order and encoding).
    pub fn url(&self) -> String {
        if let Some(link) = &self.link {
            let mut url = link.resolved.clone();
            if !self.query.is_empty() {
                url.push(if url.contains('?') { '&' } else { '?' });
                self.query.write_into(&mut url);
            }
            return url;
        }
        let base = self.client.base_url();
        let path = self.path.trim_start_matches('/');
        let mut url = String::with_capacity(base.len() + path.len() + 64);
        url.push_str(base);
        if !path.is_empty() {
            url.push('/');
            url.extend(utf8_percent_encode(path, PATH_FIXUP_DELIMS));
        }
        if !self.query.is_empty() {
            url.push('?');
            self.query.write_into(&mut url);
        }
        url
    }

    /// The HTTP request, without credentials: the token provider is async, so this never adds
    /// `Authorization` (use [`build_authorized`](Self::build_authorized), or add it yourself when
    /// sending through another HTTP client). Headers are the client's defaults, then this
    /// request's (replacing them; `Prefer` values merged into one header).
    pub fn build(&self) -> Result<http::Request<Vec<u8>>, Error> {
        if self.stream.is_some() {
            return Err(Error::Request("a streamed body cannot be built into bytes; send the request".to_owned()));
        }
        self.build_without_body()
    }

    /// The request as [`build`](Self::build) makes it, with its body as a [`Body`]: a streamed
    /// body is taken (a second call fails with [`Error::Request`]).
    pub fn build_streaming(&self) -> Result<http::Request<Body>, Error> {
        let request = self.build_without_body()?;
        let body = match &self.stream {
            None => return Ok(request.map(Body::Bytes)),
            Some(shared) => {
                let taken = shared.lock().map(|mut slot| slot.take()).unwrap_or_default();
                taken.ok_or_else(|| Error::Request("the streamed body was already sent".to_owned()))?
            }
        };
        Ok(request.map(|_| body))
    }

    fn build_without_body(&self) -> Result<http::Request<Vec<u8>>, Error> {
        if let Some(e) = &self.error {
            return Err(Error::Request(e.clone()));
        }
        if let Some(link) = &self.link {
            let invalid = |why: String| Error::InvalidUrl(format!("next link {:?}: {why}", link.received));
            let uri: http::Uri = link.resolved.parse().map_err(|e| invalid(format!("{e}")))?;
            let origin = Origin::of(&uri).ok_or_else(|| invalid("not an absolute http or https URL".to_owned()))?;
            if !self.client.same_origin(&origin) {
                return Err(Error::ForeignNextLink { url: link.received.clone() });
            }
        }
        if let Some(segment) = self.path.split('/').find(|s| is_dot_segment(s)) {
            return Err(Error::Request(format!(
                "the path segment {segment:?} would be removed by URL normalization (a key of only dots cannot be \
                 written as a path segment)"
            )));
        }
        let url = self.url();
        let mut request = http::Request::builder()
            .method(self.method.clone())
            .uri(url.as_str())
            .body(self.body.clone().unwrap_or_default())
            .map_err(|e| Error::InvalidUrl(format!("{url}: {e}")))?;
        *request.headers_mut() = merge_headers(self.client.default_headers(), &self.headers);
        if let Some(yes) = self.idempotent {
            request.extensions_mut().insert(Idempotent(yes));
        }
        Ok(request)
    }

    /// As [`build`](Self::build), with `Authorization: Bearer <token>` from the client's token
    /// provider (when it has one).
    pub async fn build_authorized(&self) -> Result<http::Request<Vec<u8>>, Error> {
        let mut request = self.build()?;
        self.client.authorize(&mut request).await?;
        Ok(request)
    }

    /// Sends the request and returns the response as it is, whatever its status, the body
    /// read up to the client's [`max_response_size`](super::ClientBuilder::max_response_size).
    ///
    /// The request follows its [`RetryPolicy`] (the client's unless set): a retryable status
    /// (see [`retry`](super::retry)) that the policy gave up on is
    /// [`Error::RetriesExhausted`] rather than a response.
    pub async fn send_raw(&self) -> Result<http::Response<Vec<u8>>, Error> {
        let response = self.send_streaming().await?;
        self.client.collect(response).await
    }

    /// Sends the request and returns the response as soon as its headers are in, whatever
    /// its status; the caller reads the body as it arrives.
    pub async fn send_streaming(&self) -> Result<http::Response<ResponseBody>, Error> {
        let request = self.build_streaming()?;
        self.client.send_streaming(request, self.effective_retry_policy()).await
    }

    /// Sends the request and returns a 2xx answer as a [`Download`]: the body read chunk by
    /// chunk in constant memory, under the transport's limit between reads rather than its
    /// limit for a whole request. Any other status gives [`Error::Service`]. For media
    /// ([`Media::download`](super::Media::download)), `Edm.Stream` results and any large
    /// answer.
    pub async fn download(&self) -> Result<Download, Error> {
        let mut request = self.build_streaming()?;
        request.extensions_mut().insert(StreamedResponse);
        let response = self.client.send_streaming(request, self.effective_retry_policy()).await?;
        if !response.status().is_success() {
            return Err(service_error(&self.client, response).await);
        }
        Ok(Download::new(response))
    }
}

/// A non-2xx streamed answer as a [`ServiceError`], its body read up to [`MAX_ERROR_BODY`].
async fn service_error(client: &Client, response: http::Response<ResponseBody>) -> Error {
    let (parts, body) = response.into_parts();
    let body = body.prefix(MAX_ERROR_BODY).await;
    ServiceError::from_response_at(parts.status, &parts.headers, &body, client.clock().now()).into()
}

impl<T, F: Field> Request<T, F> {
    /// Adds properties to `$select`.
    pub fn select(mut self, fields: impl IntoIterator<Item = F>) -> Self {
        self.query.select.extend(fields.into_iter().map(|f| f.name().to_owned()));
        self
    }

    /// Adds navigation properties to `$expand`.
    pub fn expand(mut self, fields: impl IntoIterator<Item = F>) -> Self {
        self.query.expand.extend(fields.into_iter().map(|f| f.name().to_owned()));
        self
    }

    /// Adds items to `$orderby`, in order: properties (ascending) or
    /// [`OrderBy`](super::filter::OrderBy) items from [`Field::asc`]/[`Field::desc`]
    /// (`order_by([CallRecordProperty::StartDateTime.desc(), CallRecordProperty::Id.asc()])`).
    pub fn order_by<O: Into<super::filter::OrderBy<F>>>(mut self, items: impl IntoIterator<Item = O>) -> Self {
        self.query.order_by.extend(items.into_iter().map(|o| o.into().to_item()));
        self
    }
}

impl<T: DeserializeOwned, F> Request<T, F> {
    /// Sends the request and reads a 2xx response body as `T`. `T = ()` (a delete, an upload,
    /// an action without a result) succeeds on any 2xx whatever its body; for other types an
    /// empty body reads as JSON `null`, so `Option<_>` fits `204 No Content`. Other statuses
    /// give [`Error::Service`]; a body that cannot be read as `T`, [`Error::Decode`].
    pub async fn send(self) -> Result<T, Error> {
        let response = self.send_raw().await?;
        decode(response)
    }
}

/// The content of an `Edm.Stream` an operation returns (a report's CSV, a file): the bytes of
/// a 2xx response as they came, with their media type.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Stream {
    /// `Content-Type` of the response, when it has one.
    pub content_type: Option<String>,
    /// The body.
    pub bytes: Vec<u8>,
}

impl<F> Request<Stream, F> {
    /// Sends the request and returns a 2xx body as it is, all of it in memory (redirects are
    /// followed by the transport; the client's size limit does not apply). Other statuses give
    /// [`Error::Service`]. [`download`](Self::download) reads the body as it arrives instead.
    pub async fn send(self) -> Result<Stream, Error> {
        let response = self.send_streaming().await?;
        let status = response.status();
        if !status.is_success() {
            return Err(service_error(&self.client, response).await);
        }
        let content_type =
            response.headers().get(http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let bytes = response.into_body().collect(None, status).await?;
        Ok(Stream { content_type, bytes })
    }
}

/// Reads a response: a 2xx body as `T`, anything else as a [`ServiceError`](super::ServiceError).
pub(crate) fn decode<T: DeserializeOwned>(response: http::Response<Vec<u8>>) -> Result<T, Error> {
    let status = response.status();
    if !status.is_success() {
        return Err(super::ServiceError::from_response(status, response.headers(), response.body()).into());
    }
    let body = response.body();
    let text = if body.iter().all(u8::is_ascii_whitespace) { &b"null"[..] } else { body };
    T::deserialize(Answer(text)).map_err(|e| DecodeError::new(status, response.headers(), body, e).into())
}

/// A 2xx answer's body as a serde `Deserializer`: JSON, read as `serde_json::from_slice` reads
/// it, except that a type that wants nothing (`()`) is given nothing without the body being
/// read, so a delete or an upload answered `200` with a body succeeds.
struct Answer<'a>(&'a [u8]);

/// Forwards `Deserializer` methods to a `serde_json` reader of the whole body, which must hold
/// one JSON value and nothing after it.
macro_rules! forward_to_json {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, serde_json::Error> {
            let mut reader = serde_json::Deserializer::from_slice(self.0);
            let value = serde::Deserializer::$method(&mut reader, $($arg,)* visitor)?;
            reader.end()?;
            Ok(value)
        }
    )*};
}

impl<'de> serde::Deserializer<'de> for Answer<'de> {
    type Error = serde_json::Error;

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, serde_json::Error> {
        visitor.visit_unit()
    }

    forward_to_json! {
        deserialize_any(); deserialize_bool(); deserialize_i8(); deserialize_i16(); deserialize_i32();
        deserialize_i64(); deserialize_i128(); deserialize_u8(); deserialize_u16(); deserialize_u32();
        deserialize_u64(); deserialize_u128(); deserialize_f32(); deserialize_f64(); deserialize_char();
        deserialize_str(); deserialize_string(); deserialize_bytes(); deserialize_byte_buf();
        deserialize_option(); deserialize_unit_struct(name: &'static str);
        deserialize_newtype_struct(name: &'static str); deserialize_seq(); deserialize_tuple(len: usize);
        deserialize_tuple_struct(name: &'static str, len: usize); deserialize_map();
        deserialize_struct(name: &'static str, fields: &'static [&'static str]);
        deserialize_enum(name: &'static str, variants: &'static [&'static str]); deserialize_identifier();
        deserialize_ignored_any();
    }
}

/// Whether a path segment is `.` or `..`, also percent-encoded (`%2e`, `.%2E`, ...): URL
/// parsers (RFC 3986 normalization, the WHATWG URL standard that reqwest follows) remove such
/// segments together with the one before, which would change the path.
fn is_dot_segment(segment: &str) -> bool {
    let lower = segment.to_ascii_lowercase();
    matches!(lower.as_str(), "." | ".." | "%2e" | ".%2e" | "%2e." | "%2e%2e")
}

/// The client's default headers overridden by the request's, `Prefer` values merged.
fn merge_headers(defaults: &HeaderMap, own: &HeaderMap) -> HeaderMap {
    let mut out = defaults.clone();
    for name in own.keys() {
        if *name == PREFER {
            continue;
        }
        out.remove(name);
        for value in own.get_all(name) {
            out.append(name.clone(), value.clone());
        }
    }
    if own.contains_key(PREFER) {
        // One entry per preference name: a later value (the request's over the client's, the
        // last of the request's) replaces an earlier one in its place.
        let mut merged: Vec<&[u8]> = Vec::new();
        for value in defaults.get_all(PREFER).iter().chain(own.get_all(PREFER).iter()) {
            for part in value.as_bytes().split(|b| *b == b',') {
                let part = part.trim_ascii();
                if part.is_empty() {
                    continue;
                }
                match merged.iter_mut().find(|p| preference_name(p).eq_ignore_ascii_case(preference_name(part))) {
                    Some(slot) => *slot = part,
                    None => merged.push(part),
                }
            }
        }
        if let Ok(merged) = HeaderValue::from_bytes(&merged.join(&b", "[..])) {
            out.insert(PREFER, merged);
        }
    }
    out
}

/// The name of one preference of a `Prefer` header: `odata.maxpagesize` of
/// `odata.maxpagesize=10`, `respond-async` of `respond-async; wait=10`.
fn preference_name(part: &[u8]) -> &[u8] {
    let end = part.iter().position(|b| matches!(b, b'=' | b';')).unwrap_or(part.len());
    part.get(..end).unwrap_or(part).trim_ascii()
}

/// Makes a link from a response usable as a URL: characters no URI may hold are
/// percent-encoded, a fragment is dropped.
pub(crate) fn sanitize_link(link: &str) -> String {
    let link = link.trim();
    let link = link.split('#').next().unwrap_or_default();
    utf8_percent_encode(link, PATH_FIXUP).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefer_values_merge_and_other_headers_replace() {
        let mut defaults = HeaderMap::new();
        defaults.insert(PREFER, HeaderValue::from_static("odata.maxpagesize=10"));
        defaults.insert("x-a", HeaderValue::from_static("1"));
        let mut own = HeaderMap::new();
        own.append(PREFER, HeaderValue::from_static("include-unknown-enum-members"));
        own.append(PREFER, HeaderValue::from_static("odata.maxpagesize=10, return=minimal"));
        own.insert("x-a", HeaderValue::from_static("2"));
        let merged = merge_headers(&defaults, &own);
        assert_eq!(merged[PREFER], "odata.maxpagesize=10, include-unknown-enum-members, return=minimal");
        assert_eq!(merged["x-a"], "2");
        assert_eq!(merged.len(), 2);
        let mut own = HeaderMap::new();
        own.append(PREFER, HeaderValue::from_static("odata.maxpagesize=3"));
        own.append(PREFER, HeaderValue::from_static("Odata.MaxPageSize=4; strict"));
        let merged = merge_headers(&defaults, &own);
        assert_eq!(merged[PREFER], "Odata.MaxPageSize=4; strict");
    }

    #[test]
    fn links_are_sanitized() {
        assert_eq!(sanitize_link(" https://h/a b?x=é#frag "), "https://h/a%20b?x=%C3%A9");
    }
}
