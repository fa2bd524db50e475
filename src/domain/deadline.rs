//! A category's processing period: an amount and a unit (RULES.md).

use serde::{Deserialize, Serialize};

use super::case::Kind;

/// Days between progress notices to the citizen while a case is open (RULES.md).
pub const PROGRESS_NOTICE_DAYS: i64 = 30;

/// The unit a deadline is counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineUnit {
    /// Working hours from the clock start.
    Hours,
    /// Business days (working hours when 5 or fewer).
    Days,
    /// Calendar months by the Civil Act, start day counted.
    Months,
}

impl DeadlineUnit {
    /// The stored and serialized name.
    pub fn as_str(self) -> &'static str {
        match self {
            DeadlineUnit::Hours => "hours",
            DeadlineUnit::Days => "days",
            DeadlineUnit::Months => "months",
        }
    }

    /// Parses a stored or submitted name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "hours" => Some(DeadlineUnit::Hours),
            "days" => Some(DeadlineUnit::Days),
            "months" => Some(DeadlineUnit::Months),
            _ => None,
        }
    }

    /// The largest amount accepted: about two years in each unit.
    pub fn max_amount(self) -> u32 {
        match self {
            DeadlineUnit::Hours => 4000,
            DeadlineUnit::Days => 500,
            DeadlineUnit::Months => 24,
        }
    }
}

/// A processing period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    /// How many units.
    pub amount: u32,
    /// Which unit.
    pub unit: DeadlineUnit,
}

impl Deadline {
    /// A deadline, or a message saying why the amount is out of range.
    pub fn new(amount: u32, unit: DeadlineUnit) -> Result<Self, String> {
        if amount == 0 || amount > unit.max_amount() {
            return Err(format!(
                "amount must be between 1 and {} {}",
                unit.max_amount(),
                unit.as_str()
            ));
        }
        Ok(Deadline { amount, unit })
    }

    /// The default for a case with no category: 7 days for a grievance, one month for a proposal.
    pub fn default_for(kind: Kind) -> Self {
        match kind {
            Kind::Grievance => Deadline {
                amount: 7,
                unit: DeadlineUnit::Days,
            },
            Kind::Proposal => Deadline {
                amount: 1,
                unit: DeadlineUnit::Months,
            },
        }
    }
}

/// The longest first extension, in business days: the original period
/// (RULES.md), a month counted as the business days it spans.
pub fn max_extension_days(deadline: Deadline, business_days_in_months: i64) -> i64 {
    match deadline.unit {
        DeadlineUnit::Days => deadline.amount as i64,
        DeadlineUnit::Hours => (deadline.amount as i64 + 7) / 8,
        DeadlineUnit::Months => business_days_in_months.max(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_out_of_range_are_refused() {
        assert!(Deadline::new(0, DeadlineUnit::Days).is_err());
        assert!(Deadline::new(25, DeadlineUnit::Months).is_err());
        assert!(Deadline::new(24, DeadlineUnit::Months).is_ok());
    }

    #[test]
    fn extensions_are_bounded_by_the_original_period() {
        assert_eq!(max_extension_days(Deadline::new(7, DeadlineUnit::Days).unwrap(), 0), 7);
        assert_eq!(max_extension_days(Deadline::new(8, DeadlineUnit::Hours).unwrap(), 0), 1);
        assert_eq!(max_extension_days(Deadline::new(9, DeadlineUnit::Hours).unwrap(), 0), 2);
        assert_eq!(
            max_extension_days(Deadline::new(1, DeadlineUnit::Months).unwrap(), 21),
            21
        );
    }
}
