//! The few pages that are not worth a Leptos round: a title, a card, no script of their own
//! beyond what the caller passes in.

use crate::html::escape;
use app::i18n::Lang;
use axum::response::Html;

pub fn plain_page(lang: Lang, title: &str, body: &str) -> Html<String> {
    Html(format!(
        r#"<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title><link rel="stylesheet" href="/pkg/frontdoor.css"></head><body><main class="card">{body}</main></body></html>"#,
        lang = lang.code(),
        title = escape(title),
    ))
}
