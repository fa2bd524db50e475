//! Per-client-address limits on the public endpoints (API.md): past the limit
//! a 429 with `Retry-After`. Requests with a valid operator token are not
//! counted. The count is kept in memory, per instance.

use std::future::Future;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};

use actix_web::{dev::Payload, web, FromRequest, HttpRequest};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use ipnet::IpNet;

use super::auth::MaybeOperator;
use super::problem::ApiError;
use super::AppState;
use crate::service::caller::Operator;

/// How many checks between sweeps of addresses that have gone quiet.
const SWEEP_EVERY: u64 = 4096;

/// The limit of one instance: a budget per client address.
pub struct Limiter {
    limiter: Option<DefaultKeyedRateLimiter<IpAddr>>,
    trusted: Vec<IpNet>,
    checks: AtomicU64,
}

impl Limiter {
    /// `per_minute` public requests per address (0: no limit); `trusted`
    /// proxies may name the client in `X-Forwarded-For`.
    pub fn new(per_minute: u32, trusted: Vec<IpNet>) -> Limiter {
        let limiter = NonZeroU32::new(per_minute).map(|n| RateLimiter::keyed(Quota::per_minute(n)));
        Limiter {
            limiter,
            trusted,
            checks: AtomicU64::new(0),
        }
    }

    /// The client's address: the peer, or when the peer is a trusted proxy the
    /// last address in `X-Forwarded-For` that is not one.
    pub fn client(&self, req: &HttpRequest) -> Option<IpAddr> {
        let peer = req.peer_addr()?.ip();
        if !self.is_trusted(peer) {
            return Some(peer);
        }
        let forwarded = req
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect::<Vec<_>>();
        for hop in forwarded.iter().rev() {
            match hop.parse::<IpAddr>() {
                Ok(ip) if self.is_trusted(ip) => continue,
                Ok(ip) => return Some(ip),
                // A hop we cannot read: the proxies before it are not ours to trust.
                Err(_) => return Some(peer),
            }
        }
        Some(peer)
    }

    fn is_trusted(&self, ip: IpAddr) -> bool {
        self.trusted.iter().any(|net| net.contains(&ip))
    }

    /// Counts one request from `ip`; the seconds to wait when over the limit.
    pub fn check(&self, ip: IpAddr) -> Result<(), u64> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            limiter.retain_recent();
        }
        limiter.check_key(&ip).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
        })
    }
}

/// A public request within its client's limit, or an operator's (then not counted).
#[derive(Debug, Clone)]
pub struct PublicCaller(pub Option<Operator>);

impl FromRequest for PublicCaller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let operator = MaybeOperator::from_request(req, payload);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let client = state.as_ref().and_then(|s| s.limiter.client(req));
        Box::pin(async move {
            let MaybeOperator(operator) = operator.await?;
            if let (None, Some(state), Some(ip)) = (&operator, state, client) {
                state
                    .limiter
                    .check(ip)
                    .map_err(|seconds| ApiError::TooManyRequests(seconds.max(1)))?;
            }
            Ok(PublicCaller(operator))
        })
    }
}
