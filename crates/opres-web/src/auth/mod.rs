//! Who is calling: a signed-in browser (session cookie) or an API client (personal token), and
//! what they may do. Failed sign-ins are throttled per user name and per address.

mod session_store;

use crate::AppState;
use crate::error::ApiError;
use crate::lang::lang_of;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use opres_app::{Permission, allows};
use opres_domain::{InstitutionCode, Lang};
use opres_store::{AuditContext, Stored, User};
use rand::RngExt;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, Session, SessionManagerLayer};

pub(crate) use session_store::StoreSessions;

/// Session keys.
pub(crate) const USER_ID: &str = "user_id";
pub(crate) const CSRF: &str = "csrf";
pub(crate) const LANG: &str = "lang";

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "opres_session";

/// Sessions end after eight hours without a request.
pub(crate) fn session_layer(state: &AppState) -> SessionManagerLayer<StoreSessions> {
    SessionManagerLayer::new(StoreSessions::new(state.register.sessions()))
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.config.tls)
        .with_expiry(Expiry::OnInactivity(time::Duration::hours(8)))
}

/// How the caller proved who they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// A browser session.
    Session,
    /// A personal API token.
    Token {
        /// Token row id.
        id: i64,
        /// Its name.
        name: String,
    },
}

/// The signed-in user behind a request.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The account.
    pub user: Stored<User>,
    /// How they signed in.
    pub via: Via,
    /// The browser session's id (`None` for a token), so that a password change made from this
    /// session ends the account's other sessions but not this one.
    pub session_id: Option<String>,
}

impl Caller {
    /// Whether the caller's role allows this.
    pub fn can(&self, p: Permission) -> bool {
        allows(self.user.value.role, p)
    }

    /// Whether the caller's scope includes this institution.
    pub fn sees(&self, code: &InstitutionCode) -> bool {
        self.user.value.scope.includes(code)
    }

    /// The institutions the caller sees, as a filter (`None`: all).
    pub fn scope(&self) -> Option<&[InstitutionCode]> {
        self.user.value.scope.as_filter()
    }

    /// Who this is on the audit trail.
    pub fn audit(&self) -> AuditContext {
        match &self.via {
            Via::Session => AuditContext::new(format!("user:{}", self.user.value.username)),
            Via::Token { name, .. } => AuditContext::new(format!("token:{}/{name}", self.user.value.username)),
        }
    }
}

/// Why no caller could be established.
pub struct Unauthenticated {
    api: bool,
    lang: Lang,
    path: String,
    bad_token: bool,
}

impl IntoResponse for Unauthenticated {
    fn into_response(self) -> Response {
        if self.api {
            let mut r = ApiError::Unauthorized { bad_token: self.bad_token }.into_response_in(self.lang);
            r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"opres\""));
            r
        } else {
            let next = urlencode(&self.path);
            Redirect::to(&format!("/login?next={next}")).into_response()
        }
    }
}

pub(crate) fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn bearer(parts: &Parts) -> Option<&str> {
    let v = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")).map(str::trim)
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Unauthenticated;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(c) = parts.extensions.get::<Caller>() {
            return Ok(c.clone());
        }
        let api = parts.uri.path().starts_with("/api/");
        let reject = |bad_token: bool| Unauthenticated {
            api,
            lang: lang_of(parts),
            path: parts.uri.path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| "/".into()),
            bad_token,
        };
        // A token, when sent, is the only credential considered: a cookie cannot ride along.
        if let Some(secret) = bearer(parts) {
            return match state.register.user_for_token(secret).await {
                Ok(Some((user, token))) => {
                    let c = Caller { user, via: Via::Token { id: token.id, name: token.name }, session_id: None };
                    parts.extensions.insert(c.clone());
                    Ok(c)
                }
                Ok(None) => Err(reject(true)),
                Err(e) => {
                    tracing::error!(error = %e, "token lookup failed");
                    Err(reject(true))
                }
            };
        }
        let Some(session) = parts.extensions.get::<Session>().cloned() else { return Err(reject(false)) };
        let Ok(Some(id)) = session.get::<i64>(USER_ID).await else { return Err(reject(false)) };
        match state.register.session_user(id).await {
            Ok(Some(user)) => {
                let c = Caller { user, via: Via::Session, session_id: session.id().map(|i| i.to_string()) };
                parts.extensions.insert(c.clone());
                Ok(c)
            }
            Ok(_) => {
                // Disabled or deleted since sign-in: the session ends here.
                let _ = session.flush().await;
                Err(reject(false))
            }
            Err(e) => {
                tracing::error!(error = %e, "user lookup failed");
                Err(reject(false))
            }
        }
    }
}

/// An optional caller (pages that also serve signed-out visitors).
pub(crate) struct MaybeCaller(pub Option<Caller>);

impl FromRequestParts<AppState> for MaybeCaller {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(MaybeCaller(Caller::from_request_parts(parts, state).await.ok()))
    }
}

/// The client's address (for throttling and the audit trail); "unknown" when not served by [`crate::Server`].
pub(crate) struct ClientAddr(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let addr =
            parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip().to_string());
        Ok(ClientAddr(addr.unwrap_or_else(|| "unknown".into())))
    }
}

/// A fresh random token (CSRF).
pub(crate) fn random_token() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    hex::encode(bytes)
}

/// The session's CSRF token, created on first use.
pub(crate) async fn csrf_token(session: &Session) -> String {
    if let Ok(Some(t)) = session.get::<String>(CSRF).await {
        return t;
    }
    let t = random_token();
    let _ = session.insert(CSRF, &t).await;
    t
}

/// Failed sign-ins per user name and per client address within a window; past the limit,
/// sign-in is refused without checking the password until the window moves on.
#[derive(Debug)]
pub struct Throttle {
    window: Duration,
    per_user: usize,
    per_address: usize,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle::new(Duration::from_secs(15 * 60), 5, 20)
    }
}

impl Throttle {
    /// At most `per_user` failures per user name and `per_address` per address within `window`.
    pub fn new(window: Duration, per_user: usize, per_address: usize) -> Throttle {
        Throttle { window, per_user, per_address, failures: Mutex::new(HashMap::new()) }
    }

    fn count(&self, key: &str, now: Instant) -> usize {
        let Ok(mut map) = self.failures.lock() else { return 0 };
        let Some(q) = map.get_mut(key) else { return 0 };
        while q.front().is_some_and(|t| now.duration_since(*t) > self.window) {
            q.pop_front();
        }
        q.len()
    }

    /// Whether a sign-in attempt for `username` from `address` may be checked now.
    pub fn allowed(&self, username: &str, address: &str) -> bool {
        let now = Instant::now();
        self.count(&format!("u:{}", username.to_lowercase()), now) < self.per_user
            && self.count(&format!("a:{address}"), now) < self.per_address
    }

    /// Records a failed attempt.
    pub fn failed(&self, username: &str, address: &str) {
        let now = Instant::now();
        if let Ok(mut map) = self.failures.lock() {
            // Bound memory: forget everything if an attacker sprays many names.
            if map.len() > 100_000 {
                map.clear();
            }
            for key in [format!("u:{}", username.to_lowercase()), format!("a:{address}")] {
                map.entry(key).or_default().push_back(now);
            }
        }
    }

    /// Clears a user name's failures after a successful sign-in.
    pub fn succeeded(&self, username: &str) {
        if let Ok(mut map) = self.failures.lock() {
            map.remove(&format!("u:{}", username.to_lowercase()));
        }
    }
}

/// The status for a throttled attempt.
pub(crate) const THROTTLED: StatusCode = StatusCode::TOO_MANY_REQUESTS;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttle_counts_per_user_and_address() {
        let t = Throttle::new(Duration::from_secs(60), 3, 5);
        for _ in 0..3 {
            assert!(t.allowed("Hanako", "10.0.0.1"));
            t.failed("Hanako", "10.0.0.1");
        }
        assert!(!t.allowed("hanako", "10.0.0.9"), "user names are case-insensitive");
        assert!(t.allowed("taro", "10.0.0.1"));
        t.failed("taro", "10.0.0.1");
        t.failed("jiro", "10.0.0.1");
        assert!(!t.allowed("saburo", "10.0.0.1"), "the address is over its limit");
        t.succeeded("hanako");
        assert!(t.allowed("hanako", "10.0.0.2"));
        let short = Throttle::new(Duration::from_millis(0), 1, 1);
        short.failed("a", "b");
        std::thread::sleep(Duration::from_millis(2));
        assert!(short.allowed("a", "b"), "failures age out of the window");
    }
}
