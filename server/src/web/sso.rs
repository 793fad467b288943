//! Single sign-on's pages: "Log in with …" and "Activate with …" send the browser to the
//! provider; the callback logs the person in, or says plainly why not.

use super::context::{client, lang};
use super::cookies;
use super::plain_page::plain_page;
use super::read_form;
use super::state::AppState;
use crate::db::{ProviderRow, Tenant};
use crate::html::escape;
use crate::sso::{Purpose, Refusal, Reply, SsoError, Started};
use app::i18n::{fill, Lang, Msg};
use app::model::{LinkKind, SsoButton, SsoChoices};
use app::routes;
use axum::extract::{Query, Request, State};
use axum::response::{IntoResponse, Response};
use http::header::{CACHE_CONTROL, LOCATION, SET_COOKIE};
use http::{HeaderName, HeaderValue, StatusCode};
use serde::Deserialize;

#[derive(Deserialize)]
struct ProviderField {
    provider: i64,
}

/// The buttons the login page shows: the providers of the tenant in the address, else of the
/// tenant this device logged in to last.
pub async fn choices(state: &AppState, parts: &http::request::Parts) -> SsoChoices {
    let from_path = parts.uri.path().strip_prefix("/t/").and_then(|rest| rest.strip_suffix("/login"));
    let slug = from_path.or_else(|| cookies::first(&parts.headers, cookies::TENANT_COOKIE));
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
        Ok(providers) => providers.into_iter().map(|p| SsoButton { id: p.id, name: p.name }).collect(),
        Err(err) => {
            tracing::warn!(error = %err, "sso: cannot list the tenant's providers");
            Vec::new()
        }
    }
}

/// The provider a "… with {provider}" form names; `Err` is the answer to a form that cannot
/// be read.
async fn provider_field(body: axum::body::Body) -> Result<i64, Response> {
    match read_form::<ProviderField>(body).await {
        Ok(Some(field)) => Ok(field.provider),
        Ok(None) => Err(StatusCode::BAD_REQUEST.into_response()),
        Err(status) => Err(status.into_response()),
    }
}

/// `POST /sso/start`: "Log in with …".
pub async fn start(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let lang = lang(&parts);
    let provider_id = match provider_field(body).await {
        Ok(id) => id,
        Err(response) => return response,
    };
    let provider = match state.db.provider_by_id(provider_id).await {
        Ok(Some(provider)) => provider,
        Ok(None) => return plain_refusal(lang, SsoError::InvalidState),
        Err(err) => {
            tracing::error!(error = %err, "sso: storage failed");
            return plain_refusal(lang, SsoError::Unavailable);
        }
    };
    let started = state.sso().start(&provider, Purpose::Login { hint: None }, &client(&parts)).await;
    to_provider(&state, lang, &provider, started).await
}

/// `POST /activate/sso`: "Activate with …" from an invitation (the link's cookie is sent
/// under `/activate`).
pub async fn activate(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let lang = lang(&parts);
    let provider_id = match provider_field(body).await {
        Ok(id) => id,
        Err(response) => return response,
    };
    let Some(link) = cookies::link_token(&parts.headers, LinkKind::Activation) else {
        return plain_refusal(lang, SsoError::LinkInvalid);
    };
    let owner = state.passwords().link_owner(LinkKind::Activation, link).await;
    let provider = state.db.provider_by_id(provider_id).await;
    let provider = match (owner, provider) {
        (Ok(Some((user, _))), Ok(Some(provider))) if provider.tenant_id == user.tenant_id => provider,
        (Ok(_), Ok(_)) => return plain_refusal(lang, SsoError::LinkInvalid),
        (Err(err), _) | (_, Err(err)) => {
            tracing::error!(error = %err, "sso: storage failed");
            return plain_refusal(lang, SsoError::Unavailable);
        }
    };
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
            let refusal = Refusal { provider: Some(provider.name.clone()), tenant, ..Refusal::new(error) };
            refused_page(lang, &refusal)
        }
    }
}

/// The answer to a form post that leads to a provider: a page that goes on at once (`Refresh`)
/// with a link for the rare browser that does not. A redirect would not do: the page's CSP
/// (`form-action`) rightly forbids a form post that ends on another origin.
pub fn leaving_for(lang: Lang, address: &str, provider: Option<&str>) -> Response {
    let provider = provider.unwrap_or(Msg::YourProvider.text(lang));
    let body = format!(
        r#"<h1>{heading}</h1><p><a href="{address}">{link}</a></p>"#,
        heading = escape(Msg::SsoProviders.text(lang)),
        address = escape(address),
        link = escape(&fill(Msg::ContinueTo.text(lang), &[("provider", provider)])),
    );
    let mut response = plain_page(lang, Msg::SsoProviders.text(lang), &body).into_response();
    if let Ok(refresh) = HeaderValue::from_str(&format!("0; url={address}")) {
        response.headers_mut().insert(HeaderName::from_static("refresh"), refresh);
    }
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// `GET /sso/callback`: the provider's answer.
pub async fn callback(State(state): State<AppState>, Query(query): Query<CallbackQuery>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let lang = lang(&parts);
    let settings = &state.settings;
    let previous = cookies::first(&parts.headers, cookies::session_cookie_name(settings, crate::db::App::Crm));
    let reply = Reply { code: query.code.as_deref(), state: query.state.as_deref(), error: query.error.as_deref() };
    let cookie = cookies::sso_token(settings, &parts.headers);
    let finished = state.sso().finish(cookie, reply, previous, &client(&parts)).await;
    let mut response = match finished {
        Ok(login) => {
            let mut response = StatusCode::SEE_OTHER.into_response();
            let headers = response.headers_mut();
            headers.append(SET_COOKIE, cookies::tenant_cookie(settings, &login.tenant.slug));
            headers.append(SET_COOKIE, cookies::clear_link_cookie(settings, LinkKind::Activation));
            let next = match &login.session {
                Some(session) => {
                    let cookie =
                        cookies::session_cookie(settings, crate::db::App::Crm, &session.token, session.lifetime_secs);
                    headers.append(SET_COOKIE, cookie);
                    routes::CRM.to_string()
                }
                None => format!("{}?notice=no-crm-right", routes::LOGIN),
            };
            headers.insert(LOCATION, HeaderValue::from_str(&next).unwrap_or(HeaderValue::from_static("/crm")));
            response
        }
        Err(refusal) => refused_page(lang, &refusal),
    };
    response.headers_mut().append(SET_COOKIE, cookies::clear_sso_cookie(settings));
    response
}

/// The page that says why single sign-on did not log the person in, with the way back to their
/// tenant's login page.
pub fn refused_page(lang: Lang, refusal: &Refusal) -> Response {
    let your_provider = Msg::YourProvider.text(lang);
    let text = fill(
        refusal.error.msg().text(lang),
        &[
            ("provider", refusal.provider.as_deref().unwrap_or(your_provider)),
            ("tenant", refusal.tenant.as_ref().map_or("", |t| t.name.as_str())),
            ("email", refusal.email.as_deref().unwrap_or_default()),
        ],
    );
    let back = match &refusal.tenant {
        Some(tenant) => format!("/t/{}/login", tenant.slug),
        None => routes::LOGIN.to_string(),
    };
    let body = format!(
        r#"<h1>{heading}</h1><p role="alert" class="error">{text}</p><p><a href="{back}">{back_text}</a></p>"#,
        heading = escape(Msg::SsoProviders.text(lang)),
        text = escape(&text),
        back = escape(&back),
        back_text = escape(Msg::BackToLogin.text(lang)),
    );
    let status = refusal.error.http_status();
    let mut response = (status, plain_page(lang, Msg::SsoProviders.text(lang), &body)).into_response();
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn plain_refusal(lang: Lang, error: SsoError) -> Response {
    refused_page(lang, &Refusal::new(error))
}
