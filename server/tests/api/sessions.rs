use crate::helpers::*;
use reqwest::header::COOKIE;
use reqwest::StatusCode;
use server::tokens::hash_token;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_anonymous_visit_is_sent_to_log_in_and_back_afterwards() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    let client = browser();
    let response = app.get(&client, "/crm?view=today").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/login?next=/crm%3Fview%3Dtoday");

    let login = app
        .post_login(
            &client,
            "/login",
            &[("user_id", &ada.login), ("password", &ada.password), ("next", "/crm?view=today")],
        )
        .await;
    assert_eq!(location(&login), "/crm?view=today");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn return_paths_never_leave_the_site() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    for evil in ["https://evil.test/", "//evil.test/", "/\\evil.test", "javascript:alert(1)", "/crm\r\nX: y"] {
        let response = app
            .post_login(&browser(), "/login", &[("user_id", &ada.login), ("password", &ada.password), ("next", evil)])
            .await;
        assert_eq!(location(&response), "/crm", "next={evil:?}");
    }
    let language = app.get(&browser(), "/language/nl?next=//evil.test").await;
    assert_eq!(location(&language), "/login");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_login_gets_a_new_token_and_a_planted_one_is_replaced() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    let planted = "attacker-chosen-session-value";
    let first = app.state.db.session_exists(&hash_token(planted)).await.unwrap();
    assert!(!first);

    let client = bare_client();
    let one = client
        .post(app.url("/login"))
        .header(COOKIE, format!("frontdoor={planted}"))
        .form(&[("user_id", &ada.login), ("password", &ada.password)])
        .send()
        .await
        .unwrap();
    let two = app.log_in(&browser(), &ada).await;
    let one = session_cookie(one.headers()).unwrap();
    let two = session_cookie(two.headers()).unwrap();
    assert_ne!(one, planted);
    assert_ne!(one, two);
    assert_eq!(one.len(), 43, "256 bits, base64url");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_hash_of_a_token_is_stored() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    let token = session_cookie(app.log_in(&browser(), &ada).await.headers()).unwrap();
    assert!(app.state.db.session_exists(&hash_token(&token)).await.unwrap());
    assert!(!app.state.db.session_exists(&token).await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logging_out_ends_the_session_on_the_server() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    let client = browser();
    let token = session_cookie(app.log_in(&client, &ada).await.headers()).unwrap();

    let logout = client.post(app.url("/logout")).send().await.unwrap();
    assert_eq!(logout.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&logout), "/login?notice=logged-out");
    assert!(set_cookie_header(logout.headers(), "frontdoor").unwrap().contains("Max-Age=0"));

    // The old token, replayed by hand, opens nothing.
    let replay = bare_client();
    let response = replay.get(app.url("/crm")).header(COOKIE, format!("frontdoor={token}")).send().await.unwrap();
    assert_redirects_to_login(response).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_sessions_live_side_by_side() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    let (laptop, phone) = (browser(), browser());
    app.log_in(&laptop, &ada).await;
    app.log_in(&phone, &ada).await;
    assert_eq!(app.state.db.count_sessions(ada.id).await.unwrap(), 2);
    laptop.post(app.url("/logout")).send().await.unwrap();
    assert_redirects_to_login(app.get(&laptop, "/crm").await).await;
    assert_eq!(app.get(&phone, "/crm").await.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_session_ends_after_the_tenant_idle_timeout() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    app.state.db.set_session_timeouts(ada.tenant_id, server::db::App::Crm, 60, 3600).await.unwrap();
    let client = browser();
    app.log_in(&client, &ada).await;

    app.advance(50);
    assert_eq!(app.get(&client, "/crm").await.status(), StatusCode::OK, "use keeps it alive");
    app.advance(50);
    assert_eq!(app.get(&client, "/crm").await.status(), StatusCode::OK);
    app.advance(61);
    let ended = app.get(&client, "/crm").await;
    assert_eq!(location(&ended), "/login?next=/crm&notice=session-ended");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_ends_at_its_absolute_lifetime_however_busy() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    app.state.db.set_session_timeouts(ada.tenant_id, server::db::App::Crm, 60, 150).await.unwrap();
    let client = browser();
    app.log_in(&client, &ada).await;
    for _ in 0..3 {
        app.advance(45);
        assert_eq!(app.get(&client, "/crm").await.status(), StatusCode::OK);
    }
    app.advance(20);
    assert_redirects_to_login(app.get(&client, "/crm").await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_logged_out_notice_is_shown() {
    let app = spawn_app().await;
    let body = app.get(&browser(), "/login?notice=logged-out").await.text().await.unwrap();
    assert!(body.contains("You are logged out."));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_asks_before_logging_out() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    let client = browser();
    app.log_in(&client, &ada).await;
    let page = app.get(&client, "/crm/logout").await;
    assert_eq!(page.status(), StatusCode::OK);
    let body = page.text().await.unwrap();
    assert!(body.contains("Are you sure?"));
    assert!(body.contains("<form method=\"post\" action=\"/logout\""));
    assert!(body.contains(">Yes</button>") && body.contains(">No</a>"));
    // Asking changes nothing.
    assert_eq!(app.get(&client, "/crm").await.status(), StatusCode::OK);
    assert_redirects_to_login(app.get(&browser(), "/crm/logout").await).await;
}
