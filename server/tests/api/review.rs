//! The security review's findings (issue 8, OWASP ASVS 5.0 authentication and sessions), one
//! test each, in the review's order. Each failed before its fix.

use crate::helpers::*;
use reqwest::header::{COOKIE, RETRY_AFTER};
use reqwest::StatusCode;
use server::clock::Clock;
use server::db::Db;
use server::startup::Application;
use server::timings::FAILED_ANSWER_FLOOR;

async fn failed_login_from(app: &TestApp, forwarded_for: &str) -> StatusCode {
    browser()
        .post(app.url("/login"))
        .header("x-forwarded-for", forwarded_for)
        .form(&[("user_id", "nobody@acme.test"), ("password", "a guess")])
        .send()
        .await
        .unwrap()
        .status()
}

/// 1. Every limiter keys an IPv6 client on its /64; IPv4-mapped addresses are IPv4 clients.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_login_limit_counts_an_ipv6_network_as_one_client() {
    let app = spawn_app_with(|args| {
        args.trust_forwarded_for = true;
        args.ip_failures_per_minute = 3;
    })
    .await;
    for n in 1..=3 {
        assert_eq!(failed_login_from(&app, &format!("2001:db8:1:2::{n}")).await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(failed_login_from(&app, "2001:db8:1:2::ffff").await, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(failed_login_from(&app, "2001:db8:1:3::1").await, StatusCode::UNAUTHORIZED, "another network");

    for _ in 0..3 {
        assert_eq!(failed_login_from(&app, "::ffff:10.0.0.1").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(failed_login_from(&app, "::ffff:10.0.0.2").await, StatusCode::UNAUTHORIZED, "IPv4 clients apart");
    assert_eq!(failed_login_from(&app, "10.0.0.1").await, StatusCode::TOO_MANY_REQUESTS, "one client, two spellings");
}

/// 2. Behind a proxy that appends its own `X-Forwarded-For` line, the client's line never wins.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_proxy_the_last_line_of_x_forwarded_for_names_the_client() {
    let app = spawn_app_with(|args| args.trust_forwarded_for = true).await;
    let ada = app.ada().await;
    let response = browser()
        .post(app.url("/login"))
        .header("x-forwarded-for", "6.6.6.6")
        .header("x-forwarded-for", "198.51.100.1, 203.0.113.9")
        .form(&[("user_id", ada.login.as_str()), ("password", ada.password.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let sessions = app.state.db.sessions_of_user(ada.id, app.state.clock.now()).await.unwrap();
    assert_eq!(sessions[0].ip, "203.0.113.9");
}

/// 3. A browser that logged in as the user before has its own soft lock: strangers who lock the
/// account out cannot lock its owner out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_gets_in_from_a_known_browser_while_strangers_are_locked_out() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    let laptop = browser();
    assert_eq!(app.log_in(&laptop, &ada).await.status(), StatusCode::SEE_OTHER);
    let stranger = browser();
    for _ in 0..4 {
        let guess = app.post_login(&stranger, "/login", &[("user_id", &ada.login), ("password", "guess")]).await;
        assert_eq!(guess.status(), StatusCode::UNAUTHORIZED);
    }
    let locked = app.log_in(&stranger, &ada).await;
    assert_eq!(locked.status(), StatusCode::UNAUTHORIZED, "unknown browsers wait out the soft lock");
    assert_eq!(app.log_in(&laptop, &ada).await.status(), StatusCode::SEE_OTHER, "the owner's browser gets in");
}

/// 4. A Service session handed off from a CRM session ends with it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logging_out_of_the_crm_ends_the_service_session_handed_off_from_it() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    let client = browser();
    app.log_in(&client, &ada).await;
    let page = client.post(app.url("/crm/service/handoff")).send().await.unwrap().text().await.unwrap();
    let ticket = hidden_value(&page, "ticket").unwrap();
    client.post(app.url("/service/session")).form(&[("ticket", ticket.as_str())]).send().await.unwrap();
    assert_eq!(app.get(&client, "/service").await.status(), StatusCode::OK);

    client.post(app.url("/logout")).send().await.unwrap();
    let service = app.get(&client, "/service").await;
    assert_eq!(service.status(), StatusCode::SEE_OTHER, "the Service session ended with the CRM session");
    assert_eq!(app.state.db.count_sessions(ada.id).await.unwrap(), 0);
}

/// 5. A wrong password and an unknown user cost the same: both answers wait the same floor.
/// (A lower bound the server sets itself, not a speed measurement.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_and_an_unknown_user_are_answered_after_the_same_floor() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    for fields in [
        [("user_id", ada.login.as_str()), ("password", "wrong")],
        [("user_id", "nobody@acme.test"), ("password", "wrong")],
    ] {
        let started = std::time::Instant::now();
        let response = app.post_login(&browser(), "/login", &fields).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert!(started.elapsed() >= FAILED_ANSWER_FLOOR, "answered after {:?}", started.elapsed());
    }
}

/// 6. A login over a live session ends it; a password change gives this browser a new token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_token_at_every_login_and_every_password_change() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    let client = browser();
    let first = session_cookie(app.log_in(&client, &ada).await.headers()).unwrap();
    let second = session_cookie(app.log_in(&client, &ada).await.headers()).unwrap();
    assert_ne!(first, second);
    let with = |token: &str| bare_client().get(app.url("/crm")).header(COOKIE, format!("frontdoor={token}")).send();
    assert_eq!(with(&first).await.unwrap().status(), StatusCode::SEE_OTHER, "the old session ended");
    assert_eq!(with(&second).await.unwrap().status(), StatusCode::OK);

    let strong = "orbit tulip canyon lantern";
    let changed = client
        .post(app.url("/crm/password"))
        .form(&[("current", ada.password.as_str()), ("password", strong), ("confirm", strong)])
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::SEE_OTHER);
    let third = session_cookie(changed.headers()).expect("a new token for this browser");
    assert_ne!(third, second);
    assert_eq!(with(&second).await.unwrap().status(), StatusCode::SEE_OTHER);
    assert_eq!(with(&third).await.unwrap().status(), StatusCode::OK);
}

/// 6. Activating an account on a browser that holds a session signs in afresh: that session ends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn activation_ends_the_session_this_browser_held() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    let client = browser();
    let before = session_cookie(app.log_in(&client, &ada).await.headers()).unwrap();
    app.invite("acme", "grace@acme.test", "en").await;
    let link = app.wait_for_mails("grace@acme.test", 1).await[0].link("/activate/").unwrap();
    open_link(&client, &link).await;
    let strong = "orbit tulip canyon lantern";
    let done =
        client.post(app.url("/activate")).form(&[("password", strong), ("confirm", strong)]).send().await.unwrap();
    assert_eq!(location(&done), "/crm");
    let old = bare_client().get(app.url("/crm")).header(COOKIE, format!("frontdoor={before}")).send().await.unwrap();
    assert_eq!(old.status(), StatusCode::SEE_OTHER, "Ada's session on this browser ended");
}

/// 8. An https installation never writes live links to its log: without SMTP it does not start
/// unless a mail folder is named on purpose.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_https_installation_without_smtp_refuses_to_start() {
    let data = tempfile::tempdir().unwrap();
    let db = Db::connect(&fresh_database(data.path()).await).await.unwrap();
    db.migrate().await.unwrap();
    let mut args = test_args();
    args.public_url = Some("https://crm.example.test".into());
    args.secret_key_file = Some(data.path().join("secret.key"));
    let refused = Application::build(&args, db.clone(), Clock::manual()).await;
    let message = refused.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("--smtp-url"), "{message}");
    args.mail.mail_dir = Some(data.path().join("mail"));
    assert!(Application::build(&args, db, Clock::manual()).await.is_ok());
}

/// 9. A request carrying two session cookies of one name is refused (cookie tossing).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_with_two_session_cookies_is_refused() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    let token = session_cookie(app.log_in(&browser(), &ada).await.headers()).unwrap();
    let response = bare_client()
        .get(app.url("/crm"))
        .header(COOKIE, format!("frontdoor=planted; frontdoor={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let id = response.headers().get("x-request-id").unwrap().to_str().unwrap().to_string();
    let body = response.text().await.unwrap();
    assert!(body.contains("two session cookies"), "{body}");
    assert!(body.contains(&format!("Reference: {id}")), "the error page names the request");
}

/// 10. The same-origin check accepts only the configured origins, scheme included.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_configured_origins_may_post() {
    let app = spawn_app().await;
    let port = app.address.rsplit(':').next().unwrap().to_string();
    let post = |host: String, origin: String| {
        bare_client()
            .post(app.url("/login"))
            .header("host", host)
            .header("origin", origin)
            .form(&[("user_id", "nobody@acme.test"), ("password", "x")])
            .send()
    };
    let other_host = post(format!("localhost:{port}"), format!("http://localhost:{port}")).await.unwrap();
    assert_eq!(other_host.status(), StatusCode::FORBIDDEN, "an origin the client named in Host");
    let other_scheme = post(format!("127.0.0.1:{port}"), format!("https://127.0.0.1:{port}")).await.unwrap();
    assert_eq!(other_scheme.status(), StatusCode::FORBIDDEN, "the scheme counts");
    let ours = post(format!("127.0.0.1:{port}"), app.address.clone()).await.unwrap();
    assert_eq!(ours.status(), StatusCode::UNAUTHORIZED, "the configured origin passes the check");
}

/// 13. Too many wrong current passwords from one network says so (a minute, `Retry-After`),
/// not "too many reset requests, wait five minutes".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn change_password_over_the_network_limit_says_wait_a_minute() {
    let app = spawn_app_with(|args| args.ip_failures_per_minute = 2).await;
    let ada = app.ada().await;
    let client = browser();
    app.log_in(&client, &ada).await;
    let strong = "orbit tulip canyon lantern";
    let attempt = || {
        client
            .post(app.url("/crm/password"))
            .form(&[("current", "a wrong guess"), ("password", strong), ("confirm", strong)])
            .send()
    };
    for _ in 0..2 {
        assert_eq!(attempt().await.unwrap().status(), StatusCode::FORBIDDEN);
    }
    let limited = attempt().await.unwrap();
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.headers().get(RETRY_AFTER).unwrap(), "60");
    assert!(limited.text().await.unwrap().contains("Wait a minute"));
}

/// 13. The refusal pages of the security layer speak the language this browser chose.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_honour_the_saved_language() {
    let app = spawn_app().await;
    let response = bare_client()
        .post(app.url("/login"))
        .header(COOKIE, "frontdoor_lang=nl")
        .header("accept-language", "en")
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response.text().await.unwrap().contains("geweigerd"));
}
