//! Test mode (issue 20): the `/_test/` routes exist only with `--test-mode`, answer only to the
//! test key, mint sessions a browser is signed in with, read each address's mail, and exempt
//! test users (only them, only then) from the soft lock and the per-client limit.

use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use server::clock::Clock;
use server::db::{Db, UserStatus};
use server::startup::Application;

async fn spawn_test_mode() -> TestApp {
    spawn_app_with(|args| {
        args.test_mode = true;
        args.ip_failures_per_minute = 3;
    })
    .await
}

fn key(app: &TestApp) -> String {
    std::fs::read_to_string(app.data.path().join("test.key")).unwrap().trim().to_string()
}

async fn call(app: &TestApp, method: reqwest::Method, path: &str, body: Option<Value>) -> reqwest::Response {
    let mut request = bare_client().request(method, app.url(path)).bearer_auth(key(app));
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.unwrap()
}

async fn test_user(app: &TestApp, login: &str) -> Value {
    let made = call(
        app,
        reqwest::Method::POST,
        "/_test/users",
        Some(json!({ "tenant": "kit", "tenantName": "Kit Inc.", "login": login, "name": "Tess Ter", "password": "Test-Pass-4711" })),
    )
    .await;
    assert_eq!(made.status(), StatusCode::OK);
    made.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_test_mode_the_test_routes_do_not_exist() {
    let app = spawn_app().await;
    for (method, path) in [
        (reqwest::Method::POST, "/_test/users"),
        (reqwest::Method::POST, "/_test/sessions"),
        (reqwest::Method::GET, "/_test/mail?to=a@b.test"),
    ] {
        let response = bare_client().request(method, app.url(path)).bearer_auth("anything").send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let page = app.get(&browser(), "/login").await.text().await.unwrap();
    assert!(!page.contains("Test mode"), "no banner");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_test_routes_answer_only_to_the_test_key() {
    let app = spawn_test_mode().await;
    let body = json!({ "tenant": "kit", "login": "tess@kit.test", "password": "Test-Pass-4711" });
    let none = bare_client().post(app.url("/_test/users")).json(&body).send().await.unwrap();
    assert_eq!(none.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(none.headers()["www-authenticate"], "Bearer");
    let wrong = bare_client()
        .post(app.url("/_test/users"))
        .bearer_auth(format!("{}x", key(&app)))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(app.state.db.users_by_login("tess@kit.test", None).await.unwrap().is_empty(), "nothing made");
    assert_eq!(call(&app, reqwest::Method::POST, "/_test/users", Some(body)).await.status(), StatusCode::OK);

    // Every page says test mode is on.
    let page = app.get(&browser(), "/login").await.text().await.unwrap();
    assert!(page.contains("Test mode is on"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_mode_is_refused_on_an_https_url_unless_asked_for_on_purpose() {
    let data = tempfile::tempdir().unwrap();
    let db = Db::connect(&fresh_database(data.path()).await).await.unwrap();
    db.migrate().await.unwrap();
    let mut args = test_args();
    args.public_url = Some("https://crm.example.test".into());
    args.mail.mail_dir = Some(data.path().join("mail"));
    args.secret_key_file = Some(data.path().join("secret.key"));
    args.test_key_file = Some(data.path().join("test.key"));
    args.test_mode = true;
    let refused = Application::build(&args, db.clone(), Clock::manual()).await.err().expect("refused");
    assert!(refused.to_string().contains("--test-mode-i-know"), "{refused}");
    assert!(!data.path().join("test.key").exists(), "no key made for a refused start");
    args.test_mode_i_know = true;
    assert!(Application::build(&args, db, Clock::manual()).await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_minted_storage_state_signs_a_browser_in_and_real_users_are_never_touched() {
    let app = spawn_test_mode().await;
    test_user(&app, "tess@kit.test").await;
    let minted = call(
        &app,
        reqwest::Method::POST,
        "/_test/sessions",
        Some(json!({ "tenant": "kit", "login": "tess@kit.test" })),
    )
    .await;
    assert_eq!(minted.status(), StatusCode::OK);
    let state: Value = minted.json().await.unwrap();
    let cookie = &state["cookies"][0];
    assert_eq!(cookie["name"], "frontdoor");
    assert_eq!(cookie["domain"], "127.0.0.1");
    assert_eq!(cookie["httpOnly"], true);
    assert_eq!(state["origins"], json!([]));
    let page = bare_client()
        .get(app.url("/crm"))
        .header("cookie", format!("frontdoor={}", cookie["value"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("Tess Ter"));

    // Ada is a real user: no session for her, and no new password either.
    let ada = app.ada().await;
    let mint_ada =
        call(&app, reqwest::Method::POST, "/_test/sessions", Some(json!({ "tenant": "acme", "login": ada.login })))
            .await;
    assert_eq!(mint_ada.status(), StatusCode::CONFLICT);
    let reset_ada = call(
        &app,
        reqwest::Method::POST,
        "/_test/users",
        Some(json!({ "tenant": "acme", "login": ada.login, "password": "Test-Pass-4711" })),
    )
    .await;
    assert_eq!(reset_ada.status(), StatusCode::CONFLICT);
    assert_eq!(app.log_in(&browser(), &ada).await.status(), StatusCode::SEE_OTHER, "her own password still works");

    // Bad input is a 400 that says what is wrong.
    let bad = call(
        &app,
        reqwest::Method::POST,
        "/_test/sessions",
        Some(json!({ "tenant": "kit", "login": "tess@kit.test", "app": "mail" })),
    )
    .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert!(bad.text().await.unwrap().contains("crm, service or settings"));
}

async fn mail_to(app: &TestApp, address: &str, since: u128) -> Vec<Value> {
    let response = call(app, reqwest::Method::GET, &format!("/_test/mail?to={address}&since={since}"), None).await;
    response.json::<Value>().await.unwrap().as_array().unwrap().clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_address_reads_its_own_mail_with_links_parsed_and_only_a_test_tenants() {
    let app = spawn_test_mode().await;
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis();
    test_user(&app, "tess@kit.test").await;
    app.invite("kit", "grace@kit.test", "en").await;
    app.invite("kit", "linus@kit.test", "en").await;
    // A real tenant's invitation: delivered, and never readable with the test key.
    app.tenant("acme").await;
    app.invite("acme", "real@acme.test", "en").await;
    let mut mails = Vec::new();
    for _ in 0..100 {
        mails = mail_to(&app, "Grace@kit.test", since).await;
        if !mails.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(mails.len(), 1, "Grace's only: {mails:?}");
    assert_eq!(mails[0]["to"], "grace@kit.test");
    let link = mails[0]["links"][0].as_str().unwrap();
    assert!(link.starts_with(&format!("{}/activate/", app.address)), "{link}");
    let (status, _) = open_link(&browser(), link).await;
    assert_eq!(status, StatusCode::OK, "the link works");
    assert_eq!(mail_to(&app, "grace@kit.test", 99_999_999_999_999).await, Vec::<Value>::new());

    app.wait_for_mails("real@acme.test", 1).await;
    assert_eq!(mail_to(&app, "real@acme.test", 0).await, Vec::<Value>::new(), "a real tenant's mail stays private");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_users_live_only_in_test_tenants() {
    let app = spawn_test_mode().await;
    app.ada().await;
    let body =
        json!({ "tenant": "acme", "login": "sneaky@acme.test", "role": "User level 0", "password": "Test-Pass-4711" });
    let refused = call(&app, reqwest::Method::POST, "/_test/users", Some(body)).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert!(app.state.db.users_by_login("sneaky@acme.test", None).await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_test_users_are_exempt_from_the_soft_lock_and_the_client_limit() {
    let app = spawn_test_mode().await;
    test_user(&app, "tess@kit.test").await;
    for _ in 0..5 {
        let wrong =
            app.post_login(&browser(), "/login", &[("user_id", "tess@kit.test"), ("password", "wrong-password")]).await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    }
    let right =
        app.post_login(&browser(), "/login", &[("user_id", "tess@kit.test"), ("password", "Test-Pass-4711")]).await;
    assert_eq!(right.status(), StatusCode::SEE_OTHER, "no lock, no 429 for a test user");

    // A real user beside her: locked after three, and the client limit (3 a minute) applies.
    let ada = app.add_user("acme", "ada@acme.test", "User", UserStatus::Active).await;
    for _ in 0..3 {
        app.post_login(&browser(), "/login", &[("user_id", &ada.login), ("password", "wrong-password")]).await;
    }
    let ada_right = app.post_login(&browser(), "/login", &[("user_id", &ada.login), ("password", &ada.password)]).await;
    assert_ne!(ada_right.status(), StatusCode::SEE_OTHER, "Ada is refused");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_test_mode_a_test_user_is_limited_like_anyone() {
    let first = spawn_test_mode().await;
    test_user(&first, "tess@kit.test").await;
    let plain = spawn_app_on(&first.db_url, tempfile::tempdir().unwrap(), |args| args.ip_failures_per_minute = 3).await;
    for _ in 0..3 {
        plain.post_login(&browser(), "/login", &[("user_id", "tess@kit.test"), ("password", "wrong-password")]).await;
    }
    let right =
        plain.post_login(&browser(), "/login", &[("user_id", "tess@kit.test"), ("password", "Test-Pass-4711")]).await;
    assert_ne!(right.status(), StatusCode::SEE_OTHER, "locked or limited outside test mode");
}
