use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// The time in Unix seconds. Tests use a clock that stands still until they move it.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    manual: Option<Arc<AtomicI64>>,
}

fn system_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

impl Clock {
    pub fn system() -> Self {
        Clock { manual: None }
    }

    /// A clock stopped at the current time; only [`Clock::advance`] moves it.
    pub fn manual() -> Self {
        Clock { manual: Some(Arc::new(AtomicI64::new(system_now()))) }
    }

    pub fn now(&self) -> i64 {
        match &self.manual {
            Some(now) => now.load(Ordering::Relaxed),
            None => system_now(),
        }
    }

    /// Moves a manual clock forward; does nothing to the system clock.
    pub fn advance(&self, seconds: i64) {
        if let Some(now) = &self.manual {
            now.fetch_add(seconds, Ordering::Relaxed);
        }
    }
}
