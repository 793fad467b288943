//! The relying party's side of each identity provider: discovery (cached; a failure cached
//! briefly), the `https://` rule checked on every endpoint before anything is fetched from it,
//! an HTTP client that follows no redirects and reads a bounded answer, the code exchange, the
//! ID token's checks, and UserInfo when the ID token lacks the claims (OpenID Connect Core
//! §5.4: a provider that issues an access token may keep the scopes' claims for UserInfo).

use super::{Identity, SsoError, TokenFault};
use crate::db::{Preset, ProviderRow, SsoAttempt};
use crate::sealing::SecretKey;
use chrono::{DateTime, TimeZone, Utc};
use openidconnect::core::{
    CoreAuthDisplay, CoreClaimName, CoreClaimType, CoreClient, CoreClientAuthMethod, CoreGenderClaim, CoreGrantType,
    CoreJsonWebKey, CoreJsonWebKeySet, CoreJweContentEncryptionAlgorithm, CoreJweKeyManagementAlgorithm,
    CoreResponseMode, CoreResponseType, CoreSubjectIdentifierType,
};
use openidconnect::{
    AccessTokenHash, AdditionalProviderMetadata, AsyncHttpClient, AuthorizationCode, ClaimsVerificationError, ClientId,
    ClientSecret, EmptyAdditionalClaims, HttpClientError, HttpRequest, HttpResponse, IssuerUrl, Nonce,
    OAuth2TokenResponse, PkceCodeVerifier, ProviderMetadata, RedirectUrl, RequestTokenError,
    SignatureVerificationError, TokenResponse, UserInfoClaims, UserInfoError,
};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a browser may spend at the provider before the login in flight is forgotten.
pub const ATTEMPT_SECS: i64 = 600;
/// A provider's discovery document (with its keys) is fetched again after this long, or at
/// once when an ID token names a key it does not have.
const DISCOVERY_TTL: Duration = Duration::from_secs(3600);
/// A discovery that failed is not tried again for this long: a dead provider is not hammered.
const FAILED_DISCOVERY_TTL: Duration = Duration::from_secs(30);
/// Each call to a provider gives up after this long.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);
/// The most a provider's answer may weigh (a discovery document, keys, a token, UserInfo).
const MAX_ANSWER_BYTES: usize = 256 * 1024;
/// An ID token is accepted only when issued within this many seconds of now.
const IAT_SKEW_SECS: i64 = 300;
/// Names from a provider are cut to this many characters.
const MAX_NAME_CHARS: usize = 200;

/// Issuers (and the endpoints they announce) are `https://`, except on loopback addresses.
pub fn check_endpoint(raw: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(raw).map_err(|e| format!("{raw:?} is not a URL ({e})"))?;
    let loopback = match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    };
    match url.scheme() {
        "https" => Ok(url),
        "http" if loopback => Ok(url),
        _ => Err(format!("{raw:?} must be https:// (http:// only on a loopback address)")),
    }
}

/// The one piece of discovery the core types leave out: whether the provider puts `iss` in its
/// authorization response (RFC 9207).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct IssParameter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    authorization_response_iss_parameter_supported: Option<bool>,
}

impl AdditionalProviderMetadata for IssParameter {}

pub type Metadata = ProviderMetadata<
    IssParameter,
    CoreAuthDisplay,
    CoreClientAuthMethod,
    CoreClaimName,
    CoreClaimType,
    CoreGrantType,
    CoreJweContentEncryptionAlgorithm,
    CoreJweKeyManagementAlgorithm,
    CoreJsonWebKey,
    CoreResponseMode,
    CoreResponseType,
    CoreSubjectIdentifierType,
>;

/// A client built from a discovery document.
pub type DiscoveredClient = CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

/// HTTP to providers: no redirects (a provider's answer must not send us anywhere), a timeout,
/// and answers read up to a bound.
pub struct ProviderHttp(reqwest::Client);

impl ProviderHttp {
    fn new() -> anyhow::Result<ProviderHttp> {
        let client =
            reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).timeout(PROVIDER_TIMEOUT).build()?;
        Ok(ProviderHttp(client))
    }
}

impl<'c> AsyncHttpClient<'c> for ProviderHttp {
    type Error = HttpClientError<reqwest::Error>;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, Self::Error>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            let mut response = self.0.execute(request.try_into().map_err(Box::new)?).await.map_err(Box::new)?;
            let mut builder = http::Response::builder().status(response.status()).version(response.version());
            for (name, value) in response.headers() {
                builder = builder.header(name, value);
            }
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await.map_err(Box::new)? {
                if body.len() + chunk.len() > MAX_ANSWER_BYTES {
                    return Err(HttpClientError::Other(format!("the answer is over {MAX_ANSWER_BYTES} bytes")));
                }
                body.extend_from_slice(&chunk);
            }
            builder.body(body).map_err(HttpClientError::Http)
        })
    }
}

enum Discovery {
    Found { issuer: String, metadata: Box<Metadata>, at: Instant },
    Failed { issuer: String, error: SsoError, at: Instant },
}

/// What the relying party keeps between requests: the HTTP client, the key that opens client
/// secrets, our public URL (each provider's redirect URI is under it), and each provider's
/// discovery.
pub struct RelyingParty {
    http: ProviderHttp,
    key: SecretKey,
    public_url: String,
    discovered: Mutex<HashMap<i64, Discovery>>,
}

/// A provider's own redirect URI: what `sso add` tells the administrator to register.
pub fn redirect_uri(public_url: &str, provider_public_id: &str) -> String {
    format!("{}{}/{provider_public_id}", public_url.trim_end_matches('/'), app::routes::SSO_CALLBACK)
}

impl RelyingParty {
    pub fn new(public_url: &str, key: SecretKey) -> anyhow::Result<RelyingParty> {
        Ok(RelyingParty {
            http: ProviderHttp::new()?,
            key,
            public_url: public_url.to_string(),
            discovered: Mutex::new(HashMap::new()),
        })
    }

    pub fn key(&self) -> &SecretKey {
        &self.key
    }

    /// A client for the provider: its discovery document, its client ID and opened secret, and
    /// its own redirect URI.
    pub(super) async fn client(&self, provider: &ProviderRow, fresh: bool) -> Result<Client, SsoError> {
        let metadata = self.metadata(provider, fresh).await?;
        let secret = self.key.open(&provider.client_secret_sealed).map_err(|err| {
            tracing::error!(provider = %provider.public_id, error = %err, "sso: the client secret cannot be opened");
            SsoError::Misconfigured
        })?;
        let redirect = RedirectUrl::new(redirect_uri(&self.public_url, &provider.public_id))
            .map_err(|_| SsoError::Misconfigured)?;
        let announces_iss =
            metadata.additional_metadata().authorization_response_iss_parameter_supported.unwrap_or(false);
        let issuer = metadata.issuer().as_str().to_string();
        let client_id = ClientId::new(provider.client_id.clone());
        let secret = ClientSecret::new(secret.expose_secret().to_string());
        let oidc = CoreClient::from_provider_metadata(metadata, client_id, Some(secret)).set_redirect_uri(redirect);
        Ok(Client { oidc, issuer, announces_iss })
    }

    /// The provider's metadata: cached, unless `fresh` (a key miss) or the issuer changed.
    async fn metadata(&self, provider: &ProviderRow, fresh: bool) -> Result<Metadata, SsoError> {
        if let Ok(cache) = self.discovered.lock() {
            match cache.get(&provider.id) {
                Some(Discovery::Found { issuer, metadata, at })
                    if !fresh && *issuer == provider.issuer && at.elapsed() < DISCOVERY_TTL =>
                {
                    return Ok((**metadata).clone());
                }
                Some(Discovery::Failed { issuer, error, at })
                    if *issuer == provider.issuer && at.elapsed() < FAILED_DISCOVERY_TTL =>
                {
                    return Err(*error);
                }
                _ => {}
            }
        }
        let found = self.discover(provider).await;
        if let Ok(mut cache) = self.discovered.lock() {
            let (issuer, at) = (provider.issuer.clone(), Instant::now());
            let entry = match &found {
                Ok(metadata) => Discovery::Found { issuer, metadata: Box::new(metadata.clone()), at },
                Err(error) => Discovery::Failed { issuer, error: *error, at },
            };
            cache.insert(provider.id, entry);
        }
        found
    }

    /// The discovery document, checked (its issuer is the one configured, every endpoint it
    /// announces follows the `https://` rule), then its keys.
    async fn discover(&self, provider: &ProviderRow) -> Result<Metadata, SsoError> {
        let unavailable = |what: &str, err: &dyn std::fmt::Display| {
            tracing::warn!(provider = %provider.public_id, error = %err, "sso: {what} failed");
            SsoError::ProviderUnavailable
        };
        let issuer = IssuerUrl::new(provider.issuer.clone()).map_err(|_| SsoError::Misconfigured)?;
        let address = format!("{}/.well-known/openid-configuration", provider.issuer.trim_end_matches('/'));
        let request = http::Request::get(&address)
            .header(http::header::ACCEPT, "application/json")
            .body(Vec::new())
            .map_err(|_| SsoError::Misconfigured)?;
        let answer = self.http.call(request).await.map_err(|e| unavailable("discovery", &e))?;
        if !answer.status().is_success() {
            return Err(unavailable("discovery", &answer.status()));
        }
        let metadata: Metadata =
            serde_json::from_slice(answer.body()).map_err(|e| unavailable("reading the discovery document", &e))?;
        if metadata.issuer() != &issuer {
            tracing::warn!(provider = %provider.public_id, "sso: the discovery document names another issuer");
            return Err(SsoError::Misconfigured);
        }
        let endpoints = [
            Some(metadata.authorization_endpoint().as_str()),
            metadata.token_endpoint().map(|u| u.as_str()),
            Some(metadata.jwks_uri().as_str()),
            metadata.userinfo_endpoint().map(|u| u.as_str()),
        ];
        for endpoint in endpoints.into_iter().flatten() {
            if let Err(why) = check_endpoint(endpoint) {
                tracing::warn!(provider = %provider.public_id, %why, "sso: the provider announces an endpoint we refuse");
                return Err(SsoError::Misconfigured);
            }
        }
        let keys = CoreJsonWebKeySet::fetch_async(metadata.jwks_uri(), &self.http)
            .await
            .map_err(|e| unavailable("fetching the keys", &e))?;
        Ok(metadata.set_jwks(keys))
    }

    /// Exchanges the code (with the PKCE verifier), checks the ID token (a token signed with a
    /// key the cached document does not have fetches the document again, once), and reads
    /// UserInfo for the claims the ID token does not carry.
    pub(super) async fn redeem(
        &self,
        provider: &ProviderRow,
        client: &Client,
        attempt: &SsoAttempt,
        code: &str,
        now: i64,
    ) -> Result<Identity, SsoError> {
        let oidc = &client.oidc;
        let exchange =
            oidc.exchange_code(AuthorizationCode::new(code.to_string())).map_err(|_| SsoError::Misconfigured)?;
        let response = exchange
            .set_pkce_verifier(PkceCodeVerifier::new(attempt.pkce_verifier.clone()))
            .request_async(&self.http)
            .await
            .map_err(|err| match err {
                RequestTokenError::ServerResponse(answer) => {
                    tracing::info!(provider = %provider.public_id, error = %answer.error(), "sso: the provider refused the code");
                    SsoError::Rejected
                }
                RequestTokenError::Parse(..) => SsoError::InvalidToken(TokenFault::Other),
                other => {
                    tracing::warn!(provider = %provider.public_id, error = %other, "sso: the token exchange failed");
                    SsoError::ProviderUnavailable
                }
            })?;
        let id_token = response.id_token().ok_or(SsoError::InvalidToken(TokenFault::Missing))?;
        let nonce = Nonce::new(attempt.nonce.clone());
        let clock_now = move || Utc.timestamp_opt(now, 0).single().unwrap_or_else(Utc::now);
        let issued_in_time = move |iat: DateTime<Utc>| {
            let iat = iat.timestamp();
            if iat > now + IAT_SKEW_SECS || iat < now - ATTEMPT_SECS - IAT_SKEW_SECS {
                Err(format!("iat {iat} is too far from now ({now})"))
            } else {
                Ok(())
            }
        };
        let verify = |client: &DiscoveredClient| {
            let verifier = client.id_token_verifier().set_time_fn(clock_now).set_issue_time_verifier_fn(issued_in_time);
            let claims = id_token.claims(&verifier, &nonce)?.clone();
            if let Some(expected) = claims.access_token_hash() {
                let algorithm = id_token.signing_alg().map_err(|_| ClaimsVerificationError::Other("alg".into()))?;
                let key = id_token.signing_key(&verifier).map_err(ClaimsVerificationError::SignatureVerification)?;
                let actual = AccessTokenHash::from_token(response.access_token(), algorithm, key)
                    .map_err(|_| ClaimsVerificationError::Other("at_hash".into()))?;
                if actual != *expected {
                    return Err(ClaimsVerificationError::Other("at_hash mismatch".into()));
                }
            }
            Ok(claims)
        };
        let claims = match verify(oidc) {
            Err(ClaimsVerificationError::SignatureVerification(SignatureVerificationError::NoMatchingKey)) => {
                // The provider may have rotated its keys since the document was cached.
                verify(&self.client(provider, true).await?.oidc)
            }
            other => other,
        };
        let claims = claims.map_err(|err| {
            tracing::info!(provider = %provider.public_id, error = %err, "sso: the ID token was refused");
            match &err {
                ClaimsVerificationError::Other(text) if text.starts_with("at_hash") => {
                    SsoError::InvalidToken(TokenFault::AccessTokenHash)
                }
                _ => SsoError::InvalidToken(token_fault(&err)),
            }
        })?;
        let raw = id_token.to_string();
        let mut identity = Identity {
            subject: claims.subject().as_str().to_string(),
            email: claims.email().map(|e| e.as_str().trim().to_ascii_lowercase()),
            // Entra ID does not send `email_verified`; its optional claim `xms_edov` says the same.
            email_verified: claims.email_verified().or_else(|| {
                (provider.preset == Preset::Microsoft).then(|| claim(&raw, "xms_edov") == Some(serde_json::json!(true)))
            }),
            name: claims.name().and_then(|n| n.get(None)).map(|n| n.as_str().to_string()),
            hosted_domain: claim(&raw, "hd").and_then(|v| v.as_str().map(str::to_ascii_lowercase)),
            directory: claim(&raw, "tid").and_then(|v| v.as_str().map(str::to_ascii_lowercase)),
        };
        if identity.email.is_none() || identity.email_verified.is_none() || identity.name.is_none() {
            self.user_info(provider, oidc, response.access_token().clone(), &mut identity).await?;
        }
        identity.name = identity.name.map(|name| clean_name(&name)).filter(|name| !name.is_empty());
        Ok(identity)
    }

    /// Fills in what the ID token left out from the UserInfo endpoint, whose `sub` must be the
    /// ID token's. A provider without one has said all it will.
    async fn user_info(
        &self,
        provider: &ProviderRow,
        oidc: &DiscoveredClient,
        access_token: openidconnect::AccessToken,
        identity: &mut Identity,
    ) -> Result<(), SsoError> {
        let subject = openidconnect::SubjectIdentifier::new(identity.subject.clone());
        let Ok(request) = oidc.user_info(access_token, Some(subject)) else { return Ok(()) };
        let claims: UserInfoClaims<EmptyAdditionalClaims, CoreGenderClaim> =
            request.request_async(&self.http).await.map_err(|err| match err {
                UserInfoError::ClaimsVerification(err) => {
                    tracing::warn!(provider = %provider.public_id, error = %err, "sso: UserInfo is about someone else");
                    SsoError::InvalidToken(TokenFault::UserInfoSubject)
                }
                other => {
                    tracing::warn!(provider = %provider.public_id, error = %other, "sso: UserInfo failed");
                    SsoError::ProviderUnavailable
                }
            })?;
        if identity.email.is_none() {
            identity.email = claims.email().map(|e| e.as_str().trim().to_ascii_lowercase());
            identity.email_verified = claims.email_verified();
        }
        if identity.email_verified.is_none() {
            identity.email_verified = claims.email_verified();
        }
        if identity.name.is_none() {
            identity.name = claims.name().and_then(|n| n.get(None)).map(|n| n.as_str().to_string());
        }
        Ok(())
    }
}

/// A provider's client, as the callback uses it.
pub(super) struct Client {
    pub oidc: DiscoveredClient,
    /// The issuer as discovered: what an `iss` in the authorization response must be.
    pub issuer: String,
    /// The provider says it sends `iss` in the authorization response (RFC 9207).
    pub announces_iss: bool,
}

fn token_fault(err: &ClaimsVerificationError) -> TokenFault {
    match err {
        // The crate reports our issue-time check as "expired" too; its text tells them apart.
        ClaimsVerificationError::Expired(text) if text.starts_with("iat") => TokenFault::IssuedAt,
        ClaimsVerificationError::Expired(_) => TokenFault::Expired,
        ClaimsVerificationError::InvalidAudience(_) => TokenFault::Audience,
        ClaimsVerificationError::InvalidIssuer(_) => TokenFault::Issuer,
        ClaimsVerificationError::InvalidNonce(_) => TokenFault::Nonce,
        ClaimsVerificationError::SignatureVerification(_) => TokenFault::Signature,
        _ => TokenFault::Other,
    }
}

/// A claim of an ID token whose signature and claims were checked already.
fn claim(jwt: &str, name: &str) -> Option<serde_json::Value> {
    use base64::Engine;
    let payload = jwt.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).ok()?;
    let mut json: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    json.get_mut(name).map(serde_json::Value::take)
}

/// A display name as a provider sent it, made fit to show: no control characters (nor the
/// invisible ones that reorder text), no runs of spaces, at most [`MAX_NAME_CHARS`] characters.
pub fn clean_name(name: &str) -> String {
    let hidden = |c: char| {
        c.is_control() || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    let words: Vec<&str> = name.split(|c: char| c.is_whitespace() || hidden(c)).filter(|w| !w.is_empty()).collect();
    words.join(" ").chars().take(MAX_NAME_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::{check_endpoint, claim, clean_name};

    #[test]
    fn a_claim_is_read_from_the_payload() {
        use base64::Engine;
        let encode = |json: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json);
        let jwt = |json: &str| format!("h.{}.s", encode(json));
        assert_eq!(claim(&jwt(r#"{"xms_edov":true}"#), "xms_edov"), Some(serde_json::json!(true)));
        assert_eq!(claim(&jwt(r#"{"hd":"acme.test"}"#), "hd"), Some(serde_json::json!("acme.test")));
        assert_eq!(claim(&jwt(r#"{}"#), "xms_edov"), None);
        assert_eq!(claim("not a token", "xms_edov"), None);
    }

    #[test]
    fn issuers_are_https_except_on_loopback() {
        assert!(check_endpoint("https://login.microsoftonline.com/x/v2.0").is_ok());
        assert!(check_endpoint("http://127.0.0.1:4000").is_ok());
        assert!(check_endpoint("http://[::1]:4000/").is_ok());
        assert!(check_endpoint("http://localhost:4000").is_ok());
        assert!(check_endpoint("http://idp.example.com").is_err());
        assert!(check_endpoint("http://127.0.0.1.example.com").is_err());
        assert!(check_endpoint("ftp://127.0.0.1").is_err());
        assert!(check_endpoint("not a url").is_err());
    }

    #[test]
    fn names_from_providers_are_bounded_and_printable() {
        assert_eq!(clean_name("  Ada\u{0007}  Lovelace\n"), "Ada Lovelace");
        assert_eq!(clean_name("\u{202e}evil\u{202c} x"), "evil x");
        assert_eq!(clean_name(&"a".repeat(1000)).chars().count(), 200);
        assert_eq!(clean_name("\u{0000}\u{001b}[31m"), "[31m");
    }
}
