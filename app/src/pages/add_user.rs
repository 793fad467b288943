//! Settings and maintenance → Users → Add user: "Name", "Email address" (onsite: "User name"),
//! "Role", "Language", "Send invitation". The user appears as Invited and gets the "Activate
//! now" email (onsite installations send nothing: "Set password" gives the first password).

use crate::api::{admin_roles, reset_policy, AddUserEcho, AddUserField, RoleRow};
use crate::components::form_error::FormError;
use crate::components::settings_layout::settings_page;
use crate::i18n::{t, use_lang, Lang, Msg};
use crate::routes;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
fn AddUserForm(roles: Vec<RoleRow>, onsite: bool, echo: AddUserEcho) -> impl IntoView {
    let error = |field: AddUserField| Signal::stored(echo.error.filter(|(f, _)| *f == field).map(|(_, msg)| msg));
    let invalid = |field: AddUserField| echo.error.is_some_and(|(f, _)| f == field).then_some("true");
    let language = Lang::from_code(&echo.language).unwrap_or_else(use_lang);
    // The built-in "User" role is the usual choice for a new person.
    let chosen = echo.role_id.or_else(|| roles.iter().find(|r| !r.admin).map(|r| r.id));
    let (login_label, login_type, login_autocomplete) =
        if onsite { (Msg::UserName, "text", "off") } else { (Msg::EmailAddress, "email", "email") };
    view! {
        <FormError message=error(AddUserField::Form)/>
        <form method="post" action=routes::SETTINGS_ADD_USER class="admin-form" novalidate>
            <div class="field">
                <label for="name">{t(Msg::Name)}</label>
                <input id="name" name="name" type="text" autocomplete="off" required maxlength="200"
                    value=echo.name aria-describedby="name-error" aria-invalid=invalid(AddUserField::Name)/>
                <FormError message=error(AddUserField::Name) id="name-error"/>
            </div>
            <div class="field">
                <label for="login">{t(login_label)}</label>
                <input id="login" name="login" type=login_type autocomplete=login_autocomplete autocapitalize="none"
                    spellcheck="false" required maxlength="254" value=echo.login aria-describedby="login-error"
                    aria-invalid=invalid(AddUserField::Login)/>
                <FormError message=error(AddUserField::Login) id="login-error"/>
            </div>
            <div class="field">
                <label for="role">{t(Msg::Role)}</label>
                <select id="role" name="role_id" aria-describedby="role-error" aria-invalid=invalid(AddUserField::Role)>
                    {roles.into_iter().map(|role| view! {
                        <option value=role.id selected=chosen == Some(role.id)>{role.name}</option>
                    }).collect_view()}
                </select>
                <FormError message=error(AddUserField::Role) id="role-error"/>
            </div>
            <div class="field">
                <label for="language">{t(Msg::Language)}</label>
                <select id="language" name="language">
                    {Lang::ALL.into_iter().map(|lang| view! {
                        <option value=lang.code() selected=lang == language>{lang.endonym()}</option>
                    }).collect_view()}
                </select>
            </div>
            {onsite.then(|| view! { <p class="hint">{t(Msg::AddUserOnsiteHint)}</p> })}
            <button type="submit" class="primary">{t(Msg::SendInvitation)}</button>
        </form>
    }
}

#[component]
pub fn AddUserPage() -> impl IntoView {
    let roles = Resource::new_blocking(|| (), |_| admin_roles());
    let policy = Resource::new_blocking(|| (), |_| reset_policy());
    // Set by the server when the post was refused: what was typed, and why.
    let echo = StoredValue::new(use_context::<AddUserEcho>().unwrap_or_default());
    view! {
        <Title text=t(Msg::AddUser)/>
        {settings_page(routes::SETTINGS_USERS, move |_| view! {
            <h1>{t(Msg::AddUser)}</h1>
            <Suspense>
                {move || Suspend::new(async move {
                    match (roles.await, policy.await) {
                        (Ok(roles), Ok(policy)) => {
                            view! { <AddUserForm roles onsite=!policy.by_email echo=echo.get_value()/> }.into_any()
                        }
                        _ => view! { <p class="error" role="alert">{t(Msg::TryAgainLater)}</p> }.into_any(),
                    }
                })}
            </Suspense>
            <p class="link-row"><a href=routes::SETTINGS_USERS>{t(Msg::Users)}</a></p>
        })}
    }
}
