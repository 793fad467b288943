//! The few pages that are not worth a Leptos round: a title, a card, no script of their own
//! beyond what the caller passes in.

use crate::html::escape;
use app::i18n::Lang;
use axum::response::{Html, IntoResponse, Response};
use http::header::CACHE_CONTROL;
use http::{HeaderName, HeaderValue};

pub fn plain_page(lang: Lang, title: &str, body: &str) -> Html<String> {
    Html(format!(
        r#"<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title><link rel="stylesheet" href="/pkg/frontdoor.css"></head><body><main class="card">{body}</main></body></html>"#,
        lang = lang.code(),
        title = escape(title),
    ))
}

/// A page that goes on to `address` at once (`Refresh: 0`), with a link for the rare browser
/// that does not: how a form post of this site leads to another origin, which the page's CSP
/// (`form-action`) rightly forbids a redirect to.
pub fn going_on(lang: Lang, title: &str, address: &str, link: &str) -> Response {
    let body = format!(
        r#"<h1>{title}</h1><p><a href="{address}">{link}</a></p>"#,
        title = escape(title),
        address = escape(address),
        link = escape(link),
    );
    let mut response = plain_page(lang, title, &body).into_response();
    if let Ok(refresh) = HeaderValue::from_str(&format!("0; url={address}")) {
        response.headers_mut().insert(HeaderName::from_static("refresh"), refresh);
    }
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
