//! The apps that sign in through Frontdoor, and their redirect URIs. A native app (RFC 8252)
//! registers loopback URIs without a port (`http://127.0.0.1/callback`, `http://[::1]/…`),
//! matched on any port it listens on, or a private-use scheme (`com.example.crm:/callback`);
//! every other URI is compared exactly.

use crate::db::ClientKind;

/// Why a redirect URI cannot be registered.
pub fn check_redirect_uri(kind: ClientKind, raw: &str) -> Result<String, String> {
    let url = url::Url::parse(raw).map_err(|e| format!("{raw:?} is not a URI ({e})"))?;
    if url.fragment().is_some() {
        return Err(format!("{raw:?} has a fragment, which a redirect URI may not have"));
    }
    let loopback_ip = matches!(url.host(), Some(url::Host::Ipv4(ip)) if ip.is_loopback())
        || matches!(url.host(), Some(url::Host::Ipv6(ip)) if ip.is_loopback());
    let localhost = matches!(url.host(), Some(url::Host::Domain(name)) if name.eq_ignore_ascii_case("localhost"));
    match (kind, url.scheme()) {
        (_, "https") => Ok(raw.to_string()),
        (ClientKind::Native, "http") if loopback_ip => {
            if url.port().is_some() {
                return Err(format!("{raw:?}: register a loopback URI without its port (the app may use any)"));
            }
            Ok(raw.to_string())
        }
        (ClientKind::Native, "http") if localhost => {
            Err(format!("{raw:?}: use 127.0.0.1 or [::1], not localhost (RFC 8252 §8.3)"))
        }
        (ClientKind::Web, "http") if loopback_ip || localhost => Ok(raw.to_string()),
        (_, "http") => Err(format!("{raw:?} must be https:// (http:// only on a loopback address)")),
        (ClientKind::Native, scheme) if scheme.contains('.') => Ok(raw.to_string()),
        (ClientKind::Native, scheme) => {
            Err(format!("{raw:?}: a private-use scheme is a reversed domain name (com.example.app), not {scheme:?}"))
        }
        (ClientKind::Web, scheme) => Err(format!("{raw:?}: a web app's redirect URI is https://, not {scheme}:")),
    }
}

/// Whether `presented` is one of the registered URIs: exactly, or for a native app's loopback
/// URI, on any port.
pub fn redirect_uri_matches(kind: ClientKind, registered: &[String], presented: &str) -> bool {
    if registered.iter().any(|uri| uri == presented) {
        return true;
    }
    if kind != ClientKind::Native {
        return false;
    }
    let Ok(url) = url::Url::parse(presented) else { return false };
    let loopback = matches!(url.host(), Some(url::Host::Ipv4(ip)) if ip.is_loopback())
        || matches!(url.host(), Some(url::Host::Ipv6(ip)) if ip.is_loopback());
    if url.scheme() != "http" || !loopback || url.port().is_none() {
        return false;
    }
    let mut without_port = url.clone();
    if without_port.set_port(None).is_err() {
        return false;
    }
    registered.iter().filter_map(|uri| url::Url::parse(uri).ok()).any(|uri| uri.as_str() == without_port.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn native_apps_register_loopback_without_a_port_or_a_private_scheme() {
        assert!(check_redirect_uri(ClientKind::Native, "http://127.0.0.1/callback").is_ok());
        assert!(check_redirect_uri(ClientKind::Native, "http://[::1]/callback").is_ok());
        assert!(check_redirect_uri(ClientKind::Native, "com.example.crm:/callback").is_ok());
        assert!(check_redirect_uri(ClientKind::Native, "http://127.0.0.1:8080/callback").is_err());
        assert!(check_redirect_uri(ClientKind::Native, "http://localhost/callback").is_err());
        assert!(check_redirect_uri(ClientKind::Native, "myapp:/callback").is_err());
        assert!(check_redirect_uri(ClientKind::Web, "https://service.example/cb").is_ok());
        assert!(check_redirect_uri(ClientKind::Web, "http://service.example/cb").is_err());
        assert!(check_redirect_uri(ClientKind::Web, "https://service.example/cb#x").is_err());
        assert!(check_redirect_uri(ClientKind::Web, "com.example.crm:/callback").is_err());
    }

    #[test]
    fn loopback_uris_match_on_any_port_and_the_rest_exactly() {
        let native = vec!["http://127.0.0.1/callback".to_string(), "com.example.crm:/callback".to_string()];
        assert!(redirect_uri_matches(ClientKind::Native, &native, "http://127.0.0.1:53124/callback"));
        assert!(redirect_uri_matches(ClientKind::Native, &native, "com.example.crm:/callback"));
        assert!(!redirect_uri_matches(ClientKind::Native, &native, "http://127.0.0.1:53124/other"));
        assert!(!redirect_uri_matches(ClientKind::Native, &native, "http://127.0.0.2.example:53124/callback"));
        assert!(!redirect_uri_matches(ClientKind::Native, &native, "https://127.0.0.1:53124/callback"));
        let web = vec!["https://service.example/cb".to_string()];
        assert!(redirect_uri_matches(ClientKind::Web, &web, "https://service.example/cb"));
        assert!(!redirect_uri_matches(ClientKind::Web, &web, "https://service.example/cb/"));
        assert!(!redirect_uri_matches(ClientKind::Web, &web, "https://service.example/cb?x=1"));
        let web_loopback = vec!["http://127.0.0.1:4000/cb".to_string()];
        assert!(!redirect_uri_matches(ClientKind::Web, &web_loopback, "http://127.0.0.1:4001/cb"));
    }
}
