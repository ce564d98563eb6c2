//! The self-assessment report (自己評価): which services are important and why, their tolerances and why,
//! the mapping, scenario results (which scenarios breach and why), single points of failure, concentration,
//! and the remediation each finding calls for. Japanese or English; self-contained HTML (inline SVG, no
//! external files) or Markdown (Mermaid for maps).

use crate::concentration::{self, ConcentrationReport};
use crate::engine::{DeterministicResult, Metric, MonteCarloResult, duration_threshold};
use crate::maps::{self, SvgOptions};
use crate::model::{DependencyMap, NodeKind, ResourceKind};
use crate::scenario::{Scenario, fmt_minutes};
use crate::spof::{self, SpofReport};
use chrono::{Duration, NaiveDate};
use opres_domain::{JST, Lang, Timestamp, html};
use serde::Serialize;
use std::fmt::Write;

/// A scenario with its paper-test result and, if run, its Monte Carlo result.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioRun {
    /// The scenario.
    pub scenario: Scenario,
    /// Paper test.
    pub paper: DeterministicResult,
    /// Monte Carlo, if run.
    pub monte_carlo: Option<MonteCarloResult>,
}

/// What a finding asks for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Remediation {
    /// Stable kind: `breach`, `spof`, `soft_spof`, `no_substitute`, `concentration`, `review_overdue`.
    pub kind: &'static str,
    /// What is affected (ids).
    pub subject: String,
    /// The action, in Japanese.
    pub action_ja: String,
    /// The action, in English.
    pub action_en: String,
}

impl Remediation {
    /// The action in the given language.
    pub fn action(&self, lang: Lang) -> &str {
        lang.pick(&self.action_ja, &self.action_en)
    }
}

/// Everything the report shows, computed once.
#[derive(Debug, Clone, Serialize)]
pub struct SelfAssessment<'a> {
    /// The map.
    #[serde(skip)]
    pub map: &'a DependencyMap,
    /// The day of the assessment (for overdue reviews).
    pub today: NaiveDate,
    /// Scenario runs.
    pub runs: Vec<ScenarioRun>,
    /// Single points of failure.
    pub spof: SpofReport,
    /// Third-party concentration.
    pub concentration: ConcentrationReport,
    /// Remediation, in order of findings.
    pub remediations: Vec<Remediation>,
}

/// HHI above which concentration is called high (the usual competition-policy threshold).
pub const HHI_HIGH: f64 = 2500.0;

/// Analyses the map and collects the remediation each finding calls for.
pub fn assess(map: &DependencyMap, today: NaiveDate, runs: Vec<ScenarioRun>) -> SelfAssessment<'_> {
    let spof = spof::analyse(map);
    let concentration = concentration::analyse(map);
    let mut rem = Vec::new();
    for run in &runs {
        for s in run.paper.services.iter().filter(|s| s.breach) {
            let driver = s.critical_path.last().cloned().unwrap_or_default();
            let driver_name = map.index_of(&driver).map(|i| (map.node_name(i, Lang::Ja), map.node_name(i, Lang::En)));
            let (dja, den) = driver_name.unwrap_or(("", ""));
            let svc = map.index_of(&s.service).map(|i| (map.node_name(i, Lang::Ja), map.node_name(i, Lang::En)));
            let (sja, sen) = svc.unwrap_or(("", ""));
            let th = s
                .tolerances
                .iter()
                .flat_map(|t| &t.checks)
                .filter(|c| c.breach)
                .map(|c| c.limit)
                .fold(f64::INFINITY, f64::min);
            rem.push(Remediation {
                kind: "breach",
                subject: format!("{} / {}", run.scenario.id, s.service),
                action_ja: format!(
                    "シナリオ「{}」で「{sja}」が耐性度を超過（{}、許容 {}）。{dja}（{driver}）の復旧時間を短縮するか、代替手段を用意する。",
                    run.scenario.name(Lang::Ja),
                    fmt_minutes(s.disruption_minutes, Lang::Ja),
                    fmt_minutes(th, Lang::Ja)
                ),
                action_en: format!(
                    "In \"{}\", {sen} breaches its tolerance ({} against {}). Shorten the restoration of {den} ({driver}) or provide an alternative.",
                    run.scenario.name(Lang::En),
                    fmt_minutes(s.disruption_minutes, Lang::En),
                    fmt_minutes(th, Lang::En)
                ),
            });
        }
    }
    for (res, svcs) in &spof.by_resource {
        let Some(i) = map.index_of(res) else { continue };
        rem.push(Remediation {
            kind: "spof",
            subject: res.clone(),
            action_ja: format!(
                "{}（{res}）は {} 件の重要な業務の単一障害点。冗長化するか、停止時の代替手段を整備する。",
                map.node_name(i, Lang::Ja),
                svcs.len()
            ),
            action_en: format!(
                "{} ({res}) is a single point of failure of {} important business service(s). Add redundancy or a workaround.",
                map.node_name(i, Lang::En),
                svcs.len()
            ),
        });
    }
    for s in &spof.soft {
        rem.push(Remediation {
            kind: "soft_spof",
            subject: s.node.clone(),
            action_ja: format!(
                "{} の切替成功確率は {:.0}%。切替訓練で確実性を高め、失敗時の手順を整備する（影響業務 {} 件）。",
                s.node,
                s.switchover_probability * 100.0,
                s.services.len()
            ),
            action_en: format!(
                "Switchover of {} works with probability {:.0}%. Rehearse it and prepare for failure ({} service(s) depend on it).",
                s.node,
                s.switchover_probability * 100.0,
                s.services.len()
            ),
        });
    }
    for p in concentration.without_substitute() {
        rem.push(Remediation {
            kind: "no_substitute",
            subject: p.name.clone(),
            action_ja: format!(
                "委託先「{}」には代替がない（{}）。代替先の確保または出口戦略を検討する。",
                p.name,
                p.no_substitute_services.join(", ")
            ),
            action_en: format!(
                "Provider \"{}\" has no substitute for {}. Arrange a substitute or an exit plan.",
                p.name,
                p.no_substitute_services.join(", ")
            ),
        });
    }
    if concentration.by_parent.hhi > HHI_HIGH {
        rem.push(Remediation {
            kind: "concentration",
            subject: "ultimate_parent".into(),
            action_ja: format!(
                "最終親会社単位の集中度（HHI {:.0}）が高い。特定グループへの依存を分散する。",
                concentration.by_parent.hhi
            ),
            action_en: format!(
                "Concentration by ultimate parent is high (HHI {:.0}). Spread the dependence across groups.",
                concentration.by_parent.hhi
            ),
        });
    }
    for s in map.overdue_reviews(today) {
        rem.push(Remediation {
            kind: "review_overdue",
            subject: s.id.to_string(),
            action_ja: format!(
                "「{}」の見直し期限（{}）を過ぎている。速やかに見直す。",
                s.name(Lang::Ja),
                s.next_review
            ),
            action_en: format!("The review of {} was due on {}. Review it now.", s.name(Lang::En), s.next_review),
        });
    }
    SelfAssessment { map, today, runs, spof, concentration, remediations: rem }
}

fn jst_hm(t: Timestamp) -> String {
    t.with_timezone(&JST).format("%m/%d %H:%M").to_string()
}

fn jst_full(t: Timestamp) -> String {
    t.with_timezone(&JST).format("%Y-%m-%d %H:%M").to_string()
}

/// A Gantt-like chart of a paper test: a bar per lost resource and per disrupted service from the onset until
/// restoration, a tolerance mark per service, and cut-off lines.
pub fn gantt_svg(map: &DependencyMap, result: &DeterministicResult, lang: Lang) -> String {
    let onset = result.start + Duration::milliseconds((result.onset_minutes * 60_000.0) as i64);
    struct Bar {
        label: String,
        minutes: f64,
        service: bool,
        limit: Option<f64>,
        cutoff: Option<f64>,
        breach: bool,
    }
    let mut bars = Vec::new();
    for l in &result.losses {
        let name = map.index_of(&l.resource).map(|i| map.node_name(i, lang)).unwrap_or(&l.resource);
        bars.push(Bar {
            label: name.to_string(),
            minutes: l.restoration_minutes,
            service: false,
            limit: None,
            cutoff: None,
            breach: false,
        });
    }
    for s in result.services.iter().filter(|s| s.disrupted) {
        let name = map.index_of(&s.service).map(|i| map.node_name(i, lang)).unwrap_or(&s.service);
        // The tightest tolerance as time: maximum duration or a volume limit reached at the hourly rate.
        let limit = map
            .services()
            .iter()
            .find(|x| x.id.as_str() == s.service)
            .map(|x| x.tolerances.iter().map(|t| duration_threshold(t, &x.rates)).fold(f64::INFINITY, f64::min))
            .unwrap_or(f64::INFINITY);
        let cutoff = s
            .tolerances
            .iter()
            .flat_map(|t| &t.checks)
            .filter(|c| c.metric == Metric::Cutoff)
            .map(|c| c.limit)
            .fold(f64::INFINITY, f64::min);
        bars.push(Bar {
            label: name.to_string(),
            minutes: s.disruption_minutes,
            service: true,
            limit: limit.is_finite().then_some(limit),
            cutoff: cutoff.is_finite().then_some(cutoff),
            breach: s.breach,
        });
    }
    let span = bars.iter().flat_map(|b| [Some(b.minutes), b.limit, b.cutoff]).flatten().fold(60.0f64, f64::max) * 1.08;
    let label_w = 260.0;
    let plot_w = 640.0;
    let row_h = 26.0;
    let top = 48.0;
    let h = top + bars.len() as f64 * row_h + 40.0;
    let w = label_w + plot_w + 30.0;
    let x_of = |m: f64| label_w + (m / span) * plot_w;
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0}" height="{h:.0}" viewBox="0 0 {w:.0} {h:.0}" font-family="'Hiragino Sans','Noto Sans CJK JP','Yu Gothic','Meiryo',sans-serif" font-size="12" role="img"><rect width="100%" height="100%" fill="#fff"/><text x="8" y="18" font-weight="bold" fill="#1f3b73">{title}</text>"##,
        title = html::escape(&format!(
            "{} {}",
            lang.pick("停止と耐性度（開始", "Outages against tolerances (start"),
            jst_hm(onset) + lang.pick(" JST）", " JST)")
        ))
    );
    // Hour grid with clock labels.
    let step = [30.0, 60.0, 120.0, 240.0, 360.0, 720.0, 1440.0, 2880.0]
        .into_iter()
        .find(|st| span / st <= 10.0)
        .unwrap_or(5760.0);
    let mut m = 0.0;
    while m <= span {
        let x = x_of(m);
        let _ = write!(
            s,
            r##"<line x1="{x:.1}" y1="{y1:.0}" x2="{x:.1}" y2="{y2:.0}" stroke="#e3e3e3"/><text x="{x:.1}" y="{ty:.0}" font-size="10" text-anchor="middle" fill="#555">{t}</text>"##,
            y1 = top - 6.0,
            y2 = h - 30.0,
            ty = h - 16.0,
            t = html::escape(&jst_hm(onset + Duration::minutes(m as i64)))
        );
        m += step;
    }
    for (i, b) in bars.iter().enumerate() {
        let y = top + i as f64 * row_h;
        let colour = if !b.service {
            "#9aa5b8"
        } else if b.breach {
            "#d62728"
        } else {
            "#2ca02c"
        };
        let prefix = if b.service { lang.pick("業務: ", "Service: ") } else { lang.pick("喪失: ", "Lost: ") };
        let _ = write!(
            s,
            r##"<text x="8" y="{ty:.1}" fill="#222">{label}</text><rect x="{x0:.1}" y="{y:.1}" width="{bw:.1}" height="{bh:.1}" fill="{colour}" rx="3"><title>{tip}</title></rect>"##,
            ty = y + 16.0,
            label = html::escape(&maps_truncate(&format!("{prefix}{}", b.label))),
            x0 = x_of(0.0),
            y = y + 4.0,
            bw = (x_of(b.minutes) - x_of(0.0)).max(1.0),
            bh = row_h - 8.0,
            tip = html::escape(&fmt_minutes(b.minutes, lang)),
        );
        if let Some(l) = b.limit {
            let x = x_of(l);
            let _ = write!(
                s,
                r##"<line x1="{x:.1}" y1="{y1:.1}" x2="{x:.1}" y2="{y2:.1}" stroke="#000" stroke-width="2" stroke-dasharray="3,2"><title>{t}</title></line>"##,
                y1 = y + 1.0,
                y2 = y + row_h - 1.0,
                t = html::escape(&format!(
                    "{} {}",
                    lang.pick("最大許容停止時間", "Maximum tolerable duration"),
                    fmt_minutes(l, lang)
                ))
            );
        }
        if let Some(c) = b.cutoff {
            let x = x_of(c);
            let _ = write!(
                s,
                r##"<line x1="{x:.1}" y1="{y1:.1}" x2="{x:.1}" y2="{y2:.1}" stroke="#ff7f0e" stroke-width="2.5"><title>{t}</title></line><text x="{tx:.1}" y="{ty:.1}" font-size="10" fill="#ff7f0e">{lab}</text>"##,
                y1 = y - 2.0,
                y2 = y + row_h + 2.0,
                t = html::escape(&format!(
                    "{} {}",
                    lang.pick("締め時刻", "Cut-off"),
                    jst_hm(onset + Duration::minutes(c as i64))
                )),
                tx = x + 3.0,
                ty = y + 11.0,
                lab = html::escape(lang.pick("締め", "cut-off"))
            );
        }
    }
    let _ = write!(
        s,
        r##"<text x="8" y="{y:.0}" font-size="10" fill="#555">{legend}</text></svg>"##,
        y = h - 2.0,
        legend = html::escape(lang.pick(
            "灰: 喪失した経営資源 / 緑: 耐性度内 / 赤: 超過 / 黒破線: 耐性度（最大許容停止時間・件数等の上限の時間換算） / 橙: 締め時刻",
            "grey: lost resource / green: within tolerance / red: breach / black dashes: tolerance (maximum duration or volume limit as time) / orange: cut-off"
        ))
    );
    s
}

fn maps_truncate(s: &str) -> String {
    let mut out = String::new();
    let mut w = 0.0;
    for c in s.chars() {
        let cw = maps::text_width(&c.to_string());
        if w + cw > 240.0 {
            out.push('…');
            break;
        }
        out.push(c);
        w += cw;
    }
    out
}

/// One table: header and rows of already-escaped cells (HTML) or plain text (Markdown).
struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

enum Block {
    Heading(u8, String),
    Para(String),
    Table(Table),
    Svg(String),
    Mermaid(String),
    List(Vec<String>),
}

fn yes_no(b: bool, lang: Lang) -> String {
    lang.pick(if b { "はい" } else { "いいえ" }, if b { "yes" } else { "no" }).to_string()
}

/// A whole number with thousands separators (1,234,567).
fn thousands(n: u64) -> String {
    opres_domain::incident::thousands(n)
}

fn yen(v: f64) -> String {
    opres_domain::Yen::new(v.max(0.0) as u64).to_string()
}

fn blocks(sa: &SelfAssessment<'_>, lang: Lang, html: bool) -> Vec<Block> {
    let map = sa.map;
    let g = map.graph();
    let l = |ja: &str, en: &str| lang.pick(ja, en).to_string();
    let mut b = Vec::new();
    let inst = map.data().institution.as_ref().map(|c| c.to_string()).unwrap_or_default();
    b.push(Block::Heading(
        1,
        format!("{} {inst}", l("オペレーショナル・レジリエンス自己評価", "Operational resilience self-assessment")),
    ));
    b.push(Block::Para(format!("{}: {}", l("評価日", "Assessment date"), sa.today)));
    // 1. Services.
    b.push(Block::Heading(2, l("1. 重要な業務とその理由", "1. Important business services and why")));
    b.push(Block::Table(Table {
        header: vec![
            l("業務", "Service"),
            l("スコア", "Score"),
            l("顧客影響(1-5)", "Customer impact (1-5)"),
            l("取引件数/日", "Transactions/day"),
            l("取引金額/日", "Value/day"),
            l("締め時刻あり", "Has cut-off"),
            l("責任者", "Owner"),
            l("次回見直し", "Next review"),
            l("理由", "Rationale"),
        ],
        rows: map
            .services()
            .iter()
            .map(|s| {
                let overdue = s.review_overdue(sa.today);
                vec![
                    format!("{} ({})", s.name(lang), s.id),
                    s.score().to_string(),
                    s.criteria.customer_impact.to_string(),
                    thousands(s.criteria.transactions_per_day),
                    yen(s.criteria.value_per_day_yen as f64),
                    yes_no(s.criteria.has_cutoff, lang),
                    s.owner.clone(),
                    if overdue {
                        format!("{} ⚠ {}", s.next_review, l("期限超過", "overdue"))
                    } else {
                        s.next_review.to_string()
                    },
                    s.rationale(lang).to_string(),
                ]
            })
            .collect(),
    }));
    // 2. Tolerances.
    b.push(Block::Heading(2, l("2. 耐性度とその理由", "2. Impact tolerances and why")));
    let mut rows = Vec::new();
    for s in map.services() {
        for t in &s.tolerances {
            let mut limits = vec![format!("{} {}", l("最大", "max"), fmt_minutes(t.max_duration_minutes, lang))];
            if let Some(p) = t.rlo_percent {
                limits.push(format!("RLO {p}%"));
            }
            if let Some(v) = t.max_transactions {
                limits.push(format!("{} {}", l("取引件数", "transactions"), thousands(v)));
            }
            if let Some(v) = t.max_value_yen {
                limits.push(format!("{} {}", l("金額", "value"), yen(v as f64)));
            }
            if let Some(v) = t.max_users {
                limits.push(format!("{} {}", l("顧客数", "customers"), thousands(v)));
            }
            if let Some(v) = t.max_complaints {
                limits.push(format!("{} {v}", l("苦情", "complaints")));
            }
            if let Some(c) = t.cutoff {
                limits.push(format!("{} {c} JST", l("締め", "cut-off")));
            }
            rows.push(vec![
                s.name(lang).to_string(),
                t.regulator.label(lang).to_string(),
                limits.join(" / "),
                lang.pick(&t.rationale_ja, &t.rationale_en).to_string(),
            ]);
        }
    }
    b.push(Block::Table(Table {
        header: vec![l("業務", "Service"), l("当局", "Regulator"), l("耐性度", "Tolerance"), l("理由", "Rationale")],
        rows,
    }));
    // 3. Mapping.
    b.push(Block::Heading(2, l("3. 相互連関性のマッピング", "3. Mapping of interconnections")));
    let kinds = [
        NodeKind::Resource(ResourceKind::People),
        NodeKind::Resource(ResourceKind::System),
        NodeKind::Resource(ResourceKind::Facility),
        NodeKind::Resource(ResourceKind::ThirdParty),
        NodeKind::Resource(ResourceKind::Information),
    ];
    let mut header = vec![l("業務", "Service"), l("プロセス", "Processes")];
    header.extend(kinds.iter().map(|k| k.label(lang).to_string()));
    header.push(l("冗長構成", "Redundant groups"));
    let mut rows = Vec::new();
    let mut maps_out = Vec::new();
    for (si, s) in map.services().iter().enumerate() {
        let nodes = maps::service_nodes(map, si);
        let count = |k: NodeKind| nodes.iter().filter(|&&v| map.node_kind(v) == k).count().to_string();
        let mut row = vec![s.name(lang).to_string(), count(NodeKind::Process)];
        row.extend(kinds.iter().map(|&k| count(k)));
        row.push(
            nodes.iter().filter(|&&v| g.gate(v).is_redundant() && !g.children_of(v).is_empty()).count().to_string(),
        );
        rows.push(row);
        let spofs = sa.spof.services.get(si).map(|x| x.resources.clone()).unwrap_or_default();
        if html {
            if let Some(svg) = maps::service_svg(map, s.id.as_str(), &SvgOptions { lang, highlight: spofs }) {
                maps_out.push(Block::Svg(svg));
            }
        } else if let Some(m) = maps::mermaid(map, Some(s.id.as_str()), lang) {
            maps_out.push(Block::Heading(3, s.name(lang).to_string()));
            maps_out.push(Block::Mermaid(m));
        }
    }
    b.push(Block::Table(Table { header, rows }));
    if html {
        b.push(Block::Para(l(
            "赤枠は単一障害点。破線は待機系。",
            "Red outlines mark single points of failure; dashed lines lead to standbys.",
        )));
    }
    b.extend(maps_out);
    // 4. Scenarios.
    b.push(Block::Heading(2, l("4. シナリオテストの結果", "4. Scenario test results")));
    // One line per scenario first: which services breach, on paper and, if run, how likely.
    b.push(Block::Table(Table {
        header: vec![
            l("シナリオ", "Scenario"),
            l("種類", "Kind"),
            l("耐性度を超過する業務（机上）", "Services breaching (paper test)"),
            l("超過確率の最も高い業務", "Highest P(breach)"),
        ],
        rows: sa
            .runs
            .iter()
            .map(|run| {
                let names = |id: &str| map.index_of(id).map(|i| map.node_name(i, lang).to_string()).unwrap_or_default();
                let breaching: Vec<String> =
                    run.paper.services.iter().filter(|s| s.breach).map(|s| names(&s.service)).collect();
                let worst = run.monte_carlo.as_ref().and_then(|m| {
                    m.services
                        .iter()
                        .filter(|s| s.breach.count > 0)
                        .max_by(|a, b| a.breach.p.total_cmp(&b.breach.p))
                        .map(|s| format!("{} {:.1}%", names(&s.service), s.breach.p * 100.0))
                });
                vec![
                    run.scenario.name(lang).to_string(),
                    run.scenario.kind.label(lang).to_string(),
                    if breaching.is_empty() { l("なし", "none") } else { breaching.join(", ") },
                    worst.unwrap_or_else(|| "-".into()),
                ]
            })
            .collect(),
    }));
    for run in &sa.runs {
        let p = &run.paper;
        b.push(Block::Heading(3, format!("{} ({})", run.scenario.name(lang), run.scenario.kind.label(lang))));
        let losses: Vec<String> = p
            .losses
            .iter()
            .map(|x| {
                let name = map.index_of(&x.resource).map(|i| map.node_name(i, lang)).unwrap_or(&x.resource);
                format!("{name} ({}) — {}", x.resource, fmt_minutes(x.restoration_minutes, lang))
            })
            .collect();
        b.push(Block::Para(format!(
            "{}: {} JST{} / {}: {}",
            l("開始", "Start"),
            jst_full(p.start),
            if p.onset_minutes > 0.0 { format!(" (+{})", fmt_minutes(p.onset_minutes, lang)) } else { String::new() },
            l("喪失", "Lost"),
            if losses.is_empty() { l("なし", "nothing") } else { losses.join("; ") }
        )));
        for (ja, en) in &p.notes {
            b.push(Block::Para(lang.pick(ja, en).to_string()));
        }
        let mut rows = Vec::new();
        for s in &p.services {
            let name = map.index_of(&s.service).map(|i| map.node_name(i, lang)).unwrap_or(&s.service).to_string();
            let why: Vec<String> = s
                .tolerances
                .iter()
                .flat_map(|t| t.checks.iter().filter(|c| c.breach).map(move |c| (t, c)))
                .map(|(t, c)| {
                    let detail = match c.metric {
                        Metric::Duration | Metric::Cutoff => {
                            format!("{} > {}", fmt_minutes(c.actual, lang), fmt_minutes(c.limit, lang))
                        }
                        Metric::Value => format!("{} > {}", yen(c.actual), yen(c.limit)),
                        _ => format!("{} > {}", thousands(c.actual.round() as u64), thousands(c.limit as u64)),
                    };
                    format!("{} [{}]: {detail}", c.metric.label(lang), t.regulator.label(lang))
                })
                .collect();
            let mc = run.monte_carlo.as_ref().and_then(|m| m.services.iter().find(|x| x.service == s.service));
            rows.push(vec![
                name,
                if s.disrupted { fmt_minutes(s.disruption_minutes, lang) } else { l("影響なし", "not disrupted") },
                if s.breach { l("超過", "BREACH") } else { l("耐性度内", "within") },
                why.join("; "),
                s.critical_path.join(" → "),
                mc.map(|m| {
                    format!("{:.1}% [{:.1}–{:.1}]", m.breach.p * 100.0, m.breach.low * 100.0, m.breach.high * 100.0)
                })
                .unwrap_or_default(),
                mc.map(|m| {
                    format!("{} / {}", fmt_minutes(m.disruption.p50, lang), fmt_minutes(m.disruption.p95, lang))
                })
                .unwrap_or_default(),
                mc.map(|m| {
                    m.drivers
                        .iter()
                        .take(3)
                        .map(|d| format!("{} {:.0}%", d.node, d.share * 100.0))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default(),
            ]);
        }
        b.push(Block::Table(Table {
            header: vec![
                l("業務", "Service"),
                l("停止時間（机上）", "Disruption (paper)"),
                l("判定", "Verdict"),
                l("超過した指標", "Breached metrics"),
                l("クリティカルパス", "Critical path"),
                l("超過確率 [95%区間]", "P(breach) [95% CI]"),
                l("停止時間 中央値/95%点", "Disruption p50/p95"),
                l("主な超過要因", "Breach drivers"),
            ],
            rows,
        }));
        if let Some(m) = &run.monte_carlo {
            b.push(Block::Para(format!(
                "{}: {} / seed {}",
                l("モンテカルロ試行回数", "Monte Carlo samples"),
                m.samples,
                m.seed
            )));
        }
        if html {
            b.push(Block::Svg(gantt_svg(map, p, lang)));
        }
    }
    // 5. SPOF.
    b.push(Block::Heading(2, l("5. 単一障害点", "5. Single points of failure")));
    b.push(Block::Table(Table {
        header: vec![
            l("業務", "Service"),
            l("単独で業務を停止させる経営資源", "Resources whose loss alone stops the service"),
        ],
        rows: sa
            .spof
            .services
            .iter()
            .map(|s| {
                let name = map.index_of(&s.service).map(|i| map.node_name(i, lang)).unwrap_or(&s.service).to_string();
                let list: Vec<String> = s
                    .resources
                    .iter()
                    .map(|r| format!("{} ({r})", map.index_of(r).map(|i| map.node_name(i, lang)).unwrap_or(r)))
                    .collect();
                vec![name, if list.is_empty() { l("なし", "none") } else { list.join(", ") }]
            })
            .collect(),
    }));
    if !sa.spof.soft.is_empty() {
        b.push(Block::Heading(
            3,
            l(
                "切替が失敗しうる冗長構成（ソフトな単一障害点）",
                "Redundancy that may not switch over (soft single points)",
            ),
        ));
        b.push(Block::Table(Table {
            header: vec![
                l("構成", "Group"),
                l("本番系 → 待機系", "Primary → standby"),
                l("切替成功確率", "Switchover p"),
                l("切替時間", "Switchover time"),
                l("影響業務", "Services"),
                l("順位付け値 (1−p)×業務数", "Rank (1−p)×services"),
            ],
            rows: sa
                .spof
                .soft
                .iter()
                .map(|s| {
                    vec![
                        s.node.clone(),
                        format!("{} → {}", s.primary, s.standby),
                        format!("{:.2}", s.switchover_probability),
                        fmt_minutes(s.switchover_minutes, lang),
                        s.services.join(", "),
                        format!("{:.2}", s.score),
                    ]
                })
                .collect(),
        }));
    }
    // 6. Concentration.
    b.push(Block::Heading(2, l("6. サードパーティへの集中", "6. Third-party concentration")));
    let c = &sa.concentration;
    b.push(Block::Para(format!(
        "{}: HHI {:.0}, {} {:.0}%, {} {:.0}% / {}: HHI {:.0}, {} {:.0}%, {} {:.0}%",
        l("委託先別", "By provider"),
        c.by_provider.hhi,
        l("上位1社", "top 1"),
        c.by_provider.top1_share * 100.0,
        l("上位3社", "top 3"),
        c.by_provider.top3_share * 100.0,
        l("最終親会社別", "By ultimate parent"),
        c.by_parent.hhi,
        l("上位1社", "top 1"),
        c.by_parent.top1_share * 100.0,
        l("上位3社", "top 3"),
        c.by_parent.top3_share * 100.0,
    )));
    b.push(Block::Table(Table {
        header: vec![
            l("委託先", "Provider"),
            l("最終親会社", "Ultimate parent"),
            l("依存業務", "Services"),
            l("直接", "Direct"),
            l("再委託経由のみ", "Only via subcontractor"),
            l("代替なし", "No substitute for"),
            l("シェア", "Share"),
        ],
        rows: c
            .providers
            .iter()
            .map(|p| {
                vec![
                    p.name.clone(),
                    p.ultimate_parent.clone(),
                    p.services.len().to_string(),
                    p.direct_services.len().to_string(),
                    p.via_subcontractor_services.join(", "),
                    p.no_substitute_services.join(", "),
                    format!("{:.0}%", p.share * 100.0),
                ]
            })
            .collect(),
    }));
    // 7. Remediation.
    b.push(Block::Heading(2, l("7. 必要な対応", "7. Remediation")));
    if sa.remediations.is_empty() {
        b.push(Block::Para(l("追加の対応を要する事項はありません。", "No finding calls for further action.")));
    } else {
        b.push(Block::List(sa.remediations.iter().map(|r| r.action(lang).to_string()).collect()));
    }
    b
}

/// Renders the report as one self-contained HTML page.
pub fn render_html(sa: &SelfAssessment<'_>, lang: Lang) -> String {
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title><style>body{{font-family:'Hiragino Sans','Noto Sans CJK JP','Yu Gothic','Meiryo',sans-serif;margin:2em;color:#222;max-width:1200px}}h1{{color:#1f3b73}}h2{{border-bottom:2px solid #1f3b73;padding-bottom:.2em;margin-top:2em}}table{{border-collapse:collapse;margin:1em 0;font-size:13px}}th,td{{border:1px solid #c8cfdb;padding:4px 8px;vertical-align:top;text-align:left}}th{{background:#eef2f8}}.svg{{overflow-x:auto;margin:1em 0}}.svg svg{{max-width:100%;height:auto}}</style></head><body>",
        lang.code(),
        html::escape(lang.pick("オペレーショナル・レジリエンス自己評価", "Operational resilience self-assessment"))
    );
    o.push_str(&render_html_body(sa, lang));
    o.push_str("</body></html>\n");
    o
}

/// The report's body as HTML without the document around it or any style, to embed in a page whose own
/// stylesheet applies (the web UI's content security policy allows no inline styles).
pub fn render_html_body(sa: &SelfAssessment<'_>, lang: Lang) -> String {
    let mut o = String::new();
    for block in blocks(sa, lang, true) {
        match block {
            Block::Heading(n, t) => {
                let _ = write!(o, "<h{n}>{}</h{n}>", html::escape(&t));
            }
            Block::Para(t) => {
                let _ = write!(o, "<p>{}</p>", html::escape(&t));
            }
            Block::Table(t) => {
                o.push_str("<table><thead><tr>");
                for h in &t.header {
                    let _ = write!(o, "<th>{}</th>", html::escape(h));
                }
                o.push_str("</tr></thead><tbody>");
                for r in &t.rows {
                    o.push_str("<tr>");
                    for c in r {
                        let _ = write!(o, "<td>{}</td>", html::escape(c));
                    }
                    o.push_str("</tr>");
                }
                o.push_str("</tbody></table>");
            }
            Block::Svg(s) => {
                let _ = write!(o, "<div class=\"svg\">{s}</div>");
            }
            Block::Mermaid(m) => {
                let _ = write!(o, "<pre>{}</pre>", html::escape(&m));
            }
            Block::List(items) => {
                o.push_str("<ol>");
                for i in items {
                    let _ = write!(o, "<li>{}</li>", html::escape(&i));
                }
                o.push_str("</ol>");
            }
        }
    }
    o
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// Renders the report as Markdown (maps as Mermaid blocks).
pub fn render_markdown(sa: &SelfAssessment<'_>, lang: Lang) -> String {
    let mut o = String::new();
    for block in blocks(sa, lang, false) {
        match block {
            Block::Heading(n, t) => {
                let _ = write!(o, "\n{} {}\n\n", "#".repeat(n as usize), t);
            }
            Block::Para(t) => {
                let _ = write!(o, "{t}\n\n");
            }
            Block::Table(t) => {
                let _ = writeln!(o, "| {} |", t.header.iter().map(|h| md_cell(h)).collect::<Vec<_>>().join(" | "));
                let _ = writeln!(o, "|{}", "---|".repeat(t.header.len()));
                for r in &t.rows {
                    let _ = writeln!(o, "| {} |", r.iter().map(|c| md_cell(c)).collect::<Vec<_>>().join(" | "));
                }
                o.push('\n');
            }
            Block::Svg(_) => {}
            Block::Mermaid(m) => {
                let _ = write!(o, "```mermaid\n{m}```\n\n");
            }
            Block::List(items) => {
                for (i, it) in items.iter().enumerate() {
                    let _ = writeln!(o, "{}. {it}", i + 1);
                }
                o.push('\n');
            }
        }
    }
    o
}
