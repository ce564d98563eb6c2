use opres_app::{NewUser, Register};
use opres_store::testkit::TestDb;
use opres_store::{AuditContext, Role, UserScope};
use opres_web::{AppState, Server};

pub const PASSWORD: &str = "correct horse battery";

/// A running server on a free port over a test database; stops when dropped.
pub struct TestApp {
    pub base: String,
    /// Signed in as an all-institution administrator with an API token.
    pub http: reqwest::Client,
    pub register: Register,
    _stop: tokio::sync::oneshot::Sender<()>,
}

pub async fn spawn_app(db: &TestDb) -> TestApp {
    spawn_with(db, AppState::new(Register::new(db.store.clone()))).await
}

pub async fn spawn_with(db: &TestDb, state: AppState) -> TestApp {
    let register = Register::new(db.store.clone());
    let server = Server::bind("127.0.0.1:0".parse().unwrap(), state).await.unwrap();
    let addr = server.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.run(async {
        let _ = rx.await;
    }));
    let admin = match db.store.user_by_username("root").await.unwrap() {
        Some((u, _)) => u,
        None => add_user(&register, "root", Role::Admin, UserScope::All).await,
    };
    let (_, secret) = register.create_token(&admin, "tests", &AuditContext::new("test")).await.unwrap();
    TestApp { base: format!("http://{addr}"), http: token_client(&secret), register, _stop: tx }
}

pub async fn add_user(
    register: &Register,
    name: &str,
    role: Role,
    scope: UserScope,
) -> opres_store::Stored<opres_store::User> {
    register
        .add_user(
            NewUser { username: name.into(), display_name: name.into(), password: PASSWORD.into(), role, scope },
            &AuditContext::new("test"),
        )
        .await
        .unwrap()
}

/// A new user with this role and scope, and an API client holding a token of theirs.
pub async fn api_client(app: &TestApp, name: &str, role: Role, scope: UserScope) -> reqwest::Client {
    let user = add_user(&app.register, name, role, scope).await;
    let (_, secret) = app.register.create_token(&user, "t", &AuditContext::new("test")).await.unwrap();
    token_client(&secret)
}

pub fn token_client(secret: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::AUTHORIZATION, format!("Bearer {secret}").parse().unwrap());
    reqwest::Client::builder().default_headers(headers).build().unwrap()
}

/// A browser-like client: keeps cookies, does not follow redirects (tests look at them).
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}
