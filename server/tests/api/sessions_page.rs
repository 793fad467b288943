use crate::helpers::*;
use reqwest::StatusCode;
use server::db::UserStatus;

/// The `id`s of the "Log out" forms on the sessions page.
fn session_ids(body: &str) -> Vec<String> {
    body.split("name=\"id\"").skip(1).filter_map(|rest| hidden_value(&format!("name=\"id\"{rest}"), "id")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sessions_page_lists_every_session_and_marks_this_one() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    let (laptop, phone) = (browser(), browser());
    app.log_in(&laptop, &ada).await;
    app.log_in(&phone, &ada).await;

    let page = app.get(&laptop, "/crm/sessions").await;
    assert_eq!(page.status(), StatusCode::OK);
    let body = page.text().await.unwrap();
    assert_eq!(body.matches("This session").count(), 1);
    assert_eq!(session_ids(&body).len(), 1, "one other session to log out of");
    assert!(body.contains("127.0.0.1"));
    assert!(body.contains("Log out everywhere else"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logging_out_another_session_takes_effect_on_its_next_request() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    let (laptop, phone) = (browser(), browser());
    app.log_in(&laptop, &ada).await;
    app.log_in(&phone, &ada).await;
    let body = app.get(&laptop, "/crm/sessions").await.text().await.unwrap();
    let phone_id = session_ids(&body).remove(0);

    let end = laptop.post(app.url("/crm/sessions/end")).form(&[("id", phone_id.as_str())]).send().await.unwrap();
    assert_eq!(location(&end), "/crm/sessions?notice=session-logged-out");
    assert_redirects_to_login(app.get(&phone, "/crm").await).await;
    assert_eq!(app.get(&laptop, "/crm").await.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_out_everywhere_else_keeps_only_this_session() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    let (one, two, three) = (browser(), browser(), browser());
    for client in [&one, &two, &three] {
        app.log_in(client, &ada).await;
    }
    let response =
        two.post(app.url("/crm/sessions/end-others")).form(&[("password", &ada.password)]).send().await.unwrap();
    assert_eq!(location(&response), "/crm/sessions?notice=others-logged-out");
    assert_redirects_to_login(app.get(&one, "/crm").await).await;
    assert_redirects_to_login(app.get(&three, "/crm").await).await;
    assert_eq!(app.get(&two, "/crm").await.status(), StatusCode::OK);
    assert_eq!(app.state.db.count_sessions(ada.id).await.unwrap(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nobody_can_end_another_persons_session() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    let bob = app.add_user("acme", "bob@acme.test", "User", UserStatus::Active).await;
    let (ada_laptop, ada_phone, bob_client) = (browser(), browser(), browser());
    app.log_in(&ada_laptop, &ada).await;
    app.log_in(&ada_phone, &ada).await;
    app.log_in(&bob_client, &bob).await;
    let body = app.get(&ada_laptop, "/crm/sessions").await.text().await.unwrap();
    let ada_phone_id = session_ids(&body).remove(0);

    bob_client.post(app.url("/crm/sessions/end")).form(&[("id", ada_phone_id.as_str())]).send().await.unwrap();
    assert_eq!(app.get(&ada_phone, "/crm").await.status(), StatusCode::OK);
}

/// ASVS 7.5.2: a borrowed session cannot throw its owner out everywhere else.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_out_everywhere_else_asks_for_the_password_again() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    let (mine, borrowed) = (browser(), browser());
    app.log_in(&mine, &ada).await;
    app.log_in(&borrowed, &ada).await;
    let end_others = |fields: &'static [(&'static str, &'static str)]| {
        borrowed.post(app.url("/crm/sessions/end-others")).form(fields).send()
    };
    let without = end_others(&[]).await.unwrap();
    assert_eq!(without.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(without.text().await.unwrap().contains("Enter your current password."));
    let wrong = end_others(&[("password", "not the password")]).await.unwrap();
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    assert!(wrong.text().await.unwrap().contains("role=\"alert\""));
    assert_eq!(app.get(&mine, "/crm").await.status(), StatusCode::OK, "the owner's session lives on");
    assert_eq!(app.state.db.count_sessions(ada.id).await.unwrap(), 2);
}
