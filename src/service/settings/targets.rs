//! Satisfaction targets: the yearly rate per kind that scorecards measure
//! teams against. Managers and admins read them; admins set and remove them.

use crate::db::types::now;
use crate::db::Conn;
use crate::domain::case::Kind;
use crate::domain::catalog::Role;
use crate::domain::validation::Errors;
use crate::service::caller::Operator;
use crate::service::ServiceError;
use crate::store::{self, targets::Target};

/// Years a target may be set for.
const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// A target as sent; every part is required.
#[derive(Debug, Default)]
pub struct TargetChange {
    /// The year it applies to.
    pub year: Option<i32>,
    /// `grievance` or `proposal`.
    pub kind: Option<String>,
    /// A fraction from 0 to 1.
    pub satisfaction_rate: Option<f64>,
}

/// The targets of one year, or all (managers and admins).
pub fn list(c: &mut Conn, op: &Operator, year: Option<i32>) -> Result<Vec<Target>, ServiceError> {
    op.require(&[Role::Admin, Role::Manager])?;
    Ok(store::targets::list(c, year)?)
}

/// Sets a target (admin); `true` when there was none for that year and kind.
pub fn set(c: &mut Conn, op: &Operator, input: TargetChange) -> Result<(Target, bool), ServiceError> {
    op.require_admin()?;
    let t = validated(input)?;
    let new = store::targets::upsert(c, &t)?;
    Ok((t, new))
}

/// Sets the target a path names (`{year}/{kind}`, admin): the body may
/// repeat the year and kind but not contradict them.
pub fn put(
    c: &mut Conn,
    op: &Operator,
    year: &str,
    kind: String,
    mut input: TargetChange,
) -> Result<(Target, bool), ServiceError> {
    op.require_admin()?;
    let year: i32 = year
        .parse()
        .map_err(|_| ServiceError::NotFound(format!("no target year \"{year}\"")))?;
    for (field, differs) in [
        ("year", input.year.is_some_and(|y| y != year)),
        ("kind", input.kind.as_ref().is_some_and(|k| *k != kind)),
    ] {
        if differs {
            return Err(ServiceError::field(
                field,
                "differs from the path; the path names the target",
            ));
        }
    }
    input.year = Some(year);
    input.kind = Some(kind);
    set(c, op, input)
}

/// Removes the target a path names (admin); not found when none was set.
pub fn remove(c: &mut Conn, op: &Operator, year: &str, kind: &str) -> Result<(), ServiceError> {
    op.require_admin()?;
    let missing = || ServiceError::NotFound(format!("no target for {kind} in {year}"));
    let y: i32 = year.parse().map_err(|_| missing())?;
    if store::targets::delete(c, y, kind)? {
        Ok(())
    } else {
        Err(missing())
    }
}

/// The target an input describes, or every problem with it.
fn validated(input: TargetChange) -> Result<Target, ServiceError> {
    let mut e = Errors::default();
    match input.year {
        None => e.add("year", "is required, e.g. 2026"),
        Some(y) if !YEARS.contains(&y) => e.add("year", format!("must be from {} to {}", YEARS.start(), YEARS.end())),
        _ => {}
    }
    if input.kind.is_none() {
        e.add("kind", format!("is required: one of {}", Kind::names()));
    }
    let kind = e.one_of("kind", input.kind.as_deref(), Kind::parse, &Kind::names());
    match input.satisfaction_rate {
        None => e.add("satisfaction_rate", "is required: a fraction, e.g. 0.764 for 76.4%"),
        Some(r) if r > 1.0 && r <= 100.0 => e.add(
            "satisfaction_rate",
            format!("is a fraction from 0 to 1: send {} for {r}%", r / 100.0),
        ),
        Some(r) if !(0.0..=1.0).contains(&r) => e.add("satisfaction_rate", "must be a fraction from 0 to 1"),
        _ => {}
    }
    e.finish(()).map_err(ServiceError::Invalid)?;
    match (input.year, kind, input.satisfaction_rate) {
        (Some(year), Some(kind), Some(rate)) => Ok(Target {
            year,
            kind: kind.as_str().into(),
            satisfaction_rate: rate,
            updated_at: now().naive_utc(),
        }),
        _ => Err(ServiceError::field("body", "is incomplete")),
    }
}
