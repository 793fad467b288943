pub mod crm;
pub mod forgot_password;
pub mod login;
pub mod logout_confirm;
pub mod not_found;
pub mod service_dashboard;
pub mod service_login;
pub mod sessions;
