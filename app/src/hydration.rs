//! How the islands come alive in the browser: which bundle a page loads, and the mark that says
//! its islands are interactive. There are two bundles, so that the login page does not download
//! the password pages' code: `frontend/` carries the login form, `frontend/passwords/` the
//! new-password fields with their strength meter.

/// Marks `<body data-hydrated>`: a signal for end-to-end tests (and curious people) that the
/// page's islands are interactive now.
pub fn mark_hydrated() {
    #[cfg(feature = "hydrate")]
    if let Some(body) = leptos::prelude::document().body() {
        let _ = body.set_attribute("data-hydrated", "");
    }
}

/// What a bundle's `hydrate` does before the islands script calls each island.
#[cfg(feature = "hydrate")]
pub fn hydrate() {
    leptos::mount::hydrate_islands();
    // A page without islands is as interactive as it gets already.
    let document = leptos::prelude::document();
    if document.query_selector("leptos-island").ok().flatten().is_none() {
        mark_hydrated();
    }
}

/// The bundle a page loads: the password pages' own, or the login bundle everywhere else.
pub fn bundle_for(path: &str) -> &'static str {
    use crate::routes;
    match path.trim_end_matches('/') {
        routes::ACTIVATE | routes::RESET_PASSWORD | routes::CHANGE_PASSWORD => PASSWORDS_BUNDLE,
        _ => LOGIN_BUNDLE,
    }
}

/// `frontend/` as trunk names it: `pkg/frontend.js` and `pkg/frontend_bg.wasm`.
pub const LOGIN_BUNDLE: &str = "frontend";
/// `frontend/passwords/`, built into its own folder with the strength estimator's worker:
/// `pkg/passwords/frontend-passwords.js` and `pkg/passwords/frontend-passwords_bg.wasm`.
pub const PASSWORDS_BUNDLE: &str = "passwords/frontend-passwords";
