//! One integration-test binary: every test starts the real server on port 0 and talks HTTP to
//! it. With `TEST_DATABASE_URL=postgres://…` the same tests run against PostgreSQL.

// A test fails by panicking: unwrap and expect are how these say "this must work".
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod bad_input;
mod cli;
mod helpers;
mod kept_page;
mod language;
mod login;
mod mail;
mod passkeys;
mod passwords;
mod provider;
mod reset_login;
mod retention;
mod review;
mod scale_out;
mod security;
mod service;
mod sessions;
mod sessions_page;
mod settings;
mod sign_in_core;
mod sso;
mod test_mode;
mod two_step;
