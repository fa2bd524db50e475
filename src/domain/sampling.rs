//! Which resolved cases get a happy call: a reproducible draw from the case
//! id, the same for every team, so a re-run never surveys a citizen twice.

use sha2::{Digest, Sha256};

/// Whether the case is in the sample at this rate (0 to 1).
pub fn in_sample(case_id: &str, rate: f64) -> bool {
    let digest = Sha256::digest(case_id.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    // A uniform draw in [0, 1) from the first 64 bits of the hash.
    let draw = u64::from_be_bytes(first) as f64 / (u64::MAX as f64 + 1.0);
    draw < rate
}

/// Whether a score counts as satisfied (4 or 5).
pub fn satisfied(score: i32) -> bool {
    score >= 4
}

/// Whether a response needs a dissatisfied follow-up (any score of 2 or less).
pub fn dissatisfied(process: i32, result: i32) -> bool {
    process <= 2 || result <= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_rate_over_ten_thousand_cases_is_within_one_percent() {
        // Fixed ids, so the test gives the same answer every run (random ones
        // fall outside 1% about once in fifty runs).
        let ids: Vec<String> = (0..10_000u128)
            .map(|i| uuid::Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0000 + i * 7919).to_string())
            .collect();
        for rate in [0.1, 0.25, 0.5] {
            let n = ids.iter().filter(|id| in_sample(id, rate)).count() as f64;
            assert!((n / 10_000.0 - rate).abs() < 0.01, "rate {rate}: {n}");
        }
    }

    #[test]
    fn the_draw_is_reproducible_and_bounded() {
        let id = "01a209c4-3120-712d-a394-f86671e7896b";
        assert_eq!(in_sample(id, 0.25), in_sample(id, 0.25));
        assert!(in_sample(id, 1.0));
        assert!(!in_sample(id, 0.0));
    }

    #[test]
    fn scores() {
        assert!(dissatisfied(2, 5) && dissatisfied(5, 1) && !dissatisfied(3, 3));
        assert!(satisfied(4) && !satisfied(3));
    }
}
