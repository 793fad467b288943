//! Frontdoor's server, in floors that import one way (README, "Layout"):
//!
//! - leaves, which import nothing of this crate: settings, client info, HTML escaping,
//!   tokens, emailed codes, answer timings, the mail wake-up signal, the clock, the soft lock's
//!   arithmetic, the command line's shape;
//! - `db`: storage, with typed rows;
//! - the flows, each taking only what it uses: audit, hashing, limits, the sign-in core
//!   (`authn`: a handler per way of proving who you are, one completion step), sessions, links,
//!   login, passwords, two-step verification, tenant choice, hand-off, mail, retention, terms,
//!   admin (Settings and maintenance);
//! - `web`: the router, sign-in per route group, one error type, the handlers;
//! - `startup` and `cli`.
// Leptos view types nest deeply; the password forms pass the default limit of 128.
#![recursion_limit = "256"]

pub mod client;
pub mod clock;
pub mod codes;
pub mod config;
pub mod html;
pub mod sealing;
pub mod settings;
pub mod softlock;
pub mod telemetry;
pub mod timings;
pub mod tokens;
pub mod user_agent;
pub mod wakeup;

pub mod db;

pub mod admin;
pub mod audit;
pub mod authn;
pub mod handoff;
pub mod hashing;
pub mod limits;
pub mod links;
pub mod login;
pub mod mail;
pub mod passwords;
pub mod provider;
pub mod retention;
pub mod sessions;
pub mod tenant_choice;
pub mod terms;
pub mod test_mode;
pub mod two_step;

pub mod web;

pub mod cli;
pub mod startup;
