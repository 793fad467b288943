//! The CRM start page: who is signed in, the navigator and the personal settings menu.

use crate::components::navigator::Navigator;
use crate::components::notice::use_notice;
use crate::components::personal_menu::PersonalMenu;
use crate::components::signed_in::with_viewer;
use crate::components::top_bar::TopBar;
use crate::i18n::{t, tf, Msg};
use crate::model::Notice;
use crate::routes;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn CrmPage() -> impl IntoView {
    // After a login that picked one of several tenants for this email (no tenant was named).
    let other_tenants = use_notice(&[Notice::OtherTenants]).is_some();
    view! {
        <Title text=t(Msg::CrmTitle)/>
        {with_viewer(routes::LOGIN, move |viewer| view! {
            <TopBar><PersonalMenu/></TopBar>
            <div class="app-layout">
                <Navigator viewer=viewer.clone() current=routes::CRM/>
                <main>
                    <h1>{tf(Msg::Welcome, &[("name", &viewer.name)])}</h1>
                    <p>{tf(Msg::SignedInTo, &[("tenant", &viewer.tenant_name)])}</p>
                    {other_tenants.then(|| view! {
                        <p class="notice" role="status">
                            {tf(Msg::OtherTenants, &[("tenant", &viewer.tenant_name)])}" "
                            <a href=routes::RESET_LOGIN>{t(Msg::ResetLogin)}</a>
                        </p>
                    })}
                </main>
            </div>
        })}
    }
}
