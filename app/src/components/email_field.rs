//! "Email address": the one field of "Forgot your password?" and "Reset login".

use crate::components::form_error::FormError;
use crate::i18n::{t, Msg};
use leptos::prelude::*;

/// The field with what was typed, and the message that belongs next to it, if any.
#[component]
pub fn EmailField(value: String, error: Option<Msg>) -> impl IntoView {
    view! {
        <div class="field">
            <label for="email">{t(Msg::EmailAddress)}</label>
            <input
                id="email"
                name="email"
                type="email"
                autocomplete="email"
                autocapitalize="none"
                spellcheck="false"
                required
                value=value
                aria-describedby="email-error"
                aria-invalid=error.is_some().then_some("true")
            />
            <FormError message=Signal::stored(error) id="email-error"/>
        </div>
    }
}
