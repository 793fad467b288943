//! The admin screens' form posts (Users, Add user, Roles). Each one is checked again here for
//! the Settings-and-maintenance session, its right and the accepted Terms (`backend::actor`),
//! acts only inside the administrator's tenant, and comes back to the page it was posted from
//! with what happened in the address (`?notice=` or `?refused=`).

use super::backend::actor;
use super::context::client;
use super::error::WebError;
use super::state::AppState;
use super::{read_form, render};
use crate::admin::{AdminError, Done, NewUserForm, RoleForm};
use crate::db::{Rights, TwoStepPolicy, UserChange};
use crate::hashing::HashError;
use app::domain::ReturnPath;
use app::model::{AddUserEcho, AdminOutcome, AppError, TemporaryPassword};
use app::routes;
use axum::extract::{Path, Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::header::CACHE_CONTROL;
use http::request::Parts;
use http::HeaderValue;
use serde::Deserialize;

fn forbidden(err: AppError) -> WebError {
    match err {
        AppError::NotSignedIn => WebError::NotSignedIn,
        _ => WebError::Forbidden,
    }
}

/// Where an action returns: the page it was posted from, if that is a page of `section`.
fn back_to(back: Option<&str>, section: &str) -> String {
    let back = back.and_then(ReturnPath::parse).map(|p| p.as_str().to_string());
    back.filter(|p| p == section || p.starts_with(&format!("{section}?"))).unwrap_or_else(|| section.to_string())
}

fn with_outcome(address: &str, outcome: AdminOutcome) -> String {
    let separator = if address.contains('?') { '&' } else { '?' };
    let key = if outcome.is_refusal() { "refused" } else { "notice" };
    format!("{address}{separator}{key}={}", outcome.slug())
}

/// An action's result, as the redirect back.
fn answer(done: Done, back: &str) -> Result<Response, WebError> {
    let outcome = match done {
        Ok(outcome) | Err(AdminError::Refused(outcome)) => outcome,
        Err(AdminError::Invalid(..)) => return Err(WebError::BadRequest),
        Err(AdminError::Hashing(HashError::Busy)) => return Err(WebError::Busy),
        Err(AdminError::Hashing(err)) => return Err(WebError::Internal(err.to_string())),
        Err(AdminError::Storage(err)) => return Err(WebError::Storage(err)),
    };
    Ok(Redirect::to(&with_outcome(back, outcome)).into_response())
}

async fn form<T: serde::de::DeserializeOwned>(body: axum::body::Body) -> Result<T, Response> {
    match read_form(body).await {
        Ok(Some(form)) => Ok(form),
        Ok(None) => Err(WebError::BadRequest.into_response()),
        Err(status) => Err(status.into_response()),
    }
}

#[derive(Deserialize, Default)]
struct AddUserFields {
    #[serde(default)]
    name: String,
    #[serde(default)]
    login: String,
    #[serde(default)]
    role_id: String,
    #[serde(default)]
    language: String,
}

/// `POST /settings/users/new`: "Send invitation".
pub async fn add_user(State(state): State<AppState>, request: Request) -> Result<Response, WebError> {
    let (parts, body) = request.into_parts();
    let client = client(&parts);
    let actor = actor(&parts, &client).map_err(forbidden)?;
    let fields: AddUserFields = match form(body).await {
        Ok(fields) => fields,
        Err(response) => return Ok(response),
    };
    let role_id = fields.role_id.parse().ok();
    let new_user = NewUserForm { name: &fields.name, login: &fields.login, role_id, language: &fields.language };
    match state.admin().invite(actor, &new_user, !state.settings.reset_by_email).await {
        Err(AdminError::Invalid(field, msg)) => {
            let echo = AddUserEcho {
                name: fields.name.chars().take(200).collect(),
                login: fields.login.chars().take(254).collect(),
                role_id,
                language: fields.language.chars().take(8).collect(),
                error: Some((field, msg)),
            };
            Ok(render::refusal(&state, parts, 422, None, echo).await)
        }
        done => answer(done, routes::SETTINGS_USERS),
    }
}

#[derive(Deserialize, Default)]
struct UserActionFields {
    back: Option<String>,
    role_id: Option<String>,
    provider: Option<String>,
}

/// `POST /settings/users/{id}/{action}`: the buttons of a row of the Users screen.
pub async fn user_action(
    State(state): State<AppState>,
    Path((user_id, action)): Path<(i64, String)>,
    request: Request,
) -> Result<Response, WebError> {
    let (parts, body) = request.into_parts();
    let client = client(&parts);
    let actor = actor(&parts, &client).map_err(forbidden)?;
    let fields: UserActionFields = match form(body).await {
        Ok(fields) => fields,
        Err(response) => return Ok(response),
    };
    let back = back_to(fields.back.as_deref(), routes::SETTINGS_USERS);
    let admin = state.admin();
    let done = match action.as_str() {
        "resend" => admin.resend_activation(actor, user_id).await,
        "deactivate" => admin.change_user(actor, user_id, UserChange::Deactivate).await,
        "activate" => admin.change_user(actor, user_id, UserChange::Activate).await,
        "end-sessions" => admin.end_sessions(actor, user_id).await,
        "reset-two-step" => admin.reset_two_step(actor, user_id).await,
        "unlink" => match fields.provider.as_deref() {
            Some(provider) => admin.unlink(actor, user_id, provider).await,
            None => return Err(WebError::BadRequest),
        },
        "role" => match fields.role_id.as_deref().and_then(|id| id.parse().ok()) {
            Some(role_id) => admin.change_user(actor, user_id, UserChange::Role(role_id)).await,
            None => return Err(WebError::BadRequest),
        },
        "set-password" if !state.settings.reset_by_email => {
            return match admin.set_temporary_password(actor, user_id).await {
                Ok((login, password)) => Ok(show_temporary_password(&state, parts, &back, login, password).await),
                Err(err) => answer(Err(err), &back),
            };
        }
        _ => return Ok(http::StatusCode::NOT_FOUND.into_response()),
    };
    answer(done, &back)
}

/// The Users screen again, with the temporary password shown once: in the page, never in an
/// address, and not kept by the browser's cache.
async fn show_temporary_password(
    state: &AppState,
    mut parts: Parts,
    back: &str,
    user_id: String,
    password: String,
) -> Response {
    if let Ok(uri) = back.parse() {
        parts.uri = uri;
    }
    let shown = TemporaryPassword { user_id, password };
    let mut response = render::page(state, parts, move || leptos::prelude::provide_context(shown.clone())).await;
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[derive(Deserialize, Default)]
struct RoleFields {
    #[serde(default)]
    name: String,
    #[serde(default)]
    user_level: String,
    crm: Option<String>,
    service: Option<String>,
    admin: Option<String>,
}

impl RoleFields {
    fn role(&self) -> RoleForm<'_> {
        RoleForm {
            name: &self.name,
            user_level: self.user_level.trim().parse().unwrap_or(1),
            rights: Rights { crm: self.crm.is_some(), service: self.service.is_some(), admin: self.admin.is_some() },
        }
    }
}

/// `POST /settings/roles`: "Create role".
pub async fn create_role(State(state): State<AppState>, request: Request) -> Result<Response, WebError> {
    let (parts, body) = request.into_parts();
    let client = client(&parts);
    let actor = actor(&parts, &client).map_err(forbidden)?;
    let fields: RoleFields = match form(body).await {
        Ok(fields) => fields,
        Err(response) => return Ok(response),
    };
    answer(state.admin().create_role(actor, &fields.role()).await, routes::SETTINGS_ROLES)
}

/// `POST /settings/roles/{id}/{action}`: "Save" or "Delete".
pub async fn role_action(
    State(state): State<AppState>,
    Path((role_id, action)): Path<(i64, String)>,
    request: Request,
) -> Result<Response, WebError> {
    let (parts, body) = request.into_parts();
    let client = client(&parts);
    let actor = actor(&parts, &client).map_err(forbidden)?;
    let fields: RoleFields = match form(body).await {
        Ok(fields) => fields,
        Err(response) => return Ok(response),
    };
    let done = match action.as_str() {
        "save" => state.admin().save_role(actor, role_id, &fields.role()).await,
        "delete" => state.admin().delete_role(actor, role_id).await,
        _ => return Ok(http::StatusCode::NOT_FOUND.into_response()),
    };
    answer(done, routes::SETTINGS_ROLES)
}

#[derive(Deserialize, Default)]
struct PolicyFields {
    #[serde(default)]
    level: String,
    #[serde(default)]
    grace: String,
    for_sso: Option<String>,
}

/// `POST /settings/two-step`: the tenant's two-step verification policy.
pub async fn two_step_policy(State(state): State<AppState>, request: Request) -> Result<Response, WebError> {
    let (parts, body) = request.into_parts();
    let client = client(&parts);
    let actor = actor(&parts, &client).map_err(forbidden)?;
    let fields: PolicyFields = match form(body).await {
        Ok(fields) => fields,
        Err(response) => return Ok(response),
    };
    let (Some(level), Ok(grace)) = (TwoStepPolicy::parse(&fields.level), fields.grace.trim().parse::<i64>()) else {
        return answer(Err(AdminError::Refused(AdminOutcome::PolicyInvalid)), routes::SETTINGS);
    };
    answer(state.admin().set_two_step_policy(actor, level, grace, fields.for_sso.is_some()).await, routes::SETTINGS)
}
