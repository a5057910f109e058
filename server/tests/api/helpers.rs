//! `TestApp`: starts the real server on a free loopback port with its own database, and a
//! cookie-keeping HTTP client that behaves like a same-origin browser.

use sea_orm::{ColumnTrait, ConnectionTrait, Database, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use server::config::Config;
use server::startup::{Application, Shutdown};
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use testkit::fake_stripe::{FakeStripe, FakeStripeConfig};

/// Runs a test body once per database. The PostgreSQL variant needs `LAUNCHREADY_TEST_PG`
/// (`make test` sets it); without it the variant reports that it did not run.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let app = $crate::helpers::TestApp::spawn($crate::helpers::Db::Sqlite).await;
                    super::$name(&app).await;
                    app.stop().await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let Some(app) = $crate::helpers::TestApp::spawn_postgres().await else { return };
                    super::$name(&app).await;
                    app.stop().await;
                }
            }
        )*
    };
}

/// Runs a test that starts its own app (`async fn name(db: Db)`) once per database, like
/// [`on_both_databases`].
#[macro_export]
macro_rules! on_each_database {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::helpers::Db::Sqlite).await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let Some(url) = $crate::helpers::test_pg_url() else { return };
                    super::$name($crate::helpers::Db::Postgres(url)).await;
                }
            }
        )*
    };
}

/// The PostgreSQL server of the PostgreSQL variants (`LAUNCHREADY_TEST_PG`, which `make test`
/// sets); unset or empty, the variant reports that it did not run.
pub fn test_pg_url() -> Option<String> {
    match std::env::var("LAUNCHREADY_TEST_PG") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            eprintln!("LAUNCHREADY_TEST_PG is not set: the PostgreSQL variant did not run");
            None
        }
    }
}

pub enum Db {
    Sqlite,
    Postgres(String),
}

// ---------------------------------------------------------------------------------------
// Captured logs: every line any test logs, to prove secrets never reach them.

#[derive(Clone)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn captured() -> &'static Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        use tracing_subscriber::{layer::SubscriberExt, util::SubscriberInitExt, EnvFilter};
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let writer = Capture(buffer.clone());
        // The production format (JSON with spans), at debug level for our own crates.
        let _ = tracing_subscriber::registry()
            .with(EnvFilter::new("info,server=debug,app=debug,domain=debug,worker=debug"))
            .with(tracing_subscriber::fmt::layer().json().with_current_span(true).with_span_list(true).with_writer(move || writer.clone()))
            .try_init();
        buffer
    })
}

pub fn captured_logs() -> String {
    String::from_utf8_lossy(&captured().lock().unwrap()).into_owned()
}

// ---------------------------------------------------------------------------------------

/// Workers that poll often and sweep every second, so tests wait little.
pub fn fast_runner(config: &Config) -> worker::runner::RunnerSettings {
    worker::runner::RunnerSettings {
        poll_interval: Duration::from_millis(50),
        min_backoff: Duration::from_millis(50),
        max_backoff: Duration::from_millis(200),
        shutdown_grace: Duration::from_secs(5),
        maintenance_cron: "* * * * * *".into(),
        ..server::startup::runner_settings(config)
    }
}

pub struct TestApp {
    pub base_url: String,
    pub database_url: String,
    pub data_dir: std::path::PathBuf,
    pub db: DatabaseConnection,
    config: Config,
    shutdown: Shutdown,
    server: tokio::task::JoinHandle<()>,
    _dir: tempfile::TempDir,
    pg_drop: Option<(String, String)>,
}

impl TestApp {
    pub async fn spawn_postgres() -> Option<Self> {
        Some(Self::spawn(Db::Postgres(test_pg_url()?)).await)
    }

    pub async fn spawn(db: Db) -> Self {
        Self::spawn_with(db, &[]).await
    }

    /// `overrides`: extra settings as `(dotted key, TOML value)`, e.g.
    /// `("throttle.sign_up_per_ip_per_hour", "2")`.
    pub async fn spawn_with(db: Db, overrides: &[(&str, &str)]) -> Self {
        Self::spawn_opts(db, overrides, true).await
    }

    /// `embedded_worker: false` serves without workers (tests that run worker processes).
    pub async fn spawn_opts(db: Db, overrides: &[(&str, &str)], embedded_worker: bool) -> Self {
        Self::spawn_listening(db, "127.0.0.1:0", overrides, embedded_worker).await
    }

    /// Listens on `listen` (`0.0.0.0:0`: every interface, as a server reachable from outside
    /// would); the tests still talk to it over loopback.
    pub async fn spawn_listening(db: Db, listen: &str, overrides: &[(&str, &str)], embedded_worker: bool) -> Self {
        captured();
        let _ = rustls::crypto::ring::default_provider().install_default();
        let dir = tempfile::tempdir().unwrap();
        let (database_url, pg_drop) = match db {
            Db::Sqlite => (format!("sqlite://{}/test.db?mode=rwc", dir.path().display()), None),
            Db::Postgres(admin_url) => {
                let name = format!("launchready_test_{}", uuid::Uuid::new_v4().simple());
                let admin = Database::connect(&admin_url).await.expect("LAUNCHREADY_TEST_PG is set but PostgreSQL is unreachable");
                admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.unwrap();
                admin.close().await.unwrap();
                let mut url = url::Url::parse(&admin_url).unwrap();
                url.set_path(&name);
                (url.to_string(), Some((admin_url, name)))
            }
        };
        let listener = tokio::net::TcpListener::bind(listen).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let base_url = format!("http://127.0.0.1:{}", addr.port());
        let mut figment = Config::figment(None, figment::providers::Env::prefixed("LAUNCHREADY_TEST_NOTHING_"))
            .merge(("database_url", database_url.clone()))
            .merge(("base_url", base_url.clone()))
            .merge(("bind", addr.to_string()))
            .merge(("data_dir", dir.path().display().to_string()))
            .merge(("secret_key", "test-secret-key-that-is-long-enough-000"))
            .merge(("site_root", dir.path().join("site").display().to_string()));
        // No test may send a DNS query off the machine: by default names resolve through a
        // loopback port where nothing answers (tests that need names start their own server).
        figment = figment.merge(<figment::providers::Toml as figment::providers::Format>::string(
            // Every test client signs in from 127.0.0.1: the sign-in budgets are raised (tests of
            // them set their own, or count to these).
            "scanner.resolver = \"127.0.0.1:9\"\nworker_heartbeat_secs = 1\nthrottle.sign_in_per_ip_per_minute = 500\nthrottle.sign_in_per_account_per_minute = 10",
        ));
        // In the global profile, as the `(key, value)` settings above are: an override of one of
        // them (`base_url`, `site_root`) must win.
        for (key, value) in overrides {
            let setting = <figment::providers::Toml as figment::providers::Format>::string(&format!("{key} = {value}"));
            figment = figment.merge(setting.profile(figment::Profile::Global));
        }
        let config = Config::from_figment(figment).expect("test configuration");
        let db = server::db::connect(&config.database_url).await.unwrap();
        server::db::migrate(&db).await.unwrap();
        let runner = fast_runner(&config);
        let app = Application::build_on(&config, db.clone(), listener, embedded_worker).unwrap().with_runner_settings(runner);
        let shutdown = Shutdown::new();
        let stop = shutdown.clone();
        let server = tokio::spawn(async move {
            app.run_until(stop).await.expect("server");
        });
        Self { base_url, database_url, data_dir: dir.path().to_path_buf(), db, config, shutdown, server, _dir: dir, pg_drop }
    }

    /// The run-until-idle helper, for an app spawned without its embedded worker: queues what
    /// is due at `now` (monitor checks, scheduled audits, delivery retries), then runs every
    /// queued job, and the jobs those queue, until none is left. A test moves `now` on by a
    /// monitor's interval to get exactly one more check per call, whatever the machine's speed.
    pub async fn run_until_idle(&self, now: chrono::DateTime<chrono::Utc>) {
        let deps = server::startup::job_deps(&self.config, &self.db).expect("job dependencies");
        if let Err(err) = worker::drain::run_until_idle(deps, fast_runner(&self.config), now, Duration::from_secs(90)).await {
            panic!("the queues did not drain: {err}; jobs: {:#?}", job_states(self).await);
        }
    }

    /// What the workers of this app are given (for tests that run one job step themselves).
    pub fn worker_deps(&self) -> worker::jobs::deps::Deps {
        server::startup::job_deps(&self.config, &self.db).expect("job dependencies")
    }

    /// Runs the daily billing reconciliation as of `now`.
    pub async fn reconcile_billing(&self, now: chrono::DateTime<chrono::Utc>) {
        let deps = server::startup::job_deps(&self.config, &self.db).expect("job dependencies");
        worker::jobs::billing::reconcile(&deps, now).await.expect("reconciliation");
    }

    /// An app whose billing talks to a fresh local fake Stripe (prices `price_pro` and
    /// `price_agency`, 7 days of grace), and the fake, already sending its events here.
    pub async fn spawn_with_stripe(db: Db, overrides: &[(&str, &str)], embedded_worker: bool) -> (Self, FakeStripe) {
        let fake = FakeStripe::start(
            "127.0.0.1:0".parse().unwrap(),
            FakeStripeConfig { api_key: STRIPE_KEY.into(), webhook_secret: STRIPE_WEBHOOK_SECRET.into(), webhook_url: None },
        )
        .await
        .unwrap();
        let api_base = format!("\"{}\"", fake.api_base());
        let key = format!("\"{STRIPE_KEY}\"");
        let secret = format!("\"{STRIPE_WEBHOOK_SECRET}\"");
        let mut all = vec![
            ("stripe.secret_key", key.as_str()),
            ("stripe.webhook_secret", secret.as_str()),
            ("stripe.api_base", api_base.as_str()),
            ("stripe.price_pro", "\"price_pro\""),
            ("stripe.price_agency", "\"price_agency\""),
        ];
        all.extend_from_slice(overrides);
        let app = Self::spawn_opts(db, &all, embedded_worker).await;
        fake.set_webhook_url(&app.url("/webhooks/stripe"));
        (app, fake)
    }

    pub async fn stop(self) {
        self.shutdown.trigger();
        let _ = tokio::time::timeout(Duration::from_secs(10), self.server).await;
        self.db.close_by_ref().await.ok();
        if let Some((admin_url, name)) = &self.pg_drop {
            if let Ok(admin) = Database::connect(admin_url.as_str()).await {
                let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
                let _ = admin.close().await;
            }
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    /// A second browser: its own cookie jar.
    pub fn new_client(&self) -> reqwest::Client {
        client_for(&self.base_url, None)
    }

    /// A browser whose requests reach the server through a proxy on loopback that forwards
    /// its address as `X-Forwarded-For: <address>`.
    pub fn client_behind_proxy(&self, address: &str) -> reqwest::Client {
        client_for(&self.base_url, Some(address))
    }

    /// Calls a server function the way the hydrated app does (form-encoded POST).
    pub async fn call(&self, client: &reqwest::Client, endpoint: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let form = as_browser_sends(endpoint, form);
        client.post(self.url(&format!("/api/{endpoint}"))).form(&form).send().await.unwrap()
    }

    /// Calls a server function from a page of the workspace `key` (what the browser's
    /// `Referer` tells the server; the header says it explicitly).
    pub async fn call_in(&self, client: &reqwest::Client, key: &str, endpoint: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let form = as_browser_sends(endpoint, form);
        client.post(self.url(&format!("/api/{endpoint}"))).header("x-launchready-workspace", key).form(&form).send().await.unwrap()
    }

    pub async fn sign_up(&self, client: &reqwest::Client, email: &str, password: &str) -> reqwest::Response {
        self.call(client, "auth/sign_up", &[("email", email), ("password", password)]).await
    }

    pub async fn sign_in(&self, client: &reqwest::Client, email: &str, password: &str) -> reqwest::Response {
        self.call(client, "auth/sign_in", &[("email", email), ("password", password)]).await
    }

    /// A product with nothing but its name and apex domain (both `apex`), through the REST API;
    /// returns its id.
    pub async fn bare_product(&self, client: &reqwest::Client, apex: &str) -> String {
        let created: serde_json::Value = client
            .post(self.url("/api/v1/products"))
            .json(&serde_json::json!({ "name": apex, "apex_domain": apex }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        created["id"].as_str().unwrap_or_else(|| panic!("product created: {created}")).to_owned()
    }

    /// A new account (its address not yet confirmed) signed in on a fresh client.
    pub async fn signed_up_client(&self, email: &str) -> reqwest::Client {
        let client = self.new_client();
        let response = self.sign_up(&client, email, PASSWORD).await;
        assert!(response.status().is_success(), "sign up {email}: {}", response.status());
        // Sign-up does not sign in (it answers the same for a taken address); the password does.
        let response = self.sign_in(&client, email, PASSWORD).await;
        assert!(response.status().is_success(), "sign in {email}: {}", response.status());
        client
    }

    /// A new account whose address is confirmed (as if the mailed link was opened): what
    /// mails someone (email alert channels) or books (sprints) needs it.
    pub async fn confirmed_client(&self, email: &str) -> reqwest::Client {
        let client = self.signed_up_client(email).await;
        let sql = format!("UPDATE users SET email_verified_at = created_at WHERE email = '{}'", email.to_lowercase());
        sea_orm::ConnectionTrait::execute_unprepared(&self.db, &sql).await.unwrap();
        client
    }

    /// Waits (bounded) for the email worker to put a mail for `to` in the outbox.
    pub async fn wait_for_mail(&self, to: &str, subject_contains: &str) -> String {
        use platform::entities::outbox_message as m;
        for _ in 0..200 {
            let found = m::Entity::find()
                .filter(m::Column::ToAddress.eq(to))
                .order_by_desc(m::Column::CreatedAt)
                .all(&self.db)
                .await
                .unwrap()
                .into_iter()
                .find(|mail| mail.subject.contains(subject_contains));
            if let Some(mail) = found {
                return mail.body_text;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let jobs = job_states(self).await;
        let logs: Vec<String> = captured_logs()
            .lines()
            .filter(|l| l.contains("apalis") || l.contains("worker") || l.contains("ERROR") || l.contains("WARN"))
            .map(|l| l.chars().take(400).collect())
            .collect();
        panic!("no mail \"{subject_contains}\" to {to} within 10 s; jobs: {jobs:?}\nlogs:\n{}", logs.join("\n"));
    }

    pub async fn session_cookie_value(&self, response: &reqwest::Response) -> Option<String> {
        response
            .headers()
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| v.strip_prefix("launchready_session=").map(|rest| rest.split(';').next().unwrap_or_default().to_owned()))
            .filter(|v| !v.is_empty())
    }
}

pub const PASSWORD: &str = "correct horse battery staple";
pub const STRIPE_KEY: &str = "sk_test_launchready";
pub const STRIPE_WEBHOOK_SECRET: &str = "whsec_launchready_test";

/// The link token in a mail body (`…?token=XYZ`).
pub fn token_in(mail: &str) -> String {
    let start = mail.find("token=").expect("mail has a token") + "token=".len();
    mail[start..].split_whitespace().next().unwrap().to_owned()
}

fn client_for(base_url: &str, forwarded_for: Option<&str>) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    // A same-origin browser sends its Origin on every POST; the CSRF check requires it.
    headers.insert(reqwest::header::ORIGIN, base_url.parse().unwrap());
    if let Some(address) = forwarded_for {
        headers.insert("x-forwarded-for", address.parse().unwrap());
    }
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// The stored payloads of every queued job, as text.
pub async fn job_payloads(app: &TestApp) -> Vec<String> {
    use sea_orm::{DbBackend, FromQueryResult, Statement};
    #[derive(FromQueryResult)]
    struct Row {
        job: Vec<u8>,
    }
    let backend = app.db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => "SELECT job FROM apalis.jobs",
        _ => "SELECT job FROM Jobs",
    };
    Row::find_by_statement(Statement::from_string(backend, sql))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| String::from_utf8_lossy(&r.job).into_owned())
        .collect()
}

/// `status attempts last_result` of every job, for failure messages.
pub async fn job_states(app: &TestApp) -> Vec<String> {
    use sea_orm::{DbBackend, FromQueryResult, Statement};
    #[derive(FromQueryResult)]
    struct Row {
        state: String,
    }
    let backend = app.db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => "SELECT status || ' ' || attempts || ' ' || coalesce(last_result::text, '') || ' lock_by=' || coalesce(lock_by, '') AS state FROM apalis.jobs",
        _ => "SELECT status || ' ' || attempts || ' ' || coalesce(last_result, '') || ' run_at=' || run_at || ' lock_by=' || coalesce(lock_by, '') AS state FROM Jobs",
    };
    Row::find_by_statement(Statement::from_string(backend, sql)).all(&app.db).await.unwrap().into_iter().map(|r| r.state).collect()
}

/// Server functions that take a typed form struct (`form: ProductForm`, `form: BookingForm`, …)
/// read its fields as `form[name]`, as the browser's ActionForm names them; tests list the
/// fields plainly and this names them so. Ids stay top-level arguments.
pub fn as_browser_sends(endpoint: &str, form: &[(&str, impl AsRef<str>)]) -> Vec<(String, String)> {
    let typed = matches!(
        endpoint,
        "products/create"
            | "products/update"
            | "monitors/create"
            | "monitors/update"
            | "channels/create"
            | "sprints/book"
            | "admin/create_slot"
            | "team/invite"
    );
    form.iter()
        .map(|(key, value)| {
            let plain = matches!(*key, "id" | "product_id" | "audit_id") || key.starts_with("form[");
            let key = if typed && !plain { format!("form[{key}]") } else { key.to_string() };
            (key, value.as_ref().to_owned())
        })
        .collect()
}

/// `/app/products/:id/audits/{audit}` → `/app/products/{}/audits/{}`
pub fn normalize(path: &str) -> String {
    path.split('/')
        .map(|segment| if segment.starts_with(':') || (segment.starts_with('{') && segment.ends_with('}')) { "{}" } else { segment })
        .collect::<Vec<_>>()
        .join("/")
}
