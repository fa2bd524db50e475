//! The `outbox` table: emails waiting, sent, failed or cancelled.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::prepared;
use crate::db::schema::outbox;
use crate::db::types::Id;
use crate::db::Conn;
use crate::store::lower;

/// One email.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = outbox)]
pub struct Mail {
    /// Id.
    pub id: Id,
    /// Which notice (`receipt`, `reply`, `survey`, …).
    pub kind: String,
    /// The case it is about.
    pub case_id: Option<Id>,
    /// Recipient.
    pub to_addr: String,
    /// Subject.
    pub subject: String,
    /// Plain-text body.
    pub text_body: String,
    /// HTML body.
    pub html_body: String,
    /// `pending`, `sent`, `failed` or `cancelled`.
    pub status: String,
    /// Tries so far.
    pub attempts: i32,
    /// Not to be sent before this instant (retries, scheduled reminders).
    pub not_before: NaiveDateTime,
    /// A worker holds it until then.
    pub lease_until: Option<NaiveDateTime>,
    /// The last failure.
    pub last_error: Option<String>,
    /// Written.
    pub created_at: NaiveDateTime,
    /// Delivered.
    pub sent_at: Option<NaiveDateTime>,
}

/// How many emails of a kind each of these addresses (lower-cased) got since
/// `since`; addresses with none are left out. One row per email is read:
/// the flood limit keeps that small.
pub fn count_to_many(
    conn: &mut Conn,
    addrs: &[String],
    kind: &str,
    since: NaiveDateTime,
) -> QueryResult<std::collections::HashMap<String, i64>> {
    let mut counts = std::collections::HashMap::new();
    if addrs.is_empty() {
        return Ok(counts);
    }
    let query = outbox::table
        .filter(lower(outbox::to_addr).eq_any(addrs))
        .filter(outbox::created_at.ge(since))
        .filter(outbox::kind.eq(kind))
        .select(lower(outbox::to_addr));
    let found: Vec<String> = match conn {
        // PostgreSQL plans this afresh on every call (its generic plan looks
        // dearer than a custom one) and planning took ~2 ms, ten times the
        // run itself: the generic plan, an index scan of
        // outbox_recipient_created, is used instead. SET LOCAL ends with the
        // transaction; the mode is set back at once.
        Conn::Pg(pg) => {
            use diesel::connection::SimpleConnection;
            pg.batch_execute("SET LOCAL plan_cache_mode = force_generic_plan")?;
            let found = query.load(pg);
            pg.batch_execute("SET LOCAL plan_cache_mode = auto")?;
            found?
        }
        Conn::Sqlite(_) => query.load(conn)?,
    };
    for addr in found {
        *counts.entry(addr).or_insert(0) += 1;
    }
    Ok(counts)
}

/// Emails waiting to be sent, emails failed for good, and when the oldest waiting one was written.
pub fn backlog(conn: &mut Conn) -> QueryResult<(i64, i64, Option<NaiveDateTime>)> {
    let pending: i64 = outbox::table
        .filter(outbox::status.eq("pending"))
        .count()
        .get_result(conn)?;
    let failed: i64 = outbox::table
        .filter(outbox::status.eq("failed"))
        .count()
        .get_result(conn)?;
    let oldest: Option<NaiveDateTime> = outbox::table
        .filter(outbox::status.eq("pending"))
        .select(diesel::dsl::min(outbox::created_at))
        .first(conn)?;
    Ok((pending, failed, oldest))
}

/// Adds an email.
pub fn insert(conn: &mut Conn, m: &Mail) -> QueryResult<()> {
    diesel::insert_into(outbox::table).values(m).execute(conn).map(drop)
}

/// Adds many emails in as few statements as each backend's parameter limit allows.
pub fn insert_many(conn: &mut Conn, mails: &[Mail]) -> QueryResult<()> {
    for chunk in mails.chunks(500) {
        crate::on_backend!(conn, c => diesel::insert_into(outbox::table).values(chunk).execute(c))?;
    }
    Ok(())
}

/// Pending emails due at `now` and not leased by another worker, oldest first.
pub fn due(conn: &mut Conn, now: NaiveDateTime, limit: i64) -> QueryResult<Vec<Mail>> {
    outbox::table
        .filter(outbox::status.eq("pending"))
        .filter(outbox::not_before.le(now))
        .filter(outbox::lease_until.is_null().or(outbox::lease_until.lt(now)))
        .order((outbox::not_before, outbox::id))
        .limit(limit)
        .select(Mail::as_select())
        .load(conn)
}

/// Not sent, and not held by a worker at `now`.
#[diesel::dsl::auto_type]
fn leasable(now: NaiveDateTime) -> _ {
    let pending: &'static str = "pending";
    outbox::status
        .eq(pending)
        .and(outbox::lease_until.is_null().or(outbox::lease_until.lt(now)))
}

/// Takes an email for sending until `until`; false when another worker has it.
pub fn lease(conn: &mut Conn, id: &Id, now: NaiveDateTime, until: NaiveDateTime) -> QueryResult<bool> {
    let n = prepared::update(
        outbox::table,
        outbox::id.eq(id).and(leasable(now)),
        outbox::lease_until.eq(Some(until)),
    )
    .execute(conn)?;
    Ok(n == 1)
}

/// Marks an email delivered.
pub fn mark_sent(conn: &mut Conn, id: &Id, at: NaiveDateTime) -> QueryResult<()> {
    prepared::update(
        outbox::table,
        outbox::id.eq(id),
        (
            outbox::status.eq("sent"),
            outbox::sent_at.eq(Some(at)),
            outbox::lease_until.eq(None::<NaiveDateTime>),
            outbox::attempts.eq(outbox::attempts + 1),
        ),
    )
    .execute(conn)
    .map(drop)
}

/// Marks email `sent` delivered at `at` and takes email `next` until
/// `until` in one statement, as [`mark_sent`] and [`lease`] would; false
/// when another worker has `next`. Outbox rows are never deleted, so the
/// delivered one is always among the rows changed.
pub fn sent_and_lease(
    conn: &mut Conn,
    sent: &Id,
    at: NaiveDateTime,
    next: &Id,
    until: NaiveDateTime,
) -> QueryResult<bool> {
    use diesel::dsl::case_when;
    use diesel::sql_types::{Integer, Nullable, Text, Timestamp};
    let is_sent = || outbox::id.eq(sent);
    let n = prepared::update(
        outbox::table,
        is_sent().or(outbox::id.eq(next).and(leasable(at))),
        (
            outbox::status.eq(case_when::<_, _, Text>(is_sent(), "sent").otherwise(outbox::status)),
            outbox::sent_at.eq(case_when::<_, _, Nullable<Timestamp>>(is_sent(), Some(at)).otherwise(outbox::sent_at)),
            // No ELSE: NULL for the delivered one.
            outbox::lease_until.eq(case_when::<_, _, Timestamp>(outbox::id.eq(next), until)),
            outbox::attempts
                .eq(case_when::<_, _, Integer>(is_sent(), outbox::attempts + 1).otherwise(outbox::attempts)),
        ),
    )
    .execute(conn)?;
    Ok(n == 2)
}

/// Records a failed try: pending again from `retry_at`, or `failed` for good.
pub fn mark_failed(conn: &mut Conn, id: &Id, error: &str, retry_at: Option<NaiveDateTime>) -> QueryResult<()> {
    let status = if retry_at.is_some() { "pending" } else { "failed" };
    prepared::update(
        outbox::table,
        outbox::id.eq(id),
        (
            outbox::status.eq(status),
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::last_error.eq(Some(error)),
            outbox::lease_until.eq(None::<NaiveDateTime>),
            outbox::not_before.eq(retry_at.unwrap_or_else(|| chrono::Utc::now().naive_utc())),
        ),
    )
    .execute(conn)
    .map(drop)
}

/// Cancels an email not yet sent (a reminder for a survey already answered).
pub fn cancel(conn: &mut Conn, id: &Id) -> QueryResult<()> {
    diesel::update(outbox::table.find(id).filter(outbox::status.eq("pending")))
        .set(outbox::status.eq("cancelled"))
        .execute(conn)
        .map(drop)
}

/// Puts a failed email back in line.
pub fn retry(conn: &mut Conn, id: &Id, now: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(outbox::table.find(id).filter(outbox::status.eq("failed")))
        .set((
            outbox::status.eq("pending"),
            outbox::attempts.eq(0),
            outbox::not_before.eq(now),
            outbox::lease_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// One email.
pub fn find(conn: &mut Conn, id: &Id) -> QueryResult<Option<Mail>> {
    outbox::table.find(id).select(Mail::as_select()).first(conn).optional()
}

/// Emails of a status, newest first.
pub fn list(conn: &mut Conn, status: Option<&str>, limit: i64) -> QueryResult<Vec<Mail>> {
    let mut q = outbox::table
        .select(Mail::as_select())
        .order(outbox::created_at.desc())
        .limit(limit)
        .into_boxed();
    if let Some(s) = status {
        q = q.filter(outbox::status.eq(s.to_string()));
    }
    q.load(conn)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{scratch, Db};

    fn mail(now: NaiveDateTime) -> Mail {
        Mail {
            id: Id::new(),
            kind: "receipt".into(),
            case_id: None,
            to_addr: "a@example.org".into(),
            subject: "s".into(),
            text_body: "t".into(),
            html_body: "h".into(),
            status: "pending".into(),
            attempts: 0,
            not_before: now,
            lease_until: None,
            last_error: None,
            created_at: now,
            sent_at: None,
        }
    }

    #[test]
    fn one_statement_marks_the_sent_email_and_takes_the_next_unless_another_worker_has_it() {
        let (url, file) = scratch::temp_sqlite();
        let db = Db::open(&url, 1, std::time::Duration::from_secs(5)).unwrap();
        let mut c = db.get().unwrap();
        let now = chrono::Utc::now().naive_utc();
        let until = now + chrono::Duration::seconds(120);
        let (a, b, d) = (mail(now), mail(now), mail(now));
        insert_many(&mut c, &[a.clone(), b.clone(), d.clone()]).unwrap();

        assert!(lease(&mut c, &a.id, now, until).unwrap());
        assert!(sent_and_lease(&mut c, &a.id, now, &b.id, until).unwrap());
        let (a2, b2) = (
            find(&mut c, &a.id).unwrap().unwrap(),
            find(&mut c, &b.id).unwrap().unwrap(),
        );
        assert_eq!(
            (a2.status.as_str(), a2.attempts, a2.sent_at, a2.lease_until),
            ("sent", 1, Some(now), None)
        );
        assert_eq!(
            (b2.status.as_str(), b2.attempts, b2.sent_at, b2.lease_until),
            ("pending", 0, None, Some(until))
        );

        // d is held by another worker: b is marked all the same, d is not taken.
        assert!(lease(&mut c, &d.id, now, until).unwrap());
        assert!(!sent_and_lease(&mut c, &b.id, now, &d.id, until + chrono::Duration::seconds(1)).unwrap());
        let (b3, d3) = (
            find(&mut c, &b.id).unwrap().unwrap(),
            find(&mut c, &d.id).unwrap().unwrap(),
        );
        assert_eq!((b3.status.as_str(), b3.attempts, b3.lease_until), ("sent", 1, None));
        assert_eq!((d3.status.as_str(), d3.lease_until), ("pending", Some(until)));
        drop(c);
        drop(db);
        scratch::remove(&file);
    }
}
