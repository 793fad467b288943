//! The plain HTML form posts: login before the WASM has loaded (or without JavaScript at all),
//! log out, and the language switch.

use super::backend::password_login;
use super::context::{client, CurrentSession};
use super::cookies;
use super::error::WebError;
use super::state::AppState;
use super::{read_form, render};
use crate::audit::{self, Event, Origin, Subject};
use crate::db::App;
use app::backend::LoginForm;
use app::domain::ReturnPath;
use app::i18n::Lang;
use app::model::{LoginEcho, LoginError, Notice};
use app::routes;
use axum::extract::{Path, Query, Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::header::{LOCATION, SET_COOKIE};
use http::{HeaderValue, StatusCode};
use leptos::prelude::provide_context;
use serde::Deserialize;

#[derive(Deserialize, Default)]
struct LoginFields {
    #[serde(default)]
    user_id: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

/// `GET /login`, `/t/{tenant}/login`: the login page; after "Choose tenant" with the user ID
/// filled in (once).
pub async fn login_page(State(state): State<AppState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let choices = super::sso::choices(&state, &parts).await;
    let Some(user_id) = cookies::login_hint(&state.settings, &parts.headers) else {
        return render::page(&state, parts, move || provide_context(choices.clone())).await;
    };
    let echo = LoginEcho { user_id, error: None };
    let mut response = render::page(&state, parts, move || {
        provide_context(echo.clone());
        provide_context(choices.clone());
    })
    .await;
    response.headers_mut().append(SET_COOKIE, cookies::clear_login_hint_cookie(&state.settings));
    response
}

pub async fn login(State(state): State<AppState>, request: Request) -> Response {
    login_to(state, App::Crm, None, request).await
}

pub async fn tenant_login(State(state): State<AppState>, Path(tenant): Path<String>, request: Request) -> Response {
    login_to(state, App::Crm, Some(tenant), request).await
}

/// A plain-form password login to `app` (the CRM, or Settings and maintenance): on to the next
/// page with the cookies, or the same page again with the reason.
pub async fn login_to(state: AppState, app: App, tenant: Option<String>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let fields = match read_form::<LoginFields>(body).await {
        Ok(fields) => fields,
        Err(status) => return status.into_response(),
    };
    let Some(fields) = fields else {
        return failed(&state, parts, String::new(), LoginError::FormUnreadable).await;
    };
    let user_id = fields.user_id.clone();
    let form = LoginForm { tenant, user_id: fields.user_id, password: fields.password, next: fields.next };
    match password_login(&state, app, form, &parts).await {
        Ok(success) => {
            // Home-realm discovery leads to the provider: a page that goes on (see `leaving_for`).
            let mut response = if success.redirect.starts_with('/') {
                let mut response = StatusCode::SEE_OTHER.into_response();
                if let Ok(location) = HeaderValue::from_str(&success.redirect) {
                    response.headers_mut().insert(LOCATION, location);
                }
                response
            } else {
                super::sso::leaving_for(super::context::lang(&parts), &success.redirect, None)
            };
            for cookie in success.set_cookies {
                response.headers_mut().append(SET_COOKIE, cookie);
            }
            response
        }
        Err(err) => failed(&state, parts, user_id, err).await,
    }
}

/// The login page again, with the reason and the user ID (never the password).
async fn failed(state: &AppState, parts: http::request::Parts, user_id: String, error: LoginError) -> Response {
    let (status, retry_after) = (error.http_status(), error.retry_after());
    let echo = LoginEcho { user_id: user_id.chars().take(400).collect(), error: Some(error) };
    let choices = super::sso::choices(state, &parts).await;
    render::refusal_with(state, parts, status, retry_after, move || {
        provide_context(echo.clone());
        provide_context(choices.clone());
    })
    .await
}

/// `POST /logout`: ends this browser's CRM session (and the Service session handed off from it).
pub async fn logout(State(state): State<AppState>, request: Request) -> Result<Response, WebError> {
    let (parts, _) = request.into_parts();
    end_current_session(&state, &parts, App::Crm).await?;
    // Someone who signs in through a provider is told that its session is the provider's.
    let through_provider = match parts.extensions.get::<CurrentSession>() {
        Some(CurrentSession(record)) => state.db.has_sso_identity(record.user_id).await?,
        None => false,
    };
    let notice = if through_provider { Notice::LoggedOutSso } else { Notice::LoggedOut };
    let mut response = Redirect::to(&notice.at(routes::LOGIN)).into_response();
    response.headers_mut().append(SET_COOKIE, cookies::clear_session_cookie(&state.settings, App::Crm));
    Ok(response)
}

/// Ends the request's session of `app`, if it has one, and records it.
pub async fn end_current_session(state: &AppState, parts: &http::request::Parts, app: App) -> Result<(), WebError> {
    let Some(CurrentSession(record)) = parts.extensions.get::<CurrentSession>() else { return Ok(()) };
    state.db.delete_session(&record.token_hash).await?;
    let subject = Subject::user(record.tenant_id, record.user_id);
    let client = client(parts);
    audit::record(&state.db, &state.clock, Event::LoggedOut { app: app.as_str() }, subject, Origin::Client(&client))
        .await;
    Ok(())
}

#[derive(Deserialize)]
pub struct LanguageQuery {
    next: Option<String>,
}

/// `GET /language/{code}?next=/path`: remembers the choice on this device and goes back.
pub async fn language(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(query): Query<LanguageQuery>,
) -> Response {
    let back = query.next.as_deref().and_then(ReturnPath::parse).map(|p| p.as_str().to_string());
    let mut response = Redirect::to(back.as_deref().unwrap_or(routes::LOGIN)).into_response();
    if let Some(lang) = Lang::from_code(&code) {
        response.headers_mut().append(SET_COOKIE, cookies::language_cookie(&state.settings, lang.code()));
    }
    response
}
