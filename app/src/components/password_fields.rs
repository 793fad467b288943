//! The two fields where a new password is chosen (with the live strength meter), and the
//! message a refused form shows next to each field.

use crate::api::{PasswordError, PasswordField};
use crate::components::form_error::FormError;
use crate::components::strength_meter::{self, suggestion_msg, warning_msg, StrengthMeter};
use crate::i18n::{t, Msg, Phrases};
use leptos::prelude::*;

/// The message for `field`, if the error belongs there.
pub fn field_error(error: Option<PasswordError>, field: PasswordField) -> Signal<Option<Msg>> {
    Signal::stored(error.filter(|e| e.field() == field).map(|e| e.msg()))
}

/// `aria-invalid` for `field`: "true" when the error belongs there.
pub fn invalid(error: Option<&PasswordError>, field: PasswordField) -> Option<&'static str> {
    error.is_some_and(|e| e.field() == field).then_some("true")
}

/// An island: the live strength meter needs the browser; the rest is plain HTML. It is in the
/// password bundle (`frontend/passwords/`) only.
#[cfg_attr(any(feature = "ssr", feature = "islands-passwords"), island)]
#[cfg_attr(not(any(feature = "ssr", feature = "islands-passwords")), component)]
pub fn NewPasswordFields(
    new_label: Msg,
    confirm_label: Msg,
    user_inputs: Vec<String>,
    error: Option<PasswordError>,
    /// [`new_password_phrases`] for the same labels and error.
    phrases: Phrases,
) -> impl IntoView {
    phrases.install();
    let password = RwSignal::new(String::new());
    Effect::new(move |_| crate::hydration::mark_hydrated());
    // The server's own verdict on a refused password, so its reasons show without JavaScript.
    let server_feedback = match &error {
        Some(PasswordError::TooWeak(verdict)) => Some(verdict.clone()),
        _ => None,
    };
    view! {
        <div class="field">
            <label for="new-password">{t(new_label)}</label>
            <input
                id="new-password"
                name="password"
                type="password"
                autocomplete="new-password"
                required
                aria-describedby="password-rules new-password-error password-strength"
                aria-invalid=invalid(error.as_ref(), PasswordField::New)
                on:input=move |ev| password.set(event_target_value(&ev))
            />
            <p class="hint" id="password-rules">{t(Msg::PasswordRules)}</p>
            <FormError message=field_error(error.clone(), PasswordField::New) id="new-password-error"/>
            {server_feedback.map(|verdict| view! {
                <div class="server-feedback">
                    {verdict.warning.map(|w| view! { <p class="warning">{t(warning_msg(w))}</p> })}
                    <ul>{verdict.suggestions.into_iter().map(|s| view! { <li>{t(suggestion_msg(s))}</li> }).collect_view()}</ul>
                </div>
            })}
            <StrengthMeter password=password user_inputs=user_inputs/>
        </div>
        <div class="field">
            <label for="confirm-password">{t(confirm_label)}</label>
            <input
                id="confirm-password"
                name="confirm"
                type="password"
                autocomplete="new-password"
                required
                aria-describedby="confirm-password-error"
                aria-invalid=invalid(error.as_ref(), PasswordField::Confirm)
            />
            <FormError message=field_error(error.clone(), PasswordField::Confirm) id="confirm-password-error"/>
        </div>
    }
}

/// Every text [`NewPasswordFields`] may show: the labels, the rules, the refusal, the meter's.
pub fn new_password_phrases(new_label: Msg, confirm_label: Msg, error: Option<&PasswordError>) -> Phrases {
    let mut msgs = vec![new_label, confirm_label, Msg::PasswordRules];
    msgs.extend(error.map(PasswordError::msg));
    msgs.extend(strength_meter::messages());
    Phrases::of(msgs)
}
