use crate::components::language_switch::LanguageSwitch;
use crate::i18n::{t, Msg};
use leptos::prelude::*;

/// The bar at the top of every page: the product name, the language switch and whatever
/// the page adds (the personal settings menu, once signed in).
#[component]
pub fn TopBar(#[prop(optional)] children: Option<Children>) -> impl IntoView {
    view! {
        <header class="top-bar">
            <span class="brand">{t(Msg::ProductName)}</span>
            <div class="top-bar-end">
                <LanguageSwitch/>
                {children.map(|c| c())}
            </div>
        </header>
    }
}
