//! The Korean public holidays shipped as the default holiday table, computed
//! by rule for any year: the Regulations on Holidays of Government Offices
//! (fixed and lunar days, substitute holidays, each rule from the year it
//! began to apply), election days by the Public Official Election Act, and
//! the few days the government announced by decree.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Duration, NaiveDate, Weekday};

use super::elections::elections_in;
use super::lunar;

/// One public holiday.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    /// The date.
    pub date: NaiveDate,
    /// Its name, Korean then English.
    pub name: String,
}

/// The first year the service computes; earlier years are not shipped.
pub const FIRST_YEAR: i32 = 2024;
/// The last year the rules are trusted to describe (election cycles and the
/// lunar computation both hold far longer; this only bounds requests).
pub const LAST_YEAR: i32 = 2199;
/// Bumped whenever a rule here changes, so that every stored year is brought
/// to the law again on the next start (admins' own changes are kept).
pub const RULES_VERSION: i32 = 2;

/// When a holiday gives a substitute day (Regulations Art. 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Substitute {
    /// Never (New Year's Day, Memorial Day, elections, announced days).
    Never,
    /// On a Sunday or another holiday (Seollal and Chuseok, from 2014).
    Sunday,
    /// On a Saturday, a Sunday or another holiday.
    Weekend,
}

/// A holiday before substitutes: its name and when it owes a substitute.
struct Entry {
    date: NaiveDate,
    name: String,
    substitute: Substitute,
}

/// Substitute rule of a day that began to owe one in `since`.
fn from_year(year: i32, since: i32, rule: Substitute) -> Substitute {
    if year >= since {
        rule
    } else {
        Substitute::Never
    }
}

/// Days the government announced by decree (temporary holidays and early
/// elections), known when this release was made; later ones are added by an
/// admin through the API.
const ANNOUNCED: &[((i32, u32, u32), &str)] = &[
    (
        (2024, 10, 1),
        "임시공휴일 국군의 날 (Armed Forces Day, temporary holiday)",
    ),
    ((2025, 1, 27), "임시공휴일 (temporary holiday)"),
    ((2025, 6, 3), "제21대 대통령 선거일 (presidential election)"),
];

/// The fixed and lunar holidays of a year, each with its substitute rule.
fn regular_days(year: i32) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut push = |date: Option<NaiveDate>, name: &str, substitute: Substitute| {
        if let Some(date) = date {
            out.push(Entry {
                date,
                name: name.into(),
                substitute,
            });
        }
    };
    let fixed = |m, d| NaiveDate::from_ymd_opt(year, m, d);
    let national = from_year(year, 2021, Substitute::Weekend);
    push(fixed(1, 1), "신정 (New Year's Day)", Substitute::Never);
    push(fixed(3, 1), "삼일절 (Independence Movement Day)", national);
    if year >= 2026 {
        // Public Holidays Act amendment promulgated 10 February 2026.
        let since_2027 = from_year(year, 2027, Substitute::Weekend);
        push(fixed(5, 1), "노동절 (Labor Day)", since_2027);
        push(fixed(7, 17), "제헌절 (Constitution Day)", since_2027);
    }
    push(
        fixed(5, 5),
        "어린이날 (Children's Day)",
        from_year(year, 2014, Substitute::Weekend),
    );
    push(fixed(6, 6), "현충일 (Memorial Day)", Substitute::Never);
    push(fixed(8, 15), "광복절 (Liberation Day)", national);
    push(fixed(10, 3), "개천절 (National Foundation Day)", national);
    push(fixed(10, 9), "한글날 (Hangul Day)", national);
    push(
        fixed(12, 25),
        "기독탄신일 (Christmas Day)",
        from_year(year, 2023, Substitute::Weekend),
    );
    push(
        lunar::solar_date(year, 4, 8),
        "부처님오신날 (Buddha's Birthday)",
        from_year(year, 2023, Substitute::Weekend),
    );
    let three_days = from_year(year, 2014, Substitute::Sunday);
    for (center, ko, en) in [
        (lunar::solar_date(year, 1, 1), "설날", "Seollal"),
        (lunar::solar_date(year, 8, 15), "추석", "Chuseok"),
    ] {
        let Some(center) = center else { continue };
        push(
            Some(center - Duration::days(1)),
            &format!("{ko} 전날 ({en} eve)"),
            three_days,
        );
        push(Some(center), &format!("{ko} ({en})"), three_days);
        push(
            Some(center + Duration::days(1)),
            &format!("{ko} 다음날 (day after {en})"),
            three_days,
        );
    }
    out
}

/// The substitute days owed by `entries` (Regulations Art. 3): each holiday
/// whose rule is triggered — falling on a weekend day its rule names, or on a
/// date another holiday already has — owes the first day after it that is
/// neither a weekend day nor a holiday nor another substitute.
fn substitutes(entries: &[Entry], taken: &BTreeSet<NaiveDate>) -> Vec<Holiday> {
    let mut by_date: BTreeMap<NaiveDate, Vec<&Entry>> = BTreeMap::new();
    for e in entries {
        by_date.entry(e.date).or_default().push(e);
    }
    let mut owed: Vec<(NaiveDate, &str)> = Vec::new();
    for (date, on_it) in &by_date {
        for (i, e) in on_it.iter().enumerate() {
            let weekend = matches!(
                (e.substitute, date.weekday()),
                (Substitute::Weekend, Weekday::Sat | Weekday::Sun) | (Substitute::Sunday, Weekday::Sun)
            );
            let shared = i > 0 && e.substitute != Substitute::Never;
            if weekend || shared {
                owed.push((*date, &e.name));
            }
        }
    }
    let mut given: BTreeSet<NaiveDate> = BTreeSet::new();
    let mut out = Vec::new();
    for (from, name) in owed {
        let mut d = from + Duration::days(1);
        while matches!(d.weekday(), Weekday::Sat | Weekday::Sun) || taken.contains(&d) || given.contains(&d) {
            d += Duration::days(1);
        }
        given.insert(d);
        let short = name.split(" (").next().unwrap_or(name);
        let english = name.split(" (").nth(1).map(|s| s.trim_end_matches(')')).unwrap_or("");
        out.push(Holiday {
            date: d,
            name: format!("대체공휴일: {short} (substitute holiday for {english})"),
        });
    }
    out
}

/// The Korean public holidays of one year, by rule, sorted by date; two
/// holidays on one date are one entry with both names.
pub fn holidays_of_year(year: i32) -> Vec<Holiday> {
    let mut entries = regular_days(year);
    for &((y, m, d), name) in ANNOUNCED {
        if y == year {
            entries.push(Entry {
                date: NaiveDate::from_ymd_opt(y, m, d).expect("valid announced date"),
                name: name.into(),
                substitute: Substitute::Never,
            });
        }
    }
    let mut taken: BTreeSet<NaiveDate> = entries.iter().map(|e| e.date).collect();
    let subs = substitutes(&entries, &taken);
    taken.extend(subs.iter().map(|h| h.date));
    // Elections are placed last: §34 (2) moves them away from every other holiday.
    for (date, election) in elections_in(year, |d| taken.contains(&d)) {
        entries.push(Entry {
            date,
            name: election.name().into(),
            substitute: Substitute::Never,
        });
    }

    let mut names: BTreeMap<NaiveDate, Vec<String>> = BTreeMap::new();
    for e in entries {
        names.entry(e.date).or_default().push(e.name);
    }
    for s in subs {
        names.entry(s.date).or_default().push(s.name);
    }
    names
        .into_iter()
        .filter(|(date, _)| date.year() == year)
        .map(|(date, names)| Holiday {
            date,
            name: names.join(" · "),
        })
        .collect()
}

/// The Korean public holidays of the given years, by rule.
pub fn korean_public_holidays(years: std::ops::RangeInclusive<i32>) -> Vec<Holiday> {
    years.flat_map(holidays_of_year).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dates(year: i32) -> BTreeSet<NaiveDate> {
        holidays_of_year(year).into_iter().map(|h| h.date).collect()
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn list(y: i32, days: &[(u32, u32)]) -> BTreeSet<NaiveDate> {
        days.iter().map(|&(m, day)| d(y, m, day)).collect()
    }

    #[test]
    fn the_announced_lists_of_2024_to_2027() {
        // The government's published holiday lists (Ministry of the Interior and Safety / KASI).
        assert_eq!(
            dates(2024),
            list(
                2024,
                &[
                    (1, 1),
                    (2, 9),
                    (2, 10),
                    (2, 11),
                    (2, 12),
                    (3, 1),
                    (4, 10),
                    (5, 5),
                    (5, 6),
                    (5, 15),
                    (6, 6),
                    (8, 15),
                    (9, 16),
                    (9, 17),
                    (9, 18),
                    (10, 1),
                    (10, 3),
                    (10, 9),
                    (12, 25)
                ]
            )
        );
        assert_eq!(
            dates(2025),
            list(
                2025,
                &[
                    (1, 1),
                    (1, 27),
                    (1, 28),
                    (1, 29),
                    (1, 30),
                    (3, 1),
                    (3, 3),
                    (5, 5),
                    (5, 6),
                    (6, 3),
                    (6, 6),
                    (8, 15),
                    (10, 3),
                    (10, 5),
                    (10, 6),
                    (10, 7),
                    (10, 8),
                    (10, 9),
                    (12, 25)
                ]
            )
        );
        assert_eq!(
            dates(2026),
            list(
                2026,
                &[
                    (1, 1),
                    (2, 16),
                    (2, 17),
                    (2, 18),
                    (3, 1),
                    (3, 2),
                    (5, 1),
                    (5, 5),
                    (5, 24),
                    (5, 25),
                    (6, 3),
                    (6, 6),
                    (7, 17),
                    (8, 15),
                    (8, 17),
                    (9, 24),
                    (9, 25),
                    (9, 26),
                    (10, 3),
                    (10, 5),
                    (10, 9),
                    (12, 25)
                ]
            )
        );
        assert_eq!(
            dates(2027),
            list(
                2027,
                &[
                    (1, 1),
                    (2, 6),
                    (2, 7),
                    (2, 8),
                    (2, 9),
                    (3, 1),
                    (5, 1),
                    (5, 3),
                    (5, 5),
                    (5, 13),
                    (6, 6),
                    (7, 17),
                    (7, 19),
                    (8, 15),
                    (8, 16),
                    (9, 14),
                    (9, 15),
                    (9, 16),
                    (10, 3),
                    (10, 4),
                    (10, 9),
                    (10, 11),
                    (12, 25),
                    (12, 27)
                ]
            )
        );
    }

    #[test]
    fn labor_day_and_constitution_day_from_2026_with_substitutes_from_2027() {
        assert!(!dates(2025).contains(&d(2025, 5, 1)));
        assert!(!dates(2025).contains(&d(2025, 7, 17)));
        // 1 May 2027 is a Saturday → Monday 3 May; 17 July 2027 → Monday 19 July.
        assert!(dates(2027).contains(&d(2027, 5, 3)));
        assert!(dates(2027).contains(&d(2027, 7, 19)));
        // 17 July 2032 is a Saturday, 1 May 2033 a Sunday.
        assert!(dates(2032).contains(&d(2032, 7, 19)));
        assert!(dates(2033).contains(&d(2033, 5, 2)));
    }

    #[test]
    fn seollal_and_chuseok_take_a_substitute_for_sunday_not_saturday() {
        // Seollal 2024 ran Fri–Sun: Monday 12 Feb. Chuseok 2026 ends on Saturday 26 Sep: none.
        assert!(dates(2024).contains(&d(2024, 2, 12)));
        assert!(!dates(2026).contains(&d(2026, 9, 28)));
        // Chuseok 2025 (5–7 Oct) began on a Sunday: Wednesday 8 Oct, after Hangul Day's eve.
        assert!(dates(2025).contains(&d(2025, 10, 8)));
    }

    #[test]
    fn seollal_and_chuseok_overlapping_another_holiday() {
        // Chuseok 2028 (2–4 Oct) takes in National Foundation Day: Thursday 5 Oct.
        let h = dates(2028);
        assert!(h.contains(&d(2028, 10, 5)));
        assert!(!h.contains(&d(2028, 10, 6)));
    }

    #[test]
    fn childrens_day_on_a_weekend_or_with_buddhas_birthday() {
        assert!(dates(2024).contains(&d(2024, 5, 6))); // Sunday
        assert!(dates(2025).contains(&d(2025, 5, 6))); // with Buddha's Birthday
        assert!(dates(2029).contains(&d(2029, 5, 7))); // Saturday
    }

    #[test]
    fn national_days_on_a_weekend_from_2021() {
        assert!(dates(2025).contains(&d(2025, 3, 3))); // 1 March on a Saturday
        assert!(dates(2026).contains(&d(2026, 8, 17))); // 15 August on a Saturday
        assert!(dates(2027).contains(&d(2027, 10, 11))); // Hangul Day on a Saturday
    }

    #[test]
    fn buddhas_birthday_and_christmas_from_2023() {
        assert!(dates(2026).contains(&d(2026, 5, 25))); // Buddha's Birthday on a Sunday
        assert!(dates(2027).contains(&d(2027, 12, 27))); // Christmas on a Saturday
    }

    #[test]
    fn new_years_day_and_memorial_day_never_take_one() {
        // Memorial Day 2026 is a Saturday, New Year's Day 2028 a Saturday.
        assert!(!dates(2026).contains(&d(2026, 6, 8)));
        assert!(!dates(2028).contains(&d(2028, 1, 3)));
    }

    #[test]
    fn elections_by_the_statute() {
        assert!(dates(2028).contains(&d(2028, 4, 12)));
        assert!(dates(2030).contains(&d(2030, 3, 27)));
        // Moved a week: the day after 5 June 2030 is Memorial Day.
        assert!(dates(2030).contains(&d(2030, 6, 12)));
        assert!(!dates(2030).contains(&d(2030, 6, 5)));
        assert!(dates(2032).contains(&d(2032, 4, 14)));
        assert!(dates(2035).contains(&d(2035, 3, 28)));
    }

    #[test]
    fn every_year_to_2050_and_beyond_has_its_lunar_holidays() {
        for year in FIRST_YEAR..=2060 {
            let h = holidays_of_year(year);
            assert!((15..=28).contains(&h.len()), "{year}: {}", h.len());
            for name in ["설날 (Seollal)", "추석 (Chuseok)", "부처님오신날 (Buddha's Birthday)"] {
                let found = h.iter().filter(|x| x.name.split(" · ").any(|n| n == name)).count();
                assert_eq!(found, 1, "{name} in {year}");
            }
            assert!(h.windows(2).all(|w| w[0].date < w[1].date), "{year} sorted");
        }
    }

    #[test]
    fn names_say_what_a_substitute_replaces() {
        let h = holidays_of_year(2027);
        let may3 = h.iter().find(|x| x.date == d(2027, 5, 3)).unwrap();
        assert_eq!(may3.name, "대체공휴일: 노동절 (substitute holiday for Labor Day)");
    }
}
