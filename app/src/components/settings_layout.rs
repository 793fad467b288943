use crate::api::Viewer;
use crate::components::personal_menu::{MenuOf, PersonalMenu};
use crate::components::signed_in::with_viewer;
use crate::components::top_bar::TopBar;
use crate::i18n::{t, Msg};
use crate::routes;
use leptos::prelude::*;

/// Every page of Settings and maintenance: its own navigation (Users, Roles, Audit log, Apps) and
/// "Personal settings" → "Log out"; a session that ended sends the browser to its login.
pub fn settings_page<V: IntoView + 'static>(
    current: &'static str,
    page: impl Fn(Viewer) -> V + Send + Sync + Copy + 'static,
) -> impl IntoView {
    let here = move |path: &'static str| (path == current).then_some("page");
    with_viewer(routes::SETTINGS_LOGIN, move |viewer| {
        view! {
            <TopBar><PersonalMenu of=MenuOf::Settings/></TopBar>
            <div class="app-layout">
                <nav class="navigator" aria-label=t(Msg::SettingsAndMaintenance)>
                    <ul>
                        <li><a href=routes::SETTINGS_USERS aria-current=here(routes::SETTINGS_USERS)>{t(Msg::Users)}</a></li>
                        <li><a href=routes::SETTINGS_ROLES aria-current=here(routes::SETTINGS_ROLES)>{t(Msg::Roles)}</a></li>
                        <li><a href=routes::SETTINGS_AUDIT aria-current=here(routes::SETTINGS_AUDIT)>{t(Msg::AuditLog)}</a></li>
                        <li><a href=routes::SETTINGS_APPS aria-current=here(routes::SETTINGS_APPS)>{t(Msg::Apps)}</a></li>
                    </ul>
                </nav>
                <main class="settings">{page(viewer)}</main>
            </div>
        }
    })
}

/// The confirmation or refusal an action came back with (`?notice=` / `?refused=`).
#[component]
pub fn Outcome(outcome: Option<crate::api::AdminOutcome>) -> impl IntoView {
    outcome.map(|outcome| {
        if outcome.is_refusal() {
            view! { <p class="error" role="alert">{t(outcome.msg())}</p> }.into_any()
        } else {
            view! { <p class="notice" role="status">{t(outcome.msg())}</p> }.into_any()
        }
    })
}

/// The outcome named in the page's address.
pub fn outcome_in_address() -> Option<crate::api::AdminOutcome> {
    let query = leptos_router::hooks::use_query_map();
    let query = query.read_untracked();
    query.get("notice").or_else(|| query.get("refused")).as_deref().and_then(crate::api::AdminOutcome::parse)
}
