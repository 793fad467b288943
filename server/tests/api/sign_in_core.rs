//! The sign-in core: every way in ends in one completion step, which records how the session
//! was made, when the person last signed in, and enforces the tenant's policy for every way in.

use crate::helpers::*;
use reqwest::{Client, StatusCode};
use server::db::{NewSession, SignInPolicy, SsoStrategy, UserStatus, MAX_SESSIONS_PER_USER};

/// (app, method) of each of a user's sessions, oldest first.
async fn methods(app: &TestApp, user_id: i64) -> Vec<(String, String)> {
    sqlx::query_as("SELECT app, method FROM sessions WHERE user_id = $1 ORDER BY created_at, app")
        .bind(user_id)
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap()
}

async fn last_login(app: &TestApp, user_id: i64) -> Option<i64> {
    sqlx::query_scalar("SELECT last_login_at FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_session_says_how_it_was_made_and_every_sign_in_is_a_last_login() {
    let app = spawn_app().await;
    // A password login.
    let ada = app.ada().await;
    let client = browser();
    assert_eq!(location(&app.log_in(&client, &ada).await), "/crm");
    assert_eq!(methods(&app, ada.id).await, [("crm".to_string(), "pwd".to_string())]);
    assert!(last_login(&app, ada.id).await.is_some());
    // The hand-off to Service continues the CRM's sign-in (its method), and is no login of its own.
    let before = last_login(&app, ada.id).await;
    app.advance(30);
    let page = client.post(app.url("/crm/service/handoff")).send().await.unwrap().text().await.unwrap();
    let ticket = hidden_value(&page, "ticket").unwrap();
    let redeemed = client.post(app.url("/service/session")).form(&[("ticket", ticket)]).send().await.unwrap();
    assert_eq!(location(&redeemed), "/service");
    let made = methods(&app, ada.id).await;
    assert!(made.contains(&("service".to_string(), "pwd".to_string())), "{made:?}");
    assert_eq!(last_login(&app, ada.id).await, before);

    // An activation signs in by its link, and is the account's first login.
    let grace = app.invite("acme", "grace@acme.test", "en").await;
    let link = app.wait_for_mails("grace@acme.test", 1).await[0].link("/activate/").unwrap();
    let client = browser();
    open_link(&client, &link).await;
    let password = random_password();
    let fields = [("password", password.as_str()), ("confirm", password.as_str())];
    let activated = client.post(app.url("/activate")).form(&fields).send().await.unwrap();
    assert_eq!(location(&activated), "/crm");
    assert_eq!(methods(&app, grace).await, [("crm".to_string(), "link".to_string())]);
    assert!(last_login(&app, grace).await.is_some(), "activation is a login");
    assert!(set_cookie_header(activated.headers(), "frontdoor_device").is_some(), "and this browser a known device");
}

async fn sso_only(app: &TestApp) {
    let tenant_id = app.tenant("acme").await;
    let policy = SignInPolicy { strategy: SsoStrategy::Existing, default_role_id: None, password_login: false };
    app.state.db.set_sign_in_policy(tenant_id, &policy).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn password_login_off_holds_for_activation_and_recovery_too() {
    let app = spawn_app().await;
    sso_only(&app).await;
    // An activation link does not give a password (nor a session) in a tenant that signs in
    // through its identity provider only.
    let grace = app.invite("acme", "grace@acme.test", "en").await;
    let link = app.wait_for_mails("grace@acme.test", 1).await[0].link("/activate/").unwrap();
    let client = browser();
    open_link(&client, &link).await;
    let password = random_password();
    let fields = [("password", password.as_str()), ("confirm", password.as_str())];
    let refused = client.post(app.url("/activate")).form(&fields).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(session_cookie(refused.headers()).is_none());
    assert!(refused.text().await.unwrap().contains("identity provider"));
    let grace = app.state.db.user_by_id(grace).await.unwrap().unwrap();
    assert_eq!((grace.status, grace.password_hash.is_none()), (UserStatus::Invited, true));

    // "Forgot your password?" gives no password to those it would open nothing for; an
    // administrator keeps Settings and maintenance's own password login.
    let ada = app.ada().await;
    let boss = app.add_user("acme", "boss@acme.test", "User level 0", UserStatus::Active).await;
    for who in [&ada, &boss] {
        let asked = browser().post(app.url("/forgot-password")).form(&[("email", &who.login)]).send().await.unwrap();
        assert_eq!(asked.status(), StatusCode::SEE_OTHER, "the same answer either way");
    }
    app.wait_for_mails(&boss.login, 1).await;
    let resets = app.state.db.mail_of_user(ada.id).await.unwrap();
    assert!(resets.is_empty(), "no reset link for an account the identity provider manages");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_guesses_at_a_reset_login_code_each_count() {
    let app = spawn_app().await;
    app.add_user("acme", "pat@multi.test", "User", UserStatus::Active).await;
    let client = browser();
    let asked = client.post(app.url("/reset-login")).form(&[("email", "pat@multi.test")]).send().await.unwrap();
    assert_eq!(location(&asked), "/reset-login/code");
    let mail = app.wait_for_mails("pat@multi.test", 1).await.pop().unwrap();
    let code: String =
        mail.raw.lines().map(str::trim).find(|l| l.len() == 8 && l.bytes().all(|b| b.is_ascii_digit())).unwrap().into();
    let mut guesses = tokio::task::JoinSet::new();
    for n in 0..20u32 {
        let (client, url) = (client.clone(), app.url("/reset-login/code"));
        let guess = format!("{:08}", (code.parse::<u32>().unwrap() + 1 + n) % 100_000_000);
        guesses.spawn(
            async move { client.post(url).form(&[("code", guess)]).send().await.unwrap().text().await.unwrap() },
        );
    }
    let mut wrong = 0;
    while let Some(page) = guesses.join_next().await {
        if page.unwrap().contains("That code is not right") {
            wrong += 1;
        }
    }
    assert!(wrong <= 4, "at most 4 wrong guesses are answered as such; the 5th kills the code ({wrong})");
    let late = client.post(app.url("/reset-login/code")).form(&[("code", code.as_str())]).send().await.unwrap();
    assert!(late.text().await.unwrap().contains("no longer works"), "the right code after 20 guesses is dead");
}

/// A deputy administrator: the Settings right at user level 5.
async fn deputy(app: &TestApp) -> (TestUser, Client) {
    let tenant_id = app.tenant("acme").await;
    let role = server::db::Role {
        id: 0,
        name: "Deputy".into(),
        user_level: 5,
        rights: server::db::Rights { crm: true, service: true, admin: true },
    };
    app.state.db.create_role(tenant_id, &role).await.unwrap();
    let deputy = app.add_user("acme", "deputy@acme.test", "Deputy", UserStatus::Active).await;
    let client = browser();
    let login =
        app.post_login(&client, "/settings/login", &[("user_id", &deputy.login), ("password", &deputy.password)]).await;
    assert_eq!(location(&login), "/settings");
    (deputy, client)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_reaches_no_one_above_their_own_user_level() {
    let app = spawn_app().await;
    let root = app.add_user("acme", "root@acme.test", "User level 0", UserStatus::Active).await;
    let ada = app.ada().await;
    let (_, client) = deputy(&app).await;
    let tenant_id = app.tenant("acme").await;
    let role = |name: &'static str| {
        let app = &app;
        async move { app.state.db.role_by_name(tenant_id, name).await.unwrap().unwrap() }
    };
    let (admin_role, deputy_role) = (role("User level 0").await, role("Deputy").await);
    let post = |path: String, fields: Vec<(&'static str, String)>| {
        let client = client.clone();
        let url = app.url(&path);
        async move { location(&client.post(url).form(&fields).send().await.unwrap()) }
    };
    // The deputy cannot make themself level 0, nor create or hand out a level-0 role…
    let raise = vec![
        ("name", "Deputy".to_string()),
        ("user_level", "0".to_string()),
        ("admin", "on".to_string()),
        ("crm", "on".to_string()),
    ];
    assert!(post(format!("/settings/roles/{}/save", deputy_role.id), raise).await.contains("refused=level"));
    let create = vec![("name", "Shadow".to_string()), ("user_level", "0".to_string())];
    assert!(post("/settings/roles".to_string(), create).await.contains("refused=level"));
    let clerk_role = server::db::Role {
        id: 0,
        name: "Clerk".into(),
        user_level: 9,
        rights: server::db::Rights { crm: true, service: false, admin: false },
    };
    app.state.db.create_role(tenant_id, &clerk_role).await.unwrap();
    let clerk = app.add_user("acme", "clerk@acme.test", "Clerk", UserStatus::Active).await;
    let promote = vec![("role_id", admin_role.id.to_string())];
    assert!(post(format!("/settings/users/{}/role", clerk.id), promote).await.contains("refused=level"));
    // Ada's "User" role is level 1: more powerful than the deputy's 5, so out of reach too.
    let demote = vec![("role_id", deputy_role.id.to_string())];
    assert!(post(format!("/settings/users/{}/role", ada.id), demote).await.contains("refused=level"));
    // …nor act on a level-0 administrator.
    for action in ["deactivate", "end-sessions"] {
        assert!(
            post(format!("/settings/users/{}/{action}", root.id), vec![]).await.contains("refused=level"),
            "{action}"
        );
    }
    assert_eq!(app.state.db.user_by_id(root.id).await.unwrap().unwrap().status, UserStatus::Active);
    assert_eq!(role("Deputy").await.user_level, 5);
    // Within reach, all is as before.
    let promote = vec![("role_id", deputy_role.id.to_string())];
    assert!(post(format!("/settings/users/{}/role", clerk.id), promote).await.contains("notice=role-assigned"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn known_devices_and_sessions_per_user_are_capped_oldest_first() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    // Every cookieless login remembers a device; at most 32 are kept.
    for _ in 0..36 {
        assert_eq!(location(&app.log_in(&browser(), &ada).await), "/crm");
    }
    let devices: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM devices WHERE user_id = $1")
        .bind(ada.id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(devices, 32);
    // Sessions: the oldest go past the cap.
    let tenant_id = app.tenant("acme").await;
    for n in 0..MAX_SESSIONS_PER_USER + 4 {
        let session = NewSession {
            token_hash: &format!("hash-{n}"),
            public_id: &format!("p-{n}"),
            user_id: ada.id,
            tenant_id,
            app: server::db::App::Crm,
            expires_at: i64::MAX / 2,
            idle_timeout_secs: 3600,
            ip: "127.0.0.1",
            user_agent: "test",
            parent_hash: None,
            method: "pwd",
            auth_time: n,
            second_factor_at: None,
        };
        app.state.db.insert_session(&session, 1_000 + n).await.unwrap();
    }
    assert_eq!(app.state.db.count_sessions(ada.id).await.unwrap(), MAX_SESSIONS_PER_USER);
    assert!(!app.state.db.session_exists("hash-0").await.unwrap(), "the oldest went");
    assert!(app.state.db.session_exists(&format!("hash-{}", MAX_SESSIONS_PER_USER + 3)).await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_without_its_secret_key_file_does_not_start() {
    let data = tempfile::tempdir().unwrap();
    let db = server::db::Db::connect(&fresh_database(data.path()).await).await.unwrap();
    db.migrate().await.unwrap();
    let mut args = test_args();
    args.mail.mail_dir = Some(data.path().join("mail"));
    let refused = server::startup::Application::build(&args, db, server::clock::Clock::manual()).await;
    let message = refused.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("--secret-key-file"), "{message}");
}
