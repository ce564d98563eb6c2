//! Errors of the TLPT engine, worded for a risk analyst in Japanese and English.

use crate::attack::StixError;
use opres_domain::{Lang, ValidationErrors};

/// Why a TLPT operation failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TlptError {
    /// The programme file is not JSON of the expected shape.
    #[error("the TLPT programme file could not be read at line {line}, column {column}: {reason}")]
    Json {
        /// Line (1-based).
        line: usize,
        /// Column (1-based).
        column: usize,
        /// The parser's reason (names the field or code).
        reason: String,
    },
    /// The programme was read but breaks rules (references, times, uniqueness).
    #[error("the TLPT programme has problems: {0}")]
    Invalid(ValidationErrors),
    /// No engagement has this id.
    #[error("there is no engagement '{0}' in the TLPT programme")]
    UnknownEngagement(String),
    /// No finding has this id.
    #[error("there is no finding '{0}' in the TLPT programme")]
    UnknownFinding(String),
    /// No rollout record at this position.
    #[error("there is no rollout record number {0} in the TLPT programme")]
    UnknownRolloutRecord(usize),
    /// An ATT&CK bundle could not be imported.
    #[error(transparent)]
    Stix(#[from] StixError),
}

impl TlptError {
    /// The message in the given language.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (TlptError::Json { line, column, reason }, Lang::Ja) => {
                format!("TLPTプログラムのファイルを読み込めません（{line}行{column}列）: {reason}")
            }
            (TlptError::Invalid(errs), Lang::Ja) => {
                format!("TLPTプログラムに{}件の問題があります: {}", errs.0.len(), errs.message(Lang::Ja))
            }
            (TlptError::Invalid(errs), Lang::En) => {
                format!("the TLPT programme has {} problem(s): {}", errs.0.len(), errs.message(Lang::En))
            }
            (TlptError::UnknownEngagement(id), Lang::Ja) => format!("TLPT「{id}」は登録されていません"),
            (TlptError::UnknownFinding(id), Lang::Ja) => format!("発見事項「{id}」は登録されていません"),
            (TlptError::UnknownRolloutRecord(i), Lang::Ja) => format!("横展開の記録（{i}番）は登録されていません"),
            (TlptError::Stix(e), lang) => e.message(lang),
            (e, Lang::En) => e.to_string(),
        }
    }
}
