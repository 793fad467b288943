//! Where messages go: an SMTP server (lettre), or `.eml` files in a folder when none is
//! configured — the embedded default, so a newcomer can activate accounts locally.

use super::Rendered;
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Body, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;
use std::time::Duration;

pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// `.eml` files in a folder; with `log_links`, each message's link is logged too (a local
    /// installation's way to its first activation link, never a live https one).
    Files {
        dir: PathBuf,
        log_links: bool,
    },
}

#[derive(Debug)]
pub enum SendError {
    /// Try again later: the server is down, busy, or said "not now".
    Transient(String),
    /// The mail server refused the message for good (a bad recipient, say).
    Permanent(String),
}

impl Transport {
    /// From `--smtp-url` (credentials may be in it; it is never logged) or the mail folder.
    pub fn new(smtp_url: Option<&str>, mail_dir: PathBuf, log_links: bool) -> anyhow::Result<Self> {
        match smtp_url.filter(|u| !u.is_empty()) {
            Some(url) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| anyhow::anyhow!("the SMTP URL is not usable: {e}"))?
                    .timeout(Some(Duration::from_secs(15)))
                    .build();
                Ok(Transport::Smtp(transport))
            }
            None => Ok(Transport::Files { dir: mail_dir, log_links }),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Transport::Smtp(_) => "SMTP".to_string(),
            Transport::Files { dir, .. } => format!("files in {}", dir.display()),
        }
    }

    pub async fn send(&self, from: &Mailbox, to: &str, rendered: &Rendered, id: i64) -> Result<(), SendError> {
        let to: Mailbox = to.parse().map_err(|e| SendError::Permanent(format!("bad recipient: {e}")))?;
        // Quoted-printable keeps links readable in the raw message (and in the .eml files).
        let part = |content_type: ContentType, text: &str| {
            let body = Body::new_with_encoding(text.to_string(), ContentTransferEncoding::QuotedPrintable)
                .unwrap_or_else(|_| Body::new(text.to_string()));
            SinglePart::builder().header(content_type).body(body)
        };
        let message = Message::builder()
            .from(from.clone())
            .to(to)
            .subject(rendered.subject.clone())
            .multipart(
                MultiPart::alternative()
                    .singlepart(part(ContentType::TEXT_PLAIN, &rendered.text))
                    .singlepart(part(ContentType::TEXT_HTML, &rendered.html)),
            )
            .map_err(|e| SendError::Permanent(format!("cannot build the message: {e}")))?;
        match self {
            Transport::Smtp(smtp) => smtp.send(message).await.map(|_| ()).map_err(|e| {
                if e.is_permanent() {
                    SendError::Permanent(e.to_string())
                } else {
                    SendError::Transient(e.to_string())
                }
            }),
            Transport::Files { dir, log_links } => {
                let io = |e: std::io::Error| SendError::Transient(format!("cannot write to {}: {e}", dir.display()));
                tokio::fs::create_dir_all(dir).await.map_err(io)?;
                let name = format!("{id:08}.eml");
                let partial = dir.join(format!(".{name}.partial"));
                tokio::fs::write(&partial, message.formatted()).await.map_err(io)?;
                let path = dir.join(name);
                tokio::fs::rename(&partial, &path).await.map_err(io)?;
                // No mail server: the log is how a newcomer finds the link.
                match rendered.link.as_ref().filter(|_| *log_links) {
                    Some(link) => tracing::info!(file = %path.display(), %link, "mail written (no SMTP configured)"),
                    None => tracing::info!(file = %path.display(), "mail written (no SMTP configured)"),
                }
                Ok(())
            }
        }
    }
}
