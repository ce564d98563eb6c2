//! The two engines. Each engine module compiles the same query code (`queries.rs`) against its
//! own sqlx driver: the SQL and the row mapping are written once, but every function is concrete
//! (no generic-over-database bounds), and `sqlx::Any` is avoided because it lacks time types.

use crate::StoreError;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

#[derive(Clone)]
pub(crate) enum Pool {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

pub(crate) mod sqlite {
    type DB = sqlx::Sqlite;
    /// SQLite takes the write lock up front so a read-then-write transaction cannot fail to upgrade.
    const BEGIN_WRITE: &str = "BEGIN IMMEDIATE";
    /// SQLite's LIKE is already case-insensitive for ASCII.
    const LIKE: &str = "LIKE";
    /// Bind parameters per statement stay well under SQLite's limit of 32766.
    const MAX_BINDS: usize = 30_000;
    /// BEGIN IMMEDIATE already holds the only write lock.
    const FOR_UPDATE: &str = "";
    include!("queries.rs");
    include!("queries_access.rs");
    include!("queries_documents.rs");
}

pub(crate) mod postgres {
    type DB = sqlx::Postgres;
    const BEGIN_WRITE: &str = "BEGIN";
    const LIKE: &str = "ILIKE";
    /// PostgreSQL's protocol allows 65535 parameters per statement.
    const MAX_BINDS: usize = 60_000;
    /// Row lock on the audit head: concurrent writers append one after another.
    const FOR_UPDATE: &str = " FOR UPDATE";
    include!("queries.rs");
    include!("queries_access.rs");
    include!("queries_documents.rs");
}

pub(crate) async fn connect(url: &str) -> Result<Pool, StoreError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let opts = PgConnectOptions::from_str(url).map_err(|e| StoreError::BadUrl(e.to_string()))?;
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(opts)
            .await?;
        sqlx::migrate!("migrations/postgres").run(&pool).await?;
        return Ok(Pool::Postgres(pool));
    }
    let memory = url == "sqlite::memory:" || url == ":memory:";
    let opts = if memory {
        SqliteConnectOptions::from_str("sqlite::memory:").map_err(|e| StoreError::BadUrl(e.to_string()))?
    } else if url.starts_with("sqlite:") {
        SqliteConnectOptions::from_str(url).map_err(|e| StoreError::BadUrl(e.to_string()))?
    } else if url.contains("://") {
        return Err(StoreError::BadUrl(format!(
            "'{}' is neither a PostgreSQL URL (postgres://…) nor an SQLite file",
            url.split('@').next_back().unwrap_or(url)
        )));
    } else {
        SqliteConnectOptions::new().filename(url)
    };
    let opts = opts
        .create_if_missing(true)
        .foreign_keys(true)
        .journal_mode(if memory { SqliteJournalMode::Memory } else { SqliteJournalMode::Wal })
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(10));
    // An in-memory database lives in one connection; a file serves several readers under WAL.
    let pool = SqlitePoolOptions::new().max_connections(if memory { 1 } else { 8 }).connect_with(opts).await?;
    sqlx::migrate!("migrations/sqlite").run(&pool).await?;
    Ok(Pool::Sqlite(pool))
}
