//! The provider's signing keys: RS256 (RSA 2048, for every token by default) and ES256 (P-256,
//! for apps that ask for it), made at the first start, sealed with the secret key, and rotated
//! by `frontdoor keys rotate`. A retired key stays in the key set until the last token it
//! signed has expired.

use crate::db::{Db, KeyRow};
use crate::sealing::{Purpose, SecretKey};
use crate::tokens::Token;
use openidconnect::core::{
    CoreJsonCurveType, CoreJsonWebKey, CoreJsonWebKeySet, CoreJwsSigningAlgorithm, CoreRsaPrivateSigningKey,
};
use openidconnect::{JsonWebKey, JsonWebKeyId, PrivateSigningKey, SigningError};
use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use secrecy::{ExposeSecret, SecretString};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// The longest any token signed here lives (ID and access tokens: 10 minutes), with room: a
/// retired key is published this long after its retirement.
pub const KEEP_RETIRED_SECS: i64 = 3600;
/// Each instance reads the keys again this often (another instance may have rotated them).
const RELOAD_EVERY: Duration = Duration::from_secs(60);

pub const RS256: &str = "RS256";
pub const ES256: &str = "ES256";

/// A P-256 key, signing as JWS ES256 (the fixed 64-byte `r || s` form).
pub struct EcSigningKey {
    pair: EcdsaKeyPair,
    public: CoreJsonWebKey,
}

impl PrivateSigningKey for EcSigningKey {
    type VerificationKey = CoreJsonWebKey;

    fn sign(&self, alg: &CoreJwsSigningAlgorithm, message: &[u8]) -> Result<Vec<u8>, SigningError> {
        if *alg != CoreJwsSigningAlgorithm::EcdsaP256Sha256 {
            return Err(SigningError::UnsupportedAlg(format!("{alg:?}")));
        }
        let signature =
            self.pair.sign(&SystemRandom::new(), message).map_err(|_| SigningError::Other("ecdsa".into()))?;
        Ok(signature.as_ref().to_vec())
    }

    fn as_verification_key(&self) -> CoreJsonWebKey {
        self.public.clone()
    }
}

/// One signing key, ready to sign.
pub enum SigningKey {
    Rsa { kid: String, key: CoreRsaPrivateSigningKey },
    Ec { kid: String, key: EcSigningKey },
}

impl SigningKey {
    pub fn kid(&self) -> &str {
        match self {
            SigningKey::Rsa { kid, .. } | SigningKey::Ec { kid, .. } => kid,
        }
    }

    pub fn alg(&self) -> CoreJwsSigningAlgorithm {
        match self {
            SigningKey::Rsa { .. } => CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
            SigningKey::Ec { .. } => CoreJwsSigningAlgorithm::EcdsaP256Sha256,
        }
    }

    pub fn alg_name(&self) -> &'static str {
        match self {
            SigningKey::Rsa { .. } => RS256,
            SigningKey::Ec { .. } => ES256,
        }
    }

    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SigningError> {
        match self {
            SigningKey::Rsa { key, .. } => key.sign(&self.alg(), message),
            SigningKey::Ec { key, .. } => key.sign(&self.alg(), message),
        }
    }
}

/// The keys in use: the current one of each algorithm, and every published public key.
pub struct KeySet {
    pub rs256: SigningKey,
    pub es256: SigningKey,
    pub published: Vec<CoreJsonWebKey>,
}

impl KeySet {
    /// The current key for an algorithm name (`RS256` unless `ES256`).
    pub fn for_alg(&self, alg: &str) -> &SigningKey {
        if alg == ES256 {
            &self.es256
        } else {
            &self.rs256
        }
    }

    pub fn jwks(&self) -> CoreJsonWebKeySet {
        CoreJsonWebKeySet::new(self.published.clone())
    }

    /// The published key with this id.
    pub fn public_key(&self, kid: &str) -> Option<&CoreJsonWebKey> {
        self.published.iter().find(|key| key.key_id().is_some_and(|id| id.as_str() == kid))
    }
}

/// The keys, read from storage and kept for a minute.
pub struct Keys {
    db: Db,
    sealing: SecretKey,
    loaded: RwLock<Option<(Instant, Arc<KeySet>)>>,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(transparent)]
    Storage(#[from] sqlx::Error),
    #[error("signing keys: {0}")]
    Broken(String),
}

fn broken(what: impl std::fmt::Display) -> KeyError {
    KeyError::Broken(what.to_string())
}

impl Keys {
    pub fn new(db: Db, sealing: SecretKey) -> Keys {
        Keys { db, sealing, loaded: RwLock::new(None) }
    }

    /// The keys in use, making the missing current ones (at the first start; another instance
    /// making them at the same moment wins, and its keys are read).
    pub async fn current(&self, now: i64) -> Result<Arc<KeySet>, KeyError> {
        if let Ok(loaded) = self.loaded.read() {
            if let Some((at, keys)) = loaded.as_ref().filter(|(at, _)| at.elapsed() < RELOAD_EVERY) {
                let _ = at;
                return Ok(keys.clone());
            }
        }
        let keys = Arc::new(self.load(now).await?);
        if let Ok(mut loaded) = self.loaded.write() {
            *loaded = Some((Instant::now(), keys.clone()));
        }
        Ok(keys)
    }

    /// Forgets the keys read, so that the next use reads them again (after a rotation).
    pub fn forget(&self) {
        if let Ok(mut loaded) = self.loaded.write() {
            *loaded = None;
        }
    }

    async fn load(&self, now: i64) -> Result<KeySet, KeyError> {
        let mut rows = self.db.signing_keys(now - KEEP_RETIRED_SECS).await?;
        for alg in [RS256, ES256] {
            if !rows.iter().any(|row| row.alg == alg && row.retired_at.is_none()) {
                let made = make_key(&self.sealing, alg, now)?;
                self.db.insert_key(&made).await?;
                rows = self.db.signing_keys(now - KEEP_RETIRED_SECS).await?;
            }
        }
        let mut published = Vec::new();
        for row in &rows {
            published.push(serde_json::from_str::<CoreJsonWebKey>(&row.public_jwk).map_err(broken)?);
        }
        let current = |alg: &str| rows.iter().find(|row| row.alg == alg && row.retired_at.is_none());
        let rs256 = current(RS256).ok_or_else(|| broken("no current RS256 key"))?;
        let es256 = current(ES256).ok_or_else(|| broken("no current ES256 key"))?;
        Ok(KeySet { rs256: self.open(rs256)?, es256: self.open(es256)?, published })
    }

    fn open(&self, row: &KeyRow) -> Result<SigningKey, KeyError> {
        let private = self.sealing.open_for(Purpose::SigningKey, &row.private_sealed).map_err(broken)?;
        let kid = row.kid.clone();
        match row.alg.as_str() {
            RS256 => {
                let key =
                    CoreRsaPrivateSigningKey::from_pem(private.expose_secret(), Some(JsonWebKeyId::new(kid.clone())))
                        .map_err(broken)?;
                Ok(SigningKey::Rsa { kid, key })
            }
            ES256 => {
                let pkcs8 = hex::decode(private.expose_secret()).map_err(broken)?;
                let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &pkcs8, &SystemRandom::new())
                    .map_err(broken)?;
                let public = serde_json::from_str(&row.public_jwk).map_err(broken)?;
                Ok(SigningKey::Ec { kid, key: EcSigningKey { pair, public } })
            }
            other => Err(broken(format!("unknown algorithm {other}"))),
        }
    }
}

/// A new key of `alg`, sealed for storage.
pub fn make_key(sealing: &SecretKey, alg: &str, now: i64) -> Result<KeyRow, KeyError> {
    let kid = Token::generate().expose()[..16].to_string();
    let (private, public) = match alg {
        RS256 => {
            use rsa::pkcs1::EncodeRsaPrivateKey;
            let key = rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048).map_err(broken)?;
            let pem = key.to_pkcs1_pem(rsa::pkcs1::LineEnding::LF).map_err(broken)?;
            let signing =
                CoreRsaPrivateSigningKey::from_pem(&pem, Some(JsonWebKeyId::new(kid.clone()))).map_err(broken)?;
            (pem.to_string(), signing.as_verification_key())
        }
        ES256 => {
            let rng = SystemRandom::new();
            let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).map_err(broken)?;
            let pair =
                EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng).map_err(broken)?;
            // The uncompressed point: 0x04, then x and y (32 bytes each).
            let point = pair.public_key().as_ref();
            if point.len() != 65 {
                return Err(broken("unexpected P-256 public key"));
            }
            let public = CoreJsonWebKey::new_ec(
                point[1..33].to_vec(),
                point[33..].to_vec(),
                CoreJsonCurveType::P256,
                Some(JsonWebKeyId::new(kid.clone())),
            );
            (hex::encode(pkcs8.as_ref()), public)
        }
        other => return Err(broken(format!("unknown algorithm {other}"))),
    };
    let sealed = sealing.seal_for(Purpose::SigningKey, &SecretString::from(private)).map_err(broken)?;
    Ok(KeyRow {
        kid,
        alg: alg.to_string(),
        private_sealed: sealed,
        public_jwk: serde_json::to_string(&public).map_err(broken)?,
        created_at: now,
        retired_at: None,
    })
}

/// `frontdoor keys rotate`: the current keys retire (published a while longer), new ones sign.
pub async fn rotate(db: &Db, sealing: &SecretKey, now: i64) -> Result<Vec<String>, KeyError> {
    db.retire_keys(now).await?;
    let mut made = Vec::new();
    for alg in [RS256, ES256] {
        let key = make_key(sealing, alg, now)?;
        if db.insert_key(&key).await? {
            made.push(format!("{alg} {}", key.kid));
        }
    }
    Ok(made)
}
