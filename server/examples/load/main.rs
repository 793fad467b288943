//! A small load generator for BENCHMARKS.md (run by scripts/bench.sh against the release
//! binary on loopback). Bounded in count and time; it stops by itself.
//!
//!   load hash [iterations]                       one argon2id hash/verify, timed
//!   load logins URL USERS PASSWORD CONCURRENCY SECONDS  closed loop (USERS: a,b,c — one per client)
//!   load rate URL USER PASSWORD PER_SECOND SECONDS      open loop: a fixed arrival rate
//!   load same-user URL USER PASSWORD PARALLEL ROUNDS     PARALLEL logins of one user at once, ROUNDS times
//!   load handoff URL USER PASSWORD ROUNDS                CRM → Service hand-off round trips
//!   load seed-sessions DATABASE_URL TENANT LOGIN COUNT   live sessions straight into the database
//!   load seed-users DATABASE_URL TENANT COUNT            users straight into the database (Users screen)
//!   load strength                                        the server's zxcvbn score of one password, timed
//!   load app-signin URL CLIENT SECRET REDIRECT USER PASSWORD CONCURRENCY SECONDS
//!                                  an app's sign-in with a live session: authorize → code → token
//!   load app-refresh URL CLIENT SECRET REDIRECT USER PASSWORD CONCURRENCY SECONDS
//!                                  refresh-token rotations, each worker its own chain
//!   load app-introspect URL CLIENT SECRET REDIRECT USER PASSWORD CONCURRENCY SECONDS
//!                                  introspection of one access token
//!   load two-step-logins URL USERS PASSWORD CONCURRENCY
//!                                  each user sets up an authenticator, then logs in once with
//!                                  password + code (a code works once: one login per user)
//!   load passkey-logins URL ORIGIN USERS PASSWORD CONCURRENCY SECONDS
//!                                  each client's user adds a passkey (a software authenticator
//!                                  here), then passkey logins in a closed loop

mod second_factor;

use secrecy::SecretString;
use server::hashing::PasswordHasher;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// The signed-in browsers of the app-signin workers (each takes one for a round).
static BROWSERS: Mutex<Vec<reqwest::Client>> = Mutex::const_new(Vec::new());

#[derive(Default)]
struct Tally {
    ok: Vec<Duration>,
    busy: Vec<Duration>,
    other: usize,
}

impl Tally {
    /// One round: its time when it went through, else one more "other".
    fn count(&mut self, ok: bool, took: Duration) {
        if ok {
            self.ok.push(took);
        } else {
            self.other += 1;
        }
    }
}

/// A JSON answer, when the status says it succeeded.
async fn json_if_ok(response: reqwest::Response) -> Option<serde_json::Value> {
    if !response.status().is_success() {
        return None;
    }
    serde_json::from_str(&response.text().await.ok()?).ok()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn report(label: &str, tally: &mut Tally, elapsed: Duration) {
    tally.ok.sort();
    tally.busy.sort();
    let secs = elapsed.as_secs_f64();
    println!(
        "{label}: {} ok ({:.1}/s), {} answered 503, {} other, in {:.1} s",
        tally.ok.len(),
        tally.ok.len() as f64 / secs,
        tally.busy.len(),
        tally.other,
        secs
    );
    println!(
        "  ok latency   p50 {:>7.1} ms  p99 {:>7.1} ms  max {:>7.1} ms",
        percentile(&tally.ok, 0.5).as_secs_f64() * 1e3,
        percentile(&tally.ok, 0.99).as_secs_f64() * 1e3,
        tally.ok.last().copied().unwrap_or_default().as_secs_f64() * 1e3
    );
    if !tally.busy.is_empty() {
        println!(
            "  503 latency  p50 {:>7.1} ms  p99 {:>7.1} ms  max {:>7.1} ms",
            percentile(&tally.busy, 0.5).as_secs_f64() * 1e3,
            percentile(&tally.busy, 0.99).as_secs_f64() * 1e3,
            tally.busy.last().copied().unwrap_or_default().as_secs_f64() * 1e3
        );
    }
}

async fn one_login(client: &reqwest::Client, url: &str, user: &str, password: &str) -> (reqwest::StatusCode, Duration) {
    let started = Instant::now();
    let status = match client.post(url).form(&[("user_id", user), ("password", password)]).send().await {
        Ok(response) => response.status(),
        Err(_) => reqwest::StatusCode::BAD_GATEWAY,
    };
    (status, started.elapsed())
}

fn record(tally: &mut Tally, status: reqwest::StatusCode, took: Duration) {
    match status.as_u16() {
        303 => tally.ok.push(took),
        503 => tally.busy.push(took),
        _ => tally.other += 1,
    }
}

/// An app of the provider, for the app-* benchmarks.
#[derive(Clone)]
struct BenchApp {
    url: String,
    client_id: String,
    secret: String,
    redirect: String,
}

impl BenchApp {
    /// A browser signed in to Frontdoor as `user`.
    async fn browser(&self, user: &str, password: &str) -> reqwest::Client {
        let browser = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        let _ =
            browser.post(format!("{}/login", self.url)).form(&[("user_id", user), ("password", password)]).send().await;
        browser
    }

    /// authorize → code → token; the token endpoint's JSON.
    async fn sign_in(&self, browser: &reqwest::Client, scope: &str) -> Option<serde_json::Value> {
        use base64::Engine;
        use sha2::Digest;
        let verifier = server::tokens::Token::generate().expose().to_string();
        let challenge =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()));
        let query = [
            ("client_id", self.client_id.as_str()),
            ("redirect_uri", self.redirect.as_str()),
            ("response_type", "code"),
            ("scope", scope),
            ("state", "bench"),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
        ];
        let answer = browser.get(format!("{}/oauth2/authorize", self.url)).query(&query).send().await.ok()?;
        let location = answer.headers().get("location")?.to_str().ok()?.to_string();
        let code = url::Url::parse(&location).ok()?.query_pairs().find(|(k, _)| k == "code")?.1.into_owned();
        let form = [
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", self.redirect.as_str()),
            ("code_verifier", verifier.as_str()),
        ];
        self.token(&form).await
    }

    async fn token(&self, form: &[(&str, &str)]) -> Option<serde_json::Value> {
        let response = client()
            .post(format!("{}/oauth2/token", self.url))
            .basic_auth(&self.client_id, Some(&self.secret))
            .form(form)
            .send()
            .await
            .ok()?;
        json_if_ok(response).await
    }
}

/// CONCURRENCY workers for SECONDS, each running `round` over and over from its own state.
async fn app_load<S, F, Fut>(label: &str, concurrency: usize, seconds: u64, start: S, round: F)
where
    S: Fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = Option<String>> + Send>> + Send + Sync + 'static,
    F: Fn(String) -> Fut + Send + Sync + Clone + 'static,
    Fut: std::future::Future<Output = Option<String>> + Send,
{
    let tally = Arc::new(Mutex::new(Tally::default()));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let start = Arc::new(start);
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let (tally, start, round) = (tally.clone(), start.clone(), round.clone());
        workers.push(tokio::spawn(async move {
            let Some(mut state) = start().await else { return };
            while Instant::now() < deadline {
                let began = Instant::now();
                match round(state.clone()).await {
                    Some(next) => {
                        tally.lock().await.ok.push(began.elapsed());
                        state = next;
                    }
                    None => tally.lock().await.other += 1,
                }
            }
        }));
    }
    for worker in workers {
        let _ = worker.await;
    }
    report(label, &mut *tally.lock().await, started.elapsed());
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap_or_default()
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).cloned().unwrap_or_default();
    match arg(0).as_str() {
        "strength" => {
            let inputs = ["Bench Person", "bench.person@bench.test", "Bench", "bench"];
            // Every prefix of a typed password: what the meter scores keystroke by keystroke.
            let typed = "violet canyon drifts over seven lanterns, 1987!";
            let mut times = Vec::new();
            for round in 0..20 {
                for end in 1..=typed.len() {
                    let started = Instant::now();
                    let verdict = strength::estimate(&typed[..end], &inputs);
                    if round > 0 {
                        times.push(started.elapsed());
                    }
                    std::hint::black_box(verdict);
                }
            }
            times.sort();
            let long = "x".repeat(128);
            let started = Instant::now();
            std::hint::black_box(strength::estimate(&long, &inputs));
            println!(
                "zxcvbn (native, {} keystrokes): p50 {:.2} ms  p99 {:.2} ms  max {:.2} ms; 128 characters: {:.2} ms",
                times.len(),
                percentile(&times, 0.5).as_secs_f64() * 1e3,
                percentile(&times, 0.99).as_secs_f64() * 1e3,
                times.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
                started.elapsed().as_secs_f64() * 1e3
            );
        }
        "hash" => {
            let n: u32 = arg(1).parse().unwrap_or(20);
            let Ok(hasher) = PasswordHasher::start(1, 4) else { return };
            let Ok(hash) = hasher.hash(SecretString::from("benchmark password")).await else { return };
            let started = Instant::now();
            for _ in 0..n {
                let _ = hasher.verify(SecretString::from("benchmark password"), Some(hash.clone())).await;
            }
            let one = started.elapsed() / n;
            println!("argon2id m=19456 t=2 p=1: one verify takes {:.1} ms ({n} runs)", one.as_secs_f64() * 1e3);
            let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
            println!("bound on {cores} cores: {:.1} hashes/s", cores as f64 / one.as_secs_f64());
        }
        "logins" => {
            let (url, user, password) = (arg(1), arg(2), arg(3));
            let concurrency: usize = arg(4).parse().unwrap_or(4);
            let seconds: u64 = arg(5).parse().unwrap_or(10);
            let tally = Arc::new(Mutex::new(Tally::default()));
            let deadline = Instant::now() + Duration::from_secs(seconds);
            let started = Instant::now();
            let mut workers = Vec::new();
            for _ in 0..concurrency {
                // One account per client: attempts on one account take turns by design.
                let users: Vec<&str> = user.split(',').collect();
                let user = users[workers.len() % users.len()].to_string();
                let (url, password, tally) = (url.clone(), password.clone(), tally.clone());
                workers.push(tokio::spawn(async move {
                    let client = client();
                    while Instant::now() < deadline {
                        let (status, took) = one_login(&client, &url, &user, &password).await;
                        record(&mut *tally.lock().await, status, took);
                    }
                }));
            }
            for worker in workers {
                let _ = worker.await;
            }
            report(&format!("closed loop, {concurrency} clients"), &mut *tally.lock().await, started.elapsed());
        }
        "same-user" => {
            // Other teams' suites: several workers log in as one test user at the same moment.
            let (url, user, password) = (arg(1), arg(2), arg(3));
            let parallel: usize = arg(4).parse().unwrap_or(4);
            let rounds: usize = arg(5).parse().unwrap_or(10);
            let mut tally = Tally::default();
            let started = Instant::now();
            for _ in 0..rounds {
                let mut round = Vec::new();
                for _ in 0..parallel {
                    let (url, user, password) = (url.clone(), user.clone(), password.clone());
                    round.push(tokio::spawn(async move { one_login(&client(), &url, &user, &password).await }));
                }
                for login in round {
                    if let Ok((status, took)) = login.await {
                        record(&mut tally, status, took);
                    }
                }
            }
            report(&format!("{parallel} logins of one user at once, {rounds} rounds"), &mut tally, started.elapsed());
        }
        "rate" => {
            let (url, user, password) = (arg(1), arg(2), arg(3));
            let per_second: f64 = arg(4).parse().unwrap_or(10.0);
            let seconds: u64 = arg(5).parse().unwrap_or(10);
            let tally = Arc::new(Mutex::new(Tally::default()));
            let total = (per_second * seconds as f64) as u64;
            let gap = Duration::from_secs_f64(1.0 / per_second);
            let started = Instant::now();
            let client = client();
            let mut pending = Vec::new();
            for i in 0..total {
                tokio::time::sleep_until((started + gap * i as u32).into()).await;
                let users: Vec<&str> = user.split(',').collect();
                let user = users[i as usize % users.len()].to_string();
                let (client, url, password, tally) = (client.clone(), url.clone(), password.clone(), tally.clone());
                pending.push(tokio::spawn(async move {
                    let (status, took) = one_login(&client, &url, &user, &password).await;
                    record(&mut *tally.lock().await, status, took);
                }));
            }
            for job in pending {
                let _ = job.await;
            }
            report(&format!("open loop, {per_second}/s offered"), &mut *tally.lock().await, started.elapsed());
        }
        "handoff" => {
            let (url, user, password) = (arg(1), arg(2), arg(3));
            let rounds: usize = arg(4).parse().unwrap_or(200);
            let client = reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap_or_default();
            let _ = client.post(format!("{url}/login")).form(&[("user_id", &user), ("password", &password)]).send().await;
            let mut times = Vec::with_capacity(rounds);
            for _ in 0..rounds {
                let started = Instant::now();
                let Ok(page) = client.post(format!("{url}/crm/service/handoff")).send().await else { continue };
                let body = page.text().await.unwrap_or_default();
                let Some(ticket) = body.split("name=\"ticket\" value=\"").nth(1).and_then(|r| r.split('"').next()) else {
                    continue;
                };
                let _ = client.post(format!("{url}/service/session")).form(&[("ticket", ticket)]).send().await;
                let dashboard = client.get(format!("{url}/service")).send().await;
                if dashboard.map(|d| d.status() == 200).unwrap_or(false) {
                    times.push(started.elapsed());
                }
            }
            times.sort();
            println!(
                "hand-off round trip (mint ticket, redeem, open dashboard): {} of {rounds} ok, p50 {:.1} ms, p99 {:.1} ms",
                times.len(),
                percentile(&times, 0.5).as_secs_f64() * 1e3,
                percentile(&times, 0.99).as_secs_f64() * 1e3
            );
        }
        "app-signin" | "app-refresh" | "app-introspect" => {
            let app = BenchApp { url: arg(1), client_id: arg(2), secret: arg(3), redirect: arg(4) };
            let (user, password) = (arg(5), arg(6));
            let concurrency: usize = arg(7).parse().unwrap_or(4);
            let seconds: u64 = arg(8).parse().unwrap_or(10);
            let mode = arg(0);
            let setup = {
                let (app, user, password, mode) = (app.clone(), user.clone(), password.clone(), mode.clone());
                move || {
                    let (app, user, password, mode) = (app.clone(), user.clone(), password.clone(), mode.clone());
                    Box::pin(async move {
                        let browser = app.browser(&user, &password).await;
                        // One worker's state: its browser's cookie is kept in the client; the
                        // state carried between rounds is a refresh token or an access token.
                        let tokens = app.sign_in(&browser, "openid offline_access").await?;
                        match mode.as_str() {
                            "app-refresh" => tokens.get("refresh_token")?.as_str().map(str::to_string),
                            "app-introspect" => tokens.get("access_token")?.as_str().map(str::to_string),
                            _ => {
                                BROWSERS.lock().await.push(browser);
                                Some(String::new())
                            }
                        }
                    }) as std::pin::Pin<Box<dyn std::future::Future<Output = Option<String>> + Send>>
                }
            };
            match mode.as_str() {
                "app-signin" => {
                    let app = app.clone();
                    app_load("app sign-in with a live session (authorize, code, token)", concurrency, seconds, setup, move |_| {
                        let app = app.clone();
                        async move {
                            let browser = BROWSERS.lock().await.pop()?;
                            let signed_in = app.sign_in(&browser, "openid profile email").await;
                            BROWSERS.lock().await.push(browser);
                            signed_in.map(|_| String::new())
                        }
                    })
                    .await
                }
                "app-refresh" => {
                    let app = app.clone();
                    app_load("refresh-token rotation", concurrency, seconds, setup, move |refresh: String| {
                        let app = app.clone();
                        async move {
                            let tokens = app.token(&[("grant_type", "refresh_token"), ("refresh_token", &refresh)]).await?;
                            tokens.get("refresh_token")?.as_str().map(str::to_string)
                        }
                    })
                    .await
                }
                _ => {
                    let app = app.clone();
                    app_load("introspection", concurrency, seconds, setup, move |access: String| {
                        let app = app.clone();
                        async move {
                            let response = client()
                                .post(format!("{}/oauth2/introspect", app.url))
                                .basic_auth(&app.client_id, Some(&app.secret))
                                .form(&[("token", access.as_str())])
                                .send()
                                .await
                                .ok()?;
                            let text = response.text().await.ok()?;
                            text.contains("\"active\":true").then_some(access)
                        }
                    })
                    .await
                }
            }
        }
        "seed-sessions" => {
            let (db_url, tenant, login) = (arg(1), arg(2), arg(3));
            let count: usize = arg(4).parse().unwrap_or(10_000);
            // With a fifth argument, the CRM sessions' cookie tokens are written there, one a line.
            let mut tokens = match args.get(5) {
                Some(path) => match std::fs::File::create(path) {
                    Ok(file) => Some(std::io::BufWriter::new(file)),
                    Err(err) => return eprintln!("cannot write {path}: {err}"),
                },
                None => None,
            };
            let Ok(db) = server::db::Db::connect(&db_url).await else { return eprintln!("cannot open {db_url}") };
            let Ok(Some(tenant)) = db.tenant_by_slug(&tenant).await else { return eprintln!("no tenant") };
            let Ok(users) = db.users_by_login(&login, Some(tenant.id)).await else { return };
            let Some(user) = users.first() else { return eprintln!("no user") };
            // A user keeps at most a few hundred sessions: the live sessions are spread over the
            // tenant's users (the named one's own session stays among them).
            let all: Vec<i64> = sqlx::query_scalar("SELECT id FROM users WHERE tenant_id = $1 AND id <> $2")
                .bind(tenant.id)
                .bind(user.id)
                .fetch_all(&db.pool)
                .await
                .unwrap_or_default();
            let per_user = (server::db::MAX_SESSIONS_PER_USER - 4) as usize;
            if all.len() * per_user < count {
                return eprintln!("the tenant has too few users for {count} sessions");
            }
            let now = server::clock::Clock::system().now();
            for i in 0..count {
                let owner = all[i / per_user];
                let token = server::tokens::Token::generate();
                if let (Some(out), true) = (tokens.as_mut(), i % 2 == 0) {
                    use std::io::Write;
                    let _ = writeln!(out, "{}", token.expose());
                }
                let _ = db
                    .insert_session(
                        &server::db::NewSession {
                            token_hash: &token.hash(),
                            public_id: &format!("seed{i:012}"),
                            user_id: owner,
                            tenant_id: tenant.id,
                            app: if i % 2 == 0 { server::db::App::Crm } else { server::db::App::Service },
                            expires_at: now + 36_000,
                            idle_timeout_secs: 1800,
                            ip: "127.0.0.1",
                            user_agent: "seeded",
                            parent_hash: None,
                            method: "pwd",
                            auth_time: now,
                            second_factor_at: None,
                        },
                        now,
                    )
                    .await;
            }
            println!("seeded {count} live sessions");
        }
        "seed-users" => {
            let (db_url, tenant) = (arg(1), arg(2));
            let count: usize = arg(3).parse().unwrap_or(100_000);
            let Ok(db) = server::db::Db::connect(&db_url).await else { return eprintln!("cannot open {db_url}") };
            let Ok(Some(tenant)) = db.tenant_by_slug(&tenant).await else { return eprintln!("no tenant") };
            let Ok(Some(role)) = db.role_by_name(tenant.id, "User").await else { return eprintln!("no role") };
            let now = server::clock::Clock::system().now();
            let Ok(mut tx) = db.pool.begin().await else { return eprintln!("cannot begin") };
            for chunk in (0..count).collect::<Vec<_>>().chunks(500) {
                let mut sql = String::from(
                    "INSERT INTO users (tenant_id, role_id, login_name, email, display_name, status, created_at, updated_at, last_login_at) VALUES ",
                );
                let rows: Vec<String> = chunk
                    .iter()
                    .map(|i| {
                        let status = match i % 20 {
                            0 => "invited",
                            1 => "deactivated",
                            _ => "active",
                        };
                        let login = format!("person{i:06}@bench.test");
                        format!(
                            "({}, {}, '{login}', '{login}', 'Person {:06} {}', '{status}', {now}, {now}, {})",
                            tenant.id,
                            role.id,
                            (i * 7919) % count,
                            ["Lovelace", "Hopper", "Turing", "Liskov", "Dijkstra"][i % 5],
                            now - (*i as i64 % 86_400)
                        )
                    })
                    .collect();
                sql.push_str(&rows.join(", "));
                if let Err(err) = sqlx::query(&sql).execute(&mut *tx).await {
                    return eprintln!("seeding failed: {err}");
                }
            }
            if tx.commit().await.is_err() {
                return eprintln!("cannot commit");
            }
            // As autovacuum would soon after a bulk load: the planner's statistics (PostgreSQL;
            // SQLite has none the Users query depends on).
            if db.kind == server::db::DbKind::Postgres && sqlx::query("ANALYZE users").execute(&db.pool).await.is_err() {
                return eprintln!("cannot analyze");
            }
            println!("seeded {count} users");
        }
        "two-step-logins" => {
            let users: Vec<String> = arg(2).split(',').map(str::to_string).collect();
            second_factor::two_step_logins(&arg(1), users, &arg(3), arg(4).parse().unwrap_or(4)).await;
        }
        "passkey-logins" => {
            let users: Vec<String> = arg(3).split(',').map(str::to_string).collect();
            let (concurrency, seconds) = (arg(5).parse().unwrap_or(4), arg(6).parse().unwrap_or(10));
            second_factor::passkey_logins(&arg(1), &arg(2), users, &arg(4), concurrency, seconds).await;
        }
        _ => eprintln!("usage: load hash [n] | load logins URL USER PASSWORD CONCURRENCY SECONDS | load rate URL USER PASSWORD PER_SECOND SECONDS"),
    }
}
