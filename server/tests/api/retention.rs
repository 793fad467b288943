use crate::helpers::*;
use server::retention::Sweeper;

/// The sweeper deletes what has served its purpose and nothing that still works.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sweeper_deletes_expired_sessions_used_links_and_old_audit_rows() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    app.log_in(&browser(), &ada).await;
    app.advance(11 * 3600); // past the 10-hour session limit
    let live = browser();
    app.log_in(&live, &ada).await;
    let sweeper = Sweeper {
        db: app.state.db.clone(),
        clock: app.state.clock.clone(),
        audit_keep_secs: 3600,
        every: std::time::Duration::from_secs(600),
    };
    let swept = sweeper.sweep().await.unwrap();
    assert_eq!(swept.sessions, 1, "{swept:?}");
    assert!(swept.audit >= 1, "the first login's audit row is older than an hour: {swept:?}");
    assert_eq!(app.state.db.count_sessions(ada.id).await.unwrap(), 1);
    assert_eq!(app.get(&live, "/crm").await.status(), reqwest::StatusCode::OK, "the live session stays");
    assert_eq!(sweeper.sweep().await.unwrap().total(), 0, "nothing twice");
}
