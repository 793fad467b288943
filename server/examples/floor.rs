//! The floor for a signed-in page (issue 19): what any Rust server on this stack must pay. A bare
//! axum server looks up SHA-256(cookie) among `SESSIONS` sessions in a SQLite file through sqlx
//! and answers a `format!` page of `BYTES` bytes. No templates, no middleware, no checks beyond
//! the lookup. scripts/bench.sh runs it beside Frontdoor in the same run:
//!
//!   floor ADDR DATA_DIR [SESSIONS] [BYTES]
//!
//! It prints one session's cookie (`floor=…`) on its first line of output, then serves.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use sha2::{Digest, Sha256};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::str::FromStr;

#[derive(Clone)]
struct Floor {
    db: SqlitePool,
    padding: String,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:3990".into());
    let dir = args.next().ok_or_else(|| anyhow::anyhow!("usage: floor ADDR DATA_DIR [SESSIONS] [BYTES]"))?;
    let sessions: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(10_000);
    let bytes: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(4_000);

    let options = SqliteConnectOptions::from_str(&format!("sqlite://{dir}/floor.db"))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal);
    let db = SqlitePoolOptions::new().max_connections(8).connect_with(options).await?;
    sqlx::query("CREATE TABLE IF NOT EXISTS sessions (token_hash BLOB PRIMARY KEY, user_name TEXT NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID")
        .execute(&db)
        .await?;
    let mut tx = db.begin().await?;
    for i in 0..sessions {
        let hash = Sha256::digest(format!("token-{i}").as_bytes()).to_vec();
        sqlx::query("INSERT OR REPLACE INTO sessions (token_hash, user_name, expires_at) VALUES (?, ?, ?)")
            .bind(hash)
            .bind(format!("Person {i}"))
            .bind(i64::MAX)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    println!("floor=token-{}", sessions / 2);

    let floor = Floor { db, padding: "x".repeat(bytes.saturating_sub(120)) };
    let app = Router::new().route("/crm", get(page)).with_state(floor);
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    axum::serve(listener, app).await?;
    Ok(())
}

async fn page(State(floor): State<Floor>, headers: HeaderMap) -> Response {
    let Some(token) = headers
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|c| c.split(';').find_map(|p| p.trim().strip_prefix("floor=")))
    else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let hash = Sha256::digest(token.as_bytes()).to_vec();
    let row: Option<(String, i64)> = sqlx::query_as("SELECT user_name, expires_at FROM sessions WHERE token_hash = ?")
        .bind(hash)
        .fetch_optional(&floor.db)
        .await
        .unwrap_or(None);
    match row {
        Some((name, _)) => Html(format!(
            "<!DOCTYPE html><html><head><title>CRM</title></head><body><h1>Welcome, {name}</h1><p>{}</p></body></html>",
            floor.padding
        ))
        .into_response(),
        None => StatusCode::UNAUTHORIZED.into_response(),
    }
}
