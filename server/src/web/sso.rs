//! Single sign-on's pages: "Log in with …" and "Activate with …" send the browser to the
//! provider; each provider's callback signs the person in, asks them to prove an existing
//! account first ("Link your account"), or says plainly why not.

use super::backend::signed_in_cookies;
use super::context::{client, lang};
use super::cookies;
use super::plain_page::{going_on, plain_page};
use super::read_form;
use super::refusals;
use super::state::AppState;
use crate::authn::sso::{Browser, Finished, LinkProof, LinkProofError, Purpose, Refused, Reply, SsoError, Started};
use crate::authn::{Refusal, SignedIn};
use crate::db::{App, ProviderRow, Tenant};
use crate::html::escape;
use app::i18n::{fill, Lang, Msg};
use app::model::{LinkKind, Notice, SsoButton, SsoChoices};
use app::routes;
use axum::extract::{Path, Query, Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::header::{CACHE_CONTROL, LOCATION, RETRY_AFTER, SET_COOKIE};
use http::{HeaderValue, StatusCode};
use serde::Deserialize;

#[derive(Deserialize)]
struct ProviderField {
    provider: String,
    next: Option<String>,
}

/// The buttons the login page shows: the providers of the tenant in the address, else of the
/// tenant this device logged in to last.
pub async fn choices(state: &AppState, parts: &http::request::Parts) -> SsoChoices {
    let from_path = parts.uri.path().strip_prefix("/t/").and_then(|rest| rest.strip_suffix("/login"));
    let slug = from_path.or_else(|| cookies::remembered_tenant(&state.settings, &parts.headers));
    let Some(slug) = slug else { return SsoChoices::default() };
    SsoChoices(as_buttons(state.db.providers_of_tenant_slug(slug).await))
}

/// An invitation's tenant's providers ("Activate with …").
pub async fn buttons(state: &AppState, tenant: &Tenant) -> Vec<SsoButton> {
    as_buttons(state.db.providers_of_tenant(tenant.id).await)
}

/// A storage failure leaves the buttons out: the password form still works.
fn as_buttons(providers: sqlx::Result<Vec<ProviderRow>>) -> Vec<SsoButton> {
    match providers {
        Ok(providers) => providers.into_iter().map(|p| SsoButton { id: p.public_id, name: p.name }).collect(),
        Err(err) => {
            tracing::warn!(error = %err, "sso: cannot list the tenant's providers");
            Vec::new()
        }
    }
}

/// The provider a "… with {provider}" form names (by its public id); `Err` is the answer to a
/// form that cannot be read, or that names no provider.
async fn provider_field(
    state: &AppState,
    lang: Lang,
    body: axum::body::Body,
) -> Result<(ProviderRow, Option<String>), Response> {
    let (public_id, next) = match read_form::<ProviderField>(body).await {
        Ok(Some(field)) if field.provider.len() <= 64 => (field.provider, field.next),
        Ok(_) => return Err(StatusCode::BAD_REQUEST.into_response()),
        Err(status) => return Err(status.into_response()),
    };
    match state.db.provider_by_public_id(&public_id).await {
        Ok(Some(provider)) => Ok((provider, next)),
        Ok(None) => Err(refused_page(lang, &Refused::new(SsoError::InvalidState))),
        Err(err) => {
            tracing::error!(error = %err, "sso: storage failed");
            Err(refused_page(lang, &Refused::new(SsoError::Unavailable)))
        }
    }
}

/// `POST /sso/start`: "Log in with …".
pub async fn start(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let lang = lang(&parts);
    let (provider, next) = match provider_field(&state, lang, body).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let started = state.sso().start(&provider, Purpose::Login { hint: None, next }, &client(&parts)).await;
    to_provider(&state, lang, &provider, started).await
}

/// `POST /activate/sso`: "Activate with …" from an invitation (the link's cookie goes with it).
pub async fn activate(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let lang = lang(&parts);
    let provider = match provider_field(&state, lang, body).await {
        Ok((provider, _)) => provider,
        Err(response) => return response,
    };
    let Some(link) = cookies::link_token(&state.settings, &parts.headers, LinkKind::Activation) else {
        return refused_page(lang, &Refused::new(SsoError::LinkInvalid));
    };
    match state.passwords().link_owner(LinkKind::Activation, link).await {
        Ok(Some((user, _))) if provider.tenant_id == user.tenant_id => {}
        Ok(_) => return refused_page(lang, &Refused::new(SsoError::LinkInvalid)),
        Err(err) => {
            tracing::error!(error = %err, "sso: storage failed");
            return refused_page(lang, &Refused::new(SsoError::Unavailable));
        }
    }
    let purpose = Purpose::Activate { link_token: link.to_string() };
    let started = state.sso().start(&provider, purpose, &client(&parts)).await;
    to_provider(&state, lang, &provider, started).await
}

/// Off to the provider with the cookie that binds the login to this browser, or the reason why
/// not (the provider cannot be reached, its settings cannot be used).
pub async fn to_provider(
    state: &AppState,
    lang: Lang,
    provider: &ProviderRow,
    started: Result<Started, SsoError>,
) -> Response {
    match started {
        Ok(started) => {
            let mut response = leaving_for(lang, &started.authorize_url, Some(&provider.name));
            response.headers_mut().append(SET_COOKIE, cookies::sso_cookie(&state.settings, &started.cookie));
            response
        }
        Err(error) => {
            let tenant = state.db.tenant_by_id(provider.tenant_id).await.ok().flatten();
            refused_page(lang, &Refused::about(error, provider, tenant))
        }
    }
}

/// The answer to a form post that leads to a provider: a page that goes on at once (`Refresh`)
/// with a link for the rare browser that does not. A redirect would not do: the page's CSP
/// (`form-action`) rightly forbids a form post that ends on another origin.
pub fn leaving_for(lang: Lang, address: &str, provider: Option<&str>) -> Response {
    let provider = provider.unwrap_or(Msg::YourProvider.text(lang));
    let link = fill(Msg::ContinueTo.text(lang), &[("provider", provider)]);
    going_on(lang, Msg::SsoProviders.text(lang), address, &link)
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    iss: Option<String>,
}

/// `GET /sso/callback/{provider}`: a provider's answer, on its own redirect URI.
pub async fn callback(
    State(state): State<AppState>,
    Path(provider): Path<String>,
    Query(query): Query<CallbackQuery>,
    request: Request,
) -> Response {
    let (parts, _) = request.into_parts();
    let lang = lang(&parts);
    let settings = &state.settings;
    let client = client(&parts);
    let devices = cookies::devices(settings, &parts.headers);
    let browser = Browser {
        cookie: cookies::sso_token(settings, &parts.headers),
        previous_session: cookies::first(&parts.headers, cookies::session_cookie_name(settings, App::Crm)),
        devices: &devices,
        client: &client,
    };
    let reply = Reply {
        provider: &provider,
        code: query.code.as_deref(),
        state: query.state.as_deref(),
        error: query.error.as_deref(),
        iss: query.iss.as_deref(),
    };
    let finished = state.sso().finish(browser, reply).await;
    // A stray answer (another provider's address, a `state` not this login's) leaves the login
    // in flight alone; any other outcome ends it for this browser.
    let stray = matches!(&finished, Err(Refused { error: SsoError::InvalidState | SsoError::WrongProvider, .. }));
    let mut response = match finished {
        Ok(Finished::SignedIn(signed_in, next)) => signed_in_response(&state, &signed_in, &devices, next.as_deref()),
        Ok(Finished::SecondStep(pending)) => super::two_step::to_second_step(&state, &pending),
        Ok(Finished::ProveAccount(challenge)) => {
            let mut response = Redirect::to(routes::SSO_LINK).into_response();
            response.headers_mut().append(SET_COOKIE, cookies::link_proof_cookie(settings, &challenge));
            response
        }
        // Signed in at the provider, but the role has no CRM right: the login page says so.
        Err(Refused { error: SsoError::Refused(Refusal::NoRight(_)), tenant, .. }) => {
            no_crm_right(&state, tenant.as_ref())
        }
        Err(refused) => refused_page(lang, &refused),
    };
    if !stray {
        response.headers_mut().append(SET_COOKIE, cookies::clear_sso_cookie(settings));
    }
    response
}

/// On to the CRM (or where the sign-in was for) with the cookies of a new session.
fn signed_in_response(state: &AppState, signed_in: &SignedIn, devices: &[String], next: Option<&str>) -> Response {
    let mut response = Redirect::to(&app::domain::ReturnPath::or(next, routes::CRM)).into_response();
    let headers = response.headers_mut();
    headers.append(SET_COOKIE, cookies::clear_link_cookie(&state.settings, LinkKind::Activation));
    headers.append(SET_COOKIE, cookies::clear_link_proof_cookie(&state.settings));
    for cookie in signed_in_cookies(state, App::Crm, signed_in, devices) {
        headers.append(SET_COOKIE, cookie);
    }
    response
}

fn no_crm_right(state: &AppState, tenant: Option<&Tenant>) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(location) = HeaderValue::from_str(&Notice::NoCrmRight.at(routes::LOGIN)) {
        response.headers_mut().insert(LOCATION, location);
    }
    if let Some(tenant) = tenant {
        response.headers_mut().append(SET_COOKIE, cookies::tenant_cookie(&state.settings, &tenant.slug));
    }
    response.headers_mut().append(SET_COOKIE, cookies::clear_link_cookie(&state.settings, LinkKind::Activation));
    response
}

/// The page that says why single sign-on did not log the person in, with the way back to their
/// tenant's login page.
pub fn refused_page(lang: Lang, refused: &Refused) -> Response {
    let (msg, status) = refusals::sso(refused.error);
    let your_provider = Msg::YourProvider.text(lang);
    let text = fill(
        msg.text(lang),
        &[
            ("provider", refused.provider.as_deref().unwrap_or(your_provider)),
            ("tenant", refused.tenant.as_ref().map_or("", |t| t.name.as_str())),
            ("email", refused.email.as_deref().unwrap_or_default()),
        ],
    );
    let body = format!(
        r#"<h1>{heading}</h1><p role="alert" class="error">{text}</p><p><a href="{back}">{back_text}</a></p>"#,
        heading = escape(Msg::SsoProviders.text(lang)),
        text = escape(&text),
        back = escape(&back_to_login(refused.tenant.as_ref())),
        back_text = escape(Msg::BackToLogin.text(lang)),
    );
    answer(status, lang, Msg::SsoProviders, &body)
}

fn back_to_login(tenant: Option<&Tenant>) -> String {
    match tenant {
        Some(tenant) => format!("/t/{}/login", tenant.slug),
        None => routes::LOGIN.to_string(),
    }
}

fn answer(status: StatusCode, lang: Lang, title: Msg, body: &str) -> Response {
    let mut response = (status, plain_page(lang, title.text(lang), body)).into_response();
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Some(seconds) = refusals::retry_after(status) {
        response.headers_mut().insert(RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

#[derive(Deserialize, Default)]
pub struct LinkQuery {
    #[serde(default)]
    code: Option<String>,
}

/// `GET /sso/link`: "Link your account": prove the existing account once, with its password
/// or an emailed code.
pub async fn link_page(State(state): State<AppState>, Query(query): Query<LinkQuery>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let code_sent = query.code.as_deref() == Some("sent");
    link_form(&state, &parts, code_sent, None).await
}

#[derive(Deserialize, Default)]
struct LinkFields {
    password: Option<String>,
    code: Option<String>,
}

/// `POST /sso/link`: the password or the code; right, and the provider is linked and the
/// person signed in.
pub async fn link(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let fields: LinkFields = match read_form(body).await {
        Ok(Some(fields)) => fields,
        Ok(None) => return StatusCode::BAD_REQUEST.into_response(),
        Err(status) => return status.into_response(),
    };
    let settings = &state.settings;
    let Some(challenge) = cookies::link_proof(settings, &parts.headers) else {
        return link_form(&state, &parts, false, Some(LinkProofError::Expired)).await;
    };
    let proof = match (&fields.password, &fields.code) {
        (_, Some(code)) => LinkProof::Code(code),
        (Some(password), None) => LinkProof::Password(password),
        (None, None) => return StatusCode::BAD_REQUEST.into_response(),
    };
    let by_code = matches!(proof, LinkProof::Code(_));
    let client = client(&parts);
    let devices = cookies::devices(settings, &parts.headers);
    let browser = Browser {
        cookie: None,
        previous_session: cookies::first(&parts.headers, cookies::session_cookie_name(settings, App::Crm)),
        devices: &devices,
        client: &client,
    };
    match state.sso().prove(challenge, proof, browser).await {
        Ok(Finished::SignedIn(signed_in, next)) => signed_in_response(&state, &signed_in, &devices, next.as_deref()),
        Ok(Finished::SecondStep(pending)) => {
            let mut response = super::two_step::to_second_step(&state, &pending);
            response.headers_mut().append(SET_COOKIE, cookies::clear_link_proof_cookie(settings));
            response
        }
        Ok(Finished::ProveAccount(_)) => link_form(&state, &parts, by_code, Some(LinkProofError::Expired)).await,
        Err(LinkProofError::Sso(SsoError::Refused(Refusal::NoRight(_)))) => no_crm_right(&state, None),
        Err(err) => link_form(&state, &parts, by_code, Some(err)).await,
    }
}

/// `POST /sso/link/code`: "Email me a code".
pub async fn send_link_code(State(state): State<AppState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let Some(challenge) = cookies::link_proof(&state.settings, &parts.headers) else {
        return link_form(&state, &parts, false, Some(LinkProofError::Expired)).await;
    };
    match state.sso().send_link_code(challenge).await {
        Ok(()) => Redirect::to(&format!("{}?code=sent", routes::SSO_LINK)).into_response(),
        Err(err) => link_form(&state, &parts, false, Some(err)).await,
    }
}

/// The "Link your account" page: the password form (when the account has a password), the
/// code form once a code was sent, and "Email me a code".
async fn link_form(
    state: &AppState,
    parts: &http::request::Parts,
    code_sent: bool,
    error: Option<LinkProofError>,
) -> Response {
    let lang = lang(parts);
    let say = |msg: Msg| escape(msg.text(lang));
    let pending = match cookies::link_proof(&state.settings, &parts.headers) {
        Some(challenge) => state.sso().pending(challenge).await,
        None => Ok(None),
    };
    let pending = match pending {
        Ok(Some(pending)) => pending,
        Ok(None) => {
            let body = format!(
                r#"<h1>{heading}</h1><p role="alert" class="error">{text}</p><p><a href="{back}">{back_text}</a></p>"#,
                heading = say(Msg::LinkAccountHeading),
                text = say(Msg::LinkExpired),
                back = routes::LOGIN,
                back_text = say(Msg::BackToLogin),
            );
            return answer(StatusCode::BAD_REQUEST, lang, Msg::LinkAccountHeading, &body);
        }
        Err(error) => return refused_page(lang, &Refused::new(error)),
    };
    let args = [
        ("provider", pending.provider.as_str()),
        ("tenant", pending.tenant.name.as_str()),
        ("login", pending.login_name.as_str()),
    ];
    let (status, alert) = match error {
        Some(error) => {
            let (msg, status) = refusals::link_proof(error);
            let text = escape(&fill(msg.text(lang), &args));
            (status, format!(r#"<p role="alert" class="error">{text}</p>"#))
        }
        None => (StatusCode::OK, String::new()),
    };
    let password_form = if pending.has_password && !code_sent {
        format!(
            r#"<form method="post" action="{action}"><p>{intro}</p><div class="field"><label for="password">{label}</label><input id="password" name="password" type="password" autocomplete="current-password" required></div><button type="submit" class="primary">{button}</button></form>"#,
            action = routes::SSO_LINK,
            intro = say(Msg::LinkWithPassword),
            label = say(Msg::Password),
            button = say(Msg::LinkAccount),
        )
    } else {
        String::new()
    };
    let code_form = if code_sent {
        format!(
            r#"<p class="notice" role="status">{sent}</p><form method="post" action="{action}"><div class="field"><label for="code">{label}</label><input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required></div><button type="submit" class="primary">{button}</button></form>"#,
            sent = say(Msg::LinkCodeSent),
            action = routes::SSO_LINK,
            label = say(Msg::Code),
            button = say(Msg::LinkAccount),
        )
    } else {
        format!(
            r#"<form method="post" action="{action}"><p>{intro}</p><button type="submit" class="secondary">{button}</button></form>"#,
            action = routes::SSO_LINK_CODE,
            intro = say(Msg::LinkWithCode),
            button = say(Msg::EmailMeCode),
        )
    };
    let body = format!(
        r#"<h1>{heading}</h1><p>{intro}</p>{alert}{password_form}{code_form}<p><a href="{back}">{back_text}</a></p>"#,
        heading = say(Msg::LinkAccountHeading),
        intro = escape(&fill(Msg::LinkAccountIntro.text(lang), &args)),
        back = escape(&back_to_login(Some(&pending.tenant))),
        back_text = say(Msg::BackToLogin),
    );
    answer(status, lang, Msg::LinkAccountHeading, &body)
}
