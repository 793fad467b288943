//! The Service app's start page, behind its own session.

use crate::components::personal_menu::{MenuOf, PersonalMenu};
use crate::components::signed_in::with_viewer;
use crate::components::top_bar::TopBar;
use crate::i18n::{t, tf, Msg};
use crate::routes;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ServiceDashboardPage() -> impl IntoView {
    view! {
        <Title text=t(Msg::Dashboard)/>
        {with_viewer(routes::CRM_SERVICE, |viewer| view! {
            <TopBar><PersonalMenu of=MenuOf::Service/></TopBar>
            <main class="service-main">
                <h1>{t(Msg::Dashboard)}</h1>
                <p>{tf(Msg::DashboardIntro, &[("name", &viewer.name), ("tenant", &viewer.tenant_name)])}</p>
            </main>
        })}
    }
}
