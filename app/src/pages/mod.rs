pub mod crm;
pub mod forgot_password;
pub mod login;
pub mod not_found;
