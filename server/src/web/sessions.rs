//! The sessions page's form posts: end one of my sessions, or, after my password, all but this
//! one.

use super::context::{client, CurrentSession};
use super::cookies;
use super::error::WebError;
use super::read_form;
use super::state::AppState;
use crate::audit::{self, Event, Origin, Subject};
use crate::passwords::confirm_error;
use app::model::{Notice, PasswordError};
use app::routes;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

#[derive(Deserialize, Default)]
struct EndForm {
    #[serde(default)]
    id: String,
}

/// `POST /crm/sessions/end`: ends one of my sessions, by its public id.
pub async fn end_one(
    State(state): State<AppState>,
    CurrentSession(me): CurrentSession,
    request: Request,
) -> Result<Response, WebError> {
    let (parts, body) = request.into_parts();
    let form: EndForm = match read_form(body).await {
        Ok(Some(form)) => form,
        Ok(None) => return Err(WebError::BadRequest),
        Err(status) => return Ok(status.into_response()),
    };
    if state.db.delete_user_session(me.user_id, &form.id).await? {
        let subject = Subject::user(me.tenant_id, me.user_id);
        audit::record(&state.db, &state.clock, Event::SessionEnded, subject, Origin::Client(&client(&parts))).await;
    }
    let back = if form.id == me.public_id { routes::LOGIN } else { routes::SESSIONS };
    Ok(Redirect::to(&Notice::SessionLoggedOut.at(back)).into_response())
}

#[derive(Deserialize, Default)]
struct RevokeForm {
    #[serde(default)]
    client_id: String,
}

/// `POST /crm/apps/revoke`: "Remove access" for a partner app; its sessions end with it.
pub async fn revoke_app(
    State(state): State<AppState>,
    CurrentSession(me): CurrentSession,
    request: Request,
) -> Result<Response, WebError> {
    let (parts, body) = request.into_parts();
    let form: RevokeForm = match read_form(body).await {
        Ok(Some(form)) => form,
        Ok(None) => return Err(WebError::BadRequest),
        Err(status) => return Ok(status.into_response()),
    };
    let app = state.db.client(&form.client_id).await?;
    if state.db.revoke_consent(me.user_id, &form.client_id).await? {
        let subject = Subject::user(me.tenant_id, me.user_id);
        let event = Event::ConsentRevoked { app: app.map(|a| a.name).unwrap_or_default() };
        audit::record(&state.db, &state.clock, event, subject, Origin::Client(&client(&parts))).await;
    }
    Ok(Redirect::to(&Notice::AccessRemoved.at(routes::SESSIONS)).into_response())
}

#[derive(Deserialize, Default)]
struct EndOthersForm {
    #[serde(default)]
    password: String,
}

/// `POST /crm/sessions/end-others`: "Log out everywhere else", after the password again
/// (a borrowed session must not be able to lock its owner out).
pub async fn end_others(
    State(state): State<AppState>,
    CurrentSession(me): CurrentSession,
    request: Request,
) -> Result<Response, WebError> {
    let (mut parts, body) = request.into_parts();
    let form: EndOthersForm = match read_form(body).await {
        Ok(Some(form)) => form,
        Ok(None) => return Err(WebError::BadRequest),
        Err(status) => return Ok(status.into_response()),
    };
    let client = client(&parts);
    let subject = Subject::user(me.tenant_id, me.user_id);
    let refusal = if form.password.is_empty() {
        Some(PasswordError::EnterCurrent)
    } else {
        let devices = cookies::devices(&state.settings, &parts.headers);
        let login = state.login();
        let check = login.password_check();
        match check.confirm(me.user_id, &me.login_name, &form.password, &devices, &client).await {
            Ok(true) => None,
            Ok(false) => {
                audit::record(&state.db, &state.clock, Event::OtherSessionsRefused, subject, Origin::Client(&client))
                    .await;
                Some(PasswordError::WrongCurrent)
            }
            Err(err) => Some(confirm_error(err)),
        }
    };
    if let Some(err) = refusal {
        // The sessions page again, with the reason next to the password field.
        parts.uri = http::Uri::from_static(routes::SESSIONS);
        return Ok(super::passwords::refused(&state, parts, err).await);
    }
    let count = state.db.delete_user_sessions(me.user_id, Some(&me.token_hash)).await?;
    audit::record(&state.db, &state.clock, Event::OtherSessionsEnded { count }, subject, Origin::Client(&client)).await;
    Ok(Redirect::to(&Notice::OthersLoggedOut.at(routes::SESSIONS)).into_response())
}
