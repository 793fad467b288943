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
