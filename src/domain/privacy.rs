//! What may go into a log: a text with every email address in it masked
//! (`k***@example.org`), for messages that come from elsewhere (an SMTP
//! server's refusal, a database error) and may quote a citizen's address.

/// The text with each email address masked to its first character and domain.
pub fn mask_emails(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_inclusive(is_boundary) {
        let (token, boundary) = match word.char_indices().last() {
            Some((at, c)) if is_boundary(c) => (&word[..at], &word[at..]),
            _ => (word, ""),
        };
        out.push_str(&mask_one(token));
        out.push_str(boundary);
    }
    out
}

fn is_boundary(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '<' | '>' | '"' | '\'' | ',' | ';' | '(' | ')' | '[' | ']' | '=' | ':'
        )
}

fn mask_one(token: &str) -> String {
    match token.rsplit_once('@') {
        Some((local, domain)) if !local.is_empty() && domain.contains('.') => {
            let first = local.chars().next().map(String::from).unwrap_or_default();
            format!("{first}***@{domain}")
        }
        _ => token.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::mask_emails;

    #[test]
    fn addresses_are_masked_and_the_rest_kept() {
        assert_eq!(
            mask_emails("permanent error (550): 5.1.1 <kim.minwon@example.org>: Recipient address rejected"),
            "permanent error (550): 5.1.1 <k***@example.org>: Recipient address rejected"
        );
        assert_eq!(
            mask_emails("Key (email)=(a@b.kr) already exists"),
            "Key (email)=(a***@b.kr) already exists"
        );
        assert_eq!(mask_emails("no address here @ all"), "no address here @ all");
    }
}
