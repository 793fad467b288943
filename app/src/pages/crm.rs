//! The CRM start page: who is signed in, the navigator and the personal settings menu.

use crate::components::navigator::Navigator;
use crate::components::notice::use_notice;
use crate::components::personal_menu::PersonalMenu;
use crate::components::signed_in::with_viewer;
use crate::components::top_bar::TopBar;
use crate::i18n::{t, tf, Msg};
use crate::model::Notice;
use crate::routes;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn CrmPage() -> impl IntoView {
    // After a login that picked one of several tenants for this email (no tenant was named).
    let other_tenants = use_notice(&[Notice::OtherTenants]).is_some();
    // After a login with a recovery code: how many are left (asked only then).
    let recovery =
        use_notice(&[Notice::RecoveryCodeUsed]).map(|_| Resource::new_blocking(|| (), |_| crate::api::my_two_step()));
    view! {
        <Title text=t(Msg::CrmTitle)/>
        {with_viewer(routes::LOGIN, move |viewer| view! {
            <TopBar><PersonalMenu/></TopBar>
            <div class="app-layout">
                <Navigator viewer=viewer.clone() current=routes::CRM/>
                <main>
                    <h1>{tf(Msg::Welcome, &[("name", &viewer.name)])}</h1>
                    <p>{tf(Msg::SignedInTo, &[("tenant", &viewer.tenant_name)])}</p>
                    {other_tenants.then(|| view! {
                        <p class="notice" role="status">
                            {tf(Msg::OtherTenants, &[("tenant", &viewer.tenant_name)])}" "
                            <a href=routes::RESET_LOGIN>{t(Msg::ResetLogin)}</a>
                        </p>
                    })}
                    {recovery.map(|summary| view! {
                        <Suspense>
                            {move || Suspend::new(async move {
                                let left = summary.await.map(|s| s.recovery_codes_left).unwrap_or_default();
                                view! {
                                    <p class="notice" role="status">
                                        {t(Msg::RecoveryCodeUsedNotice)}" "
                                        {tf(Msg::RecoveryCodesLeft, &[("count", &left.to_string())])}". "
                                        <a href=routes::TWO_STEP_SETTINGS>{t(Msg::MakeNewRecoveryCodes)}</a>
                                    </p>
                                }
                            })}
                        </Suspense>
                    })}
                </main>
            </div>
        })}
    }
}
