//! Personal settings → Two-step verification (`/crm/two-step`): which factors are set up;
//! "Set up" (a QR code and the key, then "Code" and "Confirm", then ten recovery codes shown
//! once); "New recovery codes"; "Turn off" (the password again). Plain form posts: the server
//! answers each with this page and what to show in context.

use crate::components::form_error::FormError;
use crate::components::navigator::Navigator;
use crate::components::notice::{use_notice, NoticeLine};
use crate::components::personal_menu::PersonalMenu;
use crate::components::signed_in::with_viewer;
use crate::components::top_bar::TopBar;
use crate::i18n::{t, tf, Msg};
use crate::model::{Area, Notice, TwoStepError, TwoStepSettingsView};
use crate::pages::two_step::{AuthenticatorToScan, RecoveryCodes};
use crate::routes;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn TwoStepSettingsPage() -> impl IntoView {
    let notice = use_notice(&[Notice::TwoStepOff]);
    let state = StoredValue::new(use_context::<TwoStepSettingsView>().unwrap_or_default());
    view! {
        <Title text=t(Msg::TwoStepHeading)/>
        {with_viewer(routes::LOGIN, move |viewer| view! {
            <TopBar><PersonalMenu/></TopBar>
            <div class="app-layout">
                <Navigator viewer/>
                <main class="card">
                    <h1>{t(Msg::TwoStepHeading)}</h1>
                    <NoticeLine notice area=Area::Crm/>
                    <TwoStepSettings state=state.get_value()/>
                </main>
            </div>
        })}
    }
}

#[component]
fn TwoStepSettings(state: TwoStepSettingsView) -> impl IntoView {
    let error = Signal::stored(state.error.map(TwoStepError::msg));
    if state.off {
        return view! { <p>{t(Msg::TwoStepOffByTenant)}</p> }.into_any();
    }
    if let Some(codes) = state.new_codes {
        return view! {
            <RecoveryCodes codes/>
            <p><a class="button-link" href=routes::TWO_STEP_SETTINGS>{t(Msg::SavedThem)}</a></p>
        }
        .into_any();
    }
    let status = view! {
        <p>{t(Msg::TwoStepSettingsIntro)}</p>
        {state.required.then(|| view! { <p>{t(Msg::TwoStepRequiredNote)}</p> })}
        <dl class="factors">
            <dt>{t(Msg::AuthenticatorApp)}</dt>
            <dd>{t(if state.authenticator { Msg::IsSetUp } else { Msg::NotSetUp })}</dd>
            {state.authenticator.then(|| view! {
                <dt>{t(Msg::RecoveryCodesHeading)}</dt>
                <dd>{tf(Msg::RecoveryCodesLeft, &[("count", &state.recovery_codes_left.to_string())])}</dd>
            })}
            <dt>{t(Msg::Passkeys)}</dt>
            <dd>{state.passkeys}</dd>
        </dl>
    };
    let actions = match (state.setup, state.authenticator) {
        (Some(setup), _) => view! {
            <AuthenticatorToScan secret=setup.secret qr_svg=setup.qr_svg/>
            <form method="post" action=routes::TWO_STEP_SETTINGS novalidate>
                <input type="hidden" name="action" value="confirm"/>
                <div class="field">
                    <label for="code">{t(Msg::Code)}</label>
                    <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code"
                        required autofocus aria-invalid=state.error.is_some().then_some("true")/>
                </div>
                <button type="submit" class="primary">{t(Msg::Confirm)}</button>
            </form>
        }
        .into_any(),
        (None, false) => view! {
            <form method="post" action=routes::TWO_STEP_SETTINGS>
                <input type="hidden" name="action" value="setup"/>
                <button type="submit" class="primary">{t(Msg::SetUp)}</button>
            </form>
        }
        .into_any(),
        (None, true) => view! {
            <form method="post" action=routes::TWO_STEP_SETTINGS>
                <input type="hidden" name="action" value="codes"/>
                <p>{t(Msg::NewRecoveryCodesIntro)}</p>
                <button type="submit" class="secondary">{t(Msg::NewRecoveryCodes)}</button>
            </form>
            {(!state.required || state.passkeys > 0).then(|| view! {
                <form method="post" action=routes::TWO_STEP_SETTINGS novalidate>
                    <input type="hidden" name="action" value="off"/>
                    <p>{t(Msg::TurnOffIntro)}</p>
                    <div class="field">
                        <label for="two-step-password">{t(Msg::Password)}</label>
                        <input id="two-step-password" name="password" type="password"
                            autocomplete="current-password" required/>
                    </div>
                    <button type="submit" class="secondary">{t(Msg::TurnOff)}</button>
                </form>
            })}
        }
        .into_any(),
    };
    view! {
        <FormError message=error/>
        {status}
        {actions}
    }
    .into_any()
}
