//! The messages themselves: a subject, a text part and an HTML part, in the recipient's
//! language, built from the translation layer. Links come from the configured public URL.

use crate::db::MailKind;
use crate::html::escape;
use app::domain::{format_utc, LinkKind};
use app::i18n::{fill, Lang, Msg};

pub struct Facts<'a> {
    pub name: &'a str,
    pub login_name: &'a str,
    pub tenant: &'a str,
    pub link: Option<&'a str>,
    /// A "Reset login" code.
    pub code: Option<&'a str>,
    /// The address the message goes to.
    pub email: &'a str,
    /// The identity provider a notice is about.
    pub provider: Option<&'a str>,
    pub activation_hours: i64,
    pub reset_minutes: i64,
    pub when: i64,
}

pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The link the message carries, if any (printed to the log when there is no SMTP).
    pub link: Option<String>,
}

pub fn render(kind: MailKind, lang: Lang, facts: &Facts<'_>) -> Rendered {
    let hours = facts.activation_hours.to_string();
    let minutes = facts.reset_minutes.to_string();
    let when = format_utc(facts.when);
    let code_minutes = (crate::codes::CODE_LIFETIME_SECS / 60).to_string();
    let args: [(&str, &str); 9] = [
        ("name", facts.name),
        ("login", facts.login_name),
        ("tenant", facts.tenant),
        ("hours", &hours),
        ("minutes", &minutes),
        ("when", &when),
        ("email", facts.email),
        ("code_minutes", &code_minutes),
        ("provider", facts.provider.unwrap_or_default()),
    ];
    let (subject, paragraphs, button, after): (Msg, &[Msg], Option<Msg>, &[Msg]) = match kind {
        MailKind::Link(LinkKind::Activation) => (
            Msg::MailActivationSubject,
            &[Msg::MailGreeting, Msg::MailActivationBody],
            Some(Msg::ActivateNow),
            &[Msg::MailActivationValidity, Msg::MailActivationIgnore],
        ),
        MailKind::Link(LinkKind::PasswordReset) => (
            Msg::MailResetSubject,
            &[Msg::MailGreeting, Msg::MailResetBody],
            Some(Msg::MailResetButton),
            &[Msg::MailResetValidity, Msg::MailResetIgnore],
        ),
        MailKind::PasswordChanged => {
            (Msg::MailChangedSubject, &[Msg::MailGreeting, Msg::MailChangedBody, Msg::MailChangedNotYou], None, &[])
        }
        MailKind::TenantCode => {
            (Msg::MailCodeSubject, &[Msg::MailCodeBody], None, &[Msg::MailCodeValidity, Msg::MailCodeIgnore])
        }
        MailKind::LinkCode => (
            Msg::MailLinkCodeSubject,
            &[Msg::MailGreeting, Msg::MailLinkCodeBody],
            None,
            &[Msg::MailLinkCodeValidity, Msg::MailLinkCodeIgnore],
        ),
        MailKind::IdentityLinked => {
            (Msg::MailLinkedSubject, &[Msg::MailGreeting, Msg::MailLinkedBody, Msg::MailChangedNotYou], None, &[])
        }
        MailKind::RecoveryCodeUsed => (
            Msg::MailRecoveryUsedSubject,
            &[Msg::MailGreeting, Msg::MailRecoveryUsedBody, Msg::MailChangedNotYou],
            None,
            &[],
        ),
        MailKind::TwoStepReset => {
            (Msg::MailTwoStepResetSubject, &[Msg::MailGreeting, Msg::MailTwoStepResetBody], None, &[])
        }
        MailKind::PasskeyAdded => (
            Msg::MailPasskeyAddedSubject,
            &[Msg::MailGreeting, Msg::MailPasskeyAddedBody, Msg::MailChangedNotYou],
            None,
            &[],
        ),
    };
    let say = |msg: Msg| fill(msg.text(lang), &args);
    let link = facts.link.filter(|_| button.is_some());

    let mut text = String::new();
    let mut html = format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head>\
         <body style=\"font-family: system-ui, sans-serif; line-height: 1.5; color: #1a1a1a\">",
        lang.code(),
        escape(&say(subject))
    );
    for msg in paragraphs {
        text.push_str(&say(*msg));
        text.push_str("\n\n");
        html.push_str(&format!("<p>{}</p>", escape(&say(*msg))));
    }
    if let Some(code) = facts.code.filter(|_| matches!(kind, MailKind::TenantCode | MailKind::LinkCode)) {
        text.push_str(&format!("{code}\n\n"));
        html.push_str(&format!(
            "<p style=\"font-size: 1.6em; letter-spacing: 0.15em; font-weight: bold\">{}</p>",
            escape(code)
        ));
    }
    if let (Some(button), Some(link)) = (button, link) {
        text.push_str(&format!("{}: {link}\n\n", say(button)));
        html.push_str(&format!(
            "<p><a href=\"{0}\" style=\"display: inline-block; padding: 0.6em 1.2em; background: #0b5cad; \
             color: #fff; text-decoration: none; border-radius: 4px\">{1}</a></p>",
            escape(link),
            escape(&say(button))
        ));
    }
    for msg in after {
        text.push_str(&say(*msg));
        text.push_str("\n\n");
        html.push_str(&format!("<p>{}</p>", escape(&say(*msg))));
    }
    text.push_str(Msg::ProductName.text(lang));
    text.push('\n');
    html.push_str(&format!("<p style=\"color: #555\">{}</p></body></html>", escape(Msg::ProductName.text(lang))));
    Rendered { subject: say(subject), text, html, link: link.map(str::to_string) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(link: Option<&str>) -> Facts<'_> {
        Facts {
            name: "Ada <Lovelace>",
            login_name: "ada@example.com",
            tenant: "Acme",
            link,
            code: None,
            email: "ada@example.com",
            provider: None,
            activation_hours: 72,
            reset_minutes: 60,
            when: 0,
        }
    }

    #[test]
    fn activation_mail_carries_the_link_in_both_parts_and_escapes_names() {
        let mail =
            render(MailKind::Link(LinkKind::Activation), Lang::En, &facts(Some("https://crm.example/activate/abc")));
        assert!(mail.text.contains("Activate now: https://crm.example/activate/abc"));
        assert!(mail.html.contains("href=\"https://crm.example/activate/abc\""));
        assert!(mail.html.contains("Ada &lt;Lovelace&gt;"));
        assert!(mail.text.contains("72 hours"));
    }

    #[test]
    fn dutch_mail_is_dutch() {
        let mail = render(MailKind::Link(LinkKind::Activation), Lang::Nl, &facts(Some("https://x/activate/abc")));
        assert!(mail.text.contains("Nu activeren"), "{}", mail.text);
        let changed = render(MailKind::PasswordChanged, Lang::Nl, &facts(None));
        assert!(changed.subject.contains("wachtwoord"), "{}", changed.subject);
    }

    #[test]
    fn a_notice_has_no_link() {
        let mail = render(MailKind::PasswordChanged, Lang::En, &facts(Some("https://x/should-not-appear")));
        assert!(!mail.text.contains("should-not-appear"));
        assert_eq!(mail.link, None);
    }
}
