use crate::helpers::*;
use reqwest::StatusCode;

/// Two instances on one database (PostgreSQL in CI's second run; a shared SQLite file in the
/// first) serve the same sessions.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_started_on_one_instance_works_and_ends_on_the_other() {
    let a = spawn_app().await;
    let b = spawn_second_instance(&a).await;
    let ada = a.ada().await;
    let token = session_cookie(a.log_in(&browser(), &ada).await.headers()).unwrap();
    let bare = bare_client();
    let on = |app: &TestApp, path: &str| bare.get(app.url(path)).header("cookie", format!("frontdoor={token}"));

    assert_eq!(on(&b, "/crm").send().await.unwrap().status(), StatusCode::OK);
    let logout = bare.post(b.url("/logout")).header("cookie", format!("frontdoor={token}")).send().await.unwrap();
    assert_eq!(logout.status(), StatusCode::SEE_OTHER);
    assert_redirects_to_login(on(&a, "/crm").send().await.unwrap()).await;
}

/// Several test workers logging in as one user at the same moment all get in: overlapping
/// attempts on one user ID wait their turn instead of being told "busy".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_parallel_logins_of_one_user_all_succeed() {
    let a = spawn_app().await;
    let b = spawn_second_instance(&a).await;
    let ada = a.ada().await;
    let mut logins = tokio::task::JoinSet::new();
    for n in 0..4 {
        let url = if n % 2 == 0 { a.url("/login") } else { b.url("/login") };
        let fields = [("user_id", ada.login.clone()), ("password", ada.password.clone())];
        logins.spawn(async move { browser().post(url).form(&fields).send().await.unwrap().status() });
    }
    while let Some(status) = logins.join_next().await {
        assert_eq!(status.unwrap(), StatusCode::SEE_OTHER);
    }
}

fn on_postgres() -> bool {
    std::env::var("TEST_DATABASE_URL").is_ok_and(|url| url.starts_with("postgres"))
}

/// On PostgreSQL the limits live in the database: two instances enforce what one would.
/// SQLite serves one instance (its limits are in memory), so this is reported as ignored there
/// and runs in the PostgreSQL pass (`--include-ignored` with `TEST_DATABASE_URL`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "PostgreSQL only: runs in the PostgreSQL pass"]
async fn two_instances_on_postgresql_enforce_one_set_of_limits() {
    assert!(on_postgres(), "needs TEST_DATABASE_URL=postgres://…: with SQLite each instance has its own limits");
    let a = spawn_app_with(|args| args.ip_failures_per_minute = 3).await;
    let b = spawn_app_on(&a.db_url, tempfile::tempdir().unwrap(), |args| args.ip_failures_per_minute = 3).await;
    let guess = |app: &TestApp| {
        browser().post(app.url("/login")).form(&[("user_id", "nobody@acme.test"), ("password", "x")]).send()
    };
    for app in [&a, &b, &a] {
        assert_eq!(guess(app).await.unwrap().status(), StatusCode::UNAUTHORIZED);
    }
    assert_eq!(guess(&b).await.unwrap().status(), StatusCode::TOO_MANY_REQUESTS, "three failures across both");

    let forgot = |app: &TestApp| browser().post(app.url("/forgot-password")).form(&[("email", "x@acme.test")]).send();
    for app in [&a, &b, &a, &b, &a] {
        assert_eq!(forgot(app).await.unwrap().status(), StatusCode::SEE_OTHER);
    }
    assert_eq!(forgot(&b).await.unwrap().status(), StatusCode::TOO_MANY_REQUESTS, "five requests across both");
}
