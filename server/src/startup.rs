//! Building the running application: database, context, router, embedded workers, and a
//! graceful shutdown that lets in-flight requests and jobs finish.

use crate::config::Config;
use crate::start_banner::StartBanner;
use crate::state::AppState;
use crate::{db, http};
use app::ssr::cookie::CookieSettings;
use app::ssr::{context::Inner, AppContext};
use leptos::config::LeptosOptions;
use platform::context::Platform;
use platform::infra::throttle::Throttles;
use platform::jobs::Queues;
use sea_orm::DatabaseConnection;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::watch;
use worker::jobs::deps::Deps;
use worker::mail::Mailer;
use worker::monitor::probe::Prober;
use worker::runner::RunnerSettings;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Db(#[from] db::DbSetupError),
    #[error("mail: {0}")]
    Mail(#[from] worker::mail::MailError),
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error("server: {0}")]
    Serve(std::io::Error),
    #[error(transparent)]
    Worker(#[from] worker::runner::RunnerError),
    #[error("network clients: {0}")]
    Network(String),
}

/// Tells every part of the process to stop.
#[derive(Clone)]
pub struct Shutdown(watch::Sender<bool>);

impl Shutdown {
    pub fn new() -> Self {
        Self(watch::channel(false).0)
    }
    pub fn trigger(&self) {
        let _ = self.0.send(true);
    }
    pub async fn wait(&self) {
        let mut rx = self.0.subscribe();
        let _ = rx.wait_for(|stop| *stop).await;
    }
}

impl Default for Shutdown {
    fn default() -> Self {
        Self::new()
    }
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn termination_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutdown signal received");
}

/// What the workers share; also what the web layer reads its queues and plans from.
pub fn job_deps(config: &Config, db: &DatabaseConnection) -> Result<Deps, StartupError> {
    let probe = Prober::new(&config.scanner, config.monitors.check_timeout).map_err(StartupError::Network)?;
    let mailer = Mailer::new(config.smtp_url.as_ref(), &config.mail_from, db.clone())?;
    Ok(Deps::new(platform_context(config, db), mailer, config.scanner.clone(), config.monitors.clone(), probe))
}

/// What the web app and the worker share, read from the configuration once.
pub fn platform_context(config: &Config, db: &DatabaseConnection) -> Platform {
    Platform {
        db: db.clone(),
        key: config.secret_key.clone(),
        queues: Queues::for_db(db),
        plans: Arc::new(config.plans.clone()),
        alerts: config.alerts,
        stripe: config.stripe.clone(),
        admins: Arc::new(config.admins.clone()),
        sprints: config.sprints,
        base_url: config.base_url.as_str().trim_end_matches('/').to_owned(),
    }
}

pub fn runner_settings(config: &Config) -> RunnerSettings {
    let audit_timeout = config.scanner.audit_deadline + std::time::Duration::from_secs(15);
    let heartbeat = config.worker_heartbeat;
    // A dead worker's jobs are handed out only after longer than the longest job may run.
    let missed = (audit_timeout.as_secs() / heartbeat.as_secs().max(1) + 2) as usize;
    RunnerSettings {
        shutdown_grace: config.shutdown_grace,
        audit_timeout,
        heartbeat,
        missed_heartbeats: missed,
        ..RunnerSettings::default()
    }
}

/// A bound, not yet serving, application.
pub struct Application {
    listener: tokio::net::TcpListener,
    router: axum::Router,
    pub db: DatabaseConnection,
    email: Deps,
    runner: RunnerSettings,
    embedded_worker: bool,
    shutdown_grace: std::time::Duration,
    maintenance: AppContext,
    banner: StartBanner,
}

impl Application {
    pub async fn build(config: &Config, embedded_worker: bool) -> Result<Self, StartupError> {
        let db = db::connect(&config.database_url).await?;
        db::migrate(&db).await?;
        Self::build_with_db(config, db, embedded_worker).await
    }

    pub async fn build_with_db(config: &Config, db: DatabaseConnection, embedded_worker: bool) -> Result<Self, StartupError> {
        let listener =
            tokio::net::TcpListener::bind(config.bind).await.map_err(|source| StartupError::Bind { addr: config.bind, source })?;
        Self::build_on(config, db, listener, embedded_worker)
    }

    /// On a listener bound by the caller (tests bind port 0 first to learn the address).
    pub fn build_on(
        config: &Config,
        db: DatabaseConnection,
        listener: tokio::net::TcpListener,
        embedded_worker: bool,
    ) -> Result<Self, StartupError> {
        let email = job_deps(config, &db)?;
        let listening = listener.local_addr().map_err(StartupError::Serve)?;
        let cookie = CookieSettings::new(config.secure_cookies(), config.sessions.absolute_lifetime.num_seconds());
        let ctx = AppContext::new(Inner {
            platform: email.platform.clone(),
            sessions: config.sessions,
            throttles: Throttles::new(&config.throttle),
            guard: domain::guard::Guard::new(config.scanner.allow_private_targets),
            cookie,
            outbox_enabled: email.mailer.uses_outbox() && config.outbox_allowed_on(listening),
        });
        let asset_version = http::assets::version_of(&config.site_root.join("pkg"));
        let leptos_options = LeptosOptions::builder()
            .output_name(app::OUTPUT_NAME)
            .site_root(config.site_root.to_string_lossy().into_owned())
            .site_pkg_dir(format!("pkg/{asset_version}"))
            .site_addr(config.bind)
            .build();
        let state = AppState { ctx: ctx.clone(), leptos_options };
        let router = http::router(state, config);
        let banner = StartBanner::new(config, listening, embedded_worker);
        Ok(Self {
            listener,
            router,
            db,
            email,
            runner: runner_settings(config),
            embedded_worker,
            shutdown_grace: config.shutdown_grace,
            maintenance: ctx,
            banner,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("bound listener has an address")
    }

    /// Poll faster (tests).
    pub fn with_runner_settings(mut self, runner: RunnerSettings) -> Self {
        self.runner = runner;
        self
    }

    /// Serves until `shutdown` fires, then drains requests and jobs.
    pub async fn run_until(self, shutdown: Shutdown) -> Result<(), StartupError> {
        self.banner.log();
        let workers = self.embedded_worker.then(|| {
            let stop = shutdown.clone();
            tokio::spawn(worker::runner::run(self.email.clone(), self.runner.clone(), async move {
                stop.wait().await;
                Ok(())
            }))
        });
        let maintenance = tokio::spawn(maintain(self.maintenance.clone(), shutdown.clone()));
        let stop = shutdown.clone();
        let service = self.router.into_make_service_with_connect_info::<SocketAddr>();
        let server = axum::serve(self.listener, service).with_graceful_shutdown(async move { stop.wait().await });
        let grace = self.shutdown_grace;
        let served = server.await;
        maintenance.abort();
        if let Some(workers) = workers {
            match tokio::time::timeout(grace + std::time::Duration::from_secs(5), workers).await {
                Ok(Ok(result)) => result?,
                Ok(Err(join)) => tracing::error!(%join, "worker task panicked"),
                Err(_) => tracing::warn!("workers did not stop within the grace period"),
            }
        }
        served.map_err(StartupError::Serve)
    }
}

/// Housekeeping every ten minutes: expired sessions, idle throttle keys.
async fn maintain(ctx: AppContext, shutdown: Shutdown) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = shutdown.wait() => return,
        }
        match platform::accounts::sessions::purge_expired(&ctx.db, &ctx.sessions).await {
            Ok(n) if n > 0 => tracing::info!(purged = n, "expired sessions removed"),
            Ok(_) => {}
            Err(err) => tracing::warn!(%err, "session purge failed"),
        }
        ctx.throttles.forget_idle_keys();
    }
}
