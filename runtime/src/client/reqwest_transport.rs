//! [`ReqwestTransport`]: the ready [`Transport`] (feature `reqwest`), over reqwest with rustls
//! and the ring crypto provider.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;
use rustls_platform_verifier::BuilderVerifierExt;
use tokio::time::{Instant, Sleep};

use super::body::{Body, ResponseBody, StreamedResponse};
use super::error::Timeout;
use super::{BoxFuture, Transport, TransportError};

/// Sends requests with a [`reqwest::Client`] (HTTP/1.1 over rustls, the ring crypto provider and
/// the platform's certificate verifier).
///
/// Bodies move as streams both ways ([`Transport::send_streaming`]): an upload is read while it
/// is sent, a [`Download`](super::Download) as it arrives. Answers compressed with gzip,
/// deflate or brotli are accepted (`Accept-Encoding`) and decompressed. Three time limits
/// apply, each named by the [`Timeout`] of its error: opening a connection, silence between
/// two reads (headers or body), and a whole exchange, which a streamed download escapes.
///
/// Redirects are reqwest's default (up to 10; reqwest drops `Authorization` when a redirect goes
/// to another host). Clones share the connection pool.
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
    /// The limit of a whole exchange, applied here (reqwest's own would also cut downloads).
    timeout: Option<Duration>,
    read_timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
}

impl ReqwestTransport {
    /// A transport with the default settings of [`ReqwestTransportBuilder`].
    pub fn new() -> Result<Self, TransportError> {
        Self::builder().build()
    }

    /// Starts configuring a transport (timeouts, user agent).
    pub fn builder() -> ReqwestTransportBuilder {
        ReqwestTransportBuilder::default()
    }

    /// A transport over a `reqwest::Client` configured by the caller (proxy, TLS, timeouts, ...).
    ///
    /// This crate enables reqwest's `rustls-no-provider` feature only (no aws-lc, no native
    /// TLS): a client built with `reqwest::Client::builder()` needs either a rustls crypto
    /// provider installed first (`rustls::crypto::ring::default_provider().install_default()`),
    /// a preconfigured TLS config, or another reqwest TLS feature enabled by the application.
    ///
    /// The client's own limits apply as it was configured; its timeout errors are
    /// [`Timeout::Unknown`].
    pub fn from_client(client: reqwest::Client) -> Self {
        ReqwestTransport { client, timeout: None, read_timeout: None, connect_timeout: None }
    }

    /// The underlying `reqwest::Client`.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }
}

/// Settings of a [`ReqwestTransport`]; see [`ReqwestTransport::builder`].
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct ReqwestTransportBuilder {
    timeout: Option<Duration>,
    read_timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    pool_idle_timeout: Option<Duration>,
    user_agent: String,
}

impl Default for ReqwestTransportBuilder {
    fn default() -> Self {
        ReqwestTransportBuilder {
            timeout: Some(Duration::from_secs(120)),
            read_timeout: Some(Duration::from_secs(60)),
            connect_timeout: Some(Duration::from_secs(30)),
            pool_idle_timeout: Some(Duration::from_secs(90)),
            user_agent: concat!("odata-runtime/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }
}

impl ReqwestTransportBuilder {
    /// Limit for a whole request, from sending to the end of the body (default 120 s; `None`: no
    /// limit). A response read as a [`Download`](super::Download) is not held to it, only to
    /// [`read_timeout`](Self::read_timeout).
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// Limit for silence: the longest wait for the next bytes of the response, headers or body
    /// (default 60 s; `None`: no limit). A stalled service ends the request with
    /// [`Timeout::BetweenReads`].
    pub fn read_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.read_timeout = timeout;
        self
    }

    /// Limit for opening a connection (default 30 s; `None`: no limit).
    pub fn connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long an idle pooled connection is kept (default 90 s; `None`: no limit).
    pub fn pool_idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.pool_idle_timeout = timeout;
        self
    }

    /// The `User-Agent` header (default `odata-runtime/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// The transport, or why the TLS or HTTP client could not be set up.
    pub fn build(self) -> Result<ReqwestTransport, TransportError> {
        let provider = Arc::new(ring_provider());
        let mut tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .and_then(|b| b.with_platform_verifier())
            .map_err(TransportError::from_source)?
            .with_no_client_auth();
        tls.alpn_protocols = vec![b"http/1.1".to_vec()];
        let mut builder = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .user_agent(self.user_agent)
            .pool_idle_timeout(self.pool_idle_timeout);
        if let Some(t) = self.read_timeout {
            builder = builder.read_timeout(t);
        }
        if let Some(t) = self.connect_timeout {
            builder = builder.connect_timeout(t);
        }
        let client = builder.build().map_err(TransportError::from_source)?;
        Ok(ReqwestTransport {
            client,
            timeout: self.timeout,
            read_timeout: self.read_timeout,
            connect_timeout: self.connect_timeout,
        })
    }
}

/// rustls's ring crypto provider.
///
/// rustls 0.23.48 deprecates `ring::default_provider` because ring has no post-quantum key
/// exchange. This crate keeps ring as its one provider so that it builds with Rust and a C
/// compiler alone; the deprecation changes nothing in what ring does. An application that wants
/// post-quantum key exchange builds its own `reqwest::Client` and passes it to
/// [`ReqwestTransport::from_client`].
#[allow(deprecated)] // `allow`, not `expect`: the deprecation is absent before rustls 0.23.48.
fn ring_provider() -> rustls::crypto::CryptoProvider {
    rustls::crypto::ring::default_provider()
}

impl ReqwestTransport {
    /// A reqwest error as a [`TransportError`]: a connect error (refused, DNS, TLS handshake,
    /// connect timeout: nothing of the request was written) is marked not sent, so it is
    /// retried; a timeout names its limit (the whole-exchange limit is checked apart, so a
    /// reqwest timeout after connecting is the limit between reads).
    fn error(&self, e: reqwest::Error) -> TransportError {
        let connect = e.is_connect();
        let timeout = e.is_timeout().then_some(match (connect, self.connect_timeout, self.read_timeout) {
            (true, Some(limit), _) => Timeout::Connect(limit),
            (false, _, Some(limit)) => Timeout::BetweenReads(limit),
            _ => Timeout::Unknown,
        });
        let body = e.is_body() || e.is_decode();
        let mut error = TransportError::from_source(e);
        if body {
            error = error.in_context("the response body broke off");
        }
        if let Some(timeout) = timeout {
            error = error.with_timeout_of(timeout);
        }
        error.with_not_sent(connect)
    }

    /// The time by which a whole exchange must end, unless the response is streamed.
    fn deadline<B>(&self, request: &http::Request<B>) -> Option<(Instant, Duration)> {
        let limit = self.timeout?;
        let streamed = request.extensions().get::<StreamedResponse>().is_some();
        (!streamed).then(|| (Instant::now() + limit, limit))
    }
}

impl Transport for ReqwestTransport {
    fn send(&self, request: http::Request<Vec<u8>>) -> BoxFuture<'_, Result<http::Response<Vec<u8>>, TransportError>> {
        Box::pin(async move {
            let response = self.send_streaming(request.map(Body::Bytes)).await?;
            let (parts, mut body) = response.into_parts();
            let mut bytes = Vec::new();
            while let Some(chunk) = body.next_chunk().await {
                bytes.extend_from_slice(&chunk?);
            }
            Ok(http::Response::from_parts(parts, bytes))
        })
    }

    fn send_streaming(
        &self,
        request: http::Request<Body>,
    ) -> BoxFuture<'_, Result<http::Response<ResponseBody>, TransportError>> {
        Box::pin(async move {
            let deadline = self.deadline(&request);
            let (mut parts, body) = request.into_parts();
            let body = match body {
                Body::Bytes(bytes) => reqwest::Body::from(bytes),
                Body::Stream { stream, length } => {
                    // A known length goes as `Content-Length`; else the body is sent chunked.
                    if let Some(n) = length {
                        parts.headers.entry(http::header::CONTENT_LENGTH).or_insert_with(|| n.into());
                    }
                    reqwest::Body::wrap_stream(stream)
                }
            };
            let request = reqwest::Request::try_from(http::Request::from_parts(parts, body))
                .map_err(|e| TransportError::from_source(e).with_not_sent(true))?;
            let pending = self.client.execute(request);
            let response = match deadline {
                None => pending.await,
                Some((at, limit)) => match tokio::time::timeout_at(at, pending).await {
                    Ok(response) => response,
                    Err(_) => {
                        return Err(TransportError::new("no response").with_timeout_of(Timeout::Whole(limit)));
                    }
                },
            }
            .map_err(|e| self.error(e))?;
            let mut builder = http::Response::builder().status(response.status()).version(response.version());
            if let Some(headers) = builder.headers_mut() {
                *headers = response.headers().clone();
            }
            let chunks = Chunks {
                transport: self.clone(),
                response: Some(response),
                pending: None,
                deadline: deadline.map(|(at, limit)| (Box::pin(tokio::time::sleep_until(at)), limit)),
            };
            builder.body(ResponseBody::from_stream(chunks)).map_err(TransportError::from_source)
        })
    }
}

/// A reqwest response's body as a stream of chunks, ended by the whole-exchange deadline when
/// there is one.
struct Chunks {
    transport: ReqwestTransport,
    /// The response while chunks remain (taken while a read is pending, dropped at the end).
    response: Option<reqwest::Response>,
    /// The read in progress, which owns the response until it completes.
    pending: Option<BoxFuture<'static, (reqwest::Response, reqwest::Result<Option<Bytes>>)>>,
    deadline: Option<(Pin<Box<Sleep>>, Duration)>,
}

impl Stream for Chunks {
    type Item = Result<Bytes, TransportError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if let Some((sleep, limit)) = &mut this.deadline {
            if sleep.as_mut().poll(cx).is_ready() {
                let limit = *limit;
                this.response = None;
                this.pending = None;
                this.deadline = None;
                return Poll::Ready(Some(Err(
                    TransportError::new("the response body was not complete").with_timeout_of(Timeout::Whole(limit))
                )));
            }
        }
        if this.pending.is_none() {
            let Some(mut response) = this.response.take() else { return Poll::Ready(None) };
            this.pending = Some(Box::pin(async move {
                let chunk = response.chunk().await;
                (response, chunk)
            }));
        }
        let Some(pending) = &mut this.pending else { return Poll::Ready(None) };
        let (response, chunk) = std::task::ready!(pending.as_mut().poll(cx));
        this.pending = None;
        Poll::Ready(match chunk {
            Ok(Some(chunk)) => {
                this.response = Some(response);
                Some(Ok(chunk))
            }
            Ok(None) => {
                this.deadline = None;
                None
            }
            Err(e) => Some(Err(this.transport.error(e))),
        })
    }
}
