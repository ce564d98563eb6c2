//! The remediation roadmap through the door: actions added and updated, versions, scope, the
//! executive's approval and the changes made after it, and links to frameworks' requirements.

use crate::support::{code, person};
use opres_app::{Actor, AppError, Register};
use opres_domain::record::InstitutionRecord;
use opres_domain::{Lang, RawScalar};
use opres_gap::{ActionRecord, MilestoneRecord, RequirementRefRecord, RoadmapStatus};
use opres_store::{Role, UserScope, engine_tests};
use serde_json::json;

async fn two_banks(register: &Register) {
    let admin = Actor::cli(Lang::En);
    for c in ["BANK-A", "BANK-B"] {
        let i: InstitutionRecord =
            serde_json::from_value(json!({"code": c, "name_ja": "銀行", "institution_type": "regional_bank"})).unwrap();
        register.create_institution(&admin, i).await.unwrap();
    }
}

fn action(id: &str) -> ActionRecord {
    ActionRecord {
        id: id.into(),
        title_ja: "ストレージ監視の強化".into(),
        owner: "システム部".into(),
        start: "2020-01-01".into(),
        due: "2020-03-31".into(),
        effort_days: Some(RawScalar::Int(20)),
        closes: vec![RequirementRefRecord {
            framework: "fsa_report_challenges".into(),
            requirement: "operations.storage.monitoring".into(),
        }],
        ..Default::default()
    }
}

engine_tests!(a_roadmap_is_planned_approved_by_an_executive_and_shows_changes_after, |db| {
    let register = Register::new(db.store.clone());
    two_banks(&register).await;
    let bank = code("BANK-A");
    let analyst = person(&register, "ana", Role::Analyst, UserScope::All).await;
    let exec = person(&register, "exe", Role::Executive, UserScope::All).await;

    // None yet: an empty draft, not stored.
    let v = register.gap_roadmap(&analyst, &bank).await.unwrap();
    assert_eq!((v.version, v.roadmap.status(), v.roadmap.actions().len()), (None, RoadmapStatus::Draft, 0));

    // Add, then update by the same id.
    let s = register.save_gap_action(&analyst, &bank, &action("RM-1"), None).await.unwrap();
    let two = ActionRecord { effort_days: Some(RawScalar::Int(10)), status: "done".into(), ..action("RM-2") };
    let s = register.save_gap_action(&analyst, &bank, &two, Some(s.version)).await.unwrap();
    let updated = ActionRecord { status: "in_progress".into(), progress: Some(RawScalar::Int(50)), ..action("RM-1") };
    let s = register.save_gap_action(&analyst, &bank, &updated, Some(s.version)).await.unwrap();
    let v = register.gap_roadmap(&analyst, &bank).await.unwrap();
    assert_eq!(v.version, Some(s.version));
    assert_eq!(v.roadmap.actions().len(), 2);
    assert_eq!(v.roadmap.actions()[0].progress().get(), 50);
    // 20 days at 50 % and 10 days done: two thirds.
    assert_eq!(v.progress.get(), 66);
    assert_eq!(v.overdue.iter().map(ToString::to_string).collect::<Vec<_>>(), ["RM-1"]);
    assert_eq!(v.totals.all.actions, 2);
    assert!(v.ready_for_reassessment.is_empty(), "RM-1 is still open");
    let j = v.to_json(Lang::Ja);
    assert_eq!(j["status_label"], "下書き");
    assert_eq!(j["actions"][0]["record"]["id"], "RM-1");
    assert_eq!(j["gantt"]["rows"].as_array().unwrap().len(), 2);

    // A stale version is refused: two editors cannot overwrite each other.
    let err = register.save_gap_action(&analyst, &bank, &action("RM-3"), Some(s.version - 1)).await.unwrap_err();
    assert!(matches!(err, AppError::Conflict { .. }), "{err:?}");
    let err = register.save_gap_action(&analyst, &bank, &action("RM-3"), None).await.unwrap_err();
    assert!(matches!(err, AppError::VersionRequired), "{err:?}");

    // Submitted: edits wait; only an executive approves, and only with a comment.
    let s = register.submit_gap_roadmap(&analyst, &bank, Some(s.version)).await.unwrap();
    let err = register.save_gap_action(&analyst, &bank, &action("RM-3"), Some(s.version)).await.unwrap_err();
    assert!(matches!(err, AppError::Refused { kind: "workflow", .. }), "{err:?}");
    let err = register.approve_gap_roadmap(&analyst, &bank, "ok", Some(s.version)).await.unwrap_err();
    assert!(matches!(err, AppError::Forbidden), "{err:?}");
    let err = register.approve_gap_roadmap(&exec, &bank, "  ", Some(s.version)).await.unwrap_err();
    assert_eq!(err.problems()[0].field.as_deref(), Some("comment"), "{err:?}");
    let s = register.approve_gap_roadmap(&exec, &bank, "approved by the board", Some(s.version)).await.unwrap();
    let v = register.gap_roadmap(&analyst, &bank).await.unwrap();
    assert_eq!(v.roadmap.status(), RoadmapStatus::Approved);
    let approval = v.roadmap.approval().unwrap();
    assert_eq!((approval.by.as_str(), approval.comment.as_str()), ("exe", "approved by the board"));

    // A change after approval is recorded with who made it.
    let done = ActionRecord { status: "done".into(), ..action("RM-1") };
    let s = register.save_gap_action(&analyst, &bank, &done, Some(s.version)).await.unwrap();
    let v = register.gap_roadmap(&analyst, &bank).await.unwrap();
    assert_eq!(v.roadmap.status(), RoadmapStatus::ApprovedWithChanges);
    assert!(v.roadmap.changes_after_approval().iter().all(|c| c.by == "ana"));
    assert_eq!(v.to_json(Lang::En)["status"], "approved_with_changes");
    assert_eq!(v.ready_for_reassessment.len(), 1, "every action linked to the requirement is done");
    assert!(v.overdue.is_empty());

    // Removal: an unknown id is not found; a known one goes, recorded.
    let err = register.remove_gap_action(&analyst, &bank, "RM-9", Some(s.version)).await.unwrap_err();
    assert!(matches!(err, AppError::NotFound { .. }), "{err:?}");
    let s = register.remove_gap_action(&analyst, &bank, "RM-2", Some(s.version)).await.unwrap();
    let v = register.gap_roadmap(&analyst, &bank).await.unwrap();
    assert_eq!((v.version, v.roadmap.actions().len()), (Some(s.version), 1));

    // Withdrawing is only for a submitted roadmap.
    let err = register.withdraw_gap_roadmap(&analyst, &bank, Some(s.version)).await.unwrap_err();
    assert!(matches!(err, AppError::Refused { .. }), "{err:?}");
    let s = register.submit_gap_roadmap(&analyst, &bank, Some(s.version)).await.unwrap();
    register.withdraw_gap_roadmap(&analyst, &bank, Some(s.version)).await.unwrap();
    let v = register.gap_roadmap(&analyst, &bank).await.unwrap();
    assert_eq!(v.roadmap.status(), RoadmapStatus::ApprovedWithChanges);
});

engine_tests!(a_scoped_user_sees_only_their_institutions_roadmap, |db| {
    let register = Register::new(db.store.clone());
    two_banks(&register).await;
    let analyst = person(&register, "ana", Role::Analyst, UserScope::All).await;
    let a_only = person(&register, "a-only", Role::Analyst, UserScope::Institutions(vec![code("BANK-A")])).await;
    register.save_gap_action(&analyst, &code("BANK-B"), &action("RM-1"), None).await.unwrap();
    register.save_gap_action(&a_only, &code("BANK-A"), &action("RM-1"), None).await.unwrap();
    let err = register.gap_roadmap(&a_only, &code("BANK-B")).await.unwrap_err();
    assert!(matches!(err, AppError::NotFound { .. }), "{err:?}");
    let err = register.save_gap_action(&a_only, &code("BANK-B"), &action("RM-2"), Some(1)).await.unwrap_err();
    assert!(matches!(err, AppError::NotFound { .. }), "{err:?}");
    let seen: Vec<_> = register.gap_roadmaps(&a_only).await.unwrap().into_iter().map(|s| s.key).collect();
    assert_eq!(seen, ["BANK-A"]);
    let all = register.gap_roadmaps(&analyst).await.unwrap();
    assert_eq!(all.iter().map(|s| s.key.as_str()).collect::<Vec<_>>(), ["BANK-A", "BANK-B"]);
    assert_eq!((all[0].actions, all[0].status), (1, RoadmapStatus::Draft));
    let err = register.gap_roadmap(&analyst, &code("BANK-Z")).await.unwrap_err();
    assert!(matches!(err, AppError::NotFound { .. }), "{err:?}");
    let reporter = person(&register, "rep", Role::Reporter, UserScope::All).await;
    let err = register.save_gap_action(&reporter, &code("BANK-A"), &action("RM-2"), Some(1)).await.unwrap_err();
    assert!(matches!(err, AppError::Forbidden), "{err:?}");
});

engine_tests!(links_to_unknown_requirements_are_refused_by_field_all_at_once, |db| {
    let register = Register::new(db.store.clone());
    two_banks(&register).await;
    let analyst = person(&register, "ana", Role::Analyst, UserScope::All).await;
    let link = |framework: &str, requirement: &str| RequirementRefRecord {
        framework: framework.into(),
        requirement: requirement.into(),
    };
    let bad = ActionRecord {
        owner: String::new(),
        closes: vec![
            link("fsa_report_challenges", "operations.storage.monitoring"),
            link("fsa_report_challenges", "no.such.requirement"),
            link("fsa_report_challenges", "operations"),
            link("no_such_framework", "x"),
        ],
        ..action("RM-1")
    };
    let err = register.save_gap_action(&analyst, &code("BANK-A"), &bad, None).await.unwrap_err();
    let fields: Vec<_> = err.problems().iter().filter_map(|p| p.field.clone()).collect();
    assert_eq!(fields, ["owner", "closes[1].requirement", "closes[2].requirement", "closes[3].framework"], "{err:?}");
    assert!(register.gap_roadmap(&analyst, &code("BANK-A")).await.unwrap().version.is_none(), "nothing saved");
});

engine_tests!(milestones_are_checked_whole_kept_by_date_and_recorded_after_approval, |db| {
    let register = Register::new(db.store.clone());
    two_banks(&register).await;
    let bank = code("BANK-A");
    let analyst = person(&register, "ana", Role::Analyst, UserScope::All).await;
    let exec = person(&register, "exe", Role::Executive, UserScope::All).await;
    let reader = person(&register, "aud", Role::Auditor, UserScope::All).await;
    let ms = |on: &str, ja: &str, en: &str| MilestoneRecord { on: on.into(), title_ja: ja.into(), title_en: en.into() };

    // Every problem of every milestone at once, by position; nothing saved.
    let err = register
        .set_gap_milestones(
            &analyst,
            &bank,
            &[ms("2027-03-31", "取締役会", ""), ms("soon", "", ""), ms("", "x", "")],
            None,
        )
        .await
        .unwrap_err();
    let fields: Vec<_> = err.problems().iter().filter_map(|p| p.field.clone()).collect();
    assert_eq!(fields, ["milestones[1].title", "milestones[1].on", "milestones[2].on"], "{err:?}");
    assert_eq!(register.gap_roadmap(&analyst, &bank).await.unwrap().version, None);
    let err = register.set_gap_milestones(&reader, &bank, &[], None).await.unwrap_err();
    assert!(matches!(err, AppError::Forbidden), "{err:?}");

    // Kept by date whatever the order given; the Gantt chart shows them.
    let s = register
        .set_gap_milestones(
            &analyst,
            &bank,
            &[ms("2027-06-30", "当局報告", "Report to the FSA"), ms("2027-03-31", "取締役会", "Board")],
            None,
        )
        .await
        .unwrap();
    let v = register.gap_roadmap(&analyst, &bank).await.unwrap();
    let dates: Vec<String> = v.roadmap.milestones().iter().map(|m| m.on().to_string()).collect();
    assert_eq!(dates, ["2027-03-31", "2027-06-30"]);
    assert_eq!(v.gantt.milestones.len(), 2);
    assert_eq!(v.to_json(Lang::En)["milestones"][1]["title"], "Report to the FSA");

    // After approval, changing them is recorded; saving the same set again is not a change.
    let s = register.save_gap_action(&analyst, &bank, &action("RM-1"), Some(s.version)).await.unwrap();
    let s = register.submit_gap_roadmap(&analyst, &bank, Some(s.version)).await.unwrap();
    let s = register.approve_gap_roadmap(&exec, &bank, "ok", Some(s.version)).await.unwrap();
    let same = [ms("2027-03-31", "取締役会", "Board"), ms("2027-06-30", "当局報告", "Report to the FSA")];
    let s = register.set_gap_milestones(&analyst, &bank, &same, Some(s.version)).await.unwrap();
    assert_eq!(register.gap_roadmap(&analyst, &bank).await.unwrap().roadmap.status(), RoadmapStatus::Approved);
    register.set_gap_milestones(&analyst, &bank, &same[..1], Some(s.version)).await.unwrap();
    let v = register.gap_roadmap(&analyst, &bank).await.unwrap();
    assert_eq!(v.roadmap.status(), RoadmapStatus::ApprovedWithChanges);
    assert!(matches!(v.roadmap.changes_after_approval()[0].subject, opres_gap::Subject::Milestones));
});
