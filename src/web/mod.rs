//! HTTP: the actix-web server, its one route table and thin handlers.
//!
//! This is the only module that knows about HTTP. Handlers parse the request into
//! types ([`params`]), ask the [`State`] and render a view; responses get their
//! caching headers in `respond` and security headers in [`headers`].
//!
//! Middleware, from the outside in: access log, security headers, size limits
//! ([`limits`]), per-client rate limits ([`ratelimit`]), panic catching (`panics`).

mod calendar;
mod encoding;
mod handlers;
pub mod headers;
mod lang;
pub mod limits;
pub mod metrics;
pub mod ops;
mod panics;
pub mod params;
pub mod ratelimit;
pub mod reload;
mod respond;
mod tls;

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Instant;

use actix_web::dev::{Server, ServerHandle};
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, guard, web};
use anyhow::Context;
use arc_swap::ArcSwap;

use crate::calendar::Clock;
use crate::config::ServeConfig;
use crate::state::{BuildOptions, State};

/// The state shared by all workers: the current content version, swapped whole, and
/// the process's counters.
pub struct Shared {
    current: ArcSwap<State>,
    /// Counters for `/metrics`.
    pub metrics: metrics::Metrics,
    /// When the server started, for the uptime.
    pub started: Instant,
    /// Whether searches use the cache of the latest answers (`--search-cache`).
    pub search_cache: bool,
}

impl Shared {
    /// Wraps a built state.
    pub fn new(state: State) -> Shared {
        Shared {
            current: ArcSwap::from_pointee(state),
            metrics: metrics::Metrics::default(),
            started: Instant::now(),
            search_cache: true,
        }
    }

    /// The state to answer one request from. The guard does not touch the state's
    /// reference count, which all workers would otherwise contend for on every request.
    pub fn load(&self) -> arc_swap::Guard<Arc<State>> {
        self.current.load()
    }

    /// Replaces the state whole; requests already running keep the one they loaded.
    pub fn swap(&self, state: State) {
        self.current.store(Arc::new(state));
    }
}

/// A built server, bound to its port but not yet running.
pub struct Application {
    port: u16,
    server: Server,
    reloader: Option<reload::Reloader>,
}

impl Application {
    /// Builds the state and binds the listener. Port 0 picks a free port (tests).
    pub fn build(config: ServeConfig) -> anyhow::Result<Application> {
        Application::build_with_routes(config, |_| {})
    }

    /// Like [`Application::build`], with `extra` routes added after the route table.
    /// Tests use it to add routes that must never ship (one that panics, say).
    pub fn build_with_routes(
        config: ServeConfig,
        extra: fn(&mut web::ServiceConfig),
    ) -> anyhow::Result<Application> {
        let started = Instant::now();
        let options = BuildOptions {
            source: config.source.clone(),
            notice: config.notice.clone(),
            threads: crate::available_cores(),
            clock: config.today.map_or(Clock::System, Clock::Fixed),
            base_url: config.base_url.clone(),
            index_cache: config.index_cache.clone(),
            reload: config.reload,
        };
        let state = State::build(&options)?;
        tracing::info!(
            content = %config.source.describe(),
            documents = state.library.documents.len(),
            trades = state.library.trades.len(),
            skipped = state.library.errors.len(),
            version = %state.fingerprint.short(),
            millis = started.elapsed().as_millis() as u64,
            "Inhalte geladen"
        );
        let listener = TcpListener::bind(config.bind)
            .with_context(|| format!("Adresse {} ist nicht verfügbar", config.bind))?;
        let address: SocketAddr = listener.local_addr()?;
        let shared = web::Data::new(Shared {
            search_cache: config.search_cache,
            ..Shared::new(state)
        });
        // Spelling corrections and suggestions are built beside the first requests,
        // and the heap the build freed is returned there too (a few milliseconds that
        // the first answer need not wait for).
        let warming = shared.clone();
        std::thread::spawn(move || {
            crate::memory::release();
            let state = warming.load();
            state.index.warm(&state.library);
            drop(state);
            crate::memory::release();
        });
        let reloader = if config.reload {
            reload::start(shared.clone(), options, config.reload_debounce)?
        } else {
            None
        };
        let tls = config.tls.is_some();
        let app_shared = shared.clone();
        let limiter = web::Data::new(ratelimit::Limiter {
            buckets: ratelimit::RateLimiter::new(config.search_limit),
            trusted_proxies: config.trusted_proxies.clone(),
        });
        // `wrap` adds the outermost layer, so the order below is inside-out.
        let server = HttpServer::new(move || {
            App::new()
                .app_data(app_shared.clone())
                .app_data(limiter.clone())
                .wrap(from_fn(panics::catch_panics))
                .wrap(from_fn(ratelimit::limit))
                .wrap(from_fn(limits::check_request_size))
                .wrap(headers::security_headers())
                .wrap(actix_web::middleware::Condition::new(
                    tls,
                    actix_web::middleware::DefaultHeaders::new()
                        .add(("Strict-Transport-Security", ops::STRICT_TRANSPORT_SECURITY)),
                ))
                .wrap(from_fn(ops::observe))
                .wrap(from_fn(respond::access_log))
                .configure(routes)
                .configure(extra)
        })
        .workers(config.workers)
        .max_connections(limits::connections_per_worker(config.workers))
        .client_request_timeout(limits::CLIENT_REQUEST_TIMEOUT)
        .client_disconnect_timeout(limits::CLIENT_DISCONNECT_TIMEOUT)
        .keep_alive(limits::KEEP_ALIVE)
        .shutdown_timeout(SHUTDOWN_TIMEOUT_SECS)
        // Signals are handled by `ops::stop_on_signals`, so that SIGINT, too, lets
        // in-flight requests finish (actix would stop at once on SIGINT).
        .disable_signals();
        let server = match &config.tls {
            Some(files) => server.listen_rustls_0_23(listener, tls::server_config(files)?)?,
            None => server.listen(listener)?,
        }
        .run();
        let scheme = if tls { "https" } else { "http" };
        tracing::info!("werkbank läuft auf {scheme}://{address}");
        Ok(Application {
            port: address.port(),
            server,
            reloader,
        })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A handle to stop the server (see [`ops::stop_on_signals`]).
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until the server is stopped through its [`handle`](Self::handle).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        // The content folder is watched for as long as the server runs.
        let _reloader = self.reloader;
        self.server.await
    }
}

/// Seconds a graceful stop waits for in-flight requests.
pub const SHUTDOWN_TIMEOUT_SECS: u64 = 30;

/// The one route table. Every route answers GET and HEAD; anything else gets 405.
pub fn routes(cfg: &mut web::ServiceConfig) {
    let read = || guard::Any(guard::Get()).or(guard::Head());
    cfg.route("/", web::route().guard(read()).to(handlers::home))
        .route(
            "/suche",
            web::route().guard(read()).to(handlers::search_page),
        )
        .route(
            "/api/v1/search",
            web::route().guard(read()).to(handlers::search_api),
        )
        .route(
            "/api/v1/suggest",
            web::route().guard(read()).to(handlers::suggest_api),
        )
        // Routes with a variable segment sit in a scope of their fixed prefix: actix
        // matches a variable route with a regular expression, and every document page
        // (the default service) used to run all of them (5 % of a page's time).
        .service(
            web::scope("/assets").route("/{name}", web::route().guard(read()).to(handlers::asset)),
        )
        .route(
            "/termine",
            web::route().guard(read()).to(calendar::dates_page),
        )
        .route(
            "/termine.ics",
            web::route().guard(read()).to(calendar::all_ics),
        )
        .service(web::scope("/termine").route(
            "/{file}",
            web::route().guard(read()).to(calendar::trade_ics),
        ))
        .service(web::scope("/termin").route(
            "/{file}",
            web::route().guard(read()).to(calendar::event_ics),
        ))
        .route(
            "/hinweise",
            web::route().guard(read()).to(calendar::notices_page),
        )
        .route(
            "/hinweise.xml",
            web::route().guard(read()).to(calendar::notices_atom),
        )
        // English pages: the same handlers; they read the language from the path.
        .route("/en", web::route().guard(read()).to(handlers::home))
        .route("/en/", web::route().guard(read()).to(handlers::home))
        .route(
            "/en/suche",
            web::route().guard(read()).to(handlers::search_page),
        )
        .route(
            "/en/termine",
            web::route().guard(read()).to(calendar::dates_page),
        )
        .route(
            "/en/hinweise",
            web::route().guard(read()).to(calendar::notices_page),
        )
        .route(
            crate::pwa::SERVICE_WORKER_URL,
            web::route().guard(read()).to(handlers::service_worker),
        )
        .route(
            crate::views::MANIFEST_URL,
            web::route().guard(read()).to(handlers::manifest),
        )
        .service(web::scope("/api/v1/offline").route(
            "/{gewerk}",
            web::route().guard(read()).to(handlers::offline_bundle),
        ))
        .route("/healthz", web::route().guard(read()).to(ops::healthz))
        .route("/metrics", web::route().guard(read()).to(ops::metrics))
        .route(
            "/robots.txt",
            web::route().guard(read()).to(handlers::robots),
        )
        .default_service(web::to(handlers::fallback));
}
