//! The HTTP front end: the bilingual web UI and the REST API under `/api/v1`, from one binary.
//!
//! Handlers translate HTTP into calls on the application services and results into HTML or
//! JSON; no rules live here. Every asset (CSS, htmx, Swagger UI) is compiled in: banks run this
//! on networks without internet access.

mod api;
mod assets;
mod auth;
mod download;
mod edge;
mod error;
mod i18n;
mod lang;
mod limits;
mod middleware;
mod openapi;
mod routes;
mod tls;
mod views;

pub use auth::{Caller, Throttle};
pub use i18n::{Catalogue, catalogue_keys};
pub use openapi::openapi_json;
pub use routes::{RouteInfo, route_table};
pub use tls::TlsFiles;

use axum::Router;
use opres_app::Register;
use std::net::SocketAddr;
use std::sync::Arc;
use tower_http::trace::TraceLayer;

/// How the server presents itself.
#[derive(Clone, Debug, Default)]
pub struct WebConfig {
    /// Served over TLS: cookies get `Secure` and responses `Strict-Transport-Security`.
    pub tls: bool,
}

/// What every handler can reach.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The failure register.
    pub register: Register,
    /// Server settings.
    pub config: WebConfig,
    /// Failed sign-in counters.
    pub throttle: Arc<Throttle>,
    /// The search index that follows the register, and the classifier in use.
    pub analysis: Arc<opres_app::analysis::AnalysisService>,
}

impl AppState {
    /// A state over a register with default settings.
    pub fn new(register: Register) -> AppState {
        AppState {
            register,
            config: WebConfig::default(),
            throttle: Arc::new(Throttle::default()),
            analysis: Arc::new(opres_app::analysis::AnalysisService::new()),
        }
    }
}

/// The whole HTTP application.
pub fn router(state: AppState) -> Router {
    let (routes, _) = routes::build();
    let sessions = auth::session_layer(&state);
    routes
        .fallback(|| async { axum::http::StatusCode::NOT_FOUND })
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::csrf))
        .layer(axum::middleware::from_fn_with_state(state.clone(), edge::language))
        .layer(sessions)
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::security_headers))
        // Every body is bounded before it is read; upload routes set their own, larger limit.
        .layer(axum::extract::DefaultBodyLimit::max(limits::JSON_BODY_MAX))
        .with_state(state)
        .layer(TraceLayer::new_for_http())
}

/// A bound listener, so callers (and tests) learn the real port before serving.
pub struct Server {
    listener: tokio::net::TcpListener,
    app: Router,
    tls: Option<Arc<rustls::ServerConfig>>,
}

impl Server {
    /// Binds `addr` (port 0 picks a free port) for plain HTTP.
    pub async fn bind(addr: SocketAddr, state: AppState) -> std::io::Result<Server> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        Ok(Server { listener, app: router(state), tls: None })
    }

    /// Binds `addr` for HTTPS with the given certificate chain and key (PEM files).
    pub async fn bind_tls(addr: SocketAddr, mut state: AppState, files: &TlsFiles) -> std::io::Result<Server> {
        let config = files.server_config()?;
        state.config.tls = true;
        let listener = tokio::net::TcpListener::bind(addr).await?;
        Ok(Server { listener, app: router(state), tls: Some(config) })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` resolves.
    pub async fn run(self, shutdown: impl std::future::Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        match self.tls {
            None => {
                axum::serve(self.listener, self.app.into_make_service_with_connect_info::<SocketAddr>())
                    .with_graceful_shutdown(shutdown)
                    .await
            }
            Some(config) => tls::serve(self.listener, self.app, config, shutdown).await,
        }
    }
}
