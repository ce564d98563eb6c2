// PostgreSQL tests run only when OPRES_TEST_POSTGRES_URL names a server; without it they are
// compiled as `#[ignore]`d so `cargo test` lists them as ignored instead of silently passing.
fn main() {
    println!("cargo::rustc-check-cfg=cfg(postgres_tests)");
    println!("cargo::rerun-if-env-changed=OPRES_TEST_POSTGRES_URL");
    // The migrations are embedded by sqlx::migrate!: a new or changed file must rebuild the crate.
    println!("cargo::rerun-if-changed=migrations");
    if std::env::var("OPRES_TEST_POSTGRES_URL").is_ok_and(|v| !v.is_empty()) {
        println!("cargo::rustc-cfg=postgres_tests");
    }
}
