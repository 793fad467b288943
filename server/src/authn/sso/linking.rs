//! Proving the account before a provider identity is linked to it: the account's password
//! (checked like a login: the soft lock, the per-client limit, the attempt turn) or a code
//! emailed to the account's address. Then the link is made, the account's owner is told by
//! email, and the person is signed in through the completion step.

use super::{storage, Browser, Finished, Sso, SsoError};
use crate::audit::{self, Event, Origin, Subject};
use crate::authn::password::{PasswordCheck, PasswordRefusal};
use crate::authn::{Completion, Method, SignInError, Verified};
use crate::codes::{self, MAX_WRONG_CODES};
use crate::db::{CodeCheck, IdentityLink, PendingLink, ProviderRow, Tenant, UserRecord};
use crate::tokens::hash_token;

/// A link waiting for proof, as its page shows it.
pub struct Pending {
    pub provider: String,
    pub tenant: Tenant,
    pub login_name: String,
    /// The account has a password to prove it with (else only the emailed code).
    pub has_password: bool,
}

pub enum LinkProof<'a> {
    Password(&'a str),
    Code(&'a str),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkProofError {
    /// No pending link for this browser (expired, used, or another browser's).
    Expired,
    EnterPassword,
    WrongPassword,
    EnterCode,
    WrongCode,
    /// The code was used, replaced, expired or tried too often.
    CodeDead,
    TooManyAttempts,
    Busy,
    /// The account was linked to another identity of the provider meanwhile.
    Taken,
    Sso(SsoError),
}

impl From<SsoError> for LinkProofError {
    fn from(err: SsoError) -> Self {
        LinkProofError::Sso(err)
    }
}

fn from_password(refusal: PasswordRefusal) -> LinkProofError {
    match refusal {
        PasswordRefusal::TooManyAttempts => LinkProofError::TooManyAttempts,
        PasswordRefusal::Busy => LinkProofError::Busy,
        _ => LinkProofError::Sso(SsoError::Unavailable),
    }
}

impl Sso<'_> {
    async fn pending_parts(&self, challenge: &str) -> Result<Option<(PendingLink, ProviderRow, UserRecord)>, SsoError> {
        if challenge.is_empty() || challenge.len() > 128 {
            return Ok(None);
        }
        let Some(pending) = self.db.pending_link(&hash_token(challenge), self.clock.now()).await.map_err(storage)?
        else {
            return Ok(None);
        };
        let provider = self.db.provider_by_id(pending.provider_id).await.map_err(storage)?;
        let user = self.db.user_by_id(pending.user_id).await.map_err(storage)?;
        Ok(provider.zip(user).map(|(provider, user)| (pending, provider, user)))
    }

    /// The link this browser is asked to prove, while it waits.
    pub async fn pending(&self, challenge: &str) -> Result<Option<Pending>, SsoError> {
        let Some((_, provider, user)) = self.pending_parts(challenge).await? else { return Ok(None) };
        let Some(tenant) = self.db.tenant_by_id(user.tenant_id).await.map_err(storage)? else { return Ok(None) };
        Ok(Some(Pending {
            provider: provider.name,
            tenant,
            has_password: user.password_hash.is_some(),
            login_name: user.login_name,
        }))
    }

    /// Emails a code for the pending link to the account's address (at most five in five
    /// minutes; each newer code retires the older).
    pub async fn send_link_code(&self, challenge: &str) -> Result<(), LinkProofError> {
        let (pending, _, user) = self.pending_parts(challenge).await?.ok_or(LinkProofError::Expired)?;
        let now = self.clock.now();
        let key = format!("link-code {}", pending.id);
        if !self.limits.take_request(&key, now).await.map_err(storage)? {
            return Err(LinkProofError::TooManyAttempts);
        }
        self.db.queue_link_code(pending.id, &user, now).await.map_err(storage)?;
        self.mail.wake();
        Ok(())
    }

    /// The account proven: the identity is linked, the owner told, and the person signed in.
    pub async fn prove(
        &self,
        challenge: &str,
        proof: LinkProof<'_>,
        browser: Browser<'_>,
    ) -> Result<Finished, LinkProofError> {
        let (pending, provider, user) = self.pending_parts(challenge).await?.ok_or(LinkProofError::Expired)?;
        let client = browser.client;
        let how = match proof {
            LinkProof::Password("") => return Err(LinkProofError::EnterPassword),
            LinkProof::Password(password) => {
                let check = PasswordCheck { db: self.db, clock: self.clock, hasher: self.hasher, limits: self.limits };
                let right = check
                    .confirm(user.id, &user.login_name, password, browser.devices, client)
                    .await
                    .map_err(from_password)?;
                if !right {
                    return Err(LinkProofError::WrongPassword);
                }
                "password"
            }
            LinkProof::Code(typed) => {
                let code = codes::normalise(typed);
                if code.is_empty() {
                    return Err(LinkProofError::EnterCode);
                }
                let challenge_hash = hash_token(challenge);
                let code_hash = codes::code_hash(&challenge_hash, &code);
                let now = self.clock.now();
                match self
                    .db
                    .check_link_code(&challenge_hash, &code_hash, MAX_WRONG_CODES, now)
                    .await
                    .map_err(storage)?
                {
                    CodeCheck::Right => "emailed code",
                    CodeCheck::Wrong => return Err(LinkProofError::WrongCode),
                    CodeCheck::Dead => return Err(LinkProofError::CodeDead),
                }
            }
        };
        let link = IdentityLink {
            provider_id: provider.id,
            provider_name: &provider.name,
            subject: &pending.subject,
            user: &user,
        };
        if !self.db.link_identity(&link, self.clock.now()).await.map_err(storage)? {
            return Err(LinkProofError::Taken);
        }
        self.mail.wake();
        let subject = Subject::user(user.tenant_id, user.id);
        let event = Event::SsoLinked { provider: provider.name.clone(), proof: how };
        audit::record(self.db, self.clock, event, subject, Origin::Client(client)).await;
        let tenant = self.db.tenant_by_id(user.tenant_id).await.map_err(storage)?.ok_or(LinkProofError::Expired)?;
        let now = self.clock.now();
        let verified = Verified {
            user,
            tenant,
            method: Method::Sso,
            auth_time: now,
            provider: Some(provider.name),
            second_factor: None,
        };
        let completion = Completion { db: self.db, clock: self.clock };
        match completion.complete(verified, browser.door()).await {
            Ok(signed_in) => Ok(Finished::SignedIn(signed_in, None)),
            Err(SignInError::SecondStepDue(pending)) => Ok(Finished::SecondStep(pending)),
            Err(SignInError::Refused(refusal)) => Err(LinkProofError::Sso(SsoError::Refused(refusal))),
            Err(SignInError::Storage(err)) => Err(LinkProofError::Sso(storage(err))),
        }
    }
}
