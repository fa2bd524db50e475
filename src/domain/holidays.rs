//! The Korean public holidays shipped as the default holiday table: fixed
//! days, the lunar holidays, election days and temporary holidays, with the
//! substitute-holiday rules of the Regulations on Holidays of Government Offices.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate, Weekday};

/// One public holiday.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    /// The date.
    pub date: NaiveDate,
    /// Its name, Korean then English.
    pub name: String,
}

/// Which weekend days give a holiday a substitute day.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Substitute {
    /// Never (New Year's Day, Memorial Day, elections).
    Never,
    /// When on a Sunday or on another holiday (Seollal and Chuseok).
    Sunday,
    /// When on a Saturday, a Sunday or another holiday (the national days, Children's Day, Buddha's Birthday, Christmas).
    Weekend,
}

/// Dates that move every year: lunar holidays and elections, per year.
struct YearFacts {
    year: i32,
    seollal: (u32, u32),
    buddha: (u32, u32),
    chuseok: (u32, u32),
    extra: &'static [((u32, u32), &'static str)],
}

/// Lunar dates by the Korea Astronomy and Space Science Institute's calendar
/// (Korean time; Seollal 2027 and 2028 differ from the Chinese calendar by a day).
const YEARS: &[YearFacts] = &[
    YearFacts {
        year: 2024,
        seollal: (2, 10),
        buddha: (5, 15),
        chuseok: (9, 17),
        extra: &[
            ((4, 10), "제22대 국회의원 선거일 (National Assembly election)"),
            ((10, 1), "임시공휴일 국군의 날 (Armed Forces Day, temporary holiday)"),
        ],
    },
    YearFacts {
        year: 2025,
        seollal: (1, 29),
        buddha: (5, 5),
        chuseok: (10, 6),
        extra: &[
            ((1, 27), "임시공휴일 (temporary holiday)"),
            ((6, 3), "제21대 대통령 선거일 (presidential election)"),
        ],
    },
    YearFacts {
        year: 2026,
        seollal: (2, 17),
        buddha: (5, 24),
        chuseok: (9, 25),
        extra: &[((6, 3), "제9회 전국동시지방선거일 (local elections)")],
    },
    YearFacts {
        year: 2027,
        seollal: (2, 7),
        buddha: (5, 13),
        chuseok: (9, 15),
        extra: &[],
    },
    YearFacts {
        year: 2028,
        seollal: (1, 27),
        buddha: (5, 2),
        chuseok: (10, 3),
        extra: &[((4, 12), "제23대 국회의원 선거일 (National Assembly election)")],
    },
    YearFacts {
        year: 2029,
        seollal: (2, 13),
        buddha: (5, 20),
        chuseok: (9, 22),
        extra: &[],
    },
    YearFacts {
        year: 2030,
        seollal: (2, 3),
        buddha: (5, 9),
        chuseok: (9, 12),
        extra: &[
            ((3, 27), "제22대 대통령 선거일 (presidential election)"),
            ((6, 5), "제10회 전국동시지방선거일 (local elections)"),
        ],
    },
];

/// The Korean public holidays of the given years that this table knows (2024–2030).
pub fn korean_public_holidays(years: std::ops::RangeInclusive<i32>) -> Vec<Holiday> {
    YEARS
        .iter()
        .filter(|y| years.contains(&y.year))
        .flat_map(holidays_of)
        .collect()
}

fn holidays_of(facts: &YearFacts) -> Vec<Holiday> {
    let y = facts.year;
    let date = |(m, d): (u32, u32)| NaiveDate::from_ymd_opt(y, m, d).expect("valid holiday date");
    let mut base: Vec<(NaiveDate, String, Substitute)> = vec![
        (date((1, 1)), "신정 (New Year's Day)".into(), Substitute::Never),
        (
            date((3, 1)),
            "삼일절 (Independence Movement Day)".into(),
            Substitute::Weekend,
        ),
        (date((5, 5)), "어린이날 (Children's Day)".into(), Substitute::Weekend),
        (date((6, 6)), "현충일 (Memorial Day)".into(), Substitute::Never),
        (date((8, 15)), "광복절 (Liberation Day)".into(), Substitute::Weekend),
        (
            date((10, 3)),
            "개천절 (National Foundation Day)".into(),
            Substitute::Weekend,
        ),
        (date((10, 9)), "한글날 (Hangul Day)".into(), Substitute::Weekend),
        (date((12, 25)), "기독탄신일 (Christmas Day)".into(), Substitute::Weekend),
        (
            date(facts.buddha),
            "부처님오신날 (Buddha's Birthday)".into(),
            Substitute::Weekend,
        ),
    ];
    for (day, name) in [(facts.seollal, "설날 (Seollal)"), (facts.chuseok, "추석 (Chuseok)")] {
        let center = date(day);
        for offset in [-1i64, 0, 1] {
            let d = center + chrono::Duration::days(offset);
            let label = match offset {
                -1 => format!("{name} 전날 (eve)"),
                1 => format!("{name} 다음날 (day after)"),
                _ => name.to_string(),
            };
            base.push((d, label, Substitute::Sunday));
        }
    }
    for &(day, name) in facts.extra {
        base.push((date(day), name.to_string(), Substitute::Never));
    }

    let mut by_date: BTreeMap<NaiveDate, Vec<(String, Substitute)>> = BTreeMap::new();
    for (d, name, rule) in base {
        by_date.entry(d).or_default().push((name, rule));
    }
    let taken: BTreeSet<NaiveDate> = by_date.keys().copied().collect();

    // A date owes one substitute per holiday on it that is triggered: falling
    // on a weekend day its rule names, or sharing the date with an earlier one.
    let mut owed: Vec<NaiveDate> = Vec::new();
    for (d, entries) in &by_date {
        for (i, (_, rule)) in entries.iter().enumerate() {
            let weekend = matches!(
                (rule, d.weekday()),
                (Substitute::Weekend, Weekday::Sat | Weekday::Sun) | (Substitute::Sunday, Weekday::Sun)
            );
            let shared = i > 0 && *rule != Substitute::Never;
            if weekend || shared {
                owed.push(*d);
            }
        }
    }

    let mut substitutes: BTreeSet<NaiveDate> = BTreeSet::new();
    for from in owed {
        let mut d = from.succ_opt().expect("date in range");
        while matches!(d.weekday(), Weekday::Sat | Weekday::Sun) || taken.contains(&d) || substitutes.contains(&d) {
            d = d.succ_opt().expect("date in range");
        }
        substitutes.insert(d);
    }

    let mut out: Vec<Holiday> = by_date
        .into_iter()
        .map(|(date, entries)| Holiday {
            date,
            name: entries.into_iter().map(|e| e.0).collect::<Vec<_>>().join(" · "),
        })
        .collect();
    out.extend(substitutes.into_iter().map(|date| Holiday {
        date,
        name: "대체공휴일 (substitute holiday)".to_string(),
    }));
    out.sort_by_key(|h| h.date);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dates(year: i32) -> BTreeSet<NaiveDate> {
        korean_public_holidays(year..=year)
            .into_iter()
            .map(|h| h.date)
            .collect()
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn known_substitute_days_are_there() {
        // Each of these was (or is) an official substitute holiday.
        let expected = [
            d(2024, 2, 12), // Seollal on Sunday
            d(2024, 5, 6),  // Children's Day on Sunday
            d(2025, 3, 3),  // March 1st on Saturday
            d(2025, 5, 6),  // Children's Day and Buddha's Birthday on one day
            d(2025, 10, 8), // Chuseok on Sunday
            d(2026, 3, 2),
            d(2026, 5, 25),
            d(2026, 8, 17),
            d(2026, 10, 5),
            d(2027, 2, 9),
            d(2028, 10, 5), // Chuseok on National Foundation Day
            d(2029, 9, 24),
        ];
        for day in expected {
            assert!(dates(day.year()).contains(&day), "{day} should be a holiday");
        }
    }

    #[test]
    fn no_substitute_for_saturday_chuseok_or_memorial_day() {
        // Chuseok 2026 ends on Saturday Sep 26; Memorial Day 2026 is a Saturday.
        let h = dates(2026);
        assert!(!h.contains(&d(2026, 9, 28)));
        assert!(!h.contains(&d(2026, 6, 8)));
    }

    #[test]
    fn chuseok_2025_runs_october_3_to_9() {
        let h = dates(2025);
        for day in [3, 6, 7, 8, 9] {
            assert!(h.contains(&d(2025, 10, day)), "Oct {day}");
        }
        assert!(!h.contains(&d(2025, 10, 10)));
    }

    #[test]
    fn every_year_has_about_fifteen_to_twenty_holidays() {
        for year in 2024..=2030 {
            let n = dates(year).len();
            assert!((15..=22).contains(&n), "{year}: {n}");
        }
    }
}
