//! Frontdoor's server: configuration, storage, sessions, password hashing, rate limiting,
//! security headers, the command line and the axum application.

pub mod backend;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod handoff;
pub mod login;
pub mod password;
pub mod rate_limit;
pub mod security;
pub mod session;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod tokens;
pub mod user_agent;
pub mod web;
