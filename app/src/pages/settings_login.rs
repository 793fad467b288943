//! The login of Settings and maintenance (`/settings/login`): "User ID", "Password", "OK". It
//! asks for the password even when a CRM session is live, and opens a session of its own.

use crate::api::{Field, LoginEcho};
use crate::components::form_error::FormError;
use crate::components::notice::{use_notice, NoticeLine};
use crate::components::top_bar::TopBar;
use crate::domain::ReturnPath;
use crate::i18n::{t, Msg};
use crate::model::{Area, Notice};
use crate::routes;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SettingsLoginPage() -> impl IntoView {
    let query = use_query_map();
    let next = query.read_untracked().get("next").filter(|next| ReturnPath::parse(next).is_some());
    let notice = use_notice(&[Notice::SessionEnded, Notice::LoggedOut]);
    // Set by the server when the post was refused; empty otherwise.
    let echo = use_context::<LoginEcho>().unwrap_or_default();
    let error_of = |field: Field| echo.error.clone().filter(|e| e.field() == field).map(|e| e.msg());
    let (form_error, user_error, password_error) =
        (error_of(Field::Form), error_of(Field::UserId), error_of(Field::Password));
    view! {
        <Title text=t(Msg::SettingsAndMaintenance)/>
        <TopBar/>
        <main class="card">
            <h1>{t(Msg::SettingsAndMaintenance)}</h1>
            <NoticeLine notice area=Area::Settings/>
            <p>{t(Msg::SettingsLoginIntro)}</p>
            <FormError message=Signal::stored(form_error)/>
            <form method="post" action=routes::SETTINGS_LOGIN novalidate>
                {next.map(|next| view! { <input type="hidden" name="next" value=next/> })}
                <div class="field">
                    <label for="user-id">{t(Msg::UserId)}</label>
                    <input
                        id="user-id"
                        name="user_id"
                        type="text"
                        autocomplete="username"
                        autocapitalize="none"
                        spellcheck="false"
                        required
                        value=echo.user_id
                        aria-describedby="user-id-error"
                        aria-invalid=user_error.is_some().then_some("true")
                    />
                    <FormError message=Signal::stored(user_error) id="user-id-error"/>
                </div>
                <div class="field">
                    <label for="password">{t(Msg::Password)}</label>
                    <input
                        id="password"
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        required
                        aria-describedby="password-error"
                        aria-invalid=password_error.is_some().then_some("true")
                    />
                    <FormError message=Signal::stored(password_error) id="password-error"/>
                </div>
                <button type="submit" class="primary">{t(Msg::Ok)}</button>
            </form>
            <p class="link-row"><a href=routes::CRM>{t(Msg::ToCrm)}</a></p>
        </main>
    }
}
