//! Settings fixed at start-up, which every floor may read.

use app::i18n::Lang;

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
    /// Where the Service app lives (its pages are under `/service` there), without a trailing
    /// slash. By default this same server.
    pub service_url: String,
    pub service_origin: String,
    /// Service's cookie gets `Secure` and the `__Secure-` prefix when the Service URL is https.
    pub service_secure_cookies: bool,
    /// Online installations email reset links; onsite ones do not (`--mode onsite`).
    pub reset_by_email: bool,
    pub activation_secs: i64,
    pub reset_secs: i64,
    /// Pages' language when the browser has not chosen and asks for no language we have.
    pub default_lang: Lang,
}

impl Settings {
    pub fn new(public_url: &str, service_url: Option<&str>, trust_forwarded_for: bool) -> anyhow::Result<Self> {
        let public_url = public_url.trim_end_matches('/').to_string();
        let public_origin = origin_of(&public_url).map_err(|e| anyhow::anyhow!("the public URL {e}"))?;
        let service_url =
            service_url.map(|u| u.trim_end_matches('/').to_string()).unwrap_or_else(|| public_url.clone());
        let service_origin = origin_of(&service_url).map_err(|e| anyhow::anyhow!("the Service URL {e}"))?;
        Ok(Settings {
            secure_cookies: public_url.starts_with("https://"),
            service_secure_cookies: service_url.starts_with("https://"),
            public_origin,
            public_url,
            trust_forwarded_for,
            service_url,
            service_origin,
            reset_by_email: true,
            activation_secs: 72 * 3600,
            reset_secs: 3600,
            default_lang: Lang::En,
        })
    }

    /// Origins whose pages may post to this server: the CRM's and Service's, scheme included.
    pub fn allows_origin(&self, origin: &str) -> bool {
        origin == self.public_origin || origin == self.service_origin
    }

    /// Whether Service is reached at an origin of its own (its cookie may then cover `/`).
    pub fn service_has_own_origin(&self) -> bool {
        self.service_origin != self.public_origin
    }
}

/// `scheme://host[:port]` of an http(s) URL.
fn origin_of(url: &str) -> Result<String, &'static str> {
    let (scheme, rest) = url.split_once("://").ok_or("must start with http:// or https://")?;
    if scheme != "http" && scheme != "https" {
        return Err("must start with http:// or https://");
    }
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty() {
        return Err("has no host");
    }
    Ok(format!("{scheme}://{host}"))
}
