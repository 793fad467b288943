//! Activation, password reset, change password and the forgot-password request, through the
//! emails the server writes (no SMTP configured: `.eml` files in the data folder).

use crate::helpers::*;
use reqwest::header::SET_COOKIE;
use reqwest::StatusCode;
use server::db::UserStatus;
use sha2::{Digest, Sha256};

const STRONG: &str = "violet canyon drifts over seven lanterns";

async fn post_form(client: &reqwest::Client, url: String, fields: &[(&str, &str)]) -> reqwest::Response {
    client.post(url).form(fields).send().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invitation_email_leads_to_an_activated_account_and_a_crm_session() {
    let app = spawn_app().await;
    let user_id = app.invite("acme", "grace@acme.test", "en").await;
    let outbox = app.state.db.mail_of_user(user_id).await.unwrap();
    assert_eq!(outbox.len(), 1, "the invitation is an outbox row");
    assert_eq!(outbox[0].kind.as_str(), "activation");

    let mail = app.wait_for_mails("grace@acme.test", 1).await.remove(0);
    assert!(mail.header("Subject").unwrap().contains("Activate your account"));
    assert!(mail.raw.contains("Content-Type: text/html"), "an HTML part");
    assert!(mail.raw.contains("Content-Type: text/plain"), "a text part");
    let link = mail.link("/activate/").expect("an Activate now link");
    assert!(link.starts_with(&app.address), "links come from the public URL: {link}");

    let browser = browser();
    let (status, page) = open_link(&browser, &link).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Activate account") && page.contains("Confirm password"), "{page}");
    assert!(page.contains("role=\"meter\"") && page.contains("Password strength"));
    assert!(page.contains("/pkg/passwords/frontend-passwords.js"), "the password pages' own bundle");

    let weak = post_form(&browser, app.url("/activate"), &[("password", "password1"), ("confirm", "password1")]).await;
    assert_eq!(weak.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(weak.text().await.unwrap().contains("too easy to guess"));

    let done = post_form(&browser, app.url("/activate"), &[("password", STRONG), ("confirm", STRONG)]).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&done), "/crm");
    let crm = browser.get(app.url("/crm")).send().await.unwrap();
    assert_eq!(crm.status(), StatusCode::OK, "activation logs the person in");
    assert!(crm.text().await.unwrap().contains("Grace Hopper"));

    let user = app.state.db.user_by_id(user_id).await.unwrap().unwrap();
    assert_eq!(user.status, UserStatus::Active);
    // The new password works at the login page.
    let again = crate::helpers::browser();
    let login = post_form(&again, app.url("/login"), &[("user_id", "grace@acme.test"), ("password", STRONG)]).await;
    assert_eq!(login.status(), StatusCode::SEE_OTHER);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn links_are_single_use_hashed_at_rest_and_never_stored_raw() {
    let app = spawn_app().await;
    app.invite("acme", "grace@acme.test", "en").await;
    let link = app.wait_for_mails("grace@acme.test", 1).await[0].link("/activate/").unwrap();
    let raw = link.rsplit('/').next().unwrap().to_string();

    let hashes: Vec<String> =
        sqlx::query_scalar("SELECT token_hash FROM one_time_tokens").fetch_all(&app.state.db.pool).await.unwrap();
    assert_eq!(hashes, vec![hex::encode(Sha256::digest(raw.as_bytes()))], "only the SHA-256 is stored");
    let outbox: Vec<(String, String, Option<String>)> =
        sqlx::query_as("SELECT kind, recipient, last_error FROM outbox").fetch_all(&app.state.db.pool).await.unwrap();
    assert!(!format!("{outbox:?}").contains(&raw), "the outbox never holds the link");

    let browser = browser();
    open_link(&browser, &link).await;
    let done = post_form(&browser, app.url("/activate"), &[("password", STRONG), ("confirm", STRONG)]).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);

    let (_, page) = open_link(&crate::helpers::browser(), &link).await;
    assert!(page.contains("This link is no longer valid"), "a used link: {page}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn links_expire_and_a_newer_link_replaces_the_older() {
    let app = spawn_app().await;
    let user_id = app.invite("acme", "grace@acme.test", "en").await;
    let first = app.wait_for_mails("grace@acme.test", 1).await[0].link("/activate/").unwrap();

    // The administrator sends it again: the first link stops working.
    let user = app.state.db.user_by_id(user_id).await.unwrap().unwrap();
    app.state
        .db
        .queue_mail(server::db::MailKind::Link(app::domain::LinkKind::Activation), &user, app.state.clock.now())
        .await
        .unwrap();
    let second = app.wait_for_mails("grace@acme.test", 2).await[1].link("/activate/").unwrap();
    assert_ne!(first, second);
    // The older link is retired once the newer message is out, a moment after it arrives.
    let mut page = String::new();
    for _ in 0..50 {
        page = open_link(&browser(), &first).await.1;
        if page.contains("This link is no longer valid") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(page.contains("This link is no longer valid"), "{page}");
    let (_, page) = open_link(&browser(), &second).await;
    assert!(page.contains("Confirm password"), "{page}");

    // 72 hours later the second one has expired too.
    app.state.clock.advance(72 * 3600 + 1);
    let (_, page) = open_link(&browser(), &second).await;
    assert!(page.contains("This link is no longer valid"), "{page}");
    assert!(page.contains("administrator"), "the page says what to do next");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_policy_refuses_with_a_reason_next_to_the_field() {
    let app = spawn_app().await;
    app.invite("acme", "grace.hopper@acme.test", "en").await;
    let link = app.wait_for_mails("grace.hopper@acme.test", 1).await[0].link("/activate/").unwrap();
    let browser = browser();
    open_link(&browser, &link).await;
    let long = "correct horse ".repeat(10);
    let cases: [(&str, &str, &str); 6] = [
        ("", "", "Enter a password."),
        ("tulip7", "tulip7", "at least 8 characters"),
        (&long, &long, "at most 128 characters"),
        ("qwertyuiop", "qwertyuiop", "too easy to guess"),
        (STRONG, "violet canyon drifts over seven lantern", "not the same"),
        ("grace.hopper@acme.test is me", "grace.hopper@acme.test is me", "Do not use your name, email address"),
    ];
    for (password, confirm, message) in cases {
        let refused = post_form(&browser, app.url("/activate"), &[("password", password), ("confirm", confirm)]).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        let page = refused.text().await.unwrap();
        assert!(page.contains(message), "expected {message:?}");
        assert!(!password.is_empty() && !page.contains(password) || password.is_empty(), "passwords are not echoed");
    }
    // Nothing was used up: the link still works.
    let done = post_form(&browser, app.url("/activate"), &[("password", STRONG), ("confirm", STRONG)]).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forgot_password_answers_alike_for_known_and_unknown_addresses() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    let known = post_form(&browser(), app.url("/forgot-password"), &[("email", &ada.login)]).await;
    let unknown = post_form(&browser(), app.url("/forgot-password"), &[("email", "nobody@acme.test")]).await;
    assert_eq!(known.status(), unknown.status());
    assert_eq!(location(&known), location(&unknown));
    assert_eq!(known.headers().get(SET_COOKIE).is_some(), unknown.headers().get(SET_COOKIE).is_some());
    let sent = browser().get(app.url(&location(&known))).send().await.unwrap().text().await.unwrap();
    assert!(sent.contains("Check your email"), "{sent}");

    assert_eq!(app.wait_for_mails(&ada.login, 1).await.len(), 1);
    assert!(app.mails_to("nobody@acme.test").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forgot_password_is_rate_limited_per_address() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    for _ in 0..5 {
        let ok = post_form(&browser(), app.url("/forgot-password"), &[("email", &ada.login)]).await;
        assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    }
    let sixth = post_form(&browser(), app.url("/forgot-password"), &[("email", &ada.login)]).await;
    assert_eq!(sixth.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(sixth.text().await.unwrap().contains("Too many reset requests"));
    app.state.clock.advance(301);
    let later = post_form(&browser(), app.url("/forgot-password"), &[("email", &ada.login)]).await;
    assert_eq!(later.status(), StatusCode::SEE_OTHER);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_ends_every_session_unlocks_and_sends_a_notice() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    let other_device = browser();
    let login =
        post_form(&other_device, app.url("/login"), &[("user_id", &ada.login), ("password", &ada.password)]).await;
    assert_eq!(login.status(), StatusCode::SEE_OTHER);
    // Someone guesses until the account is soft-locked.
    for _ in 0..4 {
        post_form(&browser(), app.url("/login"), &[("user_id", &ada.login), ("password", "wrong guess")]).await;
    }

    post_form(&browser(), app.url("/forgot-password"), &[("email", &ada.login)]).await;
    let link = app.wait_for_mails(&ada.login, 1).await[0].link("/reset-password/").unwrap();
    let me = browser();
    let (status, page) = open_link(&me, &link).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Reset password") && page.contains("Repeat password"), "{page}");
    let done = post_form(&me, app.url("/reset-password"), &[("password", STRONG), ("confirm", STRONG)]).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&done), "/login?notice=password-reset");

    let ended = other_device.get(app.url("/crm")).send().await.unwrap();
    assert_eq!(ended.status(), StatusCode::SEE_OTHER, "the other device's session ended");
    let unlocked = post_form(&browser(), app.url("/login"), &[("user_id", &ada.login), ("password", STRONG)]).await;
    assert_eq!(unlocked.status(), StatusCode::SEE_OTHER, "the reset cleared the lockout");

    let mails = app.wait_for_mails(&ada.login, 2).await;
    assert!(mails[1].header("Subject").unwrap().contains("Your password was changed"));
    let (_, page) = open_link(&browser(), &link).await;
    assert!(page.contains("This link is no longer valid"), "the used reset link is refused");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn change_password_checks_the_current_one_keeps_this_session_and_ends_the_others() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    let (here, elsewhere) = (browser(), browser());
    app.log_in(&here, &ada).await;
    app.log_in(&elsewhere, &ada).await;

    let page = here.get(app.url("/crm/password")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Current password") && page.contains("New password") && page.contains("Confirm password"));

    let fields = |current: &'static str| [("current", current), ("password", STRONG), ("confirm", STRONG)];
    let wrong = post_form(&here, app.url("/crm/password"), &fields("not my password")).await;
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    assert!(wrong.text().await.unwrap().contains("The current password is not right"));

    let current = ada.password.clone();
    let ok = post_form(
        &here,
        app.url("/crm/password"),
        &[("current", current.as_str()), ("password", STRONG), ("confirm", STRONG)],
    )
    .await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&ok), "/crm/password?notice=password-changed");
    assert_eq!(here.get(app.url("/crm")).send().await.unwrap().status(), StatusCode::OK, "this session stays");
    assert_eq!(elsewhere.get(app.url("/crm")).send().await.unwrap().status(), StatusCode::SEE_OTHER);
    let mails = app.wait_for_mails(&ada.login, 1).await;
    assert!(mails[0].header("Subject").unwrap().contains("Your password was changed"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dutch_activation_email_and_page_are_dutch() {
    let app = spawn_app().await;
    app.invite("acme", "jan@acme.test", "nl").await;
    let mail = app.wait_for_mails("jan@acme.test", 1).await.remove(0);
    assert!(mail.raw.contains("Nu activeren"), "{}", mail.raw);
    let (_, page) = open_link(&browser(), &mail.link("/activate/").unwrap()).await;
    assert!(page.contains("Account activeren") && page.contains("Wachtwoord bevestigen"), "{page}");
    assert!(page.contains("lang=\"nl\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn onsite_installations_send_people_to_their_administrator() {
    let app = spawn_app_with(|args| args.mode = server::config::Mode::Onsite).await;
    let ada = app.ada().await;
    let page = browser().get(app.url("/forgot-password")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Contact your administrator to receive a new password."));
    assert!(!page.contains("Reset Password"));
    post_form(&browser(), app.url("/forgot-password"), &[("email", &ada.login)]).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(app.mails_to(&ada.login).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emailed_links_ignore_a_forged_host_header() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    let forged = browser()
        .post(app.url("/forgot-password"))
        .header("Host", "evil.test")
        .form(&[("email", ada.login.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::SEE_OTHER);
    let link = app.wait_for_mails(&ada.login, 1).await[0].link("/reset-password/").unwrap();
    assert!(link.starts_with(&app.address), "{link}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deactivation_retires_links_sent_before_it() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    post_form(&browser(), app.url("/forgot-password"), &[("email", &ada.login)]).await;
    let link = app.wait_for_mails(&ada.login, 1).await[0].link("/reset-password/").unwrap();
    let db = &app.state.db;
    let now = app.state.clock.now();
    assert!(db.set_user_status(ada.tenant_id, &ada.login, UserStatus::Deactivated, now).await.unwrap());
    assert!(db.set_user_status(ada.tenant_id, &ada.login, UserStatus::Active, now).await.unwrap());
    let (_, page) = open_link(&browser(), &link).await;
    assert!(page.contains("This link is no longer valid"), "{page}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_current_password_counts_towards_the_soft_lock() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    let here = browser();
    app.log_in(&here, &ada).await;
    for _ in 0..3 {
        let wrong = post_form(
            &here,
            app.url("/crm/password"),
            &[("current", "a wrong guess"), ("password", STRONG), ("confirm", STRONG)],
        )
        .await;
        assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    }
    // Three failures in a row from this browser: it now waits before any password is checked.
    let right = post_form(&here, app.url("/login"), &[("user_id", &ada.login), ("password", &ada.password)]).await;
    assert_eq!(right.status(), StatusCode::UNAUTHORIZED, "soft-locked, even with the right password");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn activating_without_the_crm_right_says_so_instead_of_opening_the_crm() {
    let app = spawn_app().await;
    let tenant = app.tenant("acme").await;
    let role = server::db::Role {
        id: 0,
        name: "Service only".into(),
        user_level: 3,
        rights: server::db::Rights { crm: false, service: true, admin: false },
    };
    let role_id = app.state.db.create_role(tenant, &role).await.unwrap();
    let user = server::db::NewUser {
        tenant_id: tenant,
        role_id,
        login_name: "sam@acme.test",
        email: Some("sam@acme.test"),
        display_name: "Sam",
        status: UserStatus::Invited,
        password_hash: None,
        language: None,
    };
    app.state.db.invite_user(&user, app.state.clock.now()).await.unwrap();
    let link = app.wait_for_mails("sam@acme.test", 1).await[0].link("/activate/").unwrap();
    let browser = browser();
    open_link(&browser, &link).await;
    let done = post_form(&browser, app.url("/activate"), &[("password", STRONG), ("confirm", STRONG)]).await;
    assert_eq!(location(&done), "/login?notice=no-crm-right");
    let page = browser.get(app.url(&location(&done))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Your role does not include the CRM"), "{page}");
    let user = app.state.db.users_by_login("sam@acme.test", Some(tenant)).await.unwrap().remove(0);
    assert_eq!(user.status, UserStatus::Active, "the account is active all the same");
}
