//! Scorecards: the cases of one or more periods read from the store, counted
//! per team with the business calendar, and turned into ranked figures.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::Serialize;

use crate::config::Settings;
use crate::db::types::Id;
use crate::db::Conn;
use crate::domain::case::Kind;
use crate::domain::scorecard::{assign_ranks, figures, Figures, SurveyState, Tally, Targets};
use crate::store::figures::survey;
use crate::store::{self, stats::Scope};

/// Local dates from `from` to `to`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
}

impl Period {
    /// The period cut at each first of the month, each part with its year:
    /// targets are yearly, and the database groups a month's cases much
    /// faster than a year's at once (sorting grows faster than the rows).
    fn months(self) -> impl Iterator<Item = (i32, Period)> {
        let mut from = Some(self.from);
        std::iter::from_fn(move || {
            let start = from.filter(|f| *f <= self.to)?;
            let next_month = start.with_day(1)?.checked_add_months(chrono::Months::new(1))?;
            let end = self.to.min(next_month.pred_opt()?);
            from = Some(next_month);
            Some((start.year(), Period { from: start, to: end }))
        })
    }

    /// The stored (UTC) instants from the first day's start to the day after the last.
    fn bounds(self, settings: &Settings) -> (chrono::NaiveDateTime, chrono::NaiveDateTime) {
        (
            settings.start_of_day(self.from),
            settings.start_of_day(self.to + chrono::Days::new(1)),
        )
    }
}

/// A team as shown beside its figures.
#[derive(Debug, Clone, Serialize)]
pub struct TeamRef {
    /// Id.
    pub id: Id,
    /// Name.
    pub name: String,
}

/// One team's figures.
#[derive(Debug, Clone, Serialize)]
pub struct TeamFigures {
    /// The team.
    pub team: TeamRef,
    /// Its figures.
    #[serde(flatten)]
    pub figures: Figures,
}

/// Every team's figures for one period, by team name, and the agency's.
#[derive(Debug, Clone)]
pub struct Card {
    /// The period.
    pub period: Period,
    /// Active teams and any team with cases in the period.
    pub teams: Vec<TeamFigures>,
    /// All teams together.
    pub total: Figures,
}

/// The scorecards of consecutive, ascending periods. Cases resolved in a
/// period count for the team that resolved them; cases received in it for
/// their current team.
pub fn cards(
    conn: &mut Conn,
    settings: &Settings,
    scope: &Scope,
    periods: &[Period],
    now: DateTime<Utc>,
) -> diesel::QueryResult<Vec<Card>> {
    if periods.is_empty() {
        return Ok(Vec::new());
    }
    let mut tallies: Vec<HashMap<Option<Id>, Tally>> = vec![HashMap::new(); periods.len()];
    for (p, bucket) in periods.iter().zip(tallies.iter_mut()) {
        for (year, slice) in p.months() {
            let (from, until) = slice.bounds(settings);
            for g in store::figures::grouped(conn, from, until, scope)? {
                let survey = match (g.survey, g.process_score, g.result_score) {
                    (survey::NONE, ..) => SurveyState::None,
                    (survey::ANSWERED, Some(process), Some(result)) => SurveyState::Answered(process, result),
                    _ => SurveyState::Sent,
                };
                bucket.entry(g.team_id).or_default().add_alike(
                    year,
                    &g.kind,
                    g.processing_days as i64,
                    g.on_time,
                    survey,
                    g.cases,
                );
            }
        }
        let (from, until) = p.bounds(settings);
        let received = store::stats::received(conn, from, until, scope, now.naive_utc())?;
        for (team, n) in received {
            let t = bucket.entry(team).or_default();
            t.received = n.received;
            t.open = n.open;
            t.overdue = n.overdue;
        }
    }

    let teams = store::teams::list(conn)?;
    let targets: Targets = store::targets::list(conn, None)?
        .into_iter()
        .map(|t| ((t.year, t.kind), t.satisfaction_rate))
        .collect();
    let kinds: Vec<&str> = match &scope.kind {
        Some(k) => vec![k.as_str()],
        None => Kind::ALL.iter().map(|k| k.as_str()).collect(),
    };
    Ok(periods
        .iter()
        .zip(tallies)
        .map(|(p, bucket)| {
            let fallback: Vec<(i32, String)> = kinds.iter().map(|k| (p.to.year(), k.to_string())).collect();
            let mut total = Tally::default();
            for t in bucket.values() {
                total.absorb(t);
            }
            let mut rows: Vec<TeamFigures> = teams
                .iter()
                .filter(|t| scope.team.as_ref().is_none_or(|id| *id == t.id))
                .filter_map(|t| {
                    let tally = bucket.get(&Some(t.id.clone()));
                    if tally.is_none() && !t.active {
                        return None;
                    }
                    let tally = tally.cloned().unwrap_or_default();
                    Some(TeamFigures {
                        team: TeamRef {
                            id: t.id.clone(),
                            name: t.name.clone(),
                        },
                        figures: figures(&tally, &targets, &fallback),
                    })
                })
                .collect();
            let mut refs: Vec<&mut Figures> = rows.iter_mut().map(|r| &mut r.figures).collect();
            assign_ranks(&mut refs);
            Card {
                period: *p,
                teams: rows,
                total: figures(&total, &targets, &fallback),
            }
        })
        .collect())
}

/// The cards of consecutive periods, many months read in two halves on two
/// connections at once: each period's figures stand alone, and reading a
/// year of cases is most of the work.
pub async fn cards_in_parallel(
    db: &crate::db::Db,
    settings: std::sync::Arc<Settings>,
    scope: Scope,
    periods: Vec<Period>,
    now: DateTime<Utc>,
) -> Result<Vec<Card>, crate::service::ServiceError> {
    let read = |half: Vec<Period>| {
        let (settings, scope) = (settings.clone(), scope.clone());
        db.read(move |c| cards(c, &settings, &scope, &half, now).map_err(crate::service::ServiceError::from))
    };
    if periods.len() < 4 {
        return read(periods).await;
    }
    let later = periods[periods.len() / 2..].to_vec();
    let earlier = periods[..periods.len() / 2].to_vec();
    let (first, second) = tokio::join!(read(earlier), read(later));
    let mut out = first?;
    out.extend(second?);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_period_is_read_a_month_at_a_time() {
        let p = Period {
            from: d("2025-12-15"),
            to: d("2026-02-03"),
        };
        let parts: Vec<_> = p.months().map(|(y, p)| (y, p.from, p.to)).collect();
        assert_eq!(
            parts,
            vec![
                (2025, d("2025-12-15"), d("2025-12-31")),
                (2026, d("2026-01-01"), d("2026-01-31")),
                (2026, d("2026-02-01"), d("2026-02-03")),
            ]
        );
        let day = Period {
            from: d("2026-10-31"),
            to: d("2026-10-31"),
        };
        assert_eq!(day.months().count(), 1);
        let year = Period {
            from: d("2026-01-01"),
            to: d("2026-12-31"),
        };
        assert_eq!(year.months().count(), 12);
    }
}
