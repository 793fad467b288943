//! Building and running the server: a library with a thin binary, so tests run the real thing
//! on port 0.

use crate::clock::Clock;
use crate::config::{Mode, ServeArgs};
use crate::db::Db;
use crate::mail::{Mailer, Transport};
use crate::password::PasswordHasher;
use crate::rate_limit::{IpLimiter, WindowLimiter};
use crate::state::{AppState, Settings};
use anyhow::Context;
use axum::serve::ListenerExt;
use axum::Router;
use leptos::prelude::LeptosOptions;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// Forgot-password requests allowed per IP and per address in each window.
const RESET_REQUESTS_PER_WINDOW: u32 = 5;
const RESET_WINDOW_SECS: i64 = 300;

pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
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
        let mail_dir = args.mail.mail_dir.clone().unwrap_or_else(|| PathBuf::from("data/mail"));
        let transport = Transport::new(args.mail.smtp_url.as_deref(), mail_dir)?;
        tracing::info!(transport = %transport.describe(), "mail");
        let mailer = Mailer::new(
            transport,
            &args.mail.mail_from,
            args.mail.mail_retry_max_secs,
            Duration::from_millis(args.mail.mail_poll_ms.max(10)),
        )?;
        let workers =
            args.hash_workers.unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
        let hasher = PasswordHasher::start(workers, args.hash_queue.unwrap_or(workers * 2))?;
        let leptos = LeptosOptions::builder()
            .output_name(app::islands::LOGIN_BUNDLE) // the shell picks the page's bundle
            .site_root(args.site_root.as_str())
            .site_pkg_dir("pkg")
            .site_addr(addr)
            .build();
        let state = AppState {
            db,
            clock,
            hasher: Arc::new(hasher),
            ip_limiter: Arc::new(IpLimiter::new(args.ip_failures_per_minute)),
            login_gates: Arc::default(),
            reset_limiter: Arc::new(WindowLimiter::new(RESET_REQUESTS_PER_WINDOW, RESET_WINDOW_SECS)),
            mailer: Arc::new(mailer),
            settings: Arc::new(settings),
            leptos,
        };
        let router = crate::web::router(state.clone());
        Ok(Application { listener, router, state, addr })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        tokio::spawn(crate::mail::run_sender(self.state.clone()));
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
