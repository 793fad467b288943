//! The CRM start page is rendered once per person and language and kept (issue 19): what an
//! attacker or a user could notice if it were kept wrong. Each answer has its own nonce; a
//! session that ended, a right taken away or a deactivated user is refused however often the
//! page was served; a new name or language shows at once.

use crate::helpers::*;
use reqwest::StatusCode;
use server::db::UserStatus;

fn nonce_of(body: &str) -> String {
    let start = body.find("nonce=\"").expect("a nonce") + 7;
    body[start..start + body[start..].find('"').unwrap()].to_string()
}

async fn crm(app: &TestApp, client: &reqwest::Client) -> (String, String) {
    let response = app.get(client, "/crm").await;
    assert_eq!(response.status(), StatusCode::OK);
    let csp = response.headers()["content-security-policy"].to_str().unwrap().to_string();
    (csp, response.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_of_the_kept_page_has_its_own_nonce_matching_its_policy() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    let client = browser();
    app.log_in(&client, &ada).await;
    let (first_csp, first) = crm(&app, &client).await;
    let (second_csp, second) = crm(&app, &client).await;
    let (a, b) = (nonce_of(&first), nonce_of(&second));
    assert_ne!(a, b, "a nonce is never reused");
    assert!(first_csp.contains(&format!("'nonce-{a}'")) && second_csp.contains(&format!("'nonce-{b}'")));
    assert!(!second.contains("frontdoor-nonce"), "no placeholder left in the page");
    assert_eq!(without_nonces(&first), without_nonces(&second), "the same page otherwise");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kept_page_never_outlives_the_session_the_user_or_the_right() {
    let app = spawn_app().await;
    let tenant = app.tenant("acme").await;
    let ada = app.ada().await;
    let (ended, deactivated, no_right) = (browser(), browser(), browser());
    for client in [&ended, &deactivated, &no_right] {
        app.log_in(client, &ada).await;
        crm(&app, client).await;
    }

    // Logged out elsewhere (the session ended): refused.
    ended.post(app.url("/logout")).send().await.unwrap();
    assert_redirects_to_login(app.get(&ended, "/crm").await).await;

    // The role loses the CRM: refused.
    sqlx::query("UPDATE roles SET can_crm = 0 WHERE tenant_id = $1 AND name = 'User'")
        .bind(tenant)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    assert_redirects_to_login(app.get(&no_right, "/crm").await).await;
    sqlx::query("UPDATE roles SET can_crm = 1 WHERE tenant_id = $1 AND name = 'User'")
        .bind(tenant)
        .execute(&app.state.db.pool)
        .await
        .unwrap();

    // Deactivated: refused.
    app.log_in(&deactivated, &ada).await;
    crm(&app, &deactivated).await;
    app.state.db.set_user_status(tenant, &ada.login, UserStatus::Deactivated, app.state.clock.now()).await.unwrap();
    assert_redirects_to_login(app.get(&deactivated, "/crm").await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_name_a_new_right_or_another_language_shows_at_once() {
    let app = spawn_app().await;
    let tenant = app.tenant("acme").await;
    let ada = app.ada().await;
    let client = browser();
    app.log_in(&client, &ada).await;
    let (_, before) = crm(&app, &client).await;
    assert!(!before.contains("Ada Lovelace-Byron"));
    assert!(before.contains("href=\"/crm/service\""), "the User role may use Service");

    sqlx::query("UPDATE users SET display_name = 'Ada Lovelace-Byron' WHERE id = $1")
        .bind(ada.id)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE roles SET can_service = 0 WHERE tenant_id = $1 AND name = 'User'")
        .bind(tenant)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let (_, after) = crm(&app, &client).await;
    assert!(after.contains("Ada Lovelace-Byron"), "the new name");
    assert!(!after.contains("href=\"/crm/service\""), "no way to a right that is gone");

    let dutch = app.url("/crm");
    let page = client.get(dutch).header("accept-language", "nl").send().await.unwrap().text().await.unwrap();
    assert!(page.contains("lang=\"nl\""), "Dutch, not the kept English page");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_name_that_spells_the_nonce_mark_never_shows_a_nonce() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    sqlx::query("UPDATE users SET display_name = 'Ada {frontdoor-nonce}' WHERE id = $1")
        .bind(ada.id)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let client = browser();
    app.log_in(&client, &ada).await;
    for _ in 0..2 {
        let (_, page) = crm(&app, &client).await;
        assert!(!page.contains(&format!("Ada {}", nonce_of(&page))), "the nonce is never in the text");
        assert!(page.contains("Ada {frontdoor-nonce}"), "the name as it is");
    }
}
