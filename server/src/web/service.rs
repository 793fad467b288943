//! The two sides of CRM → Service: the CRM mints a ticket and posts it across; Service redeems
//! it for its own session. Service's "Log out" ends only the Service session.

use super::context::{client, lang, CurrentSession};
use super::cookies;
use super::error::WebError;
use super::forms::end_current_session;
use super::plain_page::plain_page;
use super::read_form;
use super::require::service_login_address;
use super::state::AppState;
use crate::audit::{self, Event, Origin, Subject};
use crate::db::App;
use crate::handoff::HandoffError;
use crate::html::escape;
use app::backend::CspNonce;
use app::i18n::Msg;
use app::model::Notice;
use app::routes;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::header::{REFERRER_POLICY, SET_COOKIE};
use http::{HeaderValue, StatusCode};
use serde::Deserialize;

/// `POST /crm/service/handoff`: a page that posts a fresh ticket to Service at once (or when
/// "Continue" is pressed, without JavaScript).
pub async fn handoff(
    State(state): State<AppState>,
    CurrentSession(crm): CurrentSession,
    request: Request,
) -> Result<Response, WebError> {
    let (parts, _) = request.into_parts();
    let lang = lang(&parts);
    let nonce = parts.extensions.get::<CspNonce>().map(|n| n.0.clone()).unwrap_or_default();
    let ticket = match state.handoff().mint(&crm).await {
        Ok(ticket) => ticket,
        Err(HandoffError::NoServiceRight) => return Ok(Redirect::to(routes::CRM_SERVICE).into_response()),
        Err(HandoffError::Db(err)) => return Err(WebError::Storage(err)),
        Err(err) => return Err(WebError::Internal(err.to_string())),
    };
    let subject = Subject::user(crm.tenant_id, crm.user_id);
    audit::record(&state.db, &state.clock, Event::HandoffIssued, subject, Origin::Client(&client(&parts))).await;
    let action = format!("{}{}", state.settings.service_url, routes::SERVICE_SESSION);
    let body = format!(
        r#"<h1>{heading}</h1>
<form id="handoff" method="post" action="{action}">
<input type="hidden" name="ticket" value="{ticket}">
<button type="submit" class="primary">{cont}</button>
</form>
<script nonce="{nonce}">document.getElementById("handoff").submit();</script>"#,
        heading = escape(Msg::OpeningService.text(lang)),
        action = escape(&action),
        ticket = ticket.expose(),
        cont = escape(Msg::Continue.text(lang)),
    );
    let mut response = plain_page(lang, Msg::Service.text(lang), &body).into_response();
    // The post to Service must say where it comes from (under no-referrer it would say "null").
    response.headers_mut().insert(REFERRER_POLICY, HeaderValue::from_static("origin"));
    Ok(response)
}

#[derive(Deserialize, Default)]
struct TicketForm {
    #[serde(default)]
    ticket: String,
}

/// `POST /service/session`: redeems a ticket for a Service session.
pub async fn redeem(State(state): State<AppState>, request: Request) -> Result<Response, WebError> {
    let (parts, body) = request.into_parts();
    let lang = lang(&parts);
    let client = client(&parts);
    let form: TicketForm = match read_form(body).await {
        Ok(Some(form)) => form,
        Ok(None) => return Err(WebError::BadRequest),
        Err(status) => return Ok(status.into_response()),
    };
    let previous = cookies::single(&parts.headers, cookies::session_cookie_name(&state.settings, App::Service))
        .map_err(|_| WebError::TwoSessionCookies)?;
    match state.handoff().redeem(&form.ticket, previous, &client).await {
        Ok(service) => {
            let subject = Subject::user(service.tenant.id, service.user_id);
            audit::record(&state.db, &state.clock, Event::HandoffRedeemed, subject, Origin::Client(&client)).await;
            let mut response = Redirect::to(routes::SERVICE).into_response();
            let session = &service.session;
            let cookie = cookies::session_cookie(&state.settings, App::Service, &session.token, session.lifetime_secs);
            response.headers_mut().append(SET_COOKIE, cookie);
            Ok(response)
        }
        Err(HandoffError::Db(err)) => Err(WebError::Storage(err)),
        Err(err) => {
            let event = Event::HandoffRefused(err.to_string());
            audit::record(&state.db, &state.clock, event, Subject::default(), Origin::Client(&client)).await;
            let body = format!(
                r#"<h1>{heading}</h1><p role="alert" class="error">{text}</p><p><a href="{back}">{back_text}</a></p>"#,
                heading = escape(Msg::Service.text(lang)),
                text = escape(Msg::TicketInvalid.text(lang)),
                back = escape(&service_login_address(&state, false)),
                back_text = escape(Msg::BackToCrm.text(lang)),
            );
            Ok((StatusCode::BAD_REQUEST, plain_page(lang, Msg::Service.text(lang), &body)).into_response())
        }
    }
}

/// `POST /service/logout`: ends the Service session only.
pub async fn logout(State(state): State<AppState>, request: Request) -> Result<Response, WebError> {
    let (parts, _) = request.into_parts();
    end_current_session(&state, &parts, App::Service).await?;
    let target = Notice::ServiceLoggedOut.at(&format!("{}{}", state.settings.public_url, routes::CRM_SERVICE));
    let mut response = Redirect::to(&target).into_response();
    response.headers_mut().append(SET_COOKIE, cookies::clear_session_cookie(&state.settings, App::Service));
    Ok(response)
}
