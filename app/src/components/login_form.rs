//! The login form: a plain post until the island is hydrated, then the `login` server function.

use crate::api::{Field, Login, LoginEcho, LoginError};
use crate::components::form_error::FormError;
use crate::domain::{LoginName, LoginNameError, MAX_PASSWORD_CHARS};
use crate::i18n::{t, Msg, Phrases};
use leptos::html::Input;
use leptos::prelude::*;

/// The form itself: a plain post to `action` until the island is hydrated, then the `login`
/// server function (no reload; the message appears next to the field and focus moves there).
/// An island in the login bundle (`frontend/`) only.
#[cfg_attr(any(feature = "ssr", feature = "islands-login"), island)]
#[cfg_attr(not(any(feature = "ssr", feature = "islands-login")), component)]
pub fn LoginForm(
    action: String,
    tenant: Option<String>,
    next: Option<String>,
    echo: LoginEcho,
    /// [`login_form_phrases`], in the page's language.
    phrases: Phrases,
) -> impl IntoView {
    phrases.install();
    let error = RwSignal::new(echo.error.clone());
    let user_ref = NodeRef::<Input>::new();
    let password_ref = NodeRef::<Input>::new();
    let pending = RwSignal::new(false);
    Effect::new(move |_| crate::hydration::mark_hydrated());

    // Where the answer goes: the next page, or the message next to its field. `pending` only
    // guards against a second request while one is under way (a page restored by the back
    // button must not find the form still locked).
    let answer = move |result: Result<String, LoginError>| match result {
        Ok(path) => {
            let _ = window().location().set_href(&path);
            pending.set(false);
        }
        Err(err) => {
            pending.set(false);
            let focus = if err.field() == Field::UserId { user_ref } else { password_ref };
            if let Some(password) = password_ref.get_untracked() {
                password.set_value("");
            }
            error.set(Some(err));
            if let Some(input) = focus.get_untracked() {
                let _ = input.focus();
            }
        }
    };

    let tenant_for_submit = tenant.clone();
    let next_for_submit = next.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let user_id = user_ref.get_untracked().map(|i| i.value()).unwrap_or_default();
        let password = password_ref.get_untracked().map(|i| i.value()).unwrap_or_default();
        if let Some(problem) = check_before_sending(&user_id, &password) {
            error.set(Some(problem));
            return;
        }
        pending.set(true);
        let call = Login { tenant: tenant_for_submit.clone(), user_id, password, next: next_for_submit.clone() };
        leptos::task::spawn_local(async move { answer(send(call).await) });
    };

    let field_error =
        move |field: Field| Signal::derive(move || error.get().filter(|e| e.field() == field).map(|e| e.msg()));
    let form_error = field_error(Field::Form);
    let invalid = move |field: Field| move || error.get().is_some_and(|e| e.field() == field).then_some("true");

    view! {
        <FormError message=form_error/>
        <form method="post" action=action on:submit=on_submit novalidate>
            {next.map(|next| view! { <input type="hidden" name="next" value=next/> })}
            <div class="field">
                <label for="user-id">{t(Msg::UserId)}</label>
                <input
                    id="user-id"
                    name="user_id"
                    type="text"
                    autocomplete="username webauthn"
                    autocapitalize="none"
                    spellcheck="false"
                    required
                    value=echo.user_id
                    aria-describedby="user-id-hint user-id-error"
                    aria-invalid=invalid(Field::UserId)
                    node_ref=user_ref
                />
                <p class="hint" id="user-id-hint">{t(Msg::UserIdHint)}</p>
                <FormError message=field_error(Field::UserId) id="user-id-error"/>
            </div>
            <div class="field">
                <label for="password">{t(Msg::Password)}</label>
                <input
                    id="password"
                    name="password"
                    type="password"
                    autocomplete="current-password"
                    required
                    aria-describedby="password-error"
                    aria-invalid=invalid(Field::Password)
                    node_ref=password_ref
                />
                <FormError message=field_error(Field::Password) id="password-error"/>
            </div>
            <button type="submit" class="primary" aria-busy=move || pending.get().then_some("true")>
                {t(Msg::LogIn)}
            </button>
        </form>
    }
}

/// Every text [`LoginForm`] may show.
pub fn login_form_phrases() -> Phrases {
    let labels = [Msg::UserId, Msg::UserIdHint, Msg::Password, Msg::LogIn];
    Phrases::of(labels.into_iter().chain(LoginError::ALL.iter().map(LoginError::msg)))
}

/// The checks worth doing before a round trip; the server repeats them.
pub fn check_before_sending(user_id: &str, password: &str) -> Option<LoginError> {
    match LoginName::check(user_id) {
        Err(LoginNameError::Empty) => return Some(LoginError::EnterUserId),
        Err(LoginNameError::TooLong) => return Some(LoginError::UserIdTooLong),
        _ => {}
    }
    // An empty password goes to the server all the same: the user ID may belong to a tenant that
    // signs in through its identity provider (home-realm discovery); else it says "Enter …".
    if password.chars().count() > MAX_PASSWORD_CHARS {
        Some(LoginError::PasswordTooLong)
    } else {
        None
    }
}

/// Calls the `login` server function with the browser's own `fetch`, encoded as its generated
/// client would (a URL-encoded post, JSON back; an error status carries the [`LoginError`]).
/// The generated client would bring the whole server-function client (request builders, a
/// query-string serialiser, gloo-net) into the login bundle for this one call.
#[cfg(feature = "hydrate")]
async fn send(call: Login) -> Result<String, LoginError> {
    use leptos::server_fn::ServerFn;
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    let unexpected = |_| LoginError::Unexpected;
    let form = web_sys::UrlSearchParams::new().map_err(unexpected)?;
    let Login { tenant, user_id, password, next } = call;
    let fields = [("tenant", tenant), ("user_id", Some(user_id)), ("password", Some(password)), ("next", next)];
    for (name, value) in fields {
        if let Some(value) = value {
            form.append(name, &value);
        }
    }
    let headers = web_sys::Headers::new().map_err(unexpected)?;
    headers.set("Content-Type", "application/x-www-form-urlencoded").map_err(unexpected)?;
    headers.set("Accept", "application/json").map_err(unexpected)?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&form);
    let response = JsFuture::from(window().fetch_with_str_and_init(Login::PATH, &init))
        .await
        .map_err(unexpected)?
        .dyn_into::<web_sys::Response>()
        .map_err(unexpected)?;
    let body = JsFuture::from(response.text().map_err(unexpected)?).await.map_err(unexpected)?.as_string();
    let body = body.unwrap_or_default();
    if response.ok() {
        serde_json::from_str(&body).map_err(|_| LoginError::Unexpected)
    } else {
        Err(serde_json::from_str(&body).unwrap_or(LoginError::Unexpected))
    }
}

/// Event handlers never run on the server; this keeps the island's code one for both.
#[cfg(not(feature = "hydrate"))]
async fn send(call: Login) -> Result<String, LoginError> {
    crate::api::login(call.tenant, call.user_id, call.password, call.next).await
}
