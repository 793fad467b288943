//! Frontdoor as the suite's OpenID provider, on the web: discovery, the key set, `authorize`
//! (with the login, the tenant choice and a partner app's consent on the way), `token`,
//! `userinfo`, revocation, introspection and RP-initiated logout.

use super::context::{client, lang};
use super::cookies;
use super::plain_page::{going_on, plain_page};
use super::read_form;
use super::state::AppState;
use crate::audit::{self, Event, Origin, Subject};
use crate::db::{App, SessionRecord};
use crate::html::escape;
use crate::provider::{
    AuthorizeError, ClientCredentials, Next, Provider, RawRequest, ResponseMode, TokenError, TokenForm, SCOPES,
};
use app::backend::CspNonce;
use app::domain::encode_query_component;
use app::i18n::{fill, Lang, Msg};
use app::model::Notice;
use app::routes;
use axum::extract::{Query, Request, State};
use axum::response::{IntoResponse, Json, Redirect, Response};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use http::header::{
    AUTHORIZATION, CACHE_CONTROL, CONTENT_SECURITY_POLICY, LOCATION, PRAGMA, SET_COOKIE, WWW_AUTHENTICATE,
};
use http::{HeaderValue, Method, StatusCode};
use openidconnect::core::{
    CoreClaimName, CoreClientAuthMethod, CoreGrantType, CoreJwsSigningAlgorithm, CoreResponseMode, CoreResponseType,
    CoreSubjectIdentifierType,
};
use openidconnect::{
    AdditionalProviderMetadata, AuthUrl, IssuerUrl, JsonWebKeySetUrl, ProviderMetadata, ResponseTypes, Scope, TokenUrl,
    UserInfoUrl,
};
use serde::{Deserialize, Serialize};

pub const DISCOVERY: &str = "/.well-known/openid-configuration";
pub const JWKS: &str = "/oauth2/jwks";
pub const AUTHORIZE: &str = "/oauth2/authorize";
pub const AUTHORIZE_CONTINUE: &str = "/oauth2/authorize/continue";
pub const AUTHORIZE_TENANT: &str = "/oauth2/authorize/tenant";
pub const CONSENT: &str = "/oauth2/consent";
pub const TOKEN: &str = "/oauth2/token";
pub const USERINFO: &str = "/oauth2/userinfo";
pub const REVOKE: &str = "/oauth2/revoke";
pub const INTROSPECT: &str = "/oauth2/introspect";
pub const LOGOUT: &str = "/oauth2/logout";

/// What the discovery document says beyond the core fields.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct ProviderExtras {
    revocation_endpoint: String,
    introspection_endpoint: String,
    end_session_endpoint: String,
    code_challenge_methods_supported: Vec<String>,
    authorization_response_iss_parameter_supported: bool,
    backchannel_logout_supported: bool,
    backchannel_logout_session_supported: bool,
}

impl AdditionalProviderMetadata for ProviderExtras {}

type Discovery = ProviderMetadata<
    ProviderExtras,
    openidconnect::core::CoreAuthDisplay,
    CoreClientAuthMethod,
    CoreClaimName,
    openidconnect::core::CoreClaimType,
    CoreGrantType,
    openidconnect::core::CoreJweContentEncryptionAlgorithm,
    openidconnect::core::CoreJweKeyManagementAlgorithm,
    openidconnect::core::CoreJsonWebKey,
    CoreResponseMode,
    CoreResponseType,
    CoreSubjectIdentifierType,
>;

/// `GET /.well-known/openid-configuration`.
pub async fn discovery(State(state): State<AppState>) -> Response {
    let base = state.settings.public_url.as_str();
    let url = |path: &str| format!("{base}{path}");
    let built = (|| -> Result<Discovery, openidconnect::url::ParseError> {
        let extras = ProviderExtras {
            revocation_endpoint: url(REVOKE),
            introspection_endpoint: url(INTROSPECT),
            end_session_endpoint: url(LOGOUT),
            code_challenge_methods_supported: vec!["S256".into()],
            authorization_response_iss_parameter_supported: true,
            backchannel_logout_supported: true,
            backchannel_logout_session_supported: true,
        };
        Ok(Discovery::new(
            IssuerUrl::new(base.to_string())?,
            AuthUrl::new(url(AUTHORIZE))?,
            JsonWebKeySetUrl::new(url(JWKS))?,
            vec![ResponseTypes::new(vec![CoreResponseType::Code])],
            vec![CoreSubjectIdentifierType::Public],
            vec![CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256, CoreJwsSigningAlgorithm::EcdsaP256Sha256],
            extras,
        )
        .set_token_endpoint(Some(TokenUrl::new(url(TOKEN))?))
        .set_userinfo_endpoint(Some(UserInfoUrl::new(url(USERINFO))?))
        .set_scopes_supported(Some(SCOPES.iter().map(|s| Scope::new(s.to_string())).collect()))
        .set_response_modes_supported(Some(vec![CoreResponseMode::Query, CoreResponseMode::FormPost]))
        .set_grant_types_supported(Some(vec![CoreGrantType::AuthorizationCode, CoreGrantType::RefreshToken]))
        .set_token_endpoint_auth_methods_supported(Some(vec![
            CoreClientAuthMethod::ClientSecretBasic,
            CoreClientAuthMethod::ClientSecretPost,
            CoreClientAuthMethod::None,
        ]))
        .set_claims_supported(Some(
            [
                "sub",
                "iss",
                "aud",
                "exp",
                "iat",
                "auth_time",
                "nonce",
                "amr",
                "sid",
                "name",
                "email",
                "email_verified",
                "tenant",
                "role",
                "rights",
            ]
            .into_iter()
            .map(|c| CoreClaimName::new(c.to_string()))
            .collect(),
        )))
    })();
    match built {
        Ok(document) => Json(document).into_response(),
        Err(err) => {
            tracing::error!(error = %err, "provider: the public URL does not make a discovery document");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// `GET /oauth2/jwks`: the public keys, current and recently retired.
pub async fn jwks(State(state): State<AppState>) -> Response {
    match state.keys.current(state.clock.now()).await {
        Ok(keys) => Json(keys.jwks()).into_response(),
        Err(err) => {
            tracing::error!(error = %err, "provider: the signing keys cannot be read");
            (StatusCode::SERVICE_UNAVAILABLE, [(http::header::RETRY_AFTER, "1")]).into_response()
        }
    }
}

/// The browser's Frontdoor session (the CRM's), if it has a live one.
async fn crm_session(state: &AppState, parts: &http::request::Parts) -> Result<Option<SessionRecord>, Response> {
    let name = cookies::session_cookie_name(&state.settings, App::Crm);
    let Ok(Some(raw)) = cookies::single(&parts.headers, name) else { return Ok(None) };
    match state.sessions().resolve(raw, App::Crm).await {
        Ok(session) if !session.must_change_password => Ok(Some(session)),
        Ok(_) => Ok(None),
        Err(crate::sessions::NoSession::Unavailable(err)) => Err(super::error::WebError::Storage(err).into_response()),
        Err(_) => Ok(None),
    }
}

/// `GET|POST /oauth2/authorize`: an app asks to sign the person in.
pub async fn authorize(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let raw: RawRequest = if parts.method == Method::POST {
        match read_form(body).await {
            Ok(Some(raw)) => raw,
            Ok(None) => return refused_page(lang(&parts), StatusCode::BAD_REQUEST, Msg::AppRequestInvalid),
            Err(status) => return status.into_response(),
        }
    } else {
        serde_urlencoded::from_str(parts.uri.query().unwrap_or_default()).unwrap_or_default()
    };
    match state.provider().begin(raw).await {
        Ok(id) => go_on(&state, &parts, &id).await,
        Err(err) => authorize_refused(&parts, err),
    }
}

#[derive(Deserialize)]
pub struct Continue {
    request: String,
}

/// `GET /oauth2/authorize/continue?request=…`: back from the login page (or a tenant choice).
pub async fn resume(State(state): State<AppState>, Query(query): Query<Continue>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    go_on(&state, &parts, &query.request).await
}

async fn go_on(state: &AppState, parts: &http::request::Parts, id: &str) -> Response {
    let session = match crm_session(state, parts).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    match state.provider().next(id, session.as_ref(), &client(parts)).await {
        Ok(next) => answer(state, parts, next),
        Err(err) => authorize_refused(parts, err),
    }
}

fn continue_address(id: &str) -> String {
    format!("{AUTHORIZE_CONTINUE}?request={}", encode_query_component(id))
}

/// The browser's next step, as a response.
fn answer(state: &AppState, parts: &http::request::Parts, next: Next) -> Response {
    let lang = lang(parts);
    match next {
        Next::LogIn { request_id, login_hint, tenant } => {
            let page = match &tenant {
                Some(slug) => format!("/t/{}/login", encode_query_component(slug)),
                None => routes::LOGIN.to_string(),
            };
            let target = format!("{page}?next={}", encode_query_component(&continue_address(&request_id)));
            let mut response = Redirect::to(&target).into_response();
            if let Some(hint) = login_hint {
                response.headers_mut().append(SET_COOKIE, cookies::login_hint_cookie(&state.settings, &hint));
            }
            response
        }
        Next::ChooseTenant { request_id, client_name, mut tenants, current } => {
            // The tenant this browser is logged in to first.
            tenants.sort_by_key(|t| t.slug != current);
            let buttons: String = tenants
                .iter()
                .map(|tenant| {
                    format!(
                        r#"<form method="post" action="{AUTHORIZE_TENANT}"><input type="hidden" name="request" value="{id}"><input type="hidden" name="tenant" value="{slug}"><button type="submit" class="primary">{name}</button></form>"#,
                        id = escape(&request_id),
                        slug = escape(&tenant.slug),
                        name = escape(&tenant.name),
                    )
                })
                .collect();
            let body = format!(
                r#"<h1>{heading}</h1><p>{intro}</p><div class="tenant-choice">{buttons}</div>"#,
                heading = escape(Msg::ChooseTenant.text(lang)),
                intro = escape(&fill(Msg::AppChooseTenantIntro.text(lang), &[("app", &client_name)])),
            );
            no_store(plain_page(lang, Msg::ChooseTenant.text(lang), &body).into_response())
        }
        Next::Consent { request_id, client_name, scope } => {
            let wants = fill(Msg::ConsentQuestion.text(lang), &[("app", &client_name)]);
            let offline = scope.split_whitespace().any(|s| s == "offline_access");
            let body = format!(
                r#"<h1>{heading}</h1><p>{detail}</p><form method="post" action="{CONSENT}" class="consent"><input type="hidden" name="request" value="{id}"><button type="submit" name="decision" value="allow" class="primary">{allow}</button> <button type="submit" name="decision" value="deny" class="secondary">{deny}</button></form>"#,
                heading = escape(&wants),
                detail = escape(if offline { Msg::ConsentOffline.text(lang) } else { Msg::ConsentDetail.text(lang) }),
                id = escape(&request_id),
                allow = escape(Msg::Allow.text(lang)),
                deny = escape(Msg::Deny.text(lang)),
            );
            no_store(plain_page(lang, &wants, &body).into_response())
        }
        Next::ToApp(answer) => to_app(parts, lang, answer),
    }
}

/// Back to the app: a redirect with the answer in its query, or (`form_post`) a page that
/// posts it there at once.
fn to_app(parts: &http::request::Parts, lang: Lang, answer: crate::provider::Answer) -> Response {
    match answer.response_mode {
        ResponseMode::Query => {
            let query = serde_urlencoded::to_string(&answer.params).unwrap_or_default();
            let separator = if answer.redirect_uri.contains('?') { '&' } else { '?' };
            let address = format!("{}{separator}{query}", answer.redirect_uri);
            // After one of this site's own forms (consent, the tenant), a redirect to the app
            // would end the post on another origin, which the page's `form-action` forbids: a
            // page that goes on at once instead.
            if parts.method == Method::POST {
                return going_on(lang, Msg::ProductName.text(lang), &address, Msg::Continue.text(lang));
            }
            let mut response = StatusCode::SEE_OTHER.into_response();
            if let Ok(location) = HeaderValue::from_str(&address) {
                response.headers_mut().insert(LOCATION, location);
            }
            no_store(response)
        }
        ResponseMode::FormPost => {
            let nonce = parts.extensions.get::<CspNonce>().map(|n| n.0.clone()).unwrap_or_default();
            let fields: String = answer
                .params
                .iter()
                .map(|(name, value)| format!(r#"<input type="hidden" name="{name}" value="{}">"#, escape(value)))
                .collect();
            let body = format!(
                r#"<h1>{heading}</h1><form id="answer" method="post" action="{action}">{fields}<button type="submit" class="primary">{cont}</button></form><script nonce="{nonce}">document.getElementById("answer").submit();</script>"#,
                heading = escape(Msg::ProductName.text(lang)),
                action = escape(&answer.redirect_uri),
                cont = escape(Msg::Continue.text(lang)),
            );
            let mut response = no_store(plain_page(lang, Msg::ProductName.text(lang), &body).into_response());
            // This page alone may post to the app's origin.
            let origin =
                url::Url::parse(&answer.redirect_uri).map(|u| u.origin().ascii_serialization()).unwrap_or_default();
            let policy = format!(
                "default-src 'none'; style-src 'self'; script-src 'nonce-{nonce}'; form-action {origin}; base-uri 'none'; frame-ancestors 'none'"
            );
            if let Ok(policy) = HeaderValue::from_str(&policy) {
                response.headers_mut().insert(CONTENT_SECURITY_POLICY, policy);
            }
            response
        }
    }
}

fn no_store(mut response: Response) -> Response {
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn authorize_refused(parts: &http::request::Parts, err: AuthorizeError) -> Response {
    let lang = lang(parts);
    match err {
        AuthorizeError::UnknownClient | AuthorizeError::BadRedirectUri => {
            refused_page(lang, StatusCode::BAD_REQUEST, Msg::AppRequestInvalid)
        }
        AuthorizeError::RequestGone => refused_page(lang, StatusCode::BAD_REQUEST, Msg::AppRequestExpired),
        AuthorizeError::ToApp(answer) => to_app(parts, lang, answer),
        AuthorizeError::Storage(err) => super::error::WebError::Storage(err).into_response(),
        AuthorizeError::Keys(err) => super::error::WebError::Internal(err).into_response(),
    }
}

fn refused_page(lang: Lang, status: StatusCode, msg: Msg) -> Response {
    let body = format!(
        r#"<h1>{heading}</h1><p role="alert" class="error">{text}</p>"#,
        heading = escape(Msg::ProductName.text(lang)),
        text = escape(msg.text(lang)),
    );
    no_store((status, plain_page(lang, Msg::ProductName.text(lang), &body)).into_response())
}

#[derive(Deserialize, Default)]
struct TenantFields {
    #[serde(default)]
    request: String,
    #[serde(default)]
    tenant: String,
}

/// `POST /oauth2/authorize/tenant`: the tenant for this sign-in.
pub async fn choose_tenant(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let fields: TenantFields = match read_form(body).await {
        Ok(Some(fields)) => fields,
        Ok(None) => return StatusCode::BAD_REQUEST.into_response(),
        Err(status) => return status.into_response(),
    };
    let session = match crm_session(&state, &parts).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    let user_id = session.as_ref().map(|s| s.login_name.as_str());
    match state.provider().choose_tenant(&fields.request, &fields.tenant, user_id).await {
        Ok(()) => go_on(&state, &parts, &fields.request).await,
        Err(err) => authorize_refused(&parts, err),
    }
}

#[derive(Deserialize, Default)]
struct ConsentFields {
    #[serde(default)]
    request: String,
    #[serde(default)]
    decision: String,
}

/// `POST /oauth2/consent`: "Allow" or "Deny".
pub async fn consent(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let fields: ConsentFields = match read_form(body).await {
        Ok(Some(fields)) => fields,
        Ok(None) => return StatusCode::BAD_REQUEST.into_response(),
        Err(status) => return status.into_response(),
    };
    let session = match crm_session(&state, &parts).await {
        Ok(Some(session)) => session,
        Ok(None) => return go_on(&state, &parts, &fields.request).await,
        Err(response) => return response,
    };
    let allow = fields.decision == "allow";
    match state.provider().consent(&fields.request, &session, allow, &client(&parts)).await {
        Ok(next) => answer(&state, &parts, next),
        Err(err) => authorize_refused(&parts, err),
    }
}

/// The app's credentials: HTTP Basic (RFC 6749 §2.3.1, form-encoded parts) or the form's.
fn credentials(
    parts: &http::request::Parts,
    client_id: Option<&str>,
    secret: Option<&str>,
) -> Option<ClientCredentials> {
    let basic = parts
        .headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|v| STANDARD.decode(v.trim()).ok())
        .and_then(|v| String::from_utf8(v).ok());
    if let Some(pair) = basic {
        let (id, secret) = pair.split_once(':')?;
        let decode =
            |s: &str| url::form_urlencoded::parse(format!("x={s}").as_bytes()).next().map(|(_, v)| v.into_owned());
        return Some(ClientCredentials { client_id: decode(id)?, secret: Some(decode(secret)?) });
    }
    Some(ClientCredentials { client_id: client_id?.to_string(), secret: secret.map(str::to_string) })
}

fn token_error(err: TokenError) -> Response {
    let (status, error, description) = match err {
        TokenError::InvalidClient => (StatusCode::UNAUTHORIZED, "invalid_client", "client authentication failed"),
        TokenError::InvalidGrant(why) => (StatusCode::BAD_REQUEST, "invalid_grant", why),
        TokenError::InvalidRequest(why) => (StatusCode::BAD_REQUEST, "invalid_request", why),
        TokenError::UnsupportedGrantType => {
            (StatusCode::BAD_REQUEST, "unsupported_grant_type", "authorization_code or refresh_token")
        }
        TokenError::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "temporarily_unavailable", "try again"),
    };
    let mut response =
        (status, Json(serde_json::json!({ "error": error, "error_description": description }))).into_response();
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"frontdoor\""));
    }
    json_headers(response)
}

fn json_headers(mut response: Response) -> Response {
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response.headers_mut().insert(PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

/// `POST /oauth2/token`.
pub async fn token(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let form: TokenForm = match read_form(body).await {
        Ok(Some(form)) => form,
        Ok(None) => return token_error(TokenError::InvalidRequest("the form cannot be read")),
        Err(status) => return status.into_response(),
    };
    let Some(credentials) = credentials(&parts, form.client_id.as_deref(), form.client_secret.as_deref()) else {
        return token_error(TokenError::InvalidClient);
    };
    let client = client(&parts);
    let provider = state.provider();
    let app = match provider.authenticate(&credentials, &client).await {
        Ok(app) => app,
        Err(err) => return token_error(err),
    };
    match provider.token(&app, &form, &client).await {
        Ok(tokens) => json_headers(Json(tokens).into_response()),
        Err(err) => token_error(err),
    }
}

/// `GET|POST /oauth2/userinfo`: the claims of the bearer's person.
pub async fn userinfo(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let mut token = parts
        .headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string());
    if token.is_none() && parts.method == Method::POST {
        #[derive(Deserialize)]
        struct Form {
            access_token: Option<String>,
        }
        if let Ok(Some(form)) = read_form::<Form>(body).await {
            token = form.access_token;
        }
    }
    let unauthorized = |error: &'static str| {
        let mut response = StatusCode::UNAUTHORIZED.into_response();
        let value = format!("Bearer error=\"{error}\"");
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().insert(WWW_AUTHENTICATE, value);
        }
        json_headers(response)
    };
    let Some(token) = token else { return unauthorized("invalid_request") };
    match state.provider().user_info(&token).await {
        Ok(Some(claims)) => json_headers(Json(claims).into_response()),
        Ok(None) => unauthorized("invalid_token"),
        Err(err) => token_error(err),
    }
}

#[derive(Deserialize, Default)]
struct TokenField {
    token: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
}

async fn authenticated_token(
    state: &AppState,
    request: Request,
) -> Result<(crate::db::ClientRow, String, crate::client::ClientInfo), Response> {
    let (parts, body) = request.into_parts();
    let form: TokenField = match read_form(body).await {
        Ok(Some(form)) => form,
        Ok(None) => return Err(token_error(TokenError::InvalidRequest("the form cannot be read"))),
        Err(status) => return Err(status.into_response()),
    };
    let Some(credentials) = credentials(&parts, form.client_id.as_deref(), form.client_secret.as_deref()) else {
        return Err(token_error(TokenError::InvalidClient));
    };
    let client = client(&parts);
    let app = state.provider().authenticate(&credentials, &client).await.map_err(token_error)?;
    let token = form.token.filter(|t| !t.is_empty() && t.len() <= 16 * 1024);
    let token = token.ok_or_else(|| token_error(TokenError::InvalidRequest("token is required")))?;
    Ok((app, token, client))
}

/// `POST /oauth2/revoke` (RFC 7009).
pub async fn revoke(State(state): State<AppState>, request: Request) -> Response {
    let (app, token, client) = match authenticated_token(&state, request).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    match state.provider().revoke(&app, &token, &client).await {
        Ok(()) => json_headers(StatusCode::OK.into_response()),
        Err(err) => token_error(err),
    }
}

/// `POST /oauth2/introspect` (RFC 7662): any registered app may ask.
pub async fn introspect(State(state): State<AppState>, request: Request) -> Response {
    let (_, token, _) = match authenticated_token(&state, request).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    match state.provider().introspect(&token).await {
        Ok(answer) => json_headers(Json(answer).into_response()),
        Err(err) => token_error(err),
    }
}

#[derive(Deserialize, Default, Serialize)]
pub struct LogoutRequest {
    id_token_hint: Option<String>,
    client_id: Option<String>,
    post_logout_redirect_uri: Option<String>,
    state: Option<String>,
}

/// `GET /oauth2/logout`: RP-initiated logout. With an ID token this provider issued for the
/// browser's session, at once; otherwise the person confirms ("Log out of Frontdoor?").
pub async fn logout(State(state): State<AppState>, Query(query): Query<LogoutRequest>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    end_session(&state, &parts, query, false).await
}

/// `POST /oauth2/logout`: the confirmation ("Yes"), from this site's own page.
pub async fn logout_confirmed(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let form: LogoutRequest = match read_form(body).await {
        Ok(Some(form)) => form,
        Ok(None) => return StatusCode::BAD_REQUEST.into_response(),
        Err(status) => return status.into_response(),
    };
    end_session(&state, &parts, form, true).await
}

async fn end_session(
    state: &AppState,
    parts: &http::request::Parts,
    request: LogoutRequest,
    confirmed: bool,
) -> Response {
    let lang = lang(parts);
    let provider = state.provider();
    let hint = match request.id_token_hint.as_deref() {
        Some(hint) => provider.id_token_hint(hint).await,
        None => None,
    };
    let client_id = hint.as_ref().map(|(aud, _)| aud.clone()).or_else(|| request.client_id.clone());
    let back = match (&client_id, &request.post_logout_redirect_uri) {
        (Some(client_id), Some(uri)) => match provider.post_logout_redirect(client_id, uri).await {
            Ok(true) => Some(uri.clone()),
            Ok(false) => return refused_page(lang, StatusCode::BAD_REQUEST, Msg::AppRequestInvalid),
            Err(err) => return token_error(err),
        },
        (None, Some(_)) => return refused_page(lang, StatusCode::BAD_REQUEST, Msg::AppRequestInvalid),
        _ => None,
    };
    let session = match crm_session(state, parts).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    let hinted = hint.as_ref().and_then(|(_, sid)| sid.as_deref());
    let silent = session.as_ref().is_none_or(|s| hinted == Some(s.public_id.as_str()));
    if !silent && !confirmed {
        let fields = serde_urlencoded::to_string(&request).unwrap_or_default();
        let hidden: String = url::form_urlencoded::parse(fields.as_bytes())
            .map(|(name, value)| {
                format!(r#"<input type="hidden" name="{}" value="{}">"#, escape(&name), escape(&value))
            })
            .collect();
        let body = format!(
            r#"<h1>{heading}</h1><form method="post" action="{LOGOUT}">{hidden}<button type="submit" class="primary">{yes}</button></form><p><a href="{crm}">{no}</a></p>"#,
            heading = escape(Msg::LogOutOfFrontdoorQuestion.text(lang)),
            yes = escape(Msg::Yes.text(lang)),
            crm = routes::CRM,
            no = escape(Msg::No.text(lang)),
        );
        return no_store(plain_page(lang, Msg::LogOut.text(lang), &body).into_response());
    }
    if let Some(session) = &session {
        if let Err(err) = state.db.delete_session(&session.token_hash).await {
            return super::error::WebError::Storage(err).into_response();
        }
        let subject = Subject::user(session.tenant_id, session.user_id);
        let event = Event::LoggedOut { app: App::Crm.as_str() };
        audit::record(&state.db, &state.clock, event, subject, Origin::Client(&client(parts))).await;
    }
    let target = match back {
        Some(uri) => match &request.state {
            Some(app_state) => {
                let separator = if uri.contains('?') { '&' } else { '?' };
                format!("{uri}{separator}state={}", encode_query_component(app_state))
            }
            None => uri,
        },
        None => Notice::LoggedOut.at(routes::LOGIN),
    };
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(location) = HeaderValue::from_str(&target) {
        response.headers_mut().insert(LOCATION, location);
    }
    response.headers_mut().append(SET_COOKIE, cookies::clear_session_cookie(&state.settings, App::Crm));
    no_store(response)
}

impl AppState {
    pub fn provider(&self) -> Provider<'_> {
        Provider {
            db: &self.db,
            clock: &self.clock,
            keys: &self.keys,
            limits: &self.limits,
            issuer: &self.settings.public_url,
        }
    }
}
