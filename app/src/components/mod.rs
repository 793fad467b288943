pub mod form_error;
pub mod language_switch;
pub mod navigator;
pub mod personal_menu;
pub mod signed_in;
pub mod top_bar;
