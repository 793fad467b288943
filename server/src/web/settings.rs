//! Settings and maintenance's own login, its log out, and the Terms of Service dialog's post.

use super::backend::password_login;
use super::context::{client, CurrentSession};
use super::cookies;
use super::error::WebError;
use super::forms::end_current_session;
use super::state::AppState;
use super::{read_form, render};
use crate::db::App;
use app::backend::LoginForm;
use app::model::{LoginEcho, LoginError, TermsEcho};
use app::routes;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::header::{LOCATION, SET_COOKIE};
use http::{HeaderValue, StatusCode};
use serde::Deserialize;

#[derive(Deserialize, Default)]
struct LoginFields {
    #[serde(default)]
    user_id: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

/// `POST /settings/login`: "User ID", "Password", "OK". Checked like a CRM login (the same
/// answer, soft lock and limits), then the role's right to Settings and maintenance.
pub async fn login(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let fields = match read_form::<LoginFields>(body).await {
        Ok(Some(fields)) => fields,
        Ok(None) => return refused(&state, parts, String::new(), LoginError::FormUnreadable).await,
        Err(status) => return status.into_response(),
    };
    let user_id = fields.user_id.clone();
    let form = LoginForm { tenant: None, user_id: fields.user_id, password: fields.password, next: fields.next };
    match password_login(&state, App::Settings, form, &parts).await {
        Ok(success) => {
            let mut response = StatusCode::SEE_OTHER.into_response();
            if let Ok(location) = HeaderValue::from_str(&success.redirect) {
                response.headers_mut().insert(LOCATION, location);
            }
            for cookie in success.set_cookies {
                response.headers_mut().append(SET_COOKIE, cookie);
            }
            response
        }
        Err(err) => refused(&state, parts, user_id, err).await,
    }
}

async fn refused(state: &AppState, parts: http::request::Parts, user_id: String, error: LoginError) -> Response {
    let (status, retry_after) = (error.http_status(), error.retry_after());
    let echo = LoginEcho { user_id: user_id.chars().take(400).collect(), error: Some(error) };
    render::refusal(state, parts, status, retry_after, echo).await
}

/// `POST /settings/logout`: ends this browser's Settings-and-maintenance session only.
pub async fn logout(State(state): State<AppState>, request: Request) -> Result<Response, WebError> {
    let (parts, _) = request.into_parts();
    end_current_session(&state, &parts, App::Settings).await?;
    let mut response = Redirect::to(&format!("{}?notice=logged-out", routes::SETTINGS_LOGIN)).into_response();
    response.headers_mut().append(SET_COOKIE, cookies::clear_session_cookie(&state.settings, App::Settings));
    Ok(response)
}

#[derive(Deserialize, Default)]
struct TermsFields {
    #[serde(default)]
    version: i64,
    accept: Option<String>,
}

/// `POST /settings/terms`: "Accept" ticked and "OK". Without the tick the dialog stays, and
/// says so; the acceptance (user, version, time, address) goes into the audit log.
pub async fn accept_terms(
    State(state): State<AppState>,
    CurrentSession(me): CurrentSession,
    request: Request,
) -> Result<Response, WebError> {
    let (parts, body) = request.into_parts();
    let fields: TermsFields = match read_form(body).await {
        Ok(Some(fields)) => fields,
        Ok(None) => return Err(WebError::BadRequest),
        Err(status) => return Ok(status.into_response()),
    };
    if fields.accept.is_none() {
        return Ok(render::refusal(&state, parts, 422, None, TermsEcho { tick_accept: true }).await);
    }
    // A version published since the dialog was shown is shown next, from the start page.
    state.terms().accept(me.tenant_id, me.user_id, fields.version, &client(&parts)).await?;
    Ok(Redirect::to(routes::SETTINGS).into_response())
}
