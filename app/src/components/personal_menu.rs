use crate::i18n::{t, Msg};
use crate::routes;
use leptos::prelude::*;

/// "Personal settings": a disclosure that works without JavaScript.
#[component]
pub fn PersonalMenu() -> impl IntoView {
    view! {
        <details class="personal-menu">
            <summary role="button">{t(Msg::PersonalSettings)}</summary>
            <ul>
                <li>
                    <form method="post" action=routes::LOGOUT>
                        <button type="submit" class="link-button">{t(Msg::LogOut)}</button>
                    </form>
                </li>
            </ul>
        </details>
    }
}
