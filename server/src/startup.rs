//! Building and running the server: a library with a thin binary, so tests run the real thing
//! on port 0.

use crate::authn::sso::RelyingParty;
use crate::clock::Clock;
use crate::config::{Mode, ServeArgs};
use crate::db::{Db, DbKind};
use crate::hashing::PasswordHasher;
use crate::limits::Limits;
use crate::mail::{Mailer, Sender, Transport};
use crate::provider::backchannel::Backchannel;
use crate::provider::keys::Keys;
use crate::retention::Sweeper;
use crate::sealing::SecretKey;
use crate::settings::Settings;
use crate::test_mode::TestMode;
use crate::wakeup::MailSignal;
use crate::web::AppState;
use anyhow::Context;
use app::i18n::Lang;
use axum::serve::ListenerExt;
use axum::Router;
use leptos::prelude::LeptosOptions;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// How often each instance sweeps expired rows.
const SWEEP_EVERY: Duration = Duration::from_secs(600);

pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
    sender: Sender,
    backchannel: Backchannel,
    sweeper: Sweeper,
    addr: SocketAddr,
}

impl Application {
    pub async fn build(args: &ServeArgs, db: Db, clock: Clock) -> anyhow::Result<Application> {
        let listener =
            TcpListener::bind(&args.addr).await.with_context(|| format!("cannot listen on {}", args.addr))?;
        let addr = listener.local_addr()?;
        let public_url = args.public_url.clone().filter(|u| !u.is_empty()).unwrap_or_else(|| format!("http://{addr}"));
        let service_url = args.service_url.as_deref().filter(|u| !u.is_empty());
        let mut settings = Settings::new(&public_url, service_url, args.trust_forwarded_for)?;
        settings.reset_by_email = args.mode == Mode::Online;
        settings.activation_secs = args.mail.activation_hours.max(1) * 3600;
        settings.reset_secs = args.mail.reset_minutes.max(1) * 60;
        settings.default_lang = Lang::from_code(&args.language).unwrap_or_default();
        let settings = Arc::new(settings);

        let smtp_url = args.mail.smtp_url.as_deref().filter(|u| !u.is_empty());
        let live = settings.secure_cookies;
        let test_mode = match (args.test_mode, live && !args.test_mode_i_know) {
            (false, _) => None,
            (true, true) => anyhow::bail!(
                "test mode is refused with an https public URL: it lets anyone holding the test key sign in as test \
                 users. Give --test-mode-i-know too if this is a test installation on purpose."
            ),
            (true, false) => {
                let path = args.test_key_file.as_deref().context("no test key file (--test-key-file)")?;
                let mode = TestMode::load_or_create(path)?;
                tracing::warn!(key_file = %path.display(), "TEST MODE is on: /_test/ signs in test users for anyone holding the test key");
                Some(Arc::new(mode))
            }
        };
        let mail_dir = match (&args.mail.mail_dir, smtp_url) {
            (Some(dir), _) => dir.clone(),
            (None, None) if live => anyhow::bail!(
                "the public URL is https but no --smtp-url is given: live links would only be written to files. \
                 Give --smtp-url, or --mail-dir to keep the messages in a folder on purpose."
            ),
            (None, _) => PathBuf::from("data/mail"),
        };
        // Links go to the log only on a local (http) installation without SMTP.
        let transport = Transport::new(smtp_url, mail_dir, !live)?;
        tracing::info!(transport = %transport.describe(), "mail");
        let mut mailer = Mailer::new(
            transport,
            &args.mail.mail_from,
            args.mail.mail_retry_max_secs,
            Duration::from_millis(args.mail.mail_poll_ms.max(10)),
        )?;
        mailer.captured = test_mode.as_ref().map(|mode| mode.mailbox.clone());
        let workers =
            args.hash_workers.unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
        // In test mode, bursts of suite workers wait for a hashing worker instead of a 503.
        let queue = if test_mode.is_some() { workers * 64 } else { workers * 2 };
        let hasher = PasswordHasher::start(workers, args.hash_queue.unwrap_or(queue))?;
        let limits = match db.kind {
            DbKind::Postgres => Limits::shared(db.clone(), args.ip_failures_per_minute),
            DbKind::Sqlite => Limits::in_memory(args.ip_failures_per_minute),
        }
        .with_test_mode(test_mode.is_some());
        let leptos = LeptosOptions::builder()
            .output_name(app::hydration::LOGIN_BUNDLE) // the shell picks the page's bundle
            .site_root(args.site_root.as_str())
            .site_pkg_dir("pkg")
            .site_addr(addr)
            .build();
        // Never a default relative to the working directory: every instance must name the one key.
        let key_path = args.secret_key_file.as_deref().context("no secret key file (--secret-key-file)")?;
        let secret_key = SecretKey::load_or_create(key_path)?;
        let keys = Arc::new(Keys::new(db.clone(), secret_key.clone()));
        let relying_party = RelyingParty::new(&settings.public_url, secret_key)?;
        let signal = Arc::new(MailSignal::default());
        let state = AppState {
            db: db.clone(),
            clock: clock.clone(),
            settings: settings.clone(),
            hasher: Arc::new(hasher),
            limits: Arc::new(limits),
            mail: signal.clone(),
            relying_party: Arc::new(relying_party),
            keys: keys.clone(),
            webauthn: crate::authn::passkey::relying_party(&settings.public_url).map(Arc::new),
            leptos,
            test_mode,
            pages: Arc::default(),
            touches: Arc::default(),
        };
        let backchannel = Backchannel {
            db: db.clone(),
            clock: clock.clone(),
            keys,
            issuer: settings.public_url.clone(),
            http: Backchannel::http()?,
            poll: Duration::from_millis(args.mail.mail_poll_ms.max(10)),
            signal: Arc::default(),
        };
        let sender = Sender { db: db.clone(), clock: clock.clone(), settings, mailer: Arc::new(mailer), signal };
        let sweeper = Sweeper { db, clock, audit_keep_secs: args.audit_days.max(1) * 24 * 3600, every: SWEEP_EVERY };
        let router = crate::web::router(state.clone())?;
        Ok(Application { listener, router, state, sender, backchannel, sweeper, addr })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        tokio::spawn(self.sender.run());
        tokio::spawn(self.backchannel.run());
        tokio::spawn(self.sweeper.run());
        // Pages stream in several writes; without TCP_NODELAY, Nagle and delayed ACKs add 40 ms.
        let listener = self.listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        axum::serve(listener, self.router.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(shutdown_signal())
            .await
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
