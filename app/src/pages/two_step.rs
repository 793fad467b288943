//! The sign-in's "Two-step verification" (`/two-step`): after the right password, a code from
//! the authenticator app ("Code", "Verify"), or one of the recovery codes ("Use a recovery
//! code"); where the tenant requires a second factor that is not set up yet, setting up an
//! authenticator there and then, and its recovery codes once. Plain form posts; the server
//! keeps the half-signed-in state (an HttpOnly cookie) and puts what to show in context.

use crate::components::form_error::FormError;
use crate::components::top_bar::TopBar;
use crate::i18n::{t, Msg};
use crate::model::{SecondStepMode, SecondStepView, TwoStepError};
use crate::routes;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn TwoStepPage() -> impl IntoView {
    let view = use_context::<SecondStepView>().unwrap_or(SecondStepView {
        mode: SecondStepMode::Code,
        error: Some(TwoStepError::Expired),
        authenticator: false,
        passkeys: false,
    });
    let expired = view.error == Some(TwoStepError::Expired);
    let error = Signal::stored(view.error.map(TwoStepError::msg));
    let body = if expired {
        view! { <p><a href=routes::LOGIN>{t(Msg::BackToLogin)}</a></p> }.into_any()
    } else {
        match view.mode {
            SecondStepMode::Code if !view.authenticator && view.passkeys => view! {
                <PasskeyStep/>
                <p data-passkey-unsupported>{t(Msg::PasskeysNeedJavaScript)}</p>
            }
            .into_any(),
            SecondStepMode::Code => view! {
                <p>{t(Msg::TwoStepCodeIntro)}</p>
                <CodeForm step="code" label=Msg::Code button=Msg::Verify error=view.error/>
                <p><a href=format!("{}?with=recovery", routes::TWO_STEP)>{t(Msg::UseRecoveryCode)}</a></p>
                {view.passkeys.then(|| view! { <PasskeyStep/> })}
            }
            .into_any(),
            SecondStepMode::RecoveryCode => view! {
                <p>{t(Msg::RecoveryCodeIntro)}</p>
                <CodeForm step="recovery" label=Msg::RecoveryCode button=Msg::Verify error=view.error/>
                {view.authenticator.then(|| view! {
                    <p><a href=routes::TWO_STEP>{t(Msg::UseAuthenticator)}</a></p>
                })}
            }
            .into_any(),
            SecondStepMode::Enrol(setup) => view! {
                <p>{t(Msg::EnrolIntro)}</p>
                <AuthenticatorToScan secret=setup.secret qr_svg=setup.qr_svg/>
                <CodeForm step="enrol" label=Msg::Code button=Msg::Confirm error=view.error/>
            }
            .into_any(),
            SecondStepMode::RecoveryCodes { codes, next } => view! {
                <RecoveryCodes codes/>
                <p><a class="button-link" href=next>{t(Msg::SavedThem)}</a></p>
            }
            .into_any(),
        }
    };
    view! {
        <Title text=t(Msg::TwoStepHeading)/>
        <TopBar/>
        <main class="card">
            <h1>{t(Msg::TwoStepHeading)}</h1>
            <FormError message=error/>
            {body}
        </main>
    }
}

/// "Use a passkey", shown by the passkey script where the browser has passkeys.
#[component]
fn PasskeyStep() -> impl IntoView {
    view! {
        <div class="passkey-step" data-passkey-step-box hidden>
            <button type="button" class="secondary" data-passkey-step>{t(Msg::UsePasskey)}</button>
            <p class="error" role="alert" data-passkey-error hidden>{t(Msg::PasskeyFailed)}</p>
        </div>
        <script type="module" src=routes::PASSKEYS_SCRIPT></script>
    }
}

/// One code field and its button, posting to the sign-in's second step.
#[component]
fn CodeForm(step: &'static str, label: Msg, button: Msg, error: Option<TwoStepError>) -> impl IntoView {
    let numeric = step != "recovery";
    let invalid = matches!(error, Some(TwoStepError::EnterCode | TwoStepError::WrongCode)).then_some("true");
    view! {
        <form method="post" action=routes::TWO_STEP novalidate>
            <input type="hidden" name="step" value=step/>
            <div class="field">
                <label for="code">{t(label)}</label>
                <input
                    id="code"
                    name="code"
                    type="text"
                    inputmode=numeric.then_some("numeric")
                    autocomplete=if numeric { "one-time-code" } else { "off" }
                    autocapitalize="none"
                    spellcheck="false"
                    required
                    autofocus
                    aria-invalid=invalid
                />
            </div>
            <button type="submit" class="primary">{t(button)}</button>
        </form>
    }
}

/// An authenticator to set up: its QR code, and its key as text for typing.
#[component]
pub fn AuthenticatorToScan(secret: String, qr_svg: String) -> impl IntoView {
    view! {
        <p>{t(Msg::ScanQrCode)}</p>
        <div class="qr-code" inner_html=qr_svg></div>
        <p class="secret-key">
            {t(Msg::SecretKey)}": "<code>{secret}</code>
        </p>
    }
}

/// New recovery codes, shown once, with "Download" (a text file made in the page).
#[component]
pub fn RecoveryCodes(codes: Vec<String>) -> impl IntoView {
    let file = crate::domain::encode_query_component(&format!("{}\n", codes.join("\n")));
    view! {
        <h2>{t(Msg::RecoveryCodesHeading)}</h2>
        <p>{t(Msg::RecoveryCodesIntro)}</p>
        <ul class="recovery-codes" aria-label=t(Msg::RecoveryCodesHeading)>
            {codes.into_iter().map(|code| view! { <li><code>{code}</code></li> }).collect_view()}
        </ul>
        <p>
            <a download="frontdoor-recovery-codes.txt" href=format!("data:text/plain;charset=utf-8,{file}")>
                {t(Msg::Download)}
            </a>
        </p>
    }
}
