//! "Reset login": one email address, several tenants. An emailed code (8 digits, 10 minutes,
//! single use, at most 5 wrong tries; a newer code retires the older) proves the address; then
//! the person picks one of the tenants where it is an active user, and logs in there with their
//! password. The code proves the email, not the password: it never logs anyone in.

use crate::audit::{self, Event, Origin, Subject};
use crate::client::ClientInfo;
use crate::clock::Clock;
use crate::codes::{self, code_hash, CODE_LIFETIME_SECS, MAX_WRONG_CODES};
use crate::db::{CodeCheck, Db, Tenant};
use crate::limits::Limits;
use crate::timings::EMAIL_ANSWER_TIME;
use crate::tokens::{hash_token, Token};
use crate::wakeup::MailSignal;
use app::domain::Email;
use app::model::ChoiceError;

/// A storage failure: logged here, once, and answered "try again".
fn storage(err: sqlx::Error) -> ChoiceError {
    tracing::error!(error = %err, "reset login: storage failed");
    ChoiceError::Unavailable
}

pub struct TenantChoice<'a> {
    pub db: &'a Db,
    pub clock: &'a Clock,
    pub limits: &'a Limits,
    pub mail: &'a MailSignal,
}

impl TenantChoice<'_> {
    async fn audit(&self, event: Event, email: &str, client: &ClientInfo) {
        audit::record(self.db, self.clock, event, Subject::typed(email), Origin::Client(client)).await;
    }

    /// Step 1: a code for this address, if it has an active account. The answer (a challenge
    /// for this browser) is the same, in about the same time, whether or not it has one.
    pub async fn request(&self, email: &str, client: &ClientInfo) -> Result<Token, ChoiceError> {
        let started = tokio::time::Instant::now();
        let email = match Email::parse(email) {
            Ok(email) => email,
            Err(_) if email.trim().is_empty() => return Err(ChoiceError::EnterEmail),
            Err(_) => return Err(ChoiceError::NotAnEmail),
        };
        let now = self.clock.now();
        let client_key = format!("choice-client {}", client.key().as_str());
        let allowed = self.limits.take_request(&client_key, now).await.map_err(storage)?
            && self.limits.take_request(&format!("choice-address {}", email.as_str()), now).await.map_err(storage)?;
        if !allowed {
            if self.limits.first_refusal(&format!("choice {}", client.key().as_str()), now).await.map_err(storage)? {
                self.audit(Event::TenantCodeLimited, email.as_str(), client).await;
            }
            return Err(ChoiceError::TooManyRequests);
        }
        let challenge = Token::generate();
        let queued = self
            .db
            .start_tenant_choice(&challenge.hash(), email.as_str(), CODE_LIFETIME_SECS, now)
            .await
            .map_err(storage)?;
        if queued {
            self.mail.wake();
            self.audit(Event::TenantCodeSent, email.as_str(), client).await;
        } else {
            self.audit(Event::TenantCodeUnknown, email.as_str(), client).await;
        }
        tokio::time::sleep_until(started + EMAIL_ANSWER_TIME).await;
        Ok(challenge)
    }

    /// Step 2: the code typed on the browser that holds the challenge.
    pub async fn verify(&self, challenge: &str, code: &str, client: &ClientInfo) -> Result<(), ChoiceError> {
        let code = codes::normalise(code);
        if code.is_empty() {
            return Err(ChoiceError::EnterCode);
        }
        let challenge_hash = hash_token(challenge);
        let Some(row) = self.db.tenant_choice(&challenge_hash).await.map_err(storage)? else {
            return Err(ChoiceError::CodeDead);
        };
        let now = self.clock.now();
        let hash = code_hash(&challenge_hash, &code);
        match self.db.check_tenant_code(&challenge_hash, &hash, MAX_WRONG_CODES, now).await.map_err(storage)? {
            CodeCheck::Right => {
                self.audit(Event::TenantCodeAccepted, &row.email, client).await;
                Ok(())
            }
            CodeCheck::Wrong => {
                self.audit(Event::TenantCodeRefused, &row.email, client).await;
                Err(ChoiceError::WrongCode)
            }
            CodeCheck::Dead => {
                self.audit(Event::TenantCodeRefused, &row.email, client).await;
                Err(ChoiceError::CodeDead)
            }
        }
    }

    /// Step 3: the proven address and the tenants where it is an active user, while the
    /// choice is open (the code was right, within its 10 minutes, and nothing was chosen yet).
    pub async fn options(&self, challenge: &str) -> sqlx::Result<Option<(i64, String, Vec<Tenant>)>> {
        let Some(row) = self.db.tenant_choice(&hash_token(challenge)).await? else { return Ok(None) };
        let open = row.verified_at.is_some() && row.retired_at.is_none() && self.clock.now() < row.expires_at;
        if !open {
            return Ok(None);
        }
        let tenants = self.db.active_tenants_of(&row.email).await?;
        Ok(Some((row.id, row.email, tenants)))
    }

    /// The person picks `slug`: the choice ends, and the answer is the address (the user ID to
    /// fill in) and the tenant; None when the choice is not open or the tenant not among its
    /// options.
    pub async fn choose(
        &self,
        challenge: &str,
        slug: &str,
        client: &ClientInfo,
    ) -> sqlx::Result<Option<(String, Tenant)>> {
        let Some((id, email, tenants)) = self.options(challenge).await? else { return Ok(None) };
        let Some(tenant) = tenants.into_iter().find(|t| t.slug == slug) else { return Ok(None) };
        if !self.db.retire_tenant_choice(id, self.clock.now()).await? {
            return Ok(None);
        }
        let subject = Subject { tenant_id: Some(tenant.id), user_id: None, typed: Some(&email) };
        audit::record(self.db, self.clock, Event::TenantChosen, subject, Origin::Client(client)).await;
        Ok(Some((email, tenant)))
    }
}
