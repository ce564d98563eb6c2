//! The gap file: institutions' assessments and roadmaps in one JSON file, as `opres gen` writes
//! them and `opres gap assess import` reads them (a self-assessment kept elsewhere comes in the
//! same way). Nothing is checked here: the records are the forms' own, validated by the app
//! against the frameworks, the institutions and the caller's scope, every problem located.
//!
//! ```json
//! {"assessments": [{"institution": "BANK-A", "framework": "fsa_report_challenges",
//!                   "entries": {"cyber.malware.patch": {"result": "met", "current": 4, "target": 4}}}],
//!  "roadmaps": [{"institution": "BANK-A", "actions": [{"id": "RM-1", "title_ja": "…", "owner": "…",
//!                "start": "2026-04-01", "due": "2026-09-30", "effort_days": 20}],
//!                "milestones": [{"on": "2027-03-31", "title_ja": "取締役会報告"}]}]}
//! ```

use crate::assessment::EntryRecord;
use crate::roadmap::{ActionRecord, MilestoneRecord};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A gap file as written.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GapFileRecord {
    /// Assessments, each a new draft.
    pub assessments: Vec<AssessmentFileRecord>,
    /// Roadmaps of institutions that have none yet.
    pub roadmaps: Vec<RoadmapFileRecord>,
}

/// One institution's assessment against one framework: its entries by requirement id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AssessmentFileRecord {
    /// The institution's code.
    pub institution: String,
    /// The framework id.
    pub framework: String,
    /// Entries by requirement id (requirements left out stay unanswered).
    pub entries: BTreeMap<String, EntryRecord>,
}

/// One institution's roadmap: its actions and milestones.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RoadmapFileRecord {
    /// The institution's code.
    pub institution: String,
    /// Actions, each with a unique id.
    pub actions: Vec<ActionRecord>,
    /// Milestones.
    pub milestones: Vec<MilestoneRecord>,
}

/// A sample gap file for generated institutions, the same for the same `seed` and `today`: the
/// first (up to) four assessed against the report's challenges with about three requirements in
/// four answered (the rest left for the register's proposals), the first also against the FSA
/// guideline (its first 30 requirements), and the first's roadmap about half done with one
/// overdue action and two milestones. `today` is the JST day the dates are relative to.
pub fn sample(institutions: &[String], today: chrono::NaiveDate, seed: u64) -> GapFileRecord {
    use opres_domain::RawScalar;
    let challenges = crate::framework::built_in("report_challenges.json").and_then(Result::ok);
    let guideline = crate::framework::built_in("fsa_cyber_guideline_2024.json").and_then(Result::ok);
    let mut out = GapFileRecord::default();
    let entry = |k: u64| {
        let (result, current) = match k % 4 {
            0 => ("met", 4),
            1 | 2 => ("partly_met", 2 + (k % 2) as i64),
            _ => ("not_met", 1),
        };
        EntryRecord {
            result: result.into(),
            current: Some(RawScalar::Int(current)),
            target: Some(RawScalar::Int(4)),
            rationale: "生成データ / generated data".into(),
            owner: "システムリスク管理部 / System risk management".into(),
            ..EntryRecord::default()
        }
    };
    for (n, institution) in institutions.iter().take(4).enumerate() {
        let mut plan = vec![(challenges.as_ref(), usize::MAX)];
        if n == 0 {
            plan.push((guideline.as_ref(), 30));
        }
        for (framework, how_many) in plan {
            let Some(framework) = framework else { continue };
            let mut entries = BTreeMap::new();
            for (i, r) in framework.assessable().take(how_many).enumerate() {
                // A mixing step so that the seed moves which requirements stay unanswered.
                let k = (seed ^ ((n as u64) << 8) ^ i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32;
                if k % 4 != 3 {
                    entries.insert(r.id.clone(), entry(k));
                }
            }
            out.assessments.push(AssessmentFileRecord {
                institution: institution.clone(),
                framework: framework.id.clone(),
                entries,
            });
        }
    }
    if let Some(first) = institutions.first() {
        let day = |offset: i64| (today + chrono::Duration::days(offset)).to_string();
        let action =
            |id: &str, ja: &str, en: &str, span: (i64, i64), effort: i64, status: &str, progress: i64, closes: &str| {
                ActionRecord {
                    id: id.into(),
                    title_ja: ja.into(),
                    title_en: en.into(),
                    owner: "システム企画部 / IT planning".into(),
                    start: day(span.0),
                    due: day(span.1),
                    effort_days: Some(RawScalar::Int(effort)),
                    cost_yen: Some(RawScalar::Int(effort * 150_000)),
                    status: status.into(),
                    progress: Some(RawScalar::Int(progress)),
                    closes: vec![crate::roadmap::RequirementRefRecord {
                        framework: "fsa_report_challenges".into(),
                        requirement: closes.into(),
                    }],
                    ..ActionRecord::default()
                }
            };
        out.roadmaps.push(RoadmapFileRecord {
            institution: first.clone(),
            actions: vec![
                action(
                    "RM-1",
                    "パッチ適用期限の設定",
                    "Patch deadlines set",
                    (-150, -60),
                    20,
                    "done",
                    100,
                    "cyber.malware.patch",
                ),
                action(
                    "RM-2",
                    "ストレージ監視の強化",
                    "Storage monitoring strengthened",
                    (-60, 60),
                    20,
                    "in_progress",
                    50,
                    "operations.storage.monitoring",
                ),
                action(
                    "RM-3",
                    "冗長化切替の定期検証",
                    "Regular failover verification",
                    (30, 150),
                    10,
                    "planned",
                    0,
                    "operations.redundancy.effective",
                ),
                action(
                    "RM-4",
                    "委託先管理の見直し",
                    "Outsourcing management reviewed",
                    (-120, -30),
                    10,
                    "in_progress",
                    30,
                    "change.outsourcing.management",
                ),
            ],
            milestones: vec![
                MilestoneRecord {
                    on: day(45),
                    title_ja: "取締役会への進捗報告".into(),
                    title_en: "Progress report to the board".into(),
                },
                MilestoneRecord {
                    on: day(120),
                    title_ja: "次回の自己評価".into(),
                    title_en: "Next self-assessment".into(),
                },
            ],
        });
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_sample_is_stable_leaves_requirements_for_proposals_and_round_trips() {
        let banks = vec!["BANK-A".to_string(), "BANK-B".to_string()];
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let a = sample(&banks, today, 7);
        assert_eq!(a, sample(&banks, today, 7));
        assert_ne!(a, sample(&banks, today, 8), "the seed moves the answers");
        assert_eq!(a.assessments.len(), 3, "two banks against the challenges, the first against the guideline too");
        let challenges = a.assessments[0].entries.len();
        assert!((8..16).contains(&challenges), "some of the 16 are left unanswered: {challenges}");
        assert_eq!(a.roadmaps.len(), 1);
        assert!(a.roadmaps[0].actions.iter().all(|r| r.validate().is_ok()));
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(serde_json::from_str::<GapFileRecord>(&json).unwrap(), a);
    }
}
