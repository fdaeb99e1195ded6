//! [`ReqwestTransport`]: the ready [`Transport`] (feature `reqwest`), over reqwest with rustls
//! and the ring crypto provider.

use std::sync::Arc;
use std::time::Duration;

use rustls_platform_verifier::BuilderVerifierExt;

use super::{BoxFuture, Transport, TransportError};

/// Sends requests with a [`reqwest::Client`] (HTTP/1.1 over rustls, the ring crypto provider and
/// the platform's certificate verifier).
///
/// Redirects are reqwest's default (up to 10; reqwest drops `Authorization` when a redirect goes
/// to another host). Clones share the connection pool.
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
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
    pub fn from_client(client: reqwest::Client) -> Self {
        ReqwestTransport { client }
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
    connect_timeout: Option<Duration>,
    pool_idle_timeout: Option<Duration>,
    user_agent: String,
}

impl Default for ReqwestTransportBuilder {
    fn default() -> Self {
        ReqwestTransportBuilder {
            timeout: Some(Duration::from_secs(120)),
            connect_timeout: Some(Duration::from_secs(30)),
            pool_idle_timeout: Some(Duration::from_secs(90)),
            user_agent: concat!("odata-runtime/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }
}

impl ReqwestTransportBuilder {
    /// Limit for a whole request, from sending to the end of the body (default 120 s; `None`: no
    /// limit).
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
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
        if let Some(t) = self.timeout {
            builder = builder.timeout(t);
        }
        if let Some(t) = self.connect_timeout {
            builder = builder.connect_timeout(t);
        }
        let client = builder.build().map_err(TransportError::from_source)?;
        Ok(ReqwestTransport { client })
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

/// A reqwest error as a [`TransportError`]: a connect error (refused, DNS, TLS handshake,
/// connect timeout: nothing of the request was written) is marked not sent, so it is retried.
fn transport_error(e: reqwest::Error) -> TransportError {
    let timeout = e.is_timeout();
    let not_sent = e.is_connect();
    TransportError::from_source(e).with_timeout(timeout).with_not_sent(not_sent)
}

impl Transport for ReqwestTransport {
    fn send(&self, request: http::Request<Vec<u8>>) -> BoxFuture<'_, Result<http::Response<Vec<u8>>, TransportError>> {
        Box::pin(async move {
            let request = reqwest::Request::try_from(request).map_err(transport_error)?;
            let response = self.client.execute(request).await.map_err(transport_error)?;
            let mut builder = http::Response::builder().status(response.status()).version(response.version());
            if let Some(headers) = builder.headers_mut() {
                *headers = response.headers().clone();
            }
            let body = response.bytes().await.map_err(transport_error)?;
            builder.body(body.to_vec()).map_err(TransportError::from_source)
        })
    }
}
