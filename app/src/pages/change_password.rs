//! Personal settings → Change password (`/crm/password`): a plain form post; success keeps this
//! session and ends the others.

use crate::api::{my_password_owner, AppError, PasswordEcho, PasswordField, PasswordOwner};
use crate::components::form_error::FormError;
use crate::components::navigator::Navigator;
use crate::components::notice::{use_notice, NoticeLine};
use crate::components::password_fields::{field_error, invalid, new_password_phrases, NewPasswordFields};
use crate::components::personal_menu::PersonalMenu;
use crate::components::signed_in::with_viewer;
use crate::components::top_bar::TopBar;
use crate::i18n::{t, Msg};
use crate::model::{Area, Notice};
use crate::routes;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let notice = use_notice(&[Notice::PasswordChanged, Notice::TemporaryPassword]);
    // Set by the server when the form was refused.
    let echo = use_context::<PasswordEcho>().unwrap_or_default();
    let echo = StoredValue::new(echo);
    let owner = Resource::new_blocking(|| (), |_| my_password_owner());
    view! {
        <Title text=t(Msg::ChangePassword)/>
        {with_viewer(routes::LOGIN, move |viewer| view! {
            <TopBar><PersonalMenu/></TopBar>
            <div class="app-layout">
                <Navigator viewer=viewer current=routes::CHANGE_PASSWORD/>
                <main class="card">
                    <h1>{t(Msg::ChangePassword)}</h1>
                    <NoticeLine notice area=Area::Crm/>
                    <ChangePasswordForm echo=echo.get_value() owner/>
                </main>
            </div>
        })}
    }
}

#[component]
fn ChangePasswordForm(echo: PasswordEcho, owner: Resource<Result<PasswordOwner, AppError>>) -> impl IntoView {
    view! {
        <Suspense>
            {move || {
                let echo = echo.clone();
                Suspend::new(async move {
                    let Ok(owner) = owner.await else { return ().into_any() };
                    if !owner.has_password {
                        return view! { <p>{t(Msg::SsoOnlyPassword)}</p> }.into_any();
                    }
                    let current_invalid = invalid(echo.error.as_ref(), PasswordField::Current);
                    let phrases =
                        new_password_phrases(Msg::NewPassword, Msg::ConfirmPassword, echo.error.as_ref());
                    view! {
                        <p>{t(Msg::ChangePasswordIntro)}</p>
                        <FormError message=field_error(echo.error.clone(), PasswordField::Form)/>
                        <form method="post" action=routes::CHANGE_PASSWORD novalidate>
                            <input type="hidden" name="username" autocomplete="username" value=owner.login_name.clone()/>
                            <div class="field">
                                <label for="current-password">{t(Msg::CurrentPassword)}</label>
                                <input
                                    id="current-password"
                                    name="current"
                                    type="password"
                                    autocomplete="current-password"
                                    required
                                    aria-describedby="current-password-error"
                                    aria-invalid=current_invalid
                                />
                                <FormError
                                    message=field_error(echo.error.clone(), PasswordField::Current)
                                    id="current-password-error"
                                />
                            </div>
                            <NewPasswordFields
                                new_label=Msg::NewPassword
                                confirm_label=Msg::ConfirmPassword
                                user_inputs=owner.user_inputs
                                error=echo.error
                                phrases
                            />
                            <button type="submit" class="primary">{t(Msg::Ok)}</button>
                        </form>
                    }
                    .into_any()
                })
            }}
        </Suspense>
    }
}
