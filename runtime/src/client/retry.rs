//! Retries: the [`RetryPolicy`] every request of a [`Client`](super::Client) follows, and the
//! pluggable [`Sleep`] and [`Clock`] it waits and measures with.
//!
//! What is sent again depends on whether sending twice is harmless:
//!
//! - An idempotent request (`GET`, `HEAD`, `PUT`, `DELETE`, `OPTIONS`, a `$batch` of only
//!   such requests) is sent again when the answer is `429 Too Many Requests`, `503 Service
//!   Unavailable` or `504 Gateway Timeout` (the statuses can be changed), or when the transport
//!   failed before anything was sent ([`TransportError::is_not_sent`](super::TransportError::is_not_sent)).
//! - Any other request (`POST`, `PATCH`, an action, a `$batch` holding one) is sent again only
//!   when the service said it did not process it: `429`, or `503` with `Retry-After`; or when
//!   nothing was sent. A `500`, `502`, `504` or a connection lost after sending is returned to
//!   the caller: the service may have done the write. A caller who knows a request is safe to
//!   repeat says so per request ([`Request::idempotent`](super::Request::idempotent)) or per
//!   policy ([`RetryPolicy::with_non_idempotent_retries`]).
//! - A request whose body is a stream is sent once: the stream cannot be read twice.
//!
//! The wait is what
//! `Retry-After` says (seconds or an HTTP-date) or, without it, an exponential backoff with full
//! jitter. The policy stops at its maximum number of attempts or when the next wait would not
//! fit in its maximum total delay, and returns [`Error::RetriesExhausted`] with the last error.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use http::StatusCode;

use std::sync::Arc;

use http::{HeaderMap, Method};

use super::body::{Body, ResponseBody};
use super::error::MAX_ERROR_BODY;
use super::{BoxFuture, Error, ServiceError};

/// Waits for a while without blocking a thread: how the client sleeps between attempts.
///
/// With the cargo feature `tokio` (part of `reqwest`) [`TokioSleep`] is the default; without
/// it a client has no way to wait and does not retry unless one is set with
/// [`ClientBuilder::sleep`](super::ClientBuilder::sleep). A closure
/// `Fn(Duration) -> BoxFuture<'static, ()>` is a `Sleep`.
pub trait Sleep: Send + Sync {
    /// A future that completes after `duration`.
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()>;

    /// Whether [`sleep`](Self::sleep) can be called here and now (default `true`); when it
    /// cannot, the request is sent once rather than retried without waiting.
    fn is_available(&self) -> bool {
        true
    }
}

impl<F> Sleep for F
where
    F: Fn(Duration) -> BoxFuture<'static, ()> + Send + Sync,
{
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        self(duration)
    }
}

/// [`Sleep`] with `tokio::time::sleep` (feature `tokio`), which follows tokio's paused clock in
/// tests. Outside a tokio runtime it is not [available](Sleep::is_available), so requests are
/// not retried; inside one, the runtime needs its time driver (as reqwest's timeouts do).
#[cfg(feature = "tokio")]
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioSleep;

#[cfg(feature = "tokio")]
impl Sleep for TokioSleep {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }

    fn is_available(&self) -> bool {
        tokio::runtime::Handle::try_current().is_ok()
    }
}

/// The wall clock the client reads: what an HTTP-date `Retry-After` is measured from, and when
/// tokens expire. [`SystemClock`] unless set with
/// [`ClientBuilder::clock`](super::ClientBuilder::clock) (tests make time controllable this
/// way). A closure `Fn() -> SystemTime` is a `Clock`.
pub trait Clock: Send + Sync {
    /// The current time.
    fn now(&self) -> SystemTime;
}

impl<F> Clock for F
where
    F: Fn() -> SystemTime + Send + Sync,
{
    fn now(&self) -> SystemTime {
        self()
    }
}

/// [`Clock`] reading [`SystemTime::now`].
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// When and how often a request is sent again; see the [module docs](self).
///
/// The default ([`RetryPolicy::new`]): at most 4 attempts, backoff starting at 1 s and doubling
/// up to 30 s per wait, at most 120 s of waiting in all, statuses 429, 503 and 504.
/// [`RetryPolicy::none`] sends each request once.
///
/// Set for every request of a client with
/// [`ClientBuilder::retry_policy`](super::ClientBuilder::retry_policy), for one request with
/// [`Request::retry_policy`](super::Request::retry_policy) or
/// [`Request::no_retry`](super::Request::no_retry). Paging applies it to each page's request
/// on its own: a failed page is fetched again, the pages before it are not.
///
/// ```
/// use std::time::Duration;
/// use odata_runtime::client::RetryPolicy;
///
/// let policy = RetryPolicy::new().with_max_attempts(6).with_max_total_delay(Duration::from_secs(300));
/// assert_eq!(policy.max_attempts(), 6);
/// assert!(!RetryPolicy::none().is_enabled());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
    max_total_delay: Duration,
    statuses: Vec<StatusCode>,
    non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy::new()
    }
}

impl RetryPolicy {
    /// The default policy (see the type's docs).
    pub fn new() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(30),
            max_total_delay: Duration::from_secs(120),
            statuses: vec![StatusCode::TOO_MANY_REQUESTS, StatusCode::SERVICE_UNAVAILABLE, StatusCode::GATEWAY_TIMEOUT],
            non_idempotent: false,
        }
    }

    /// No retries: every request is sent once and its error returned as it is.
    pub fn none() -> Self {
        RetryPolicy { max_attempts: 1, ..RetryPolicy::new() }
    }

    /// At most `n` attempts in all (the first one included); `0` counts as `1`, i.e. no retry.
    #[must_use]
    pub fn with_max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    /// The backoff before the first retry when the service gave no `Retry-After`; it doubles
    /// for each further retry (capped by [`with_max_delay`](Self::with_max_delay)), and the
    /// actual wait is drawn uniformly between zero and it (full jitter).
    #[must_use]
    pub fn with_base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The longest backoff of one wait (a `Retry-After` is not capped by it, only by
    /// [`with_max_total_delay`](Self::with_max_total_delay)).
    #[must_use]
    pub fn with_max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The most time spent waiting between the attempts of one request, all waits added. A
    /// `Retry-After` longer than what is left ends the retries with
    /// [`Error::RetriesExhausted`]; a backoff is shortened to what is left.
    #[must_use]
    pub fn with_max_total_delay(mut self, delay: Duration) -> Self {
        self.max_total_delay = delay;
        self
    }

    /// The response statuses that are retried (default 429, 503, 504), replacing the set.
    #[must_use]
    pub fn with_statuses(mut self, statuses: impl IntoIterator<Item = StatusCode>) -> Self {
        self.statuses = statuses.into_iter().collect();
        self
    }

    /// Whether requests that are not idempotent (`POST`, `PATCH`, actions) are retried like
    /// idempotent ones, on every retryable status (default `false`: only on `429`, on `503`
    /// with `Retry-After` and when nothing was sent; see the [module docs](self)). Turn it on
    /// only for a service whose writes are safe to repeat.
    #[must_use]
    pub fn with_non_idempotent_retries(mut self, yes: bool) -> Self {
        self.non_idempotent = yes;
        self
    }

    /// Whether non-idempotent requests are retried like idempotent ones.
    pub fn retries_non_idempotent(&self) -> bool {
        self.non_idempotent
    }

    /// The maximum number of attempts, at least 1.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The first backoff (see [`with_base_delay`](Self::with_base_delay)).
    pub fn base_delay(&self) -> Duration {
        self.base_delay
    }

    /// The longest backoff of one wait.
    pub fn max_delay(&self) -> Duration {
        self.max_delay
    }

    /// The most time spent waiting between the attempts of one request.
    pub fn max_total_delay(&self) -> Duration {
        self.max_total_delay
    }

    /// The retried response statuses.
    pub fn statuses(&self) -> &[StatusCode] {
        &self.statuses
    }

    /// Whether a request may be sent more than once.
    pub fn is_enabled(&self) -> bool {
        self.max_attempts > 1
    }

    /// Whether a response with `status` is retried, for an idempotent request.
    pub fn retries_status(&self, status: StatusCode) -> bool {
        self.statuses.contains(&status)
    }

    /// Whether an answer with `status` and `headers` is retried, for a request that is
    /// `idempotent` or not (see the [module docs](self)).
    pub fn retries_response(&self, status: StatusCode, headers: &HeaderMap, idempotent: bool) -> bool {
        if !self.retries_status(status) {
            return false;
        }
        idempotent
            || self.non_idempotent
            || status == StatusCode::TOO_MANY_REQUESTS
            || (status == StatusCode::SERVICE_UNAVAILABLE && headers.contains_key(http::header::RETRY_AFTER))
    }

    /// The upper bound of the backoff before retry number `retry` (1 for the first retry):
    /// `base_delay * 2^(retry - 1)`, at most `max_delay`. The wait is drawn uniformly in
    /// `0..=backoff_cap(retry)`.
    pub fn backoff_cap(&self, retry: u32) -> Duration {
        let doubling = retry.saturating_sub(1).min(31);
        self.base_delay.saturating_mul(1u32 << doubling).min(self.max_delay)
    }

    /// Retry number `retry`'s backoff: uniform in `0..=cap`, `cap` the smaller of
    /// [`backoff_cap`](Self::backoff_cap) and `left`, in whole milliseconds (the resolution of
    /// async timers; a sub-millisecond cap is drawn in nanoseconds).
    pub(crate) fn backoff(&self, retry: u32, left: Duration) -> Duration {
        let cap = self.backoff_cap(retry).min(left);
        let millis = u64::try_from(cap.as_millis()).unwrap_or(u64::MAX);
        if millis > 0 {
            return Duration::from_millis(random_u64() % millis.saturating_add(1));
        }
        let nanos = u64::from(cap.subsec_nanos());
        Duration::from_nanos(random_u64() % nanos.saturating_add(1))
    }
}

/// Whether sending `method` twice has the effect of sending it once (RFC 9110, 9.2.2).
pub fn is_idempotent_method(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE)
}

/// Set in a request's extensions to say whether it is safe to send twice, overriding what its
/// method says ([`Request::idempotent`](super::Request::idempotent); a `$batch` of idempotent
/// requests carries `Idempotent(true)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Idempotent(pub bool);

/// Whether `request` may be sent twice: its [`Idempotent`] extension, else its method.
fn idempotent<B>(request: &http::Request<B>) -> bool {
    match request.extensions().get::<Idempotent>() {
        Some(Idempotent(yes)) => *yes,
        None => is_idempotent_method(request.method()),
    }
}

/// A copy of `request` to send again, or `None` when its body is a stream.
fn replay(request: &http::Request<Body>) -> Option<http::Request<Body>> {
    let body = Body::Bytes(request.body().as_bytes()?.to_vec());
    let mut copy = http::Request::new(body);
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.version_mut() = request.version();
    *copy.headers_mut() = request.headers().clone();
    *copy.extensions_mut() = request.extensions().clone();
    Some(copy)
}

/// The pace of one request's attempts under a [`RetryPolicy`]: how many were made, how long
/// was waited, and whether and how long to wait before the next. Single requests and batches
/// are paced by it alike.
pub(crate) struct Pacer<'a> {
    policy: &'a RetryPolicy,
    sleep: Option<Arc<dyn Sleep>>,
    attempt: u32,
    waited: Duration,
}

impl<'a> Pacer<'a> {
    /// The pace of a request of `client` under `policy`; without a [`Sleep`] that is available
    /// here, or with retries off, there is one attempt.
    pub(crate) fn new(client: &super::Client, policy: &'a RetryPolicy) -> Self {
        let sleep = client.sleeper().filter(|s| policy.is_enabled() && s.is_available()).cloned();
        Pacer { policy, sleep, attempt: 1, waited: Duration::ZERO }
    }

    /// Whether a request may be sent more than once at all.
    pub(crate) fn enabled(&self) -> bool {
        self.sleep.is_some()
    }

    /// Whether the policy allows another attempt after this one.
    pub(crate) fn has_attempts_left(&self) -> bool {
        self.enabled() && self.attempt < self.policy.max_attempts
    }

    /// The wait before the next attempt, or `None` when the policy gives up: no attempts left,
    /// or the wait the service `asked` for (or, without one, any backoff) does not fit in the
    /// total delay left.
    pub(crate) fn next_wait(&self, asked: Option<Duration>) -> Option<Duration> {
        if !self.has_attempts_left() {
            return None;
        }
        let left = self.policy.max_total_delay.saturating_sub(self.waited);
        match asked {
            Some(asked) if asked > left => None,
            Some(asked) => Some(asked),
            None if left.is_zero() && !self.policy.backoff_cap(self.attempt).is_zero() => None,
            None => Some(self.policy.backoff(self.attempt, left)),
        }
    }

    /// Waits `wait` (from [`next_wait`](Self::next_wait)) and counts the next attempt.
    pub(crate) async fn wait(&mut self, wait: Duration) {
        if let (Some(sleep), false) = (&self.sleep, wait.is_zero()) {
            sleep.sleep(wait).await;
        }
        self.waited = self.waited.saturating_add(wait);
        self.attempt = self.attempt.saturating_add(1);
    }

    /// `error` as the policy's giving up: [`Error::RetriesExhausted`] when retries were
    /// possible, else the error as it is.
    pub(crate) fn give_up(&self, error: Error) -> Error {
        if self.enabled() {
            Error::RetriesExhausted { attempts: self.attempt, last: Box::new(error) }
        } else {
            error
        }
    }
}

/// Sends `request` through `client`'s transport following `policy` (see the
/// [module docs](self)), each attempt authorized anew when `authorize` is set. A final answer
/// that is not retried is returned as a response, whatever its status; a retryable one the
/// policy gave up on as [`Error::RetriesExhausted`].
pub(crate) async fn send(
    client: &super::Client,
    request: http::Request<Body>,
    policy: &RetryPolicy,
    authorize: bool,
) -> Result<http::Response<ResponseBody>, Error> {
    let transport = client.transport();
    let mut pacer = Pacer::new(client, policy);
    if !pacer.enabled() {
        let mut request = request;
        if authorize {
            client.authorize_any(&mut request).await?;
        }
        return transport.send_streaming(request).await.map_err(Error::Transport);
    }
    let idempotent = idempotent(&request);
    let mut current = request;
    loop {
        // The copy for the next attempt is made before this one consumes the request; a
        // streamed body leaves none, and the request is sent once.
        let next = if pacer.has_attempts_left() { replay(&current) } else { None };
        if authorize {
            client.authorize_any(&mut current).await?;
        }
        let (error, asked) = match transport.send_streaming(current).await {
            Ok(response) if policy.retries_response(response.status(), response.headers(), idempotent) => {
                let (parts, body) = response.into_parts();
                let body = body.prefix(MAX_ERROR_BODY).await;
                let e = ServiceError::from_response_at(parts.status, &parts.headers, &body, client.clock().now());
                let asked = e.retry_after;
                (Error::from(e), asked)
            }
            Ok(response) => return Ok(response),
            Err(e) if e.is_not_sent() => (Error::Transport(e), None),
            Err(e) => return Err(Error::Transport(e)),
        };
        let Some(next) = next else {
            // A streamed body: the error as it is. No attempts left: the policy gave up.
            return Err(if pacer.has_attempts_left() { error } else { pacer.give_up(error) });
        };
        let Some(wait) = pacer.next_wait(asked) else { return Err(pacer.give_up(error)) };
        pacer.wait(wait).await;
        current = next;
    }
}

/// A pseudo-random number for jitter (not for anything secret): SplitMix64 over a counter
/// seeded once from the time and an address.
fn random_u64() -> u64 {
    static SEED: OnceLock<u64> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let seed = *SEED.get_or_init(|| {
        let nanos = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
        let here = &COUNTER as *const AtomicU64 as usize as u64;
        nanos ^ here.rotate_left(32)
    });
    let mut z = seed.wrapping_add(COUNTER.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl fmt::Display for RetryPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.is_enabled() {
            return f.write_str("no retries");
        }
        write!(
            f,
            "up to {} attempts, backoff {:?}..{:?}, at most {:?} waiting",
            self.max_attempts, self.base_delay, self.max_delay, self.max_total_delay
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn backoff_doubles_up_to_the_cap_and_stays_within_it() {
        let p = RetryPolicy::new().with_base_delay(Duration::from_millis(100)).with_max_delay(Duration::from_secs(1));
        let caps: Vec<u128> = (1..=6).map(|r| p.backoff_cap(r).as_millis()).collect();
        assert_eq!(caps, [100, 200, 400, 800, 1000, 1000]);
        assert_eq!(p.backoff_cap(u32::MAX), Duration::from_secs(1));
        for retry in 1..=6 {
            for _ in 0..200 {
                assert!(p.backoff(retry, Duration::MAX) <= p.backoff_cap(retry));
                assert!(p.backoff(retry, Duration::from_millis(50)) <= Duration::from_millis(50));
            }
        }
        let draws: Vec<Duration> = (0..64).map(|_| p.backoff(4, Duration::MAX)).collect();
        assert!(draws.iter().any(|d| *d != draws[0]), "jitter varies");
    }

    #[test]
    fn a_body_in_memory_replays_whole_and_a_stream_not_at_all() {
        let mut r = http::Request::post("https://h/x").header("a", "b").body(Body::Bytes(b"body".to_vec())).unwrap();
        r.extensions_mut().insert(Idempotent(true));
        let copy = replay(&r).unwrap();
        assert_eq!(
            (copy.method(), copy.uri(), copy.headers(), copy.body().as_bytes()),
            (r.method(), r.uri(), r.headers(), Some(&b"body"[..]))
        );
        assert!(idempotent(&copy), "extensions are kept");
        let stream = futures_util::stream::iter([Ok::<_, std::io::Error>(vec![1u8])]);
        let r = http::Request::put("https://h/x").body(Body::from_stream(stream, Some(1))).unwrap();
        assert!(replay(&r).is_none());
    }

    #[test]
    fn writes_are_retried_only_when_the_service_did_not_process_them() {
        let p = RetryPolicy::new();
        let none = HeaderMap::new();
        let mut after = HeaderMap::new();
        after.insert(http::header::RETRY_AFTER, HeaderValue::from_static("1"));
        let s = |n: u16| StatusCode::from_u16(n).unwrap();
        for (status, headers, read, write) in [
            (429, &none, true, true),
            (503, &after, true, true),
            (503, &none, true, false),
            (504, &after, true, false),
            (500, &none, false, false),
        ] {
            assert_eq!(p.retries_response(s(status), headers, true), read, "{status} read");
            assert_eq!(p.retries_response(s(status), headers, false), write, "{status} write");
        }
        assert!(p.clone().with_non_idempotent_retries(true).retries_response(s(504), &none, false));
        assert!(is_idempotent_method(&Method::DELETE) && !is_idempotent_method(&Method::PATCH));
        let r = http::Request::post("https://h/$batch").body(()).unwrap();
        assert!(!idempotent(&r));
    }
}
