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
    CoreGenderClaim, CoreJsonWebKeySet, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
    CoreProviderMetadata, CoreResponseType, CoreRsaPrivateSigningKey, CoreSubjectIdentifierType,
};
use openidconnect::{
    AccessToken, Audience, AuthUrl, EmptyAdditionalProviderMetadata, EndUserEmail, EndUserName, IdToken, IdTokenClaims,
    IssuerUrl, JsonWebKeyId, JsonWebKeySetUrl, LocalizedClaim, Nonce, PrivateSigningKey, ResponseTypes, StandardClaims,
    SubjectIdentifier, TokenUrl, UserInfoUrl,
};
use reqwest::{Client, StatusCode};
use secrecy::SecretString;
use server::clock::Clock;
use server::db::{NewProvider, Preset, SignInPolicy, SsoStrategy, UserStatus};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// Test signing keys, made once per test process in a temporary folder (no key is tracked).
fn test_key(which: usize) -> &'static str {
    static KEYS: OnceLock<[String; 2]> = OnceLock::new();
    let keys = KEYS.get_or_init(|| {
        let make = || {
            let out = std::process::Command::new("openssl")
                .args(["genrsa", "-traditional", "2048"])
                .stderr(std::process::Stdio::null())
                .output()
                .expect("openssl makes the test provider's keys");
            String::from_utf8(out.stdout).unwrap()
        };
        [make(), make()]
    });
    &keys[which]
}

const CLIENT_ID: &str = "frontdoor";
const CLIENT_SECRET: &str = "client-secret-for-tests";

/// Claims beyond the standard ones: Google's `hd`, Entra ID's `tid`.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
struct Extra {
    #[serde(skip_serializing_if = "Option::is_none")]
    hd: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tid: Option<String>,
}

impl openidconnect::AdditionalClaims for Extra {}

type TestIdToken = IdToken<Extra, CoreGenderClaim, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm>;

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
    hd: Option<String>,
    /// The subject UserInfo answers about (another person's, to test the check).
    userinfo_subject: Option<String>,
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
            hd: None,
            userinfo_subject: None,
        }
    }
}

struct Grant {
    person: Person,
    nonce: String,
    challenge: String,
    used: bool,
}

/// How the provider behaves.
#[derive(Default)]
struct Behaviour {
    /// Keeps email and name for UserInfo (OpenID Connect Core §5.4, as `oidc-provider` does at
    /// its defaults), the ID token carrying only `sub`.
    claims_in_userinfo: bool,
    /// Announces `iss` in its authorization responses (RFC 9207).
    announces_iss: bool,
    /// Discovery answers 500.
    broken: bool,
    /// The key set's address its discovery document announces instead of its own.
    jwks_uri: Option<String>,
    /// Pads the discovery document by this many bytes.
    padding: usize,
    discovery_hits: usize,
}

#[derive(Clone)]
struct Provider {
    issuer: String,
    clock: Clock,
    grants: Arc<Mutex<HashMap<String, Grant>>>,
    /// Access tokens and whom they are for (UserInfo).
    tokens: Arc<Mutex<HashMap<String, Person>>>,
    behaviour: Arc<Mutex<Behaviour>>,
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

async fn discovery(State(provider): State<Provider>) -> axum::response::Response {
    let issuer = &provider.issuer;
    let mut behaviour = provider.behaviour.lock().unwrap();
    behaviour.discovery_hits += 1;
    if behaviour.broken {
        return AxumStatus::INTERNAL_SERVER_ERROR.into_response();
    }
    let jwks = behaviour.jwks_uri.clone().unwrap_or_else(|| format!("{issuer}/jwks"));
    let mut metadata = CoreProviderMetadata::new(
        IssuerUrl::new(issuer.clone()).unwrap(),
        AuthUrl::new(format!("{issuer}/authorize")).unwrap(),
        JsonWebKeySetUrl::new(jwks).unwrap(),
        vec![ResponseTypes::new(vec![CoreResponseType::Code])],
        vec![CoreSubjectIdentifierType::Public],
        vec![CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256],
        EmptyAdditionalProviderMetadata {},
    )
    .set_token_endpoint(Some(TokenUrl::new(format!("{issuer}/token")).unwrap()));
    if behaviour.claims_in_userinfo {
        metadata = metadata.set_userinfo_endpoint(Some(UserInfoUrl::new(format!("{issuer}/userinfo")).unwrap()));
    }
    let mut document = serde_json::to_value(metadata).unwrap();
    if behaviour.announces_iss {
        document["authorization_response_iss_parameter_supported"] = serde_json::json!(true);
    }
    if behaviour.padding > 0 {
        document["padding"] = serde_json::json!("x".repeat(behaviour.padding));
    }
    Json(document).into_response()
}

async fn jwks() -> Json<CoreJsonWebKeySet> {
    Json(CoreJsonWebKeySet::new(vec![signing_key(test_key(0)).as_verification_key()]))
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
    let in_userinfo = provider.behaviour.lock().unwrap().claims_in_userinfo;
    let now = provider.clock.now();
    let time = |secs: i64| chrono::DateTime::from_timestamp(secs, 0).unwrap();
    let mut standard = StandardClaims::new(SubjectIdentifier::new(person.subject.clone()));
    if !in_userinfo {
        standard = standard
            .set_email(Some(EndUserEmail::new(person.email.clone())))
            .set_email_verified(Some(person.email_verified))
            .set_name(Some(LocalizedClaim::from(EndUserName::new(person.name.clone()))));
    }
    let claims = IdTokenClaims::new(
        IssuerUrl::new(provider.issuer.clone()).unwrap(),
        vec![Audience::new(person.audience.clone())],
        time(now + person.expires_in),
        time(now - person.issued_ago),
        standard,
        Extra { hd: person.hd.clone(), tid: None },
    )
    .set_nonce(Some(Nonce::new(person.nonce.clone().unwrap_or_else(|| grant.nonce.clone()))));
    let access_token = AccessToken::new(format!("at-{}", form.code));
    let key = signing_key(test_key(usize::from(person.stranger_key)));
    let id_token =
        TestIdToken::new(claims, &key, CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256, Some(&access_token), None)
            .unwrap();
    provider.tokens.lock().unwrap().insert(access_token.secret().clone(), person);
    Json(serde_json::json!({
        "access_token": access_token.secret(),
        "token_type": "Bearer",
        "expires_in": 300,
        "id_token": id_token.to_string(),
    }))
    .into_response()
}

/// UserInfo: the claims of the access token's person.
async fn userinfo(State(provider): State<Provider>, headers: HeaderMap) -> axum::response::Response {
    let token = headers.get("authorization").and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    let Some(person) = token.and_then(|t| provider.tokens.lock().unwrap().get(t).cloned()) else {
        return AxumStatus::UNAUTHORIZED.into_response();
    };
    Json(serde_json::json!({
        "sub": person.userinfo_subject.unwrap_or(person.subject),
        "email": person.email,
        "email_verified": person.email_verified,
        "name": person.name,
    }))
    .into_response()
}

impl Provider {
    async fn start(clock: Clock) -> Provider {
        Provider::start_with(clock, Behaviour::default()).await
    }

    async fn start_with(clock: Clock, behaviour: Behaviour) -> Provider {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let issuer = format!("http://{}", listener.local_addr().unwrap());
        let provider = Provider {
            issuer,
            clock,
            grants: Arc::default(),
            tokens: Arc::default(),
            behaviour: Arc::new(Mutex::new(behaviour)),
        };
        let router = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/jwks", get(jwks))
            .route("/token", post(token))
            .route("/userinfo", get(userinfo))
            .with_state(provider.clone());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        provider
    }

    /// What the provider's login page would do: the person signs in, and the browser is sent
    /// back with a fresh code (and `iss` where the provider announces it).
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
        let iss = if self.behaviour.lock().unwrap().announces_iss {
            format!("&iss={}", url::form_urlencoded::byte_serialize(self.issuer.as_bytes()).collect::<String>())
        } else {
            String::new()
        };
        format!("{}?code={code}&state={}{iss}", query["redirect_uri"], query["state"])
    }
}

/// A provider as Frontdoor knows it: its row, and the public id its forms and address use.
struct Registered {
    id: i64,
    public_id: String,
}

/// A provider at `issuer` for `tenant`, answering for `domains`.
async fn register(
    app: &TestApp,
    tenant: &str,
    name: &str,
    issuer: &str,
    preset: Preset,
    domains: &[&str],
) -> Registered {
    let tenant_id = app.tenant(tenant).await;
    let sealed = app.state.relying_party.key().seal(&SecretString::from(CLIENT_SECRET.to_string())).unwrap();
    let public_id = format!("p{}", hex::encode(rand::random::<[u8; 10]>()));
    let domains: Vec<String> = domains.iter().map(|d| d.to_string()).collect();
    let id = app
        .state
        .db
        .add_provider(
            &NewProvider {
                public_id: &public_id,
                tenant_id,
                name,
                preset,
                issuer,
                client_id: CLIENT_ID,
                client_secret_sealed: &sealed,
                scopes: "openid email profile",
                domains: &domains,
            },
            app.state.clock.now(),
        )
        .await
        .unwrap();
    Registered { id, public_id }
}

async fn set_policy(app: &TestApp, tenant: &str, strategy: SsoStrategy, password_login: bool) {
    let tenant_id = app.tenant(tenant).await;
    let policy = SignInPolicy { strategy, default_role_id: None, password_login };
    app.state.db.set_sign_in_policy(tenant_id, &policy).await.unwrap();
}

/// Tenant acme with the test provider (domain acme.test) and the given strategy.
async fn set_up(app: &TestApp, issuer: &str, strategy: SsoStrategy, password_login: bool) -> Registered {
    let registered = register(app, "acme", "Acme IdP", issuer, Preset::Oidc, &["acme.test"]).await;
    set_policy(app, "acme", strategy, password_login).await;
    registered
}

/// "Log in with Acme IdP": the address of the provider's login page.
async fn click_log_in(app: &TestApp, browser: &Client, provider: &Registered) -> String {
    let response = browser.post(app.url("/sso/start")).form(&[("provider", &provider.public_id)]).send().await.unwrap();
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
    let registered = set_up(&app, &provider.issuer, SsoStrategy::Existing, true).await;
    let ada = app.ada().await;

    let browser = crate::helpers::browser();
    let page = app.get(&browser, "/t/acme/login").await.text().await.unwrap();
    assert!(page.contains("Log in with Acme IdP"));
    let authorize = click_log_in(&app, &browser, &registered).await;
    let back = come_back(&browser, &provider.sign_in(&authorize, Person::new("sub-ada", &ada.login))).await;
    assert_eq!(back.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&back), "/crm");
    assert!(session_cookie(back.headers()).is_some());
    assert_eq!(app.get(&browser, "/crm").await.status(), StatusCode::OK);
    assert_eq!(audit_details(&app, "sso.link").await, ["Acme IdP"]);

    // Linked now: the subject finds Ada even when the provider reports another address.
    let other = crate::helpers::browser();
    let authorize = click_log_in(&app, &other, &registered).await;
    let back = come_back(&other, &provider.sign_in(&authorize, Person::new("sub-ada", "ada.l@acme.test"))).await;
    assert_eq!(location(&back), "/crm");
    let sessions = app.state.db.count_sessions(ada.id).await.unwrap();
    assert_eq!(sessions, 2, "both browsers are Ada's");
    assert_eq!(audit_details(&app, "login").await.iter().filter(|d| *d == "sso: Acme IdP").count(), 2);

    // Another identity at the provider cannot take Ada's account by her email.
    let stranger = crate::helpers::browser();
    let authorize = click_log_in(&app, &stranger, &registered).await;
    let back = come_back(&stranger, &provider.sign_in(&authorize, Person::new("sub-mallory", &ada.login))).await;
    assert_refused(back, StatusCode::FORBIDDEN, "There is no active user for ada@acme.test in ACME AS").await;
}

#[tokio::test]
async fn a_wrong_state_leaves_the_login_in_flight_and_a_replayed_code_is_refused() {
    let app = spawn_app().await;
    let provider = Provider::start(app.state.clock.clone()).await;
    let registered = set_up(&app, &provider.issuer, SsoStrategy::Existing, true).await;
    let ada = app.ada().await;
    let browser = crate::helpers::browser();

    // A state that is not this login's (a stray or cross-site request) is refused, and the
    // login in flight stays: its own answer still signs the person in.
    let authorize = click_log_in(&app, &browser, &registered).await;
    let callback = provider.sign_in(&authorize, Person::new("sub-ada", &ada.login));
    let forged = format!("{}x", callback);
    let stray = come_back(&browser, &forged).await;
    assert!(set_cookie_header(stray.headers(), "frontdoor_sso").is_none(), "the login's cookie stays");
    assert_refused(stray, StatusCode::BAD_REQUEST, "no longer valid").await;
    assert_eq!(location(&come_back(&browser, &callback).await), "/crm");

    // Without this browser's cookie (a callback opened elsewhere) there is nothing to finish,
    // and nothing is written down: anyone can send such a request.
    let authorize = click_log_in(&app, &browser, &registered).await;
    let callback = provider.sign_in(&authorize, Person::new("sub-ada", &ada.login));
    let audited = audit_details(&app, "sso.login").await.len();
    assert_eq!(come_back(&bare_client(), &callback).await.status(), StatusCode::BAD_REQUEST);
    assert_eq!(audit_details(&app, "sso.login").await.len(), audited, "no audit row for a callback without a login");

    // A callback that worked cannot be replayed; its code cannot be used in a new login.
    assert_eq!(location(&come_back(&browser, &callback).await), "/crm");
    assert_eq!(come_back(&browser, &callback).await.status(), StatusCode::BAD_REQUEST);
    let code = callback.split("code=").nth(1).unwrap().split('&').next().unwrap().to_string();
    let authorize = click_log_in(&app, &browser, &registered).await;
    let fresh = provider.sign_in(&authorize, Person::new("sub-ada", &ada.login));
    let state = fresh.split("state=").nth(1).unwrap();
    let replayed = format!("{}/sso/callback/{}?code={code}&state={state}", app.address, registered.public_id);
    assert_refused(come_back(&browser, &replayed).await, StatusCode::UNAUTHORIZED, "did not confirm").await;
    assert!(audit_details(&app, "sso.login").await.iter().any(|d| d.starts_with("refused by the provider")));
    assert!(audit_details(&app, "sso.login").await.iter().any(|d| d.starts_with("invalid state")));
}

/// One login whose ID token is shaped by `change`: refused with `says`, audited with `reason`.
async fn refused_token(change: impl FnOnce(&mut Person), reason: &str, says: &str) {
    let app = spawn_app().await;
    let provider = Provider::start(app.state.clock.clone()).await;
    let registered = set_up(&app, &provider.issuer, SsoStrategy::Existing, true).await;
    let ada = app.ada().await;
    let browser = crate::helpers::browser();
    let authorize = click_log_in(&app, &browser, &registered).await;
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
    let registered = set_up(&app, &issuer, SsoStrategy::Existing, true).await;
    let response =
        browser().post(app.url("/sso/start")).form(&[("provider", &registered.public_id)]).send().await.unwrap();
    assert_refused(response, StatusCode::BAD_GATEWAY, "Acme IdP cannot be reached just now").await;

    let app = spawn_app().await;
    let provider = Provider::start(app.state.clock.clone()).await;
    let registered = set_up(&app, &provider.issuer, SsoStrategy::Existing, true).await;
    let browser = crate::helpers::browser();
    let authorize = click_log_in(&app, &browser, &registered).await;
    let state = url::Url::parse(&authorize).unwrap().query_pairs().find(|(k, _)| k == "state").unwrap().1.to_string();
    let cancelled = format!("{}/sso/callback/{}?error=access_denied&state={state}", app.address, registered.public_id);
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
    let registered = set_up(&app, &provider.issuer, SsoStrategy::Existing, true).await;
    let gone = app.add_user("acme", "gone@acme.test", "User", UserStatus::Deactivated).await;
    for (email, says) in [
        ("nobody@acme.test", "There is no active user for nobody@acme.test"),
        (gone.login.as_str(), "Your account is not active"),
    ] {
        let browser = crate::helpers::browser();
        let authorize = click_log_in(&app, &browser, &registered).await;
        let back = come_back(&browser, &provider.sign_in(&authorize, Person::new(email, email))).await;
        assert_refused(back, StatusCode::FORBIDDEN, says).await;
    }
    assert!(app.state.db.users_by_login("nobody@acme.test", None).await.unwrap().is_empty(), "nobody was created");
}

#[tokio::test]
async fn create_on_first_login_makes_an_active_user_of_the_providers_domains_only() {
    let app = spawn_app().await;
    let provider = Provider::start(app.state.clock.clone()).await;
    let registered = set_up(&app, &provider.issuer, SsoStrategy::Create, true).await;
    let browser = crate::helpers::browser();
    let authorize = click_log_in(&app, &browser, &registered).await;
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
    let authorize = click_log_in(&app, &browser, &registered).await;
    let back = come_back(&browser, &provider.sign_in(&authorize, Person::new("sub-x", "x@gmail.test"))).await;
    assert_refused(back, StatusCode::FORBIDDEN, "There is no active user for x@gmail.test").await;
    assert!(app.state.db.users_by_login("x@gmail.test", None).await.unwrap().is_empty());
}

#[tokio::test]
async fn an_invitation_is_activated_through_the_provider_with_the_invited_address_only() {
    let app = spawn_app().await;
    let provider = Provider::start(app.state.clock.clone()).await;
    let registered = set_up(&app, &provider.issuer, SsoStrategy::Existing, true).await;
    let user_id = app.invite("acme", "grace@acme.test", "en").await;
    let link = app.wait_for_mails("grace@acme.test", 1).await[0].link("/activate/").unwrap();
    let browser = crate::helpers::browser();
    let (_, page) = open_link(&browser, &link).await;
    assert!(page.contains("Activate with Acme IdP") && page.contains("Confirm password"));

    // The provider vouches for another address: refused, and the invitation still stands.
    let start =
        browser.post(app.url("/activate/sso")).form(&[("provider", &registered.public_id)]).send().await.unwrap();
    let back = come_back(&browser, &provider.sign_in(&onward(&start), Person::new("sub-g", "someone@acme.test"))).await;
    assert_refused(back, StatusCode::FORBIDDEN, "this invitation is for another address").await;
    assert_eq!(app.state.db.user_by_id(user_id).await.unwrap().unwrap().status, UserStatus::Invited);

    let start =
        browser.post(app.url("/activate/sso")).form(&[("provider", &registered.public_id)]).send().await.unwrap();
    let back = come_back(&browser, &provider.sign_in(&onward(&start), Person::new("sub-g", "grace@acme.test"))).await;
    assert_eq!(location(&back), "/crm");
    assert!(session_cookie(back.headers()).is_some());
    assert_eq!(app.state.db.user_by_id(user_id).await.unwrap().unwrap().status, UserStatus::Active);
    assert_eq!(app.state.db.identity_user(registered.id, "sub-g").await.unwrap(), Some(user_id));
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

/// The pages and emails of "Link your account", as a browser meets them.
async fn link_page(app: &TestApp, browser: &Client) -> String {
    let page = app.get(browser, "/sso/link").await;
    assert_eq!(page.status(), StatusCode::OK);
    page.text().await.unwrap()
}

async fn outbox_kinds(app: &TestApp, user_id: i64) -> Vec<String> {
    app.state.db.mail_of_user(user_id).await.unwrap().into_iter().map(|m| m.kind.as_str().to_string()).collect()
}

#[tokio::test]
async fn each_provider_answers_on_its_own_address_and_an_answer_for_another_is_refused() {
    let app = spawn_app().await;
    let honest = Provider::start(app.state.clock.clone()).await;
    let acme = set_up(&app, &honest.issuer, SsoStrategy::Existing, true).await;
    // Another tenant's provider (it could be anyone's: every tenant may register one).
    let evil = register(&app, "evil", "Evil IdP", &honest.issuer, Preset::Oidc, &["evil.test"]).await;
    let ada = app.ada().await;

    // Public ids in forms, never sequence numbers; each provider's own redirect URI.
    let page = app.get(&browser(), "/t/acme/login").await.text().await.unwrap();
    assert!(page.contains(&format!(r#"value="{}""#, acme.public_id)));
    assert!(browser()
        .post(app.url("/sso/start"))
        .form(&[("provider", "1")])
        .send()
        .await
        .unwrap()
        .status()
        .is_client_error());

    let browser = crate::helpers::browser();
    let authorize = click_log_in(&app, &browser, &acme).await;
    let redirect_uri: HashMap<String, String> =
        url::Url::parse(&authorize).unwrap().query_pairs().into_owned().collect();
    assert_eq!(redirect_uri["redirect_uri"], format!("{}/sso/callback/{}", app.address, acme.public_id));
    let callback = honest.sign_in(&authorize, Person::new("sub-ada", &ada.login));

    // The honest provider's answer, delivered to the other provider's address (a mix-up):
    // refused before anything else, and the code is not spent.
    let mixed = callback.replace(&acme.public_id, &evil.public_id);
    assert_refused(come_back(&browser, &mixed).await, StatusCode::BAD_REQUEST, "another identity provider").await;
    assert!(audit_details(&app, "sso.login").await.iter().any(|d| d.starts_with("answer for another provider")));
    assert_eq!(location(&come_back(&browser, &callback).await), "/crm", "the login in flight was left alone");
}

#[tokio::test]
async fn the_iss_in_the_answer_is_checked_when_the_provider_announces_it() {
    let app = spawn_app().await;
    let behaviour = Behaviour { announces_iss: true, ..Behaviour::default() };
    let provider = Provider::start_with(app.state.clock.clone(), behaviour).await;
    let registered = set_up(&app, &provider.issuer, SsoStrategy::Existing, true).await;
    let ada = app.ada().await;
    for (change, reason) in [("", "wrong iss"), ("&iss=http%3A%2F%2Fevil.test", "wrong iss")] {
        let browser = crate::helpers::browser();
        let authorize = click_log_in(&app, &browser, &registered).await;
        let callback = provider.sign_in(&authorize, Person::new("sub-ada", &ada.login));
        let without_iss = callback.split("&iss=").next().unwrap().to_string();
        let answer = come_back(&browser, &format!("{without_iss}{change}")).await;
        assert_refused(answer, StatusCode::BAD_REQUEST, "does not say it comes from Acme IdP").await;
        assert!(audit_details(&app, "sso.login").await.iter().any(|d| d.starts_with(reason)));
    }
    let browser = crate::helpers::browser();
    let authorize = click_log_in(&app, &browser, &registered).await;
    let callback = provider.sign_in(&authorize, Person::new("sub-ada", &ada.login));
    assert!(callback.contains("&iss="));
    assert_eq!(location(&come_back(&browser, &callback).await), "/crm");
}

#[tokio::test]
async fn claims_the_provider_keeps_for_userinfo_are_read_from_it() {
    let app = spawn_app().await;
    let behaviour = Behaviour { claims_in_userinfo: true, ..Behaviour::default() };
    let provider = Provider::start_with(app.state.clock.clone(), behaviour).await;
    let registered = set_up(&app, &provider.issuer, SsoStrategy::Existing, true).await;
    let ada = app.ada().await;
    let browser = crate::helpers::browser();
    let authorize = click_log_in(&app, &browser, &registered).await;
    let back = come_back(&browser, &provider.sign_in(&authorize, Person::new("sub-ada", &ada.login))).await;
    assert_eq!(location(&back), "/crm", "the email came from UserInfo");
    assert_eq!(app.state.db.identity_user(registered.id, "sub-ada").await.unwrap(), Some(ada.id));

    // UserInfo about someone else than the ID token's subject is not believed.
    let browser = crate::helpers::browser();
    let authorize = click_log_in(&app, &browser, &registered).await;
    let mut person = Person::new("sub-new", &ada.login);
    person.userinfo_subject = Some("sub-ada".into());
    let back = come_back(&browser, &provider.sign_in(&authorize, person)).await;
    assert_refused(back, StatusCode::UNAUTHORIZED, "could not be verified").await;
    assert!(audit_details(&app, "sso.login").await.iter().any(|d| d.starts_with("userinfo subject")));
}

#[tokio::test]
async fn an_address_the_provider_cannot_vouch_for_is_linked_only_after_the_account_is_proven() {
    let app = spawn_app().await;
    let provider = Provider::start(app.state.clock.clone()).await;
    let registered = set_up(&app, &provider.issuer, SsoStrategy::Existing, true).await;
    // An administrator whose address is outside the provider's domain (acme.test).
    let boss = app.add_user("acme", "boss@elsewhere.test", "User level 0", UserStatus::Active).await;

    let browser = crate::helpers::browser();
    let authorize = click_log_in(&app, &browser, &registered).await;
    let back = come_back(&browser, &provider.sign_in(&authorize, Person::new("sub-mallory", &boss.login))).await;
    assert_eq!(location(&back), "/sso/link");
    assert!(session_cookie(back.headers()).is_none(), "no session before the account is proven");
    assert_eq!(app.state.db.identity_user(registered.id, "sub-mallory").await.unwrap(), None, "not linked");
    let page = link_page(&app, &browser).await;
    assert!(
        page.contains("Link your account") && page.contains("boss@elsewhere.test") && page.contains("Email me a code")
    );

    // A wrong password links nothing (and counts like a wrong login).
    let wrong = browser.post(app.url("/sso/link")).form(&[("password", "not-the-password")]).send().await.unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(wrong.text().await.unwrap().contains("That password is not right"));
    assert_eq!(app.state.db.identity_user(registered.id, "sub-mallory").await.unwrap(), None);
    // Another browser without the pending link gets nowhere.
    let other = crate::helpers::browser();
    let stranger = other.post(app.url("/sso/link")).form(&[("password", boss.password.as_str())]).send().await.unwrap();
    assert_eq!(stranger.status(), StatusCode::BAD_REQUEST);

    let right = browser.post(app.url("/sso/link")).form(&[("password", boss.password.as_str())]).send().await.unwrap();
    assert_eq!(location(&right), "/crm");
    assert!(session_cookie(right.headers()).is_some());
    assert_eq!(app.state.db.identity_user(registered.id, "sub-mallory").await.unwrap(), Some(boss.id));
    assert!(outbox_kinds(&app, boss.id).await.contains(&"identity-linked".to_string()), "the owner is told");
    assert!(audit_details(&app, "sso.link").await.iter().any(|d| d == "Acme IdP (proven by password)"));
    let mail = app.wait_for_mails(&boss.login, 1).await.pop().unwrap();
    assert!(mail.header("Subject").unwrap().contains("A new sign-in method was linked"));

    // From now on the subject signs them in directly.
    let browser = crate::helpers::browser();
    let authorize = click_log_in(&app, &browser, &registered).await;
    let back = come_back(&browser, &provider.sign_in(&authorize, Person::new("sub-mallory", &boss.login))).await;
    assert_eq!(location(&back), "/crm");
}

#[tokio::test]
async fn an_account_without_a_password_is_proven_with_an_emailed_code() {
    let app = spawn_app().await;
    let provider = Provider::start(app.state.clock.clone()).await;
    let registered = set_up(&app, &provider.issuer, SsoStrategy::Existing, true).await;
    let tenant_id = app.tenant("acme").await;
    let role = app.state.db.role_by_name(tenant_id, "User").await.unwrap().unwrap();
    let user_id = app
        .state
        .db
        .create_user(
            &server::db::NewUser {
                tenant_id,
                role_id: role.id,
                login_name: "sso.only@partner.test",
                email: Some("sso.only@partner.test"),
                display_name: "Sso Only",
                status: UserStatus::Active,
                password_hash: None,
                language: None,
            },
            app.state.clock.now(),
        )
        .await
        .unwrap();
    let browser = crate::helpers::browser();
    let authorize = click_log_in(&app, &browser, &registered).await;
    let back = come_back(&browser, &provider.sign_in(&authorize, Person::new("sub-s", "sso.only@partner.test"))).await;
    assert_eq!(location(&back), "/sso/link");
    let page = link_page(&app, &browser).await;
    assert!(!page.contains(r#"name="password""#), "no password to prove it with");
    let sent = browser.post(app.url("/sso/link/code")).send().await.unwrap();
    assert_eq!(location(&sent), "/sso/link?code=sent");
    let mail = app.wait_for_mails("sso.only@partner.test", 1).await.pop().unwrap();
    let code: String = mail.raw.lines().find(|l| l.len() == 8 && l.chars().all(|c| c.is_ascii_digit())).unwrap().into();
    let wrong = if code == "00000000" { "11111111" } else { "00000000" };
    let refused = browser.post(app.url("/sso/link")).form(&[("code", wrong)]).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let right = browser.post(app.url("/sso/link")).form(&[("code", code.as_str())]).send().await.unwrap();
    assert_eq!(location(&right), "/crm");
    assert_eq!(app.state.db.identity_user(registered.id, "sub-s").await.unwrap(), Some(user_id));
    assert!(audit_details(&app, "sso.link").await.iter().any(|d| d == "Acme IdP (proven by emailed code)"));
}

#[tokio::test]
async fn the_google_preset_links_by_itself_only_for_its_hosted_domain() {
    let app = spawn_app().await;
    let provider = Provider::start(app.state.clock.clone()).await;
    let registered = register(&app, "acme", "Google", &provider.issuer, Preset::Google, &["acme.test"]).await;
    let ada = app.ada().await;
    // A consumer Google account with the company's address (no `hd`): the account is proven first.
    let browser = crate::helpers::browser();
    let authorize = click_log_in(&app, &browser, &registered).await;
    let back = come_back(&browser, &provider.sign_in(&authorize, Person::new("g-consumer", &ada.login))).await;
    assert_eq!(location(&back), "/sso/link");
    // The company's Workspace account (`hd` = its domain) is linked at once.
    let browser = crate::helpers::browser();
    let authorize = click_log_in(&app, &browser, &registered).await;
    let mut person = Person::new("g-workspace", &ada.login);
    person.hd = Some("acme.test".into());
    let back = come_back(&browser, &provider.sign_in(&authorize, person)).await;
    assert_eq!(location(&back), "/crm");
    assert_eq!(app.state.db.identity_user(registered.id, "g-workspace").await.unwrap(), Some(ada.id));
}

#[tokio::test]
async fn home_realm_discovery_belongs_to_the_tenant_in_the_address_or_to_a_domain_only_one_tenant_claims() {
    let app = spawn_app().await;
    let provider = Provider::start(app.state.clock.clone()).await;
    // Tenant evil registers acme.test for its own provider and turns password login off.
    register(&app, "evil", "Evil IdP", &provider.issuer, Preset::Oidc, &["acme.test"]).await;
    set_policy(&app, "evil", SsoStrategy::Existing, false).await;
    let ada = app.ada().await;
    // On acme's own login page, acme's user logs in with her password as always.
    let response =
        app.post_login(&browser(), "/t/acme/login", &[("user_id", &ada.login), ("password", &ada.password)]).await;
    assert_eq!(location(&response), "/crm");
    assert!(set_cookie_header(response.headers(), "frontdoor_sso").is_none());
    // Without a tenant, the one tenant that claims the domain gets the person.
    let response = app.post_login(&browser(), "/login", &[("user_id", &ada.login), ("password", "")]).await;
    assert!(onward(&response).starts_with(&provider.issuer));
    // Once acme claims it too, neither gets a stranger's login; the device's tenant decides.
    register(&app, "acme", "Acme IdP", &provider.issuer, Preset::Oidc, &["acme.test"]).await;
    set_policy(&app, "acme", SsoStrategy::Existing, false).await;
    let response = app.post_login(&browser(), "/login", &[("user_id", &ada.login), ("password", "")]).await;
    assert!(set_cookie_header(response.headers(), "frontdoor_sso").is_none(), "two tenants claim it: no guess");
    let device = crate::helpers::browser();
    device.get(app.url("/t/acme/login")).send().await.unwrap();
    let url = reqwest::Url::parse(&app.address).unwrap();
    let jar = reqwest::cookie::Jar::default();
    jar.add_cookie_str("frontdoor_tenant=acme; Path=/", &url);
    let remembered =
        Client::builder().cookie_provider(Arc::new(jar)).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let response = app.post_login(&remembered, "/login", &[("user_id", &ada.login), ("password", "")]).await;
    let to = onward(&response);
    assert!(
        to.contains(&format!(
            "redirect_uri={}",
            url::form_urlencoded::byte_serialize(app.address.as_bytes()).collect::<String>()
        )),
        "{to}"
    );
}

#[tokio::test]
async fn single_sign_on_requests_are_limited_per_client_and_their_refusals_written_down_once() {
    let app = spawn_app().await;
    let provider = Provider::start(app.state.clock.clone()).await;
    let registered = set_up(&app, &provider.issuer, SsoStrategy::Existing, true).await;
    let browser = crate::helpers::browser();
    for _ in 0..30 {
        let response =
            browser.post(app.url("/sso/start")).form(&[("provider", &registered.public_id)]).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
    for _ in 0..5 {
        let response =
            browser.post(app.url("/sso/start")).form(&[("provider", &registered.public_id)]).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(response.headers().get("retry-after").is_some());
    }
    assert_eq!(audit_details(&app, "sso.start").await.len(), 30);
    let limited = audit_details(&app, "sso.login").await.into_iter().filter(|d| d == "rate limit").count();
    assert_eq!(limited, 1, "one audit row for the refused burst");
    app.advance(61);
    let response =
        browser.post(app.url("/sso/start")).form(&[("provider", &registered.public_id)]).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "a minute later the client may start again");
}

#[tokio::test]
async fn a_provider_whose_discovery_failed_is_not_asked_again_at_once() {
    let app = spawn_app().await;
    let behaviour = Behaviour { broken: true, ..Behaviour::default() };
    let provider = Provider::start_with(app.state.clock.clone(), behaviour).await;
    let registered = set_up(&app, &provider.issuer, SsoStrategy::Existing, true).await;
    for _ in 0..3 {
        let response =
            browser().post(app.url("/sso/start")).form(&[("provider", &registered.public_id)]).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
    }
    assert_eq!(provider.behaviour.lock().unwrap().discovery_hits, 1);
}

#[tokio::test]
async fn endpoints_are_checked_before_anything_is_fetched_and_answers_are_bounded() {
    let app = spawn_app().await;
    let behaviour = Behaviour { jwks_uri: Some("http://keys.example.test/jwks".into()), ..Behaviour::default() };
    let provider = Provider::start_with(app.state.clock.clone(), behaviour).await;
    let registered = set_up(&app, &provider.issuer, SsoStrategy::Existing, true).await;
    let response =
        browser().post(app.url("/sso/start")).form(&[("provider", &registered.public_id)]).send().await.unwrap();
    assert_refused(response, StatusCode::INTERNAL_SERVER_ERROR, "not set up correctly").await;

    let app = spawn_app().await;
    let behaviour = Behaviour { padding: 300 * 1024, ..Behaviour::default() };
    let provider = Provider::start_with(app.state.clock.clone(), behaviour).await;
    let registered = set_up(&app, &provider.issuer, SsoStrategy::Existing, true).await;
    let response =
        browser().post(app.url("/sso/start")).form(&[("provider", &registered.public_id)]).send().await.unwrap();
    assert_refused(response, StatusCode::BAD_GATEWAY, "cannot be reached").await;
}

#[tokio::test]
async fn a_name_from_the_provider_is_bounded_and_printable() {
    let app = spawn_app().await;
    let provider = Provider::start(app.state.clock.clone()).await;
    let registered = set_up(&app, &provider.issuer, SsoStrategy::Create, true).await;
    let browser = crate::helpers::browser();
    let authorize = click_log_in(&app, &browser, &registered).await;
    let mut person = Person::new("sub-long", "long.name@acme.test");
    person.name = format!("Ada\u{7}\u{202e} {}", "x".repeat(500));
    assert_eq!(location(&come_back(&browser, &provider.sign_in(&authorize, person)).await), "/crm");
    let user = app.state.db.users_by_login("long.name@acme.test", None).await.unwrap().pop().unwrap();
    assert!(user.display_name.starts_with("Ada x"), "{:?}", user.display_name);
    assert!(user.display_name.chars().count() <= 200 && !user.display_name.chars().any(|c| c.is_control()));
}

#[tokio::test]
async fn a_public_mail_domain_cannot_be_claimed_and_the_default_role_cannot_be_deleted() {
    let app = spawn_app().await;
    let tenant_id = app.tenant("acme").await;
    let role = app.state.db.role_by_name(tenant_id, "User").await.unwrap().unwrap();
    let policy = SignInPolicy { strategy: SsoStrategy::Create, default_role_id: Some(role.id), password_login: true };
    app.state.db.set_sign_in_policy(tenant_id, &policy).await.unwrap();
    let refused = app.state.db.delete_role(tenant_id, role.id).await;
    assert!(matches!(refused, Err(server::db::ChangeError::DefaultRole)), "refused with a reason, not a storage error");
    assert!(server::authn::sso::is_public_mail_domain("GMAIL.com"));
    assert!(!server::authn::sso::is_public_mail_domain("acme.test"));
}
