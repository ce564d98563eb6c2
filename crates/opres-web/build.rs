// PostgreSQL tests run only when OPRES_TEST_POSTGRES_URL names a server, and browser tests only
// when OPRES_TEST_CHROMEDRIVER names a chromedriver binary; without them the tests are compiled
// as `#[ignore]`d so `cargo test` lists them as ignored (with the reason) instead of passing.
fn main() {
    println!("cargo::rustc-check-cfg=cfg(postgres_tests)");
    println!("cargo::rustc-check-cfg=cfg(browser_tests)");
    println!("cargo::rerun-if-env-changed=OPRES_TEST_POSTGRES_URL");
    println!("cargo::rerun-if-env-changed=OPRES_TEST_CHROMEDRIVER");
    if std::env::var("OPRES_TEST_POSTGRES_URL").is_ok_and(|v| !v.is_empty()) {
        println!("cargo::rustc-cfg=postgres_tests");
    }
    if std::env::var("OPRES_TEST_CHROMEDRIVER").is_ok_and(|v| !v.is_empty()) {
        println!("cargo::rustc-cfg=browser_tests");
    }
}
