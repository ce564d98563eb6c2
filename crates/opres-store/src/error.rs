//! What can go wrong in the store, worded for the people who will read it.

use opres_domain::Lang;

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row does not exist.
    #[error("{what} '{key}' does not exist")]
    NotFound {
        /// institution, system, incident
        what: &'static str,
        /// Its key.
        key: String,
    },
    /// Someone else saved first: the version the edit was based on is stale.
    #[error(
        "{what} '{key}' was changed by someone else (now version {current_version}); reload and apply your change again"
    )]
    Conflict {
        /// institution, system, incident
        what: &'static str,
        /// Its key.
        key: String,
        /// The version now stored.
        current_version: i64,
    },
    /// The key is already taken.
    #[error("{what} '{key}' already exists")]
    AlreadyExists {
        /// institution, system, incident
        what: &'static str,
        /// Its key.
        key: String,
    },
    /// Deleting it would orphan rows that refer to it.
    #[error("{what} '{key}' is still referred to by other records and cannot be deleted")]
    InUse {
        /// institution, system
        what: &'static str,
        /// Its key.
        key: String,
    },
    /// It refers to something that does not exist.
    #[error("{what} '{key}' is not registered")]
    UnknownReference {
        /// institution, system
        what: &'static str,
        /// Its key.
        key: String,
    },
    /// The database holds a value the domain refuses (edited outside opres?).
    #[error("the database holds an invalid value: {0}")]
    Corrupt(String),
    /// The database URL cannot be used.
    #[error("cannot use database URL: {0}")]
    BadUrl(String),
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration failed.
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    /// The message in the given language, for people rather than logs.
    pub fn message(&self, lang: Lang) -> String {
        let what_ja = |w: &str| {
            match w {
                "institution" => "金融機関",
                "system" => "システム",
                "incident" => "障害",
                "dependency map" => "依存関係マップ",
                "scenario" => "シナリオ",
                "scenario run" => "シナリオ実行結果",
                "TLPT programme" => "TLPT プログラム",
                "ATT&CK data" => "ATT&CK データ",
                "classification model" => "分類モデル",
                "reporting regime settings" => "報告制度の設定",
                "reporting regime inputs" => "報告制度の入力",
                "framework" => "フレームワーク",
                "gap assessment" => "ギャップ評価",
                "remediation roadmap" => "改善ロードマップ",
                "framework mapping" => "フレームワーク間の対応付け",
                other => other,
            }
            .to_string()
        };
        match (self, lang) {
            (_, Lang::En) => self.to_string(),
            (StoreError::NotFound { what, key }, Lang::Ja) => format!("{}「{key}」は存在しません", what_ja(what)),
            (StoreError::Conflict { what, key, current_version }, Lang::Ja) => format!(
                "{}「{key}」は他の利用者が先に更新しました（現在の版: {current_version}）。再読み込みしてから変更し直してください",
                what_ja(what)
            ),
            (StoreError::AlreadyExists { what, key }, Lang::Ja) => {
                format!("{}「{key}」は既に登録されています", what_ja(what))
            }
            (StoreError::InUse { what, key }, Lang::Ja) => {
                format!("{}「{key}」は他のデータから参照されているため削除できません", what_ja(what))
            }
            (StoreError::UnknownReference { what, key }, Lang::Ja) => {
                format!("{}「{key}」は登録されていません", what_ja(what))
            }
            (StoreError::Corrupt(m), Lang::Ja) => format!("データベースに不正な値があります: {m}"),
            (StoreError::BadUrl(m), Lang::Ja) => format!("データベースURLを使用できません: {m}"),
            (StoreError::Database(e), Lang::Ja) => format!("データベースエラー: {e}"),
            (StoreError::Migrate(e), Lang::Ja) => format!("データベースの移行に失敗しました: {e}"),
        }
    }
}
