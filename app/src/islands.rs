//! The interactive parts of the pages ("islands"): everything else is server-rendered HTML that
//! works without JavaScript, so only these are compiled into the browser's WASM bundle.

pub use crate::components::password_fields::NewPasswordFields;
pub use crate::pages::login::LoginForm;

/// Marks `<body data-hydrated>`: a signal for end-to-end tests (and curious people) that the
/// page's islands are interactive now.
pub fn mark_hydrated() {
    #[cfg(feature = "hydrate")]
    if let Some(body) = leptos::prelude::document().body() {
        let _ = body.set_attribute("data-hydrated", "");
    }
}
