//! Settings and maintenance → Roles: the tenant's roles with their user level and rights. Create,
//! rename, change level and rights, delete a role nobody has. A change reaches each of the role's
//! users at their next request.

use crate::api::{admin_roles, RoleRow};
use crate::components::settings_layout::{outcome_in_address, settings_page, Outcome};
use crate::i18n::{t, Msg};
use crate::routes;
use leptos::prelude::*;
use leptos_meta::Title;

/// The rights as checkboxes; `form` ties them to a row's form elsewhere in the table.
fn right_box(form: String, id: String, name: &'static str, label: Msg, checked: bool) -> impl IntoView {
    view! {
        <div class="checkbox">
            <input id=id.clone() name=name type="checkbox" value="on" checked=checked form=form/>
            <label for=id>{t(label)}</label>
        </div>
    }
}

#[component]
fn RoleLine(role: RoleRow) -> impl IntoView {
    let form = format!("role-{}", role.id);
    let field = |what: &str| format!("role-{}-{what}", role.id);
    view! {
        <tr>
            <td data-label=t(Msg::Name)>
                <label class="visually-hidden" for=field("name")>{t(Msg::Name)}</label>
                <input id=field("name") name="name" type="text" required maxlength="100" value=role.name form=form.clone()/>
            </td>
            <td data-label=t(Msg::UserLevel)>
                <label class="visually-hidden" for=field("level")>{t(Msg::UserLevel)}</label>
                <input id=field("level") name="user_level" type="number" min="0" max="99" value=role.user_level
                    form=form.clone() class="narrow-input"/>
            </td>
            <td data-label=t(Msg::Rights)>
                {right_box(form.clone(), field("crm"), "crm", Msg::RightCrm, role.crm)}
                {right_box(form.clone(), field("service"), "service", Msg::RightService, role.service)}
                {right_box(form.clone(), field("admin"), "admin", Msg::RightSettings, role.admin)}
            </td>
            <td data-label=t(Msg::ColumnUsers)>{role.users}</td>
            <td class="actions">
                <form id=form method="post" action=routes::settings_role_action(role.id, "save")>
                    <button type="submit" class="secondary">{t(Msg::Save)}</button>
                </form>
                {(role.users == 0).then(|| view! {
                    <form method="post" action=routes::settings_role_action(role.id, "delete")>
                        <button type="submit" class="secondary">{t(Msg::Delete)}</button>
                    </form>
                })}
            </td>
        </tr>
    }
}

#[component]
fn NewRoleForm() -> impl IntoView {
    let form = "new-role".to_string();
    view! {
        <h2>{t(Msg::NewRole)}</h2>
        <form id="new-role" method="post" action=routes::SETTINGS_ROLES class="admin-form">
            <div class="field">
                <label for="new-role-name">{t(Msg::Name)}</label>
                <input id="new-role-name" name="name" type="text" required maxlength="100"/>
            </div>
            <div class="field">
                <label for="new-role-level">{t(Msg::UserLevel)}</label>
                <input id="new-role-level" name="user_level" type="number" min="0" max="99" value="1" class="narrow-input"/>
            </div>
            {right_box(form.clone(), "new-role-crm".into(), "crm", Msg::RightCrm, true)}
            {right_box(form.clone(), "new-role-service".into(), "service", Msg::RightService, false)}
            {right_box(form.clone(), "new-role-admin".into(), "admin", Msg::RightSettings, false)}
            <button type="submit" class="primary">{t(Msg::CreateRole)}</button>
        </form>
    }
}

#[component]
pub fn RolesPage() -> impl IntoView {
    let outcome = outcome_in_address();
    let roles = Resource::new_blocking(|| (), |_| admin_roles());
    view! {
        <Title text=t(Msg::Roles)/>
        {settings_page(routes::SETTINGS_ROLES, move |_| view! {
            <h1>{t(Msg::Roles)}</h1>
            <Outcome outcome/>
            <Suspense>
                {move || Suspend::new(async move {
                    match roles.await {
                        Ok(roles) => view! {
                            <table class="roles">
                                <caption class="visually-hidden">{t(Msg::Roles)}</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">{t(Msg::Name)}</th>
                                        <th scope="col">{t(Msg::UserLevel)}</th>
                                        <th scope="col">{t(Msg::Rights)}</th>
                                        <th scope="col">{t(Msg::ColumnUsers)}</th>
                                        <th scope="col">{t(Msg::ColumnActions)}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {roles.into_iter().map(|role| view! { <RoleLine role/> }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                        Err(_) => view! { <p class="error" role="alert">{t(Msg::TryAgainLater)}</p> }.into_any(),
                    }
                })}
            </Suspense>
            <NewRoleForm/>
        })}
    }
}
