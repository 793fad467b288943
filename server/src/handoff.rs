//! CRM → Service: the CRM session is exchanged for a one-time ticket (256 bits, 60 s, single
//! use, bound to the user, the CRM session and the Service audience), carried in a POST body,
//! which the Service side redeems for a session of its own.

use crate::db::SessionRecord;
use crate::db::{UserStatus, SERVICE_HANDOFF};
use crate::session::{self, App};
use crate::state::AppState;
use crate::tokens::{hash_token, Token};
use crate::web::client::ClientInfo;

pub const TICKET_LIFETIME_SECS: i64 = 60;

#[derive(Debug, thiserror::Error)]
pub enum HandoffError {
    #[error("the ticket is unknown, used, expired or not for Service")]
    InvalidTicket,
    #[error("the CRM session behind the ticket has ended")]
    CrmSessionEnded,
    #[error("the user may not use Service")]
    NoServiceRight,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// A ticket for the person behind this CRM session.
pub async fn mint(state: &AppState, crm: &SessionRecord) -> Result<Token, HandoffError> {
    if crm.can_service == 0 {
        return Err(HandoffError::NoServiceRight);
    }
    let ticket = Token::generate();
    let now = state.clock.now();
    state.db.retire_one_time_tokens(crm.user_id, SERVICE_HANDOFF, None, now).await?;
    state
        .db
        .insert_one_time_token(
            &ticket.hash(),
            SERVICE_HANDOFF,
            crm.user_id,
            now + TICKET_LIFETIME_SECS,
            Some(&crm.token_hash),
            now,
        )
        .await?;
    Ok(ticket)
}

pub struct ServiceSession {
    pub token: Token,
    pub lifetime_secs: i64,
    pub user_id: i64,
    pub tenant_id: i64,
}

/// Uses a ticket up and opens a Service session, if the CRM session it came from still lives.
pub async fn redeem(state: &AppState, ticket: &str, client: &ClientInfo) -> Result<ServiceSession, HandoffError> {
    if ticket.is_empty() || ticket.len() > 128 {
        return Err(HandoffError::InvalidTicket);
    }
    let now = state.clock.now();
    let (user_id, crm_hash) = state
        .db
        .redeem_one_time_token(&hash_token(ticket), SERVICE_HANDOFF, now)
        .await?
        .ok_or(HandoffError::InvalidTicket)?;
    let crm = state
        .db
        .session_by_hash(crm_hash.as_deref().unwrap_or_default())
        .await?
        .filter(|crm| {
            crm.app == App::Crm.as_str()
                && crm.user_id == user_id
                && now < crm.expires_at
                && now < crm.last_seen_at + crm.idle_timeout_secs
                && UserStatus::parse(&crm.status) == Some(UserStatus::Active)
        })
        .ok_or(HandoffError::CrmSessionEnded)?;
    if crm.can_service == 0 {
        return Err(HandoffError::NoServiceRight);
    }
    let tenant = state.db.tenant_by_id(crm.tenant_id).await?.ok_or(HandoffError::CrmSessionEnded)?;
    let (token, lifetime_secs) = session::create(state, user_id, &tenant, App::Service, client).await?;
    Ok(ServiceSession { token, lifetime_secs, user_id, tenant_id: tenant.id })
}
