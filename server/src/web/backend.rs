//! The server side of the app's server functions (the `Backend` port the app declares), and
//! the login both the server function and the plain form post use.

use super::context::{client, CurrentSession};
use super::cookies;
use super::require::AdminAccess;
use super::state::AppState;
use crate::admin::{Actor, By};
use crate::authn::sso::{Purpose, SsoError};
use crate::client::ClientInfo;
use crate::db::App;
use crate::login::{Attempt, LoggedIn};
use crate::passwords;
use app::backend::{Backend, LoginForm, LoginSuccess};
use app::domain::{format_utc, ReturnPath};
use app::model::{
    AppAccess, AppError, AuditPage, AuditQuery, ClientListRow, LinkKind, LoginError, Notice, PasswordOwner,
    PasswordRecovery, RoleRow, SessionRow, TermsText, TwoStepPolicyView, TwoStepSummary, UserQuery, UsersPage,
};
use app::routes;
use http::request::Parts;
use secrecy::SecretString;

/// A password login to the CRM or to Settings and maintenance: the session cookie of that app,
/// the tenant and device cookies, and where to go next.
pub async fn password_login(
    state: &AppState,
    app: App,
    form: LoginForm,
    request: &Parts,
) -> Result<LoginSuccess, LoginError> {
    let client = client(request);
    let settings = &state.settings;
    let remembered_tenant = cookies::remembered_tenant(settings, &request.headers);
    if app == App::Crm {
        let hints = (form.tenant.as_deref(), remembered_tenant);
        if let Some(started) = home_realm(state, &form.user_id, hints, form.next.as_deref(), &client).await? {
            return Ok(started);
        }
    }
    let devices = cookies::devices(settings, &request.headers);
    let previous = cookies::single(&request.headers, cookies::session_cookie_name(settings, app))
        .map_err(|_| LoginError::FormUnreadable)?;
    let crm_session = cookies::single(&request.headers, cookies::session_cookie_name(settings, App::Crm))
        .map_err(|_| LoginError::FormUnreadable)?;
    let next = match app {
        // Only back into Settings and maintenance: its cookie is sent nowhere else.
        App::Settings => form.next.as_deref().filter(|next| next.starts_with(routes::SETTINGS)),
        _ => form.next.as_deref(),
    };
    let next = next.and_then(ReturnPath::parse).map(|path| path.as_str().to_string());
    let logged_in = state
        .login()
        .log_in(Attempt {
            app,
            tenant_slug: form.tenant.as_deref(),
            remembered_tenant,
            user_id: &form.user_id,
            password: SecretString::from(form.password),
            client: &client,
            devices: &devices,
            previous_session: previous,
            crm_session,
            next: next.as_deref(),
        })
        .await
        .map_err(super::refusals::login_error)?;
    let (signed_in, other_tenants) = match &logged_in {
        LoggedIn::SignedIn { signed_in, other_tenants } => (signed_in, *other_tenants),
        LoggedIn::SecondStep(pending) => {
            let set_cookies = vec![cookies::two_step_cookie(settings, &pending.token)];
            return Ok(LoginSuccess { set_cookies, redirect: routes::TWO_STEP.to_string() });
        }
    };
    let set_cookies = signed_in_cookies(state, app, signed_in, &devices);
    let redirect = after_sign_in(app, signed_in, next.as_deref(), other_tenants);
    Ok(LoginSuccess { set_cookies, redirect })
}

/// Where a sign-in goes: back into Settings and maintenance, to Change password with a
/// temporary one, else to `next` or the CRM start page.
pub fn after_sign_in(app: App, signed_in: &crate::authn::SignedIn, next: Option<&str>, other_tenants: bool) -> String {
    match app {
        App::Settings => ReturnPath::or(next.filter(|next| next.starts_with(routes::SETTINGS)), routes::SETTINGS),
        _ if signed_in.must_change_password => Notice::TemporaryPassword.at(routes::CHANGE_PASSWORD),
        _ => {
            let redirect = ReturnPath::or(next, routes::CRM);
            if other_tenants && redirect == routes::CRM {
                Notice::OtherTenants.at(routes::CRM)
            } else {
                redirect
            }
        }
    }
}

/// The cookies a sign-in sets: the app's session, the remembered tenant, and this browser's
/// device token when it is new.
pub fn signed_in_cookies(
    state: &AppState,
    app: App,
    signed_in: &crate::authn::SignedIn,
    devices: &[String],
) -> Vec<http::HeaderValue> {
    let settings = &state.settings;
    let session = &signed_in.session;
    let mut cookies = vec![
        cookies::session_cookie(settings, app, &session.token, session.lifetime_secs),
        cookies::tenant_cookie(settings, &signed_in.tenant.slug),
    ];
    if let Some(device) = &signed_in.new_device {
        cookies.push(cookies::device_cookie(settings, devices, device));
    }
    cookies
}

/// Home-realm discovery: a user ID whose email domain belongs to a provider of a tenant with
/// password login off goes to that provider, whether or not such a user exists there.
async fn home_realm(
    state: &AppState,
    user_id: &str,
    (named, remembered): (Option<&str>, Option<&str>),
    next: Option<&str>,
    client: &ClientInfo,
) -> Result<Option<LoginSuccess>, LoginError> {
    let provider = state.sso().home_realm(user_id, named, remembered).await.map_err(|err| {
        tracing::error!(error = %err, "home-realm discovery: storage failed");
        LoginError::Unavailable
    })?;
    let Some(provider) = provider else { return Ok(None) };
    let purpose = Purpose::Login { hint: Some(user_id.trim().to_string()), next: next.map(str::to_string) };
    let started = state.sso().start(&provider, purpose, client).await.map_err(|err| match err {
        SsoError::ProviderUnavailable => LoginError::ProviderUnavailable,
        SsoError::Unavailable => LoginError::Unavailable,
        SsoError::TooManyRequests => LoginError::TooManyAttempts,
        _ => LoginError::Unexpected,
    })?;
    let set_cookies = vec![cookies::sso_cookie(&state.settings, &started.cookie)];
    Ok(Some(LoginSuccess { set_cookies, redirect: started.authorize_url }))
}

/// The administrator behind a request: a Settings-and-maintenance session with the right and
/// the Terms accepted (the route layer checked both and said so), else 403.
pub fn actor<'a>(request: &Parts, client: &'a ClientInfo) -> Result<Actor<'a>, AppError> {
    let CurrentSession(me) = request.extensions.get::<CurrentSession>().ok_or(AppError::NotSignedIn)?;
    if me.app != App::Settings || !me.rights.admin || request.extensions.get::<AdminAccess>().is_none() {
        return Err(AppError::Forbidden);
    }
    Ok(Actor { tenant_id: me.tenant_id, by: By::Admin { user_id: me.user_id, level: me.user_level, client } })
}

fn storage(err: sqlx::Error) -> AppError {
    tracing::error!(error = %err, "storage failed");
    AppError::Unavailable
}

#[async_trait::async_trait]
impl Backend for AppState {
    async fn login(&self, form: LoginForm, request: &Parts) -> Result<LoginSuccess, LoginError> {
        password_login(self, App::Crm, form, request).await
    }

    async fn sessions(&self, request: &Parts) -> Result<Vec<SessionRow>, AppError> {
        let CurrentSession(me) = request.extensions.get::<CurrentSession>().ok_or(AppError::NotSignedIn)?;
        let sessions = self.db.sessions_of_user(me.user_id, self.clock.now()).await.map_err(storage)?;
        Ok(sessions
            .into_iter()
            .map(|s| SessionRow {
                current: s.token_hash == me.token_hash,
                public_id: s.public_id,
                app: s.app.as_str().to_string(),
                app_name: s.client_name,
                browser: crate::user_agent::describe(&s.user_agent),
                address: s.ip,
                started: format_utc(s.created_at),
                last_seen: format_utc(s.last_seen_at),
            })
            .collect())
    }

    async fn apps_with_access(&self, request: &Parts) -> Result<Vec<AppAccess>, AppError> {
        let CurrentSession(me) = request.extensions.get::<CurrentSession>().ok_or(AppError::NotSignedIn)?;
        let consents = self.db.consents_of_user(me.user_id).await.map_err(storage)?;
        Ok(consents
            .into_iter()
            .map(|c| AppAccess { client_id: c.client_id, name: c.name, granted: format_utc(c.granted_at) })
            .collect())
    }

    async fn link_owner(&self, kind: LinkKind, request: &Parts) -> Result<Option<PasswordOwner>, AppError> {
        let Some(raw) = cookies::link_token(&self.settings, &request.headers, kind) else { return Ok(None) };
        let Some((user, tenant)) = self.passwords().link_owner(kind, raw).await.map_err(storage)? else {
            return Ok(None);
        };
        let mut owner = passwords::owner(&user, &tenant);
        if kind == LinkKind::Activation {
            owner.sso = super::sso::buttons(self, &tenant).await;
            owner.password_login = tenant.password_login;
        }
        Ok(Some(owner))
    }

    async fn my_password_owner(&self, request: &Parts) -> Result<PasswordOwner, AppError> {
        let CurrentSession(me) = request.extensions.get::<CurrentSession>().ok_or(AppError::NotSignedIn)?;
        let user = self.db.user_by_id(me.user_id).await.map_err(storage)?.ok_or(AppError::NotSignedIn)?;
        let tenant = self.db.tenant_by_id(user.tenant_id).await.map_err(storage)?.ok_or(AppError::NotSignedIn)?;
        Ok(passwords::owner(&user, &tenant))
    }

    fn passkeys_offered(&self) -> bool {
        self.webauthn.is_some()
    }

    fn reset_policy(&self) -> PasswordRecovery {
        PasswordRecovery { by_email: self.settings.reset_by_email, link_minutes: self.settings.reset_secs / 60 }
    }

    async fn admin_users(&self, query: UserQuery, request: &Parts) -> Result<UsersPage, AppError> {
        let client = client(request);
        let actor = actor(request, &client)?;
        self.admin().users_page(actor, &query, !self.settings.reset_by_email).await.map_err(storage)
    }

    async fn admin_roles(&self, request: &Parts) -> Result<Vec<RoleRow>, AppError> {
        let client = client(request);
        self.admin().roles(actor(request, &client)?).await.map_err(storage)
    }

    async fn admin_audit(&self, query: AuditQuery, request: &Parts) -> Result<AuditPage, AppError> {
        let client = client(request);
        self.admin().audit_page(actor(request, &client)?, &query).await.map_err(storage)
    }

    async fn admin_clients(&self, request: &Parts) -> Result<Vec<ClientListRow>, AppError> {
        let client = client(request);
        actor(request, &client)?;
        let clients = self.db.clients().await.map_err(storage)?;
        Ok(clients
            .into_iter()
            .map(|c| ClientListRow {
                client_id: c.client_id,
                name: c.name,
                native: c.kind == crate::db::ClientKind::Native,
                first_party: c.first_party,
                redirect_uris: c.redirect_uris,
            })
            .collect())
    }

    async fn admin_two_step_policy(&self, request: &Parts) -> Result<TwoStepPolicyView, AppError> {
        let client = client(request);
        let actor = actor(request, &client)?;
        let tenant = self.db.tenant_by_id(actor.tenant_id).await.map_err(storage)?.ok_or(AppError::Forbidden)?;
        Ok(TwoStepPolicyView {
            level: tenant.two_step.as_str().to_string(),
            grace: tenant.two_step_grace,
            for_sso: tenant.two_step_for_sso,
        })
    }

    async fn two_step_summary(&self, request: &Parts) -> Result<TwoStepSummary, AppError> {
        let CurrentSession(me) = request.extensions.get::<CurrentSession>().ok_or(AppError::NotSignedIn)?;
        let factors = self.db.factors(me.user_id).await.map_err(storage)?;
        Ok(TwoStepSummary {
            authenticator: factors.authenticator,
            recovery_codes_left: factors.recovery_codes,
            passkeys: factors.passkeys,
        })
    }

    async fn pending_terms(&self, request: &Parts) -> Result<Option<TermsText>, AppError> {
        let CurrentSession(me) = request.extensions.get::<CurrentSession>().ok_or(AppError::NotSignedIn)?;
        if me.app != App::Settings {
            return Err(AppError::Forbidden);
        }
        let pending = self.terms().pending(me.user_id).await.map_err(storage)?;
        Ok(pending.map(|terms| TermsText { version: terms.version, html: terms.html }))
    }
}
