//! Validation problems, named by field, worded for a risk analyst in both languages.

use crate::lang::Lang;
use crate::time::TimestampError;
use std::fmt;

/// What is wrong with one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A required field is empty.
    Required,
    /// A timestamp without a time zone offset.
    TimestampWithoutOffset { value: String },
    /// Not a date-time at all.
    TimestampMalformed { value: String },
    /// A code that is not in the list (trend, channel, …).
    UnknownCode { value: String, expected: Vec<&'static str> },
    /// A number that cannot be negative was negative.
    Negative { value: String },
    /// Not a whole number.
    NotANumber { value: String },
    /// Not `true`/`false`.
    NotABoolean { value: String },
    /// A time that must not come before another one does.
    Before { other_field: &'static str },
    /// A field that needs another one to be set first.
    Requires { other_field: &'static str },
    /// The trend does not belong to the trigger.
    TrendNotOfTrigger { trend: String, trigger: String },
    /// An incident whose trigger is `cyber` must be marked as a cyber attack.
    CyberTriggerNotMarkedCyber,
    /// Too long: more than `max` characters.
    TooLong { max: usize },
    /// A file (an upload) larger than `max_bytes`.
    FileTooLarge { max_bytes: u64 },
    /// A list with more than `max` entries.
    TooMany { max: usize },
    /// A control character other than tab and line breaks (NUL, escape, …), at `position`
    /// (1-based, in characters).
    ControlCharacter { code_point: u32, position: usize },
    /// Malformed identifier (LEI, code).
    BadFormat { value: String, hint: &'static str },
    /// The same value twice where it must be unique.
    Duplicate { value: String },
    /// A reference to something that does not exist.
    UnknownReference { value: String },
    /// A key already registered (with other content, for institutions and systems).
    AlreadyRegistered { value: String },
    /// A number outside its allowed range (a maturity above the scale, a progress over 100 %).
    OutOfRange { value: String, min: i64, max: i64 },
}

impl Problem {
    /// The reason, in the given language.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (Problem::Required, Lang::Ja) => "必須項目です".into(),
            (Problem::Required, Lang::En) => "is required".into(),
            (Problem::TimestampWithoutOffset { value }, Lang::Ja) => {
                format!("「{value}」にタイムゾーンがありません。2024-05-01T09:30:00+09:00 のように時差を付けてください")
            }
            (Problem::TimestampWithoutOffset { value }, Lang::En) => {
                format!("'{value}' has no time zone; write it with an offset, e.g. 2024-05-01T09:30:00+09:00")
            }
            (Problem::TimestampMalformed { value }, Lang::Ja) => {
                format!("「{value}」は日時として読めません（例: 2024-05-01T09:30:00+09:00）")
            }
            (Problem::TimestampMalformed { value }, Lang::En) => {
                format!("'{value}' is not a date-time (expected e.g. 2024-05-01T09:30:00+09:00)")
            }
            (Problem::UnknownCode { value, expected }, Lang::Ja) => {
                format!("「{value}」は使用できないコードです。使用できるコード: {}", expected.join(", "))
            }
            (Problem::UnknownCode { value, expected }, Lang::En) => {
                format!("'{value}' is not a known code; use one of: {}", expected.join(", "))
            }
            (Problem::Negative { value }, Lang::Ja) => format!("{value} は負の数です。0以上にしてください"),
            (Problem::Negative { value }, Lang::En) => format!("{value} is negative; it must be 0 or more"),
            (Problem::NotANumber { value }, Lang::Ja) => format!("「{value}」は整数ではありません"),
            (Problem::NotANumber { value }, Lang::En) => format!("'{value}' is not a whole number"),
            (Problem::NotABoolean { value }, Lang::Ja) => {
                format!("「{value}」は true / false（はい / いいえ）ではありません")
            }
            (Problem::NotABoolean { value }, Lang::En) => format!("'{value}' is not true or false"),
            (Problem::Before { other_field }, Lang::Ja) => format!("{other_field} より前の日時になっています"),
            (Problem::Before { other_field }, Lang::En) => format!("is earlier than {other_field}"),
            (Problem::Requires { other_field }, Lang::Ja) => format!("{other_field} が未入力のため設定できません"),
            (Problem::Requires { other_field }, Lang::En) => format!("cannot be set while {other_field} is empty"),
            (Problem::TrendNotOfTrigger { trend, trigger }, Lang::Ja) => {
                format!("障害傾向 {trend} は発生の端緒 {trigger} に属しません")
            }
            (Problem::TrendNotOfTrigger { trend, trigger }, Lang::En) => {
                format!("trend {trend} does not belong to trigger {trigger}")
            }
            (Problem::CyberTriggerNotMarkedCyber, Lang::Ja) => {
                "発生の端緒がサイバー攻撃等（cyber）の場合、サイバー攻撃フラグを true にしてください".into()
            }
            (Problem::CyberTriggerNotMarkedCyber, Lang::En) => {
                "the trigger is cyber, so the incident must be marked as a cyber attack".into()
            }
            (Problem::TooLong { max }, Lang::Ja) => format!("{max} 文字以内にしてください"),
            (Problem::TooLong { max }, Lang::En) => format!("must be at most {max} characters"),
            (Problem::FileTooLarge { max_bytes }, Lang::Ja) => {
                format!("ファイルが上限の {} MB を超えています", max_bytes / (1024 * 1024))
            }
            (Problem::FileTooLarge { max_bytes }, Lang::En) => {
                format!("the file is larger than the limit of {} MB", max_bytes / (1024 * 1024))
            }
            (Problem::TooMany { max }, Lang::Ja) => format!("{max} 件以内にしてください"),
            (Problem::TooMany { max }, Lang::En) => format!("must have at most {max} entries"),
            (Problem::ControlCharacter { code_point, position }, Lang::Ja) => format!(
                "{position} 文字目に制御文字（U+{code_point:04X}）が含まれています。使用できる制御文字はタブと改行だけです"
            ),
            (Problem::ControlCharacter { code_point, position }, Lang::En) => format!(
                "contains the control character U+{code_point:04X} at character {position}; only tabs and line breaks are allowed"
            ),
            (Problem::BadFormat { value, hint }, Lang::Ja) => format!("「{value}」の形式が正しくありません（{hint}）"),
            (Problem::BadFormat { value, hint }, Lang::En) => format!("'{value}' is not well-formed ({hint})"),
            (Problem::Duplicate { value }, Lang::Ja) => format!("「{value}」が重複しています"),
            (Problem::Duplicate { value }, Lang::En) => format!("'{value}' appears more than once"),
            (Problem::UnknownReference { value }, Lang::Ja) => format!("「{value}」は登録されていません"),
            (Problem::UnknownReference { value }, Lang::En) => format!("'{value}' does not exist"),
            (Problem::AlreadyRegistered { value }, Lang::Ja) => {
                format!("「{value}」は既に登録されています（登録済みの内容の変更は画面または API で行ってください）")
            }
            (Problem::AlreadyRegistered { value }, Lang::En) => {
                format!("'{value}' is already registered (change registered records in the UI or the API)")
            }
            (Problem::OutOfRange { value, min, max }, Lang::Ja) => {
                format!("「{value}」は範囲外です（{min}〜{max} で入力してください）")
            }
            (Problem::OutOfRange { value, min, max }, Lang::En) => format!("'{value}' is outside {min}–{max}"),
        }
    }

    /// A stable machine-readable kind, for API clients.
    pub fn kind(&self) -> &'static str {
        match self {
            Problem::Required => "required",
            Problem::TimestampWithoutOffset { .. } => "timestamp_without_offset",
            Problem::TimestampMalformed { .. } => "timestamp_malformed",
            Problem::UnknownCode { .. } => "unknown_code",
            Problem::Negative { .. } => "negative",
            Problem::NotANumber { .. } => "not_a_number",
            Problem::NotABoolean { .. } => "not_a_boolean",
            Problem::Before { .. } => "before",
            Problem::Requires { .. } => "requires",
            Problem::TrendNotOfTrigger { .. } => "trend_not_of_trigger",
            Problem::CyberTriggerNotMarkedCyber => "cyber_trigger_not_marked_cyber",
            Problem::TooLong { .. } => "too_long",
            Problem::TooMany { .. } => "too_many",
            Problem::FileTooLarge { .. } => "file_too_large",
            Problem::ControlCharacter { .. } => "control_character",
            Problem::BadFormat { .. } => "bad_format",
            Problem::Duplicate { .. } => "duplicate",
            Problem::UnknownReference { .. } => "unknown_reference",
            Problem::AlreadyRegistered { .. } => "already_registered",
            Problem::OutOfRange { .. } => "out_of_range",
        }
    }

    pub(crate) fn from_timestamp(err: TimestampError, value: &str) -> Problem {
        match err {
            TimestampError::NoOffset => Problem::TimestampWithoutOffset { value: value.to_string() },
            TimestampError::Malformed => Problem::TimestampMalformed { value: value.to_string() },
        }
    }
}

/// One problem with one field, named by its interchange name (`occurred_at`, `trend`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The snake_case field name used in JSON and CSV.
    pub field: String,
    /// What is wrong.
    pub problem: Problem,
}

impl FieldError {
    /// `field: reason` in the given language.
    pub fn message(&self, lang: Lang) -> String {
        format!("{}: {}", self.field, self.problem.message(lang))
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

/// Every problem found in one record; never only the first.
#[derive(Debug, Clone, PartialEq, Eq, Default, thiserror::Error)]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
    /// Records a problem with a field.
    pub fn push(&mut self, field: impl Into<String>, problem: Problem) {
        self.0.push(FieldError { field: field.into(), problem });
    }

    /// Whether nothing was found.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The problems, in the order found.
    pub fn iter(&self) -> impl Iterator<Item = &FieldError> {
        self.0.iter()
    }

    /// `Ok(value)` if nothing was found, else the problems.
    pub fn into_result<T>(self, value: impl FnOnce() -> T) -> Result<T, ValidationErrors> {
        if self.0.is_empty() { Ok(value()) } else { Err(self) }
    }

    /// All problems joined with `; `, in the given language.
    pub fn message(&self, lang: Lang) -> String {
        self.0.iter().map(|e| e.message(lang)).collect::<Vec<_>>().join("; ")
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}
