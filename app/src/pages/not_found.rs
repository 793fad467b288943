use crate::components::top_bar::TopBar;
use crate::i18n::{t, Msg};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text=t(Msg::NotFound)/>
        <TopBar/>
        <main class="card">
            <h1>{t(Msg::NotFound)}</h1>
            <p>{t(Msg::NotFoundHelp)}</p>
        </main>
    }
}
