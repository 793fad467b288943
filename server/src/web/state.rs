//! What the handlers share, and the flows they hand work to: each flow gets only the parts it
//! uses.

use super::page_cache::PageCache;
use crate::admin::Admin;
use crate::authn::passkey::Passkeys;
use crate::authn::password::PasswordCheck;
use crate::authn::second_step::SecondStep;
use crate::authn::sso::{RelyingParty, Sso};
use crate::clock::Clock;
use crate::db::Db;
use crate::handoff::Handoff;
use crate::hashing::PasswordHasher;
use crate::limits::Limits;
use crate::login::Login;
use crate::passwords::Passwords;
use crate::provider::keys::Keys;
use crate::sessions::{Sessions, Touches};
use crate::settings::Settings;
use crate::tenant_choice::TenantChoice;
use crate::terms::Terms;
use crate::test_mode::TestMode;
use crate::two_step::TwoStepSettings;
use crate::wakeup::MailSignal;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use std::sync::Arc;
use webauthn_rs::prelude::Webauthn;

/// Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub clock: Clock,
    pub settings: Arc<Settings>,
    pub hasher: Arc<PasswordHasher>,
    pub limits: Arc<Limits>,
    pub mail: Arc<MailSignal>,
    pub relying_party: Arc<RelyingParty>,
    /// The signing keys of Frontdoor as an OpenID provider.
    pub keys: Arc<Keys>,
    /// The WebAuthn relying party (passkeys): the public URL's host; none (and no passkeys)
    /// where it is an IP address.
    pub webauthn: Option<Arc<Webauthn>>,
    pub leptos: LeptosOptions,
    /// The CRM start page as rendered per person and language (see `page_cache`).
    /// Test mode's key and mailbox, when it is on (`--test-mode`).
    pub test_mode: Option<Arc<TestMode>>,
    pub pages: Arc<PageCache>,
    /// The `last_seen` writes under way (see `sessions::Touches`).
    pub touches: Arc<Touches>,
}

impl AppState {
    pub fn sessions(&self) -> Sessions<'_> {
        Sessions { db: &self.db, clock: &self.clock, touches: &self.touches }
    }

    pub fn login(&self) -> Login<'_> {
        Login { db: &self.db, clock: &self.clock, hasher: &self.hasher, limits: &self.limits }
    }

    pub fn passwords(&self) -> Passwords<'_> {
        Passwords { db: &self.db, clock: &self.clock, hasher: &self.hasher, limits: &self.limits, mail: &self.mail }
    }

    pub fn tenant_choice(&self) -> TenantChoice<'_> {
        TenantChoice { db: &self.db, clock: &self.clock, limits: &self.limits, mail: &self.mail }
    }

    pub fn handoff(&self) -> Handoff<'_> {
        Handoff { db: &self.db, clock: &self.clock }
    }

    pub fn terms(&self) -> Terms<'_> {
        Terms { db: &self.db, clock: &self.clock }
    }

    pub fn sso(&self) -> Sso<'_> {
        Sso {
            db: &self.db,
            clock: &self.clock,
            hasher: &self.hasher,
            limits: &self.limits,
            mail: &self.mail,
            rp: &self.relying_party,
        }
    }

    pub fn second_step(&self) -> SecondStep<'_> {
        SecondStep {
            db: &self.db,
            clock: &self.clock,
            limits: &self.limits,
            key: self.relying_party.key(),
            mail: &self.mail,
            issuer: "Frontdoor",
        }
    }

    pub fn passkeys(&self) -> Option<Passkeys<'_>> {
        let webauthn = self.webauthn.as_deref()?;
        Some(Passkeys { db: &self.db, clock: &self.clock, limits: &self.limits, webauthn, mail: &self.mail })
    }

    pub fn two_step_settings(&self) -> TwoStepSettings<'_> {
        let check = PasswordCheck { db: &self.db, clock: &self.clock, hasher: &self.hasher, limits: &self.limits };
        TwoStepSettings { step: self.second_step(), check }
    }

    pub fn admin(&self) -> Admin<'_> {
        Admin { db: &self.db, clock: &self.clock, hasher: &self.hasher, mail: &self.mail }
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}
