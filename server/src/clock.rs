use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// The time in Unix seconds. Tests use a clock they can move forward.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    offset: Option<Arc<AtomicI64>>,
}

impl Clock {
    pub fn system() -> Self {
        Clock { offset: None }
    }

    /// A clock that follows the system clock plus whatever [`Clock::advance`] adds.
    pub fn adjustable() -> Self {
        Clock { offset: Some(Arc::new(AtomicI64::new(0))) }
    }

    pub fn now(&self) -> i64 {
        let system = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
        system + self.offset.as_ref().map_or(0, |o| o.load(Ordering::Relaxed))
    }

    /// Moves an adjustable clock forward; does nothing to the system clock.
    pub fn advance(&self, seconds: i64) {
        if let Some(offset) = &self.offset {
            offset.fetch_add(seconds, Ordering::Relaxed);
        }
    }
}
