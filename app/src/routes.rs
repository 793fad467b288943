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
/// The Service log in page: the CRM side of the hand-off.
pub const CRM_SERVICE: &str = "/crm/service";
pub const CRM_SERVICE_HANDOFF: &str = "/crm/service/handoff";
/// The Service app's own paths (on the Service URL).
pub const SERVICE: &str = "/service";
pub const SERVICE_SESSION: &str = "/service/session";
pub const SERVICE_LOGOUT: &str = "/service/logout";
pub const SETTINGS: &str = "/settings";
pub const LOGOUT: &str = "/logout";
/// "Are you sure?" before logging out, on narrow screens.
pub const CRM_LOGOUT_CONFIRM: &str = "/crm/logout";
pub const SERVICE_LOGOUT_CONFIRM: &str = "/service/logout";
pub const LANGUAGE: &str = "/language";
/// "Reset login": the email address, then the emailed code, then the tenant.
pub const RESET_LOGIN: &str = "/reset-login";
pub const RESET_LOGIN_CODE: &str = "/reset-login/code";
pub const RESET_LOGIN_CHOOSE: &str = "/reset-login/choose";
