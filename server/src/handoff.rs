//! CRM → Service: the CRM session is exchanged for a one-time ticket (256 bits, 60 s, single
//! use, bound to the user, the CRM session and the Service audience), carried in a POST body,
//! which the Service side redeems for a session of its own. That session ends with the CRM
//! session it came from.

use crate::authn::{first_method, Completion, Devices, Door, Refusal, SecondFactor, SignInError, SignedIn, Verified};
use crate::client::ClientInfo;
use crate::clock::Clock;
use crate::db::{App, Db, SessionRecord, TokenKind, UserStatus};
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

    /// Uses a ticket up and opens a Service session through the completion step, if the CRM
    /// session it came from still lives. The Service session continues the CRM's sign-in: same
    /// method, same `auth_time`, and it ends with it. `previous` is the Service session this
    /// browser holds now.
    pub async fn redeem(
        &self,
        ticket: &str,
        previous: Option<&str>,
        client: &ClientInfo,
    ) -> Result<SignedIn, HandoffError> {
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
        let user = self.db.user_by_id(user_id).await?.ok_or(HandoffError::CrmSessionEnded)?;
        let tenant = self.db.tenant_by_id(crm.tenant_id).await?.ok_or(HandoffError::CrmSessionEnded)?;
        let method = first_method(&crm.method);
        let second_factor = SecondFactor::of_session(&crm.method, crm.second_factor_at);
        let verified = Verified { user, tenant, method, auth_time: crm.auth_time, provider: None, second_factor };
        let door = Door {
            app: App::Service,
            client,
            previous_session: previous,
            replaces: None,
            devices: Devices::NotIssued,
            parent: Some(&crm.token_hash),
            next: None,
            crm_session: None,
        };
        Completion { db: self.db, clock: self.clock }.complete(verified, door).await.map_err(|err| match err {
            SignInError::Refused(Refusal::NoRight(_)) => HandoffError::NoServiceRight,
            SignInError::Refused(_) | SignInError::SecondStepDue(_) => HandoffError::CrmSessionEnded,
            SignInError::Storage(err) => HandoffError::Db(err),
        })
    }
}
