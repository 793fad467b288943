//! "Reset login" (`/reset-login`): the email address, then the emailed code
//! (`/reset-login/code`), then one button per tenant (`/reset-login/choose`). Plain form posts;
//! the server keeps the state (a challenge in an HttpOnly cookie).

use crate::api::{ChoiceEcho, ChoiceError, ChoiceField, TenantOptions};
use crate::components::email_field::EmailField;
use crate::components::form_error::FormError;
use crate::components::top_bar::TopBar;
use crate::i18n::{t, tf, Msg};
use crate::routes;
use leptos::prelude::*;
use leptos_meta::Title;

fn field_error(error: Option<ChoiceError>, field: ChoiceField) -> Signal<Option<Msg>> {
    Signal::stored(error.filter(|e| e.field() == field).map(|e| e.msg()))
}

fn invalid(error: Option<&ChoiceError>, field: ChoiceField) -> Option<&'static str> {
    error.is_some_and(|e| e.field() == field).then_some("true")
}

#[component]
pub fn ResetLoginPage() -> impl IntoView {
    let echo = use_context::<ChoiceEcho>().unwrap_or_default();
    let email_error = echo.error.as_ref().filter(|e| e.field() == ChoiceField::Email).map(ChoiceError::msg);
    view! {
        <Title text=t(Msg::ResetLogin)/>
        <TopBar/>
        <main class="card">
            <h1>{t(Msg::ResetLogin)}</h1>
            <p>{t(Msg::ResetLoginIntro)}</p>
            <FormError message=field_error(echo.error.clone(), ChoiceField::Form)/>
            <form method="post" action=routes::RESET_LOGIN novalidate>
                <EmailField value=echo.email error=email_error/>
                <button type="submit" class="primary">{t(Msg::Continue)}</button>
            </form>
            <p><a href=routes::LOGIN>{t(Msg::BackToLogin)}</a></p>
        </main>
    }
}

#[component]
pub fn ResetLoginCodePage() -> impl IntoView {
    let echo = use_context::<ChoiceEcho>().unwrap_or_default();
    let dead = echo.error == Some(ChoiceError::CodeDead);
    view! {
        <Title text=t(Msg::ResetLogin)/>
        <TopBar/>
        <main class="card">
            <h1>{t(Msg::ResetLogin)}</h1>
            <p role="status">{t(Msg::CodeIntro)}</p>
            <FormError message=field_error(echo.error.clone(), ChoiceField::Form)/>
            {(!dead).then(|| view! {
                <form method="post" action=routes::RESET_LOGIN_CODE novalidate>
                    <div class="field">
                        <label for="code">{t(Msg::Code)}</label>
                        <input
                            id="code"
                            name="code"
                            type="text"
                            inputmode="numeric"
                            autocomplete="one-time-code"
                            maxlength="12"
                            required
                            aria-describedby="code-error"
                            aria-invalid=invalid(echo.error.as_ref(), ChoiceField::Code)
                        />
                        <FormError message=field_error(echo.error.clone(), ChoiceField::Code) id="code-error"/>
                    </div>
                    <button type="submit" class="primary">{t(Msg::Continue)}</button>
                </form>
            })}
            <p><a href=routes::RESET_LOGIN>{t(Msg::AskForNewCode)}</a></p>
        </main>
    }
}

#[component]
pub fn ChooseTenantPage() -> impl IntoView {
    // Put there by the server while the choice is open; otherwise the code has to come first.
    let options = use_context::<TenantOptions>();
    view! {
        <Title text=t(Msg::ChooseTenant)/>
        <TopBar/>
        <main class="card">
            <h1>{t(Msg::ChooseTenant)}</h1>
            {match options {
                Some(options) if !options.tenants.is_empty() => view! {
                    <p>{tf(Msg::ChooseTenantIntro, &[("email", &options.email)])}</p>
                    <form method="post" action=routes::RESET_LOGIN_CHOOSE class="tenant-list">
                        {options.tenants.into_iter().map(|(slug, name)| view! {
                            <button type="submit" name="tenant" value=slug class="secondary">{name}</button>
                        }).collect_view()}
                    </form>
                }.into_any(),
                Some(_) => view! { <p role="alert" class="error">{t(Msg::NoTenants)}</p> }.into_any(),
                None => view! { <p role="alert" class="error">{t(Msg::CodeDead)}</p> }.into_any(),
            }}
            <p><a href=routes::RESET_LOGIN>{t(Msg::AskForNewCode)}</a></p>
            <p><a href=routes::LOGIN>{t(Msg::BackToLogin)}</a></p>
        </main>
    }
}
