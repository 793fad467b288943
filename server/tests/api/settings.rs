//! Settings and maintenance: its own login and session, the Terms of Service dialog, and the
//! administrator's actions, each checked on the server for the right, the tenant and the Terms.

use crate::helpers::*;
use reqwest::{Client, StatusCode};
use server::db::{AuditFilter, UserStatus};

const ADMIN_ROLE: &str = "User level 0";

/// Logs `user` in to Settings and maintenance in `client`; returns the answer.
async fn settings_login(app: &TestApp, client: &Client, user: &TestUser) -> reqwest::Response {
    app.post_login(client, "/settings/login", &[("user_id", &user.login), ("password", &user.password)]).await
}

/// An administrator of acme, logged in to Settings and maintenance (no Terms published).
async fn admin_in(app: &TestApp, login: &str) -> (TestUser, Client) {
    let admin = app.add_user("acme", login, ADMIN_ROLE, UserStatus::Active).await;
    let client = browser();
    let response = settings_login(app, &client, &admin).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/settings");
    (admin, client)
}

async fn post(app: &TestApp, client: &Client, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    client.post(app.url(path)).form(fields).send().await.unwrap()
}

async fn status_of(app: &TestApp, id: i64) -> UserStatus {
    app.state.db.user_by_id(id).await.unwrap().unwrap().status
}

/// The tenant's audit events of `kind`, newest first, as (user_login, actor_login, detail).
async fn audit_of(app: &TestApp, tenant_id: i64, kind: &str) -> Vec<(Option<String>, Option<String>, Option<String>)> {
    let filter = AuditFilter { event: Some(kind), limit: 100, ..AuditFilter::default() };
    let entries = app.state.db.tenant_audit(tenant_id, &filter).await.unwrap();
    entries.into_iter().map(|e| (e.user_login.or(e.subject), e.actor_login, e.detail)).collect()
}

#[tokio::test]
async fn settings_has_its_own_login_even_with_a_live_crm_session() {
    let app = spawn_app().await;
    let admin = app.add_user("acme", "root@acme.test", ADMIN_ROLE, UserStatus::Active).await;
    let client = browser();
    assert_eq!(app.log_in(&client, &admin).await.status(), StatusCode::SEE_OTHER);

    // The CRM session is not enough: the login screen, coming back afterwards.
    let response = app.get(&client, "/settings/users").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/settings/login?next=/settings/users");
    let page = app.get(&client, "/settings/login").await.text().await.unwrap();
    assert!(page.contains(">User ID<") && page.contains(">Password<") && page.contains(">OK<"), "{page}");

    // A wrong password is answered like the CRM login's.
    let wrong =
        app.post_login(&client, "/settings/login", &[("user_id", &admin.login), ("password", "nope-nope")]).await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(wrong.text().await.unwrap().contains("Wrong user ID or password"));

    let response = app
        .post_login(
            &client,
            "/settings/login",
            &[("user_id", &admin.login), ("password", &admin.password), ("next", "/settings/users")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/settings/users");
    let cookie = set_cookie_header(response.headers(), "frontdoor_settings").expect("a Settings session cookie");
    assert!(cookie.contains("Path=/settings") && cookie.contains("HttpOnly"), "{cookie}");
    let page = app.get(&client, "/settings/users").await;
    assert_eq!(page.status(), StatusCode::OK);

    // Its own session, beside the CRM's, on the sessions list.
    let mut apps: Vec<&str> = app
        .state
        .db
        .sessions_of_user(admin.id, app.state.clock.now())
        .await
        .unwrap()
        .iter()
        .map(|s| s.app.as_str())
        .collect();
    apps.sort();
    assert_eq!(apps, ["crm", "settings"]);
    let sessions = app.get(&client, "/crm/sessions").await.text().await.unwrap();
    assert!(sessions.contains("Settings and maintenance"), "the sessions page names the app");

    // Only back into Settings and maintenance after its login.
    let other = browser();
    let response = app
        .post_login(
            &other,
            "/settings/login",
            &[("user_id", &admin.login), ("password", &admin.password), ("next", "/crm")],
        )
        .await;
    assert_eq!(location(&response), "/settings");

    // Log out of Settings and maintenance keeps the CRM session.
    let response = post(&app, &client, "/settings/logout", &[]).await;
    assert_eq!(location(&response), "/settings/login?notice=logged-out");
    assert_eq!(app.get(&client, "/settings/users").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get(&client, "/crm").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_role_without_the_right_is_told_so_after_the_right_password_only() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    let client = browser();
    let wrong =
        app.post_login(&client, "/settings/login", &[("user_id", &ada.login), ("password", "wrong-wrong")]).await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let response = settings_login(&app, &client, &ada).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response.text().await.unwrap().contains("Your role does not include Settings and maintenance"));
    assert_eq!(app.state.db.count_sessions(ada.id).await.unwrap(), 0, "no session was opened");
}

#[tokio::test]
async fn without_the_right_every_admin_page_call_and_post_is_refused() {
    let app = spawn_app().await;
    let (admin, _) = admin_in(&app, "root@acme.test").await;
    let ada = app.ada().await;
    let client = browser();
    assert_eq!(app.log_in(&client, &ada).await.status(), StatusCode::SEE_OTHER);

    let acme = app.tenant("acme").await;
    let user_role = app.state.db.role_by_name(acme, "User").await.unwrap().unwrap();
    let target = admin.id.to_string();
    let role = user_role.id.to_string();
    for page in
        ["/settings", "/settings/users", "/settings/users/new", "/settings/roles", "/settings/audit", "/settings/terms"]
    {
        let response = app.get(&client, page).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{page}");
        assert!(location(&response).starts_with("/settings/login"), "{page} went to {}", location(&response));
    }
    for call in ["users", "roles", "audit", "terms"] {
        let response = client.post(app.url(&format!("/settings/api/{call}"))).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{call}");
    }
    let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
        ("/settings/users/new".into(), vec![("name", "Eve"), ("login", "eve@acme.test"), ("role_id", &role)]),
        (format!("/settings/users/{target}/deactivate"), vec![]),
        (format!("/settings/users/{target}/role"), vec![("role_id", &role)]),
        (format!("/settings/users/{target}/end-sessions"), vec![]),
        (format!("/settings/users/{target}/resend"), vec![]),
        ("/settings/roles".into(), vec![("name", "Eve's"), ("admin", "on"), ("crm", "on")]),
        (format!("/settings/roles/{role}/save"), vec![("name", "User"), ("admin", "on"), ("crm", "on")]),
        (format!("/settings/roles/{role}/delete"), vec![]),
        ("/settings/terms".into(), vec![("version", "1"), ("accept", "yes")]),
    ];
    for (path, fields) in &posts {
        let response = post(&app, &client, path, fields).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        assert!(location(&response).starts_with("/settings/login"), "{path} went to {}", location(&response));
    }
    // A Settings cookie made up, or a CRM token sent as one, opens nothing either.
    let forged = bare_client();
    let crm_token = app.log_in(&browser(), &ada).await;
    let crm_token = session_cookie(crm_token.headers()).unwrap();
    for token in ["made-up", crm_token.as_str()] {
        let response = forged
            .post(app.url("/settings/api/roles"))
            .header("cookie", format!("frontdoor_settings={token}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }

    // Nothing changed.
    assert_eq!(status_of(&app, admin.id).await, UserStatus::Active);
    assert!(app.state.db.users_by_login("eve@acme.test", Some(acme)).await.unwrap().is_empty());
    assert!(app.state.db.role_by_name(acme, "Eve's").await.unwrap().is_none());
    assert!(!app.state.db.role_by_name(acme, "User").await.unwrap().unwrap().rights.admin);
}

#[tokio::test]
async fn terms_are_accepted_once_per_version_and_required_before_anything() {
    let app = spawn_app().await;
    let terms = app.state.terms();
    let admin = app.add_user("acme", "root@acme.test", ADMIN_ROLE, UserStatus::Active).await;
    let acme = admin.tenant_id;
    assert_eq!(terms.publish("# Terms\n\nVersion **one**.").await.unwrap(), 1);

    let client = browser();
    assert_eq!(location(&settings_login(&app, &client, &admin).await), "/settings");
    for page in ["/settings", "/settings/users", "/settings/roles", "/settings/audit"] {
        let response = app.get(&client, page).await;
        assert_eq!(location(&response), "/settings/terms", "{page} waits for the Terms");
    }
    for call in ["users", "roles", "audit"] {
        let response = client.post(app.url(&format!("/settings/api/{call}"))).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{call}");
    }
    let response = post(&app, &client, "/settings/roles", &[("name", "Sneaky"), ("crm", "on")]).await;
    assert_eq!(location(&response), "/settings/terms");
    assert!(app.state.db.role_by_name(acme, "Sneaky").await.unwrap().is_none(), "no action before the Terms");

    let dialog = app.get(&client, "/settings/terms").await.text().await.unwrap();
    assert!(dialog.contains("role=\"dialog\"") && dialog.contains("<strong>one</strong>"), "{dialog}");
    assert!(dialog.contains(">Accept<") && dialog.contains(">OK<"));
    // OK without Accept does nothing.
    let response = post(&app, &client, "/settings/terms", &[("version", "1")]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("Tick Accept to continue."));
    assert_eq!(location(&app.get(&client, "/settings/users").await), "/settings/terms");

    let response = post(&app, &client, "/settings/terms", &[("version", "1"), ("accept", "yes")]).await;
    assert_eq!(location(&response), "/settings");
    assert_eq!(location(&app.get(&client, "/settings/terms").await), "/settings", "nothing left to accept");
    assert_eq!(app.get(&client, "/settings/users").await.status(), StatusCode::OK);
    let accepted = audit_of(&app, acme, "terms.accept").await;
    assert_eq!(accepted, [(Some(admin.login.clone()), None, Some("version 1".into()))]);

    // Not again for that version, in a new session either.
    let again = browser();
    settings_login(&app, &again, &admin).await;
    assert_eq!(app.get(&again, "/settings/users").await.status(), StatusCode::OK);

    // A new version brings the dialog back, once, at the next request.
    assert_eq!(terms.publish("Version two.").await.unwrap(), 2);
    assert_eq!(location(&app.get(&again, "/settings/users").await), "/settings/terms");
    // Accepting the version shown before does not count for the new one.
    post(&app, &again, "/settings/terms", &[("version", "1"), ("accept", "yes")]).await;
    assert_eq!(location(&app.get(&again, "/settings/users").await), "/settings/terms");
    post(&app, &again, "/settings/terms", &[("version", "2"), ("accept", "yes")]).await;
    assert_eq!(app.get(&again, "/settings/users").await.status(), StatusCode::OK);
    assert_eq!(app.get(&client, "/settings/users").await.status(), StatusCode::OK);
    assert_eq!(audit_of(&app, acme, "terms.accept").await.len(), 2);
}

#[tokio::test]
async fn another_tenants_users_can_neither_be_read_nor_changed() {
    let app = spawn_app().await;
    let (_, client) = admin_in(&app, "root@acme.test").await;
    let stranger = app.add_user("globex", "wile@globex.test", "User", UserStatus::Active).await;
    let globex_admin = app.add_user("globex", "boss@globex.test", ADMIN_ROLE, UserStatus::Active).await;
    let globex_role = app.state.db.role_by_name(stranger.tenant_id, ADMIN_ROLE).await.unwrap().unwrap();
    app.log_in(&browser(), &stranger).await;

    let users = app.get(&client, "/settings/users").await.text().await.unwrap();
    assert!(users.contains("root@acme.test") && !users.contains("globex.test"), "only acme's users");
    let audit = app.get(&client, "/settings/audit").await.text().await.unwrap();
    assert!(!audit.contains("wile@globex.test"), "only acme's events");
    let audit = app.get(&client, "/settings/audit?user=wile%40globex.test").await.text().await.unwrap();
    assert!(audit.contains("No events match."));

    let id = stranger.id;
    for action in ["deactivate", "end-sessions", "resend", "set-password"] {
        let response = post(&app, &client, &format!("/settings/users/{id}/{action}"), &[]).await;
        assert!(!location(&response).contains("notice="), "{action} went to {}", location(&response));
    }
    let role = globex_role.id.to_string();
    let response = post(&app, &client, &format!("/settings/users/{id}/role"), &[("role_id", &role)]).await;
    assert_eq!(location(&response), "/settings/users?refused=no-such-user");
    let response =
        post(&app, &client, &format!("/settings/roles/{role}/save"), &[("name", "Mine"), ("crm", "on")]).await;
    assert_eq!(location(&response), "/settings/roles?refused=no-such-user");
    let response = post(&app, &client, &format!("/settings/roles/{role}/delete"), &[]).await;
    assert_eq!(location(&response), "/settings/roles?refused=no-such-user");

    assert_eq!(status_of(&app, stranger.id).await, UserStatus::Active);
    assert_eq!(app.state.db.count_sessions(stranger.id).await.unwrap(), 1, "their session lives on");
    assert!(app.state.db.role_by_name(stranger.tenant_id, ADMIN_ROLE).await.unwrap().unwrap().rights.admin);
    let _ = globex_admin;
}

#[tokio::test]
async fn the_last_administrator_cannot_be_removed() {
    let app = spawn_app().await;
    let (admin, client) = admin_in(&app, "root@acme.test").await;
    let acme = admin.tenant_id;
    let admin_role = app.state.db.role_by_name(acme, ADMIN_ROLE).await.unwrap().unwrap();
    let user_role = app.state.db.role_by_name(acme, "User").await.unwrap().unwrap();
    let me = admin.id;

    let response = post(&app, &client, &format!("/settings/users/{me}/deactivate"), &[]).await;
    assert_eq!(location(&response), "/settings/users?refused=not-yourself");
    let page = app.get(&client, &location(&response)).await.text().await.unwrap();
    assert!(page.contains("You cannot deactivate yourself."));

    let to_user = user_role.id.to_string();
    let response = post(&app, &client, &format!("/settings/users/{me}/role"), &[("role_id", &to_user)]).await;
    assert_eq!(location(&response), "/settings/users?refused=last-admin");
    let page = app.get(&client, &location(&response)).await.text().await.unwrap();
    assert!(page.contains("nobody would be left who can log in to Settings and maintenance"));

    let save = format!("/settings/roles/{}/save", admin_role.id);
    let response = post(&app, &client, &save, &[("name", ADMIN_ROLE), ("user_level", "0"), ("crm", "on")]).await;
    assert_eq!(location(&response), "/settings/roles?refused=last-admin");
    assert!(app.state.db.role_by_name(acme, ADMIN_ROLE).await.unwrap().unwrap().rights.admin);
    assert_eq!(app.state.db.user_by_id(me).await.unwrap().unwrap().role_id, admin_role.id);

    // With a second administrator, the first may step down.
    let second = app.add_user("acme", "deputy@acme.test", ADMIN_ROLE, UserStatus::Active).await;
    let response = post(&app, &client, &format!("/settings/users/{me}/role"), &[("role_id", &to_user)]).await;
    assert_eq!(location(&response), "/settings/users?notice=role-assigned");
    // … and from then on is no administrator: the session ends at the next request.
    let response = app.get(&client, "/settings/users").await;
    assert_eq!(location(&response), "/settings/login?next=/settings/users&notice=session-ended");
    // The deputy is the last one now.
    let deputy = browser();
    settings_login(&app, &deputy, &second).await;
    let response = post(&app, &deputy, &format!("/settings/users/{}/deactivate", second.id), &[]).await;
    assert_eq!(location(&response), "/settings/users?refused=not-yourself");
}

#[tokio::test]
async fn role_changes_reach_each_user_at_their_next_request() {
    let app = spawn_app().await;
    let (admin, client) = admin_in(&app, "root@acme.test").await;
    let ada = app.ada().await;
    let ada_browser = browser();
    app.log_in(&ada_browser, &ada).await;
    let crm = app.get(&ada_browser, "/crm").await.text().await.unwrap();
    assert!(!crm.contains("href=\"/settings\""), "no Settings-and-maintenance right yet");

    let user_role = app.state.db.role_by_name(admin.tenant_id, "User").await.unwrap().unwrap();
    let save = format!("/settings/roles/{}/save", user_role.id);
    let response =
        post(&app, &client, &save, &[("name", "Staff"), ("user_level", "5"), ("crm", "on"), ("admin", "on")]).await;
    assert_eq!(location(&response), "/settings/roles?notice=role-saved");
    let crm = app.get(&ada_browser, "/crm").await.text().await.unwrap();
    assert!(crm.contains("href=\"/settings\""), "Settings and maintenance appears at the next request");
    let roles = app.get(&client, "/settings/roles").await.text().await.unwrap();
    assert!(roles.contains("value=\"Staff\""), "renamed");

    // Without the CRM right, Ada's session ends at her next request.
    post(&app, &client, &save, &[("name", "Staff"), ("user_level", "5")]).await;
    let response = app.get(&ada_browser, "/crm").await;
    assert_eq!(location(&response), "/login?next=/crm&notice=session-ended");
}

#[tokio::test]
async fn every_admin_action_is_audited_with_the_administrator_as_actor() {
    let app = spawn_app().await;
    let (admin, client) = admin_in(&app, "root@acme.test").await;
    let acme = admin.tenant_id;
    let user_role = app.state.db.role_by_name(acme, "User").await.unwrap().unwrap().id.to_string();
    let admin_role = app.state.db.role_by_name(acme, ADMIN_ROLE).await.unwrap().unwrap().id.to_string();

    let response = post(
        &app,
        &client,
        "/settings/users/new",
        &[("name", "Grace Hopper"), ("login", "Grace@Acme.test"), ("role_id", &user_role), ("language", "nl")],
    )
    .await;
    assert_eq!(location(&response), "/settings/users?notice=invited");
    let grace = app.state.db.users_by_login("grace@acme.test", Some(acme)).await.unwrap().remove(0);
    assert_eq!((grace.status, grace.language.as_deref()), (UserStatus::Invited, Some("nl")));
    let id = grace.id;
    let back = [("back", "/settings/users?q=grace")];
    for (action, notice) in [
        ("resend", "invitation-resent"),
        ("end-sessions", "sessions-ended"),
        ("deactivate", "deactivated"),
        ("activate", "activated"),
    ] {
        let response = post(&app, &client, &format!("/settings/users/{id}/{action}"), &back).await;
        assert_eq!(location(&response), format!("/settings/users?q=grace&notice={notice}"), "{action}");
    }
    let response =
        post(&app, &client, &format!("/settings/users/{id}/role"), &[("role_id", admin_role.as_str())]).await;
    assert_eq!(location(&response), "/settings/users?notice=role-assigned");
    post(&app, &client, "/settings/roles", &[("name", "Auditors"), ("user_level", "3"), ("crm", "on")]).await;
    let auditors = app.state.db.role_by_name(acme, "Auditors").await.unwrap().unwrap();
    let save = format!("/settings/roles/{}/save", auditors.id);
    post(&app, &client, &save, &[("name", "Auditors"), ("user_level", "4"), ("crm", "on")]).await;
    let response = post(&app, &client, &format!("/settings/roles/{}/delete", auditors.id), &[]).await;
    assert_eq!(location(&response), "/settings/roles?notice=role-deleted");

    let root = Some(admin.login.clone());
    let grace_login = Some("grace@acme.test".to_string());
    for kind in ["user.invite", "user.invite-resend", "session.revoke", "user.deactivate", "user.activate", "user.role"]
    {
        let rows = audit_of(&app, acme, kind).await;
        assert_eq!(rows.len(), 1, "{kind}");
        assert_eq!((&rows[0].0, &rows[0].1), (&grace_login, &root), "{kind}");
    }
    for kind in ["role.create", "role.change", "role.delete"] {
        let rows = audit_of(&app, acme, kind).await;
        assert_eq!((rows.len(), &rows[0].0, &rows[0].1), (1, &Some("Auditors".to_string()), &root), "{kind}");
    }
    assert!(audit_of(&app, acme, "role.change").await[0].2.as_deref().unwrap().contains("level 3"));

    // The audit log shows them, filtered by user and kind.
    let page = app.get(&client, "/settings/audit?user=grace%40acme.test&kind=user.deactivate").await;
    let page = page.text().await.unwrap();
    assert_eq!(page.matches("<td data-label=\"Event\">User deactivated</td>").count(), 1, "{page}");
    assert!(!page.contains("data-label=\"Event\">User activated<"));
}

#[tokio::test]
async fn add_user_invites_and_resend_retires_the_older_link() {
    let app = spawn_app().await;
    let (admin, client) = admin_in(&app, "root@acme.test").await;
    let role = app.state.db.role_by_name(admin.tenant_id, "User").await.unwrap().unwrap().id.to_string();

    // A refused form keeps what was typed.
    let response =
        post(&app, &client, "/settings/users/new", &[("name", "Grace Hopper"), ("login", "grace"), ("role_id", &role)])
            .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("value=\"Grace Hopper\"") && page.contains("Enter an email address"), "{page}");
    let taken = [("name", "Root"), ("login", "root@acme.test"), ("role_id", role.as_str())];
    let response = post(&app, &client, "/settings/users/new", &taken).await;
    assert!(response.text().await.unwrap().contains("already has a user with that user ID"));

    let fields =
        [("name", "Grace Hopper"), ("login", "grace@acme.test"), ("role_id", role.as_str()), ("language", "en")];
    post(&app, &client, "/settings/users/new", &fields).await;
    let first = app.wait_for_mails("grace@acme.test", 1).await[0].link("/activate/").unwrap();
    let users = app.get(&client, "/settings/users?status=invited").await.text().await.unwrap();
    assert!(users.contains("Grace Hopper") && users.contains("link valid until"), "{users}");
    assert!(!users.contains("root@acme.test"), "filtered by status");

    let grace = app.state.db.users_by_login("grace@acme.test", Some(admin.tenant_id)).await.unwrap().remove(0);
    post(&app, &client, &format!("/settings/users/{}/resend", grace.id), &[]).await;
    let second = app.wait_for_mails("grace@acme.test", 2).await[1].link("/activate/").unwrap();
    assert_ne!(first, second);
    let (_, page) = open_link(&browser(), &first).await;
    assert!(page.contains("This link is no longer valid"), "the older link stops working");
    let (_, page) = open_link(&browser(), &second).await;
    assert!(page.contains("Activate"), "the new one works");
}

#[tokio::test]
async fn deactivating_ends_every_session_at_once() {
    let app = spawn_app().await;
    let (_, client) = admin_in(&app, "root@acme.test").await;
    let ada = app.ada().await;
    let ada_browser = browser();
    app.log_in(&ada_browser, &ada).await;
    let response = post(&app, &client, &format!("/settings/users/{}/deactivate", ada.id), &[]).await;
    assert_eq!(location(&response), "/settings/users?notice=deactivated");
    assert_redirects_to_login(app.get(&ada_browser, "/crm").await).await;
    let response = app.log_in(&browser(), &ada).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "a deactivated user cannot log in");
}

#[tokio::test]
async fn users_are_searched_filtered_and_paged() {
    let app = spawn_app().await;
    let (_, client) = admin_in(&app, "root@acme.test").await;
    for i in 0..119 {
        app.add_user("acme", &format!("user{i:03}@acme.test"), "User", UserStatus::Active).await;
    }
    let rows = |page: &str| page.matches("<tr>").count() - 1;
    let first = app.get(&client, "/settings/users").await.text().await.unwrap();
    assert_eq!(rows(&first), 50);
    assert!(first.contains("href=\"/settings/users?page=2\"") && !first.contains("rel=\"prev\""));
    let third = app.get(&client, "/settings/users?page=3").await.text().await.unwrap();
    assert_eq!(rows(&third), 20);
    assert!(!third.contains("rel=\"next\""));
    let found = app.get(&client, "/settings/users?q=USER07").await.text().await.unwrap();
    assert_eq!(rows(&found), 10, "case-insensitive, part of the user ID");
    let none = app.get(&client, "/settings/users?q=%25").await.text().await.unwrap();
    assert!(none.contains("No users match."), "a wildcard is a character");
    let deactivated = app.get(&client, "/settings/users?status=deactivated").await.text().await.unwrap();
    assert!(deactivated.contains("No users match."));

    // Added through the page: the search index (trigrams on SQLite and PostgreSQL) has it at once.
    let role = app.state.db.role_by_name(app.tenant("acme").await, "User").await.unwrap().unwrap().id.to_string();
    let fields =
        [("name", "Grace Hopper"), ("login", "grace@acme.test"), ("role_id", role.as_str()), ("language", "en")];
    post(&app, &client, "/settings/users/new", &fields).await;
    for search in ["HOPP", "ace hop", "grace@", "Ho"] {
        let found = app.get(&client, &format!("/settings/users?q={}", search.replace(' ', "+"))).await;
        let found = found.text().await.unwrap();
        assert_eq!(rows(&found), 1, "{search}: part of the name or user ID, any case, short or long");
        assert!(found.contains("Grace Hopper"), "{search}");
    }
    for search in ["%22%22%22", "%22Hopper%22", "*", "NEAR(a+b)", "Hopper+OR+Lovelace"] {
        let page = app.get(&client, &format!("/settings/users?q={search}")).await;
        assert_eq!(page.status(), 200, "{search}: searched for as typed");
        assert!(page.text().await.unwrap().contains("No users match."), "{search}");
    }
}

#[tokio::test]
async fn a_broad_search_pages_in_name_order_like_a_narrow_one() {
    let app = spawn_app().await;
    let (admin, client) = admin_in(&app, "root@acme.test").await;
    let role = app.state.db.role_by_name(admin.tenant_id, "User").await.unwrap().unwrap().id;
    // More matches than a search fetches and sorts (2,000 on SQLite): the name index is walked.
    for i in (0..2050).rev() {
        let (login, name) = (format!("b{i:04}@acme.test"), format!("Broad Person {i:04}"));
        let user = server::db::NewUser {
            tenant_id: admin.tenant_id,
            role_id: role,
            login_name: &login,
            email: Some(&login),
            display_name: &name,
            status: UserStatus::Active,
            password_hash: None,
            language: None,
        };
        app.state.db.create_user(&user, 0).await.unwrap();
    }
    let names = |page: &str| -> Vec<String> {
        page.split("<td data-label=\"Name\">").skip(1).map(|cell| cell[..cell.find('<').unwrap()].to_string()).collect()
    };
    for (search, matches, first) in
        [("road pers", 2050, 0), ("person 20", 50, 2000), ("person 200", 10, 2000), ("person 1999", 1, 1999)]
    {
        let page = app.get(&client, &format!("/settings/users?q={}", search.replace(' ', "+"))).await;
        let page = page.text().await.unwrap();
        let want: Vec<String> = (first..first + matches.min(50)).map(|i| format!("Broad Person {i:04}")).collect();
        assert_eq!(names(&page), want, "{search}: the first page, in name order");
        assert_eq!(page.contains("rel=\"next\""), matches > 50, "{search}");
    }
    let last = app.get(&client, "/settings/users?q=road+pers&page=41").await.text().await.unwrap();
    assert_eq!(names(&last).last().map(String::as_str), Some("Broad Person 2049"));
    assert!(!last.contains("rel=\"next\""));
}

#[tokio::test]
async fn a_temporary_password_must_be_changed_before_anything_else() {
    let app = spawn_app_with(|args| args.mode = server::config::Mode::Onsite).await;
    let (admin, client) = admin_in(&app, "root").await;
    let role = app.state.db.role_by_name(admin.tenant_id, ADMIN_ROLE).await.unwrap().unwrap().id.to_string();
    let page = app.get(&client, "/settings/users/new").await.text().await.unwrap();
    assert!(page.contains(">User name<") && !page.contains(">Email address<"));
    let fields = [("name", "Linus Torvalds"), ("login", "Linus"), ("role_id", role.as_str())];
    assert_eq!(location(&post(&app, &client, "/settings/users/new", &fields).await), "/settings/users?notice=invited");
    let linus = app.state.db.users_by_login("linus", Some(admin.tenant_id)).await.unwrap().remove(0);
    assert!(app.mails_to("linus").is_empty(), "onsite sends nothing");

    let response = post(&app, &client, &format!("/settings/users/{}/set-password", linus.id), &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers().get("cache-control").unwrap(), "no-store");
    let page = response.text().await.unwrap();
    let start =
        page.find("Temporary password for linus: ").expect("shown once") + "Temporary password for linus: ".len();
    let temporary = page[start..start + 23].to_string();
    assert_eq!(temporary.len(), 23);
    let audit = audit_of(&app, admin.tenant_id, "password.set").await;
    assert_eq!(audit[0].2.as_deref(), Some("temporary"));
    assert!(!format!("{audit:?}").contains(&temporary), "never in the audit log");

    // The CRM opens only Change password; Settings and maintenance not at all.
    let linus_browser = browser();
    let response = app.post_login(&linus_browser, "/login", &[("user_id", "linus"), ("password", &temporary)]).await;
    assert_eq!(location(&response), "/crm/password?notice=temporary");
    assert_eq!(location(&app.get(&linus_browser, "/crm").await), "/crm/password?notice=temporary");
    assert_eq!(location(&app.get(&linus_browser, "/crm/sessions").await), "/crm/password?notice=temporary");
    let response =
        app.post_login(&browser(), "/settings/login", &[("user_id", "linus"), ("password", &temporary)]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response.text().await.unwrap().contains("Your password is temporary"));

    let mine = "quiet orbit tulip canyon";
    let response = linus_browser
        .post(app.url("/crm/password"))
        .form(&[("current", temporary.as_str()), ("password", mine), ("confirm", mine)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{}", response.text().await.unwrap());
    assert_eq!(app.get(&linus_browser, "/crm").await.status(), StatusCode::OK);
    let response = app.post_login(&browser(), "/settings/login", &[("user_id", "linus"), ("password", mine)]).await;
    assert_eq!(location(&response), "/settings");
}
