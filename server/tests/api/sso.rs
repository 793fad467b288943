//! Single sign-on against an OpenID provider these tests control: its own signing key and
//! discovery document, a token endpoint that checks PKCE and spends each code once, and ID
//! tokens shaped by each test (another audience, an old one, a wrong nonce, a stranger's key).

use crate::helpers::*;
use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode as AxumStatus};
use axum::response::{IntoResponse, Json};
use axum::routing::{get, post};
use axum::Router;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use openidconnect::core::{
    CoreIdToken, CoreIdTokenClaims, CoreJsonWebKeySet, CoreJwsSigningAlgorithm, CoreProviderMetadata, CoreResponseType,
    CoreRsaPrivateSigningKey, CoreSubjectIdentifierType,
};
use openidconnect::{
    AccessToken, Audience, AuthUrl, EmptyAdditionalClaims, EmptyAdditionalProviderMetadata, EndUserEmail, EndUserName,
    IssuerUrl, JsonWebKeyId, JsonWebKeySetUrl, LocalizedClaim, Nonce, PrivateSigningKey, ResponseTypes, StandardClaims,
    SubjectIdentifier, TokenUrl,
};
use reqwest::{Client, StatusCode};
use secrecy::SecretString;
use server::clock::Clock;
use server::db::{NewProvider, Preset, SignInPolicy, SsoStrategy, UserStatus};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

const SIGNING_KEY: &str = include_str!("sso_signing_key.pem");
const OTHER_KEY: &str = include_str!("sso_other_key.pem");
const CLIENT_ID: &str = "frontdoor";
const CLIENT_SECRET: &str = "client-secret-for-tests";

/// What the person at the provider is, and what the next ID token looks like.
#[derive(Clone)]
struct Person {
    subject: String,
    email: String,
    email_verified: bool,
    name: String,
    audience: String,
    nonce: Option<String>,
    /// Seconds from now.
    expires_in: i64,
    issued_ago: i64,
    stranger_key: bool,
}

impl Person {
    fn new(subject: &str, email: &str) -> Person {
        Person {
            subject: subject.into(),
            email: email.into(),
            email_verified: true,
            name: "Ada Lovelace".into(),
            audience: CLIENT_ID.into(),
            nonce: None,
            expires_in: 300,
            issued_ago: 0,
            stranger_key: false,
        }
    }
}

struct Grant {
    person: Person,
    nonce: String,
    challenge: String,
    used: bool,
}

#[derive(Clone)]
struct Provider {
    issuer: String,
    clock: Clock,
    grants: Arc<Mutex<HashMap<String, Grant>>>,
}

#[derive(serde::Deserialize)]
struct TokenRequest {
    grant_type: String,
    code: String,
    code_verifier: Option<String>,
}

fn signing_key(pem: &str) -> CoreRsaPrivateSigningKey {
    CoreRsaPrivateSigningKey::from_pem(pem, Some(JsonWebKeyId::new("key-1".into()))).unwrap()
}

fn token_error(error: &str) -> axum::response::Response {
    (AxumStatus::BAD_REQUEST, Json(serde_json::json!({ "error": error }))).into_response()
}

async fn discovery(State(provider): State<Provider>) -> Json<CoreProviderMetadata> {
    let issuer = &provider.issuer;
    let metadata = CoreProviderMetadata::new(
        IssuerUrl::new(issuer.clone()).unwrap(),
        AuthUrl::new(format!("{issuer}/authorize")).unwrap(),
        JsonWebKeySetUrl::new(format!("{issuer}/jwks")).unwrap(),
        vec![ResponseTypes::new(vec![CoreResponseType::Code])],
        vec![CoreSubjectIdentifierType::Public],
        vec![CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256],
        EmptyAdditionalProviderMetadata {},
    )
    .set_token_endpoint(Some(TokenUrl::new(format!("{issuer}/token")).unwrap()));
    Json(metadata)
}

async fn jwks() -> Json<CoreJsonWebKeySet> {
    Json(CoreJsonWebKeySet::new(vec![signing_key(SIGNING_KEY).as_verification_key()]))
}

/// The token endpoint: the client's secret, the code once, the PKCE verifier.
async fn token(
    State(provider): State<Provider>,
    headers: HeaderMap,
    Form(form): Form<TokenRequest>,
) -> axum::response::Response {
    let basic =
        format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}")));
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(basic.as_str()) {
        return token_error("invalid_client");
    }
    if form.grant_type != "authorization_code" {
        return token_error("unsupported_grant_type");
    }
    let mut grants = provider.grants.lock().unwrap();
    let Some(grant) = grants.get_mut(&form.code).filter(|g| !g.used) else { return token_error("invalid_grant") };
    grant.used = true;
    let verifier = form.code_verifier.unwrap_or_default();
    if URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) != grant.challenge {
        return token_error("invalid_grant");
    }
    let person = grant.person.clone();
    let now = provider.clock.now();
    let time = |secs: i64| chrono::DateTime::from_timestamp(secs, 0).unwrap();
    let claims = CoreIdTokenClaims::new(
        IssuerUrl::new(provider.issuer.clone()).unwrap(),
        vec![Audience::new(person.audience.clone())],
        time(now + person.expires_in),
        time(now - person.issued_ago),
        StandardClaims::new(SubjectIdentifier::new(person.subject.clone()))
            .set_email(Some(EndUserEmail::new(person.email.clone())))
            .set_email_verified(Some(person.email_verified))
            .set_name(Some(LocalizedClaim::from(EndUserName::new(person.name.clone())))),
        EmptyAdditionalClaims {},
    )
    .set_nonce(Some(Nonce::new(person.nonce.clone().unwrap_or_else(|| grant.nonce.clone()))));
    let access_token = AccessToken::new(format!("at-{}", form.code));
    let key = signing_key(if person.stranger_key { OTHER_KEY } else { SIGNING_KEY });
    let id_token =
        CoreIdToken::new(claims, &key, CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256, Some(&access_token), None)
            .unwrap();
    Json(serde_json::json!({
        "access_token": access_token.secret(),
        "token_type": "Bearer",
        "expires_in": 300,
        "id_token": id_token.to_string(),
    }))
    .into_response()
}

impl Provider {
    async fn start(clock: Clock) -> Provider {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let issuer = format!("http://{}", listener.local_addr().unwrap());
        let provider = Provider { issuer, clock, grants: Arc::default() };
        let router = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/jwks", get(jwks))
            .route("/token", post(token))
            .with_state(provider.clone());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        provider
    }

    /// What the provider's login page would do: the person signs in, and the browser is sent
    /// back with a fresh code.
    fn sign_in(&self, authorize_url: &str, person: Person) -> String {
        let url = url::Url::parse(authorize_url).unwrap();
        assert!(authorize_url.starts_with(&format!("{}/authorize?", self.issuer)));
        let query: HashMap<String, String> = url.query_pairs().into_owned().collect();
        assert_eq!(query["response_type"], "code");
        assert_eq!(query["client_id"], CLIENT_ID);
        assert_eq!(query["code_challenge_method"], "S256", "PKCE is used");
        assert!(query["scope"].split(' ').any(|s| s == "openid"));
        assert!(!query.contains_key("prompt"), "prompt=none is never forced");
        let code = format!("code-{}", hex::encode(rand::random::<[u8; 8]>()));
        let grant =
            Grant { person, nonce: query["nonce"].clone(), challenge: query["code_challenge"].clone(), used: false };
        self.grants.lock().unwrap().insert(code.clone(), grant);
        format!("{}?code={code}&state={}", query["redirect_uri"], query["state"])
    }
}

/// Tenant acme with the test provider (domain acme.test) and the given strategy.
async fn set_up(app: &TestApp, issuer: &str, strategy: SsoStrategy, password_login: bool) -> i64 {
    let tenant_id = app.tenant("acme").await;
    let sealed = app.state.relying_party.key().seal(&SecretString::from(CLIENT_SECRET.to_string())).unwrap();
    let id = app
        .state
        .db
        .add_provider(
            &NewProvider {
                tenant_id,
                name: "Acme IdP",
                preset: Preset::Oidc,
                issuer,
                client_id: CLIENT_ID,
                client_secret_sealed: &sealed,
                scopes: "openid email profile",
                domains: &["acme.test".to_string()],
            },
            app.state.clock.now(),
        )
        .await
        .unwrap();
    let policy = SignInPolicy { strategy, default_role_id: None, password_login };
    app.state.db.set_sign_in_policy(tenant_id, &policy).await.unwrap();
    id
}

/// "Log in with Acme IdP": the address of the provider's login page.
async fn click_log_in(app: &TestApp, browser: &Client, provider_id: i64) -> String {
    let response =
        browser.post(app.url("/sso/start")).form(&[("provider", provider_id.to_string())]).send().await.unwrap();
    let cookie = set_cookie_header(response.headers(), "frontdoor_sso").expect("the login is bound to this browser");
    assert!(cookie.contains("HttpOnly") && cookie.contains("Path=/sso") && cookie.contains("SameSite=Lax"));
    onward(&response)
}

/// Where a page that leads to the provider goes on to (its `Refresh`; a form post may not
/// redirect to another origin under the page's `form-action`).
fn onward(response: &reqwest::Response) -> String {
    assert_eq!(response.status(), StatusCode::OK);
    let refresh = response.headers().get("refresh").expect("goes on to the provider").to_str().unwrap();
    refresh.strip_prefix("0; url=").expect("at once").to_string()
}

async fn come_back(browser: &Client, callback: &str) -> reqwest::Response {
    browser.get(callback).send().await.unwrap()
}

async fn audit_details(app: &TestApp, event: &str) -> Vec<String> {
    let rows: Vec<(Option<String>,)> = sqlx::query_as("SELECT detail FROM audit_events WHERE event = $1 ORDER BY id")
        .bind(event)
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
    rows.into_iter().map(|(d,)| d.unwrap_or_default()).collect()
}

/// A refused sign-in: the page says why, offers the way back, and no session is made.
async fn assert_refused(response: reqwest::Response, status: StatusCode, says: &str) {
    assert_eq!(response.status(), status);
    assert!(session_cookie(response.headers()).is_none(), "no session on a refusal");
    let body = response.text().await.unwrap();
    assert!(body.contains(says), "the page says {says:?}: {body}");
    assert!(body.contains(r#"href="/t/acme/login""#), "the way back to the tenant's login page");
}

#[tokio::test]
async fn a_user_logs_in_through_the_provider_linked_by_verified_email_then_by_subject() {
    let app = spawn_app().await;
    let provider = Provider::start(app.state.clock.clone()).await;
    let provider_id = set_up(&app, &provider.issuer, SsoStrategy::Existing, true).await;
    let ada = app.ada().await;

    let browser = crate::helpers::browser();
    let page = app.get(&browser, "/t/acme/login").await.text().await.unwrap();
    assert!(page.contains("Log in with Acme IdP"));
    let authorize = click_log_in(&app, &browser, provider_id).await;
    let back = come_back(&browser, &provider.sign_in(&authorize, Person::new("sub-ada", &ada.login))).await;
    assert_eq!(back.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&back), "/crm");
    assert!(session_cookie(back.headers()).is_some());
    assert_eq!(app.get(&browser, "/crm").await.status(), StatusCode::OK);
    assert_eq!(audit_details(&app, "sso.link").await, ["Acme IdP"]);

    // Linked now: the subject finds Ada even when the provider reports another address.
    let other = crate::helpers::browser();
    let authorize = click_log_in(&app, &other, provider_id).await;
    let back = come_back(&other, &provider.sign_in(&authorize, Person::new("sub-ada", "ada.l@acme.test"))).await;
    assert_eq!(location(&back), "/crm");
    let sessions = app.state.db.count_sessions(ada.id).await.unwrap();
    assert_eq!(sessions, 2, "both browsers are Ada's");
    assert_eq!(audit_details(&app, "login").await.iter().filter(|d| *d == "sso: Acme IdP").count(), 2);

    // Another identity at the provider cannot take Ada's account by her email.
    let stranger = crate::helpers::browser();
    let authorize = click_log_in(&app, &stranger, provider_id).await;
    let back = come_back(&stranger, &provider.sign_in(&authorize, Person::new("sub-mallory", &ada.login))).await;
    assert_refused(back, StatusCode::FORBIDDEN, "There is no active user for ada@acme.test in ACME AS").await;
}

#[tokio::test]
async fn a_wrong_or_replayed_state_and_a_replayed_code_are_refused() {
    let app = spawn_app().await;
    let provider = Provider::start(app.state.clock.clone()).await;
    let provider_id = set_up(&app, &provider.issuer, SsoStrategy::Existing, true).await;
    let ada = app.ada().await;
    let browser = crate::helpers::browser();

    // A state that is not this login's.
    let authorize = click_log_in(&app, &browser, provider_id).await;
    let callback = provider.sign_in(&authorize, Person::new("sub-ada", &ada.login));
    let forged = format!("{}x", callback);
    assert_refused(come_back(&browser, &forged).await, StatusCode::BAD_REQUEST, "no longer valid").await;
    // The login in flight is spent by the attempt: the right state now finds nothing either.
    assert_eq!(come_back(&browser, &callback).await.status(), StatusCode::BAD_REQUEST);

    // Without this browser's cookie (a callback opened elsewhere) there is nothing to finish.
    let authorize = click_log_in(&app, &browser, provider_id).await;
    let callback = provider.sign_in(&authorize, Person::new("sub-ada", &ada.login));
    assert_eq!(come_back(&bare_client(), &callback).await.status(), StatusCode::BAD_REQUEST);

    // A callback that worked cannot be replayed; its code cannot be used in a new login.
    let authorize = click_log_in(&app, &browser, provider_id).await;
    let callback = provider.sign_in(&authorize, Person::new("sub-ada", &ada.login));
    assert_eq!(location(&come_back(&browser, &callback).await), "/crm");
    assert_eq!(come_back(&browser, &callback).await.status(), StatusCode::BAD_REQUEST);
    let code = callback.split("code=").nth(1).unwrap().split('&').next().unwrap().to_string();
    let authorize = click_log_in(&app, &browser, provider_id).await;
    let fresh = provider.sign_in(&authorize, Person::new("sub-ada", &ada.login));
    let state = fresh.split("state=").nth(1).unwrap();
    let replayed = format!("{}/sso/callback?code={code}&state={state}", app.address);
    assert_refused(come_back(&browser, &replayed).await, StatusCode::UNAUTHORIZED, "did not confirm").await;
    assert!(audit_details(&app, "sso.login").await.iter().any(|d| d.starts_with("refused by the provider")));
    assert!(audit_details(&app, "sso.login").await.iter().any(|d| d.starts_with("invalid state")));
}

/// One login whose ID token is shaped by `change`: refused with `says`, audited with `reason`.
async fn refused_token(change: impl FnOnce(&mut Person), reason: &str, says: &str) {
    let app = spawn_app().await;
    let provider = Provider::start(app.state.clock.clone()).await;
    let provider_id = set_up(&app, &provider.issuer, SsoStrategy::Existing, true).await;
    let ada = app.ada().await;
    let browser = crate::helpers::browser();
    let authorize = click_log_in(&app, &browser, provider_id).await;
    let mut person = Person::new("sub-ada", &ada.login);
    change(&mut person);
    let back = come_back(&browser, &provider.sign_in(&authorize, person)).await;
    assert_refused(back, StatusCode::UNAUTHORIZED, says).await;
    let details = audit_details(&app, "sso.login").await;
    assert!(details.iter().any(|d| d.starts_with(reason)), "audited as {reason:?}: {details:?}");
    assert_eq!(app.state.db.count_sessions(ada.id).await.unwrap(), 0);
}

#[tokio::test]
async fn an_id_token_with_a_wrong_nonce_is_refused() {
    refused_token(|p| p.nonce = Some("another-login".into()), "id token nonce", "could not be verified").await;
}

#[tokio::test]
async fn an_id_token_for_another_audience_is_refused() {
    refused_token(|p| p.audience = "someone-else".into(), "id token audience", "could not be verified").await;
}

#[tokio::test]
async fn an_expired_id_token_is_refused() {
    refused_token(|p| (p.expires_in, p.issued_ago) = (-60, 400), "id token expired", "could not be verified").await;
}

#[tokio::test]
async fn an_id_token_issued_long_ago_is_refused() {
    refused_token(|p| p.issued_ago = 7200, "id token issue time", "could not be verified").await;
}

#[tokio::test]
async fn an_id_token_signed_with_a_stranger_key_is_refused() {
    refused_token(|p| p.stranger_key = true, "id token signature", "could not be verified").await;
}

#[tokio::test]
async fn an_unverified_email_matches_nobody() {
    refused_token(|p| p.email_verified = false, "email not verified", "has not verified your email address").await;
}

#[tokio::test]
async fn an_unreachable_provider_and_a_cancelled_login_get_pages_of_their_own() {
    let app = spawn_app().await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let issuer = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let provider_id = set_up(&app, &issuer, SsoStrategy::Existing, true).await;
    let response =
        browser().post(app.url("/sso/start")).form(&[("provider", provider_id.to_string())]).send().await.unwrap();
    assert_refused(response, StatusCode::BAD_GATEWAY, "Acme IdP cannot be reached just now").await;

    let app = spawn_app().await;
    let provider = Provider::start(app.state.clock.clone()).await;
    let provider_id = set_up(&app, &provider.issuer, SsoStrategy::Existing, true).await;
    let browser = crate::helpers::browser();
    let authorize = click_log_in(&app, &browser, provider_id).await;
    let state = url::Url::parse(&authorize).unwrap().query_pairs().find(|(k, _)| k == "state").unwrap().1.to_string();
    let cancelled = format!("{}/sso/callback?error=access_denied&state={state}", app.address);
    let response = come_back(&browser, &cancelled).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(session_cookie(response.headers()).is_none());
    assert!(response.text().await.unwrap().contains("You cancelled logging in at Acme IdP"));
    assert!(audit_details(&app, "sso.login").await.iter().any(|d| d.starts_with("cancelled at the provider")));
}

#[tokio::test]
async fn existing_users_only_refuses_strangers_invited_and_deactivated_users() {
    let app = spawn_app().await;
    let provider = Provider::start(app.state.clock.clone()).await;
    let provider_id = set_up(&app, &provider.issuer, SsoStrategy::Existing, true).await;
    let gone = app.add_user("acme", "gone@acme.test", "User", UserStatus::Deactivated).await;
    for (email, says) in [
        ("nobody@acme.test", "There is no active user for nobody@acme.test"),
        (gone.login.as_str(), "Your account is not active"),
    ] {
        let browser = crate::helpers::browser();
        let authorize = click_log_in(&app, &browser, provider_id).await;
        let back = come_back(&browser, &provider.sign_in(&authorize, Person::new(email, email))).await;
        assert_refused(back, StatusCode::FORBIDDEN, says).await;
    }
    assert!(app.state.db.users_by_login("nobody@acme.test", None).await.unwrap().is_empty(), "nobody was created");
}

#[tokio::test]
async fn create_on_first_login_makes_an_active_user_of_the_providers_domains_only() {
    let app = spawn_app().await;
    let provider = Provider::start(app.state.clock.clone()).await;
    let provider_id = set_up(&app, &provider.issuer, SsoStrategy::Create, true).await;
    let browser = crate::helpers::browser();
    let authorize = click_log_in(&app, &browser, provider_id).await;
    let mut person = Person::new("sub-new", "New.Person@acme.test");
    person.name = "New Person".into();
    let back = come_back(&browser, &provider.sign_in(&authorize, person)).await;
    assert_eq!(location(&back), "/crm");
    let user = app.state.db.users_by_login("new.person@acme.test", None).await.unwrap().pop().expect("created");
    assert_eq!((user.status, user.display_name.as_str()), (UserStatus::Active, "New Person"));
    assert!(user.password_hash.as_deref().is_some_and(|h| h.starts_with("$argon2id$")), "a password nobody knows");
    let role = app.state.db.roles(user.tenant_id).await.unwrap().into_iter().find(|r| r.id == user.role_id).unwrap();
    assert_eq!(role.name, "User");
    assert_eq!(audit_details(&app, "user.create").await, ["sso: Acme IdP"]);

    // An address outside the provider's domains is not made a user.
    let browser = crate::helpers::browser();
    let authorize = click_log_in(&app, &browser, provider_id).await;
    let back = come_back(&browser, &provider.sign_in(&authorize, Person::new("sub-x", "x@gmail.test"))).await;
    assert_refused(back, StatusCode::FORBIDDEN, "There is no active user for x@gmail.test").await;
    assert!(app.state.db.users_by_login("x@gmail.test", None).await.unwrap().is_empty());
}

#[tokio::test]
async fn an_invitation_is_activated_through_the_provider_with_the_invited_address_only() {
    let app = spawn_app().await;
    let provider = Provider::start(app.state.clock.clone()).await;
    let provider_id = set_up(&app, &provider.issuer, SsoStrategy::Existing, true).await;
    let user_id = app.invite("acme", "grace@acme.test", "en").await;
    let link = app.wait_for_mails("grace@acme.test", 1).await[0].link("/activate/").unwrap();
    let browser = crate::helpers::browser();
    let (_, page) = open_link(&browser, &link).await;
    assert!(page.contains("Activate with Acme IdP") && page.contains("Confirm password"));

    // The provider vouches for another address: refused, and the invitation still stands.
    let start =
        browser.post(app.url("/activate/sso")).form(&[("provider", provider_id.to_string())]).send().await.unwrap();
    let back = come_back(&browser, &provider.sign_in(&onward(&start), Person::new("sub-g", "someone@acme.test"))).await;
    assert_refused(back, StatusCode::FORBIDDEN, "this invitation is for another address").await;
    assert_eq!(app.state.db.user_by_id(user_id).await.unwrap().unwrap().status, UserStatus::Invited);

    let start =
        browser.post(app.url("/activate/sso")).form(&[("provider", provider_id.to_string())]).send().await.unwrap();
    let back = come_back(&browser, &provider.sign_in(&onward(&start), Person::new("sub-g", "grace@acme.test"))).await;
    assert_eq!(location(&back), "/crm");
    assert!(session_cookie(back.headers()).is_some());
    assert_eq!(app.state.db.user_by_id(user_id).await.unwrap().unwrap().status, UserStatus::Active);
    assert_eq!(app.state.db.identity_user(provider_id, "sub-g").await.unwrap(), Some(user_id));
    let (_, again) = open_link(&crate::helpers::browser(), &link).await;
    assert!(again.contains("This link is no longer valid"), "the link is spent");
}

#[tokio::test]
async fn home_realm_discovery_sends_the_domain_to_its_provider_and_password_login_off_refuses_passwords() {
    let app = spawn_app().await;
    let provider = Provider::start(app.state.clock.clone()).await;
    set_up(&app, &provider.issuer, SsoStrategy::Existing, false).await;
    let ada = app.ada().await;
    // The same answer for a user who exists and one who does not.
    for user_id in [ada.login.as_str(), "nobody@acme.test"] {
        let response = app.post_login(&browser(), "/login", &[("user_id", user_id), ("password", "")]).await;
        assert!(set_cookie_header(response.headers(), "frontdoor_sso").is_some());
        let to = onward(&response);
        assert!(to.starts_with(&format!("{}/authorize?", provider.issuer)), "{to}");
        assert!(to.contains(&format!("login_hint={}", user_id.replace('@', "%40"))));
    }
    // Other domains log in with a password as before.
    let bob = app.add_user("other", "bob@other.test", "User", UserStatus::Active).await;
    assert_eq!(location(&app.log_in(&browser(), &bob).await), "/crm");
    // A user of the tenant is refused a password login, after the right password only.
    let ada_domain = app.add_user("acme", "ada@acme.example", "User", UserStatus::Active).await;
    let response = app.log_in(&browser(), &ada_domain).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response.text().await.unwrap().contains("single sign-on only"));
    let wrong =
        app.post_login(&browser(), "/login", &[("user_id", "ada@acme.example"), ("password", "wrong-one")]).await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_client_secret_is_sealed_at_rest_and_providers_show_only_for_their_tenant() {
    let app = spawn_app().await;
    let provider = Provider::start(app.state.clock.clone()).await;
    set_up(&app, &provider.issuer, SsoStrategy::Existing, true).await;
    app.tenant("other").await;
    let sealed: Vec<(String,)> =
        sqlx::query_as("SELECT client_secret_sealed FROM sso_providers").fetch_all(&app.state.db.pool).await.unwrap();
    assert!(!sealed[0].0.contains(CLIENT_SECRET));
    assert!(!app.get(&browser(), "/t/other/login").await.text().await.unwrap().contains("Log in with"));
    // The device remembers the tenant it logged in to: its login page shows that tenant's buttons.
    let browser = crate::helpers::browser();
    let ada = app.ada().await;
    app.log_in(&browser, &ada).await;
    browser.post(app.url("/logout")).header("origin", &app.address).send().await.unwrap();
    assert!(app.get(&browser, "/login").await.text().await.unwrap().contains("Log in with Acme IdP"));
}
