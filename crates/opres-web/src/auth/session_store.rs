//! tower-sessions' store over the register's own database (sqlx 0.9, through `opres_app::Sessions`), so
//! sessions survive a restart and several servers can share one PostgreSQL.

use chrono::{DateTime, Utc};
use opres_app::Sessions;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

/// Sessions in the `sessions` table.
#[derive(Clone)]
pub(crate) struct StoreSessions {
    sessions: Sessions,
}

impl std::fmt::Debug for StoreSessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoreSessions")
    }
}

impl StoreSessions {
    pub(crate) fn new(sessions: Sessions) -> StoreSessions {
        StoreSessions { sessions }
    }
}

/// The account signed in on a session, kept in its own column so that the application can end an
/// account's sessions (password change, narrower rights, disabled account).
fn owner(record: &Record) -> Option<i64> {
    record.data.get(super::USER_ID).and_then(serde_json::Value::as_i64)
}

fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

fn to_chrono(t: time::OffsetDateTime) -> DateTime<Utc> {
    DateTime::from_timestamp(t.unix_timestamp(), t.nanosecond()).unwrap_or_else(Utc::now)
}

fn to_time(t: DateTime<Utc>) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp(t.timestamp()).unwrap_or_else(|_| time::OffsetDateTime::now_utc())
}

#[async_trait::async_trait]
impl SessionStore for StoreSessions {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let data = serde_json::to_string(&record.data).map_err(|e| session_store::Error::Encode(e.to_string()))?;
        // A colliding id (2^-128) gets a new one rather than another user's session.
        while !self
            .sessions
            .create(&record.id.to_string(), owner(record), &data, to_chrono(record.expiry_date))
            .await
            .map_err(backend)?
        {
            record.id = Id::default();
        }
        Ok(())
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let data = serde_json::to_string(&record.data).map_err(|e| session_store::Error::Encode(e.to_string()))?;
        self.sessions
            .save(&record.id.to_string(), owner(record), &data, to_chrono(record.expiry_date))
            .await
            .map_err(backend)
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let Some((data, expires)) = self.sessions.load(&id.to_string()).await.map_err(backend)? else {
            return Ok(None);
        };
        let data = serde_json::from_str(&data).map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(Record { id: *id, data, expiry_date: to_time(expires) }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.sessions.delete(&id.to_string()).await.map_err(backend)
    }
}
