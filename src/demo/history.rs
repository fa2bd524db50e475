//! One demo case's whole life: receipt, routing (sometimes to the wrong team
//! first), an extension or a hold now and then, resolution on time or late,
//! closing, and a sampled survey whose scores follow the team's quality and
//! the case's lateness. Deterministic for a given random generator.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc, Weekday};
use rand::Rng;
use serde_json::json;

use super::text;
use crate::credentials::token_hash;
use crate::db::types::Id;
use crate::domain::calendar::Calendar;
use crate::domain::deadline::Deadline;
use crate::domain::sampling::{dissatisfied, in_sample};
use crate::store::cases::CaseRow;
use crate::store::events::Event;
use crate::store::surveys::{FollowUp, Survey};

/// A category as the generator needs it.
#[derive(Debug, Clone)]
pub struct CategoryInfo {
    /// Id.
    pub id: Id,
    /// Code.
    pub code: String,
    /// `grievance` or `proposal`.
    pub kind: String,
    /// The team that owns it.
    pub team: Id,
    /// Its processing period.
    pub deadline: Deadline,
}

/// How a team works: share of the deadline it typically uses, how often it
/// is late, how satisfied its citizens tend to be.
#[derive(Debug, Clone, Copy)]
pub struct TeamProfile {
    /// Typical share of the period used (0–1).
    pub speed: f64,
    /// Probability of missing the deadline.
    pub late: f64,
    /// Probability of a satisfied answer on time.
    pub quality: f64,
}

/// Everything shared by every generated case.
pub struct World {
    /// The business calendar.
    pub calendar: Calendar,
    /// Team names by id.
    pub team_names: HashMap<Id, String>,
    /// Each team's profile.
    pub profiles: HashMap<Id, TeamProfile>,
    /// Where misrouted cases land first.
    pub triage: Option<Id>,
    /// The present: nothing happens after it.
    pub now: DateTime<Utc>,
    /// The survey sample rate.
    pub sample_rate: f64,
    /// Survey link lifetime.
    pub ttl_days: u32,
}

/// A case and everything stored with it.
pub struct Bundle {
    /// The case.
    pub case: CaseRow,
    /// Its history.
    pub events: Vec<Event>,
    /// Its holds (from, until).
    pub holds: Vec<(NaiveDateTime, NaiveDateTime)>,
    /// Its survey.
    pub survey: Option<Survey>,
    /// A dissatisfied answer's follow-up.
    pub follow_up: Option<FollowUp>,
}

/// How much a category's volume rises in a month (1 = its usual level):
/// potholes after the thaw and the monsoon, noise and waste in summer,
/// welfare in winter, local taxes in their billing months.
pub fn season(code: &str, month: u32) -> f64 {
    let peaks: &[(u32, f64)] = match code {
        "road-damage" => &[(3, 0.6), (7, 0.5), (8, 0.6)],
        "streetlight" => &[(12, 0.3), (1, 0.3)],
        "safety-hazard" => &[(7, 0.8), (8, 0.8)],
        "noise" => &[(6, 0.4), (7, 0.7), (8, 0.7)],
        "waste" => &[(1, 0.3), (2, 0.2), (7, 0.4), (8, 0.4), (10, 0.3)],
        "welfare-benefit" => &[(12, 0.5), (1, 0.6), (2, 0.4)],
        "procedure-question" => &[(1, 0.4), (2, 0.5), (9, 0.2)],
        "parks" => &[(4, 0.5), (5, 0.6), (6, 0.3)],
        "building" => &[(4, 0.3), (10, 0.3)],
        "local-tax" => &[(7, 0.9), (9, 0.9)],
        "public-health" => &[(6, 0.4), (7, 0.8), (8, 0.8)],
        "culture-sports" => &[(5, 0.3), (10, 0.3)],
        _ => &[],
    };
    1.0 + peaks.iter().filter(|(m, _)| *m == month).map(|(_, x)| x).sum::<f64>()
}

/// A category's share of all cases.
pub fn base_weight(code: &str) -> f64 {
    match code {
        "illegal-parking" => 3.0,
        "road-damage" | "waste" => 2.0,
        "noise" => 1.8,
        "public-transport" => 1.2,
        "streetlight" | "procedure-question" => 1.0,
        "welfare-benefit" => 0.8,
        "service-suggestion" => 0.5,
        "safety-hazard" => 0.4,
        "law-question" => 0.3,
        "citizen-proposal" => 0.25,
        _ => 0.6,
    }
}

/// Relative volume on a date: fewer receipts on weekends and holidays.
pub fn day_weight(calendar: &Calendar, date: NaiveDate) -> f64 {
    if calendar.is_business_day(date) {
        1.0
    } else if matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
        0.3
    } else {
        0.35
    }
}

/// A receipt instant on a local date: mostly office hours, some evenings and
/// nights (web forms never close).
pub fn receipt_time(calendar: &Calendar, date: NaiveDate, rng: &mut impl Rng) -> DateTime<Utc> {
    let secs = if rng.gen_bool(0.78) {
        rng.gen_range(9 * 3600..18 * 3600)
    } else {
        rng.gen_range(0..86_400)
    };
    let local = date.and_time(NaiveTime::from_num_seconds_from_midnight_opt(secs, 0).unwrap_or(NaiveTime::MIN));
    calendar
        .tz()
        .from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| local.and_utc())
}

/// One value drawn with probability proportional to its weight.
pub fn pick<'a, T>(rng: &mut impl Rng, weighted: &'a [(T, f64)]) -> &'a T {
    let total: f64 = weighted.iter().map(|(_, w)| w).sum();
    let mut x = rng.gen_range(0.0..total);
    for (v, w) in weighted {
        if x < *w {
            return v;
        }
        x -= w;
    }
    &weighted[weighted.len() - 1].0
}

fn score(rng: &mut impl Rng, satisfied: bool) -> i32 {
    if satisfied {
        if rng.gen_bool(0.6) {
            5
        } else {
            4
        }
    } else {
        *pick(rng, &[(1, 0.2), (2, 0.35), (3, 0.45)])
    }
}

/// Generates one case received at `received` in `cat`.
pub fn case(w: &World, rng: &mut impl Rng, received: DateTime<Utc>, cat: &CategoryInfo, receipt_no: String) -> Bundle {
    let cal = &w.calendar;
    let mut random = [0u8; 10];
    rng.fill(&mut random);
    let id = Id::at(received, &random);
    let at = |t: DateTime<Utc>| t.naive_utc();
    let start = cal.clock_start(received);
    let team = cat.team.clone();
    let profile = w.profiles.get(&team).copied().unwrap_or(TeamProfile {
        speed: 0.6,
        late: 0.08,
        quality: 0.75,
    });
    let team_name = |t: &Id| w.team_names.get(t).cloned().unwrap_or_default();
    let mut events = Vec::new();
    let mut event = |t: DateTime<Utc>, actor: &str, kind: &str, public: bool, data: serde_json::Value| {
        events.push(Event::new(&id, at(t), actor, None, kind, public, data));
    };

    let channel = *pick(
        rng,
        &[
            ("web", 55.0),
            ("phone", 15.0),
            ("visit", 8.0),
            ("email", 7.0),
            ("letter", 2.0),
            ("open311", 8.0),
            ("api", 5.0),
        ],
    );
    let citizen_kind = if matches!(channel, "web" | "email" | "open311" | "api") {
        "citizen"
    } else {
        "operator"
    };
    let has_email = rng.gen_bool(0.75);
    let email = has_email.then(|| format!("citizen{}@example.org", rng.gen_range(1..200_000)));
    let phone = (!has_email || rng.gen_bool(0.5))
        .then(|| format!("010-{:04}-{:04}", rng.gen_range(0..10_000), rng.gen_range(0..10_000)));
    event(
        received,
        citizen_kind,
        "received",
        true,
        json!({"channel": channel, "kind": cat.kind, "category": cat.code, "classified": false}),
    );

    // About one case in fourteen reaches triage (or the wrong team) first.
    let first_team = match &w.triage {
        Some(t) if *t != team && rng.gen_bool(0.07) => t.clone(),
        _ => team.clone(),
    };
    event(
        received,
        "system",
        "routed",
        true,
        json!({"team_id": first_team, "team": team_name(&first_team)}),
    );
    if first_team != team {
        let hours = rng.gen_range(1..=12);
        let moved = cal.add_working_seconds(start, hours * 3600);
        event(
            moved,
            "operator",
            "transferred",
            true,
            json!({"from_team_id": first_team, "from_team_working_hours": hours as f64, "team_id": team,
                   "team": team_name(&team), "reason": "소관 부서로 이송합니다"}),
        );
    }

    let original_due = cal.due_at(received, cat.deadline);
    let period = cal.working_seconds_between(start, original_due).max(3600);
    let mut due = original_due;
    let extended = rng.gen_bool(0.03);
    if extended {
        let days = (period / cal.day_seconds()).clamp(1, 5);
        due = cal.add_working_seconds(due, days * cal.day_seconds());
        let when = cal.add_working_seconds(start, period * 6 / 10);
        event(
            when,
            "operator",
            "extended",
            true,
            json!({"business_days": days, "reason": "현장 조사가 필요합니다", "due_at": due.to_rfc3339()}),
        );
    }
    let total = cal.working_seconds_between(start, due).max(3600);
    let late = rng.gen_bool(profile.late);
    let share = if late {
        rng.gen_range(1.02..1.6)
    } else {
        let u: f64 = rng.gen();
        (profile.speed * (0.15 + 1.7 * u * u)).clamp(0.02, 0.99)
    };
    let work = (total as f64 * share) as i64;
    let mut resolved = cal.add_working_seconds(start, work);
    let mut holds = Vec::new();
    if resolved <= w.now && rng.gen_bool(0.02) {
        let from = cal.add_working_seconds(start, work / 3);
        let held = rng.gen_range(8..40) * 3600;
        let until = cal.add_working_seconds(from, held);
        if cal.add_working_seconds(resolved, held) <= w.now {
            due = cal.add_working_seconds(due, held);
            resolved = cal.add_working_seconds(resolved, held);
            holds.push((at(from), at(until)));
            event(
                from,
                "operator",
                "held",
                true,
                json!({"reason": "민원인 서류 보완 대기"}),
            );
            event(until, "operator", "resumed", true, json!({}));
        }
    }

    let withdrawn_at = rng
        .gen_bool(0.008)
        .then(|| cal.add_working_seconds(start, work / 4))
        .filter(|t| *t <= w.now);
    let stuck = rng.gen_bool(0.002);
    let mut row = CaseRow {
        id: id.clone(),
        receipt_no,
        kind: cat.kind.clone(),
        category_id: Some(cat.id.clone()),
        title: text::title(&cat.code, rng),
        description: "현장을 확인하고 조치해 주시기 바랍니다.".into(),
        citizen_name: text::name(rng),
        citizen_email: email,
        citizen_phone: phone,
        lat: Some(37.5665 + rng.gen_range(-0.05..0.05)),
        lng: Some(126.978 + rng.gen_range(-0.06..0.06)),
        address: None,
        locale: if rng.gen_bool(0.97) { "ko" } else { "en" }.into(),
        channel: channel.into(),
        status: "in_progress".into(),
        outcome: None,
        team_id: Some(team.clone()),
        assignee_id: None,
        access_token_hash: token_hash(&format!("demo-{id}")),
        deadline_amount: cat.deadline.amount as i32,
        deadline_unit: cat.deadline.unit.as_str().into(),
        received_at: at(received),
        due_at: at(due),
        extended,
        extension_count: extended as i32,
        held_since: None,
        resolved_at: None,
        closed_at: None,
        withdrawn_at: None,
        resolution: None,
        planned_implementation_date: None,
        created_at: at(received),
        updated_at: at(received),
        version: 1,
        is_open: true,
        next_notice_at: None,
        attributes: None,
        media_url: None,
    };
    let mut survey = None;
    let mut follow_up = None;
    if let Some(t) = withdrawn_at {
        row.status = "withdrawn".into();
        row.withdrawn_at = Some(at(t));
        row.is_open = false;
        row.updated_at = at(t);
        event(t, "citizen", "withdrawn", true, json!({}));
    } else if resolved > w.now || stuck {
        // Still open: the status follows how far the work got; the next
        // progress notice is the next 30-day mark (earlier ones were sent).
        let hours_in = cal.working_seconds_between(start, w.now) / 3600;
        row.status = match hours_in {
            0..=1 => "received",
            2..=8 => "assigned",
            _ => "in_progress",
        }
        .into();
        let mut notice = received + Duration::days(30);
        while notice <= w.now {
            notice += Duration::days(30);
        }
        row.next_notice_at = Some(at(notice));
    } else {
        let outcome = (cat.kind == "proposal").then(|| {
            *pick(
                rng,
                &[("adopted", 15.0), ("partially_adopted", 20.0), ("rejected", 65.0)],
            )
        });
        row.outcome = outcome.map(String::from);
        if outcome == Some("adopted") {
            row.planned_implementation_date = Some(cal.local_date(resolved) + Duration::days(rng.gen_range(30..180)));
        }
        row.resolution = Some(text::resolution(rng));
        row.resolved_at = Some(at(resolved));
        row.status = "resolved".into();
        row.is_open = false;
        row.updated_at = at(resolved);
        event(
            resolved,
            "operator",
            "resolved",
            true,
            json!({"resolution": row.resolution, "outcome": row.outcome, "planned_implementation_date": row.planned_implementation_date}),
        );
        let closed = resolved + Duration::days(15);
        if closed <= w.now {
            row.status = "closed".into();
            row.closed_at = Some(at(closed));
            row.updated_at = at(closed);
            event(closed, "system", "closed", true, json!({}));
        }
        if in_sample(id.as_str(), w.sample_rate) {
            let by_email = row.citizen_email.is_some();
            let mut s = Survey::pending(Id::at(resolved, &random), id.clone(), Some(team.clone()), at(resolved));
            if by_email {
                s.channel = "email".into();
                s.token_hash = Some(token_hash(&format!("demo-survey-{id}")));
                s.expires_at = Some(at(resolved + Duration::days(w.ttl_days as i64)));
            }
            let answers = rng.gen_bool(if by_email { 0.42 } else { 0.65 });
            let answered = resolved + Duration::minutes(rng.gen_range(60..60 * 24 * (w.ttl_days as i64).max(1)));
            if answers && answered <= w.now {
                let mut p = profile.quality - if late { 0.25 } else { 0.0 };
                let happy = rng.gen_bool((p + 0.05).clamp(0.03, 0.97));
                let process = score(rng, happy);
                if outcome == Some("rejected") {
                    p -= 0.2;
                }
                let happy = rng.gen_bool(p.clamp(0.03, 0.97));
                let result = score(rng, happy);
                s.answered_at = Some(at(answered));
                s.process_score = Some(process);
                s.result_score = Some(result);
                event(
                    answered,
                    "citizen",
                    "survey_answered",
                    false,
                    json!({"process_score": process, "result_score": result, "channel": s.channel}),
                );
                if dissatisfied(process, result) {
                    let done = answered + Duration::days(3);
                    let f = FollowUp {
                        id: Id::at(answered, &random),
                        survey_id: s.id.clone(),
                        case_id: id.clone(),
                        team_id: Some(team.clone()),
                        status: if done <= w.now { "done" } else { "open" }.into(),
                        created_at: at(answered),
                        done_at: (done <= w.now).then(|| at(done)),
                        done_by: None,
                        note: (done <= w.now).then(|| "전화로 사과드리고 재조치를 안내했습니다.".to_string()),
                    };
                    event(
                        answered,
                        "system",
                        "follow_up_opened",
                        false,
                        json!({"follow_up_id": f.id}),
                    );
                    follow_up = Some(f);
                }
            }
            survey = Some(s);
        }
    }
    events.sort_by_key(|e| e.at);
    Bundle {
        case: row,
        events,
        holds,
        survey,
        follow_up,
    }
}
