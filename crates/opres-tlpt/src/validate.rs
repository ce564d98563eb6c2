//! Whole-programme validation: references, uniqueness, order of times, counts. Leaf values (codes,
//! identifiers, technique IDs, dates) are already checked when parsed; this finds what only the whole
//! document can show, and lists every problem with its path (e.g. `engagements[TLPT-2025].steps[S3].path`).

use crate::codes::{FindingOrigin, PhaseKind, RolloutStatus};
use crate::ids::{LocalId, SystemRef};
use crate::model::*;
use opres_domain::{Problem, ValidationErrors};
use std::collections::{BTreeMap, BTreeSet};

impl TlptProgramme {
    /// Checks the whole programme; `Err` lists every problem found.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut v = Validator { errs: ValidationErrors::default() };
        v.programme(self);
        v.errs.into_result(|| ())
    }
}

struct Validator {
    errs: ValidationErrors,
}

/// Flags ids seen twice under a path.
fn unique<'a, T: Ord + std::fmt::Display + 'a>(
    errs: &mut ValidationErrors,
    path: &str,
    ids: impl IntoIterator<Item = &'a T>,
) -> BTreeSet<&'a T> {
    let mut seen = BTreeSet::new();
    for id in ids {
        if !seen.insert(id) {
            errs.push(format!("{path}[{id}]"), Problem::Duplicate { value: id.to_string() });
        }
    }
    seen
}

fn unknown(value: impl ToString) -> Problem {
    Problem::UnknownReference { value: value.to_string() }
}

impl Validator {
    fn programme(&mut self, p: &TlptProgramme) {
        if p.format != FORMAT {
            self.errs.push("format", Problem::BadFormat { value: p.format.clone(), hint: "opres-tlpt/1" });
        }
        if p.group.name.is_empty() {
            self.errs.push("group.name", Problem::Required);
        }
        let entities = unique(&mut self.errs, "entities", p.entities.iter().map(|e| &e.code));
        for e in &p.entities {
            if e.name.is_empty() {
                self.errs.push(format!("entities[{}].name", e.code), Problem::Required);
            }
        }
        let systems = unique(&mut self.errs, "systems", p.systems.iter().map(|s| &s.id));
        for s in &p.systems {
            if !entities.contains(&s.id.entity) {
                self.errs.push(format!("systems[{}].id", s.id), unknown(&s.id.entity));
            }
            if s.name.is_empty() {
                self.errs.push(format!("systems[{}].name", s.id), Problem::Required);
            }
        }
        let engagement_ids = unique(&mut self.errs, "engagements", p.engagements.iter().map(|e| &e.id));
        for e in &p.engagements {
            self.engagement(p, e, &systems);
        }
        let _ = engagement_ids;
        self.findings(p, &systems);
        self.rollout(p, &systems);
    }

    fn system_ref(&mut self, path: String, r: &SystemRef, systems: &BTreeSet<&SystemRef>) {
        if !systems.contains(r) {
            self.errs.push(path, unknown(r));
        }
    }

    fn engagement(&mut self, p: &TlptProgramme, e: &Engagement, systems: &BTreeSet<&SystemRef>) {
        let at = |rest: &str| format!("engagements[{}].{rest}", e.id);
        if p.entity(&e.entity).is_none() {
            self.errs.push(at("entity"), unknown(&e.entity));
        }
        if e.title.is_empty() {
            self.errs.push(at("title"), Problem::Required);
        }
        // Phases: each once, ends after starts, and in the order preparation → TI → red teaming → closure.
        unique(&mut self.errs, &at("phases"), e.phases.iter().map(|ph| &ph.phase));
        for ph in &e.phases {
            if let Some(end) = ph.end
                && end < ph.start
            {
                self.errs.push(at(&format!("phases[{}].end", ph.phase)), Problem::Before { other_field: "start" });
            }
        }
        for pair in PhaseKind::ALL.windows(2) {
            if let (Some(a), Some(b)) = (e.phase(pair[0]), e.phase(pair[1]))
                && b.start < a.start
            {
                self.errs.push(
                    at(&format!("phases[{}].start", pair[1])),
                    Problem::BadFormat {
                        value: b.start.to_string(),
                        hint: "phases run preparation → threat_intelligence → red_teaming → closure",
                    },
                );
            }
        }
        // Scope.
        for s in &e.scope.systems {
            self.system_ref(at(&format!("scope.systems[{}]", s.system)), &s.system, systems);
        }
        unique(&mut self.errs, &at("scope.systems"), e.scope.systems.iter().map(|s| &s.system));
        unique(&mut self.errs, &at("scope.functions"), e.scope.functions.iter().map(|f| &f.id));
        for f in &e.scope.functions {
            for s in &f.systems {
                self.system_ref(at(&format!("scope.functions[{}].systems", f.id)), s, systems);
            }
        }
        let flags = unique(&mut self.errs, &at("scope.flags"), e.scope.flags.iter().map(|f| &f.id));
        for f in &e.scope.flags {
            if let Some(s) = &f.system {
                self.system_ref(at(&format!("scope.flags[{}].system", f.id)), s, systems);
            }
        }
        if e.sponsor.name.trim().is_empty() {
            self.errs.push(at("sponsor.name"), Problem::Required);
        }
        // Intelligence and actors.
        let actors = unique(&mut self.errs, &at("actors"), e.actors.iter().map(|a| &a.id));
        let intel = unique(&mut self.errs, &at("intel"), e.intel.iter().map(|i| &i.id));
        for i in &e.intel {
            for a in &i.actors {
                if !actors.contains(a) {
                    self.errs.push(at(&format!("intel[{}].actors", i.id)), unknown(a));
                }
            }
        }
        for a in &e.actors {
            for g in &a.intrusion_sets {
                let ok = g.len() == 5 && g.starts_with('G') && g[1..].chars().all(|c| c.is_ascii_digit());
                if !ok {
                    self.errs.push(
                        at(&format!("actors[{}].intrusion_sets", a.id)),
                        Problem::BadFormat { value: g.clone(), hint: "an ATT&CK group ID such as G0082" },
                    );
                }
            }
        }
        // Scenarios, their paths and leg-ups.
        let scenarios = unique(&mut self.errs, &at("scenarios"), e.scenarios.iter().map(|s| &s.id));
        let mut paths: BTreeMap<&LocalId, BTreeSet<&LocalId>> = BTreeMap::new();
        let mut leg_ups: BTreeMap<&LocalId, BTreeSet<&LocalId>> = BTreeMap::new();
        for s in &e.scenarios {
            let sp = |rest: &str| at(&format!("scenarios[{}].{rest}", s.id));
            for a in &s.actors {
                if !actors.contains(a) {
                    self.errs.push(sp("actors"), unknown(a));
                }
            }
            for i in &s.intel {
                if !intel.contains(i) {
                    self.errs.push(sp("intel"), unknown(i));
                }
            }
            for f in &s.flags {
                if !flags.contains(f) {
                    self.errs.push(sp("flags"), unknown(f));
                }
            }
            paths.insert(&s.id, unique(&mut self.errs, &sp("paths"), s.paths.iter().map(|p| &p.id)));
            leg_ups.insert(&s.id, unique(&mut self.errs, &sp("leg_ups"), s.leg_ups.iter().map(|l| &l.id)));
        }
        // Steps.
        let steps = unique(&mut self.errs, &at("steps"), e.steps.iter().map(|s| &s.id));
        let step_at: BTreeMap<&LocalId, _> = e.steps.iter().map(|s| (&s.id, s.at)).collect();
        for s in &e.steps {
            let sp = |rest: &str| at(&format!("steps[{}].{rest}", s.id));
            if !scenarios.contains(&s.scenario) {
                self.errs.push(sp("scenario"), unknown(&s.scenario));
            } else if !paths.get(&s.scenario).is_some_and(|ps| ps.contains(&s.path)) {
                self.errs.push(sp("path"), unknown(&s.path));
            }
            if let Some(l) = &s.leg_up
                && !leg_ups.get(&s.scenario).is_some_and(|ls| ls.contains(l))
            {
                self.errs.push(sp("leg_up"), unknown(l));
            }
            if let Some(f) = &s.flag
                && !flags.contains(f)
            {
                self.errs.push(sp("flag"), unknown(f));
            }
            if let Some(t) = &s.target {
                self.system_ref(sp("target"), t, systems);
            }
        }
        // Detections cannot precede what they detect; responses cannot precede what they answer.
        let detections = unique(&mut self.errs, &at("detections"), e.detections.iter().map(|d| &d.id));
        let detection_at: BTreeMap<&LocalId, _> = e.detections.iter().map(|d| (&d.id, d.at)).collect();
        for d in &e.detections {
            let dp = |rest: &str| at(&format!("detections[{}].{rest}", d.id));
            for s in &d.steps {
                match step_at.get(s) {
                    None => self.errs.push(dp("steps"), unknown(s)),
                    Some(t) if d.at < *t => self.errs.push(dp("at"), Problem::Before { other_field: "steps.at" }),
                    Some(_) => {}
                }
            }
        }
        unique(&mut self.errs, &at("responses"), e.responses.iter().map(|r| &r.id));
        for r in &e.responses {
            let rp = |rest: &str| at(&format!("responses[{}].{rest}", r.id));
            for d in &r.detections {
                match detection_at.get(d) {
                    None => self.errs.push(rp("detections"), unknown(d)),
                    Some(t) if r.at < *t => self.errs.push(rp("at"), Problem::Before { other_field: "detections.at" }),
                    Some(_) => {}
                }
            }
            for s in &r.steps {
                match step_at.get(s) {
                    None => self.errs.push(rp("steps"), unknown(s)),
                    Some(t) if r.at < *t => self.errs.push(rp("at"), Problem::Before { other_field: "steps.at" }),
                    Some(_) => {}
                }
            }
        }
        let _ = (steps, detections);
        // Phishing.
        unique(&mut self.errs, &at("phishing"), e.phishing.iter().map(|c| &c.id));
        for c in &e.phishing {
            let cp = |rest: &str| at(&format!("phishing[{}].{rest}", c.id));
            if let Some(s) = &c.scenario
                && !scenarios.contains(s)
            {
                self.errs.push(cp("scenario"), unknown(s));
            }
            if c.clicks > c.recipients {
                self.errs.push(
                    cp("clicks"),
                    Problem::BadFormat { value: c.clicks.to_string(), hint: "cannot exceed recipients" },
                );
            }
            if c.reports.len() > c.recipients as usize {
                self.errs.push(
                    cp("reports"),
                    Problem::BadFormat { value: c.reports.len().to_string(), hint: "cannot exceed recipients" },
                );
            }
            if let Some(t) = c.first_click_at
                && t < c.sent_at
            {
                self.errs.push(cp("first_click_at"), Problem::Before { other_field: "sent_at" });
            }
            for (i, r) in c.reports.iter().enumerate() {
                let rp = |rest: &str| cp(&format!("reports[{i}].{rest}"));
                if r.at < c.sent_at {
                    self.errs.push(rp("at"), Problem::Before { other_field: "sent_at" });
                }
                if let Some(esc) = r.escalated_at
                    && esc < r.at
                {
                    self.errs.push(rp("escalated_at"), Problem::Before { other_field: "at" });
                }
                match (r.escalated_at, r.csirt_response_at) {
                    (Some(esc), Some(resp)) if resp < esc => {
                        self.errs.push(rp("csirt_response_at"), Problem::Before { other_field: "escalated_at" })
                    }
                    (None, Some(_)) => {
                        self.errs.push(rp("csirt_response_at"), Problem::Requires { other_field: "escalated_at" })
                    }
                    _ => {}
                }
            }
        }
        if let Some(d) = &e.blue_team_told
            && d.whom.trim().is_empty()
        {
            self.errs.push(at("blue_team_told.whom"), Problem::Required);
        }
        if let Some(m) = &e.management_report {
            for f in &m.findings_reported {
                match p.finding(f) {
                    None => self.errs.push(at("management_report.findings_reported"), unknown(f)),
                    Some(found) if found.engagement != e.id => self.errs.push(
                        at("management_report.findings_reported"),
                        Problem::BadFormat { value: f.to_string(), hint: "a finding of this engagement" },
                    ),
                    Some(_) => {}
                }
            }
        }
    }

    fn findings(&mut self, p: &TlptProgramme, systems: &BTreeSet<&SystemRef>) {
        unique(&mut self.errs, "findings", p.findings.iter().map(|f| &f.id));
        for f in &p.findings {
            let at = |rest: &str| format!("findings[{}].{rest}", f.id);
            if p.engagement(&f.engagement).is_none() {
                self.errs.push(at("engagement"), unknown(&f.engagement));
            }
            if f.title.is_empty() {
                self.errs.push(at("title"), Problem::Required);
            }
            for s in &f.systems {
                self.system_ref(at("systems"), s, systems);
            }
            match (f.origin, &f.rollout_of) {
                (FindingOrigin::Rollout, None) => self.errs.push(at("rollout_of"), Problem::Required),
                (FindingOrigin::Tlpt, Some(_)) => {
                    self.errs.push(at("rollout_of"), Problem::Requires { other_field: "origin = rollout" })
                }
                (_, Some(of)) if p.finding(of).is_none() => self.errs.push(at("rollout_of"), unknown(of)),
                _ => {}
            }
            for link in &f.recurrence_of {
                if link.finding == f.id {
                    self.errs.push(
                        at("recurrence_of"),
                        Problem::BadFormat { value: link.finding.to_string(), hint: "a finding cannot recur itself" },
                    );
                    continue;
                }
                match p.finding(&link.finding) {
                    None => self.errs.push(at("recurrence_of"), unknown(&link.finding)),
                    Some(earlier) if earlier.identified_on > f.identified_on => {
                        self.errs.push(at("recurrence_of"), Problem::Before { other_field: "the earlier finding" })
                    }
                    Some(_) => {}
                }
                if !(0.0..=1.0).contains(&link.similarity) {
                    self.errs.push(
                        at("recurrence_of.similarity"),
                        Problem::BadFormat { value: link.similarity.to_string(), hint: "between 0 and 1" },
                    );
                }
            }
        }
    }

    fn rollout(&mut self, p: &TlptProgramme, systems: &BTreeSet<&SystemRef>) {
        let mut seen = BTreeSet::new();
        for (i, r) in p.rollout.iter().enumerate() {
            let at = |rest: &str| format!("rollout[{i}].{rest}");
            if p.finding(&r.finding).is_none() {
                self.errs.push(at("finding"), unknown(&r.finding));
            }
            if p.entity(&r.entity).is_none() {
                self.errs.push(at("entity"), unknown(&r.entity));
            }
            if let Some(s) = &r.system {
                self.system_ref(at("system"), s, systems);
                if s.entity != r.entity {
                    self.errs.push(
                        at("system"),
                        Problem::BadFormat { value: s.to_string(), hint: "a system of the record's entity" },
                    );
                }
            }
            if !seen.insert((&r.finding, &r.entity, &r.system)) {
                let target = r.system.as_ref().map(|s| s.to_string()).unwrap_or_else(|| r.entity.to_string());
                self.errs.push(at("system"), Problem::Duplicate { value: format!("{} → {target}", r.finding) });
            }
            if r.owner.trim().is_empty() {
                self.errs.push(at("owner"), Problem::Required);
            }
            match r.status {
                RolloutStatus::NotChecked => {
                    if r.new_finding.is_some() {
                        self.errs
                            .push(at("new_finding"), Problem::Requires { other_field: "status = checked_present" });
                    }
                }
                RolloutStatus::CheckedNotPresent | RolloutStatus::CheckedPresent => {
                    match r.checked_on {
                        None => self.errs.push(at("checked_on"), Problem::Required),
                        Some(c) if c < r.instructed_on => {
                            self.errs.push(at("checked_on"), Problem::Before { other_field: "instructed_on" })
                        }
                        Some(_) => {}
                    }
                    if r.status == RolloutStatus::CheckedPresent {
                        match &r.new_finding {
                            None => self.errs.push(at("new_finding"), Problem::Required),
                            Some(nf) if p.finding(nf).is_none() => self.errs.push(at("new_finding"), unknown(nf)),
                            Some(_) => {}
                        }
                    } else if r.new_finding.is_some() {
                        self.errs
                            .push(at("new_finding"), Problem::Requires { other_field: "status = checked_present" });
                    }
                }
            }
        }
    }
}
