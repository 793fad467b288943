//! The command line is an interface administrators and other teams script against.

use crate::helpers::*;
use reqwest::StatusCode;
use std::io::Write;
use std::process::{Command, Stdio};

pub fn frontdoor(app: &TestApp, args: &[&str], stdin: Option<&str>) -> (bool, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_frontdoor"))
        .args(args)
        .env("DATABASE_URL", &app.db_url)
        .env("RUST_LOG", "error")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the frontdoor binary runs");
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    }
    let output = child.wait_with_output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.success(), text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn administrators_manage_tenants_users_and_sessions_from_the_command_line() {
    let app = spawn_app().await;
    let (ok, out) = frontdoor(&app, &["tenant", "create", "--slug", "initech", "--name", "Initech"], None);
    assert!(ok, "{out}");
    let (ok, out) = frontdoor(&app, &["tenant", "create", "--slug", "Bad Slug", "--name", "x"], None);
    assert!(!ok && out.contains("lower-case"), "{out}");

    let create = [
        "user",
        "create",
        "--tenant",
        "initech",
        "--email",
        "Peter@Initech.test",
        "--name",
        "Peter Gibbons",
        "--role",
        "User level 0",
        "--password-stdin",
    ];
    let (ok, out) = frontdoor(&app, &create, Some("TPS-reports-cover-sheet\n"));
    assert!(ok, "{out}");
    let (ok, out) = frontdoor(&app, &create, Some("TPS-reports-cover-sheet\n"));
    assert!(!ok && out.contains("already has a user"), "{out}");
    let (ok, out) = frontdoor(
        &app,
        &["user", "create", "--tenant", "initech", "--email", "m@initech.test", "--name", "M", "--role", "Boss"],
        None,
    );
    assert!(!ok && out.contains("User level 0"), "names the roles there are: {out}");

    let (_, list) = frontdoor(&app, &["user", "list", "--tenant", "initech"], None);
    assert!(list.contains("peter@initech.test") && list.contains("active") && list.contains("User level 0"), "{list}");

    let client = browser();
    let login = app
        .post_login(&client, "/login", &[("user_id", "peter@initech.test"), ("password", "TPS-reports-cover-sheet")])
        .await;
    assert_eq!(location(&login), "/crm");
    let (_, sessions) =
        frontdoor(&app, &["session", "list", "--tenant", "initech", "--user", "peter@initech.test"], None);
    assert!(sessions.contains("crm") && sessions.contains("127.0.0.1"), "{sessions}");
    let (ok, out) =
        frontdoor(&app, &["session", "revoke", "--tenant", "initech", "--user", "peter@initech.test", "--all"], None);
    assert!(ok && out.contains("Ended 1"), "{out}");
    assert_redirects_to_login(app.get(&client, "/crm").await).await;

    // The command line acts through the same flows as Settings and maintenance: the tenant's
    // only administrator is not deactivated (nobody could administer it), a second one may be.
    let (ok, out) =
        frontdoor(&app, &["user", "deactivate", "--tenant", "initech", "--email", "peter@initech.test"], None);
    assert!(!ok && out.contains("nobody would be left"), "{out}");
    let bill = [
        "user",
        "create",
        "--tenant",
        "initech",
        "--email",
        "bill@initech.test",
        "--name",
        "Bill Lumbergh",
        "--role",
        "User level 0",
        "--password-stdin",
    ];
    assert!(frontdoor(&app, &bill, Some("yeah-if-you-could-come-in-on-saturday\n")).0);
    let (ok, out) =
        frontdoor(&app, &["user", "deactivate", "--tenant", "initech", "--email", "peter@initech.test"], None);
    assert!(ok, "{out}");
    // Users made at the command line are in the audit trail like those made in the pages.
    let created: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE event = 'user.create'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(created, 2);
    let refused = app
        .post_login(&browser(), "/login", &[("user_id", "peter@initech.test"), ("password", "TPS-reports-cover-sheet")])
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let (ok, _) = frontdoor(&app, &["user", "activate", "--tenant", "initech", "--email", "peter@initech.test"], None);
    assert!(ok);
    // Someone who never chose a password is activated as invited again, as Settings does it.
    let (ok, out) = frontdoor(
        &app,
        &["user", "create", "--tenant", "initech", "--username", "milton", "--name", "Milton", "--role", "User"],
        None,
    );
    assert!(ok, "{out}");
    assert!(frontdoor(&app, &["user", "deactivate", "--tenant", "initech", "--email", "milton"], None).0);
    let (ok, out) = frontdoor(&app, &["user", "activate", "--tenant", "initech", "--email", "milton"], None);
    assert!(ok && out.contains("is invited"), "{out}");
    let (_, roles) = frontdoor(&app, &["role", "list", "--tenant", "initech"], None);
    assert!(roles.contains("crm,service,settings"), "{roles}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invite_queues_the_activation_email_and_set_password_replaces_a_password() {
    let app = spawn_app().await;
    app.tenant("acme").await;
    let invite =
        ["user", "invite", "--tenant", "acme", "--email", "Linus@Acme.test", "--name", "Linus", "--language", "nl"];
    let (ok, out) = frontdoor(&app, &invite, None);
    assert!(ok && out.contains("Invited linus@acme.test"), "{out}");
    let (ok, out) = frontdoor(&app, &invite, None);
    assert!(!ok && out.contains("already has a user"), "{out}");
    let bad = ["user", "invite", "--tenant", "acme", "--email", "x@acme.test", "--name", "X", "--language", "fr"];
    let (ok, out) = frontdoor(&app, &bad, None);
    assert!(!ok && out.contains("\"nl\""), "{out}");
    // The running server delivers what the command line queued, in the invitee's language. (The
    // command line queued it at the real time; this server's clock stands still until moved.)
    app.advance(server::clock::Clock::system().now() - app.state.clock.now());
    let mails = app.wait_for_mails("linus@acme.test", 1).await;
    assert!(mails[0].raw.contains("Nu activeren"));

    let ada = app.ada().await;
    let set = ["user", "set-password", "--tenant", "acme", "--email", ada.login.as_str(), "--password-stdin"];
    let (ok, out) = frontdoor(&app, &set, Some("a brand new onsite password\n"));
    assert!(ok, "{out}");
    let client = browser();
    let old = app.post_login(&client, "/login", &[("user_id", &ada.login), ("password", &ada.password)]).await;
    assert_eq!(old.status(), StatusCode::UNAUTHORIZED);
    let new = app
        .post_login(&client, "/login", &[("user_id", &ada.login), ("password", "a brand new onsite password")])
        .await;
    assert_eq!(new.status(), StatusCode::SEE_OTHER);
}

/// A password set from the command line follows the pages' policy, and says why not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn passwords_from_the_command_line_follow_the_policy() {
    let app = spawn_app().await;
    let ada = app.ada().await;
    let set = ["user", "set-password", "--tenant", "acme", "--email", ada.login.as_str(), "--password-stdin"];
    for (weak, why) in
        [("short\n", "at least 8"), ("password1234\n", "easy to guess"), ("ada lovelace rocks forever\n", "your name")]
    {
        let (ok, out) = frontdoor(&app, &set, Some(weak));
        assert!(!ok && out.contains("the password is refused") && out.contains(why), "{weak:?}: {out}");
    }
    let create =
        ["user", "create", "--tenant", "acme", "--email", "bob@acme.test", "--name", "Bob", "--password-stdin"];
    let (ok, out) = frontdoor(&app, &create, Some("qwertyuiop\n"));
    assert!(!ok && out.contains("the password is refused"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_list_by_email_shows_the_accounts_in_every_tenant() {
    let app = spawn_app().await;
    app.add_user("acme", "pat@multi.test", "User", server::db::UserStatus::Active).await;
    app.add_user("globex", "pat@multi.test", "User level 0", server::db::UserStatus::Deactivated).await;
    let (ok, out) = frontdoor(&app, &["user", "list", "--email", "Pat@Multi.test"], None);
    assert!(ok, "{out}");
    let lines: Vec<&str> = out.lines().filter(|l| l.contains("pat@multi.test")).collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines[0].starts_with("acme") && lines[0].contains("active"), "{out}");
    assert!(lines[1].starts_with("globex") && lines[1].contains("deactivated"), "{out}");
}
