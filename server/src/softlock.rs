//! The soft lock's arithmetic: from the third failure in a row an account (or a known device)
//! waits 1 s, then 2 s, 4 s … up to 30 s before a password is even checked; with the hourly
//! cap, the 100th failure within an hour locks it for the rest of that hour.

/// Failures allowed before the soft lock starts.
pub const FREE_FAILURES: i64 = 3;
/// The longest soft lock after a single failure, in seconds.
pub const MAX_DELAY_SECS: i64 = 30;
/// Failures per account per hour (from unknown devices) before it is locked for the rest of
/// that hour.
pub const HOURLY_CAP: i64 = 100;
const HOUR: i64 = 3600;

/// One lock's failure bookkeeping.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Lockout {
    pub streak: i64,
    pub locked_until: i64,
    pub window_start: i64,
    pub window_count: i64,
}

impl Lockout {
    pub fn is_locked(&self, now: i64) -> bool {
        now < self.locked_until
    }

    /// The bookkeeping after one more failure. `hourly_cap` is off for known devices: their
    /// owner must not be locked out by what strangers do.
    pub fn after_failure(self, now: i64, hourly_cap: bool) -> Lockout {
        let (window_start, window_count) =
            if now >= self.window_start + HOUR { (now, 1) } else { (self.window_start, self.window_count + 1) };
        let streak = self.streak + 1;
        let mut locked_until = 0;
        if streak >= FREE_FAILURES {
            let exponent = (streak - FREE_FAILURES).min(10) as u32;
            locked_until = now + (1_i64 << exponent).min(MAX_DELAY_SECS);
        }
        if hourly_cap && window_count >= HOURLY_CAP {
            locked_until = locked_until.max(window_start + HOUR);
        }
        Lockout { streak, locked_until, window_start, window_count }
    }

    /// After a successful login: the streak is forgiven; the hourly count stands.
    pub fn after_success(self) -> Lockout {
        Lockout { streak: 0, locked_until: 0, ..self }
    }

    /// Whether this failure is the one that starts the soft lock.
    pub fn just_locked(&self) -> bool {
        self.streak == FREE_FAILURES
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_soft_lock_starts_at_the_third_failure_and_grows() {
        let now = 10_000;
        let l1 = Lockout::default().after_failure(now, true);
        let l2 = l1.after_failure(now, true);
        assert!(!l2.is_locked(now));
        let l3 = l2.after_failure(now, true);
        assert_eq!(l3.locked_until, now + 1);
        assert!(l3.just_locked());
        let l4 = l3.after_failure(now + 1, true);
        assert_eq!(l4.locked_until, now + 1 + 2);
        let mut l = l4;
        for _ in 0..20 {
            l = l.after_failure(now + 2, true);
        }
        assert_eq!(l.locked_until, now + 2 + MAX_DELAY_SECS);
        assert_eq!(l.after_success().streak, 0);
        assert!(!l.after_success().is_locked(now + 2));
    }

    #[test]
    fn a_hundred_failures_in_an_hour_lock_the_rest_of_the_hour_unless_the_device_is_known() {
        let start = 50_000;
        let (mut capped, mut device) = (Lockout::default(), Lockout::default());
        for i in 0..HOURLY_CAP {
            capped = capped.after_failure(start + i * 31, true).after_success();
            device = device.after_failure(start + i * 31, false).after_success();
        }
        let last = start + (HOURLY_CAP - 1) * 31;
        assert_eq!(capped.after_failure(last, true).locked_until, start + HOUR);
        assert!(!device.after_failure(last, false).is_locked(last + 1));
        let later = capped.after_failure(start + HOUR + 1, true);
        assert_eq!(later.window_count, 1);
    }
}
