//! The holiday table as use cases: the rules applied per year (on the first
//! start, after an upgrade that changed them, for a year first asked for),
//! and an admin's additions and changes, which the rules never undo. Every
//! change to the set of holidays moves the due dates it touches.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::RangeInclusive;

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use super::caller::Operator;
use super::due_dates;
use super::ServiceError;
use crate::config::Settings;
use crate::db::Conn;
use crate::domain::holidays::{holidays_of_year, FIRST_YEAR, LAST_YEAR, RULES_VERSION};
use crate::domain::validation::Errors;
use crate::store::{
    self,
    holidays::{Holiday, ADMIN, LAW},
};

/// A day that became or stopped being a holiday.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayChange {
    /// The day.
    pub date: NaiveDate,
    /// The holiday's name.
    pub name: String,
    /// Became a holiday (else stopped being one).
    pub added: bool,
}

/// The years every deployment holds: from the first shipped year to 2050, and
/// always five years past today, so no deadline runs into a year without holidays.
pub fn kept_years(today: NaiveDate) -> RangeInclusive<i32> {
    FIRST_YEAR..=(today.year() + 5).max(2050)
}

/// Applies the current rules to each year of `years` that has not had them
/// (years outside the rules' range are left alone), then moves the due dates
/// the changes touch. Returns the changes.
pub fn apply_rules(
    c: &mut Conn,
    settings: &Settings,
    years: RangeInclusive<i32>,
    now: DateTime<Utc>,
) -> diesel::QueryResult<Vec<HolidayChange>> {
    let applied: HashMap<i32, i32> = store::holidays::applied_years(c)?.into_iter().collect();
    let mut changes = Vec::new();
    let from = (*years.start()).max(FIRST_YEAR);
    let to = (*years.end()).min(LAST_YEAR);
    for year in from..=to {
        if applied.get(&year) != Some(&RULES_VERSION) {
            changes.extend(apply_year(c, year, now)?);
        }
    }
    if !changes.is_empty() {
        due_dates::holidays_changed(c, settings, &changes, now)?;
    }
    Ok(changes)
}

/// Brings one year's rows from the rules to the law; an admin's rows stay.
fn apply_year(c: &mut Conn, year: i32, now: DateTime<Utc>) -> diesel::QueryResult<Vec<HolidayChange>> {
    let at = now.naive_utc();
    let law: BTreeMap<NaiveDate, String> = holidays_of_year(year).into_iter().map(|h| (h.date, h.name)).collect();
    let stored = store::holidays::list(c, Some(year))?;
    let present: HashSet<NaiveDate> = stored.iter().map(|h| h.date).collect();
    let mut changes = Vec::new();
    for mut row in stored.into_iter().filter(|h| h.origin == LAW) {
        match law.get(&row.date) {
            None => {
                store::holidays::delete(c, row.date)?;
                if row.active {
                    changes.push(HolidayChange {
                        date: row.date,
                        name: row.name,
                        added: false,
                    });
                }
            }
            Some(name) if *name != row.name => {
                row.name = name.clone();
                row.updated_at = at;
                store::holidays::update(c, &row)?;
            }
            Some(_) => {}
        }
    }
    for (date, name) in law.into_iter().filter(|(d, _)| !present.contains(d)) {
        store::holidays::insert(
            c,
            &Holiday {
                date,
                name: name.clone(),
                active: true,
                updated_at: at,
                origin: LAW.into(),
            },
        )?;
        changes.push(HolidayChange {
            date,
            name,
            added: true,
        });
    }
    store::holidays::mark_applied(c, year, RULES_VERSION, at)?;
    Ok(changes)
}

/// Whether the current rules still have to be applied to `year` (it is in the
/// rules' range and was never brought to this version of them).
pub fn needs_rules(c: &mut Conn, year: i32) -> diesel::QueryResult<bool> {
    if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
        return Ok(false);
    }
    let applied = store::holidays::applied_years(c)?;
    Ok(!applied.contains(&(year, RULES_VERSION)))
}

/// The fields an admin sends for a holiday; absent ones are left as they are.
#[derive(Debug, Default)]
pub struct HolidayEdit {
    /// The day: required to create one; when changing one, it may only repeat the key.
    pub date: Option<NaiveDate>,
    /// Its name.
    pub name: Option<String>,
    /// Whether it counts (a new one does unless told otherwise).
    pub active: Option<bool>,
}

/// The holidays of one year, or all, when they can be read as kept: `None`
/// when the year still needs its rules applied, which takes the writer.
pub fn kept(c: &mut Conn, _op: &Operator, year: Option<i32>) -> Result<Option<Vec<Holiday>>, ServiceError> {
    if let Some(y) = year {
        if needs_rules(c, y)? {
            return Ok(None);
        }
    }
    Ok(Some(store::holidays::list(c, year)?))
}

/// The holidays of one year (its rules applied first if it never had them), or all.
pub fn list(
    c: &mut Conn,
    settings: &Settings,
    _op: &Operator,
    year: Option<i32>,
    now: DateTime<Utc>,
) -> Result<Vec<Holiday>, ServiceError> {
    if let Some(y) = year {
        apply_rules(c, settings, y..=y, now)?;
    }
    Ok(store::holidays::list(c, year)?)
}

/// An admin's new holiday (an early election, a temporary holiday); a
/// conflict when the date already has one. Open cases whose deadline runs
/// over it get their due date moved.
pub fn create(
    c: &mut Conn,
    settings: &Settings,
    op: &Operator,
    input: HolidayEdit,
    now: DateTime<Utc>,
) -> Result<Holiday, ServiceError> {
    op.require_admin()?;
    let mut e = Errors::default();
    if input.date.is_none() {
        e.add("date", "is required (YYYY-MM-DD)");
    }
    let name = e.required_line("name", input.name.as_deref(), 100);
    e.finish(()).map_err(ServiceError::Invalid)?;
    let (Some(date), Some(name)) = (input.date, name) else {
        return Err(ServiceError::field("body", "is incomplete"));
    };
    add(c, settings, date, name, input.active.unwrap_or(true), now)
}

/// An admin's change to the holiday on `date` (as the client wrote it,
/// `YYYY-MM-DD`); the date itself is the key and cannot change.
pub fn change(
    c: &mut Conn,
    settings: &Settings,
    op: &Operator,
    date: &str,
    input: HolidayEdit,
    now: DateTime<Utc>,
) -> Result<Holiday, ServiceError> {
    op.require_admin()?;
    let date = date_of(date)?;
    if input.date.is_some_and(|d| d != date) {
        return Err(ServiceError::field(
            "date",
            "is the key and cannot change; deactivate this one and create another",
        ));
    }
    let mut e = Errors::default();
    let name = match input.name {
        Some(n) => e.required_line("name", Some(&n), 100),
        None => None,
    };
    e.finish(()).map_err(ServiceError::Invalid)?;
    amend(c, settings, date, name, input.active, now)
}

/// The holiday on `date` no longer counts: a business day again (admin).
pub fn deactivate(
    c: &mut Conn,
    settings: &Settings,
    op: &Operator,
    date: &str,
    now: DateTime<Utc>,
) -> Result<Holiday, ServiceError> {
    op.require_admin()?;
    let date = date_of(date)?;
    amend(c, settings, date, None, Some(false), now)
}

/// The day a client named; a malformed one has no holiday.
fn date_of(raw: &str) -> Result<NaiveDate, ServiceError> {
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map_err(|_| ServiceError::NotFound(format!("no holiday on \"{raw}\" (dates are YYYY-MM-DD)")))
}

/// Adds an admin's holiday and moves the due dates it touches.
fn add(
    c: &mut Conn,
    settings: &Settings,
    date: NaiveDate,
    name: String,
    active: bool,
    now: DateTime<Utc>,
) -> Result<Holiday, ServiceError> {
    apply_rules(c, settings, date.year()..=date.year(), now)?;
    if store::holidays::find(c, date)?.is_some() {
        return Err(ServiceError::Conflict(format!(
            "{date} is already a holiday; PATCH /api/v1/holidays/{date} to change it"
        )));
    }
    let h = Holiday {
        date,
        name,
        active,
        updated_at: now.naive_utc(),
        origin: ADMIN.into(),
    };
    store::holidays::insert(c, &h)?;
    if active {
        let change = HolidayChange {
            date,
            name: h.name.clone(),
            added: true,
        };
        due_dates::holidays_changed(c, settings, &[change], now)?;
    }
    Ok(h)
}

/// Changes a holiday's name or whether it counts; from then on the row is
/// the admin's and the rules leave it as it is.
fn amend(
    c: &mut Conn,
    settings: &Settings,
    date: NaiveDate,
    name: Option<String>,
    active: Option<bool>,
    now: DateTime<Utc>,
) -> Result<Holiday, ServiceError> {
    apply_rules(c, settings, date.year()..=date.year(), now)?;
    let mut h =
        store::holidays::find(c, date)?.ok_or_else(|| ServiceError::NotFound(format!("no holiday on {date}")))?;
    let was_active = h.active;
    if let Some(n) = name {
        h.name = n;
    }
    if let Some(a) = active {
        h.active = a;
    }
    h.origin = ADMIN.into();
    h.updated_at = now.naive_utc();
    store::holidays::update(c, &h)?;
    if h.active != was_active {
        let change = HolidayChange {
            date,
            name: h.name.clone(),
            added: h.active,
        };
        due_dates::holidays_changed(c, settings, &[change], now)?;
    }
    Ok(h)
}
