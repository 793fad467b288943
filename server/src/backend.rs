//! The server side of the app's server functions.

use crate::login::{self, Attempt};
use crate::session::{self, TENANT_COOKIE};
use crate::state::AppState;
use crate::web::client::ClientInfo;
use app::api::LoginError;
use app::backend::{Backend, LoginForm, LoginSuccess};
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
                session::session_cookie(&self.settings, &logged_in.token, logged_in.lifetime_secs),
                session::tenant_cookie(&self.settings, &logged_in.tenant.slug),
            ],
            redirect: ReturnPath::or_start(form.next.as_deref()),
        })
    }
}
