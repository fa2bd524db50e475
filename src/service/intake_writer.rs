//! Group commit for intakes. Requests hand their checked intake to one writer
//! thread, which takes every intake waiting at that moment into one
//! transaction — a handful of statements and one durable commit for all of
//! them — and answers each request only after that commit. Under load the
//! intakes that arrive while one batch commits make the next batch, so the
//! cost of a commit (a sync to disk) is shared instead of paid per case.

use std::sync::mpsc;
use std::sync::Arc;

use tokio::sync::oneshot;

use super::intake::{self, Checked, Receipt};
use super::ServiceError;
use crate::config::Settings;
use crate::db::Db;

/// Intakes taken into one transaction at most: enough to share a commit among
/// every connection a busy instance serves, small enough for one statement per table.
const MAX_BATCH: usize = 128;

/// Where intakes wait for the writer.
#[derive(Clone)]
pub struct IntakeWriter {
    queue: mpsc::Sender<Job>,
}

struct Job {
    checked: Checked,
    answer: oneshot::Sender<Result<Receipt, ServiceError>>,
}

impl IntakeWriter {
    /// Starts the writer thread; it stops when the last `IntakeWriter` is dropped.
    pub fn start(db: Db, settings: Arc<Settings>) -> std::io::Result<IntakeWriter> {
        let (queue, waiting) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("intake-writer".into())
            .spawn(move || {
                while let Ok(first) = waiting.recv() {
                    let mut jobs = vec![first];
                    while jobs.len() < MAX_BATCH {
                        match waiting.try_recv() {
                            Ok(job) => jobs.push(job),
                            Err(_) => break,
                        }
                    }
                    // A bug that panics fails this batch's requests (their
                    // answers are dropped: 503, retry), not every later intake.
                    let written =
                        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| write(&db, &settings, jobs)));
                    if written.is_err() {
                        tracing::error!("the intake writer failed a batch");
                    }
                }
            })?;
        Ok(IntakeWriter { queue })
    }

    /// Receives one intake with whichever others are waiting; answers once it is committed.
    pub async fn receive(&self, checked: Checked) -> Result<Receipt, ServiceError> {
        let (answer, answered) = oneshot::channel();
        self.queue
            .send(Job { checked, answer })
            .map_err(|_| ServiceError::Unavailable("the service is stopping; retry".into()))?;
        answered
            .await
            .map_err(|_| ServiceError::Unavailable("the intake was not received; retry".into()))?
    }
}

/// Writes a batch in one transaction. When the batch as a whole fails (a
/// database error, a concurrent twin of an idempotency key), nothing of it
/// was committed and each intake is tried again in a transaction of its own,
/// so that one intake's failure is never another's.
fn write(db: &Db, settings: &Settings, jobs: Vec<Job>) {
    let (checked, answers): (Vec<Checked>, Vec<_>) = jobs.into_iter().map(|j| (j.checked, j.answer)).unzip();
    let together = db.write_blocking(|c| intake::receive_many(c, settings, &checked));
    match together {
        Ok(results) => {
            crate::metrics::METRICS.intake_batch.observe(checked.len() as f64);
            for (answer, result) in answers.into_iter().zip(results) {
                // A request that gave up (client gone) simply misses its answer; the case stands.
                let _ = answer.send(result);
            }
        }
        Err(e) if checked.len() == 1 => {
            if let Some(answer) = answers.into_iter().next() {
                let _ = answer.send(Err(e));
            }
        }
        Err(_) => {
            for (one, answer) in checked.iter().zip(answers) {
                let result = db
                    .write_blocking(|c| intake::receive_many(c, settings, std::slice::from_ref(one)))
                    .and_then(|mut r| {
                        r.pop()
                            .unwrap_or_else(|| Err(ServiceError::Conflict("the intake was not received; retry".into())))
                    });
                let _ = answer.send(result);
            }
        }
    }
}
