//! Frontdoor as an OpenID provider, against the `openidconnect` crate as the app: discovery,
//! the code flow with PKCE, refresh rotation and reuse detection, revocation, introspection,
//! `prompt` and `max_age`, key rotation, and logout tokens when sessions end.

use crate::helpers::*;
use axum::extract::{Form, State};
use axum::routing::post;
use axum::Router;
use openidconnect::core::{CoreClient, CoreProviderMetadata, CoreResponseType};
use openidconnect::{
    AuthenticationFlow, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RefreshToken, Scope, TokenResponse,
};
use reqwest::{Client, StatusCode};
use server::db::{ClientKind, NewClient, UserStatus};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

const WEB_REDIRECT: &str = "https://service.example.test/callback";
const NATIVE_REDIRECT: &str = "http://127.0.0.1/callback";

struct App {
    client_id: String,
    secret: Option<String>,
    redirect: String,
}

/// Registers an app the way `frontdoor client add` does.
async fn register(test: &TestApp, kind: ClientKind, first_party: bool, backchannel: Option<&str>) -> App {
    let client_id = format!("app-{}", hex::encode(rand::random::<[u8; 6]>()));
    let secret = (kind == ClientKind::Web).then(|| hex::encode(rand::random::<[u8; 32]>()));
    let redirect = if kind == ClientKind::Web { WEB_REDIRECT } else { NATIVE_REDIRECT };
    let hash = secret.as_deref().map(server::provider::secret_hash);
    let added = test
        .state
        .db
        .add_client(
            &NewClient {
                client_id: &client_id,
                name: if first_party { "Service" } else { "Partner Reports" },
                kind,
                secret_hash: hash.as_deref(),
                first_party,
                backchannel_logout_uri: backchannel,
                id_token_alg: "RS256",
                redirect_uris: &[redirect.to_string(), "com.example.crm:/callback".to_string()],
                post_logout_redirect_uris: &["https://service.example.test/bye".to_string()],
            },
            test.state.clock.now(),
        )
        .await
        .unwrap();
    assert!(added);
    App { client_id, secret, redirect: redirect.to_string() }
}

fn http() -> Client {
    Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

type Oidc = CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

async fn oidc(test: &TestApp, app: &App, redirect: &str) -> Oidc {
    let metadata =
        CoreProviderMetadata::discover_async(IssuerUrl::new(test.address.clone()).unwrap(), &http()).await.unwrap();
    CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(app.client_id.clone()),
        app.secret.clone().map(ClientSecret::new),
    )
    .set_redirect_uri(RedirectUrl::new(redirect.to_string()).unwrap())
}

struct Started {
    url: String,
    state: String,
    nonce: Nonce,
    verifier: PkceCodeVerifier,
}

fn start(client: &Oidc, extra: &[(&str, &str)]) -> Started {
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client
        .authorize_url(
            AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("profile".into()))
        .set_pkce_challenge(challenge);
    for (name, value) in extra {
        request = request.add_extra_param(name.to_string(), value.to_string());
    }
    let (url, state, nonce) = request.url();
    Started { url: url.to_string(), state: state.secret().clone(), nonce, verifier }
}

/// Follows Frontdoor's redirects in `browser` until one leaves it; returns that address.
async fn follow(test: &TestApp, browser: &Client, mut url: String) -> String {
    for _ in 0..6 {
        if !url.starts_with(&test.address) && !url.starts_with('/') {
            return url;
        }
        let absolute = if url.starts_with('/') { test.url(&url) } else { url.clone() };
        let response = browser.get(&absolute).send().await.unwrap();
        if !response.status().is_redirection() {
            return absolute;
        }
        url = location(&response);
    }
    panic!("too many redirects");
}

fn query_of(url: &str) -> HashMap<String, String> {
    url::Url::parse(url).unwrap().query_pairs().into_owned().collect()
}

/// A signed-in browser of Ada's, and Ada.
async fn signed_in(test: &TestApp) -> (Client, TestUser) {
    let ada = test.ada().await;
    let browser = browser();
    assert_eq!(location(&test.log_in(&browser, &ada).await), "/crm");
    (browser, ada)
}

fn claims_of(jwt: &str) -> serde_json::Value {
    use base64::Engine;
    let payload = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

/// The token endpoint's answer to a code: the tokens, or the `error` it said.
async fn exchange_code(
    code: &str,
    verifier: &str,
    client: &Oidc,
) -> Result<openidconnect::core::CoreTokenResponse, String> {
    let request = client
        .exchange_code(AuthorizationCode::new(code.to_string()))
        .unwrap()
        .set_pkce_verifier(PkceCodeVerifier::new(verifier.to_string()));
    match request.request_async(&http()).await {
        Ok(tokens) => Ok(tokens),
        Err(openidconnect::RequestTokenError::ServerResponse(answer)) => Err(answer.error().to_string()),
        Err(other) => Err(format!("{other}")),
    }
}

fn error_of(result: Result<openidconnect::core::CoreTokenResponse, String>) -> String {
    match result {
        Ok(_) => "ok".to_string(),
        Err(error) => error,
    }
}

async fn userinfo(test: &TestApp, access_token: &str) -> reqwest::Response {
    http().get(test.url("/oauth2/userinfo")).bearer_auth(access_token).send().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_app_signs_a_signed_in_person_in_with_a_code_and_pkce() {
    let test = spawn_app().await;
    let (browser, ada) = signed_in(&test).await;
    let app = register(&test, ClientKind::Web, true, None).await;
    let client = oidc(&test, &app, &app.redirect).await;
    let started = start(&client, &[]);
    // A live Frontdoor session: nothing is asked, the browser goes straight back with a code.
    let back = follow(&test, &browser, started.url.clone()).await;
    assert!(back.starts_with(WEB_REDIRECT), "{back}");
    let answer = query_of(&back);
    assert_eq!(answer["state"], started.state);
    assert_eq!(answer["iss"], test.address, "RFC 9207");
    let tokens = client
        .exchange_code(AuthorizationCode::new(answer["code"].clone()))
        .unwrap()
        .set_pkce_verifier(started.verifier)
        .request_async(&http())
        .await
        .unwrap();
    let id_token = tokens.id_token().unwrap();
    let claims = id_token.claims(&client.id_token_verifier(), &started.nonce).unwrap();
    assert_eq!(claims.email().unwrap().as_str(), ada.login);
    assert!(claims.auth_time().is_some());
    let raw = claims_of(&id_token.to_string());
    assert_eq!(raw["tenant"]["slug"], "acme");
    assert_eq!(raw["role"], "User");
    assert_eq!(raw["rights"], serde_json::json!(["crm", "service"]));
    assert_eq!(raw["amr"], serde_json::json!(["pwd"]));
    assert!(raw["sid"].as_str().is_some_and(|sid| !sid.is_empty()));
    assert!(tokens.refresh_token().is_none(), "a web app without offline_access gets no refresh token");
    let access = tokens.access_token().secret();
    assert_eq!(claims_of(access)["client_id"], app.client_id);
    let info: serde_json::Value = userinfo(&test, access).await.json().await.unwrap();
    assert_eq!(info["sub"], raw["sub"]);
    assert_eq!(info["email"], ada.login.as_str());
    let introspected: serde_json::Value = http()
        .post(test.url("/oauth2/introspect"))
        .basic_auth(&app.client_id, app.secret.as_deref())
        .form(&[("token", access.as_str())])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(introspected["active"], true);
    assert_eq!(introspected["tenant"]["slug"], "acme");
    // The app's sign-in is on the person's Sessions page, by the app's name.
    let sessions = browser
        .post(test.url("/api/sessions"))
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .await
        .unwrap();
    assert!(sessions.text().await.unwrap().contains("Service"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn codes_are_single_use_bound_to_their_app_redirect_uri_and_verifier() {
    let test = spawn_app().await;
    let (browser, _) = signed_in(&test).await;
    let app = register(&test, ClientKind::Web, true, None).await;
    let other = register(&test, ClientKind::Web, true, None).await;
    let client = oidc(&test, &app, &app.redirect).await;
    // A wrong verifier.
    let started = start(&client, &[]);
    let code = query_of(&follow(&test, &browser, started.url).await)["code"].clone();
    assert_eq!(error_of(exchange_code(&code, &"x".repeat(43), &client).await), "invalid_grant");
    // Another app's code.
    let started = start(&client, &[]);
    let code = query_of(&follow(&test, &browser, started.url).await)["code"].clone();
    let thief = oidc(&test, &other, &other.redirect).await;
    assert_eq!(error_of(exchange_code(&code, started.verifier.secret(), &thief).await), "invalid_grant");
    // Another redirect URI than the request's.
    let started = start(&client, &[]);
    let code = query_of(&follow(&test, &browser, started.url).await)["code"].clone();
    let elsewhere = oidc(&test, &app, "com.example.crm:/callback").await;
    assert_eq!(error_of(exchange_code(&code, started.verifier.secret(), &elsewhere).await), "invalid_grant");
    // A code used twice: refused, and what it gave the first time stops working.
    let started = start(&client, &[]);
    let code = query_of(&follow(&test, &browser, started.url).await)["code"].clone();
    let first = exchange_code(&code, started.verifier.secret(), &client).await.unwrap();
    let access = first.access_token().secret().clone();
    assert_eq!(userinfo(&test, &access).await.status(), StatusCode::OK);
    assert_eq!(error_of(exchange_code(&code, started.verifier.secret(), &client).await), "invalid_grant");
    assert_eq!(userinfo(&test, &access).await.status(), StatusCode::UNAUTHORIZED, "revoked by the reuse");
    // Codes live 60 seconds.
    let started = start(&client, &[]);
    let code = query_of(&follow(&test, &browser, started.url).await)["code"].clone();
    test.advance(61);
    assert_eq!(error_of(exchange_code(&code, started.verifier.secret(), &client).await), "invalid_grant");
    // A wrong secret is no client.
    let wrong = App { secret: Some("not-the-secret".into()), ..app };
    let impostor = oidc(&test, &wrong, &wrong.redirect).await;
    let started = start(&client, &[]);
    let code = query_of(&follow(&test, &browser, started.url).await)["code"].clone();
    assert_eq!(error_of(exchange_code(&code, started.verifier.secret(), &impostor).await), "invalid_client");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_native_app_on_any_loopback_port_refreshes_and_a_reused_refresh_token_ends_its_session() {
    let test = spawn_app().await;
    let (browser, _) = signed_in(&test).await;
    let app = register(&test, ClientKind::Native, true, None).await;
    let client = oidc(&test, &app, "http://127.0.0.1:53124/callback").await;
    let started = start(&client, &[]);
    let back = follow(&test, &browser, started.url).await;
    assert!(back.starts_with("http://127.0.0.1:53124/callback?"), "{back}");
    let tokens = client
        .exchange_code(AuthorizationCode::new(query_of(&back)["code"].clone()))
        .unwrap()
        .set_pkce_verifier(started.verifier)
        .request_async(&http())
        .await
        .unwrap();
    let first = tokens.refresh_token().expect("a native app gets a refresh token").clone();
    let refreshed = client.exchange_refresh_token(&first).unwrap().request_async(&http()).await.unwrap();
    let second = refreshed.refresh_token().expect("rotated").clone();
    assert_ne!(first.secret(), second.secret());
    let access = refreshed.access_token().secret().clone();
    assert_eq!(userinfo(&test, &access).await.status(), StatusCode::OK);
    // The old one again: someone has a copy. The family ends, the live token with it.
    assert!(client.exchange_refresh_token(&first).unwrap().request_async(&http()).await.is_err());
    assert!(client.exchange_refresh_token(&second).unwrap().request_async(&http()).await.is_err());
    assert_eq!(userinfo(&test, &access).await.status(), StatusCode::UNAUTHORIZED);
    let reused: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE event = 'app.token' AND outcome = 'failure'")
            .fetch_one(&test.state.db.pool)
            .await
            .unwrap();
    assert_eq!(reused, 1);
    // A native app's session is its own: logging out of the browser does not end it.
    let started = start(&client, &[]);
    let back = follow(&test, &browser, started.url).await;
    let tokens = client
        .exchange_code(AuthorizationCode::new(query_of(&back)["code"].clone()))
        .unwrap()
        .set_pkce_verifier(started.verifier)
        .request_async(&http())
        .await
        .unwrap();
    browser.post(test.url("/logout")).header("origin", &test.address).send().await.unwrap();
    let refresh = tokens.refresh_token().unwrap();
    assert!(client.exchange_refresh_token(refresh).unwrap().request_async(&http()).await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revocation_ends_the_apps_session() {
    let test = spawn_app().await;
    let (browser, _) = signed_in(&test).await;
    let app = register(&test, ClientKind::Native, true, None).await;
    let client = oidc(&test, &app, "http://127.0.0.1:40000/callback").await;
    let started = start(&client, &[]);
    let back = follow(&test, &browser, started.url).await;
    let tokens = client
        .exchange_code(AuthorizationCode::new(query_of(&back)["code"].clone()))
        .unwrap()
        .set_pkce_verifier(started.verifier)
        .request_async(&http())
        .await
        .unwrap();
    let refresh = tokens.refresh_token().unwrap().secret().clone();
    let revoked = http()
        .post(test.url("/oauth2/revoke"))
        .form(&[("token", refresh.as_str()), ("client_id", app.client_id.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::OK);
    assert_eq!(userinfo(&test, tokens.access_token().secret()).await.status(), StatusCode::UNAUTHORIZED);
    let refresh = RefreshToken::new(refresh);
    assert!(client.exchange_refresh_token(&refresh).unwrap().request_async(&http()).await.is_err());
    let introspected: serde_json::Value = http()
        .post(test.url("/oauth2/introspect"))
        .form(&[("token", tokens.access_token().secret().as_str()), ("client_id", app.client_id.as_str())])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(introspected["active"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prompt_none_login_and_max_age_ask_or_answer_as_they_should() {
    let test = spawn_app().await;
    let app = register(&test, ClientKind::Web, true, None).await;
    let client = oidc(&test, &app, &app.redirect).await;
    // No session and prompt=none: login_required, at the app.
    let stranger = browser();
    let started = start(&client, &[("prompt", "none")]);
    let back = follow(&test, &stranger, started.url).await;
    assert_eq!(query_of(&back)["error"], "login_required");
    // No session: the login page, which comes back to the request.
    let started = start(&client, &[("login_hint", "ada@acme.test")]);
    let first = stranger.get(&started.url).send().await.unwrap();
    let to_login = location(&first);
    assert!(to_login.starts_with("/login?next=/oauth2/authorize/continue"), "{to_login}");
    let ada = test.ada().await;
    let page = test.get(&stranger, &to_login).await.text().await.unwrap();
    assert!(page.contains("value=\"ada@acme.test\""), "the login hint fills the user ID");
    let next = url::form_urlencoded::parse(to_login.split_once('?').unwrap().1.as_bytes())
        .find(|(k, _)| k == "next")
        .unwrap()
        .1
        .into_owned();
    let logged_in = test
        .post_login(
            &stranger,
            &format!("/login?next={}", app::domain::encode_query_component(&next)),
            &[("user_id", ada.login.as_str()), ("password", ada.password.as_str()), ("next", next.as_str())],
        )
        .await;
    let back = follow(&test, &stranger, location(&logged_in)).await;
    assert!(query_of(&back).contains_key("code"), "{back}");
    // prompt=login with a live session: log in again.
    let started = start(&client, &[("prompt", "login")]);
    assert!(location(&stranger.get(&started.url).send().await.unwrap()).starts_with("/login?next="));
    // max_age: an old login is asked again, a fresh one is not.
    test.advance(120);
    let started = start(&client, &[("max_age", "60")]);
    assert!(location(&stranger.get(&started.url).send().await.unwrap()).starts_with("/login?next="));
    let started = start(&client, &[("max_age", "600")]);
    assert!(query_of(&follow(&test, &stranger, started.url).await).contains_key("code"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_are_refused_at_home_or_told_to_the_app() {
    let test = spawn_app().await;
    let (browser, _) = signed_in(&test).await;
    let app = register(&test, ClientKind::Web, true, None).await;
    // An unknown redirect URI is never used: the page says so here.
    let bad = format!(
        "{}/oauth2/authorize?client_id={}&redirect_uri=https%3A%2F%2Fevil.test%2Fcb&response_type=code&scope=openid",
        test.address, app.client_id
    );
    let answer = browser.get(&bad).send().await.unwrap();
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
    assert!(answer.text().await.unwrap().contains("not registered here"));
    // No PKCE: told to the app.
    let no_pkce = format!(
        "{}/oauth2/authorize?client_id={}&redirect_uri={}&response_type=code&scope=openid&state=s1",
        test.address,
        app.client_id,
        app::domain::encode_query_component(WEB_REDIRECT)
    );
    let back = location(&browser.get(&no_pkce).send().await.unwrap());
    let answer = query_of(&back);
    assert_eq!((answer["error"].as_str(), answer["state"].as_str()), ("invalid_request", "s1"));
    // Only the code flow.
    let implicit = no_pkce.replace("response_type=code", "response_type=token");
    assert_eq!(
        query_of(&location(&browser.get(&implicit).send().await.unwrap()))["error"],
        "unsupported_response_type"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partner_app_asks_consent_once_and_it_can_be_taken_back() {
    let test = spawn_app().await;
    let (browser, ada) = signed_in(&test).await;
    let app = register(&test, ClientKind::Web, false, None).await;
    let client = oidc(&test, &app, &app.redirect).await;
    let started = start(&client, &[]);
    let page = browser.get(&started.url).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    assert!(page.contains("Partner Reports wants to know your name, email address and tenant"));
    let request = hidden_value(&page, "request").unwrap();
    let denied = browser
        .post(test.url("/oauth2/consent"))
        .form(&[("request", request.as_str()), ("decision", "deny")])
        .send()
        .await
        .unwrap();
    assert_eq!(query_of(&location(&denied))["error"], "access_denied");

    let started = start(&client, &[]);
    let page = browser.get(&started.url).send().await.unwrap().text().await.unwrap();
    let request = hidden_value(&page, "request").unwrap();
    let allowed = browser
        .post(test.url("/oauth2/consent"))
        .form(&[("request", request.as_str()), ("decision", "allow")])
        .send()
        .await
        .unwrap();
    assert!(query_of(&location(&allowed)).contains_key("code"));
    // Remembered: the next sign-in asks nothing.
    let started = start(&client, &[]);
    assert!(query_of(&follow(&test, &browser, started.url).await).contains_key("code"));
    // Taken back on the Sessions page: asked again.
    assert_eq!(test.state.db.consents_of_user(ada.id).await.unwrap().len(), 1);
    let removed = browser
        .post(test.url("/crm/apps/revoke"))
        .header("origin", &test.address)
        .form(&[("client_id", app.client_id.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&removed), "/crm/sessions?notice=access-removed");
    let started = start(&client, &[]);
    assert_eq!(browser.get(&started.url).send().await.unwrap().status(), StatusCode::OK, "the consent page again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotated_keys_stay_published_until_their_tokens_expire() {
    let test = spawn_app().await;
    let (browser, _) = signed_in(&test).await;
    let app = register(&test, ClientKind::Web, true, None).await;
    let client = oidc(&test, &app, &app.redirect).await;
    let started = start(&client, &[]);
    let code = query_of(&follow(&test, &browser, started.url).await)["code"].clone();
    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .unwrap()
        .set_pkce_verifier(started.verifier)
        .request_async(&http())
        .await
        .unwrap();
    let old_kid = claims_header_kid(&tokens.id_token().unwrap().to_string());
    let now = test.state.clock.now();
    server::provider::keys::rotate(&test.state.db, test.state.relying_party.key(), now).await.unwrap();
    test.state.keys.forget();
    let jwks: serde_json::Value = http().get(test.url("/oauth2/jwks")).send().await.unwrap().json().await.unwrap();
    let kids: Vec<&str> = jwks["keys"].as_array().unwrap().iter().filter_map(|k| k["kid"].as_str()).collect();
    assert!(kids.contains(&old_kid.as_str()) && kids.len() == 4, "old and new, RS256 and ES256: {kids:?}");
    // The new key signs; a fresh client (re-reading the key set) accepts tokens of both.
    let client = oidc(&test, &app, &app.redirect).await;
    let started = start(&client, &[]);
    let code = query_of(&follow(&test, &browser, started.url).await)["code"].clone();
    let fresh = client
        .exchange_code(AuthorizationCode::new(code))
        .unwrap()
        .set_pkce_verifier(started.verifier)
        .request_async(&http())
        .await
        .unwrap();
    let id_token = fresh.id_token().unwrap();
    assert_ne!(claims_header_kid(&id_token.to_string()), old_kid);
    assert!(id_token.claims(&client.id_token_verifier(), &started.nonce).is_ok());
    assert_eq!(
        userinfo(&test, tokens.access_token().secret()).await.status(),
        StatusCode::OK,
        "old tokens still check"
    );
    // An hour on, the retired key is gone.
    test.advance(3601);
    test.state.keys.forget();
    let jwks: serde_json::Value = http().get(test.url("/oauth2/jwks")).send().await.unwrap().json().await.unwrap();
    assert_eq!(jwks["keys"].as_array().unwrap().len(), 2);
}

fn claims_header_kid(jwt: &str) -> String {
    use base64::Engine;
    let header = jwt.split('.').next().unwrap();
    let header: serde_json::Value =
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(header).unwrap()).unwrap();
    header["kid"].as_str().unwrap().to_string()
}

/// An app's back-channel logout endpoint: what it received.
async fn logout_receiver() -> (String, Arc<Mutex<Vec<String>>>) {
    #[derive(serde::Deserialize)]
    struct Logout {
        logout_token: String,
    }
    async fn receive(State(got): State<Arc<Mutex<Vec<String>>>>, Form(form): Form<Logout>) -> StatusCode {
        got.lock().unwrap().push(form.logout_token);
        StatusCode::OK
    }
    let got: Arc<Mutex<Vec<String>>> = Arc::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}/backchannel", listener.local_addr().unwrap());
    let router = Router::new().route("/backchannel", post(receive)).with_state(got.clone());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (address, got)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ending_the_frontdoor_session_tells_the_app_through_the_back_channel() {
    let test = spawn_app().await;
    let (receiver, got) = logout_receiver().await;
    let (browser, ada) = signed_in(&test).await;
    let app = register(&test, ClientKind::Web, true, Some(&receiver)).await;
    let client = oidc(&test, &app, &app.redirect).await;
    let started = start(&client, &[]);
    let code = query_of(&follow(&test, &browser, started.url).await)["code"].clone();
    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .unwrap()
        .set_pkce_verifier(started.verifier)
        .request_async(&http())
        .await
        .unwrap();
    let id_claims = claims_of(&tokens.id_token().unwrap().to_string());
    // Logging out of the CRM ends the app's session, and the app is told.
    browser.post(test.url("/logout")).header("origin", &test.address).send().await.unwrap();
    for _ in 0..200 {
        if !got.lock().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let tokens_received = got.lock().unwrap().clone();
    assert_eq!(tokens_received.len(), 1, "one logout token, sent once");
    let logout = claims_of(&tokens_received[0]);
    assert_eq!(logout["iss"], test.address);
    assert_eq!(logout["aud"], app.client_id);
    assert_eq!(logout["sid"], id_claims["sid"]);
    assert_eq!(logout["sub"], id_claims["sub"]);
    assert!(logout["events"]["http://schemas.openid.net/event/backchannel-logout"].is_object());
    assert_eq!(userinfo(&test, tokens.access_token().secret()).await.status(), StatusCode::UNAUTHORIZED);

    // Every other way a session ends queues one too: an administrator's "End sessions".
    let browser = crate::helpers::browser();
    assert_eq!(location(&test.log_in(&browser, &ada).await), "/crm");
    let started = start(&client, &[]);
    let code = query_of(&follow(&test, &browser, started.url).await)["code"].clone();
    client
        .exchange_code(AuthorizationCode::new(code))
        .unwrap()
        .set_pkce_verifier(started.verifier)
        .request_async(&http())
        .await
        .unwrap();
    test.state.db.delete_user_sessions(ada.id, None).await.unwrap();
    let queued: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM backchannel_logouts").fetch_one(&test.state.db.pool).await.unwrap();
    assert_eq!(queued, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_app_logs_the_person_out_with_its_id_token_and_returns_to_a_registered_address() {
    let test = spawn_app().await;
    let (browser, _) = signed_in(&test).await;
    let app = register(&test, ClientKind::Web, true, None).await;
    let client = oidc(&test, &app, &app.redirect).await;
    let started = start(&client, &[]);
    let code = query_of(&follow(&test, &browser, started.url).await)["code"].clone();
    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .unwrap()
        .set_pkce_verifier(started.verifier)
        .request_async(&http())
        .await
        .unwrap();
    let hint = tokens.id_token().unwrap().to_string();
    // An unregistered address is refused.
    let evil = format!("/oauth2/logout?id_token_hint={hint}&post_logout_redirect_uri=https%3A%2F%2Fevil.test%2F");
    assert_eq!(test.get(&browser, &evil).await.status(), StatusCode::BAD_REQUEST);
    let out = format!("/oauth2/logout?id_token_hint={hint}&post_logout_redirect_uri=https%3A%2F%2Fservice.example.test%2Fbye&state=xyz");
    let answer = test.get(&browser, &out).await;
    assert_eq!(location(&answer), "https://service.example.test/bye?state=xyz");
    assert_redirects_to_login(test.get(&browser, "/crm").await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_email_in_two_tenants_chooses_the_tenant_for_the_app() {
    let test = spawn_app().await;
    let acme = test.add_user("acme", "pat@multi.test", "User", UserStatus::Active).await;
    test.add_user("globex", "pat@multi.test", "User", UserStatus::Active).await;
    let app = register(&test, ClientKind::Web, true, None).await;
    let client = oidc(&test, &app, &app.redirect).await;
    let browser = browser();
    let started = start(&client, &[]);
    let to_login = location(&browser.get(&started.url).send().await.unwrap());
    let next = url::form_urlencoded::parse(to_login.split_once('?').unwrap().1.as_bytes())
        .find(|(k, _)| k == "next")
        .unwrap()
        .1
        .into_owned();
    let logged_in = test
        .post_login(
            &browser,
            "/t/acme/login",
            &[("user_id", acme.login.as_str()), ("password", acme.password.as_str()), ("next", next.as_str())],
        )
        .await;
    let choose = browser.get(test.url(&location(&logged_in))).send().await.unwrap();
    assert_eq!(choose.status(), StatusCode::OK);
    let page = choose.text().await.unwrap();
    assert!(page.contains(">ACME AS</button>") && page.contains(">GLOBEX AS</button>"), "{page}");
    let request = hidden_value(&page, "request").unwrap();
    let chosen = browser
        .post(test.url("/oauth2/authorize/tenant"))
        .form(&[("request", request.as_str()), ("tenant", "acme")])
        .send()
        .await
        .unwrap();
    let back = location(&chosen);
    let code = query_of(&back)["code"].clone();
    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .unwrap()
        .set_pkce_verifier(started.verifier)
        .request_async(&http())
        .await
        .unwrap();
    assert_eq!(claims_of(&tokens.id_token().unwrap().to_string())["tenant"]["slug"], "acme");
}
