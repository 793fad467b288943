//! Personal settings → Sessions: every place this person is logged in, with a way out of each.

use crate::api::{my_apps, my_sessions, AppAccess, PasswordEcho, PasswordField, SessionRow};
use crate::components::form_error::FormError;
use crate::components::navigator::Navigator;
use crate::components::notice::{use_notice, NoticeLine};
use crate::components::password_fields::{field_error, invalid};
use crate::components::personal_menu::PersonalMenu;
use crate::components::signed_in::with_viewer;
use crate::components::top_bar::TopBar;
use crate::i18n::{t, tf, Msg};
use crate::model::{Area, Notice};
use crate::routes;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
fn SessionTable(rows: Vec<SessionRow>) -> impl IntoView {
    view! {
        <table class="sessions">
            <caption class="visually-hidden">{t(Msg::SessionsHeading)}</caption>
            <thead>
                <tr>
                    <th scope="col">{t(Msg::ColumnBrowser)}</th>
                    <th scope="col">{t(Msg::ColumnApp)}</th>
                    <th scope="col">{t(Msg::ColumnAddress)}</th>
                    <th scope="col">{t(Msg::ColumnStarted)}</th>
                    <th scope="col">{t(Msg::ColumnLastSeen)}</th>
                    <th scope="col"><span class="visually-hidden">{t(Msg::LogOut)}</span></th>
                </tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|row| {
                        let app = match row.app.as_str() {
                            "service" => t(Msg::AppService).to_string(),
                            "settings" => t(Msg::SettingsAndMaintenance).to_string(),
                            "client" => row.app_name.clone().unwrap_or_default(),
                            _ => t(Msg::AppCrm).to_string(),
                        };
                        view! {
                            <tr>
                                <td data-label=t(Msg::ColumnBrowser)>{row.browser}</td>
                                <td data-label=t(Msg::ColumnApp)>{app}</td>
                                <td data-label=t(Msg::ColumnAddress)>{row.address}</td>
                                <td data-label=t(Msg::ColumnStarted)>{row.started}</td>
                                <td data-label=t(Msg::ColumnLastSeen)>{row.last_seen}</td>
                                <td>
                                    {if row.current {
                                        view! { <strong>{t(Msg::ThisSession)}</strong> }.into_any()
                                    } else {
                                        view! {
                                            <form method="post" action=routes::SESSIONS_END>
                                                <input type="hidden" name="id" value=row.public_id/>
                                                <button type="submit">{t(Msg::LogOut)}</button>
                                            </form>
                                        }
                                            .into_any()
                                    }}
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// The partner apps this person allowed, each with "Remove access".
#[component]
fn AppsWithAccess(apps: Vec<AppAccess>) -> impl IntoView {
    view! {
        <section class="apps-with-access" aria-labelledby="apps-with-access">
            <h2 id="apps-with-access">{t(Msg::AppsWithAccess)}</h2>
            <p>{t(Msg::AppsWithAccessIntro)}</p>
            <ul>
                {apps.into_iter().map(|app| view! {
                    <li>
                        <form method="post" action=routes::APPS_REVOKE class="inline-form">
                            <span>{app.name.clone()}</span>" "
                            <input type="hidden" name="client_id" value=app.client_id/>
                            <button type="submit" class="secondary">{tf(Msg::RemoveAccess, &[("app", &app.name)])}</button>
                        </form>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
pub fn SessionsPage() -> impl IntoView {
    let notice = use_notice(&[Notice::SessionLoggedOut, Notice::OthersLoggedOut, Notice::AccessRemoved]);
    let sessions = Resource::new_blocking(|| (), |_| my_sessions());
    let apps = Resource::new_blocking(|| (), |_| my_apps());
    // Set by the server when "Log out everywhere else" was refused.
    let echo = StoredValue::new(use_context::<PasswordEcho>().unwrap_or_default());
    view! {
        <Title text=t(Msg::SessionsHeading)/>
        {with_viewer(routes::LOGIN, move |viewer| {
            let echo = echo.get_value();
            view! {
            <TopBar><PersonalMenu/></TopBar>
            <div class="app-layout">
                <Navigator viewer=viewer/>
                <main>
                    <h1>{t(Msg::SessionsHeading)}</h1>
                    <NoticeLine notice area=Area::Crm/>
                    <p>{t(Msg::SessionsIntro)}</p>
                    <Suspense>
                        {move || Suspend::new(async move {
                            match sessions.await {
                                Ok(rows) => view! { <SessionTable rows/> }.into_any(),
                                Err(_) => view! { <p class="error" role="alert">{t(Msg::Unexpected)}</p> }.into_any(),
                            }
                        })}
                    </Suspense>
                    <form method="post" action=routes::SESSIONS_END_OTHERS class="end-others" novalidate>
                        <p>{t(Msg::LogOutEverywhereElseIntro)}</p>
                        <FormError message=field_error(echo.error.clone(), PasswordField::Form)/>
                        <div class="field">
                            <label for="end-others-password">{t(Msg::Password)}</label>
                            <input
                                id="end-others-password"
                                name="password"
                                type="password"
                                autocomplete="current-password"
                                required
                                aria-describedby="end-others-password-error"
                                aria-invalid=invalid(echo.error.as_ref(), PasswordField::Current)
                            />
                            <FormError
                                message=field_error(echo.error.clone(), PasswordField::Current)
                                id="end-others-password-error"
                            />
                        </div>
                        <button type="submit" class="secondary">{t(Msg::LogOutEverywhereElse)}</button>
                    </form>
                    <Suspense>
                        {move || Suspend::new(async move {
                            match apps.await {
                                Ok(apps) if !apps.is_empty() => view! { <AppsWithAccess apps/> }.into_any(),
                                _ => ().into_any(),
                            }
                        })}
                    </Suspense>
                </main>
            </div>
        }})}
    }
}
