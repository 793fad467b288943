use rand::RngCore;
use reqwest::header::{HeaderMap, LOCATION, SET_COOKIE};
use reqwest::redirect::Policy;
use reqwest::{Client, Response, StatusCode};
use secrecy::SecretString;
use server::clock::Clock;
use server::config::ServeArgs;
use server::db::{Db, NewUser, UserStatus};
use server::startup::Application;
use server::web::AppState;

pub struct TestApp {
    pub address: String,
    pub db_url: String,
    pub state: AppState,
    pub data: tempfile::TempDir,
}

pub struct TestUser {
    pub id: i64,
    pub tenant_id: i64,
    pub login: String,
    pub password: String,
}

/// The server's flags as the tests run it: port 0, two hashing workers, a mail folder.
pub fn test_args() -> ServeArgs {
    ServeArgs {
        addr: "127.0.0.1:0".into(),
        public_url: None,
        service_url: None,
        site_root: "site".into(),
        hash_workers: Some(2),
        hash_queue: Some(64),
        ip_failures_per_minute: 1000,
        audit_days: 400,
        trust_forwarded_for: false,
        mode: server::config::Mode::Online,
        language: "en".into(),
        mail: server::config::MailArgs {
            smtp_url: None,
            mail_from: "Frontdoor <frontdoor@localhost>".into(),
            mail_dir: None,
            activation_hours: 72,
            reset_minutes: 60,
            mail_retry_max_secs: 1,
            mail_poll_ms: 100,
        },
        test_mode: false,
        test_mode_i_know: false,
        test_key_file: None,
        secret_key_file: None,
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// A fresh database: a SQLite file in a temporary folder, or a new PostgreSQL database on the
/// server named by `TEST_DATABASE_URL`.
pub async fn fresh_database(folder: &std::path::Path) -> String {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(admin_url) if admin_url.starts_with("postgres") => {
            sqlx::any::install_default_drivers();
            let name = format!("fd_test_{}", hex::encode(rand::random::<[u8; 8]>()));
            let admin = sqlx::AnyPool::connect(&admin_url).await.expect("TEST_DATABASE_URL is not reachable");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&admin)
                .await
                .expect("cannot create a test database");
            admin.close().await;
            let base = admin_url.split('?').next().unwrap_or_default();
            let base = base.rsplit_once('/').map(|(b, _)| b).unwrap_or(base);
            format!("{base}/{name}")
        }
        _ => format!("sqlite://{}?mode=rwc", folder.join("frontdoor.db").display()),
    }
}

pub async fn spawn_app_with(configure: impl FnOnce(&mut ServeArgs)) -> TestApp {
    let data = tempfile::tempdir().expect("temporary folder");
    let url = fresh_database(data.path()).await;
    spawn_app_on(&url, data, configure).await
}

/// A second server on the first one's database: what a load balancer would have behind it.
pub async fn spawn_second_instance(first: &TestApp) -> TestApp {
    spawn_app_on(&first.db_url, tempfile::tempdir().expect("temporary folder"), |_| {}).await
}

pub async fn spawn_app_on(url: &str, data: tempfile::TempDir, configure: impl FnOnce(&mut ServeArgs)) -> TestApp {
    let db = Db::connect(url).await.expect("database");
    db.migrate().await.expect("migrations");
    let mut args = test_args();
    args.mail.mail_dir = Some(data.path().join("mail"));
    args.secret_key_file = Some(data.path().join("secret.key"));
    args.test_key_file = Some(data.path().join("test.key"));
    configure(&mut args);
    let app = Application::build(&args, db, Clock::manual()).await.expect("server builds");
    let address = format!("http://{}", app.addr());
    let state = app.state().clone();
    tokio::spawn(app.run_until_stopped());
    TestApp { address, db_url: url.to_string(), state, data }
}

/// A browser-like client: keeps cookies, does not follow redirects (tests look at them), and
/// gives up after 30 s so that a hang fails the test instead of stalling the suite.
pub fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .expect("client")
}

pub fn random_password() -> String {
    let mut bytes = [0u8; 12];
    rand::thread_rng().fill_bytes(&mut bytes);
    format!("Pw-{}", hex::encode(bytes))
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn tenant(&self, slug: &str) -> i64 {
        if let Some(t) = self.state.db.tenant_by_slug(slug).await.unwrap() {
            return t.id;
        }
        self.state
            .db
            .create_tenant(slug, &format!("{} AS", slug.to_uppercase()), self.state.clock.now())
            .await
            .unwrap()
            .id
    }

    pub async fn add_user(&self, tenant: &str, login: &str, role: &str, status: UserStatus) -> TestUser {
        let tenant_id = self.tenant(tenant).await;
        let role = self.state.db.role_by_name(tenant_id, role).await.unwrap().expect("role");
        let password = random_password();
        let hash = self.state.hasher.hash(SecretString::from(password.clone())).await.unwrap();
        let id = self
            .state
            .db
            .create_user(
                &NewUser {
                    tenant_id,
                    role_id: role.id,
                    login_name: login,
                    email: login.contains('@').then_some(login),
                    display_name: "Ada Lovelace",
                    status,
                    password_hash: Some(hash),
                    language: None,
                },
                self.state.clock.now(),
            )
            .await
            .unwrap();
        TestUser { id, tenant_id, login: login.to_string(), password }
    }

    /// Ada, an active "User" of tenant acme.
    pub async fn ada(&self) -> TestUser {
        self.add_user("acme", "ada@acme.test", "User", UserStatus::Active).await
    }

    pub async fn post_login(&self, client: &Client, path: &str, fields: &[(&str, &str)]) -> Response {
        client.post(self.url(path)).form(fields).send().await.expect("login request")
    }

    pub async fn log_in(&self, client: &Client, user: &TestUser) -> Response {
        self.post_login(client, "/login", &[("user_id", &user.login), ("password", &user.password)]).await
    }

    pub async fn get(&self, client: &Client, path: &str) -> Response {
        client.get(self.url(path)).send().await.expect("request")
    }

    pub fn advance(&self, seconds: i64) {
        self.state.clock.advance(seconds);
    }
}

/// Where a response sends the browser: its `Location`, or the `Refresh: 0; url=…` of a page
/// that goes on at once (after a form whose `form-action` forbids a redirect elsewhere).
pub fn location(response: &Response) -> String {
    let headers = response.headers();
    if let Some(location) = headers.get(LOCATION).and_then(|v| v.to_str().ok()) {
        return location.to_string();
    }
    let refresh = headers.get("refresh").and_then(|v| v.to_str().ok()).unwrap_or_default();
    refresh.split_once("url=").map(|(_, url)| url.to_string()).unwrap_or_default()
}

/// The CRM session cookie's value in a response, if it sets one.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, "frontdoor")
}

pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    let prefix = format!("{name}=");
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&prefix))
        .map(|v| v.split(';').next().unwrap_or_default().trim_start_matches(&prefix).to_string())
}

/// The value of the first `<input … name="{name}" value="…">` on a page.
pub fn hidden_value(body: &str, name: &str) -> Option<String> {
    let at = body.find(&format!("name=\"{name}\""))?;
    let rest = &body[at..];
    let start = rest.find("value=\"")? + 7;
    let end = rest[start..].find('"')?;
    Some(rest[start..start + end].to_string())
}

pub fn set_cookie_header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_string)
}

pub async fn assert_redirects_to_login(response: Response) {
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(location(&response).starts_with("/login"), "went to {}", location(&response));
}

/// The page text without the per-response nonce, for comparing two answers.
pub fn without_nonces(body: &str) -> String {
    let mut out = body.to_string();
    for attribute in ["nonce=\"", "crossorigin=\""] {
        let mut cleaned = String::new();
        let mut rest = out.as_str();
        while let Some(i) = rest.find(attribute) {
            cleaned.push_str(&rest[..i + attribute.len()]);
            let after = &rest[i + attribute.len()..];
            rest = after.find('"').map(|j| &after[j..]).unwrap_or("");
        }
        cleaned.push_str(rest);
        out = cleaned;
    }
    out
}

/// A client without a cookie jar, for sending a cookie by hand.
pub fn bare_client() -> Client {
    Client::builder().redirect(Policy::none()).timeout(std::time::Duration::from_secs(30)).build().expect("client")
}

/// One delivered email, as written to the mail folder (no SMTP configured) or received by an
/// SMTP server, with its quoted-printable soft line breaks undone.
#[derive(Clone, Debug)]
pub struct Mail {
    pub raw: String,
}

impl Mail {
    pub fn parse(raw: &str) -> Mail {
        Mail { raw: raw.replace("=\r\n", "").replace("=3D", "=") }
    }

    pub fn header(&self, name: &str) -> Option<String> {
        let prefix = format!("{name}: ");
        self.raw.lines().find_map(|line| line.strip_prefix(&prefix)).map(str::to_string)
    }

    pub fn is_to(&self, address: &str) -> bool {
        self.header("To").is_some_and(|to| to.to_lowercase().contains(&address.to_lowercase()))
    }

    /// The first link to `path` (`/activate/` or `/reset-password/`).
    pub fn link(&self, path: &str) -> Option<String> {
        let at = self.raw.find(path)?;
        let start = self.raw[..at].rfind("http")?;
        let end = self.raw[at..].find(|c: char| c.is_whitespace() || c == '"' || c == '<').map(|e| at + e)?;
        Some(self.raw[start..end].to_string())
    }
}

impl TestApp {
    pub fn mail_dir(&self) -> std::path::PathBuf {
        self.data.path().join("mail")
    }

    /// Every email written to the mail folder so far, oldest first.
    pub fn mails(&self) -> Vec<Mail> {
        let Ok(entries) = std::fs::read_dir(self.mail_dir()) else { return Vec::new() };
        let mut names: Vec<_> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        names.sort();
        names.iter().map(|p| Mail::parse(&std::fs::read_to_string(p).unwrap())).collect()
    }

    pub fn mails_to(&self, address: &str) -> Vec<Mail> {
        self.mails().into_iter().filter(|m| m.is_to(address)).collect()
    }

    /// Waits (up to 10 s) until `count` emails to `address` have been delivered.
    pub async fn wait_for_mails(&self, address: &str, count: usize) -> Vec<Mail> {
        self.state.mail.wake();
        for _ in 0..200 {
            let mails = self.mails_to(address);
            if mails.len() >= count {
                return mails;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("expected {count} email(s) to {address}, found {}", self.mails_to(address).len());
    }

    /// Invites `email` to `tenant` the way `frontdoor user invite` does.
    pub async fn invite(&self, tenant: &str, email: &str, language: &str) -> i64 {
        let tenant_id = self.tenant(tenant).await;
        let role = self.state.db.role_by_name(tenant_id, "User").await.unwrap().expect("role");
        let id = self
            .state
            .db
            .invite_user(
                &NewUser {
                    tenant_id,
                    role_id: role.id,
                    login_name: email,
                    email: Some(email),
                    display_name: "Grace Hopper",
                    status: UserStatus::Invited,
                    password_hash: None,
                    language: Some(language),
                },
                self.state.clock.now(),
            )
            .await
            .unwrap();
        self.state.mail.wake();
        id
    }
}

/// Opens an emailed link the way a browser does: the link answers with a redirect to the bare
/// page and a cookie; the page is then fetched. Returns the page's status and text.
pub async fn open_link(client: &Client, link: &str) -> (StatusCode, String) {
    let first = client.get(link).send().await.unwrap();
    assert_eq!(first.status(), StatusCode::SEE_OTHER, "an emailed link redirects to its page");
    assert_eq!(first.headers().get("referrer-policy").unwrap(), "no-referrer", "the token never leaks as a referrer");
    let location = first.headers().get(LOCATION).unwrap().to_str().unwrap().to_string();
    assert!(!location.contains(link.rsplit('/').next().unwrap()), "the token leaves the address");
    let base = link.split("/activate/").next().unwrap().split("/reset-password/").next().unwrap();
    let page = client.get(format!("{base}{location}")).send().await.unwrap();
    assert_eq!(page.headers().get("referrer-policy").unwrap(), "no-referrer");
    let status = page.status();
    (status, page.text().await.unwrap())
}
