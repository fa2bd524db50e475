//! The `case_events` table: every change to a case, appended, never edited.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::case_events;
use crate::db::types::Id;
use crate::db::Conn;

/// One event in a case's history.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = case_events, treat_none_as_default_value = false)]
pub struct Event {
    /// Id (time-ordered).
    pub id: Id,
    /// The case.
    pub case_id: Id,
    /// When.
    pub at: NaiveDateTime,
    /// `operator`, `citizen` or `system`.
    pub actor_kind: String,
    /// The operator, when one acted.
    pub actor_id: Option<Id>,
    /// What happened (`received`, `routed`, `withdrawn`, …).
    pub event_type: String,
    /// Whether the citizen sees it on tracking.
    pub public: bool,
    /// Details, a JSON object.
    pub data: String,
}

impl Event {
    /// A new event with a fresh time-ordered id; `data` is its JSON detail.
    pub fn new(
        case_id: &Id,
        at: NaiveDateTime,
        actor_kind: &str,
        actor_id: Option<Id>,
        event_type: &str,
        public: bool,
        data: serde_json::Value,
    ) -> Event {
        Event {
            id: Id::new(),
            case_id: case_id.clone(),
            at,
            actor_kind: actor_kind.into(),
            actor_id,
            event_type: event_type.into(),
            public,
            data: data.to_string(),
        }
    }
}

impl Event {
    /// An event of the system itself (no operator, no citizen acted).
    pub fn by_system(
        case_id: &Id,
        at: NaiveDateTime,
        event_type: &str,
        public: bool,
        data: serde_json::Value,
    ) -> Event {
        Event::new(case_id, at, "system", None, event_type, public, data)
    }
}

/// Appends an event.
pub fn append(conn: &mut Conn, e: &Event) -> QueryResult<()> {
    diesel::insert_into(case_events::table)
        .values(e)
        .execute(conn)
        .map(drop)
}

/// Appends many events (demo history).
pub fn append_many(conn: &mut Conn, events: &[Event]) -> QueryResult<()> {
    for chunk in events.chunks(2000) {
        crate::on_backend!(conn, c => diesel::insert_into(case_events::table).values(chunk).execute(c))?;
    }
    Ok(())
}

/// A case's history in order; only the public events when `public_only`.
pub fn for_case(conn: &mut Conn, case: &Id, public_only: bool) -> QueryResult<Vec<Event>> {
    let mut q = case_events::table
        .filter(case_events::case_id.eq(case))
        .order((case_events::at, case_events::id))
        .select(Event::as_select())
        .into_boxed();
    if public_only {
        q = q.filter(case_events::public.eq(true));
    }
    q.load(conn)
}

/// Business days a case's deadline was extended by, all extensions together.
pub fn extension_days(conn: &mut Conn, case: &Id) -> QueryResult<i64> {
    let data: Vec<String> = case_events::table
        .filter(case_events::case_id.eq(case))
        .filter(case_events::event_type.eq("extended"))
        .select(case_events::data)
        .load(conn)?;
    Ok(data
        .iter()
        .filter_map(|d| serde_json::from_str::<serde_json::Value>(d).ok())
        .filter_map(|v| v["business_days"].as_i64())
        .sum())
}

/// The events of one type of these cases, oldest first.
pub fn of_type(conn: &mut Conn, cases: &[Id], event_type: &str) -> QueryResult<Vec<Event>> {
    let mut out = Vec::new();
    for chunk in cases.chunks(500) {
        let mut part: Vec<Event> = case_events::table
            .filter(case_events::case_id.eq_any(chunk))
            .filter(case_events::event_type.eq(event_type))
            .order((case_events::at, case_events::id))
            .select(Event::as_select())
            .load(conn)?;
        out.append(&mut part);
    }
    Ok(out)
}
