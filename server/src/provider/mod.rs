//! Frontdoor as the suite's OpenID provider: the Service app on its own origin, the Mobile CRM
//! app (a native app, RFC 8252) and partner apps sign their users in here with the
//! authorization code flow and PKCE. Signing in to an app is signing in to Frontdoor: the
//! authorization request continues from the person's Frontdoor session (asking them to log in
//! when there is none), and each app sign-in is an app session — a row of `sessions` that a
//! web app's session shares the life of the Frontdoor session it came from — whose end
//! revokes its tokens and tells the app (back-channel logout).

pub mod backchannel;
pub mod clients;
pub mod jwt;
pub mod keys;

use crate::audit::{self, Event, Origin, Subject};
use crate::client::ClientInfo;
use crate::clock::Clock;
use crate::db::{
    AppSession, ClientKind, ClientRow, CodeRow, CodeUse, Db, NewAppSession, RefreshUse, SessionRecord, Tenant,
    UserStatus,
};
use crate::limits::Limits;
use crate::tokens::{hash_token, Token};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use clients::redirect_uri_matches;
use keys::{KeySet, Keys};
use openidconnect::core::{CoreGenderClaim, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm};
use openidconnect::{
    AccessToken, AdditionalClaims, Audience, AuthenticationMethodReference, AuthorizationCode, EndUserEmail,
    EndUserName, IdToken, IdTokenClaims, IssuerUrl, LocalizedClaim, Nonce, StandardClaims, SubjectIdentifier,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};

/// A code works for this long, once.
pub const CODE_SECS: i64 = 60;
/// Access and ID tokens live this long.
pub const TOKEN_SECS: i64 = 600;
/// An authorization request waits this long for the person to log in, choose or consent.
pub const REQUEST_SECS: i64 = 900;
/// A native app's own session: idle and absolute limits (its refresh tokens keep it alive).
pub const NATIVE_IDLE_SECS: i64 = 30 * 86_400;
pub const NATIVE_LIFETIME_SECS: i64 = 90 * 86_400;
/// The scopes an app may ask for.
pub const SCOPES: [&str; 4] = ["openid", "profile", "email", "offline_access"];

/// Where the answer to an authorization request goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResponseMode {
    Query,
    FormPost,
}

/// The `prompt` an app asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Prompt {
    /// Ask only what is needed.
    Default,
    /// Ask nothing: answer `login_required` or `consent_required` instead.
    None,
    /// Log in again, even with a live session (and choose the tenant again).
    Login,
    /// Ask for consent again.
    Consent,
}

/// An authorization request, checked and kept while the person logs in, chooses or consents.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AuthRequest {
    pub client_id: String,
    pub redirect_uri: String,
    pub scope: String,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: String,
    pub response_mode: ResponseMode,
    pub prompt: Prompt,
    pub max_age: Option<i64>,
    pub login_hint: Option<String>,
    /// The tenant the person chose, when their email is a user in several.
    pub chosen_tenant: Option<String>,
    pub consented: bool,
    /// `prompt=login`: the person was sent to log in again, away from this session (if any).
    #[serde(default)]
    pub relogin_from: Option<Option<String>>,
}

/// The request's parameters as they came (query or form).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct RawRequest {
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub response_type: Option<String>,
    pub scope: Option<String>,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    pub response_mode: Option<String>,
    pub prompt: Option<String>,
    pub max_age: Option<String>,
    pub login_hint: Option<String>,
    pub request: Option<String>,
    pub request_uri: Option<String>,
}

/// An answer for the app, at its redirect URI.
#[derive(Clone, Debug)]
pub struct Answer {
    pub redirect_uri: String,
    pub response_mode: ResponseMode,
    pub params: Vec<(&'static str, String)>,
}

/// Why an authorization request cannot go on.
#[derive(Debug)]
pub enum AuthorizeError {
    /// The client or its redirect URI cannot be trusted with an answer: said on a page here.
    UnknownClient,
    BadRedirectUri,
    /// The request in flight is unknown or has expired.
    RequestGone,
    /// Told to the app at its redirect URI.
    ToApp(Answer),
    Storage(sqlx::Error),
    Keys(String),
}

impl From<sqlx::Error> for AuthorizeError {
    fn from(err: sqlx::Error) -> Self {
        AuthorizeError::Storage(err)
    }
}

/// What the browser does next with an authorization request.
pub enum Next {
    /// Log in (the login page, then back to the request); `tenant` is the tenant chosen.
    LogIn { request_id: String, login_hint: Option<String>, tenant: Option<String> },
    /// Choose one of the tenants where the person's email is an active user.
    ChooseTenant { request_id: String, client_name: String, tenants: Vec<Tenant>, current: String },
    /// A partner app asks for consent.
    Consent { request_id: String, client_name: String, scope: String },
    /// Back to the app, with a code or an error.
    ToApp(Answer),
}

/// The token endpoint's refusals (RFC 6749 §5.2).
#[derive(Debug)]
pub enum TokenError {
    InvalidClient,
    InvalidGrant(&'static str),
    InvalidRequest(&'static str),
    UnsupportedGrantType,
    Unavailable,
}

impl From<sqlx::Error> for TokenError {
    fn from(err: sqlx::Error) -> Self {
        tracing::error!(error = %err, "provider: storage failed");
        TokenError::Unavailable
    }
}

/// How an app authenticated at the token, revocation or introspection endpoint.
pub struct ClientCredentials {
    pub client_id: String,
    pub secret: Option<String>,
}

/// The token endpoint's form.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct TokenForm {
    pub grant_type: Option<String>,
    pub code: Option<String>,
    pub redirect_uri: Option<String>,
    pub code_verifier: Option<String>,
    pub refresh_token: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
}

/// The token endpoint's answer.
#[derive(Clone, Debug, Serialize)]
pub struct Tokens {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: i64,
    pub scope: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
}

/// The claims Frontdoor adds for the suite's apps: the tenant, the role and its rights.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SuiteClaims {
    pub tenant: TenantClaim,
    pub role: String,
    pub rights: Vec<String>,
    /// The Frontdoor session (back-channel logout names it).
    pub sid: String,
}

impl AdditionalClaims for SuiteClaims {}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TenantClaim {
    pub slug: String,
    pub name: String,
}

type SuiteIdToken = IdToken<SuiteClaims, CoreGenderClaim, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm>;

/// `amr` (RFC 8176) for a session's method (`pwd`, `sso+otp`, `passkey`, …): each step's
/// reference, and `mfa` when the session rests on more than one factor.
fn amr(method: &str) -> Vec<&'static str> {
    let mut refs = Vec::new();
    for step in method.split('+') {
        let step_refs: &[&'static str] = match step {
            "sso" => &["fed"],
            "passkey" => &["hwk", "user"],
            "otp" | "recovery" => &["otp"],
            _ => &["pwd"],
        };
        for r in step_refs {
            if !refs.contains(r) {
                refs.push(*r);
            }
        }
    }
    if method.contains('+') || method == "passkey" {
        refs.push("mfa");
    }
    refs
}

fn rights(app: &AppSession) -> Vec<String> {
    [(app.rights.crm, "crm"), (app.rights.service, "service"), (app.rights.admin, "settings")]
        .into_iter()
        .filter(|(on, _)| *on)
        .map(|(_, name)| name.to_string())
        .collect()
}

fn has_scope(scope: &str, wanted: &str) -> bool {
    scope.split_whitespace().any(|s| s == wanted)
}

/// PKCE's S256: the challenge is the verifier's SHA-256, base64url.
pub fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// A client's secret at rest: 256 random bits need no slow hash, only a one-way one.
pub fn secret_hash(secret: &str) -> String {
    hash_token(secret)
}

pub struct Provider<'a> {
    pub db: &'a Db,
    pub clock: &'a Clock,
    pub keys: &'a Keys,
    pub limits: &'a Limits,
    /// The issuer: the public URL.
    pub issuer: &'a str,
}

impl Provider<'_> {
    async fn key_set(&self) -> Result<std::sync::Arc<KeySet>, String> {
        self.keys.current(self.clock.now()).await.map_err(|err| {
            tracing::error!(error = %err, "provider: the signing keys cannot be used");
            err.to_string()
        })
    }

    async fn audit(&self, event: Event, subject: Subject<'_>, client: &ClientInfo) {
        audit::record(self.db, self.clock, event, subject, Origin::Client(client)).await;
    }

    /// Checks an authorization request and keeps it; the answer is its id (the browser goes on
    /// with [`Provider::next`]).
    pub async fn begin(&self, raw: RawRequest) -> Result<String, AuthorizeError> {
        let client_id = raw.client_id.as_deref().filter(|c| !c.is_empty() && c.len() <= 128);
        let client = match client_id {
            Some(id) => self.db.client(id).await?,
            None => None,
        };
        let client = client.ok_or(AuthorizeError::UnknownClient)?;
        let redirect_uri = raw.redirect_uri.clone().unwrap_or_default();
        if !redirect_uri_matches(client.kind, &client.redirect_uris, &redirect_uri) {
            return Err(AuthorizeError::BadRedirectUri);
        }
        let response_mode = match raw.response_mode.as_deref() {
            None | Some("query") => ResponseMode::Query,
            Some("form_post") => ResponseMode::FormPost,
            Some(_) => ResponseMode::Query,
        };
        let back = |error: &'static str, description: &str| {
            AuthorizeError::ToApp(self.error_answer(
                &redirect_uri,
                response_mode,
                raw.state.as_deref(),
                error,
                description,
            ))
        };
        if raw.request.is_some() || raw.request_uri.is_some() {
            return Err(back("request_not_supported", "request objects are not supported"));
        }
        if raw.response_type.as_deref() != Some("code") {
            return Err(back("unsupported_response_type", "only the code flow (response_type=code)"));
        }
        if raw.response_mode.as_deref().is_some_and(|m| m != "query" && m != "form_post") {
            return Err(back("invalid_request", "response_mode is query or form_post"));
        }
        let scope: Vec<&str> = raw.scope.as_deref().unwrap_or_default().split_whitespace().collect();
        if !scope.contains(&"openid") {
            return Err(back("invalid_scope", "the openid scope is required"));
        }
        let scope: Vec<&str> = scope.into_iter().filter(|s| SCOPES.contains(s)).collect();
        let challenge = raw.code_challenge.clone().unwrap_or_default();
        let challenge_ok = challenge.len() >= 43
            && challenge.len() <= 128
            && challenge.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !challenge_ok || raw.code_challenge_method.as_deref() != Some("S256") {
            return Err(back("invalid_request", "PKCE with code_challenge_method=S256 is required"));
        }
        let prompt = match raw.prompt.as_deref() {
            None | Some("") => Prompt::Default,
            Some("none") => Prompt::None,
            Some("login") => Prompt::Login,
            Some("consent") => Prompt::Consent,
            Some("select_account") => Prompt::Default,
            Some(_) => return Err(back("invalid_request", "prompt is none, login, consent or select_account")),
        };
        let max_age = match raw.max_age.as_deref() {
            None | Some("") => None,
            Some(text) => match text.parse::<i64>() {
                Ok(secs) if secs >= 0 => Some(secs),
                _ => return Err(back("invalid_request", "max_age is a number of seconds")),
            },
        };
        let bounded = |value: &Option<String>, max: usize| value.clone().filter(|v| v.len() <= max);
        if raw.state.as_ref().is_some_and(|s| s.len() > 1024) || raw.nonce.as_ref().is_some_and(|n| n.len() > 1024) {
            return Err(back("invalid_request", "state and nonce have at most 1024 characters"));
        }
        let request = AuthRequest {
            client_id: client.client_id.clone(),
            redirect_uri,
            scope: scope.join(" "),
            state: raw.state.clone(),
            nonce: raw.nonce.clone(),
            code_challenge: challenge,
            response_mode,
            prompt,
            max_age,
            login_hint: bounded(&raw.login_hint, 254),
            chosen_tenant: None,
            consented: false,
            relogin_from: None,
        };
        let id = Token::generate().expose().to_string();
        let now = self.clock.now();
        let params = serde_json::to_string(&request).map_err(|e| AuthorizeError::Keys(e.to_string()))?;
        self.db.insert_authorization_request(&id, &client.client_id, &params, now, now + REQUEST_SECS).await?;
        Ok(id)
    }

    fn error_answer(
        &self,
        redirect_uri: &str,
        response_mode: ResponseMode,
        state: Option<&str>,
        error: &'static str,
        description: &str,
    ) -> Answer {
        let mut params = vec![("error", error.to_string()), ("error_description", description.to_string())];
        if let Some(state) = state {
            params.push(("state", state.to_string()));
        }
        params.push(("iss", self.issuer.to_string()));
        Answer { redirect_uri: redirect_uri.to_string(), response_mode, params }
    }

    async fn request(&self, id: &str) -> Result<(AuthRequest, i64, ClientRow), AuthorizeError> {
        if id.is_empty() || id.len() > 64 {
            return Err(AuthorizeError::RequestGone);
        }
        let (params, created_at) =
            self.db.authorization_request(id, self.clock.now()).await?.ok_or(AuthorizeError::RequestGone)?;
        let request: AuthRequest = serde_json::from_str(&params).map_err(|_| AuthorizeError::RequestGone)?;
        let client = self.db.client(&request.client_id).await?.ok_or(AuthorizeError::RequestGone)?;
        Ok((request, created_at, client))
    }

    async fn save(&self, id: &str, request: &AuthRequest) -> Result<(), AuthorizeError> {
        let params = serde_json::to_string(request).map_err(|e| AuthorizeError::Keys(e.to_string()))?;
        self.db.update_authorization_request(id, &params).await?;
        Ok(())
    }

    /// What happens next with a request in flight, given the browser's Frontdoor session.
    pub async fn next(
        &self,
        id: &str,
        session: Option<&SessionRecord>,
        browser: &ClientInfo,
    ) -> Result<Next, AuthorizeError> {
        let (mut request, created_at, client) = self.request(id).await?;
        let now = self.clock.now();
        // `prompt=login`: the session this request met first does not count (every login makes
        // a new session id, so a new one is a login made since).
        if request.prompt == Prompt::Login && request.relogin_from.is_none() {
            request.relogin_from = Some(session.map(|s| s.public_id.clone()));
            self.save(id, &request).await?;
        }
        let fresh = |s: &SessionRecord| {
            request.max_age.is_none_or(|max| now - s.auth_time <= max)
                && request.relogin_from.as_ref().is_none_or(|stale| stale.as_deref() != Some(s.public_id.as_str()))
                && request.chosen_tenant.as_ref().is_none_or(|slug| *slug == s.tenant_slug)
        };
        let Some(session) = session.filter(|s| fresh(s)) else {
            if request.prompt == Prompt::None {
                return self.end(id, &request, "login_required", "the person is not logged in").await;
            }
            let tenant = request.chosen_tenant.clone();
            return Ok(Next::LogIn { request_id: id.to_string(), login_hint: request.login_hint.clone(), tenant });
        };
        // Logged in for this very request (or asked to log in again), with an email that is a
        // user in several tenants: the person chooses which (a live session asks nothing).
        let logged_in_now = session.auth_time >= created_at || request.relogin_from.is_some();
        if logged_in_now && request.chosen_tenant.is_none() {
            let user = self.db.user_by_id(session.user_id).await?;
            let tenants = match user.and_then(|u| u.email) {
                Some(email) => self.db.active_tenants_of(&email).await?,
                None => Vec::new(),
            };
            if tenants.len() > 1 {
                return Ok(Next::ChooseTenant {
                    request_id: id.to_string(),
                    client_name: client.name,
                    tenants,
                    current: session.tenant_slug.clone(),
                });
            }
        }
        if !client.first_party && !request.consented {
            let granted = self.db.consent(session.user_id, &client.client_id).await?;
            let covered = granted.is_some_and(|g| request.scope.split_whitespace().all(|s| has_scope(&g, s)));
            if !covered || request.prompt == Prompt::Consent {
                if request.prompt == Prompt::None {
                    return self.end(id, &request, "consent_required", "the app needs the person's consent").await;
                }
                return Ok(Next::Consent {
                    request_id: id.to_string(),
                    client_name: client.name,
                    scope: request.scope.clone(),
                });
            }
        }
        if !self.db.end_authorization_request(id).await? {
            return Err(AuthorizeError::RequestGone);
        }
        let code = Token::generate();
        let row = CodeRow {
            client_id: client.client_id.clone(),
            session_hash: session.token_hash.clone(),
            user_id: session.user_id,
            redirect_uri: request.redirect_uri.clone(),
            scope: request.scope.clone(),
            nonce: request.nonce.clone(),
            code_challenge: request.code_challenge.clone(),
            ip: browser.ip.to_string(),
            user_agent: browser.user_agent.clone(),
            expires_at: now + CODE_SECS,
            app_session_hash: None,
        };
        self.db.insert_code(&code.hash(), &row, now).await?;
        let mut params = vec![("code", code.expose().to_string())];
        if let Some(state) = &request.state {
            params.push(("state", state.clone()));
        }
        params.push(("iss", self.issuer.to_string()));
        Ok(Next::ToApp(Answer { redirect_uri: request.redirect_uri, response_mode: request.response_mode, params }))
    }

    async fn end(
        &self,
        id: &str,
        request: &AuthRequest,
        error: &'static str,
        why: &str,
    ) -> Result<Next, AuthorizeError> {
        self.db.end_authorization_request(id).await?;
        let state = request.state.as_deref();
        Ok(Next::ToApp(self.error_answer(&request.redirect_uri, request.response_mode, state, error, why)))
    }

    /// The person chose a tenant for the request; its login page will have their user ID.
    pub async fn choose_tenant(&self, id: &str, slug: &str, user_id: Option<&str>) -> Result<(), AuthorizeError> {
        let (mut request, _, _) = self.request(id).await?;
        request.chosen_tenant = Some(slug.chars().take(64).collect());
        if let Some(user_id) = user_id {
            request.login_hint = Some(user_id.to_string());
        }
        self.save(id, &request).await
    }

    /// The person allowed or denied a partner app. Allowing is remembered for them and the app.
    pub async fn consent(
        &self,
        id: &str,
        session: &SessionRecord,
        allow: bool,
        client: &ClientInfo,
    ) -> Result<Next, AuthorizeError> {
        let (mut request, _, app) = self.request(id).await?;
        if !allow {
            let subject = Subject::user(session.tenant_id, session.user_id);
            self.audit(Event::ConsentDenied { app: app.name.clone() }, subject, client).await;
            return self.end(id, &request, "access_denied", "the person did not allow the app").await;
        }
        let now = self.clock.now();
        self.db.grant_consent(session.user_id, &app.client_id, &request.scope, now).await?;
        let subject = Subject::user(session.tenant_id, session.user_id);
        self.audit(Event::ConsentGiven { app: app.name.clone() }, subject, client).await;
        request.consented = true;
        self.save(id, &request).await?;
        self.next(id, Some(session), client).await
    }

    /// The app behind the credentials it presented; a failure counts against the client's
    /// address like a wrong password.
    pub async fn authenticate(
        &self,
        credentials: &ClientCredentials,
        client: &ClientInfo,
    ) -> Result<ClientRow, TokenError> {
        let now = self.clock.now();
        if self.limits.ip_blocked(&client.key(), now).await? {
            return Err(TokenError::InvalidClient);
        }
        let app = match credentials.client_id.len() {
            1..=128 => self.db.client(&credentials.client_id).await?,
            _ => None,
        };
        let authenticated = match (&app, &credentials.secret) {
            (Some(app), Some(secret)) if app.kind == ClientKind::Web => {
                app.secret_hash.as_deref().is_some_and(|stored| stored == secret_hash(secret))
            }
            (Some(app), None) => app.kind == ClientKind::Native,
            _ => false,
        };
        match app {
            Some(app) if authenticated => Ok(app),
            _ => {
                self.limits.ip_failure(&client.key(), now).await?;
                Err(TokenError::InvalidClient)
            }
        }
    }

    /// The token endpoint: a code (with its PKCE verifier) or a refresh token for tokens.
    pub async fn token(&self, app: &ClientRow, form: &TokenForm, client: &ClientInfo) -> Result<Tokens, TokenError> {
        match form.grant_type.as_deref() {
            Some("authorization_code") => self.redeem_code(app, form, client).await,
            Some("refresh_token") => self.refresh(app, form, client).await,
            Some(_) => Err(TokenError::UnsupportedGrantType),
            None => Err(TokenError::InvalidRequest("grant_type is required")),
        }
    }

    async fn redeem_code(&self, app: &ClientRow, form: &TokenForm, client: &ClientInfo) -> Result<Tokens, TokenError> {
        let code = form.code.as_deref().filter(|c| !c.is_empty() && c.len() <= 128);
        let code = code.ok_or(TokenError::InvalidRequest("code is required"))?;
        let now = self.clock.now();
        let code_hash = hash_token(code);
        let row = match self.db.use_code(&code_hash, now).await? {
            CodeUse::First(row) => row,
            CodeUse::Again(row) => {
                // A code used twice: someone else has it. What it gave is taken back.
                if let Some(given) = &row.app_session_hash {
                    self.db.delete_session(given).await?;
                }
                let subject = Subject { user_id: Some(row.user_id), ..Subject::default() };
                self.audit(Event::CodeReused { app: app.name.clone() }, subject, client).await;
                return Err(TokenError::InvalidGrant("the code was used already"));
            }
            CodeUse::Unknown => return Err(TokenError::InvalidGrant("unknown code")),
        };
        if row.client_id != app.client_id {
            return Err(TokenError::InvalidGrant("the code is another app's"));
        }
        if now >= row.expires_at {
            return Err(TokenError::InvalidGrant("the code has expired"));
        }
        if form.redirect_uri.as_deref() != Some(row.redirect_uri.as_str()) {
            return Err(TokenError::InvalidGrant("redirect_uri differs from the authorization request's"));
        }
        let verifier = form.code_verifier.as_deref().unwrap_or_default();
        if verifier.len() < 43 || verifier.len() > 128 || s256(verifier) != row.code_challenge {
            return Err(TokenError::InvalidGrant("the PKCE verifier does not match"));
        }
        // The Frontdoor session the code came from must still live.
        let session = self.db.session_by_hash(&row.session_hash).await?;
        let session = session
            .filter(|s| !s.is_expired(now) && s.status == UserStatus::Active && s.rights.crm)
            .ok_or(TokenError::InvalidGrant("the session behind the code has ended"))?;
        let app_session = Token::generate();
        let public_id = Token::generate().expose()[..16].to_string();
        // A web app's session lives with the browser's Frontdoor session, and shows that
        // browser; a native app's is the phone's own.
        let (parent, expires_at, idle, ip, user_agent) = match app.kind {
            ClientKind::Web => (
                Some(session.token_hash.as_str()),
                session.expires_at,
                session.expires_at - now,
                row.ip.clone(),
                row.user_agent.clone(),
            ),
            ClientKind::Native => {
                (None, now + NATIVE_LIFETIME_SECS, NATIVE_IDLE_SECS, client.ip.to_string(), client.user_agent.clone())
            }
        };
        self.db
            .insert_app_session(
                &NewAppSession {
                    token_hash: &app_session.hash(),
                    public_id: &public_id,
                    user_id: session.user_id,
                    tenant_id: session.tenant_id,
                    client_id: &app.client_id,
                    scope: &row.scope,
                    sid: &session.public_id,
                    parent_hash: parent,
                    method: &session.method,
                    auth_time: session.auth_time,
                    expires_at,
                    idle_timeout_secs: idle.max(60),
                    ip: &ip,
                    user_agent: &user_agent,
                },
                now,
            )
            .await?;
        self.db.set_code_grant(&code_hash, &app_session.hash()).await?;
        let app_session = self.db.app_session(&app_session.hash()).await?.ok_or(TokenError::Unavailable)?;
        let with_refresh = app.kind == ClientKind::Native || has_scope(&row.scope, "offline_access");
        let tokens = self.tokens(app, &app_session, row.nonce.as_deref(), Some(code), with_refresh).await?;
        let subject = Subject::user(app_session.tenant_id, app_session.user_id);
        self.audit(Event::TokenIssued { app: app.name.clone() }, subject, client).await;
        Ok(tokens)
    }

    async fn refresh(&self, app: &ClientRow, form: &TokenForm, client: &ClientInfo) -> Result<Tokens, TokenError> {
        let token = form.refresh_token.as_deref().filter(|t| !t.is_empty() && t.len() <= 128);
        let token = token.ok_or(TokenError::InvalidRequest("refresh_token is required"))?;
        let now = self.clock.now();
        let session_hash = match self.db.use_refresh_token(&hash_token(token), now).await? {
            RefreshUse::First(session) => session,
            RefreshUse::Again(session) => {
                // A refresh token used twice: the family ends, and with it the app's session.
                let known = self.db.app_session(&session).await?;
                self.db.delete_session(&session).await?;
                if let Some(known) = known {
                    let subject = Subject::user(known.tenant_id, known.user_id);
                    self.audit(Event::RefreshReused { app: app.name.clone() }, subject, client).await;
                }
                return Err(TokenError::InvalidGrant("the refresh token was used already"));
            }
            RefreshUse::Unknown => return Err(TokenError::InvalidGrant("unknown or expired refresh token")),
        };
        let app_session = self.db.app_session(&session_hash).await?;
        let app_session = app_session
            .filter(|s| s.client_id == app.client_id && s.is_live(now) && s.rights.crm)
            .ok_or(TokenError::InvalidGrant("the app's session has ended"))?;
        self.db.touch_app_session(&app_session.token_hash, now).await?;
        let tokens = self.tokens(app, &app_session, None, None, true).await?;
        let subject = Subject::user(app_session.tenant_id, app_session.user_id);
        self.audit(Event::TokenRefreshed { app: app.name.clone() }, subject, client).await;
        Ok(tokens)
    }

    /// An access token (a JWT), an ID token and, where asked, a refresh token.
    async fn tokens(
        &self,
        app: &ClientRow,
        session: &AppSession,
        nonce: Option<&str>,
        code: Option<&str>,
        with_refresh: bool,
    ) -> Result<Tokens, TokenError> {
        let keys = self.key_set().await.map_err(|_| TokenError::Unavailable)?;
        let now = self.clock.now();
        let access_claims = json!({
            "iss": self.issuer,
            "sub": session.subject,
            "aud": app.client_id,
            "client_id": app.client_id,
            "iat": now,
            "exp": now + TOKEN_SECS,
            "jti": Token::generate().expose()[..22].to_string(),
            "scope": session.scope,
            "auth_time": session.auth_time,
            "amr": amr(&session.method),
            "session": session.public_id,
            "tenant": { "slug": session.tenant_slug, "name": session.tenant_name },
        });
        let access_token = jwt::sign(&keys.rs256, "at+jwt", &access_claims).map_err(|err| {
            tracing::error!(error = %err, "provider: signing failed");
            TokenError::Unavailable
        })?;
        let id_token = self.id_token(&keys, app, session, nonce, code, &access_token)?;
        let refresh_token = if with_refresh {
            let refresh = Token::generate();
            let expires_at = session.expires_at.min(now + NATIVE_IDLE_SECS);
            self.db.insert_refresh_token(&refresh.hash(), &session.token_hash, now, expires_at).await?;
            Some(refresh.expose().to_string())
        } else {
            None
        };
        Ok(Tokens {
            access_token,
            token_type: "Bearer",
            expires_in: TOKEN_SECS,
            scope: session.scope.clone(),
            id_token: Some(id_token),
            refresh_token,
        })
    }

    fn id_token(
        &self,
        keys: &KeySet,
        app: &ClientRow,
        session: &AppSession,
        nonce: Option<&str>,
        code: Option<&str>,
        access_token: &str,
    ) -> Result<String, TokenError> {
        let now = self.clock.now();
        let time = |secs: i64| chrono::DateTime::from_timestamp(secs, 0).unwrap_or_default();
        let issuer = IssuerUrl::new(self.issuer.to_string()).map_err(|_| TokenError::Unavailable)?;
        let mut standard = StandardClaims::new(SubjectIdentifier::new(session.subject.clone()));
        if has_scope(&session.scope, "profile") {
            standard = standard.set_name(Some(LocalizedClaim::from(EndUserName::new(session.display_name.clone()))));
        }
        if has_scope(&session.scope, "email") {
            if let Some(email) = &session.email {
                standard = standard.set_email(Some(EndUserEmail::new(email.clone()))).set_email_verified(Some(true));
            }
        }
        let extra = SuiteClaims {
            tenant: TenantClaim { slug: session.tenant_slug.clone(), name: session.tenant_name.clone() },
            role: session.role.clone(),
            rights: rights(session),
            sid: session.sid.clone().unwrap_or_default(),
        };
        let claims = IdTokenClaims::new(
            issuer,
            vec![Audience::new(app.client_id.clone())],
            time(now + TOKEN_SECS),
            time(now),
            standard,
            extra,
        )
        .set_auth_time(Some(time(session.auth_time)))
        .set_nonce(nonce.map(|n| Nonce::new(n.to_string())))
        .set_authorized_party(Some(openidconnect::ClientId::new(app.client_id.clone())))
        .set_auth_method_refs(Some(
            amr(&session.method).into_iter().map(|m| AuthenticationMethodReference::new(m.to_string())).collect(),
        ));
        let key = keys.for_alg(&app.id_token_alg);
        let access = AccessToken::new(access_token.to_string());
        let code = code.map(|c| AuthorizationCode::new(c.to_string()));
        let token = SuiteIdToken::new(claims, key, key.alg(), Some(&access), code.as_ref()).map_err(|err| {
            tracing::error!(error = %err, "provider: the ID token cannot be signed");
            TokenError::Unavailable
        })?;
        Ok(token.to_string())
    }

    /// The app session an access token of this provider belongs to, while it lives.
    pub async fn access(&self, token: &str) -> Result<Option<(serde_json::Value, AppSession)>, TokenError> {
        let keys = self.key_set().await.map_err(|_| TokenError::Unavailable)?;
        let Some(claims) = jwt::verify(&keys, token, Some("at+jwt")) else { return Ok(None) };
        let now = self.clock.now();
        let live = claims.get("iss").and_then(|v| v.as_str()) == Some(self.issuer)
            && claims.get("exp").and_then(|v| v.as_i64()).is_some_and(|exp| now < exp);
        let Some(public_id) = claims.get("session").and_then(|v| v.as_str()).filter(|_| live) else {
            return Ok(None);
        };
        let session = self.db.app_session_by_public_id(public_id).await?;
        Ok(session.filter(|s| s.is_live(now) && s.rights.crm).map(|s| (claims, s)))
    }

    /// UserInfo: the claims of the access token's person.
    pub async fn user_info(&self, token: &str) -> Result<Option<serde_json::Value>, TokenError> {
        let Some((_, session)) = self.access(token).await? else { return Ok(None) };
        let mut claims = json!({
            "sub": session.subject,
            "tenant": { "slug": session.tenant_slug, "name": session.tenant_name },
            "role": session.role,
            "rights": rights(&session),
        });
        if has_scope(&session.scope, "profile") {
            claims["name"] = json!(session.display_name);
        }
        if has_scope(&session.scope, "email") {
            if let Some(email) = &session.email {
                claims["email"] = json!(email);
                claims["email_verified"] = json!(true);
            }
        }
        Ok(Some(claims))
    }

    /// Revocation (RFC 7009): a refresh or access token of this app ends the app session it
    /// belongs to (every token of it). Unknown tokens are no error.
    pub async fn revoke(&self, app: &ClientRow, token: &str, client: &ClientInfo) -> Result<(), TokenError> {
        let session = match self.db.refresh_token_session(&hash_token(token)).await? {
            Some(hash) => self.db.app_session(&hash).await?,
            None => self.access(token).await?.map(|(_, session)| session),
        };
        if let Some(session) = session.filter(|s| s.client_id == app.client_id) {
            self.db.delete_session(&session.token_hash).await?;
            let subject = Subject::user(session.tenant_id, session.user_id);
            self.audit(Event::TokenRevoked { app: app.name.clone() }, subject, client).await;
        }
        Ok(())
    }

    /// Introspection (RFC 7662): whether a token is live, and what it says.
    pub async fn introspect(&self, token: &str) -> Result<serde_json::Value, TokenError> {
        if let Some((claims, session)) = self.access(token).await? {
            return Ok(json!({
                "active": true,
                "token_type": "access_token",
                "iss": self.issuer,
                "sub": session.subject,
                "client_id": session.client_id,
                "aud": claims.get("aud"),
                "scope": session.scope,
                "exp": claims.get("exp"),
                "iat": claims.get("iat"),
                "auth_time": session.auth_time,
                "tenant": { "slug": session.tenant_slug, "name": session.tenant_name },
                "role": session.role,
                "rights": rights(&session),
            }));
        }
        let now = self.clock.now();
        if let Some(hash) = self.db.live_refresh_token_session(&hash_token(token), now).await? {
            if let Some(session) = self.db.app_session(&hash).await?.filter(|s| s.is_live(now)) {
                return Ok(json!({
                    "active": true,
                    "token_type": "refresh_token",
                    "iss": self.issuer,
                    "sub": session.subject,
                    "client_id": session.client_id,
                    "scope": session.scope,
                }));
            }
        }
        Ok(json!({ "active": false }))
    }

    /// The ID token hint of a logout request: the app it was issued to and its `sid`, when this
    /// provider signed it (its expiry does not matter here).
    pub async fn id_token_hint(&self, hint: &str) -> Option<(String, Option<String>)> {
        let keys = self.key_set().await.ok()?;
        let claims = jwt::verify(&keys, hint, None)?;
        if claims.get("iss").and_then(|v| v.as_str()) != Some(self.issuer) {
            return None;
        }
        let aud = match claims.get("aud")? {
            serde_json::Value::String(aud) => aud.clone(),
            serde_json::Value::Array(list) => list.first()?.as_str()?.to_string(),
            _ => return None,
        };
        Some((aud, claims.get("sid").and_then(|v| v.as_str()).map(str::to_string)))
    }

    /// Where a logout may send the browser afterwards: a URI the app registered.
    pub async fn post_logout_redirect(&self, client_id: &str, uri: &str) -> Result<bool, TokenError> {
        let app = self.db.client(client_id).await?;
        Ok(app.is_some_and(|app| app.post_logout_redirect_uris.iter().any(|u| u == uri)))
    }
}

#[cfg(test)]
mod tests {
    use super::amr;

    #[test]
    fn amr_names_every_step_and_mfa_for_two() {
        assert_eq!(amr("pwd"), ["pwd"]);
        assert_eq!(amr("sso"), ["fed"]);
        assert_eq!(amr("pwd+otp"), ["pwd", "otp", "mfa"]);
        assert_eq!(amr("pwd+recovery"), ["pwd", "otp", "mfa"]);
        assert_eq!(amr("sso+passkey"), ["fed", "hwk", "user", "mfa"]);
        assert_eq!(amr("passkey"), ["hwk", "user", "mfa"]);
    }
}
