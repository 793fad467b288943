//! The web worker: `strength_loader.js` (made by Trunk) loads this module; the page posts a
//! JSON [`Request`] per keystroke and gets a JSON [`Answer`] back.

use crate::{estimate, Answer, Request, READY};
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

#[wasm_bindgen(start)]
pub fn start() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_to = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let Some(text) = event.data().as_string() else { return };
        let Ok(request) = serde_json::from_str::<Request>(&text) else { return };
        let clock = reply_to.performance();
        let started = clock.as_ref().map(|p| p.now()).unwrap_or_default();
        let inputs: Vec<&str> = request.user_inputs.iter().map(String::as_str).collect();
        let strength = estimate(&request.password, &inputs);
        let millis = clock.as_ref().map(|p| p.now() - started).unwrap_or_default();
        if let Ok(answer) = serde_json::to_string(&Answer { seq: request.seq, strength, millis }) {
            let _ = reply_to.post_message(&JsValue::from_str(&answer));
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    // zxcvbn builds its dictionaries on first use (tens of milliseconds): before the first
    // keystroke, not during it.
    let _ = estimate("warm up", &[]);
    let _ = scope.post_message(&JsValue::from_str(READY));
}
