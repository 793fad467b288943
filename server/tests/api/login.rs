use crate::helpers::*;
use reqwest::StatusCode;
use server::db::UserStatus;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_logs_in_and_sees_the_crm_start_page() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    let client = browser();

    let response = app.log_in(&client, &ada).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/crm");
    let cookie = set_cookie_header(response.headers(), "frontdoor").expect("a session cookie");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie} lacks {attribute}");
    }

    let page = app.get(&client, "/crm").await;
    assert_eq!(page.status(), StatusCode::OK);
    let body = page.text().await.unwrap();
    assert!(body.contains("Welcome, Ada Lovelace"));
    assert!(!body.contains("<template"), "rendered in place, readable without JavaScript");
    assert!(body.contains("ACME AS"));
    assert!(body.contains("aria-label=\"Navigator\""));
    assert!(body.contains(">Service</a>"), "a User may use Service");
    assert!(!body.contains("Settings and maintenance"), "a User may not open Settings and maintenance");
    assert!(body.contains("Personal settings"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn administrators_see_settings_and_maintenance_in_the_navigator() {
    let app = spawn_app().await;
    let admin = app.add_user("acme", "root@acme.test", "User level 0", UserStatus::Active).await;
    let client = browser();
    app.log_in(&client, &admin).await;
    let body = app.get(&client, "/crm").await.text().await.unwrap();
    assert!(body.contains(">Settings and maintenance</a>"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_ids_compare_case_insensitively() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    let response =
        app.post_login(&browser(), "/login", &[("user_id", "  ADA@Acme.Test "), ("password", &ada.password)]).await;
    assert_eq!(location(&response), "/crm");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_and_an_unknown_user_get_the_same_answer() {
    let app = spawn_app().await;
    let ada = app.ada().await;

    let wrong =
        app.post_login(&browser(), "/login", &[("user_id", &ada.login), ("password", "not-her-password")]).await;
    let wrong_status = wrong.status();
    let wrong_body = wrong.text().await.unwrap();
    let unknown = app
        .post_login(&browser(), "/login", &[("user_id", "nobody@acme.test"), ("password", "not-her-password")])
        .await;
    let unknown_status = unknown.status();
    let unknown_body = unknown.text().await.unwrap();

    assert_eq!(wrong_status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown_status, wrong_status);
    assert!(wrong_body.contains("Wrong user ID or password"));
    assert!(unknown_body.contains("Wrong user ID or password"));
    // Apart from the echoed user ID, the two pages are identical.
    assert_eq!(
        without_nonces(&wrong_body).replace(&ada.login, "X"),
        without_nonces(&unknown_body).replace("nobody@acme.test", "X")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_login_keeps_the_user_id_but_not_the_password() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    let body = app
        .post_login(&browser(), "/login", &[("user_id", &ada.login), ("password", "secret-typed-wrong")])
        .await
        .text()
        .await
        .unwrap();
    assert!(body.contains(&format!("value=\"{}\"", ada.login)));
    assert!(!body.contains("secret-typed-wrong"));
    assert!(body.contains("role=\"alert\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deactivated_user_with_the_right_password_is_told_the_account_is_not_active() {
    let app = spawn_app().await;
    let ada = app.add_user("acme", "ada@acme.test", "User", UserStatus::Deactivated).await;
    let response = app.log_in(&browser(), &ada).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response.text().await.unwrap().contains("Your account is not active"));

    let wrong = app.post_login(&browser(), "/login", &[("user_id", &ada.login), ("password", "guess")]).await;
    assert!(wrong.text().await.unwrap().contains("Wrong user ID or password"), "a wrong guess learns nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deactivating_a_user_ends_their_sessions() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    let client = browser();
    app.log_in(&client, &ada).await;
    assert_eq!(app.get(&client, "/crm").await.status(), StatusCode::OK);

    let tenant = app.state.db.tenant_by_slug("acme").await.unwrap().unwrap();
    app.state.db.set_user_status(tenant.id, &ada.login, UserStatus::Deactivated, app.state.clock.now()).await.unwrap();
    assert_redirects_to_login(app.get(&client, "/crm").await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_failures_lock_the_account_briefly_even_against_the_right_password() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    for _ in 0..3 {
        let r = app.post_login(&browser(), "/login", &[("user_id", &ada.login), ("password", "wrong")]).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let locked = app.log_in(&browser(), &ada).await;
    assert_eq!(locked.status(), StatusCode::UNAUTHORIZED);
    assert!(locked.text().await.unwrap().contains("Wrong user ID or password"), "a lock looks like a wrong password");

    app.advance(2);
    let after = app.log_in(&browser(), &ada).await;
    assert_eq!(after.status(), StatusCode::SEE_OTHER, "the lock expires");

    // Success forgives the streak: two more failures do not lock again.
    for _ in 0..2 {
        app.post_login(&browser(), "/login", &[("user_id", &ada.login), ("password", "wrong")]).await;
    }
    assert_eq!(app.log_in(&browser(), &ada).await.status(), StatusCode::SEE_OTHER);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lock_grows_with_every_failure() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    for n in 0..5 {
        app.post_login(&browser(), "/login", &[("user_id", &ada.login), ("password", "wrong")]).await;
        if (2..4).contains(&n) {
            app.advance(1 << (n - 2)); // 1 s, then 2 s: just long enough to try again
        }
    }
    // The fifth failure locked for 4 s; 3 s later it is still locked.
    app.advance(3);
    assert_eq!(app.log_in(&browser(), &ada).await.status(), StatusCode::UNAUTHORIZED);
    app.advance(2);
    assert_eq!(app.log_in(&browser(), &ada).await.status(), StatusCode::SEE_OTHER);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_many_failures_from_one_address_are_refused() {
    let app = spawn_app_with(|args| args.ip_failures_per_minute = 3).await;
    let ada = app.ada().await;
    for n in 0..3 {
        let who = format!("nobody{n}@acme.test");
        app.post_login(&browser(), "/login", &[("user_id", &who), ("password", "wrong")]).await;
    }
    let refused = app.log_in(&browser(), &ada).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.headers().get("retry-after").unwrap(), "60");
    assert!(refused.text().await.unwrap().contains("Too many login attempts"));
    app.advance(61);
    assert_eq!(app.log_in(&browser(), &ada).await.status(), StatusCode::SEE_OTHER);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_hashing_queue_answers_503_with_retry_after() {
    let app = spawn_app_with(|args| {
        args.hash_workers = Some(1);
        args.hash_queue = Some(1);
    })
    .await;
    // Different user IDs: attempts on one account take turns and would never fill the queue.
    let mut pending = Vec::new();
    for n in 0..12 {
        let client = browser();
        let url = app.url("/login");
        let fields = [("user_id", format!("someone{n}@acme.test")), ("password", "a guess".to_string())];
        pending.push(tokio::spawn(async move { client.post(url).form(&fields).send().await.unwrap() }));
    }
    let mut busy = 0;
    for job in pending {
        let response = job.await.unwrap();
        if response.status() == StatusCode::SERVICE_UNAVAILABLE {
            assert_eq!(response.headers().get("retry-after").unwrap(), "1");
            assert!(response.text().await.unwrap().contains("The server is busy"));
            busy += 1;
        } else {
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        }
    }
    assert!(busy > 0, "twelve logins at once on one worker with one queue slot must turn some away");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_person_logging_in_twice_at_once_is_never_told_the_password_is_wrong() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    let (a, b) = (browser(), browser());
    let (one, two) = tokio::join!(app.log_in(&a, &ada), app.log_in(&b, &ada));
    let statuses = [one.status(), two.status()];
    // Overlapping attempts on one user ID: the second is told to retry, never "wrong password".
    assert!(statuses.contains(&StatusCode::SEE_OTHER), "{statuses:?}");
    assert!(
        statuses.iter().all(|s| *s == StatusCode::SEE_OTHER || *s == StatusCode::SERVICE_UNAVAILABLE),
        "{statuses:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_in_several_tenants_logs_in_through_the_tenant_address() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    let other = app.add_user("globex", "ada@acme.test", "User", UserStatus::Active).await;

    let acme =
        app.post_login(&browser(), "/t/acme/login", &[("user_id", &ada.login), ("password", &ada.password)]).await;
    assert_eq!(location(&acme), "/crm");
    let client = browser();
    app.post_login(&client, "/t/globex/login", &[("user_id", &other.login), ("password", &other.password)]).await;
    assert!(app.get(&client, "/crm").await.text().await.unwrap().contains("GLOBEX AS"));

    // Without a tenant, the password decides; the wrong tenant's password does not open it.
    let plain = app.post_login(&browser(), "/login", &[("user_id", &ada.login), ("password", &ada.password)]).await;
    assert_eq!(location(&plain), "/crm?notice=other-tenants", "and the start page says there are others");
    let crossed =
        app.post_login(&browser(), "/t/globex/login", &[("user_id", &ada.login), ("password", &ada.password)]).await;
    assert_eq!(crossed.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_tenant_answers_like_an_unknown_user() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    let nope =
        app.post_login(&browser(), "/t/nope/login", &[("user_id", &ada.login), ("password", &ada.password)]).await;
    let unknown =
        app.post_login(&browser(), "/t/acme/login", &[("user_id", "nobody@acme.test"), ("password", "x")]).await;
    assert_eq!(nope.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(nope.status(), unknown.status());
    let (nope, unknown) = (nope.text().await.unwrap(), unknown.text().await.unwrap());
    assert!(nope.contains("Wrong user ID or password"), "{nope}");
    assert!(!nope.contains("no tenant"), "nothing tells that the tenant does not exist");
    assert!(unknown.contains("Wrong user ID or password"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_function_logs_in_without_a_page_load() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    let client = browser();
    let wrong = client
        .post(app.url("/api/login"))
        .form(&[("user_id", ada.login.as_str()), ("password", "wrong")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(wrong.text().await.unwrap().contains("WrongCredentials"));

    let ok = client
        .post(app.url("/api/login"))
        .form(&[("user_id", ada.login.as_str()), ("password", ada.password.as_str()), ("next", "/crm?tab=1")])
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    assert!(session_cookie(ok.headers()).is_some());
    assert_eq!(ok.text().await.unwrap(), "\"/crm?tab=1\"");
    assert_eq!(app.get(&client, "/crm").await.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logins_logouts_and_failures_are_audited() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    let client = browser();
    app.post_login(&client, "/login", &[("user_id", &ada.login), ("password", "wrong")]).await;
    app.post_login(&client, "/login", &[("user_id", "ghost@acme.test"), ("password", "wrong")]).await;
    app.log_in(&client, &ada).await;
    client.post(app.url("/logout")).send().await.unwrap();

    let events = app.state.db.recent_audit(10).await.unwrap();
    let seen: Vec<(String, String)> = events.iter().rev().map(|e| (e.event.clone(), e.outcome.clone())).collect();
    assert_eq!(
        seen,
        [("login", "failure"), ("login", "failure"), ("login", "success"), ("logout", "success")]
            .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    assert!(events.iter().all(|e| e.ip.as_deref() == Some("127.0.0.1")));
    assert!(events.iter().any(|e| e.subject.as_deref() == Some("ghost@acme.test")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_guesses_do_not_slip_past_the_soft_lock() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    let mut pending = Vec::new();
    for n in 0..12 {
        let client = browser();
        let url = app.url("/login");
        let fields = [("user_id", ada.login.clone()), ("password", format!("guess-{n}"))];
        pending.push(tokio::spawn(async move { client.post(url).form(&fields).send().await.unwrap().status() }));
    }
    for job in pending {
        let status = job.await.unwrap();
        assert!(status == StatusCode::UNAUTHORIZED || status == StatusCode::SERVICE_UNAVAILABLE, "{status}");
    }
    // Overlapping guesses are turned away unchecked; the clock stands still, so once three
    // guesses were checked the rest met the lock.
    let real_checks = app.state.db.recent_audit_details("wrong password").await.unwrap();
    assert!(real_checks <= 3, "{real_checks} guesses were checked against the real hash");
}
