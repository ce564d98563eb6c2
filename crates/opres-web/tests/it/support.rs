use opres_app::Register;
use opres_store::testkit::TestDb;
use opres_web::{AppState, Server};

/// A running server on a free port over a test database; stops when dropped.
pub struct TestApp {
    pub base: String,
    pub http: reqwest::Client,
    _stop: tokio::sync::oneshot::Sender<()>,
}

pub async fn spawn_app(db: &TestDb) -> TestApp {
    let state = AppState { register: Register::new(db.store.clone()) };
    let server = Server::bind("127.0.0.1:0".parse().unwrap(), state).await.unwrap();
    let addr = server.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.run(async {
        let _ = rx.await;
    }));
    TestApp { base: format!("http://{addr}"), http: reqwest::Client::new(), _stop: tx }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}
