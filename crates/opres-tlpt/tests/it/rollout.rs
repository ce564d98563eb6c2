//! Horizontal rollout: planning, answers, new findings, status.

use crate::common::{demo, today};
use opres_tlpt::codes::{FindingOrigin, RolloutStatus};
use opres_tlpt::demo::{GOOD_ENGAGEMENT, POOR_ENGAGEMENT};
use opres_tlpt::ids::{EngagementId, FindingId};
use opres_tlpt::rollout::{self, CheckAnswer};

fn fid(s: &str) -> FindingId {
    FindingId::parse(s).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn plan_covers_every_other_system_and_group_company() {
    let p = demo();
    let f = p.finding(&fid("F-BK2-04")).unwrap_or_else(|| panic!("demo"));
    let plan = rollout::plan(&p, &f.id, today(), None).unwrap_or_else(|e| panic!("{e}"));
    // Every system but the one affected, plus one company-wide record per other group company.
    assert_eq!(plan.iter().filter(|r| r.system.is_some()).count(), p.systems.len() - f.systems.len());
    let companies: Vec<&str> = plan.iter().filter(|r| r.system.is_none()).map(|r| r.entity.as_str()).collect();
    assert_eq!(companies, ["MINATO-SEC", "MINATO-CARD"]);
    assert!(plan.iter().all(|r| r.status == RolloutStatus::NotChecked && !r.owner.is_empty()));
    // Planning again after recording does not repeat records.
    let mut p2 = p.clone();
    p2.rollout.extend(plan);
    assert!(rollout::plan(&p2, &f.id, today(), None).unwrap_or_default().is_empty());
    assert!(p2.validate().is_ok());
}

#[test]
fn a_present_answer_becomes_a_new_finding() {
    let mut p = demo();
    let id = fid("F-BK2-04");
    let plan = rollout::plan(&p, &id, today(), None).unwrap_or_else(|e| panic!("{e}"));
    let start = p.rollout.len();
    p.rollout.extend(plan);
    let i = (start..p.rollout.len())
        .find(|i| p.rollout[*i].system.as_ref().is_some_and(|s| s.to_string() == "MINATO-SEC/TRADE"))
        .unwrap_or_else(|| panic!("record"));
    let created = rollout::record_check(&mut p, i, CheckAnswer::Present { new_finding: fid("F-BK2-04-R1") }, today())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(created, Some(fid("F-BK2-04-R1")));
    let nf = p.finding(&fid("F-BK2-04-R1")).unwrap_or_else(|| panic!("new finding"));
    assert_eq!((nf.origin, nf.rollout_of.as_ref()), (FindingOrigin::Rollout, Some(&id)));
    assert_eq!(nf.systems.iter().map(|s| s.to_string()).collect::<Vec<_>>(), ["MINATO-SEC/TRADE"]);
    assert!(nf.status.is_active());
    assert_eq!(p.rollout[i].status, RolloutStatus::CheckedPresent);
    rollout::record_check(&mut p, i + 1, CheckAnswer::NotPresent, today()).unwrap_or_else(|e| panic!("{e}"));
    assert!(p.validate().is_ok(), "{:?}", p.validate());
    // The same id twice is refused.
    assert!(
        rollout::record_check(&mut p, i + 2, CheckAnswer::Present { new_finding: fid("F-BK2-04-R1") }, today())
            .is_err()
    );
    assert!(rollout::record_check(&mut p, 99_999, CheckAnswer::NotPresent, today()).is_err());
}

#[test]
fn summaries_count_and_flag_what_is_missing() {
    let p = demo();
    let good = rollout::engagement_summary(
        &p,
        &EngagementId::parse(GOOD_ENGAGEMENT).unwrap_or_else(|e| panic!("{e}")),
        today(),
    );
    assert_eq!(good.len(), 6);
    assert!(good.iter().all(|s| s.is_instructed()));
    let first = good.iter().find(|s| s.finding.as_str() == "F-BK3-01").unwrap_or_else(|| panic!("summary"));
    assert_eq!((first.checked_present, first.not_checked, first.new_findings.len()), (1, 0, 1));
    assert!(good.iter().any(|s| s.not_checked > 0 && s.overdue == 0), "open checks, not yet due");
    let poor = rollout::engagement_summary(
        &p,
        &EngagementId::parse(POOR_ENGAGEMENT).unwrap_or_else(|e| panic!("{e}")),
        today(),
    );
    assert!(poor.iter().all(|s| s.total == 0 && !s.is_instructed() && !s.entities_without_record.is_empty()));
    // Overdue once the due date has passed.
    let later = rollout::engagement_summary(
        &p,
        &EngagementId::parse(GOOD_ENGAGEMENT).unwrap_or_else(|e| panic!("{e}")),
        today() + chrono::Duration::days(60),
    );
    assert!(later.iter().any(|s| s.overdue > 0));
}
