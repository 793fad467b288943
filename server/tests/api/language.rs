use crate::helpers::*;
use reqwest::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_login_page_speaks_dutch_when_the_browser_asks() {
    let app = spawn_app().await;
    let body = browser()
        .get(app.url("/login"))
        .header("accept-language", "nl-NL,nl;q=0.9,en;q=0.5")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(body.contains("<html lang=\"nl\""));
    for text in ["Gebruikers-ID", "Wachtwoord", "Aanmelden", "Wachtwoord vergeten?"] {
        assert!(body.contains(text), "missing {text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_language_choice_wins_over_the_browser() {
    let app = spawn_app().await;
    let client = browser();
    let switch = app.get(&client, "/language/nl?next=/login").await;
    assert_eq!(switch.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&switch), "/login");
    let body =
        client.get(app.url("/login")).header("accept-language", "en").send().await.unwrap().text().await.unwrap();
    assert!(body.contains("Gebruikers-ID"));

    let wrong = app.post_login(&client, "/login", &[("user_id", "x@acme.test"), ("password", "nope")]).await;
    assert!(wrong.text().await.unwrap().contains("Onjuiste gebruikers-ID of onjuist wachtwoord"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instance_started_in_dutch_speaks_dutch_unless_the_browser_asks_for_english() {
    let app = spawn_app_with(|args| args.language = "nl".into()).await;
    let page = |accept: Option<&'static str>| {
        let mut request = browser().get(app.url("/login"));
        if let Some(accept) = accept {
            request = request.header("accept-language", accept);
        }
        async move { request.send().await.unwrap().text().await.unwrap() }
    };
    for neither in [None, Some("de-DE,de;q=0.9,fr;q=0.5")] {
        let body = page(neither).await;
        assert!(body.contains("<html lang=\"nl\"") && body.contains("Gebruikers-ID"), "{neither:?}");
    }
    let english = page(Some("en-GB,en;q=0.9")).await;
    assert!(english.contains("<html lang=\"en\"") && english.contains("User ID"));
    // Errors outside the pages (the 404 page) speak it too.
    let missing = browser().get(app.url("/no-such-page")).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(missing.text().await.unwrap().contains("<html lang=\"nl\""));
}
