//! Recurrence: found across engagements, years and group companies; linked, never merged.

use crate::common::{demo, today};
use opres_tlpt::demo::{FIRST_ENGAGEMENT, GOOD_ENGAGEMENT, POOR_ENGAGEMENT};
use opres_tlpt::ids::FindingId;
use opres_tlpt::recurrence::{self, find_recurrences, link, recurrence_count};
use opres_tlpt::similarity::MatchConfig;

fn fid(s: &str) -> FindingId {
    FindingId::parse(s).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_engine_links_the_demo_recurrences_across_companies_and_years() {
    let p = demo();
    let preds = |id: &str| recurrence::predecessors(&p, &fid(id)).iter().map(|f| f.id.to_string()).collect::<Vec<_>>();
    // The bank's VPN weakness was first found at the securities company, then at the bank, then again.
    assert_eq!(preds("F-BK2-01"), ["F-SEC1-01"]);
    assert_eq!(preds("F-BK3-01"), ["F-SEC1-01", "F-BK2-01"]);
    assert_eq!(recurrence_count(&p, &fid("F-BK3-01")), 2);
    assert_eq!(preds("F-BK3-02"), ["F-SEC1-02", "F-BK2-02"]);
    assert_eq!(preds("F-BK3-03"), ["F-BK2-04"]);
    // New issues are not linked to anything.
    assert_eq!(recurrence_count(&p, &fid("F-BK3-04")), 0);
    assert_eq!(recurrence_count(&p, &fid("F-BK2-03")), 0);
    let r = recurrence::recurrence_of(&p, &fid("F-BK3-01")).unwrap_or_else(|| panic!("recurring"));
    assert!(r.escalated && r.remediation_did_not_hold);
    assert_eq!(r.entities.len(), 2, "found at the bank and the securities company");
}

#[test]
fn linking_never_merges_hides_or_changes_status() {
    let mut p = demo();
    for f in &mut p.findings {
        f.recurrence_of.clear();
    }
    let before: Vec<_> = p.findings.iter().map(|f| (f.id.clone(), f.status, f.title.clone())).collect();
    let cfg = MatchConfig::default();
    let cands = find_recurrences(&p, GOOD_ENGAGEMENT, &cfg).unwrap_or_else(|e| panic!("{e}"));
    assert!(!cands.is_empty());
    let added = link(&mut p, &cands, today());
    assert!(added >= 4, "{added}");
    let after: Vec<_> = p.findings.iter().map(|f| (f.id.clone(), f.status, f.title.clone())).collect();
    assert_eq!(before, after, "no finding removed, merged, renamed or re-statused");
    // Linking again adds nothing.
    assert_eq!(link(&mut p, &cands, today()), 0);
    assert!(p.validate().is_ok());
}

#[test]
fn only_earlier_findings_of_other_engagements_qualify() {
    let p = demo();
    let cfg = MatchConfig::default();
    let cands = find_recurrences(&p, FIRST_ENGAGEMENT, &cfg).unwrap_or_else(|e| panic!("{e}"));
    assert!(cands.is_empty(), "nothing came before the first engagement: {cands:?}");
    for c in find_recurrences(&p, POOR_ENGAGEMENT, &cfg).unwrap_or_else(|e| panic!("{e}")) {
        let f = p.finding(&c.finding).unwrap_or_else(|| panic!("finding"));
        for m in &c.matches {
            let earlier = p.finding(&m.finding).unwrap_or_else(|| panic!("match"));
            assert!(earlier.engagement != f.engagement && earlier.identified_on <= f.identified_on);
        }
    }
    assert!(find_recurrences(&p, "NOPE", &cfg).is_err());
}

#[test]
fn unlinked_suggestions_are_what_nobody_recorded() {
    let mut p = demo();
    let cfg = MatchConfig::default();
    let cands = find_recurrences(&p, POOR_ENGAGEMENT, &cfg).unwrap_or_else(|e| panic!("{e}"));
    assert!(recurrence::unlinked(&p, &cands).is_empty());
    for f in &mut p.findings {
        f.recurrence_of.clear();
    }
    assert_eq!(recurrence::unlinked(&p, &cands).len(), cands.len());
}
