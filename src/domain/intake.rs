//! What a new case must carry (API.md "Intake body"), checked before anything is stored.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::attributes::Answer;
use super::case::{Channel, Kind, Locale};
use super::validation::{is_phone, Errors, FieldError};

/// The intake body as sent; every field optional so that all problems are reported together.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntakeInput {
    /// `grievance` or `proposal`.
    pub kind: Option<String>,
    /// A category code.
    pub category: Option<String>,
    /// At most 200 characters.
    pub title: Option<String>,
    /// At most 10,000 characters.
    pub description: Option<String>,
    /// Who sends it.
    pub citizen: Option<CitizenInput>,
    /// Where it happens.
    pub location: Option<LocationInput>,
    /// `ko` or `en`.
    pub locale: Option<String>,
    /// Operators only.
    pub channel: Option<String>,
    /// Operators only: when a case taken by phone, visit or letter arrived.
    pub received_at: Option<DateTime<chrono::FixedOffset>>,
    /// Answers to the category's extra questions, by question code: a value,
    /// or a list of keys for a multi-value list.
    pub attributes: Option<BTreeMap<String, Answer>>,
    /// A photo or document about it, as an `http(s)` URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media_url: Option<String>,
}

/// The citizen part of the intake body.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CitizenInput {
    /// Required.
    pub name: Option<String>,
    /// An email or a phone is required.
    pub email: Option<String>,
    /// An email or a phone is required.
    pub phone: Option<String>,
}

/// The location part of the intake body.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocationInput {
    /// Latitude, -90 to 90.
    pub lat: Option<f64>,
    /// Longitude, -180 to 180.
    pub long: Option<f64>,
    /// A street address.
    pub address: Option<String>,
}

/// The citizen of a valid intake.
#[derive(Debug, Clone, PartialEq)]
pub struct Citizen {
    /// Name.
    pub name: String,
    /// Email, if given.
    pub email: Option<String>,
    /// Phone, if given.
    pub phone: Option<String>,
}

/// The location of a valid intake.
#[derive(Debug, Clone, PartialEq)]
pub struct Location {
    /// Latitude.
    pub lat: Option<f64>,
    /// Longitude.
    pub long: Option<f64>,
    /// Address.
    pub address: Option<String>,
}

/// A valid intake.
#[derive(Debug, Clone, PartialEq)]
pub struct Intake {
    /// The kind.
    pub kind: Kind,
    /// The category code, if given.
    pub category: Option<String>,
    /// The title.
    pub title: String,
    /// The description.
    pub description: String,
    /// The citizen.
    pub citizen: Citizen,
    /// The location, if given.
    pub location: Option<Location>,
    /// The citizen's language.
    pub locale: Locale,
    /// The channel, if an operator named one.
    pub channel: Option<Channel>,
    /// When it was received, if an operator recorded an earlier case.
    pub received_at: Option<DateTime<Utc>>,
    /// The answers given to extra questions (checked against the category later).
    pub attributes: BTreeMap<String, Vec<String>>,
    /// A photo or document about it.
    pub media_url: Option<String>,
}

/// The name kept for a citizen who gave none (Open311 reports may be anonymous).
pub const ANONYMOUS: &str = "익명 (anonymous)";

/// Longest title, in characters.
pub const TITLE_MAX: usize = 200;
/// Longest description, in characters.
pub const DESCRIPTION_MAX: usize = 10_000;

/// Checks an intake body; `received_at` may be at most `backdate_days` before `now`, never after.
pub fn validate(input: &IntakeInput, now: DateTime<Utc>, backdate_days: u32) -> Result<Intake, Vec<FieldError>> {
    let mut e = Errors::default();
    if input.kind.is_none() {
        e.add("kind", format!("is required: one of {}", Kind::names()));
    }
    let kind = e.one_of("kind", input.kind.as_deref(), Kind::parse, &Kind::names());
    let category = e.optional_text("category", input.category.as_deref(), 64);
    let title = e.required_line("title", input.title.as_deref(), TITLE_MAX);
    let description = e.required_visible_text("description", input.description.as_deref(), DESCRIPTION_MAX);

    let channel = e.one_of("channel", input.channel.as_deref(), Channel::parse, &Channel::names());
    // Open311 clients may report anonymously: no name, no way to answer.
    let anonymous_allowed = channel == Some(Channel::Open311);
    let citizen = match &input.citizen {
        None if anonymous_allowed => Some(Citizen {
            name: ANONYMOUS.into(),
            email: None,
            phone: None,
        }),
        None => {
            e.add("citizen", "is required: {\"name\", \"email\" or \"phone\"}");
            None
        }
        Some(c) => {
            let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
            let name = if anonymous_allowed && blank(&c.name) {
                Some(ANONYMOUS.to_string())
            } else {
                e.required_line("citizen.name", c.name.as_deref(), 100)
            };
            let email = e.email("citizen.email", c.email.as_deref());
            let phone = e.optional_text("citizen.phone", c.phone.as_deref(), 32);
            // A phone number is checked for shape below; a line break never fits it.
            if let Some(p) = &phone {
                if !is_phone(p) {
                    e.add(
                        "citizen.phone",
                        "must be a phone number: 7 to 15 digits, optionally with +, spaces, dashes or parentheses",
                    );
                }
            }
            if blank(&c.email) && blank(&c.phone) && !anonymous_allowed {
                e.add("citizen", "needs an email or a phone so that the agency can answer");
            }
            name.map(|name| Citizen { name, email, phone })
        }
    };

    let location = input.location.as_ref().and_then(|l| {
        if let Some(lat) = l.lat {
            if !(-90.0..=90.0).contains(&lat) {
                e.add("location.lat", "must be between -90 and 90");
            }
        }
        if let Some(long) = l.long {
            if !(-180.0..=180.0).contains(&long) {
                e.add("location.long", "must be between -180 and 180");
            }
        }
        if l.lat.is_some() != l.long.is_some() {
            e.add("location", "lat and long go together");
        }
        let address = e.optional_text("location.address", l.address.as_deref(), 500);
        (l.lat.is_some() || address.is_some()).then_some(Location {
            lat: l.lat,
            long: l.long,
            address,
        })
    });

    let locale = match input.locale.as_deref() {
        None => Some(Locale::Ko),
        Some(v) => e.one_of("locale", Some(v), Locale::parse, &Locale::names()),
    };
    let received_at = input.received_at.map(|t| t.with_timezone(&Utc));
    if let Some(t) = received_at {
        if t > now {
            e.add("received_at", "must not be in the future");
        } else if t < now - chrono::Duration::days(i64::from(backdate_days)) {
            e.add(
                "received_at",
                format!("may be at most {backdate_days} days ago (CIVICDESK_BACKDATE_DAYS)"),
            );
        }
    }

    let mut attributes = BTreeMap::new();
    for (code, answer) in input.attributes.iter().flatten() {
        let values = match answer {
            Answer::One(v) => vec![v.clone()],
            Answer::Many(v) => v.clone(),
        };
        attributes.insert(code.clone(), values);
    }
    let media_url = e.optional_text("media_url", input.media_url.as_deref(), 2000);
    if let Some(url) = &media_url {
        let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
        if !scheme_ok || url.contains(char::is_whitespace) {
            e.add("media_url", "must be an http or https URL");
        }
    }

    e.finish(())?;
    match (kind, title, description, citizen, locale) {
        (Some(kind), Some(title), Some(description), Some(citizen), Some(locale)) => Ok(Intake {
            kind,
            category,
            title,
            description,
            citizen,
            location,
            locale,
            channel,
            received_at,
            attributes,
            media_url,
        }),
        _ => Err(vec![FieldError {
            field: "body".into(),
            message: "is incomplete".into(),
        }]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> IntakeInput {
        IntakeInput {
            kind: Some("grievance".into()),
            title: Some("가로등 고장".into()),
            description: Some("3일째 꺼져 있습니다".into()),
            citizen: Some(CitizenInput {
                name: Some("김민원".into()),
                email: Some("kim@example.org".into()),
                phone: None,
            }),
            ..Default::default()
        }
    }

    fn fields(r: Result<Intake, Vec<FieldError>>) -> Vec<String> {
        r.unwrap_err().into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_valid_body_passes_with_defaults() {
        let i = validate(&valid(), Utc::now(), 365).unwrap();
        assert_eq!(i.kind, Kind::Grievance);
        assert_eq!(i.locale, Locale::Ko);
        assert_eq!(i.channel, None);
    }

    #[test]
    fn all_problems_are_reported_together() {
        let mut b = valid();
        b.kind = Some("complaint".into());
        b.title = Some("x".repeat(201));
        b.citizen = Some(CitizenInput {
            name: None,
            email: Some("nope".into()),
            phone: None,
        });
        b.locale = Some("fr".into());
        let f = fields(validate(&b, Utc::now(), 365));
        assert_eq!(f, ["kind", "title", "citizen.name", "citizen.email", "locale"]);
    }

    #[test]
    fn email_or_phone_is_required() {
        let mut b = valid();
        b.citizen = Some(CitizenInput {
            name: Some("Kim".into()),
            email: Some(" ".into()),
            phone: None,
        });
        assert_eq!(fields(validate(&b, Utc::now(), 365)), ["citizen"]);
        b.citizen = Some(CitizenInput {
            name: Some("Kim".into()),
            email: None,
            phone: Some("010-1234-5678".into()),
        });
        assert!(validate(&b, Utc::now(), 365).is_ok());
    }

    #[test]
    fn received_at_may_not_be_in_the_future() {
        let mut b = valid();
        let now = Utc::now();
        b.received_at = Some((now + chrono::Duration::hours(1)).fixed_offset());
        assert_eq!(fields(validate(&b, now, 365)), ["received_at"]);
        b.received_at = Some((now - chrono::Duration::days(2)).fixed_offset());
        assert!(validate(&b, now, 365).is_ok());
        // Nor older than the back-dating bound: year 1 is refused.
        b.received_at = Some((now - chrono::Duration::days(366)).fixed_offset());
        assert_eq!(fields(validate(&b, now, 365)), ["received_at"]);
        b.received_at = chrono::DateTime::parse_from_rfc3339("0001-01-01T09:00:00+09:00").ok();
        assert_eq!(fields(validate(&b, now, 365)), ["received_at"]);
        b.received_at = Some((now - chrono::Duration::days(364)).fixed_offset());
        assert!(validate(&b, now, 365).is_ok());
    }

    #[test]
    fn location_bounds() {
        let mut b = valid();
        b.location = Some(LocationInput {
            lat: Some(91.0),
            long: Some(127.0),
            address: None,
        });
        assert_eq!(fields(validate(&b, Utc::now(), 365)), ["location.lat"]);
    }
}
