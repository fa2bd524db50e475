//! The citizen's links, in their language: the tracking page (with the
//! case's access token) and the survey form. Each opens in a browser as it is.

/// The tracking page of a case: `{base}/track/{receipt_no}?token=…`, with
/// `&lang=en` for a citizen who wrote in English.
pub fn tracking_url(base: &str, receipt_no: &str, token: &str, locale: &str) -> String {
    let lang = if locale == "en" { "&lang=en" } else { "" };
    format!("{base}/track/{receipt_no}?token={token}{lang}")
}

/// The survey form: `{base}/s/{token}`, with `?lang=en` for English.
pub fn survey_url(base: &str, token: &str, locale: &str) -> String {
    let lang = if locale == "en" { "?lang=en" } else { "" };
    format!("{base}/s/{token}{lang}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_carry_the_language() {
        assert_eq!(
            tracking_url("https://x.example", "2026-000001", "abc", "ko"),
            "https://x.example/track/2026-000001?token=abc"
        );
        assert_eq!(
            tracking_url("https://x.example", "2026-000001", "abc", "en"),
            "https://x.example/track/2026-000001?token=abc&lang=en"
        );
        assert_eq!(
            survey_url("https://x.example", "t", "en"),
            "https://x.example/s/t?lang=en"
        );
        assert_eq!(survey_url("https://x.example", "t", "ko"), "https://x.example/s/t");
    }
}
