//! The server side of the app's server functions.

use crate::login::{self, Attempt};
use crate::session::{self, TENANT_COOKIE};
use crate::state::AppState;
use crate::web::client::ClientInfo;
use crate::web::context::CurrentSession;
use app::api::{AppError, LinkKind, LoginError, PasswordOwner, PasswordRecovery, SessionRow};
use app::backend::{Backend, LoginForm, LoginSuccess};
use app::domain::format_utc;
use app::domain::ReturnPath;
use http::request::Parts;
use secrecy::SecretString;

#[async_trait::async_trait]
impl Backend for AppState {
    async fn login(&self, form: LoginForm, request: &Parts) -> Result<LoginSuccess, LoginError> {
        let client = request
            .extensions
            .get::<ClientInfo>()
            .cloned()
            .unwrap_or_else(|| ClientInfo::of(request, self.settings.trust_forwarded_for));
        let logged_in = login::log_in(
            self,
            Attempt {
                tenant_slug: form.tenant.as_deref(),
                remembered_tenant: session::read_cookie(&request.headers, TENANT_COOKIE),
                user_id: &form.user_id,
                password: SecretString::from(form.password),
                client: &client,
            },
        )
        .await?;
        Ok(LoginSuccess {
            set_cookies: vec![
                session::session_cookie(&self.settings, session::App::Crm, &logged_in.token, logged_in.lifetime_secs),
                session::tenant_cookie(&self.settings, &logged_in.tenant.slug),
            ],
            redirect: ReturnPath::or_start(form.next.as_deref()),
        })
    }

    async fn sessions(&self, request: &Parts) -> Result<Vec<SessionRow>, AppError> {
        let CurrentSession(me) = request.extensions.get::<CurrentSession>().ok_or(AppError::NotSignedIn)?;
        let sessions = self.db.sessions_of_user(me.user_id, self.clock.now()).await.map_err(|err| {
            tracing::error!(error = %err, "could not list sessions");
            AppError::Unexpected
        })?;
        Ok(sessions
            .into_iter()
            .map(|s| SessionRow {
                current: s.token_hash == me.token_hash,
                public_id: s.public_id,
                app: s.app,
                browser: crate::user_agent::describe(&s.user_agent),
                address: s.ip,
                started: format_utc(s.created_at),
                last_seen: format_utc(s.last_seen_at),
            })
            .collect())
    }

    async fn link_owner(&self, kind: LinkKind, request: &Parts) -> Result<Option<PasswordOwner>, AppError> {
        let link = crate::links::Link::from_app(kind);
        let owner = crate::passwords::link_owner(self, link, link.token_from(&request.headers)).await;
        Ok(owner.map(|(user, tenant)| crate::passwords::owner(&user, &tenant)))
    }

    async fn my_password_owner(&self, request: &Parts) -> Result<PasswordOwner, AppError> {
        let CurrentSession(me) = request.extensions.get::<CurrentSession>().ok_or(AppError::NotSignedIn)?;
        let user = self.db.user_by_id(me.user_id).await.ok().flatten().ok_or(AppError::Unexpected)?;
        let tenant = self.db.tenant_by_id(user.tenant_id).await.ok().flatten().ok_or(AppError::Unexpected)?;
        Ok(crate::passwords::owner(&user, &tenant))
    }

    fn reset_policy(&self) -> PasswordRecovery {
        PasswordRecovery { by_email: self.settings.reset_by_email, link_minutes: self.settings.reset_secs / 60 }
    }
}
