//! Settings and maintenance's own login, its log out, and the Terms of Service dialog's post.

use super::context::{client, CurrentSession};
use super::cookies;
use super::error::WebError;
use super::forms::{end_current_session, login_to};
use super::state::AppState;
use super::{read_form, render};
use crate::db::App;
use app::model::{Notice, TermsEcho};
use app::routes;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::header::SET_COOKIE;
use serde::Deserialize;

/// `POST /settings/login`: "User ID", "Password", "OK". Checked like a CRM login (the same
/// answer, soft lock and limits), then the role's right to Settings and maintenance.
pub async fn login(State(state): State<AppState>, request: Request) -> Response {
    login_to(state, App::Settings, None, request).await
}

/// `POST /settings/logout`: ends this browser's Settings-and-maintenance session only.
pub async fn logout(State(state): State<AppState>, request: Request) -> Result<Response, WebError> {
    let (parts, _) = request.into_parts();
    end_current_session(&state, &parts, App::Settings).await?;
    let mut response = Redirect::to(&Notice::LoggedOut.at(routes::SETTINGS_LOGIN)).into_response();
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
