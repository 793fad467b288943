//! Single sign-on with OpenID Connect: the authorization code flow with PKCE, its `state` and
//! `nonce` bound to one browser (a short-lived cookie whose hash finds the login in flight, used
//! once), the ID token checked by the `openidconnect` crate (signature, `iss`, `aud`, `azp`,
//! `exp`, `iat`, nonce, and the access token's hash), then the person matched to a user of the
//! provider's tenant: by the provider's subject once linked, else by its *verified* email.

use crate::audit::{self, Event, Origin, Subject};
use crate::client::ClientInfo;
use crate::clock::Clock;
use crate::db::App;
use crate::db::{
    CreateUserError, Db, NewUser, Preset, ProviderRow, SsoActivation, SsoAttempt, SsoStrategy, Tenant, TokenKind,
    UserRecord, UserStatus, USER_ROLE,
};
use crate::hashing::PasswordHasher;
use crate::sealing::SecretKey;
use crate::sessions::{NewToken, Sessions};
use crate::tokens::{hash_token, Token};
use app::domain::LoginName;
use app::i18n::Msg;
use app::model::LinkKind;
use chrono::{DateTime, TimeZone, Utc};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AccessTokenHash, AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RequestTokenError, Scope,
    SignatureVerificationError, TokenResponse,
};
use secrecy::{ExposeSecret, SecretString};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a browser may spend at the provider before the login in flight is forgotten.
pub const ATTEMPT_SECS: i64 = 600;
/// A provider's discovery document (with its keys) is fetched again after this long, or at
/// once when an ID token names a key it does not have.
const DISCOVERY_TTL: Duration = Duration::from_secs(3600);
/// Each call to a provider gives up after this long.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);
/// An ID token is accepted only when issued within this many seconds of now.
const IAT_SKEW_SECS: i64 = 300;

/// Issuers (and the endpoints they announce) are `https://`, except on loopback addresses.
pub fn check_endpoint(raw: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(raw).map_err(|e| format!("{raw:?} is not a URL ({e})"))?;
    let loopback = match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    };
    match url.scheme() {
        "https" => Ok(url),
        "http" if loopback => Ok(url),
        _ => Err(format!("{raw:?} must be https:// (http:// only on a loopback address)")),
    }
}

/// A client built from a discovery document.
type DiscoveredClient = CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

/// What the relying party keeps between requests: an HTTP client that follows no redirects, the
/// key that opens client secrets, the redirect URI, and each provider's discovery document.
pub struct RelyingParty {
    http: reqwest::Client,
    key: SecretKey,
    redirect: RedirectUrl,
    discovered: Mutex<HashMap<i64, Discovered>>,
}

#[derive(Clone)]
struct Discovered {
    issuer: String,
    metadata: CoreProviderMetadata,
    fetched: Instant,
}

impl RelyingParty {
    pub fn new(public_url: &str, key: SecretKey) -> anyhow::Result<RelyingParty> {
        let http = reqwest::Client::builder()
            // Following redirects would let a provider's answer send us anywhere (SSRF).
            .redirect(reqwest::redirect::Policy::none())
            .timeout(PROVIDER_TIMEOUT)
            .build()?;
        let redirect = RedirectUrl::new(format!("{public_url}{}", app::routes::SSO_CALLBACK))?;
        Ok(RelyingParty { http, key, redirect, discovered: Mutex::new(HashMap::new()) })
    }

    pub fn key(&self) -> &SecretKey {
        &self.key
    }

    /// A client for the provider: its discovery document, its client ID and opened secret, and
    /// our redirect URI.
    async fn client(&self, provider: &ProviderRow, fresh: bool) -> Result<DiscoveredClient, SsoError> {
        let metadata = self.metadata(provider, fresh).await?;
        let secret = self.key.open(&provider.client_secret_sealed).map_err(|err| {
            tracing::error!(provider = provider.id, error = %err, "sso: the client secret cannot be opened");
            SsoError::Misconfigured
        })?;
        let client_id = ClientId::new(provider.client_id.clone());
        let secret = ClientSecret::new(secret.expose_secret().to_string());
        Ok(CoreClient::from_provider_metadata(metadata, client_id, Some(secret))
            .set_redirect_uri(self.redirect.clone()))
    }

    /// The provider's metadata: cached, unless `fresh` (a key miss) or the issuer changed.
    async fn metadata(&self, provider: &ProviderRow, fresh: bool) -> Result<CoreProviderMetadata, SsoError> {
        if !fresh {
            let cached = self.discovered.lock().ok().and_then(|d| d.get(&provider.id).cloned());
            if let Some(found) = cached.filter(|d| d.issuer == provider.issuer && d.fetched.elapsed() < DISCOVERY_TTL) {
                return Ok(found.metadata);
            }
        }
        let issuer = IssuerUrl::new(provider.issuer.clone()).map_err(|_| SsoError::Misconfigured)?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &self.http).await.map_err(|err| {
            tracing::warn!(provider = provider.id, error = %err, "sso: discovery failed");
            SsoError::ProviderUnavailable
        })?;
        let token_endpoint = metadata.token_endpoint().map(|u| u.as_str().to_string()).unwrap_or_default();
        for endpoint in [metadata.authorization_endpoint().as_str(), &token_endpoint, metadata.jwks_uri().as_str()] {
            if let Err(why) = check_endpoint(endpoint) {
                tracing::warn!(provider = provider.id, %why, "sso: the provider announces an endpoint we refuse");
                return Err(SsoError::Misconfigured);
            }
        }
        if let Ok(mut cache) = self.discovered.lock() {
            let entry =
                Discovered { issuer: provider.issuer.clone(), metadata: metadata.clone(), fetched: Instant::now() };
            cache.insert(provider.id, entry);
        }
        Ok(metadata)
    }
}

/// Why a single sign-on did not log the person in. Each is a page of its own, in the person's
/// language, and an audit event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SsoError {
    /// No login in flight for this browser (no cookie, expired, used, or another browser's), or
    /// a `state` that is not its own.
    InvalidState,
    /// The person cancelled at the provider (`error=access_denied`).
    Cancelled,
    /// The provider answered with another error, or refused the code (used already).
    Rejected,
    /// Discovery or the token exchange could not reach the provider.
    ProviderUnavailable,
    /// The ID token failed a check: its signature, issuer, audience, time or nonce.
    InvalidToken(TokenFault),
    EmailNotVerified,
    /// No user matches (strategy "existing active users only").
    NoAccount,
    /// The user is invited or deactivated.
    NotActive,
    /// An activation answered for another email address than the invitation's.
    WrongAccount,
    /// The activation link was used, expired or replaced meanwhile.
    LinkInvalid,
    /// The provider's settings cannot be used (the secret does not open, an endpoint is refused).
    Misconfigured,
    /// Storage or hashing failed.
    Unavailable,
}

/// Which check an ID token failed, for the audit trail.
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
    Other,
}

impl SsoError {
    /// Why, as the audit trail tells it.
    pub fn reason(self) -> &'static str {
        match self {
            SsoError::InvalidState => "invalid state",
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
                TokenFault::Other => "id token invalid",
            },
            SsoError::EmailNotVerified => "email not verified",
            SsoError::NoAccount => "no matching user",
            SsoError::NotActive => "not active",
            SsoError::WrongAccount => "email differs from the invitation",
            SsoError::LinkInvalid => "activation link no longer valid",
            SsoError::Misconfigured => "provider misconfigured",
            SsoError::Unavailable => "storage unavailable",
        }
    }

    /// What the person is told.
    pub fn msg(self) -> Msg {
        match self {
            SsoError::InvalidState => Msg::SsoAttemptInvalid,
            SsoError::Cancelled => Msg::SsoCancelled,
            SsoError::Rejected => Msg::SsoRejected,
            SsoError::ProviderUnavailable => Msg::SsoProviderUnavailable,
            SsoError::InvalidToken(_) => Msg::SsoTokenInvalid,
            SsoError::EmailNotVerified => Msg::SsoEmailNotVerified,
            SsoError::NoAccount => Msg::SsoNoAccount,
            SsoError::NotActive => Msg::AccountNotActive,
            SsoError::WrongAccount => Msg::SsoWrongAccount,
            SsoError::LinkInvalid => Msg::SsoLinkInvalid,
            SsoError::Misconfigured => Msg::SsoMisconfigured,
            SsoError::Unavailable => Msg::TryAgainLater,
        }
    }

    pub fn http_status(self) -> http::StatusCode {
        use http::StatusCode;
        match self {
            SsoError::Cancelled => StatusCode::OK,
            SsoError::InvalidState | SsoError::LinkInvalid => StatusCode::BAD_REQUEST,
            SsoError::Rejected | SsoError::InvalidToken(_) | SsoError::EmailNotVerified => StatusCode::UNAUTHORIZED,
            SsoError::NoAccount | SsoError::NotActive | SsoError::WrongAccount => StatusCode::FORBIDDEN,
            SsoError::ProviderUnavailable => StatusCode::BAD_GATEWAY,
            SsoError::Misconfigured => StatusCode::INTERNAL_SERVER_ERROR,
            SsoError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}

fn token_fault(err: &ClaimsVerificationError) -> TokenFault {
    match err {
        // The crate reports our issue-time check as "expired" too; its text tells them apart.
        ClaimsVerificationError::Expired(text) if text.starts_with("iat") => TokenFault::IssuedAt,
        ClaimsVerificationError::Expired(_) => TokenFault::Expired,
        ClaimsVerificationError::InvalidAudience(_) => TokenFault::Audience,
        ClaimsVerificationError::InvalidIssuer(_) => TokenFault::Issuer,
        ClaimsVerificationError::InvalidNonce(_) => TokenFault::Nonce,
        ClaimsVerificationError::SignatureVerification(_) => TokenFault::Signature,
        _ => TokenFault::Other,
    }
}

fn storage(err: sqlx::Error) -> SsoError {
    tracing::error!(error = %err, "sso: storage failed");
    SsoError::Unavailable
}

/// What a login through a provider is for.
pub enum Purpose {
    Login {
        /// The user ID typed on the login page (home-realm discovery), passed on as a hint.
        hint: Option<String>,
    },
    /// "Activate with …" from an invitation: the activation link's raw token.
    Activate { link_token: String },
}

/// A login sent to the provider: the cookie that binds it to this browser, and where to go.
pub struct Started {
    pub cookie: Token,
    pub authorize_url: String,
}

/// The provider's answer on the redirect URI.
pub struct Reply<'a> {
    pub code: Option<&'a str>,
    pub state: Option<&'a str>,
    pub error: Option<&'a str>,
}

/// A person the provider vouched for, matched to a user: a CRM session unless the role has no
/// CRM right.
pub struct SsoLogin {
    pub tenant: Tenant,
    pub session: Option<NewToken>,
}

/// A refusal, with the tenant (when known) for the way back to its login page.
pub struct Refusal {
    pub error: SsoError,
    pub provider: Option<String>,
    pub tenant: Option<Tenant>,
    pub email: Option<String>,
}

impl Refusal {
    pub fn new(error: SsoError) -> Refusal {
        Refusal { error, provider: None, tenant: None, email: None }
    }
}

/// What the provider said about the person, after every check.
struct Identity {
    subject: String,
    email: Option<String>,
    email_verified: bool,
    name: Option<String>,
}

pub struct Sso<'a> {
    pub db: &'a Db,
    pub clock: &'a Clock,
    pub hasher: &'a PasswordHasher,
    pub rp: &'a RelyingParty,
}

impl Sso<'_> {
    fn sessions(&self) -> Sessions<'_> {
        Sessions { db: self.db, clock: self.clock }
    }

    /// The provider a login name's email domain belongs to, when its tenant has password login
    /// off. The answer does not depend on whether such a user exists.
    pub async fn home_realm(&self, user_id: &str) -> sqlx::Result<Option<ProviderRow>> {
        let Some((_, domain)) = user_id.trim().rsplit_once('@') else { return Ok(None) };
        if domain.is_empty() {
            return Ok(None);
        }
        self.db.home_realm(&domain.to_ascii_lowercase()).await
    }

    /// Sends the browser to the provider: a fresh `state`, `nonce` and PKCE verifier, kept
    /// under the hash of the cookie this browser gets.
    pub async fn start(
        &self,
        provider: &ProviderRow,
        purpose: Purpose,
        client: &ClientInfo,
    ) -> Result<Started, SsoError> {
        let oidc = self.rp.client(provider, false).await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request =
            oidc.authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random);
        for scope in provider.scopes.split_whitespace().filter(|s| *s != "openid") {
            request = request.add_scope(Scope::new(scope.to_string()));
        }
        let (activation_token_hash, hint) = match purpose {
            Purpose::Login { hint } => (None, hint),
            Purpose::Activate { link_token } => (Some(hash_token(&link_token)), None),
        };
        if let Some(hint) = hint {
            request = request.add_extra_param("login_hint", hint);
        }
        let (url, state, nonce) = request.set_pkce_challenge(challenge).url();
        let cookie = Token::generate();
        let now = self.clock.now();
        let attempt = SsoAttempt {
            provider_id: provider.id,
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
            activation_token_hash,
            expires_at: now + ATTEMPT_SECS,
        };
        self.db.insert_sso_attempt(&cookie.hash(), &attempt, now).await.map_err(storage)?;
        let event = Event::SsoStarted { provider: provider.name.clone() };
        audit::record(self.db, self.clock, event, Subject::tenant(provider.tenant_id), Origin::Client(client)).await;
        Ok(Started { cookie, authorize_url: url.to_string() })
    }

    /// The provider's answer: checked, matched to a user, and a session for them. Every refusal
    /// is audited here.
    pub async fn finish(
        &self,
        cookie: Option<&str>,
        reply: Reply<'_>,
        previous_session: Option<&str>,
        client: &ClientInfo,
    ) -> Result<SsoLogin, Refusal> {
        let mut refusal = Refusal::new(SsoError::InvalidState);
        let outcome = self.answer(cookie, reply, previous_session, client, &mut refusal).await;
        match outcome {
            Ok(login) => Ok(login),
            Err(error) => {
                refusal.error = error;
                tracing::info!(reason = error.reason(), "sso: login refused");
                let event = Event::SsoFailed { provider: refusal.provider.clone(), reason: error.reason() };
                let tenant_id = refusal.tenant.as_ref().map(|t| t.id);
                let subject = Subject { tenant_id, user_id: None, typed: refusal.email.as_deref() };
                audit::record(self.db, self.clock, event, subject, Origin::Client(client)).await;
                Err(refusal)
            }
        }
    }

    async fn answer(
        &self,
        cookie: Option<&str>,
        reply: Reply<'_>,
        previous_session: Option<&str>,
        client: &ClientInfo,
        refusal: &mut Refusal,
    ) -> Result<SsoLogin, SsoError> {
        let now = self.clock.now();
        let cookie = cookie.filter(|raw| !raw.is_empty() && raw.len() <= 128).ok_or(SsoError::InvalidState)?;
        let attempt = self.db.take_sso_attempt(&hash_token(cookie), now).await.map_err(storage)?;
        let attempt = attempt.ok_or(SsoError::InvalidState)?;
        let provider = self.db.provider_by_id(attempt.provider_id).await.map_err(storage)?;
        let provider = provider.ok_or(SsoError::InvalidState)?;
        let tenant = self.db.tenant_by_id(provider.tenant_id).await.map_err(storage)?.ok_or(SsoError::InvalidState)?;
        refusal.provider = Some(provider.name.clone());
        refusal.tenant = Some(tenant.clone());
        // The state is compared as hashes: equal-length digests, no early exit on a prefix.
        let state_matches = reply.state.is_some_and(|state| hash_token(state) == hash_token(&attempt.state));
        if !state_matches {
            return Err(SsoError::InvalidState);
        }
        if let Some(error) = reply.error {
            return Err(if error == "access_denied" { SsoError::Cancelled } else { SsoError::Rejected });
        }
        let code = reply.code.filter(|c| !c.is_empty()).ok_or(SsoError::Rejected)?;
        let identity = self.redeem(&provider, &attempt, code).await?;
        refusal.email = identity.email.clone();

        let user = match &attempt.activation_token_hash {
            Some(link) => self.activate(&provider, link, &identity, client).await?,
            None => self.match_user(&provider, &tenant, &identity, client).await?,
        };
        if user.status != UserStatus::Active {
            return Err(SsoError::NotActive);
        }
        if let Some(previous) = previous_session {
            self.sessions().end_token(previous).await.map_err(storage)?;
        }
        if !self.db.role_allows(user.role_id, App::Crm).await.map_err(storage)? {
            let event = Event::LoginFailed(audit::LoginFailure::NoCrmRight);
            let subject = Subject::user(tenant.id, user.id);
            audit::record(self.db, self.clock, event, subject, Origin::Client(client)).await;
            return Ok(SsoLogin { tenant, session: None });
        }
        let session = self.sessions().create(user.id, &tenant, App::Crm, client, None).await.map_err(storage)?;
        self.db.record_login(user.id, now).await.map_err(storage)?;
        let event = Event::SsoLoggedIn { provider: provider.name.clone() };
        audit::record(self.db, self.clock, event, Subject::user(tenant.id, user.id), Origin::Client(client)).await;
        tracing::info!(user_id = user.id, tenant = %tenant.slug, "sso: logged in");
        Ok(SsoLogin { tenant, session: Some(session) })
    }

    /// Exchanges the code (with the PKCE verifier) and checks the ID token; a token signed with
    /// a key the cached document does not have fetches the document again, once.
    async fn redeem(&self, provider: &ProviderRow, attempt: &SsoAttempt, code: &str) -> Result<Identity, SsoError> {
        let oidc = self.rp.client(provider, false).await?;
        let exchange =
            oidc.exchange_code(AuthorizationCode::new(code.to_string())).map_err(|_| SsoError::Misconfigured)?;
        let response = exchange
            .set_pkce_verifier(PkceCodeVerifier::new(attempt.pkce_verifier.clone()))
            .request_async(&self.rp.http)
            .await
            .map_err(|err| match err {
                RequestTokenError::ServerResponse(answer) => {
                    tracing::info!(provider = provider.id, error = %answer.error(), "sso: the provider refused the code");
                    SsoError::Rejected
                }
                RequestTokenError::Parse(..) => SsoError::InvalidToken(TokenFault::Other),
                other => {
                    tracing::warn!(provider = provider.id, error = %other, "sso: the token exchange failed");
                    SsoError::ProviderUnavailable
                }
            })?;
        let id_token = response.id_token().ok_or(SsoError::InvalidToken(TokenFault::Missing))?;
        let nonce = Nonce::new(attempt.nonce.clone());
        let now = self.clock.now();
        let clock_now = move || Utc.timestamp_opt(now, 0).single().unwrap_or_else(Utc::now);
        let issued_in_time = move |iat: DateTime<Utc>| {
            let iat = iat.timestamp();
            if iat > now + IAT_SKEW_SECS || iat < now - ATTEMPT_SECS - IAT_SKEW_SECS {
                Err(format!("iat {iat} is too far from now ({now})"))
            } else {
                Ok(())
            }
        };
        let verify = |client: &DiscoveredClient| {
            let verifier = client.id_token_verifier().set_time_fn(clock_now).set_issue_time_verifier_fn(issued_in_time);
            let claims = id_token.claims(&verifier, &nonce)?.clone();
            if let Some(expected) = claims.access_token_hash() {
                let algorithm = id_token.signing_alg().map_err(|_| ClaimsVerificationError::Other("alg".into()))?;
                let key = id_token.signing_key(&verifier).map_err(ClaimsVerificationError::SignatureVerification)?;
                let actual = AccessTokenHash::from_token(response.access_token(), algorithm, key)
                    .map_err(|_| ClaimsVerificationError::Other("at_hash".into()))?;
                if actual != *expected {
                    return Err(ClaimsVerificationError::Other("at_hash mismatch".into()));
                }
            }
            Ok(claims)
        };
        let claims = match verify(&oidc) {
            Err(ClaimsVerificationError::SignatureVerification(SignatureVerificationError::NoMatchingKey)) => {
                // The provider may have rotated its keys since the document was cached.
                verify(&self.rp.client(provider, true).await?)
            }
            other => other,
        };
        let claims = claims.map_err(|err| {
            tracing::info!(provider = provider.id, error = %err, "sso: the ID token was refused");
            match &err {
                ClaimsVerificationError::Other(text) if text.starts_with("at_hash") => {
                    SsoError::InvalidToken(TokenFault::AccessTokenHash)
                }
                _ => SsoError::InvalidToken(token_fault(&err)),
            }
        })?;
        // Entra ID does not send `email_verified`; its optional claim `xms_edov` says the same.
        let microsoft_verified =
            provider.preset == Preset::Microsoft && verified_claim(&id_token.to_string(), "xms_edov");
        Ok(Identity {
            subject: claims.subject().as_str().to_string(),
            email: claims.email().map(|e| e.as_str().trim().to_ascii_lowercase()),
            email_verified: claims.email_verified() == Some(true) || microsoft_verified,
            name: claims.name().and_then(|n| n.get(None)).map(|n| n.as_str().trim().to_string()),
        })
    }

    /// The user of the provider's tenant this person is: linked by subject, else by verified
    /// email (which links the subject), else — strategy "create" — a new user.
    async fn match_user(
        &self,
        provider: &ProviderRow,
        tenant: &Tenant,
        identity: &Identity,
        client: &ClientInfo,
    ) -> Result<UserRecord, SsoError> {
        let now = self.clock.now();
        if let Some(user_id) = self.db.identity_user(provider.id, &identity.subject).await.map_err(storage)? {
            return self.db.user_by_id(user_id).await.map_err(storage)?.ok_or(SsoError::NoAccount);
        }
        let email = verified_email(identity)?;
        let found = self.db.users_by_login(&email, Some(tenant.id)).await.map_err(storage)?.into_iter().next();
        if let Some(user) = found {
            if user.status != UserStatus::Active {
                return Err(SsoError::NotActive);
            }
            // A user linked to another identity at this provider is not someone else's to take.
            if !self.db.link_identity(provider.id, &identity.subject, user.id, now).await.map_err(storage)? {
                return Err(SsoError::NoAccount);
            }
            let event = Event::SsoLinked { provider: provider.name.clone() };
            audit::record(self.db, self.clock, event, Subject::user(tenant.id, user.id), Origin::Client(client)).await;
            return Ok(user);
        }
        let policy = self.db.sign_in_policy(tenant.id).await.map_err(storage)?.ok_or(SsoError::NoAccount)?;
        if policy.strategy != SsoStrategy::Create || !self.may_create(provider, &email).await? {
            return Err(SsoError::NoAccount);
        }
        self.create_user(provider, tenant, policy.default_role_id, &email, identity, client).await
    }

    /// Users are created only for the email domains the provider is set up for, so that a
    /// public provider (anyone can have a Google account) cannot fill a tenant with strangers.
    async fn may_create(&self, provider: &ProviderRow, email: &str) -> Result<bool, SsoError> {
        let domains = self.db.provider_domains(provider.id).await.map_err(storage)?;
        let domain = email.rsplit_once('@').map(|(_, d)| d).unwrap_or_default();
        Ok(domains.iter().any(|d| d == domain))
    }

    async fn create_user(
        &self,
        provider: &ProviderRow,
        tenant: &Tenant,
        default_role: Option<i64>,
        email: &str,
        identity: &Identity,
        client: &ClientInfo,
    ) -> Result<UserRecord, SsoError> {
        let login = LoginName::parse(email).map_err(|_| SsoError::NoAccount)?;
        let role_id = match default_role {
            Some(id) => id,
            None => self.db.role_by_name(tenant.id, USER_ROLE).await.map_err(storage)?.ok_or(SsoError::NoAccount)?.id,
        };
        // A password nobody knows: "Forgot your password?" gives them one of their own.
        let random = Token::generate();
        let hash = self.hasher.hash(SecretString::from(random.expose().to_string())).await.map_err(|err| {
            tracing::error!(error = ?err, "sso: hashing failed");
            SsoError::Unavailable
        })?;
        let name = identity.name.clone().filter(|n| !n.is_empty()).unwrap_or_else(|| email.to_string());
        let new_user = NewUser {
            tenant_id: tenant.id,
            role_id,
            login_name: login.as_str(),
            email: Some(login.as_str()),
            display_name: &name,
            status: UserStatus::Active,
            password_hash: Some(hash),
            language: None,
        };
        let created = self.db.create_sso_user(&new_user, provider.id, &identity.subject, self.clock.now()).await;
        let user_id = match created {
            Ok(id) => id,
            // Created by a parallel first login a moment ago: theirs is the user.
            Err(CreateUserError::Duplicate(_)) => return Err(SsoError::NoAccount),
            Err(CreateUserError::Db(err)) => return Err(storage(err)),
        };
        let event = Event::SsoUserCreated { provider: provider.name.clone() };
        audit::record(self.db, self.clock, event, Subject::user(tenant.id, user_id), Origin::Client(client)).await;
        tracing::info!(user_id, tenant = %tenant.slug, "sso: user created on first login");
        self.db.user_by_id(user_id).await.map_err(storage)?.ok_or(SsoError::Unavailable)
    }

    /// "Activate with …": the provider's verified email must be the invitation's.
    async fn activate(
        &self,
        provider: &ProviderRow,
        link_hash: &str,
        identity: &Identity,
        client: &ClientInfo,
    ) -> Result<UserRecord, SsoError> {
        let now = self.clock.now();
        let kind = TokenKind::Link(LinkKind::Activation);
        let owner = self.db.peek_one_time_token(link_hash, kind, now).await.map_err(storage)?;
        let user = match owner {
            Some(id) => self.db.user_by_id(id).await.map_err(storage)?,
            None => None,
        };
        let user = user.filter(|u| u.status == UserStatus::Invited && u.tenant_id == provider.tenant_id);
        let user = user.ok_or(SsoError::LinkInvalid)?;
        let email = verified_email(identity)?;
        let invited = user.email.as_deref().unwrap_or(&user.login_name).to_ascii_lowercase();
        if email != invited {
            return Err(SsoError::WrongAccount);
        }
        match self.db.activate_with_sso(link_hash, user.id, provider.id, &identity.subject, now).await {
            Ok(SsoActivation::Activated) => {}
            Ok(SsoActivation::LinkInvalid) => return Err(SsoError::LinkInvalid),
            Ok(SsoActivation::IdentityTaken) => return Err(SsoError::WrongAccount),
            Err(err) => return Err(storage(err)),
        }
        let event = Event::SsoActivated { provider: provider.name.clone() };
        audit::record(self.db, self.clock, event, Subject::user(user.tenant_id, user.id), Origin::Client(client)).await;
        self.db.user_by_id(user.id).await.map_err(storage)?.ok_or(SsoError::Unavailable)
    }
}

/// A boolean claim of an ID token whose signature and claims were checked already.
fn verified_claim(jwt: &str, name: &str) -> bool {
    use base64::Engine;
    let payload = jwt.split('.').nth(1).unwrap_or_default();
    let Ok(bytes) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload) else { return false };
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(&bytes) else { return false };
    json.get(name).and_then(serde_json::Value::as_bool) == Some(true)
}

fn verified_email(identity: &Identity) -> Result<String, SsoError> {
    match &identity.email {
        Some(email) if identity.email_verified && !email.is_empty() => Ok(email.clone()),
        _ => Err(SsoError::EmailNotVerified),
    }
}

#[cfg(test)]
mod tests {
    use super::{check_endpoint, verified_claim};

    #[test]
    fn a_boolean_claim_is_read_from_the_payload() {
        use base64::Engine;
        let encode = |json: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json);
        let jwt = |json: &str| format!("h.{}.s", encode(json));
        assert!(verified_claim(&jwt(r#"{"xms_edov":true}"#), "xms_edov"));
        assert!(!verified_claim(&jwt(r#"{"xms_edov":"true"}"#), "xms_edov"));
        assert!(!verified_claim(&jwt(r#"{}"#), "xms_edov"));
        assert!(!verified_claim("not a token", "xms_edov"));
    }

    #[test]
    fn issuers_are_https_except_on_loopback() {
        assert!(check_endpoint("https://login.microsoftonline.com/x/v2.0").is_ok());
        assert!(check_endpoint("http://127.0.0.1:4000").is_ok());
        assert!(check_endpoint("http://[::1]:4000/").is_ok());
        assert!(check_endpoint("http://localhost:4000").is_ok());
        assert!(check_endpoint("http://idp.example.com").is_err());
        assert!(check_endpoint("http://127.0.0.1.example.com").is_err());
        assert!(check_endpoint("ftp://127.0.0.1").is_err());
        assert!(check_endpoint("not a url").is_err());
    }
}
