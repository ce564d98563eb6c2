//! The remediation roadmap: one register for every kind of action, management's approval and the
//! changes made after it, and the views the web layer renders.

use chrono::NaiveDate;
use opres_domain::{Lang, RawScalar, Yen};
use opres_gap::roadmap::{MotivationRecord, RequirementRefRecord};
use opres_gap::{
    Action, ActionField, ActionId, ActionRecord, ActionStatus, Approve, ChangeKind, MilestoneRecord, MotivationKind,
    Progress, RequirementRef, Roadmap, RoadmapError, RoadmapStatus, Subject,
};
use proptest::prelude::*;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn link(framework: &str, requirement: &str) -> RequirementRefRecord {
    RequirementRefRecord { framework: framework.into(), requirement: requirement.into() }
}

fn motivation(kind: &str, record: &str) -> MotivationRecord {
    MotivationRecord { kind: kind.into(), record: record.into() }
}

/// An incident's recurrence-prevention measure.
fn recurrence_prevention() -> ActionRecord {
    ActionRecord {
        id: "RM-001".into(),
        title_ja: "バッチ処理の容量監視を自動化する".into(),
        title_en: "Automate capacity monitoring of the batch".into(),
        owner: "システム運用部".into(),
        start: "2026-04-01".into(),
        due: "2026-06-30".into(),
        effort_days: Some(RawScalar::Int(30)),
        cost_yen: Some(RawScalar::Text("12000000".into())),
        closes: vec![link("report_challenges", "operations.storage.monitoring")],
        motivated_by: vec![motivation("incident", "INC-2026-0042")],
        ..Default::default()
    }
}

/// A TLPT finding's fix.
fn finding_fix() -> ActionRecord {
    ActionRecord {
        id: "RM-002".into(),
        title_en: "Enforce MFA on the jump hosts".into(),
        owner: "CISO office".into(),
        start: "2026-05-01".into(),
        due: "2026-07-31".into(),
        effort_days: Some(RawScalar::Int(10)),
        cost_yen: Some(RawScalar::Int(3_000_000)),
        status: "in_progress".into(),
        progress: Some(RawScalar::Int(40)),
        closes: vec![link("report_challenges", "operations.storage.monitoring"), link("fisc", "access.mfa")],
        motivated_by: vec![motivation("tlpt_finding", "F-2025-07"), motivation("gap", "fisc/access.mfa")],
        ..Default::default()
    }
}

fn approve(by: &str, on: &str, comment: &str) -> Approve {
    Approve { executive: true, by: by.into(), on: day(on), comment: comment.into() }
}

fn approved_roadmap() -> Roadmap {
    let mut r = Roadmap::new();
    r.add(recurrence_prevention().validate().unwrap(), "planner", day("2026-03-01")).unwrap();
    r.add(finding_fix().validate().unwrap(), "planner", day("2026-03-01")).unwrap();
    r.submit().unwrap();
    r.approve(approve("常務執行役員 山田", "2026-03-25", "取締役会報告済み")).unwrap();
    r
}

#[test]
fn an_incident_measure_and_a_tlpt_fix_share_one_roadmap_through_approval() {
    let mut r = Roadmap::new();
    assert_eq!(r.status(), RoadmapStatus::Draft);
    assert_eq!(r.submit(), Err(RoadmapError::NothingToSubmit));
    let measure = recurrence_prevention().validate().unwrap();
    let fix = finding_fix().validate().unwrap();
    assert_eq!(measure.motivated_by()[0].kind, MotivationKind::Incident);
    assert_eq!(fix.motivated_by()[0].kind, MotivationKind::TlptFinding);
    r.add(measure.clone(), "planner", day("2026-03-01")).unwrap();
    assert_eq!(r.add(measure, "planner", day("2026-03-01")), Err(RoadmapError::DuplicateAction(id("RM-001"))));
    r.add(fix, "planner", day("2026-03-01")).unwrap();
    // Edits before approval are the draft's business: nothing is recorded.
    assert!(r.changes_after_approval().is_empty());

    assert_eq!(r.submit(), Ok(RoadmapStatus::Submitted));
    let late = ActionRecord { id: "RM-003".into(), ..recurrence_prevention() }.validate().unwrap();
    assert_eq!(
        r.add(late.clone(), "planner", day("2026-03-02")),
        Err(RoadmapError::NotEditable(RoadmapStatus::Submitted))
    );
    assert_eq!(
        r.approve(Approve { executive: false, ..approve("部長", "2026-03-25", "ok") }),
        Err(RoadmapError::NotExecutive)
    );
    assert_eq!(r.approve(approve("常務", "2026-03-25", "  ")), Err(RoadmapError::CommentRequired));
    assert_eq!(r.approve(approve(" ", "2026-03-25", "ok")), Err(RoadmapError::ActorRequired));
    assert_eq!(r.status(), RoadmapStatus::Submitted);
    assert_eq!(r.withdraw(), Ok(RoadmapStatus::Draft));
    r.add(late, "planner", day("2026-03-02")).unwrap();
    r.submit().unwrap();
    assert_eq!(r.approve(approve("常務執行役員 山田", "2026-03-25", "取締役会報告済み")), Ok(RoadmapStatus::Approved));
    let a = r.approval().unwrap();
    assert_eq!((a.by.as_str(), a.on, a.comment.as_str()), ("常務執行役員 山田", day("2026-03-25"), "取締役会報告済み"));
    assert_eq!(
        r.approve(approve("常務", "2026-03-26", "again")),
        Err(RoadmapError::NotFrom { operation: "approve", from: RoadmapStatus::Approved })
    );
    assert_eq!(r.submit(), Err(RoadmapError::NotFrom { operation: "submit", from: RoadmapStatus::Approved }));
}

fn id(s: &str) -> ActionId {
    ActionId::parse(s).unwrap()
}

#[test]
fn every_change_after_approval_is_recorded_and_kept_through_the_next_approval() {
    let mut r = approved_roadmap();
    let moved = ActionRecord { due: "2026-09-30".into(), owner: "事務企画部".into(), ..recurrence_prevention() };
    let fields = r.update(moved.validate().unwrap(), "planner", day("2026-05-10")).unwrap();
    assert_eq!(fields, [ActionField::Owner, ActionField::Due]);
    assert_eq!(r.status(), RoadmapStatus::ApprovedWithChanges);
    // The same content again changes nothing and records nothing.
    assert!(r.update(r.action(&id("RM-001")).unwrap().clone(), "planner", day("2026-05-11")).unwrap().is_empty());
    r.remove(&id("RM-002"), "risk", day("2026-05-12")).unwrap();
    let milestone = MilestoneRecord { title_ja: "取締役会".into(), on: "2026-06-20".into(), ..Default::default() };
    r.set_milestones(vec![milestone.validate().unwrap()], "planner", day("2026-05-13")).unwrap();
    let seen: Vec<(Subject, ChangeKind, Option<ActionField>, &str)> =
        r.changes_after_approval().iter().map(|c| (c.subject.clone(), c.kind, c.field, c.by.as_str())).collect();
    assert_eq!(
        seen,
        [
            (Subject::Action(id("RM-001")), ChangeKind::Updated, Some(ActionField::Owner), "planner"),
            (Subject::Action(id("RM-001")), ChangeKind::Updated, Some(ActionField::Due), "planner"),
            (Subject::Action(id("RM-002")), ChangeKind::Removed, None, "risk"),
            (Subject::Milestones, ChangeKind::Updated, None, "planner"),
        ]
    );
    assert_eq!(r.remove(&id("RM-002"), "risk", day("2026-05-12")), Err(RoadmapError::UnknownAction(id("RM-002"))));
    assert_eq!(r.changes_after_approval().len(), 4);
    assert_eq!(r.update(finding_fix().validate().unwrap(), "", day("2026-05-14")), Err(RoadmapError::ActorRequired));

    assert_eq!(r.submit(), Ok(RoadmapStatus::Submitted));
    // While management looks again, the approval and the changes stay visible.
    assert_eq!(r.changes_after_approval().len(), 4);
    assert_eq!(
        r.approve(approve("頭取", "2026-03-24", "変更を承認")),
        Err(RoadmapError::ApprovalBeforeCurrent { on: day("2026-03-24"), current: day("2026-03-25") })
    );
    assert_eq!(r.approve(approve("頭取", "2026-06-20", "変更を承認")), Ok(RoadmapStatus::Approved));
    assert!(r.changes_after_approval().is_empty());
    let earlier = r.earlier_approvals();
    assert_eq!(earlier.len(), 1);
    assert_eq!(earlier[0].approval.on, day("2026-03-25"));
    assert_eq!(earlier[0].changes.len(), 4);
}

#[test]
fn a_form_reports_every_problem_by_field() {
    let bad = ActionRecord {
        id: "RM 1".into(),
        owner: " ".into(),
        start: "2026/04/01".into(),
        due: "2026-02-30".into(),
        effort_days: Some(RawScalar::Int(0)),
        cost_yen: Some(RawScalar::Int(-5)),
        status: "finished".into(),
        progress: Some(RawScalar::Float(12.5)),
        closes: vec![link("fisc", ""), link("fisc", "")],
        motivated_by: vec![motivation("audit", "A-1"), motivation("incident", "")],
        ..Default::default()
    };
    let e = bad.validate().unwrap_err();
    let fields: Vec<&str> = e.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "id",
            "title",
            "owner",
            "start",
            "due",
            "effort_days",
            "cost_yen",
            "status",
            "progress",
            "closes[0].requirement",
            "closes[1].requirement",
            "closes[1]",
            "motivated_by[0].kind",
            "motivated_by[1].record",
        ]
    );
    assert!(e.message(Lang::Ja).contains("YYYY-MM-DD"), "{}", e.message(Lang::Ja));
    assert!(e.message(Lang::En).contains("tlpt_finding"), "{}", e.message(Lang::En));
    // An unknown field in a file or an API body is refused rather than dropped.
    let typo = serde_json::from_str::<ActionRecord>(r#"{"id": "A", "dew": "2026-01-01"}"#);
    assert!(typo.unwrap_err().to_string().contains("dew"));
}

#[test]
fn overdue_totals_and_requirements_ready_for_reassessment() {
    let mut r = approved_roadmap();
    let today = day("2026-07-15");
    let overdue: Vec<&str> = r.overdue(today).iter().map(|a| a.id().as_str()).collect();
    assert_eq!(overdue, ["RM-001"]);
    // Due today is not overdue yet.
    assert!(r.overdue(day("2026-06-30")).is_empty());

    let t = r.totals();
    assert_eq!(t.all.effort_days, 40);
    assert_eq!(t.all.cost, Yen::new(15_000_000));
    assert_eq!(t.by_status[&ActionStatus::Planned].cost, Yen::new(12_000_000));
    assert_eq!(t.by_status[&ActionStatus::InProgress].effort_days, 10);
    assert_eq!(t.by_status[&ActionStatus::Done].actions, 0);
    assert_eq!(r.progress(), Progress::new(10).unwrap());
    let by_incident: Vec<&str> =
        r.motivated_by(MotivationKind::Incident, "INC-2026-0042").iter().map(|a| a.id().as_str()).collect();
    assert_eq!(by_incident, ["RM-001"]);
    assert_eq!(r.motivated_by(MotivationKind::Gap, "fisc/access.mfa")[0].id().as_str(), "RM-002");
    assert!(r.motivated_by(MotivationKind::Spof, "INC-2026-0042").is_empty());

    assert!(r.requirements_ready_for_reassessment().is_empty());
    let done = ActionRecord { status: "done".into(), ..recurrence_prevention() }.validate().unwrap();
    r.update(done, "planner", today).unwrap();
    // The shared requirement waits for the TLPT fix too; nothing is ready yet.
    assert!(r.requirements_ready_for_reassessment().is_empty());
    assert!(r.overdue(today).is_empty());
    let fix_done = ActionRecord { status: "done".into(), progress: None, ..finding_fix() }.validate().unwrap();
    r.update(fix_done, "planner", today).unwrap();
    let ready = r.requirements_ready_for_reassessment();
    let names: Vec<(&str, &str)> = ready.iter().map(|q| (q.framework.as_str(), q.requirement.as_str())).collect();
    assert_eq!(names, [("fisc", "access.mfa"), ("report_challenges", "operations.storage.monitoring")]);
    assert_eq!(r.progress(), Progress::COMPLETE);
}

#[test]
fn a_cancelled_action_neither_blocks_nor_closes_a_requirement() {
    let mut r = Roadmap::new();
    let on = day("2026-01-10");
    let cancelled = ActionRecord { status: "cancelled".into(), ..recurrence_prevention() };
    r.add(cancelled.validate().unwrap(), "p", on).unwrap();
    assert!(r.requirements_ready_for_reassessment().is_empty(), "a cancelled action alone closes nothing");
    let done = ActionRecord { id: "RM-009".into(), status: "done".into(), ..recurrence_prevention() };
    r.add(done.validate().unwrap(), "p", on).unwrap();
    assert_eq!(
        r.requirements_ready_for_reassessment(),
        [RequirementRef { framework: "report_challenges".into(), requirement: "operations.storage.monitoring".into() }]
    );
}

#[test]
fn the_gantt_view_spans_actions_and_milestones() {
    let mut r = approved_roadmap();
    let board = MilestoneRecord { title_en: "Board review".into(), on: "2026-08-31".into(), ..Default::default() };
    let kickoff = MilestoneRecord { title_en: "Kick-off".into(), on: "2026-03-15".into(), ..Default::default() };
    r.set_milestones(vec![board.validate().unwrap(), kickoff.validate().unwrap()], "p", day("2026-03-26")).unwrap();
    let g = r.gantt(day("2026-07-15"));
    assert_eq!((g.start, g.end), (day("2026-03-15"), day("2026-08-31")));
    assert_eq!(g.days(), 170);
    assert_eq!(g.offset(day("2026-04-01")), 17);
    assert_eq!(g.milestones[0].title().get(Lang::Ja), "Kick-off");
    let rows: Vec<(&str, u8, bool)> = g.rows.iter().map(|x| (x.action.as_str(), x.progress.get(), x.overdue)).collect();
    assert_eq!(rows, [("RM-001", 0, true), ("RM-002", 40, false)]);
    assert_eq!(g.rows[0].title.get(Lang::En), "Automate capacity monitoring of the batch");
    let empty = Roadmap::new().gantt(day("2026-07-15"));
    assert_eq!((empty.start, empty.end, empty.days()), (day("2026-07-15"), day("2026-07-15"), 1));
}

#[test]
fn a_stored_roadmap_reads_back_and_refuses_what_breaks_the_rules() {
    let mut r = approved_roadmap();
    r.remove(&id("RM-002"), "risk", day("2026-05-12")).unwrap();
    let json = serde_json::to_string(&r).unwrap();
    let back: Roadmap = serde_json::from_str(&json).unwrap();
    assert_eq!(back, r);
    assert_eq!(back.status(), RoadmapStatus::ApprovedWithChanges);
    // A stored action is validated again: a due date before its start is not read.
    let broken = json.replace("\"due\":\"2026-06-30\"", "\"due\":\"2026-01-01\"");
    assert_ne!(broken, json);
    let err = serde_json::from_str::<Roadmap>(&broken).unwrap_err().to_string();
    assert!(err.contains("due"), "{err}");
    let twice = {
        let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let a = v["actions"][0].clone();
        v["actions"].as_array_mut().unwrap().push(a);
        v.to_string()
    };
    assert!(serde_json::from_str::<Roadmap>(&twice).unwrap_err().to_string().contains("already on the roadmap"));
}

fn arb_action(n: usize) -> impl Strategy<Value = Action> {
    (0usize..4, proptest::option::of(0u8..=100), 1u32..500, 0u64..1_000_000_000, 0i64..400, 0i64..200).prop_map(
        move |(status, progress, effort, cost, start, length)| {
            let status = ["planned", "in_progress", "done", "cancelled"][status];
            let start = day("2026-01-01") + chrono::Duration::days(start);
            let rec = ActionRecord {
                id: format!("A{n}"),
                title_en: format!("Action {n}"),
                owner: "owner".into(),
                start: start.to_string(),
                due: (start + chrono::Duration::days(length)).to_string(),
                effort_days: Some(RawScalar::Int(i64::from(effort))),
                cost_yen: Some(RawScalar::from(cost)),
                status: status.into(),
                // Done takes only 100, which the generator may not give: leave it blank then.
                progress: progress.filter(|_| status != "done").map(|p| RawScalar::Int(i64::from(p))),
                closes: vec![link("f", &format!("r{}", n % 3))],
                ..Default::default()
            };
            rec.validate().unwrap()
        },
    )
}

fn arb_actions() -> impl Strategy<Value = Vec<Action>> {
    (0usize..8).prop_flat_map(|len| (0..len).map(arb_action).collect::<Vec<_>>())
}

proptest! {
    #[test]
    fn progress_stays_within_0_to_100_and_is_100_only_when_all_is_complete(actions in arb_actions()) {
        let mut r = Roadmap::new();
        for a in &actions {
            r.add(a.clone(), "p", day("2026-01-01")).unwrap();
        }
        let p = r.progress().get();
        prop_assert!(p <= 100);
        let open: Vec<&Action> = actions.iter().filter(|a| a.status() != ActionStatus::Cancelled).collect();
        let complete = !open.is_empty() && open.iter().all(|a| a.progress() == Progress::COMPLETE);
        prop_assert_eq!(p == 100, complete);
        for row in r.gantt(day("2026-06-01")).rows {
            prop_assert!(row.start <= row.due);
        }
    }

    #[test]
    fn an_action_written_back_as_a_record_validates_to_itself(a in arb_action(1)) {
        prop_assert_eq!(a.to_record().validate().unwrap(), a);
    }

    #[test]
    fn a_change_after_approval_is_always_visible(
        first in arb_actions(),
        edits in proptest::collection::vec((0usize..3, arb_action(0)), 1..6),
    ) {
        let mut r = Roadmap::new();
        for a in &first {
            r.add(a.clone(), "p", day("2026-01-01")).unwrap();
        }
        prop_assume!(!first.is_empty());
        r.submit().unwrap();
        r.approve(approve("exec", "2026-01-02", "ok")).unwrap();
        let mut changed = false;
        for (op, a) in edits {
            let before = r.clone();
            let moved = match op {
                0 => r.add(a, "p", day("2026-02-01")).is_ok(),
                1 => r.update(a, "p", day("2026-02-01")).is_ok_and(|f| !f.is_empty()),
                _ => r.remove(a.id(), "p", day("2026-02-01")).is_ok(),
            };
            // Whatever an edit did to the actions, it shows in the log; nothing else grows the log.
            prop_assert_eq!(r.actions() != before.actions(), moved);
            prop_assert_eq!(r.changes_after_approval().len() > before.changes_after_approval().len(), moved);
            changed |= moved;
        }
        prop_assert_eq!(r.status() == RoadmapStatus::ApprovedWithChanges, changed);
        prop_assert_eq!(r.approval().map(|a| a.on), Some(day("2026-01-02")));
    }
}
