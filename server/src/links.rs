//! Emailed links (activation, password reset): the page each opens, its address and how long
//! it works. (How the opened page keeps the token out of the address bar is the web floor's:
//! `web::cookies`.)

use crate::settings::Settings;
use crate::tokens::Token;
use app::domain::LinkKind;
use app::routes;

/// The page a link opens (and its form posts to).
pub fn page(kind: LinkKind) -> &'static str {
    match kind {
        LinkKind::Activation => routes::ACTIVATE,
        LinkKind::PasswordReset => routes::RESET_PASSWORD,
    }
}

/// The emailed address of a link: always from the configured public URL, never from a
/// request's Host header.
pub fn address(settings: &Settings, kind: LinkKind, token: &Token) -> String {
    format!("{}{}/{}", settings.public_url, page(kind), token.expose())
}

/// How long a link of this kind works, in seconds.
pub fn lifetime_secs(settings: &Settings, kind: LinkKind) -> i64 {
    match kind {
        LinkKind::Activation => settings.activation_secs,
        LinkKind::PasswordReset => settings.reset_secs,
    }
}

/// What `Token::generate` makes: 43 base64url characters.
pub fn is_token_shaped(raw: &str) -> bool {
    raw.len() == 43 && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}
