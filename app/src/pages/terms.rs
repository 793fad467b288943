//! The Terms of Service amendment (`/settings/terms`): shown at the first login to Settings and
//! maintenance after a version is published, until it is accepted. "OK" does nothing until
//! "Accept" is ticked (the browser's own `required`; the server checks again).

use crate::api::{pending_terms, TermsEcho};
use crate::components::form_error::FormError;
use crate::components::personal_menu::{MenuOf, PersonalMenu};
use crate::components::signed_in::with_viewer;
use crate::components::top_bar::TopBar;
use crate::i18n::{t, Msg};
use crate::routes;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn TermsPage() -> impl IntoView {
    let terms = Resource::new_blocking(|| (), |_| pending_terms());
    let echo = use_context::<TermsEcho>().unwrap_or_default();
    let refused = echo.tick_accept.then_some(Msg::TickAccept);
    view! {
        <Title text=t(Msg::TermsTitle)/>
        {with_viewer(routes::SETTINGS_LOGIN, move |_| view! {
            <TopBar><PersonalMenu of=MenuOf::Settings/></TopBar>
            <Suspense>
                {move || Suspend::new(async move {
                    match terms.await {
                        Ok(Some(terms)) => view! {
                            <div class="dialog-backdrop">
                                <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="terms-title"
                                    aria-describedby="terms-intro">
                                    <h1 id="terms-title">{t(Msg::TermsTitle)}</h1>
                                    <p id="terms-intro">{t(Msg::TermsIntro)}</p>
                                    <div class="terms-text" tabindex="0" inner_html=terms.html></div>
                                    <form method="post" action=routes::SETTINGS_TERMS>
                                        <input type="hidden" name="version" value=terms.version/>
                                        <FormError message=Signal::stored(refused) id="accept-error"/>
                                        <div class="checkbox">
                                            <input id="accept" name="accept" type="checkbox" value="yes" required
                                                aria-describedby="accept-error"/>
                                            <label for="accept">{t(Msg::Accept)}</label>
                                        </div>
                                        <button type="submit" class="primary">{t(Msg::Ok)}</button>
                                    </form>
                                </div>
                            </div>
                        }.into_any(),
                        // Nothing to accept (any more): on to the start page.
                        Ok(None) => view! {
                            <main class="card"><a href=routes::SETTINGS>{t(Msg::Continue)}</a></main>
                        }.into_any(),
                        Err(_) => view! { <p class="error" role="alert">{t(Msg::TryAgainLater)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        })}
    }
}
