//! Errors of the client: transport failures, OData error responses, undecodable bodies.

use std::fmt;
use std::time::{Duration, SystemTime};

use http::{HeaderMap, StatusCode};
use serde_json::Value;

/// Longest part of a response body kept in an error, in bytes (cut on a character boundary).
pub const MAX_ERROR_BODY: usize = 16 * 1024;

/// Everything that can go wrong building, sending or reading a request.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request did not get a response: connection, TLS, timeout, ...
    #[error("transport error: {0}")]
    Transport(#[from] TransportError),
    /// The service answered with a status other than 2xx. Boxed to keep `Result<_, Error>`
    /// small (clippy's `result_large_err`); fields read through it as usual (`e.status`).
    #[error("{0}")]
    Service(Box<ServiceError>),
    /// A 2xx response whose body is not what the request expects: cut short, not JSON at all
    /// (a sign-in page, a proxy's error page), or JSON of another shape. Boxed like
    /// [`Error::Service`]; its `source` is the JSON reader's error.
    #[error(transparent)]
    Decode(Box<DecodeError>),
    /// An answer larger than the client's
    /// [`max_response_size`](super::ClientBuilder::max_response_size); reading stopped at the
    /// limit. Read large media as a [`Download`](super::Download) instead.
    #[error(
        "the response (HTTP {status}) is larger than the limit of {limit} bytes (ClientBuilder::max_response_size)"
    )]
    ResponseTooLarge {
        /// HTTP status of the response.
        status: u16,
        /// The limit, in bytes.
        limit: usize,
    },
    /// An `@odata.nextLink` pointing to another scheme, host or port than the client's base URL.
    ///
    /// Such a link is not followed at all, neither with credentials (they would leak to that
    /// host) nor without them (the caller may not expect requests to leave the configured
    /// service). The pages before it were delivered; the caller may follow `url` deliberately.
    #[error("@odata.nextLink points to another origin than the service, not followed: {url}")]
    ForeignNextLink {
        /// The link as received.
        url: String,
    },
    /// The token provider failed.
    #[error("cannot get credentials: {0}")]
    Credentials(String),
    /// A base URL or a link that is not a valid absolute http(s) URL.
    #[error("invalid URL: {0}")]
    InvalidUrl(String),
    /// The request cannot be built (invalid header, body not serializable, no transport, ...).
    #[error("invalid request: {0}")]
    Request(String),
    /// The token endpoint refused to issue a token (client credentials sign-in). Never holds
    /// the client secret or the signed assertion.
    #[error("{0}")]
    TokenEndpoint(Box<TokenEndpointError>),
    /// A retryable failure (429, 503, 504, or a transport error before anything was sent; see
    /// [`retry`](super::retry) for which requests are retried) that the
    /// [`RetryPolicy`](super::RetryPolicy) gave up on: its maximum number of attempts was
    /// reached, or the wait the service asked for (`Retry-After`) did not fit in the total delay
    /// left. `last` is the error of the last attempt; [`status`](Error::status),
    /// [`as_service`](Error::as_service) and [`retry_after`](Error::retry_after) look through
    /// to it.
    ///
    /// Only returned when the policy allows retries: with [`RetryPolicy::none`](super::RetryPolicy::none)
    /// (or a request body that cannot be sent twice) the error comes as it is.
    #[error("{last} (gave up after {attempts} attempt{})", if *attempts == 1 { "" } else { "s" })]
    RetriesExhausted {
        /// How many times the request was sent (or tried to be), at least 1.
        attempts: u32,
        /// The error of the last attempt.
        last: Box<Error>,
    },
}

impl Error {
    /// The HTTP status, for [`Error::Service`], [`Error::Decode`] and [`Error::TokenEndpoint`]
    /// (the token endpoint's), also as the last error of [`Error::RetriesExhausted`].
    pub fn status(&self) -> Option<StatusCode> {
        match self.last() {
            Error::Service(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            Error::ResponseTooLarge { status, .. } => StatusCode::from_u16(*status).ok(),
            Error::TokenEndpoint(e) => Some(e.status),
            _ => None,
        }
    }

    /// The service error, if this is one (also the last attempt's of
    /// [`Error::RetriesExhausted`]).
    pub fn as_service(&self) -> Option<&ServiceError> {
        match self.last() {
            Error::Service(e) => Some(&**e),
            _ => None,
        }
    }

    /// The error of the last attempt: `last` of [`Error::RetriesExhausted`], else `self`.
    pub fn last(&self) -> &Error {
        let mut e = self;
        while let Error::RetriesExhausted { last, .. } = e {
            e = last;
        }
        e
    }

    /// How many attempts were made, when the retry policy gave up
    /// ([`Error::RetriesExhausted`]); `None` for any other error.
    pub fn attempts(&self) -> Option<u32> {
        match self {
            Error::RetriesExhausted { attempts, .. } => Some(*attempts),
            _ => None,
        }
    }

    /// How long the service asked to wait before retrying (`Retry-After`), if it did.
    pub fn retry_after(&self) -> Option<Duration> {
        self.as_service().and_then(|e| e.retry_after)
    }

    /// `412 Precondition Failed`: the `If-Match` tag sent with an update, a delete or an action
    /// does not match the entity's current ETag (someone changed it since it was read). Read
    /// the entity again and retry with its new `@odata.etag`.
    pub fn is_precondition_failed(&self) -> bool {
        self.status() == Some(StatusCode::PRECONDITION_FAILED)
    }

    /// `428 Precondition Required`: the entity has an ETag and the service wants `If-Match`
    /// (send the entity as read, with its `@odata.etag`, or set [`if_match`](super::Request::if_match)).
    pub fn is_precondition_required(&self) -> bool {
        self.status() == Some(StatusCode::PRECONDITION_REQUIRED)
    }
}

/// What was wrong with a 2xx body that could not be read as the expected type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The JSON ends before it is complete: the body was cut short.
    Truncated,
    /// The body is not JSON at all (e.g. an HTML sign-in or proxy page), judged by its media
    /// type and its first byte.
    NotJson,
    /// The body starts as JSON but is malformed further on.
    Malformed,
    /// Well-formed JSON of another shape than the expected type (a missing or mistyped
    /// property, an invalid value).
    Unexpected,
}

/// A 2xx body that could not be read ([`Error::Decode`]).
#[derive(Debug)]
#[non_exhaustive]
pub struct DecodeError {
    /// HTTP status of the response.
    pub status: StatusCode,
    /// `Content-Type` of the response, when it had one.
    pub content_type: Option<String>,
    /// What was wrong.
    pub kind: DecodeErrorKind,
    /// The body's length in bytes.
    pub len: usize,
    /// The body as text, cut to [`MAX_ERROR_BODY`] bytes.
    pub body: String,
    /// The JSON reader's error.
    pub source: serde_json::Error,
}

impl DecodeError {
    /// Classifies the error `source` of reading `body` (with `status` and `headers`).
    pub fn new(status: StatusCode, headers: &HeaderMap, body: &[u8], source: serde_json::Error) -> Self {
        let content_type = header_text(headers, "content-type");
        let first = body.iter().copied().find(|b| !b.is_ascii_whitespace());
        // An empty body reads as JSON `null`.
        let json_start =
            first.is_none_or(|b| matches!(b, b'{' | b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n'));
        let json_type = content_type.as_deref().is_none_or(|t| t.to_ascii_lowercase().contains("json"));
        let kind = match source.classify() {
            _ if !json_start || !json_type => DecodeErrorKind::NotJson,
            serde_json::error::Category::Eof => DecodeErrorKind::Truncated,
            serde_json::error::Category::Syntax | serde_json::error::Category::Io => DecodeErrorKind::Malformed,
            serde_json::error::Category::Data => DecodeErrorKind::Unexpected,
        };
        DecodeError { status, content_type, kind, len: body.len(), body: body_text(body), source }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot decode the response (HTTP {}", self.status)?;
        if let Some(t) = &self.content_type {
            write!(f, ", {t}")?;
        }
        write!(f, ", {} bytes): ", self.len)?;
        match self.kind {
            DecodeErrorKind::Truncated => write!(f, "the JSON body is cut short: {}", self.source),
            DecodeErrorKind::NotJson => {
                let mut end = self.body.len().min(120);
                while !self.body.is_char_boundary(end) {
                    end -= 1;
                }
                write!(f, "the body is not JSON; it starts with {:?}", self.body.get(..end).unwrap_or_default())
            }
            DecodeErrorKind::Malformed => write!(f, "malformed JSON: {}", self.source),
            DecodeErrorKind::Unexpected => write!(f, "unexpected JSON: {}", self.source),
        }
    }
}

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

impl From<DecodeError> for Error {
    fn from(e: DecodeError) -> Self {
        Error::Decode(Box::new(e))
    }
}

impl From<ServiceError> for Error {
    fn from(e: ServiceError) -> Self {
        Error::Service(Box::new(e))
    }
}

/// A failure of the [`Transport`](super::Transport): no HTTP response was received.
///
/// Whether the request may have reached the service matters for retrying: an error marked
/// [`not sent`](Self::with_not_sent) (connection refused, DNS failure, connect timeout) is
/// retried by the [`RetryPolicy`](super::RetryPolicy) whatever the method; any other (a read
/// timeout, a connection reset after the request went out, ...) is not, since the service may
/// have acted on it. Errors are "maybe sent" unless the transport says otherwise.
#[derive(Debug)]
pub struct TransportError {
    message: String,
    timeout: Option<Timeout>,
    not_sent: bool,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl TransportError {
    /// An error described by `message` (maybe sent, not a timeout).
    pub fn new(message: impl Into<String>) -> Self {
        TransportError { message: message.into(), timeout: None, not_sent: false, source: None }
    }

    /// An error caused by `source`, described by its `Display`.
    pub fn from_source(source: impl std::error::Error + Send + Sync + 'static) -> Self {
        TransportError { message: source.to_string(), timeout: None, not_sent: false, source: Some(Box::new(source)) }
    }

    /// The same error, its description preceded by `context` (`context: description`).
    #[cfg(feature = "reqwest")]
    pub(crate) fn in_context(mut self, context: &str) -> Self {
        self.message = format!("{context}: {}", self.message);
        self
    }

    /// Marks the error as a timeout, of a limit the transport does not name
    /// ([`Timeout::Unknown`]); `false` unmarks it.
    pub fn with_timeout(mut self, timeout: bool) -> Self {
        self.timeout = timeout.then_some(Timeout::Unknown);
        self
    }

    /// Marks the error as a timeout of the limit `which`.
    pub fn with_timeout_of(mut self, which: Timeout) -> Self {
        self.timeout = Some(which);
        self
    }

    /// Whether the request timed out.
    pub fn is_timeout(&self) -> bool {
        self.timeout.is_some()
    }

    /// Which limit ran out, when the request timed out.
    pub fn timeout(&self) -> Option<Timeout> {
        self.timeout
    }

    /// Marks whether the request certainly did not reach the service (no connection was made:
    /// refused, DNS, connect timeout, ...), which makes it safe to send again.
    pub fn with_not_sent(mut self, not_sent: bool) -> Self {
        self.not_sent = not_sent;
        self
    }

    /// Whether the request certainly did not reach the service (see
    /// [`with_not_sent`](Self::with_not_sent)).
    pub fn is_not_sent(&self) -> bool {
        self.not_sent
    }

    /// The description.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(timeout) = self.timeout {
            write!(f, " ({timeout})")?;
        }
        if self.not_sent {
            f.write_str(" (not sent)")?;
        }
        Ok(())
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// A time limit of a transport that ran out ([`TransportError::timeout`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Timeout {
    /// Opening the connection (DNS, TCP, TLS) took longer than this.
    Connect(Duration),
    /// Nothing arrived for this long: the service stalled while sending headers or body.
    BetweenReads(Duration),
    /// The whole exchange, from sending to the end of the body, took longer than this.
    Whole(Duration),
    /// A limit the transport does not name.
    Unknown,
}

impl fmt::Display for Timeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Timeout::Connect(d) => write!(f, "timed out: no connection within {d:?}, the connect limit"),
            Timeout::BetweenReads(d) => write!(f, "timed out: nothing received for {d:?}, the limit between reads"),
            Timeout::Whole(d) => {
                write!(f, "timed out: the exchange took longer than {d:?}, the limit for a whole request")
            }
            Timeout::Unknown => f.write_str("timed out"),
        }
    }
}

/// A non-2xx response, with the OData error body (`{"error": {"code", "message", "innerError"}}`)
/// read when there is one. Non-JSON and empty bodies still give the status and the body text.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ServiceError {
    /// The HTTP status.
    pub status: StatusCode,
    /// `error.code`, e.g. `Request_ResourceNotFound`.
    pub code: Option<String>,
    /// `error.message`.
    pub message: Option<String>,
    /// `error.innerError` (or `error.innererror`), as sent.
    pub inner_error: Option<Value>,
    /// `Retry-After`, as a delay (a date in the past is zero), whatever the status.
    pub retry_after: Option<Duration>,
    /// The `request-id` response header, or else `error.innerError["request-id"]`.
    pub request_id: Option<String>,
    /// The body as text (invalid UTF-8 replaced), cut to [`MAX_ERROR_BODY`] bytes.
    pub body: String,
}

impl ServiceError {
    /// Reads a non-2xx response.
    pub fn from_response(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Self {
        Self::from_response_at(status, headers, body, SystemTime::now())
    }

    /// As [`from_response`](Self::from_response), with `now` as the time an HTTP-date
    /// `Retry-After` is measured from.
    pub fn from_response_at(status: StatusCode, headers: &HeaderMap, body: &[u8], now: SystemTime) -> Self {
        let mut e = ServiceError {
            status,
            code: None,
            message: None,
            inner_error: None,
            retry_after: retry_after(headers, now),
            request_id: header_text(headers, "request-id"),
            body: body_text(body),
        };
        if let Ok(Value::Object(mut root)) = serde_json::from_slice::<Value>(body) {
            if let Some(Value::Object(mut error)) = root.remove("error") {
                e.code = error.remove("code").and_then(text);
                e.message = error.remove("message").and_then(|m| match m {
                    // OData JSON v3 / some services: {"lang": "en-US", "value": "..."}
                    Value::Object(mut o) => o.remove("value").and_then(text),
                    other => text(other),
                });
                e.inner_error = error.remove("innerError").or_else(|| error.remove("innererror"));
            }
        }
        if e.request_id.is_none() {
            e.request_id = e.inner_error.as_ref().and_then(|i| i.get("request-id")).and_then(|v| text(v.clone()));
        }
        e
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        if let Some(code) = &self.code {
            write!(f, ": {code}")?;
        }
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        if self.code.is_none() && self.message.is_none() && !self.body.is_empty() {
            let mut end = self.body.len().min(200);
            while !self.body.is_char_boundary(end) {
                end -= 1;
            }
            write!(f, ": {}", self.body.get(..end).unwrap_or_default())?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request-id {id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ServiceError {}

/// An error response of the Microsoft identity platform token endpoint
/// (`{"error": "invalid_client", "error_description": "...", "error_codes": [...], ...}`).
///
/// Holds what the endpoint said, never what was sent (no client secret, no assertion).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TokenEndpointError {
    /// The HTTP status.
    pub status: StatusCode,
    /// `error`, e.g. `invalid_client`, `unauthorized_client`, `invalid_scope`.
    pub error: Option<String>,
    /// `error_description`.
    pub description: Option<String>,
    /// `error_codes` (AADSTS numbers).
    pub error_codes: Vec<i64>,
    /// `trace_id`.
    pub trace_id: Option<String>,
    /// `correlation_id`.
    pub correlation_id: Option<String>,
}

impl TokenEndpointError {
    /// Reads a token endpoint error response (any body: fields that are missing stay `None`).
    pub fn from_response(status: StatusCode, body: &[u8]) -> Self {
        let mut e = TokenEndpointError {
            status,
            error: None,
            description: None,
            error_codes: Vec::new(),
            trace_id: None,
            correlation_id: None,
        };
        if let Ok(Value::Object(mut root)) = serde_json::from_slice::<Value>(body) {
            e.error = root.remove("error").and_then(text);
            e.description = root.remove("error_description").and_then(text);
            e.trace_id = root.remove("trace_id").and_then(text);
            e.correlation_id = root.remove("correlation_id").and_then(text);
            if let Some(Value::Array(codes)) = root.remove("error_codes") {
                e.error_codes = codes.iter().filter_map(Value::as_i64).collect();
            }
        }
        e
    }
}

impl fmt::Display for TokenEndpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the token endpoint answered HTTP {}", self.status)?;
        if let Some(error) = &self.error {
            write!(f, ": {error}")?;
        }
        if let Some(description) = &self.description {
            write!(f, ": {description}")?;
        }
        Ok(())
    }
}

impl std::error::Error for TokenEndpointError {}

fn text(v: Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// `Retry-After` as a delay: delta-seconds, or an HTTP-date measured from `now` (zero if past).
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = header_text(headers, "retry-after")?;
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(&value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The body as text, invalid UTF-8 replaced, cut to [`MAX_ERROR_BODY`] bytes on a character
/// boundary (a `…` marks the cut).
pub(crate) fn body_text(body: &[u8]) -> String {
    let cut = body.len() > MAX_ERROR_BODY;
    let kept = body.get(..MAX_ERROR_BODY.min(body.len())).unwrap_or_default();
    let mut s = String::from_utf8_lossy(kept).into_owned();
    if cut {
        // A multi-byte character split by the cut shows as U+FFFD at the end: drop it.
        while s.ends_with('\u{FFFD}') {
            s.pop();
        }
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odata_error_bodies_are_read() {
        let body = br#"{"error":{"code":"BadRequest","message":"no","innererror":{"request-id":"r1","date":"d"}}}"#;
        let e = ServiceError::from_response(StatusCode::BAD_REQUEST, &HeaderMap::new(), body);
        assert_eq!(e.code.as_deref(), Some("BadRequest"));
        assert_eq!(e.message.as_deref(), Some("no"));
        assert_eq!(e.request_id.as_deref(), Some("r1"));
        assert_eq!(e.to_string(), "HTTP 400 Bad Request: BadRequest: no (request-id r1)");
        let e = ServiceError::from_response(StatusCode::INTERNAL_SERVER_ERROR, &HeaderMap::new(), b"oops");
        assert_eq!((e.code, e.body.as_str()), (None, "oops"));
        let v3 = br#"{"error":{"code":"x","message":{"lang":"en","value":"m"}}}"#;
        let e = ServiceError::from_response(StatusCode::BAD_REQUEST, &HeaderMap::new(), v3);
        assert_eq!(e.message.as_deref(), Some("m"));
    }

    #[test]
    fn long_bodies_are_cut_on_a_char_boundary() {
        let body = "é".repeat(MAX_ERROR_BODY);
        let s = body_text(body.as_bytes());
        assert!(s.len() <= MAX_ERROR_BODY + 3);
        assert!(s.ends_with("é…"));
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut h = HeaderMap::new();
        h.insert("retry-after", "7".parse().unwrap());
        assert_eq!(retry_after(&h, SystemTime::now()), Some(Duration::from_secs(7)));
        let now = httpdate::parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT").unwrap();
        h.insert("retry-after", "Wed, 21 Oct 2015 07:28:30 GMT".parse().unwrap());
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(30)));
        h.insert("retry-after", "Wed, 21 Oct 2015 07:27:00 GMT".parse().unwrap());
        assert_eq!(retry_after(&h, now), Some(Duration::ZERO));
        h.insert("retry-after", "soon".parse().unwrap());
        assert_eq!(retry_after(&h, now), None);
    }
}
