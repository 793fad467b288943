//! The sessions page's form posts: end one of my sessions, or all but this one.

use crate::state::AppState;
use crate::web::client::ClientInfo;
use crate::web::context::{login_address, CurrentSession};
use crate::web::read_form;
use app::routes;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::StatusCode;
use serde::Deserialize;

#[derive(Deserialize, Default)]
struct EndForm {
    #[serde(default)]
    id: String,
}

pub async fn end_one(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Some(CurrentSession(me)) = parts.extensions.get::<CurrentSession>().cloned() else {
        return Redirect::to(&login_address(routes::SESSIONS, false)).into_response();
    };
    let form: EndForm = read_form(body).await.ok().flatten().unwrap_or_default();
    match state.db.delete_user_session(me.user_id, &form.id).await {
        Ok(ended) => {
            if ended {
                let client = ClientInfo::of_request(&parts);
                crate::login::audit_event(
                    &state,
                    Some(me.tenant_id),
                    Some(me.user_id),
                    None,
                    "session.end",
                    "success",
                    None,
                    &client,
                )
                .await;
            }
            let notice = if form.id == me.public_id { routes::LOGIN } else { routes::SESSIONS };
            Redirect::to(&format!("{notice}?notice=session-logged-out")).into_response()
        }
        Err(err) => {
            tracing::error!(error = %err, "could not end a session");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

pub async fn end_others(State(state): State<AppState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let Some(CurrentSession(me)) = parts.extensions.get::<CurrentSession>().cloned() else {
        return Redirect::to(&login_address(routes::SESSIONS, false)).into_response();
    };
    match state.db.delete_user_sessions(me.user_id, Some(&me.token_hash)).await {
        Ok(count) => {
            let client = ClientInfo::of_request(&parts);
            let detail = format!("{count} ended");
            crate::login::audit_event(
                &state,
                Some(me.tenant_id),
                Some(me.user_id),
                None,
                "session.end-others",
                "success",
                Some(&detail),
                &client,
            )
            .await;
            Redirect::to(&format!("{}?notice=others-logged-out", routes::SESSIONS)).into_response()
        }
        Err(err) => {
            tracing::error!(error = %err, "could not end the other sessions");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
