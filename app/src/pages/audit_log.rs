//! Settings and maintenance → Audit log: the tenant's events, newest first, filtered by user,
//! kind and dates, 50 a page. Read-only.

use crate::api::{admin_audit, audit_kind_msg, AuditLine, AuditPage, AuditQuery, AUDIT_KINDS};
use crate::components::pager::Pager;
use crate::components::settings_layout::settings_page;
use crate::domain::encode_query_component;
use crate::i18n::{t, Msg};
use crate::routes;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn audit_address(query: &AuditQuery) -> String {
    let fields = [("user", &query.user), ("kind", &query.kind), ("from", &query.from), ("to", &query.to)];
    let mut parts: Vec<String> = fields
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(name, value)| format!("{name}={}", encode_query_component(value)))
        .collect();
    if query.page > 1 {
        parts.push(format!("page={}", query.page));
    }
    if parts.is_empty() {
        routes::SETTINGS_AUDIT.to_string()
    } else {
        format!("{}?{}", routes::SETTINGS_AUDIT, parts.join("&"))
    }
}

fn query_in_address() -> AuditQuery {
    let query = use_query_map();
    let query = query.read_untracked();
    let field = |name: &str| query.get(name).unwrap_or_default().chars().take(254).collect::<String>();
    AuditQuery {
        user: field("user"),
        kind: field("kind"),
        from: field("from"),
        to: field("to"),
        page: query.get("page").and_then(|p| p.parse().ok()).filter(|p| *p >= 1).unwrap_or(1),
    }
}

#[component]
fn AuditTable(page: AuditPage, query: AuditQuery) -> impl IntoView {
    if page.lines.is_empty() {
        return view! { <p>{t(Msg::NoAuditEvents)}</p> }.into_any();
    }
    let line = |line: AuditLine| {
        view! {
            <tr>
                <td data-label=t(Msg::ColumnTime)>{line.at}</td>
                <td data-label=t(Msg::ColumnEvent)>{kind_name(&line.event)}</td>
                <td data-label=t(Msg::ColumnOutcome)>{line.outcome}</td>
                <td data-label=t(Msg::ColumnUser)>{line.user}</td>
                <td data-label=t(Msg::ColumnActor)>{line.actor}</td>
                <td data-label=t(Msg::ColumnAddress)>{line.address}</td>
                <td data-label=t(Msg::ColumnBrowser)>{line.browser}</td>
                <td data-label=t(Msg::ColumnDetail)>{line.detail}</td>
            </tr>
        }
    };
    view! {
        <table class="audit">
            <caption class="visually-hidden">{t(Msg::AuditLog)}</caption>
            <thead>
                <tr>
                    <th scope="col">{t(Msg::ColumnTime)}</th>
                    <th scope="col">{t(Msg::ColumnEvent)}</th>
                    <th scope="col">{t(Msg::ColumnOutcome)}</th>
                    <th scope="col">{t(Msg::ColumnUser)}</th>
                    <th scope="col">{t(Msg::ColumnActor)}</th>
                    <th scope="col">{t(Msg::ColumnAddress)}</th>
                    <th scope="col">{t(Msg::ColumnBrowser)}</th>
                    <th scope="col">{t(Msg::ColumnDetail)}</th>
                </tr>
            </thead>
            <tbody>{page.lines.into_iter().map(line).collect_view()}</tbody>
        </table>
        <Pager page=query.page has_next=page.has_next link=move |n| audit_address(&AuditQuery { page: n, ..query.clone() })/>
    }
    .into_any()
}

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let query = query_in_address();
    let request = query.clone();
    let audit = Resource::new_blocking(|| (), move |_| admin_audit(request.clone()));
    let query = StoredValue::new(query);
    view! {
        <Title text=t(Msg::AuditLog)/>
        {settings_page(routes::SETTINGS_AUDIT, move |_| {
            let shown = query.get_value();
            view! {
                <h1>{t(Msg::AuditLog)}</h1>
                <p>{t(Msg::AuditReadOnly)}</p>
                <form method="get" action=routes::SETTINGS_AUDIT class="filters" role="search">
                    <div class="field">
                        <label for="audit-user">{t(Msg::UserId)}</label>
                        <input id="audit-user" name="user" type="text" value=shown.user.clone() autocapitalize="none"
                            spellcheck="false"/>
                    </div>
                    <div class="field">
                        <label for="audit-kind">{t(Msg::Kind)}</label>
                        <select id="audit-kind" name="kind">
                            <option value="">{t(Msg::AllKinds)}</option>
                            {AUDIT_KINDS.iter().map(|kind| view! {
                                <option value=*kind selected=shown.kind == *kind>{kind_name(kind)}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="audit-from">{t(Msg::DateFrom)}</label>
                        <input id="audit-from" name="from" type="date" value=shown.from.clone()/>
                    </div>
                    <div class="field">
                        <label for="audit-to">{t(Msg::DateTo)}</label>
                        <input id="audit-to" name="to" type="date" value=shown.to.clone()/>
                    </div>
                    <button type="submit" class="secondary">{t(Msg::Filter)}</button>
                </form>
                <Suspense>
                    {move || Suspend::new(async move {
                        match audit.await {
                            Ok(page) => view! { <AuditTable page query=query.get_value()/> }.into_any(),
                            Err(_) => view! { <p class="error" role="alert">{t(Msg::TryAgainLater)}</p> }.into_any(),
                        }
                    })}
                </Suspense>
            }
        })}
    }
}

/// An event's kind as the audit log names it, in the page's language.
fn kind_name(kind: &str) -> String {
    audit_kind_msg(kind).map_or_else(|| kind.to_string(), |msg| t(msg).to_string())
}
