//! The line a page shows for the notice in its address (`?notice=…`), when it is one of the
//! notices the page expects.

use crate::i18n::t;
use crate::model::{Area, Notice};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The notice in the address, if it is one of `expected`.
pub fn use_notice(expected: &[Notice]) -> Option<Notice> {
    let slug = use_query_map().read_untracked().get("notice")?;
    Notice::parse(&slug).filter(|notice| expected.contains(notice))
}

#[component]
pub fn NoticeLine(notice: Option<Notice>, area: Area) -> impl IntoView {
    notice.map(|notice| view! { <p class="notice" role="status">{t(notice.msg(area))}</p> })
}
