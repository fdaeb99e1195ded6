//! What a generated request-builder crate needs: a [`Client`] (base URL, [`Transport`],
//! [`TokenProvider`], default headers), one [`Request`] per call with its query options,
//! URL literals ([`literal`]) and percent-encoding ([`path`]), paging over `@odata.nextLink`
//! ([`Request::pages`], [`Request::items`]) and typed errors ([`Error`], [`ServiceError`]).
//!
//! Every request goes through the client's [`RetryPolicy`] (on by default: 429, 503 and 504
//! are retried honouring `Retry-After`, see [`retry`]). [`Cloud`] gives the service and sign-in
//! URLs of Microsoft Graph's national clouds; with the cargo feature `auth`,
//! [`auth::ClientCredentials`] signs an application in with a client secret or a certificate.
//!
//! Every request can be built without being sent ([`Request::build`] gives an
//! [`http::Request`]), so any HTTP client can carry it; with the cargo feature `reqwest`,
//! `ReqwestTransport` is the ready one and [`ClientBuilder::build`] uses it when no other
//! transport is set.
//!
//! # Credentials
//!
//! The `Authorization: Bearer <token>` header is added only to requests whose URL has the same
//! scheme, host and port (origin) as the base URL, and removed from any other request that goes
//! through [`Client::send_http`]. Paging never follows an `@odata.nextLink` to another origin:
//! it ends with [`Error::ForeignNextLink`] instead.
//!
//! ```
//! use odata_runtime::client::{BoxFuture, Client, Request, Transport, TransportError};
//!
//! struct Offline;
//! impl Transport for Offline {
//!     fn send(&self, _: http::Request<Vec<u8>>) -> BoxFuture<'_, Result<http::Response<Vec<u8>>, TransportError>> {
//!         Box::pin(async { Err(TransportError::new("offline")) })
//!     }
//! }
//!
//! let client = Client::builder("https://graph.microsoft.com/beta/").transport(Offline).build().unwrap();
//! let request: Request<serde_json::Value> =
//!     Request::new(&client, http::Method::GET, "communications/callRecords".into()).select_raw("id").top(5);
//! assert_eq!(request.url(), "https://graph.microsoft.com/beta/communications/callRecords?$select=id&$top=5");
//! ```

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use http::header::{ACCEPT, AUTHORIZATION};
use http::{HeaderMap, HeaderName, HeaderValue, Uri};
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;

#[cfg(feature = "auth")]
pub mod auth;
#[cfg(feature = "azure-identity")]
pub mod azure;
pub mod batch;
pub mod body;
pub mod cloud;
pub mod error;
pub mod filter;
pub mod literal;
mod nested;
mod paging;
#[doc(hidden)]
pub mod path;
pub mod query;
mod request;
#[cfg(feature = "reqwest")]
mod reqwest_transport;
pub mod retry;
pub mod write;

pub use body::{Body, Download, ResponseBody, StreamedResponse};
pub use cloud::{ApiVersion, Cloud};
pub use error::{DecodeError, DecodeErrorKind, Error, ServiceError, Timeout, TokenEndpointError, TransportError};
pub use literal::Literal;
#[doc(hidden)]
pub use path::{encode_segment, function_call, key_predicate};
pub use query::Query;
pub use request::{Request, Stream};
#[cfg(feature = "reqwest")]
pub use reqwest_transport::{ReqwestTransport, ReqwestTransportBuilder};
#[cfg(feature = "tokio")]
pub use retry::TokioSleep;
pub use retry::{Clock, RetryPolicy, Sleep, SystemClock};
pub use write::{etag_of, Media, ReturnPreference};

/// The `http` crate (`Method`, `HeaderName`, `HeaderValue`, `Request`, ...), so generated crates
/// and transports can name its types without depending on it.
#[doc(no_inline)]
pub use http;

#[doc(hidden)]
/// A value as JSON text through its [`Edm`](crate::Edm) wire form (Int64, Decimal, NaN, ... as
/// OData writes them, Decimal digits exact), e.g. one parameter of an action body.
pub fn json_value<T: crate::Edm>(value: &T) -> Result<Box<RawValue>, Error> {
    serde_json::to_string(&crate::Out(value))
        .and_then(RawValue::from_string)
        .map_err(|e| Error::Request(format!("cannot serialize a value: {e}")))
}

#[doc(hidden)]
/// A JSON object body from (name, value) pairs, written in the order given: the body of an
/// action call (`{"param1": ..., "param2": ...}`); give it to [`Request::body`].
pub fn json_body(fields: &[(&str, Box<RawValue>)]) -> Result<Vec<u8>, Error> {
    struct Fields<'a>(&'a [(&'a str, Box<RawValue>)]);
    impl Serialize for Fields<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut map = s.serialize_map(Some(self.0.len()))?;
            for (name, value) in self.0 {
                map.serialize_entry(name, value)?;
            }
            map.end()
        }
    }
    serde_json::to_vec(&Fields(fields)).map_err(|e| Error::Request(format!("cannot serialize the body: {e}")))
}

/// A boxed future that can move between threads, as [`Transport`] and [`TokenProvider`] return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Sends one HTTP request and reads the response.
///
/// Implement it to use any HTTP client; `ReqwestTransport` (feature `reqwest`) is the ready one.
/// The request is complete: absolute URL, headers (with `Authorization` when the client added
/// it), body. Return `Ok` for every HTTP response, whatever its status; `Err` only when there
/// is no response.
///
/// [`send`](Self::send) is the one method to write: whole bodies in memory. The client sends
/// everything through [`send_streaming`](Self::send_streaming), whose default reads a streamed
/// request body into memory and calls `send`; a transport that overrides it moves bodies of any
/// size in constant memory (uploads and [`Download`]s).
pub trait Transport: Send + Sync {
    /// Sends `request` and returns the response with its full body.
    fn send(&self, request: http::Request<Vec<u8>>) -> BoxFuture<'_, Result<http::Response<Vec<u8>>, TransportError>>;

    /// Sends `request`, whose body may be a stream, and returns the response as soon as its
    /// headers are in, the body read as it arrives. A request with the [`StreamedResponse`]
    /// extension has its body read as a stream by the caller: no limit on the whole exchange
    /// should apply, only one between reads.
    fn send_streaming(
        &self,
        request: http::Request<Body>,
    ) -> BoxFuture<'_, Result<http::Response<ResponseBody>, TransportError>> {
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let bytes = body.into_bytes().await?;
            let response = self.send(http::Request::from_parts(parts, bytes)).await?;
            Ok(response.map(ResponseBody::from_bytes))
        })
    }
}

impl<T: Transport + ?Sized> Transport for Arc<T> {
    fn send(&self, request: http::Request<Vec<u8>>) -> BoxFuture<'_, Result<http::Response<Vec<u8>>, TransportError>> {
        (**self).send(request)
    }

    fn send_streaming(
        &self,
        request: http::Request<Body>,
    ) -> BoxFuture<'_, Result<http::Response<ResponseBody>, TransportError>> {
        (**self).send_streaming(request)
    }
}

/// Gives the bearer token sent as `Authorization: Bearer <token>`.
///
/// Called once per request sent to the service's origin, so an implementation should cache its
/// token and refresh it before it expires. A `String` or a `&'static str` is a fixed token.
///
/// The client calls [`token_with`](Self::token_with), whose default calls
/// [`token`](Self::token); a provider that needs to send requests of its own (to a token
/// endpoint) overrides `token_with` and sends them through the [`TokenContext`], i.e. through
/// the client's transport and retry policy, without the client's credentials.
pub trait TokenProvider: Send + Sync {
    /// The current token (without the `Bearer ` prefix). Failures are usually
    /// [`Error::Credentials`].
    fn token(&self) -> BoxFuture<'_, Result<String, Error>>;

    /// The current token, for a request of the client `context` comes from.
    fn token_with<'a>(&'a self, context: TokenContext<'a>) -> BoxFuture<'a, Result<String, Error>> {
        let _ = context;
        self.token()
    }
}

/// What a [`TokenProvider`] is given by the client asking for a token: a way to send requests
/// through the client's transport and retry policy (never with the client's credentials), and
/// the client's clock.
#[derive(Clone, Copy)]
pub struct TokenContext<'a> {
    client: &'a Client,
}

impl fmt::Debug for TokenContext<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenContext").field("base_url", &self.client.inner.base_url).finish_non_exhaustive()
    }
}

impl<'a> TokenContext<'a> {
    /// Sends `request` as it is (no `Authorization` is added) through the client's transport,
    /// retried by the client's [`RetryPolicy`]; the response is returned whatever its status,
    /// except a retryable one the policy gave up on ([`Error::RetriesExhausted`]).
    pub fn send(&self, request: http::Request<Vec<u8>>) -> BoxFuture<'a, Result<http::Response<Vec<u8>>, Error>> {
        let client = self.client;
        Box::pin(async move {
            let response = retry::send(client, request.map(Body::Bytes), &client.inner.retry, false).await?;
            client.collect(response).await
        })
    }

    /// The client's [`Clock`].
    pub fn now(&self) -> std::time::SystemTime {
        self.client.inner.clock.now()
    }
}

/// A fixed token.
impl TokenProvider for String {
    fn token(&self) -> BoxFuture<'_, Result<String, Error>> {
        let token = self.clone();
        Box::pin(async move { Ok(token) })
    }
}

/// A fixed token.
impl TokenProvider for &'static str {
    fn token(&self) -> BoxFuture<'_, Result<String, Error>> {
        let token = (*self).to_owned();
        Box::pin(async move { Ok(token) })
    }
}

impl<T: TokenProvider + ?Sized> TokenProvider for Arc<T> {
    fn token(&self) -> BoxFuture<'_, Result<String, Error>> {
        (**self).token()
    }

    fn token_with<'a>(&'a self, context: TokenContext<'a>) -> BoxFuture<'a, Result<String, Error>> {
        (**self).token_with(context)
    }
}

/// A property of an entity or complex type, as `$select`, `$expand` and `$orderby` name it.
///
/// Generated crates emit one enum per type (`CallRecordField::StartDateTime`, ...) implementing
/// it, so property names are checked at compile time.
pub trait Field: Copy {
    /// The property's name on the wire, e.g. `"startDateTime"`.
    fn name(self) -> &'static str;

    /// This property, ascending, as a [`Request::order_by`] item.
    fn asc(self) -> filter::OrderBy<Self> {
        filter::OrderBy::new(self.name().to_owned(), false)
    }

    /// This property, descending, as a [`Request::order_by`] item.
    fn desc(self) -> filter::OrderBy<Self> {
        filter::OrderBy::new(self.name().to_owned(), true)
    }
}

/// The [`Field`] of requests whose type has no known properties; it has no values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoField {}

impl Field for NoField {
    fn name(self) -> &'static str {
        match self {}
    }
}

/// Scheme, host and port of a URL: what must match for credentials to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Origin {
    https: bool,
    host: String,
    port: u16,
}

impl Origin {
    /// The origin of an absolute http(s) URI.
    pub(crate) fn of(uri: &Uri) -> Option<Origin> {
        let https = match uri.scheme_str()? {
            s if s.eq_ignore_ascii_case("https") => true,
            s if s.eq_ignore_ascii_case("http") => false,
            _ => return None,
        };
        let authority = uri.authority()?;
        let host = authority.host().to_ascii_lowercase();
        if host.is_empty() {
            return None;
        }
        let port = authority.port_u16().unwrap_or(if https { 443 } else { 80 });
        Some(Origin { https, host, port })
    }
}

struct Inner {
    base_url: String,
    origin: Origin,
    transport: Arc<dyn Transport>,
    token: Option<Arc<dyn TokenProvider>>,
    headers: HeaderMap,
    retry: RetryPolicy,
    sleep: Option<Arc<dyn Sleep>>,
    clock: Arc<dyn Clock>,
    max_response_size: usize,
}

/// The default of [`ClientBuilder::max_response_size`]: 64 MiB.
pub const DEFAULT_MAX_RESPONSE_SIZE: usize = 64 << 20;

/// A configured service: base URL, transport, credentials and default headers.
///
/// Cheap to clone (one `Arc`); clones share everything.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("token_provider", &self.inner.token.is_some())
            .field("headers", &self.inner.headers)
            .field("retry", &self.inner.retry)
            .field("sleep", &self.inner.sleep.is_some())
            .field("max_response_size", &self.inner.max_response_size)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts configuring a client for the service at `base_url`, e.g.
    /// `https://graph.microsoft.com/beta` (any version or national cloud; a trailing slash is
    /// ignored). An invalid URL is reported by [`ClientBuilder::build`].
    pub fn builder(base_url: &str) -> ClientBuilder {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        ClientBuilder {
            base_url: base_url.to_owned(),
            transport: None,
            token: None,
            headers,
            retry: RetryPolicy::new(),
            sleep: None,
            clock: None,
            max_response_size: DEFAULT_MAX_RESPONSE_SIZE,
            error: None,
        }
    }

    /// Starts configuring a client for Microsoft Graph `version` in `cloud`, e.g.
    /// `Client::builder_for(&Cloud::Global, ApiVersion::Beta)` for
    /// `https://graph.microsoft.com/beta`.
    pub fn builder_for(cloud: &Cloud, version: ApiVersion) -> ClientBuilder {
        Client::builder(&cloud.service_url(version))
    }

    /// Starts configuring an app-only client for Microsoft Graph `version` in `cloud`, signed
    /// in with client credentials (feature `auth`): the credentials get `cloud`'s sign-in
    /// authority and default scope unless they set their own, and their token requests go
    /// through this client's transport. A credentials error is reported by
    /// [`ClientBuilder::build`].
    ///
    /// ```
    /// # #[cfg(feature = "auth")] {
    /// use odata_runtime::client::auth::ClientCredentials;
    /// use odata_runtime::client::{ApiVersion, Client, Cloud};
    ///
    /// let builder = Client::app_only(
    ///     &Cloud::UsGovernmentL4,
    ///     ApiVersion::V1,
    ///     ClientCredentials::builder("contoso.onmicrosoft.com", "00000000-0000-0000-0000-000000000001")
    ///         .secret("not-a-real-secret"),
    /// );
    /// # let _ = builder;
    /// # }
    /// ```
    #[cfg(feature = "auth")]
    pub fn app_only(cloud: &Cloud, version: ApiVersion, credentials: auth::ClientCredentialsBuilder) -> ClientBuilder {
        let builder = Client::builder_for(cloud, version);
        match credentials.cloud(cloud.clone()).build() {
            Ok(credentials) => builder.token_provider(credentials),
            Err(e) => {
                let mut builder = builder;
                builder.error.get_or_insert(e);
                builder
            }
        }
    }

    /// The base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The headers sent with every request (`Accept: application/json` unless replaced).
    pub fn default_headers(&self) -> &HeaderMap {
        &self.inner.headers
    }

    /// The transport requests go through.
    pub fn transport(&self) -> &dyn Transport {
        &*self.inner.transport
    }

    /// The retry policy of every request that does not set its own.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// The largest answer read into memory, in bytes (see
    /// [`ClientBuilder::max_response_size`]).
    pub fn max_response_size(&self) -> usize {
        self.inner.max_response_size
    }

    /// The clock (see [`ClientBuilder::clock`]).
    pub fn clock(&self) -> &dyn Clock {
        &*self.inner.clock
    }

    /// Whether the client can wait between attempts (a [`Sleep`] is set, or the feature
    /// `tokio` gives the default); without one, requests are sent once.
    pub fn can_retry(&self) -> bool {
        self.inner.sleep.is_some()
    }

    /// Whether `url` has the base URL's scheme, host and port, i.e. may receive the credentials.
    pub fn is_same_origin(&self, url: &str) -> bool {
        url.parse::<Uri>().ok().and_then(|u| Origin::of(&u)).is_some_and(|o| o == self.inner.origin)
    }

    /// How the client waits between attempts, when it can.
    pub(crate) fn sleeper(&self) -> Option<&Arc<dyn Sleep>> {
        self.inner.sleep.as_ref()
    }

    pub(crate) fn same_origin(&self, origin: &Origin) -> bool {
        *origin == self.inner.origin
    }

    fn same_origin_uri(&self, uri: &Uri) -> bool {
        Origin::of(uri).is_some_and(|o| o == self.inner.origin)
    }

    /// Adds `Authorization: Bearer <token>` when a token provider is set and the request goes to
    /// the base URL's origin; removes any `Authorization` header from a request to another origin.
    pub async fn authorize(&self, request: &mut http::Request<Vec<u8>>) -> Result<(), Error> {
        self.authorize_any(request).await
    }

    /// [`authorize`](Self::authorize) for a request with any body.
    pub(crate) async fn authorize_any<B>(&self, request: &mut http::Request<B>) -> Result<(), Error> {
        if !self.same_origin_uri(request.uri()) {
            request.headers_mut().remove(AUTHORIZATION);
            return Ok(());
        }
        if let Some(provider) = &self.inner.token {
            let token = provider.token_with(TokenContext { client: self }).await?;
            let mut value = HeaderValue::try_from(format!("Bearer {token}"))
                .map_err(|_| Error::Credentials("the token is not a valid header value".to_owned()))?;
            value.set_sensitive(true);
            request.headers_mut().insert(AUTHORIZATION, value);
        }
        Ok(())
    }

    /// Sends `request` through the transport following the client's [`RetryPolicy`], each
    /// attempt [`authorize`](Self::authorize)d anew. The response is returned whatever its
    /// status, except a retryable one (see [`retry`]) that the policy gave up on: that is
    /// [`Error::RetriesExhausted`]. The body is read up to
    /// [`max_response_size`](Self::max_response_size) ([`Error::ResponseTooLarge`] beyond).
    pub async fn send_http(&self, request: http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, Error> {
        self.send_http_with(request, &self.inner.retry).await
    }

    /// As [`send_http`](Self::send_http), following `policy` instead of the client's.
    pub async fn send_http_with(
        &self,
        request: http::Request<Vec<u8>>,
        policy: &RetryPolicy,
    ) -> Result<http::Response<Vec<u8>>, Error> {
        let response = retry::send(self, request.map(Body::Bytes), policy, true).await?;
        self.collect(response).await
    }

    /// As [`send_http_with`](Self::send_http_with) for a body of any size, returned as soon
    /// as the headers are in; the caller reads the body ([`ResponseBody`]). A request with a
    /// streamed body is sent once, whatever the policy.
    pub async fn send_streaming(
        &self,
        request: http::Request<Body>,
        policy: &RetryPolicy,
    ) -> Result<http::Response<ResponseBody>, Error> {
        retry::send(self, request, policy, true).await
    }

    /// Reads a response's body into memory, up to the size limit.
    pub(crate) async fn collect(
        &self,
        response: http::Response<ResponseBody>,
    ) -> Result<http::Response<Vec<u8>>, Error> {
        let (parts, body) = response.into_parts();
        let body = body.collect(Some(self.inner.max_response_size), parts.status).await?;
        Ok(http::Response::from_parts(parts, body))
    }
}

/// Configures a [`Client`]; see [`Client::builder`].
#[must_use = "a builder does nothing until `build` is called"]
pub struct ClientBuilder {
    base_url: String,
    transport: Option<Arc<dyn Transport>>,
    token: Option<Arc<dyn TokenProvider>>,
    headers: HeaderMap,
    retry: RetryPolicy,
    sleep: Option<Arc<dyn Sleep>>,
    clock: Option<Arc<dyn Clock>>,
    max_response_size: usize,
    error: Option<Error>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("transport", &self.transport.is_some())
            .field("token_provider", &self.token.is_some())
            .field("headers", &self.headers)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// The retry policy of every request (default [`RetryPolicy::new`]; [`RetryPolicy::none`]
    /// turns retries off). A request can set its own with
    /// [`Request::retry_policy`].
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// How the client waits between attempts (default with feature `tokio`: [`TokioSleep`];
    /// without it and without one set here, requests are not retried).
    pub fn sleep(mut self, sleep: impl Sleep + 'static) -> Self {
        self.sleep = Some(Arc::new(sleep));
        self
    }

    /// The wall clock (default [`SystemClock`]): what an HTTP-date `Retry-After` is measured
    /// from, and the time token providers read through [`TokenContext::now`].
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// The largest answer read into memory, in bytes (default [`DEFAULT_MAX_RESPONSE_SIZE`],
    /// 64 MiB; `usize::MAX`: no limit). A larger body ends the request with
    /// [`Error::ResponseTooLarge`] as soon as the limit is passed, before it is all read. Media
    /// read as a [`Download`], and the whole-body [`Stream`] of a 2xx media answer, are not
    /// limited.
    pub fn max_response_size(mut self, bytes: usize) -> Self {
        self.max_response_size = bytes;
        self
    }

    /// The transport to send requests through (default with feature `reqwest`:
    /// `ReqwestTransport::new`).
    pub fn transport(mut self, transport: impl Transport + 'static) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// Where bearer tokens come from; a `String` or `&'static str` is a fixed token.
    pub fn token_provider(mut self, provider: impl TokenProvider + 'static) -> Self {
        self.token = Some(Arc::new(provider));
        self
    }

    /// A header sent with every request, replacing an earlier one of the same name (`Prefer`
    /// values of a request are merged with it). An invalid name or value is reported by
    /// [`build`](Self::build).
    pub fn header<K, V>(mut self, name: K, value: V) -> Self
    where
        K: TryInto<HeaderName>,
        K::Error: Into<http::Error>,
        V: TryInto<HeaderValue>,
        V::Error: Into<http::Error>,
    {
        match (name.try_into().map_err(Into::into), value.try_into().map_err(Into::into)) {
            (Ok(name), Ok(value)) => {
                self.headers.insert(name, value);
            }
            (Err(e), _) | (_, Err(e)) => {
                self.error.get_or_insert(Error::Request(format!("invalid default header: {e}")));
            }
        }
        self
    }

    /// The client, or why it cannot be made: an invalid base URL ([`Error::InvalidUrl`]: it
    /// must be an absolute `http` or `https` URL without user info, query or fragment), an
    /// invalid header, or no transport without the feature `reqwest`.
    pub fn build(self) -> Result<Client, Error> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let (base_url, origin) = parse_base_url(&self.base_url)?;
        let transport = match self.transport {
            Some(t) => t,
            None => default_transport()?,
        };
        let sleep = self.sleep.or_else(default_sleep);
        let clock = self.clock.unwrap_or_else(|| Arc::new(SystemClock));
        Ok(Client {
            inner: Arc::new(Inner {
                base_url,
                origin,
                transport,
                token: self.token,
                headers: self.headers,
                retry: self.retry,
                sleep,
                clock,
                max_response_size: self.max_response_size,
            }),
        })
    }
}

#[cfg(feature = "tokio")]
fn default_sleep() -> Option<Arc<dyn Sleep>> {
    Some(Arc::new(TokioSleep))
}

#[cfg(not(feature = "tokio"))]
fn default_sleep() -> Option<Arc<dyn Sleep>> {
    None
}

#[cfg(feature = "reqwest")]
fn default_transport() -> Result<Arc<dyn Transport>, Error> {
    Ok(Arc::new(ReqwestTransport::new()?))
}

#[cfg(not(feature = "reqwest"))]
fn default_transport() -> Result<Arc<dyn Transport>, Error> {
    Err(Error::Request(
        "no transport: set one with ClientBuilder::transport or enable the feature `reqwest`".to_owned(),
    ))
}

fn parse_base_url(raw: &str) -> Result<(String, Origin), Error> {
    let invalid = |why: &str| Error::InvalidUrl(format!("base URL {raw:?}: {why}"));
    let trimmed = raw.trim().trim_end_matches('/');
    if trimmed.contains(['?', '#']) {
        return Err(invalid("a base URL has no query or fragment"));
    }
    let uri: Uri = trimmed.parse().map_err(|e| invalid(&format!("{e}")))?;
    let origin = Origin::of(&uri).ok_or_else(|| invalid("not an absolute http or https URL"))?;
    if uri.authority().is_some_and(|a| a.as_str().contains('@')) {
        return Err(invalid("user info in the URL is not supported"));
    }
    Ok((trimmed.to_owned(), origin))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_checked() {
        let (url, origin) = parse_base_url("https://Graph.Microsoft.com/beta/").unwrap();
        assert_eq!(url, "https://Graph.Microsoft.com/beta");
        assert_eq!(origin, Origin { https: true, host: "graph.microsoft.com".into(), port: 443 });
        assert!(parse_base_url("graph.microsoft.com/beta").is_err());
        assert!(parse_base_url("ftp://x/").is_err());
        assert!(parse_base_url("https://x/?a=b").is_err());
        assert!(parse_base_url("https://u:p@x/").is_err());
        assert!(parse_base_url("").is_err());
        assert!(parse_base_url("https://[::1]:8080").is_ok());
    }
}
