//! The server side of the app's server functions (the `Backend` port the app declares), and
//! the login both the server function and the plain form post use.

use super::context::{client, CurrentSession};
use super::cookies::{self, TENANT_COOKIE};
use super::state::AppState;
use crate::db::App;
use crate::login::Attempt;
use crate::passwords;
use app::backend::{Backend, LoginForm, LoginSuccess};
use app::domain::{format_utc, ReturnPath};
use app::model::{AppError, LinkKind, LoginError, PasswordOwner, PasswordRecovery, SessionRow};
use app::routes;
use http::request::Parts;
use secrecy::SecretString;

fn storage(err: sqlx::Error) -> AppError {
    tracing::error!(error = %err, "storage failed");
    AppError::Unavailable
}

#[async_trait::async_trait]
impl Backend for AppState {
    async fn login(&self, form: LoginForm, request: &Parts) -> Result<LoginSuccess, LoginError> {
        let client = client(request);
        let settings = &self.settings;
        let devices = cookies::devices(settings, &request.headers);
        let device_refs: Vec<&str> = devices.iter().map(String::as_str).collect();
        let previous = cookies::single(&request.headers, cookies::session_cookie_name(settings, App::Crm))
            .map_err(|_| LoginError::FormUnreadable)?;
        let logged_in = self
            .login()
            .log_in(Attempt {
                tenant_slug: form.tenant.as_deref(),
                remembered_tenant: cookies::first(&request.headers, TENANT_COOKIE),
                user_id: &form.user_id,
                password: SecretString::from(form.password),
                client: &client,
                devices: &device_refs,
                previous_session: previous,
            })
            .await?;
        let session = &logged_in.session;
        let mut set_cookies = vec![
            cookies::session_cookie(settings, App::Crm, &session.token, session.lifetime_secs),
            cookies::tenant_cookie(settings, &logged_in.tenant.slug),
        ];
        if let Some(device) = &logged_in.new_device {
            set_cookies.push(cookies::device_cookie(settings, &devices, device));
        }
        let mut redirect = ReturnPath::or(form.next.as_deref(), routes::CRM);
        if logged_in.other_tenants && redirect == routes::CRM {
            redirect = format!("{}?notice=other-tenants", routes::CRM);
        }
        Ok(LoginSuccess { set_cookies, redirect })
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
                browser: crate::user_agent::describe(&s.user_agent),
                address: s.ip,
                started: format_utc(s.created_at),
                last_seen: format_utc(s.last_seen_at),
            })
            .collect())
    }

    async fn link_owner(&self, kind: LinkKind, request: &Parts) -> Result<Option<PasswordOwner>, AppError> {
        let Some(raw) = cookies::link_token(&request.headers, kind) else { return Ok(None) };
        let owner = self.passwords().link_owner(kind, raw).await.map_err(storage)?;
        Ok(owner.map(|(user, tenant)| passwords::owner(&user, &tenant)))
    }

    async fn my_password_owner(&self, request: &Parts) -> Result<PasswordOwner, AppError> {
        let CurrentSession(me) = request.extensions.get::<CurrentSession>().ok_or(AppError::NotSignedIn)?;
        let user = self.db.user_by_id(me.user_id).await.map_err(storage)?.ok_or(AppError::NotSignedIn)?;
        let tenant = self.db.tenant_by_id(user.tenant_id).await.map_err(storage)?.ok_or(AppError::NotSignedIn)?;
        Ok(passwords::owner(&user, &tenant))
    }

    fn reset_policy(&self) -> PasswordRecovery {
        PasswordRecovery { by_email: self.settings.reset_by_email, link_minutes: self.settings.reset_secs / 60 }
    }
}
