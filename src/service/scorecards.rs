//! Scorecards: the cases of one or more periods read from the store, counted
//! per team with the business calendar, and turned into ranked figures.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use serde::Serialize;

use crate::config::Settings;
use crate::db::types::Id;
use crate::db::Conn;
use crate::domain::case::Kind;
use crate::domain::scorecard::{assign_ranks, figures as figures_of, Figures, SurveyState, Tally, Targets};
use crate::service::figures;
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
    /// The stored (UTC) instants from the first day's start to the day after the last.
    fn bounds(self, settings: &Settings) -> (chrono::NaiveDateTime, chrono::NaiveDateTime) {
        (
            settings.start_of_day(self.from),
            settings.start_of_day(self.to + chrono::Days::new(1)),
        )
    }
}

/// One month's part of a period: what is read from the store in one go (a
/// whole month from its tallies, a part of one from its figures) and added
/// into the period's tally, so that a period is the sum of its months.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Slice {
    /// Which of the periods asked for.
    period: usize,
    /// The month, `YYYYMM`.
    month: i32,
    /// Its days in the period.
    days: Period,
}

impl Slice {
    /// Whether the slice is all of its month.
    fn whole(&self) -> bool {
        let first = figures::first_of(self.month);
        self.days.from == first
            && first.checked_add_months(Months::new(1)).and_then(|n| n.pred_opt()) == Some(self.days.to)
    }
}

/// Every period cut at each first of the month: targets are yearly, and a
/// month is read from its tallies.
fn slices(periods: &[Period]) -> Vec<Slice> {
    let mut out = Vec::new();
    for (i, p) in periods.iter().enumerate() {
        let mut start = p.from;
        while start <= p.to {
            let Some(next) = start.with_day(1).and_then(|f| f.checked_add_months(Months::new(1))) else {
                break;
            };
            let end = next.pred_opt().map_or(p.to, |last| last.min(p.to));
            out.push(Slice {
                period: i,
                month: figures::month_key(start),
                days: Period { from: start, to: end },
            });
            start = next;
        }
    }
    out
}

/// Each slice's tally, by team.
type Tallies = HashMap<Option<Id>, Tally>;

/// The tallies of these slices, in order: the resolved cases from the
/// month's tallies (or, for a part of a month, its figures), and what was
/// received, counted as of `now`.
fn read(
    conn: &mut Conn,
    settings: &Settings,
    scope: &Scope,
    slices: &[Slice],
    now: DateTime<Utc>,
) -> diesel::QueryResult<Vec<Tallies>> {
    let mut out = Vec::with_capacity(slices.len());
    for slice in slices {
        let (from, until) = slice.days.bounds(settings);
        let groups = if slice.whole() {
            store::tallies::month(conn, slice.month, scope)?
        } else {
            store::figures::grouped(conn, slice.month, from, until, scope)?
        };
        let year = slice.month / 100;
        let mut bucket = Tallies::new();
        for g in groups {
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
        for (team, n) in store::stats::received(conn, from, until, scope, now.naive_utc())? {
            let t = bucket.entry(team).or_default();
            t.received += n.received;
            t.open += n.open;
            t.overdue += n.overdue;
        }
        out.push(bucket);
    }
    Ok(out)
}

/// The teams and the yearly targets, beside the figures.
struct Reference {
    teams: Vec<store::teams::Team>,
    targets: Targets,
}

fn reference(conn: &mut Conn) -> diesel::QueryResult<Reference> {
    Ok(Reference {
        teams: store::teams::list(conn)?,
        targets: store::targets::list(conn, None)?
            .into_iter()
            .map(|t| ((t.year, t.kind), t.satisfaction_rate))
            .collect(),
    })
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

/// The cards of the periods from their slices' tallies: each period's the
/// sum of its slices'.
fn compose(scope: &Scope, periods: &[Period], slices: &[Slice], tallies: Vec<Tallies>, r: &Reference) -> Vec<Card> {
    let mut sums: Vec<Tallies> = vec![Tallies::new(); periods.len()];
    for (slice, bucket) in slices.iter().zip(tallies) {
        let sum = &mut sums[slice.period];
        for (team, t) in bucket {
            sum.entry(team).or_default().absorb(&t);
        }
    }
    let kinds: Vec<&str> = match &scope.kind {
        Some(k) => vec![k.as_str()],
        None => Kind::ALL.iter().map(|k| k.as_str()).collect(),
    };
    periods
        .iter()
        .zip(sums)
        .map(|(p, bucket)| {
            let fallback: Vec<(i32, String)> = kinds.iter().map(|k| (p.to.year(), k.to_string())).collect();
            let mut total = Tally::default();
            for t in bucket.values() {
                total.absorb(t);
            }
            let mut rows: Vec<TeamFigures> = r
                .teams
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
                        figures: figures_of(&tally, &r.targets, &fallback),
                    })
                })
                .collect();
            let mut refs: Vec<&mut Figures> = rows.iter_mut().map(|r| &mut r.figures).collect();
            assign_ranks(&mut refs);
            Card {
                period: *p,
                teams: rows,
                total: figures_of(&total, &r.targets, &fallback),
            }
        })
        .collect()
}

/// The scorecards of consecutive, ascending periods. Cases resolved in a
/// period count for the team that resolved them; cases received in it for
/// their current team. The periods' months are read in two halves on two
/// connections at once: each month's tally stands alone, and reading the
/// months is most of the work (a single year-long period's too).
pub async fn cards_in_parallel(
    db: &crate::db::Db,
    settings: std::sync::Arc<Settings>,
    scope: Scope,
    periods: Vec<Period>,
    now: DateTime<Utc>,
) -> Result<Vec<Card>, crate::service::ServiceError> {
    let all = slices(&periods);
    let half = all.len().div_ceil(2);
    let (first, second) = (all[..half].to_vec(), all[half..].to_vec());
    let (s, sc) = (settings.clone(), scope.clone());
    let earlier = db.read(move |c| {
        let tallies = read(c, &s, &sc, &first, now)?;
        Ok::<_, crate::service::ServiceError>((tallies, reference(c)?))
    });
    let later = async {
        if second.is_empty() {
            return Ok(Vec::new());
        }
        let (s, sc) = (settings.clone(), scope.clone());
        db.read(move |c| read(c, &s, &sc, &second, now).map_err(crate::service::ServiceError::from))
            .await
    };
    let (earlier, later) = tokio::join!(earlier, later);
    let (mut tallies, reference) = earlier?;
    tallies.extend(later?);
    Ok(compose(&scope, &periods, &all, tallies, &reference))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn parts(periods: &[Period]) -> Vec<(usize, i32, NaiveDate, NaiveDate, bool)> {
        slices(periods)
            .into_iter()
            .map(|s| (s.period, s.month, s.days.from, s.days.to, s.whole()))
            .collect()
    }

    #[test]
    fn periods_are_read_a_month_at_a_time() {
        let p = Period {
            from: d("2025-12-15"),
            to: d("2026-02-28"),
        };
        assert_eq!(
            parts(&[p]),
            vec![
                (0, 202512, d("2025-12-15"), d("2025-12-31"), false),
                (0, 202601, d("2026-01-01"), d("2026-01-31"), true),
                (0, 202602, d("2026-02-01"), d("2026-02-28"), true),
            ]
        );
        let day = Period {
            from: d("2026-10-31"),
            to: d("2026-10-31"),
        };
        let month = Period {
            from: d("2026-11-01"),
            to: d("2026-11-29"),
        };
        assert_eq!(
            parts(&[day, month]),
            vec![
                (0, 202610, d("2026-10-31"), d("2026-10-31"), false),
                (1, 202611, d("2026-11-01"), d("2026-11-29"), false),
            ]
        );
        let year = Period {
            from: d("2026-01-01"),
            to: d("2026-12-31"),
        };
        assert_eq!(slices(&[year]).len(), 12);
        assert!(slices(&[year]).iter().all(Slice::whole));
        assert!(slices(&[]).is_empty());
    }
}
