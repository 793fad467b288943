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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_functions_without_a_session_answer_401() {
    let app = spawn_app().await;
    for endpoint in ["viewer", "sessions", "password_owner"] {
        let response = browser().post(app.url(&format!("/api/{endpoint}"))).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{endpoint}");
    }
    let bad = browser()
        .post(app.url("/api/link_owner"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("kind=Nonsense")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
}

/// Finding 12: a few thousand malformed requests (seeded, so the same every run) at every route,
/// signed in and not. Bad input is the client's mistake: no 5xx but 503, no dropped connection.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_requests_are_the_clients_mistake_never_a_server_error() {
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};
    const REQUESTS: usize = 2400;
    const ROUTES: &[(&str, &str)] = &[
        ("POST", "/login"),
        ("POST", "/t/acme/login"),
        ("POST", "/t/x%00y/login"),
        ("POST", "/logout"),
        ("POST", "/forgot-password"),
        ("POST", "/activate"),
        ("POST", "/reset-password"),
        ("POST", "/crm/password"),
        ("POST", "/crm/sessions/end"),
        ("POST", "/crm/sessions/end-others"),
        ("POST", "/crm/service/handoff"),
        ("POST", "/service/session"),
        ("POST", "/service/logout"),
        ("POST", "/api/login"),
        ("POST", "/api/viewer"),
        ("POST", "/api/sessions"),
        ("POST", "/api/link_owner"),
        ("POST", "/api/password_owner"),
        ("POST", "/api/reset_policy"),
        ("POST", "/api/nonexistent"),
        ("GET", "/crm"),
        ("GET", "/crm/sessions"),
        ("GET", "/crm/password"),
        ("GET", "/settings"),
        ("GET", "/service"),
        ("GET", "/login"),
        ("GET", "/activate"),
        ("GET", "/activate/x"),
        ("GET", "/reset-password/%ff%fe"),
        ("GET", "/language/xx"),
        ("GET", "/pkg/../Cargo.toml"),
        ("POST", "/sso/start"),
        ("POST", "/activate/sso"),
        ("GET", "/sso/callback"),
        ("GET", "/sso/callback?code=a&code=b&state=%ff"),
        ("GET", "/sso/callback?error=access_denied"),
        ("POST", "/settings/login"),
        ("POST", "/settings/logout"),
        ("POST", "/settings/terms"),
        ("POST", "/settings/users/new"),
        ("POST", "/settings/users/1/role"),
        ("POST", "/settings/users/1/resend"),
        ("POST", "/settings/users/x/zz"),
        ("POST", "/settings/roles"),
        ("POST", "/settings/roles/1/save"),
        ("POST", "/settings/api/users"),
        ("POST", "/settings/api/audit"),
        ("POST", "/settings/api/terms"),
        ("GET", "/settings/users?page=4294967295&status=%00&q=%ff"),
        ("GET", "/settings/audit?from=x&to=2026-02-31&kind=%00&user=%20"),
        ("GET", "/settings/terms"),
    ];
    const TYPES: &[&str] = &[
        "application/x-www-form-urlencoded",
        "application/json",
        "text/plain",
        "multipart/form-data; boundary=x",
        "application/cbor",
        "",
    ];

    let app = spawn_app().await;
    let ada = app.ada().await;
    let token = session_cookie(app.log_in(&browser(), &ada).await.headers()).unwrap();
    let root = app.add_user("acme", "root@acme.test", "User level 0", server::db::UserStatus::Active).await;
    let settings =
        app.post_login(&browser(), "/settings/login", &[("user_id", &root.login), ("password", &root.password)]).await;
    let settings = cookie_value(settings.headers(), "frontdoor_settings").unwrap();
    let mut rng = StdRng::seed_from_u64(8);
    let limit = std::sync::Arc::new(tokio::sync::Semaphore::new(16));
    let mut requests = tokio::task::JoinSet::new();
    for n in 0..REQUESTS {
        let (method, path) = ROUTES[rng.gen_range(0..ROUTES.len())];
        let signed = rng.gen_bool(0.5) && path != "/logout";
        let content_type = TYPES[rng.gen_range(0..TYPES.len())];
        let body: Vec<u8> = match rng.gen_range(0..8) {
            0 => (0..rng.gen_range(0..300)).map(|_| rng.gen()).collect(),
            1 => b"user_id=a&user_id=b&password=x&password=y&kind=Activation&kind=PasswordReset".to_vec(),
            2 => b"user_id[]=a&password[x]=b&id[0]=1&ticket[]=t&email[]=e".to_vec(),
            3 => format!("user_id={}&password=x", "a".repeat(60_000)).into_bytes(),
            4 => b"{\"user_id\": [1, 2], \"password\": {\"x\": null}, \"kind\": 7}".to_vec(),
            5 => b"user_id=%zz%&password=%&email=%E0%A4%A".to_vec(),
            6 => b"--x\r\nContent-Disposition: form-data; name=\"user_id\"\r\n\r\nada\r\n--x--".to_vec(),
            _ => Vec::new(),
        };
        let query = if rng.gen_bool(0.3) { "?next=%ff&notice=%00&x[]=1" } else { "" };
        let mut request = match method {
            "GET" => bare_client().get(app.url(&format!("{path}{query}"))),
            _ => bare_client().post(app.url(&format!("{path}{query}"))).body(body),
        };
        if !content_type.is_empty() {
            request = request.header("content-type", content_type);
        }
        if signed {
            request = request.header("cookie", format!("frontdoor={token}; frontdoor_settings={settings}"));
        }
        if rng.gen_bool(0.5) {
            request = request.header("origin", app.address.clone());
        }
        let permit = limit.clone().acquire_owned().await.unwrap();
        requests.spawn(async move {
            let outcome = request.send().await.map(|r| r.status());
            drop(permit);
            (n, method, path, outcome)
        });
    }
    let mut server_errors = Vec::new();
    while let Some(done) = requests.join_next().await {
        let (n, method, path, outcome) = done.unwrap();
        match outcome {
            Ok(status) if status.is_server_error() && status != StatusCode::SERVICE_UNAVAILABLE => {
                server_errors.push(format!("#{n} {method} {path}: {status}"))
            }
            Ok(_) => {}
            Err(err) => server_errors.push(format!("#{n} {method} {path}: connection: {err}")),
        }
    }
    assert!(server_errors.is_empty(), "{} of {REQUESTS}: {:#?}", server_errors.len(), server_errors);
}
