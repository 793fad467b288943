//! Short codes a person types from an email ("Reset login", proving an account before a new
//! sign-in method is linked): 8 digits from the OS's generator, stored only as a hash bound to
//! the browser's challenge, so equal codes of two requests differ at rest.

use rand::Rng;
use sha2::{Digest, Sha256};

/// How long a code works.
pub const CODE_LIFETIME_SECS: i64 = 600;
/// Wrong codes before a code is dead.
pub const MAX_WRONG_CODES: i64 = 5;

/// A fresh 8-digit code.
pub fn new_code() -> String {
    format!("{:08}", rand::rngs::OsRng.gen_range(0..100_000_000u32))
}

/// A code's at-rest form, bound to its challenge.
pub fn code_hash(challenge_hash: &str, code: &str) -> String {
    hex::encode(Sha256::digest(format!("{challenge_hash}:{code}").as_bytes()))
}

/// A code as typed: spaces and dashes are the person's, not the code's.
pub fn normalise(typed: &str) -> String {
    typed.chars().filter(|c| !c.is_whitespace() && *c != '-').collect()
}
