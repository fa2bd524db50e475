//! What `/metrics` reports (Prometheus text): HTTP requests by route pattern
//! and status with their latency, the database pool, the outbox, surveys and
//! cases received. Counters live for the process (Prometheus sums instances);
//! the outbox is read from the database at each scrape.

use std::sync::LazyLock;

use prometheus::{Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGaugeVec, Opts, Registry};

/// The process's metrics.
pub struct Metrics {
    registry: Registry,
    /// Requests by route pattern, method and status.
    pub http_requests: IntCounterVec,
    /// Latency by route pattern and method.
    pub http_seconds: HistogramVec,
    /// Pool connections by state (`in_use`, `idle`), set at scrape.
    pub pool_connections: IntGaugeVec,
    /// Checkouts that had to wait for a connection.
    pub pool_waits: IntCounter,
    /// Outbox emails by state (`pending`, `failed`) and the age of the oldest pending, set at scrape.
    pub outbox: IntGaugeVec,
    /// Surveys sent, by channel (`email`, `phone`).
    pub surveys_sent: IntCounterVec,
    /// Surveys answered, by channel.
    pub surveys_answered: IntCounterVec,
    /// Cases received, by kind and channel.
    pub cases_received: IntCounterVec,
    /// Intakes committed together, per commit (group commit at work).
    pub intake_batch: prometheus::Histogram,
}

fn counter(r: &Registry, name: &str, help: &str, labels: &[&str]) -> IntCounterVec {
    let c = IntCounterVec::new(Opts::new(name, help), labels).expect("valid metric");
    r.register(Box::new(c.clone())).expect("registered once");
    c
}

/// The metrics of this process.
pub static METRICS: LazyLock<Metrics> = LazyLock::new(|| {
    let registry = Registry::new();
    let http_requests = counter(
        &registry,
        "civicdesk_http_requests_total",
        "HTTP requests by route pattern, method and status",
        &["route", "method", "status"],
    );
    let http_seconds = HistogramVec::new(
        HistogramOpts::new("civicdesk_http_request_duration_seconds", "HTTP request latency").buckets(vec![
            0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
        ]),
        &["route", "method"],
    )
    .expect("valid metric");
    registry
        .register(Box::new(http_seconds.clone()))
        .expect("registered once");
    let pool_connections = IntGaugeVec::new(
        Opts::new("civicdesk_db_pool_connections", "Database pool connections by state"),
        &["state"],
    )
    .expect("valid metric");
    registry
        .register(Box::new(pool_connections.clone()))
        .expect("registered once");
    let pool_waits = IntCounter::new(
        "civicdesk_db_pool_waits_total",
        "Checkouts from the database pool that waited for a connection",
    )
    .expect("valid metric");
    registry
        .register(Box::new(pool_waits.clone()))
        .expect("registered once");
    let outbox = IntGaugeVec::new(
        Opts::new(
            "civicdesk_outbox",
            "Outbox emails pending and failed, and the age in seconds of the oldest pending",
        ),
        &["state"],
    )
    .expect("valid metric");
    registry.register(Box::new(outbox.clone())).expect("registered once");
    let surveys_sent = counter(
        &registry,
        "civicdesk_surveys_sent_total",
        "Surveys sent, by channel",
        &["channel"],
    );
    let surveys_answered = counter(
        &registry,
        "civicdesk_surveys_answered_total",
        "Surveys answered, by channel",
        &["channel"],
    );
    let cases_received = counter(
        &registry,
        "civicdesk_cases_received_total",
        "Cases received, by kind and channel",
        &["kind", "channel"],
    );
    let intake_batch = prometheus::Histogram::with_opts(
        HistogramOpts::new(
            "civicdesk_intake_batch_size",
            "Intakes committed together in one transaction",
        )
        .buckets(vec![1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0]),
    )
    .expect("valid metric");
    registry
        .register(Box::new(intake_batch.clone()))
        .expect("registered once");
    // Known series are shown from the start, at zero.
    for channel in ["email", "phone"] {
        surveys_sent.with_label_values(&[channel]);
        surveys_answered.with_label_values(&[channel]);
    }
    Metrics {
        registry,
        http_requests,
        http_seconds,
        pool_connections,
        pool_waits,
        outbox,
        surveys_sent,
        surveys_answered,
        cases_received,
        intake_batch,
    }
});

impl Metrics {
    /// Everything, in the Prometheus text format.
    pub fn render(&self) -> String {
        let mut out = Vec::new();
        let _ = prometheus::TextEncoder::new().encode(&self.registry.gather(), &mut out);
        String::from_utf8(out).unwrap_or_default()
    }
}
