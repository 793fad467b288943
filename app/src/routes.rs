//! Paths the pages link to; the server mounts the same ones.

pub const LOGIN: &str = "/login";
pub const FORGOT_PASSWORD: &str = "/forgot-password";
pub const CRM: &str = "/crm";
pub const SERVICE: &str = "/service";
pub const SETTINGS: &str = "/settings";
pub const LOGOUT: &str = "/logout";
pub const LANGUAGE: &str = "/language";

/// The login page of one tenant.
pub fn tenant_login(slug: &str) -> String {
    format!("/t/{slug}/login")
}
