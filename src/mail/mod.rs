//! Email: the transports (SMTP or `.eml` files), the notices, the outbox worker.
//! The outbox decides when; the mailer only how.

pub mod notices;
pub mod worker;

use std::time::Duration;

use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{FileTransport, Message, SmtpTransport, Transport};
use secrecy::ExposeSecret;

use crate::config::Settings;
use crate::store::outbox::Mail;

/// How email leaves: SMTP when configured, otherwise files in the outbox folder.
pub enum Mailer {
    /// An SMTP server (STARTTLS or TLS as its URL says).
    Smtp(Box<SmtpTransport>),
    /// `.eml` files, so that a first run needs no mail server.
    Files(FileTransport),
}

impl Mailer {
    /// The transport the settings ask for.
    pub fn from_settings(settings: &Settings) -> Result<Mailer, String> {
        match &settings.smtp_url {
            Some(url) => {
                let t = SmtpTransport::from_url(url.expose_secret())
                    .map_err(|e| format!("CIVICDESK_SMTP_URL: {e}"))?
                    .timeout(Some(Duration::from_secs(20)))
                    .build();
                Ok(Mailer::Smtp(Box::new(t)))
            }
            None => {
                std::fs::create_dir_all(&settings.outbox_dir).map_err(|e| {
                    format!(
                        "CIVICDESK_OUTBOX_DIR: cannot create {}: {e}",
                        settings.outbox_dir.display()
                    )
                })?;
                Ok(Mailer::Files(FileTransport::new(&settings.outbox_dir)))
            }
        }
    }

    /// Sends one email from the outbox.
    pub fn send(&self, from: &str, mail: &Mail) -> Result<(), String> {
        let from: Mailbox = from.parse().map_err(|e| format!("sender: {e}"))?;
        let to: Mailbox = mail
            .to_addr
            .parse()
            .map_err(|e| format!("recipient {}: {e}", mail.to_addr))?;
        let part = |ct: ContentType, body: &str| {
            SinglePart::builder()
                .header(ct)
                .header(ContentTransferEncoding::QuotedPrintable)
                .body(body.to_string())
        };
        let message = Message::builder()
            .from(from)
            .to(to)
            .subject(&mail.subject)
            .message_id(Some(format!("<{}@civicdesk>", mail.id)))
            .multipart(
                MultiPart::alternative()
                    .singlepart(part(ContentType::TEXT_PLAIN, &mail.text_body))
                    .singlepart(part(ContentType::TEXT_HTML, &mail.html_body)),
            )
            .map_err(|e| format!("building the message: {e}"))?;
        match self {
            Mailer::Smtp(t) => t.send(&message).map(drop).map_err(|e| e.to_string()),
            Mailer::Files(t) => t.send(&message).map(drop).map_err(|e| e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::validation::is_deliverable_email;

    #[test]
    fn every_address_intake_accepts_is_one_lettre_can_send_to() {
        for addr in [
            "kim@seoul.go.kr",
            "first.last+tag@example.org",
            "o'brien@example.ie",
            "민원@도메인.한국",
            "x_y-z@sub.example.co.kr",
        ] {
            assert!(is_deliverable_email(addr), "{addr}");
            assert!(addr.parse::<lettre::Address>().is_ok(), "lettre refuses {addr}");
        }
    }
}
