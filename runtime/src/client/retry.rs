//! Retries: the [`RetryPolicy`] every request of a [`Client`](super::Client) follows, and the
//! pluggable [`Sleep`] and [`Clock`] it waits and measures with.
//!
//! A request is sent again when the answer is `429 Too Many Requests`, `503 Service
//! Unavailable` or `504 Gateway Timeout` (the statuses can be changed), or when the transport
//! failed before anything was sent ([`TransportError::is_not_sent`]). The wait is what
//! `Retry-After` says (seconds or an HTTP-date) or, without it, an exponential backoff with full
//! jitter. The policy stops at its maximum number of attempts or when the next wait would not
//! fit in its maximum total delay, and returns [`Error::RetriesExhausted`] with the last error.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use http::StatusCode;

use super::error::retry_after;
use super::{BoxFuture, Error, ServiceError, TransportError};

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

    /// Whether a response with `status` is retried.
    pub fn retries_status(&self, status: StatusCode) -> bool {
        self.statuses.contains(&status)
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

/// A request body as far as retrying is concerned: whether it can be sent again.
///
/// A body held in memory (`Vec<u8>`, what [`Transport`](super::Transport) carries today) can;
/// a streaming body, once there is one, cannot be read twice and would say `false`, so such a
/// request is sent once whatever the policy.
pub(crate) trait ReplayableBody: Sized {
    /// A copy to send again, or `None` when the body cannot be sent twice.
    fn replay(&self) -> Option<Self>;
}

impl ReplayableBody for Vec<u8> {
    fn replay(&self) -> Option<Self> {
        Some(self.clone())
    }
}

/// A copy of `request` to send again, or `None` when its body cannot be replayed.
fn replay<B: ReplayableBody>(request: &http::Request<B>) -> Option<http::Request<B>> {
    let body = request.body().replay()?;
    let mut copy = http::Request::new(body);
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.version_mut() = request.version();
    *copy.headers_mut() = request.headers().clone();
    Some(copy)
}

/// What one attempt gave and what it means for the next one.
enum Verdict {
    /// A final answer, success or not.
    Done(Result<http::Response<Vec<u8>>, Error>),
    /// A retryable failure, with the wait the service asked for.
    Retry(Error, Option<Duration>),
}

fn judge(outcome: Result<http::Response<Vec<u8>>, TransportError>, policy: &RetryPolicy, now: SystemTime) -> Verdict {
    match outcome {
        Ok(response) if policy.retries_status(response.status()) => {
            let asked = retry_after(response.headers(), now);
            let e = ServiceError::from_response_at(response.status(), response.headers(), response.body(), now);
            Verdict::Retry(e.into(), asked)
        }
        Ok(response) => Verdict::Done(Ok(response)),
        Err(e) if e.is_not_sent() => Verdict::Retry(Error::Transport(e), None),
        Err(e) => Verdict::Done(Err(Error::Transport(e))),
    }
}

/// Sends `request` through `client`'s transport following `policy`, each attempt authorized
/// anew when `authorize` is set. A final non-2xx response that is not retryable is returned as
/// a response; a retryable one the policy gave up on as [`Error::RetriesExhausted`].
pub(crate) async fn send(
    client: &super::Client,
    request: http::Request<Vec<u8>>,
    policy: &RetryPolicy,
    authorize: bool,
) -> Result<http::Response<Vec<u8>>, Error> {
    let inner = &client.inner;
    let sleep = match (&inner.sleep, policy.is_enabled()) {
        (Some(sleep), true) if sleep.is_available() => sleep,
        _ => {
            let mut request = request;
            if authorize {
                client.authorize(&mut request).await?;
            }
            return inner.transport.send(request).await.map_err(Error::Transport);
        }
    };
    let mut next = Some(request);
    let mut waited = Duration::ZERO;
    let mut attempt: u32 = 1;
    loop {
        let Some(current) = next.take() else {
            return Err(Error::Request("the request could not be copied for a retry".to_owned()));
        };
        // The copy for the next attempt is made before this one consumes the request; a body
        // that cannot be replayed leaves none, and the request is sent once.
        next = if attempt < policy.max_attempts { replay(&current) } else { None };
        let mut current = current;
        if authorize {
            client.authorize(&mut current).await?;
        }
        let outcome = inner.transport.send(current).await;
        let (error, asked) = match judge(outcome, policy, inner.clock.now()) {
            Verdict::Done(result) => return result,
            Verdict::Retry(error, asked) => (error, asked),
        };
        let exhausted = |error: Error| Err(Error::RetriesExhausted { attempts: attempt, last: Box::new(error) });
        if next.is_none() {
            return if attempt >= policy.max_attempts { exhausted(error) } else { Err(error) };
        }
        let left = policy.max_total_delay.saturating_sub(waited);
        let wait = match asked {
            Some(asked) if asked > left => return exhausted(error),
            Some(asked) => asked,
            None if left.is_zero() && !policy.backoff_cap(attempt).is_zero() => return exhausted(error),
            None => policy.backoff(attempt, left),
        };
        if !wait.is_zero() {
            sleep.sleep(wait).await;
        }
        waited = waited.saturating_add(wait);
        attempt = attempt.saturating_add(1);
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
    fn a_vec_body_replays_with_everything_but_extensions() {
        let mut r = http::Request::post("https://h/x").header("a", "b").body(b"body".to_vec()).unwrap();
        r.extensions_mut().insert(7u8);
        let copy = replay(&r).unwrap();
        assert_eq!(
            (copy.method(), copy.uri(), copy.headers(), copy.body()),
            (r.method(), r.uri(), r.headers(), r.body())
        );
    }
}
