//! The agency's own words: operator roles and the shape of category codes.

string_enum! {
    /// What an operator may do (API.md "Auth").
    Role {
        /// Everything, configuration included.
        Admin = "admin",
        /// All cases of their teams, reports, dissatisfied follow-ups.
        Manager = "manager",
        /// Cases of their teams.
        Agent = "agent",
        /// Records phone surveys.
        Happycall = "happycall",
    }
}

/// Whether a category code is URL-safe: lowercase letters, digits, `-` and
/// `_`, starting with a letter or digit, at most 64 characters.
pub fn is_code(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && s.len() <= 64
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// Shortest operator password.
pub const PASSWORD_MIN: usize = 12;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        assert!(is_code("road-damage"));
        assert!(is_code("a1_b"));
        assert!(!is_code("-road"));
        assert!(!is_code("Road"));
        assert!(!is_code("도로"));
        assert!(!is_code("a/b"));
        assert!(!is_code(""));
        assert!(!is_code(&"a".repeat(65)));
    }
}
