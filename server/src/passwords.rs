//! Choosing, changing and recovering passwords: the policy, activation from the emailed link,
//! reset from the emailed link, change under Personal settings, and the reset request.

use crate::db::{MailKind, PasswordChange, Tenant, UserRecord, UserStatus};
use crate::links::Link;
use crate::password::HashError;
use crate::session;
use crate::state::AppState;
use crate::tokens::hash_token;
use crate::web::client::ClientInfo;
use app::api::{PasswordError, PasswordOwner};
use app::domain::{check_password_choice, Email};
use secrecy::SecretString;
use std::time::Duration;

/// Forgot-password answers take at least this long, known address or not, so that timing
/// does not tell which addresses have accounts.
pub const FORGOT_ANSWER_TIME: Duration = Duration::from_millis(400);

fn unexpected(err: impl std::fmt::Display) -> PasswordError {
    tracing::error!(error = %err, "a password change failed unexpectedly");
    PasswordError::Unexpected
}

fn from_hash_error(err: HashError) -> PasswordError {
    match err {
        HashError::Busy => PasswordError::Busy,
        HashError::Internal(message) => unexpected(message),
    }
}

/// The person's own details, which may not appear in their password at all.
fn personal_details(user: &UserRecord) -> Vec<String> {
    let mut details = vec![user.display_name.clone(), user.login_name.clone()];
    if let Some(email) = user.email.as_ref().filter(|email| **email != user.login_name) {
        details.push(email.clone());
    }
    details
}

/// What zxcvbn counts as easy guesses: the person's details and their tenant.
pub fn user_inputs(user: &UserRecord, tenant: &Tenant) -> Vec<String> {
    let mut inputs = personal_details(user);
    inputs.push(tenant.name.clone());
    inputs.push(tenant.slug.clone());
    inputs
}

pub fn owner(user: &UserRecord, tenant: &Tenant) -> PasswordOwner {
    PasswordOwner {
        name: user.display_name.clone(),
        login_name: user.login_name.clone(),
        tenant_name: tenant.name.clone(),
        user_inputs: user_inputs(user, tenant),
        has_password: user.password_hash.is_some(),
    }
}

/// The whole policy: 8–128 characters, the confirmation matches, none of the person's own
/// details, and a zxcvbn score of at least 3 with those details as context.
pub async fn check_policy(
    password: &str,
    confirm: &str,
    user: &UserRecord,
    tenant: &Tenant,
) -> Result<(), PasswordError> {
    let personal = personal_details(user);
    check_password_choice(password, confirm, &personal.iter().map(String::as_str).collect::<Vec<_>>())?;
    let inputs = user_inputs(user, tenant);
    let password = password.to_string();
    // zxcvbn takes a few milliseconds; long passwords more. Off the async workers.
    let verdict = tokio::task::spawn_blocking(move || {
        let inputs: Vec<&str> = inputs.iter().map(String::as_str).collect();
        strength::estimate(&password, &inputs)
    })
    .await
    .map_err(unexpected)?;
    if verdict.is_acceptable() {
        Ok(())
    } else {
        Err(PasswordError::TooWeak(verdict))
    }
}

/// The user and tenant behind a link the browser holds, while it still works and the account
/// is in the state the link is for.
pub async fn link_owner(state: &AppState, link: Link, raw_token: Option<&str>) -> Option<(UserRecord, Tenant)> {
    let raw = raw_token?;
    let db = &state.db;
    let user_id = db.peek_one_time_token(&hash_token(raw), link.kind(), state.clock.now()).await.ok()??;
    let user = db.user_by_id(user_id).await.ok()??;
    if user.status() != Some(link_status(link)) || (link == Link::PasswordReset && user.password_hash.is_none()) {
        return None;
    }
    let tenant = db.tenant_by_id(user.tenant_id).await.ok()??;
    Some((user, tenant))
}

/// What a successful activation leaves: a CRM session, unless the role has no CRM right.
pub struct Activated {
    pub tenant: Tenant,
    /// The session's token and lifetime.
    pub session: Option<(crate::tokens::Token, i64)>,
}

/// Why a form posted from a link did not go through.
pub enum LinkRefusal {
    /// The link is used, expired, replaced or unknown.
    Invalid,
    Refused(PasswordError),
}

impl From<PasswordError> for LinkRefusal {
    fn from(err: PasswordError) -> Self {
        LinkRefusal::Refused(err)
    }
}

/// The password the link's owner chose, under the policy, in one step with using the link up.
/// A reset also ends every session, clears the lockout and queues the notice.
async fn set_from_link(
    state: &AppState,
    link: Link,
    raw_token: Option<&str>,
    password: &str,
    confirm: &str,
) -> Result<(UserRecord, Tenant), LinkRefusal> {
    let (user, tenant) = link_owner(state, link, raw_token).await.ok_or(LinkRefusal::Invalid)?;
    check_policy(password, confirm, &user, &tenant).await?;
    let hash = state.hasher.hash(SecretString::from(password.to_string())).await.map_err(from_hash_error)?;
    let token_hash = hash_token(raw_token.unwrap_or_default());
    let change = PasswordChange {
        password_hash: &hash,
        redeem: Some((&token_hash, link.kind())),
        user_id: None,
        require: &[link_status(link)],
        keep_session: None,
        notify: link == Link::PasswordReset,
    };
    state.db.set_password(change, state.clock.now()).await.map_err(unexpected)?.ok_or(LinkRefusal::Invalid)?;
    Ok((user, tenant))
}

/// The account status a link is for.
fn link_status(link: Link) -> UserStatus {
    match link {
        Link::Activation => UserStatus::Invited,
        Link::PasswordReset => UserStatus::Active,
    }
}

/// Sets the password of an invited user from their activation link, activates them and logs
/// them in.
pub async fn activate(
    state: &AppState,
    raw_token: Option<&str>,
    password: &str,
    confirm: &str,
    client: &ClientInfo,
) -> Result<Activated, LinkRefusal> {
    let (user, tenant) = set_from_link(state, Link::Activation, raw_token, password, confirm).await?;
    crate::login::audit_event(state, Some(tenant.id), Some(user.id), None, "account.activate", "success", None, client)
        .await;
    tracing::info!(user_id = user.id, tenant = %tenant.slug, "account activated");
    let session = if state.db.role_allows(user.role_id, session::App::Crm).await.map_err(unexpected)? {
        Some(session::create(state, user.id, &tenant, session::App::Crm, client).await.map_err(unexpected)?)
    } else {
        None
    };
    Ok(Activated { tenant, session })
}

/// Sets a new password from a reset link: ends every session of the user, clears their
/// lockout, and queues the "your password was changed" notice.
pub async fn reset(
    state: &AppState,
    raw_token: Option<&str>,
    password: &str,
    confirm: &str,
    client: &ClientInfo,
) -> Result<(), LinkRefusal> {
    let (user, tenant) = set_from_link(state, Link::PasswordReset, raw_token, password, confirm).await?;
    state.mailer.wake();
    crate::login::audit_event(state, Some(tenant.id), Some(user.id), None, "password.reset", "success", None, client)
        .await;
    Ok(())
}

/// Change password under Personal settings: the current password first, then the policy.
/// Keeps `keep_session`, ends the others, and queues the notice.
pub async fn change(
    state: &AppState,
    user_id: i64,
    keep_session: &str,
    current: &str,
    password: &str,
    confirm: &str,
    client: &ClientInfo,
) -> Result<(), PasswordError> {
    let user = state.db.user_by_id(user_id).await.map_err(unexpected)?.ok_or(PasswordError::Unexpected)?;
    let tenant = state.db.tenant_by_id(user.tenant_id).await.map_err(unexpected)?.ok_or(PasswordError::Unexpected)?;
    if user.password_hash.is_none() {
        return Err(PasswordError::SsoOnly);
    }
    if current.is_empty() {
        return Err(PasswordError::EnterCurrent);
    }
    check_policy(password, confirm, &user, &tenant).await?;
    // The current password is checked like a login: one attempt at a time per user ID, under
    // the soft lock and the per-IP limit, so a borrowed session cannot guess it quickly.
    let now = state.clock.now();
    if state.ip_limiter.is_blocked(client.ip, now) {
        return Err(PasswordError::TooManyRequests);
    }
    let Some(_turn) = state.login_gates.try_enter(&user.login_name) else {
        return Err(PasswordError::Busy);
    };
    // Read again under the gate: the lockout counters must be the latest.
    let user = state.db.user_by_id(user_id).await.map_err(unexpected)?.ok_or(PasswordError::Unexpected)?;
    let secret = SecretString::from(current.to_string());
    let right = crate::login::check_password(state, &user, secret, client, now).await.map_err(|e| match e {
        app::api::LoginError::Busy => PasswordError::Busy,
        _ => PasswordError::Unexpected,
    })?;
    if !right {
        state.ip_limiter.record_failure(client.ip, now);
        crate::login::audit_event(
            state,
            Some(tenant.id),
            Some(user.id),
            None,
            "password.change",
            "failure",
            None,
            client,
        )
        .await;
        return Err(PasswordError::WrongCurrent);
    }
    let hash = state.hasher.hash(SecretString::from(password.to_string())).await.map_err(from_hash_error)?;
    let change = PasswordChange {
        password_hash: &hash,
        redeem: None,
        user_id: Some(user.id),
        require: &[UserStatus::Active],
        keep_session: Some(keep_session),
        notify: true,
    };
    state.db.set_password(change, now).await.map_err(unexpected)?.ok_or(PasswordError::Unexpected)?;
    state.mailer.wake();
    crate::login::audit_event(state, Some(tenant.id), Some(user.id), None, "password.change", "success", None, client)
        .await;
    Ok(())
}

/// "Forgot your password?": queues a reset link for every active account with this address.
/// The answer is the same, in about the same time, whether or not there is one.
pub async fn request_reset(state: &AppState, email: &str, client: &ClientInfo) -> Result<(), PasswordError> {
    let started = tokio::time::Instant::now();
    let email = match Email::parse(email) {
        Ok(email) => email,
        Err(_) if email.trim().is_empty() => return Err(PasswordError::EnterEmail),
        Err(_) => return Err(PasswordError::NotAnEmail),
    };
    let now = state.clock.now();
    let by_ip = state.reset_limiter.try_take(&format!("ip {}", crate::rate_limit::client_key(client.ip)), now);
    let by_address = by_ip && state.reset_limiter.try_take(&format!("address {}", email.as_str()), now);
    if !by_address {
        crate::login::audit_event(
            state,
            None,
            None,
            Some(email.as_str()),
            "password.reset-request",
            "failure",
            Some("rate limit"),
            client,
        )
        .await;
        return Err(PasswordError::TooManyRequests);
    }
    if let Err(err) = queue_resets(state, &email, client, now).await {
        // The person is told what an unknown address is told; the error is ours to see.
        tracing::error!(error = %err, "could not queue a password reset");
    }
    tokio::time::sleep_until(started + FORGOT_ANSWER_TIME).await;
    Ok(())
}

/// A reset link for every active account with this address that has a password (accounts
/// that sign in only through single sign-on have their password managed elsewhere).
async fn queue_resets(state: &AppState, email: &Email, client: &ClientInfo, now: i64) -> sqlx::Result<()> {
    let accounts = state.db.users_by_email(email.as_str()).await?;
    let mut queued = 0;
    for user in accounts.iter().filter(|u| u.status() == Some(UserStatus::Active) && u.password_hash.is_some()) {
        state.db.queue_mail(MailKind::PasswordReset, user, now).await?;
        let (tenant, id) = (Some(user.tenant_id), Some(user.id));
        crate::login::audit_event(state, tenant, id, None, "password.reset-request", "success", None, client).await;
        queued += 1;
    }
    if queued == 0 {
        let subject = Some(email.as_str());
        let detail = Some("no account");
        crate::login::audit_event(state, None, None, subject, "password.reset-request", "success", detail, client)
            .await;
    } else {
        state.mailer.wake();
    }
    Ok(())
}
