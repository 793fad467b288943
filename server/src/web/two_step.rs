//! The sign-in's "Two-step verification" page (a code, a recovery code, or setting up an
//! authenticator where the tenant requires one), and Personal settings → Two-step
//! verification. Plain forms: both work without JavaScript.

use super::backend::{after_sign_in, signed_in_cookies};
use super::context::{client, lang, CurrentSession};
use super::cookies;
use super::error::WebError;
use super::plain_page::going_on;
use super::state::AppState;
use super::{read_form, render};
use crate::authn::second_step::{self, Answer, StepError, Stepped};
use crate::authn::{method_with_factor, Factor};
use crate::db::{App, SessionRecord};
use crate::two_step::{FactorError, Status};
use app::i18n::Msg;
use app::model::{AuthenticatorSetup, Notice, SecondStepMode, SecondStepView, TwoStepError, TwoStepSettingsView};
use app::routes;
use axum::extract::{Query, Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::header::SET_COOKIE;
use http::request::Parts;
use leptos::prelude::provide_context;
use serde::Deserialize;

/// The person's answer, as a sign-in's second step tells it.
fn step_error(err: StepError) -> TwoStepError {
    match err {
        StepError::Expired | StepError::Refused(_) => TwoStepError::Expired,
        StepError::EnterCode => TwoStepError::EnterCode,
        StepError::WrongCode => TwoStepError::WrongCode,
        StepError::KeyExpired => TwoStepError::KeyExpired,
        StepError::TooManyAttempts => TwoStepError::TooManyAttempts,
        StepError::Busy => TwoStepError::Busy,
        StepError::Unavailable => TwoStepError::Unavailable,
    }
}

#[derive(Deserialize, Default)]
pub struct WithQuery {
    #[serde(default)]
    with: String,
}

/// `GET /two-step[?with=recovery]`: the second step of the sign-in this browser is in.
pub async fn page(State(state): State<AppState>, Query(query): Query<WithQuery>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let recovery = query.with == "recovery";
    show(&state, parts, recovery, None).await
}

/// The page for the waiting sign-in, with `error` if an answer was refused.
async fn show(state: &AppState, parts: Parts, recovery: bool, error: Option<TwoStepError>) -> Response {
    let raw = cookies::two_step(&state.settings, &parts.headers);
    let pending = match raw {
        Some(raw) => match state.second_step().pending(raw).await {
            Ok(pending) => pending,
            Err(err) => return WebError::Storage(err).into_response(),
        },
        None => None,
    };
    let Some(pending) = pending else {
        let view = SecondStepView {
            mode: SecondStepMode::Code,
            error: Some(TwoStepError::Expired),
            authenticator: false,
            passkeys: false,
        };
        let mut response = render_step(state, parts, view).await;
        response.headers_mut().append(SET_COOKIE, cookies::clear_two_step_cookie(&state.settings));
        return response;
    };
    let mode = if pending.row.enrol {
        match state.second_step().setup(&pending.user, &pending.tenant).await {
            Ok(Some(setup)) => {
                SecondStepMode::Enrol(AuthenticatorSetup { secret: setup.secret_grouped, qr_svg: setup.qr_svg })
            }
            Ok(None) => SecondStepMode::Code,
            Err(_) => return WebError::Internal("authenticator setup".into()).into_response(),
        }
    } else if recovery || (!pending.factors.authenticator && pending.factors.recovery_codes > 0) {
        SecondStepMode::RecoveryCode
    } else {
        SecondStepMode::Code
    };
    let view = SecondStepView {
        mode,
        error,
        authenticator: pending.factors.authenticator,
        passkeys: pending.factors.passkeys > 0,
    };
    render_step(state, parts, view).await
}

async fn render_step(state: &AppState, mut parts: Parts, view: SecondStepView) -> Response {
    let status = view.error.map(TwoStepError::http_status);
    parts.uri = http::Uri::from_static(routes::TWO_STEP);
    match status {
        Some(status) => {
            let retry = (status == 429 || status == 503).then_some(if status == 429 { 60 } else { 1 });
            render::refusal_with(state, parts, status, retry, move || provide_context(view.clone())).await
        }
        None => render::page(state, parts, move || provide_context(view.clone())).await,
    }
}

#[derive(Deserialize, Default)]
struct StepFields {
    /// `code` (the default), `recovery`, or `enrol`.
    #[serde(default)]
    step: String,
    #[serde(default)]
    code: String,
}

/// `POST /two-step`: a code, a recovery code, or the first code of an authenticator being set
/// up. Right: the session, and on (after the recovery codes, when they are new).
pub async fn answer(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let fields: StepFields = match read_form(body).await {
        Ok(Some(fields)) => fields,
        Ok(None) => return WebError::BadRequest.into_response(),
        Err(status) => return status.into_response(),
    };
    let settings = &state.settings;
    let recovery = fields.step == "recovery";
    let Some(raw) = cookies::two_step(settings, &parts.headers) else {
        return show(&state, parts, recovery, Some(TwoStepError::Expired)).await;
    };
    let client = client(&parts);
    let devices = cookies::devices(settings, &parts.headers);
    let previous = cookies::single(&parts.headers, cookies::session_cookie_name(settings, App::Crm)).ok().flatten();
    let door = second_step::door(&client, previous, &devices);
    let step = state.second_step();
    let outcome = match fields.step.as_str() {
        "enrol" => step.enrol(raw, &fields.code, door).await,
        "recovery" => step.verify(raw, Answer::RecoveryCode(&fields.code), door).await,
        _ => step.verify(raw, Answer::Code(&fields.code), door).await,
    };
    match outcome {
        Ok(stepped) => stepped_response(&state, &parts, stepped, &devices).await,
        Err(err) => {
            let error = step_error(err);
            let mut response = show(&state, parts, recovery, Some(error)).await;
            if error == TwoStepError::Expired {
                response.headers_mut().append(SET_COOKIE, cookies::clear_two_step_cookie(settings));
            }
            response
        }
    }
}

/// Signed in: the session's cookies, then on; new recovery codes are shown first (once).
async fn stepped_response(state: &AppState, parts: &Parts, stepped: Stepped, devices: &[String]) -> Response {
    let mut redirect = after_sign_in(stepped.app, &stepped.signed_in, stepped.next.as_deref(), false);
    if stepped.recovery_codes_left.is_some() && redirect == routes::CRM {
        redirect = Notice::RecoveryCodeUsed.at(routes::CRM);
    }
    let mut response = match stepped.new_recovery_codes {
        Some(codes) => {
            let view = SecondStepView {
                mode: SecondStepMode::RecoveryCodes { codes, next: redirect },
                error: None,
                authenticator: true,
                passkeys: false,
            };
            let mut parts = parts.clone();
            parts.uri = http::Uri::from_static(routes::TWO_STEP);
            render::page(state, parts, move || provide_context(view.clone())).await
        }
        // An app's sign-in in flight goes on to the app: after a form, by a page (the
        // `form-action` of this page does not reach the app's origin).
        None if redirect.starts_with("/oauth2/") => {
            let lang = lang(parts);
            going_on(lang, Msg::ProductName.text(lang), &redirect, Msg::Continue.text(lang))
        }
        None => Redirect::to(&redirect).into_response(),
    };
    let headers = response.headers_mut();
    headers.append(SET_COOKIE, cookies::clear_two_step_cookie(&state.settings));
    for cookie in signed_in_cookies(state, stepped.app, &stepped.signed_in, devices) {
        headers.append(SET_COOKIE, cookie);
    }
    response
}

/// A sign-in whose second step is due: to its page, with the half-signed-in cookie.
/// A factor just set up in this session (its first code, or a passkey made with the person's
/// fingerprint, face or PIN) is the session's second factor from now on.
pub async fn count_as_second_factor(state: &AppState, me: &SessionRecord, factor: Factor) -> sqlx::Result<()> {
    let now = state.clock.now();
    state.db.set_second_factor(&me.token_hash, &method_with_factor(&me.method, factor, now), now).await
}

pub fn to_second_step(state: &AppState, pending: &crate::authn::PendingStep) -> Response {
    let mut response = Redirect::to(routes::TWO_STEP).into_response();
    response.headers_mut().append(SET_COOKIE, cookies::two_step_cookie(&state.settings, &pending.token));
    response
}

// Personal settings → Two-step verification.

fn factor_error(err: FactorError) -> TwoStepError {
    match err {
        FactorError::Step(err) => step_error(err),
        FactorError::EnterPassword => TwoStepError::EnterPassword,
        FactorError::WrongPassword => TwoStepError::WrongPassword,
        FactorError::Required => TwoStepError::Required,
        FactorError::Off | FactorError::NotSetUp => TwoStepError::Expired,
        FactorError::Unavailable => TwoStepError::Unavailable,
    }
}

fn settings_view(status: &Status) -> TwoStepSettingsView {
    TwoStepSettingsView {
        off: status.policy == crate::db::TwoStepPolicy::Off,
        required: status.required,
        authenticator: status.factors.authenticator,
        recovery_codes_left: status.factors.recovery_codes,
        passkeys: status.factors.passkeys,
        ..TwoStepSettingsView::default()
    }
}

/// `GET /crm/two-step`.
pub async fn settings_page(
    State(state): State<AppState>,
    CurrentSession(me): CurrentSession,
    request: Request,
) -> Result<Response, WebError> {
    let (parts, _) = request.into_parts();
    let (user, tenant) = me_and_tenant(&state, me.user_id).await?;
    let status =
        state.two_step_settings().status(&user, &tenant).await.map_err(|_| WebError::Internal("status".into()))?;
    let view = settings_view(&status);
    Ok(render::page(&state, parts, move || provide_context(view.clone())).await)
}

async fn me_and_tenant(state: &AppState, user_id: i64) -> Result<(crate::db::UserRecord, crate::db::Tenant), WebError> {
    let user = state.db.user_by_id(user_id).await?.ok_or(WebError::NotSignedIn)?;
    let tenant = state.db.tenant_by_id(user.tenant_id).await?.ok_or(WebError::NotSignedIn)?;
    Ok((user, tenant))
}

#[derive(Deserialize, Default)]
struct SettingsFields {
    #[serde(default)]
    action: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    password: String,
}

/// `POST /crm/two-step`: `setup`, `confirm` (the first code), `off` (with the password), or
/// `codes` (new recovery codes).
pub async fn settings_post(
    State(state): State<AppState>,
    CurrentSession(me): CurrentSession,
    request: Request,
) -> Result<Response, WebError> {
    let (parts, body) = request.into_parts();
    let fields: SettingsFields = match read_form(body).await {
        Ok(Some(fields)) => fields,
        Ok(None) => return Err(WebError::BadRequest),
        Err(status) => return Ok(status.into_response()),
    };
    let (user, tenant) = me_and_tenant(&state, me.user_id).await?;
    let flow = state.two_step_settings();
    let client = client(&parts);
    let status = flow.status(&user, &tenant).await.map_err(|_| WebError::Internal("status".into()))?;
    let mut view = settings_view(&status);
    let outcome = match fields.action.as_str() {
        "setup" => flow.setup(&user, &tenant).await.map(|setup| {
            view.setup = Some(AuthenticatorSetup { secret: setup.secret_grouped, qr_svg: setup.qr_svg });
        }),
        "confirm" => match flow.confirm(&user, &fields.code, &client).await {
            Ok(codes) => {
                // The code just given is this session's second factor (a password change
                // right after signs this browser in again without asking for it).
                count_as_second_factor(&state, &me, Factor::Authenticator).await?;
                view.authenticator = true;
                view.recovery_codes_left = codes.len() as i64;
                view.new_codes = Some(codes);
                Ok(())
            }
            Err(err) => {
                // The same authenticator again, to try the code once more.
                if let Ok(setup) = flow.setup(&user, &tenant).await {
                    view.setup = Some(AuthenticatorSetup { secret: setup.secret_grouped, qr_svg: setup.qr_svg });
                }
                Err(err)
            }
        },
        "off" => {
            let devices = cookies::devices(&state.settings, &parts.headers);
            match flow.turn_off(&user, &tenant, &fields.password, &devices, &client).await {
                Ok(()) => return Ok(Redirect::to(&Notice::TwoStepOff.at(routes::TWO_STEP_SETTINGS)).into_response()),
                Err(err) => Err(err),
            }
        }
        "codes" => flow.new_recovery_codes(&user, &client).await.map(|codes| {
            view.recovery_codes_left = codes.len() as i64;
            view.new_codes = Some(codes);
        }),
        _ => return Err(WebError::BadRequest),
    };
    let status = match outcome {
        Ok(()) => None,
        Err(err) => {
            let error = factor_error(err);
            view.error = Some(error);
            Some(error.http_status())
        }
    };
    Ok(match status {
        Some(status) => render::refusal_with(&state, parts, status, None, move || provide_context(view.clone())).await,
        None => render::page(&state, parts, move || provide_context(view.clone())).await,
    })
}
