use crate::helpers::*;
use reqwest::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_carries_the_security_headers_with_a_fresh_nonce() {
    let app = spawn_app().await;
    let client = browser();
    let first = app.get(&client, "/login").await;
    let second = app.get(&client, "/login").await;
    let csp = |r: &reqwest::Response| r.headers().get("content-security-policy").unwrap().to_str().unwrap().to_string();
    let (csp1, csp2) = (csp(&first), csp(&second));
    assert!(csp1.contains("frame-ancestors 'none'"));
    assert!(csp1.contains("'wasm-unsafe-eval'"));
    assert!(!csp1.contains("unsafe-inline"));
    assert_ne!(csp1, csp2, "a new nonce per response");
    assert_eq!(first.headers().get("x-content-type-options").unwrap(), "nosniff");
    assert_eq!(first.headers().get("referrer-policy").unwrap(), "no-referrer");

    let nonce = csp1.split("'nonce-").nth(1).unwrap().split('\'').next().unwrap().to_string();
    let body = first.text().await.unwrap();
    assert!(body.contains(&format!("nonce=\"{nonce}\"")), "inline scripts carry the nonce");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_are_not_stored_and_bundles_are_revalidated() {
    let app = spawn_app().await;
    let client = browser();
    let page = app.get(&client, "/login").await;
    assert_eq!(page.headers().get("cache-control").unwrap(), "no-store");
    let body = page.text().await.unwrap();
    assert!(body.contains("/pkg/frontend.js"), "the login page loads the login bundle");
    assert!(!body.contains("/pkg/passwords/"), "and nothing of the password pages' bundle");
    let bundle = app.get(&client, "/pkg/frontend.js").await;
    assert_eq!(bundle.headers().get("cache-control").unwrap(), "no-cache");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bundles_are_served_compressed_as_the_browser_accepts() {
    // The bundles the test command built (trunk, then gzip and brotli) at the workspace's root.
    let site = concat!(env!("CARGO_MANIFEST_DIR"), "/../site");
    let app = spawn_app_with(|args| args.site_root = site.into()).await;
    let client = browser();
    let fetch = |accept: &'static str| {
        let request = client.get(app.url("/pkg/frontend_bg.wasm"));
        async move {
            let response = request.header("accept-encoding", accept).send().await.unwrap();
            let encoding = response.headers().get("content-encoding").map(|v| v.to_str().unwrap().to_string());
            (response.status(), encoding, response.bytes().await.unwrap().len())
        }
    };
    let (status, plain_encoding, plain) = fetch("identity").await;
    assert_eq!((status, plain_encoding), (StatusCode::OK, None));
    let (_, gzip_encoding, gzip) = fetch("gzip").await;
    assert_eq!(gzip_encoding.as_deref(), Some("gzip"));
    let (_, br_encoding, br) = fetch("gzip, deflate, br").await;
    assert_eq!(br_encoding.as_deref(), Some("br"));
    assert!(br < gzip && gzip < plain, "Brotli {br} < gzip {gzip} < plain {plain} bytes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_post_from_another_site_is_refused() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    let client = browser();
    let foreign = client
        .post(app.url("/login"))
        .header("origin", "http://evil.test")
        .form(&[("user_id", &ada.login), ("password", &ada.password)])
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
    assert!(session_cookie(foreign.headers()).is_none());
    assert!(foreign.text().await.unwrap().contains("came from another site"));

    let cross_site = client
        .post(app.url("/login"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("user_id", &ada.login), ("password", &ada.password)])
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), StatusCode::FORBIDDEN);

    // Browsers send `Origin: null` under no-referrer; Sec-Fetch-Site tells them apart.
    let null_cross = client
        .post(app.url("/login"))
        .header("origin", "null")
        .header("sec-fetch-site", "same-site")
        .form(&[("user_id", &ada.login), ("password", &ada.password)])
        .send()
        .await
        .unwrap();
    assert_eq!(null_cross.status(), StatusCode::FORBIDDEN);
    let null_same = client
        .post(app.url("/login"))
        .header("origin", "null")
        .header("sec-fetch-site", "same-origin")
        .form(&[("user_id", &ada.login), ("password", &ada.password)])
        .send()
        .await
        .unwrap();
    assert_eq!(null_same.status(), StatusCode::SEE_OTHER);

    let same = client
        .post(app.url("/login"))
        .header("origin", app.address.as_str())
        .form(&[("user_id", &ada.login), ("password", &ada.password)])
        .send()
        .await
        .unwrap();
    assert_eq!(same.status(), StatusCode::SEE_OTHER);

    // Nor can another site log a person out.
    let logout = client.post(app.url("/logout")).header("origin", "http://evil.test").send().await.unwrap();
    assert_eq!(logout.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.get(&client, "/crm").await.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_pages_get_a_real_not_found() {
    let app = spawn_app().await;
    let response = app.get(&browser(), "/no/such/page").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(response.text().await.unwrap().contains("Page not found"));
}
