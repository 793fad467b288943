//! "Reset login": an emailed code proves an address; then the person picks a tenant and logs in
//! there with their password.

use crate::helpers::*;
use reqwest::{Client, StatusCode};
use server::db::UserStatus;

/// Two active accounts with one address, in Acme and in Globex.
async fn pat(app: &TestApp) -> (TestUser, TestUser) {
    let acme = app.add_user("acme", "pat@multi.test", "User", UserStatus::Active).await;
    let globex = app.add_user("globex", "pat@multi.test", "User", UserStatus::Active).await;
    (acme, globex)
}

async fn ask_for_code(app: &TestApp, client: &Client, email: &str) -> reqwest::Response {
    client.post(app.url("/reset-login")).form(&[("email", email)]).send().await.unwrap()
}

async fn type_code(app: &TestApp, client: &Client, code: &str) -> reqwest::Response {
    client.post(app.url("/reset-login/code")).form(&[("code", code)]).send().await.unwrap()
}

/// The code in the `n`-th message to `email` (1-based).
async fn code_in_mail(app: &TestApp, email: &str, n: usize) -> String {
    let mails = app.wait_for_mails(email, n).await;
    let mail = &mails[n - 1];
    assert!(mail.header("Subject").is_some_and(|s| s.contains("code")), "{}", mail.raw);
    mail.raw
        .lines()
        .map(str::trim)
        .find(|line| line.len() == 8 && line.bytes().all(|b| b.is_ascii_digit()))
        .expect("an 8-digit code")
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_in_two_tenants_code_then_tenant_then_password() {
    let app = spawn_app().await;
    let (_, globex) = pat(&app).await;
    let client = browser();
    let asked = ask_for_code(&app, &client, "Pat@Multi.test").await;
    assert_eq!(asked.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&asked), "/reset-login/code");
    let cookie = set_cookie_header(asked.headers(), "frontdoor_choice").unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("Path=/reset-login"), "{cookie}");

    let code = code_in_mail(&app, "pat@multi.test", 1).await;
    let verified = type_code(&app, &client, &code).await;
    assert_eq!(location(&verified), "/reset-login/choose");
    assert!(session_cookie(verified.headers()).is_none(), "the code alone logs nobody in");
    assert_redirects_to_login(app.get(&client, "/crm").await).await;

    let page = app.get(&client, "/reset-login/choose").await.text().await.unwrap();
    assert!(
        page.contains(">ACME AS</button>") && page.contains(">GLOBEX AS</button>") && page.contains("name=\"tenant\""),
        "{page}"
    );
    let chosen = client.post(app.url("/reset-login/choose")).form(&[("tenant", "globex")]).send().await.unwrap();
    assert_eq!(location(&chosen), "/t/globex/login");
    assert!(session_cookie(chosen.headers()).is_none());
    let login_page = app.get(&client, "/t/globex/login").await.text().await.unwrap();
    assert!(login_page.contains("value=\"pat@multi.test\""), "the user ID is filled in");

    let logged_in =
        app.post_login(&client, "/login", &[("user_id", "pat@multi.test"), ("password", &globex.password)]).await;
    assert_eq!(location(&logged_in), "/crm", "the remembered tenant decides, and says nothing more");
    assert!(app.get(&client, "/crm").await.text().await.unwrap().contains("GLOBEX AS"));
    // The choice was used up.
    let again = client.post(app.url("/reset-login/choose")).form(&[("tenant", "acme")]).send().await.unwrap();
    assert_eq!(location(&again), "/reset-login/choose");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_address_gets_the_same_answer_and_no_code_works_for_it() {
    let app = spawn_app().await;
    pat(&app).await;
    let (known, unknown) = (browser(), browser());
    let a = ask_for_code(&app, &known, "pat@multi.test").await;
    let b = ask_for_code(&app, &unknown, "nobody@multi.test").await;
    assert_eq!((a.status(), location(&a)), (b.status(), location(&b)));
    assert!(set_cookie_header(b.headers(), "frontdoor_choice").is_some());
    let code_page = |client: &Client| {
        let client = client.clone();
        let url = app.url("/reset-login/code");
        async move { without_nonces(&client.get(url).send().await.unwrap().text().await.unwrap()) }
    };
    assert_eq!(code_page(&known).await, code_page(&unknown).await);
    let wrong = type_code(&app, &unknown, "12345678").await;
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    assert!(app.mails_to("nobody@multi.test").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_wrong_codes_kill_the_code() {
    let app = spawn_app().await;
    pat(&app).await;
    let client = browser();
    ask_for_code(&app, &client, "pat@multi.test").await;
    let code = code_in_mail(&app, "pat@multi.test", 1).await;
    let wrong = if code == "00000000" { "11111111" } else { "00000000" };
    for _ in 0..4 {
        let refused = type_code(&app, &client, wrong).await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        assert!(refused.text().await.unwrap().contains("That code is not right"));
    }
    let fifth = type_code(&app, &client, wrong).await;
    assert!(fifth.text().await.unwrap().contains("This code no longer works"));
    let right = type_code(&app, &client, &code).await;
    assert_eq!(right.status(), StatusCode::FORBIDDEN, "dead for good");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_works_once_for_ten_minutes_and_a_newer_one_retires_it() {
    let app = spawn_app().await;
    pat(&app).await;
    let first = browser();
    ask_for_code(&app, &first, "pat@multi.test").await;
    let code = code_in_mail(&app, "pat@multi.test", 1).await;
    assert_eq!(location(&type_code(&app, &first, &code).await), "/reset-login/choose");
    assert_eq!(type_code(&app, &first, &code).await.status(), StatusCode::FORBIDDEN, "single use");

    let late = browser();
    ask_for_code(&app, &late, "pat@multi.test").await;
    let code = code_in_mail(&app, "pat@multi.test", 2).await;
    app.advance(601);
    assert_eq!(type_code(&app, &late, &code).await.status(), StatusCode::FORBIDDEN, "ten minutes");

    let (older, newer) = (browser(), browser());
    ask_for_code(&app, &older, "pat@multi.test").await;
    let old_code = code_in_mail(&app, "pat@multi.test", 3).await;
    ask_for_code(&app, &newer, "pat@multi.test").await;
    let new_code = code_in_mail(&app, "pat@multi.test", 4).await;
    assert_eq!(type_code(&app, &older, &old_code).await.status(), StatusCode::FORBIDDEN, "retired");
    assert_eq!(location(&type_code(&app, &newer, &new_code).await), "/reset-login/choose");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_active_accounts_are_offered_and_one_goes_straight_on() {
    let app = spawn_app().await;
    app.add_user("acme", "pat@multi.test", "User", UserStatus::Active).await;
    app.add_user("globex", "pat@multi.test", "User", UserStatus::Deactivated).await;
    app.add_user("initech", "pat@multi.test", "User", UserStatus::Invited).await;
    let client = browser();
    ask_for_code(&app, &client, "pat@multi.test").await;
    let code = code_in_mail(&app, "pat@multi.test", 1).await;
    type_code(&app, &client, &code).await;
    let choose = app.get(&client, "/reset-login/choose").await;
    assert_eq!(location(&choose), "/t/acme/login", "a single tenant needs no choosing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_requests_are_limited_per_address() {
    let app = spawn_app().await;
    pat(&app).await;
    for _ in 0..5 {
        assert_eq!(ask_for_code(&app, &browser(), "pat@multi.test").await.status(), StatusCode::SEE_OTHER);
    }
    let limited = ask_for_code(&app, &browser(), "pat@multi.test").await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.headers().get("retry-after").unwrap(), "300");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_that_picked_one_of_several_tenants_says_so_only_after_the_right_password() {
    let app = spawn_app().await;
    let (acme, _) = pat(&app).await;
    let wrong = app.post_login(&browser(), "/login", &[("user_id", "pat@multi.test"), ("password", "nope")]).await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(!wrong.text().await.unwrap().contains("other tenants"));

    let client = browser();
    let first = app.post_login(&client, "/login", &[("user_id", "pat@multi.test"), ("password", &acme.password)]).await;
    assert_eq!(location(&first), "/crm?notice=other-tenants");
    let page = app.get(&client, "/crm?notice=other-tenants").await.text().await.unwrap();
    assert!(page.contains("You are in ACME AS. This email address is also used in other tenants."), "{page}");
    assert!(page.contains("href=\"/reset-login\""));
    let next = app.post_login(&client, "/login", &[("user_id", "pat@multi.test"), ("password", &acme.password)]).await;
    assert_eq!(location(&next), "/crm", "this browser remembers its tenant now");
}
