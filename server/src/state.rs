use crate::clock::Clock;
use crate::db::Db;
use crate::password::PasswordHasher;
use crate::rate_limit::IpLimiter;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use std::sync::Arc;

/// Settings fixed at start-up.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Where people reach Frontdoor, without a trailing slash (`http://127.0.0.1:3000`).
    pub public_url: String,
    /// `scheme://host[:port]` of the public URL, for the same-origin check.
    pub public_origin: String,
    /// Cookies get `Secure` and the `__Host-` prefix when the public URL is https.
    pub secure_cookies: bool,
    pub trust_forwarded_for: bool,
}

impl Settings {
    pub fn new(public_url: &str, trust_forwarded_for: bool) -> anyhow::Result<Self> {
        let public_url = public_url.trim_end_matches('/').to_string();
        let (scheme, rest) = public_url
            .split_once("://")
            .ok_or_else(|| anyhow::anyhow!("the public URL must start with http:// or https://"))?;
        if scheme != "http" && scheme != "https" {
            anyhow::bail!("the public URL must start with http:// or https://");
        }
        let host = rest.split('/').next().unwrap_or_default();
        if host.is_empty() {
            anyhow::bail!("the public URL has no host");
        }
        Ok(Settings {
            public_origin: format!("{scheme}://{host}"),
            secure_cookies: scheme == "https",
            public_url,
            trust_forwarded_for,
        })
    }
}

/// Everything a request handler may need, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub clock: Clock,
    pub hasher: Arc<PasswordHasher>,
    pub ip_limiter: Arc<IpLimiter>,
    pub settings: Arc<Settings>,
    pub leptos: LeptosOptions,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}
