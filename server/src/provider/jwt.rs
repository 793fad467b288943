//! The tokens Frontdoor signs: ID tokens (the `openidconnect` crate's types), access tokens as
//! JWTs (RFC 9068, `typ: at+jwt`), logout tokens (`typ: logout+jwt`), and the check of a token
//! it signed itself.

use super::keys::{KeySet, SigningKey};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use openidconnect::core::{CoreJsonWebKey, CoreJwsSigningAlgorithm};
use openidconnect::{JsonWebKey, PrivateSigningKey, SigningError};
use serde_json::Value;

impl PrivateSigningKey for SigningKey {
    type VerificationKey = CoreJsonWebKey;

    fn sign(&self, alg: &CoreJwsSigningAlgorithm, message: &[u8]) -> Result<Vec<u8>, SigningError> {
        if *alg != self.alg() {
            return Err(SigningError::UnsupportedAlg(format!("{alg:?}")));
        }
        SigningKey::sign(self, message)
    }

    fn as_verification_key(&self) -> CoreJsonWebKey {
        match self {
            SigningKey::Rsa { key, .. } => key.as_verification_key(),
            SigningKey::Ec { key, .. } => key.as_verification_key(),
        }
    }
}

/// A compact JWS of `claims`, typed `typ`, signed by `key`.
pub fn sign(key: &SigningKey, typ: &str, claims: &Value) -> Result<String, SigningError> {
    let header = serde_json::json!({ "alg": key.alg_name(), "typ": typ, "kid": key.kid() });
    let encode = |value: &Value| URL_SAFE_NO_PAD.encode(value.to_string());
    let input = format!("{}.{}", encode(&header), encode(claims));
    let signature = key.sign(input.as_bytes())?;
    Ok(format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature)))
}

/// The claims of a token this provider signed with one of its published keys, when its
/// signature holds and (if given) its `typ` is `typ`. Times are the caller's to check.
pub fn verify(keys: &KeySet, token: &str, typ: Option<&str>) -> Option<Value> {
    if token.len() > 16 * 1024 {
        return None;
    }
    let mut parts = token.split('.');
    let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).ok()?).ok()?;
    if typ.is_some_and(|typ| header.get("typ").and_then(Value::as_str) != Some(typ)) {
        return None;
    }
    let alg = match header.get("alg").and_then(Value::as_str)? {
        "RS256" => CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
        "ES256" => CoreJwsSigningAlgorithm::EcdsaP256Sha256,
        _ => return None,
    };
    let key = keys.public_key(header.get("kid").and_then(Value::as_str)?)?;
    let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
    let input = &token[..header_and_payload_len(token)?];
    key.verify_signature(&alg, input.as_bytes(), &signature).ok()?;
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
}

fn header_and_payload_len(token: &str) -> Option<usize> {
    token.rfind('.')
}
