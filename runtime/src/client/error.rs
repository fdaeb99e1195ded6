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
    /// A 2xx response whose body is not what the request expects.
    #[error("cannot decode the response (HTTP {status}): {message}")]
    Decode {
        /// HTTP status of the response.
        status: u16,
        /// What the JSON reader said.
        message: String,
        /// The body, cut to [`MAX_ERROR_BODY`] bytes.
        body: String,
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
}

impl Error {
    /// The HTTP status, for [`Error::Service`] and [`Error::Decode`].
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Service(e) => Some(e.status),
            Error::Decode { status, .. } => StatusCode::from_u16(*status).ok(),
            _ => None,
        }
    }

    /// The service error, if this is one.
    pub fn as_service(&self) -> Option<&ServiceError> {
        match self {
            Error::Service(e) => Some(&**e),
            _ => None,
        }
    }

    /// How long the service asked to wait before retrying (`Retry-After`), if it did.
    pub fn retry_after(&self) -> Option<Duration> {
        self.as_service().and_then(|e| e.retry_after)
    }
}

impl From<ServiceError> for Error {
    fn from(e: ServiceError) -> Self {
        Error::Service(Box::new(e))
    }
}

/// A failure of the [`Transport`](super::Transport): no HTTP response was received.
#[derive(Debug)]
pub struct TransportError {
    message: String,
    timeout: bool,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl TransportError {
    /// An error described by `message`.
    pub fn new(message: impl Into<String>) -> Self {
        TransportError { message: message.into(), timeout: false, source: None }
    }

    /// An error caused by `source`, described by its `Display`.
    pub fn from_source(source: impl std::error::Error + Send + Sync + 'static) -> Self {
        TransportError { message: source.to_string(), timeout: false, source: Some(Box::new(source)) }
    }

    /// Marks the error as a timeout.
    pub fn with_timeout(mut self, timeout: bool) -> Self {
        self.timeout = timeout;
        self
    }

    /// Whether the request timed out.
    pub fn is_timeout(&self) -> bool {
        self.timeout
    }

    /// The description.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if self.timeout {
            f.write_str(" (timed out)")?;
        }
        Ok(())
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as &(dyn std::error::Error + 'static))
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
