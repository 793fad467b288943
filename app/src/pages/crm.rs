//! The CRM start page: who is signed in, the navigator and the personal settings menu.

use crate::api::{current_viewer, Viewer};
use crate::components::personal_menu::PersonalMenu;
use crate::components::top_bar::TopBar;
use crate::i18n::{t, tf, Msg};
use crate::routes;
use leptos::prelude::*;
use leptos_meta::Title;

/// Loads the signed-in person, blocking the HTML stream so the page works without JavaScript.
/// The server only routes signed-in requests here; a session that ended since is sent to log in.
fn with_viewer<V: IntoView + 'static>(page: impl Fn(Viewer) -> V + Send + Sync + Copy + 'static) -> impl IntoView {
    let viewer = Resource::new_blocking(|| (), |_| current_viewer());
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                match viewer.await {
                    Ok(viewer) => page(viewer).into_any(),
                    Err(_) => {
                        #[cfg(not(feature = "ssr"))]
                        let _ = window().location().set_href(&format!("{}?notice=session-ended", routes::LOGIN));
                        ().into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn Navigator(viewer: Viewer) -> impl IntoView {
    view! {
        <nav class="navigator" aria-label=t(Msg::Navigator)>
            <ul>
                <li><a href=routes::CRM aria-current="page">{t(Msg::CrmTitle)}</a></li>
                {viewer.can_service.then(|| view! { <li><a href=routes::SERVICE>{t(Msg::Service)}</a></li> })}
                {viewer.can_admin.then(|| view! { <li><a href=routes::SETTINGS>{t(Msg::SettingsAndMaintenance)}</a></li> })}
            </ul>
        </nav>
    }
}

#[component]
pub fn CrmPage() -> impl IntoView {
    view! {
        <Title text=t(Msg::CrmTitle)/>
        {with_viewer(|viewer| view! {
            <TopBar><PersonalMenu/></TopBar>
            <div class="app-layout">
                <Navigator viewer=viewer.clone()/>
                <main>
                    <h1>{tf(Msg::Welcome, &[("name", &viewer.name)])}</h1>
                    <p>{tf(Msg::SignedInTo, &[("tenant", &viewer.tenant_name)])}</p>
                </main>
            </div>
        })}
    }
}

/// A part of the suite the navigator already names but that is not built yet.
#[component]
pub fn NotYetPage() -> impl IntoView {
    view! {
        {with_viewer(|viewer| view! {
            <TopBar><PersonalMenu/></TopBar>
            <div class="app-layout">
                <Navigator viewer=viewer/>
                <main>
                    <p>{t(Msg::ComingSoon)}</p>
                </main>
            </div>
        })}
    }
}
