//! Frontdoor's server: configuration, storage, sessions, password hashing, rate limiting,
//! security headers, the command line and the axum application.
// Leptos view types nest deeply; the password forms pass the default limit of 128.
#![recursion_limit = "256"]

pub mod backend;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod handoff;
pub mod links;
pub mod login;
pub mod mail;
pub mod password;
pub mod passwords;
pub mod rate_limit;
pub mod security;
pub mod session;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod tokens;
pub mod user_agent;
pub mod web;
