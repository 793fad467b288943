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
    // Read once, while the component is made: the switch is server-rendered and the page is
    // not a client-side route, so its address never changes. A reactive read here ran again in
    // the page's suspense after the router's signals were gone (a panic under load).
    let here = {
        let search = location.search.get_untracked();
        let path = location.pathname.get_untracked();
        if search.is_empty() {
            path
        } else {
            format!("{path}?{search}")
        }
    };
    let next = encode_query_component(&here);
    view! {
        <nav class="language-switch" aria-label=t(Msg::Language)>
            {Lang::ALL
                .into_iter()
                .map(|lang| {
                    let href = format!("{}/{}?next={next}", routes::LANGUAGE, lang.code());
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
