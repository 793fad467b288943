//! Answers whose timing must not tell anything: how long they take at least.

use std::time::Duration;

/// A refused password (wrong, unknown user or tenant, locked) is answered no sooner than this,
/// so that the work behind the answer (one hash either way, a write for known accounts) cannot
/// be told apart by its timing.
pub const FAILED_ANSWER_FLOOR: Duration = Duration::from_millis(250);

/// Answers about an email address ("Forgot your password?", "Reset login") take at least this
/// long, known address or not.
pub const EMAIL_ANSWER_TIME: Duration = Duration::from_millis(400);
