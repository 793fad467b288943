//! The installation's secret key, and the values sealed with it at rest (providers' client
//! secrets): XChaCha20-Poly1305 with a random 192-bit nonce per value. The key lives in a file
//! (`--secret-key-file`, by default `<data dir>/secret.key`), created on first use with mode
//! 0600; every instance on one database needs the same file.

use anyhow::{bail, Context};
use base64::engine::general_purpose::STANDARD_NO_PAD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use std::path::Path;

/// What a sealed value is: its seal is bound to it, so one cannot be passed off as another.
#[derive(Clone, Copy, Debug)]
pub enum Purpose {
    /// An identity provider's client secret.
    ClientSecret,
    /// One of Frontdoor's own token-signing keys (as the suite's OpenID provider).
    SigningKey,
    /// A person's authenticator app secret (two-step verification).
    Authenticator,
}

impl Purpose {
    fn context(self) -> &'static [u8] {
        match self {
            Purpose::ClientSecret => b"frontdoor sso client secret v1",
            Purpose::SigningKey => b"frontdoor signing key v1",
            Purpose::Authenticator => b"frontdoor authenticator secret v1",
        }
    }
}

#[derive(Clone)]
pub struct SecretKey {
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(..)")
    }
}

impl SecretKey {
    /// The key in `path` (64 hex digits), created there when the file does not exist.
    pub fn load_or_create(path: &Path) -> anyhow::Result<SecretKey> {
        if !path.exists() {
            if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(folder).with_context(|| format!("cannot create {}", folder.display()))?;
            }
            let mut key = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut key);
            write_private(path, &hex::encode(key))?;
            tracing::info!(path = %path.display(), "created the secret key");
        }
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
        let bytes = hex::decode(text.trim()).ok().filter(|b| b.len() == 32);
        let Some(bytes) = bytes else { bail!("{} does not hold a key (64 hex digits)", path.display()) };
        let cipher = XChaCha20Poly1305::new_from_slice(&bytes).context("key")?;
        Ok(SecretKey { cipher })
    }

    #[cfg(test)]
    fn random() -> SecretKey {
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        SecretKey { cipher: XChaCha20Poly1305::new((&key).into()) }
    }

    /// Seals an identity provider's client secret.
    pub fn seal(&self, secret: &SecretString) -> anyhow::Result<String> {
        self.seal_for(Purpose::ClientSecret, secret)
    }

    /// Opens an identity provider's client secret.
    pub fn open(&self, sealed: &str) -> anyhow::Result<SecretString> {
        self.open_for(Purpose::ClientSecret, sealed)
    }

    pub fn seal_for(&self, purpose: Purpose, secret: &SecretString) -> anyhow::Result<String> {
        let mut nonce = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let payload = Payload { msg: secret.expose_secret().as_bytes(), aad: purpose.context() };
        let sealed = self.cipher.encrypt(XNonce::from_slice(&nonce), payload).map_err(|_| anyhow::anyhow!("seal"))?;
        Ok(STANDARD_NO_PAD.encode([nonce.as_slice(), &sealed].concat()))
    }

    /// The secret, or an error when it was sealed with another key, for another purpose, or
    /// altered.
    pub fn open_for(&self, purpose: Purpose, sealed: &str) -> anyhow::Result<SecretString> {
        let bytes = STANDARD_NO_PAD.decode(sealed).context("a sealed value is not base64")?;
        if bytes.len() < 24 {
            bail!("a sealed value is too short");
        }
        let (nonce, body) = bytes.split_at(24);
        let plain = self
            .cipher
            .decrypt(XNonce::from_slice(nonce), Payload { msg: body, aad: purpose.context() })
            .map_err(|_| anyhow::anyhow!("a sealed value cannot be opened with this secret key (--secret-key-file)"))?;
        Ok(SecretString::from(String::from_utf8(plain).context("a sealed value is not text")?))
    }
}

#[cfg(unix)]
pub(crate) fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(text.as_bytes())?;
    Ok(())
}

#[cfg(not(unix))]
pub(crate) fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot create {}", path.display()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_sealed_secret_opens_with_its_key_only() {
        let key = SecretKey::random();
        let sealed = key.seal(&SecretString::from("s3cret-value".to_string())).unwrap();
        assert!(!sealed.contains("s3cret"));
        assert_eq!(key.open(&sealed).unwrap().expose_secret(), "s3cret-value");
        assert!(SecretKey::random().open(&sealed).is_err());
        let mut altered = STANDARD_NO_PAD.decode(&sealed).unwrap();
        let last = altered.len() - 1;
        altered[last] ^= 1;
        assert!(key.open(&STANDARD_NO_PAD.encode(altered)).is_err());
        // Sealed for one purpose, it does not open as another.
        assert!(key.open_for(Purpose::SigningKey, &sealed).is_err());
    }

    #[test]
    fn the_key_file_is_created_once_and_kept() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("data/secret.key");
        let sealed = SecretKey::load_or_create(&path).unwrap().seal(&SecretString::from("x".to_string())).unwrap();
        assert_eq!(SecretKey::load_or_create(&path).unwrap().open(&sealed).unwrap().expose_secret(), "x");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
    }
}
