//! Every cookie Frontdoor sets, in one place: names, paths and flags.

use crate::db::App;
use crate::links;
use crate::settings::Settings;
use crate::tokens::Token;
use app::domain::LinkKind;
use app::routes;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use http::{HeaderMap, HeaderValue};

const TENANT_COOKIE: &str = "frontdoor_tenant";
pub const LANGUAGE_COOKIE: &str = "frontdoor_lang";
/// Remembered choices live this long.
const YEAR_AND_A_BIT: i64 = 400 * 24 * 3600;
/// The device tokens one browser keeps (one per person who logged in on it).
const MAX_DEVICES: usize = 5;

fn cookie(secure: bool, name: &str, path: &str, value: &str, max_age: i64, http_only: bool) -> HeaderValue {
    cookie_with(secure, name, path, value, max_age, http_only, "Lax")
}

fn cookie_with(
    secure: bool,
    name: &str,
    path: &str,
    value: &str,
    max_age: i64,
    http_only: bool,
    same_site: &str,
) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let http_only = if http_only { "; HttpOnly" } else { "" };
    let text = format!("{name}={value}; Path={path}; Max-Age={max_age}{http_only}; SameSite={same_site}{secure}");
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("frontdoor=; Max-Age=0"))
}

/// A cookie that a sibling subdomain must not be able to plant: over https it is `__Host-`
/// (host-only, `Secure`, `Path=/`); over plain http it keeps its own path.
fn host_only(
    settings: &Settings,
    name: &'static str,
    host_name: &'static str,
    path: &'static str,
) -> (&'static str, &'static str) {
    if settings.secure_cookies {
        (host_name, "/")
    } else {
        (name, path)
    }
}

/// Whether an app's cookie is `Secure`: it follows the URL the app is reached at.
fn secure(settings: &Settings, app: App) -> bool {
    match app {
        App::Crm | App::Settings | App::Client => settings.secure_cookies,
        App::Service => settings.service_secure_cookies,
    }
}

/// A session cookie's name and path. Over https the CRM cookie is `__Host-` (host-only, path
/// `/`); so is Service's when Service has an origin of its own, else `__Secure-` under
/// `/service`. Settings and maintenance's lives under `/settings` (its pages and its server
/// functions), never sent elsewhere.
fn session_name_and_path(settings: &Settings, app: App) -> (&'static str, &'static str) {
    match (app, secure(settings, app)) {
        (App::Crm, true) => ("__Host-frontdoor", "/"),
        (App::Crm, false) => ("frontdoor", "/"),
        (App::Service, true) if settings.service_has_own_origin() => ("__Host-frontdoor_service", "/"),
        (App::Service, true) => ("__Secure-frontdoor_service", "/service"),
        (App::Service, false) => ("frontdoor_service", "/service"),
        (App::Settings, true) => ("__Secure-frontdoor_settings", routes::SETTINGS),
        (App::Settings, false) => ("frontdoor_settings", routes::SETTINGS),
        // An app's session is never a cookie here; a cookie of this name is never read.
        (App::Client, _) => ("frontdoor_app_session_has_no_cookie", "/oauth2"),
    }
}

/// A session cookie as a browser would store it (for test mode's Playwright storage state).
pub struct CookieSpec {
    pub name: &'static str,
    pub path: &'static str,
    pub secure: bool,
    pub same_site: &'static str,
}

pub fn session_cookie_spec(settings: &Settings, app: App) -> CookieSpec {
    let (name, path) = session_name_and_path(settings, app);
    CookieSpec { name, path, secure: secure(settings, app), same_site: same_site(app) }
}

/// The half-signed-in cookie of a sign-in waiting for its second step.
pub fn two_step_cookie_of(settings: &Settings) -> CookieSpec {
    let (name, path) = two_step_cookie_spec(settings);
    CookieSpec { name, path, secure: settings.secure_cookies, same_site: "Lax" }
}

pub fn session_cookie_name(settings: &Settings, app: App) -> &'static str {
    session_name_and_path(settings, app).0
}

/// Settings and maintenance's cookie goes with no request another site starts (`Strict`).
fn same_site(app: App) -> &'static str {
    match app {
        App::Settings => "Strict",
        App::Crm | App::Service | App::Client => "Lax",
    }
}

pub fn session_cookie(settings: &Settings, app: App, token: &Token, max_age: i64) -> HeaderValue {
    let (name, path) = session_name_and_path(settings, app);
    cookie_with(secure(settings, app), name, path, token.expose(), max_age, true, same_site(app))
}

pub fn clear_session_cookie(settings: &Settings, app: App) -> HeaderValue {
    let (name, path) = session_name_and_path(settings, app);
    cookie_with(secure(settings, app), name, path, "", 0, true, same_site(app))
}

pub fn tenant_cookie_name(settings: &Settings) -> &'static str {
    host_only(settings, TENANT_COOKIE, "__Host-frontdoor_tenant", "/").0
}

/// Remembers on this device which tenant the person last logged in to.
pub fn tenant_cookie(settings: &Settings, slug: &str) -> HeaderValue {
    cookie(settings.secure_cookies, tenant_cookie_name(settings), "/", slug, YEAR_AND_A_BIT, true)
}

/// The tenant this device logged in to last.
pub fn remembered_tenant<'a>(settings: &Settings, headers: &'a HeaderMap) -> Option<&'a str> {
    first(headers, tenant_cookie_name(settings))
}

/// Remembers the language chosen with the switch.
pub fn language_cookie(settings: &Settings, code: &str) -> HeaderValue {
    cookie(settings.secure_cookies, LANGUAGE_COOKIE, "/", code, YEAR_AND_A_BIT, false)
}

fn device_cookie_name(settings: &Settings) -> &'static str {
    if settings.secure_cookies {
        "__Host-frontdoor_device"
    } else {
        "frontdoor_device"
    }
}

/// The device tokens this browser carries.
pub fn devices(settings: &Settings, headers: &HeaderMap) -> Vec<String> {
    first(headers, device_cookie_name(settings))
        .map(|value| {
            value.split('.').filter(|t| links::is_token_shaped(t)).take(MAX_DEVICES).map(str::to_string).collect()
        })
        .unwrap_or_default()
}

/// This browser's device cookie with `new` added (the oldest token dropped past the limit).
pub fn device_cookie(settings: &Settings, carried: &[String], new: &Token) -> HeaderValue {
    let mut tokens: Vec<&str> = vec![new.expose()];
    tokens.extend(carried.iter().map(String::as_str).take(MAX_DEVICES - 1));
    cookie(settings.secure_cookies, device_cookie_name(settings), "/", &tokens.join("."), YEAR_AND_A_BIT, true)
}

const CHOICE_COOKIE: &str = "frontdoor_choice";
const LOGIN_HINT_COOKIE: &str = "frontdoor_login_hint";

/// "Reset login": this browser's challenge, for the code and choose pages only.
pub fn choice_cookie(settings: &Settings, challenge: &Token) -> HeaderValue {
    cookie(settings.secure_cookies, CHOICE_COOKIE, routes::RESET_LOGIN, challenge.expose(), 900, true)
}

pub fn clear_choice_cookie(settings: &Settings) -> HeaderValue {
    cookie(settings.secure_cookies, CHOICE_COOKIE, routes::RESET_LOGIN, "", 0, true)
}

pub fn choice(headers: &HeaderMap) -> Option<&str> {
    first(headers, CHOICE_COOKIE).filter(|t| links::is_token_shaped(t))
}

/// The user ID the next login page fills in (after "Choose tenant"), for a few minutes.
fn login_hint_cookie_name(settings: &Settings) -> &'static str {
    host_only(settings, LOGIN_HINT_COOKIE, "__Host-frontdoor_login_hint", "/").0
}

pub fn login_hint_cookie(settings: &Settings, user_id: &str) -> HeaderValue {
    let value = URL_SAFE_NO_PAD.encode(user_id.as_bytes());
    cookie(settings.secure_cookies, login_hint_cookie_name(settings), "/", &value, 600, true)
}

pub fn clear_login_hint_cookie(settings: &Settings) -> HeaderValue {
    cookie(settings.secure_cookies, login_hint_cookie_name(settings), "/", "", 0, true)
}

pub fn login_hint(settings: &Settings, headers: &HeaderMap) -> Option<String> {
    let raw = first(headers, login_hint_cookie_name(settings))?;
    let bytes = URL_SAFE_NO_PAD.decode(raw).ok()?;
    String::from_utf8(bytes).ok().filter(|hint| hint.len() <= 254)
}

/// Binds a single sign-on in flight to this browser: its hash finds the `state`, `nonce` and
/// PKCE verifier. Sent only to `/sso` over http; over https `__Host-` (which needs `Path=/`).
/// `SameSite=Lax`: the provider's redirect back is a top-level navigation from its site.
fn sso_cookie_spec(settings: &Settings) -> (&'static str, &'static str) {
    host_only(settings, "frontdoor_sso", "__Host-frontdoor_sso", "/sso")
}

pub fn sso_cookie(settings: &Settings, token: &Token) -> HeaderValue {
    let (name, path) = sso_cookie_spec(settings);
    cookie(settings.secure_cookies, name, path, token.expose(), crate::authn::sso::ATTEMPT_SECS, true)
}

pub fn clear_sso_cookie(settings: &Settings) -> HeaderValue {
    let (name, path) = sso_cookie_spec(settings);
    cookie(settings.secure_cookies, name, path, "", 0, true)
}

pub fn sso_token<'a>(settings: &Settings, headers: &'a HeaderMap) -> Option<&'a str> {
    first(headers, sso_cookie_spec(settings).0)
}

/// A provider identity waiting for the person to prove the account it would be linked to.
fn link_proof_cookie_spec(settings: &Settings) -> (&'static str, &'static str) {
    host_only(settings, "frontdoor_sso_link", "__Host-frontdoor_sso_link", "/sso")
}

pub fn link_proof_cookie(settings: &Settings, token: &Token) -> HeaderValue {
    let (name, path) = link_proof_cookie_spec(settings);
    cookie(settings.secure_cookies, name, path, token.expose(), crate::authn::sso::ATTEMPT_SECS, true)
}

pub fn clear_link_proof_cookie(settings: &Settings) -> HeaderValue {
    let (name, path) = link_proof_cookie_spec(settings);
    cookie(settings.secure_cookies, name, path, "", 0, true)
}

pub fn link_proof<'a>(settings: &Settings, headers: &'a HeaderMap) -> Option<&'a str> {
    single(headers, link_proof_cookie_spec(settings).0).ok().flatten().filter(|t| links::is_token_shaped(t))
}

/// A sign-in waiting for its second step (half signed in): short-lived, `HttpOnly`, sent only
/// to `/two-step` over http; `__Host-` over https. `Lax`: the way there may begin at an
/// identity provider. It opens nothing by itself; its row is used once.
fn two_step_cookie_spec(settings: &Settings) -> (&'static str, &'static str) {
    host_only(settings, "frontdoor_two_step", "__Host-frontdoor_two_step", routes::TWO_STEP)
}

pub fn two_step_cookie(settings: &Settings, token: &Token) -> HeaderValue {
    let (name, path) = two_step_cookie_spec(settings);
    cookie(settings.secure_cookies, name, path, token.expose(), crate::authn::second_step::COOKIE_SECS, true)
}

pub fn clear_two_step_cookie(settings: &Settings) -> HeaderValue {
    let (name, path) = two_step_cookie_spec(settings);
    cookie(settings.secure_cookies, name, path, "", 0, true)
}

pub fn two_step<'a>(settings: &Settings, headers: &'a HeaderMap) -> Option<&'a str> {
    single(headers, two_step_cookie_spec(settings).0).ok().flatten().filter(|t| links::is_token_shaped(t))
}

/// A link's cookie: scoped to its page over http; `__Host-` over https.
fn link_cookie_spec(settings: &Settings, kind: LinkKind) -> (&'static str, &'static str) {
    match kind {
        LinkKind::Activation => {
            host_only(settings, "frontdoor_activation", "__Host-frontdoor_activation", links::page(kind))
        }
        LinkKind::PasswordReset => host_only(settings, "frontdoor_reset", "__Host-frontdoor_reset", links::page(kind)),
    }
}

/// Carries an emailed link's token while its page is open: `GET /activate/{token}` moves it
/// here (HttpOnly) and redirects to the bare page, so the token leaves the address bar, the
/// history and any Referer, with or without JavaScript.
pub fn link_cookie(settings: &Settings, kind: LinkKind, raw_token: &str) -> HeaderValue {
    let (name, path) = link_cookie_spec(settings, kind);
    // An hour to choose a password; the link's own expiry still applies.
    cookie(settings.secure_cookies, name, path, raw_token, 3600, true)
}

pub fn clear_link_cookie(settings: &Settings, kind: LinkKind) -> HeaderValue {
    let (name, path) = link_cookie_spec(settings, kind);
    cookie(settings.secure_cookies, name, path, "", 0, true)
}

/// The raw token the browser holds for a link's page, if it holds exactly one of the right
/// shape (a second one was planted: neither is trusted).
pub fn link_token<'a>(settings: &Settings, headers: &'a HeaderMap, kind: LinkKind) -> Option<&'a str> {
    single(headers, link_cookie_spec(settings, kind).0).ok().flatten().filter(|t| links::is_token_shaped(t))
}

/// The request carried two cookies of one name: one of them was planted (cookie tossing from a
/// sibling domain, or a path-scoped shadow) and neither can be trusted.
#[derive(Debug)]
pub struct TwoCookies;

/// The value of a session-bearing cookie, refusing a request that carries it twice.
pub fn single<'a>(headers: &'a HeaderMap, name: &str) -> Result<Option<&'a str>, TwoCookies> {
    let mut values = all(headers, name);
    let value = values.next();
    match values.next() {
        Some(_) => Err(TwoCookies),
        None => Ok(value),
    }
}

/// The first value of a cookie (for cookies that grant nothing).
pub fn first<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    all(headers, name).next()
}

fn all<'a, 'n>(headers: &'a HeaderMap, name: &'n str) -> impl Iterator<Item = &'a str> + use<'a, 'n> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(move |(key, _)| *key == name)
        .map(|(_, value)| value)
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
        // Its own origin over https: host-only, the whole site.
        assert!(service.starts_with("__Host-frontdoor_service=") && service.contains("; Secure"), "{service}");
        assert!(service.contains("Path=/;") && service.contains("HttpOnly"));

        let https = Settings::new("https://crm.test", None, false).unwrap();
        let crm = session_cookie(&https, App::Crm, &token, 60);
        assert!(crm.to_str().unwrap().starts_with("__Host-frontdoor=") && crm.to_str().unwrap().contains("Path=/;"));
        // Service under /service of the CRM's own origin cannot be __Host-.
        let service = session_cookie(&https, App::Service, &token, 60);
        assert!(service.to_str().unwrap().starts_with("__Secure-frontdoor_service="));
        assert!(service.to_str().unwrap().contains("Path=/service;"));
    }

    #[test]
    fn cookies_a_sibling_could_plant_are_host_only_over_https() {
        let https = Settings::new("https://crm.test", None, false).unwrap();
        let token = Token::generate();
        for cookie in [
            tenant_cookie(&https, "acme"),
            sso_cookie(&https, &token),
            link_proof_cookie(&https, &token),
            link_cookie(&https, LinkKind::Activation, token.expose()),
            link_cookie(&https, LinkKind::PasswordReset, token.expose()),
            login_hint_cookie(&https, "ada@acme.test"),
            device_cookie(&https, &[], &token),
        ] {
            let text = cookie.to_str().unwrap();
            assert!(text.starts_with("__Host-") && text.contains("Path=/;") && text.contains("; Secure"), "{text}");
        }
        let settings = session_cookie(&https, App::Settings, &token, 60);
        let settings = settings.to_str().unwrap();
        assert!(settings.starts_with("__Secure-frontdoor_settings=") && settings.contains("SameSite=Strict"));
    }

    #[test]
    fn a_cookie_sent_twice_is_refused() {
        let mut headers = HeaderMap::new();
        headers.append(http::header::COOKIE, HeaderValue::from_static("frontdoor=a; other=b"));
        assert_eq!(single(&headers, "frontdoor").ok().flatten(), Some("a"));
        headers.append(http::header::COOKIE, HeaderValue::from_static("frontdoor=c"));
        assert!(single(&headers, "frontdoor").is_err());
        assert_eq!(first(&headers, "frontdoor"), Some("a"));
    }
}
