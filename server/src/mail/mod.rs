//! Email: the sender that delivers the outbox, and the messages it writes.
//!
//! Every message is an outbox row first (see `db::outbox`), written in the transaction that
//! causes it. The sender takes due rows (claiming each, so two instances never both send it),
//! mints the link the message carries (so the raw token exists only in the message), delivers
//! it, and marks it sent; a failure waits 2 s, 4 s, 8 s… up to a ceiling and tries again.

mod messages;
mod transport;

pub use messages::{render, Rendered};
pub use transport::{SendError, Transport};

use crate::clock::Clock;
use crate::codes;
use crate::db::{Db, MailKind, OutboxRow, TokenKind};
use crate::links;
use crate::settings::Settings;
use crate::tokens::Token;
use crate::wakeup::MailSignal;
use app::i18n::Lang;
use std::sync::Arc;
use std::time::Duration;

/// How long an instance holds a message it is delivering before others may try.
const CLAIM_SECS: i64 = 120;
const BATCH: i64 = 20;

/// The sender: what it reads (the outbox, the users), how it delivers, and when it wakes.
#[derive(Clone)]
pub struct Sender {
    pub db: Db,
    pub clock: Clock,
    pub settings: Arc<Settings>,
    pub mailer: Arc<Mailer>,
    pub signal: Arc<MailSignal>,
}

/// How messages leave: the transport, the sender address, the retry ceiling and how often to
/// look for messages queued elsewhere.
pub struct Mailer {
    pub transport: Transport,
    pub from: lettre::message::Mailbox,
    pub retry_max_secs: i64,
    pub poll: Duration,
    /// In test mode, every delivered message is also kept here for `/_test/mail`.
    pub captured: Option<Arc<crate::test_mode::TestMailbox>>,
}

impl Mailer {
    pub fn new(transport: Transport, from: &str, retry_max_secs: i64, poll: Duration) -> anyhow::Result<Self> {
        let from = from.parse().map_err(|e| anyhow::anyhow!("the mail sender {from:?} is not an address: {e}"))?;
        Ok(Mailer { transport, from, retry_max_secs: retry_max_secs.max(1), poll, captured: None })
    }
}

impl Sender {
    /// Delivers the outbox until the process ends.
    pub async fn run(self) {
        loop {
            if let Err(err) = self.deliver_due().await {
                tracing::error!(error = %err, "the mail sender could not read the outbox");
            }
            tokio::select! {
                _ = self.signal.woken() => {}
                _ = tokio::time::sleep(self.mailer.poll) => {}
            }
        }
    }

    /// One pass over the due messages; returns how many were delivered.
    pub async fn deliver_due(&self) -> sqlx::Result<usize> {
        let db = &self.db;
        let mut delivered = 0;
        for row in db.due_mail(self.clock.now(), BATCH).await? {
            // A pass can take a while (each SMTP attempt up to its timeout): every claim is made
            // with the time of its own, so it never starts out expired.
            let now = self.clock.now();
            if !db.claim_mail(row.id, now, now + CLAIM_SECS).await? {
                continue;
            }
            match self.deliver(&row).await {
                Ok(Outcome::Sent) => {
                    db.mail_sent(row.id, self.clock.now()).await?;
                    delivered += 1;
                }
                Ok(Outcome::Void(reason)) => db.mail_failed(row.id, self.clock.now(), reason).await?,
                Err(SendError::Permanent(reason)) => {
                    tracing::error!(id = row.id, kind = row.kind.as_str(), %reason, "the mail server refused a message for good");
                    db.mail_failed(row.id, self.clock.now(), &reason).await?;
                }
                Err(SendError::Transient(reason)) => {
                    let wait = backoff(row.attempts + 1, self.mailer.retry_max_secs);
                    tracing::warn!(id = row.id, kind = row.kind.as_str(), %reason, retry_in_secs = wait, "could not deliver a message");
                    db.mail_retry(row.id, self.clock.now() + wait, &reason).await?;
                }
            }
        }
        Ok(delivered)
    }

    async fn deliver(&self, row: &OutboxRow) -> Result<Outcome, SendError> {
        let (db, settings) = (&self.db, &self.settings);
        let db_error = |e: sqlx::Error| SendError::Transient(format!("database: {e}"));
        let Some(user) = db.user_by_id(row.user_id).await.map_err(db_error)? else {
            return Ok(Outcome::Void("the user no longer exists"));
        };
        let Some(tenant) = db.tenant_by_id(user.tenant_id).await.map_err(db_error)? else {
            return Ok(Outcome::Void("the tenant no longer exists"));
        };
        let link = match row.kind {
            MailKind::Link(kind) => Some(kind),
            _ => None,
        };
        // A code ("Reset login", proving an account) is minted now too, and stored (hashed,
        // bound to its challenge) with what it is for.
        let code = match row.kind {
            MailKind::TenantCode | MailKind::LinkCode => {
                let Some(id) = row.data.as_deref().and_then(|d| d.parse::<i64>().ok()) else {
                    return Ok(Outcome::Void("no challenge"));
                };
                let now = self.clock.now();
                let challenge = match row.kind {
                    MailKind::TenantCode => db.tenant_choice_challenge(id).await,
                    _ => db.pending_link_challenge(id, now).await,
                };
                let Some(challenge_hash) = challenge.map_err(db_error)? else {
                    return Ok(Outcome::Void("the challenge no longer exists"));
                };
                let code = codes::new_code();
                let hash = codes::code_hash(&challenge_hash, &code);
                let stored = match row.kind {
                    MailKind::TenantCode => db.store_tenant_code(id, &hash, now).await,
                    _ => db.store_link_code(id, &hash, now).await,
                };
                if !stored.map_err(db_error)? {
                    return Ok(Outcome::Void("the code was replaced or has expired"));
                }
                Some(code)
            }
            _ => None,
        };
        let token = Token::generate();
        let address = match link {
            Some(kind) => {
                let now = self.clock.now();
                let expires_at = now + links::lifetime_secs(settings, kind);
                let stored = db
                    .store_link_for_mail(row.id, &token.hash(), TokenKind::Link(kind), user.id, expires_at, now)
                    .await
                    .map_err(db_error)?;
                if !stored {
                    return Ok(Outcome::Void("no longer applies (activated, deactivated or password changed)"));
                }
                Some(links::address(settings, kind, &token))
            }
            None => None,
        };
        let lang = Lang::from_code(&row.language).unwrap_or_default();
        let rendered = render(
            row.kind,
            lang,
            &messages::Facts {
                name: &user.display_name,
                login_name: &user.login_name,
                tenant: &tenant.name,
                link: address.as_deref(),
                code: code.as_deref(),
                email: &row.recipient,
                provider: row.data.as_deref().filter(|_| row.kind == MailKind::IdentityLinked),
                activation_hours: settings.activation_secs / 3600,
                reset_minutes: settings.reset_secs / 60,
                // When it happened, not when the message finally got out.
                when: row.created_at,
            },
        );
        let sent = self.mailer.transport.send(&self.mailer.from, &row.recipient, &rendered, row.id).await;
        // Only test tenants' mail: a real person's link never becomes readable with the test key.
        if let (Ok(()), Some(mailbox)) = (&sent, &self.mailer.captured) {
            if db.in_test_tenant(row.user_id).await.unwrap_or(false) {
                mailbox.keep(&row.recipient, &rendered);
            }
        }
        if let Some(kind) = link {
            let now = self.clock.now();
            // The newest delivered link is the one that works; an undelivered one never does.
            let retired = match &sent {
                Ok(()) => db.retire_one_time_tokens(user.id, TokenKind::Link(kind), Some(&token.hash()), now).await,
                Err(_) => db.retire_token(&token.hash(), now).await,
            };
            retired.map_err(db_error)?;
        }
        sent.map(|()| Outcome::Sent)
    }
}

/// Seconds to wait after the `attempts`-th failure: 2, 4, 8, … up to `max`.
pub fn backoff(attempts: i64, max: i64) -> i64 {
    let exponent = attempts.clamp(1, 20) as u32;
    2i64.saturating_pow(exponent).min(max)
}

enum Outcome {
    Sent,
    /// The message no longer applies (the user was activated or removed meanwhile).
    Void(&'static str),
}
