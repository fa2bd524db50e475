//! A category's extra questions (Open311 GeoReport v2 "attributes") and the
//! check of the answers a case brings: required ones present, numbers and
//! dates readable, list answers among the listed keys.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::validation::{Errors, FieldError};

string_enum! {
    /// What kind of answer a question takes (the standard's datatypes).
    Datatype {
        /// One line of text.
        String = "string",
        /// A number.
        Number = "number",
        /// A date and time (W3C, with a zone).
        Datetime = "datetime",
        /// Free text.
        Text = "text",
        /// One key of `values`.
        Singlevaluelist = "singlevaluelist",
        /// Any keys of `values`.
        Multivaluelist = "multivaluelist",
    }
}

/// One choice of a list question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    /// What is stored and sent.
    pub key: String,
    /// What people read.
    pub name: String,
}

/// One extra question of a category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Attribute {
    /// Unique within the category: `[A-Za-z0-9_-]`, at most 50.
    pub code: String,
    /// The kind of answer: string, number, datetime, text, singlevaluelist, multivaluelist.
    pub datatype: String,
    /// Whether a request must answer it (default false).
    #[serde(default)]
    pub required: bool,
    /// False for a note shown to the citizen that takes no answer (default true).
    #[serde(default = "answered")]
    pub variable: bool,
    /// The question, for people.
    pub description: String,
    /// Where it comes in the form (default 0; ties keep the given order).
    #[serde(default)]
    pub order: i32,
    /// The choices of a list question.
    #[serde(default)]
    pub values: Vec<Choice>,
}

fn answered() -> bool {
    true
}

/// The most questions a category may ask.
pub const MAX_ATTRIBUTES: usize = 50;
/// The longest answer.
pub const MAX_ANSWER: usize = 1000;

fn is_code(s: &str) -> bool {
    (1..=50).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Checks a category's questions as an admin wrote them, in `order`; field
/// names like `attributes[0].code`.
pub fn check_definitions(list: &[Attribute]) -> Result<Vec<Attribute>, Vec<FieldError>> {
    let mut e = Errors::default();
    if list.len() > MAX_ATTRIBUTES {
        e.add("attributes", format!("at most {MAX_ATTRIBUTES} questions"));
    }
    let mut seen = std::collections::BTreeSet::new();
    for (i, a) in list.iter().enumerate() {
        let at = |f: &str| format!("attributes[{i}].{f}");
        if !is_code(&a.code) {
            e.add(at("code"), "1 to 50 of A-Z a-z 0-9 _ -");
        } else if !seen.insert(a.code.clone()) {
            e.add(at("code"), format!("\"{}\" is used twice", a.code));
        }
        let datatype = Datatype::parse(&a.datatype);
        if datatype.is_none() {
            e.add(at("datatype"), format!("one of {}", Datatype::names()));
        }
        e.required_text(&at("description"), Some(&a.description), 500);
        let is_list = matches!(datatype, Some(Datatype::Singlevaluelist | Datatype::Multivaluelist));
        if is_list && a.values.is_empty() {
            e.add(at("values"), "a list question needs at least one {\"key\", \"name\"}");
        }
        if !is_list && !a.values.is_empty() {
            e.add(at("values"), "only list questions have values");
        }
        let mut keys = std::collections::BTreeSet::new();
        for (j, v) in a.values.iter().enumerate() {
            if v.key.trim().is_empty() || v.key.chars().count() > 100 {
                e.add(format!("attributes[{i}].values[{j}].key"), "1 to 100 characters");
            } else if !keys.insert(v.key.clone()) {
                e.add(
                    format!("attributes[{i}].values[{j}].key"),
                    format!("\"{}\" is used twice", v.key),
                );
            }
            e.required_text(&format!("attributes[{i}].values[{j}].name"), Some(&v.name), 200);
        }
        if !a.variable && a.required {
            e.add(
                at("required"),
                "a question that takes no answer (variable false) cannot be required",
            );
        }
    }
    let mut sorted = list.to_vec();
    sorted.sort_by_key(|a| a.order);
    e.finish(sorted)
}

/// One answer as kept on the case: a single value, or the keys of a multi-value list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum Answer {
    /// A single value.
    One(String),
    /// The keys chosen from a multi-value list.
    Many(Vec<String>),
}

/// Checks a request's answers (each given as one or more strings, blanks
/// counting as absent) against the category's questions; field names are
/// `attributes.<code>`. Answers to unknown questions are refused.
pub fn check_answers(
    questions: &[Attribute],
    given: &BTreeMap<String, Vec<String>>,
) -> Result<BTreeMap<String, Answer>, Vec<FieldError>> {
    let mut e = Errors::default();
    let mut out = BTreeMap::new();
    for code in given.keys() {
        if !questions.iter().any(|q| q.variable && &q.code == code) {
            e.add(format!("attributes.{code}"), "this category asks no such question");
        }
    }
    for q in questions.iter().filter(|q| q.variable) {
        let field = format!("attributes.{}", q.code);
        let values: Vec<&str> = given
            .get(&q.code)
            .map(|v| v.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect())
            .unwrap_or_default();
        if values.is_empty() {
            if q.required {
                e.add(field, format!("is required: {}", q.description));
            }
            continue;
        }
        let datatype = Datatype::parse(&q.datatype).unwrap_or(Datatype::String);
        if datatype != Datatype::Multivaluelist && values.len() > 1 {
            e.add(field, "takes one value");
            continue;
        }
        if values.iter().any(|v| v.chars().count() > MAX_ANSWER) {
            e.add(field, format!("at most {MAX_ANSWER} characters"));
            continue;
        }
        let keys: Vec<&str> = q.values.iter().map(|c| c.key.as_str()).collect();
        let answer = match datatype {
            Datatype::Number if values[0].parse::<f64>().map_or(true, |n| !n.is_finite()) => {
                e.add(field, "must be a number");
                continue;
            }
            Datatype::Datetime if chrono::DateTime::parse_from_rfc3339(values[0]).is_err() => {
                e.add(
                    field,
                    "must be a date and time with a zone, e.g. 2026-12-01T09:30:00+09:00",
                );
                continue;
            }
            Datatype::String if values[0].contains(['\n', '\r']) => {
                e.add(field, "must be one line");
                continue;
            }
            Datatype::Singlevaluelist | Datatype::Multivaluelist => {
                if let Some(bad) = values.iter().find(|v| !keys.contains(v)) {
                    e.add(field, format!("\"{bad}\" is not one of {}", keys.join(", ")));
                    continue;
                }
                if datatype == Datatype::Multivaluelist {
                    let mut chosen: Vec<String> = values.iter().map(|v| v.to_string()).collect();
                    chosen.dedup();
                    Answer::Many(chosen)
                } else {
                    Answer::One(values[0].to_string())
                }
            }
            _ => Answer::One(values[0].to_string()),
        };
        out.insert(q.code.clone(), answer);
    }
    e.finish(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn size() -> Attribute {
        Attribute {
            code: "size".into(),
            datatype: "singlevaluelist".into(),
            required: true,
            variable: true,
            description: "How large is it?".into(),
            order: 1,
            values: vec![
                Choice {
                    key: "small".into(),
                    name: "Smaller than a fist".into(),
                },
                Choice {
                    key: "large".into(),
                    name: "Larger than a wheel".into(),
                },
            ],
        }
    }

    fn given(pairs: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
            .collect()
    }

    #[test]
    fn a_required_list_answer_must_be_one_of_its_keys() {
        let q = vec![size()];
        let ok = check_answers(&q, &given(&[("size", &["large"])])).unwrap();
        assert_eq!(ok["size"], Answer::One("large".into()));
        let missing = check_answers(&q, &given(&[])).unwrap_err();
        assert_eq!(missing[0].field, "attributes.size");
        let blank = check_answers(&q, &given(&[("size", &[" "])])).unwrap_err();
        assert!(blank[0].message.starts_with("is required"));
        let wrong = check_answers(&q, &given(&[("size", &["huge"])])).unwrap_err();
        assert!(wrong[0].message.contains("small, large"), "{}", wrong[0].message);
        let two = check_answers(&q, &given(&[("size", &["small", "large"])])).unwrap_err();
        assert_eq!(two[0].message, "takes one value");
        let unknown = check_answers(&q, &given(&[("size", &["small"]), ("colour", &["red"])])).unwrap_err();
        assert_eq!(unknown[0].field, "attributes.colour");
    }

    #[test]
    fn numbers_dates_and_multi_value_lists() {
        let mut depth = size();
        depth.code = "depth".into();
        depth.datatype = "number".into();
        depth.values.clear();
        depth.required = false;
        let mut seen = size();
        seen.code = "seen".into();
        seen.datatype = "datetime".into();
        seen.values.clear();
        seen.required = false;
        let mut kinds = size();
        kinds.code = "kinds".into();
        kinds.datatype = "multivaluelist".into();
        kinds.required = false;
        let q = vec![depth, seen, kinds];
        let ok = check_answers(
            &q,
            &given(&[
                ("depth", &["12.5"]),
                ("seen", &["2026-12-01T09:30:00+09:00"]),
                ("kinds", &["small", "large"]),
            ]),
        )
        .unwrap();
        assert_eq!(ok["kinds"], Answer::Many(vec!["small".into(), "large".into()]));
        assert_eq!(ok.len(), 3);
        let bad = check_answers(&q, &given(&[("depth", &["deep"]), ("seen", &["yesterday"])])).unwrap_err();
        assert_eq!(bad.len(), 2);
        assert!(check_answers(&q, &given(&[("depth", &["NaN"])])).is_err());
        assert!(check_answers(&q, &given(&[])).unwrap().is_empty());
    }

    #[test]
    fn definitions_are_checked_and_put_in_order() {
        let mut second = size();
        second.code = "where".into();
        second.datatype = "string".into();
        second.values.clear();
        second.order = 0;
        let sorted = check_definitions(&[size(), second]).unwrap();
        assert_eq!(sorted[0].code, "where");
        let mut bad = size();
        bad.values.clear();
        bad.datatype = "colour".into();
        bad.code = "a b".into();
        let errors = check_definitions(&[bad]).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["attributes[0].code", "attributes[0].datatype"]);
        let twice = check_definitions(&[size(), size()]).unwrap_err();
        assert!(twice[0].message.contains("used twice"));
        let mut listless = size();
        listless.values.clear();
        assert_eq!(
            check_definitions(&[listless]).unwrap_err()[0].field,
            "attributes[0].values"
        );
    }
}
