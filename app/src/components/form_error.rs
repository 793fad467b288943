use crate::i18n::{t, Msg};
use leptos::prelude::*;

/// A message a person can act on, announced to screen readers. Renders nothing without one.
#[component]
pub fn FormError(#[prop(into)] message: Signal<Option<Msg>>, #[prop(optional)] id: &'static str) -> impl IntoView {
    move || {
        message.get().map(|msg| {
            view! {
                <p class="error" id=(!id.is_empty()).then_some(id) role="alert">
                    {t(msg)}
                </p>
            }
        })
    }
}
