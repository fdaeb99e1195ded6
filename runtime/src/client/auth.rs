//! App-only sign-in (feature `auth`): [`ClientCredentials`], the OAuth 2.0 client credentials
//! grant of the Microsoft identity platform, with a client secret or a certificate.
//!
//! The token is requested from `{authority}/{tenant}/oauth2/v2.0/token` of the [`Cloud`]
//! (scope `{graph_base}/.default`), through the transport and retry policy of the
//! [`Client`](super::Client) that asks for it, without the client's bearer token. It is
//! cached and requested anew [`refresh_margin`](ClientCredentialsBuilder::refresh_margin)
//! before it expires; however many requests need a token at once, one token request is in
//! flight. Secrets show in no `Debug` output and no error.
//!
//! ```
//! use odata_runtime::client::auth::ClientCredentials;
//! use odata_runtime::client::{ApiVersion, Client, Cloud};
//!
//! let credentials = ClientCredentials::builder("contoso.onmicrosoft.com", "00000000-0000-0000-0000-000000000001")
//!     .secret("not-a-real-secret");
//! let builder = Client::app_only(&Cloud::Global, ApiVersion::V1, credentials);
//! assert!(!format!("{builder:?}").contains("not-a-real-secret"));
//! ```

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use futures_util::lock::Mutex as AsyncMutex;
use http::header::{ACCEPT, CONTENT_TYPE};
use http::{HeaderValue, Method};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{RsaKeyPair, RSA_PKCS1_SHA256};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use serde_json::{json, Value};

use super::{BoxFuture, Cloud, Error, TokenContext, TokenEndpointError, TokenProvider};

/// What `application/x-www-form-urlencoded` leaves as it is.
const FORM: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'*');

/// How long a client assertion is valid.
const ASSERTION_LIFETIME: Duration = Duration::from_secs(600);

/// A secret string: shown as `<redacted>` by `Debug`, never written into an error.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps `value`.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself; keep it out of logs.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

/// A certificate registered for the application and its RSA private key: signs the client
/// assertion (a JWT, RS256) that proves the application's identity instead of a secret.
///
/// `Debug` shows the thumbprints, never the key.
#[derive(Clone)]
pub struct Certificate {
    key: Arc<RsaKeyPair>,
    x5t: String,
    x5t_s256: String,
}

impl fmt::Debug for Certificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Certificate")
            .field("x5t", &self.x5t)
            .field("x5t#S256", &self.x5t_s256)
            .field("key", &"<redacted>")
            .finish()
    }
}

impl Certificate {
    /// The certificate from the first `CERTIFICATE` section of `cert_pem` and the key from the
    /// first private key section of `key_pem` (`PRIVATE KEY`, PKCS#8, or `RSA PRIVATE KEY`,
    /// PKCS#1; unencrypted). One PEM file holding both can be given twice.
    pub fn from_pem(cert_pem: &[u8], key_pem: &[u8]) -> Result<Certificate, Error> {
        let cert = CertificateDer::from_pem_slice(cert_pem)
            .map_err(|e| Error::Credentials(format!("cannot read the certificate PEM: {e}")))?;
        let key = PrivateKeyDer::from_pem_slice(key_pem)
            .map_err(|_| Error::Credentials("cannot read the private key PEM".to_owned()))?;
        let key = match &key {
            PrivateKeyDer::Pkcs8(k) => RsaKeyPair::from_pkcs8(k.secret_pkcs8_der()),
            PrivateKeyDer::Pkcs1(k) => RsaKeyPair::from_der(k.secret_pkcs1_der()),
            _ => return Err(Error::Credentials("the private key is not an RSA key".to_owned())),
        }
        .map_err(|e| Error::Credentials(format!("the private key is not usable: {e}")))?;
        Ok(Certificate::new(cert.as_ref(), key))
    }

    /// The certificate in DER and its RSA private key in DER (PKCS#8, or else PKCS#1).
    pub fn from_der(cert_der: &[u8], key_der: &[u8]) -> Result<Certificate, Error> {
        let key = RsaKeyPair::from_pkcs8(key_der)
            .or_else(|_| RsaKeyPair::from_der(key_der))
            .map_err(|e| Error::Credentials(format!("the private key is not usable: {e}")))?;
        Ok(Certificate::new(cert_der, key))
    }

    fn new(cert_der: &[u8], key: RsaKeyPair) -> Certificate {
        let sha1 = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, cert_der);
        let sha256 = ring::digest::digest(&ring::digest::SHA256, cert_der);
        Certificate {
            key: Arc::new(key),
            x5t: URL_SAFE_NO_PAD.encode(sha1.as_ref()),
            x5t_s256: URL_SAFE_NO_PAD.encode(sha256.as_ref()),
        }
    }

    /// `x5t`: the base64url SHA-1 thumbprint of the DER certificate, which the identity
    /// platform matches against the registered certificates.
    pub fn x5t(&self) -> &str {
        &self.x5t
    }

    /// `x5t#S256`: the base64url SHA-256 thumbprint of the DER certificate.
    pub fn x5t_s256(&self) -> &str {
        &self.x5t_s256
    }

    /// A signed client assertion: a JWT with header `{"alg": "RS256", "typ": "JWT", "x5t",
    /// "x5t#S256"}` and claims `aud` = `audience` (the token endpoint), `iss` = `sub` =
    /// `client_id`, a random `jti`, `iat` = `nbf` = `now`, `exp` = `now` + 10 minutes.
    pub fn client_assertion(&self, client_id: &str, audience: &str, now: SystemTime) -> Result<String, Error> {
        let rng = SystemRandom::new();
        let mut jti = [0u8; 16];
        rng.fill(&mut jti).map_err(|_| Error::Credentials("no random numbers for the assertion".to_owned()))?;
        let jti: String = jti.iter().map(|b| format!("{b:02x}")).collect();
        let iat = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let header = json!({"alg": "RS256", "typ": "JWT", "x5t": self.x5t, "x5t#S256": self.x5t_s256});
        let claims = json!({
            "aud": audience,
            "iss": client_id,
            "sub": client_id,
            "jti": jti,
            "iat": iat,
            "nbf": iat,
            "exp": iat.saturating_add(ASSERTION_LIFETIME.as_secs()),
        });
        let mut jwt =
            format!("{}.{}", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(claims.to_string()));
        let mut signature = vec![0u8; self.key.public().modulus_len()];
        self.key
            .sign(&RSA_PKCS1_SHA256, &rng, jwt.as_bytes(), &mut signature)
            .map_err(|_| Error::Credentials("cannot sign the client assertion".to_owned()))?;
        jwt.push('.');
        jwt.push_str(&URL_SAFE_NO_PAD.encode(&signature));
        Ok(jwt)
    }
}

/// How the application proves its identity.
#[derive(Clone, Debug)]
enum Proof {
    Secret(Secret),
    Certificate(Certificate),
}

/// Configures [`ClientCredentials`]; see [`ClientCredentials::builder`].
#[derive(Clone, Debug)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct ClientCredentialsBuilder {
    tenant: String,
    client_id: String,
    proof: Option<Proof>,
    cloud: Cloud,
    scope: Option<String>,
    token_endpoint: Option<String>,
    refresh_margin: Duration,
}

impl ClientCredentialsBuilder {
    /// Signs in with a client secret.
    pub fn secret(mut self, secret: impl Into<Secret>) -> Self {
        self.proof = Some(Proof::Secret(secret.into()));
        self
    }

    /// Signs in with a certificate (a signed client assertion).
    pub fn certificate(mut self, certificate: Certificate) -> Self {
        self.proof = Some(Proof::Certificate(certificate));
        self
    }

    /// The national cloud: its authority issues the token, for its Microsoft Graph (default
    /// [`Cloud::Global`]).
    pub fn cloud(mut self, cloud: Cloud) -> Self {
        self.cloud = cloud;
        self
    }

    /// The scope asked for, instead of the cloud's `{graph_base}/.default`.
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    /// The token endpoint URL, instead of the cloud's `{authority}/{tenant}/oauth2/v2.0/token`.
    pub fn token_endpoint(mut self, url: impl Into<String>) -> Self {
        self.token_endpoint = Some(url.into());
        self
    }

    /// How long before it expires a token is replaced (default 5 minutes; a token that lives
    /// less than twice this is replaced after half its lifetime).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = margin;
        self
    }

    /// The credentials, or [`Error::Credentials`] without a secret or certificate, or with an
    /// empty tenant or client id.
    pub fn build(self) -> Result<ClientCredentials, Error> {
        let proof = self
            .proof
            .ok_or_else(|| Error::Credentials("client credentials need a secret or a certificate".to_owned()))?;
        if self.tenant.trim().is_empty() || self.client_id.trim().is_empty() {
            return Err(Error::Credentials("client credentials need a tenant and a client id".to_owned()));
        }
        let token_endpoint = self.token_endpoint.unwrap_or_else(|| self.cloud.token_endpoint(&self.tenant));
        let scope = self.scope.unwrap_or_else(|| self.cloud.default_scope());
        Ok(ClientCredentials {
            inner: Arc::new(Inner {
                tenant: self.tenant,
                client_id: self.client_id,
                proof,
                token_endpoint,
                scope,
                refresh_margin: self.refresh_margin,
                cached: Mutex::new(None),
                refresh: AsyncMutex::new(Refresh::default()),
                generation: AtomicU64::new(0),
            }),
        })
    }
}

/// A token and when it is replaced.
struct Cached {
    token: Secret,
    refresh_at: SystemTime,
    expires_at: SystemTime,
}

/// The state of the single token request in flight: how many have finished and how the last
/// one failed, for those who waited for it.
#[derive(Default)]
struct Refresh {
    generation: u64,
    failure: Option<Failure>,
}

/// A failure shared with the requests that waited for it.
#[derive(Clone)]
enum Failure {
    Endpoint(Box<TokenEndpointError>),
    Other(String),
}

impl Failure {
    fn of(e: &Error) -> Failure {
        match e {
            Error::TokenEndpoint(t) => Failure::Endpoint(t.clone()),
            other => Failure::Other(other.to_string()),
        }
    }

    fn to_error(&self) -> Error {
        match self {
            Failure::Endpoint(t) => Error::TokenEndpoint(t.clone()),
            Failure::Other(m) => Error::Credentials(m.clone()),
        }
    }
}

struct Inner {
    tenant: String,
    client_id: String,
    proof: Proof,
    token_endpoint: String,
    scope: String,
    refresh_margin: Duration,
    cached: Mutex<Option<Cached>>,
    refresh: AsyncMutex<Refresh>,
    /// `Refresh::generation`, readable without waiting for the lock.
    generation: AtomicU64,
}

/// App-only credentials (OAuth 2.0 client credentials grant) as a [`TokenProvider`]: give them
/// to [`ClientBuilder::token_provider`](super::ClientBuilder::token_provider) or use
/// [`Client::app_only`](super::Client::app_only). See the [module docs](self).
///
/// Cheap to clone; clones share the cached token.
#[derive(Clone)]
pub struct ClientCredentials {
    inner: Arc<Inner>,
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("ClientCredentials")
            .field("tenant", &i.tenant)
            .field("client_id", &i.client_id)
            .field("proof", &i.proof)
            .field("token_endpoint", &i.token_endpoint)
            .field("scope", &i.scope)
            .field("refresh_margin", &i.refresh_margin)
            .finish_non_exhaustive()
    }
}

impl ClientCredentials {
    /// Starts configuring credentials of the application `client_id` (its application id) in
    /// `tenant` (a tenant id or a verified domain); add a
    /// [`secret`](ClientCredentialsBuilder::secret) or a
    /// [`certificate`](ClientCredentialsBuilder::certificate).
    pub fn builder(tenant: impl Into<String>, client_id: impl Into<String>) -> ClientCredentialsBuilder {
        ClientCredentialsBuilder {
            tenant: tenant.into(),
            client_id: client_id.into(),
            proof: None,
            cloud: Cloud::Global,
            scope: None,
            token_endpoint: None,
            refresh_margin: Duration::from_secs(300),
        }
    }

    /// The token endpoint requests go to.
    pub fn token_endpoint(&self) -> &str {
        &self.inner.token_endpoint
    }

    /// The scope asked for.
    pub fn scope(&self) -> &str {
        &self.inner.scope
    }

    /// Forgets the cached token, so the next request asks for a new one.
    pub fn clear_cache(&self) {
        *self.inner.cached.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }

    /// The cached token, if it is not due for replacement at `now`.
    fn fresh(&self, now: SystemTime) -> Option<String> {
        let cached = self.inner.cached.lock().unwrap_or_else(PoisonError::into_inner);
        cached.as_ref().filter(|c| now < c.refresh_at).map(|c| c.token.expose().to_owned())
    }

    /// The cached token, if it has not expired at `now` (used when a replacement failed).
    fn unexpired(&self, now: SystemTime) -> Option<String> {
        let cached = self.inner.cached.lock().unwrap_or_else(PoisonError::into_inner);
        cached.as_ref().filter(|c| now < c.expires_at).map(|c| c.token.expose().to_owned())
    }

    async fn token_in(&self, context: TokenContext<'_>) -> Result<String, Error> {
        if let Some(token) = self.fresh(context.now()) {
            return Ok(token);
        }
        let seen = self.inner.generation.load(Ordering::Acquire);
        let mut refresh = self.inner.refresh.lock().await;
        let now = context.now();
        if let Some(token) = self.fresh(now) {
            return Ok(token);
        }
        if refresh.generation != seen {
            // A token request finished while this one waited; it failed (else the token would
            // be fresh): share its error rather than asking again at once.
            if let Some(failure) = &refresh.failure {
                return Err(failure.to_error());
            }
        }
        let result = self.request_token(context, now).await;
        refresh.generation = refresh.generation.wrapping_add(1);
        self.inner.generation.store(refresh.generation, Ordering::Release);
        match result {
            Ok((token, lifetime)) => {
                refresh.failure = None;
                let margin = if lifetime < self.inner.refresh_margin.saturating_mul(2) {
                    lifetime / 2
                } else {
                    self.inner.refresh_margin
                };
                let expires_at = now.checked_add(lifetime).unwrap_or(now);
                let refresh_at = expires_at.checked_sub(margin).unwrap_or(now);
                *self.inner.cached.lock().unwrap_or_else(PoisonError::into_inner) =
                    Some(Cached { token: Secret(token.clone()), refresh_at, expires_at });
                Ok(token)
            }
            Err(e) => {
                refresh.failure = Some(Failure::of(&e));
                match self.unexpired(now) {
                    Some(token) => Ok(token),
                    None => Err(e),
                }
            }
        }
    }

    /// One token request: the access token and its lifetime.
    async fn request_token(&self, context: TokenContext<'_>, now: SystemTime) -> Result<(String, Duration), Error> {
        let i = &self.inner;
        let assertion;
        let mut form: Vec<(&str, &str)> =
            vec![("grant_type", "client_credentials"), ("client_id", &i.client_id), ("scope", &i.scope)];
        match &i.proof {
            Proof::Secret(secret) => form.push(("client_secret", secret.expose())),
            Proof::Certificate(cert) => {
                assertion = cert.client_assertion(&i.client_id, &i.token_endpoint, now)?;
                form.push(("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"));
                form.push(("client_assertion", &assertion));
            }
        }
        let mut body = String::new();
        for (n, (name, value)) in form.iter().enumerate() {
            if n > 0 {
                body.push('&');
            }
            body.extend(utf8_percent_encode(name, FORM));
            body.push('=');
            body.extend(utf8_percent_encode(value, FORM));
        }
        let mut request = http::Request::builder()
            .method(Method::POST)
            .uri(i.token_endpoint.as_str())
            .body(body.into_bytes())
            .map_err(|e| Error::InvalidUrl(format!("token endpoint {:?}: {e}", i.token_endpoint)))?;
        let headers = request.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/x-www-form-urlencoded"));
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let response = context.send(request).await?;
        let status = response.status();
        if !status.is_success() {
            return Err(Error::TokenEndpoint(Box::new(TokenEndpointError::from_response(status, response.body()))));
        }
        let answer: Value = serde_json::from_slice(response.body())
            .map_err(|e| Error::Credentials(format!("the token endpoint's answer is not JSON (HTTP {status}): {e}")))?;
        let token = answer
            .get("access_token")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| Error::Credentials("the token endpoint's answer has no access_token".to_owned()))?;
        // expires_in is a number; some endpoints have sent it as a string.
        let lifetime = match answer.get("expires_in") {
            Some(Value::Number(n)) => n.as_u64(),
            Some(Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        }
        .ok_or_else(|| Error::Credentials("the token endpoint's answer has no expires_in".to_owned()))?;
        // At most a day: a larger value is taken as a mistake, not as a token to keep for ever.
        Ok((token.to_owned(), Duration::from_secs(lifetime.min(24 * 3600))))
    }
}

impl TokenProvider for ClientCredentials {
    /// Without a client there is no transport to reach the token endpoint: this gives the
    /// cached token while it is fresh, else [`Error::Credentials`]. The client calls
    /// [`token_with`](TokenProvider::token_with).
    fn token(&self) -> BoxFuture<'_, Result<String, Error>> {
        let token = self.fresh(SystemTime::now()).ok_or_else(|| {
            Error::Credentials("client credentials get tokens through a client (no cached token)".to_owned())
        });
        Box::pin(async move { token })
    }

    fn token_with<'a>(&'a self, context: TokenContext<'a>) -> BoxFuture<'a, Result<String, Error>> {
        Box::pin(self.token_in(context))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted_and_forms_encoded() {
        let b = ClientCredentials::builder("t", "c").secret("p@ss w0rd&=");
        let shown = format!("{b:?} {:?}", b.clone().build().unwrap());
        assert!(!shown.contains("p@ss"), "{shown}");
        assert!(shown.contains("<redacted>"));
        let encoded: String = utf8_percent_encode("a b&c=d+é/~", FORM).collect();
        assert_eq!(encoded, "a%20b%26c%3Dd%2B%C3%A9%2F%7E");
    }

    #[test]
    fn missing_parts_are_errors() {
        assert!(matches!(ClientCredentials::builder("t", "c").build(), Err(Error::Credentials(_))));
        assert!(matches!(ClientCredentials::builder(" ", "c").secret("s").build(), Err(Error::Credentials(_))));
        let c = ClientCredentials::builder("t", "c").secret("s").cloud(Cloud::China).build().unwrap();
        assert_eq!(c.token_endpoint(), "https://login.chinacloudapi.cn/t/oauth2/v2.0/token");
        assert_eq!(c.scope(), "https://microsoftgraph.chinacloudapi.cn/.default");
        assert!(matches!(Certificate::from_pem(b"x", b"y"), Err(Error::Credentials(_))));
    }
}
