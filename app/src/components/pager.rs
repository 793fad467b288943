use crate::i18n::{t, tf, Msg};
use leptos::prelude::*;

/// "Previous page" / "Page n" / "Next page" under a list; `link(page)` is that page's address.
#[component]
pub fn Pager(page: u32, has_next: bool, link: impl Fn(u32) -> String + 'static) -> impl IntoView {
    let previous = (page > 1).then(|| link(page - 1));
    let next = has_next.then(|| link(page + 1));
    view! {
        <nav class="pager" aria-label=tf(Msg::PageNumber, &[("page", &page.to_string())])>
            {previous.map(|href| view! { <a href=href rel="prev">{t(Msg::PreviousPage)}</a> })}
            <span>{tf(Msg::PageNumber, &[("page", &page.to_string())])}</span>
            {next.map(|href| view! { <a href=href rel="next">{t(Msg::NextPage)}</a> })}
        </nav>
    }
}
