//! The start page of Settings and maintenance.

use crate::components::settings_layout::settings_page;
use crate::i18n::{t, tf, Msg};
use crate::routes;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SettingsPage() -> impl IntoView {
    view! {
        <Title text=t(Msg::SettingsAndMaintenance)/>
        {settings_page(routes::SETTINGS, |viewer| view! {
            <h1>{t(Msg::SettingsAndMaintenance)}</h1>
            <p>{tf(Msg::SettingsWelcome, &[("tenant", &viewer.tenant_name)])}</p>
        })}
    }
}
