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

#[cfg(test)]
mod tests {
    use super::*;

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
