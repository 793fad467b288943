//! The passkey handler (WebAuthn, with webauthn-rs): registering a discoverable credential
//! with user verification required, logging in with one (from the explicit button or the User
//! ID field's autofill), and a passkey as the second step after a password. The relying party
//! is the public URL's host; each ceremony's state is kept in the database under the hash of an
//! id the browser is given with its options, and used once.

use super::{Method, SecondFactor, Verified};
use crate::audit::{self, Event, LoginFailure, Origin, Subject};
use crate::client::ClientInfo;
use crate::clock::Clock;
use crate::db::{Db, PasskeyRow, UserRecord};
use crate::limits::Limits;
use crate::tokens::{hash_token, Token};
use crate::wakeup::MailSignal;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};
use webauthn_rs::prelude::{
    CreationChallengeResponse, DiscoverableAuthentication, DiscoverableKey, Passkey, PasskeyAuthentication,
    PasskeyRegistration, PublicKeyCredential, RegisterPublicKeyCredential, RequestChallengeResponse, Url, Uuid,
    Webauthn, WebauthnBuilder,
};
use webauthn_rs_proto::ResidentKeyRequirement;

/// A ceremony lasts this long (the browser's own timeout is five minutes).
const CEREMONY_SECS: i64 = 5 * 60;
/// The longest name a passkey may have.
pub const MAX_NAME_CHARS: usize = 60;

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PasskeyError {
    /// The ceremony is unknown, used or too old; or the answer is not for it.
    #[error("no such ceremony")]
    Expired,
    /// The credential is nobody's, or its signature, origin or counter is wrong: one answer.
    #[error("the passkey was refused")]
    Refused,
    /// This passkey is registered already.
    #[error("the passkey is registered already")]
    Duplicate,
    #[error("too many requests from this client")]
    TooManyRequests,
    #[error("storage unavailable")]
    Unavailable,
}

fn storage(err: sqlx::Error) -> PasskeyError {
    tracing::error!(error = %err, "passkeys: storage failed");
    PasskeyError::Unavailable
}

fn state_error(err: serde_json::Error) -> PasskeyError {
    tracing::error!(error = %err, "passkeys: a stored state cannot be read");
    PasskeyError::Unavailable
}

/// The relying party: the public URL's host and origin (any port on `localhost`, for tests).
/// None where the public URL names an IP address: browsers make passkeys for domains only.
pub fn relying_party(public_url: &str) -> Option<Webauthn> {
    let origin = Url::parse(public_url).ok()?;
    let host = match origin.host()? {
        url::Host::Domain(domain) => domain.to_string(),
        url::Host::Ipv4(_) | url::Host::Ipv6(_) => return None,
    };
    let loopback = host == "localhost" || host.ends_with(".localhost");
    let builder = WebauthnBuilder::new(&host, &origin).ok()?.rp_name("Frontdoor").allow_any_port(loopback);
    match builder.build() {
        Ok(webauthn) => Some(webauthn),
        Err(err) => {
            tracing::warn!(error = %err, "passkeys are not offered: the public URL is no relying party");
            None
        }
    }
}

/// The user handle a person's passkeys carry: 128 bits of the SHA-256 of their subject (what
/// apps know them by), so that it names no one and never changes.
fn user_handle(subject: &str) -> Uuid {
    let digest = Sha256::digest(subject.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    Uuid::from_bytes(bytes)
}

/// A credential id as stored and compared.
pub fn credential_key(id: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(id)
}

/// What a ceremony's browser is given: the id to send back, and the options.
pub struct Started<T> {
    pub ceremony: String,
    pub options: T,
}

pub struct Passkeys<'a> {
    pub db: &'a Db,
    pub clock: &'a Clock,
    pub limits: &'a Limits,
    pub webauthn: &'a Webauthn,
    pub mail: &'a MailSignal,
}

impl Passkeys<'_> {
    async fn keep(&self, user_id: Option<i64>, kind: &str, state: String) -> Result<String, PasskeyError> {
        let ceremony = Token::generate();
        let expires = self.clock.now() + CEREMONY_SECS;
        self.db.insert_ceremony(&ceremony.hash(), user_id, kind, &state, expires).await.map_err(storage)?;
        Ok(ceremony.expose().to_string())
    }

    async fn take(&self, ceremony: &str, kind: &str) -> Result<(Option<i64>, String), PasskeyError> {
        if ceremony.is_empty() || ceremony.len() > 64 {
            return Err(PasskeyError::Expired);
        }
        let now = self.clock.now();
        self.db.take_ceremony(&hash_token(ceremony), kind, now).await.map_err(storage)?.ok_or(PasskeyError::Expired)
    }

    async fn stored(&self, user_id: i64) -> Result<Vec<(PasskeyRow, Passkey)>, PasskeyError> {
        let rows = self.db.passkeys_of(user_id).await.map_err(storage)?;
        Ok(rows.into_iter().filter_map(|row| serde_json::from_str(&row.passkey).ok().map(|key| (row, key))).collect())
    }

    /// "Add a passkey": the options for the browser (a discoverable credential, user
    /// verification required, none of the person's passkeys again).
    pub async fn start_registration(
        &self,
        user: &UserRecord,
        subject: &str,
    ) -> Result<Started<CreationChallengeResponse>, PasskeyError> {
        let exclude = self.stored(user.id).await?.into_iter().map(|(_, key)| key.cred_id().clone()).collect();
        let (mut options, state): (CreationChallengeResponse, PasskeyRegistration) = self
            .webauthn
            .start_passkey_registration(user_handle(subject), &user.login_name, &user.display_name, Some(exclude))
            .map_err(|err| {
                tracing::error!(error = %err, "passkeys: registration options");
                PasskeyError::Unavailable
            })?;
        // A passkey is found by the browser without a user ID first: it must be discoverable.
        if let Some(selection) = options.public_key.authenticator_selection.as_mut() {
            selection.resident_key = Some(ResidentKeyRequirement::Required);
            selection.require_resident_key = true;
        }
        let state = serde_json::to_string(&state).map_err(state_error)?;
        let ceremony = self.keep(Some(user.id), "register", state).await?;
        Ok(Started { ceremony, options })
    }

    /// The browser's new credential: checked against its ceremony and kept under `name`.
    pub async fn finish_registration(
        &self,
        user: &UserRecord,
        ceremony: &str,
        credential: &RegisterPublicKeyCredential,
        name: &str,
        client: &ClientInfo,
    ) -> Result<String, PasskeyError> {
        let (owner, state) = self.take(ceremony, "register").await?;
        if owner != Some(user.id) {
            return Err(PasskeyError::Expired);
        }
        let state: PasskeyRegistration = serde_json::from_str(&state).map_err(state_error)?;
        let passkey = self.webauthn.finish_passkey_registration(credential, &state).map_err(|err| {
            tracing::info!(error = %err, "passkeys: a registration was refused");
            PasskeyError::Refused
        })?;
        let name = clean_name(name);
        let id = Token::generate().expose()[..16].to_string();
        let stored = serde_json::to_string(&passkey).map_err(state_error)?;
        let key = credential_key(passkey.cred_id().as_ref());
        let now = self.clock.now();
        if !self.db.insert_passkey(&id, user, &key, &name, &stored, now).await.map_err(storage)? {
            return Err(PasskeyError::Duplicate);
        }
        self.mail.wake();
        audit::record(
            self.db,
            self.clock,
            Event::PasskeyAdded { name: name.clone() },
            Subject::user(user.tenant_id, user.id),
            Origin::Client(client),
        )
        .await;
        Ok(name)
    }

    /// "Log in with a passkey" (and the User ID field's autofill): options that name no one.
    pub async fn start_login(&self, client: &ClientInfo) -> Result<Started<RequestChallengeResponse>, PasskeyError> {
        self.limit(client).await?;
        let (options, state): (RequestChallengeResponse, DiscoverableAuthentication) =
            self.webauthn.start_discoverable_authentication().map_err(|err| {
                tracing::error!(error = %err, "passkeys: login options");
                PasskeyError::Unavailable
            })?;
        let state = serde_json::to_string(&state).map_err(state_error)?;
        let ceremony = self.keep(None, "login", state).await?;
        Ok(Started { ceremony, options })
    }

    /// The browser's assertion: whose passkey it is, checked against their stored key (its
    /// signature, origin, user verification and counter). Complete by itself: two factors.
    pub async fn finish_login(
        &self,
        ceremony: &str,
        credential: &PublicKeyCredential,
        client: &ClientInfo,
    ) -> Result<Verified, PasskeyError> {
        let (_, state) = self.take(ceremony, "login").await?;
        let state: DiscoverableAuthentication = serde_json::from_str(&state).map_err(state_error)?;
        let (handle, credential_id) =
            self.webauthn.identify_discoverable_authentication(credential).map_err(|_| PasskeyError::Refused)?;
        let Some(row) = self.db.passkey_by_credential(&credential_key(credential_id)).await.map_err(storage)? else {
            self.refused(None, client).await;
            return Err(PasskeyError::Refused);
        };
        let user = self.db.user_by_id(row.user_id).await.map_err(storage)?.ok_or(PasskeyError::Refused)?;
        let subject = self.db.subject_of(user.id).await.map_err(storage)?.unwrap_or_default();
        let mut passkey: Passkey = serde_json::from_str(&row.passkey).map_err(state_error)?;
        if user_handle(&subject) != handle {
            self.refused(Some(&user), client).await;
            return Err(PasskeyError::Refused);
        }
        let result = self
            .webauthn
            .finish_discoverable_authentication(credential, state, &[DiscoverableKey::from(&passkey)])
            .map_err(|err| {
                tracing::warn!(error = %err, "passkeys: a login was refused");
                PasskeyError::Refused
            });
        let result = match result {
            Ok(result) => result,
            Err(err) => {
                self.refused(Some(&user), client).await;
                return Err(err);
            }
        };
        passkey.update_credential(&result);
        let now = self.clock.now();
        let stored = serde_json::to_string(&passkey).map_err(state_error)?;
        self.db.passkey_used(&row.credential_id, &stored, now).await.map_err(storage)?;
        let tenant = self.db.tenant_by_id(user.tenant_id).await.map_err(storage)?.ok_or(PasskeyError::Refused)?;
        let second_factor = Some(SecondFactor { factor: None, at: now });
        Ok(Verified { user, tenant, method: Method::Passkey, auth_time: now, provider: None, second_factor })
    }

    /// A passkey as the second step after a password: options naming only this person's keys.
    pub async fn start_step(&self, user_id: i64) -> Result<Started<RequestChallengeResponse>, PasskeyError> {
        let keys: Vec<Passkey> = self.stored(user_id).await?.into_iter().map(|(_, key)| key).collect();
        if keys.is_empty() {
            return Err(PasskeyError::Refused);
        }
        let (options, state): (RequestChallengeResponse, PasskeyAuthentication) =
            self.webauthn.start_passkey_authentication(&keys).map_err(|err| {
                tracing::error!(error = %err, "passkeys: step options");
                PasskeyError::Unavailable
            })?;
        let state = serde_json::to_string(&state).map_err(state_error)?;
        let ceremony = self.keep(Some(user_id), "step", state).await?;
        Ok(Started { ceremony, options })
    }

    /// The second step's assertion: one of this person's passkeys.
    pub async fn finish_step(
        &self,
        user_id: i64,
        ceremony: &str,
        credential: &PublicKeyCredential,
    ) -> Result<(), PasskeyError> {
        let (owner, state) = self.take(ceremony, "step").await?;
        if owner != Some(user_id) {
            return Err(PasskeyError::Expired);
        }
        let state: PasskeyAuthentication = serde_json::from_str(&state).map_err(state_error)?;
        let result = self.webauthn.finish_passkey_authentication(credential, &state).map_err(|err| {
            tracing::warn!(error = %err, "passkeys: a second step was refused");
            PasskeyError::Refused
        })?;
        let key = credential_key(result.cred_id().as_ref());
        for (row, mut passkey) in self.stored(user_id).await? {
            if credential_key(passkey.cred_id().as_ref()) == key {
                passkey.update_credential(&result);
                let stored = serde_json::to_string(&passkey).map_err(state_error)?;
                self.db.passkey_used(&row.credential_id, &stored, self.clock.now()).await.map_err(storage)?;
                return Ok(());
            }
        }
        Err(PasskeyError::Refused)
    }

    /// Options are free to ask for, but not in floods.
    async fn limit(&self, client: &ClientInfo) -> Result<(), PasskeyError> {
        if self.limits.take_passkey(&client.key(), self.clock.now()).await.map_err(storage)? {
            Ok(())
        } else {
            Err(PasskeyError::TooManyRequests)
        }
    }

    async fn refused(&self, user: Option<&UserRecord>, client: &ClientInfo) {
        let subject = user.map_or_else(Subject::default, |u| Subject::user(u.tenant_id, u.id));
        audit::record(
            self.db,
            self.clock,
            Event::LoginFailed(LoginFailure::WrongPasskey),
            subject,
            Origin::Client(client),
        )
        .await;
    }
}

/// A passkey's name as given: trimmed, without control characters, not too long; the default
/// when empty.
pub fn clean_name(name: &str) -> String {
    let name: String = name.trim().chars().filter(|c| !c.is_control()).take(MAX_NAME_CHARS).collect();
    if name.is_empty() {
        "Passkey".to_string()
    } else {
        name
    }
}
