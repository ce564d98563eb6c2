//! Test databases: each test gets its own SQLite file or PostgreSQL schema, so tests run in
//! parallel. PostgreSQL is used when `OPRES_TEST_POSTGRES_URL` is set (CI sets it).

#![allow(clippy::expect_used, clippy::panic)] // test support: failing loudly is the point

use crate::Store;
use rand::RngExt;

/// The environment variable naming the PostgreSQL server for tests.
pub const POSTGRES_URL_VAR: &str = "OPRES_TEST_POSTGRES_URL";

/// A database that exists for one test.
pub struct TestDb {
    /// The store over it.
    pub store: Store,
    /// The URL it was opened with (to open a second store on the same data).
    pub url: String,
    schema: Option<(sqlx::PgPool, String)>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// A fresh SQLite file in a temporary directory.
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = dir.path().join("test.db").to_string_lossy().into_owned();
        let store = Store::connect(&url).await.expect("open SQLite test database");
        TestDb { store, url, schema: None, _dir: Some(dir) }
    }

    /// A fresh schema on the PostgreSQL server named by `OPRES_TEST_POSTGRES_URL`.
    pub async fn postgres() -> TestDb {
        let base = std::env::var(POSTGRES_URL_VAR).unwrap_or_else(|_| panic!("{POSTGRES_URL_VAR} is not set"));
        let admin = sqlx::PgPool::connect(&base)
            .await
            .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {POSTGRES_URL_VAR}: {e}"));
        let schema = format!("opres_test_{:016x}", rand::rng().random::<u64>());
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(&admin)
            .await
            .expect("create schema");
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}options[search_path]={schema}");
        let store = Store::connect(&url).await.expect("open PostgreSQL test schema");
        TestDb { store, url, schema: Some((admin, schema)), _dir: None }
    }

    /// Closes the store and drops the PostgreSQL schema (SQLite's directory goes on drop).
    pub async fn finish(self) {
        self.store.close().await;
        if let Some((admin, schema)) = &self.schema {
            let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE"))).execute(admin).await;
        }
    }
}

/// Declares one async test per engine: `mod NAME { sqlite, postgres }`. The PostgreSQL test is
/// ignored (and says why) unless the crate was built with `OPRES_TEST_POSTGRES_URL` set; the
/// calling crate needs the same small build script as `opres-store`.
#[macro_export]
macro_rules! engine_tests {
    ($name:ident, |$db:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn run($db: &$crate::testkit::TestDb) $body

            #[tokio::test]
            async fn sqlite() {
                let db = $crate::testkit::TestDb::sqlite().await;
                run(&db).await;
                db.finish().await;
            }

            #[tokio::test]
            #[cfg_attr(not(postgres_tests), ignore = "PostgreSQL skipped: set OPRES_TEST_POSTGRES_URL to run it")]
            async fn postgres() {
                let db = $crate::testkit::TestDb::postgres().await;
                run(&db).await;
                db.finish().await;
            }
        }
    };
}
