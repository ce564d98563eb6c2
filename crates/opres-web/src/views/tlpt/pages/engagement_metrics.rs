//! The engagement metrics screen: time to detect, contain and recover per step and scenario, phishing rates.

use super::*;

pub(crate) struct StepRow {
    pub id: String,
    pub scenario: String,
    pub technique: String,
    pub tactics: String,
    pub at: String,
    pub result: &'static str,
    pub detected: bool,
    pub sources: String,
    pub ttd: String,
    pub ttr: String,
}

pub(crate) struct ScenarioMetricRow {
    pub id: String,
    pub steps: usize,
    pub detected: usize,
    pub rate: String,
    pub ttd: String,
    pub ttr: String,
    pub median_ttd: String,
    pub flags: String,
    pub leg_ups: String,
    pub paths: String,
}

pub(crate) struct RateLine {
    pub key: String,
    pub name: String,
    pub executed: usize,
    pub detected: usize,
    pub rate: String,
}

pub(crate) struct PhishRow {
    pub campaign: String,
    pub recipients: u32,
    pub clicks: u32,
    pub click_rate: String,
    pub reports: usize,
    pub report_rate: String,
    pub first_report: String,
    pub escalated: usize,
    pub escalation: String,
    pub csirt: usize,
    pub csirt_response: String,
    pub first_csirt: String,
}

#[derive(Template)]
#[template(path = "tlpt/metrics.html")]
struct MetricsPage {
    p: Page,
    nav: Nav,
    tiles: Vec<KV>,
    steps: Vec<StepRow>,
    scenarios: Vec<ScenarioMetricRow>,
    tactic_chart: String,
    tactics: Vec<RateLine>,
    techniques: Vec<RateLine>,
    sources: Vec<KV>,
    phishing: Vec<PhishRow>,
    has_catalogue: bool,
}

fn phish_row(m: &metrics::PhishingMetrics, lang: Lang, all: &str) -> PhishRow {
    PhishRow {
        campaign: if m.campaign == "*" { all.to_string() } else { m.campaign.clone() },
        recipients: m.recipients,
        clicks: m.clicks,
        click_rate: pct(m.click_rate),
        reports: m.reports,
        report_rate: pct(m.report_rate),
        first_report: dur(m.time_to_first_report_secs, lang),
        escalated: m.reports_escalated,
        escalation: dur(m.median_escalation_secs, lang),
        csirt: m.csirt_responses,
        csirt_response: dur(m.median_csirt_response_secs, lang),
        first_csirt: dur(m.time_to_first_csirt_response_secs, lang),
    }
}

pub(crate) async fn metrics(
    State(s): State<AppState>,
    ctx: Ctx,
    caller: Caller,
    Path((prog, eng)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let read = engagement_read(&s, &caller, &prog, &eng, lang).await?;
    let (sp, e, cat) = (&read.stored, read.engagement(), &read.catalogue);
    let m = read.metrics();
    let p = page(&ctx).await;
    let tiles = vec![
        KV { k: p.t("tlpt.m.steps").into(), v: format!("{} / {}", m.steps_detected, m.steps_executed) },
        KV { k: p.t("tlpt.m.detection_rate").into(), v: pct(m.detection_rate) },
        KV { k: p.t("tlpt.m.median_ttd").into(), v: dur(m.median_time_to_detect_secs, lang) },
        KV { k: p.t("tlpt.m.median_ttr").into(), v: dur(m.median_time_to_respond_secs, lang) },
        KV { k: p.t("tlpt.m.flags").into(), v: format!("{} / {}", m.flags_captured.len(), m.flags_total) },
        KV { k: p.t("tlpt.m.leg_ups").into(), v: format!("{} / {}", m.leg_ups_used, m.leg_ups_granted) },
    ];
    let steps = m
        .steps
        .iter()
        .map(|st| StepRow {
            id: st.step.to_string(),
            scenario: st.scenario.to_string(),
            technique: st.technique.to_string(),
            tactics: or_dash(st.tactics.join(", ")),
            at: p.dt(st.at),
            result: st.result.label(lang),
            detected: st.detected,
            sources: or_dash(st.detection_sources.iter().map(|d| d.label(lang)).collect::<Vec<_>>().join(", ")),
            ttd: dur(st.time_to_detect_secs, lang),
            ttr: dur(st.time_to_respond_secs, lang),
        })
        .collect();
    let scenarios = m
        .scenarios
        .iter()
        .map(|sc| ScenarioMetricRow {
            id: sc.scenario.to_string(),
            steps: sc.steps,
            detected: sc.steps_detected,
            rate: pct(sc.detection_rate),
            ttd: dur(sc.time_to_detect_secs, lang),
            ttr: dur(sc.time_to_respond_secs, lang),
            median_ttd: dur(sc.median_step_time_to_detect_secs, lang),
            flags: format!("{} / {}", sc.flags_captured.len(), sc.flags_targeted),
            leg_ups: format!("{} / {}", sc.leg_ups_used, sc.leg_ups_granted),
            paths: format!("{} ({})", sc.paths_attempted, sc.alternative_paths_attempted),
        })
        .collect();
    let tactic_name = |k: &str| -> String {
        if k == "unattributed" {
            return p.t("tlpt.m.unattributed").to_string();
        }
        cat.as_ref()
            .and_then(|c| c.tactics.iter().find(|t| t.shortname.as_str() == k))
            .map(|t| t.name.clone())
            .unwrap_or_else(|| k.to_string())
    };
    let technique_name = |k: &str| -> String {
        cat.as_ref()
            .and_then(|c| c.techniques.iter().find(|(id, _)| id.as_str() == k).map(|(_, t)| t.name.clone()))
            .unwrap_or_default()
    };
    let tactic_chart = charts::detection_rate_chart(&m.tactics, tactic_name, p.t("tlpt.m.by_tactic"));
    let line = |r: &metrics::RateRow, name: String| RateLine {
        key: r.key.clone(),
        name,
        executed: r.executed,
        detected: r.detected,
        rate: pct(Some(r.rate)),
    };
    let tactics = m.tactics.iter().map(|r| line(r, tactic_name(&r.key))).collect();
    let techniques = m.techniques.iter().map(|r| line(r, technique_name(&r.key))).collect();
    let sources =
        m.detections_by_source.iter().map(|(k, n)| KV { k: k.label(lang).into(), v: n.to_string() }).collect();
    let all = p.t("tlpt.m.all_campaigns");
    let mut phishing: Vec<PhishRow> = m.phishing.iter().map(|x| phish_row(x, lang, all)).collect();
    if m.phishing.len() > 1
        && let Some(o) = &m.phishing_overall
    {
        phishing.push(phish_row(o, lang, all));
    }
    let page = MetricsPage {
        nav: Nav::new(sp, e, "metrics", lang),
        tiles,
        steps,
        scenarios,
        tactic_chart,
        tactics,
        techniques,
        sources,
        phishing,
        has_catalogue: cat.is_some(),
        p,
    };
    Ok(render(lang, &page))
}
