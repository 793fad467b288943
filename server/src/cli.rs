//! The command line's actions: serve, migrate, and the administrator's tenant, user and role
//! commands, and the Terms of Service. Passwords come from standard input, never from the argument list.

use crate::admin::{Actor, Admin, AdminError, NewUserForm};
use crate::audit::{self, Event, Origin, Subject};
use crate::authn::sso::{check_endpoint, is_public_mail_domain, redirect_uri};
use crate::clock::Clock;
use crate::config::{
    Cli, ClientCommand, Command, KeysCommand, RoleCommand, ServeArgs, SessionCommand, SsoCommand, TenantCommand,
    TermsCommand, TestCommand, UserCommand,
};
use crate::db::{Db, NewProvider, NewUser, Preset, Tenant, TokenKind, UserChange, UserStatus, ADMIN_ROLE, USER_ROLE};
use crate::hashing::PasswordHasher;
use crate::passwords::{check_policy, PolicySubject};
use crate::sealing::SecretKey;
use crate::settings::Settings;
use crate::startup::Application;
use crate::terms::Terms;
use crate::wakeup::MailSignal;
use anyhow::{anyhow, bail, Context};
use app::domain::{format_utc, Email, LoginName, TenantSlug};
use app::i18n::Lang;
use secrecy::{ExposeSecret, SecretString};
use std::io::BufRead;
use std::path::Path;

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let db = Db::connect_with(&cli.storage.url(), cli.storage.db_pool).await?;
    db.migrate().await?;
    let clock = Clock::system();
    match cli.command {
        Command::Serve(mut args) => {
            // A local (http) installation keeps its mail in the data folder; a live one must say
            // where mail goes (see `Application::build`).
            let live = args.public_url.as_deref().is_some_and(|url| url.starts_with("https://"));
            if args.mail.mail_dir.is_none() && !live {
                args.mail.mail_dir = Some(cli.storage.data_dir.join("mail"));
            }
            args.secret_key_file = Some(cli.storage.secret_key_path());
            if args.test_key_file.is_none() {
                args.test_key_file = Some(cli.storage.data_dir.join("test.key"));
            }
            serve(args, db, clock).await
        }
        Command::Migrate => {
            println!("The database schema is up to date.");
            Ok(())
        }
        Command::Tenant(command) => tenant(command, &db, &clock).await,
        Command::User(command) => user(command, &db, &clock).await,
        Command::Session(command) => sessions(command, &db, &clock).await,
        Command::Terms(command) => terms(command, &db, &clock).await,
        Command::Sso(command) => sso(command, &cli.storage.secret_key_path(), &db, &clock).await,
        Command::Client(command) => clients(command, &db, &clock).await,
        Command::Test(command) => test_session(command, &cli.storage.secret_key_path(), &db, &clock).await,
        Command::Keys(KeysCommand::Rotate) => {
            let key = SecretKey::load_or_create(&cli.storage.secret_key_path())?;
            let made = crate::provider::keys::rotate(&db, &key, clock.now()).await?;
            audit::record(&db, &clock, Event::KeysRotated, Subject::default(), Origin::CommandLine).await;
            println!("New signing keys: {}. The old ones stay in the key set for an hour.", made.join(", "));
            Ok(())
        }
        Command::Role(RoleCommand::List { tenant }) => {
            let tenant = find_tenant(&db, &tenant).await?;
            println!("{:<20} {:>5}  rights", "role", "level");
            for role in db.roles(tenant.id).await? {
                let rights: Vec<&str> =
                    [(role.rights.crm, "crm"), (role.rights.service, "service"), (role.rights.admin, "settings")]
                        .into_iter()
                        .filter(|(on, _)| *on)
                        .map(|(_, name)| name)
                        .collect();
                println!("{:<20} {:>5}  {}", role.name, role.user_level, rights.join(","));
            }
            Ok(())
        }
    }
}

async fn test_session(command: TestCommand, key_path: &Path, db: &Db, clock: &Clock) -> anyhow::Result<()> {
    use crate::db::App;
    use crate::test_mode::{Minted, TestKit};
    use crate::web::{cookies, test_kit};
    let TestCommand::Session { tenant, user, app, second_factor, storage_state, public_url, service_url } = command;
    let app = match app.as_str() {
        "crm" => App::Crm,
        "service" => App::Service,
        "settings" => App::Settings,
        _ => bail!("--app is crm, service or settings"),
    };
    let settings = Settings::new(&public_url, service_url.as_deref().filter(|u| !u.is_empty()), false)?;
    let hasher = PasswordHasher::start(1, 1)?;
    let key = SecretKey::load_or_create(key_path)?;
    let kit = TestKit { db, clock, hasher: &hasher, key: &key };
    let client = crate::client::ClientInfo::local();
    let minted = kit.mint(&tenant, &user, app, second_factor, &client).await.map_err(|e| anyhow!("{e}"))?;
    let Minted::Session(signed_in) = minted else {
        bail!("{user} must give a second factor first: add --second-factor, or sign in through /two-step");
    };
    let spec = cookies::session_cookie_spec(&settings, app);
    let url = if app == App::Service { &settings.service_url } else { &settings.public_url };
    if storage_state {
        let expires = clock.now() + signed_in.session.lifetime_secs;
        println!("{}", test_kit::storage_state(url, &spec, signed_in.session.token.expose(), expires));
    } else {
        println!("{}={}", spec.name, signed_in.session.token.expose());
    }
    Ok(())
}

async fn clients(command: ClientCommand, db: &Db, clock: &Clock) -> anyhow::Result<()> {
    use crate::db::{ClientKind, NewClient};
    use crate::provider::clients::check_redirect_uri;
    match command {
        ClientCommand::Add {
            name,
            kind,
            redirect_uris,
            post_logout_redirect_uris,
            back_channel_logout_uri,
            first_party,
            id_token_alg,
        } => {
            let kind: ClientKind = kind.parse().map_err(|e: String| anyhow!(e))?;
            let name = name.trim();
            if name.is_empty() || name.chars().count() > 80 || name.chars().any(char::is_control) {
                bail!("--name is 1 to 80 characters");
            }
            let redirect_uris =
                redirect_uris.iter().map(|uri| check_redirect_uri(kind, uri)).collect::<Result<Vec<_>, _>>();
            let redirect_uris = redirect_uris.map_err(|why| anyhow!("--redirect-uri {why}"))?;
            let logout_uris = post_logout_redirect_uris
                .iter()
                .map(|uri| check_redirect_uri(kind, uri))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|why| anyhow!("--post-logout-redirect-uri {why}"))?;
            if let Some(uri) = &back_channel_logout_uri {
                check_endpoint(uri).map_err(|why| anyhow!("--back-channel-logout-uri {why}"))?;
            }
            let client_id = crate::tokens::Token::generate().expose()[..22].to_string();
            let secret = (kind == ClientKind::Web).then(crate::tokens::Token::generate);
            let secret_hash = secret.as_ref().map(|s| crate::provider::secret_hash(s.expose()));
            let client = NewClient {
                client_id: &client_id,
                name,
                kind,
                secret_hash: secret_hash.as_deref(),
                first_party,
                backchannel_logout_uri: back_channel_logout_uri.as_deref(),
                id_token_alg: &id_token_alg,
                redirect_uris: &redirect_uris,
                post_logout_redirect_uris: &logout_uris,
            };
            if !db.add_client(&client, clock.now()).await? {
                bail!("a client with that id exists already; try again");
            }
            let event = Event::ClientAdded { app: name.to_string() };
            audit::record(db, clock, event, Subject::default(), Origin::CommandLine).await;
            println!("Registered {name} ({} app).", kind.as_str());
            println!("client id: {client_id}");
            if let Some(secret) = secret {
                println!("client secret: {}", secret.expose());
                println!("The secret is shown only now: keep it in the app's configuration.");
            }
        }
        ClientCommand::List => {
            for client in db.clients().await? {
                println!();
                println!(
                    "{} ({}{})",
                    client.name,
                    client.kind.as_str(),
                    if client.first_party { ", first party" } else { "" }
                );
                println!("  client id:        {}", client.client_id);
                println!("  redirect URIs:    {}", client.redirect_uris.join(", "));
                if !client.post_logout_redirect_uris.is_empty() {
                    println!("  after logout:     {}", client.post_logout_redirect_uris.join(", "));
                }
                if let Some(uri) = &client.backchannel_logout_uri {
                    println!("  back-channel:     {uri}");
                }
            }
        }
        ClientCommand::Remove { client_id } => {
            let client = db.client(&client_id).await?.ok_or_else(|| anyhow!("there is no client {client_id:?}"))?;
            db.remove_client(&client_id).await?;
            let event = Event::ClientRemoved { app: client.name.clone() };
            audit::record(db, clock, event, Subject::default(), Origin::CommandLine).await;
            println!("Removed {}; its sessions have ended.", client.name);
        }
        ClientCommand::RotateSecret { client_id } => {
            let client = db.client(&client_id).await?.ok_or_else(|| anyhow!("there is no client {client_id:?}"))?;
            let secret = crate::tokens::Token::generate();
            if !db.set_client_secret(&client_id, &crate::provider::secret_hash(secret.expose())).await? {
                bail!("{} is a native app: it has no secret", client.name);
            }
            let event = Event::ClientSecretRotated { app: client.name.clone() };
            audit::record(db, clock, event, Subject::default(), Origin::CommandLine).await;
            println!("client secret: {}", secret.expose());
            println!("The old secret no longer works.");
        }
    }
    Ok(())
}

async fn terms(command: TermsCommand, db: &Db, clock: &Clock) -> anyhow::Result<()> {
    let terms = Terms { db, clock };
    match command {
        TermsCommand::Publish { file } => {
            let markdown = std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
            if markdown.trim().is_empty() {
                bail!("{} is empty", file.display());
            }
            let version = terms.publish(&markdown).await?;
            println!("Published version {version} of the Terms of Service; each user accepts it at their next login to Settings and maintenance.");
        }
        TermsCommand::List => {
            println!("{:>7}  published", "version");
            for version in db.terms_versions().await? {
                println!("{:>7}  {}", version.version, format_utc(version.published_at));
            }
        }
    }
    Ok(())
}

async fn serve(args: ServeArgs, db: Db, clock: Clock) -> anyhow::Result<()> {
    let first_start = db.count_tenants().await? == 0;
    let app = Application::build(&args, db.clone(), clock.clone()).await?;
    let settings = app.state().settings.clone();
    let public_url = settings.public_url.clone();
    if first_start {
        bootstrap(&db, &clock, &settings).await?;
    }
    // The provider's signing keys are made now, at the first start, not at the first sign-in.
    if let Err(err) = app.state().keys.current(clock.now()).await {
        tracing::error!(error = %err, "the signing keys cannot be made");
    }
    tracing::info!(address = %app.addr(), "Frontdoor is listening");
    println!("Frontdoor is running at {public_url}/login");
    app.run_until_stopped().await.context("the server stopped with an error")
}

/// First start on an empty database: tenant `demo` and one invited administrator, whose
/// activation link is told once.
async fn bootstrap(db: &Db, clock: &Clock, settings: &Settings) -> anyhow::Result<()> {
    let now = clock.now();
    let tenant = db.create_tenant("demo", "Demo", now).await?;
    let role =
        db.role_by_name(tenant.id, ADMIN_ROLE).await?.ok_or_else(|| anyhow!("the built-in roles are missing"))?;
    let user_id = db
        .create_user(
            &NewUser {
                tenant_id: tenant.id,
                role_id: role.id,
                login_name: "admin@demo.test",
                email: Some("admin@demo.test"),
                display_name: "Administrator",
                status: UserStatus::Invited,
                password_hash: None,
                language: None,
            },
            now,
        )
        .await?;
    let token = crate::tokens::Token::generate();
    let kind = app::domain::LinkKind::Activation;
    let expires_at = now + crate::links::lifetime_secs(settings, kind);
    db.insert_one_time_token(&token.hash(), TokenKind::Link(kind), user_id, expires_at, None, now).await?;
    println!();
    println!("First start: created tenant \"demo\" and its administrator. This is shown only once.");
    println!("  User ID          admin@demo.test");
    if settings.secure_cookies {
        // A live (https) installation never prints a live link: its output may end up in a log.
        println!("  Set their password with");
        println!("    frontdoor user set-password --tenant demo --email admin@demo.test --password-stdin");
    } else {
        println!("  Choose a password at {}", crate::links::address(settings, kind, &token));
        println!("  (the link works once, for {} hours)", settings.activation_secs / 3600);
    }
    println!();
    Ok(())
}

async fn tenant(command: TenantCommand, db: &Db, clock: &Clock) -> anyhow::Result<()> {
    match command {
        TenantCommand::Create { slug, name } => {
            let slug = TenantSlug::parse(&slug)
                .ok_or_else(|| anyhow!("a tenant slug is 2–40 lower-case letters, digits or dashes, like \"acme\""))?;
            let name = name.trim();
            if name.is_empty() {
                bail!("the tenant needs a name");
            }
            let tenant = db.create_tenant(slug.as_str(), name, clock.now()).await?;
            println!("Created tenant {} ({}) with the roles \"User level 0\" and \"User\".", tenant.slug, tenant.name);
        }
        TenantCommand::List => {
            println!("{:<24} name", "slug");
            for tenant in db.tenants().await? {
                println!("{:<24} {}", tenant.slug, tenant.name);
            }
        }
        TenantCommand::Set {
            slug,
            sso_strategy,
            default_role,
            password_login,
            two_step,
            two_step_grace,
            two_step_for_sso,
        } => {
            let tenant = find_tenant(db, &slug).await?;
            if two_step.is_some() || two_step_grace.is_some() || two_step_for_sso.is_some() {
                let level = match two_step {
                    Some(level) => level.parse().map_err(|e: String| anyhow!(e))?,
                    None => tenant.two_step,
                };
                let grace = two_step_grace.unwrap_or(tenant.two_step_grace);
                let for_sso = two_step_for_sso.map_or(tenant.two_step_for_sso, |on| on == "on");
                db.set_two_step_policy(tenant.id, level, grace, for_sso).await?;
                let detail = format!(
                    "two-step {}, grace {grace}, sso {}",
                    level.as_str(),
                    if for_sso { "asked" } else { "not asked" }
                );
                let event = Event::SignInPolicySet { detail: detail.clone() };
                audit::record(db, clock, event, Subject::tenant(tenant.id), Origin::CommandLine).await;
                println!("{}: {detail}.", tenant.slug);
                if sso_strategy.is_none() && default_role.is_none() && password_login.is_none() {
                    return Ok(());
                }
            }
            let mut policy = db.sign_in_policy(tenant.id).await?.ok_or_else(|| anyhow!("the tenant is gone"))?;
            if let Some(strategy) = sso_strategy {
                policy.strategy = strategy.parse().map_err(|e: String| anyhow!(e))?;
            }
            if let Some(role) = default_role {
                policy.default_role_id = Some(find_role(db, &tenant, &role).await?.id);
            }
            if let Some(on) = password_login {
                policy.password_login = on == "on";
            }
            db.set_sign_in_policy(tenant.id, &policy).await?;
            let role = match policy.default_role_id {
                Some(id) => db.roles(tenant.id).await?.into_iter().find(|r| r.id == id).map(|r| r.name),
                None => None,
            };
            let detail = format!(
                "single sign-on strategy {}, default role {}, password login {}",
                policy.strategy.as_str(),
                role.as_deref().unwrap_or(USER_ROLE),
                if policy.password_login { "on" } else { "off" }
            );
            let event = Event::SignInPolicySet { detail: detail.clone() };
            audit::record(db, clock, event, Subject::tenant(tenant.id), Origin::CommandLine).await;
            println!("{}: {detail}.", tenant.slug);
        }
    }
    Ok(())
}

async fn sso(command: SsoCommand, key_path: &Path, db: &Db, clock: &Clock) -> anyhow::Result<()> {
    match command {
        SsoCommand::Add { tenant, preset, name, issuer, client_id, client_secret_file, domains, public_url } => {
            let tenant = find_tenant(db, &tenant).await?;
            let preset: Preset = preset.parse().map_err(|e: String| anyhow!(e))?;
            let issuer = preset_issuer(preset, issuer.as_deref())?;
            check_endpoint(&issuer).map_err(|why| anyhow!("--issuer {why}"))?;
            let name = name.trim();
            if name.is_empty() || name.chars().count() > 60 {
                bail!("--name is 1 to 60 characters: people see \"Log in with {{name}}\"");
            }
            let secret = std::fs::read_to_string(&client_secret_file)
                .with_context(|| format!("cannot read {}", client_secret_file.display()))?;
            let secret = SecretString::from(secret.trim().to_string());
            if secret.expose_secret().is_empty() {
                bail!("{} is empty", client_secret_file.display());
            }
            let mut clean = Vec::new();
            for domain in &domains {
                let domain = domain.trim().trim_start_matches('@').to_ascii_lowercase();
                if Email::parse(&format!("x@{domain}")).is_err() {
                    bail!("--domain {domain:?} is not an email domain");
                }
                if is_public_mail_domain(&domain) {
                    bail!("--domain {domain:?} is a public mail service: anyone can have an address there");
                }
                clean.push(domain);
            }
            let key = SecretKey::load_or_create(key_path)?;
            let sealed = key.seal(&secret)?;
            let public_id = crate::tokens::Token::generate().expose()[..22].to_string();
            let provider = NewProvider {
                public_id: &public_id,
                tenant_id: tenant.id,
                name,
                preset,
                issuer: &issuer,
                client_id: client_id.trim(),
                client_secret_sealed: &sealed,
                scopes: "openid email profile",
                domains: &clean,
            };
            db.add_provider(&provider, clock.now()).await?;
            let event = Event::SsoProviderAdded { name: name.to_string() };
            audit::record(db, clock, event, Subject::tenant(tenant.id), Origin::CommandLine).await;
            println!("Added \"{name}\" ({issuer}) to {}.", tenant.slug);
            println!("redirect URI: {}", redirect_uri(public_url.as_deref().unwrap_or("{public-url}"), &public_id));
        }
        SsoCommand::List { tenant, public_url } => {
            let tenant = find_tenant(db, &tenant).await?;
            let policy = db.sign_in_policy(tenant.id).await?.ok_or_else(|| anyhow!("the tenant is gone"))?;
            println!(
                "{}: strategy {}, password login {}",
                tenant.slug,
                policy.strategy.as_str(),
                if policy.password_login { "on" } else { "off" }
            );
            for provider in db.providers_of_tenant(tenant.id).await? {
                let domains = db.provider_domains(provider.id).await?;
                println!();
                println!("{} ({})", provider.name, provider.preset.as_str());
                println!("  issuer:        {}", provider.issuer);
                println!("  client id:     {}", provider.client_id);
                println!("  domains:       {}", domains.join(", "));
                let base = public_url.as_deref().unwrap_or("{public-url}");
                println!("  redirect URI:  {}", redirect_uri(base, &provider.public_id));
            }
        }
        SsoCommand::Remove { tenant, name } => {
            let tenant = find_tenant(db, &tenant).await?;
            if !db.remove_provider(tenant.id, &name).await? {
                bail!(
                    "{} has no provider named {name:?} (see `frontdoor sso list --tenant {}`)",
                    tenant.slug,
                    tenant.slug
                );
            }
            let event = Event::SsoProviderRemoved { name: name.clone() };
            audit::record(db, clock, event, Subject::tenant(tenant.id), Origin::CommandLine).await;
            println!("Removed \"{name}\" from {}.", tenant.slug);
        }
    }
    Ok(())
}

/// The issuer a preset stands for: Google's is fixed; Microsoft's is the directory's, given as
/// its tenant ID (or the whole issuer URL).
fn preset_issuer(preset: Preset, issuer: Option<&str>) -> anyhow::Result<String> {
    let issuer = issuer.map(str::trim).filter(|i| !i.is_empty());
    Ok(match (preset, issuer) {
        (Preset::Google, None) => "https://accounts.google.com".to_string(),
        (Preset::Google, Some(given)) => given.to_string(),
        (Preset::Microsoft, Some(given)) if !given.contains("://") => {
            if !given.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.') {
                bail!("--issuer for microsoft is the directory (tenant) ID or the issuer URL");
            }
            format!("https://login.microsoftonline.com/{given}/v2.0")
        }
        (_, Some(given)) => given.trim_end_matches('/').to_string(),
        (_, None) => bail!("--issuer is required for this preset"),
    })
}

async fn find_tenant(db: &Db, slug: &str) -> anyhow::Result<crate::db::Tenant> {
    db.tenant_by_slug(slug).await?.ok_or_else(|| anyhow!("there is no tenant {slug:?} (see `frontdoor tenant list`)"))
}

async fn find_role(db: &Db, tenant: &crate::db::Tenant, name: &str) -> anyhow::Result<crate::db::Role> {
    if let Some(role) = db.role_by_name(tenant.id, name).await? {
        return Ok(role);
    }
    let names: Vec<String> = db.roles(tenant.id).await?.into_iter().map(|r| r.name).collect();
    bail!("there is no role {name:?} in {}; roles: {}", tenant.slug, names.join(", "))
}

/// A password from standard input, under the same policy as the pages (length, the person's
/// own details, zxcvbn's score), with the reason in plain words when it is refused.
async fn read_password_from_stdin(subject: &PolicySubject<'_>) -> anyhow::Result<SecretString> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("cannot read the password from standard input")?;
    let password = line.trim_end_matches(['\n', '\r']).to_string();
    if let Err(refusal) = check_policy(&password, &password, subject).await {
        let mut reason = refusal.msg().text(Lang::En).to_string();
        if let app::model::PasswordError::TooWeak(verdict) = &refusal {
            if let Some(warning) = verdict.warning {
                reason = format!("{reason} {}", app::components::strength_meter::warning_msg(warning).text(Lang::En));
            }
        }
        bail!("the password is refused: {reason}");
    }
    Ok(SecretString::from(password))
}

/// The command line acts through the same flows as Settings and maintenance, as the
/// installation's operator: an administrator's refusal reads the same here.
fn admin<'a>(db: &'a Db, clock: &'a Clock, hasher: &'a PasswordHasher, mail: &'a MailSignal) -> Admin<'a> {
    Admin { db, clock, hasher, mail }
}

fn refused(err: AdminError) -> anyhow::Error {
    match err {
        AdminError::Refused(outcome) => anyhow!("{}", outcome.msg().text(Lang::En)),
        AdminError::Invalid(_, msg) => anyhow!("{}", msg.text(Lang::En)),
        AdminError::Hashing(err) => anyhow!("hashing failed: {err}"),
        AdminError::Storage(err) => anyhow!("storage failed: {err}"),
    }
}

async fn user(command: UserCommand, db: &Db, clock: &Clock) -> anyhow::Result<()> {
    let hasher = PasswordHasher::start(1, 1)?;
    // Messages queued here are delivered by a running `frontdoor serve`.
    let mail = MailSignal::default();
    let admin = admin(db, clock, &hasher, &mail);
    match command {
        UserCommand::Create { tenant, email, username, name, role, password_stdin } => {
            let tenant = find_tenant(db, &tenant).await?;
            let actor = Actor::command_line(tenant.id);
            let email =
                email.map(|e| Email::parse(&e).map_err(|_| anyhow!("{e:?} is not an email address"))).transpose()?;
            let login_name = match (&username, &email) {
                (Some(username), _) => {
                    LoginName::parse(username).map_err(|_| anyhow!("{username:?} is not a usable user name"))?
                }
                (None, Some(email)) => {
                    LoginName::parse(email.as_str()).map_err(|_| anyhow!("unusable email address"))?
                }
                (None, None) => bail!("give --email (online users) or --username (onsite users)"),
            };
            let role = find_role(db, &tenant, &role).await?;
            let name = name.trim();
            if name.is_empty() {
                bail!("the user needs a name");
            }
            if !password_stdin {
                // Without a password: invited, and (with an email address) the activation email.
                let form = NewUserForm { name, login: login_name.as_str(), role_id: Some(role.id), language: "en" };
                admin.invite(actor, &form, email.is_none()).await.map_err(refused)?;
                println!("Created invited user {} in {} with role {:?}.", login_name.as_str(), tenant.slug, role.name);
                return Ok(());
            }
            let subject = PolicySubject {
                name,
                login_name: login_name.as_str(),
                email: email.as_ref().map(|e| e.as_str()),
                tenant: &tenant,
            };
            let password = read_password_from_stdin(&subject).await?;
            let user = NewUser {
                tenant_id: tenant.id,
                role_id: role.id,
                login_name: login_name.as_str(),
                email: email.as_ref().map(|e| e.as_str()),
                display_name: name,
                status: UserStatus::Active,
                password_hash: Some(hasher.hash(password).await?),
                language: None,
            };
            admin.create_active(actor, &user).await.map_err(refused)?;
            println!("Created active user {} in {} with role {:?}.", login_name.as_str(), tenant.slug, role.name);
        }
        UserCommand::List { tenant: None, email: Some(email) } => {
            let email = Email::parse(&email).map_err(|_| anyhow!("{email:?} is not an email address"))?;
            println!("{:<24} {:<36} {:<12} {:<16} name", "tenant", "user id", "status", "role");
            for (tenant, user) in db.listing_by_email(email.as_str()).await? {
                let status = user.status.as_str();
                println!("{tenant:<24} {:<36} {status:<12} {:<16} {}", user.login_name, user.role, user.display_name);
            }
        }
        UserCommand::List { tenant, .. } => {
            let tenant = find_tenant(db, tenant.as_deref().unwrap_or_default()).await?;
            println!("{:<36} {:<12} {:<16} name", "user id", "status", "role");
            for user in db.user_listing(tenant.id).await? {
                println!(
                    "{:<36} {:<12} {:<16} {}",
                    user.login_name,
                    user.status.as_str(),
                    user.role,
                    user.display_name
                );
            }
        }
        UserCommand::Invite { tenant, email, name, role, language } => {
            let tenant = find_tenant(db, &tenant).await?;
            let email = Email::parse(&email).map_err(|_| anyhow!("{email:?} is not an email address"))?;
            let lang = app::i18n::Lang::from_code(&language)
                .ok_or_else(|| anyhow!("the language is \"en\" (English) or \"nl\" (Dutch), not {language:?}"))?;
            let role = find_role(db, &tenant, &role).await?;
            let form =
                NewUserForm { name: &name, login: email.as_str(), role_id: Some(role.id), language: lang.code() };
            admin.invite(Actor::command_line(tenant.id), &form, false).await.map_err(refused)?;
            println!(
                "Invited {} to {} with role {:?}. The activation email is queued; `frontdoor serve` delivers it.",
                email.as_str(),
                tenant.slug,
                role.name
            );
        }
        UserCommand::SetPassword { who, password_stdin } => {
            if !password_stdin {
                bail!("give the password on standard input with --password-stdin");
            }
            let (tenant, user) = find_user(db, &who.tenant, &who.email).await?;
            let password = read_password_from_stdin(&PolicySubject::of(&user, &tenant)).await?;
            let hash = hasher.hash(password).await?;
            admin.set_password(Actor::command_line(tenant.id), user.id, &hash).await.map_err(refused)?;
            println!("Set a new password for {} in {}; their sessions have ended.", user.login_name, tenant.slug);
        }
        UserCommand::Deactivate(who) => {
            let (tenant, user) = find_user(db, &who.tenant, &who.email).await?;
            admin
                .change_user(Actor::command_line(tenant.id), user.id, UserChange::Deactivate)
                .await
                .map_err(refused)?;
            println!("User {} in {} is deactivated; their sessions have ended.", user.login_name, tenant.slug);
        }
        UserCommand::Activate(who) => {
            let (tenant, user) = find_user(db, &who.tenant, &who.email).await?;
            admin.change_user(Actor::command_line(tenant.id), user.id, UserChange::Activate).await.map_err(refused)?;
            // Someone who never chose a password is invited again, as in Settings and maintenance.
            let now = db.user_by_id(user.id).await?.map_or(UserStatus::Active, |u| u.status);
            println!("User {} in {} is {}.", user.login_name, tenant.slug, now.as_str());
        }
    }
    Ok(())
}

async fn find_user(db: &Db, tenant: &str, login: &str) -> anyhow::Result<(Tenant, crate::db::UserRecord)> {
    let tenant = find_tenant(db, tenant).await?;
    let login_name = LoginName::parse(login).map_err(|_| anyhow!("{login:?} is not a user ID"))?;
    let user = db
        .users_by_login(login_name.as_str(), Some(tenant.id))
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| anyhow!("there is no user {} in {}", login_name.as_str(), tenant.slug))?;
    Ok((tenant, user))
}

async fn sessions(command: SessionCommand, db: &Db, clock: &Clock) -> anyhow::Result<()> {
    match command {
        SessionCommand::List { tenant, user } => {
            let (_, user) = find_user(db, &tenant, &user).await?;
            println!("{:<18} {:<8} {:<22} {:<16} {:<21} last seen", "id", "app", "browser", "address", "started");
            for s in db.sessions_of_user(user.id, clock.now()).await? {
                println!(
                    "{:<18} {:<8} {:<22} {:<16} {:<21} {}",
                    s.public_id,
                    s.app.as_str(),
                    crate::user_agent::describe(&s.user_agent),
                    s.ip,
                    app::domain::format_utc(s.created_at),
                    app::domain::format_utc(s.last_seen_at)
                );
            }
        }
        SessionCommand::Revoke { tenant, user, id, all } => {
            let (tenant, user) = find_user(db, &tenant, &user).await?;
            if all {
                let (hasher, mail) = (PasswordHasher::start(1, 1)?, MailSignal::default());
                let admin = admin(db, clock, &hasher, &mail);
                let live = db.count_sessions(user.id).await?;
                admin.end_sessions(Actor::command_line(tenant.id), user.id).await.map_err(refused)?;
                println!("Ended {live} session(s) of {} in {}.", user.login_name, tenant.slug);
                return Ok(());
            }
            let Some(id) = id else { bail!("give --id ID or --all") };
            let ended = u64::from(db.delete_user_session(user.id, &id).await?);
            let event = Event::SessionsRevoked { count: ended };
            audit::record(db, clock, event, Subject::user(tenant.id, user.id), Origin::CommandLine).await;
            println!("Ended {ended} session(s) of {} in {}.", user.login_name, tenant.slug);
        }
    }
    Ok(())
}
