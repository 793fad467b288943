//! Two-step verification's storage: a person's authenticator (its secret sealed, the last time
//! step used), recovery codes (hashed), passkeys, WebAuthn ceremonies in flight, and sign-ins
//! waiting for their second step.

use super::outbox::{enqueue, MailKind};
use super::{App, Db, UserRecord};
use sqlx::{Any, FromRow, Transaction};

/// Wrong answers one sign-in may give at its second step before it must start over.
pub const MAX_SECOND_STEP_FAILURES: i64 = 5;

/// A person's authenticator app.
#[derive(Clone, Debug, FromRow)]
pub struct TotpRow {
    pub secret_sealed: String,
    pub created_at: i64,
    /// None while it is being set up.
    pub confirmed_at: Option<i64>,
    pub last_step: i64,
}

/// A sign-in whose first step was right and whose second is due.
#[derive(Clone, Debug)]
pub struct SecondStepRow {
    pub user_id: i64,
    pub app: App,
    pub method: String,
    pub auth_time: i64,
    pub return_to: Option<String>,
    /// A second factor is required and not set up yet: enrolment first.
    pub enrol: bool,
    /// The hash of the browser's session of the app when the first step began: it ends when
    /// the sign-in completes.
    pub replaces_hash: Option<String>,
}

/// The second factors a person has, as the Users screen shows them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Factors {
    pub authenticator: bool,
    pub recovery_codes: i64,
    pub passkeys: i64,
}

impl Db {
    pub async fn totp(&self, user_id: i64) -> sqlx::Result<Option<TotpRow>> {
        sqlx::query_as("SELECT secret_sealed, created_at, confirmed_at, last_step FROM user_totp WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await
    }

    /// The secret being set up: the one already waiting for its first code since `fresh_after`
    /// (so that a page shown again shows the same QR code), else `fresh`, stored now in place
    /// of an older one. None when an authenticator is set up already.
    pub async fn totp_setup(
        &self,
        user_id: i64,
        fresh_sealed: &str,
        now: i64,
        fresh_after: i64,
    ) -> sqlx::Result<Option<String>> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM user_totp WHERE user_id = $1 AND confirmed_at IS NULL AND created_at <= $2")
            .bind(user_id)
            .bind(fresh_after)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO user_totp (user_id, secret_sealed, created_at) VALUES ($1, $2, $3) ON CONFLICT (user_id) DO NOTHING",
        )
        .bind(user_id)
        .bind(fresh_sealed)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(self.totp(user_id).await?.filter(|row| row.confirmed_at.is_none()).map(|row| row.secret_sealed))
    }

    /// The first right code for the secret set up since `fresh_after`: the authenticator is set
    /// up, with a fresh set of recovery codes.
    pub async fn confirm_totp(
        &self,
        user_id: i64,
        step: i64,
        recovery: &[String],
        now: i64,
        fresh_after: i64,
    ) -> sqlx::Result<bool> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE user_totp SET confirmed_at = $1, last_step = $2 \
             WHERE user_id = $3 AND confirmed_at IS NULL AND created_at > $4",
        )
        .bind(now)
        .bind(step)
        .bind(user_id)
        .bind(fresh_after)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        replace_recovery_codes(&mut tx, user_id, recovery).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Uses a time step of the person's authenticator, once: a code already used (or an older
    /// one) is refused.
    pub async fn use_totp_step(&self, user_id: i64, step: i64) -> sqlx::Result<bool> {
        let done = sqlx::query(
            "UPDATE user_totp SET last_step = $2 WHERE user_id = $1 AND confirmed_at IS NOT NULL AND last_step < $2",
        )
        .bind(user_id)
        .bind(step)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Turns two-step verification off for a person: the authenticator and the recovery codes
    /// go (passkeys stay: they sign in by themselves).
    pub async fn remove_totp(&self, user_id: i64) -> sqlx::Result<bool> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query("DELETE FROM user_totp WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM user_recovery_codes WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    /// New recovery codes; the old ones stop working.
    pub async fn new_recovery_codes(&self, user_id: i64, hashes: &[String]) -> sqlx::Result<()> {
        let mut tx = self.pool.begin().await?;
        replace_recovery_codes(&mut tx, user_id, hashes).await?;
        tx.commit().await
    }

    /// Uses a recovery code, once, and queues the email that says so: the codes left, or None
    /// when the code was not one of the person's unused ones.
    pub async fn use_recovery_code(&self, user: &UserRecord, code_hash: &str, now: i64) -> sqlx::Result<Option<i64>> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE user_recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
        )
        .bind(now)
        .bind(user.id)
        .bind(code_hash)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(None);
        }
        let left: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM user_recovery_codes WHERE user_id = $1 AND used_at IS NULL")
                .bind(user.id)
                .fetch_one(&mut *tx)
                .await?;
        notify(&mut tx, MailKind::RecoveryCodeUsed, user, now).await?;
        tx.commit().await?;
        Ok(Some(left))
    }

    /// The unused recovery codes a person has left.
    pub async fn recovery_codes_left(&self, user_id: i64) -> sqlx::Result<i64> {
        sqlx::query_scalar("SELECT COUNT(*) FROM user_recovery_codes WHERE user_id = $1 AND used_at IS NULL")
            .bind(user_id)
            .fetch_one(&self.pool)
            .await
    }

    pub async fn factors(&self, user_id: i64) -> sqlx::Result<Factors> {
        let authenticator: Option<i64> =
            sqlx::query_scalar("SELECT user_id FROM user_totp WHERE user_id = $1 AND confirmed_at IS NOT NULL")
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?;
        let recovery_codes: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM user_recovery_codes WHERE user_id = $1 AND used_at IS NULL")
                .bind(user_id)
                .fetch_one(&self.pool)
                .await?;
        let passkeys: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM user_passkeys WHERE user_id = $1")
            .bind(user_id)
            .fetch_one(&self.pool)
            .await?;
        Ok(Factors { authenticator: authenticator.is_some(), recovery_codes, passkeys })
    }

    /// The second factors of several users at once (the Users screen's page).
    pub async fn factors_of_users(&self, user_ids: &[i64]) -> sqlx::Result<Vec<(i64, Factors)>> {
        if user_ids.is_empty() {
            return Ok(Vec::new());
        }
        let list = user_ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let rows: Vec<(i64, i64, i64, i64)> = sqlx::query_as(&format!(
            "SELECT u.id, \
             (SELECT COUNT(*) FROM user_totp t WHERE t.user_id = u.id AND t.confirmed_at IS NOT NULL), \
             (SELECT COUNT(*) FROM user_recovery_codes c WHERE c.user_id = u.id AND c.used_at IS NULL), \
             (SELECT COUNT(*) FROM user_passkeys p WHERE p.user_id = u.id) \
             FROM users u WHERE u.id IN ({list})"
        ))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, totp, codes, passkeys)| {
                (id, Factors { authenticator: totp > 0, recovery_codes: codes, passkeys })
            })
            .collect())
    }

    /// An administrator's "Reset two-step verification": every second factor goes, every
    /// session of the person ends, and the email that says so is queued.
    pub async fn reset_two_step(&self, user: &UserRecord, now: i64) -> sqlx::Result<()> {
        let mut tx = self.pool.begin().await?;
        for table in ["user_totp", "user_recovery_codes", "user_passkeys", "second_steps", "sessions"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE user_id = $1")).bind(user.id).execute(&mut *tx).await?;
        }
        notify(&mut tx, MailKind::TwoStepReset, user, now).await?;
        tx.commit().await
    }

    pub async fn set_two_step_policy(
        &self,
        tenant_id: i64,
        policy: super::TwoStepPolicy,
        grace: i64,
        for_sso: bool,
    ) -> sqlx::Result<()> {
        sqlx::query("UPDATE tenants SET two_step = $1, two_step_grace = $2, two_step_for_sso = $3 WHERE id = $4")
            .bind(policy.as_str())
            .bind(grace)
            .bind(i64::from(for_sso))
            .bind(tenant_id)
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    /// Counts a login made without the second factor a tenant requires (its grace).
    pub async fn use_two_step_grace(&self, user_id: i64, grace: i64) -> sqlx::Result<bool> {
        let done = sqlx::query(
            "UPDATE users SET two_step_grace_used = two_step_grace_used + 1 WHERE id = $1 AND two_step_grace_used < $2",
        )
        .bind(user_id)
        .bind(grace)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn insert_second_step(
        &self,
        challenge_hash: &str,
        step: &SecondStepRow,
        now: i64,
        expires_at: i64,
    ) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO second_steps \
             (challenge_hash, user_id, app, method, auth_time, return_to, enrol, replaces_hash, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(challenge_hash)
        .bind(step.user_id)
        .bind(step.app.as_str())
        .bind(&step.method)
        .bind(step.auth_time)
        .bind(&step.return_to)
        .bind(i64::from(step.enrol))
        .bind(&step.replaces_hash)
        .bind(now)
        .bind(expires_at)
        .execute(&self.pool)
        .await
        .map(|_| ())
    }

    pub async fn second_step(&self, challenge_hash: &str, now: i64) -> sqlx::Result<Option<SecondStepRow>> {
        type Row = (i64, String, String, i64, Option<String>, i64, Option<String>);
        let row: Option<Row> = sqlx::query_as(
            "SELECT user_id, app, method, auth_time, return_to, enrol, replaces_hash FROM second_steps \
             WHERE challenge_hash = $1 AND expires_at > $2 AND failures < $3",
        )
        .bind(challenge_hash)
        .bind(now)
        .bind(MAX_SECOND_STEP_FAILURES)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.and_then(|(user_id, app, method, auth_time, return_to, enrol, replaces_hash)| {
            let app = App::parse(&app)?;
            Some(SecondStepRow { user_id, app, method, auth_time, return_to, enrol: enrol != 0, replaces_hash })
        }))
    }

    /// Counts a wrong answer to a sign-in's second step (the fifth ends it).
    pub async fn second_step_failed(&self, challenge_hash: &str) -> sqlx::Result<()> {
        sqlx::query("UPDATE second_steps SET failures = failures + 1 WHERE challenge_hash = $1")
            .bind(challenge_hash)
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    /// Ends a sign-in waiting for its second step (used once); false when another request
    /// ended it first.
    pub async fn end_second_step(&self, challenge_hash: &str) -> sqlx::Result<bool> {
        let done = sqlx::query("DELETE FROM second_steps WHERE challenge_hash = $1")
            .bind(challenge_hash)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records that a session's second factor was given at `at`, and its method with it.
    pub async fn set_second_factor(&self, token_hash: &str, method: &str, at: i64) -> sqlx::Result<()> {
        sqlx::query("UPDATE sessions SET second_factor_at = $1, method = $2 WHERE token_hash = $3")
            .bind(at)
            .bind(method)
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .map(|_| ())
    }
}

/// Queues a security notice to the person, when they have an address.
async fn notify(tx: &mut Transaction<'_, Any>, kind: MailKind, user: &UserRecord, now: i64) -> sqlx::Result<()> {
    let recipient = user.email.as_deref().unwrap_or(&user.login_name);
    if recipient.contains('@') {
        enqueue(tx, kind, user.id, recipient, user.language.as_deref(), now).await?;
    }
    Ok(())
}

async fn replace_recovery_codes(tx: &mut Transaction<'_, Any>, user_id: i64, hashes: &[String]) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM user_recovery_codes WHERE user_id = $1").bind(user_id).execute(&mut **tx).await?;
    for hash in hashes {
        sqlx::query("INSERT INTO user_recovery_codes (user_id, code_hash) VALUES ($1, $2)")
            .bind(user_id)
            .bind(hash)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// A person's passkey: its WebAuthn credential as webauthn-rs keeps it (JSON).
#[derive(Clone, Debug, FromRow)]
pub struct PasskeyRow {
    pub id: String,
    pub user_id: i64,
    pub credential_id: String,
    pub name: String,
    pub passkey: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

impl Db {
    /// What apps know a person by (their passkeys' user handle is made from it).
    pub async fn subject_of(&self, user_id: i64) -> sqlx::Result<Option<String>> {
        sqlx::query_scalar("SELECT subject FROM users WHERE id = $1").bind(user_id).fetch_optional(&self.pool).await
    }

    pub async fn passkeys_of(&self, user_id: i64) -> sqlx::Result<Vec<PasskeyRow>> {
        sqlx::query_as(
            "SELECT id, user_id, credential_id, name, passkey, created_at, last_used_at FROM user_passkeys \
             WHERE user_id = $1 ORDER BY created_at, id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await
    }

    pub async fn passkey_by_credential(&self, credential_id: &str) -> sqlx::Result<Option<PasskeyRow>> {
        sqlx::query_as(
            "SELECT id, user_id, credential_id, name, passkey, created_at, last_used_at FROM user_passkeys \
             WHERE credential_id = $1",
        )
        .bind(credential_id)
        .fetch_optional(&self.pool)
        .await
    }

    /// A new passkey; false when the credential is registered already.
    pub async fn insert_passkey(
        &self,
        id: &str,
        user: &UserRecord,
        credential_id: &str,
        name: &str,
        passkey: &str,
        now: i64,
    ) -> sqlx::Result<bool> {
        let mut tx = self.pool.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO user_passkeys (id, user_id, credential_id, name, passkey, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(user.id)
        .bind(credential_id)
        .bind(name)
        .bind(passkey)
        .bind(now)
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {}
            Err(err) if super::is_unique_violation(&err) => return Ok(false),
            Err(err) => return Err(err),
        }
        // The person hears of every new way into their account.
        notify(&mut tx, MailKind::PasskeyAdded, user, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    pub async fn passkey_used(&self, credential_id: &str, passkey: &str, now: i64) -> sqlx::Result<()> {
        sqlx::query("UPDATE user_passkeys SET passkey = $1, last_used_at = $2 WHERE credential_id = $3")
            .bind(passkey)
            .bind(now)
            .bind(credential_id)
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    pub async fn rename_passkey(&self, user_id: i64, id: &str, name: &str) -> sqlx::Result<bool> {
        let done = sqlx::query("UPDATE user_passkeys SET name = $1 WHERE id = $2 AND user_id = $3")
            .bind(name)
            .bind(id)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn remove_passkey(&self, user_id: i64, id: &str) -> sqlx::Result<bool> {
        let done = sqlx::query("DELETE FROM user_passkeys WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn insert_ceremony(
        &self,
        ceremony_hash: &str,
        user_id: Option<i64>,
        kind: &str,
        state: &str,
        expires_at: i64,
    ) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO webauthn_ceremonies (ceremony_hash, user_id, kind, state, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(ceremony_hash)
        .bind(user_id)
        .bind(kind)
        .bind(state)
        .bind(expires_at)
        .execute(&self.pool)
        .await
        .map(|_| ())
    }

    /// Takes a ceremony in flight (each is used once): its user and state. One statement, so
    /// that concurrent ceremonies never wait on each other's read lock (SQLite).
    pub async fn take_ceremony(
        &self,
        ceremony_hash: &str,
        kind: &str,
        now: i64,
    ) -> sqlx::Result<Option<(Option<i64>, String)>> {
        let taken: Option<(Option<i64>, String, String, i64)> = sqlx::query_as(
            "DELETE FROM webauthn_ceremonies WHERE ceremony_hash = $1 RETURNING user_id, kind, state, expires_at",
        )
        .bind(ceremony_hash)
        .fetch_optional(&self.pool)
        .await?;
        Ok(taken
            .filter(|(_, taken_kind, _, expires_at)| taken_kind == kind && *expires_at > now)
            .map(|(user_id, _, state, _)| (user_id, state)))
    }
}
