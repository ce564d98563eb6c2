//! Recurring findings: every new finding is compared with all earlier findings across engagements,
//! years and group companies; a recurrence is *linked* to its predecessors, never merged into them, so
//! it stays on the register with its own status, shows how often the issue has come back, and is
//! escalated for the management report (the source's shortcoming: similar issues found again and again
//! and left out of the report because they resemble past findings).

use crate::error::TlptError;
use crate::ids::{EngagementId, FindingId};
use crate::model::{Finding, RecurrenceLink, TlptProgramme};
use crate::similarity::{FindingIndex, Match, MatchConfig};
use chrono::NaiveDate;
use opres_domain::InstitutionCode;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, VecDeque};

/// Earlier findings a finding may recur.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecurrenceCandidate {
    /// The new finding.
    pub finding: FindingId,
    /// Earlier findings above the threshold, best first.
    pub matches: Vec<Match>,
}

/// Compares one finding with an index of earlier findings: only findings of other engagements,
/// identified on or before it, qualify.
pub fn candidates_for(index: &FindingIndex, f: &Finding, cfg: &MatchConfig) -> RecurrenceCandidate {
    let matches =
        index.search(f, cfg, |d| d.engagement != f.engagement && d.identified_on <= f.identified_on && d.id != f.id);
    RecurrenceCandidate { finding: f.id.clone(), matches }
}

/// Compares every finding of an engagement with all earlier findings of the programme.
pub fn find_recurrences(
    p: &TlptProgramme,
    engagement: &str,
    cfg: &MatchConfig,
) -> Result<Vec<RecurrenceCandidate>, TlptError> {
    let e = p.require_engagement(engagement)?;
    let index = FindingIndex::build(p.findings.iter().filter(|f| f.engagement != e.id));
    Ok(p.findings_of(&e.id).map(|f| candidates_for(&index, f, cfg)).filter(|c| !c.matches.is_empty()).collect())
}

/// Candidates not yet linked: what the engine suggests and nobody has recorded.
pub fn unlinked(p: &TlptProgramme, candidates: &[RecurrenceCandidate]) -> Vec<RecurrenceCandidate> {
    candidates
        .iter()
        .filter_map(|c| {
            let f = p.finding(&c.finding)?;
            let matches: Vec<Match> =
                c.matches.iter().filter(|m| !f.recurrence_of.iter().any(|l| l.finding == m.finding)).cloned().collect();
            (!matches.is_empty()).then(|| RecurrenceCandidate { finding: c.finding.clone(), matches })
        })
        .collect()
}

/// Records the candidates as recurrence links. Adds links only: nothing is removed, merged or hidden,
/// and no status changes. Returns the number of links added.
pub fn link(p: &mut TlptProgramme, candidates: &[RecurrenceCandidate], linked_on: NaiveDate) -> usize {
    let mut added = 0;
    for c in candidates {
        let Some(f) = p.findings.iter_mut().find(|f| f.id == c.finding) else { continue };
        for m in &c.matches {
            if m.finding == f.id || f.recurrence_of.iter().any(|l| l.finding == m.finding) {
                continue;
            }
            f.recurrence_of.push(RecurrenceLink {
                finding: m.finding.clone(),
                similarity: (m.score.score * 1000.0).round() / 1000.0,
                linked_on,
            });
            added += 1;
        }
    }
    added
}

/// Every earlier finding a finding recurs, directly or through its predecessors, oldest first.
pub fn predecessors<'a>(p: &'a TlptProgramme, id: &FindingId) -> Vec<&'a Finding> {
    let mut seen: BTreeSet<&FindingId> = BTreeSet::new();
    let mut queue: VecDeque<&FindingId> = VecDeque::new();
    if let Some(f) = p.finding(id) {
        queue.extend(f.recurrence_of.iter().map(|l| &l.finding));
    }
    let mut out = Vec::new();
    while let Some(next) = queue.pop_front() {
        if next == id || !seen.insert(next) {
            continue;
        }
        if let Some(f) = p.finding(next) {
            out.push(f);
            queue.extend(f.recurrence_of.iter().map(|l| &l.finding));
        }
    }
    out.sort_by(|a, b| a.identified_on.cmp(&b.identified_on).then_with(|| a.id.cmp(&b.id)));
    out
}

/// How many earlier findings this one recurs (0: not recurring).
pub fn recurrence_count(p: &TlptProgramme, id: &FindingId) -> usize {
    predecessors(p, id).len()
}

/// A recurring finding as the management report shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recurrence {
    /// The finding.
    pub finding: FindingId,
    /// Earlier findings it recurs, oldest first.
    pub predecessors: Vec<FindingId>,
    /// How many.
    pub count: usize,
    /// Engagements where it was found before.
    pub engagements: Vec<EngagementId>,
    /// Group companies where it was found (now and before).
    pub entities: Vec<InstitutionCode>,
    /// When it was first found.
    pub first_seen: NaiveDate,
    /// An earlier occurrence was marked remediated, yet the issue came back.
    pub remediation_did_not_hold: bool,
    /// Escalated for the management report (always, for a recurrence).
    pub escalated: bool,
}

fn entities_of(p: &TlptProgramme, f: &Finding) -> Vec<InstitutionCode> {
    p.finding_entities(f)
}

/// The recurrence view of one finding, `None` when it recurs nothing.
pub fn recurrence_of(p: &TlptProgramme, id: &FindingId) -> Option<Recurrence> {
    let f = p.finding(id)?;
    let preds = predecessors(p, id);
    if preds.is_empty() {
        return None;
    }
    let mut engagements: Vec<EngagementId> = preds.iter().map(|x| x.engagement.clone()).collect();
    engagements.sort();
    engagements.dedup();
    let mut entities: Vec<InstitutionCode> = entities_of(p, f);
    for x in &preds {
        entities.extend(entities_of(p, x));
    }
    entities.sort();
    entities.dedup();
    Some(Recurrence {
        finding: id.clone(),
        predecessors: preds.iter().map(|x| x.id.clone()).collect(),
        count: preds.len(),
        engagements,
        entities,
        first_seen: preds.iter().map(|x| x.identified_on).min().unwrap_or(f.identified_on),
        remediation_did_not_hold: preds.iter().any(|x| x.status == crate::codes::FindingStatus::Remediated),
        escalated: true,
    })
}

/// Every recurring finding of an engagement, most recurrent first.
pub fn recurrences(p: &TlptProgramme, engagement: &EngagementId) -> Vec<Recurrence> {
    let mut v: Vec<Recurrence> = p.findings_of(engagement).filter_map(|f| recurrence_of(p, &f.id)).collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.finding.cmp(&b.finding)));
    v
}
