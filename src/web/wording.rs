//! What the JSON and query parsers say, in the API's words: a client reads
//! "must be a whole number (got \"x\")", never Rust's `expected i64`.

/// The API's words for a serde error message about one field.
pub fn api_words(msg: &str) -> String {
    if msg.starts_with("missing field") {
        return "is required".into();
    }
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        let name = backticked(rest).unwrap_or_default();
        return match rest.split_once(", expected ") {
            Some((_, list)) => format!("\"{name}\" is not a field here; the fields are {}", names(list)),
            None => format!("\"{name}\" is not a field here"),
        };
    }
    if let Some(rest) = msg.strip_prefix("unknown variant ") {
        let got = backticked(rest).unwrap_or_default();
        let list = rest
            .split_once(", expected ")
            .map(|(_, l)| names(l))
            .unwrap_or_default();
        return format!("must be one of {list} (got \"{got}\")");
    }
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = msg.strip_prefix(prefix) {
            if let Some((got, expected)) = rest.rsplit_once(", expected ") {
                return format!("must be {} (got {})", expected_words(expected), got_words(got));
            }
        }
    }
    if msg.starts_with("invalid length") {
        let expected = msg.rsplit_once(", expected ").map(|(_, e)| e).unwrap_or("");
        return format!("must be {}", expected_words(expected));
    }
    // chrono's parse errors: the field held a date or a time.
    if [
        "premature end of input",
        "input contains invalid characters",
        "input is out of range",
        "trailing input",
        "input is not enough",
    ]
    .iter()
    .any(|m| msg.contains(m))
    {
        return "must be a date (YYYY-MM-DD) or a time with its offset (2026-11-20T17:00:00+09:00)".into();
    }
    "has the wrong type or form".into()
}

/// The first `…` quoted name in a message.
fn backticked(s: &str) -> Option<String> {
    let start = s.find('`')? + 1;
    let end = start + s[start..].find('`')?;
    Some(s[start..end].to_string())
}

/// `` `a`, `b` `` or `` one of `a`, `b` `` as `a, b`.
fn names(list: &str) -> String {
    list.trim_start_matches("one of ")
        .split(", ")
        .map(|n| n.trim_matches('`'))
        .collect::<Vec<_>>()
        .join(", ")
}

fn expected_words(expected: &str) -> String {
    let e = expected.trim();
    let words = match e {
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "a whole number",
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => "a whole number of 0 or more",
        "f32" | "f64" => "a number",
        "a string" | "string" | "a borrowed string" => "text (a JSON string)",
        "a boolean" | "bool" => "true or false",
        "a sequence" => "a list",
        "a map" => "an object",
        _ if e.starts_with("struct ") || e.starts_with("a map") => "an object",
        _ if e.starts_with("a sequence") || e.starts_with("tuple") => "a list",
        _ if e.starts_with("a formatted date and time string") || e.contains("date") => "a date or a time",
        _ if e.starts_with("one of ") || e.starts_with("variant") => return format!("one of {}", names(e)),
        _ => "of another type",
    };
    words.into()
}

fn got_words(got: &str) -> String {
    let g = got.trim();
    for (prefix, label) in [
        ("string ", ""),
        ("integer ", ""),
        ("floating point ", ""),
        ("boolean ", ""),
        ("character ", ""),
    ] {
        if let Some(v) = g.strip_prefix(prefix) {
            let v = v.trim_matches('`');
            return format!("{label}{v}");
        }
    }
    match g {
        "sequence" => "a list".into(),
        "map" => "an object".into(),
        "null" | "unit value" | "unit" => "null".into(),
        other => other.into(),
    }
}

/// The language of a page for someone not signed in: `?lang=ko|en` wins, then
/// the first of Korean or English in `Accept-Language`, then Korean.
pub fn page_lang(req: &actix_web::HttpRequest) -> &'static str {
    let query = req.query_string();
    if query.contains("lang=en") {
        return "en";
    }
    if query.contains("lang=ko") {
        return "ko";
    }
    let accept = req
        .headers()
        .get(actix_web::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    for part in accept.split(',') {
        let tag = part.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        if tag.starts_with("ko") {
            return "ko";
        }
        if tag.starts_with("en") {
            return "en";
        }
    }
    "ko"
}

#[cfg(test)]
mod tests {
    use super::api_words;

    #[test]
    fn rusts_words_become_the_apis() {
        assert_eq!(
            api_words("invalid type: string \"x\", expected i64"),
            "must be a whole number (got \"x\")"
        );
        assert_eq!(
            api_words("invalid type: sequence, expected struct IntakeInput"),
            "must be an object (got a list)"
        );
        assert_eq!(
            api_words("invalid length 2, expected struct IntakeInput with 9 elements"),
            "must be an object"
        );
        assert_eq!(
            api_words("invalid value: integer `-1`, expected u32"),
            "must be a whole number of 0 or more (got -1)"
        );
        assert_eq!(
            api_words("invalid type: integer `5`, expected a string"),
            "must be text (a JSON string) (got 5)"
        );
        assert_eq!(api_words("missing field `name`"), "is required");
        assert_eq!(
            api_words("unknown field `nmae`, expected one of `name`, `email`"),
            "\"nmae\" is not a field here; the fields are name, email"
        );
        assert_eq!(
            api_words("unknown variant `weeks`, expected one of `hours`, `days`, `months`"),
            "must be one of hours, days, months (got \"weeks\")"
        );
        assert_eq!(
            api_words("invalid type: boolean `true`, expected f64"),
            "must be a number (got true)"
        );
        assert!(api_words("input contains invalid characters").starts_with("must be a date"));
        for m in ["expected i64", "struct", "IntakeInput", "usize", "f64"] {
            assert!(
                !api_words(&format!("invalid type: map, expected {m}")).contains(m),
                "{m}"
            );
        }
    }
}
