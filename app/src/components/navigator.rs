use crate::api::Viewer;
use crate::i18n::{t, Msg};
use crate::routes;
use leptos::prelude::*;

/// The CRM's navigator: the start page, Service for those allowed, and Settings and
/// maintenance for administrators.
#[component]
pub fn Navigator(viewer: Viewer, #[prop(optional)] current: &'static str) -> impl IntoView {
    let here = move |path: &'static str| (path == current).then_some("page");
    view! {
        <nav class="navigator" aria-label=t(Msg::Navigator)>
            <ul>
                <li><a href=routes::CRM aria-current=here(routes::CRM)>{t(Msg::CrmTitle)}</a></li>
                {viewer.can_service.then(|| view! {
                    <li><a href=routes::CRM_SERVICE aria-current=here(routes::CRM_SERVICE)>{t(Msg::Service)}</a></li>
                })}
                {viewer.can_admin.then(|| view! {
                    <li><a href=routes::SETTINGS aria-current=here(routes::SETTINGS)>{t(Msg::SettingsAndMaintenance)}</a></li>
                })}
            </ul>
        </nav>
    }
}
