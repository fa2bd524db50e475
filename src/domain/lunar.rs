//! The Korean lunisolar calendar, as the Korea Astronomy and Space Science
//! Institute (KASI) publishes it: months begin on the day of the new moon in
//! Korean time (UTC+9). That is why Seollal 2027 and 2028 fall a day after
//! the Chinese New Year. The astronomy is ICU4X's `calendrical_calculations`
//! (Reingold & Dershowitz); this module only asks it for dates.

use calendrical_calculations::chinese_based::{days_until_month, month_structure_for_year, Dangi, YearBounds};
use calendrical_calculations::gregorian::{fixed_from_gregorian, gregorian_from_fixed};
use chrono::NaiveDate;

/// The Gregorian date of day `day` of the ordinary (not leap) lunar month
/// `month` in the lunar year that begins in Gregorian `year`; `None` for a
/// month or day the lunar calendar does not have.
pub fn solar_date(year: i32, month: u8, day: u8) -> Option<NaiveDate> {
    if !(1..=12).contains(&month) || !(1..=30).contains(&day) {
        return None;
    }
    // Seollal falls between 21 January and 20 February: the lunar year in
    // force on 1 March is the one that began in this Gregorian year.
    let year_bounds = YearBounds::compute::<Dangi>(fixed_from_gregorian(year, 3, 1));
    let new_year = year_bounds.new_year;
    let (long_months, leap) = month_structure_for_year::<Dangi>(new_year, year_bounds.next_new_year);
    // `leap` is the ordinal of the leap month (which repeats the month before
    // it): every ordinary month from there on sits one place later.
    let ordinal = match leap {
        Some(l) if l <= month => month + 1,
        _ => month,
    };
    let length = if long_months[usize::from(ordinal - 1)] { 30 } else { 29 };
    if day > length {
        return None;
    }
    let first = new_year.add(i64::from(days_until_month::<Dangi>(new_year, ordinal)));
    let (y, m, d) = gregorian_from_fixed(first.add(i64::from(day) - 1)).ok()?;
    NaiveDate::from_ymd_opt(y, u32::from(m), u32::from(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn kasi_dates_of_the_lunar_holidays() {
        // (year, Seollal 1/1, Buddha's Birthday 4/8, Chuseok 8/15) as KASI publishes them.
        let kasi = [
            (2024, d(2024, 2, 10), d(2024, 5, 15), d(2024, 9, 17)),
            (2025, d(2025, 1, 29), d(2025, 5, 5), d(2025, 10, 6)),
            (2026, d(2026, 2, 17), d(2026, 5, 24), d(2026, 9, 25)),
            (2027, d(2027, 2, 7), d(2027, 5, 13), d(2027, 9, 15)),
            (2028, d(2028, 1, 27), d(2028, 5, 2), d(2028, 10, 3)),
            (2029, d(2029, 2, 13), d(2029, 5, 20), d(2029, 9, 22)),
            (2030, d(2030, 2, 3), d(2030, 5, 9), d(2030, 9, 12)),
            (2035, d(2035, 2, 8), d(2035, 5, 15), d(2035, 9, 16)),
            (2050, d(2050, 1, 23), d(2050, 5, 28), d(2050, 9, 30)),
        ];
        for (year, seollal, buddha, chuseok) in kasi {
            assert_eq!(solar_date(year, 1, 1), Some(seollal), "Seollal {year}");
            assert_eq!(solar_date(year, 4, 8), Some(buddha), "Buddha's Birthday {year}");
            assert_eq!(solar_date(year, 8, 15), Some(chuseok), "Chuseok {year}");
        }
    }

    #[test]
    fn korea_and_china_differ_in_2027_and_2028() {
        // The new moon of February 2027 is at 00:56 in Seoul, 23:56 the day before in Beijing.
        assert_eq!(solar_date(2027, 1, 1), Some(d(2027, 2, 7)));
        assert_eq!(solar_date(2028, 1, 1), Some(d(2028, 1, 27)));
    }

    #[test]
    fn leap_months_shift_the_later_months() {
        // 2023 had a leap 2nd month, 2025 a leap 6th month, 2020 a leap 4th month.
        assert_eq!(solar_date(2023, 4, 8), Some(d(2023, 5, 27)));
        assert_eq!(solar_date(2023, 8, 15), Some(d(2023, 9, 29)));
        assert_eq!(solar_date(2025, 8, 15), Some(d(2025, 10, 6)));
        assert_eq!(solar_date(2020, 4, 8), Some(d(2020, 4, 30)));
        assert_eq!(solar_date(2020, 8, 15), Some(d(2020, 10, 1)));
    }

    #[test]
    fn agrees_with_the_kasi_table_for_every_year_to_2050() {
        use korean_lunar_calendar::{lunar_to_gregorian, LunarDate};
        for year in 1990..=2050 {
            for (month, day) in [(1u8, 1u8), (4, 8), (8, 15), (12, 29)] {
                let kasi = lunar_to_gregorian(&LunarDate {
                    year,
                    month: (month, false),
                    day,
                });
                // The table's own year ends in November 2050.
                if let Some(kasi) = kasi {
                    assert_eq!(solar_date(year, month, day), Some(kasi), "{year}-{month}-{day}");
                }
            }
        }
    }

    #[test]
    fn impossible_dates_are_none() {
        assert_eq!(solar_date(2026, 13, 1), None);
        assert_eq!(solar_date(2026, 1, 31), None);
        assert_eq!(solar_date(2026, 0, 1), None);
    }
}
