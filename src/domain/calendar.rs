//! The business calendar: office periods, weekends and public holidays in one
//! time zone, and every deadline and day count derived from them (RULES.md).

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

use super::deadline::{Deadline, DeadlineUnit};

/// How far ahead a computation may look for working time before giving up:
/// a calendar with no business day in ten years is misconfigured, and an
/// answer far in the future is better than a server stuck in a loop.
const SEARCH_LIMIT_DAYS: i64 = 3660;

/// One deployment's business calendar.
#[derive(Debug, Clone)]
pub struct Calendar {
    tz: Tz,
    periods: Vec<(NaiveTime, NaiveTime)>,
    weekend: [bool; 7],
    /// Shared: a calendar is cloned for every request from the cached one.
    holidays: std::sync::Arc<BTreeSet<NaiveDate>>,
}

/// An interval during which a case was on hold; `until: None` means still on hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hold {
    /// When the hold began.
    pub from: DateTime<Utc>,
    /// When work resumed, if it has.
    pub until: Option<DateTime<Utc>>,
}

impl Calendar {
    /// The default Korean office calendar (09–12, 13–18, Saturday and Sunday off).
    pub fn new(tz: Tz, holidays: impl IntoIterator<Item = NaiveDate>) -> Self {
        Self::with_hours(tz, default_periods(), &[Weekday::Sat, Weekday::Sun], holidays)
    }

    /// A calendar with its own office periods and weekend days.
    pub fn with_hours(
        tz: Tz,
        periods: Vec<(NaiveTime, NaiveTime)>,
        weekend_days: &[Weekday],
        holidays: impl IntoIterator<Item = NaiveDate>,
    ) -> Self {
        Self::sharing(
            tz,
            periods,
            weekend_days,
            std::sync::Arc::new(holidays.into_iter().collect()),
        )
    }

    /// A calendar over a set of holidays shared with other calendars.
    pub fn sharing(
        tz: Tz,
        mut periods: Vec<(NaiveTime, NaiveTime)>,
        weekend_days: &[Weekday],
        holidays: std::sync::Arc<BTreeSet<NaiveDate>>,
    ) -> Self {
        periods.sort();
        let mut weekend = [false; 7];
        for d in weekend_days {
            weekend[d.num_days_from_monday() as usize] = true;
        }
        Calendar {
            tz,
            periods,
            weekend,
            holidays,
        }
    }

    /// The calendar's time zone.
    pub fn tz(&self) -> Tz {
        self.tz
    }

    /// The local date of an instant.
    pub fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.tz).date_naive()
    }

    /// Whether office periods run on this date.
    pub fn is_business_day(&self, date: NaiveDate) -> bool {
        !self.weekend[date.weekday().num_days_from_monday() as usize]
            && !self.holidays.contains(&date)
            && !self.periods.is_empty()
    }

    /// The first business day on or after `date`.
    pub fn business_day_on_or_after(&self, date: NaiveDate) -> NaiveDate {
        let mut d = date;
        for _ in 0..SEARCH_LIMIT_DAYS {
            if self.is_business_day(d) {
                return d;
            }
            d = d.succ_opt().unwrap_or(d);
        }
        d
    }

    /// The UTC instant of a local wall-clock time; a time skipped by a DST
    /// change is taken as the first valid instant after it.
    fn instant(&self, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
        let mut local = date.and_time(time);
        for _ in 0..4 {
            if let Some(t) = self.tz.from_local_datetime(&local).earliest() {
                return t.with_timezone(&Utc);
            }
            local += Duration::minutes(30);
        }
        Utc.from_utc_datetime(&date.and_time(time))
    }

    /// The office periods of one date as UTC intervals (none on a non-business day).
    fn periods_on(&self, date: NaiveDate) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        if !self.is_business_day(date) {
            return Vec::new();
        }
        self.periods
            .iter()
            .map(|&(s, e)| (self.instant(date, s), self.instant(date, e)))
            .collect()
    }

    /// The start day of something received at `at`: the date its clock starts,
    /// found without walking the office periods (scorecards ask it per case).
    pub fn start_day(&self, at: DateTime<Utc>) -> NaiveDate {
        let local = at.with_timezone(&self.tz);
        let date = local.date_naive();
        let before_close = self.periods.last().is_some_and(|&(_, end)| local.time() < end);
        if before_close && self.is_business_day(date) {
            date
        } else {
            self.business_day_on_or_after(date.succ_opt().unwrap_or(date))
        }
    }

    /// When the clock starts for something received at `at`: that instant if
    /// it is inside an office period, else the start of the next one.
    pub fn clock_start(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        self.add_working_seconds(at, 0)
    }

    /// The instant at which `seconds` of working time starting at `from` are
    /// used up. Ending exactly at the end of a period gives that end, not the
    /// next period's start; zero seconds gives the clock start.
    pub fn add_working_seconds(&self, from: DateTime<Utc>, seconds: i64) -> DateTime<Utc> {
        let mut remaining = seconds.max(0);
        let mut date = self.local_date(from);
        for _ in 0..SEARCH_LIMIT_DAYS {
            for (start, end) in self.periods_on(date) {
                if end <= from {
                    continue;
                }
                let begin = start.max(from);
                if remaining == 0 {
                    return begin;
                }
                let available = (end - begin).num_seconds();
                if remaining <= available {
                    return begin + Duration::seconds(remaining);
                }
                remaining -= available;
            }
            date = match date.succ_opt() {
                Some(d) => d,
                None => break,
            };
        }
        from + Duration::days(SEARCH_LIMIT_DAYS)
    }

    /// Working seconds between two instants (zero when `to` is not after `from`).
    pub fn working_seconds_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        if to <= from {
            return 0;
        }
        let mut total = 0;
        let mut date = self.local_date(from);
        let last = self.local_date(to);
        while date <= last {
            for (start, end) in self.periods_on(date) {
                let s = start.max(from);
                let e = end.min(to);
                if e > s {
                    total += (e - s).num_seconds();
                }
            }
            date = match date.succ_opt() {
                Some(d) => d,
                None => break,
            };
        }
        total
    }

    /// The end of the last office period of a date (18:00 by default).
    pub fn end_of_day(&self, date: NaiveDate) -> DateTime<Utc> {
        let end = self.periods.iter().map(|p| p.1).max().unwrap_or(NaiveTime::MIN);
        self.instant(date, end)
    }

    /// The `n`th business day counting `start` as day 1 (when it is one).
    pub fn nth_business_day(&self, start: NaiveDate, n: u32) -> NaiveDate {
        let mut d = self.business_day_on_or_after(start);
        let mut counted = 1;
        while counted < n.max(1) {
            d = self.business_day_on_or_after(d.succ_opt().unwrap_or(d));
            counted += 1;
        }
        d
    }

    /// Business days from `from` to `to`, both included.
    pub fn business_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        let mut n = 0;
        let mut d = from;
        while d <= to {
            if self.is_business_day(d) {
                n += 1;
            }
            d = match d.succ_opt() {
                Some(next) => next,
                None => break,
            };
        }
        n
    }

    /// The due instant of a case received at `received` with this deadline,
    /// before any hold or extension (Civil Petitions Act §19, RULES.md).
    pub fn due_at(&self, received: DateTime<Utc>, deadline: Deadline) -> DateTime<Utc> {
        let start = self.clock_start(received);
        let start_day = self.local_date(start);
        match deadline.unit {
            DeadlineUnit::Hours => self.add_working_seconds(start, deadline.amount as i64 * 3600),
            DeadlineUnit::Days if deadline.amount <= 5 => {
                self.add_working_seconds(start, self.day_seconds() * deadline.amount as i64)
            }
            DeadlineUnit::Days => self.end_of_day(self.nth_business_day(start_day, deadline.amount)),
            DeadlineUnit::Months => {
                let last = civil_act_month_end(start_day, deadline.amount);
                self.end_of_day(self.business_day_on_or_after(last))
            }
        }
    }

    /// The due instant of a case recomputed from its facts: the deadline from
    /// receipt, moved out by its extensions (business days) and by the working
    /// time of its finished holds — what the actions did one by one, counted
    /// again with this calendar's holidays.
    pub fn due_with(
        &self,
        received: DateTime<Utc>,
        deadline: Deadline,
        extension_days: i64,
        finished_holds: &[Hold],
    ) -> DateTime<Utc> {
        let held: i64 = finished_holds
            .iter()
            .filter_map(|h| h.until.map(|until| self.held_seconds(h.from, until)))
            .sum();
        let moved = extension_days.max(0) * self.day_seconds() + held;
        let due = self.due_at(received, deadline);
        // Adding nothing would give the next period's start, not the due instant itself.
        if moved == 0 {
            due
        } else {
            self.add_working_seconds(due, moved)
        }
    }

    /// Working seconds in one business day (8 hours by default).
    pub fn day_seconds(&self) -> i64 {
        self.periods.iter().map(|(s, e)| (*e - *s).num_seconds()).sum()
    }

    /// The working time a hold from `from` to `until` takes off the clock, in
    /// whole minutes (rounded down: a part of a minute is not counted, in the
    /// citizen's favour), as seconds.
    pub fn held_seconds(&self, from: DateTime<Utc>, until: DateTime<Utc>) -> i64 {
        self.working_seconds_between(from, until) / 60 * 60
    }

    /// The due instant moved out by the working time spent on hold.
    pub fn due_after_holds(&self, due: DateTime<Utc>, holds: &[Hold], now: DateTime<Utc>) -> DateTime<Utc> {
        let held: i64 = holds
            .iter()
            .map(|h| self.held_seconds(h.from, h.until.unwrap_or(now)))
            .sum();
        if held == 0 {
            due
        } else {
            self.add_working_seconds(due, held)
        }
    }

    /// Processing days from receipt to `until`: business days from the start
    /// day to `until`'s date, both included, less the business days that were
    /// entirely on hold; at least 1.
    pub fn processing_days(&self, received: DateTime<Utc>, until: DateTime<Utc>, holds: &[Hold]) -> i64 {
        let start_day = self.start_day(received);
        let end_day = self.local_date(until);
        if end_day < start_day {
            return 1;
        }
        let total = self.business_days_between(start_day, end_day);
        let held = self.days_entirely_on_hold(start_day, end_day, holds, until);
        (total - held).max(1)
    }

    /// Business days within `[from, to]` whose every office period lies inside a hold.
    fn days_entirely_on_hold(&self, from: NaiveDate, to: NaiveDate, holds: &[Hold], now: DateTime<Utc>) -> i64 {
        let intervals = merge_holds(holds, now);
        let mut days = BTreeSet::new();
        for &(h_from, h_until) in &intervals {
            let mut d = self.local_date(h_from).max(from);
            let last = self.local_date(h_until).min(to);
            while d <= last {
                let periods = self.periods_on(d);
                let covered = !periods.is_empty()
                    && periods
                        .iter()
                        .all(|&(s, e)| intervals.iter().any(|&(hs, he)| hs <= s && he >= e));
                if covered {
                    days.insert(d);
                }
                d = match d.succ_opt() {
                    Some(next) => next,
                    None => break,
                };
            }
        }
        days.len() as i64
    }
}

/// Office periods of RULES.md: 09:00–12:00 and 13:00–18:00.
pub fn default_periods() -> Vec<(NaiveTime, NaiveTime)> {
    let t = |h| NaiveTime::from_hms_opt(h, 0, 0).expect("valid hour");
    vec![(t(9), t(12)), (t(13), t(18))]
}

/// Sorted, merged hold intervals, an open hold running to `now`.
fn merge_holds(holds: &[Hold], now: DateTime<Utc>) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let mut v: Vec<_> = holds
        .iter()
        .map(|h| (h.from, h.until.unwrap_or(now)))
        .filter(|(a, b)| b > a)
        .collect();
    v.sort();
    let mut merged: Vec<(DateTime<Utc>, DateTime<Utc>)> = Vec::new();
    for (a, b) in v {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    merged
}

/// The last day of a period of `months` months that starts on (and counts)
/// `start`, by the Civil Act §§159–161: the day before the same date `months`
/// later, or the last day of that month when it has no such date.
pub fn civil_act_month_end(start: NaiveDate, months: u32) -> NaiveDate {
    match start.checked_add_months(chrono::Months::new(months)) {
        // chrono clamps a missing date to the month's last day: that day is the end.
        Some(same) if same.day() != start.day() => same,
        Some(same) => same.pred_opt().unwrap_or(same),
        None => start,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::holidays::korean_public_holidays;

    fn seoul() -> Calendar {
        Calendar::new(
            chrono_tz::Asia::Seoul,
            korean_public_holidays(2024..=2030).into_iter().map(|h| h.date),
        )
    }

    fn kst(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        chrono_tz::Asia::Seoul
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn days(n: u32) -> Deadline {
        Deadline::new(n, DeadlineUnit::Days).unwrap()
    }

    #[test]
    fn a_grievance_across_labor_day_2026() {
        // Tuesday 28 April 2026 at 17:55: day 1 is the 28th; 1 May (Friday) is
        // Labor Day, 5 May Children's Day: 28, 29, 30 Apr, 4, 6, 7, 8 May.
        let cal = seoul();
        let received = kst(2026, 4, 28, 17, 55);
        assert_eq!(cal.due_at(received, days(7)), kst(2026, 5, 8, 18, 0));
        // Five days are counted in working hours: 5 min on the 28th, then 29, 30 Apr, 4, 6 May, 7 May until 17:55.
        assert_eq!(cal.due_at(received, days(5)), kst(2026, 5, 7, 17, 55));
    }

    #[test]
    fn a_grievance_across_constitution_day_2027() {
        // Wednesday 14 July 2027, 10:00: 17 July is a Saturday, its substitute Monday the 19th.
        let cal = Calendar::new(
            chrono_tz::Asia::Seoul,
            korean_public_holidays(2027..=2027).into_iter().map(|h| h.date),
        );
        let received = kst(2027, 7, 14, 10, 0);
        // 14, 15, 16, 20, 21, 22, 23 July.
        assert_eq!(cal.due_at(received, days(7)), kst(2027, 7, 23, 18, 0));
        // One month from 1 July ends 31 July, a Saturday: Monday 2 August.
        let month = Deadline::new(1, DeadlineUnit::Months).unwrap();
        assert_eq!(cal.due_at(kst(2027, 7, 1, 10, 0), month), kst(2027, 8, 2, 18, 0));
    }

    #[test]
    fn holds_count_whole_minutes() {
        let cal = seoul();
        let from = kst(2026, 11, 24, 10, 0);
        assert_eq!(cal.held_seconds(from, from + Duration::seconds(2)), 0);
        assert_eq!(cal.held_seconds(from, from + Duration::seconds(119)), 60);
        // Over lunch: 10:00 to 13:30 is 2 h 30 min of working time.
        assert_eq!(
            cal.held_seconds(from, kst(2026, 11, 24, 13, 30) + Duration::seconds(59)),
            150 * 60
        );
    }

    #[test]
    fn recomputed_due_equals_the_actions_one_by_one() {
        let cal = seoul();
        let received = kst(2026, 11, 2, 10, 0);
        let deadline = days(7);
        let hold = Hold {
            from: kst(2026, 11, 3, 11, 0),
            until: Some(kst(2026, 11, 4, 10, 30)),
        };
        let held = cal.held_seconds(hold.from, hold.until.unwrap());
        let stepwise = cal.add_working_seconds(
            cal.add_working_seconds(cal.due_at(received, deadline), held),
            3 * 8 * 3600,
        );
        assert_eq!(cal.due_with(received, deadline, 3, &[hold]), stepwise);
        // An unfinished hold is not counted (the shown due date runs with it), nor are no moves.
        let open = Hold {
            from: kst(2026, 11, 5, 9, 0),
            until: None,
        };
        assert_eq!(
            cal.due_with(received, deadline, 0, &[open]),
            cal.due_at(received, deadline)
        );
    }

    #[test]
    fn friday_17h_three_days_is_due_wednesday_17h() {
        // RULES.md: 1 h Friday, 8 Monday, 8 Tuesday, 7 Wednesday.
        let cal = seoul();
        let due = cal.due_at(kst(2026, 11, 20, 17, 0), days(3));
        assert_eq!(due, kst(2026, 11, 25, 17, 0));
    }

    #[test]
    fn received_on_saturday_starts_monday_morning() {
        let cal = seoul();
        let received = kst(2026, 11, 21, 10, 30);
        assert_eq!(cal.clock_start(received), kst(2026, 11, 23, 9, 0));
        // 24 working hours from Monday 09:00 use up Wednesday's last hour: due at 18:00, not Thursday 09:00.
        assert_eq!(cal.due_at(received, days(3)), kst(2026, 11, 25, 18, 0));
        // 7 days count Monday as day 1: due the next Tuesday at 18:00.
        assert_eq!(cal.due_at(received, days(7)), kst(2026, 12, 1, 18, 0));
    }

    #[test]
    fn received_after_18h_starts_next_morning() {
        let cal = seoul();
        let received = kst(2026, 11, 24, 19, 30);
        assert_eq!(cal.clock_start(received), kst(2026, 11, 25, 9, 0));
        assert_eq!(cal.due_at(received, days(3)), kst(2026, 11, 27, 18, 0));
        assert_eq!(cal.due_at(received, days(7)), kst(2026, 12, 3, 18, 0));
    }

    #[test]
    fn received_in_lunch_hour_starts_at_13h() {
        let cal = seoul();
        assert_eq!(cal.clock_start(kst(2026, 11, 24, 12, 30)), kst(2026, 11, 24, 13, 0));
        assert_eq!(cal.clock_start(kst(2026, 11, 24, 12, 0)), kst(2026, 11, 24, 13, 0));
        assert_eq!(cal.clock_start(kst(2026, 11, 24, 10, 15)), kst(2026, 11, 24, 10, 15));
    }

    #[test]
    fn friday_evening_with_monday_holiday_starts_tuesday() {
        // Friday 2026-10-02 19:00; Monday 10-05 is the substitute for Oct 3.
        let cal = seoul();
        assert_eq!(cal.clock_start(kst(2026, 10, 2, 19, 0)), kst(2026, 10, 6, 9, 0));
    }

    #[test]
    fn hours_deadline_skips_lunch_and_night() {
        let cal = seoul();
        let due = cal.due_at(kst(2026, 11, 24, 11, 0), Deadline::new(8, DeadlineUnit::Hours).unwrap());
        assert_eq!(due, kst(2026, 11, 25, 11, 0));
        let due = cal.due_at(kst(2026, 11, 24, 9, 0), Deadline::new(3, DeadlineUnit::Hours).unwrap());
        assert_eq!(due, kst(2026, 11, 24, 12, 0), "ends at the end of the morning period");
    }

    #[test]
    fn seven_days_over_chuseok_2025() {
        // Oct 3 (Fri) to Oct 9 (Thu) 2025 are holidays or weekend: day 1 Oct 2,
        // then Oct 10, 13, 14, 15, 16, 17.
        let cal = seoul();
        let due = cal.due_at(kst(2025, 10, 2, 10, 0), days(7));
        assert_eq!(due, kst(2025, 10, 17, 18, 0));
        for d in 3..=9 {
            assert!(
                !cal.is_business_day(NaiveDate::from_ymd_opt(2025, 10, d).unwrap()),
                "Oct {d}"
            );
        }
    }

    #[test]
    fn seven_days_over_seollal_2026() {
        // Seollal Feb 16-18 2026: day 1 Fri Feb 13, then 19, 20, 23, 24, 25, 26.
        let cal = seoul();
        let due = cal.due_at(kst(2026, 2, 13, 10, 0), days(7));
        assert_eq!(due, kst(2026, 2, 26, 18, 0));
    }

    #[test]
    fn one_month_proposal_ending_on_a_holiday_moves_to_next_business_day() {
        let cal = seoul();
        let month = Deadline::new(1, DeadlineUnit::Months).unwrap();
        // Thu 2026-09-10 + 1 month ends Fri 10-09 (Hangul Day) → Monday 10-12.
        assert_eq!(cal.due_at(kst(2026, 9, 10, 10, 0), month), kst(2026, 10, 12, 18, 0));
        // Jan 30 has no Feb 30: the period ends Feb 28 (Sat); Mar 2 is a substitute holiday.
        assert_eq!(cal.due_at(kst(2026, 1, 30, 10, 0), month), kst(2026, 3, 3, 18, 0));
        // An ordinary month: Nov 24 → Dec 23.
        assert_eq!(cal.due_at(kst(2026, 11, 24, 10, 0), month), kst(2026, 12, 23, 18, 0));
    }

    #[test]
    fn civil_act_month_end_cases() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(civil_act_month_end(d(2026, 1, 15), 1), d(2026, 2, 14));
        assert_eq!(civil_act_month_end(d(2026, 1, 31), 1), d(2026, 2, 28));
        assert_eq!(civil_act_month_end(d(2026, 3, 1), 1), d(2026, 3, 31));
        assert_eq!(civil_act_month_end(d(2027, 12, 31), 2), d(2028, 2, 29));
    }

    #[test]
    fn same_day_resolution_is_one_processing_day() {
        let cal = seoul();
        let received = kst(2026, 11, 24, 9, 30);
        assert_eq!(cal.processing_days(received, kst(2026, 11, 24, 16, 0), &[]), 1);
        // Received after hours and answered that evening: still 1, never 0.
        let late = kst(2026, 11, 24, 20, 0);
        assert_eq!(cal.processing_days(late, kst(2026, 11, 24, 21, 0), &[]), 1);
    }

    #[test]
    fn processing_days_skip_weekends_and_whole_days_on_hold() {
        let cal = seoul();
        let received = kst(2026, 11, 20, 17, 0); // Friday
        assert_eq!(cal.processing_days(received, kst(2026, 11, 25, 10, 0), &[]), 4);
        // On hold from Monday 09:00 to Tuesday 18:00: two whole days less.
        let hold = Hold {
            from: kst(2026, 11, 23, 9, 0),
            until: Some(kst(2026, 11, 24, 18, 0)),
        };
        assert_eq!(cal.processing_days(received, kst(2026, 11, 25, 10, 0), &[hold]), 2);
        // A hold covering only the morning does not remove the day.
        let half = Hold {
            from: kst(2026, 11, 23, 9, 0),
            until: Some(kst(2026, 11, 23, 12, 0)),
        };
        assert_eq!(cal.processing_days(received, kst(2026, 11, 25, 10, 0), &[half]), 4);
    }

    #[test]
    fn hold_moves_due_out_by_working_time_held() {
        let cal = seoul();
        let due = kst(2026, 11, 25, 17, 0);
        // Held from Monday 17:00 to Tuesday 10:00: 1 h + 1 h of working time,
        // so Wednesday's last hour and Thursday's first: due Thursday 10:00.
        let hold = Hold {
            from: kst(2026, 11, 23, 17, 0),
            until: Some(kst(2026, 11, 24, 10, 0)),
        };
        assert_eq!(
            cal.due_after_holds(due, &[hold], kst(2026, 11, 24, 11, 0)),
            kst(2026, 11, 26, 10, 0)
        );
        // A hold still open counts up to now.
        let open = Hold {
            from: kst(2026, 11, 24, 9, 0),
            until: None,
        };
        assert_eq!(
            cal.due_after_holds(due, &[open], kst(2026, 11, 24, 12, 0)),
            kst(2026, 11, 26, 11, 0)
        );
    }

    #[test]
    fn start_day_is_the_date_of_the_clock_start() {
        let cal = seoul();
        // Every quarter hour over three weeks around the October 2026 holidays.
        let mut t = kst(2026, 9, 28, 0, 0);
        while t < kst(2026, 10, 19, 0, 0) {
            assert_eq!(cal.start_day(t), cal.local_date(cal.clock_start(t)), "{t}");
            t += Duration::minutes(15);
        }
    }

    #[test]
    fn working_seconds_between_counts_only_office_time() {
        let cal = seoul();
        let a = kst(2026, 11, 20, 17, 0);
        let b = kst(2026, 11, 23, 10, 0);
        assert_eq!(cal.working_seconds_between(a, b), 2 * 3600);
        assert_eq!(cal.working_seconds_between(b, a), 0);
    }
}
