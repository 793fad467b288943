use crate::api::{current_viewer, Viewer};
use leptos::prelude::*;

/// Loads the signed-in person, blocking the HTML stream so the page works without JavaScript.
/// The server routes only signed-in requests to these pages; a session that ended since sends
/// the browser to `login_page`.
pub fn with_viewer<V: IntoView + 'static>(
    login_page: &'static str,
    page: impl Fn(Viewer) -> V + Send + Sync + Copy + 'static,
) -> impl IntoView {
    let viewer = Resource::new_blocking(|| (), |_| current_viewer());
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                match viewer.await {
                    Ok(viewer) => page(viewer).into_any(),
                    Err(_) => {
                        #[cfg(not(feature = "ssr"))]
                        let _ = window().location().set_href(&crate::model::Notice::SessionEnded.at(login_page));
                        #[cfg(feature = "ssr")]
                        let _ = login_page;
                        ().into_any()
                    }
                }
            })}
        </Suspense>
    }
}
