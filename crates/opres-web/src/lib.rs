//! The HTTP front end: the REST API under `/api/v1` and a start page. Handlers translate HTTP
//! into calls on the application services and results into JSON; no rules live here.

mod api;
mod error;
mod lang;
mod start_page;

pub use error::ApiError;

use axum::Router;
use opres_app::Register;
use std::net::SocketAddr;
use tower_http::trace::TraceLayer;

/// What every handler can reach.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The failure register.
    pub register: Register,
}

/// The whole HTTP application.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(start_page::router())
        .nest("/api/v1", api::router())
        .with_state(state)
        .layer(TraceLayer::new_for_http())
}

/// A bound listener, so callers (and tests) learn the real port before serving.
pub struct Server {
    listener: tokio::net::TcpListener,
    app: Router,
}

impl Server {
    /// Binds `addr` (port 0 picks a free port).
    pub async fn bind(addr: SocketAddr, state: AppState) -> std::io::Result<Server> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        Ok(Server { listener, app: router(state) })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` resolves.
    pub async fn run(self, shutdown: impl std::future::Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        axum::serve(self.listener, self.app).with_graceful_shutdown(shutdown).await
    }
}
