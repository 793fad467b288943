//! Paths the pages link to; the server mounts the same ones.

pub const LOGIN: &str = "/login";
pub const FORGOT_PASSWORD: &str = "/forgot-password";
/// Opened from the "Activate now" email (`/activate/{token}` first, then this bare path).
pub const ACTIVATE: &str = "/activate";
/// Opened from the password-reset email (`/reset-password/{token}`, then this bare path).
pub const RESET_PASSWORD: &str = "/reset-password";
/// Personal settings → Change password.
pub const CHANGE_PASSWORD: &str = "/crm/password";
pub const CRM: &str = "/crm";
pub const SESSIONS: &str = "/crm/sessions";
pub const SESSIONS_END: &str = "/crm/sessions/end";
pub const SESSIONS_END_OTHERS: &str = "/crm/sessions/end-others";
/// "Remove access" for a partner app (Sessions → Apps with access).
pub const APPS_REVOKE: &str = "/crm/apps/revoke";
/// The Service log in page: the CRM side of the hand-off.
pub const CRM_SERVICE: &str = "/crm/service";
pub const CRM_SERVICE_HANDOFF: &str = "/crm/service/handoff";
/// The Service app's own paths (on the Service URL).
pub const SERVICE: &str = "/service";
pub const SERVICE_SESSION: &str = "/service/session";
pub const SERVICE_LOGOUT: &str = "/service/logout";
/// Settings and maintenance: its own login and session (cookie path `/settings`).
pub const SETTINGS: &str = "/settings";
pub const SETTINGS_LOGIN: &str = "/settings/login";
pub const SETTINGS_LOGOUT: &str = "/settings/logout";
pub const SETTINGS_LOGOUT_CONFIRM: &str = "/settings/logout";
/// The Terms of Service dialog, until the newest version is accepted.
pub const SETTINGS_TERMS: &str = "/settings/terms";
pub const SETTINGS_USERS: &str = "/settings/users";
pub const SETTINGS_ADD_USER: &str = "/settings/users/new";
pub const SETTINGS_ROLES: &str = "/settings/roles";
pub const SETTINGS_AUDIT: &str = "/settings/audit";
/// The apps that sign in through Frontdoor (read-only).
pub const SETTINGS_APPS: &str = "/settings/apps";

/// A form post about one user: `/settings/users/{id}/{action}`.
pub fn settings_user_action(user_id: i64, action: &str) -> String {
    format!("{SETTINGS_USERS}/{user_id}/{action}")
}

/// A form post about one role: `/settings/roles/{id}/{action}`.
pub fn settings_role_action(role_id: i64, action: &str) -> String {
    format!("{SETTINGS_ROLES}/{role_id}/{action}")
}
pub const LOGOUT: &str = "/logout";
/// A sign-in's second step: an authenticator or recovery code (or setting one up).
pub const TWO_STEP: &str = "/two-step";
/// Personal settings → Two-step verification (its forms post here too, each with its `action`).
pub const TWO_STEP_SETTINGS: &str = "/crm/two-step";
/// Passkeys: logging in with one (JSON, from the page's script), the second step with one, and
/// Personal settings → Passkeys with its registration.
pub const PASSKEY_LOGIN_OPTIONS: &str = "/passkeys/login/options";
pub const PASSKEY_LOGIN: &str = "/passkeys/login";
pub const TWO_STEP_PASSKEY_OPTIONS: &str = "/two-step/passkey/options";
pub const TWO_STEP_PASSKEY: &str = "/two-step/passkey";
pub const PASSKEYS: &str = "/crm/passkeys";
pub const PASSKEYS_OPTIONS: &str = "/crm/passkeys/options";
pub const PASSKEYS_REGISTER: &str = "/crm/passkeys/register";
/// The script that runs passkey ceremonies (a plain file next to the WASM bundles).
pub const PASSKEYS_SCRIPT: &str = "/pkg/passkeys.js";
/// Settings and maintenance → the tenant's two-step verification policy.
pub const SETTINGS_TWO_STEP: &str = "/settings/two-step";
/// Single sign-on: "Log in with …" posts here; the provider answers on the callback.
pub const SSO_START: &str = "/sso/start";
/// Each provider answers on its own redirect URI: `/sso/callback/{provider public id}`.
pub const SSO_CALLBACK: &str = "/sso/callback";
/// "Link your account": proving an existing account before a provider is linked to it.
pub const SSO_LINK: &str = "/sso/link";
pub const SSO_LINK_CODE: &str = "/sso/link/code";
/// "Activate with …" posts under the activation page, where its link's cookie is sent.
pub const ACTIVATE_SSO: &str = "/activate/sso";
/// "Are you sure?" before logging out, on narrow screens.
pub const CRM_LOGOUT_CONFIRM: &str = "/crm/logout";
pub const SERVICE_LOGOUT_CONFIRM: &str = "/service/logout";
pub const LANGUAGE: &str = "/language";
/// "Reset login": the email address, then the emailed code, then the tenant.
pub const RESET_LOGIN: &str = "/reset-login";
pub const RESET_LOGIN_CODE: &str = "/reset-login/code";
pub const RESET_LOGIN_CHOOSE: &str = "/reset-login/choose";
