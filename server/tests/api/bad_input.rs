use crate::helpers::*;
use reqwest::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn empty_fields_are_named() {
    let app = spawn_app().await;
    let empty_user = app.post_login(&browser(), "/login", &[("user_id", ""), ("password", "x")]).await;
    assert_eq!(empty_user.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty_user.text().await.unwrap().contains("Enter your user ID."));

    let empty_password = app.post_login(&browser(), "/login", &[("user_id", "ada@acme.test"), ("password", "")]).await;
    assert_eq!(empty_password.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = empty_password.text().await.unwrap();
    assert!(body.contains("Enter your password."));
    assert!(body.contains("value=\"ada@acme.test\""));

    let nothing = browser().post(app.url("/login")).send().await.unwrap();
    assert_eq!(nothing.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_character_user_id_is_refused_plainly() {
    let app = spawn_app().await;
    let long = "a".repeat(1000);
    let response = app.post_login(&browser(), "/login", &[("user_id", &long), ("password", "x")]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("at most 254 characters"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ten_megabyte_body_is_refused_before_it_is_read() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app().await;
    // Announce 10 MB and send none of it: the answer must come from the headers alone.
    let mut stream = tokio::net::TcpStream::connect(app.address.trim_start_matches("http://")).await.unwrap();
    let request = "POST /login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n\
                   Content-Length: 10485760\r\nConnection: close\r\n\r\n";
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    let read = tokio::time::timeout(std::time::Duration::from_secs(10), stream.read_to_string(&mut answer)).await;
    assert!(read.is_ok(), "the server waited for the body");
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("too large"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_utf8_is_an_ordinary_failed_login() {
    let app = spawn_app().await;
    let response = browser()
        .post(app.url("/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(b"user_id=%FF%FE%80&password=%C3%28".to_vec())
        .send()
        .await
        .unwrap();
    assert!(response.status().is_client_error(), "got {}", response.status());
    assert!(response.text().await.unwrap().contains("role=\"alert\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_server_function_call_is_not_a_server_error() {
    let app = spawn_app().await;
    let response = browser()
        .post(app.url("/api/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("password=only")
        .send()
        .await
        .unwrap();
    assert!(response.status().is_client_error(), "got {}", response.status());
}
