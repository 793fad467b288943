//! The browser entry point: hydrates the server-rendered page.
// Leptos view types nest deeply; the password forms pass the default limit of 128.
#![recursion_limit = "256"]

// The islands (`#[island]` components in `app`) are exported from here by wasm-bindgen; the
// islands script calls `hydrate` and then each island's function.
pub use app::islands;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    leptos::mount::hydrate_islands();
    // A page without islands is as interactive as it gets already.
    let document = leptos::prelude::document();
    if document.query_selector("leptos-island").ok().flatten().is_none() {
        app::islands::mark_hydrated();
    }
}
