use crate::components::top_bar::TopBar;
use crate::i18n::{t, Msg};
use crate::routes;
use leptos::prelude::*;
use leptos_meta::Title;

/// Until password reset by email exists, the answer onsite installations give.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    view! {
        <Title text=t(Msg::ForgotHeading)/>
        <TopBar/>
        <main class="card">
            <h1>{t(Msg::ForgotHeading)}</h1>
            <p>{t(Msg::ForgotContactAdmin)}</p>
            <p>
                <a href=routes::LOGIN>{t(Msg::BackToLogin)}</a>
            </p>
        </main>
    }
}
