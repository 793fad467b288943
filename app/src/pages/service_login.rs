//! "Service" in the CRM navigator: the Service log in page. Its one button exchanges the CRM
//! session for a one-time ticket that Service redeems (see the server's `handoff`).

use crate::components::navigator::Navigator;
use crate::components::notice::{use_notice, NoticeLine};
use crate::components::personal_menu::PersonalMenu;
use crate::components::signed_in::with_viewer;
use crate::components::top_bar::TopBar;
use crate::i18n::{t, tf, Msg};
use crate::model::{Area, Notice};
use crate::routes;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ServiceLoginPage() -> impl IntoView {
    let notice = use_notice(&[Notice::SessionEnded, Notice::ServiceLoggedOut]);
    view! {
        <Title text=t(Msg::Service)/>
        {with_viewer(routes::LOGIN, move |viewer| view! {
            <TopBar><PersonalMenu/></TopBar>
            <div class="app-layout">
                <Navigator viewer=viewer.clone() current=routes::CRM_SERVICE/>
                <main>
                    <div class="card">
                        <h1>{t(Msg::Service)}</h1>
                        <NoticeLine notice area=Area::Service/>
                        {if viewer.can_service {
                            view! {
                                <p>{tf(Msg::ServiceLoginIntro, &[("name", &viewer.name), ("tenant", &viewer.tenant_name)])}</p>
                                <form method="post" action=routes::CRM_SERVICE_HANDOFF>
                                    <button type="submit" class="primary">{t(Msg::LogIn)}</button>
                                </form>
                            }
                                .into_any()
                        } else {
                            view! { <p class="error" role="alert">{t(Msg::NoServiceRight)}</p> }.into_any()
                        }}
                    </div>
                </main>
            </div>
        })}
    }
}
