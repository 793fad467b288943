//! Who a provider's person is in the provider's tenant: the user linked to their subject, else
//! the user with their verified email. A provider links (or creates) on its own only where it
//! can vouch for the address: its domain is one of the provider's, and for the presets the
//! account is the organisation's (Google's `hd`, Entra ID's directory). Anywhere else the
//! person proves the existing account first: a provider that anyone can sign up with must not
//! take over an account by naming its address.

use super::{storage, Identity, Matched, Sso, SsoError};
use crate::audit::{self, Event, Origin, Subject};
use crate::authn::Refusal;
use crate::client::ClientInfo;
use crate::db::{
    CreateUserError, NewUser, Preset, ProviderRow, SsoActivation, SsoStrategy, Tenant, TokenKind, UserRecord,
    UserStatus, USER_ROLE,
};
use crate::tokens::Token;
use app::domain::LoginName;
use app::model::LinkKind;
use secrecy::SecretString;

/// The directory an Entra ID issuer stands for (`https://login.microsoftonline.com/{id}/v2.0`).
fn microsoft_directory(issuer: &str) -> Option<String> {
    let rest = issuer.strip_prefix("https://login.microsoftonline.com/")?;
    rest.split('/').next().filter(|id| !id.is_empty()).map(str::to_ascii_lowercase)
}

impl Sso<'_> {
    /// Whether the provider answers for this address: its domain is one of the provider's,
    /// and for the presets the account belongs to the organisation, not to a consumer.
    async fn vouches_for(&self, provider: &ProviderRow, identity: &Identity, email: &str) -> Result<bool, SsoError> {
        let domain = email.rsplit_once('@').map(|(_, d)| d).unwrap_or_default();
        let domains = self.db.provider_domains(provider.id).await.map_err(storage)?;
        if !domains.iter().any(|d| d == domain) {
            return Ok(false);
        }
        Ok(match provider.preset {
            Preset::Google => identity.hosted_domain.as_deref() == Some(domain),
            Preset::Microsoft => {
                identity.directory.is_some() && identity.directory == microsoft_directory(&provider.issuer)
            }
            Preset::Oidc => true,
        })
    }

    /// The user of the provider's tenant this person is.
    pub(super) async fn match_user(
        &self,
        provider: &ProviderRow,
        tenant: &Tenant,
        identity: &Identity,
        client: &ClientInfo,
    ) -> Result<Matched, SsoError> {
        if let Some(user_id) = self.db.identity_user(provider.id, &identity.subject).await.map_err(storage)? {
            let user = self.db.user_by_id(user_id).await.map_err(storage)?.ok_or(SsoError::NoAccount)?;
            return Ok(Matched::User(user));
        }
        let email = identity.verified_email()?;
        let vouched = self.vouches_for(provider, identity, &email).await?;
        if let Some(user) = self.db.user_by_email_in(tenant.id, &email).await.map_err(storage)? {
            if user.status != UserStatus::Active {
                return Err(SsoError::Refused(Refusal::NotActive));
            }
            if !vouched {
                return Ok(Matched::ProveFirst(user));
            }
            let link = crate::db::IdentityLink {
                provider_id: provider.id,
                provider_name: &provider.name,
                subject: &identity.subject,
                user: &user,
            };
            // A user linked to another identity at this provider is not someone else's to take.
            if !self.db.link_identity(&link, self.clock.now()).await.map_err(storage)? {
                return Err(SsoError::NoAccount);
            }
            self.mail.wake();
            let event = Event::SsoLinked { provider: provider.name.clone(), proof: "domain" };
            audit::record(self.db, self.clock, event, Subject::user(tenant.id, user.id), Origin::Client(client)).await;
            return Ok(Matched::User(user));
        }
        let policy = self.db.sign_in_policy(tenant.id).await.map_err(storage)?.ok_or(SsoError::NoAccount)?;
        // Users are created only where the provider vouches for the domain, so that a public
        // provider (anyone can have a Google account) cannot fill a tenant with strangers.
        if policy.strategy != SsoStrategy::Create || !vouched {
            return Err(SsoError::NoAccount);
        }
        let user = self.create_user(provider, tenant, policy.default_role_id, &email, identity, client).await?;
        Ok(Matched::User(user))
    }

    async fn create_user(
        &self,
        provider: &ProviderRow,
        tenant: &Tenant,
        default_role: Option<i64>,
        email: &str,
        identity: &Identity,
        client: &ClientInfo,
    ) -> Result<UserRecord, SsoError> {
        let login = LoginName::parse(email).map_err(|_| SsoError::NoAccount)?;
        let role_id = match default_role {
            Some(id) => id,
            None => self.db.role_by_name(tenant.id, USER_ROLE).await.map_err(storage)?.ok_or(SsoError::NoAccount)?.id,
        };
        // A password nobody knows: "Forgot your password?" gives them one of their own.
        let random = Token::generate();
        let hash = self.hasher.hash(SecretString::from(random.expose().to_string())).await.map_err(|err| {
            tracing::error!(error = ?err, "sso: hashing failed");
            SsoError::Unavailable
        })?;
        let name = identity.name.clone().unwrap_or_else(|| email.to_string());
        let new_user = NewUser {
            tenant_id: tenant.id,
            role_id,
            login_name: login.as_str(),
            email: Some(login.as_str()),
            display_name: &name,
            status: UserStatus::Active,
            password_hash: Some(hash),
            language: None,
        };
        let created = self.db.create_sso_user(&new_user, provider.id, &identity.subject, self.clock.now()).await;
        let user_id = match created {
            Ok(id) => id,
            // Created by a parallel first login a moment ago: theirs is the user.
            Err(CreateUserError::Duplicate(_)) => return Err(SsoError::NoAccount),
            Err(CreateUserError::Db(err)) => return Err(storage(err)),
        };
        let event = Event::SsoUserCreated { provider: provider.name.clone() };
        audit::record(self.db, self.clock, event, Subject::user(tenant.id, user_id), Origin::Client(client)).await;
        tracing::info!(user_id, tenant = %tenant.slug, "sso: user created on first login");
        self.db.user_by_id(user_id).await.map_err(storage)?.ok_or(SsoError::Unavailable)
    }

    /// "Activate with …": the provider's verified email must be the invitation's (the link in
    /// the person's mailbox proves the account).
    pub(super) async fn activate(
        &self,
        provider: &ProviderRow,
        link_hash: &str,
        identity: &Identity,
        client: &ClientInfo,
    ) -> Result<UserRecord, SsoError> {
        let now = self.clock.now();
        let kind = TokenKind::Link(LinkKind::Activation);
        let owner = self.db.peek_one_time_token(link_hash, kind, now).await.map_err(storage)?;
        let user = match owner {
            Some(id) => self.db.user_by_id(id).await.map_err(storage)?,
            None => None,
        };
        let user = user.filter(|u| u.status == UserStatus::Invited && u.tenant_id == provider.tenant_id);
        let user = user.ok_or(SsoError::LinkInvalid)?;
        let email = identity.verified_email()?;
        let invited = user.email.as_deref().unwrap_or(&user.login_name).to_ascii_lowercase();
        if email != invited {
            return Err(SsoError::WrongAccount);
        }
        match self.db.activate_with_sso(link_hash, user.id, provider.id, &identity.subject, now).await {
            Ok(SsoActivation::Activated) => {}
            Ok(SsoActivation::LinkInvalid) => return Err(SsoError::LinkInvalid),
            Ok(SsoActivation::IdentityTaken) => return Err(SsoError::WrongAccount),
            Err(err) => return Err(storage(err)),
        }
        let event = Event::SsoActivated { provider: provider.name.clone() };
        audit::record(self.db, self.clock, event, Subject::user(user.tenant_id, user.id), Origin::Client(client)).await;
        self.db.user_by_id(user.id).await.map_err(storage)?.ok_or(SsoError::Unavailable)
    }
}

#[cfg(test)]
mod tests {
    use super::microsoft_directory;

    #[test]
    fn an_entra_issuer_names_its_directory() {
        let issuer = "https://login.microsoftonline.com/9188040D-6C67-4C5B-B112-36A304B66DAD/v2.0";
        assert_eq!(microsoft_directory(issuer).as_deref(), Some("9188040d-6c67-4c5b-b112-36a304b66dad"));
        assert_eq!(microsoft_directory("https://accounts.google.com"), None);
    }
}
