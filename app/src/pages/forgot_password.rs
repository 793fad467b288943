//! Forgot your password? Online installations take an email address and send a reset link
//! (the same answer whether or not the address is known); onsite installations send people to
//! their administrator.

use crate::api::{reset_policy, PasswordEcho, PasswordError, PasswordField};
use crate::components::email_field::EmailField;
use crate::components::form_error::FormError;
use crate::components::password_fields::field_error;
use crate::components::top_bar::TopBar;
use crate::i18n::{t, tf, Msg};
use crate::routes;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let policy = Resource::new_blocking(|| (), |_| reset_policy());
    let sent = use_query_map().read_untracked().get("sent").is_some();
    // Set by the server when the form was refused.
    let echo = use_context::<PasswordEcho>().unwrap_or_default();
    view! {
        <Title text=t(Msg::ForgotHeading)/>
        <TopBar/>
        <main class="card">
            <h1>{t(Msg::ForgotHeading)}</h1>
            <Suspense>
                {move || {
                    let echo = echo.clone();
                    Suspend::new(async move {
                        let policy = policy.await.unwrap_or_default();
                        if !policy.by_email {
                            return view! { <p>{t(Msg::ForgotContactAdmin)}</p> }.into_any();
                        }
                        if sent {
                            let minutes = policy.link_minutes.to_string();
                            return view! {
                                <p class="notice" role="status">{tf(Msg::ForgotSent, &[("minutes", &minutes)])}</p>
                            }
                            .into_any();
                        }
                        let email_error =
                            echo.error.as_ref().filter(|e| e.field() == PasswordField::Email).map(PasswordError::msg);
                        view! {
                            <p>{t(Msg::ForgotIntro)}</p>
                            <FormError message=field_error(echo.error.clone(), PasswordField::Form)/>
                            <form method="post" action=routes::FORGOT_PASSWORD novalidate>
                                <EmailField value=echo.email error=email_error/>
                                <button type="submit" class="primary">{t(Msg::ResetPasswordButton)}</button>
                            </form>
                        }
                        .into_any()
                    })
                }}
            </Suspense>
            <p>
                <a href=routes::LOGIN>{t(Msg::BackToLogin)}</a>
            </p>
        </main>
    }
}
