//! Field errors gathered while checking input, reported all at once (422).

use serde::Serialize;

/// One field that failed validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field's path, e.g. `citizen.email`.
    pub field: String,
    /// What is wrong, in words a client developer can act on.
    pub message: String,
}

/// A list of field errors being gathered.
#[derive(Debug, Default)]
pub struct Errors(Vec<FieldError>);

impl Errors {
    /// Records one error.
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    /// `Ok(value)` when nothing was recorded, else the errors.
    pub fn finish<T>(self, value: T) -> Result<T, Vec<FieldError>> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self.0)
        }
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// A required, non-blank text of at most `max` characters, trimmed.
    pub fn required_text(&mut self, field: &str, value: Option<&str>, max: usize) -> Option<String> {
        match value.map(str::trim) {
            None | Some("") => {
                self.add(field, "is required");
                None
            }
            Some(v) => self.limit(field, v, max),
        }
    }

    /// An optional text of at most `max` characters, trimmed; blank counts as absent.
    pub fn optional_text(&mut self, field: &str, value: Option<&str>, max: usize) -> Option<String> {
        match value.map(str::trim) {
            None | Some("") => None,
            Some(v) => self.limit(field, v, max),
        }
    }

    fn limit(&mut self, field: &str, v: &str, max: usize) -> Option<String> {
        let n = v.chars().count();
        if n > max {
            self.add(field, format!("must be at most {max} characters (got {n})"));
            None
        } else if v.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
            self.add(field, "must not contain control characters");
            None
        } else if v.chars().any(is_noncharacter) {
            // Never text, and U+FFFE/U+FFFF cannot be written in XML at all (Open311's feed).
            self.add(field, "must not contain Unicode noncharacters such as U+FFFF");
            None
        } else {
            Some(v.to_string())
        }
    }

    /// A value that must be one of a fixed set of names.
    pub fn one_of<T>(
        &mut self,
        field: &str,
        value: Option<&str>,
        parse: fn(&str) -> Option<T>,
        names: &str,
    ) -> Option<T> {
        let v = value?;
        let parsed = parse(v.trim());
        if parsed.is_none() {
            self.add(field, format!("must be one of: {names} (got \"{v}\")"));
        }
        parsed
    }

    /// An optional email address the mailer can deliver to (see [`is_deliverable_email`]).
    pub fn email(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        let v = self.optional_text(field, value, 254)?;
        if is_deliverable_email(&v) {
            Some(v)
        } else {
            self.add(
                field,
                "must be an email address like name@example.org (no quoted names, no IP address in brackets)",
            );
            None
        }
    }

    /// A single-line text (a name, a title): required, at most `max`
    /// characters, no line breaks, and not only invisible characters.
    pub fn required_line(&mut self, field: &str, value: Option<&str>, max: usize) -> Option<String> {
        let v = self.required_text(field, value.map(strip_invisible_edges).as_deref(), max)?;
        if v.contains(['\n', '\r']) {
            self.add(field, "must be one line (no line breaks)");
            return None;
        }
        Some(v)
    }

    /// A required text that must say something: characters that show
    /// nothing (zero-width spaces, direction marks) do not count.
    pub fn required_visible_text(&mut self, field: &str, value: Option<&str>, max: usize) -> Option<String> {
        self.required_text(field, value.map(strip_invisible_edges).as_deref(), max)
    }
}

/// Characters that take no room and show nothing: zero-width spaces and
/// joiners, direction marks and overrides, the byte-order mark, soft hyphens.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}' | '\u{180E}'
        | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}'
        | '\u{3164}' | '\u{FEFF}' | '\u{FFA0}')
}

/// The text without invisible characters at its ends (inside, they may join
/// scripts that need them); a text of nothing else becomes empty.
fn strip_invisible_edges(v: &str) -> String {
    v.trim_matches(|c: char| c.is_whitespace() || is_invisible(c))
        .to_string()
}

/// Whether an address is one the mailer can deliver to: a dot-atom local part
/// (no quoted strings, no control characters) and a host name of at least
/// two labels (no IP literal in brackets), as SMTP servers accept them.
pub fn is_deliverable_email(v: &str) -> bool {
    let Some((local, domain)) = v.rsplit_once('@') else {
        return false;
    };
    let atext =
        |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c) || (!c.is_ascii() && !c.is_control());
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && local.split('.').all(|atom| !atom.is_empty() && atom.chars().all(atext));
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.chars().count() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    let tld_ok = labels.last().is_some_and(|t| !t.chars().all(|c| c.is_ascii_digit()));
    local_ok && domain.len() <= 253 && labels.len() >= 2 && labels.iter().all(label_ok) && tld_ok
}

/// Whether a phone number looks dialable: digits with optional `+`, spaces,
/// dashes, dots and parentheses, 7 to 15 digits (E.164's maximum).
pub fn is_phone(v: &str) -> bool {
    let digits = v.chars().filter(char::is_ascii_digit).count();
    let shape_ok = v
        .char_indices()
        .all(|(i, c)| c.is_ascii_digit() || " -.()".contains(c) || (c == '+' && i == 0));
    shape_ok && (7..=15).contains(&digits)
}

/// A Unicode noncharacter: U+FDD0–U+FDEF, or a code point ending in FFFE or FFFF.
pub fn is_noncharacter(c: char) -> bool {
    let n = u32::from(c);
    (0xFDD0..=0xFDEF).contains(&n) || n & 0xFFFE == 0xFFFE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noncharacters_are_refused_in_text() {
        for bad in ["a\u{FFFF}b", "\u{FFFE}", "x\u{FDD0}", "\u{10FFFF}", "\u{1FFFE}"] {
            let mut e = Errors::default();
            assert_eq!(e.required_text("title", Some(bad), 100), None, "{bad:?}");
        }
        for good in ["포트홀 \u{FFFD}", "\u{FDCF}\u{FDF0}", "emoji 🚧"] {
            let mut e = Errors::default();
            assert!(e.required_text("title", Some(good), 100).is_some(), "{good:?}");
        }
    }

    #[test]
    fn phone_shapes() {
        assert!(is_phone("010-1234-5678"));
        assert!(is_phone("+82 2 120 1234"));
        assert!(is_phone("(02) 2133-7890"));
        assert!(!is_phone("12345"));
        assert!(!is_phone("call me"));
        assert!(!is_phone("010+1234+5678"));
    }

    #[test]
    fn text_limits_count_characters_not_bytes() {
        let mut e = Errors::default();
        let korean = "가".repeat(200);
        assert_eq!(e.required_text("title", Some(&korean), 200), Some(korean.clone()));
        assert!(e.is_empty());
        assert_eq!(e.required_text("title", Some(&format!("{korean}가")), 200), None);
        assert_eq!(e.required_text("name", Some("   "), 10), None);
        let errs = e.finish(()).unwrap_err();
        assert_eq!(errs[0].message, "must be at most 200 characters (got 201)");
        assert_eq!(
            errs[1],
            FieldError {
                field: "name".into(),
                message: "is required".into()
            }
        );
    }

    #[test]
    fn emails() {
        let mut e = Errors::default();
        assert_eq!(e.email("e", Some(" kim@seoul.go.kr ")), Some("kim@seoul.go.kr".into()));
        assert_eq!(e.email("e", Some("")), None);
        assert!(e.is_empty());
        assert_eq!(e.email("e", Some("kim@")), None);
        assert_eq!(e.email("e", Some("Kim <kim@seoul.go.kr>")), None);
        assert!(!e.is_empty());
        for bad in [
            "a@[127.0.0.1]",
            "\"a\\\r\nBcc: x\"@example.org",
            "\"quoted\"@example.org",
            "a@localhost",
            "a@1.2.3.4",
            "a..b@example.org",
            "a@-example.org",
            "a@exa mple.org",
        ] {
            assert!(!is_deliverable_email(bad), "{bad:?}");
        }
        for good in [
            "kim@seoul.go.kr",
            "first.last+tag@example.org",
            "민원@도메인.한국",
            "o'brien@example.ie",
        ] {
            assert!(is_deliverable_email(good), "{good:?}");
        }
    }

    #[test]
    fn lines_and_visible_text() {
        let mut e = Errors::default();
        assert_eq!(e.required_line("name", Some("김민원\r\nBcc: x"), 100), None);
        assert_eq!(
            e.required_visible_text("description", Some("\u{200B}\u{202E}\u{200B} "), 100),
            None
        );
        assert_eq!(
            e.required_line("name", Some("\u{FEFF}김민원\u{200B}"), 100),
            Some("김민원".into())
        );
        let errs = e.finish(()).unwrap_err();
        assert_eq!(errs[0].message, "must be one line (no line breaks)");
        assert_eq!(errs[1].message, "is required");
    }
}
