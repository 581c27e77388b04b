//! HTTP: the actix-web server, its one route table and thin handlers.
//!
//! This is the only module that knows about HTTP. Handlers parse the request into
//! types ([`params`]), ask the [`State`] and render a view; responses get their
//! caching headers in `respond` and security headers in [`headers`].
//!
//! Middleware, from the outside in: access log, security headers, size limits
//! ([`limits`]), per-client rate limits ([`ratelimit`]), panic catching (`panics`).

mod handlers;
pub mod headers;
pub mod limits;
mod panics;
pub mod params;
pub mod ratelimit;
mod respond;

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Instant;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, guard, web};
use anyhow::Context;
use arc_swap::ArcSwap;

use crate::config::ServeConfig;
use crate::state::{BuildOptions, State};

/// The state shared by all workers: the current content version, swapped whole.
pub struct Shared {
    current: ArcSwap<State>,
}

impl Shared {
    /// Wraps a built state.
    pub fn new(state: State) -> Shared {
        Shared {
            current: ArcSwap::from_pointee(state),
        }
    }

    /// The state to answer one request from.
    pub fn load(&self) -> Arc<State> {
        self.current.load_full()
    }
}

/// A built server, bound to its port but not yet running.
pub struct Application {
    port: u16,
    server: Server,
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
        let state = State::build(&BuildOptions {
            source: config.source.clone(),
            notice: config.notice.clone(),
            threads: crate::available_cores(),
        })?;
        tracing::info!(
            content = %config.source.describe(),
            documents = state.library.documents.len(),
            trades = state.library.trades.len(),
            skipped = state.library.errors.len(),
            millis = started.elapsed().as_millis() as u64,
            "Inhalte geladen"
        );
        let listener = TcpListener::bind(config.bind)
            .with_context(|| format!("Adresse {} ist nicht verfügbar", config.bind))?;
        let address: SocketAddr = listener.local_addr()?;
        let shared = web::Data::new(Shared::new(state));
        let limiter = web::Data::new(ratelimit::Limiter {
            buckets: ratelimit::RateLimiter::new(config.search_limit),
            trusted_proxies: config.trusted_proxies.clone(),
        });
        // `wrap` adds the outermost layer, so the order below is inside-out.
        let server = HttpServer::new(move || {
            App::new()
                .app_data(shared.clone())
                .app_data(limiter.clone())
                .wrap(from_fn(panics::catch_panics))
                .wrap(from_fn(ratelimit::limit))
                .wrap(from_fn(limits::check_request_size))
                .wrap(headers::security_headers())
                .wrap(from_fn(respond::access_log))
                .configure(routes)
                .configure(extra)
        })
        .workers(config.workers)
        .max_connections(limits::connections_per_worker(config.workers))
        .client_request_timeout(limits::CLIENT_REQUEST_TIMEOUT)
        .client_disconnect_timeout(limits::CLIENT_DISCONNECT_TIMEOUT)
        .keep_alive(limits::KEEP_ALIVE)
        .shutdown_timeout(limits::SHUTDOWN_TIMEOUT_SECONDS)
        .listen(listener)?
        .run();
        tracing::info!("werkbank läuft auf http://{address}");
        Ok(Application {
            port: address.port(),
            server,
        })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until the process is told to stop (SIGINT/SIGTERM finish in-flight requests).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

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
            "/assets/{name}",
            web::route().guard(read()).to(handlers::asset),
        )
        .route("/healthz", web::route().guard(read()).to(handlers::healthz))
        .route(
            "/robots.txt",
            web::route().guard(read()).to(handlers::robots),
        )
        .default_service(web::to(handlers::fallback));
}
