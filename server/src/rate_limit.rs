//! The per-IP limit on failed logins: a fixed one-minute window per address, in memory.
//! (Per instance: behind a load balancer each instance counts its own share.)

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

pub struct IpLimiter {
    failures_per_minute: u32,
    windows: Mutex<HashMap<IpAddr, (i64, u32)>>,
}

const WINDOW_SECS: i64 = 60;

impl IpLimiter {
    pub fn new(failures_per_minute: u32) -> Self {
        IpLimiter { failures_per_minute, windows: Mutex::new(HashMap::new()) }
    }

    pub fn is_blocked(&self, ip: IpAddr, now: i64) -> bool {
        let Ok(windows) = self.windows.lock() else { return false };
        windows.get(&ip).is_some_and(|(start, count)| now < start + WINDOW_SECS && *count >= self.failures_per_minute)
    }

    pub fn record_failure(&self, ip: IpAddr, now: i64) {
        let Ok(mut windows) = self.windows.lock() else { return };
        if windows.len() > 100_000 {
            windows.retain(|_, (start, _)| now < *start + WINDOW_SECS);
        }
        let entry = windows.entry(ip).or_insert((now, 0));
        if now >= entry.0 + WINDOW_SECS {
            *entry = (now, 0);
        }
        entry.1 += 1;
    }
}

/// At most `limit` events per key in a fixed window, checked and counted in one step
/// (forgot-password requests: per address and per IP). Memory is bounded: expired windows are
/// swept at most once a second, and while `MAX_KEYS` keys are live a new key is refused (the
/// flood gets "too many requests"; keys already counted carry on).
pub struct WindowLimiter {
    limit: u32,
    window_secs: i64,
    state: Mutex<Windows>,
}

#[derive(Default)]
struct Windows {
    by_key: HashMap<String, (i64, u32)>,
    last_sweep: i64,
}

const MAX_KEYS: usize = 100_000;

impl WindowLimiter {
    pub fn new(limit: u32, window_secs: i64) -> Self {
        WindowLimiter { limit, window_secs, state: Mutex::new(Windows::default()) }
    }

    /// Counts one event for `key`; false (and not counted) when the key is over its limit.
    pub fn try_take(&self, key: &str, now: i64) -> bool {
        let Ok(mut state) = self.state.lock() else { return false };
        let window = self.window_secs;
        if state.by_key.len() >= MAX_KEYS && now > state.last_sweep {
            state.by_key.retain(|_, (start, _)| now < *start + window);
            state.last_sweep = now;
        }
        if state.by_key.len() >= MAX_KEYS && !state.by_key.contains_key(key) {
            return false;
        }
        let entry = state.by_key.entry(key.to_string()).or_insert((now, 0));
        if now >= entry.0 + window {
            *entry = (now, 0);
        }
        if entry.1 >= self.limit {
            return false;
        }
        entry.1 += 1;
        true
    }
}

/// The part of an address one client controls: the address itself for IPv4, the /64 network
/// for IPv6 (one machine commonly has a whole /64).
pub fn client_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_limiter_counts_per_key_and_forgets_after_the_window() {
        let limiter = WindowLimiter::new(2, 300);
        assert!(limiter.try_take("a", 0));
        assert!(limiter.try_take("a", 10));
        assert!(!limiter.try_take("a", 20));
        assert!(limiter.try_take("b", 20));
        assert!(limiter.try_take("a", 300));
    }

    #[test]
    fn an_ipv6_client_is_its_64_network() {
        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap_or(IpAddr::from([0; 4]));
        let b: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap_or(IpAddr::from([0; 4]));
        assert_eq!(client_key(a), client_key(b));
        assert_eq!(client_key(IpAddr::from([10, 0, 0, 1])), "10.0.0.1");
    }

    #[test]
    fn blocks_after_the_limit_until_the_window_passes() {
        let limiter = IpLimiter::new(3);
        let ip: IpAddr = [10, 0, 0, 1].into();
        let other: IpAddr = [10, 0, 0, 2].into();
        for _ in 0..3 {
            assert!(!limiter.is_blocked(ip, 100));
            limiter.record_failure(ip, 100);
        }
        assert!(limiter.is_blocked(ip, 130));
        assert!(!limiter.is_blocked(other, 130));
        assert!(!limiter.is_blocked(ip, 160));
    }
}
