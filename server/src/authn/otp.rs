//! Authenticator codes (RFC 6238: HMAC-SHA-1, 6 digits, 30-second steps, one step either side)
//! and recovery codes. The secret is 160 random bits, shown as base32 and as an `otpauth://`
//! QR code rendered here as SVG; recovery codes are 10 random groups, stored as SHA-256.

use qrcode::render::svg;
use qrcode::QrCode;
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, Builder, Secret, Totp};

pub const DIGITS: u8 = 6;
pub const STEP_SECS: u64 = 30;
/// Codes a person gets at once; each works once.
pub const RECOVERY_CODES: usize = 10;

/// A person's authenticator secret.
pub struct Authenticator {
    secret: Vec<u8>,
}

impl Authenticator {
    pub fn generate() -> Authenticator {
        let mut secret = vec![0u8; 20];
        rand::rngs::OsRng.fill_bytes(&mut secret);
        Authenticator { secret }
    }

    /// The secret as base32 (RFC 4648, no padding), as it is sealed and typed.
    pub fn from_base32(encoded: &str) -> Option<Authenticator> {
        let secret = Secret::try_from_base32(encoded).ok()?.as_ref().to_vec();
        (secret.len() >= 16).then_some(Authenticator { secret })
    }

    pub fn base32(&self) -> SecretString {
        SecretString::from(Secret::from(self.secret.clone()).to_base32())
    }

    /// The secret in groups of four, for typing into an app by hand.
    pub fn grouped(&self) -> String {
        let encoded = self.base32();
        let chars: Vec<char> = encoded.expose_secret().chars().collect();
        chars.chunks(4).map(|group| group.iter().collect::<String>()).collect::<Vec<_>>().join(" ")
    }

    /// The `otpauth://` URI an authenticator app scans.
    pub fn uri(&self, issuer: &str, account: &str) -> String {
        let label = format!("{}:{}", encode(issuer), encode(account));
        format!(
            "otpauth://totp/{label}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECS}",
            self.base32().expose_secret(),
            encode(issuer)
        )
    }

    fn totp(&self, digits: u8) -> Totp {
        Builder::new()
            .with_algorithm(Algorithm::SHA1)
            .with_digits(digits)
            .with_step_duration(STEP_SECS)
            .with_skew(1)
            .with_secret(self.secret.clone())
            .build_noncompliant()
    }

    /// The code at a moment (for tests, and for test users in test mode).
    pub fn code_at(&self, unix_time: i64) -> String {
        self.totp(DIGITS).generate(unix_time.max(0) as u64).to_string()
    }

    /// The time step a code belongs to, when it is right now (or one step either side). The
    /// caller must accept each step once.
    pub fn check(&self, code: &str, unix_time: i64) -> Option<i64> {
        let code: String = code.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
        if code.len() != usize::from(DIGITS) || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        self.totp(DIGITS).check(&code, unix_time.max(0) as u64).map(|step| step as i64)
    }
}

/// Percent-encodes a label part of an `otpauth://` URI.
fn encode(part: &str) -> String {
    url::form_urlencoded::byte_serialize(part.as_bytes()).collect::<String>().replace('+', "%20")
}

/// The QR code of a URI as an inline SVG element, with its accessible name.
pub fn qr_svg(uri: &str, label: &str) -> Option<String> {
    let code = QrCode::new(uri.as_bytes()).ok()?;
    let image = code.render::<svg::Color>().min_dimensions(200, 200).quiet_zone(true).build();
    let svg = image.split_once("?>").map_or(image.as_str(), |(_, svg)| svg);
    let label = label.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;");
    Some(svg.replacen("<svg ", &format!("<svg role=\"img\" aria-label=\"{label}\" "), 1))
}

/// Ten fresh recovery codes, as shown once (`xxxx-xxxx-xxxx`: 60 bits each, unambiguous letters).
pub fn recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rngs::OsRng;
    (0..RECOVERY_CODES)
        .map(|_| {
            let chars: Vec<char> =
                (0..12).map(|_| ALPHABET[(rng.next_u32() as usize) % ALPHABET.len()] as char).collect();
            chars.chunks(4).map(|group| group.iter().collect::<String>()).collect::<Vec<_>>().join("-")
        })
        .collect()
}

/// How a recovery code is stored and looked up: its letters and digits only, lower case, hashed.
pub fn hash_recovery_code(typed: &str) -> String {
    let normal: String = typed.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect();
    hex::encode(Sha256::digest(normal.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238, appendix B: the SHA-1 vectors (8 digits, the seed "12345678901234567890").
    #[test]
    fn rfc_6238_test_vectors() {
        let seed = Authenticator { secret: b"12345678901234567890".to_vec() };
        let totp = seed.totp(8);
        for (time, code) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(totp.generate(time).to_string(), code, "at {time}");
        }
        // Six digits are the last six of the same value.
        assert_eq!(seed.code_at(59), "287082");
    }

    #[test]
    fn a_code_is_right_one_step_either_side_and_no_further() {
        let auth = Authenticator::generate();
        let now = 1_800_000_000;
        let code = auth.code_at(now);
        assert_eq!(auth.check(&code, now), Some(now / 30));
        assert_eq!(auth.check(&code, now + 30), Some(now / 30));
        assert_eq!(auth.check(&code, now - 30), Some(now / 30));
        assert_eq!(auth.check(&code, now + 90), None);
        assert_eq!(auth.check(&format!("{} {}", &code[..3], &code[3..]), now), Some(now / 30));
        assert_eq!(auth.check("12345", now), None);
        assert_eq!(auth.check("abcdef", now), None);
    }

    #[test]
    fn the_secret_survives_base32_and_the_uri_names_the_account() {
        let auth = Authenticator::generate();
        let again = Authenticator::from_base32(auth.base32().expose_secret()).unwrap();
        assert_eq!(again.code_at(1_000_000), auth.code_at(1_000_000));
        assert_eq!(auth.grouped().replace(' ', ""), auth.base32().expose_secret());
        let uri = auth.uri("Frontdoor (Acme)", "ada@acme.test");
        assert!(uri.starts_with("otpauth://totp/Frontdoor%20%28Acme%29:ada%40acme.test?secret="), "{uri}");
        let svg = qr_svg(&uri, "QR code").unwrap();
        assert!(svg.starts_with("<svg role=\"img\" aria-label=\"QR code\""), "{svg}");
    }

    #[test]
    fn recovery_codes_are_distinct_and_typed_loosely() {
        let codes = recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let unique: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(unique.len(), RECOVERY_CODES);
        let code = &codes[0];
        assert_eq!(hash_recovery_code(code), hash_recovery_code(&code.to_uppercase().replace('-', " ")));
    }
}
