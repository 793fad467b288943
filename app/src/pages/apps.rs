//! Settings and maintenance → Apps: the apps that sign their users in through Frontdoor as
//! their OpenID provider (registered with `frontdoor client add`). Read-only.

use crate::api::{admin_clients, ClientListRow};
use crate::components::settings_layout::settings_page;
use crate::i18n::{t, Msg};
use crate::routes;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
fn ClientTable(clients: Vec<ClientListRow>) -> impl IntoView {
    if clients.is_empty() {
        return view! { <p>{t(Msg::NoApps)}</p> }.into_any();
    }
    view! {
        <table class="apps">
            <caption class="visually-hidden">{t(Msg::Apps)}</caption>
            <thead>
                <tr>
                    <th scope="col">{t(Msg::Name)}</th>
                    <th scope="col">{t(Msg::ColumnClientId)}</th>
                    <th scope="col">{t(Msg::ColumnKind)}</th>
                    <th scope="col">{t(Msg::ColumnRedirectUris)}</th>
                </tr>
            </thead>
            <tbody>
                {clients.into_iter().map(|client| {
                    let kind = if client.native { t(Msg::KindNative) } else { t(Msg::KindWeb) };
                    let party = if client.first_party { t(Msg::FirstParty) } else { t(Msg::Partner) };
                    view! {
                        <tr>
                            <td data-label=t(Msg::Name)>{client.name}</td>
                            <td data-label=t(Msg::ColumnClientId)><code>{client.client_id}</code></td>
                            <td data-label=t(Msg::ColumnKind)>{format!("{kind}; {party}")}</td>
                            <td data-label=t(Msg::ColumnRedirectUris)>{client.redirect_uris.join(", ")}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
pub fn AppsPage() -> impl IntoView {
    let clients = Resource::new_blocking(|| (), |_| admin_clients());
    view! {
        <Title text=t(Msg::Apps)/>
        {settings_page(routes::SETTINGS_APPS, move |_| view! {
            <h1>{t(Msg::Apps)}</h1>
            <p>{t(Msg::AppsIntro)}</p>
            <Suspense>
                {move || Suspend::new(async move {
                    match clients.await {
                        Ok(clients) => view! { <ClientTable clients/> }.into_any(),
                        Err(_) => view! { <p class="error" role="alert">{t(Msg::TryAgainLater)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        })}
    }
}
