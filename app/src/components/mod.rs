pub mod form_error;
pub mod language_switch;
pub mod navigator;
pub mod password_fields;
pub mod personal_menu;
pub mod signed_in;
pub mod strength_meter;
pub mod top_bar;
