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
