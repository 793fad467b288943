//! Back-channel logout (OpenID Connect Back-Channel Logout 1.0): when an app session ends, by
//! whatever path, a trigger queues its app's logout token in the same transaction; this sender
//! signs and posts each one, claiming it first (so two instances never send one twice), and
//! tries again with growing waits when the app cannot be reached.

use super::jwt;
use super::keys::Keys;
use crate::clock::Clock;
use crate::db::{BackchannelRow, Db, Delivery};
use crate::tokens::Token;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

/// How long a sender holds a delivery before others may try.
const CLAIM_SECS: i64 = 60;
/// Waits double from 2 s up to this; after this many attempts the logout is given up.
const RETRY_MAX_SECS: i64 = 600;
const MAX_ATTEMPTS: i64 = 20;
/// A logout token is good for this long.
const LOGOUT_TOKEN_SECS: i64 = 120;
const BATCH: i64 = 20;

pub const EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";

#[derive(Clone)]
pub struct Backchannel {
    pub db: Db,
    pub clock: Clock,
    pub keys: Arc<Keys>,
    pub issuer: String,
    pub http: reqwest::Client,
    /// How often to look for logouts queued elsewhere (a trigger cannot ring a bell).
    pub poll: Duration,
    pub signal: Arc<tokio::sync::Notify>,
}

impl Backchannel {
    pub fn http() -> anyhow::Result<reqwest::Client> {
        Ok(reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()?)
    }

    /// Delivers until the process ends.
    pub async fn run(self) {
        loop {
            if let Err(err) = self.deliver_due().await {
                tracing::error!(error = %err, "back-channel logout: cannot read the queue");
            }
            tokio::select! {
                _ = self.signal.notified() => {}
                _ = tokio::time::sleep(self.poll) => {}
            }
        }
    }

    /// One pass over the due logouts; returns how many were delivered.
    pub async fn deliver_due(&self) -> sqlx::Result<usize> {
        let mut delivered = 0;
        for row in self.db.due_backchannel_logouts(self.clock.now(), BATCH).await? {
            let now = self.clock.now();
            if !self.db.claim_backchannel_logout(row.id, now, now + CLAIM_SECS).await? {
                continue;
            }
            let outcome = self.deliver(&row).await;
            let now = self.clock.now();
            let recorded = match &outcome {
                Ok(()) => {
                    delivered += 1;
                    self.db.backchannel_attempted(row.id, Delivery::Sent, now).await
                }
                Err(Failure::Final(why)) => {
                    tracing::warn!(client = %row.client_id, %why, "back-channel logout refused for good");
                    self.db.backchannel_attempted(row.id, Delivery::GiveUp(why), now).await
                }
                Err(Failure::Again(why)) if row.attempts + 1 >= MAX_ATTEMPTS => {
                    tracing::warn!(client = %row.client_id, %why, "back-channel logout given up");
                    self.db.backchannel_attempted(row.id, Delivery::GiveUp(why), now).await
                }
                Err(Failure::Again(why)) => {
                    let wait = 2i64.saturating_pow((row.attempts + 1).clamp(1, 20) as u32).min(RETRY_MAX_SECS);
                    tracing::info!(client = %row.client_id, %why, retry_in_secs = wait, "back-channel logout: will try again");
                    self.db.backchannel_attempted(row.id, Delivery::Retry { at: now + wait, error: why }, now).await
                }
            };
            recorded?;
        }
        Ok(delivered)
    }

    async fn deliver(&self, row: &BackchannelRow) -> Result<(), Failure> {
        let client = self.db.client(&row.client_id).await.map_err(|e| Failure::Again(format!("storage: {e}")))?;
        let Some(uri) = client.and_then(|c| c.backchannel_logout_uri) else {
            return Err(Failure::Final("the app no longer has a back-channel logout URI".into()));
        };
        let now = self.clock.now();
        let keys = self.keys.current(now).await.map_err(|e| Failure::Again(e.to_string()))?;
        let mut claims = json!({
            "iss": self.issuer,
            "aud": row.client_id,
            "iat": now,
            "exp": now + LOGOUT_TOKEN_SECS,
            "jti": Token::generate().expose()[..22].to_string(),
            "sub": row.subject,
            "events": { EVENT: {} },
        });
        if let Some(sid) = &row.sid {
            claims["sid"] = json!(sid);
        }
        let token = jwt::sign(&keys.rs256, "logout+jwt", &claims).map_err(|e| Failure::Again(e.to_string()))?;
        let response = self
            .http
            .post(&uri)
            .form(&[("logout_token", token)])
            .send()
            .await
            .map_err(|e| Failure::Again(format!("cannot reach the app: {e}")))?;
        match response.status().as_u16() {
            200..=299 => Ok(()),
            status @ 400..=499 => Err(Failure::Final(format!("the app answered {status}"))),
            status => Err(Failure::Again(format!("the app answered {status}"))),
        }
    }
}

enum Failure {
    /// The app said no, or has no URI any more: trying again will not help.
    Final(String),
    Again(String),
}

impl Failure {
    fn text(&self) -> &str {
        match self {
            Failure::Final(why) | Failure::Again(why) => why,
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.text())
    }
}
