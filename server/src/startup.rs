//! Building and running the server: a library with a thin binary, so tests run the real thing
//! on port 0.

use crate::clock::Clock;
use crate::config::ServeArgs;
use crate::db::Db;
use crate::password::PasswordHasher;
use crate::rate_limit::IpLimiter;
use crate::state::{AppState, Settings};
use anyhow::Context;
use axum::serve::ListenerExt;
use axum::Router;
use leptos::prelude::LeptosOptions;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

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
        let settings = Settings::new(&public_url, service_url, args.trust_forwarded_for)?;
        let workers =
            args.hash_workers.unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
        let hasher = PasswordHasher::start(workers, args.hash_queue.unwrap_or(workers * 2))?;
        let leptos = LeptosOptions::builder()
            .output_name("frontend") // trunk names the bundle after the package: pkg/frontend.js
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
