//! The password pages' plain form posts and the emailed links that open them.

use super::context::{client, CurrentSession};
use super::cookies::{self, LANGUAGE_COOKIE};
use super::error::WebError;
use super::state::AppState;
use super::{read_form, render};
use crate::authn::{Devices, Door, SecondFactor};
use crate::db::App;
use crate::links::{self, is_token_shaped};
use crate::passwords::{ChangeForm, Changed, LinkRefusal, NewPassword};
use app::domain::LinkKind;
use app::model::{Notice, PasswordEcho, PasswordError};
use app::routes;
use axum::extract::{Path, Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::header::SET_COOKIE;
use http::HeaderMap;
use serde::Deserialize;

/// `GET /activate/{token}`: the link from the "Activate now" email.
pub async fn open_activation_link(
    state: State<AppState>,
    token: Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    open_link(state, token, headers, LinkKind::Activation).await
}

/// `GET /reset-password/{token}`: the link from the password-reset email.
pub async fn open_reset_link(
    state: State<AppState>,
    token: Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    open_link(state, token, headers, LinkKind::PasswordReset).await
}

/// Moves the token from the address into a cookie for the page and sends the browser to the
/// bare page, so the token leaves the address bar and the history. A link that no longer works
/// lands on the same page, which then says so.
async fn open_link(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    kind: LinkKind,
) -> Result<Response, WebError> {
    let mut response = Redirect::to(links::page(kind)).into_response();
    let owner = match is_token_shaped(&token) {
        true => state.passwords().link_owner(kind, &token).await?,
        false => None,
    };
    let cookie = match &owner {
        Some(_) => cookies::link_cookie(&state.settings, kind, &token),
        None => cookies::clear_link_cookie(&state.settings, kind),
    };
    response.headers_mut().append(SET_COOKIE, cookie);
    // The page speaks the person's language unless this browser has chosen one.
    if let Some(language) = owner.and_then(|(user, _)| user.language) {
        if cookies::first(&headers, LANGUAGE_COOKIE).is_none() {
            response.headers_mut().append(SET_COOKIE, cookies::language_cookie(&state.settings, &language));
        }
    }
    Ok(response)
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
    let client = client(&parts);
    let kind = LinkKind::Activation;
    let settings = &state.settings;
    let token = cookies::link_token(settings, &parts.headers, kind).unwrap_or_default();
    let previous = cookies::single(&parts.headers, cookies::session_cookie_name(settings, App::Crm)).ok().flatten();
    let devices = cookies::devices(settings, &parts.headers);
    let form = NewPassword { password: &fields.password, confirm: &fields.confirm };
    let door = Door {
        app: App::Crm,
        client: &client,
        previous_session: previous,
        replaces: None,
        devices: Devices::Carried(&devices),
        parent: None,
        next: None,
        crm_session: None,
    };
    match state.passwords().activate(token, &form, door).await {
        Ok(activated) => {
            if let Some(pending) = &activated.second_step {
                let mut response = super::two_step::to_second_step(&state, pending);
                response.headers_mut().append(SET_COOKIE, cookies::clear_link_cookie(settings, kind));
                return response;
            }
            let Some(signed_in) = activated.signed_in else {
                // Active now, but the role does not include the CRM: the login page says so.
                let mut response = Redirect::to(&Notice::NoCrmRight.at(routes::LOGIN)).into_response();
                response.headers_mut().append(SET_COOKIE, cookies::clear_link_cookie(settings, kind));
                response.headers_mut().append(SET_COOKIE, cookies::tenant_cookie(settings, &activated.tenant.slug));
                return response;
            };
            let mut response = Redirect::to(routes::CRM).into_response();
            let headers = response.headers_mut();
            headers.append(SET_COOKIE, cookies::clear_link_cookie(settings, kind));
            for cookie in super::backend::signed_in_cookies(&state, App::Crm, &signed_in, &devices) {
                headers.append(SET_COOKIE, cookie);
            }
            response
        }
        Err(refusal) => link_refused(&state, parts, kind, refusal).await,
    }
}

/// `POST /reset-password`: sets the new password and sends the person to log in with it.
pub async fn reset(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let (parts, fields) = match read_fields(&state, parts, body).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let client = client(&parts);
    let kind = LinkKind::PasswordReset;
    let token = cookies::link_token(&state.settings, &parts.headers, kind).unwrap_or_default();
    let form = NewPassword { password: &fields.password, confirm: &fields.confirm };
    match state.passwords().reset(token, &form, &client).await {
        Ok(()) => {
            let mut response = Redirect::to(&Notice::PasswordReset.at(routes::LOGIN)).into_response();
            response.headers_mut().append(SET_COOKIE, cookies::clear_link_cookie(&state.settings, kind));
            // Every session has ended, this browser's too.
            response.headers_mut().append(SET_COOKIE, cookies::clear_session_cookie(&state.settings, App::Crm));
            response
        }
        Err(refusal) => link_refused(&state, parts, kind, refusal).await,
    }
}

/// `POST /crm/password`: Change password. Every session ends; this browser gets a new one.
pub async fn change(State(state): State<AppState>, CurrentSession(me): CurrentSession, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let (parts, fields) = match read_fields(&state, parts, body).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let client = client(&parts);
    let devices = cookies::devices(&state.settings, &parts.headers);
    let form = ChangeForm {
        current: &fields.current,
        password: &fields.password,
        confirm: &fields.confirm,
        devices: &devices,
        second_factor: SecondFactor::of_session(&me.method, me.second_factor_at),
    };
    match state.passwords().change(&state.login().password_check(), me.user_id, &form, &client).await {
        Ok(Changed::SignedIn(signed_in)) => {
            let mut response = Redirect::to(&Notice::PasswordChanged.at(routes::CHANGE_PASSWORD)).into_response();
            for cookie in super::backend::signed_in_cookies(&state, App::Crm, &signed_in, &devices) {
                response.headers_mut().append(SET_COOKIE, cookie);
            }
            response
        }
        // Every session ended, this browser's too; its new one needs the second factor first.
        Ok(Changed::SecondStep(pending)) => {
            let mut response = super::two_step::to_second_step(&state, &pending);
            response.headers_mut().append(SET_COOKIE, cookies::clear_session_cookie(&state.settings, App::Crm));
            response
        }
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
    let client = client(&parts);
    match state.passwords().request_reset(&fields.email, &client).await {
        Ok(()) => Redirect::to(&format!("{}?sent=1", routes::FORGOT_PASSWORD)).into_response(),
        Err(err) => {
            let (status, retry_after) = (err.http_status(), err.retry_after());
            let echo = PasswordEcho { error: Some(err), email: fields.email.chars().take(254).collect() };
            render::refusal(&state, parts, status, retry_after, echo).await
        }
    }
}

async fn link_refused(state: &AppState, parts: http::request::Parts, kind: LinkKind, refusal: LinkRefusal) -> Response {
    match refusal {
        LinkRefusal::Invalid => {
            let mut response = Redirect::to(links::page(kind)).into_response();
            response.headers_mut().append(SET_COOKIE, cookies::clear_link_cookie(&state.settings, kind));
            response
        }
        LinkRefusal::Refused(err) => refused(state, parts, err).await,
    }
}

/// The same page again, with the reason next to the field it concerns. Passwords are not
/// echoed.
pub(super) async fn refused(state: &AppState, parts: http::request::Parts, err: PasswordError) -> Response {
    let (status, retry_after) = (err.http_status(), err.retry_after());
    let echo = PasswordEcho { error: Some(err), email: String::new() };
    render::refusal(state, parts, status, retry_after, echo).await
}
