//! Settings and maintenance: what an administrator reads and changes in their own tenant. Every
//! method takes the [`Actor`] (whose tenant bounds everything it may see or touch) and writes
//! its audit event with the administrator as actor.

use crate::audit::{self, Event, Origin, Subject};
use crate::client::ClientInfo;
use crate::clock::Clock;
use crate::db::{
    AuditFilter, ChangeError, CreateUserError, Db, MailKind, NewUser, PasswordChange, Rights, Role, TwoStepPolicy,
    UserChange, UserFilter, UserStatus,
};
use crate::hashing::{HashError, PasswordHasher};
use crate::wakeup::MailSignal;
use app::domain::{format_utc, parse_date, Email, LinkKind, LoginName, LoginNameError};
use app::i18n::{Lang, Msg};
use app::model::{
    AddUserField, AdminOutcome, AuditLine, AuditPage, AuditQuery, LinkedProvider, RoleOption, RoleRow, UserListRow,
    UserQuery, UserState, UsersPage, AUDIT_KINDS, PAGE_SIZE,
};
use rand::Rng;
use secrecy::SecretString;

pub struct Admin<'a> {
    pub db: &'a Db,
    pub clock: &'a Clock,
    pub hasher: &'a PasswordHasher,
    pub mail: &'a MailSignal,
}

/// Who acts, in which tenant: an administrator from their browser, or the command line (the
/// installation's operator, above every user level).
#[derive(Clone, Copy)]
pub struct Actor<'a> {
    pub tenant_id: i64,
    pub by: By<'a>,
}

#[derive(Clone, Copy)]
pub enum By<'a> {
    Admin {
        user_id: i64,
        /// Their role's user level: they act on no one more powerful (a lower level).
        level: i64,
        client: &'a ClientInfo,
    },
    CommandLine,
}

impl Actor<'_> {
    pub fn command_line(tenant_id: i64) -> Actor<'static> {
        Actor { tenant_id, by: By::CommandLine }
    }

    fn user_id(&self) -> Option<i64> {
        match self.by {
            By::Admin { user_id, .. } => Some(user_id),
            By::CommandLine => None,
        }
    }

    /// The lowest (most powerful) user level this actor may give or act on.
    fn level(&self) -> i64 {
        match self.by {
            By::Admin { level, .. } => level,
            By::CommandLine => 0,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    /// Said on the page the action returns to.
    #[error("refused: {0:?}")]
    Refused(AdminOutcome),
    /// A field of "Add user" to fix.
    #[error("invalid {0:?}")]
    Invalid(AddUserField, Msg),
    #[error(transparent)]
    Hashing(#[from] HashError),
    #[error(transparent)]
    Storage(#[from] sqlx::Error),
}

impl From<ChangeError> for AdminError {
    fn from(err: ChangeError) -> Self {
        match err {
            ChangeError::NotFound => AdminError::Refused(AdminOutcome::NoSuchUser),
            ChangeError::LastAdmin => AdminError::Refused(AdminOutcome::LastAdmin),
            ChangeError::Duplicate => AdminError::Refused(AdminOutcome::RoleNameTaken),
            ChangeError::InUse => AdminError::Refused(AdminOutcome::RoleInUse),
            ChangeError::DefaultRole => AdminError::Refused(AdminOutcome::DefaultRole),
            ChangeError::Db(err) => AdminError::Storage(err),
        }
    }
}

pub type Done = Result<AdminOutcome, AdminError>;

/// "Add user", as posted.
pub struct NewUserForm<'a> {
    pub name: &'a str,
    /// An email address online, a user name onsite.
    pub login: &'a str,
    pub role_id: Option<i64>,
    pub language: &'a str,
}

/// A role's fields, as posted.
pub struct RoleForm<'a> {
    pub name: &'a str,
    pub user_level: i64,
    pub rights: Rights,
}

const MAX_NAME_CHARS: usize = 200;
const MAX_ROLE_NAME_CHARS: usize = 100;

/// A temporary password: 20 letters and digits that cannot be mistaken for each other, in
/// groups of five (about 99 bits).
pub fn temporary_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::thread_rng();
    (0..4)
        .map(|_| (0..5).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

fn state_of(status: UserStatus) -> UserState {
    match status {
        UserStatus::Invited => UserState::Invited,
        UserStatus::Active => UserState::Active,
        UserStatus::Deactivated => UserState::Deactivated,
    }
}

fn status_of(state: UserState) -> UserStatus {
    match state {
        UserState::Invited => UserStatus::Invited,
        UserState::Active => UserStatus::Active,
        UserState::Deactivated => UserStatus::Deactivated,
    }
}

fn offset(page: u32) -> i64 {
    (i64::from(page.max(1)) - 1) * PAGE_SIZE as i64
}

impl Admin<'_> {
    async fn audit(&self, actor: Actor<'_>, event: Event, subject: Subject<'_>) {
        let origin = match actor.by {
            By::Admin { user_id, client, .. } => Origin::Admin { client, actor_id: user_id },
            By::CommandLine => Origin::CommandLine,
        };
        audit::record(self.db, self.clock, event, subject, origin).await;
    }

    /// A user of the actor's tenant whom the actor may act on: not of a lower (more powerful)
    /// user level than their own.
    async fn within_reach(&self, actor: Actor<'_>, user_id: i64) -> Result<(), AdminError> {
        match self.db.user_level(actor.tenant_id, user_id).await? {
            None => Err(AdminError::Refused(AdminOutcome::NoSuchUser)),
            Some(level) if level < actor.level() => Err(AdminError::Refused(AdminOutcome::LevelTooLow)),
            Some(_) => Ok(()),
        }
    }

    /// One page of users (one row more is read, to know whether there is a next page).
    pub async fn users_page(&self, actor: Actor<'_>, query: &UserQuery, onsite: bool) -> sqlx::Result<UsersPage> {
        let search = query.search.trim();
        let filter = UserFilter {
            search: (!search.is_empty()).then_some(search),
            status: query.status.map(status_of),
            offset: offset(query.page),
            limit: PAGE_SIZE as i64 + 1,
        };
        let mut rows = self.db.tenant_users(actor.tenant_id, &filter).await?;
        let has_next = rows.len() > PAGE_SIZE;
        rows.truncate(PAGE_SIZE);
        let roles = self.db.roles(actor.tenant_id).await?;
        let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
        let identities = self.db.identities_of_users(actor.tenant_id, &ids).await?;
        let factors = self.db.factors_of_users(&ids).await?;
        Ok(UsersPage {
            rows: rows
                .into_iter()
                .map(|row| {
                    let found = factors.iter().find(|(id, _)| *id == row.id).map(|(_, f)| *f).unwrap_or_default();
                    UserListRow {
                        id: row.id,
                        name: row.display_name,
                        user_id: row.login_name,
                        role_id: row.role_id,
                        role: row.role,
                        status: state_of(row.status),
                        invitation_expires: row
                            .invitation_expires_at
                            .filter(|_| row.status == UserStatus::Invited)
                            .map(format_utc),
                        last_login: row.last_login_at.map(format_utc),
                        identities: identities
                            .iter()
                            .filter(|(user_id, _, _)| *user_id == row.id)
                            .map(|(_, id, name)| LinkedProvider { id: id.clone(), name: name.clone() })
                            .collect(),
                        authenticator: found.authenticator,
                        recovery_codes: found.recovery_codes,
                        passkeys: found.passkeys,
                    }
                })
                .collect(),
            roles: roles.into_iter().map(|role| RoleOption { id: role.id, name: role.name }).collect(),
            has_next,
            onsite,
            me: actor.user_id().unwrap_or_default(),
        })
    }

    /// "Reset two-step verification": every second factor of the user goes and every session
    /// ends; they are emailed. Not one's own (another administrator does that).
    pub async fn reset_two_step(&self, actor: Actor<'_>, user_id: i64) -> Done {
        if actor.user_id() == Some(user_id) {
            return Err(AdminError::Refused(AdminOutcome::NotYourself));
        }
        self.within_reach(actor, user_id).await?;
        let user = self.db.tenant_user(actor.tenant_id, user_id).await?;
        let Some(user) = user else { return Err(AdminError::Refused(AdminOutcome::NoSuchUser)) };
        self.db.reset_two_step(&user, self.clock.now()).await?;
        self.mail.wake();
        self.audit(actor, Event::TwoStepReset, Subject::user(actor.tenant_id, user_id)).await;
        Ok(AdminOutcome::TwoStepReset)
    }

    /// The tenant's two-step verification policy: off, optional, required for Settings and
    /// maintenance, or for everyone (after `grace` logins); and whether people who sign in
    /// through the tenant's identity provider are asked too.
    pub async fn set_two_step_policy(
        &self,
        actor: Actor<'_>,
        policy: TwoStepPolicy,
        grace: i64,
        for_sso: bool,
    ) -> Done {
        if !(0..=100).contains(&grace) {
            return Err(AdminError::Refused(AdminOutcome::PolicyInvalid));
        }
        self.db.set_two_step_policy(actor.tenant_id, policy, grace, for_sso).await?;
        let detail =
            format!("two-step {}, grace {grace}, sso {}", policy.as_str(), if for_sso { "asked" } else { "not asked" });
        self.audit(actor, Event::SignInPolicySet { detail }, Subject::tenant(actor.tenant_id)).await;
        Ok(AdminOutcome::PolicySaved)
    }

    pub async fn roles(&self, actor: Actor<'_>) -> sqlx::Result<Vec<RoleRow>> {
        Ok(self
            .db
            .roles_in_use(actor.tenant_id)
            .await?
            .into_iter()
            .map(|(role, users)| RoleRow {
                id: role.id,
                name: role.name,
                user_level: role.user_level,
                crm: role.rights.crm,
                service: role.rights.service,
                admin: role.rights.admin,
                users,
            })
            .collect())
    }

    /// One page of the audit log. A user ID that is no user of the tenant matches nothing; a
    /// kind or date that cannot be read is no filter.
    pub async fn audit_page(&self, actor: Actor<'_>, query: &AuditQuery) -> sqlx::Result<AuditPage> {
        let empty = AuditPage { lines: Vec::new(), has_next: false };
        let user_id = match query.user.trim() {
            "" => None,
            typed => {
                let Ok(name) = LoginName::parse(typed) else { return Ok(empty) };
                match self.db.users_by_login(name.as_str(), Some(actor.tenant_id)).await?.first() {
                    Some(user) => Some(user.id),
                    None => return Ok(empty),
                }
            }
        };
        let filter = AuditFilter {
            user_id,
            event: AUDIT_KINDS.iter().find(|kind| **kind == query.kind).copied(),
            from: parse_date(&query.from),
            until: parse_date(&query.to).map(|day| day + 86_400),
            offset: offset(query.page),
            limit: PAGE_SIZE as i64 + 1,
        };
        let mut entries = self.db.tenant_audit(actor.tenant_id, &filter).await?;
        let has_next = entries.len() > PAGE_SIZE;
        entries.truncate(PAGE_SIZE);
        Ok(AuditPage {
            lines: entries
                .into_iter()
                .map(|e| AuditLine {
                    at: format_utc(e.at),
                    event: e.event,
                    outcome: e.outcome,
                    user: e.user_login.or(e.subject).unwrap_or_default(),
                    actor: e.actor_login.unwrap_or_default(),
                    address: e.ip.unwrap_or_default(),
                    browser: e.user_agent.as_deref().map(crate::user_agent::describe).unwrap_or_default(),
                    detail: e.detail.unwrap_or_default(),
                })
                .collect(),
            has_next,
        })
    }

    /// "Add user": an invited user of the tenant; online, the "Activate now" email is queued in
    /// the same transaction.
    pub async fn invite(&self, actor: Actor<'_>, form: &NewUserForm<'_>, onsite: bool) -> Done {
        let name = form.name.trim();
        if name.is_empty() {
            return Err(AdminError::Invalid(AddUserField::Name, Msg::EnterName));
        }
        if name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
            return Err(AdminError::Invalid(AddUserField::Name, Msg::NameTooLong));
        }
        let (login, email) = if onsite {
            match LoginName::parse(form.login) {
                Ok(login) => (login.as_str().to_string(), None),
                Err(LoginNameError::Empty) => return Err(AdminError::Invalid(AddUserField::Login, Msg::EnterUserName)),
                Err(LoginNameError::TooLong) => {
                    return Err(AdminError::Invalid(AddUserField::Login, Msg::UserIdTooLong))
                }
                Err(LoginNameError::Invalid) => {
                    return Err(AdminError::Invalid(AddUserField::Login, Msg::EnterUserName))
                }
            }
        } else {
            match Email::parse(form.login) {
                Ok(email) => (email.as_str().to_string(), Some(email.as_str().to_string())),
                Err(_) if form.login.trim().is_empty() => {
                    return Err(AdminError::Invalid(AddUserField::Login, Msg::EnterEmail))
                }
                Err(_) => return Err(AdminError::Invalid(AddUserField::Login, Msg::NotAnEmail)),
            }
        };
        let role = match form.role_id {
            Some(id) => self.db.tenant_role(actor.tenant_id, id).await?,
            None => None,
        };
        let Some(role) = role else { return Err(AdminError::Invalid(AddUserField::Role, Msg::ChooseRole)) };
        if role.user_level < actor.level() {
            return Err(AdminError::Invalid(AddUserField::Role, Msg::RefusedLevel));
        }
        let language = Lang::from_code(form.language).unwrap_or_default();
        let user = NewUser {
            tenant_id: actor.tenant_id,
            role_id: role.id,
            login_name: &login,
            email: email.as_deref(),
            display_name: name,
            status: UserStatus::Invited,
            password_hash: None,
            language: Some(language.code()),
        };
        let now = self.clock.now();
        let created =
            if email.is_some() { self.db.invite_user(&user, now).await } else { self.db.create_user(&user, now).await };
        let user_id = match created {
            Ok(id) => id,
            Err(CreateUserError::Duplicate(_)) => {
                return Err(AdminError::Invalid(AddUserField::Login, Msg::UserExists))
            }
            Err(CreateUserError::Db(err)) => return Err(err.into()),
        };
        self.mail.wake();
        self.audit(actor, Event::UserInvited, Subject::user(actor.tenant_id, user_id)).await;
        Ok(AdminOutcome::Invited)
    }

    /// "Resend activation": a new link; once it is delivered the older one stops working.
    pub async fn resend_activation(&self, actor: Actor<'_>, user_id: i64) -> Done {
        self.within_reach(actor, user_id).await?;
        let user = self.db.tenant_user(actor.tenant_id, user_id).await?;
        let Some(user) = user else { return Err(AdminError::Refused(AdminOutcome::NoSuchUser)) };
        if user.status != UserStatus::Invited || user.email.is_none() {
            return Err(AdminError::Refused(AdminOutcome::NotInvited));
        }
        self.db.queue_mail(MailKind::Link(LinkKind::Activation), &user, self.clock.now()).await?;
        self.mail.wake();
        self.audit(actor, Event::InvitationResent, Subject::user(actor.tenant_id, user_id)).await;
        Ok(AdminOutcome::InvitationResent)
    }

    /// "Deactivate" (every session ends and every link is retired at once), "Activate", or a
    /// new role. Nobody deactivates themself, and the tenant keeps someone who can administer it.
    pub async fn change_user(&self, actor: Actor<'_>, user_id: i64, change: UserChange) -> Done {
        if change == UserChange::Deactivate && actor.user_id() == Some(user_id) {
            return Err(AdminError::Refused(AdminOutcome::NotYourself));
        }
        self.within_reach(actor, user_id).await?;
        let role = match change {
            UserChange::Role(role_id) => match self.db.tenant_role(actor.tenant_id, role_id).await? {
                Some(role) if role.user_level < actor.level() => {
                    return Err(AdminError::Refused(AdminOutcome::LevelTooLow))
                }
                Some(role) => Some(role),
                None => return Err(AdminError::Refused(AdminOutcome::NoSuchUser)),
            },
            _ => None,
        };
        self.db.change_user(actor.tenant_id, user_id, change, self.clock.now()).await?;
        let subject = Subject::user(actor.tenant_id, user_id);
        let (event, outcome) = match (change, role) {
            (UserChange::Deactivate, _) => (Event::UserDeactivated, AdminOutcome::Deactivated),
            (UserChange::Activate, _) => (Event::UserActivated, AdminOutcome::Activated),
            (UserChange::Role(_), role) => {
                (Event::RoleAssigned { role: role.map(|r| r.name).unwrap_or_default() }, AdminOutcome::RoleAssigned)
            }
        };
        self.audit(actor, event, subject).await;
        Ok(outcome)
    }

    /// "End sessions": every session of the user, in every app, ends now.
    pub async fn end_sessions(&self, actor: Actor<'_>, user_id: i64) -> Done {
        self.within_reach(actor, user_id).await?;
        let count = self.db.delete_user_sessions(user_id, None).await?;
        self.audit(actor, Event::SessionsRevoked { count }, Subject::user(actor.tenant_id, user_id)).await;
        Ok(AdminOutcome::SessionsEnded)
    }

    /// "Set password" (onsite): a temporary password, shown once to the administrator, that the
    /// user must change at their next login. Every session of the user ends. Returns the user
    /// ID and the password.
    pub async fn set_temporary_password(&self, actor: Actor<'_>, user_id: i64) -> Result<(String, String), AdminError> {
        self.within_reach(actor, user_id).await?;
        let user = self.db.tenant_user(actor.tenant_id, user_id).await?;
        let Some(user) = user else { return Err(AdminError::Refused(AdminOutcome::NoSuchUser)) };
        let password = temporary_password();
        let hash = self.hasher.hash(SecretString::from(password.clone())).await?;
        let change = PasswordChange::Admin { user_id, notify: user.email.is_some(), temporary: true };
        if self.db.set_password(&hash, change, self.clock.now()).await?.is_none() {
            return Err(AdminError::Refused(AdminOutcome::NoSuchUser));
        }
        self.mail.wake();
        self.audit(actor, Event::PasswordSet { temporary: true }, Subject::user(actor.tenant_id, user_id)).await;
        Ok((user.login_name, password))
    }

    fn role_of(form: &RoleForm<'_>, id: i64) -> Result<Role, AdminError> {
        let name = form.name.trim();
        if name.is_empty() || name.chars().count() > MAX_ROLE_NAME_CHARS || name.chars().any(char::is_control) {
            return Err(AdminError::Refused(AdminOutcome::RoleNameMissing));
        }
        Ok(Role { id, name: name.to_string(), user_level: form.user_level.clamp(0, 99), rights: form.rights })
    }

    pub async fn create_role(&self, actor: Actor<'_>, form: &RoleForm<'_>) -> Done {
        let role = Self::role_of(form, 0)?;
        if role.user_level < actor.level() {
            return Err(AdminError::Refused(AdminOutcome::LevelTooLow));
        }
        self.db.add_role(actor.tenant_id, &role).await?;
        self.audit(actor, Event::RoleCreated, Subject::named(actor.tenant_id, &role.name)).await;
        Ok(AdminOutcome::RoleCreated)
    }

    /// Renames a role or changes its level or rights; its users see it at their next request.
    pub async fn save_role(&self, actor: Actor<'_>, role_id: i64, form: &RoleForm<'_>) -> Done {
        let role = Self::role_of(form, role_id)?;
        let Some(before) = self.db.tenant_role(actor.tenant_id, role_id).await? else {
            return Err(AdminError::Refused(AdminOutcome::NoSuchUser));
        };
        if before.user_level < actor.level() || role.user_level < actor.level() {
            return Err(AdminError::Refused(AdminOutcome::LevelTooLow));
        }
        self.db.update_role(actor.tenant_id, &role).await?;
        let rights = |r: &Rights| format!("crm={} service={} settings={}", r.crm, r.service, r.admin);
        let detail = format!(
            "{} (level {}, {}) → {} (level {}, {})",
            before.name,
            before.user_level,
            rights(&before.rights),
            role.name,
            role.user_level,
            rights(&role.rights)
        );
        self.audit(actor, Event::RoleChanged { detail }, Subject::named(actor.tenant_id, &role.name)).await;
        Ok(AdminOutcome::RoleSaved)
    }

    pub async fn delete_role(&self, actor: Actor<'_>, role_id: i64) -> Done {
        match self.db.tenant_role(actor.tenant_id, role_id).await? {
            None => return Err(AdminError::Refused(AdminOutcome::NoSuchUser)),
            Some(role) if role.user_level < actor.level() => {
                return Err(AdminError::Refused(AdminOutcome::LevelTooLow))
            }
            Some(_) => {}
        }
        let name = self.db.delete_role(actor.tenant_id, role_id).await?;
        self.audit(actor, Event::RoleDeleted, Subject::named(actor.tenant_id, &name)).await;
        Ok(AdminOutcome::RoleDeleted)
    }

    /// Removes a user's link to an identity provider: their next login there is matched
    /// afresh (and must prove the account again where the provider cannot vouch for it).
    pub async fn unlink(&self, actor: Actor<'_>, user_id: i64, provider_public_id: &str) -> Done {
        self.within_reach(actor, user_id).await?;
        let Some(provider) = self.db.unlink_identity(actor.tenant_id, user_id, provider_public_id).await? else {
            return Err(AdminError::Refused(AdminOutcome::NoSuchUser));
        };
        self.audit(actor, Event::SsoUnlinked { provider }, Subject::user(actor.tenant_id, user_id)).await;
        Ok(AdminOutcome::Unlinked)
    }

    /// A user who starts active, with a password of their own (the command line's
    /// `user create --password-stdin`, already checked against the policy and hashed).
    pub async fn create_active(&self, actor: Actor<'_>, user: &NewUser<'_>) -> Result<i64, AdminError> {
        let role = self.db.tenant_role(actor.tenant_id, user.role_id).await?;
        match role {
            Some(role) if role.user_level < actor.level() => {
                return Err(AdminError::Refused(AdminOutcome::LevelTooLow))
            }
            Some(_) => {}
            None => return Err(AdminError::Refused(AdminOutcome::NoSuchUser)),
        }
        let user_id = match self.db.create_user(user, self.clock.now()).await {
            Ok(id) => id,
            Err(CreateUserError::Duplicate(_)) => {
                return Err(AdminError::Invalid(AddUserField::Login, Msg::UserExists))
            }
            Err(CreateUserError::Db(err)) => return Err(err.into()),
        };
        self.audit(actor, Event::UserCreated, Subject::user(actor.tenant_id, user_id)).await;
        Ok(user_id)
    }

    /// A password an administrator sets (already checked and hashed): the lockout clears,
    /// every session ends, and the user is told when they have an address.
    pub async fn set_password(&self, actor: Actor<'_>, user_id: i64, hash: &str) -> Done {
        self.within_reach(actor, user_id).await?;
        let user = self.db.tenant_user(actor.tenant_id, user_id).await?;
        let Some(user) = user else { return Err(AdminError::Refused(AdminOutcome::NoSuchUser)) };
        let change = PasswordChange::Admin { user_id, notify: user.email.is_some(), temporary: false };
        if self.db.set_password(hash, change, self.clock.now()).await?.is_none() {
            return Err(AdminError::Refused(AdminOutcome::NotActive));
        }
        self.mail.wake();
        self.audit(actor, Event::PasswordSet { temporary: false }, Subject::user(actor.tenant_id, user_id)).await;
        Ok(AdminOutcome::PasswordSet)
    }
}
