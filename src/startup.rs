//! Building and running the server: used by `main` and by the tests.

use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use actix_http::{HttpService, KeepAlive, Protocol};
use actix_service::{fn_service, map_config, IntoServiceFactory, ServiceFactoryExt};
use actix_web::dev::AppConfig;
use actix_web::dev::Server;
use actix_web::middleware::{ErrorHandlers, Logger};
use actix_web::{web, App};

use crate::bootstrap::{self, FirstStart};
use crate::config::Settings;
use crate::db::Db;
use crate::mail::{worker, Mailer};
use crate::service::intake_writer::IntakeWriter;
use crate::web::throttle::Limiter;
use crate::web::wire::Rewriting;
use crate::web::{hygiene, problem, routes, AppState};

/// A server bound to its port, not yet running.
pub struct Application {
    port: u16,
    server: Option<Server>,
    stop_worker: Arc<AtomicBool>,
    worker: Option<std::thread::JoinHandle<()>>,
    draining: Arc<AtomicBool>,
    drain: Duration,
    /// Credentials created on a first start, to print once.
    pub first_start: Option<FirstStart>,
}

impl Application {
    /// Opens the database (migrating it), seeds a first start, binds the listener.
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        let listener = TcpListener::bind(&settings.bind)
            .map_err(|e| anyhow::anyhow!("CIVICDESK_BIND: cannot listen on {}: {e}", settings.bind))?;
        Self::build_with_listener(settings, listener, None).await
    }

    /// Like [`Application::build`] on a given listener, with a worker count (tests use few).
    pub async fn build_with_listener(
        settings: Settings,
        listener: TcpListener,
        workers: Option<usize>,
    ) -> anyhow::Result<Application> {
        let settings = Arc::new(settings);
        let s = settings.clone();
        let db = web::block(move || Db::open(&s.database, s.pool_size, Duration::from_secs(5)))
            .await?
            .map_err(|e| anyhow::anyhow!("DATABASE_URL: {e}"))?;
        let (d, s) = (db.clone(), settings.clone());
        let first_start = web::block(move || bootstrap::first_start(&d, &s)).await??;
        let (d, s) = (db.clone(), settings.clone());
        web::block(move || bootstrap::holidays_to_law(&d, &s)).await??;
        let (d, s) = (db.clone(), settings.clone());
        web::block(move || bootstrap::scorecard_figures(&d, &s)).await??;
        let d = db.clone();
        web::block(move || bootstrap::forget_old_idempotency_keys(&d)).await??;

        let port = listener.local_addr()?.port();
        let mailer = Mailer::from_settings(&settings).map_err(anyhow::Error::msg)?;
        let stop_worker = Arc::new(AtomicBool::new(false));
        let worker = if settings.mail_worker {
            Some(worker::spawn(
                db.clone(),
                settings.clone(),
                mailer,
                stop_worker.clone(),
            )?)
        } else {
            None
        };
        let limiter = Arc::new(Limiter::new(settings.rate_limit, settings.trusted_proxies.clone()));
        let draining = Arc::new(AtomicBool::new(false));
        let drain = Duration::from_secs(settings.drain_secs);
        let intakes = IntakeWriter::start(db.clone(), settings.clone())?;
        let state = web::Data::new(AppState {
            db,
            settings,
            intakes,
            limiter,
            login_guard: Default::default(),
            draining: draining.clone(),
        });
        let app = move || {
            App::new()
                .wrap(ErrorHandlers::new().default_handler(problem::problemize))
                .wrap(hygiene::headers())
                .wrap(actix_web::middleware::from_fn(hygiene::referrer))
                .wrap(actix_web::middleware::from_fn(hygiene::head_as_get))
                .wrap(actix_web::middleware::from_fn(hygiene::measure))
                // The route's pattern, never the raw path or query: those carry
                // receipt numbers and the citizen's tokens.
                .wrap(
                    Logger::new("%{method}xi %{route}xi %s %Dms request_id=%{request_id}xi")
                        .custom_request_replace("method", |req| req.method().to_string())
                        .custom_request_replace("request_id", |req| {
                            actix_web::HttpMessage::extensions(req)
                                .get::<hygiene::RequestId>()
                                .map_or_else(|| "-".into(), |id| id.0.clone())
                        })
                        .custom_request_replace("route", hygiene::Route::of)
                        .log_target("civicdesk::http"),
                )
                // Outermost: every line logged while the request runs carries its id (the access
                // line, written as the body finishes, names it itself).
                .wrap(actix_web::middleware::from_fn(hygiene::request_id))
                .app_data(state.clone())
                .configure(routes::configure)
        };
        // Signals are ours (see `run_until_stopped`): first drain, then stop.
        let mut server = actix_server::Server::build().disable_signals().shutdown_timeout(30);
        if let Some(n) = workers {
            server = server.workers(n);
        }
        let local = listener.local_addr()?;
        let server = server
            .listen("civicdesk", listener, move || {
                // No graceful-shutdown signal to the connections: it would close a
                // connection just accepted before its request is read. A kept-alive
                // connection ends at its keep-alive timeout instead.
                let http = HttpService::build()
                    .keep_alive(KeepAlive::Timeout(Duration::from_secs(5)))
                    // A client that does not finish its request head in time is cut off.
                    .client_request_timeout(Duration::from_secs(5))
                    .client_disconnect_timeout(Duration::from_secs(1))
                    .local_addr(local)
                    .finish(map_config(app().into_factory().map_err(|e| e.error_response()), |_| {
                        AppConfig::default()
                    }));
                fn_service(|io: actix_web::rt::net::TcpStream| async move {
                    let peer = io.peer_addr().ok();
                    let _ = io.set_nodelay(true);
                    Ok::<_, actix_http::error::DispatchError>((Rewriting::new(io), Protocol::Http1, peer))
                })
                .and_then(http)
            })?
            .run();
        Ok(Application {
            port,
            server: Some(server),
            stop_worker,
            worker,
            draining,
            drain,
            first_start,
        })
    }

    /// A handle to stop the server.
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server
            .as_ref()
            .map(Server::handle)
            .expect("the server has not run yet")
    }

    /// A flag that stops the outbox worker when set.
    pub fn worker_stop(&self) -> Arc<AtomicBool> {
        self.stop_worker.clone()
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until the server is stopped through its handle, then stops the
    /// outbox worker after the batch it is sending.
    pub async fn run_until_stopped(mut self) -> std::io::Result<()> {
        let server = self.take_server()?;
        let result = server.await;
        self.finish_worker().await;
        result
    }

    /// Serves until SIGTERM or Ctrl-C, then shuts down gracefully: `/readyz`
    /// answers 503 for the drain period while requests are still taken, then
    /// new connections stop, requests in flight finish, and the outbox worker
    /// finishes the batch it is sending before this returns.
    pub async fn run_until_signalled(mut self) -> std::io::Result<()> {
        let server = self.take_server()?;
        let handle = server.handle();
        let mut server = std::pin::pin!(server);
        let (draining, drain) = (self.draining.clone(), self.drain);
        // The server keeps being polled while the drain runs beside it.
        let drained = async move {
            stop_requested().await;
            tracing::info!(drain_secs = drain.as_secs(), "shutting down: draining");
            draining.store(true, Ordering::Relaxed);
            actix_web::rt::time::sleep(drain).await;
        };
        let result = tokio::select! {
            r = &mut server => r,
            _ = drained => {
                tracing::info!("shutting down: finishing the requests in flight");
                let ((), r) = tokio::join!(handle.stop(true), &mut server);
                r
            }
        };
        self.finish_worker().await;
        tracing::info!("stopped");
        result
    }

    fn take_server(&mut self) -> std::io::Result<Server> {
        self.server
            .take()
            .ok_or_else(|| std::io::Error::other("the server already ran"))
    }

    async fn finish_worker(&mut self) {
        self.stop_worker.store(true, Ordering::Relaxed);
        if let Some(worker) = self.worker.take() {
            let _ = web::block(move || worker.join()).await;
        }
    }
}

/// Waits for SIGTERM or Ctrl-C (SIGINT).
async fn stop_requested() {
    #[cfg(unix)]
    {
        use actix_web::rt::signal::unix::{signal, SignalKind};
        let Ok(mut term) = signal(SignalKind::terminate()) else {
            let _ = actix_web::rt::signal::ctrl_c().await;
            return;
        };
        tokio::select! {
            _ = term.recv() => {}
            _ = actix_web::rt::signal::ctrl_c() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = actix_web::rt::signal::ctrl_c().await;
    }
}
