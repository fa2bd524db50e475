//! The first start on an empty database: a realistic catalog for a Korean
//! city, the public holidays, and one admin whose credentials are shown once.

use secrecy::ExposeSecret;

use crate::config::Settings;
use crate::credentials::{hash_password, new_password, new_token, token_hash};
use crate::db::types::{now, Id};
use crate::db::{Conn, Db};
use crate::service;
use crate::service::settings::tokens::TOKEN_PREFIX;
use crate::store::{
    self, categories::Category, operators::Operator, rules::RoutingRule, teams::Team, tokens::ApiToken,
};

/// The bootstrap admin's credentials, to print once.
#[derive(Debug)]
pub struct FirstStart {
    /// Login.
    pub email: String,
    /// Generated password.
    pub password: String,
    /// API token as shown: the generated one, or a pointer to `CIVICDESK_ADMIN_TOKEN`.
    pub token: String,
}

impl FirstStart {
    /// Prints the credentials, the one time they are shown.
    pub fn print(&self) {
        println!("civicdesk: first start: created the admin operator. These credentials are shown only once:");
        println!("  email:    {}", self.email);
        println!("  password: {}", self.password);
        println!("  token:    {}", self.token);
    }
}

/// Email of the bootstrap admin.
pub const ADMIN_EMAIL: &str = "admin@civicdesk.local";

/// Seeds an empty database in one transaction; `None` when it was not empty.
pub fn first_start(db: &Db, settings: &Settings) -> anyhow::Result<Option<FirstStart>> {
    let result = db.write_blocking(|c| {
        if store::operators::count(c)? > 0 {
            return Ok(None);
        }
        if store::teams::list(c)?.is_empty() {
            seed_catalog(c)?;
        }
        let password = new_password();
        let (token, shown) = match &settings.admin_token {
            // Chosen by whoever deployed it: no need to print it back.
            Some(t) => (
                t.expose_secret().to_string(),
                "(the one in CIVICDESK_ADMIN_TOKEN)".to_string(),
            ),
            None => {
                let t = new_token(TOKEN_PREFIX);
                (t.clone(), t)
            }
        };
        let at = now().naive_utc();
        let admin = Operator {
            id: Id::new(),
            email: ADMIN_EMAIL.into(),
            name: "Administrator".into(),
            role: "admin".into(),
            password_hash: hash_password(&password).map_err(anyhow::Error::msg)?,
            active: true,
            created_at: at,
            updated_at: at,
            locale: "ko".into(),
        };
        store::operators::insert(c, &admin)?;
        store::tokens::insert(
            c,
            &ApiToken {
                id: Id::new(),
                operator_id: admin.id.clone(),
                name: "bootstrap".into(),
                token_hash: token_hash(&token),
                active: true,
                created_at: at,
                last_used_at: None,
            },
        )?;
        Ok::<_, anyhow::Error>(Some(FirstStart {
            email: ADMIN_EMAIL.into(),
            password,
            token: shown,
        }))
    });
    match result {
        // Another instance seeded the same database at the same moment.
        Err(e)
            if e.downcast_ref::<diesel::result::Error>()
                .is_some_and(crate::db::is_unique_violation) =>
        {
            Ok(None)
        }
        other => other,
    }
}

/// How long an `Idempotency-Key` is remembered: a client retrying later than
/// this is not retrying any more.
pub const IDEMPOTENCY_DAYS: i64 = 7;

/// Forgets idempotency keys older than [`IDEMPOTENCY_DAYS`]; run at start.
pub fn forget_old_idempotency_keys(db: &Db) -> anyhow::Result<usize> {
    let cutoff = (now() - chrono::Duration::days(IDEMPOTENCY_DAYS)).naive_utc();
    db.write_blocking(|c| Ok::<_, anyhow::Error>(store::idempotency::purge(c, cutoff)?))
}

/// Brings the holiday table to the law as the rules in this release state it
/// (the first start, an upgrade, a new year): every kept year the rules have
/// not yet been applied to, admins' own changes kept, due dates moved.
/// Returns how many holidays changed.
pub fn holidays_to_law(db: &Db, settings: &Settings) -> anyhow::Result<usize> {
    let years = service::holidays::kept_years(now().with_timezone(&settings.timezone).date_naive());
    let apply = || {
        db.write_blocking(|c| {
            service::holidays::apply_rules(c, settings, years.clone(), now()).map_err(crate::db::DbError::Query)
        })
    };
    let changes = match apply() {
        // Another instance applied the same rules at the same moment: its rows are ours.
        Err(crate::db::DbError::Query(e)) if crate::db::is_unique_violation(&e) => apply(),
        other => other,
    }
    .map_err(|e| anyhow::anyhow!("applying the holiday rules: {e}"))?;
    for change in &changes {
        let what = if change.added { "added" } else { "removed" };
        tracing::debug!(date = %change.date, name = %change.name, "holiday {what} by the rules");
    }
    if !changes.is_empty() {
        let added = changes.iter().filter(|c| c.added).count();
        tracing::info!(
            added,
            removed = changes.len() - added,
            "holidays brought to the rules of this release"
        );
    }
    Ok(changes.len())
}

/// Counts the scorecard figures of resolved cases that have none (an
/// upgrade, a demo history) or were counted on another calendar basis, and
/// dates those counted before months were kept, a batch per transaction so
/// that other work goes on meanwhile; then folds the month tallies.
pub fn scorecard_figures(db: &Db, settings: &Settings) -> anyhow::Result<usize> {
    let failed = |e: crate::db::DbError| anyhow::anyhow!("counting scorecard figures: {e}");
    let mut dated = 0;
    loop {
        let done = db
            .write_blocking(|c| service::figures::date_undated(c, settings).map_err(crate::db::DbError::Query))
            .map_err(failed)?;
        if done == 0 {
            break;
        }
        dated += done;
    }
    let look_for_missing = service::figures::any_missing(&mut *db.get().map_err(failed)?)
        .map_err(|e| failed(crate::db::DbError::Query(e)))?;
    let mut total = 0;
    loop {
        let batch = || {
            db.write_blocking(|c| {
                service::figures::catch_up(c, settings, 5_000, look_for_missing).map_err(crate::db::DbError::Query)
            })
        };
        let done = match batch() {
            // Another instance counted the same cases at the same moment: count again.
            Err(crate::db::DbError::Query(e)) if crate::db::is_unique_violation(&e) => batch(),
            other => other,
        }
        .map_err(failed)?;
        if done == 0 {
            break;
        }
        total += done;
    }
    let folded = db
        .write_blocking(|c| store::tallies::fold(c).map_err(crate::db::DbError::Query))
        .map_err(failed)?;
    if total > 0 || dated > 0 {
        tracing::info!(cases = total, dated, folded, "scorecard figures counted");
    }
    Ok(total)
}

/// Six teams, twelve categories with the deadlines of RULES.md, two rules.
fn seed_catalog(c: &mut Conn) -> diesel::QueryResult<()> {
    let at = now().naive_utc();
    let teams = [
        (
            "민원봉사과 (Civil Service & Triage)",
            "civil-service@city.example",
            true,
        ),
        ("도로관리과 (Roads)", "roads@city.example", false),
        ("환경위생과 (Environment)", "environment@city.example", false),
        ("복지정책과 (Welfare)", "welfare@city.example", false),
        ("교통행정과 (Transport)", "transport@city.example", false),
        ("기획예산과 (Planning & Proposals)", "planning@city.example", false),
    ];
    let mut ids = Vec::new();
    for (name, email, triage) in teams {
        let team = Team {
            id: Id::new(),
            name: name.into(),
            email: Some(email.into()),
            triage,
            active: true,
            created_at: at,
            updated_at: at,
        };
        store::teams::insert(c, &team)?;
        ids.push(team.id);
    }
    let [civil, roads, env, welfare, transport, planning] = [0, 1, 2, 3, 4, 5].map(|i| ids[i].clone());
    type Seed<'a> = (&'a str, &'a str, &'a str, &'a str, &'a Id, i32, &'a str, &'a [&'a str]);
    let categories: [Seed; 12] = [
        (
            "road-damage",
            "도로 파손",
            "Road damage",
            "grievance",
            &roads,
            7,
            "days",
            &["포트홀", "도로 파손", "pothole", "road damage"],
        ),
        (
            "streetlight",
            "가로등·신호등 고장",
            "Broken streetlight or signal",
            "grievance",
            &roads,
            3,
            "days",
            &["가로등", "신호등", "streetlight", "traffic light"],
        ),
        (
            "safety-hazard",
            "안전 위험 신고",
            "Safety hazard",
            "grievance",
            &roads,
            8,
            "hours",
            &["싱크홀", "붕괴", "낙하", "sinkhole", "collapse", "hazard"],
        ),
        (
            "illegal-parking",
            "불법 주정차",
            "Illegal parking",
            "grievance",
            &transport,
            7,
            "days",
            &["불법주차", "불법 주정차", "주정차", "illegal parking"],
        ),
        (
            "public-transport",
            "대중교통 불편",
            "Public transport",
            "grievance",
            &transport,
            7,
            "days",
            &["버스", "지하철", "정류장", "bus", "subway"],
        ),
        (
            "noise",
            "소음·진동",
            "Noise and vibration",
            "grievance",
            &env,
            7,
            "days",
            &["소음", "진동", "noise", "vibration"],
        ),
        (
            "waste",
            "쓰레기·무단투기",
            "Waste and illegal dumping",
            "grievance",
            &env,
            7,
            "days",
            &["쓰레기", "무단투기", "분리수거", "garbage", "trash", "dumping"],
        ),
        (
            "welfare-benefit",
            "복지 급여·서비스",
            "Welfare benefits and services",
            "grievance",
            &welfare,
            7,
            "days",
            &["기초생활", "수급", "돌봄", "welfare", "benefit"],
        ),
        (
            "procedure-question",
            "절차 문의",
            "Question about a procedure",
            "grievance",
            &civil,
            7,
            "days",
            &["절차", "서류", "발급", "procedure", "certificate"],
        ),
        (
            "law-question",
            "법령 질의",
            "Question about a law",
            "grievance",
            &civil,
            14,
            "days",
            &["법령", "조례", "법률", "law", "ordinance"],
        ),
        (
            "service-suggestion",
            "건의",
            "Suggestion about a service",
            "proposal",
            &civil,
            14,
            "days",
            &["건의", "개선", "suggestion", "improve"],
        ),
        (
            "citizen-proposal",
            "국민제안",
            "Citizen proposal",
            "proposal",
            &planning,
            1,
            "months",
            &["제안", "정책", "proposal", "policy"],
        ),
    ];
    for (i, (code, name, name_en, kind, team, amount, unit, words)) in categories.into_iter().enumerate() {
        // Distinct creation times keep the catalog order (classification ties) stable.
        let created = at + chrono::Duration::microseconds(i as i64);
        let words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        store::categories::insert(
            c,
            &Category {
                id: Id::new(),
                code: code.into(),
                name: name.into(),
                name_en: Some(name_en.into()),
                kind: kind.into(),
                default_team_id: Some(team.clone()),
                deadline_amount: amount,
                deadline_unit: unit.into(),
                keywords: store::keywords_to_text(&words),
                description: None,
                active: true,
                created_at: created,
                updated_at: created,
                attributes: first_questions(code),
            },
        )?;
    }
    let rules: [(i32, Option<&str>, &[&str], &Id); 2] = [
        (10, None, &["싱크홀", "sinkhole", "붕괴", "collapse"], &roads),
        (20, Some("proposal"), &["예산", "budget"], &planning),
    ];
    for (position, kind, words, team) in rules {
        let words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        store::rules::insert(
            c,
            &RoutingRule {
                id: Id::new(),
                position,
                kind: kind.map(String::from),
                category_code: None,
                keywords: store::keywords_to_text(&words),
                team_id: team.clone(),
                active: true,
                created_at: at,
                updated_at: at,
            },
        )?;
    }
    Ok(())
}

/// The extra questions of the first catalog: road damage asks how large it is
/// and where exactly (Open311 clients show them as a form).
fn first_questions(code: &str) -> String {
    use crate::domain::attributes::{Attribute, Choice};
    if code != "road-damage" {
        return "[]".into();
    }
    let choice = |key: &str, name: &str| Choice {
        key: key.into(),
        name: name.into(),
    };
    let questions = vec![
        Attribute {
            code: "size".into(),
            datatype: "singlevaluelist".into(),
            required: false,
            variable: true,
            description: "파손 크기 / How large is the damage?".into(),
            order: 1,
            values: vec![
                choice("small", "주먹보다 작음 / smaller than a fist"),
                choice("medium", "주먹에서 바퀴 크기 / fist to wheel size"),
                choice("large", "바퀴보다 큼 / larger than a wheel"),
            ],
        },
        Attribute {
            code: "lane".into(),
            datatype: "string".into(),
            required: false,
            variable: true,
            description: "어느 차로입니까? / Which lane?".into(),
            order: 2,
            values: Vec::new(),
        },
    ];
    serde_json::to_string(&questions).unwrap_or_else(|_| "[]".into())
}
