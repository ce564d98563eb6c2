//! Every route of the application, registered through one builder that also records it, so
//! tests (the authorisation matrix, the OpenAPI check) enumerate the real router and a new route
//! cannot be forgotten.

use crate::AppState;
use axum::Router;
use axum::handler::Handler;
use axum::routing::{delete, get, post, put};

/// One method on one path, as registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RouteInfo {
    /// `GET`, `POST`, `PUT` or `DELETE`.
    pub method: &'static str,
    /// The path pattern, e.g. `/api/v1/incidents/{id}`.
    pub path: &'static str,
}

/// A router under construction and the table of what it serves.
pub(crate) struct Routes {
    router: Router<AppState>,
    table: Vec<RouteInfo>,
}

macro_rules! method {
    ($name:ident, $routing:ident, $m:literal) => {
        pub(crate) fn $name<H, T>(mut self, path: &'static str, handler: H) -> Self
        where
            H: Handler<T, AppState>,
            T: 'static,
        {
            self.table.push(RouteInfo { method: $m, path });
            self.router = self.router.route(path, $routing(handler));
            self
        }
    };
}

impl Routes {
    fn new() -> Routes {
        Routes { router: Router::new(), table: Vec::new() }
    }

    method!(get, get, "GET");
    method!(post, post, "POST");
    method!(put, put, "PUT");
    method!(delete, delete, "DELETE");

    /// Records a route served by a merged service.
    pub(crate) fn record(mut self, method: &'static str, path: &'static str) -> Self {
        self.table.push(RouteInfo { method, path });
        self
    }

    /// Mounts a service that is not a handler (Swagger UI) and records its entry point.
    pub(crate) fn merge_service(mut self, entry: &'static str, router: Router<AppState>) -> Self {
        self.table.push(RouteInfo { method: "GET", path: entry });
        self.router = self.router.merge(router);
        self
    }
}

/// Builds the router and its table.
pub(crate) fn build() -> (Router<AppState>, Vec<RouteInfo>) {
    let r = Routes::new();
    let r = crate::assets::routes(r);
    let r = crate::views::routes(r);
    let r = crate::api::routes(r);
    let r = crate::openapi::routes(r);
    (r.router, r.table)
}

/// Every route the application serves.
pub fn route_table() -> Vec<RouteInfo> {
    let mut t = build().1;
    t.sort();
    t
}
