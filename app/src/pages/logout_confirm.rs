//! "Log out" on a phone: "Are you sure?" with "Yes" and "No".

use crate::components::personal_menu::MenuOf;
use crate::components::signed_in::with_viewer;
use crate::components::top_bar::TopBar;
use crate::i18n::{t, Msg};
use crate::routes;
use leptos::prelude::*;
use leptos_meta::Title;

fn confirm_page(of: MenuOf) -> impl IntoView {
    let (login, question, action, back) = match of {
        MenuOf::Crm => (routes::LOGIN, Msg::LogOutOfCrmQuestion, routes::LOGOUT, routes::CRM),
        MenuOf::Service => (routes::CRM_SERVICE, Msg::LogOutOfServiceQuestion, routes::SERVICE_LOGOUT, routes::SERVICE),
        MenuOf::Settings => {
            (routes::SETTINGS_LOGIN, Msg::LogOutOfSettingsQuestion, routes::SETTINGS_LOGOUT, routes::SETTINGS)
        }
    };
    view! {
        <Title text=t(Msg::AreYouSure)/>
        {with_viewer(login, move |_| view! {
            <TopBar/>
            <main class="card">
                <h1>{t(Msg::AreYouSure)}</h1>
                <p>{t(question)}</p>
                <form method="post" action=action class="button-row">
                    <button type="submit" class="primary">{t(Msg::Yes)}</button>
                    <a href=back rel="external" class="button-link">{t(Msg::No)}</a>
                </form>
            </main>
        })}
    }
}

#[component]
pub fn CrmLogoutConfirmPage() -> impl IntoView {
    confirm_page(MenuOf::Crm)
}

#[component]
pub fn ServiceLogoutConfirmPage() -> impl IntoView {
    confirm_page(MenuOf::Service)
}

#[component]
pub fn SettingsLogoutConfirmPage() -> impl IntoView {
    confirm_page(MenuOf::Settings)
}
