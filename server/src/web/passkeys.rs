//! Passkeys on the web: the JSON endpoints the page's script calls for each ceremony (log in,
//! the second step, add a passkey), and Personal settings → Passkeys with its plain forms
//! (rename, remove). A refusal is a status and a short code; the page shows its own message.

use super::backend::{after_sign_in, signed_in_cookies};
use super::context::{client, CurrentSession};
use super::cookies;
use super::error::WebError;
use super::state::AppState;
use super::{read_form, render};
use crate::audit::{self, Event, Origin, Subject};
use crate::authn::passkey::{clean_name, PasskeyError};
use crate::authn::password::PasswordRefusal;
use crate::authn::second_step::{self, StepError};
use crate::authn::{Completion, Devices, Door, Factor, SignInError};
use crate::db::{App, SessionRecord};
use app::domain::{format_utc, ReturnPath};
use app::model::{Notice, PasskeyRow as PasskeyListRow, PasskeysView};
use app::routes;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use http::header::SET_COOKIE;
use http::StatusCode;
use leptos::prelude::provide_context;
use serde::Deserialize;
use serde_json::json;
use webauthn_rs::prelude::{PublicKeyCredential, RegisterPublicKeyCredential};

/// A refused ceremony: its status, and a code for the script (the page has the words).
fn refused(status: StatusCode, code: &str) -> Response {
    (status, Json(json!({ "error": code }))).into_response()
}

/// Passkeys where the public URL is a domain; else these endpoints do not exist.
macro_rules! passkeys_or_404 {
    ($state:expr) => {
        match $state.passkeys() {
            Some(passkeys) => passkeys,
            None => return StatusCode::NOT_FOUND.into_response(),
        }
    };
}

fn passkey_refusal(err: PasskeyError) -> Response {
    match err {
        PasskeyError::Expired => refused(StatusCode::UNAUTHORIZED, "expired"),
        PasskeyError::Refused => refused(StatusCode::UNAUTHORIZED, "refused"),
        PasskeyError::Duplicate => refused(StatusCode::CONFLICT, "duplicate"),
        PasskeyError::TooManyRequests => refused(StatusCode::TOO_MANY_REQUESTS, "too-many-requests"),
        PasskeyError::Unavailable => refused(StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
    }
}

/// `POST /passkeys/login/options`: options for a discoverable login.
pub async fn login_options(State(state): State<AppState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    match passkeys_or_404!(state).start_login(&client(&parts)).await {
        Ok(started) => Json(json!({ "ceremony": started.ceremony, "options": started.options })).into_response(),
        Err(err) => passkey_refusal(err),
    }
}

#[derive(Deserialize)]
pub struct LoginAnswer {
    ceremony: String,
    credential: PublicKeyCredential,
    #[serde(default)]
    next: Option<String>,
}

/// `POST /passkeys/login`: the browser's assertion; right, and the CRM session (a passkey is
/// two factors: nothing more is asked).
pub async fn login(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Some(answer) = json_body::<LoginAnswer>(body).await else {
        return refused(StatusCode::BAD_REQUEST, "unreadable");
    };
    let client = client(&parts);
    let verified = match passkeys_or_404!(state).finish_login(&answer.ceremony, &answer.credential, &client).await {
        Ok(verified) => verified,
        Err(err) => return passkey_refusal(err),
    };
    let settings = &state.settings;
    let devices = cookies::devices(settings, &parts.headers);
    let previous = cookies::single(&parts.headers, cookies::session_cookie_name(settings, App::Crm)).ok().flatten();
    let next = answer.next.as_deref().and_then(ReturnPath::parse).map(|p| p.as_str().to_string());
    let door = Door {
        devices: Devices::Carried(&devices),
        previous_session: previous,
        next: next.as_deref(),
        ..Door::to(App::Crm, &client)
    };
    let completion = Completion { db: &state.db, clock: &state.clock };
    let signed_in = match completion.complete(verified, door).await {
        Ok(signed_in) => signed_in,
        Err(SignInError::Refused(_)) => return refused(StatusCode::FORBIDDEN, "refused"),
        Err(SignInError::SecondStepDue(_)) => return refused(StatusCode::FORBIDDEN, "refused"),
        Err(SignInError::Storage(err)) => return WebError::Storage(err).into_response(),
    };
    let redirect = after_sign_in(App::Crm, &signed_in, next.as_deref(), false);
    let mut response = Json(json!({ "redirect": redirect })).into_response();
    for cookie in signed_in_cookies(&state, App::Crm, &signed_in, &devices) {
        response.headers_mut().append(SET_COOKIE, cookie);
    }
    response
}

/// `POST /two-step/passkey/options`: the waiting sign-in's person's passkeys.
pub async fn step_options(State(state): State<AppState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let Some(raw) = cookies::two_step(&state.settings, &parts.headers) else {
        return refused(StatusCode::UNAUTHORIZED, "expired");
    };
    let pending = match state.second_step().pending(raw).await {
        Ok(Some(pending)) => pending,
        Ok(None) => return refused(StatusCode::UNAUTHORIZED, "expired"),
        Err(err) => return WebError::Storage(err).into_response(),
    };
    match passkeys_or_404!(state).start_step(pending.user.id).await {
        Ok(started) => Json(json!({ "ceremony": started.ceremony, "options": started.options })).into_response(),
        Err(err) => passkey_refusal(err),
    }
}

#[derive(Deserialize)]
pub struct StepAnswer {
    ceremony: String,
    credential: PublicKeyCredential,
}

/// `POST /two-step/passkey`: one of the person's passkeys as the second step.
pub async fn step(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Some(answer) = json_body::<StepAnswer>(body).await else {
        return refused(StatusCode::BAD_REQUEST, "unreadable");
    };
    let settings = &state.settings;
    let Some(raw) = cookies::two_step(settings, &parts.headers) else {
        return refused(StatusCode::UNAUTHORIZED, "expired");
    };
    let pending = match state.second_step().pending(raw).await {
        Ok(Some(pending)) => pending,
        Ok(None) => return refused(StatusCode::UNAUTHORIZED, "expired"),
        Err(err) => return WebError::Storage(err).into_response(),
    };
    if let Err(err) = passkeys_or_404!(state).finish_step(pending.user.id, &answer.ceremony, &answer.credential).await {
        return passkey_refusal(err);
    }
    let client = client(&parts);
    let devices = cookies::devices(settings, &parts.headers);
    let previous = cookies::single(&parts.headers, cookies::session_cookie_name(settings, App::Crm)).ok().flatten();
    let stepped =
        match state.second_step().passed_with_passkey(raw, second_step::door(&client, previous, &devices)).await {
            Ok(stepped) => stepped,
            Err(StepError::Unavailable) => return refused(StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            Err(_) => return refused(StatusCode::UNAUTHORIZED, "expired"),
        };
    let redirect = after_sign_in(stepped.app, &stepped.signed_in, stepped.next.as_deref(), false);
    let mut response = Json(json!({ "redirect": redirect })).into_response();
    response.headers_mut().append(SET_COOKIE, cookies::clear_two_step_cookie(settings));
    for cookie in signed_in_cookies(&state, stepped.app, &stepped.signed_in, &devices) {
        response.headers_mut().append(SET_COOKIE, cookie);
    }
    response
}

/// `POST /crm/passkeys/options`: "Add a passkey", for the signed-in person.
/// For someone without a password, adding a passkey needs a sign-in this recent.
const RECENT_SIGN_IN_SECS: i64 = 15 * 60;

fn signed_in_recently(state: &AppState, me: &SessionRecord) -> bool {
    state.clock.now() - me.auth_time <= RECENT_SIGN_IN_SECS
}

#[derive(Deserialize, Default)]
pub struct RegisterStart {
    #[serde(default)]
    password: String,
}

/// Whether this person may add a passkey in this tenant: passkeys are a way in Frontdoor keeps
/// itself, so not where two-step verification or password login is off.
fn passkeys_allowed(tenant: &crate::db::Tenant) -> bool {
    tenant.two_step != crate::db::TwoStepPolicy::Off && tenant.password_login
}

/// `POST /crm/passkeys/options`: options for a new passkey. A passkey logs in by itself, so
/// adding one asks for the password (or, for someone without one, a sign-in within the last
/// 15 minutes): a session cookie alone cannot plant one.
pub async fn register_options(
    State(state): State<AppState>,
    CurrentSession(me): CurrentSession,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let start: RegisterStart = json_body(body).await.unwrap_or_default();
    let user = match state.db.user_by_id(me.user_id).await {
        Ok(Some(user)) => user,
        Ok(None) => return refused(StatusCode::UNAUTHORIZED, "expired"),
        Err(err) => return WebError::Storage(err).into_response(),
    };
    match state.db.tenant_by_id(user.tenant_id).await {
        Ok(Some(tenant)) if passkeys_allowed(&tenant) => {}
        Ok(_) => return refused(StatusCode::FORBIDDEN, "off"),
        Err(err) => return WebError::Storage(err).into_response(),
    }
    if user.password_hash.is_some() {
        let devices = cookies::devices(&state.settings, &parts.headers);
        let login = state.login();
        match login
            .password_check()
            .confirm(user.id, &user.login_name, &start.password, &devices, &client(&parts))
            .await
        {
            Ok(true) => {}
            Ok(false) | Err(PasswordRefusal::WrongCredentials | PasswordRefusal::PasswordTooLong) => {
                return refused(StatusCode::FORBIDDEN, "wrong-password")
            }
            Err(PasswordRefusal::TooManyAttempts) => {
                return refused(StatusCode::TOO_MANY_REQUESTS, "too-many-requests")
            }
            Err(_) => return refused(StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
        }
    } else if !signed_in_recently(&state, &me) {
        return refused(StatusCode::FORBIDDEN, "sign-in-again");
    }
    let subject = match state.db.subject_of(user.id).await {
        Ok(subject) => subject.unwrap_or_default(),
        Err(err) => return WebError::Storage(err).into_response(),
    };
    match passkeys_or_404!(state).start_registration(&user, &subject).await {
        Ok(started) => Json(json!({ "ceremony": started.ceremony, "options": started.options })).into_response(),
        Err(err) => passkey_refusal(err),
    }
}

#[derive(Deserialize)]
pub struct RegisterAnswer {
    ceremony: String,
    credential: RegisterPublicKeyCredential,
    #[serde(default)]
    name: String,
}

/// `POST /crm/passkeys/register`: the new passkey, kept under its name.
pub async fn register(State(state): State<AppState>, CurrentSession(me): CurrentSession, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Some(answer) = json_body::<RegisterAnswer>(body).await else {
        return refused(StatusCode::BAD_REQUEST, "unreadable");
    };
    let user = match state.db.user_by_id(me.user_id).await {
        Ok(Some(user)) => user,
        Ok(None) => return refused(StatusCode::UNAUTHORIZED, "expired"),
        Err(err) => return WebError::Storage(err).into_response(),
    };
    let client = client(&parts);
    let passkeys = passkeys_or_404!(state);
    match passkeys.finish_registration(&user, &answer.ceremony, &answer.credential, &answer.name, &client).await {
        Ok(_) => {
            if let Err(err) = super::two_step::count_as_second_factor(&state, &me, Factor::Passkey).await {
                return WebError::Storage(err).into_response();
            }
            Json(json!({ "redirect": Notice::PasskeyAdded.at(routes::PASSKEYS) })).into_response()
        }
        Err(err) => passkey_refusal(err),
    }
}

/// A JSON body within the size limit, or None.
async fn json_body<T: serde::de::DeserializeOwned>(body: axum::body::Body) -> Option<T> {
    let bytes = axum::body::to_bytes(body, super::security::MAX_BODY_BYTES).await.ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// `GET /crm/passkeys`: the person's passkeys.
pub async fn page(
    State(state): State<AppState>,
    CurrentSession(me): CurrentSession,
    request: Request,
) -> Result<Response, WebError> {
    let (parts, _) = request.into_parts();
    let view = passkeys_view(&state, &me).await?;
    Ok(render::page(&state, parts, move || provide_context(view.clone())).await)
}

async fn passkeys_view(state: &AppState, me: &SessionRecord) -> Result<PasskeysView, WebError> {
    let user = state.db.user_by_id(me.user_id).await?.ok_or(WebError::NotSignedIn)?;
    let tenant = state.db.tenant_by_id(user.tenant_id).await?.ok_or(WebError::NotSignedIn)?;
    let rows = state.db.passkeys_of(me.user_id).await?;
    let ask_password = user.password_hash.is_some();
    Ok(PasskeysView {
        off: !passkeys_allowed(&tenant),
        unavailable: state.webauthn.is_none(),
        ask_password,
        sign_in_again: !ask_password && !signed_in_recently(state, me),
        passkeys: rows
            .into_iter()
            .map(|row| PasskeyListRow {
                id: row.id,
                name: row.name,
                created: format_utc(row.created_at),
                last_used: row.last_used_at.map(format_utc),
            })
            .collect(),
    })
}

#[derive(Deserialize, Default)]
struct ManageFields {
    #[serde(default)]
    action: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    name: String,
}

/// `POST /crm/passkeys`: "Rename" or "Remove" one of my passkeys.
pub async fn manage(
    State(state): State<AppState>,
    CurrentSession(me): CurrentSession,
    request: Request,
) -> Result<Response, WebError> {
    let (parts, body) = request.into_parts();
    let fields: ManageFields = match read_form(body).await {
        Ok(Some(fields)) => fields,
        Ok(None) => return Err(WebError::BadRequest),
        Err(status) => return Ok(status.into_response()),
    };
    let name = state.db.passkeys_of(me.user_id).await?.into_iter().find(|p| p.id == fields.id).map(|p| p.name);
    let Some(old_name) = name else { return Ok(Redirect::to(routes::PASSKEYS).into_response()) };
    let subject = Subject::user(me.tenant_id, me.user_id);
    let client = client(&parts);
    let (event, notice) = match fields.action.as_str() {
        "rename" => {
            let name = clean_name(&fields.name);
            state.db.rename_passkey(me.user_id, &fields.id, &name).await?;
            (Event::PasskeyRenamed { name }, None)
        }
        "remove" => {
            state.db.remove_passkey(me.user_id, &fields.id).await?;
            (Event::PasskeyRemoved { name: old_name }, Some(Notice::PasskeyRemoved))
        }
        _ => return Err(WebError::BadRequest),
    };
    audit::record(&state.db, &state.clock, event, subject, Origin::Client(&client)).await;
    let back = notice.map_or_else(|| routes::PASSKEYS.to_string(), |n| n.at(routes::PASSKEYS));
    Ok(Redirect::to(&back).into_response())
}
