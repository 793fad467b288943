//! The emailed-link handler: an activation or reset link proves that the person reads the
//! account's mailbox. The token is checked while it works and the account is in the state the
//! link is for; the flow that uses it (choosing a password) spends it.

use super::{Method, Verified};
use crate::clock::Clock;
use crate::db::{Db, Tenant, TokenKind, UserRecord, UserStatus};
use crate::tokens::hash_token;
use app::domain::LinkKind;

/// The account status a link is for.
fn status_for(kind: LinkKind) -> UserStatus {
    match kind {
        LinkKind::Activation => UserStatus::Invited,
        LinkKind::PasswordReset => UserStatus::Active,
    }
}

pub struct Links<'a> {
    pub db: &'a Db,
    pub clock: &'a Clock,
}

impl Links<'_> {
    /// The user and tenant behind a link the browser holds, while it still works and the account
    /// is in the state the link is for. A storage failure is an error, never "no longer valid".
    pub async fn owner(&self, kind: LinkKind, raw_token: &str) -> sqlx::Result<Option<(UserRecord, Tenant)>> {
        let token_kind = TokenKind::Link(kind);
        let Some(user_id) = self.db.peek_one_time_token(&hash_token(raw_token), token_kind, self.clock.now()).await?
        else {
            return Ok(None);
        };
        let Some(user) = self.db.user_by_id(user_id).await? else { return Ok(None) };
        if user.status != status_for(kind) || (kind == LinkKind::PasswordReset && user.password_hash.is_none()) {
            return Ok(None);
        }
        Ok(self.db.tenant_by_id(user.tenant_id).await?.map(|tenant| (user, tenant)))
    }

    /// The proof a spent link leaves: this user (as they are now), by the link, now.
    pub async fn verified(&self, user_id: i64) -> sqlx::Result<Option<Verified>> {
        let Some(user) = self.db.user_by_id(user_id).await? else { return Ok(None) };
        let Some(tenant) = self.db.tenant_by_id(user.tenant_id).await? else { return Ok(None) };
        Ok(Some(Verified {
            user,
            tenant,
            method: Method::Link,
            auth_time: self.clock.now(),
            provider: None,
            second_factor: None,
        }))
    }
}
