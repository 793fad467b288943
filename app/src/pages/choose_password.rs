//! The pages opened from an emailed link: Activate account (`/activate`) and Reset password
//! (`/reset-password`). Both are plain form posts that work before the WASM has loaded; once
//! hydrated, the strength meter scores every keystroke.

use crate::api::{link_owner, LinkKind, PasswordEcho, PasswordField, PasswordOwner};
use crate::components::form_error::FormError;
use crate::components::password_fields::{field_error, new_password_phrases, NewPasswordFields};
use crate::components::sso_buttons::SsoButtons;
use crate::components::top_bar::TopBar;
use crate::i18n::{t, tf, Msg};
use crate::routes;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ActivatePage() -> impl IntoView {
    view! { <LinkPage kind=LinkKind::Activation/> }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    view! { <LinkPage kind=LinkKind::PasswordReset/> }
}

#[component]
fn LinkPage(kind: LinkKind) -> impl IntoView {
    let owner = Resource::new_blocking(move || kind, link_owner);
    // Set by the server when the form was refused.
    let echo = use_context::<PasswordEcho>().unwrap_or_default();
    let heading = match kind {
        LinkKind::Activation => Msg::ActivateHeading,
        LinkKind::PasswordReset => Msg::ResetHeading,
    };
    view! {
        <Title text=t(heading)/>
        <TopBar/>
        <main class="card">
            <Suspense>
                {move || {
                    let echo = echo.clone();
                    Suspend::new(async move {
                        match owner.await {
                            Ok(Some(owner)) => view! { <ChoosePasswordForm kind owner echo/> }.into_any(),
                            _ => view! { <LinkInvalid kind/> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </main>
    }
}

#[component]
fn ChoosePasswordForm(kind: LinkKind, owner: PasswordOwner, echo: PasswordEcho) -> impl IntoView {
    let (heading, intro) = match kind {
        LinkKind::Activation => (Msg::ActivateHeading, Msg::ActivateIntro),
        LinkKind::PasswordReset => (Msg::ResetHeading, Msg::ResetIntro),
    };
    let who =
        [("name", owner.name.as_str()), ("login", owner.login_name.as_str()), ("tenant", owner.tenant_name.as_str())];
    // An invitation to a tenant with providers offers them; without password login, only them.
    let with_providers = kind == LinkKind::Activation && !owner.sso.is_empty();
    let password_form = !with_providers || owner.password_login;
    let intro = tf(if with_providers { Msg::ActivateWithProviderIntro } else { intro }, &who);
    let providers = with_providers.then(|| {
        view! {
            <SsoButtons providers=owner.sso.clone() label=Msg::ActivateWith action=routes::ACTIVATE_SSO/>
            {password_form.then(|| view! { <p class="or">{t(Msg::OrChoosePassword)}</p> })}
        }
    });
    view! {
        <h1>{t(heading)}</h1>
        <p>{intro}</p>
        {providers}
        <FormError message=field_error(echo.error.clone(), PasswordField::Form)/>
        {password_form.then(|| view! { <PasswordForm kind owner echo/> })}
    }
}

#[component]
fn PasswordForm(kind: LinkKind, owner: PasswordOwner, echo: PasswordEcho) -> impl IntoView {
    let (confirm_label, button, action) = match kind {
        LinkKind::Activation => (Msg::ConfirmPassword, Msg::Activate, routes::ACTIVATE),
        LinkKind::PasswordReset => (Msg::RepeatPassword, Msg::Reset, routes::RESET_PASSWORD),
    };
    let phrases = new_password_phrases(Msg::Password, confirm_label, echo.error.as_ref());
    view! {
        <form method="post" action=action novalidate>
            // For password managers: whose password this is.
            <input type="hidden" name="username" autocomplete="username" value=owner.login_name.clone()/>
            <NewPasswordFields
                new_label=Msg::Password
                confirm_label=confirm_label
                user_inputs=owner.user_inputs
                error=echo.error
                phrases
            />
            <button type="submit" class="primary">{t(button)}</button>
        </form>
    }
}

/// One clear page for a used, expired, replaced or unknown link, with what to do next.
#[component]
fn LinkInvalid(kind: LinkKind) -> impl IntoView {
    let (explanation, next) = match kind {
        LinkKind::Activation => (Msg::LinkInvalidActivation, None),
        LinkKind::PasswordReset => (Msg::LinkInvalidReset, Some((routes::FORGOT_PASSWORD, Msg::AskForNewLink))),
    };
    view! {
        <h1>{t(Msg::LinkInvalidHeading)}</h1>
        <p>{t(explanation)}</p>
        {next.map(|(href, label)| view! { <p><a href=href>{t(label)}</a></p> })}
        <p><a href=routes::LOGIN>{t(Msg::BackToLogin)}</a></p>
    }
}
