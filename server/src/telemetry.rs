use tracing_subscriber::EnvFilter;

/// Logs to stderr; `RUST_LOG` overrides the default level. Passwords, tokens and cookies are
/// never logged: the types that hold them do not implement `Debug` with their contents.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}
