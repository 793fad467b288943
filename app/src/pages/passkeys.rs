//! Personal settings → Passkeys (`/crm/passkeys`): my passkeys, each with "Rename" and
//! "Remove" (plain forms), and "Add a passkey" (a WebAuthn registration run by the page's
//! script; without JavaScript, or in a browser without passkeys, the page says so instead).

use crate::components::navigator::Navigator;
use crate::components::notice::{use_notice, NoticeLine};
use crate::components::personal_menu::PersonalMenu;
use crate::components::signed_in::with_viewer;
use crate::components::top_bar::TopBar;
use crate::i18n::{t, tf, Msg};
use crate::model::{Area, Notice, PasskeyRow, PasskeysView};
use crate::routes;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn PasskeysPage() -> impl IntoView {
    let notice = use_notice(&[Notice::PasskeyAdded, Notice::PasskeyRemoved]);
    let state = StoredValue::new(use_context::<PasskeysView>().unwrap_or_default());
    view! {
        <Title text=t(Msg::Passkeys)/>
        {with_viewer(routes::LOGIN, move |viewer| view! {
            <TopBar><PersonalMenu/></TopBar>
            <div class="app-layout">
                <Navigator viewer/>
                <main class="card">
                    <h1>{t(Msg::Passkeys)}</h1>
                    <NoticeLine notice area=Area::Crm/>
                    <Passkeys state=state.get_value()/>
                </main>
            </div>
        })}
    }
}

#[component]
fn Passkeys(state: PasskeysView) -> impl IntoView {
    if state.off {
        return view! { <p>{t(Msg::PasskeysOffByTenant)}</p> }.into_any();
    }
    if state.unavailable {
        return view! { <p>{t(Msg::PasskeysUnavailable)}</p> }.into_any();
    }
    let list = if state.passkeys.is_empty() {
        view! { <p>{t(Msg::NoPasskeys)}</p> }.into_any()
    } else {
        view! {
            <ul class="passkeys">
                {state.passkeys.into_iter().map(|row| view! { <PasskeyItem row/> }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <p>{t(Msg::PasskeysIntro)}</p>
        {list}
        {if state.sign_in_again {
            view! { <p>{t(Msg::SignInAgainForPasskey)}</p> }.into_any()
        } else {
            view! { <AddPasskey ask_password=state.ask_password/> }.into_any()
        }}
        <p data-passkey-unsupported>{t(Msg::PasskeysNeedJavaScript)}</p>
        <script type="module" src=routes::PASSKEYS_SCRIPT></script>
    }
    .into_any()
}

/// "Add a passkey": a name, and the password again (a passkey logs in by itself).
#[component]
fn AddPasskey(ask_password: bool) -> impl IntoView {
    view! {
        <div class="add-passkey" data-passkey-add-box hidden>
            <form method="post" action=routes::PASSKEYS_REGISTER novalidate>
                <div class="field">
                    <label for="passkey-name">{t(Msg::PasskeyName)}</label>
                    <input id="passkey-name" name="name" type="text" maxlength="60" autocomplete="off"
                        value=t(Msg::DefaultPasskeyName)/>
                </div>
                {ask_password.then(|| view! {
                    <div class="field">
                        <label for="passkey-password">{t(Msg::Password)}</label>
                        <input id="passkey-password" name="password" type="password" maxlength="128"
                            autocomplete="current-password" required/>
                    </div>
                })}
                <button type="submit" class="primary">{t(Msg::AddPasskey)}</button>
            </form>
            <p class="error" role="alert" data-passkey-wrong-password hidden>{t(Msg::WrongCurrentPassword)}</p>
            <p class="error" role="alert" data-passkey-error hidden>{t(Msg::PasskeyFailed)}</p>
        </div>
    }
}

#[component]
fn PasskeyItem(row: PasskeyRow) -> impl IntoView {
    let rename_field = format!("rename-{}", row.id);
    let last_used = row.last_used.unwrap_or_else(|| t(Msg::Never).to_string());
    view! {
        <li>
            <p class="passkey-name"><strong>{row.name.clone()}</strong></p>
            <p class="passkey-dates">
                {t(Msg::ColumnCreated)}": "{row.created}" · "{t(Msg::ColumnLastUsed)}": "{last_used}
            </p>
            <form method="post" action=routes::PASSKEYS class="inline-form">
                <input type="hidden" name="action" value="rename"/>
                <input type="hidden" name="id" value=row.id.clone()/>
                <label class="visually-hidden" for=rename_field.clone()>{t(Msg::PasskeyName)}</label>
                <input id=rename_field name="name" type="text" maxlength="60" value=row.name.clone()/>
                <button type="submit" class="secondary">{tf(Msg::RenamePasskey, &[("name", &row.name)])}</button>
            </form>
            <form method="post" action=routes::PASSKEYS>
                <input type="hidden" name="action" value="remove"/>
                <input type="hidden" name="id" value=row.id/>
                <button type="submit" class="secondary">{tf(Msg::RemovePasskey, &[("name", &row.name)])}</button>
            </form>
        </li>
    }
}
