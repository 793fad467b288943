//! The password pages' plain form posts and the emailed links that open them.

use crate::links::{is_token_shaped, Link};
use crate::passwords::{self, LinkRefusal};
use crate::session::{self, read_cookie, App, LANGUAGE_COOKIE};
use crate::state::AppState;
use crate::web::client::ClientInfo;
use crate::web::context::{login_address, CurrentSession};
use crate::web::{read_form, render};
use app::api::{PasswordEcho, PasswordError};
use app::routes;
use axum::extract::{Path, Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::header::SET_COOKIE;
use http::{HeaderMap, StatusCode};
use leptos::prelude::provide_context;
use serde::Deserialize;

/// `GET /activate/{token}`: the link from the "Activate now" email.
pub async fn open_activation_link(state: State<AppState>, token: Path<String>, headers: HeaderMap) -> Response {
    open_link(state, token, headers, Link::Activation).await
}

/// `GET /reset-password/{token}`: the link from the password-reset email.
pub async fn open_reset_link(state: State<AppState>, token: Path<String>, headers: HeaderMap) -> Response {
    open_link(state, token, headers, Link::PasswordReset).await
}

/// Moves the token from the address into a cookie for the page and sends the browser to the
/// bare page, so the token leaves the address bar and the history. A link that no longer works
/// lands on the same page, which then says so.
async fn open_link(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    link: Link,
) -> Response {
    let mut response = Redirect::to(link.page()).into_response();
    let owner = if is_token_shaped(&token) { passwords::link_owner(&state, link, Some(&token)).await } else { None };
    let cookie = match &owner {
        Some(_) => link.token_cookie(&state.settings, &token),
        None => link.clear_cookie(&state.settings),
    };
    response.headers_mut().append(SET_COOKIE, cookie);
    // The page speaks the person's language unless this browser has chosen one.
    if let Some(language) = owner.and_then(|(user, _)| user.language) {
        if read_cookie(&headers, LANGUAGE_COOKIE).is_none() {
            response.headers_mut().append(SET_COOKIE, session::language_cookie(&state.settings, &language));
        }
    }
    response
}

#[derive(Deserialize, Default)]
struct NewPasswordFields {
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

/// The fields of a new-password form; an unreadable form gets its page again with the reason.
async fn read_fields(
    state: &AppState,
    parts: http::request::Parts,
    body: axum::body::Body,
) -> Result<(http::request::Parts, NewPasswordFields), Response> {
    match read_form::<NewPasswordFields>(body).await {
        Ok(Some(fields)) => Ok((parts, fields)),
        Ok(None) => Err(refused(state, parts, PasswordError::FormUnreadable).await),
        Err(status) => Err(status.into_response()),
    }
}

/// `POST /activate`: activates the account and logs the person in.
pub async fn activate(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let (parts, fields) = match read_fields(&state, parts, body).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let client = ClientInfo::of_request(&parts);
    let token = Link::Activation.token_from(&parts.headers);
    match passwords::activate(&state, token, &fields.password, &fields.confirm, &client).await {
        Ok(activated) => {
            let Some((token, lifetime)) = activated.session else {
                // Active now, but the role does not include the CRM: the login page says so.
                let mut response = Redirect::to(&format!("{}?notice=no-crm-right", routes::LOGIN)).into_response();
                response.headers_mut().append(SET_COOKIE, Link::Activation.clear_cookie(&state.settings));
                return response;
            };
            let mut response = Redirect::to(routes::CRM).into_response();
            let headers = response.headers_mut();
            headers.append(SET_COOKIE, Link::Activation.clear_cookie(&state.settings));
            headers.append(SET_COOKIE, session::session_cookie(&state.settings, App::Crm, &token, lifetime));
            headers.append(SET_COOKIE, session::tenant_cookie(&state.settings, &activated.tenant.slug));
            response
        }
        Err(refusal) => link_refused(&state, parts, Link::Activation, refusal).await,
    }
}

/// `POST /reset-password`: sets the new password and sends the person to log in with it.
pub async fn reset(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let (parts, fields) = match read_fields(&state, parts, body).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let client = ClientInfo::of_request(&parts);
    let token = Link::PasswordReset.token_from(&parts.headers);
    match passwords::reset(&state, token, &fields.password, &fields.confirm, &client).await {
        Ok(()) => {
            let mut response = Redirect::to(&format!("{}?notice=password-reset", routes::LOGIN)).into_response();
            response.headers_mut().append(SET_COOKIE, Link::PasswordReset.clear_cookie(&state.settings));
            // Every session has ended, this browser's too.
            response.headers_mut().append(SET_COOKIE, session::clear_session_cookie(&state.settings, App::Crm));
            response
        }
        Err(refusal) => link_refused(&state, parts, Link::PasswordReset, refusal).await,
    }
}

/// `POST /crm/password`: Change password.
pub async fn change(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Some(CurrentSession(me)) = parts.extensions.get::<CurrentSession>().cloned() else {
        return Redirect::to(&login_address(routes::CHANGE_PASSWORD, false)).into_response();
    };
    let (parts, fields) = match read_fields(&state, parts, body).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let client = ClientInfo::of_request(&parts);
    let outcome = passwords::change(
        &state,
        me.user_id,
        &me.token_hash,
        &fields.current,
        &fields.password,
        &fields.confirm,
        &client,
    )
    .await;
    match outcome {
        Ok(()) => Redirect::to(&format!("{}?notice=password-changed", routes::CHANGE_PASSWORD)).into_response(),
        Err(err) => refused(&state, parts, err).await,
    }
}

#[derive(Deserialize, Default)]
struct ForgotFields {
    #[serde(default)]
    email: String,
}

/// `POST /forgot-password`: the same answer for known and unknown addresses.
pub async fn forgot(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    if !state.settings.reset_by_email {
        return Redirect::to(routes::FORGOT_PASSWORD).into_response();
    }
    let fields = match read_form::<ForgotFields>(body).await {
        Ok(Some(fields)) => fields,
        Ok(None) => return refused(&state, parts, PasswordError::FormUnreadable).await,
        Err(status) => return status.into_response(),
    };
    let client = ClientInfo::of_request(&parts);
    match passwords::request_reset(&state, &fields.email, &client).await {
        Ok(()) => Redirect::to(&format!("{}?sent=1", routes::FORGOT_PASSWORD)).into_response(),
        Err(err) => {
            let echo = PasswordEcho { error: Some(err.clone()), email: fields.email.chars().take(254).collect() };
            render_refusal(&state, parts, err, echo).await
        }
    }
}

async fn link_refused(state: &AppState, parts: http::request::Parts, link: Link, refusal: LinkRefusal) -> Response {
    match refusal {
        LinkRefusal::Invalid => {
            let mut response = Redirect::to(link.page()).into_response();
            response.headers_mut().append(SET_COOKIE, link.clear_cookie(&state.settings));
            response
        }
        LinkRefusal::Refused(err) => refused(state, parts, err).await,
    }
}

/// The same page again, with the reason next to the field it concerns. Passwords are not
/// echoed.
async fn refused(state: &AppState, parts: http::request::Parts, err: PasswordError) -> Response {
    let echo = PasswordEcho { error: Some(err.clone()), email: String::new() };
    render_refusal(state, parts, err, echo).await
}

async fn render_refusal(
    state: &AppState,
    parts: http::request::Parts,
    err: PasswordError,
    echo: PasswordEcho,
) -> Response {
    let mut response = render::page(state, parts, move || provide_context(echo.clone())).await;
    *response.status_mut() = StatusCode::from_u16(err.http_status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
    response
}
