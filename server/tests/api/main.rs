//! One integration-test binary: every test starts the real server on port 0 and talks HTTP to
//! it. With `TEST_DATABASE_URL=postgres://…` the same tests run against PostgreSQL.

mod bad_input;
mod helpers;
mod language;
mod login;
mod security;
mod sessions;
