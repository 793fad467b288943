//! Emailed links (activation, password reset): their addresses, and how a page opened from one
//! keeps the token out of the address bar. `GET /activate/{token}` moves the token into a
//! short-lived HttpOnly cookie scoped to `/activate` and redirects to the bare `/activate`, so
//! the token stays out of the history, the address bar and any Referer — with or without
//! JavaScript. The form posts back to the same path and the cookie goes with it.

use crate::db::{ACTIVATION, PASSWORD_RESET};
use crate::session::{cookie, read_cookie};
use crate::state::Settings;
use crate::tokens::Token;
use app::routes;
use http::{HeaderMap, HeaderValue};

/// The two kinds of emailed link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Link {
    Activation,
    PasswordReset,
}

impl Link {
    pub fn kind(self) -> &'static str {
        match self {
            Link::Activation => ACTIVATION,
            Link::PasswordReset => PASSWORD_RESET,
        }
    }

    /// The page the link opens (and its form posts to).
    pub fn page(self) -> &'static str {
        match self {
            Link::Activation => routes::ACTIVATE,
            Link::PasswordReset => routes::RESET_PASSWORD,
        }
    }

    pub fn from_app(kind: app::api::LinkKind) -> Self {
        match kind {
            app::api::LinkKind::Activation => Link::Activation,
            app::api::LinkKind::PasswordReset => Link::PasswordReset,
        }
    }

    /// The cookie that carries the token while the page is open.
    fn cookie_name(self) -> &'static str {
        match self {
            Link::Activation => "frontdoor_activation",
            Link::PasswordReset => "frontdoor_reset",
        }
    }

    pub fn token_cookie(self, settings: &Settings, raw_token: &str) -> HeaderValue {
        // An hour to choose a password; the link's own expiry still applies.
        cookie(settings.secure_cookies, self.cookie_name(), self.page(), raw_token, 3600, true)
    }

    pub fn clear_cookie(self, settings: &Settings) -> HeaderValue {
        cookie(settings.secure_cookies, self.cookie_name(), self.page(), "", 0, true)
    }

    /// The raw token the browser holds for this page, if it holds one of the right shape.
    pub fn token_from(self, headers: &HeaderMap) -> Option<&str> {
        read_cookie(headers, self.cookie_name()).filter(|t| is_token_shaped(t))
    }
}

/// What `Token::generate` makes: 43 base64url characters.
pub fn is_token_shaped(raw: &str) -> bool {
    raw.len() == 43 && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl Link {
    /// The emailed address of a link: always from the configured public URL, never from the
    /// request's Host header.
    pub fn address(self, settings: &Settings, token: &Token) -> String {
        format!("{}{}/{}", settings.public_url, self.page(), token.expose())
    }

    /// How long a link of this kind works, in seconds.
    pub fn lifetime_secs(self, settings: &Settings) -> i64 {
        match self {
            Link::Activation => settings.activation_secs,
            Link::PasswordReset => settings.reset_secs,
        }
    }
}
