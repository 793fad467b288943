//! The CRM start page, rendered once per (person as shown, language) and kept: the page every
//! signed-in request lands on, and one whose HTML depends on nothing else. Each answer puts
//! the request's fresh CSP nonce into the kept HTML.
//!
//! Only the page is kept, never the decision to show it: the route group's sign-in layer has
//! resolved the session (expiry, revocation, the user's status and rights, the two-step
//! policy) before this runs, on every request. The key is everything the page shows, so a
//! renamed person, tenant or changed right is a different key, never a stale page.

use app::i18n::Lang;
use app::model::Viewer;
use app::routes;
use axum::body::Body;
use axum::response::Response;
use http::request::Parts;
use http::{HeaderMap, Method, StatusCode};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Stands for the nonce in the kept HTML (the nonce is URL-safe base64, so never this).
pub const NONCE_MARK: &str = "{frontdoor-nonce}";
/// Entries kept before the cache starts over (a page is about 4 KB).
const CAPACITY: usize = 4096;

#[derive(Default)]
pub struct PageCache {
    pages: Mutex<HashMap<Key, Arc<KeptPage>>>,
}

#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Key {
    lang: Lang,
    viewer: Viewer,
}

pub struct KeptPage {
    status: StatusCode,
    headers: HeaderMap,
    html: String,
}

impl PageCache {
    /// The key of a request this cache may answer: the CRM start page itself (no notice in
    /// its query), for a signed-in viewer.
    pub fn key(parts: &Parts) -> Option<Key> {
        let plain_get = matches!(parts.method, Method::GET | Method::HEAD);
        if !plain_get || parts.uri.path() != routes::CRM || parts.uri.query().is_some() {
            return None;
        }
        let viewer = parts.extensions.get::<Viewer>()?.clone();
        // A name that spells the mark would have the nonce put into it: such a page is not kept.
        let shown = [&viewer.name, &viewer.login_name, &viewer.tenant_name, &viewer.tenant_slug];
        if shown.iter().any(|text| text.contains(NONCE_MARK)) {
            return None;
        }
        let lang = parts.extensions.get::<Lang>().copied().unwrap_or_default();
        Some(Key { lang, viewer })
    }

    pub fn get(&self, key: &Key) -> Option<Arc<KeptPage>> {
        self.pages.lock().ok()?.get(key).cloned()
    }

    /// Reads a page rendered with [`NONCE_MARK`] as its nonce, and keeps it when it is the
    /// page itself (200).
    pub async fn keep(&self, key: Key, response: Response) -> Arc<KeptPage> {
        let (parts, body) = response.into_parts();
        let html = match axum::body::to_bytes(body, 1 << 20).await.map(|b| String::from_utf8(b.into())) {
            Ok(Ok(html)) => html,
            _ => {
                return Arc::new(KeptPage {
                    status: StatusCode::INTERNAL_SERVER_ERROR,
                    headers: HeaderMap::new(),
                    html: String::new(),
                })
            }
        };
        let page = Arc::new(KeptPage { status: parts.status, headers: parts.headers, html });
        if page.status == StatusCode::OK {
            if let Ok(mut pages) = self.pages.lock() {
                if pages.len() >= CAPACITY {
                    pages.clear();
                }
                pages.insert(key, page.clone());
            }
        }
        page
    }
}

impl KeptPage {
    pub fn answer(&self, nonce: &str) -> Response {
        let mut response = Response::new(Body::from(self.html.replace(NONCE_MARK, nonce)));
        *response.status_mut() = self.status;
        *response.headers_mut() = self.headers.clone();
        response.headers_mut().remove(http::header::CONTENT_LENGTH);
        response
    }
}
