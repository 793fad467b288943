//! The OpenID Connect handler (the relying party): the authorization code flow with PKCE, its
//! `state` and `nonce` bound to one browser (a short-lived cookie whose hash finds the login in
//! flight), each provider answering on its own redirect URI (so that one provider's answer can
//! never be taken for another's: RFC 9700 §4.4), `iss` checked when the provider sends it
//! (RFC 9207), the ID token checked by the `openidconnect` crate, UserInfo read for the claims
//! the ID token leaves out, then the person matched to a user of the provider's tenant
//! ([`matching`]). A match that the provider cannot vouch for waits until the person proves the
//! account ([`linking`]). The session itself is the completion step's.

mod linking;
mod matching;
mod provider;

pub use linking::{LinkProof, LinkProofError, Pending};
pub use provider::{check_endpoint, clean_name, redirect_uri, RelyingParty, ATTEMPT_SECS};

use super::{Completion, Devices, Door, Method, PendingStep, Refusal, SignInError, SignedIn, Verified};
use crate::audit::{self, Event, Origin, Subject};
use crate::client::ClientInfo;
use crate::clock::Clock;
use crate::db::{App, Db, ProviderRow, SsoAttempt, Tenant, UserRecord};
use crate::hashing::PasswordHasher;
use crate::limits::Limits;
use crate::tokens::{hash_token, Token};
use crate::wakeup::MailSignal;
use openidconnect::core::CoreAuthenticationFlow;
use openidconnect::{CsrfToken, Nonce, PkceCodeChallenge, Scope};

/// Mail domains anyone can have an address at: no provider may claim them (an address there
/// says nothing about whose organisation it belongs to).
const PUBLIC_MAIL_DOMAINS: &[&str] = &[
    "aol.com",
    "fastmail.com",
    "gmail.com",
    "gmx.com",
    "gmx.de",
    "gmx.net",
    "googlemail.com",
    "hey.com",
    "hotmail.com",
    "hotmail.nl",
    "icloud.com",
    "kpnmail.nl",
    "live.com",
    "live.nl",
    "mac.com",
    "mail.com",
    "me.com",
    "msn.com",
    "outlook.com",
    "outlook.nl",
    "planet.nl",
    "pm.me",
    "proton.me",
    "protonmail.com",
    "qq.com",
    "t-online.de",
    "telenet.be",
    "web.de",
    "xs4all.nl",
    "yahoo.com",
    "yandex.com",
    "yandex.ru",
    "ziggo.nl",
    "zoho.com",
];

/// Whether a domain is a public mail service's (see [`PUBLIC_MAIL_DOMAINS`]).
pub fn is_public_mail_domain(domain: &str) -> bool {
    PUBLIC_MAIL_DOMAINS.contains(&domain.to_ascii_lowercase().as_str())
}

/// Why a single sign-on did not sign the person in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SsoError {
    /// No login in flight for this browser (no cookie, expired, used, or another browser's), or
    /// a `state` that is not its own.
    InvalidState,
    /// The answer came to another provider's redirect URI than the login's (a mix-up).
    WrongProvider,
    /// The answer's `iss` is not the provider's, or missing where the provider promises it.
    WrongIssuer,
    /// The person cancelled at the provider (`error=access_denied`).
    Cancelled,
    /// The provider answered with another error, or refused the code (used already).
    Rejected,
    /// Discovery, the token exchange or UserInfo could not reach the provider.
    ProviderUnavailable,
    /// The ID token (or UserInfo) failed a check.
    InvalidToken(TokenFault),
    EmailNotVerified,
    /// No user matches (strategy "existing active users only"), or the provider cannot vouch
    /// for the address's domain.
    NoAccount,
    /// An activation answered for another email address than the invitation's.
    WrongAccount,
    /// The activation link was used, expired or replaced meanwhile.
    LinkInvalid,
    /// The provider's settings cannot be used (the secret does not open, an endpoint is refused).
    Misconfigured,
    /// This client started or finished too many logins in the last minute.
    TooManyRequests,
    /// Verified, but the completion step said no (not active, no right to the app).
    Refused(Refusal),
    /// Storage or hashing failed.
    Unavailable,
}

/// Which check an ID token (or UserInfo) failed, for the audit trail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenFault {
    Missing,
    Signature,
    Issuer,
    Audience,
    Expired,
    IssuedAt,
    Nonce,
    AccessTokenHash,
    /// UserInfo answered about another subject than the ID token's.
    UserInfoSubject,
    Other,
}

impl SsoError {
    /// Why, as the audit trail tells it.
    pub fn reason(self) -> &'static str {
        match self {
            SsoError::InvalidState => "invalid state",
            SsoError::WrongProvider => "answer for another provider",
            SsoError::WrongIssuer => "wrong iss in the answer",
            SsoError::Cancelled => "cancelled at the provider",
            SsoError::Rejected => "refused by the provider",
            SsoError::ProviderUnavailable => "provider unreachable",
            SsoError::InvalidToken(fault) => match fault {
                TokenFault::Missing => "no id token",
                TokenFault::Signature => "id token signature",
                TokenFault::Issuer => "id token issuer",
                TokenFault::Audience => "id token audience",
                TokenFault::Expired => "id token expired",
                TokenFault::IssuedAt => "id token issue time",
                TokenFault::Nonce => "id token nonce",
                TokenFault::AccessTokenHash => "access token hash",
                TokenFault::UserInfoSubject => "userinfo subject",
                TokenFault::Other => "id token invalid",
            },
            SsoError::EmailNotVerified => "email not verified",
            SsoError::NoAccount => "no matching user",
            SsoError::WrongAccount => "email differs from the invitation",
            SsoError::LinkInvalid => "activation link no longer valid",
            SsoError::Misconfigured => "provider misconfigured",
            SsoError::TooManyRequests => "rate limit",
            SsoError::Refused(Refusal::NotActive) => "not active",
            SsoError::Refused(Refusal::NoRight(_)) => "no right to the app",
            SsoError::Refused(Refusal::PasswordLoginOff | Refusal::TemporaryPassword) => "refused by the policy",
            SsoError::Unavailable => "storage unavailable",
        }
    }
}

fn storage(err: sqlx::Error) -> SsoError {
    tracing::error!(error = %err, "sso: storage failed");
    SsoError::Unavailable
}

impl From<SignInError> for SsoError {
    fn from(err: SignInError) -> Self {
        match err {
            SignInError::Refused(refusal) => SsoError::Refused(refusal),
            SignInError::Storage(err) => storage(err),
            SignInError::SecondStepDue(_) => {
                tracing::error!("sso: a second step where none can be asked");
                SsoError::Unavailable
            }
        }
    }
}

/// What a login through a provider is for.
pub enum Purpose {
    Login {
        /// The user ID typed on the login page (home-realm discovery), passed on as a hint.
        hint: Option<String>,
        /// Where to go once signed in (a same-site path), if not the start page.
        next: Option<String>,
    },
    /// "Activate with …" from an invitation: the activation link's raw token.
    Activate { link_token: String },
}

/// A login sent to the provider: the cookie that binds it to this browser, and where to go.
pub struct Started {
    pub cookie: Token,
    pub authorize_url: String,
}

/// The provider's answer on its redirect URI.
pub struct Reply<'a> {
    /// The provider whose redirect URI was called (the last part of its path).
    pub provider: &'a str,
    pub code: Option<&'a str>,
    pub state: Option<&'a str>,
    pub error: Option<&'a str>,
    pub iss: Option<&'a str>,
}

/// The browser the answer came back to.
pub struct Browser<'a> {
    /// The cookie that binds the login in flight to this browser.
    pub cookie: Option<&'a str>,
    /// The CRM session this browser holds now: a sign-in ends it.
    pub previous_session: Option<&'a str>,
    pub devices: &'a [String],
    pub client: &'a ClientInfo,
}

impl Browser<'_> {
    fn door(&self) -> Door<'_> {
        Door {
            app: App::Crm,
            client: self.client,
            previous_session: self.previous_session,
            replaces: None,
            devices: Devices::Carried(self.devices),
            parent: None,
            next: None,
            crm_session: None,
        }
    }
}

/// How a login through a provider ended well.
pub enum Finished {
    /// Signed in; and where to go (an app's sign-in in flight), if not the start page.
    SignedIn(SignedIn, Option<String>),
    /// The provider's verified email is an existing user's, but the provider cannot vouch for
    /// its domain: the person proves the account first (the cookie holds the pending link).
    ProveAccount(Token),
    /// The tenant asks its provider's users for a second factor too: its step is due.
    SecondStep(PendingStep),
}

/// A refusal, with what its page says: the provider, the tenant (the way back to its login
/// page) and the address the provider reported.
pub struct Refused {
    pub error: SsoError,
    pub provider: Option<String>,
    pub tenant: Option<Tenant>,
    pub email: Option<String>,
    /// Written down already (by the completion step).
    audited: bool,
}

impl Refused {
    pub fn new(error: SsoError) -> Refused {
        Refused { error, provider: None, tenant: None, email: None, audited: false }
    }

    /// A refusal about a provider (and its tenant): its page leads back to that tenant.
    pub fn about(error: SsoError, provider: &ProviderRow, tenant: Option<Tenant>) -> Refused {
        Refused { provider: Some(provider.name.clone()), tenant, ..Refused::new(error) }
    }
}

/// What the provider said about the person, after every check.
pub(crate) struct Identity {
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: Option<bool>,
    pub name: Option<String>,
    /// Google's `hd`: the Workspace domain the account belongs to.
    pub hosted_domain: Option<String>,
    /// Entra ID's `tid`: the directory the account belongs to.
    pub directory: Option<String>,
}

impl Identity {
    /// The provider's verified email, or why there is none.
    fn verified_email(&self) -> Result<String, SsoError> {
        match &self.email {
            Some(email) if self.email_verified == Some(true) && !email.is_empty() => Ok(email.clone()),
            _ => Err(SsoError::EmailNotVerified),
        }
    }
}

/// What a person proved through a provider: a user, or a user to prove first.
pub(crate) enum Matched {
    User(UserRecord),
    ProveFirst(UserRecord),
}

pub struct Sso<'a> {
    pub db: &'a Db,
    pub clock: &'a Clock,
    pub hasher: &'a PasswordHasher,
    pub limits: &'a Limits,
    pub mail: &'a MailSignal,
    pub rp: &'a RelyingParty,
}

impl Sso<'_> {
    fn completion(&self) -> Completion<'_> {
        Completion { db: self.db, clock: self.clock }
    }

    /// Home-realm discovery: the provider a user ID's email domain belongs to, in a tenant with
    /// password login off. Only the tenant in the address counts when there is one; else the
    /// one this device remembers, when it claims the domain; else a domain claimed by exactly
    /// one tenant. The answer does not depend on whether such a user exists.
    pub async fn home_realm(
        &self,
        user_id: &str,
        named_tenant: Option<&str>,
        remembered_tenant: Option<&str>,
    ) -> sqlx::Result<Option<ProviderRow>> {
        let Some((_, domain)) = user_id.trim().rsplit_once('@') else { return Ok(None) };
        if domain.is_empty() {
            return Ok(None);
        }
        let claims = self.db.home_realm_claims(&domain.to_ascii_lowercase()).await?;
        let of = |slug: &str| claims.iter().find(|(tenant, _)| tenant == slug).map(|(_, provider)| provider.clone());
        Ok(match (named_tenant, remembered_tenant) {
            (Some(named), _) => of(named),
            (None, Some(remembered)) if of(remembered).is_some() => of(remembered),
            _ => match claims.as_slice() {
                [(_, only)] => Some(only.clone()),
                _ => None,
            },
        })
    }

    /// Sends the browser to the provider: a fresh `state`, `nonce` and PKCE verifier, kept
    /// under the hash of the cookie this browser gets.
    pub async fn start(
        &self,
        provider: &ProviderRow,
        purpose: Purpose,
        client: &ClientInfo,
    ) -> Result<Started, SsoError> {
        let now = self.clock.now();
        if !self.limits.take_sso(&client.key(), now).await.map_err(storage)? {
            self.audit_limited(client, now).await;
            return Err(SsoError::TooManyRequests);
        }
        let oidc = self.rp.client(provider, false).await?.oidc;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request =
            oidc.authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random);
        for scope in provider.scopes.split_whitespace().filter(|s| *s != "openid") {
            request = request.add_scope(Scope::new(scope.to_string()));
        }
        let (activation_token_hash, hint, return_to) = match purpose {
            Purpose::Login { hint, next } => (None, hint, next.filter(|n| app::domain::ReturnPath::parse(n).is_some())),
            Purpose::Activate { link_token } => (Some(hash_token(&link_token)), None, None),
        };
        if let Some(hint) = hint {
            request = request.add_extra_param("login_hint", hint);
        }
        let (url, state, nonce) = request.set_pkce_challenge(challenge).url();
        let cookie = Token::generate();
        let attempt = SsoAttempt {
            provider_id: provider.id,
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
            activation_token_hash,
            expires_at: now + ATTEMPT_SECS,
            return_to,
        };
        self.db.insert_sso_attempt(&cookie.hash(), &attempt, now).await.map_err(storage)?;
        let event = Event::SsoStarted { provider: provider.name.clone() };
        audit::record(self.db, self.clock, event, Subject::tenant(provider.tenant_id), Origin::Client(client)).await;
        Ok(Started { cookie, authorize_url: url.to_string() })
    }

    /// The provider's answer: checked, matched to a user, and signed in through the completion
    /// step. A refusal is audited here when the browser held a login in flight (a callback
    /// without one is noise anyone can make, and is not written down).
    pub async fn finish(&self, browser: Browser<'_>, reply: Reply<'_>) -> Result<Finished, Refused> {
        let mut refused = Refused::new(SsoError::InvalidState);
        let now = self.clock.now();
        match self.limits.take_sso(&browser.client.key(), now).await {
            Ok(true) => {}
            Ok(false) => {
                self.audit_limited(browser.client, now).await;
                return Err(Refused::new(SsoError::TooManyRequests));
            }
            Err(err) => return Err(Refused::new(storage(err))),
        }
        let cookie = browser.cookie.filter(|raw| !raw.is_empty() && raw.len() <= 128);
        let attempt = match cookie {
            Some(cookie) => {
                self.db.sso_attempt(&hash_token(cookie), now).await.map_err(|e| Refused::new(storage(e)))?
            }
            None => None,
        };
        let (Some(cookie), Some(attempt)) = (cookie, attempt) else { return Err(refused) };
        match self.answer(&browser, cookie, &attempt, reply, &mut refused).await {
            Ok(finished) => Ok(finished),
            Err(error) => {
                refused.error = error;
                tracing::info!(reason = error.reason(), "sso: login refused");
                // The completion step writes its own refusals down.
                if !refused.audited {
                    let event = Event::SsoFailed { provider: refused.provider.clone(), reason: error.reason() };
                    let tenant_id = refused.tenant.as_ref().map(|t| t.id);
                    let subject = Subject { tenant_id, user_id: None, typed: refused.email.as_deref() };
                    audit::record(self.db, self.clock, event, subject, Origin::Client(browser.client)).await;
                }
                Err(refused)
            }
        }
    }

    async fn answer(
        &self,
        browser: &Browser<'_>,
        cookie: &str,
        attempt: &SsoAttempt,
        reply: Reply<'_>,
        refused: &mut Refused,
    ) -> Result<Finished, SsoError> {
        let now = self.clock.now();
        let provider = self.db.provider_by_id(attempt.provider_id).await.map_err(storage)?;
        let provider = provider.ok_or(SsoError::InvalidState)?;
        let tenant = self.db.tenant_by_id(provider.tenant_id).await.map_err(storage)?.ok_or(SsoError::InvalidState)?;
        refused.provider = Some(provider.name.clone());
        refused.tenant = Some(tenant.clone());
        // Before anything else: the answer must come to the address of this login's provider.
        if provider.public_id != reply.provider {
            return Err(SsoError::WrongProvider);
        }
        // The state is compared as hashes (equal-length digests, no early exit on a prefix), and
        // a wrong one leaves the login in flight alone: a stray request cannot cancel it.
        if reply.state.is_none_or(|state| hash_token(state) != hash_token(&attempt.state)) {
            return Err(SsoError::InvalidState);
        }
        if !self.db.use_sso_attempt(&hash_token(cookie), now).await.map_err(storage)? {
            return Err(SsoError::InvalidState);
        }
        let client = self.rp.client(&provider, false).await?;
        match reply.iss {
            Some(iss) if iss != client.issuer => return Err(SsoError::WrongIssuer),
            None if client.announces_iss => return Err(SsoError::WrongIssuer),
            _ => {}
        }
        if let Some(error) = reply.error {
            return Err(if error == "access_denied" { SsoError::Cancelled } else { SsoError::Rejected });
        }
        let code = reply.code.filter(|c| !c.is_empty()).ok_or(SsoError::Rejected)?;
        let identity = self.rp.redeem(&provider, &client, attempt, code, now).await?;
        refused.email = identity.email.clone();

        let matched = match &attempt.activation_token_hash {
            Some(link) => Matched::User(self.activate(&provider, link, &identity, browser.client).await?),
            None => self.match_user(&provider, &tenant, &identity, browser.client).await?,
        };
        let user = match matched {
            Matched::User(user) => user,
            Matched::ProveFirst(user) => {
                let challenge = Token::generate();
                let expires_at = now + ATTEMPT_SECS;
                let subject = &identity.subject;
                self.db
                    .insert_pending_link(&challenge.hash(), provider.id, subject, user.id, expires_at, now)
                    .await
                    .map_err(storage)?;
                return Ok(Finished::ProveAccount(challenge));
            }
        };
        let verified = Verified {
            user,
            tenant,
            method: Method::Sso,
            auth_time: now,
            provider: Some(provider.name.clone()),
            second_factor: None,
        };
        let door = Door { next: attempt.return_to.as_deref(), ..browser.door() };
        match self.completion().complete(verified, door).await {
            Ok(signed_in) => Ok(Finished::SignedIn(signed_in, attempt.return_to.clone())),
            Err(SignInError::SecondStepDue(pending)) => Ok(Finished::SecondStep(pending)),
            Err(err) => {
                refused.audited = matches!(err, SignInError::Refused(_));
                Err(err.into())
            }
        }
    }

    /// A refused request over the per-client limit: written down once per client and window.
    async fn audit_limited(&self, client: &ClientInfo, now: i64) {
        match self.limits.first_refusal(&format!("sso {}", client.key().as_str()), now).await {
            Ok(true) => {
                let event = Event::SsoFailed { provider: None, reason: SsoError::TooManyRequests.reason() };
                audit::record(self.db, self.clock, event, Subject::default(), Origin::Client(client)).await;
            }
            Ok(false) => {}
            Err(err) => tracing::warn!(error = %err, "sso: could not count a refused request"),
        }
    }
}
