//! Election days at the end of a term, by the Public Official Election Act §34:
//! a public holiday under the Regulations on Holidays of Government Offices
//! (Art. 2 (11)). Early (snap) elections are announced, not computed.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// The elections held when a term ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Election {
    /// The President (a five-year term).
    Presidential,
    /// The National Assembly (four years, from 30 May).
    NationalAssembly,
    /// Local governments' heads and councils (four years, from 1 July).
    Local,
}

impl Election {
    /// How many days before the term ends the counting starts (§34 (1)).
    fn days_before(self) -> i64 {
        match self {
            Election::Presidential => 70,
            Election::NationalAssembly => 50,
            Election::Local => 30,
        }
    }

    /// Its name on the holiday list, Korean then English.
    pub fn name(self) -> &'static str {
        match self {
            Election::Presidential => "대통령 선거일 (presidential election)",
            Election::NationalAssembly => "국회의원 선거일 (National Assembly election)",
            Election::Local => "전국동시지방선거일 (local elections)",
        }
    }

    /// The last day of the term that ends in `year`, if one does.
    ///
    /// The President elected on 3 June 2025 (an early election) took office on
    /// 4 June 2025, so terms end on 3 June 2030, 2035, …; National Assembly
    /// terms end on 29 May of every fourth year from 2024; local terms on
    /// 30 June of every fourth year from 2026.
    pub fn term_end(self, year: i32) -> Option<NaiveDate> {
        let (first, every, month, day) = match self {
            Election::Presidential => (2030, 5, 6, 3),
            Election::NationalAssembly => (2024, 4, 5, 29),
            Election::Local => (2026, 4, 6, 30),
        };
        if year < first || (year - first) % every != 0 {
            return None;
        }
        NaiveDate::from_ymd_opt(year, month, day)
    }
}

/// The election day for a term ending on `term_end` (§34): the first
/// Wednesday on or after the day `days_before` days before the end of the
/// term, moved to the Wednesday of the next week when that Wednesday is a
/// folk day or a public holiday, or the day before or after it is a public
/// holiday (§34 (2)). `is_holiday` answers for the other public holidays.
pub fn election_day(election: Election, term_end: NaiveDate, is_holiday: impl Fn(NaiveDate) -> bool) -> NaiveDate {
    let from = term_end - Duration::days(election.days_before());
    let ahead = (Weekday::Wed.num_days_from_monday() + 7 - from.weekday().num_days_from_monday()) % 7;
    let wednesday = from + Duration::days(i64::from(ahead));
    let next_to_holiday = (-1..=1).any(|offset| is_holiday(wednesday + Duration::days(offset)));
    if next_to_holiday {
        wednesday + Duration::days(7)
    } else {
        wednesday
    }
}

/// The elections at the end of a term held in `year`, with their dates.
pub fn elections_in(year: i32, is_holiday: impl Fn(NaiveDate) -> bool) -> Vec<(NaiveDate, Election)> {
    [Election::Presidential, Election::NationalAssembly, Election::Local]
        .into_iter()
        .filter_map(|e| e.term_end(year).map(|end| (election_day(e, end, &is_holiday), e)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn none(_: NaiveDate) -> bool {
        false
    }

    #[test]
    fn the_first_wednesday_on_or_after_the_counting_day() {
        // 22nd National Assembly: the 21st's term ended 29 May 2024; 9 April was a Tuesday.
        assert_eq!(
            election_day(Election::NationalAssembly, d(2024, 5, 29), none),
            d(2024, 4, 10)
        );
        // 9th local elections: terms end 30 June 2026; 31 May is a Sunday.
        assert_eq!(election_day(Election::Local, d(2026, 6, 30), none), d(2026, 6, 3));
        // 23rd National Assembly: 9 April 2028 is a Sunday.
        assert_eq!(
            election_day(Election::NationalAssembly, d(2028, 5, 29), none),
            d(2028, 4, 12)
        );
        // 22nd presidential: the term that began 4 June 2025 ends 3 June 2030; 25 March is a Monday.
        assert_eq!(
            election_day(Election::Presidential, d(2030, 6, 3), none),
            d(2030, 3, 27)
        );
    }

    #[test]
    fn a_wednesday_that_is_itself_the_counting_day_counts() {
        // 50 days before 29 May 2024 + 1 day is Wednesday 10 April: it is kept.
        assert_eq!(
            election_day(Election::NationalAssembly, d(2024, 5, 30), none),
            d(2024, 4, 10)
        );
    }

    #[test]
    fn moved_a_week_when_the_day_after_is_a_holiday() {
        // 2030 local elections: Wednesday 5 June is followed by Memorial Day (6 June).
        let memorial = |x: NaiveDate| x == d(2030, 6, 6);
        assert_eq!(election_day(Election::Local, d(2030, 6, 30), memorial), d(2030, 6, 12));
    }

    #[test]
    fn moved_a_week_when_the_day_before_or_the_day_itself_is_a_holiday() {
        // 20th presidential (2022): the term ended 9 May; 28 February was a Monday,
        // and the day before Wednesday 2 March was Independence Movement Day.
        let march_first = |x: NaiveDate| x == d(2022, 3, 1);
        assert_eq!(
            election_day(Election::Presidential, d(2022, 5, 9), march_first),
            d(2022, 3, 9)
        );
        // A Wednesday that is itself a holiday moves too.
        let on_it = |x: NaiveDate| x == d(2026, 6, 3);
        assert_eq!(election_day(Election::Local, d(2026, 6, 30), on_it), d(2026, 6, 10));
    }

    #[test]
    fn terms_end_on_their_cycles() {
        assert_eq!(Election::Presidential.term_end(2035), Some(d(2035, 6, 3)));
        assert_eq!(Election::Presidential.term_end(2031), None);
        assert_eq!(Election::Presidential.term_end(2025), None);
        assert_eq!(Election::NationalAssembly.term_end(2032), Some(d(2032, 5, 29)));
        assert_eq!(Election::NationalAssembly.term_end(2030), None);
        assert_eq!(Election::Local.term_end(2034), Some(d(2034, 6, 30)));
        assert_eq!(Election::Local.term_end(2028), None);
        // 2030 holds two: the presidential in March and the local in June.
        let both = elections_in(2030, |x| x == d(2030, 6, 6));
        assert_eq!(
            both,
            vec![
                (d(2030, 3, 27), Election::Presidential),
                (d(2030, 6, 12), Election::Local)
            ]
        );
    }
}
