//! The gap assessment's reports: for management, the statement of applicability, the supervisor's
//! anonymised distribution, and the OSCAL assessment-results export.

use chrono::NaiveDate;
use opres_domain::report::{Block, ReportDocument, Tone};
use opres_domain::{Lang, RawScalar};
use opres_gap::oscal::{ResultsContext, assessment_results};
use opres_gap::report::{MIN_GROUP, Previous, Subject, applicability_statement, distribution, management_report};
use opres_gap::roadmap::RequirementRefRecord;
use opres_gap::{ActionRecord, Approve, Assessment, Basis, Entry, Framework, Outcome, ResultCode, Roadmap, built_in};

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn framework() -> Framework {
    built_in("report_challenges.json").unwrap().unwrap()
}

fn entry(outcome: Outcome, current: u8, target: u8, rationale: &str) -> Entry {
    Entry {
        outcome,
        current,
        target,
        rationale: rationale.into(),
        evidence: vec!["https://intra.example/bcp-2026.pdf".into()],
        owner: Some("システムリスク管理部".into()),
        reviewer: None,
        linked_records: 0,
        basis: Basis::Assessor,
    }
}

fn previous(f: &Framework) -> Assessment {
    let mut a = Assessment::new(f);
    a.set(f, "operations.storage.monitoring", entry(Outcome::NotMet, 1, 4, "監視なし")).unwrap();
    a.set(f, "work.misoperation.procedures", entry(Outcome::PartlyMet, 2, 3, "手順書が一部")).unwrap();
    a
}

fn current(f: &Framework) -> Assessment {
    let mut a = Assessment::from_previous(&previous(f));
    a.set(f, "operations.storage.monitoring", entry(Outcome::PartlyMet, 2, 4, "閾値監視を導入")).unwrap();
    let overridden = Entry {
        basis: Basis::OverriddenProposal {
            proposed: ResultCode::NotMet,
            derived_on: day("2026-11-30"),
            reason: "新しい切替手順が10月に稼働".into(),
        },
        ..entry(Outcome::Met, 4, 4, "切替訓練で確認")
    };
    a.set(f, "operations.redundancy.effective", overridden).unwrap();
    a.set(f, "change.bcp.drills", entry(Outcome::not_applicable("本番系を持たない").unwrap(), 0, 0, "")).unwrap();
    a
}

fn roadmap() -> Roadmap {
    let action = |id: &str, due: &str| ActionRecord {
        id: id.into(),
        title_ja: "容量監視の自動化".into(),
        title_en: "Automate capacity monitoring".into(),
        owner: "システム運用部".into(),
        start: "2026-04-01".into(),
        due: due.into(),
        effort_days: Some(RawScalar::Int(30)),
        cost_yen: Some(RawScalar::Int(12_000_000)),
        closes: vec![RequirementRefRecord {
            framework: "report_challenges".into(),
            requirement: "operations.storage.monitoring".into(),
        }],
        ..Default::default()
    };
    let mut r = Roadmap::new();
    r.add(action("RM-001", "2026-06-30").validate().unwrap(), "planner", day("2026-03-01")).unwrap();
    r.add(action("RM-002", "2027-03-31").validate().unwrap(), "planner", day("2026-03-01")).unwrap();
    r.submit().unwrap();
    r.approve(Approve {
        executive: true,
        by: "常務 山田".into(),
        on: day("2026-03-25"),
        comment: "取締役会報告済み".into(),
    })
    .unwrap();
    r
}

fn headings(d: &ReportDocument) -> Vec<&str> {
    d.sections.iter().map(|s| s.heading.as_str()).collect()
}

fn table_rows<'a>(d: &'a ReportDocument, heading_starts: &str) -> Vec<Vec<&'a str>> {
    let s = d.sections.iter().find(|s| s.heading.starts_with(heading_starts)).unwrap();
    s.blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table { rows, .. } => Some(rows),
            _ => None,
        })
        .flat_map(|rows| rows.iter().map(|r| r.iter().map(|c| c.text.as_str()).collect()))
        .collect()
}

#[test]
fn the_management_report_covers_scope_to_changes_in_both_languages() {
    let f = framework();
    let (prev, now, road) = (previous(&f), current(&f), roadmap());
    let s = Subject {
        key: "AOBA-GA-2",
        institution: "青葉銀行",
        framework: &f,
        framework_version: &f.version,
        started_on: day("2026-10-01"),
        assessment: &now,
    };
    let p = Previous { key: "AOBA-GA-1", started_on: day("2025-10-01"), assessment: &prev };
    let today = day("2026-12-04");
    let ja = management_report(&s, Some(p), Some(&road), today, Lang::Ja);
    assert_eq!(
        headings(&ja),
        [
            "1. 対象範囲",
            "2. 評価方法",
            "3. 領域別の結果",
            "4. 優先度の高いギャップ（上位 10 件）",
            "5. 改善ロードマップ",
            "6. 必要なリソースと期間",
            "7. 前回評価からの変化"
        ]
    );
    let en = management_report(&s, Some(p), Some(&road), today, Lang::En);
    assert!(headings(&en).iter().all(|h| h.is_ascii()), "{:?}", headings(&en));

    // Top gaps, highest priority first: storage monitoring (gap 2) with its rationale, then the
    // procedures carried over from the previous assessment; met and not applicable are not gaps.
    let top = table_rows(&ja, "4.");
    assert_eq!(top.len(), 2, "{top:?}");
    assert!(top[0][0].contains("記憶領域") && top[1][0].contains("手順書"), "{top:?}");
    assert_eq!((top[0][3], top[0][4], top[0][6]), ("2 → 4", "2", "閾値監視を導入"));
    // The override and its reason are part of the method's count and the entry's basis.
    let md = ja.to_markdown();
    assert!(md.contains("変更 1 件"), "{md}");
    // The roadmap: approval, the overdue action marked, resources totalled.
    let actions = table_rows(&ja, "5.");
    assert!(actions[0][4].contains("期限超過") && !actions[1][4].contains("期限超過"), "{actions:?}");
    assert!(md.contains("常務 山田 が 2026-03-25 に承認"));
    assert!(md.contains("工数 60 人日"), "{md}");
    // Changes: storage monitoring improved (not met → partly met); the new entries are listed too.
    let changes = table_rows(&ja, "7.");
    assert!(changes.iter().any(|r| r[1] == "未充足" && r[2] == "一部充足" && r[3] == "1 → 2"), "{changes:?}");
    assert!(md.contains("改善 1 件、悪化 0 件"), "{md}");
    // Charts: a bar chart of the gaps by area in HTML.
    assert!(ja.to_html().contains("<figure><svg"));
}

#[test]
fn without_actions_or_previous_assessment_the_report_says_so() {
    let f = framework();
    let a = Assessment::new(&f);
    let s = Subject {
        key: "AOBA-GA-1",
        institution: "Aoba Bank",
        framework: &f,
        framework_version: &f.version,
        started_on: day("2026-10-01"),
        assessment: &a,
    };
    let d = management_report(&s, None, None, day("2026-12-04"), Lang::En);
    let md = d.to_markdown();
    assert!(md.contains("No remediation action is recorded yet"));
    assert!(md.contains("did not start from a previous one"));
    assert!(md.contains("No requirement falls short of its target"));
    assert!(md.contains(&format!("{} (0 answered", f.assessable().count())), "{md}");
}

#[test]
fn the_statement_of_applicability_lists_every_requirement_with_its_justification() {
    let f = framework();
    let a = current(&f);
    let s = Subject {
        key: "AOBA-GA-2",
        institution: "Aoba Bank",
        framework: &f,
        framework_version: &f.version,
        started_on: day("2026-10-01"),
        assessment: &a,
    };
    let d = applicability_statement(&s, day("2026-12-04"), Lang::En);
    let rows = table_rows(&d, "Applicability");
    assert_eq!(rows.len(), f.assessable().count());
    let drills = rows.iter().find(|r| r[1] == f.get("change.bcp.drills").unwrap().title.get(Lang::En)).unwrap();
    assert_eq!((drills[3], drills[4], drills[5]), ("excluded", "本番系を持たない", "-"));
    assert!(rows.iter().any(|r| r[3] == "included" && r[5] == "yes"));
    assert!(rows.iter().any(|r| r[3] == "included" && r[5] == "partly"));
    assert!(rows.iter().any(|r| r[3] == "not decided" && r[5] == "not assessed"));
    assert!(d.to_markdown().contains("3 are included, 1 excluded"), "{}", d.to_markdown());
}

#[test]
fn the_distribution_never_shows_a_requirement_fewer_than_three_institutions_answered() {
    let f = framework();
    let mk = |outcomes: &[(&str, Outcome)]| {
        let mut a = Assessment::new(&f);
        for (id, o) in outcomes {
            a.set(&f, id, entry(o.clone(), 1, 3, "")).unwrap();
        }
        a
    };
    let storage = "operations.storage.monitoring";
    let drills = "change.bcp.drills";
    let banks = [
        mk(&[(storage, Outcome::NotMet), (drills, Outcome::Met)]),
        mk(&[(storage, Outcome::PartlyMet), (drills, Outcome::NotMet)]),
        mk(&[(storage, Outcome::NotMet)]),
    ];
    let refs: Vec<&Assessment> = banks.iter().collect();
    let d = distribution(&f, &refs, day("2026-12-04"), Lang::Ja);
    let rows = table_rows(&d, "要件ごとの分布");
    let row = |id: &str| {
        let label = f.get(id).unwrap().title.get(Lang::Ja);
        rows.iter().find(|r| r[0].contains(label)).unwrap().clone()
    };
    // Three institutions answered storage monitoring: counts shown (met 0, partly 1, not met 2, n/a 0).
    assert_eq!(row(storage)[1..], ["3", "0", "1", "2", "0"]);
    // Two answered the drills: no counts.
    assert_eq!(row(drills)[1], "2");
    assert!(row(drills)[2].contains("非表示") && row(drills)[3] == "-");
    let md = d.to_markdown();
    assert!(md.contains("3 機関") && md.contains("匿名化"));
    // A chart of the requirements most institutions did not fully meet, only from shown rows.
    let bars = d.sections[0].blocks.iter().find_map(|b| match b {
        Block::BarChart { bars, .. } => Some(bars),
        _ => None,
    });
    assert_eq!(bars.map(|b| b.len()), Some(1));
    // Below three institutions altogether, the report says nothing can be shown.
    let d = distribution(&f, &refs[..MIN_GROUP - 1], day("2026-12-04"), Lang::En);
    assert!(
        d.sections[0]
            .blocks
            .iter()
            .any(|b| matches!(b, Block::Callout { tone: Tone::Warn, text } if text.contains("Fewer than 3")))
    );
}

#[test]
fn the_oscal_export_follows_the_assessment_results_model_with_stable_uuids() {
    let f = framework();
    let a = current(&f);
    let cx = ResultsContext {
        key: "AOBA-GA-2",
        institution: "Aoba Bank",
        framework_version: &f.version,
        started_on: day("2026-10-01"),
        last_modified: chrono::DateTime::parse_from_rfc3339("2026-12-04T01:00:00Z").unwrap().to_utc(),
    };
    let doc = assessment_results(&f, &a, &cx);
    assert_eq!(doc, assessment_results(&f, &a, &cx), "the same assessment exports the same document");
    let ar = &doc["assessment-results"];
    for field in ["uuid", "metadata", "import-ap", "results"] {
        assert!(!ar[field].is_null(), "{field}");
    }
    assert_eq!(ar["metadata"]["oscal-version"], "1.1.2");
    assert_eq!(ar["metadata"]["last-modified"], "2026-12-04T10:00:00+09:00");
    let result = &ar["results"][0];
    assert_eq!(result["start"], "2026-10-01T00:00:00+09:00");
    let findings = result["findings"].as_array().unwrap();
    // Four answered, one of them not applicable: three findings, four observations.
    assert_eq!(findings.len(), 3);
    assert_eq!(result["observations"].as_array().unwrap().len(), 4);
    let state = |id: &str| {
        findings.iter().find(|x| x["target"]["target-id"] == format!("{id}_obj")).unwrap()["target"]["status"].clone()
    };
    assert_eq!(state("operations.redundancy.effective"), serde_json::json!({"state": "satisfied", "reason": "pass"}));
    assert_eq!(
        state("operations.storage.monitoring"),
        serde_json::json!({"state": "not-satisfied", "reason": "other"})
    );
    let selection = &result["reviewed-controls"]["control-selections"][0];
    assert_eq!(selection["exclude-controls"][0]["control-id"], "change.bcp.drills");
    assert_eq!(selection["exclude-controls"][0]["remarks"], "本番系を持たない");
    assert_eq!(selection["include-controls"].as_array().unwrap().len(), f.assessable().count() - 1);
    let uuid = ar["uuid"].as_str().unwrap();
    assert!(uuid.len() == 36 && uuid.as_bytes()[14] == b'5', "a name-based (v5) UUID: {uuid}");
}
