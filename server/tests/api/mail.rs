//! Email is never lost: a mail server outage keeps messages queued until it is back, and a
//! restart between the commit and the delivery loses nothing.

use crate::helpers::*;
use mailin_embedded::response::OK;
use mailin_embedded::{Handler, Response, Server, SslConfig};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A real SMTP server (mailin) that keeps what it receives.
#[derive(Clone, Default)]
struct Inbox {
    received: Arc<Mutex<Vec<String>>>,
    current: Vec<u8>,
}

impl Handler for Inbox {
    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.current.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let message = String::from_utf8_lossy(&std::mem::take(&mut self.current)).to_string();
        self.received.lock().unwrap().push(message);
        OK
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn start_smtp(port: u16) -> Arc<Mutex<Vec<String>>> {
    let inbox = Inbox::default();
    let received = inbox.received.clone();
    let mut server = Server::new(inbox);
    server.with_name("mail.test").with_ssl(SslConfig::None).unwrap().with_addr(("127.0.0.1", port)).unwrap();
    std::thread::spawn(move || {
        let _ = server.serve();
    });
    received
}

async fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..200 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting until {what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_smtp_outage_keeps_messages_queued_until_the_server_is_back() {
    let port = free_port();
    let app = spawn_app_with(|args| args.mail.smtp_url = Some(format!("smtp://127.0.0.1:{port}"))).await;
    let user_id = app.invite("acme", "grace@acme.test", "en").await;

    // Nobody listens: the attempt fails and the message waits.
    let db = app.state.db.clone();
    let mut failed = None;
    for _ in 0..200 {
        let row = db.mail_of_user(user_id).await.unwrap().remove(0);
        if row.attempts >= 1 {
            failed = Some(row);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let row = failed.expect("a delivery attempt was made and failed while nobody listened");
    assert_eq!(row.sent_at, None);
    assert_eq!(row.failed_at, None, "a connection failure is not final");
    assert!(row.last_error.is_some());

    let received = start_smtp(port);
    app.advance(5);
    app.state.mail.wake();
    wait_until("the message is delivered", || !received.lock().unwrap().is_empty()).await;
    let mail = Mail::parse(&received.lock().unwrap()[0]);
    assert!(mail.is_to("grace@acme.test"));
    assert!(mail.link("/activate/").is_some());
    let mut sent = None;
    for _ in 0..100 {
        sent = db.mail_of_user(user_id).await.unwrap().remove(0).sent_at;
        if sent.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(sent.is_some(), "the row is marked sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_between_commit_and_delivery_loses_nothing() {
    // The invitation is committed while no server runs (the command line, or a crash right
    // after the commit)…
    let data = tempfile::tempdir().unwrap();
    let url = fresh_database(data.path()).await;
    let db = server::db::Db::connect(&url).await.unwrap();
    db.migrate().await.unwrap();
    let tenant = db.create_tenant("acme", "Acme", 1_000).await.unwrap();
    let role = db.role_by_name(tenant.id, "User").await.unwrap().unwrap();
    let new_user = server::db::NewUser {
        tenant_id: tenant.id,
        role_id: role.id,
        login_name: "grace@acme.test",
        email: Some("grace@acme.test"),
        display_name: "Grace Hopper",
        status: server::db::UserStatus::Invited,
        password_hash: None,
        language: None,
    };
    db.invite_user(&new_user, 1_000).await.unwrap();
    db.pool.close().await;

    // …and the next server to start delivers it.
    let app = spawn_app_on(&url, data, |_| {}).await;
    let mails = app.wait_for_mails("grace@acme.test", 1).await;
    assert!(mails[0].link("/activate/").is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_never_send_one_message_twice() {
    let first = spawn_app().await;
    let second = spawn_second_instance(&first).await;
    for i in 0..10 {
        first.invite("acme", &format!("user{i}@acme.test"), "en").await;
    }
    second.state.mail.wake();
    for i in 0..10 {
        let address = format!("user{i}@acme.test");
        for _ in 0..200 {
            if first.mails_to(&address).len() + second.mails_to(&address).len() >= 1 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    for i in 0..10 {
        let address = format!("user{i}@acme.test");
        assert_eq!(first.mails_to(&address).len() + second.mails_to(&address).len(), 1, "{address}");
    }
}
