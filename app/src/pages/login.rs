//! The login page (`/login`, `/t/{tenant}/login`). A plain form post works before the WASM
//! has loaded; once hydrated, the same form calls the `login` server function instead.

use crate::api::LoginEcho;
use crate::components::login_form::{login_form_phrases, LoginForm};
use crate::components::notice::{use_notice, NoticeLine};
use crate::components::passkeys::passkeys_offered;
use crate::components::sso_buttons::SsoButtons;
use crate::components::top_bar::TopBar;
use crate::i18n::{t, Msg};
use crate::model::{Area, Notice, SsoChoices};
use crate::routes;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_params_map, use_query_map};

#[component]
pub fn LoginPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let location = use_location();
    let tenant = params.read_untracked().get("tenant");
    let next = query.read_untracked().get("next");
    let notice = use_notice(&[
        Notice::LoggedOut,
        Notice::LoggedOutSso,
        Notice::SessionEnded,
        Notice::PasswordReset,
        Notice::NoCrmRight,
    ]);
    // Set by the server when a plain form post failed; empty otherwise.
    let echo = use_context::<LoginEcho>().unwrap_or_default();
    let action = location.pathname.get_untracked();
    // The providers of the tenant in the address or remembered by this device, set by the server.
    let SsoChoices(providers) = use_context::<SsoChoices>().unwrap_or_default();
    let passkeys = passkeys_offered();
    let or_password = (!providers.is_empty()).then(|| view! { <p class="or">{t(Msg::OrWithPassword)}</p> });

    view! {
        <Title text=t(Msg::LoginHeading)/>
        <TopBar/>
        <main class="card">
            <h1>{t(Msg::LoginHeading)}</h1>
            <NoticeLine notice area=Area::Crm/>
            <SsoButtons providers label=Msg::LogInWith action=routes::SSO_START next=next.clone()/>
            {or_password}
            <LoginForm action tenant next echo phrases=login_form_phrases()/>
            {passkeys.then(|| view! {
                // Shown by the passkey script where the browser has passkeys.
                <div class="passkey-login" data-passkey-login-box hidden>
                    <button type="button" class="secondary" data-passkey-login>{t(Msg::LogInWithPasskey)}</button>
                    <p class="error" role="alert" data-passkey-error hidden>{t(Msg::PasskeyFailed)}</p>
                </div>
                <script type="module" src=routes::PASSKEYS_SCRIPT></script>
            })}
            <p class="link-row">
                <a href=routes::FORGOT_PASSWORD>{t(Msg::ForgotPassword)}</a>
                <a href=routes::RESET_LOGIN>{t(Msg::ResetLogin)}</a>
            </p>
        </main>
    }
}
