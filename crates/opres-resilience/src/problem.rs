//! Problems found in resilience data, named by file, row and field, worded in Japanese and English.

use opres_domain::Lang;
use std::fmt;

impl From<opres_domain::codes::UnknownCode> for Problem {
    fn from(e: opres_domain::codes::UnknownCode) -> Problem {
        Problem::UnknownCode { value: e.code, expected: e.expected }
    }
}

/// What is wrong with one value, one record or one file.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// A required field is empty.
    Required,
    /// The same identifier twice where it must be unique.
    Duplicate { value: String },
    /// A reference to a service, process or resource that does not exist.
    UnknownReference { value: String },
    /// A code that is not in the list.
    UnknownCode { value: String, expected: Vec<&'static str> },
    /// An identifier with characters or length not allowed.
    BadIdentifier { value: String },
    /// Not a number.
    NotANumber { value: String },
    /// A number outside its allowed range.
    OutOfRange { value: String, min: String, max: String },
    /// Dependencies that loop back on themselves; the path names every node on the loop.
    Cycle { path: Vec<String> },
    /// k of a k-of-n gate is 0 or larger than the number of dependencies.
    KOutOfRange { k: usize, n: usize },
    /// A failover group needs exactly one primary and one standby.
    FailoverShape { primaries: usize, standbys: usize },
    /// Rows of one node disagree about its gate.
    InconsistentGate { node: String },
    /// An important business service cannot be a dependency of something else.
    ServiceAsDependency { value: String },
    /// A third party needs its provider named.
    ProviderRequired,
    /// Two tolerances of one service for the same regulator.
    RegulatorTwice { value: String },
    /// An important business service without any impact tolerance.
    NoTolerance,
    /// The next review is more than a year after the last one.
    ReviewTooLate { last: String, next: String },
    /// A clock time that is not HH:MM.
    BadTime { value: String },
    /// A date that is not YYYY-MM-DD.
    BadDate { value: String },
    /// The file itself cannot be read (bad JSON, bad CSV quoting, not an XLSX file…).
    Malformed { reason: String },
    /// A workbook past one of the XLSX limits, refused before it was read.
    TooLarge(opres_interchange::xlsx_limits::XlsxLimit),
    /// A worksheet the workbook must have is missing.
    MissingSheet { name: String },
    /// A column the file must have is missing.
    MissingColumn { name: String },
    /// A scenario names nothing to lose.
    NothingLost,
    /// A distribution whose parameters are not ordered min ≤ mode ≤ max, or not positive.
    BadDistribution { reason: String },
}

impl Problem {
    /// The reason, in the given language.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (Problem::Required, Lang::Ja) => "必須項目です".into(),
            (Problem::Required, Lang::En) => "is required".into(),
            (Problem::Duplicate { value }, Lang::Ja) => format!("「{value}」が重複しています"),
            (Problem::Duplicate { value }, Lang::En) => format!("'{value}' appears more than once"),
            (Problem::UnknownReference { value }, Lang::Ja) => {
                format!("「{value}」は登録されていません（業務・プロセス・経営資源のいずれにもありません）")
            }
            (Problem::UnknownReference { value }, Lang::En) => {
                format!("'{value}' does not exist (no service, process or resource has that id)")
            }
            (Problem::UnknownCode { value, expected }, Lang::Ja) => {
                format!("「{value}」は使用できないコードです。使用できるコード: {}", expected.join(", "))
            }
            (Problem::UnknownCode { value, expected }, Lang::En) => {
                format!("'{value}' is not a known code; use one of: {}", expected.join(", "))
            }
            (Problem::BadIdentifier { value }, Lang::Ja) => {
                format!("「{value}」はIDとして使えません（半角英数字と - _ . の64文字以内）")
            }
            (Problem::BadIdentifier { value }, Lang::En) => {
                format!("'{value}' is not a valid id (up to 64 letters, digits, '-', '_' or '.')")
            }
            (Problem::NotANumber { value }, Lang::Ja) => format!("「{value}」は数値ではありません"),
            (Problem::NotANumber { value }, Lang::En) => format!("'{value}' is not a number"),
            (Problem::OutOfRange { value, min, max }, Lang::Ja) => {
                format!("{value} は範囲外です（{min} 以上 {max} 以下にしてください）")
            }
            (Problem::OutOfRange { value, min, max }, Lang::En) => {
                format!("{value} is out of range (it must be from {min} to {max})")
            }
            (Problem::Cycle { path }, Lang::Ja) => {
                format!("依存関係が循環しています: {}", path.join(" → "))
            }
            (Problem::Cycle { path }, Lang::En) => format!("dependencies form a cycle: {}", path.join(" → ")),
            (Problem::KOutOfRange { k, n }, Lang::Ja) => {
                format!("k-of-n の k={k} は 1 以上、依存先の数 n={n} 以下にしてください")
            }
            (Problem::KOutOfRange { k, n }, Lang::En) => {
                format!("k-of-n needs 1 ≤ k ≤ n, but k={k} and the node has n={n} dependencies")
            }
            (Problem::FailoverShape { primaries, standbys }, Lang::Ja) => format!(
                "フェイルオーバー構成には本番系（primary）と待機系（standby）が1つずつ必要です（本番系 {primaries}、待機系 {standbys}）"
            ),
            (Problem::FailoverShape { primaries, standbys }, Lang::En) => format!(
                "a failover group needs exactly one primary and one standby (found {primaries} primary, {standbys} standby)"
            ),
            (Problem::InconsistentGate { node }, Lang::Ja) => {
                format!("「{node}」の冗長構成（gate 等）が行によって異なります")
            }
            (Problem::InconsistentGate { node }, Lang::En) => {
                format!("rows for '{node}' disagree about its gate (gate, k or switchover values)")
            }
            (Problem::ServiceAsDependency { value }, Lang::Ja) => {
                format!("重要な業務「{value}」を他の要素の依存先にはできません")
            }
            (Problem::ServiceAsDependency { value }, Lang::En) => {
                format!("the important business service '{value}' cannot be a dependency of something else")
            }
            (Problem::ProviderRequired, Lang::Ja) => "サードパーティには提供者（provider）の入力が必要です".into(),
            (Problem::ProviderRequired, Lang::En) => "a third party needs its provider".into(),
            (Problem::RegulatorTwice { value }, Lang::Ja) => {
                format!("当局「{value}」の耐性度が重複しています（当局ごとに1つ）")
            }
            (Problem::RegulatorTwice { value }, Lang::En) => {
                format!("two impact tolerances for regulator '{value}' (one per regulator)")
            }
            (Problem::NoTolerance, Lang::Ja) => "耐性度が1つも設定されていません".into(),
            (Problem::NoTolerance, Lang::En) => "has no impact tolerance".into(),
            (Problem::ReviewTooLate { last, next }, Lang::Ja) => {
                format!("次回見直し日 {next} が前回見直し日 {last} から1年を超えています（少なくとも年1回）")
            }
            (Problem::ReviewTooLate { last, next }, Lang::En) => {
                format!("next review {next} is more than a year after the last review {last} (review at least yearly)")
            }
            (Problem::BadTime { value }, Lang::Ja) => format!("「{value}」は時刻（HH:MM、日本時間）として読めません"),
            (Problem::BadTime { value }, Lang::En) => format!("'{value}' is not a clock time (HH:MM, JST)"),
            (Problem::BadDate { value }, Lang::Ja) => format!("「{value}」は日付（YYYY-MM-DD）として読めません"),
            (Problem::BadDate { value }, Lang::En) => format!("'{value}' is not a date (YYYY-MM-DD)"),
            (Problem::Malformed { reason }, Lang::Ja) => format!("ファイルを読み取れません: {reason}"),
            (Problem::Malformed { reason }, Lang::En) => format!("the file cannot be read: {reason}"),
            (Problem::TooLarge(limit), _) => limit.message(lang),
            (Problem::MissingSheet { name }, Lang::Ja) => format!("シート「{name}」がありません"),
            (Problem::MissingSheet { name }, Lang::En) => format!("the workbook has no sheet '{name}'"),
            (Problem::MissingColumn { name }, Lang::Ja) => format!("列「{name}」がありません"),
            (Problem::MissingColumn { name }, Lang::En) => format!("the column '{name}' is missing"),
            (Problem::NothingLost, Lang::Ja) => "シナリオで失われる経営資源がありません".into(),
            (Problem::NothingLost, Lang::En) => "the scenario loses no resource".into(),
            (Problem::BadDistribution { reason }, Lang::Ja) => format!("復旧時間の分布が不正です: {reason}"),
            (Problem::BadDistribution { reason }, Lang::En) => {
                format!("the restoration-time distribution is invalid: {reason}")
            }
        }
    }

    /// A stable machine-readable kind, for API clients.
    pub fn kind(&self) -> &'static str {
        match self {
            Problem::Required => "required",
            Problem::Duplicate { .. } => "duplicate",
            Problem::UnknownReference { .. } => "unknown_reference",
            Problem::UnknownCode { .. } => "unknown_code",
            Problem::BadIdentifier { .. } => "bad_identifier",
            Problem::NotANumber { .. } => "not_a_number",
            Problem::OutOfRange { .. } => "out_of_range",
            Problem::Cycle { .. } => "cycle",
            Problem::KOutOfRange { .. } => "k_out_of_range",
            Problem::FailoverShape { .. } => "failover_shape",
            Problem::InconsistentGate { .. } => "inconsistent_gate",
            Problem::ServiceAsDependency { .. } => "service_as_dependency",
            Problem::ProviderRequired => "provider_required",
            Problem::RegulatorTwice { .. } => "regulator_twice",
            Problem::NoTolerance => "no_tolerance",
            Problem::ReviewTooLate { .. } => "review_too_late",
            Problem::BadTime { .. } => "bad_time",
            Problem::BadDate { .. } => "bad_date",
            Problem::Malformed { .. } => "malformed",
            Problem::TooLarge(_) => "too_large",
            Problem::MissingSheet { .. } => "missing_sheet",
            Problem::MissingColumn { .. } => "missing_column",
            Problem::NothingLost => "nothing_lost",
            Problem::BadDistribution { .. } => "bad_distribution",
        }
    }
}

/// Where a problem was found: any of file, row (1-based, header = row 1) and field may be known.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    /// File or sheet name (`resources.csv`, `dependencies` sheet, `map.json`).
    pub file: Option<String>,
    /// Row number as a spreadsheet shows it (the header is row 1).
    pub row: Option<usize>,
    /// Field (column) name, or the record's id for model validation (`services[FT].tolerances`).
    pub field: Option<String>,
}

impl Location {
    /// A location naming only a field.
    pub fn field(field: impl Into<String>) -> Location {
        Location { file: None, row: None, field: Some(field.into()) }
    }

    /// The location in the given language, e.g. `resources.csv 3行目 rto_minutes`.
    pub fn describe(&self, lang: Lang) -> String {
        let mut parts = Vec::new();
        if let Some(f) = &self.file {
            parts.push(f.clone());
        }
        if let Some(r) = self.row {
            parts.push(match lang {
                Lang::Ja => format!("{r}行目"),
                Lang::En => format!("row {r}"),
            });
        }
        if let Some(f) = &self.field {
            parts.push(f.clone());
        }
        parts.join(" ")
    }
}

/// One problem at one place.
#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    /// Where.
    pub location: Location,
    /// What.
    pub problem: Problem,
}

impl Issue {
    /// `place: reason` in the given language.
    pub fn message(&self, lang: Lang) -> String {
        let place = self.location.describe(lang);
        if place.is_empty() { self.problem.message(lang) } else { format!("{place}: {}", self.problem.message(lang)) }
    }
}

/// Every problem found; an import or a construction that returns this has changed nothing.
#[derive(Debug, Clone, PartialEq, Default, thiserror::Error)]
pub struct Issues(pub Vec<Issue>);

impl Issues {
    /// Records a problem.
    pub fn push(&mut self, location: Location, problem: Problem) {
        self.0.push(Issue { location, problem });
    }

    /// Records a problem with a field.
    pub fn field(&mut self, field: impl Into<String>, problem: Problem) {
        self.push(Location::field(field), problem);
    }

    /// Whether nothing was found.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The problems, in the order found.
    pub fn iter(&self) -> impl Iterator<Item = &Issue> {
        self.0.iter()
    }

    /// Sets the file name on every issue that has none.
    pub fn in_file(mut self, file: &str) -> Issues {
        for i in &mut self.0 {
            if i.location.file.is_none() {
                i.location.file = Some(file.to_string());
            }
        }
        self
    }

    /// `Ok(value)` if nothing was found, else the problems.
    pub fn into_result<T>(self, value: T) -> Result<T, Issues> {
        if self.0.is_empty() { Ok(value) } else { Err(self) }
    }

    /// All problems, one per line, in the given language.
    pub fn message(&self, lang: Lang) -> String {
        self.0.iter().map(|e| e.message(lang)).collect::<Vec<_>>().join("\n")
    }
}

impl fmt::Display for Issues {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl From<Issue> for Issues {
    fn from(i: Issue) -> Issues {
        Issues(vec![i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_and_message_in_both_languages() {
        let i = Issue {
            location: Location { file: Some("resources.csv".into()), row: Some(4), field: Some("kind".into()) },
            problem: Problem::Required,
        };
        assert_eq!(i.message(Lang::Ja), "resources.csv 4行目 kind: 必須項目です");
        assert_eq!(i.message(Lang::En), "resources.csv row 4 kind: is required");
        let c = Problem::Cycle { path: vec!["A".into(), "B".into(), "A".into()] };
        assert_eq!(c.message(Lang::En), "dependencies form a cycle: A → B → A");
        assert_eq!(c.kind(), "cycle");
    }

    #[test]
    fn in_file_keeps_known_files() {
        let mut is = Issues::default();
        is.field("x", Problem::Required);
        is.push(Location { file: Some("other.csv".into()), row: None, field: None }, Problem::NothingLost);
        let is = is.in_file("map.json");
        assert_eq!(is.0[0].location.file.as_deref(), Some("map.json"));
        assert_eq!(is.0[1].location.file.as_deref(), Some("other.csv"));
    }
}
