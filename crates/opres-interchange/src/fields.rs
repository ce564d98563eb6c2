//! The one table of interchange fields: name, Japanese label, shape and column width.
//!
//! Reading (JSON keys, CSV headers, XLSX columns) and writing (headers, cells) both go through
//! these tables, so a label or a field can never be known to one side and not the other.

use opres_domain::record::RawScalar;
use opres_domain::{IncidentRecord, InstitutionRecord, ReportSubmissionRecord, SystemRecord, TimelineRecord};

/// The kinds of record a file can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordKind {
    /// A financial institution.
    Institution,
    /// A system of an institution.
    System,
    /// An incident (failure).
    Incident,
    /// One timeline entry of an incident (XLSX `timeline` sheet).
    Timeline,
    /// One report submission of an incident (XLSX `report_submissions` sheet).
    ReportSubmission,
}

impl RecordKind {
    /// Every kind, in dependency order.
    pub const ALL: [RecordKind; 5] = [
        RecordKind::Institution,
        RecordKind::System,
        RecordKind::Incident,
        RecordKind::Timeline,
        RecordKind::ReportSubmission,
    ];

    /// The JSONL `record` tag and the English XLSX sheet / JSON section name.
    pub fn tag(self) -> &'static str {
        match self {
            RecordKind::Institution => "institution",
            RecordKind::System => "system",
            RecordKind::Incident => "incident",
            RecordKind::Timeline => "timeline",
            RecordKind::ReportSubmission => "report_submission",
        }
    }

    /// The XLSX sheet name (and JSON section key) in the given header language.
    pub fn sheet(self, lang: crate::HeaderLang) -> &'static str {
        match (self, lang) {
            (RecordKind::Institution, crate::HeaderLang::En) => "institutions",
            (RecordKind::System, crate::HeaderLang::En) => "systems",
            (RecordKind::Incident, crate::HeaderLang::En) => "incidents",
            (RecordKind::Timeline, crate::HeaderLang::En) => "timeline",
            (RecordKind::ReportSubmission, crate::HeaderLang::En) => "report_submissions",
            (RecordKind::Institution, crate::HeaderLang::Ja) => "金融機関",
            (RecordKind::System, crate::HeaderLang::Ja) => "システム",
            (RecordKind::Incident, crate::HeaderLang::Ja) => "障害",
            (RecordKind::Timeline, crate::HeaderLang::Ja) => "時系列",
            (RecordKind::ReportSubmission, crate::HeaderLang::Ja) => "報告提出",
        }
    }

    /// The interchange field names of this kind, in column order.
    pub fn field_names(self) -> Vec<&'static str> {
        self.specs().into_iter().map(|s| s.name).collect()
    }

    /// The Japanese label of a field of this kind (`occurred_at` → 発生日時), if it has one.
    /// Nested names such as `timeline[2].at` are labelled by their list (`時系列[2].at`).
    pub fn label_ja(self, field: &str) -> Option<String> {
        let (base, rest) = match field.find(['[', '.']) {
            Some(i) => (&field[..i], &field[i..]),
            None => (field, ""),
        };
        let spec = self.spec(base)?;
        Some(format!("{}{rest}", spec.ja))
    }

    pub(crate) fn spec(self, name: &str) -> Option<Spec> {
        self.specs().into_iter().find(|s| s.name == name)
    }

    /// Specs of every field of the kind, in column order. Allocates: call once per file, not per row.
    pub(crate) fn specs(self) -> Vec<Spec> {
        fn all<R>(t: &'static [Field<R>]) -> Vec<Spec> {
            t.iter().map(|f| f.spec).collect()
        }
        match self {
            RecordKind::Institution => all(INSTITUTION_FIELDS),
            RecordKind::System => all(SYSTEM_FIELDS),
            RecordKind::Incident => all(INCIDENT_FIELDS),
            RecordKind::Timeline => TIMELINE_SHEET.to_vec(),
            RecordKind::ReportSubmission => SUBMISSION_SHEET.to_vec(),
        }
    }

    /// The field a header cell names: the English field name (any case) or the Japanese label.
    pub(crate) fn field_for_header(self, header: &str) -> Option<Spec> {
        let h = header.trim();
        self.specs().into_iter().find(|s| s.name.eq_ignore_ascii_case(h) || s.ja == h)
    }
}

/// How a field's value is written and what a reader accepts for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// Text the record always has (absent means empty, which validation reports as required).
    Text,
    /// Optional text.
    OptText,
    /// A number, a boolean, or text holding one (counts, yen, flags).
    Scalar,
    /// A list of codes: a JSON array of strings, or `;`-separated text in CSV / XLSX.
    List,
    /// The incident timeline: a JSON array of `{at, text}`.
    Timeline,
    /// Report submissions: a JSON array of `{stage, submitted_at}`.
    Submissions,
}

/// A field's names, shape and Excel column width (in character units).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Spec {
    pub name: &'static str,
    pub ja: &'static str,
    pub shape: Shape,
    pub width: f64,
}

/// A cell as written: borrowed from the record, so writing allocates little.
pub(crate) enum Cell<'a> {
    Empty,
    Text(&'a str),
    Scalar(&'a RawScalar),
    List(&'a [String]),
    Timeline(&'a [TimelineRecord]),
    Submissions(&'a [ReportSubmissionRecord]),
}

/// One field of a record type: its spec, how to read it from the record, and how to set it from a
/// non-empty text cell (false: the cell needs the checked path, e.g. a timeline cell that is not a
/// well-formed JSON array of entries).
pub(crate) struct Field<R> {
    pub spec: Spec,
    pub get: for<'a> fn(&'a R) -> Cell<'a>,
    pub set: fn(&mut R, &str) -> bool,
}

/// Splits a `;`-separated list cell.
pub(crate) fn split_list(s: &str) -> Vec<String> {
    s.split(';').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

fn text(s: &str) -> Cell<'_> {
    if s.is_empty() { Cell::Empty } else { Cell::Text(s) }
}

fn opt(s: &Option<String>) -> Cell<'_> {
    s.as_deref().map_or(Cell::Empty, text)
}

fn scalar(s: &Option<RawScalar>) -> Cell<'_> {
    s.as_ref().map_or(Cell::Empty, Cell::Scalar)
}

macro_rules! spec {
    ($name:ident, $ja:literal, $shape:ident, $width:literal) => {
        Spec { name: stringify!($name), ja: $ja, shape: Shape::$shape, width: $width }
    };
}

macro_rules! f {
    ($name:ident, $ja:literal, Text, $width:literal) => {
        Field {
            spec: spec!($name, $ja, Text, $width),
            get: |r| text(&r.$name),
            set: |r, s| {
                r.$name = s.to_string();
                true
            },
        }
    };
    ($name:ident, $ja:literal, OptText, $width:literal) => {
        Field {
            spec: spec!($name, $ja, OptText, $width),
            get: |r| opt(&r.$name),
            set: |r, s| {
                r.$name = Some(s.to_string());
                true
            },
        }
    };
    ($name:ident, $ja:literal, Scalar, $width:literal) => {
        Field {
            spec: spec!($name, $ja, Scalar, $width),
            get: |r| scalar(&r.$name),
            set: |r, s| {
                r.$name = Some(RawScalar::Text(s.to_string()));
                true
            },
        }
    };
    ($name:ident, $ja:literal, List, $width:literal) => {
        Field {
            spec: spec!($name, $ja, List, $width),
            get: |r| Cell::List(&r.$name),
            set: |r, s| {
                r.$name = split_list(s);
                true
            },
        }
    };
    ($name:ident, $ja:literal, Timeline, $width:literal) => {
        Field {
            spec: spec!($name, $ja, Timeline, $width),
            get: |r| Cell::Timeline(&r.$name),
            set: |r, s| serde_json::from_str(s).map(|v| r.$name = v).is_ok(),
        }
    };
    ($name:ident, $ja:literal, Submissions, $width:literal) => {
        Field {
            spec: spec!($name, $ja, Submissions, $width),
            get: |r| Cell::Submissions(&r.$name),
            set: |r, s| serde_json::from_str(s).map(|v| r.$name = v).is_ok(),
        }
    };
}

/// Institution columns.
pub(crate) static INSTITUTION_FIELDS: &[Field<InstitutionRecord>] = &[
    f!(code, "金融機関コード", Text, 16.0),
    f!(name_ja, "名称（日本語）", Text, 28.0),
    f!(name_en, "名称（英語）", Text, 32.0),
    f!(institution_type, "業態", Text, 20.0),
    f!(lei, "LEI", OptText, 24.0),
];

/// System columns.
pub(crate) static SYSTEM_FIELDS: &[Field<SystemRecord>] = &[
    f!(institution, "金融機関コード", Text, 16.0),
    f!(code, "システムコード", Text, 16.0),
    f!(name, "システム名", Text, 32.0),
    f!(owner, "所管部署", OptText, 24.0),
    f!(criticality, "重要度", Text, 12.0),
];

/// Incident columns. `timeline` and `report_submissions` are JSON cells in CSV and separate sheets in XLSX.
pub(crate) static INCIDENT_FIELDS: &[Field<IncidentRecord>] = &[
    f!(reference, "管理番号", Text, 18.0),
    f!(institution, "金融機関コード", Text, 16.0),
    f!(title_ja, "件名（日本語）", OptText, 40.0),
    f!(title_en, "件名（英語）", OptText, 40.0),
    f!(description_ja, "概要（日本語）", OptText, 60.0),
    f!(description_en, "概要（英語）", OptText, 60.0),
    f!(occurred_at, "発生日時", Text, 27.0),
    f!(detected_at, "認識日時", Text, 27.0),
    f!(first_reported_at, "第一報日時", OptText, 27.0),
    f!(recovered_at, "復旧日時", OptText, 27.0),
    f!(cause_identified_at, "原因判明日時", OptText, 27.0),
    f!(closed_at, "完了日時", OptText, 27.0),
    f!(channels, "影響チャネル", List, 24.0),
    f!(affected_systems, "影響システム", List, 20.0),
    f!(customers_affected, "影響顧客数", Scalar, 12.0),
    f!(transactions_affected, "影響取引件数", Scalar, 12.0),
    f!(transaction_value_jpy, "影響取引金額（円）", Scalar, 18.0),
    f!(settlement_impact, "決済への影響", OptText, 12.0),
    f!(cyber_attack, "サイバー攻撃", Scalar, 10.0),
    f!(trigger, "発生の端緒", OptText, 12.0),
    f!(trend, "障害傾向", OptText, 22.0),
    f!(secondary_trends, "副次的な障害傾向", List, 22.0),
    f!(vendor, "委託先", OptText, 24.0),
    f!(root_cause, "根本原因", OptText, 50.0),
    f!(interim_measures, "暫定対応", OptText, 50.0),
    f!(recurrence_prevention, "再発防止策", OptText, 50.0),
    f!(customer_handling, "顧客対応", OptText, 50.0),
    f!(publicly_announced, "公表", Scalar, 8.0),
    f!(good_practice, "好事例", Scalar, 8.0),
    f!(good_practice_note, "好事例の内容", OptText, 40.0),
    f!(timeline, "時系列", Timeline, 40.0),
    f!(report_submissions, "報告提出", Submissions, 40.0),
];

/// Timeline sheet columns (XLSX): the incident's reference and one entry.
pub(crate) static TIMELINE_SHEET: &[Spec] =
    &[spec!(reference, "管理番号", Text, 18.0), spec!(at, "日時", Text, 27.0), spec!(text, "内容", Text, 80.0)];

/// Report-submission sheet columns (XLSX).
pub(crate) static SUBMISSION_SHEET: &[Spec] = &[
    spec!(reference, "管理番号", Text, 18.0),
    spec!(stage, "報告種別", Text, 18.0),
    spec!(submitted_at, "提出日時", Text, 27.0),
];

/// Keys of a timeline entry inside a JSON array.
pub(crate) const TIMELINE_KEYS: [&str; 2] = ["at", "text"];
/// Keys of a report submission inside a JSON array.
pub(crate) const SUBMISSION_KEYS: [&str; 2] = ["stage", "submitted_at"];

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// Every key serde knows for a record, so the tables cannot drift from the domain's records.
    fn serde_keys<T: serde::Serialize>(full: &T) -> BTreeSet<String> {
        match serde_json::to_value(full).unwrap() {
            serde_json::Value::Object(m) => m.keys().cloned().collect(),
            _ => unreachable!(),
        }
    }

    fn names(kind: RecordKind) -> BTreeSet<String> {
        kind.field_names().into_iter().map(String::from).collect()
    }

    #[test]
    fn tables_match_the_domain_records() {
        let some = || Some("x".to_string());
        let n = || Some(RawScalar::Int(1));
        let inc = IncidentRecord {
            title_ja: some(),
            title_en: some(),
            description_ja: some(),
            description_en: some(),
            first_reported_at: some(),
            recovered_at: some(),
            cause_identified_at: some(),
            closed_at: some(),
            customers_affected: n(),
            transactions_affected: n(),
            transaction_value_jpy: n(),
            settlement_impact: some(),
            cyber_attack: n(),
            trigger: some(),
            trend: some(),
            vendor: some(),
            root_cause: some(),
            interim_measures: some(),
            recurrence_prevention: some(),
            customer_handling: some(),
            publicly_announced: n(),
            good_practice: n(),
            good_practice_note: some(),
            timeline: vec![TimelineRecord::default()],
            report_submissions: vec![ReportSubmissionRecord::default()],
            ..Default::default()
        };
        assert_eq!(serde_keys(&inc), names(RecordKind::Incident));
        let ins = InstitutionRecord { lei: some(), ..Default::default() };
        assert_eq!(serde_keys(&ins), names(RecordKind::Institution));
        let sys = SystemRecord { owner: some(), ..Default::default() };
        assert_eq!(serde_keys(&sys), names(RecordKind::System));
        let keys: BTreeSet<String> = TIMELINE_KEYS.iter().map(|s| s.to_string()).collect();
        assert_eq!(serde_keys(&TimelineRecord::default()), keys);
        let keys: BTreeSet<String> = SUBMISSION_KEYS.iter().map(|s| s.to_string()).collect();
        assert_eq!(serde_keys(&ReportSubmissionRecord::default()), keys);
    }

    #[test]
    fn labels_are_unique_within_a_kind_and_found_both_ways() {
        for kind in RecordKind::ALL {
            let specs = kind.specs();
            let ja: BTreeSet<_> = specs.iter().map(|s| s.ja).collect();
            assert_eq!(ja.len(), specs.len(), "{kind:?}");
            for s in &specs {
                assert_eq!(kind.field_for_header(s.ja).map(|f| f.name), Some(s.name));
                assert_eq!(kind.field_for_header(&s.name.to_uppercase()).map(|f| f.name), Some(s.name));
            }
        }
        assert_eq!(RecordKind::Incident.label_ja("occurred_at").as_deref(), Some("発生日時"));
        assert_eq!(RecordKind::Incident.label_ja("timeline[2].at").as_deref(), Some("時系列[2].at"));
        assert_eq!(RecordKind::Incident.label_ja("nope"), None);
    }
}
