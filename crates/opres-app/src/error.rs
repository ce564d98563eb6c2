//! The one error of the application layer. Every use case returns it; each front end maps it
//! once (the web to an HTML page or `application/problem+json`, the CLI to a message and exit
//! code). Messages exist in Japanese and English; internal details are logged, never shown.

use crate::analysis::AnalysisAppError;
use crate::resilience::ResilienceError;
use crate::tlpt::TlptAppError;
use crate::{AccessError, ImportError};
use opres_domain::{Lang, ValidationErrors};
use opres_store::StoreError;
use opres_tlpt::TlptError;

/// A message in both languages (errors are always written in both, unlike data texts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Japanese.
    pub ja: String,
    /// English.
    pub en: String,
}

impl Message {
    /// A message from its two texts.
    pub fn new(ja: impl Into<String>, en: impl Into<String>) -> Message {
        Message { ja: ja.into(), en: en.into() }
    }

    /// A message built by a function of the language (the engines' `message(lang)` methods).
    pub fn of(f: impl Fn(Lang) -> String) -> Message {
        Message { ja: f(Lang::Ja), en: f(Lang::En) }
    }

    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ja => &self.ja,
            Lang::En => &self.en,
        }
    }
}

/// What kind of record an error is about, for messages in the analyst's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Noun {
    /// An institution.
    Institution,
    /// A system of an institution.
    System,
    /// An incident.
    Incident,
    /// A user account.
    User,
    /// An API token.
    Token,
    /// A dependency map.
    Map,
    /// An important business service.
    Service,
    /// An impact tolerance.
    Tolerance,
    /// A scenario.
    Scenario,
    /// A scenario run.
    Run,
    /// A TLPT programme.
    Programme,
    /// A TLPT engagement.
    Engagement,
    /// A TLPT finding.
    Finding,
    /// An ATT&CK catalogue.
    AttackCatalogue,
    /// A gap-assessment framework.
    Framework,
    /// A requirement of a framework.
    Requirement,
    /// A gap assessment.
    GapAssessment,
    /// A remediation action.
    Action,
    /// An institution's remediation roadmap.
    Roadmap,
    /// A mapping between two frameworks.
    Mapping,
    /// A record of another kind.
    Record,
}

impl Noun {
    /// The noun in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        let (ja, en) = match self {
            Noun::Institution => ("金融機関", "institution"),
            Noun::System => ("システム", "system"),
            Noun::Incident => ("障害", "incident"),
            Noun::User => ("ユーザー", "user"),
            Noun::Token => ("API トークン", "API token"),
            Noun::Map => ("依存関係マップ", "dependency map"),
            Noun::Service => ("重要な業務", "important business service"),
            Noun::Tolerance => ("耐性度", "impact tolerance"),
            Noun::Scenario => ("シナリオ", "scenario"),
            Noun::Run => ("シナリオの実行結果", "scenario run"),
            Noun::Programme => ("TLPT プログラム", "TLPT programme"),
            Noun::Engagement => ("TLPT 実施", "TLPT engagement"),
            Noun::Finding => ("指摘事項", "finding"),
            Noun::AttackCatalogue => ("ATT&CK データ", "ATT&CK catalogue"),
            Noun::Framework => ("フレームワーク", "framework"),
            Noun::Requirement => ("要件", "requirement"),
            Noun::GapAssessment => ("ギャップ評価", "gap assessment"),
            Noun::Action => ("改善アクション", "remediation action"),
            Noun::Roadmap => ("改善ロードマップ", "remediation roadmap"),
            Noun::Mapping => ("フレームワーク間の対応付け", "framework mapping"),
            Noun::Record => ("記録", "record"),
        };
        lang.pick(ja, en)
    }
}

/// One problem with the input, located (file, row, field or path) as precisely as known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// The field or path (`occurred_at`, `services[FT].tolerances`), if the problem is with one.
    pub field: Option<String>,
    /// A stable code for the kind of problem (`required`, `unknown_code`, …).
    pub kind: String,
    /// The whole message, place included.
    pub message: Message,
}

/// Why a use case did nothing.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The record does not exist, or is outside the actor's scope (not told apart on purpose).
    #[error("{} '{key}' does not exist", what.label(Lang::En))]
    NotFound {
        /// What kind of record.
        what: Noun,
        /// Its key as the user gave it.
        key: String,
    },
    /// The actor's role does not allow this.
    #[error("your role does not allow this")]
    Forbidden,
    /// The edit was based on a version that is no longer current.
    #[error("{}", message.en)]
    Conflict {
        /// What to tell the user.
        message: Message,
        /// The version now stored (`None` when someone created the record meanwhile).
        current_version: Option<i64>,
    },
    /// An edit that must say which version it is based on did not.
    #[error("send the version you read to change or delete it")]
    VersionRequired,
    /// Refused because of the register's state (already registered, still referred to, …).
    #[error("{}", message.en)]
    Refused {
        /// A stable code (`already_exists`, `in_use`, …).
        kind: &'static str,
        /// What to tell the user.
        message: Message,
    },
    /// The input is invalid: every problem, located.
    #[error("{}", summary.en)]
    Invalid {
        /// One line for the whole.
        summary: Message,
        /// Every problem.
        problems: Vec<Located>,
    },
    /// The request itself could not be read (a body that is not JSON, a malformed header or key):
    /// nothing about the register was looked at.
    #[error("{}", message.en)]
    Malformed {
        /// What could not be read.
        message: Message,
    },
    /// Something failed that the user cannot fix (logged by the front end with an id).
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    /// A record that does not exist (or is not in scope).
    pub fn not_found(what: Noun, key: impl Into<String>) -> AppError {
        AppError::NotFound { what, key: key.into() }
    }

    /// Invalid input with the given problems.
    pub fn invalid(problems: Vec<Located>) -> AppError {
        let n = problems.len();
        AppError::Invalid {
            summary: Message::new(
                format!("{n} 件の問題があるため、何も保存しませんでした"),
                format!("{n} problem(s) found; nothing was saved"),
            ),
            problems,
        }
    }

    /// A request that could not be read.
    pub fn malformed(ja: impl Into<String>, en: impl Into<String>) -> AppError {
        AppError::Malformed { message: Message::new(ja, en) }
    }

    /// One located problem with one field (`field: message` in both languages).
    pub fn invalid_field(field: &str, problem: opres_domain::Problem) -> AppError {
        let mut e = ValidationErrors::default();
        e.push(field, problem);
        e.into()
    }

    /// A stable code for the kind of error (`not_found`, `conflict`, …).
    pub fn kind(&self) -> &'static str {
        match self {
            AppError::NotFound { .. } => "not_found",
            AppError::Forbidden => "forbidden",
            AppError::Conflict { .. } => "conflict",
            AppError::VersionRequired => "precondition_required",
            AppError::Refused { kind, .. } => kind,
            AppError::Invalid { .. } => "validation",
            AppError::Malformed { .. } => "bad_request",
            AppError::Internal(_) => "internal",
        }
    }

    /// The one-line message in `lang` (an internal error says only that one happened).
    pub fn message(&self, lang: Lang) -> String {
        match self {
            AppError::NotFound { what, key } => match lang {
                Lang::Ja => format!("{}「{key}」は見つかりません", what.label(lang)),
                Lang::En => format!("{} '{key}' does not exist", what.label(lang)),
            },
            AppError::Forbidden => lang.pick("この操作を行う権限がありません", "Your role does not allow this").into(),
            AppError::Conflict { message, .. }
            | AppError::Refused { message, .. }
            | AppError::Malformed { message } => message.get(lang).into(),
            AppError::VersionRequired => lang
                .pick("更新・削除には取得時の版を指定してください", "Send the version you read to change or delete it")
                .into(),
            AppError::Invalid { summary, .. } => summary.get(lang).into(),
            AppError::Internal(_) => lang.pick("内部エラーが発生しました", "An internal error occurred").into(),
        }
    }

    /// Every located problem (empty unless [`AppError::Invalid`]).
    pub fn problems(&self) -> &[Located] {
        match self {
            AppError::Invalid { problems, .. } => problems,
            _ => &[],
        }
    }

    /// The version now stored, for a conflict.
    pub fn current_version(&self) -> Option<i64> {
        match self {
            AppError::Conflict { current_version, .. } => *current_version,
            _ => None,
        }
    }
}

fn store_noun(what: &str) -> Noun {
    match what {
        "institution" => Noun::Institution,
        "system" => Noun::System,
        "incident" => Noun::Incident,
        "user" => Noun::User,
        "token" | "api token" => Noun::Token,
        "resilience_map" | "dependency map" => Noun::Map,
        "resilience_scenario" | "scenario" => Noun::Scenario,
        "resilience_run" | "scenario run" => Noun::Run,
        "tlpt_programme" | "TLPT programme" => Noun::Programme,
        "attack_catalogue" | "ATT&CK catalogue" => Noun::AttackCatalogue,
        "gap_framework" | "framework" => Noun::Framework,
        "gap_assessment" | "gap assessment" => Noun::GapAssessment,
        _ => Noun::Record,
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> AppError {
        let message = Message::of(|l| e.message(l));
        match e {
            StoreError::NotFound { what, key } => AppError::NotFound { what: store_noun(what), key },
            StoreError::Conflict { current_version, .. } => {
                AppError::Conflict { message, current_version: Some(current_version) }
            }
            StoreError::AlreadyExists { .. } => AppError::Refused { kind: "already_exists", message },
            StoreError::InUse { .. } => AppError::Refused { kind: "in_use", message },
            // The field that names the missing record: an incident names its systems in
            // `affected_systems`, and everything names its institution in `institution`.
            StoreError::UnknownReference { what, .. } => AppError::Invalid {
                summary: message.clone(),
                problems: vec![Located {
                    field: Some(if what == "system" { "affected_systems" } else { what }.to_string()),
                    kind: "unknown_reference".into(),
                    message,
                }],
            },
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<opres_gap::ImportError> for AppError {
    fn from(e: opres_gap::ImportError) -> AppError {
        let problems =
            e.0.iter()
                .map(|p| Located {
                    field: Some(format!(
                        "{}{}",
                        p.at,
                        if p.field.is_empty() { String::new() } else { format!(" {}", p.field) }
                    )),
                    kind: p.reason.kind().into(),
                    message: Message::of(|l| p.message(l)),
                })
                .collect();
        AppError::invalid(problems)
    }
}

impl From<ValidationErrors> for AppError {
    fn from(e: ValidationErrors) -> AppError {
        let problems = e
            .iter()
            .map(|f| Located {
                field: Some(f.field.clone()),
                kind: f.problem.kind().into(),
                message: Message::of(|l| f.message(l)),
            })
            .collect();
        AppError::Invalid { summary: Message::of(|l| e.message(l)), problems }
    }
}

/// The one-line summary of a refused password (every broken rule), as [`AccessError`] words it.
fn e_weak(problems: &[opres_domain::PasswordProblem], lang: Lang) -> String {
    AccessError::WeakPassword(problems.to_vec()).message(lang)
}

impl From<AccessError> for AppError {
    fn from(e: AccessError) -> AppError {
        match e {
            AccessError::Store(s) => s.into(),
            AccessError::Hashing(h) => AppError::Internal(h),
            AccessError::WeakPassword(problems) => {
                let summary = Message::of(|l| e_weak(&problems, l));
                AppError::Invalid {
                    summary,
                    problems: problems
                        .iter()
                        .map(|p| Located {
                            field: Some("password".into()),
                            kind: p.code().into(),
                            message: Message::of(|l| p.message(l)),
                        })
                        .collect(),
                }
            }
            AccessError::InvalidCredentials | AccessError::Disabled => {
                AppError::Refused { kind: "invalid_credentials", message: Message::of(|l| e.message(l)) }
            }
            other => {
                let message = Message::of(|l| other.message(l));
                AppError::Invalid {
                    summary: message.clone(),
                    problems: vec![Located { field: None, kind: "invalid_account".into(), message }],
                }
            }
        }
    }
}

impl From<ImportError> for AppError {
    fn from(e: ImportError) -> AppError {
        match e {
            ImportError::Store(s) => s.into(),
            other => {
                let mut problems: Vec<Located> = other
                    .problems()
                    .iter()
                    .map(|p| Located {
                        field: p.field.clone(),
                        kind: p.issue.kind().into(),
                        message: Message::of(|l| p.message(l)),
                    })
                    .collect();
                if problems.is_empty() {
                    problems.push(Located {
                        field: None,
                        kind: "unreadable".into(),
                        message: Message::of(|l| other.message(l)),
                    });
                }
                AppError::Invalid { summary: Message::of(|l| other.message(l)), problems }
            }
        }
    }
}

impl From<ResilienceError> for AppError {
    fn from(e: ResilienceError) -> AppError {
        let message = Message::of(|l| e.message(l));
        match e {
            ResilienceError::Invalid(issues) => AppError::Invalid {
                summary: message,
                problems: issues
                    .0
                    .iter()
                    .map(|i| Located {
                        field: i.location.field.clone(),
                        kind: i.problem.kind().into(),
                        message: Message::of(|l| i.message(l)),
                    })
                    .collect(),
            },
            ResilienceError::BadFiles => AppError::Invalid {
                summary: message.clone(),
                problems: vec![Located { field: None, kind: "bad_files".into(), message }],
            },
            ResilienceError::UnknownInstitution(key) => AppError::not_found(Noun::Institution, key),
            ResilienceError::NoMap(key) => AppError::not_found(Noun::Map, key),
            ResilienceError::NotFound { what, key } => AppError::NotFound {
                what: match what {
                    "service" => Noun::Service,
                    "tolerance" => Noun::Tolerance,
                    "scenario" => Noun::Scenario,
                    "run" => Noun::Run,
                    _ => Noun::Record,
                },
                key,
            },
            ResilienceError::Conflict { current_version } => AppError::Conflict { message, current_version },
            ResilienceError::Store(s) => s.into(),
            ResilienceError::Forbidden => AppError::Forbidden,
            ResilienceError::Export(d) | ResilienceError::Corrupt(d) | ResilienceError::Worker(d) => {
                AppError::Internal(d)
            }
        }
    }
}

impl From<TlptAppError> for AppError {
    fn from(e: TlptAppError) -> AppError {
        let message = Message::of(|l| e.message(l));
        if let Some(fields) = e.fields() {
            let mut err = AppError::from(fields.clone());
            if let AppError::Invalid { summary, .. } = &mut err {
                *summary = message;
            }
            return err;
        }
        match e {
            TlptAppError::NoProgramme(key) => AppError::not_found(Noun::Programme, key),
            TlptAppError::UnknownInstitution(key) => AppError::not_found(Noun::Institution, key),
            TlptAppError::AlreadyExists(_) => AppError::Refused { kind: "already_exists", message },
            TlptAppError::Conflict { current_version, .. } => {
                AppError::Conflict { message, current_version: Some(current_version) }
            }
            TlptAppError::Store(s) => s.into(),
            TlptAppError::Forbidden => AppError::Forbidden,
            TlptAppError::NoCatalogue => AppError::Refused { kind: "no_attack_catalogue", message },
            TlptAppError::Corrupt { .. } => AppError::Internal(message.en),
            TlptAppError::Engine(TlptError::UnknownEngagement(key)) => AppError::not_found(Noun::Engagement, key),
            TlptAppError::Engine(TlptError::UnknownFinding(key)) => AppError::not_found(Noun::Finding, key),
            TlptAppError::KeyMismatch { .. } => AppError::Invalid {
                summary: message.clone(),
                problems: vec![Located { field: Some("group.code".into()), kind: "key_mismatch".into(), message }],
            },
            TlptAppError::Engine(_) | TlptAppError::Stix(_) | TlptAppError::Form(_) | TlptAppError::Overlay(_) => {
                AppError::Invalid {
                    summary: message.clone(),
                    problems: vec![Located { field: None, kind: "invalid".into(), message }],
                }
            }
        }
    }
}

impl From<AnalysisAppError> for AppError {
    fn from(e: AnalysisAppError) -> AppError {
        match e {
            AnalysisAppError::Store(s) => s.into(),
            AnalysisAppError::Engine(_) => {
                let message = Message::of(|l| e.message(l));
                AppError::Invalid {
                    summary: message.clone(),
                    problems: vec![Located { field: None, kind: "invalid".into(), message }],
                }
            }
            AnalysisAppError::Task(t) => AppError::Internal(t),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_errors_keep_their_meaning() {
        let e: AppError = StoreError::Conflict { what: "incident", key: "X".into(), current_version: 4 }.into();
        assert_eq!((e.kind(), e.current_version()), ("conflict", Some(4)));
        let e: AppError = StoreError::NotFound { what: "incident", key: "RB-1".into() }.into();
        assert_eq!(e.message(Lang::Ja), "障害「RB-1」は見つかりません");
        assert_eq!(e.message(Lang::En), "incident 'RB-1' does not exist");
        let e: AppError = StoreError::InUse { what: "system", key: "CORE".into() }.into();
        assert_eq!(e.kind(), "in_use");
    }

    #[test]
    fn validation_problems_are_all_kept_with_their_fields() {
        let mut v = ValidationErrors::default();
        v.push("occurred_at", opres_domain::Problem::Required);
        v.push("trend", opres_domain::Problem::Required);
        let e = AppError::from(v);
        let fields: Vec<_> = e.problems().iter().filter_map(|p| p.field.as_deref()).collect();
        assert_eq!(fields, ["occurred_at", "trend"]);
        assert_eq!(e.kind(), "validation");
    }
}
