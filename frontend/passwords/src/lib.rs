//! The browser entry point of the pages where a password is chosen (activation, reset, change
//! password): hydrates their one island, the new-password fields with the strength meter.
#![recursion_limit = "256"]

pub use app::islands;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    app::islands::hydrate();
}
