//! CRM → Service: the CRM session is exchanged for a one-time ticket (256 bits, 60 s, single
//! use, bound to the user, the CRM session and the Service audience), carried in a POST body,
//! which the Service side redeems for a session of its own. That session ends with the CRM
//! session it came from.

use crate::client::ClientInfo;
use crate::clock::Clock;
use crate::db::{App, Db, SessionRecord, TokenKind, UserStatus};
use crate::sessions::{NewToken, Sessions};
use crate::tokens::{hash_token, Token};

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

pub struct ServiceSession {
    pub session: NewToken,
    pub user_id: i64,
    pub tenant_id: i64,
}

pub struct Handoff<'a> {
    pub db: &'a Db,
    pub clock: &'a Clock,
}

impl Handoff<'_> {
    /// A ticket for the person behind this CRM session; a newer one retires the older.
    pub async fn mint(&self, crm: &SessionRecord) -> Result<Token, HandoffError> {
        if !crm.rights.service {
            return Err(HandoffError::NoServiceRight);
        }
        let ticket = Token::generate();
        let now = self.clock.now();
        let kind = TokenKind::ServiceHandoff;
        self.db.retire_one_time_tokens(crm.user_id, kind, None, now).await?;
        let expires_at = now + TICKET_LIFETIME_SECS;
        self.db
            .insert_one_time_token(&ticket.hash(), kind, crm.user_id, expires_at, Some(&crm.token_hash), now)
            .await?;
        Ok(ticket)
    }

    /// Uses a ticket up and opens a Service session, if the CRM session it came from still lives.
    pub async fn redeem(&self, ticket: &str, client: &ClientInfo) -> Result<ServiceSession, HandoffError> {
        if ticket.is_empty() || ticket.len() > 128 {
            return Err(HandoffError::InvalidTicket);
        }
        let now = self.clock.now();
        let (user_id, crm_hash) = self
            .db
            .redeem_one_time_token(&hash_token(ticket), TokenKind::ServiceHandoff, now)
            .await?
            .ok_or(HandoffError::InvalidTicket)?;
        let crm = self
            .db
            .session_by_hash(crm_hash.as_deref().unwrap_or_default())
            .await?
            .filter(|crm| {
                crm.app == App::Crm
                    && crm.user_id == user_id
                    && !crm.is_expired(now)
                    && crm.status == UserStatus::Active
            })
            .ok_or(HandoffError::CrmSessionEnded)?;
        if !crm.rights.service {
            return Err(HandoffError::NoServiceRight);
        }
        let tenant = self.db.tenant_by_id(crm.tenant_id).await?.ok_or(HandoffError::CrmSessionEnded)?;
        let sessions = Sessions { db: self.db, clock: self.clock };
        let session = sessions.create(user_id, &tenant, App::Service, client, Some(&crm.token_hash)).await?;
        Ok(ServiceSession { session, user_id, tenant_id: tenant.id })
    }
}
