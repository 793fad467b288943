use crate::i18n::{t, Msg};
use crate::routes;
use leptos::prelude::*;

/// Which app the menu belongs to: the CRM's has the personal pages, the others only "Log out".
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum MenuOf {
    Crm,
    Service,
    Settings,
}

/// "Personal settings": a disclosure that works without JavaScript. On a wide screen "Log out"
/// logs out at once; on a phone it asks "Are you sure?" first (the stylesheet shows one or the
/// other, so only one is ever in the accessibility tree).
#[component]
pub fn PersonalMenu(#[prop(default = MenuOf::Crm)] of: MenuOf) -> impl IntoView {
    let (logout, confirm) = match of {
        MenuOf::Crm => (routes::LOGOUT, routes::CRM_LOGOUT_CONFIRM),
        MenuOf::Service => (routes::SERVICE_LOGOUT, routes::SERVICE_LOGOUT_CONFIRM),
        MenuOf::Settings => (routes::SETTINGS_LOGOUT, routes::SETTINGS_LOGOUT_CONFIRM),
    };
    view! {
        <details class="personal-menu">
            <summary role="button">{t(Msg::PersonalSettings)}</summary>
            <ul>
                {(of == MenuOf::Crm).then(|| view! {
                    <li><a href=routes::CHANGE_PASSWORD>{t(Msg::ChangePassword)}</a></li>
                    <li><a href=routes::SESSIONS>{t(Msg::Sessions)}</a></li>
                    <li><a href=routes::TWO_STEP_SETTINGS>{t(Msg::TwoStepHeading)}</a></li>
                    <li><a href=routes::PASSKEYS>{t(Msg::Passkeys)}</a></li>
                })}
                <li class="wide-only">
                    <form method="post" action=logout>
                        <button type="submit" class="link-button">{t(Msg::LogOut)}</button>
                    </form>
                </li>
                <li class="narrow-only">
                    <a href=confirm rel="external">{t(Msg::LogOut)}</a>
                </li>
                // As in the mobile app: picking another tenant, after "Log out".
                {(of == MenuOf::Crm).then(|| view! {
                    <li class="narrow-only"><a href=routes::RESET_LOGIN>{t(Msg::ResetLogin)}</a></li>
                })}
            </ul>
        </details>
    }
}
