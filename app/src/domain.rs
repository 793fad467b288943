//! Pure domain rules shared by the browser and the server. Parse, don't validate: once one of
//! these values exists it is valid.

use serde::{Deserialize, Serialize};

/// The longest user ID we accept (an email address is at most 254 characters).
pub const MAX_USER_ID_CHARS: usize = 254;
/// The longest password we accept anywhere (the policy allows 8–128).
pub const MAX_PASSWORD_CHARS: usize = 128;
/// The shortest password the policy accepts.
pub const MIN_PASSWORD_CHARS: usize = 8;

/// The password policy's rules that need no dictionary: 8 to 128 characters (no composition
/// rules), the confirmation matches, and none of the person's own details (`personal`: email,
/// user ID, name) appears in it. The server then asks zxcvbn for a score of at least 3.
pub fn check_password_choice(password: &str, confirm: &str, personal: &[&str]) -> Result<(), PasswordChoiceError> {
    use PasswordChoiceError as PasswordError;
    let length = password.chars().count();
    if length == 0 {
        return Err(PasswordError::EnterPassword);
    }
    if length < MIN_PASSWORD_CHARS {
        return Err(PasswordError::TooShort);
    }
    if length > MAX_PASSWORD_CHARS {
        return Err(PasswordError::TooLong);
    }
    if password != confirm {
        return Err(PasswordError::Mismatch);
    }
    let lowered = password.to_lowercase();
    let mentions = |detail: &str| {
        let detail = detail.trim().to_lowercase();
        detail.chars().count() >= 4 && lowered.contains(&detail)
    };
    let local_parts = personal.iter().filter_map(|p| p.split_once('@').map(|(local, _)| local));
    let words = personal.iter().flat_map(|p| p.split_whitespace());
    if personal.iter().copied().chain(local_parts).chain(words).any(mentions) {
        return Err(PasswordError::ContainsPersonal);
    }
    Ok(())
}

/// Why a chosen password breaks the policy's dictionary-free rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PasswordChoiceError {
    #[error("no password given")]
    EnterPassword,
    #[error("password too short")]
    TooShort,
    #[error("password too long")]
    TooLong,
    #[error("the passwords differ")]
    Mismatch,
    #[error("the password contains the person's own details")]
    ContainsPersonal,
}

/// The two kinds of emailed link: "Activate now" and the password reset. Each is also the kind
/// of its one-time token and of the message that carries it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LinkKind {
    Activation,
    PasswordReset,
}

impl LinkKind {
    pub const ALL: [LinkKind; 2] = [LinkKind::Activation, LinkKind::PasswordReset];

    /// Its name in storage.
    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::Activation => "activation",
            LinkKind::PasswordReset => "password-reset",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == raw)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LoginNameError {
    #[error("empty")]
    Empty,
    #[error("too long")]
    TooLong,
    #[error("control characters")]
    Invalid,
}

/// What a person types into "User ID": an email address (online users) or an assigned user
/// name (Windows users). Compared case-insensitively, so it is stored lower-cased.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LoginName(String);

impl LoginName {
    pub fn parse(raw: &str) -> Result<Self, LoginNameError> {
        Self::check(raw).map(|trimmed| LoginName(trimmed.to_lowercase()))
    }

    /// [`LoginName::parse`] without building the name: the browser's check before sending,
    /// which spares the login bundle Unicode's case tables.
    pub fn check(raw: &str) -> Result<&str, LoginNameError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(LoginNameError::Empty);
        }
        if trimmed.chars().count() > MAX_USER_ID_CHARS {
            return Err(LoginNameError::TooLong);
        }
        if trimmed.chars().any(char::is_control) {
            return Err(LoginNameError::Invalid);
        }
        Ok(trimmed)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_email(&self) -> bool {
        Email::parse(&self.0).is_ok()
    }
}

/// A syntactically plausible email address: one `@`, a non-empty local part and a dotted
/// domain, no spaces. Deliverability is proven by the link we send, not by a regex.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, LoginNameError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(LoginNameError::Empty);
        }
        if trimmed.chars().count() > MAX_USER_ID_CHARS {
            return Err(LoginNameError::TooLong);
        }
        let (local, domain) = trimmed.split_once('@').ok_or(LoginNameError::Invalid)?;
        let valid = !local.is_empty()
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !trimmed.chars().any(|c| c.is_whitespace() || c.is_control());
        if valid {
            Ok(Email(trimmed.to_lowercase()))
        } else {
            Err(LoginNameError::Invalid)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A tenant's short name as it appears in addresses (`/t/acme/login`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TenantSlug(String);

impl TenantSlug {
    pub fn parse(raw: &str) -> Option<Self> {
        let ok = (2..=40).contains(&raw.len())
            && raw.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !raw.starts_with('-')
            && !raw.ends_with('-');
        ok.then(|| TenantSlug(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where to send a person after they log in: only a path on this site, never another origin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnPath(String);

impl ReturnPath {
    pub fn parse(raw: &str) -> Option<Self> {
        let safe = raw.starts_with('/')
            && !raw.starts_with("//")
            && !raw.starts_with("/\\")
            && raw.len() <= 2048
            && !raw.chars().any(|c| c.is_control() || c == '\\' || c.is_whitespace());
        safe.then(|| ReturnPath(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The return path, or `fallback` when there is none or it is not safe.
    pub fn or(raw: Option<&str>, fallback: &str) -> String {
        raw.and_then(ReturnPath::parse).map(|p| p.0).unwrap_or_else(|| fallback.to_string())
    }
}

/// Percent-encodes a query component (RFC 3986 unreserved characters and `/` pass through).
pub fn encode_query_component(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for byte in raw.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// "2026-11-22 06:05 UTC" from Unix seconds, without a date library.
pub fn format_utc(unix_seconds: i64) -> String {
    let days = unix_seconds.div_euclid(86_400);
    let secs = unix_seconds.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02} UTC", secs / 3600, secs % 3600 / 60)
}

/// Unix seconds at 00:00 UTC of a `YYYY-MM-DD` date (as an `<input type="date">` sends it).
pub fn parse_date(raw: &str) -> Option<i64> {
    let mut parts = raw.trim().splitn(3, '-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: i64 = parts.next()?.parse().ok()?;
    let day: i64 = parts.next()?.parse().ok()?;
    if !(1970..=9999).contains(&year) || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let seconds = (era * 146_097 + doe - 719_468) * 86_400;
    // 31 February is refused, not moved into March.
    format_utc(seconds).starts_with(&format!("{year:04}-{month:02}-{day:02}")).then_some(seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_choice_rules() {
        use PasswordChoiceError as E;
        let me = ["ada.lovelace@example.com", "Ada Lovelace"];
        assert_eq!(check_password_choice("", "", &me), Err(E::EnterPassword));
        assert_eq!(check_password_choice("short", "short", &me), Err(E::TooShort));
        let long = "x".repeat(129);
        assert_eq!(check_password_choice(&long, &long, &me), Err(E::TooLong));
        assert_eq!(check_password_choice("orbit tulip canyon", "orbit tulip canyom", &me), Err(E::Mismatch));
        assert_eq!(check_password_choice("ADA.LOVELACE-rocks", "ADA.LOVELACE-rocks", &me), Err(E::ContainsPersonal));
        assert_eq!(check_password_choice("my lovelace tulip", "my lovelace tulip", &me), Err(E::ContainsPersonal));
        assert_eq!(check_password_choice("orbit tulip canyon", "orbit tulip canyon", &me), Ok(()));
        // Eight characters, counted as characters, not bytes.
        assert_eq!(check_password_choice("ééééééé", "ééééééé", &[]), Err(E::TooShort));
    }

    #[test]
    fn login_names_are_trimmed_and_lower_cased() {
        assert_eq!(LoginName::parse("  Ada@Acme.TEST ").map(|n| n.0), Ok("ada@acme.test".into()));
        assert_eq!(LoginName::parse("   "), Err(LoginNameError::Empty));
        assert_eq!(LoginName::parse(&"a".repeat(255)), Err(LoginNameError::TooLong));
        assert_eq!(LoginName::parse("ada\u{0}"), Err(LoginNameError::Invalid));
        assert!(LoginName::parse("ADA").is_ok_and(|n| !n.is_email()));
    }

    #[test]
    fn emails_need_a_local_part_and_a_dotted_domain() {
        assert!(Email::parse("ada@acme.test").is_ok());
        for bad in ["ada", "@acme.test", "ada@acme", "ada@@acme.test", "a da@acme.test", "ada@.test"] {
            assert!(Email::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn return_paths_stay_on_this_site() {
        assert!(ReturnPath::parse("/crm?x=1").is_some());
        for bad in [
            "https://evil.test/",
            "//evil.test/",
            "/\\evil.test",
            "javascript:alert(1)",
            "crm",
            "/crm\r\nSet-Cookie: x=1",
            "",
        ] {
            assert!(ReturnPath::parse(bad).is_none(), "{bad:?} should be refused");
        }
        assert_eq!(ReturnPath::or(Some("//evil.test"), "/crm"), "/crm");
    }

    #[test]
    fn times_are_shown_in_utc() {
        assert_eq!(format_utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(format_utc(1_795_330_800), "2026-11-22 07:00 UTC");
        assert_eq!(format_utc(951_782_400), "2000-02-29 00:00 UTC");
    }

    #[test]
    fn dates_are_read_as_utc_midnight() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2000-02-29"), Some(951_782_400));
        for bad in ["2001-02-29", "2026-13-01", "26-11-22", "yesterday", "", "2026-11-22T00:00"] {
            assert_eq!(parse_date(bad), None, "{bad:?} should be refused");
        }
    }

    #[test]
    fn slugs_are_lower_case_words() {
        assert!(TenantSlug::parse("acme").is_some());
        assert!(TenantSlug::parse("acme-2").is_some());
        for bad in ["Acme", "a", "-acme", "acme/x", "ac me"] {
            assert!(TenantSlug::parse(bad).is_none(), "{bad} should be refused");
        }
    }
}
