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
    let (Some(first), Some(last)) = (periods.first(), periods.last()) else {
        return Ok(Vec::new());
    };
    let calendar = settings.calendar(conn)?;
    let (start, _) = first.bounds(settings);
    let (_, end) = last.bounds(settings);
    let mut tallies: Vec<HashMap<Option<Id>, Tally>> = vec![HashMap::new(); periods.len()];

    let holds = store::stats::holds_of_resolved(conn, start, end, scope)?;
    for r in store::stats::resolved(conn, start, end, scope)? {
        let (Some(received), Some(resolved)) = (
            DateTime::from_timestamp(r.received, 0),
            DateTime::from_timestamp(r.resolved, 0),
        ) else {
            continue;
        };
        let day = calendar.local_date(resolved);
        let i = periods.partition_point(|p| p.to < day);
        let Some(bucket) = tallies.get_mut(i).filter(|_| periods[i].from <= day) else {
            continue;
        };
        let case_holds = holds.get(&r.id).map(Vec::as_slice).unwrap_or(&[]);
        let days = calendar.processing_days(received, resolved, case_holds);
        let survey = match (r.surveyed, r.answered, r.process_score, r.result_score) {
            (false, ..) => SurveyState::None,
            (true, true, Some(p), Some(q)) => SurveyState::Answered(p, q),
            (true, ..) => SurveyState::Sent,
        };
        bucket
            .entry(r.team_id)
            .or_default()
            .add_resolved(day.year(), &r.kind, days, r.on_time, survey);
    }
    for (p, bucket) in periods.iter().zip(tallies.iter_mut()) {
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
