use crate::domain::encode_query_component;
use crate::i18n::{t, use_lang, Lang, Msg};
use crate::routes;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// Links to the same page in every language; the choice is remembered on the device.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let location = use_location();
    let current = use_lang();
    let here = move || {
        let search = location.search.get();
        let path = location.pathname.get();
        if search.is_empty() {
            path
        } else {
            format!("{path}?{search}")
        }
    };
    view! {
        <nav class="language-switch" aria-label=t(Msg::Language)>
            {Lang::ALL
                .into_iter()
                .map(|lang| {
                    let href = move || {
                        format!("{}/{}?next={}", routes::LANGUAGE, lang.code(), encode_query_component(&here()))
                    };
                    view! {
                        <a
                            href=href
                            rel="external"
                            hreflang=lang.code()
                            lang=lang.code()
                            aria-current=(lang == current).then_some("true")
                        >
                            {lang.endonym()}
                        </a>
                    }
                })
                .collect_view()}
        </nav>
    }
}
