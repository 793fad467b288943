//! Server-side sessions, one per browser and app. The cookie holds a 256-bit random token; the
//! database holds only its SHA-256, with the tenant's idle and absolute limits for that app
//! enforced on every request. A session handed off from another ends with it.

use crate::clock::Clock;
use crate::db::{App, Db, SessionRecord, UserStatus};
use crate::tokens::{hash_token, Token};
use app::model::Viewer;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Sessions are touched at most this often, so a busy page costs no write per request.
const TOUCH_EVERY_SECS: i64 = 15;

/// A new session's token, for the browser's cookie, and how long it may live.
pub struct NewToken {
    pub token: Token,
    pub lifetime_secs: i64,
}

/// Why there is no usable session on a request.
#[derive(Debug)]
pub enum NoSession {
    /// No cookie, or a token that was never issued or has been logged out.
    Missing,
    /// A session that timed out, whose user was deactivated or whose role lost the app; it is
    /// deleted now.
    Ended,
    /// Storage could not be asked: the request cannot be served now (503).
    Unavailable(sqlx::Error),
}

pub struct Sessions<'a> {
    pub db: &'a Db,
    pub clock: &'a Clock,
    pub touches: &'a Arc<Touches>,
}

/// The `last_seen` writes this instance has under way, by session: written beside the answer,
/// never before it, and one at a time per session however many requests it makes at once.
/// Until a write lands, this instance reads its time from here.
#[derive(Default)]
pub struct Touches {
    pending: Mutex<HashMap<String, i64>>,
}

impl Touches {
    fn pending(&self, hash: &str) -> Option<i64> {
        self.pending.lock().ok()?.get(hash).copied()
    }

    /// Records `now` as the session's newest use; true when this request is the one to write
    /// (none is under way for the session). A use recorded while a write is under way is
    /// written by that writer when its write lands, never dropped.
    fn begin(&self, hash: &str, now: i64) -> bool {
        let Ok(mut pending) = self.pending.lock() else { return false };
        match pending.get_mut(hash) {
            Some(at) => {
                *at = (*at).max(now);
                false
            }
            None => {
                pending.insert(hash.to_string(), now);
                true
            }
        }
    }

    /// After writing `written`: the newer time to write next, or `None` when the session's
    /// entry is done (and removed).
    fn next(&self, hash: &str, written: i64) -> Option<i64> {
        let mut pending = self.pending.lock().ok()?;
        match pending.get(hash) {
            Some(&at) if at > written => Some(at),
            _ => {
                pending.remove(hash);
                None
            }
        }
    }
}

impl Sessions<'_> {
    /// The live session of `app` behind a raw cookie token, touched if it has been a while.
    pub async fn resolve(&self, raw: &str, app: App) -> Result<SessionRecord, NoSession> {
        if raw.is_empty() || raw.len() > 128 {
            return Err(NoSession::Missing);
        }
        let hash = hash_token(raw);
        // Asked before the read too: a write that lands between the read and the second look
        // has left the map but was not in what the read saw.
        let pending = self.touches.pending(&hash);
        let mut record = match self.db.session_by_hash(&hash).await {
            Ok(Some(record)) if record.app == app => record,
            Ok(_) => return Err(NoSession::Missing),
            Err(err) => return Err(NoSession::Unavailable(err)),
        };
        if let Some(at) = pending.max(self.touches.pending(&hash)) {
            record.last_seen_at = record.last_seen_at.max(at);
        }
        let now = self.clock.now();
        let active = record.status == UserStatus::Active && record.rights.allows(app) && record.meets_two_step_policy();
        if record.is_expired(now) || !active {
            self.db.delete_session(&hash).await.map_err(NoSession::Unavailable)?;
            return Err(NoSession::Ended);
        }
        if now - record.last_seen_at >= TOUCH_EVERY_SECS && self.touches.begin(&hash, now) {
            let (db, touches, parent) = (self.db.clone(), self.touches.clone(), record.parent_hash.clone());
            tokio::spawn(async move {
                let mut at = Some(now);
                while let Some(time) = at {
                    if let Err(err) = db.touch_session(&hash, parent.as_deref(), time).await {
                        tracing::warn!(error = %err, "could not touch a session");
                    }
                    at = touches.next(&hash, time);
                }
            });
        }
        Ok(record)
    }

    /// Ends the session behind a raw token, if there is one (a login over a live session).
    pub async fn end_token(&self, raw: &str) -> sqlx::Result<bool> {
        self.db.delete_session(&hash_token(raw)).await
    }
}

pub fn viewer(record: &SessionRecord) -> Viewer {
    Viewer {
        user_id: record.user_id,
        name: record.display_name.clone(),
        login_name: record.login_name.clone(),
        tenant_slug: record.tenant_slug.clone(),
        tenant_name: record.tenant_name.clone(),
        can_service: record.rights.service,
        can_admin: record.rights.admin,
    }
}
