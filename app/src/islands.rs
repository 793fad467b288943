//! The interactive parts of the pages ("islands"): everything else is server-rendered HTML that
//! works without JavaScript, so only these are compiled to WASM. The browser bundles export
//! them from here; this module is the top of the crate and nothing in it imports it back.

pub use crate::components::login_form::LoginForm;
pub use crate::components::password_fields::NewPasswordFields;
#[cfg(feature = "hydrate")]
pub use crate::hydration::hydrate;
