//! Blue-team metrics of an engagement: time to detect and to respond per step and per scenario,
//! detection rate per technique and tactic, phishing report rate and escalation times, flags and leg-ups.
//!
//! Definitions (also in `docs/tlpt-format.md`):
//! - a step is *detected* when at least one detection names it; its time to detect is the first such
//!   detection minus the step's time;
//! - a step's *response* is the first response action that names the step or one of its detections;
//!   time to respond is measured from the step (the attacker's clock), and separately from the detection;
//! - per scenario, time to detect and respond run from the scenario's first step to its first detection
//!   and first response;
//! - phishing: report rate = reports / recipients; time to first report from sending; escalation time from
//!   each staff report to the CSIRT; CSIRT response time from escalation to the CSIRT's response.

use crate::attack::AttackCatalogue;
use crate::codes::{DetectionSource, PathKind, StepResult};
use crate::ids::{EngagementId, LocalId, TechniqueId};
use crate::model::{AttackStep, Engagement};
use opres_domain::{Lang, Timestamp};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Metrics of one attack step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepMetrics {
    /// Step.
    pub step: LocalId,
    /// Scenario.
    pub scenario: LocalId,
    /// Technique.
    pub technique: TechniqueId,
    /// Tactics the step counts under.
    pub tactics: Vec<String>,
    /// When the step ran.
    pub at: Timestamp,
    /// Result.
    pub result: StepResult,
    /// Detected by anyone?
    pub detected: bool,
    /// First detection.
    pub first_detection_at: Option<Timestamp>,
    /// Seconds from the step to its first detection.
    pub time_to_detect_secs: Option<i64>,
    /// Who detected it.
    pub detection_sources: Vec<DetectionSource>,
    /// First response action.
    pub first_response_at: Option<Timestamp>,
    /// Seconds from the step to the first response.
    pub time_to_respond_secs: Option<i64>,
    /// Seconds from the first detection to the first response.
    pub detection_to_response_secs: Option<i64>,
}

/// Metrics of one scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioMetrics {
    /// Scenario.
    pub scenario: LocalId,
    /// Steps executed.
    pub steps: usize,
    /// Steps detected.
    pub steps_detected: usize,
    /// Detected / executed.
    pub detection_rate: Option<f64>,
    /// First step.
    pub first_step_at: Option<Timestamp>,
    /// Seconds from the first step to the first detection of any of its steps.
    pub time_to_detect_secs: Option<i64>,
    /// Seconds from the first step to the first response.
    pub time_to_respond_secs: Option<i64>,
    /// Median of its steps' times to detect.
    pub median_step_time_to_detect_secs: Option<i64>,
    /// Flags it aimed at.
    pub flags_targeted: usize,
    /// Flags captured by its steps.
    pub flags_captured: Vec<LocalId>,
    /// Leg-ups granted.
    pub leg_ups_granted: usize,
    /// Leg-ups its steps started from.
    pub leg_ups_used: usize,
    /// Paths with at least one executed step.
    pub paths_attempted: usize,
    /// Alternative paths and detours with at least one executed step.
    pub alternative_paths_attempted: usize,
}

/// Detection rate of one technique or tactic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RateRow {
    /// Technique ID or tactic short name.
    pub key: String,
    /// Steps executed.
    pub executed: usize,
    /// Steps detected.
    pub detected: usize,
    /// Detected / executed.
    pub rate: f64,
}

/// Metrics of one phishing campaign (or of all campaigns together).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhishingMetrics {
    /// Campaign (`*` for all campaigns together).
    pub campaign: String,
    /// Recipients.
    pub recipients: u32,
    /// Clicks.
    pub clicks: u32,
    /// Clicks / recipients.
    pub click_rate: Option<f64>,
    /// Staff reports.
    pub reports: usize,
    /// Reports / recipients.
    pub report_rate: Option<f64>,
    /// Seconds from sending to the first report.
    pub time_to_first_report_secs: Option<i64>,
    /// Reports escalated to the CSIRT.
    pub reports_escalated: usize,
    /// Median seconds from a staff report to the CSIRT.
    pub median_escalation_secs: Option<i64>,
    /// Reports the CSIRT responded to.
    pub csirt_responses: usize,
    /// Median seconds from escalation to the CSIRT's response.
    pub median_csirt_response_secs: Option<i64>,
    /// Seconds from sending to the CSIRT's first response.
    pub time_to_first_csirt_response_secs: Option<i64>,
}

/// All metrics of an engagement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EngagementMetrics {
    /// Engagement.
    pub engagement: EngagementId,
    /// Steps executed.
    pub steps_executed: usize,
    /// Steps detected.
    pub steps_detected: usize,
    /// Detected / executed.
    pub detection_rate: Option<f64>,
    /// Median time to detect over detected steps.
    pub median_time_to_detect_secs: Option<i64>,
    /// Median time to respond over responded steps.
    pub median_time_to_respond_secs: Option<i64>,
    /// Per step.
    pub steps: Vec<StepMetrics>,
    /// Per scenario.
    pub scenarios: Vec<ScenarioMetrics>,
    /// Per technique.
    pub techniques: Vec<RateRow>,
    /// Per tactic (a technique serving several tactics counts under each; `unattributed` without a tactic).
    pub tactics: Vec<RateRow>,
    /// Detections by source.
    pub detections_by_source: BTreeMap<DetectionSource, usize>,
    /// Per phishing campaign.
    pub phishing: Vec<PhishingMetrics>,
    /// All phishing campaigns together.
    pub phishing_overall: Option<PhishingMetrics>,
    /// Flags defined in scope.
    pub flags_total: usize,
    /// Flags captured (by a step that succeeded or partly succeeded).
    pub flags_captured: Vec<LocalId>,
    /// Leg-ups granted.
    pub leg_ups_granted: usize,
    /// Leg-ups used by steps.
    pub leg_ups_used: usize,
}

/// The median of whole seconds (mean of the two middle values for an even count).
pub fn median(values: &mut [i64]) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let n = values.len();
    Some(if n % 2 == 1 { values[n / 2] } else { (values[n / 2 - 1] + values[n / 2]) / 2 })
}

fn rate(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

fn secs(from: Timestamp, to: Timestamp) -> i64 {
    (to - from).num_seconds()
}

/// A duration for people: `1時間5分` / `1 h 5 min`.
pub fn format_duration(secs: i64, lang: Lang) -> String {
    let neg = secs < 0;
    let s = secs.unsigned_abs();
    let (d, h, m) = (s / 86_400, (s % 86_400) / 3600, (s % 3600) / 60);
    let sec = s % 60;
    let body = match lang {
        Lang::Ja => match (d, h, m) {
            (0, 0, 0) => format!("{sec}秒"),
            (0, 0, m) => format!("{m}分"),
            (0, h, m) => format!("{h}時間{m}分"),
            (d, h, _) => format!("{d}日{h}時間"),
        },
        Lang::En => match (d, h, m) {
            (0, 0, 0) => format!("{sec} s"),
            (0, 0, m) => format!("{m} min"),
            (0, h, m) => format!("{h} h {m} min"),
            (d, h, _) => format!("{d} d {h} h"),
        },
    };
    if neg { format!("-{body}") } else { body }
}

/// Whether a step captured its flag (it reached the goal at least partly).
fn captured(s: &AttackStep) -> bool {
    s.flag.is_some() && matches!(s.result, StepResult::Succeeded | StepResult::PartiallySucceeded)
}

/// Computes an engagement's metrics. With a catalogue, steps without a tactic count under their
/// technique's tactics; without one they count as `unattributed`.
pub fn compute(e: &Engagement, catalogue: Option<&AttackCatalogue>) -> EngagementMetrics {
    let mut steps_m = Vec::with_capacity(e.steps.len());
    for s in &e.steps {
        let dets: Vec<_> = e.detections.iter().filter(|d| d.steps.contains(&s.id)).collect();
        let det_ids: BTreeSet<&LocalId> = dets.iter().map(|d| &d.id).collect();
        let first_det = dets.iter().map(|d| d.at).min();
        let mut sources: Vec<DetectionSource> = dets.iter().map(|d| d.source).collect();
        sources.sort();
        sources.dedup();
        let first_resp = e
            .responses
            .iter()
            .filter(|r| r.steps.contains(&s.id) || r.detections.iter().any(|d| det_ids.contains(d)))
            .map(|r| r.at)
            .min();
        let tactics: Vec<String> = match (&s.tactic, catalogue) {
            (Some(t), _) => vec![t.to_string()],
            (None, Some(c)) if !c.tactics_of(&s.technique).is_empty() => {
                c.tactics_of(&s.technique).iter().map(|t| t.to_string()).collect()
            }
            _ => vec!["unattributed".to_string()],
        };
        steps_m.push(StepMetrics {
            step: s.id.clone(),
            scenario: s.scenario.clone(),
            technique: s.technique.clone(),
            tactics,
            at: s.at,
            result: s.result,
            detected: first_det.is_some(),
            first_detection_at: first_det,
            time_to_detect_secs: first_det.map(|d| secs(s.at, d)),
            detection_sources: sources,
            first_response_at: first_resp,
            time_to_respond_secs: first_resp.map(|r| secs(s.at, r)),
            detection_to_response_secs: match (first_det, first_resp) {
                (Some(d), Some(r)) => Some(secs(d, r)),
                _ => None,
            },
        });
    }

    let scenarios = e
        .scenarios
        .iter()
        .map(|sc| {
            let mine: Vec<&StepMetrics> = steps_m.iter().filter(|m| m.scenario == sc.id).collect();
            let raw: Vec<&AttackStep> = e.steps.iter().filter(|s| s.scenario == sc.id).collect();
            let first_step = mine.iter().map(|m| m.at).min();
            let first_det = mine.iter().filter_map(|m| m.first_detection_at).min();
            let first_resp = mine.iter().filter_map(|m| m.first_response_at).min();
            let mut ttds: Vec<i64> = mine.iter().filter_map(|m| m.time_to_detect_secs).collect();
            let paths: BTreeSet<&LocalId> = raw.iter().map(|s| &s.path).collect();
            let alternative = sc.paths.iter().filter(|p| p.kind != PathKind::Primary && paths.contains(&p.id)).count();
            let mut flags: Vec<LocalId> = raw.iter().filter(|s| captured(s)).filter_map(|s| s.flag.clone()).collect();
            flags.sort();
            flags.dedup();
            let used: BTreeSet<&LocalId> = raw.iter().filter_map(|s| s.leg_up.as_ref()).collect();
            let detected = mine.iter().filter(|m| m.detected).count();
            ScenarioMetrics {
                scenario: sc.id.clone(),
                steps: mine.len(),
                steps_detected: detected,
                detection_rate: rate(detected, mine.len()),
                first_step_at: first_step,
                time_to_detect_secs: first_step.zip(first_det).map(|(a, b)| secs(a, b)),
                time_to_respond_secs: first_step.zip(first_resp).map(|(a, b)| secs(a, b)),
                median_step_time_to_detect_secs: median(&mut ttds),
                flags_targeted: sc.flags.len(),
                flags_captured: flags,
                leg_ups_granted: sc.leg_ups.len(),
                leg_ups_used: used.len(),
                paths_attempted: sc.paths.iter().filter(|p| paths.contains(&p.id)).count(),
                alternative_paths_attempted: alternative,
            }
        })
        .collect();

    let mut by_tech: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut by_tactic: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for m in &steps_m {
        let t = by_tech.entry(m.technique.to_string()).or_default();
        t.0 += 1;
        t.1 += usize::from(m.detected);
        for tac in &m.tactics {
            let t = by_tactic.entry(tac.clone()).or_default();
            t.0 += 1;
            t.1 += usize::from(m.detected);
        }
    }
    let rows = |m: BTreeMap<String, (usize, usize)>| {
        m.into_iter()
            .map(|(key, (executed, detected))| RateRow {
                key,
                executed,
                detected,
                rate: detected as f64 / executed as f64,
            })
            .collect::<Vec<_>>()
    };

    let mut detections_by_source = BTreeMap::new();
    for d in &e.detections {
        *detections_by_source.entry(d.source).or_insert(0) += 1;
    }

    let phishing: Vec<PhishingMetrics> = e.phishing.iter().map(|c| phishing_metrics(c.id.as_str(), &[c])).collect();
    let all: Vec<&crate::model::PhishingCampaign> = e.phishing.iter().collect();
    let phishing_overall = (!all.is_empty()).then(|| phishing_metrics("*", &all));

    let mut flags_captured: Vec<LocalId> =
        e.steps.iter().filter(|s| captured(s)).filter_map(|s| s.flag.clone()).collect();
    flags_captured.sort();
    flags_captured.dedup();
    let leg_ups_used: BTreeSet<(&LocalId, &LocalId)> =
        e.steps.iter().filter_map(|s| s.leg_up.as_ref().map(|l| (&s.scenario, l))).collect();

    let detected = steps_m.iter().filter(|m| m.detected).count();
    let mut ttd: Vec<i64> = steps_m.iter().filter_map(|m| m.time_to_detect_secs).collect();
    let mut ttr: Vec<i64> = steps_m.iter().filter_map(|m| m.time_to_respond_secs).collect();
    EngagementMetrics {
        engagement: e.id.clone(),
        steps_executed: steps_m.len(),
        steps_detected: detected,
        detection_rate: rate(detected, steps_m.len()),
        median_time_to_detect_secs: median(&mut ttd),
        median_time_to_respond_secs: median(&mut ttr),
        steps: steps_m,
        scenarios,
        techniques: rows(by_tech),
        tactics: rows(by_tactic),
        detections_by_source,
        phishing,
        phishing_overall,
        flags_total: e.scope.flags.len(),
        flags_captured,
        leg_ups_granted: e.scenarios.iter().map(|s| s.leg_ups.len()).sum(),
        leg_ups_used: leg_ups_used.len(),
    }
}

fn phishing_metrics(name: &str, campaigns: &[&crate::model::PhishingCampaign]) -> PhishingMetrics {
    let recipients: u32 = campaigns.iter().map(|c| c.recipients).sum();
    let clicks: u32 = campaigns.iter().map(|c| c.clicks).sum();
    let reports: usize = campaigns.iter().map(|c| c.reports.len()).sum();
    let first_report = campaigns.iter().filter_map(|c| c.reports.iter().map(|r| secs(c.sent_at, r.at)).min()).min();
    let mut esc: Vec<i64> =
        campaigns.iter().flat_map(|c| c.reports.iter().filter_map(|r| r.escalated_at.map(|e| secs(r.at, e)))).collect();
    let mut resp: Vec<i64> = campaigns
        .iter()
        .flat_map(|c| c.reports.iter().filter_map(|r| r.escalated_at.zip(r.csirt_response_at).map(|(e, x)| secs(e, x))))
        .collect();
    let first_resp = campaigns
        .iter()
        .filter_map(|c| c.reports.iter().filter_map(|r| r.csirt_response_at.map(|x| secs(c.sent_at, x))).min())
        .min();
    let escalated = esc.len();
    let responded = resp.len();
    PhishingMetrics {
        campaign: name.to_string(),
        recipients,
        clicks,
        click_rate: rate(clicks as usize, recipients as usize),
        reports,
        report_rate: rate(reports, recipients as usize),
        time_to_first_report_secs: first_report,
        reports_escalated: escalated,
        median_escalation_secs: median(&mut esc),
        csirt_responses: responded,
        median_csirt_response_secs: median(&mut resp),
        time_to_first_csirt_response_secs: first_resp,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [5, 1, 3]), Some(3));
        assert_eq!(median(&mut [4, 1, 3, 2]), Some(2));
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(format_duration(3900, Lang::Ja), "1時間5分");
        assert_eq!(format_duration(3900, Lang::En), "1 h 5 min");
        assert_eq!(format_duration(45, Lang::En), "45 s");
        assert_eq!(format_duration(2 * 86_400 + 7200, Lang::Ja), "2日2時間");
    }
}
