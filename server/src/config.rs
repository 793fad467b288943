//! The command line. Every option is also an environment variable; these forms are an
//! interface that administrators and outside test suites script against.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(name = "frontdoor", version, about = "The sign-in front door of the CRM suite")]
pub struct Cli {
    #[command(flatten)]
    pub storage: StorageArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug, Clone)]
pub struct StorageArgs {
    /// Database: `sqlite://path` or `postgres://…`. Default: a SQLite file in the data directory.
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// Where the embedded defaults keep their files.
    #[arg(long, env = "FRONTDOOR_DATA_DIR", default_value = "./data", global = true)]
    pub data_dir: PathBuf,
    /// The key that seals single sign-on client secrets at rest (created when absent; every
    /// instance on one database needs the same). Default: `secret.key` in the data directory.
    #[arg(long, env = "FRONTDOOR_SECRET_KEY_FILE", global = true)]
    pub secret_key_file: Option<PathBuf>,
    /// Database connections this process may hold. Default: 8 for SQLite, 4 per core for
    /// PostgreSQL.
    #[arg(long, env = "FRONTDOOR_DB_POOL", global = true)]
    pub db_pool: Option<u32>,
}

impl StorageArgs {
    pub fn url(&self) -> String {
        match &self.database_url {
            Some(url) if !url.is_empty() => url.clone(),
            _ => format!("sqlite://{}?mode=rwc", self.data_dir.join("frontdoor.db").display()),
        }
    }

    pub fn secret_key_path(&self) -> PathBuf {
        self.secret_key_file.clone().unwrap_or_else(|| self.data_dir.join("secret.key"))
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the web server (migrates the database first).
    Serve(ServeArgs),
    /// Bring the database schema up to date and exit.
    Migrate,
    /// Manage tenants.
    #[command(subcommand)]
    Tenant(TenantCommand),
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Show roles.
    #[command(subcommand)]
    Role(RoleCommand),
    /// Show or end a user's sessions.
    #[command(subcommand)]
    Session(SessionCommand),
    /// Single sign-on providers (OpenID Connect) per tenant.
    #[command(subcommand)]
    Sso(SsoCommand),
    /// Publish or list the Terms of Service versions.
    #[command(subcommand)]
    Terms(TermsCommand),
    /// The apps that sign their users in through Frontdoor (it is their OpenID provider).
    #[command(subcommand)]
    Client(ClientCommand),
    /// Frontdoor's token-signing keys as an OpenID provider.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Test users' signed-in sessions, for end-to-end suites (see "Testing your app against
    /// Frontdoor" in the README).
    #[command(subcommand)]
    Test(TestCommand),
}

#[derive(Subcommand, Debug)]
pub enum TestCommand {
    /// A signed-in session of a test user (one made through test mode), printed as Playwright
    /// `storageState` JSON with `--storage-state`, else as the cookie.
    Session {
        #[arg(long)]
        tenant: String,
        /// The test user's user ID.
        #[arg(long)]
        user: String,
        /// `crm`, `service` or `settings`.
        #[arg(long, default_value = "crm")]
        app: String,
        /// The sign-in counts as having given its second factor.
        #[arg(long, default_value_t = false)]
        second_factor: bool,
        #[arg(long, default_value_t = false)]
        storage_state: bool,
        /// The URL the browser reaches Frontdoor at (the cookie's domain).
        #[arg(long, env = "FRONTDOOR_PUBLIC_URL", default_value = "http://127.0.0.1:3000")]
        public_url: String,
        /// Where the Service app is reached, when it has an origin of its own.
        #[arg(long, env = "FRONTDOOR_SERVICE_URL")]
        service_url: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum ClientCommand {
    /// Register an app; prints its client ID and, for a web app, its secret (once).
    Add {
        /// The name people see (on the Sessions page, and a partner app's consent).
        #[arg(long)]
        name: String,
        /// `web` (a server keeps the secret) or `native` (a phone or desktop app: PKCE only).
        #[arg(long, value_parser = ["web", "native"])]
        kind: String,
        /// Where answers may go (repeat for several). Native apps: `http://127.0.0.1/path`
        /// without a port (any port matches) or a private-use scheme (`com.example.app:/cb`).
        #[arg(long = "redirect-uri", required = true)]
        redirect_uris: Vec<String>,
        /// Where the app may send the browser after logging out (repeatable).
        #[arg(long = "post-logout-redirect-uri")]
        post_logout_redirect_uris: Vec<String>,
        /// Told with a signed logout token when a session it got tokens from ends.
        #[arg(long)]
        back_channel_logout_uri: Option<String>,
        /// One of the suite's own apps: no consent is asked.
        #[arg(long)]
        first_party: bool,
        /// The ID token's signature: RS256 (the default) or ES256.
        #[arg(long, value_parser = ["RS256", "ES256"], default_value = "RS256")]
        id_token_alg: String,
    },
    /// The registered apps.
    List,
    /// Remove an app: its sessions end, its tokens stop working.
    Remove {
        #[arg(long)]
        client_id: String,
    },
    /// A new secret for a web app (printed once); the old one stops working.
    RotateSecret {
        #[arg(long)]
        client_id: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum KeysCommand {
    /// New signing keys; the current ones stay in the key set until their last tokens expire.
    Rotate,
}

#[derive(Subcommand, Debug)]
pub enum TermsCommand {
    /// Publish a new version (Markdown) for the whole installation: every user of Settings and
    /// maintenance is shown it once, at their next login there, and must accept it.
    Publish {
        #[arg(long)]
        file: PathBuf,
    },
    /// The versions published, oldest first.
    List,
}

#[derive(Subcommand, Debug)]
pub enum SessionCommand {
    /// One line per live session of the user (CRM and Service).
    List {
        #[arg(long)]
        tenant: String,
        /// The user's login name (email address or user name).
        #[arg(long, alias = "email")]
        user: String,
    },
    /// End one session (`--id`, from `session list`) or all of them (`--all`).
    Revoke {
        #[arg(long)]
        tenant: String,
        #[arg(long, alias = "email")]
        user: String,
        #[arg(long, conflicts_with = "all", required_unless_present = "all")]
        id: Option<String>,
        #[arg(long)]
        all: bool,
    },
}

#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "FRONTDOOR_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: String,
    /// The address people use to reach Frontdoor, for links and the same-origin check.
    /// Default: `http://` plus the listening address.
    #[arg(long, env = "FRONTDOOR_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Where the Service app is reached, for example `http://service.localhost:3000`; its pages
    /// are under `/service` there. Default: this server (the public URL).
    #[arg(long, env = "FRONTDOOR_SERVICE_URL")]
    pub service_url: Option<String>,
    /// The folder holding `pkg/` (the WASM bundle and the stylesheet built by Trunk).
    #[arg(long, env = "FRONTDOOR_SITE_ROOT", default_value = "site")]
    pub site_root: String,
    /// Password-hashing workers. Default: one per core.
    #[arg(long, env = "FRONTDOOR_HASH_WORKERS")]
    pub hash_workers: Option<usize>,
    /// Hashing jobs that may wait for a worker before new logins get 503. Default: 2 per worker.
    #[arg(long, env = "FRONTDOOR_HASH_QUEUE")]
    pub hash_queue: Option<usize>,
    /// Failed logins one IP address may make per minute.
    #[arg(long, env = "FRONTDOOR_IP_FAILURES_PER_MINUTE", default_value_t = 30)]
    pub ip_failures_per_minute: u32,
    /// Take the client address from `X-Forwarded-For` (only behind a proxy you run).
    #[arg(long, env = "FRONTDOOR_TRUST_FORWARDED_FOR", default_value_t = false)]
    pub trust_forwarded_for: bool,
    /// Days the audit trail keeps an event before the retention sweeper deletes it.
    #[arg(long, env = "FRONTDOOR_AUDIT_DAYS", default_value_t = 400)]
    pub audit_days: i64,
    /// `online`: people reset a forgotten password by email. `onsite`: they ask an
    /// administrator (`frontdoor user set-password`).
    #[arg(long, env = "FRONTDOOR_MODE", value_enum, default_value_t = Mode::Online)]
    pub mode: Mode,
    /// The language of pages for browsers that have not chosen one and ask for neither English
    /// nor Dutch: `en` or `nl`.
    #[arg(long, env = "FRONTDOOR_LANGUAGE", value_parser = ["en", "nl"], default_value = "en")]
    pub language: String,
    #[command(flatten)]
    pub mail: MailArgs,
    /// Test mode, for other teams' end-to-end suites: the `/_test/` routes (test users,
    /// signed-in sessions, mail, authenticator codes) and the test users' exemptions from the
    /// soft lock and the per-client limits. Never for people: refused with an https public URL
    /// unless `--test-mode-i-know` is given too.
    #[arg(long, env = "FRONTDOOR_TEST_MODE", default_value_t = false)]
    pub test_mode: bool,
    /// Test mode on an https public URL (a shared staging installation, say).
    #[arg(long, env = "FRONTDOOR_TEST_MODE_I_KNOW", default_value_t = false)]
    pub test_mode_i_know: bool,
    /// The bearer key of the `/_test/` routes (made when absent). Default: `test.key` in the
    /// data directory.
    #[arg(long, env = "FRONTDOOR_TEST_KEY_FILE")]
    pub test_key_file: Option<PathBuf>,
    /// Filled in from `--secret-key-file` (a global option, shared with `sso add`).
    #[arg(skip)]
    pub secret_key_file: Option<PathBuf>,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    #[default]
    Online,
    Onsite,
}

#[derive(Args, Debug, Clone)]
pub struct MailArgs {
    /// Where email goes: `smtp://host:25`, `smtp://user:pass@host:587?tls=required`
    /// (STARTTLS) or `smtps://user:pass@host:465`. Without it, each message is written as an
    /// `.eml` file to the mail folder and its links are printed to the log.
    #[arg(long, env = "FRONTDOOR_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// The sender of every message.
    #[arg(long, env = "FRONTDOOR_MAIL_FROM", default_value = "Frontdoor <frontdoor@localhost>")]
    pub mail_from: String,
    /// The folder for `.eml` files when there is no SMTP server. Default: `mail` in the data
    /// directory, and with an https public URL none: a live installation then needs
    /// `--smtp-url`, or this folder named on purpose (its links are never logged).
    #[arg(long, env = "FRONTDOOR_MAIL_DIR")]
    pub mail_dir: Option<std::path::PathBuf>,
    /// How long an activation link works, in hours.
    #[arg(long, env = "FRONTDOOR_ACTIVATION_HOURS", default_value_t = 72)]
    pub activation_hours: i64,
    /// How long a password-reset link works, in minutes.
    #[arg(long, env = "FRONTDOOR_RESET_MINUTES", default_value_t = 60)]
    pub reset_minutes: i64,
    /// The longest wait between two delivery attempts of a message, in seconds (the wait
    /// doubles from 2 s after each failure).
    #[arg(long, env = "FRONTDOOR_MAIL_RETRY_MAX_SECS", default_value_t = 900)]
    pub mail_retry_max_secs: i64,
    /// How often the sender looks for messages queued by other instances or the command line,
    /// in milliseconds.
    #[arg(long, env = "FRONTDOOR_MAIL_POLL_MS", default_value_t = 2000)]
    pub mail_poll_ms: u64,
}

#[derive(Subcommand, Debug)]
pub enum TenantCommand {
    /// Create a tenant with the built-in roles.
    Create {
        #[arg(long)]
        slug: String,
        #[arg(long)]
        name: String,
    },
    /// List tenants.
    List,
    /// A tenant's sign-in policy: what single sign-on does with people who match no user,
    /// the role of users it creates, and whether password login is allowed.
    Set {
        #[arg(long)]
        slug: String,
        /// `existing`: existing active users only. `create`: create the user on first login.
        #[arg(long, value_parser = ["existing", "create"])]
        sso_strategy: Option<String>,
        /// The role of users created on their first login (default "User").
        #[arg(long)]
        default_role: Option<String>,
        /// `off`: only single sign-on (and home-realm discovery by email domain).
        #[arg(long, value_parser = ["on", "off"])]
        password_login: Option<String>,
        /// Two-step verification: `off`, `optional` (the default: asked of those who set it
        /// up), `settings` (required for Settings and maintenance), `required` (for everyone).
        #[arg(long, value_parser = ["off", "optional", "settings", "required"])]
        two_step: Option<String>,
        /// Under `required`: the logins a person may make before setting it up (0 to 100).
        #[arg(long, value_parser = clap::value_parser!(i64).range(0..=100))]
        two_step_grace: Option<i64>,
        /// Whether people who sign in through the tenant's identity provider are asked too.
        #[arg(long, value_parser = ["on", "off"])]
        two_step_for_sso: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum SsoCommand {
    /// Add an OpenID Connect provider to a tenant. The client secret is read from a file and
    /// stored sealed with the secret key; it is never printed.
    Add {
        #[arg(long)]
        tenant: String,
        /// `microsoft` (Entra ID: `--issuer` may be the directory's tenant ID), `google`, or
        /// `oidc` (any issuer with discovery).
        #[arg(long, value_parser = ["microsoft", "google", "oidc"])]
        preset: String,
        /// The name people see: "Log in with {name}".
        #[arg(long)]
        name: String,
        #[arg(long)]
        issuer: Option<String>,
        #[arg(long)]
        client_id: String,
        #[arg(long)]
        client_secret_file: PathBuf,
        /// Email domains that belong to this provider (home-realm discovery; users linked and
        /// created on first login). Repeat for several. Public mail services are refused.
        #[arg(long = "domain")]
        domains: Vec<String>,
        /// The public URL, to print the provider's redirect URI.
        #[arg(long, env = "FRONTDOOR_PUBLIC_URL")]
        public_url: Option<String>,
    },
    /// A tenant's providers, their domains and the redirect URI to register with them.
    List {
        #[arg(long)]
        tenant: String,
        /// The public URL, to print the redirect URI.
        #[arg(long, env = "FRONTDOOR_PUBLIC_URL")]
        public_url: Option<String>,
    },
    /// Remove a provider; the links between its identities and users go with it.
    Remove {
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        name: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create an active user. With `--password-stdin` the password is read from standard input.
    Create {
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        email: Option<String>,
        /// An assigned user name (onsite/Windows users) instead of the email address.
        #[arg(long)]
        username: Option<String>,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "User")]
        role: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// List a tenant's users, or (`--email`) that address's accounts in every tenant.
    List {
        #[arg(long, required_unless_present = "email", conflicts_with = "email")]
        tenant: Option<String>,
        #[arg(long)]
        email: Option<String>,
    },
    /// Add a user who chooses their own password: creates them as `invited` and sends the
    /// activation email (delivered by `frontdoor serve`).
    Invite {
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "User")]
        role: String,
        /// The language of their email and pages: `en` or `nl`.
        #[arg(long, default_value = "en")]
        language: String,
    },
    /// Give a user a new password, read from standard input (onsite installations). Clears
    /// their lockout and ends their sessions.
    SetPassword {
        #[command(flatten)]
        who: UserRef,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Deactivate a user; ends all their sessions.
    Deactivate(UserRef),
    /// Make a deactivated user active again.
    Activate(UserRef),
}

#[derive(Args, Debug)]
pub struct UserRef {
    #[arg(long)]
    pub tenant: String,
    /// The user's login name (email address or user name).
    #[arg(long, alias = "username")]
    pub email: String,
}

#[derive(Subcommand, Debug)]
pub enum RoleCommand {
    /// List a tenant's roles and their rights.
    List {
        #[arg(long)]
        tenant: String,
    },
}
