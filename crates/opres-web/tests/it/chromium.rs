//! Headless Chromium over WebDriver for the browser tests: one chromedriver per test on a free
//! port, a Japanese-preferring browser profile, full-page screenshots to `target/screenshots/`.
//!
//! The tests that use it run when `OPRES_TEST_CHROMEDRIVER` names a chromedriver binary (Debian:
//! chromium-driver) at build time; otherwise they are listed as ignored.

use crate::support::{PASSWORD, TestApp};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running chromedriver, killed when dropped.
pub(crate) struct Driver {
    child: Child,
    port: u16,
    profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts chromedriver on a free port and waits until it listens.
pub(crate) async fn start_driver() -> Driver {
    let bin = std::env::var("OPRES_TEST_CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(&bin)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start chromedriver '{bin}': {e}"));
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Driver { child, port, profile: tempfile::tempdir().unwrap() }
}

/// A headless Chromium session that prefers Japanese.
pub(crate) async fn client(driver: &Driver) -> Client {
    // The WebDriver client's TLS stack needs a process-wide provider; ring is the one we build.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .unwrap_or("/usr/bin/chromium");
    let args = vec![
        "--headless".to_string(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-dev-shm-usage".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-sync".into(),
        "--no-first-run".into(),
        "--disable-quic".into(),
        "--lang=ja".into(),
        "--window-size=1366,1000".into(),
        format!("--user-data-dir={}", driver.profile.path().display()),
    ];
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({ "binary": chromium, "args": args, "prefs": { "intl.accept_languages": "ja,en" } }),
    );
    ClientBuilder::rustls()
        .unwrap()
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("WebDriver session")
}

fn shots_dir() -> PathBuf {
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let dir = target.join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A full-page screenshot to `target/screenshots/<name>.png`: the window grows to the document first.
pub(crate) async fn shot(c: &Client, name: &str) {
    let h = c.execute("return document.documentElement.scrollHeight", vec![]).await.unwrap();
    let h = h.as_u64().unwrap_or(1000).clamp(700, 6000) as u32;
    c.set_window_size(1366, h).await.unwrap();
    let png = c.screenshot().await.unwrap();
    std::fs::write(shots_dir().join(format!("{name}.png")), png).unwrap();
    c.set_window_size(1366, 1000).await.unwrap();
}

/// The element's text; retried when the page replaces the element between finding and reading it
/// (a navigation still in progress makes the first handle stale).
pub(crate) async fn text(c: &Client, css: &str) -> String {
    for _ in 0..20 {
        let el = c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css(css)).await.unwrap();
        match el.text().await {
            Ok(t) => return t,
            Err(_) => tokio::time::sleep(Duration::from_millis(250)).await,
        }
    }
    panic!("element {css} kept going stale");
}

/// The element's text once it equals `expected`, or its last text after ten seconds: for reads
/// right after a click that navigates, where the old page may still be showing.
pub(crate) async fn text_once(c: &Client, css: &str, expected: &str) -> String {
    text_when(c, css, |t| t == expected).await
}

/// The element's text once it contains `needle`, or its last text after ten seconds (see
/// [`text_once`]).
pub(crate) async fn text_containing(c: &Client, css: &str, needle: &str) -> String {
    text_when(c, css, |t| t.contains(needle)).await
}

async fn text_when(c: &Client, css: &str, ready: impl Fn(&str) -> bool) -> String {
    let mut last = String::new();
    for _ in 0..40 {
        last = text(c, css).await;
        if ready(&last) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    last
}

/// Signs `username` in through the login form and waits for the signed-in page.
pub(crate) async fn sign_in(c: &Client, app: &TestApp, username: &str) {
    c.goto(&app.url("/login")).await.unwrap();
    c.find(Locator::Id("username")).await.unwrap().send_keys(username).await.unwrap();
    c.find(Locator::Id("password")).await.unwrap().send_keys(PASSWORD).await.unwrap();
    c.find(Locator::Id("sign-in")).await.unwrap().click().await.unwrap();
    c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("header nav")).await.unwrap();
}
