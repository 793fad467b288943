//! Test mode (issue 20): what other teams' end-to-end suites get from a Frontdoor started with
//! `--test-mode`, and never otherwise. Test users (marked in the database, made only here),
//! signed-in sessions minted for them through the sign-in core's one completion step, the mail
//! this instance sent (per address, parsed), and their authenticator's current code.
//! Everything here is reached with the test key, a bearer secret in a file.

use crate::authn::otp::{Authenticator, STEP_SECS};
use crate::authn::{Completion, Door, Method, SecondFactor, SignInError, SignedIn, Verified};
use crate::client::ClientInfo;
use crate::clock::Clock;
use crate::db::{App, CreateTenantError, CreateUserError, Db, NewUser, Tenant, UserRecord, UserStatus};
use crate::hashing::PasswordHasher;
use crate::mail::Rendered;
use crate::sealing::{Purpose, SecretKey};
use crate::tokens::hash_token;
use anyhow::Context;
use app::domain::{LoginName, TenantSlug};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use std::collections::VecDeque;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

/// Messages kept for `/_test/mail` before the oldest go.
const MAILBOX_CAPACITY: usize = 10_000;

/// The test key's hash (the key itself stays in its file) and the mailbox.
pub struct TestMode {
    key_hash: String,
    pub mailbox: Arc<TestMailbox>,
}

impl TestMode {
    /// Reads the test key, making one (0600) when the file is absent.
    pub fn load_or_create(path: &Path) -> anyhow::Result<TestMode> {
        if !path.exists() {
            let mut key = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut key);
            crate::sealing::write_private(path, &hex::encode(key))?;
        }
        let key = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
        let key = key.trim();
        anyhow::ensure!(key.len() >= 32, "{} must hold a test key of at least 32 characters", path.display());
        Ok(TestMode { key_hash: hash_token(key), mailbox: Arc::default() })
    }

    /// Whether `given` is the test key, compared in constant time (as hashes: equal length).
    pub fn key_matches(&self, given: &str) -> bool {
        let given = hash_token(given);
        given.len() == self.key_hash.len()
            && given.bytes().zip(self.key_hash.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    }
}

/// A message as a test reads it.
#[derive(Clone, Debug, Serialize)]
pub struct CapturedMail {
    pub to: String,
    /// Unix milliseconds, as JavaScript's `Date.now()`.
    pub sent_at: u64,
    pub subject: String,
    pub text: String,
    /// Every `http(s)://` link in the text, in order.
    pub links: Vec<String>,
    /// Every code of 6 to 8 digits standing on its own in the text.
    pub codes: Vec<String>,
}

/// The messages this instance delivered, newest last.
#[derive(Default)]
pub struct TestMailbox {
    messages: Mutex<VecDeque<CapturedMail>>,
}

impl TestMailbox {
    pub fn keep(&self, to: &str, rendered: &Rendered) {
        let mail = CapturedMail {
            to: to.to_lowercase(),
            sent_at: now_ms(),
            subject: rendered.subject.clone(),
            text: rendered.text.clone(),
            links: links_in(&rendered.text),
            codes: codes_in(&rendered.text),
        };
        if let Ok(mut messages) = self.messages.lock() {
            if messages.len() >= MAILBOX_CAPACITY {
                messages.pop_front();
            }
            messages.push_back(mail);
        }
    }

    /// The messages to `to` (any case) sent at or after `since` (Unix ms).
    pub fn to(&self, to: &str, since: u64) -> Vec<CapturedMail> {
        let to = to.trim().to_lowercase();
        self.messages
            .lock()
            .map(|m| m.iter().filter(|m| m.to == to && m.sent_at >= since).cloned().collect())
            .unwrap_or_default()
    }
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

fn links_in(text: &str) -> Vec<String> {
    text.split_whitespace()
        .filter(|w| w.starts_with("http://") || w.starts_with("https://"))
        .map(|w| w.trim_end_matches(['.', ',', ')', '>', '"']).to_string())
        .collect()
}

fn codes_in(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|w| (6..=8).contains(&w.len()))
        .filter(|w| !text.contains(&format!("/{w}")))
        .map(str::to_string)
        .collect()
}

/// A test user as a suite asks for one.
pub struct TestUserSpec<'a> {
    pub tenant: &'a str,
    pub tenant_name: Option<&'a str>,
    pub login: &'a str,
    pub name: Option<&'a str>,
    pub role: Option<&'a str>,
    pub password: SecretString,
    pub language: Option<&'a str>,
}

#[derive(Debug, thiserror::Error)]
pub enum TestKitError {
    #[error("{0}")]
    BadRequest(String),
    /// The user exists and is not a test user: test mode never touches real accounts.
    #[error("{0} is not a test user (only users made through test mode are)")]
    NotATestUser(String),
    /// The tenant exists and test mode did not make it.
    #[error("{0} is not a test tenant (only tenants made through test mode are)")]
    NotATestTenant(String),
    /// The authenticator's code for now was used; the next works in this many seconds.
    #[error("this step's authenticator code is used; ask again in {0} s")]
    CodeUsed(i64),
    #[error("no test user {0} in tenant {1}")]
    NoSuchUser(String, String),
    #[error(transparent)]
    SignIn(#[from] SignInError),
    #[error(transparent)]
    Storage(#[from] sqlx::Error),
    #[error("{0}")]
    Internal(String),
}

/// A minted sign-in: the session, or the second step it still needs.
pub enum Minted {
    Session(SignedIn),
    SecondStepDue(crate::authn::PendingStep),
}

pub struct TestKit<'a> {
    pub db: &'a Db,
    pub clock: &'a Clock,
    pub hasher: &'a PasswordHasher,
    pub key: &'a SecretKey,
}

impl TestKit<'_> {
    /// Makes (or, when it exists, resets) a test user: active, with this password, role and
    /// name; the tenant too when it is new. Answers the user's id.
    pub async fn ensure_user(&self, spec: &TestUserSpec<'_>) -> Result<i64, TestKitError> {
        let bad = |what: &str| TestKitError::BadRequest(what.to_string());
        let slug =
            TenantSlug::parse(spec.tenant).ok_or_else(|| bad("tenant: 2–40 lower-case letters, digits or dashes"))?;
        let login = LoginName::parse(spec.login).map_err(|_| bad("login: an email address or user ID"))?;
        if spec.password.expose_secret().chars().count() < 8 {
            return Err(bad("password: at least 8 characters"));
        }
        let now = self.clock.now();
        let tenant = self.test_tenant(slug.as_str(), spec.tenant_name.unwrap_or(slug.as_str()), now).await?;
        let role_name = spec.role.unwrap_or(crate::db::USER_ROLE);
        let role = self
            .db
            .roles(tenant.id)
            .await?
            .into_iter()
            .find(|r| r.name == role_name)
            .ok_or_else(|| bad(&format!("role: tenant {} has no role {role_name:?}", tenant.slug)))?;
        let hash = self.hasher.hash(spec.password.clone()).await.map_err(|e| TestKitError::Internal(e.to_string()))?;
        let name = spec.name.unwrap_or(login.as_str());
        let existing = self.db.users_by_login(login.as_str(), Some(tenant.id)).await?.into_iter().next();
        let id = match existing {
            Some(user) if !self.db.is_test_user(user.id).await? => {
                return Err(TestKitError::NotATestUser(login.as_str().to_string()))
            }
            Some(user) => {
                self.db.reset_test_user(user.id, role.id, name, &hash, now).await?;
                user.id
            }
            None => {
                let email = login.as_str().contains('@').then_some(login.as_str());
                let new = NewUser {
                    tenant_id: tenant.id,
                    role_id: role.id,
                    login_name: login.as_str(),
                    email,
                    display_name: name,
                    status: UserStatus::Active,
                    password_hash: Some(hash),
                    language: spec.language,
                };
                match self.db.create_test_user(&new, now).await {
                    Ok(id) => id,
                    // Another worker made it a moment ago: take theirs, if it is a test user.
                    Err(CreateUserError::Duplicate(_)) => {
                        let user = self.db.users_by_login(login.as_str(), Some(tenant.id)).await?.into_iter().next();
                        let user = user.ok_or_else(|| TestKitError::Internal("a user vanished".into()))?;
                        if !self.db.is_test_user(user.id).await? {
                            return Err(TestKitError::NotATestUser(user.login_name));
                        }
                        user.id
                    }
                    Err(err) => return Err(TestKitError::Internal(err.to_string())),
                }
            }
        };
        Ok(id)
    }

    /// The test tenant with this slug, made (and marked, in one transaction) when it is new. A
    /// tenant test mode did not make is refused: test users never live among real ones.
    async fn test_tenant(&self, slug: &str, name: &str, now: i64) -> Result<Tenant, TestKitError> {
        let tenant = match self.db.tenant_by_slug(slug).await? {
            Some(tenant) => tenant,
            None => match self.db.create_tenant_marked(slug, name, now, true).await {
                Ok(tenant) => return Ok(tenant),
                // Another worker made it a moment ago.
                Err(CreateTenantError::Duplicate(_)) => self
                    .db
                    .tenant_by_slug(slug)
                    .await?
                    .ok_or_else(|| TestKitError::Internal("a tenant vanished".into()))?,
                Err(CreateTenantError::Db(err)) => return Err(err.into()),
            },
        };
        match self.db.is_test_tenant(tenant.id).await? {
            true => Ok(tenant),
            false => Err(TestKitError::NotATestTenant(slug.to_string())),
        }
    }

    /// A test user of a tenant, with the tenant; any other user is refused.
    async fn test_user(&self, tenant: &str, login: &str) -> Result<(Tenant, UserRecord), TestKitError> {
        let no_user = || TestKitError::NoSuchUser(login.to_string(), tenant.to_string());
        let tenant = self.db.tenant_by_slug(tenant).await?.ok_or_else(no_user)?;
        let user = self.db.users_by_login(&login.to_lowercase(), Some(tenant.id)).await?.into_iter().next();
        let user = user.ok_or_else(no_user)?;
        if !self.db.is_test_user(user.id).await? {
            return Err(TestKitError::NotATestUser(user.login_name));
        }
        Ok((tenant, user))
    }

    /// A signed-in session of a test user for `app`, through the one completion step (status,
    /// right, tenant policy and second step all apply). With `second_factor`, the sign-in
    /// counts as having given its second factor; without, a second step that is due is
    /// answered as such.
    pub async fn mint(
        &self,
        tenant: &str,
        login: &str,
        app: App,
        second_factor: bool,
        client: &ClientInfo,
    ) -> Result<Minted, TestKitError> {
        let (tenant, user) = self.test_user(tenant, login).await?;
        let now = self.clock.now();
        let verified = Verified {
            user,
            tenant,
            method: Method::Password,
            auth_time: now,
            provider: None,
            second_factor: second_factor.then_some(SecondFactor { factor: None, at: now }),
        };
        let completion = Completion { db: self.db, clock: self.clock };
        match completion.complete(verified, Door::to(app, client)).await {
            Ok(signed_in) => Ok(Minted::Session(signed_in)),
            Err(SignInError::SecondStepDue(pending)) => Ok(Minted::SecondStepDue(pending)),
            Err(err) => Err(err.into()),
        }
    }

    /// A code of a test user's authenticator (the one set up, or being set up) that the next
    /// check accepts: the current step's, or the next step's when the current one is used
    /// (each step works once; the server takes one step either side).
    pub async fn authenticator_code(&self, tenant: &str, login: &str) -> Result<Option<String>, TestKitError> {
        let (_, user) = self.test_user(tenant, login).await?;
        let Some(row) = self.db.totp(user.id).await? else { return Ok(None) };
        let secret = self
            .key
            .open_for(Purpose::Authenticator, &row.secret_sealed)
            .map_err(|e| TestKitError::Internal(e.to_string()))?;
        let authenticator = Authenticator::from_base32(secret.expose_secret())
            .ok_or_else(|| TestKitError::Internal("an unreadable authenticator secret".into()))?;
        let now = self.clock.now();
        let step_secs = STEP_SECS as i64;
        let step = now / step_secs;
        let at = match row.last_step - step {
            ..=-1 => now,
            // Used now: the next step's code works already (one step either side).
            0 => (step + 1) * step_secs,
            _ => return Err(TestKitError::CodeUsed((row.last_step - 1) * step_secs + step_secs - now)),
        };
        Ok(Some(authenticator.code_at(at)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_and_codes_are_read_from_a_message() {
        let text = "Your code: 12345678.\nOr open https://crm.test/activate/AbC_12-x. Ask 555 1234.";
        assert_eq!(links_in(text), vec!["https://crm.test/activate/AbC_12-x"]);
        assert_eq!(codes_in(text), vec!["12345678"]);
    }

    #[test]
    fn only_the_key_matches() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("test.key");
        let mode = TestMode::load_or_create(&path).unwrap();
        let key = std::fs::read_to_string(&path).unwrap();
        assert!(mode.key_matches(key.trim()));
        assert!(!mode.key_matches(""));
        assert!(!mode.key_matches(&key.trim()[1..]));
    }
}
