//! One button per single sign-on provider: "Log in with {name}" on the login page, "Activate
//! with {name}" on an invitation. Each is a plain form post that sends the browser to the
//! provider; no script is needed.

use crate::i18n::{t, tf, Msg};
use crate::model::SsoButton;
use leptos::prelude::*;

#[component]
pub fn SsoButtons(
    providers: Vec<SsoButton>,
    /// `Msg::LogInWith` or `Msg::ActivateWith`.
    label: Msg,
    /// Where the forms post.
    action: &'static str,
) -> impl IntoView {
    (!providers.is_empty()).then(|| {
        view! {
            <section class="sso" aria-label=t(Msg::SsoProviders)>
                {providers
                    .into_iter()
                    .map(|provider| {
                        view! {
                            <form method="post" action=action>
                                <input type="hidden" name="provider" value=provider.id.to_string()/>
                                <button type="submit" class="sso-button">
                                    {tf(label, &[("name", &provider.name)])}
                                </button>
                            </form>
                        }
                    })
                    .collect_view()}
            </section>
        }
    })
}
