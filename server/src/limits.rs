//! Rate limits and the per-user-ID attempt gate. With SQLite (one instance) they live in
//! memory; with PostgreSQL they live in the database, so that N instances behind a load
//! balancer enforce the same limits as one.
//!
//! Every limit counts a client by its [`ClientKey`] (an IPv6 client is its /64).

use crate::client::ClientKey;
use crate::db::{AttemptLock, Db};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{OwnedMutexGuard, OwnedSemaphorePermit, Semaphore};

/// Failed logins per client in one minute, before 429.
const IP_WINDOW_SECS: i64 = 60;
/// Forgot-password (and tenant-choice) requests per address and per client in five minutes.
pub const RESET_REQUESTS_PER_WINDOW: u32 = 5;
pub const RESET_WINDOW_SECS: i64 = 300;
/// Single sign-on requests (starts and callbacks) per client in one minute: each writes a row.
pub const SSO_REQUESTS_PER_MINUTE: u32 = 30;
const SSO_WINDOW_SECS: i64 = 60;
/// Passkey ceremonies (options asked for) per client and minute: each writes a row that lives
/// five minutes; generous, for test suites whose workers log in by passkey from one address.
pub const PASSKEY_REQUESTS_PER_MINUTE: u32 = 600;
/// Refused requests are audited once per key in this long, not once each.
const REFUSAL_WINDOW_SECS: i64 = 300;
/// Attempts on one user ID wait their turn: at most this many at once (the one being checked
/// included), for at most this long.
const MAX_WAITERS: usize = 16;
const MAX_WAIT: Duration = Duration::from_secs(5);
/// Turns held across instances at once (each holds a database connection).
const SHARED_TURNS: usize = 16;

pub struct Limits {
    ip_failures_per_minute: u32,
    store: Store,
    gates: AttemptGates,
    /// Test mode is on: its test users are exempt (see `PasswordCheck`).
    test_mode: bool,
}

// One per process, so the size difference between the variants costs nothing.
#[allow(clippy::large_enum_variant)]
enum Store {
    Memory {
        ip_failures: WindowLimiter,
        requests: WindowLimiter,
        sso: WindowLimiter,
        passkeys: WindowLimiter,
        refusals: WindowLimiter,
    },
    Shared {
        db: Db,
        turns: Arc<Semaphore>,
    },
}

impl Limits {
    /// Limits in memory: one instance (SQLite).
    pub fn in_memory(ip_failures_per_minute: u32) -> Self {
        Limits {
            ip_failures_per_minute,
            store: Store::Memory {
                // Counted past the limit, so the window covers every failure.
                ip_failures: WindowLimiter::new(u32::MAX, IP_WINDOW_SECS),
                requests: WindowLimiter::new(RESET_REQUESTS_PER_WINDOW, RESET_WINDOW_SECS),
                sso: WindowLimiter::new(SSO_REQUESTS_PER_MINUTE, SSO_WINDOW_SECS),
                passkeys: WindowLimiter::new(PASSKEY_REQUESTS_PER_MINUTE, SSO_WINDOW_SECS),
                refusals: WindowLimiter::new(1, REFUSAL_WINDOW_SECS),
            },
            gates: AttemptGates::default(),
            test_mode: false,
        }
    }

    /// Limits in the database, shared by every instance on it (PostgreSQL).
    pub fn shared(db: Db, ip_failures_per_minute: u32) -> Self {
        Limits {
            ip_failures_per_minute,
            store: Store::Shared { db, turns: Arc::new(Semaphore::new(SHARED_TURNS)) },
            gates: AttemptGates::default(),
            test_mode: false,
        }
    }

    /// With test mode on, test users log in without the per-client limit, the soft lock or
    /// the short wait for their turn (never in normal mode).
    pub fn with_test_mode(mut self, on: bool) -> Self {
        self.test_mode = on;
        self
    }

    pub fn test_mode(&self) -> bool {
        self.test_mode
    }

    /// Whether this client has failed too often in the last minute.
    pub async fn ip_blocked(&self, client: &ClientKey, now: i64) -> sqlx::Result<bool> {
        let key = format!("login-ip {}", client.as_str());
        let count = match &self.store {
            Store::Memory { ip_failures, .. } => ip_failures.count(&key, now),
            Store::Shared { db, .. } => db.window_count(&key, IP_WINDOW_SECS, now).await?,
        };
        Ok(count >= i64::from(self.ip_failures_per_minute))
    }

    pub async fn ip_failure(&self, client: &ClientKey, now: i64) -> sqlx::Result<()> {
        let key = format!("login-ip {}", client.as_str());
        match &self.store {
            Store::Memory { ip_failures, .. } => {
                ip_failures.try_take(&key, now);
            }
            Store::Shared { db, .. } => {
                db.count_in_window(&key, IP_WINDOW_SECS, now).await?;
            }
        }
        Ok(())
    }

    /// Counts one emailed request (a reset link, a code) against `key`; false when the key is
    /// over its limit for the window.
    pub async fn take_request(&self, key: &str, now: i64) -> sqlx::Result<bool> {
        match &self.store {
            Store::Memory { requests, .. } => Ok(requests.try_take(key, now)),
            Store::Shared { db, .. } => {
                let count = db.count_in_window(&format!("request {key}"), RESET_WINDOW_SECS, now).await?;
                Ok(count <= i64::from(RESET_REQUESTS_PER_WINDOW))
            }
        }
    }

    /// Counts one single sign-on request (a start or a callback) from this client; false when
    /// the client is over its limit for the minute.
    pub async fn take_sso(&self, client: &ClientKey, now: i64) -> sqlx::Result<bool> {
        let key = format!("sso {}", client.as_str());
        match &self.store {
            Store::Memory { sso, .. } => Ok(sso.try_take(&key, now)),
            Store::Shared { db, .. } => {
                Ok(db.count_in_window(&key, SSO_WINDOW_SECS, now).await? <= i64::from(SSO_REQUESTS_PER_MINUTE))
            }
        }
    }

    /// Counts one passkey ceremony started by this client; false when the client is over its
    /// limit for the minute.
    pub async fn take_passkey(&self, client: &ClientKey, now: i64) -> sqlx::Result<bool> {
        let key = format!("passkey {}", client.as_str());
        match &self.store {
            Store::Memory { passkeys, .. } => Ok(passkeys.try_take(&key, now)),
            Store::Shared { db, .. } => {
                Ok(db.count_in_window(&key, SSO_WINDOW_SECS, now).await? <= i64::from(PASSKEY_REQUESTS_PER_MINUTE))
            }
        }
    }

    /// Whether this is the first refusal for `key` in its window: refusals are audited once
    /// per key and window, so that a flood of refused requests is not a flood of audit rows.
    pub async fn first_refusal(&self, key: &str, now: i64) -> sqlx::Result<bool> {
        match &self.store {
            Store::Memory { refusals, .. } => Ok(refusals.try_take(key, now)),
            Store::Shared { db, .. } => {
                Ok(db.count_in_window(&format!("refused {key}"), REFUSAL_WINDOW_SECS, now).await? == 1)
            }
        }
    }

    /// The right to check one user ID, once the attempts before it are done. Overlapping
    /// attempts on one ID (several test workers logging in as one user at once) wait their turn;
    /// beyond a few waiters, or a few seconds, the answer is `None` ("busy"). Parallel guesses
    /// therefore cannot all pass through one unlocked moment.
    pub async fn attempt_turn(&self, key: &str) -> Option<AttemptTurn> {
        self.turn(key, MAX_WAITERS, MAX_WAIT).await
    }

    /// A test user's turn in test mode: a whole suite's workers on one user wait for it.
    pub async fn patient_attempt_turn(&self, key: &str) -> Option<AttemptTurn> {
        self.turn(key, 1024, Duration::from_secs(120)).await
    }

    async fn turn(&self, key: &str, max_waiters: usize, wait: Duration) -> Option<AttemptTurn> {
        let deadline = tokio::time::Instant::now() + wait;
        let local = self.gates.enter(key, deadline, max_waiters).await?;
        let shared = match &self.store {
            Store::Memory { .. } => None,
            Store::Shared { db, turns } => {
                let permit = tokio::time::timeout_at(deadline, turns.clone().acquire_owned()).await.ok()?.ok()?;
                let lock = shared_lock(db, key, deadline).await?;
                Some((lock, permit))
            }
        };
        Some(AttemptTurn { _shared: shared, _local: local })
    }
}

/// Polls for the advisory lock of `key` until `deadline`. A database error answers "busy": the
/// attempt cannot be checked safely.
async fn shared_lock(db: &Db, key: &str, deadline: tokio::time::Instant) -> Option<AttemptLock> {
    let digest = Sha256::digest(key.as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    let id = i64::from_be_bytes(bytes);
    loop {
        match db.try_attempt_lock(id).await {
            Ok(Some(lock)) => return Some(lock),
            Ok(None) => {}
            Err(err) => {
                tracing::error!(error = %err, "could not take an attempt lock");
                return None;
            }
        }
        if tokio::time::Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// One attempt's right to check a user ID; released when dropped.
pub struct AttemptTurn {
    // The shared lock goes first, so the next local waiter does not find it still held.
    _shared: Option<(AttemptLock, OwnedSemaphorePermit)>,
    _local: LocalTurn,
}

/// The in-process queue per user ID.
#[derive(Default)]
struct AttemptGates(Arc<Mutex<HashMap<String, Gate>>>);

struct Gate {
    lock: Arc<tokio::sync::Mutex<()>>,
    /// Attempts holding or waiting for the lock.
    users: usize,
}

/// Counts as one of a gate's users until dropped (also when a waiting request is cancelled).
struct Ticket {
    gates: Arc<Mutex<HashMap<String, Gate>>>,
    key: String,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if let Ok(mut gates) = self.gates.lock() {
            if let Some(gate) = gates.get_mut(&self.key) {
                gate.users -= 1;
                if gate.users == 0 {
                    gates.remove(&self.key);
                }
            }
        }
    }
}

struct LocalTurn {
    // Released before the ticket, so the next waiter never finds its gate removed.
    _guard: OwnedMutexGuard<()>,
    _ticket: Ticket,
}

impl AttemptGates {
    async fn enter(&self, key: &str, deadline: tokio::time::Instant, max_waiters: usize) -> Option<LocalTurn> {
        let (lock, ticket) = {
            let mut gates = self.0.lock().ok()?;
            let gate = gates
                .entry(key.to_string())
                .or_insert_with(|| Gate { lock: Arc::new(tokio::sync::Mutex::new(())), users: 0 });
            if gate.users >= max_waiters {
                return None;
            }
            gate.users += 1;
            (gate.lock.clone(), Ticket { gates: self.0.clone(), key: key.to_string() })
        };
        let guard = tokio::time::timeout_at(deadline, lock.lock_owned()).await.ok()?;
        Some(LocalTurn { _guard: guard, _ticket: ticket })
    }
}

/// At most `limit` events per key in a fixed window, checked and counted in one step. Memory is
/// bounded: expired windows are swept at most once a second, and while `MAX_KEYS` keys are live
/// a new key is refused (the flood gets "too many requests"; keys already counted carry on).
struct WindowLimiter {
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
    fn new(limit: u32, window_secs: i64) -> Self {
        WindowLimiter { limit, window_secs, state: Mutex::new(Windows::default()) }
    }

    /// Events counted for `key` in its current window.
    fn count(&self, key: &str, now: i64) -> i64 {
        let Ok(state) = self.state.lock() else { return 0 };
        state.by_key.get(key).filter(|(start, _)| now < start + self.window_secs).map_or(0, |(_, n)| i64::from(*n))
    }

    /// Counts one event for `key`; false (and not counted) when the key is over its limit.
    fn try_take(&self, key: &str, now: i64) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::IpAddr;

    #[test]
    fn window_limiter_counts_per_key_and_forgets_after_the_window() {
        let limiter = WindowLimiter::new(2, 300);
        assert!(limiter.try_take("a", 0));
        assert!(limiter.try_take("a", 10));
        assert!(!limiter.try_take("a", 20));
        assert!(limiter.try_take("b", 20));
        assert!(limiter.try_take("a", 300));
    }

    #[tokio::test]
    async fn the_ip_limit_counts_an_ipv6_network_as_one_client() {
        let limits = Limits::in_memory(3);
        let ip = |text: &str| ClientKey::of(text.parse::<IpAddr>().unwrap_or(IpAddr::from([0; 4])));
        for n in 1..=3 {
            assert!(!limits.ip_blocked(&ip("2001:db8::1"), 100).await.unwrap_or(true));
            limits.ip_failure(&ip(&format!("2001:db8::{n}")), 100).await.unwrap_or(());
        }
        assert!(limits.ip_blocked(&ip("2001:db8::ffff"), 130).await.unwrap_or(false));
        assert!(!limits.ip_blocked(&ip("2001:db8:0:1::1"), 130).await.unwrap_or(true));
        assert!(!limits.ip_blocked(&ip("2001:db8::1"), 160).await.unwrap_or(true));
    }

    #[tokio::test]
    async fn overlapping_attempts_take_turns() {
        let limits = Arc::new(Limits::in_memory(3));
        let first = limits.attempt_turn("ada").await;
        assert!(first.is_some());
        let waiting = {
            let limits = limits.clone();
            tokio::spawn(async move { limits.attempt_turn("ada").await.is_some() })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!waiting.is_finished(), "the second attempt waits for the first");
        drop(first);
        assert!(waiting.await.unwrap_or(false), "and gets its turn");
        assert!(limits.gates.0.lock().map(|g| g.is_empty()).unwrap_or(false), "no gate is left behind");
    }
}
