//! The outbox worker: a thread of the server that sends pending emails, retries
//! failures with exponential backoff, and queues the 30-day progress notices.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use chrono::Utc;

use super::notices::{to_citizen, Notice};
use super::Mailer;
use crate::config::Settings;
use crate::db::types::{now, utc, Id};
use crate::db::{Db, DbError};
use crate::domain::deadline::PROGRESS_NOTICE_DAYS;
use crate::domain::privacy::mask_emails;
use crate::store::{self, events::Event};

/// How long a worker holds an email it is sending before another may take it.
const LEASE: chrono::Duration = chrono::Duration::seconds(120);
/// How often open cases are checked for a due progress notice.
const PROGRESS_EVERY: Duration = Duration::from_secs(2);
/// How often the kept years of holidays are checked, so that a server running
/// into a new year gets that year's holidays without a restart.
const HOLIDAYS_EVERY: Duration = Duration::from_secs(6 * 3600);
/// How often the scorecards' month tallies are folded (store::tallies::fold):
/// until then a month reads a few more rows, never other numbers.
const FOLD_EVERY: Duration = Duration::from_secs(60);

/// Starts the worker; it stops when `stop` is set.
pub fn spawn(
    db: Db,
    settings: Arc<Settings>,
    mailer: Mailer,
    stop: Arc<AtomicBool>,
) -> std::io::Result<JoinHandle<()>> {
    std::thread::Builder::new().name("outbox".into()).spawn(move || {
        let mut last_progress = Instant::now() - PROGRESS_EVERY;
        // The start has just applied them.
        let mut last_holidays = Instant::now();
        let mut last_fold = Instant::now();
        while !stop.load(Ordering::Relaxed) {
            if last_fold.elapsed() >= FOLD_EVERY {
                if let Err(e) = db.write_blocking(|c| store::tallies::fold(c).map_err(DbError::Query)) {
                    tracing::warn!(error = %e, "scorecard tallies");
                }
                last_fold = Instant::now();
            }
            if last_holidays.elapsed() >= HOLIDAYS_EVERY {
                if let Err(e) = crate::bootstrap::holidays_to_law(&db, &settings) {
                    tracing::warn!(error = %e, "holiday rules");
                }
                last_holidays = Instant::now();
            }
            if last_progress.elapsed() >= PROGRESS_EVERY {
                // Sessions that ran out are refused already; this only keeps the table small.
                if let Err(e) = db.write_blocking(crate::service::sessions::sweep) {
                    tracing::warn!(error = %e, "back-office sessions");
                }
                if let Err(e) = queue_progress_notices(&db, &settings) {
                    tracing::warn!(error = %mask_emails(&e.to_string()), "progress notices");
                }
                last_progress = Instant::now();
            }
            let sent = match send_due(&db, &settings, &mailer) {
                Ok(n) => n,
                Err(e) => {
                    tracing::warn!(error = %mask_emails(&e.to_string()), "outbox");
                    0
                }
            };
            std::thread::sleep(Duration::from_millis(if sent > 0 { 20 } else { 200 }));
        }
    })
}

/// The delay before try number `attempts + 1`: the base doubled per failure, at most an hour.
pub fn backoff(base_ms: u64, attempts: u32) -> Duration {
    let ms = base_ms.saturating_mul(1u64 << attempts.min(20)).min(3_600_000);
    Duration::from_millis(ms)
}

/// Emails sent at once: each SMTP exchange waits on round trips (and on the
/// peer's delayed ACK), so a batch goes out over several pooled connections.
const PARALLEL_SENDS: usize = 8;
/// Emails taken per pass.
const BATCH: i64 = 64;

/// Sends the emails that are due; returns how many were tried.
fn send_due(db: &Db, settings: &Settings, mailer: &Mailer) -> Result<usize, DbError> {
    let at = now().naive_utc();
    let due = {
        let mut c = db.get()?;
        store::outbox::due(&mut c, at, BATCH)?
    };
    // Writes take SQLite's writer turn like every request does; emails are
    // sent outside any transaction. A crash between sending and marking may
    // resend one once; none is ever lost.
    let mut leased = Vec::new();
    for mail in due {
        if db.write_blocking(|c| store::outbox::lease(c, &mail.id, at, at + LEASE).map_err(DbError::from))? {
            leased.push(mail);
        }
    }
    let per_thread = leased.len().div_ceil(PARALLEL_SENDS).max(1);
    let results: Vec<(Id, i32, Result<(), String>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = leased
            .chunks(per_thread)
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|m| (m.id.clone(), m.attempts, mailer.send(&settings.mail_from, m)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_default()).collect()
    });
    for (id, attempts, result) in &results {
        match result {
            Ok(()) => {
                db.write_blocking(|c| store::outbox::mark_sent(c, id, now().naive_utc()).map_err(DbError::from))?
            }
            Err(e) => {
                let attempts = *attempts as u32 + 1;
                let retry = (attempts < settings.mail_max_attempts).then(|| {
                    let delay = backoff(settings.mail_retry_base_ms, attempts - 1);
                    (Utc::now() + chrono::Duration::from_std(delay).unwrap_or(LEASE)).naive_utc()
                });
                // The server's answer may quote the recipient: never into the log.
                let said = mask_emails(e);
                if retry.is_none() {
                    tracing::error!(mail = %id, error = %said, "email failed for good");
                } else {
                    tracing::warn!(mail = %id, attempts, error = %said, "email failed; will retry");
                }
                db.write_blocking(|c| store::outbox::mark_failed(c, id, e, retry).map_err(DbError::from))?;
            }
        }
    }
    Ok(results.len())
}

/// Queues a progress notice for each open case whose next one is due.
fn queue_progress_notices(db: &Db, settings: &Settings) -> Result<(), DbError> {
    let at = now();
    let due: Vec<Id> = {
        let mut c = db.get()?;
        store::cases::due_for_progress_notice(&mut c, at.naive_utc(), 100)?
    };
    for id in due {
        db.write_blocking(|c| {
            let Some(row) = store::cases::find(c, &id)? else {
                return Ok::<_, DbError>(());
            };
            let Some(next) = row.next_notice_at else { return Ok(()) };
            // Counted from this notice, not from the one missed: a case recorded
            // long after it arrived gets one catch-up notice, not one per month.
            let following = at.naive_utc() + chrono::Duration::days(PROGRESS_NOTICE_DAYS);
            // Only the instance that moves the date on sends the notice.
            if !store::cases::advance_notice(c, &id, next, following)? {
                return Ok(());
            }
            let days = (at - utc(row.received_at)).num_days();
            to_citizen(c, settings, &row, Notice::Progress { days }, at)?;
            store::events::append(
                c,
                &Event::by_system(
                    &id,
                    at.naive_utc(),
                    "progress_notice",
                    true,
                    serde_json::json!({ "days": days }),
                ),
            )?;
            Ok(())
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(1000, 0), Duration::from_secs(1));
        assert_eq!(backoff(1000, 3), Duration::from_secs(8));
        assert_eq!(backoff(30_000, 30), Duration::from_secs(3600));
    }
}
