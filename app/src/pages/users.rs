//! Settings and maintenance → Users: every user of the tenant, searchable, filtered by status,
//! 50 a page, with the actions an administrator takes on each. Every action is a plain form
//! post that comes back to this very page (filters and page kept).

use crate::api::{admin_users, RoleOption, TemporaryPassword, UserListRow, UserQuery, UserState, UsersPage};
use crate::components::pager::Pager;
use crate::components::settings_layout::{outcome_in_address, settings_page, Outcome};
use crate::domain::encode_query_component;
use crate::i18n::{t, tf, Msg};
use crate::routes;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The Users screen's address for a query.
pub fn users_address(query: &UserQuery) -> String {
    let mut address = routes::SETTINGS_USERS.to_string();
    let mut parts = Vec::new();
    if !query.search.is_empty() {
        parts.push(format!("q={}", encode_query_component(&query.search)));
    }
    if let Some(status) = query.status {
        parts.push(format!("status={}", status.as_str()));
    }
    if query.page > 1 {
        parts.push(format!("page={}", query.page));
    }
    if !parts.is_empty() {
        address.push('?');
        address.push_str(&parts.join("&"));
    }
    address
}

fn query_in_address() -> UserQuery {
    let query = use_query_map();
    let query = query.read_untracked();
    UserQuery {
        search: query.get("q").unwrap_or_default().chars().take(200).collect(),
        status: query.get("status").as_deref().and_then(UserState::parse),
        page: query.get("page").and_then(|p| p.parse().ok()).filter(|p| *p >= 1).unwrap_or(1),
    }
}

/// One action on one user: a button in a form that posts and comes back to `back`.
#[component]
fn UserAction(user_id: i64, action: &'static str, label: Msg, back: String) -> impl IntoView {
    view! {
        <form method="post" action=routes::settings_user_action(user_id, action)>
            <input type="hidden" name="back" value=back/>
            <button type="submit" class="secondary">{t(label)}</button>
        </form>
    }
}

#[component]
fn UserRow(row: UserListRow, roles: Vec<RoleOption>, onsite: bool, me: i64, back: String) -> impl IntoView {
    let status = match (&row.status, &row.invitation_expires) {
        (UserState::Invited, Some(until)) => {
            format!("{} ({})", t(Msg::StatusInvited), tf(Msg::InvitedUntil, &[("time", until)]))
        }
        (status, _) => t(status.msg()).to_string(),
    };
    let role_select = format!("role-{}", row.id);
    let is_me = row.id == me;
    let (id, state) = (row.id, row.status);
    let mut factors = Vec::new();
    if row.authenticator {
        factors.push(t(Msg::FactorAuthenticator).to_string());
        factors.push(tf(Msg::FactorRecoveryCodes, &[("count", &row.recovery_codes.to_string())]));
    }
    if row.passkeys > 0 {
        factors.push(tf(Msg::FactorPasskeys, &[("count", &row.passkeys.to_string())]));
    }
    let has_factors = !factors.is_empty();
    let factors = if has_factors { factors.join(", ") } else { t(Msg::NoFactors).to_string() };
    view! {
        <tr>
            <td data-label=t(Msg::Name)>{row.name}</td>
            <td data-label=t(Msg::UserId)>{row.user_id}</td>
            <td data-label=t(Msg::ColumnRole)>
                <form method="post" action=routes::settings_user_action(id, "role") class="inline-form">
                    <input type="hidden" name="back" value=back.clone()/>
                    <label class="visually-hidden" for=role_select.clone()>{t(Msg::Role)}</label>
                    <select id=role_select name="role_id">
                        {roles.into_iter().map(|role| {
                            let selected = role.id == row.role_id;
                            view! { <option value=role.id selected=selected>{role.name}</option> }
                        }).collect_view()}
                    </select>
                    <button type="submit" class="secondary">{t(Msg::ChangeRole)}</button>
                </form>
            </td>
            <td data-label=t(Msg::Status)>{status}</td>
            <td data-label=t(Msg::ColumnLastLogin)>{row.last_login.unwrap_or_else(|| t(Msg::Never).to_string())}</td>
            <td data-label=t(Msg::SignInMethods)>
                {row.identities.iter().map(|provider| provider.name.clone()).collect::<Vec<_>>().join(", ")}
            </td>
            <td data-label=t(Msg::ColumnTwoStep)>{factors}</td>
            <td data-label=t(Msg::ColumnActions) class="actions">
                {(state == UserState::Invited && !onsite).then(|| view! {
                    <UserAction user_id=id action="resend" label=Msg::ResendActivation back=back.clone()/>
                })}
                {match state {
                    UserState::Deactivated => Some(view! {
                        <UserAction user_id=id action="activate" label=Msg::ActivateUser back=back.clone()/>
                    }.into_any()),
                    _ if !is_me => Some(view! {
                        <UserAction user_id=id action="deactivate" label=Msg::Deactivate back=back.clone()/>
                    }.into_any()),
                    _ => None,
                }}
                <UserAction user_id=id action="end-sessions" label=Msg::EndSessions back=back.clone()/>
                {(has_factors && !is_me).then(|| view! {
                    <UserAction user_id=id action="reset-two-step" label=Msg::ResetTwoStep back=back.clone()/>
                })}
                {(onsite && state != UserState::Deactivated).then(|| view! {
                    <UserAction user_id=id action="set-password" label=Msg::SetPassword back=back.clone()/>
                })}
                {row.identities.into_iter().map(|provider| view! {
                    <form method="post" action=routes::settings_user_action(id, "unlink")>
                        <input type="hidden" name="back" value=back.clone()/>
                        <input type="hidden" name="provider" value=provider.id/>
                        <button type="submit" class="secondary">{tf(Msg::Unlink, &[("provider", &provider.name)])}</button>
                    </form>
                }).collect_view()}
            </td>
        </tr>
    }
}

#[component]
fn UserTable(page: UsersPage, query: UserQuery) -> impl IntoView {
    let back = users_address(&query);
    let UsersPage { rows, roles, has_next, onsite, me } = page;
    if rows.is_empty() {
        return view! { <p>{t(Msg::NoUsersFound)}</p> }.into_any();
    }
    view! {
        <table class="users">
            <caption class="visually-hidden">{t(Msg::Users)}</caption>
            <thead>
                <tr>
                    <th scope="col">{t(Msg::Name)}</th>
                    <th scope="col">{t(Msg::UserId)}</th>
                    <th scope="col">{t(Msg::ColumnRole)}</th>
                    <th scope="col">{t(Msg::Status)}</th>
                    <th scope="col">{t(Msg::ColumnLastLogin)}</th>
                    <th scope="col">{t(Msg::SignInMethods)}</th>
                    <th scope="col">{t(Msg::ColumnTwoStep)}</th>
                    <th scope="col">{t(Msg::ColumnActions)}</th>
                </tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|row| view! { <UserRow row roles=roles.clone() onsite me back=back.clone()/> })
                    .collect_view()}
            </tbody>
        </table>
        <Pager page=query.page has_next link=move |n| users_address(&UserQuery { page: n, ..query.clone() })/>
    }
    .into_any()
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let query = query_in_address();
    let outcome = outcome_in_address();
    // Set by the server after "Set password": shown once, never in an address.
    let temporary = use_context::<TemporaryPassword>();
    let request = query.clone();
    let users = Resource::new_blocking(|| (), move |_| admin_users(request.clone()));
    let query = StoredValue::new(query);
    let temporary = StoredValue::new(temporary);
    view! {
        <Title text=t(Msg::Users)/>
        {settings_page(routes::SETTINGS_USERS, move |_| {
            let shown = query.get_value();
            view! {
                <h1>{t(Msg::Users)}</h1>
                <Outcome outcome/>
                {temporary.get_value().map(|shown| view! {
                    <p class="notice" role="status">
                        {tf(Msg::TemporaryPasswordShown, &[("user", &shown.user_id), ("password", &shown.password)])}
                    </p>
                })}
                <p><a class="button-link" href=routes::SETTINGS_ADD_USER>{t(Msg::AddUser)}</a></p>
                <form method="get" action=routes::SETTINGS_USERS class="filters" role="search">
                    <div class="field">
                        <label for="search">{t(Msg::Search)}</label>
                        <input id="search" name="q" type="search" value=shown.search.clone()
                            placeholder=t(Msg::SearchHint) maxlength="200"/>
                    </div>
                    <div class="field">
                        <label for="status">{t(Msg::Status)}</label>
                        <select id="status" name="status">
                            <option value="">{t(Msg::AllStatuses)}</option>
                            {UserState::ALL.into_iter().map(|state| view! {
                                <option value=state.as_str() selected=shown.status == Some(state)>{t(state.msg())}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <button type="submit" class="secondary">{t(Msg::Search)}</button>
                </form>
                <Suspense>
                    {move || Suspend::new(async move {
                        match users.await {
                            Ok(page) => view! { <UserTable page query=query.get_value()/> }.into_any(),
                            Err(_) => view! { <p class="error" role="alert">{t(Msg::TryAgainLater)}</p> }.into_any(),
                        }
                    })}
                </Suspense>
            }
        })}
    }
}
