//! Browser sessions, kept in the register's database so they survive a restart and several
//! servers can share one PostgreSQL. The web front end's session layer is their only user.

use crate::{AppError, Register};
use opres_domain::Timestamp;
use opres_store::Store;

/// The session table, as the web front end's session layer reads and writes it.
#[derive(Debug, Clone)]
pub struct Sessions {
    store: Store,
}

impl Register {
    /// The browser sessions.
    pub fn sessions(&self) -> Sessions {
        Sessions { store: self.store.clone() }
    }
}

impl Sessions {
    /// Stores a new session, signed in as `user_id` (`None`: not signed in); `false` if the id is
    /// taken. The owner is kept beside the data so that the account's sessions can be ended.
    pub async fn create(
        &self,
        id: &str,
        user_id: Option<i64>,
        data: &str,
        expires_at: Timestamp,
    ) -> Result<bool, AppError> {
        Ok(self.store.session_create(id, user_id, data, expires_at).await?)
    }

    /// Saves a session's data, if the session still exists: a session ended while one of its
    /// requests was running stays ended.
    pub async fn save(
        &self,
        id: &str,
        user_id: Option<i64>,
        data: &str,
        expires_at: Timestamp,
    ) -> Result<(), AppError> {
        Ok(self.store.session_save(id, user_id, data, expires_at).await?)
    }

    /// A live session's data and expiry.
    pub async fn load(&self, id: &str) -> Result<Option<(String, Timestamp)>, AppError> {
        Ok(self.store.session_load(id).await?)
    }

    /// Ends a session.
    pub async fn delete(&self, id: &str) -> Result<(), AppError> {
        Ok(self.store.session_delete(id).await?)
    }
}
