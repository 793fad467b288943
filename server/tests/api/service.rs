use crate::helpers::*;
use reqwest::header::COOKIE;
use reqwest::{Client, StatusCode};
use server::db::UserStatus;

/// Logs in to the CRM, presses "Log in" on the Service log in page and returns the ticket the
/// hand-off page would post to Service.
async fn ticket_for(app: &TestApp, client: &Client) -> String {
    let page = client.post(app.url("/crm/service/handoff")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(page.headers().get("referrer-policy").unwrap(), "origin");
    let body = page.text().await.unwrap();
    assert!(body.contains(&format!("action=\"{}/service/session\"", app.address)));
    hidden_value(&body, "ticket").expect("a ticket in the form")
}

async fn redeem(app: &TestApp, client: &Client, ticket: &str) -> reqwest::Response {
    client.post(app.url("/service/session")).form(&[("ticket", ticket)]).send().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn from_the_crm_to_the_service_dashboard_and_out_again() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    let client = browser();
    app.log_in(&client, &ada).await;

    let crm = app.get(&client, "/crm").await.text().await.unwrap();
    assert!(crm.contains("href=\"/crm/service\""), "the navigator leads to Service");
    let login_page = app.get(&client, "/crm/service").await.text().await.unwrap();
    assert!(login_page.contains(">Log in</button>"));

    let ticket = ticket_for(&app, &client).await;
    assert_eq!(ticket.len(), 43, "256 bits");
    let redeemed = redeem(&app, &client, &ticket).await;
    assert_eq!(redeemed.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&redeemed), "/service");
    let cookie = set_cookie_header(redeemed.headers(), "frontdoor_service").unwrap();
    assert!(cookie.contains("Path=/service") && cookie.contains("HttpOnly"), "{cookie}");

    let dashboard = app.get(&client, "/service").await;
    assert_eq!(dashboard.status(), StatusCode::OK);
    let body = dashboard.text().await.unwrap();
    assert!(body.contains("<h1>Dashboard</h1>"));
    assert!(body.contains("Ada Lovelace · ACME AS"));

    let out = client.post(app.url("/service/logout")).send().await.unwrap();
    assert_eq!(location(&out), format!("{}/crm/service?notice=service-logged-out", app.address));
    let after = app.get(&client, "/service").await;
    assert_eq!(location(&after), format!("{}/crm/service", app.address));
    assert_eq!(app.get(&client, "/crm").await.status(), StatusCode::OK, "the CRM session stays");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ticket_works_once() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    let client = browser();
    app.log_in(&client, &ada).await;
    let ticket = ticket_for(&app, &client).await;
    assert_eq!(redeem(&app, &browser(), &ticket).await.status(), StatusCode::SEE_OTHER);
    let replay = redeem(&app, &browser(), &ticket).await;
    assert_eq!(replay.status(), StatusCode::BAD_REQUEST);
    assert!(replay.text().await.unwrap().contains("no longer valid"));
    let audit = app.state.db.recent_audit(5).await.unwrap();
    assert!(audit.iter().any(|e| e.event == "service.handoff" && e.outcome == "refused"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ticket_expires_after_a_minute() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    let client = browser();
    app.log_in(&client, &ada).await;
    let ticket = ticket_for(&app, &client).await;
    app.advance(61);
    assert_eq!(redeem(&app, &client, &ticket).await.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn foreign_tickets_are_refused() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    let client = browser();
    let crm_token = session_cookie(app.log_in(&client, &ada).await.headers()).unwrap();
    for ticket in ["", "made-up", crm_token.as_str(), &"x".repeat(5000)] {
        assert_eq!(redeem(&app, &browser(), ticket).await.status(), StatusCode::BAD_REQUEST, "{ticket:.20}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ticket_dies_with_the_crm_session_it_came_from() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    let client = browser();
    app.log_in(&client, &ada).await;
    let ticket = ticket_for(&app, &client).await;
    client.post(app.url("/logout")).send().await.unwrap();
    assert_eq!(redeem(&app, &browser(), &ticket).await.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crm_and_service_sessions_never_stand_in_for_each_other() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    let client = browser();
    let crm_token = session_cookie(app.log_in(&client, &ada).await.headers()).unwrap();
    let ticket = ticket_for(&app, &client).await;
    let service_token = cookie_value(redeem(&app, &client, &ticket).await.headers(), "frontdoor_service").unwrap();

    let bare = bare_client();
    let crm_with_service_token =
        bare.get(app.url("/crm")).header(COOKIE, format!("frontdoor={service_token}")).send().await.unwrap();
    assert_redirects_to_login(crm_with_service_token).await;
    let service_with_crm_token =
        bare.get(app.url("/service")).header(COOKIE, format!("frontdoor_service={crm_token}")).send().await.unwrap();
    assert_eq!(location(&service_with_crm_token), format!("{}/crm/service", app.address));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_without_the_service_right_are_refused_plainly() {
    let app = spawn_app().await;
    let tenant = app.tenant("acme").await;
    let role = server::db::Role {
        id: 0,
        name: "CRM only".into(),
        user_level: 2,
        rights: server::db::Rights { crm: true, service: false, admin: false },
    };
    app.state.db.create_role(tenant, &role).await.unwrap();
    let carl = app.add_user("acme", "carl@acme.test", "CRM only", UserStatus::Active).await;
    let client = browser();
    app.log_in(&client, &carl).await;

    let crm = app.get(&client, "/crm").await.text().await.unwrap();
    assert!(!crm.contains("href=\"/crm/service\""));
    let page = app.get(&client, "/crm/service").await.text().await.unwrap();
    assert!(page.contains("Your role does not include Service"));
    let handoff = client.post(app.url("/crm/service/handoff")).send().await.unwrap();
    assert_eq!(handoff.status(), StatusCode::SEE_OTHER);
    assert!(!handoff.text().await.unwrap().contains("ticket"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_session_has_its_own_idle_limit() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    app.state.db.set_session_timeouts(ada.tenant_id, server::db::App::Service, 60, 3600).await.unwrap();
    let client = browser();
    app.log_in(&client, &ada).await;
    let ticket = ticket_for(&app, &client).await;
    redeem(&app, &client, &ticket).await;
    app.advance(30);
    assert_eq!(app.get(&client, "/service").await.status(), StatusCode::OK);
    app.advance(61);
    let ended = app.get(&client, "/service").await;
    assert_eq!(location(&ended), format!("{}/crm/service?notice=session-ended", app.address));
    assert_eq!(app.get(&client, "/crm").await.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_can_live_on_another_origin() {
    let app = spawn_app_with(|args| args.service_url = Some("http://service.localhost:4999".into())).await;
    let ada = app.ada().await;
    let client = browser();
    let login = app.log_in(&client, &ada).await;
    let csp = login.headers().get("content-security-policy").unwrap().to_str().unwrap().to_string();
    assert!(csp.contains("form-action 'self'") && csp.contains("http://service.localhost:4999"), "{csp}");

    let page = client.post(app.url("/crm/service/handoff")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("action=\"http://service.localhost:4999/service/session\""));
    let ticket = hidden_value(&page, "ticket").unwrap();
    // The CRM's origin may post the ticket across; another site may not.
    let from_crm = client
        .post(app.url("/service/session"))
        .header("origin", app.address.as_str())
        .form(&[("ticket", ticket.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(from_crm.status(), StatusCode::SEE_OTHER);
    let from_elsewhere = client
        .post(app.url("/service/session"))
        .header("origin", "http://evil.test")
        .form(&[("ticket", "anything")])
        .send()
        .await
        .unwrap();
    assert_eq!(from_elsewhere.status(), StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newer_ticket_replaces_an_older_one() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    let client = browser();
    app.log_in(&client, &ada).await;
    let older = ticket_for(&app, &client).await;
    let newer = ticket_for(&app, &client).await;
    assert_eq!(redeem(&app, &browser(), &older).await.status(), StatusCode::BAD_REQUEST);
    assert_eq!(redeem(&app, &browser(), &newer).await.status(), StatusCode::SEE_OTHER);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rights_are_checked_on_every_request_not_only_in_the_navigator() {
    let app = spawn_app().await;
    let tenant = app.tenant("acme").await;
    let no_crm = server::db::Role {
        id: 0,
        name: "Service only".into(),
        user_level: 3,
        rights: server::db::Rights { crm: false, service: true, admin: false },
    };
    app.state.db.create_role(tenant, &no_crm).await.unwrap();
    let sam = app.add_user("acme", "sam@acme.test", "Service only", UserStatus::Active).await;
    let refused = app.log_in(&browser(), &sam).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(refused.text().await.unwrap().contains("Your role does not include the CRM"));

    // Settings and maintenance is for administrators, whatever the address bar says: its own
    // login, where the CRM session counts for nothing.
    let ada = app.ada().await;
    let client = browser();
    app.log_in(&client, &ada).await;
    let settings = app.get(&client, "/settings").await;
    assert_eq!(location(&settings), "/settings/login?next=/settings");

    // A right taken away ends the session that depended on it at its next request.
    let ticket = ticket_for(&app, &client).await;
    redeem(&app, &client, &ticket).await;
    assert_eq!(app.get(&client, "/service").await.status(), StatusCode::OK);
    sqlx::query("UPDATE roles SET can_service = 0 WHERE tenant_id = $1 AND name = 'User'")
        .bind(tenant)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let after = app.get(&client, "/service").await;
    assert!(location(&after).contains("/crm/service"), "{}", location(&after));
    assert_eq!(app.get(&client, "/crm").await.status(), StatusCode::OK);
}
