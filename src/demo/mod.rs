//! `civicdesk seed-demo --cases N`: fills a database with a realistic history
//! (twelve teams, seasons, weekends and holidays, transfers, extensions,
//! holds, late cases, sampled surveys with plausible scores) so that anyone
//! can look at the dashboards and measure the scorecards.

pub mod history;
pub mod text;

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use chrono::{Datelike, Duration};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::config::Settings;
use crate::db::types::{now, Id};
use crate::db::{Conn, Db};
use crate::domain::deadline::{Deadline, DeadlineUnit};
use crate::store::{self, categories::Category, teams::Team};
use history::{base_weight, day_weight, pick, receipt_time, season, CategoryInfo, TeamProfile, World};

/// Cases generated and written per transaction.
const CHUNK: usize = 5000;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// How many cases.
    pub cases: u64,
    /// Over how many years, ending today.
    pub years: u32,
    /// Seed of the random generator: the same seed gives the same history.
    pub seed: u64,
}

/// What was written.
#[derive(Debug, Default, Clone, Copy)]
pub struct Report {
    /// Cases.
    pub cases: u64,
    /// Events.
    pub events: u64,
    /// Surveys.
    pub surveys: u64,
    /// Seconds taken.
    pub seconds: f64,
}

/// Adds the extra demo teams and their categories when missing.
fn ensure_teams(c: &mut Conn) -> diesel::QueryResult<()> {
    let at = now().naive_utc();
    let teams = store::teams::list(c)?;
    for (name, email, code, cat_name, cat_en) in text::EXTRA_TEAMS {
        if teams.iter().any(|t| t.name == *name) {
            continue;
        }
        let team = Team {
            id: Id::new(),
            name: name.to_string(),
            email: Some(email.to_string()),
            triage: false,
            active: true,
            created_at: at,
            updated_at: at,
        };
        store::teams::insert(c, &team)?;
        if store::categories::find_by_code(c, code)?.is_none() {
            store::categories::insert(
                c,
                &Category {
                    id: Id::new(),
                    code: code.to_string(),
                    name: cat_name.to_string(),
                    name_en: Some(cat_en.to_string()),
                    kind: "grievance".into(),
                    default_team_id: Some(team.id.clone()),
                    deadline_amount: 7,
                    deadline_unit: "days".into(),
                    keywords: "[]".into(),
                    description: None,
                    active: true,
                    created_at: at,
                    updated_at: at,
                    attributes: "[]".into(),
                },
            )?;
        }
    }
    Ok(())
}

/// The categories cases can be generated in: active, with a team and a valid deadline.
fn categories(c: &mut Conn) -> diesel::QueryResult<Vec<CategoryInfo>> {
    Ok(store::categories::active(c)?
        .into_iter()
        .filter_map(|k| {
            let unit = DeadlineUnit::parse(&k.deadline_unit)?;
            let deadline = Deadline::new(u32::try_from(k.deadline_amount).ok()?, unit).ok()?;
            Some(CategoryInfo {
                id: k.id,
                code: k.code,
                kind: k.kind,
                team: k.default_team_id?,
                deadline,
            })
        })
        .collect())
}

/// Fills the database; prints progress to stderr.
pub fn seed(db: &Db, settings: &Settings, opts: Options) -> anyhow::Result<Report> {
    let began = Instant::now();
    let mut rng = StdRng::seed_from_u64(opts.seed);
    let (world, cats) = db.write_blocking(|c| {
        ensure_teams(c)?;
        let teams = store::teams::list(c)?;
        let mut profile_rng = StdRng::seed_from_u64(opts.seed ^ 0x7ea5);
        let profiles: HashMap<Id, TeamProfile> = teams
            .iter()
            .map(|t| {
                (
                    t.id.clone(),
                    TeamProfile {
                        speed: profile_rng.gen_range(0.45..0.9),
                        late: profile_rng.gen_range(0.02..0.14),
                        quality: profile_rng.gen_range(0.58..0.9),
                    },
                )
            })
            .collect();
        let world = World {
            calendar: settings.calendar(c)?,
            team_names: teams.iter().map(|t| (t.id.clone(), t.name.clone())).collect(),
            profiles,
            triage: teams.iter().find(|t| t.triage && t.active).map(|t| t.id.clone()),
            now: now(),
            sample_rate: settings.survey_sample_rate,
            ttl_days: settings.survey_ttl_days,
        };
        Ok::<_, anyhow::Error>((world, categories(c)?))
    })?;
    if cats.is_empty() {
        anyhow::bail!("no active category with a team: nothing to generate cases in");
    }

    // Receipt instants: days weighted by weekday, holiday and season, then
    // the category by its seasonal share.
    let today = world.calendar.local_date(world.now);
    let first = today - Duration::days(365 * opts.years.max(1) as i64);
    let days: Vec<chrono::NaiveDate> = first.iter_days().take_while(|d| *d <= today).collect();
    // Each month's categories, by index, weighted by their seasonal share.
    let month_weights = |m: u32| -> Vec<(usize, f64)> {
        cats.iter()
            .enumerate()
            .map(|(i, k)| (i, base_weight(&k.code) * season(&k.code, m)))
            .collect()
    };
    let by_month: Vec<Vec<(usize, f64)>> = (1..=12).map(month_weights).collect();
    let mut cumulative = Vec::with_capacity(days.len());
    let mut sum = 0.0;
    for d in &days {
        sum += day_weight(&world.calendar, *d) * by_month[d.month0() as usize].iter().map(|(_, w)| w).sum::<f64>();
        cumulative.push(sum);
    }
    let mut receipts: Vec<(chrono::DateTime<chrono::Utc>, usize)> = (0..opts.cases)
        .map(|_| {
            let x = rng.gen_range(0.0..sum);
            let day = days[cumulative.partition_point(|c| *c <= x).min(days.len() - 1)];
            let cat = *pick(&mut rng, &by_month[day.month0() as usize]);
            let mut t = receipt_time(&world.calendar, day, &mut rng);
            if t > world.now {
                t = world.now - Duration::minutes(rng.gen_range(1..600));
            }
            (t, cat)
        })
        .collect();
    receipts.sort_by_key(|r| r.0);

    // Receipt numbers in time order, reserved per year up front so that the
    // live service continues after them.
    let mut per_year: BTreeMap<i32, i32> = BTreeMap::new();
    for (t, _) in &receipts {
        *per_year.entry(world.calendar.local_date(*t).year()).or_default() += 1;
    }
    let mut next_seq: BTreeMap<i32, i32> = db.write_blocking(|c| {
        per_year
            .iter()
            .map(|(y, n)| Ok((*y, store::cases::reserve_receipt_numbers(c, *y, *n)?)))
            .collect::<Result<_, anyhow::Error>>()
    })?;

    let mut report = Report::default();
    let progress = Progress::new(receipts.len() as u64);
    for (i, chunk) in receipts.chunks(CHUNK).enumerate() {
        let bundles: Vec<history::Bundle> = chunk
            .iter()
            .map(|(t, cat)| {
                let year = world.calendar.local_date(*t).year();
                let seq = next_seq.entry(year).or_insert(1);
                let no = store::cases::receipt_no(year, *seq);
                *seq += 1;
                history::case(&world, &mut rng, *t, &cats[*cat], no)
            })
            .collect();
        let (mut cases, mut events, mut holds, mut surveys, mut follow_ups) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for b in bundles {
            holds.extend(b.holds.iter().map(|(f, u)| (b.case.id.clone(), *f, *u)));
            events.extend(b.events);
            surveys.extend(b.survey);
            follow_ups.extend(b.follow_up);
            cases.push(b.case);
        }
        report.cases += cases.len() as u64;
        report.events += events.len() as u64;
        report.surveys += surveys.len() as u64;
        db.write_blocking(|c| {
            store::cases::insert_many(c, &cases)?;
            store::events::append_many(c, &events)?;
            store::holds::insert_many(c, &holds)?;
            store::surveys::insert_many(c, &surveys, &follow_ups)?;
            Ok::<_, anyhow::Error>(())
        })?;
        progress.advance(i, report.cases, opts.cases, began);
    }
    progress.finish();
    eprintln!("seed-demo: counting the scorecard figures");
    crate::bootstrap::scorecard_figures(db, settings)?;
    eprintln!("seed-demo: updating planner statistics");
    db.analyze()?;
    report.seconds = began.elapsed().as_secs_f64();
    Ok(report)
}

/// How far the seeding is: a bar with the rate and the time left on a
/// terminal, else a line every twenty batches (for logs and pipes).
struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    fn new(total: u64) -> Progress {
        if !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            return Progress(None);
        }
        let bar = indicatif::ProgressBar::new(total);
        let style =
            indicatif::ProgressStyle::with_template("seed-demo {bar:40} {pos}/{len} cases · {per_sec} · {eta} left")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
        bar.set_style(style);
        Progress(Some(bar))
    }

    fn advance(&self, batch: usize, done: u64, total: u64, began: std::time::Instant) {
        match &self.0 {
            Some(bar) => bar.set_position(done),
            None if (batch + 1) % 20 == 0 => eprintln!(
                "seed-demo: {done} of {total} cases ({:.0} s)",
                began.elapsed().as_secs_f64()
            ),
            None => {}
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish();
        }
    }
}
