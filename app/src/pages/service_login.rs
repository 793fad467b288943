//! "Service" in the CRM navigator: the Service log in page. Its one button exchanges the CRM
//! session for a one-time ticket that Service redeems (see the server's `handoff`).

use crate::components::navigator::Navigator;
use crate::components::personal_menu::PersonalMenu;
use crate::components::signed_in::with_viewer;
use crate::components::top_bar::TopBar;
use crate::i18n::{t, tf, Msg};
use crate::routes;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ServiceLoginPage() -> impl IntoView {
    let query = use_query_map();
    let notice = match query.read_untracked().get("notice").as_deref() {
        Some("session-ended") => Some(Msg::ServiceSessionEnded),
        Some("service-logged-out") => Some(Msg::LoggedOutOfService),
        _ => None,
    };
    view! {
        <Title text=t(Msg::Service)/>
        {with_viewer(routes::LOGIN, move |viewer| view! {
            <TopBar><PersonalMenu/></TopBar>
            <div class="app-layout">
                <Navigator viewer=viewer.clone() current=routes::CRM_SERVICE/>
                <main>
                    <div class="card">
                        <h1>{t(Msg::Service)}</h1>
                        {notice.map(|msg| view! { <p class="notice" role="status">{t(msg)}</p> })}
                        {if viewer.can_service {
                            view! {
                                <p>{tf(Msg::ServiceLoginIntro, &[("name", &viewer.name), ("tenant", &viewer.tenant_name)])}</p>
                                <form method="post" action=routes::CRM_SERVICE_HANDOFF>
                                    <button type="submit" class="primary">{t(Msg::LogIn)}</button>
                                </form>
                            }
                                .into_any()
                        } else {
                            view! { <p class="error" role="alert">{t(Msg::NoServiceRight)}</p> }.into_any()
                        }}
                    </div>
                </main>
            </div>
        })}
    }
}
