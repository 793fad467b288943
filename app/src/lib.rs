//! Frontdoor's Leptos application: pages, components, server functions and the pure domain
//! rules shared by the browser and the server. Server-only code sits behind the `ssr` feature.

// From the bottom up: each module imports only those above it.
pub mod api;
#[cfg(feature = "ssr")]
pub mod backend;
pub mod components;
pub mod domain;
pub mod hydration;
pub mod i18n;
pub mod islands;
pub mod model;
pub mod pages;
pub mod routes;

use i18n::Lang;
use leptos::prelude::*;
use leptos_meta::provide_meta_context;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// The HTML document around the application; rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(nonce) =
        use_context::<http::request::Parts>().and_then(|parts| parts.extensions.get::<backend::CspNonce>().cloned())
    {
        provide_context(leptos::nonce::Nonce::from_value(nonce.0));
    }
    let lang = detect_lang();
    #[cfg(feature = "ssr")]
    let options = with_page_bundle(options);
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="stylesheet" href="/pkg/frontdoor.css"/>
                <HydrationScripts options islands=true/>
                <leptos_meta::MetaTags/>
            </head>
            <body>
                {test_mode_banner(lang)}
                <App/>
            </body>
        </html>
    }
}

/// "Test mode is on" at the top of every page of a Frontdoor started with `--test-mode`.
#[cfg(feature = "ssr")]
fn test_mode_banner(lang: Lang) -> Option<AnyView> {
    use i18n::Msg;
    let parts = use_context::<http::request::Parts>()?;
    parts.extensions.get::<backend::TestModeOn>()?;
    Some(
        view! {
            <aside class="test-mode" aria-label=Msg::TestModeLabel.text(lang)>{Msg::TestModeBanner.text(lang)}</aside>
        }
        .into_any(),
    )
}

#[cfg(not(feature = "ssr"))]
fn test_mode_banner(_: Lang) -> Option<AnyView> {
    None
}

/// Points the hydration script at the bundle with this page's islands.
#[cfg(feature = "ssr")]
fn with_page_bundle(mut options: LeptosOptions) -> LeptosOptions {
    if let Some(parts) = use_context::<http::request::Parts>() {
        options.output_name = hydration::bundle_for(parts.uri.path()).into();
    }
    options
}

/// Every page is rendered whole before it is sent (`SsrMode::Async`): the signed-in pages load
/// their data first, and a browser without JavaScript gets it in place, not in a `<template>`.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(detect_lang());
    view! {
        <Router>
            <Routes fallback=|| view! { <pages::not_found::NotFoundPage/> }>
                <Route path=path!("/login") view=pages::login::LoginPage ssr=SsrMode::Async/>
                <Route path=path!("/t/:tenant/login") view=pages::login::LoginPage ssr=SsrMode::Async/>
                <Route path=path!("/forgot-password") view=pages::forgot_password::ForgotPasswordPage ssr=SsrMode::Async/>
                <Route path=path!("/reset-login") view=pages::reset_login::ResetLoginPage ssr=SsrMode::Async/>
                <Route path=path!("/reset-login/code") view=pages::reset_login::ResetLoginCodePage ssr=SsrMode::Async/>
                <Route path=path!("/reset-login/choose") view=pages::reset_login::ChooseTenantPage ssr=SsrMode::Async/>
                <Route path=path!("/activate") view=pages::choose_password::ActivatePage ssr=SsrMode::Async/>
                <Route path=path!("/reset-password") view=pages::choose_password::ResetPasswordPage ssr=SsrMode::Async/>
                <Route path=path!("/crm") view=pages::crm::CrmPage ssr=SsrMode::Async/>
                <Route path=path!("/crm/password") view=pages::change_password::ChangePasswordPage ssr=SsrMode::Async/>
                <Route path=path!("/crm/logout") view=pages::logout_confirm::CrmLogoutConfirmPage ssr=SsrMode::Async/>
                <Route path=path!("/service/logout") view=pages::logout_confirm::ServiceLogoutConfirmPage ssr=SsrMode::Async/>
                <Route path=path!("/crm/sessions") view=pages::sessions::SessionsPage ssr=SsrMode::Async/>
                <Route path=path!("/crm/passkeys") view=pages::passkeys::PasskeysPage ssr=SsrMode::Async/>
                <Route path=path!("/crm/two-step") view=pages::two_step_settings::TwoStepSettingsPage ssr=SsrMode::Async/>
                <Route path=path!("/two-step") view=pages::two_step::TwoStepPage ssr=SsrMode::Async/>
                <Route path=path!("/crm/service") view=pages::service_login::ServiceLoginPage ssr=SsrMode::Async/>
                <Route path=path!("/service") view=pages::service_dashboard::ServiceDashboardPage ssr=SsrMode::Async/>
                <Route path=path!("/settings/login") view=pages::settings_login::SettingsLoginPage ssr=SsrMode::Async/>
                <Route path=path!("/settings/terms") view=pages::terms::TermsPage ssr=SsrMode::Async/>
                <Route path=path!("/settings") view=pages::settings::SettingsPage ssr=SsrMode::Async/>
                <Route path=path!("/settings/users") view=pages::users::UsersPage ssr=SsrMode::Async/>
                <Route path=path!("/settings/users/new") view=pages::add_user::AddUserPage ssr=SsrMode::Async/>
                <Route path=path!("/settings/roles") view=pages::roles::RolesPage ssr=SsrMode::Async/>
                <Route path=path!("/settings/audit") view=pages::audit_log::AuditLogPage ssr=SsrMode::Async/>
                <Route path=path!("/settings/apps") view=pages::apps::AppsPage ssr=SsrMode::Async/>
                <Route path=path!("/settings/logout") view=pages::logout_confirm::SettingsLogoutConfirmPage ssr=SsrMode::Async/>
            </Routes>
        </Router>
    }
}

/// The page's language: chosen by the server (saved choice, then `Accept-Language`) and
/// carried to the browser in `<html lang>`.
fn detect_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<Lang>().copied())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        document()
            .document_element()
            .and_then(|html| html.get_attribute("lang"))
            .and_then(|code| Lang::from_code(&code))
            .unwrap_or_default()
    }
}
