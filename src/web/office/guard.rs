//! Sign-in throttling, per client address and per account: past so many
//! failures in a window, 429 until the oldest falls out of it. The window is
//! short, so an attacker who fails on purpose locks a real operator out for
//! minutes at most; a success clears the account's count. Kept in memory, per
//! instance (like the public rate limit).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures allowed per account within the window.
pub const PER_ACCOUNT: usize = 5;
/// Failures allowed per client address within the window (an office behind one NAT shares it).
pub const PER_ADDRESS: usize = 20;
/// The window.
pub const WINDOW: Duration = Duration::from_secs(300);

/// The failures seen lately.
#[derive(Default)]
pub struct LoginGuard {
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl LoginGuard {
    /// Takes an attempt: `Err(seconds to wait)` when over the limit, else the
    /// attempt counts as a failure until [`LoginGuard::succeeded`] — checked and
    /// counted under one lock, so that attempts sent at once cannot all pass
    /// before any of them has failed.
    pub fn attempt(&self, address: &str, account: &str, now: Instant) -> Result<(), u64> {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(wait) = wait_in(&mut map, address, account, now) {
            return Err(wait);
        }
        if map.len() > 100_000 {
            // A flood of made-up accounts must not grow memory without end.
            map.retain(|_, list| list.back().is_some_and(|t| now.duration_since(*t) < WINDOW));
        }
        for key in [format!("ip:{address}"), format!("op:{account}")] {
            map.entry(key).or_default().push_back(now);
        }
        Ok(())
    }

    /// Seconds to wait before `account` from `address` may try again, if any.
    pub fn wait(&self, address: &str, account: &str, now: Instant) -> Option<u64> {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        wait_in(&mut map, address, account, now)
    }

    /// Takes back a successful attempt: the account starts afresh, and the
    /// address keeps only its failures (an office behind one address signs in often).
    pub fn succeeded(&self, address: &str, account: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(&format!("op:{account}"));
        if let Some(list) = map.get_mut(&format!("ip:{address}")) {
            list.pop_back();
        }
    }
}

fn wait_in(map: &mut HashMap<String, VecDeque<Instant>>, address: &str, account: &str, now: Instant) -> Option<u64> {
    let mut longest = None;
    for (key, limit) in [
        (format!("ip:{address}"), PER_ADDRESS),
        (format!("op:{account}"), PER_ACCOUNT),
    ] {
        let Some(list) = map.get_mut(&key) else { continue };
        while list.front().is_some_and(|t| now.duration_since(*t) >= WINDOW) {
            list.pop_front();
        }
        if list.len() >= limit {
            let oldest = list[list.len() - limit];
            let left = WINDOW.saturating_sub(now.duration_since(oldest)).as_secs().max(1);
            longest = Some(longest.map_or(left, |l: u64| l.max(left)));
        }
    }
    longest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_waits_after_five_failures_and_not_for_long() {
        let g = LoginGuard::default();
        let t0 = Instant::now();
        for i in 0..PER_ACCOUNT {
            assert_eq!(g.attempt("10.0.0.1", "kim@city.example", t0), Ok(()), "try {i}");
        }
        let wait = g
            .wait("10.0.0.2", "kim@city.example", t0 + Duration::from_secs(10))
            .unwrap();
        assert!(wait <= WINDOW.as_secs() && wait >= WINDOW.as_secs() - 11, "{wait}");
        assert_eq!(
            g.wait("10.0.0.2", "lee@city.example", t0),
            None,
            "other accounts are not held"
        );
        assert_eq!(
            g.wait("10.0.0.2", "kim@city.example", t0 + WINDOW),
            None,
            "over after the window"
        );
        g.succeeded("10.0.0.1", "kim@city.example");
        assert_eq!(g.wait("10.0.0.3", "kim@city.example", t0), None);
    }

    #[test]
    fn one_address_trying_many_accounts_is_held_too() {
        let g = LoginGuard::default();
        let t0 = Instant::now();
        for i in 0..PER_ADDRESS {
            assert!(g.attempt("10.0.0.9", &format!("a{i}@x"), t0).is_ok());
        }
        assert!(g.wait("10.0.0.9", "new@x", t0).is_some());
        assert!(
            g.attempt("10.0.0.9", "new@x", t0).is_err(),
            "refused attempts are not counted again"
        );
        assert!(g.wait("10.0.0.8", "new@x", t0).is_none());
    }
}
