//! The gap assessment's reports, as the workspace's one report document
//! (`opres_domain::report`): the report for management, the statement of applicability, and the
//! supervisor's distribution of results across institutions, anonymised.

use crate::assessment::{Assessment, Basis, Entry, Outcome, ResultCode};
use crate::framework::{Framework, Requirement};
use crate::roadmap::{ActionStatus, Roadmap};
use chrono::NaiveDate;
use opres_domain::Lang;
use opres_domain::report::{Bar, Block, Cell, ReportDocument, Section, Tone};
use std::collections::BTreeMap;

/// The fewest institutions a row of the supervisor's distribution may count: fewer could
/// identify them (the same rule as the yearly report's institution-type groups).
pub const MIN_GROUP: usize = 3;

/// How many gaps the management report lists, highest priority first.
pub const TOP_GAPS: usize = 10;

/// An assessment as its reports name it.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    /// The assessment's key (`<institution>-GA-<n>`).
    pub key: &'a str,
    /// The institution's name in the report's language.
    pub institution: &'a str,
    /// The framework assessed against.
    pub framework: &'a Framework,
    /// The framework's version when the assessment started.
    pub framework_version: &'a str,
    /// The JST day it started.
    pub started_on: NaiveDate,
    /// The assessment.
    pub assessment: &'a Assessment,
}

/// The previous assessment, for "changes since the last assessment".
#[derive(Debug, Clone, Copy)]
pub struct Previous<'a> {
    /// Its key.
    pub key: &'a str,
    /// The day it started.
    pub started_on: NaiveDate,
    /// Its results.
    pub assessment: &'a Assessment,
}

fn l(lang: Lang, ja: &str, en: &str) -> String {
    lang.pick(ja, en).to_string()
}

/// Column headers from (Japanese, English) pairs.
fn headers(lang: Lang, pairs: &[(&str, &str)]) -> Vec<String> {
    pairs.iter().map(|(ja, en)| l(lang, ja, en)).collect()
}

fn req_label(r: &Requirement, lang: Lang) -> String {
    if r.reference.is_empty() {
        r.title.get(lang).to_string()
    } else {
        format!("{} {}", r.reference, r.title.get(lang))
    }
}

fn result_tone(code: ResultCode) -> Tone {
    match code {
        ResultCode::Met => Tone::Good,
        ResultCode::PartlyMet => Tone::Warn,
        ResultCode::NotMet => Tone::Bad,
        ResultCode::NotApplicable => Tone::Plain,
    }
}

fn basis_text(b: &Basis, lang: Lang) -> String {
    match b {
        Basis::Assessor => l(lang, "評価者の判断", "assessor"),
        Basis::AcceptedProposal { derived_on } => match lang {
            Lang::Ja => format!("提案を採用（{derived_on} 導出）"),
            Lang::En => format!("proposal accepted (derived {derived_on})"),
        },
        Basis::OverriddenProposal { proposed, derived_on, reason } => match lang {
            Lang::Ja => format!("提案（{}、{derived_on}）を変更: {reason}", proposed.label(lang)),
            Lang::En => format!("proposal ({}, {derived_on}) overridden: {reason}", proposed.label(lang)),
        },
        Basis::Mapped { source_assessment, source_framework, sources } => match lang {
            Lang::Ja => {
                format!("{source_assessment}（{source_framework}）から対応付けで事前入力（{} 要件）", sources.len())
            }
            Lang::En => format!(
                "pre-filled from {source_assessment} ({source_framework}) through a mapping ({} requirement(s))",
                sources.len()
            ),
        },
    }
}

/// Counts of results over a set of requirements.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Tally {
    met: usize,
    partly: usize,
    not_met: usize,
    not_applicable: usize,
    unanswered: usize,
    gap: u32,
}

impl Tally {
    fn add(&mut self, entry: Option<&Entry>) {
        let Some(e) = entry else {
            self.unanswered += 1;
            return;
        };
        let count = match e.outcome.code() {
            ResultCode::Met => &mut self.met,
            ResultCode::PartlyMet => &mut self.partly,
            ResultCode::NotMet => &mut self.not_met,
            // Not applicable has no gap.
            ResultCode::NotApplicable => {
                self.not_applicable += 1;
                return;
            }
        };
        *count += 1;
        self.gap += u32::from(e.target.saturating_sub(e.current));
    }

    fn total(&self) -> usize {
        self.met + self.partly + self.not_met + self.not_applicable + self.unanswered
    }

    fn headers(lang: Lang) -> Vec<String> {
        [
            ResultCode::Met.label(lang),
            ResultCode::PartlyMet.label(lang),
            ResultCode::NotMet.label(lang),
            ResultCode::NotApplicable.label(lang),
            lang.pick("未回答", "Unanswered"),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    fn cells(&self) -> Vec<Cell> {
        vec![
            Cell::plain(self.met.to_string()),
            Cell::plain(self.partly.to_string()),
            Cell::toned(self.not_met.to_string(), if self.not_met > 0 { Tone::Bad } else { Tone::Plain }),
            Cell::plain(self.not_applicable.to_string()),
            Cell::toned(self.unanswered.to_string(), if self.unanswered > 0 { Tone::Warn } else { Tone::Plain }),
        ]
    }
}

/// Area id → (area node, tally of its assessable requirements), in the framework's order.
fn tallies_by_area<'a>(f: &'a Framework, a: &Assessment) -> Vec<(&'a Requirement, Tally)> {
    let mut order: Vec<&str> = Vec::new();
    let mut by: BTreeMap<&str, Tally> = BTreeMap::new();
    for r in f.assessable() {
        let area = f.area_of(&r.id).unwrap_or(&r.id);
        if !by.contains_key(area) {
            order.push(area);
        }
        by.entry(area).or_default().add(a.entries.get(&r.id));
    }
    order.into_iter().filter_map(|id| Some((f.get(id)?, by.get(id).copied()?))).collect()
}

fn scope_section(s: &Subject<'_>, lang: Lang) -> Section {
    let f = s.framework;
    let mut all = Tally::default();
    for r in f.assessable() {
        all.add(s.assessment.entries.get(&r.id));
    }
    let row = |k: &str, v: String| vec![Cell::plain(k), Cell::plain(v)];
    Section {
        heading: l(lang, "1. 対象範囲", "1. Scope"),
        blocks: vec![Block::Table {
            headers: headers(lang, &[("項目", "Item"), ("内容", "Value")]),
            rows: vec![
                row(lang.pick("金融機関", "Institution"), s.institution.to_string()),
                row(
                    lang.pick("フレームワーク", "Framework"),
                    format!("{} ({} {})", f.name.get(lang), lang.pick("版", "version"), s.framework_version),
                ),
                row(lang.pick("出典", "Source"), f.source.clone()),
                row(lang.pick("評価", "Assessment"), format!("{} · {}", s.key, s.assessment.status.label(lang))),
                row(lang.pick("開始日", "Started on"), s.started_on.to_string()),
                row(
                    lang.pick("評価対象の要件", "Requirements assessed"),
                    match lang {
                        Lang::Ja => format!(
                            "{} 件（回答 {} 件、うち対象外 {} 件、未回答 {} 件）",
                            all.total(),
                            all.total() - all.unanswered,
                            all.not_applicable,
                            all.unanswered
                        ),
                        Lang::En => format!(
                            "{} ({} answered, of which {} not applicable; {} unanswered)",
                            all.total(),
                            all.total() - all.unanswered,
                            all.not_applicable,
                            all.unanswered
                        ),
                    },
                ),
            ],
        }],
    }
}

fn method_section(s: &Subject<'_>, lang: Lang) -> Section {
    let (mut accepted, mut overridden, mut own, mut mapped) = (0, 0, 0, 0);
    for e in s.assessment.entries.values() {
        match e.basis {
            Basis::Assessor => own += 1,
            Basis::AcceptedProposal { .. } => accepted += 1,
            Basis::OverriddenProposal { .. } => overridden += 1,
            Basis::Mapped { .. } => mapped += 1,
        }
    }
    let max = s.assessment.scale_max;
    Section {
        heading: l(lang, "2. 評価方法", "2. Method"),
        blocks: vec![
            Block::List {
                items: match lang {
                    Lang::Ja => vec![
                        "要件ごとに結果（充足・一部充足・未充足・対象外〔理由付き〕）、現状と目標の成熟度（0〜{max}）、根拠、証跡を記録しました。".replace("{max}", &max.to_string()),
                        "ギャップ = 目標成熟度 − 現状成熟度（対象外を除く）。優先度 = ギャップ × 水準係数（基本的な対応事項 2、対応が望ましい事項 1、その他 0.5）× 重み ×（1 + 関連する障害・指摘の件数）。".into(),
                        format!("opres が登録簿（障害、依存関係マップ、シナリオ実行、TLPT）から提案した結果を採用 {accepted} 件、変更 {overridden} 件（変更理由を記録）、他の枠組みの評価から対応付けで事前入力 {mapped} 件、評価者の判断のみ {own} 件。"),
                    ],
                    Lang::En => vec![
                        format!("Each requirement has a result (met, partly met, not met, not applicable with its reason), current and target maturity (0–{max}), a rationale and evidence."),
                        "Gap = target maturity − current maturity (not applicable excluded). Priority = gap × level factor (basic 2, desirable 1, other 0.5) × weight × (1 + linked incidents and findings).".into(),
                        format!("Results proposed by opres from the register (incidents, dependency maps, scenario runs, TLPT): {accepted} accepted, {overridden} overridden (with the reason kept); {mapped} pre-filled through a mapping from an assessment against another framework; {own} by the assessor alone."),
                    ],
                },
            },
        ],
    }
}

fn results_section(s: &Subject<'_>, lang: Lang) -> Section {
    let areas = tallies_by_area(s.framework, s.assessment);
    let mut headers = vec![l(lang, "領域", "Area"), l(lang, "要件数", "Requirements")];
    headers.extend(Tally::headers(lang));
    headers.push(l(lang, "ギャップ合計", "Sum of gaps"));
    let rows = areas
        .iter()
        .map(|(area, t)| {
            let mut row = vec![Cell::plain(req_label(area, lang)), Cell::plain(t.total().to_string())];
            row.extend(t.cells());
            row.push(Cell::toned(t.gap.to_string(), if t.gap > 0 { Tone::Warn } else { Tone::Good }));
            row
        })
        .collect();
    Section {
        heading: l(lang, "3. 領域別の結果", "3. Results by area"),
        blocks: vec![
            Block::Table { headers, rows },
            Block::BarChart {
                title: match lang {
                    Lang::Ja => format!("領域別のギャップ合計（{} 時点、成熟度の差の合計）", s.key),
                    Lang::En => format!("Sum of maturity gaps by area ({})", s.key),
                },
                unit: String::new(),
                bars: areas
                    .iter()
                    .map(|(area, t)| Bar { label: area.title.get(lang).to_string(), value: f64::from(t.gap) })
                    .collect(),
            },
        ],
    }
}

fn top_gaps_section(s: &Subject<'_>, lang: Lang) -> Section {
    let gaps: Vec<_> = s.assessment.gaps(s.framework).into_iter().filter(|g| g.gap > 0).take(TOP_GAPS).collect();
    let heading = match lang {
        Lang::Ja => format!("4. 優先度の高いギャップ（上位 {TOP_GAPS} 件）"),
        Lang::En => format!("4. Top gaps (highest priority, up to {TOP_GAPS})"),
    };
    if gaps.is_empty() {
        return Section {
            heading,
            blocks: vec![Block::Callout {
                tone: Tone::Good,
                text: l(lang, "目標に届かない要件はありません。", "No requirement falls short of its target."),
            }],
        };
    }
    let rows = gaps
        .iter()
        .filter_map(|g| {
            let r = s.framework.get(&g.requirement)?;
            let e = s.assessment.entries.get(&g.requirement)?;
            let code = e.outcome.code();
            Some(vec![
                Cell::plain(req_label(r, lang)),
                Cell::plain(r.level.map(|v| v.label(lang).to_string()).unwrap_or_else(|| "-".into())),
                Cell::toned(code.label(lang), result_tone(code)),
                Cell::plain(format!("{} → {}", e.current, e.target)),
                Cell::toned(g.gap.to_string(), Tone::Warn),
                Cell::plain(format!("{:.1}", g.priority)),
                Cell::plain(if e.rationale.is_empty() { "-".to_string() } else { e.rationale.clone() }),
                Cell::plain(basis_text(&e.basis, lang)),
            ])
        })
        .collect();
    Section {
        heading,
        blocks: vec![Block::Table {
            headers: headers(
                lang,
                &[
                    ("要件", "Requirement"),
                    ("水準", "Level"),
                    ("結果", "Result"),
                    ("成熟度（現状→目標）", "Maturity (current → target)"),
                    ("ギャップ", "Gap"),
                    ("優先度", "Priority"),
                    ("根拠", "Rationale"),
                    ("結果の出所", "Basis"),
                ],
            ),
            rows,
        }],
    }
}

fn roadmap_sections(s: &Subject<'_>, roadmap: Option<&Roadmap>, today: NaiveDate, lang: Lang) -> [Section; 2] {
    let heading_r = l(lang, "5. 改善ロードマップ", "5. Remediation roadmap");
    let heading_t = l(lang, "6. 必要なリソースと期間", "6. Resources and time needed");
    let Some(r) = roadmap.filter(|r| !r.actions().is_empty()) else {
        let none = Block::Callout {
            tone: Tone::Warn,
            text: l(
                lang,
                "改善アクションはまだ登録されていません。優先度の高いギャップからアクションを作成し、経営陣の承認を得てください。",
                "No remediation action is recorded yet. Create actions for the top gaps and have management approve the roadmap.",
            ),
        };
        return [
            Section { heading: heading_r, blocks: vec![none.clone()] },
            Section { heading: heading_t, blocks: vec![none] },
        ];
    };
    let mut blocks = vec![match r.approval() {
        Some(a) => Block::Callout {
            tone: if r.changes_after_approval().is_empty() { Tone::Good } else { Tone::Warn },
            text: match lang {
                Lang::Ja => format!(
                    "{} が {} に承認（コメント: {}）。承認後の変更 {} 件。",
                    a.by,
                    a.on,
                    a.comment,
                    r.changes_after_approval().len()
                ),
                Lang::En => format!(
                    "Approved by {} on {} (comment: {}). {} changes since approval.",
                    a.by,
                    a.on,
                    a.comment,
                    r.changes_after_approval().len()
                ),
            },
        },
        None => Block::Callout {
            tone: Tone::Warn,
            text: match lang {
                Lang::Ja => format!("経営陣の承認はまだありません（状態: {}）。", r.status().label(lang)),
                Lang::En => format!("Not yet approved by management (status: {}).", r.status().label(lang)),
            },
        },
    }];
    // The requirements an action closes, named in this framework's words where they are its own.
    let closes = |a: &crate::roadmap::Action| {
        a.closes()
            .iter()
            .map(|c| match s.framework.get(&c.requirement).filter(|_| c.framework == s.framework.id) {
                Some(req) if req.reference.is_empty() => req.id.clone(),
                Some(req) => req.reference.clone(),
                None => format!("{}:{}", c.framework, c.requirement),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    blocks.push(Block::Table {
        headers: headers(
            lang,
            &[
                ("ID", "ID"),
                ("アクション", "Action"),
                ("担当", "Owner"),
                ("開始", "Start"),
                ("期限", "Due"),
                ("状態", "Status"),
                ("進捗", "Progress"),
                ("工数（人日）", "Effort (person-days)"),
                ("費用", "Cost"),
                ("対応する要件", "Closes"),
            ],
        ),
        rows: r
            .actions()
            .iter()
            .map(|a| {
                let overdue = a.is_overdue(today);
                vec![
                    Cell::plain(a.id().to_string()),
                    Cell::plain(a.title().get(lang)),
                    Cell::plain(a.owner()),
                    Cell::plain(a.start().to_string()),
                    if overdue {
                        Cell::toned(format!("{} ({})", a.due(), lang.pick("期限超過", "overdue")), Tone::Bad)
                    } else {
                        Cell::plain(a.due().to_string())
                    },
                    Cell::toned(
                        a.status().label(lang),
                        if a.status() == ActionStatus::Done { Tone::Good } else { Tone::Plain },
                    ),
                    Cell::plain(format!("{}%", a.progress().get())),
                    Cell::plain(a.effort_days().to_string()),
                    Cell::plain(a.cost().to_string()),
                    Cell::plain(closes(a)),
                ]
            })
            .collect(),
    });
    if !r.milestones().is_empty() {
        blocks.push(Block::List {
            items: r.milestones().iter().map(|m| format!("{} — {}", m.on(), m.title().get(lang))).collect(),
        });
    }

    let t = r.totals();
    let committed: Vec<_> = r.actions().iter().filter(|a| a.status() != ActionStatus::Cancelled).collect();
    let span = committed.iter().map(|a| a.start()).min().zip(committed.iter().map(|a| a.due()).max());
    let overdue = r.overdue(today).len();
    let mut time = vec![Block::Paragraph {
        text: match (lang, span) {
            (Lang::Ja, Some((from, to))) => format!(
                "中止を除くアクション {} 件で工数 {} 人日、費用 {}。期間 {from} 〜 {to}（{} 日）。{today} 時点で期限超過 {overdue} 件。",
                t.committed.actions,
                t.committed.effort_days,
                t.committed.cost,
                (to - from).num_days() + 1
            ),
            (Lang::En, Some((from, to))) => format!(
                "{} actions (cancelled excluded) need {} person-days and {}, from {from} to {to} ({} days). Overdue on {today}: {overdue}.",
                t.committed.actions,
                t.committed.effort_days,
                t.committed.cost,
                (to - from).num_days() + 1
            ),
            (_, None) => l(lang, "中止を除くアクションはありません。", "Every action is cancelled."),
        },
    }];
    time.push(Block::Table {
        headers: headers(
            lang,
            &[("状態", "Status"), ("件数", "Actions"), ("工数（人日）", "Effort (person-days)"), ("費用", "Cost")],
        ),
        rows: t
            .by_status
            .iter()
            .map(|(status, sum)| {
                vec![
                    Cell::plain(status.label(lang)),
                    Cell::plain(sum.actions.to_string()),
                    Cell::plain(sum.effort_days.to_string()),
                    Cell::plain(sum.cost.to_string()),
                ]
            })
            .collect(),
    });
    [Section { heading: heading_r, blocks }, Section { heading: heading_t, blocks: time }]
}

fn changes_section(s: &Subject<'_>, previous: Option<Previous<'_>>, lang: Lang) -> Section {
    let heading = l(lang, "7. 前回評価からの変化", "7. Changes since the last assessment");
    let Some(p) = previous else {
        return Section {
            heading,
            blocks: vec![Block::Paragraph {
                text: l(
                    lang,
                    "この評価は前回の評価から開始していないため、比較はありません。",
                    "This assessment did not start from a previous one; there is nothing to compare.",
                ),
            }],
        };
    };
    let code = |a: &Assessment, id: &str| a.entries.get(id).map(|e| e.outcome.code());
    let rank = |c: Option<ResultCode>| match c {
        Some(ResultCode::Met) => 3,
        Some(ResultCode::PartlyMet) => 2,
        Some(ResultCode::NotMet) => 1,
        _ => 0,
    };
    let label = |c: Option<ResultCode>| c.map(|c| c.label(lang).to_string()).unwrap_or_else(|| "-".into());
    let (mut better, mut worse) = (0, 0);
    let rows: Vec<Vec<Cell>> = s
        .assessment
        .changed_since(p.assessment)
        .iter()
        .map(|id| {
            let (before, now) = (code(p.assessment, id), code(s.assessment, id));
            let maturity = |a: &Assessment| a.entries.get(id.as_str()).map(|e| e.current.to_string());
            let tone = match rank(now).cmp(&rank(before)) {
                std::cmp::Ordering::Greater if rank(before) > 0 => {
                    better += 1;
                    Tone::Good
                }
                std::cmp::Ordering::Less if rank(now) > 0 => {
                    worse += 1;
                    Tone::Bad
                }
                _ => Tone::Plain,
            };
            vec![
                Cell::plain(s.framework.get(id).map(|r| req_label(r, lang)).unwrap_or_else(|| id.clone())),
                Cell::plain(label(before)),
                Cell::toned(label(now), tone),
                Cell::plain(format!(
                    "{} → {}",
                    maturity(p.assessment).unwrap_or_else(|| "-".into()),
                    maturity(s.assessment).unwrap_or_else(|| "-".into())
                )),
            ]
        })
        .collect();
    let summary = match lang {
        Lang::Ja => format!(
            "前回の評価 {}（{} 開始）から変わった要件 {} 件: 改善 {better} 件、悪化 {worse} 件。",
            p.key,
            p.started_on,
            rows.len()
        ),
        Lang::En => format!(
            "{} requirements changed since the previous assessment {} (started {}): {better} improved, {worse} worsened.",
            rows.len(),
            p.key,
            p.started_on
        ),
    };
    let mut blocks = vec![Block::Paragraph { text: summary }];
    if !rows.is_empty() {
        blocks.push(Block::Table {
            headers: headers(
                lang,
                &[
                    ("要件", "Requirement"),
                    ("前回", "Before"),
                    ("今回", "Now"),
                    ("現状成熟度（前回→今回）", "Current maturity (before → now)"),
                ],
            ),
            rows,
        });
    }
    Section { heading, blocks }
}

/// The gap-assessment report for management: scope, method, results by area, top gaps with
/// their rationale, the roadmap, the resources and time it needs, and the changes since the
/// last assessment.
pub fn management_report(
    s: &Subject<'_>,
    previous: Option<Previous<'_>>,
    roadmap: Option<&Roadmap>,
    today: NaiveDate,
    lang: Lang,
) -> ReportDocument {
    let [roadmap_s, time_s] = roadmap_sections(s, roadmap, today, lang);
    ReportDocument {
        lang,
        title: match lang {
            Lang::Ja => format!("ギャップ評価報告書（経営陣向け）: {}", s.framework.name.get(lang)),
            Lang::En => format!("Gap assessment report for management: {}", s.framework.name.get(lang)),
        },
        subtitle: format!("{} · {} · {}", s.institution, s.key, s.assessment.status.label(lang)),
        as_of: today,
        sections: vec![
            scope_section(s, lang),
            method_section(s, lang),
            results_section(s, lang),
            top_gaps_section(s, lang),
            roadmap_s,
            time_s,
            changes_section(s, previous, lang),
        ],
    }
}

/// The statement of applicability: per assessable requirement, whether it is included, why,
/// and whether it is implemented.
pub fn applicability_statement(s: &Subject<'_>, today: NaiveDate, lang: Lang) -> ReportDocument {
    let mut included = 0;
    let mut excluded = 0;
    let rows: Vec<Vec<Cell>> = s
        .framework
        .assessable()
        .map(|r| {
            let e = s.assessment.entries.get(&r.id);
            let (inc, why, implemented) = match e.map(|e| (&e.outcome, e)) {
                None => (
                    Cell::toned(lang.pick("未判断", "not decided"), Tone::Warn),
                    Cell::plain("-"),
                    Cell::toned(lang.pick("未評価", "not assessed"), Tone::Warn),
                ),
                Some((Outcome::NotApplicable { reason }, _)) => {
                    excluded += 1;
                    (Cell::plain(lang.pick("除外", "excluded")), Cell::plain(reason.clone()), Cell::plain("-"))
                }
                Some((o, e)) => {
                    included += 1;
                    let code = o.code();
                    let implemented = match code {
                        ResultCode::Met => lang.pick("実装済み", "yes"),
                        ResultCode::PartlyMet => lang.pick("一部実装", "partly"),
                        _ => lang.pick("未実装", "no"),
                    };
                    (
                        Cell::plain(lang.pick("適用", "included")),
                        Cell::plain(if e.rationale.is_empty() { "-".to_string() } else { e.rationale.clone() }),
                        Cell::toned(implemented, result_tone(code)),
                    )
                }
            };
            vec![
                Cell::plain(r.reference.clone()),
                Cell::plain(r.title.get(lang)),
                Cell::plain(r.level.map(|v| v.label(lang).to_string()).unwrap_or_else(|| "-".into())),
                inc,
                why,
                implemented,
            ]
        })
        .collect();
    let total = rows.len();
    ReportDocument {
        lang,
        title: match lang {
            Lang::Ja => format!("適用宣言書: {}", s.framework.name.get(lang)),
            Lang::En => format!("Statement of applicability: {}", s.framework.name.get(lang)),
        },
        subtitle: format!("{} · {} · {} {}", s.institution, s.key, lang.pick("版", "version"), s.framework_version),
        as_of: today,
        sections: vec![Section {
            heading: l(lang, "要件ごとの適用と実装", "Applicability and implementation by requirement"),
            blocks: vec![
                Block::Paragraph {
                    text: match lang {
                        Lang::Ja => format!(
                            "評価対象の要件 {total} 件のうち適用 {included} 件、除外 {excluded} 件、未判断 {} 件。除外の理由は評価者が記録した対象外の理由です。",
                            total - included - excluded
                        ),
                        Lang::En => format!(
                            "Of {total} assessable requirements, {included} are included, {excluded} excluded and {} not yet decided. The justification of an exclusion is the not-applicable reason the assessor recorded.",
                            total - included - excluded
                        ),
                    },
                },
                Block::Table {
                    headers: headers(
                        lang,
                        &[
                            ("参照", "Reference"),
                            ("要件", "Requirement"),
                            ("水準", "Level"),
                            ("適用", "Included"),
                            ("理由・根拠", "Justification"),
                            ("実装", "Implemented"),
                        ],
                    ),
                    rows,
                },
            ],
        }],
    }
}

/// The supervisor's view: per assessable requirement, how many institutions met it, partly met
/// it, did not, or found it not applicable — over the latest assessment of each institution
/// against `framework`. Institutions are never named, and a requirement fewer than
/// [`MIN_GROUP`] institutions answered is shown without counts.
pub fn distribution(
    framework: &Framework,
    assessments: &[&Assessment],
    today: NaiveDate,
    lang: Lang,
) -> ReportDocument {
    let n = assessments.len();
    let mut suppressed = 0;
    let mut not_met_bars = Vec::new();
    let mut rows = Vec::new();
    for r in framework.assessable() {
        let mut t = Tally::default();
        for a in assessments {
            t.add(a.entries.get(&r.id));
        }
        let answered = t.total() - t.unanswered;
        let mut row = vec![Cell::plain(req_label(r, lang)), Cell::plain(answered.to_string())];
        if answered < MIN_GROUP {
            suppressed += 1;
            row.push(Cell::toned(
                match lang {
                    Lang::Ja => format!("回答した機関が {MIN_GROUP} 未満のため非表示"),
                    Lang::En => format!("not shown: fewer than {MIN_GROUP} institutions answered"),
                },
                Tone::Plain,
            ));
            row.extend(std::iter::repeat_n(Cell::plain("-"), 3));
        } else {
            row.extend(t.cells().into_iter().take(4));
            not_met_bars.push(Bar { label: req_label(r, lang), value: (t.not_met + t.partly) as f64 });
        }
        rows.push(row);
    }
    not_met_bars.sort_by(|a, b| b.value.total_cmp(&a.value));
    not_met_bars.truncate(TOP_GAPS);
    let mut headers = vec![l(lang, "要件", "Requirement"), l(lang, "回答機関数", "Institutions answering")];
    headers.extend(Tally::headers(lang).into_iter().take(4));
    let mut blocks = vec![Block::Paragraph {
        text: match lang {
            Lang::Ja => format!(
                "{n} 機関の最新の評価を集計しました。機関名は示しません。回答した機関が {MIN_GROUP} 未満の要件 {suppressed} 件は件数を示しません。"
            ),
            Lang::En => format!(
                "The latest assessment of each of {n} institutions. No institution is named; the counts of {suppressed} requirements fewer than {MIN_GROUP} institutions answered are not shown."
            ),
        },
    }];
    if n < MIN_GROUP {
        blocks.push(Block::Callout {
            tone: Tone::Warn,
            text: match lang {
                Lang::Ja => format!("評価した機関が {MIN_GROUP} 未満のため、分布は示せません。"),
                Lang::En => format!("Fewer than {MIN_GROUP} institutions have assessed against this framework: no distribution can be shown."),
            },
        });
    }
    if !not_met_bars.is_empty() {
        blocks.push(Block::BarChart {
            title: l(
                lang,
                "未充足・一部充足とした機関の多い要件（機関数）",
                "Requirements most institutions did not fully meet (institutions)",
            ),
            unit: String::new(),
            bars: not_met_bars,
        });
    }
    blocks.push(Block::Table { headers, rows });
    ReportDocument {
        lang,
        title: match lang {
            Lang::Ja => format!("機関横断の評価結果の分布: {}", framework.name.get(lang)),
            Lang::En => format!("Distribution of results across institutions: {}", framework.name.get(lang)),
        },
        subtitle: match lang {
            Lang::Ja => format!("{n} 機関 · 匿名化済み"),
            Lang::En => format!("{n} institution{} · anonymised", if n == 1 { "" } else { "s" }),
        },
        as_of: today,
        sections: vec![Section { heading: l(lang, "要件ごとの分布", "Distribution by requirement"), blocks }],
    }
}
