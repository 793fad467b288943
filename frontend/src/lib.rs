//! The browser entry point of every page but the password pages (`passwords/` has those):
//! hydrates the login form, the one island they have.
// Leptos view types nest deeply; the forms pass the default limit of 128.
#![recursion_limit = "256"]

// The islands (`#[island]` components in `app`) are exported from here by wasm-bindgen; the
// islands script calls `hydrate` and then each island's function.
pub use app::islands;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    app::islands::hydrate();
}
