//! The two sides of CRM → Service: the CRM mints a ticket and posts it across; Service redeems
//! it for its own session. Service's "Log out" ends only the Service session.

use crate::handoff::{self, HandoffError};
use crate::session::{self, App};
use crate::state::AppState;
use crate::web::client::ClientInfo;
use crate::web::context::{end_current_session, login_address, service_login_address, CurrentSession};
use crate::web::plain_page::{escape, plain_page};
use crate::web::read_form;
use app::backend::CspNonce;
use app::i18n::{Lang, Msg};
use app::routes;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::header::{REFERRER_POLICY, SET_COOKIE};
use http::{HeaderValue, StatusCode};
use serde::Deserialize;

/// `POST /crm/service/handoff`: a page that posts a fresh ticket to Service at once (or when
/// "Continue" is pressed, without JavaScript).
pub async fn handoff(State(state): State<AppState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let Some(CurrentSession(crm)) = parts.extensions.get::<CurrentSession>() else {
        return Redirect::to(&login_address(routes::CRM_SERVICE, false)).into_response();
    };
    let lang = parts.extensions.get::<Lang>().copied().unwrap_or_default();
    let nonce = parts.extensions.get::<CspNonce>().map(|n| n.0.clone()).unwrap_or_default();
    let client = ClientInfo::of_request(&parts);
    let ticket = match handoff::mint(&state, crm).await {
        Ok(ticket) => ticket,
        Err(HandoffError::NoServiceRight) => return Redirect::to(routes::CRM_SERVICE).into_response(),
        Err(err) => {
            tracing::error!(error = %err, "could not mint a Service ticket");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    crate::login::audit_event(
        &state,
        Some(crm.tenant_id),
        Some(crm.user_id),
        None,
        "service.handoff",
        "issued",
        None,
        &client,
    )
    .await;
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
    response
}

#[derive(Deserialize, Default)]
struct TicketForm {
    #[serde(default)]
    ticket: String,
}

/// `POST /service/session`: redeems a ticket for a Service session.
pub async fn redeem(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let lang = parts.extensions.get::<Lang>().copied().unwrap_or_default();
    let client = ClientInfo::of_request(&parts);
    let form: TicketForm = read_form(body).await.ok().flatten().unwrap_or_default();
    match handoff::redeem(&state, &form.ticket, &client).await {
        Ok(service) => {
            crate::login::audit_event(
                &state,
                Some(service.tenant_id),
                Some(service.user_id),
                None,
                "service.handoff",
                "success",
                None,
                &client,
            )
            .await;
            let mut response = Redirect::to(routes::SERVICE).into_response();
            response.headers_mut().append(
                SET_COOKIE,
                session::session_cookie(&state.settings, App::Service, &service.token, service.lifetime_secs),
            );
            response
        }
        Err(err) => {
            if let HandoffError::Db(db) = &err {
                tracing::error!(error = %db, "could not redeem a Service ticket");
            }
            let detail = err.to_string();
            crate::login::audit_event(&state, None, None, None, "service.handoff", "refused", Some(&detail), &client)
                .await;
            let body = format!(
                r#"<h1>{heading}</h1><p role="alert" class="error">{text}</p><p><a href="{back}">{back_text}</a></p>"#,
                heading = escape(Msg::Service.text(lang)),
                text = escape(Msg::TicketInvalid.text(lang)),
                back = escape(&service_login_address(&state, false)),
                back_text = escape(Msg::BackToCrm.text(lang)),
            );
            (StatusCode::BAD_REQUEST, plain_page(lang, Msg::Service.text(lang), &body)).into_response()
        }
    }
}

/// `POST /service/logout`: ends the Service session only.
pub async fn logout(State(state): State<AppState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    if let Err(status) = end_current_session(&state, &parts, Some("service")).await {
        return status.into_response();
    }
    let target = format!("{}{}?notice=service-logged-out", state.settings.public_url, routes::CRM_SERVICE);
    let mut response = Redirect::to(&target).into_response();
    response.headers_mut().append(SET_COOKIE, session::clear_session_cookie(&state.settings, App::Service));
    response
}
