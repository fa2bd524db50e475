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
use crate::db::{Conn, Db, DbError};
use crate::domain::deadline::PROGRESS_NOTICE_DAYS;
use crate::domain::privacy::mask_emails;
use crate::store::{self, events::Event, outbox::Mail};

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
            // A full pass means more are waiting: go on at once.
            let pause = match sent {
                0 => 200,
                n if n as i64 >= BATCH => 0,
                _ => 20,
            };
            std::thread::sleep(Duration::from_millis(pause));
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
    let due = {
        let mut c = db.get()?;
        store::outbox::due(&mut c, now().naive_utc(), BATCH)?
    };
    let per_thread = due.len().div_ceil(PARALLEL_SENDS).max(1);
    let tried: Vec<Result<usize, DbError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = due
            .chunks(per_thread)
            .map(|chunk| {
                scope.spawn(move || {
                    let mut tried = 0;
                    // The outcome of the email sent last is written in the
                    // statement (after a failure, the transaction) that takes
                    // the next one: one commit an email.
                    let mut last: Option<(&Mail, Result<(), String>)> = None;
                    for mail in chunk {
                        let at = now().naive_utc();
                        let taken = match last.take() {
                            // The usual case in one statement without BEGIN
                            // and COMMIT: one round trip an email.
                            Some((sent, Ok(()))) => db.write_one_blocking(|c| {
                                store::outbox::sent_and_lease(c, &sent.id, at, &mail.id, at + LEASE)
                                    .map_err(DbError::from)
                            })?,
                            Some((failed, outcome)) => db.write_blocking(|c| {
                                record(c, settings, failed, outcome)?;
                                store::outbox::lease(c, &mail.id, at, at + LEASE).map_err(DbError::from)
                            })?,
                            None => db.write_one_blocking(|c| {
                                store::outbox::lease(c, &mail.id, at, at + LEASE).map_err(DbError::from)
                            })?,
                        };
                        if taken {
                            tried += 1;
                            last = Some((mail, mailer.send(&settings.mail_from, mail)));
                        }
                    }
                    if let Some((sent, outcome)) = last {
                        // mark_sent or mark_failed alone: no BEGIN/COMMIT needed.
                        db.write_one_blocking(|c| record(c, settings, sent, outcome))?;
                    }
                    Ok(tried)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(DbError::Unavailable("an outbox thread panicked".into())))
            })
            .collect()
    });
    tried.into_iter().sum()
}

/// Records how sending an email went. An email is taken just before it is
/// sent and its outcome written just after (with the taking of the next), so
/// a process that dies holds only the email each thread is sending at that
/// moment (the others are free for the next worker at once, not after the
/// lease), and another worker sends again only one that the SMTP server
/// accepted in the instant before the death, never a whole batch. Writes
/// take SQLite's writer turn like every request does; emails are sent
/// outside any transaction.
fn record(c: &mut Conn, settings: &Settings, mail: &Mail, outcome: Result<(), String>) -> Result<(), DbError> {
    match outcome {
        Ok(()) => store::outbox::mark_sent(c, &mail.id, now().naive_utc())?,
        Err(e) => {
            let attempts = mail.attempts as u32 + 1;
            let retry = (attempts < settings.mail_max_attempts).then(|| {
                let delay = backoff(settings.mail_retry_base_ms, attempts - 1);
                (Utc::now() + chrono::Duration::from_std(delay).unwrap_or(LEASE)).naive_utc()
            });
            // The server's answer may quote the recipient: never into the log.
            let said = mask_emails(&e);
            if retry.is_none() {
                tracing::error!(mail = %mail.id, error = %said, "email failed for good");
            } else {
                tracing::warn!(mail = %mail.id, attempts, error = %said, "email failed; will retry");
            }
            store::outbox::mark_failed(c, &mail.id, &e, retry)?;
        }
    }
    Ok(())
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
