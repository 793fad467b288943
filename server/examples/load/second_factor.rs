//! The second factors under load: a two-step login (the password, then a code from the
//! authenticator the user just set up) and a passkey login, answered by a software
//! authenticator (a P-256 key through ring, attestation "none", user verified) as a browser's
//! platform authenticator would.

use super::{json_if_ok, report, Tally};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_ASN1_SIGNING};
use serde_json::{json, Value};
use server::authn::otp::Authenticator;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// A browser: cookies kept, redirects not followed (their `Location` is what is checked).
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap_or_default()
}

fn now() -> i64 {
    server::clock::Clock::system().now()
}

fn location(response: &reqwest::Response) -> &str {
    response.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("")
}

async fn password_login(browser: &reqwest::Client, url: &str, user: &str, password: &str) -> Option<String> {
    let response =
        browser.post(format!("{url}/login")).form(&[("user_id", user), ("password", password)]).send().await.ok()?;
    (response.status() == 303).then(|| location(&response).to_string())
}

/// Personal settings → Two-step verification → "Set up", the key read from the page, "Confirm".
async fn set_up_authenticator(url: &str, user: &str, password: &str) -> Option<Authenticator> {
    let browser = browser();
    password_login(&browser, url, user, password).await?;
    let page = browser.post(format!("{url}/crm/two-step")).form(&[("action", "setup")]).send().await.ok()?;
    let page = page.text().await.ok()?;
    let shown = page.split("class=\"secret-key\"").nth(1)?.split("<code>").nth(1)?.split("</code>").next()?;
    let key: String = shown.chars().filter(|c| c.is_ascii_uppercase() || ('2'..='7').contains(c)).collect();
    let authenticator = Authenticator::from_base32(&key)?;
    let code = authenticator.code_at(now());
    let confirmed =
        browser.post(format!("{url}/crm/two-step")).form(&[("action", "confirm"), ("code", &code)]).send().await;
    confirmed.ok()?.text().await.ok()?.contains("recovery-codes").then_some(authenticator)
}

/// The password, then the code: a fresh browser, as at a new device. The code is the next
/// step's (within the one step either side), so it is never the one set-up just used.
async fn two_step_login(url: &str, user: &str, password: &str, authenticator: &Authenticator) -> bool {
    let browser = browser();
    let Some(next) = password_login(&browser, url, user, password).await else { return false };
    if !next.starts_with("/two-step") {
        return false;
    }
    let code = authenticator.code_at(now() + 30);
    let answer = browser.post(format!("{url}/two-step")).form(&[("step", "code"), ("code", &code)]).send().await;
    answer.is_ok_and(|a| a.status() == 303 && location(&a).starts_with("/crm"))
}

/// Every user sets up an authenticator (not timed); then CONCURRENCY clients log each of
/// them in once with password and code (timed).
pub async fn two_step_logins(url: &str, users: Vec<String>, password: &str, concurrency: usize) {
    let queue = Arc::new(Mutex::new(users));
    let ready = Arc::new(Mutex::new(Vec::new()));
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let (queue, ready, url, password) = (queue.clone(), ready.clone(), url.to_string(), password.to_string());
        workers.push(tokio::spawn(async move {
            loop {
                // The guard is dropped at the end of this statement: the clients run side by side.
                let Some(user) = queue.lock().await.pop() else { break };
                match set_up_authenticator(&url, &user, &password).await {
                    Some(authenticator) => ready.lock().await.push((user, authenticator)),
                    None => eprintln!("{user}: the authenticator could not be set up"),
                }
            }
        }));
    }
    for worker in workers.drain(..) {
        let _ = worker.await;
    }
    let count = ready.lock().await.len();
    let tally = Arc::new(Mutex::new(Tally::default()));
    let started = Instant::now();
    for _ in 0..concurrency {
        let (ready, tally, url, password) = (ready.clone(), tally.clone(), url.to_string(), password.to_string());
        workers.push(tokio::spawn(async move {
            loop {
                let Some((user, authenticator)) = ready.lock().await.pop() else { break };
                let began = Instant::now();
                let ok = two_step_login(&url, &user, &password, &authenticator).await;
                tally.lock().await.count(ok, began.elapsed());
            }
        }));
    }
    for worker in workers {
        let _ = worker.await;
    }
    report(
        &format!("two-step logins (password + code), {concurrency} clients, {count} users once each"),
        &mut *tally.lock().await,
        started.elapsed(),
    );
}

/// A passkey on a software authenticator: one P-256 key, its counter, the user handle.
struct SoftPasskey {
    key: EcdsaKeyPair,
    credential_id: Vec<u8>,
    user_handle: Vec<u8>,
    counter: u32,
    origin: String,
    rp_id_hash: Vec<u8>,
}

fn cbor_text(out: &mut Vec<u8>, text: &str) {
    out.push(0x60 + text.len() as u8);
    out.extend_from_slice(text.as_bytes());
}

fn cbor_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    match bytes.len() {
        n if n < 24 => out.push(0x40 + n as u8),
        n if n < 256 => out.extend_from_slice(&[0x58, n as u8]),
        n => {
            out.push(0x59);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
    }
    out.extend_from_slice(bytes);
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn client_data(kind: &str, challenge: &str, origin: &str) -> Vec<u8> {
    let data = json!({ "type": kind, "challenge": challenge, "origin": origin, "crossOrigin": false });
    serde_json::to_vec(&data).unwrap_or_default()
}

impl SoftPasskey {
    /// `navigator.credentials.create` for the options the server gave.
    fn create(options: &Value, origin: &str) -> Option<(SoftPasskey, Value)> {
        let rng = SystemRandom::new();
        let public_key = &options["publicKey"];
        let challenge = public_key["challenge"].as_str()?;
        let rp_id = public_key["rp"]["id"].as_str()?;
        let user_handle = URL_SAFE_NO_PAD.decode(public_key["user"]["id"].as_str()?.trim_end_matches('=')).ok()?;
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).ok()?;
        let key = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), &rng).ok()?;
        let point = key.public_key().as_ref().to_vec();
        let credential_id: Vec<u8> = Sha256::digest(&point)[..16].to_vec();
        let rp_id_hash = Sha256::digest(rp_id.as_bytes()).to_vec();

        // authenticatorData: rpIdHash, flags UP | UV | AT, counter 0, the attested credential.
        let mut auth_data = rp_id_hash.clone();
        auth_data.push(0x45);
        auth_data.extend_from_slice(&0u32.to_be_bytes());
        auth_data.extend_from_slice(&[0; 16]);
        auth_data.extend_from_slice(&(credential_id.len() as u16).to_be_bytes());
        auth_data.extend_from_slice(&credential_id);
        // COSE key: {1: 2 (EC2), 3: -7 (ES256), -1: 1 (P-256), -2: x, -3: y}
        auth_data.extend_from_slice(&[0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21]);
        cbor_bytes(&mut auth_data, &point[1..33]);
        auth_data.push(0x22);
        cbor_bytes(&mut auth_data, &point[33..65]);

        let mut attestation = vec![0xa3];
        cbor_text(&mut attestation, "fmt");
        cbor_text(&mut attestation, "none");
        cbor_text(&mut attestation, "attStmt");
        attestation.push(0xa0);
        cbor_text(&mut attestation, "authData");
        cbor_bytes(&mut attestation, &auth_data);

        let credential = json!({
            "id": b64(&credential_id),
            "rawId": b64(&credential_id),
            "type": "public-key",
            "response": {
                "attestationObject": b64(&attestation),
                "clientDataJSON": b64(&client_data("webauthn.create", challenge, origin)),
            },
            "extensions": {},
        });
        let passkey =
            SoftPasskey { key, credential_id, user_handle, counter: 0, origin: origin.to_string(), rp_id_hash };
        Some((passkey, credential))
    }

    /// `navigator.credentials.get` for the options the server gave (user verified).
    fn get(&mut self, options: &Value) -> Option<Value> {
        let challenge = options["publicKey"]["challenge"].as_str()?;
        self.counter += 1;
        let mut auth_data = self.rp_id_hash.clone();
        auth_data.push(0x05);
        auth_data.extend_from_slice(&self.counter.to_be_bytes());
        let client_data = client_data("webauthn.get", challenge, &self.origin);
        let mut signed = auth_data.clone();
        signed.extend_from_slice(&Sha256::digest(&client_data));
        let signature = self.key.sign(&SystemRandom::new(), &signed).ok()?;
        Some(json!({
            "id": b64(&self.credential_id),
            "rawId": b64(&self.credential_id),
            "type": "public-key",
            "response": {
                "authenticatorData": b64(&auth_data),
                "clientDataJSON": b64(&client_data),
                "signature": b64(signature.as_ref()),
                "userHandle": b64(&self.user_handle),
            },
            "extensions": {},
        }))
    }
}

async fn post_json(browser: &reqwest::Client, url: String, body: Value, client_ip: &str) -> Option<Value> {
    let response = browser
        .post(url)
        .header("content-type", "application/json")
        .header("x-forwarded-for", client_ip)
        .body(body.to_string())
        .send()
        .await
        .ok()?;
    json_if_ok(response).await
}

/// Personal settings → Passkeys → "Add a passkey", in a browser signed in with the password.
async fn add_passkey(
    browser: &reqwest::Client,
    url: &str,
    origin: &str,
    user: &str,
    password: &str,
) -> Option<SoftPasskey> {
    password_login(browser, url, user, password).await?;
    let password = json!({ "password": password });
    let started = post_json(browser, format!("{url}/crm/passkeys/options"), password, "10.255.0.1").await?;
    let (passkey, credential) = SoftPasskey::create(&started["options"], origin)?;
    let body = json!({ "ceremony": started["ceremony"], "credential": credential, "name": "Bench key" });
    post_json(browser, format!("{url}/crm/passkeys/register"), body, "10.255.0.1").await?;
    Some(passkey)
}

/// "Log in with a passkey": options, then the assertion; the session cookie comes back.
async fn passkey_login(browser: &reqwest::Client, url: &str, passkey: &mut SoftPasskey, client_ip: &str) -> bool {
    let Some(started) = post_json(browser, format!("{url}/passkeys/login/options"), json!({}), client_ip).await else {
        return false;
    };
    let Some(credential) = passkey.get(&started["options"]) else { return false };
    let body = json!({ "ceremony": started["ceremony"], "credential": credential });
    let answer = post_json(browser, format!("{url}/passkeys/login"), body, client_ip).await;
    answer.is_some_and(|a| a["redirect"].as_str().is_some_and(|r| r.starts_with("/crm")))
}

/// One user and one browser per client: it adds a passkey, then logs in with it in a closed
/// loop (each login from its own address, as many people behind a proxy would be).
pub async fn passkey_logins(
    url: &str,
    origin: &str,
    users: Vec<String>,
    password: &str,
    concurrency: usize,
    seconds: u64,
) {
    let tally = Arc::new(Mutex::new(Tally::default()));
    let ready = Arc::new(tokio::sync::Barrier::new(concurrency));
    let started = Arc::new(Mutex::new(None::<Instant>));
    let mut workers = Vec::new();
    for worker in 0..concurrency {
        let user = users[worker % users.len()].clone();
        let (tally, ready, started) = (tally.clone(), ready.clone(), started.clone());
        let (url, origin, password) = (url.to_string(), origin.to_string(), password.to_string());
        workers.push(tokio::spawn(async move {
            let browser = browser();
            let passkey = add_passkey(&browser, &url, &origin, &user, &password).await;
            if passkey.is_none() {
                eprintln!("{user}: the passkey could not be added");
            }
            ready.wait().await;
            let Some(mut passkey) = passkey else { return };
            let begun = *started.lock().await.get_or_insert_with(Instant::now);
            let deadline = begun + Duration::from_secs(seconds);
            let mut n = 0u32;
            while Instant::now() < deadline {
                n += 1;
                let client_ip = format!("10.{worker}.{}.{}", (n / 250) % 250, n % 250 + 1);
                let began = Instant::now();
                let ok = passkey_login(&browser, &url, &mut passkey, &client_ip).await;
                tally.lock().await.count(ok, began.elapsed());
            }
        }));
    }
    for worker in workers {
        let _ = worker.await;
    }
    let elapsed = started.lock().await.map(|s| s.elapsed()).unwrap_or_default();
    report(&format!("passkey logins, {concurrency} clients"), &mut *tally.lock().await, elapsed);
}
