//! Server-side sessions, one per browser and app. The cookie holds a 256-bit random token; the
//! database holds only its SHA-256, with the tenant's idle and absolute limits for that app
//! enforced on every request.

use crate::db::{NewSession, SessionRecord, Tenant, UserStatus};
use crate::state::{AppState, Settings};
use crate::tokens::{hash_token, Token};
use crate::web::client::ClientInfo;
use app::api::Viewer;
use http::{HeaderMap, HeaderValue};

/// The apps a session can belong to. Their cookies differ in name and path, and a token of one
/// app is never accepted by the other.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum App {
    Crm,
    Service,
}

impl App {
    pub fn as_str(self) -> &'static str {
        match self {
            App::Crm => "crm",
            App::Service => "service",
        }
    }

    /// Whether this app's cookie is `Secure`: it follows the URL the app is reached at.
    fn secure(self, settings: &Settings) -> bool {
        match self {
            App::Crm => settings.secure_cookies,
            App::Service => settings.service_secure_cookies,
        }
    }

    pub fn cookie_name(self, settings: &Settings) -> &'static str {
        match (self, self.secure(settings)) {
            (App::Crm, true) => "__Host-frontdoor",
            (App::Crm, false) => "frontdoor",
            (App::Service, true) => "__Secure-frontdoor_service",
            (App::Service, false) => "frontdoor_service",
        }
    }

    fn cookie_path(self) -> &'static str {
        match self {
            App::Crm => "/",
            App::Service => "/service",
        }
    }

    /// (idle, absolute) limits in seconds.
    fn limits(self, tenant: &Tenant) -> (i64, i64) {
        match self {
            App::Crm => (tenant.idle_timeout_secs, tenant.absolute_timeout_secs),
            App::Service => (tenant.service_idle_timeout_secs, tenant.service_absolute_timeout_secs),
        }
    }
}

/// Sessions are touched at most this often, so a busy page costs no write per request.
const TOUCH_EVERY_SECS: i64 = 15;

pub const TENANT_COOKIE: &str = "frontdoor_tenant";
pub const LANGUAGE_COOKIE: &str = "frontdoor_lang";

pub(crate) fn cookie(secure: bool, name: &str, path: &str, value: &str, max_age: i64, http_only: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let http_only = if http_only { "; HttpOnly" } else { "" };
    let text = format!("{name}={value}; Path={path}; Max-Age={max_age}{http_only}; SameSite=Lax{secure}");
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("frontdoor=; Max-Age=0"))
}

pub fn session_cookie(settings: &Settings, app: App, token: &Token, max_age: i64) -> HeaderValue {
    cookie(app.secure(settings), app.cookie_name(settings), app.cookie_path(), token.expose(), max_age, true)
}

pub fn clear_session_cookie(settings: &Settings, app: App) -> HeaderValue {
    cookie(app.secure(settings), app.cookie_name(settings), app.cookie_path(), "", 0, true)
}

/// Remembers on this device which tenant the person last logged in to.
pub fn tenant_cookie(settings: &Settings, slug: &str) -> HeaderValue {
    cookie(settings.secure_cookies, TENANT_COOKIE, "/", slug, 400 * 24 * 3600, true)
}

/// Remembers the language chosen with the switch.
pub fn language_cookie(settings: &Settings, code: &str) -> HeaderValue {
    cookie(settings.secure_cookies, LANGUAGE_COOKIE, "/", code, 400 * 24 * 3600, false)
}

/// The value of a cookie from the request's `Cookie` headers.
pub fn read_cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// A new session; returns its token and lifetime in seconds.
pub async fn create(
    state: &AppState,
    user_id: i64,
    tenant: &Tenant,
    app: App,
    client: &ClientInfo,
) -> sqlx::Result<(Token, i64)> {
    let token = Token::generate();
    let public_id = Token::generate().expose()[..16].to_string();
    let now = state.clock.now();
    let (idle, lifetime) = app.limits(tenant);
    state
        .db
        .insert_session(
            &NewSession {
                token_hash: &token.hash(),
                public_id: &public_id,
                user_id,
                tenant_id: tenant.id,
                app: app.as_str(),
                expires_at: now + lifetime,
                idle_timeout_secs: idle,
                ip: &client.ip.to_string(),
                user_agent: &client.user_agent,
            },
            now,
        )
        .await?;
    Ok((token, lifetime))
}

/// Why there is no usable session on a request.
#[derive(Debug, PartialEq, Eq)]
pub enum NoSession {
    /// No cookie, or a token that was never issued or has been logged out.
    Missing,
    /// A session that timed out or whose user was deactivated; it is deleted now.
    Ended,
}

/// The live session of `app` behind the request's cookie, touched if it has been a while.
pub async fn resolve(state: &AppState, headers: &HeaderMap, app: App) -> Result<SessionRecord, NoSession> {
    let raw = read_cookie(headers, app.cookie_name(&state.settings)).ok_or(NoSession::Missing)?;
    if raw.is_empty() || raw.len() > 128 {
        return Err(NoSession::Missing);
    }
    let hash = hash_token(raw);
    let record = match state.db.session_by_hash(&hash).await {
        Ok(Some(record)) if record.app == app.as_str() => record,
        Ok(_) => return Err(NoSession::Missing),
        Err(err) => {
            tracing::error!(error = %err, "session lookup failed");
            return Err(NoSession::Missing);
        }
    };
    let now = state.clock.now();
    let expired = now >= record.expires_at || now >= record.last_seen_at + record.idle_timeout_secs;
    let allowed = match app {
        App::Crm => record.can_crm != 0,
        App::Service => record.can_service != 0,
    };
    let active = UserStatus::parse(&record.status) == Some(UserStatus::Active) && allowed;
    if expired || !active {
        if let Err(err) = state.db.delete_session(&hash).await {
            tracing::error!(error = %err, "could not delete an ended session");
        }
        return Err(NoSession::Ended);
    }
    if now - record.last_seen_at >= TOUCH_EVERY_SECS {
        if let Err(err) = state.db.touch_session(&hash, now).await {
            tracing::warn!(error = %err, "could not touch a session");
        }
    }
    Ok(record)
}

pub fn viewer(record: &SessionRecord) -> Viewer {
    Viewer {
        user_id: record.user_id,
        name: record.display_name.clone(),
        login_name: record.login_name.clone(),
        tenant_slug: record.tenant_slug.clone(),
        tenant_name: record.tenant_name.clone(),
        can_service: record.can_service != 0,
        can_admin: record.can_admin != 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_apps_cookie_follows_the_url_it_is_reached_at() {
        let settings = Settings::new("http://crm.test", Some("https://service.test"), false).unwrap();
        let token = Token::generate();
        let crm = session_cookie(&settings, App::Crm, &token, 60);
        let service = session_cookie(&settings, App::Service, &token, 60);
        let (crm, service) = (crm.to_str().unwrap(), service.to_str().unwrap());
        assert!(crm.starts_with("frontdoor=") && !crm.contains("Secure"), "{crm}");
        assert!(service.starts_with("__Secure-frontdoor_service=") && service.contains("; Secure"), "{service}");
        assert!(service.contains("Path=/service") && service.contains("HttpOnly"));

        let https = Settings::new("https://crm.test", None, false).unwrap();
        let crm = session_cookie(&https, App::Crm, &token, 60);
        assert!(crm.to_str().unwrap().starts_with("__Host-frontdoor=") && crm.to_str().unwrap().contains("Path=/;"));
    }
}
