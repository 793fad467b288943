pub mod form_error;
pub mod language_switch;
pub mod personal_menu;
pub mod top_bar;
