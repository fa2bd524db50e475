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

    /// An optional email address, checked for shape.
    pub fn email(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        let v = self.optional_text(field, value, 254)?;
        if email_address::EmailAddress::parse_with_options(&v, email_address::Options::default().without_display_text())
            .is_ok()
            && v.contains('.')
        {
            Some(v)
        } else {
            self.add(field, "must be an email address like name@example.org");
            None
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
