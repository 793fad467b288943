//! The start page of Settings and maintenance, with the tenant's sign-in security: who must
//! give a second factor.

use crate::api::{admin_two_step_policy, TwoStepPolicyView};
use crate::components::settings_layout::{outcome_in_address, settings_page, Outcome};
use crate::i18n::{t, tf, Msg};
use crate::routes;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let outcome = outcome_in_address();
    let policy = Resource::new_blocking(|| (), |_| admin_two_step_policy());
    view! {
        <Title text=t(Msg::SettingsAndMaintenance)/>
        {settings_page(routes::SETTINGS, move |viewer| view! {
            <h1>{t(Msg::SettingsAndMaintenance)}</h1>
            <p>{tf(Msg::SettingsWelcome, &[("tenant", &viewer.tenant_name)])}</p>
            <Outcome outcome/>
            <Suspense>
                {move || Suspend::new(async move {
                    match policy.await {
                        Ok(policy) => view! { <TwoStepPolicyForm policy/> }.into_any(),
                        Err(_) => view! { <p class="error" role="alert">{t(Msg::Unexpected)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        })}
    }
}

#[component]
fn TwoStepPolicyForm(policy: TwoStepPolicyView) -> impl IntoView {
    let levels = [
        ("off", Msg::PolicyOff),
        ("optional", Msg::PolicyOptional),
        ("settings", Msg::PolicySettings),
        ("required", Msg::PolicyRequired),
    ];
    view! {
        <section aria-labelledby="sign-in-security">
            <h2 id="sign-in-security">{t(Msg::SignInSecurity)}</h2>
            <form method="post" action=routes::SETTINGS_TWO_STEP>
                <div class="field">
                    <label for="two-step-level">{t(Msg::TwoStepPolicyLabel)}</label>
                    <select id="two-step-level" name="level">
                        {levels.into_iter().map(|(value, label)| {
                            let selected = policy.level == value;
                            view! { <option value=value selected=selected>{t(label)}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="two-step-grace">{t(Msg::GraceLogins)}</label>
                    <input id="two-step-grace" name="grace" type="number" min="0" max="100" inputmode="numeric"
                        value=policy.grace.to_string()/>
                </div>
                <div class="checkbox">
                    <input id="two-step-sso" name="for_sso" type="checkbox" checked=policy.for_sso/>
                    <label for="two-step-sso">{t(Msg::AskSsoToo)}</label>
                </div>
                <button type="submit" class="primary">{t(Msg::Save)}</button>
            </form>
        </section>
    }
}
