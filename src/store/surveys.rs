//! The `surveys` and `follow_ups` tables.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{cases, follow_ups, surveys};
use crate::db::types::Id;
use crate::db::Conn;

/// A happy call: by email link or by phone.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = surveys, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct Survey {
    /// Id.
    pub id: Id,
    /// The case (one survey per case).
    pub case_id: Id,
    /// The team that resolved the case.
    pub team_id: Option<Id>,
    /// Hash of the link's token (email surveys).
    pub token_hash: Option<String>,
    /// `email` or `phone`: how it was asked, then how it was answered.
    pub channel: String,
    /// Created (the case's resolution).
    pub created_at: NaiveDateTime,
    /// The link's expiry (email surveys).
    pub expires_at: Option<NaiveDateTime>,
    /// The scheduled reminder email, cancelled on an answer.
    pub reminder_id: Option<Id>,
    /// When answered.
    pub answered_at: Option<NaiveDateTime>,
    /// The happy-call operator who took a phone answer.
    pub answered_by: Option<Id>,
    /// Satisfaction with the process, 1–5.
    pub process_score: Option<i32>,
    /// Satisfaction with the result, 1–5.
    pub result_score: Option<i32>,
    /// Free comment.
    pub comment: Option<String>,
}

impl Survey {
    /// A phone survey not yet taken (an emailed one adds its link's token and expiry).
    pub fn pending(id: Id, case_id: Id, team_id: Option<Id>, created_at: NaiveDateTime) -> Survey {
        Survey {
            id,
            case_id,
            team_id,
            token_hash: None,
            channel: "phone".into(),
            created_at,
            expires_at: None,
            reminder_id: None,
            answered_at: None,
            answered_by: None,
            process_score: None,
            result_score: None,
            comment: None,
        }
    }
}

/// Adds a survey.
pub fn insert(conn: &mut Conn, s: &Survey) -> QueryResult<()> {
    diesel::insert_into(surveys::table).values(s).execute(conn).map(drop)
}

/// Adds many surveys and follow-ups (demo history).
pub fn insert_many(conn: &mut Conn, surveys: &[Survey], follow_ups: &[FollowUp]) -> QueryResult<()> {
    for chunk in surveys.chunks(1000) {
        crate::on_backend!(conn, c => diesel::insert_into(surveys::table).values(chunk).execute(c))?;
    }
    for chunk in follow_ups.chunks(2000) {
        crate::on_backend!(conn, c => diesel::insert_into(follow_ups::table).values(chunk).execute(c))?;
    }
    Ok(())
}

/// Saves a survey.
pub fn update(conn: &mut Conn, s: &Survey) -> QueryResult<()> {
    diesel::update(surveys::table.find(&s.id))
        .set(s)
        .execute(conn)
        .map(drop)
}

/// The survey of a link token's hash.
pub fn by_token_hash(conn: &mut Conn, hash: &str) -> QueryResult<Option<Survey>> {
    surveys::table
        .filter(surveys::token_hash.eq(hash))
        .select(Survey::as_select())
        .first(conn)
        .optional()
}

/// The survey of a case.
pub fn for_case(conn: &mut Conn, case: &Id) -> QueryResult<Option<Survey>> {
    surveys::table
        .filter(surveys::case_id.eq(case))
        .select(Survey::as_select())
        .first(conn)
        .optional()
}

/// The surveys of many cases.
pub fn for_cases(conn: &mut Conn, cases: &[Id]) -> QueryResult<Vec<Survey>> {
    surveys::table
        .filter(surveys::case_id.eq_any(cases))
        .select(Survey::as_select())
        .load(conn)
}

/// Filters for listing answered surveys.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    /// Only these teams.
    pub within_teams: Option<Vec<Id>>,
    /// This team.
    pub team: Option<Id>,
    /// Answered at or after.
    pub from: Option<NaiveDateTime>,
    /// Answered before.
    pub before: Option<NaiveDateTime>,
    /// Either score at most this.
    pub max_score: Option<i32>,
}

/// Answered surveys, newest first.
pub fn answered(conn: &mut Conn, f: &Filter, limit: i64) -> QueryResult<Vec<Survey>> {
    let mut q = surveys::table
        .filter(surveys::answered_at.is_not_null())
        .order(surveys::answered_at.desc())
        .limit(limit)
        .select(Survey::as_select())
        .into_boxed();
    if let Some(t) = &f.within_teams {
        q = q.filter(surveys::team_id.eq_any(t.clone()));
    }
    if let Some(t) = &f.team {
        q = q.filter(surveys::team_id.eq(t.clone()));
    }
    if let Some(t) = f.from {
        q = q.filter(surveys::answered_at.ge(t));
    }
    if let Some(t) = f.before {
        q = q.filter(surveys::answered_at.lt(t));
    }
    if let Some(m) = f.max_score {
        q = q.filter(surveys::process_score.le(m).or(surveys::result_score.le(m)));
    }
    q.load(conn)
}

/// The case fields the happy-call worklist shows beside a survey: whom to
/// call and about what, without the rest of the case.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = cases)]
pub struct CallCase {
    /// Id.
    pub id: Id,
    /// Receipt number.
    pub receipt_no: String,
    /// Title.
    pub title: String,
    /// Citizen's name.
    pub citizen_name: String,
    /// Citizen's phone.
    pub citizen_phone: Option<String>,
    /// Citizen's email.
    pub citizen_email: Option<String>,
    /// When resolved.
    pub resolved_at: Option<NaiveDateTime>,
}

/// Unanswered surveys the happy-call staff should phone (no email, or the
/// link expired), with their cases, in one query: oldest first (creation,
/// then id), after the keyset position `after`, at most `limit`. A case
/// taken back to work (reopened, a proposal sent back for re-review) leaves
/// the list until it is answered again: the happy call asks about an answer.
pub fn to_call(
    conn: &mut Conn,
    now: NaiveDateTime,
    within_teams: Option<&[Id]>,
    after: Option<(NaiveDateTime, Id)>,
    limit: i64,
) -> QueryResult<Vec<(Survey, CallCase)>> {
    let mut q = surveys::table
        .inner_join(cases::table)
        .filter(surveys::answered_at.is_null())
        .filter(cases::resolved_at.is_not_null())
        .filter(surveys::channel.eq("phone").or(surveys::expires_at.lt(now)))
        .order((surveys::created_at.asc(), surveys::id.asc()))
        .limit(limit)
        .select((Survey::as_select(), CallCase::as_select()))
        .into_boxed();
    if let Some(t) = within_teams {
        q = q.filter(surveys::team_id.eq_any(t.to_vec()));
    }
    if let Some((t, id)) = after {
        q = q.filter(
            surveys::created_at
                .gt(t)
                .or(surveys::created_at.eq(t).and(surveys::id.gt(id))),
        );
    }
    q.load(conn)
}

/// How many surveys `to_call` would list without its limit.
pub fn count_to_call(conn: &mut Conn, now: NaiveDateTime, within_teams: Option<&[Id]>) -> QueryResult<i64> {
    let mut q = surveys::table
        .inner_join(cases::table)
        .filter(surveys::answered_at.is_null())
        .filter(cases::resolved_at.is_not_null())
        .filter(surveys::channel.eq("phone").or(surveys::expires_at.lt(now)))
        .count()
        .into_boxed();
    if let Some(t) = within_teams {
        q = q.filter(surveys::team_id.eq_any(t.to_vec()));
    }
    q.get_result(conn)
}

/// Whether a case waits on the happy-call worklist: answered, with an
/// unanswered survey by phone or whose link expired.
pub fn on_worklist(conn: &mut Conn, case: &Id, now: NaiveDateTime) -> QueryResult<bool> {
    let n: i64 = surveys::table
        .inner_join(cases::table)
        .filter(surveys::case_id.eq(case))
        .filter(surveys::answered_at.is_null())
        .filter(cases::resolved_at.is_not_null())
        .filter(surveys::channel.eq("phone").or(surveys::expires_at.lt(now)))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// A dissatisfied citizen's follow-up.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = follow_ups, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct FollowUp {
    /// Id.
    pub id: Id,
    /// The response that opened it.
    pub survey_id: Id,
    /// The case.
    pub case_id: Id,
    /// The team whose managers follow up.
    pub team_id: Option<Id>,
    /// `open` or `done`.
    pub status: String,
    /// Opened.
    pub created_at: NaiveDateTime,
    /// Done.
    pub done_at: Option<NaiveDateTime>,
    /// Who did it.
    pub done_by: Option<Id>,
    /// What they did.
    pub note: Option<String>,
}

/// Opens a follow-up.
pub fn insert_follow_up(conn: &mut Conn, f: &FollowUp) -> QueryResult<()> {
    diesel::insert_into(follow_ups::table).values(f).execute(conn).map(drop)
}

/// Saves a follow-up.
pub fn update_follow_up(conn: &mut Conn, f: &FollowUp) -> QueryResult<()> {
    diesel::update(follow_ups::table.find(&f.id))
        .set(f)
        .execute(conn)
        .map(drop)
}

/// One follow-up.
pub fn find_follow_up(conn: &mut Conn, id: &Id) -> QueryResult<Option<FollowUp>> {
    follow_ups::table
        .find(id)
        .select(FollowUp::as_select())
        .first(conn)
        .optional()
}

/// Follow-ups, oldest first, optionally of a status and within teams.
pub fn follow_ups(conn: &mut Conn, status: Option<&str>, within_teams: Option<&[Id]>) -> QueryResult<Vec<FollowUp>> {
    let mut q = follow_ups::table
        .order((follow_ups::created_at.asc(), follow_ups::id.asc()))
        .select(FollowUp::as_select())
        .into_boxed();
    if let Some(s) = status {
        q = q.filter(follow_ups::status.eq(s.to_string()));
    }
    if let Some(t) = within_teams {
        q = q.filter(follow_ups::team_id.eq_any(t.to_vec()));
    }
    q.load(conn)
}

/// Done follow-ups within teams, most recently done first (then by id,
/// descending), before the keyset position `before`, at most `limit`.
pub fn done_follow_ups(
    conn: &mut Conn,
    within_teams: Option<&[Id]>,
    before: Option<(NaiveDateTime, Id)>,
    limit: i64,
) -> QueryResult<Vec<FollowUp>> {
    let mut q = follow_ups::table
        .filter(follow_ups::status.eq("done"))
        .order((follow_ups::done_at.desc(), follow_ups::id.desc()))
        .limit(limit)
        .select(FollowUp::as_select())
        .into_boxed();
    if let Some(t) = within_teams {
        q = q.filter(follow_ups::team_id.eq_any(t.to_vec()));
    }
    if let Some((t, id)) = before {
        q = q.filter(
            follow_ups::done_at
                .lt(t)
                .or(follow_ups::done_at.eq(t).and(follow_ups::id.lt(id))),
        );
    }
    q.load(conn)
}

/// Receipt numbers of cases, for listing surveys and follow-ups.
pub fn receipt_numbers(conn: &mut Conn, ids: &[Id]) -> QueryResult<Vec<(Id, String)>> {
    cases::table
        .filter(cases::id.eq_any(ids))
        .select((cases::id, cases::receipt_no))
        .load(conn)
}
