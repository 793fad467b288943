//! The Terms of Service: versions published for the whole installation (Markdown, rendered to
//! sanitised HTML once, when published), and each user's acceptance of the newest one before
//! Settings and maintenance opens.

use crate::audit::{self, Event, Origin, Subject};
use crate::client::ClientInfo;
use crate::clock::Clock;
use crate::db::{Db, TermsVersion};

pub struct Terms<'a> {
    pub db: &'a Db,
    pub clock: &'a Clock,
}

/// Markdown to HTML that is safe to put in a page: no scripts, no event handlers, no
/// `javascript:` links, no styles (the CSP would refuse inline ones anyway).
pub fn render(markdown: &str) -> String {
    let parser = pulldown_cmark::Parser::new_ext(markdown, pulldown_cmark::Options::ENABLE_TABLES);
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, parser);
    ammonia::Builder::default().link_rel(Some("noopener noreferrer")).clean(&html).to_string()
}

impl Terms<'_> {
    /// A new version; every user sees it once, at their next login to Settings and maintenance.
    pub async fn publish(&self, markdown: &str) -> sqlx::Result<i64> {
        self.db.publish_terms(markdown, &render(markdown), self.clock.now()).await
    }

    pub async fn pending(&self, user_id: i64) -> sqlx::Result<Option<TermsVersion>> {
        self.db.pending_terms(user_id).await
    }

    /// Records that the user accepted `version` (the one they were shown). False when that is
    /// not the version waiting for them (a newer one was published meanwhile, or it was
    /// accepted already).
    pub async fn accept(&self, tenant_id: i64, user_id: i64, version: i64, client: &ClientInfo) -> sqlx::Result<bool> {
        let Some(pending) = self.pending(user_id).await? else { return Ok(false) };
        if pending.version != version {
            return Ok(false);
        }
        let accepted = self.db.accept_terms(user_id, version, &client.ip.to_string(), self.clock.now()).await?;
        if accepted {
            let subject = Subject::user(tenant_id, user_id);
            audit::record(self.db, self.clock, Event::TermsAccepted { version }, subject, Origin::Client(client)).await;
        }
        Ok(accepted)
    }
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn markdown_is_rendered_and_scripts_are_dropped() {
        let html = render("# Terms\n\nBe **kind**.\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>");
        assert!(html.contains("<h1>Terms</h1>"), "{html}");
        assert!(html.contains("<strong>kind</strong>"), "{html}");
        for bad in ["<script", "javascript:", "onerror"] {
            assert!(!html.contains(bad), "{bad} survived: {html}");
        }
    }
}
