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
    /// Where to go once signed in (an app's sign-in in flight), if not the start page.
    #[prop(default = None)]
    next: Option<String>,
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
                                {next.clone().filter(|n| !n.is_empty()).map(|next| view! { <input type="hidden" name="next" value=next/> })}
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
