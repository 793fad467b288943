use crate::i18n::{t, Msg};
use crate::routes;
use leptos::prelude::*;

/// Which app the menu belongs to: the CRM's has the personal pages, Service's only "Log out".
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum MenuOf {
    Crm,
    Service,
}

/// "Personal settings": a disclosure that works without JavaScript.
#[component]
pub fn PersonalMenu(#[prop(default = MenuOf::Crm)] of: MenuOf) -> impl IntoView {
    let logout = match of {
        MenuOf::Crm => routes::LOGOUT,
        MenuOf::Service => routes::SERVICE_LOGOUT,
    };
    view! {
        <details class="personal-menu">
            <summary role="button">{t(Msg::PersonalSettings)}</summary>
            <ul>
                {(of == MenuOf::Crm).then(|| view! {
                    <li><a href=routes::SESSIONS>{t(Msg::Sessions)}</a></li>
                })}
                <li>
                    <form method="post" action=logout>
                        <button type="submit" class="link-button">{t(Msg::LogOut)}</button>
                    </form>
                </li>
            </ul>
        </details>
    }
}
