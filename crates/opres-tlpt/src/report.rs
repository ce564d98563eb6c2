//! The management report of an engagement, in Japanese or English, as self-contained HTML or Markdown:
//! material risks, every recurrence (never omitted), root causes, the resources and time needed, rollout
//! status, the blue-team metrics and the practice assessment.
//!
//! [`build`] produces a [`ManagementReport`]: the workspace's one report document
//! (`opres_domain::report`), which the web UI renders itself and which renders to HTML, Markdown and
//! (through `opres_interchange`) Excel, with the practice assessment it includes.

use crate::assess::{self, AssessOptions, Assessment, Verdict};
use crate::codes::{FindingStatus, OverallRating, PhaseKind, RootCause};
use crate::error::TlptError;
use crate::ids::FindingId;
use crate::metrics::{self, format_duration};
use crate::model::{Finding, TlptProgramme};
use crate::recurrence;
use crate::rollout;
use opres_domain::{Lang, Yen};
use serde::Serialize;
use std::collections::BTreeMap;

pub use opres_domain::report::{Block, Cell, ReportDocument, Section, Tone};

/// The management report: the document, and the practice assessment it includes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ManagementReport {
    /// The report itself.
    pub document: ReportDocument,
    /// The assessment the report includes.
    pub assessment: Assessment,
}

fn yen_opt(y: Option<Yen>) -> String {
    y.map(|y| y.to_string()).unwrap_or_else(|| "-".into())
}

fn pct(r: Option<f64>) -> String {
    r.map(|r| format!("{:.0}%", r * 100.0)).unwrap_or_else(|| "-".into())
}

fn dur(s: Option<i64>, lang: Lang) -> String {
    s.map(|s| format_duration(s, lang)).unwrap_or_else(|| "-".into())
}

fn verdict_tone(v: Verdict) -> Tone {
    match v {
        Verdict::Good => Tone::Good,
        Verdict::Insufficient => Tone::Bad,
        Verdict::NotEnoughData => Tone::Warn,
    }
}

/// Builds the management report of an engagement.
pub fn build(
    p: &TlptProgramme,
    engagement: &str,
    lang: Lang,
    opts: &AssessOptions<'_>,
) -> Result<ManagementReport, TlptError> {
    let e = p.require_engagement(engagement)?;
    let l = |ja: &str, en: &str| lang.pick(ja, en).to_string();
    let assessment = assess::assess(p, engagement, opts)?;
    let m = metrics::compute(e, opts.catalogue);
    let findings: Vec<&Finding> = p.findings_of(&e.id).collect();
    let reported: Vec<&FindingId> = e.management_report.iter().flat_map(|r| r.findings_reported.iter()).collect();
    let was_reported = |id: &FindingId| reported.contains(&id);
    // How the function's report treated a finding: named, omitted, or found only after the report.
    let report_cell = |f: &Finding| -> Cell {
        match &e.management_report {
            None => Cell::plain("-"),
            Some(_) if was_reported(&f.id) => Cell::plain(lang.pick("はい", "yes")),
            Some(r) if f.identified_on > r.reported_on => {
                Cell::toned(lang.pick("報告後に検出", "found after the report"), Tone::Warn)
            }
            Some(_) => Cell::toned(lang.pick("記載なし", "omitted"), Tone::Bad),
        }
    };
    let systems_of = |f: &Finding| {
        if f.systems.is_empty() {
            // A company-wide finding (e.g. from a rollout check): name the company.
            p.finding_entities(f).iter().map(|c| p.entity_name(c, lang)).collect::<Vec<_>>().join(", ")
        } else {
            f.systems.iter().map(|s| p.system_name(s, lang)).collect::<Vec<_>>().join(", ")
        }
    };
    let yes_no = |b: bool| if b { l("はい", "yes") } else { l("いいえ", "no") };
    let mut sections = Vec::new();

    // 1. Overview.
    let mut overview = vec![Block::Table {
        headers: vec![l("項目", "Item"), l("内容", "Value")],
        rows: {
            let mut rows = vec![
                vec![Cell::plain(l("対象会社", "Group company")), Cell::plain(p.entity_name(&e.entity, lang))],
                vec![Cell::plain(l("フレームワーク", "Framework")), Cell::plain(e.framework.label(lang))],
                vec![
                    Cell::plain(l("スポンサー", "Sponsor")),
                    Cell::plain(format!("{}（{}）", e.sponsor.name, e.sponsor.role.get(lang))),
                ],
            ];
            for ph in PhaseKind::ALL {
                if let Some(x) = e.phase(*ph) {
                    let end = x.end.map(|d| d.to_string()).unwrap_or_else(|| "…".into());
                    rows.push(vec![Cell::plain(ph.label(lang)), Cell::plain(format!("{} – {end}", x.start))]);
                }
            }
            let in_scope: Vec<String> =
                p.systems.iter().filter(|s| e.is_in_scope(&s.id)).map(|s| s.name.get(lang).to_string()).collect();
            rows.push(vec![Cell::plain(l("対象システム", "Systems in scope")), Cell::plain(in_scope.join(", "))]);
            let functions: Vec<&str> = e.scope.functions.iter().map(|f| f.name.get(lang)).collect();
            rows.push(vec![
                Cell::plain(l("重要な業務", "Critical or important functions")),
                Cell::plain(functions.join(", ")),
            ]);
            rows.push(vec![Cell::plain(l("予算総額", "Total budget")), Cell::plain(e.budget_total().to_string())]);
            rows
        },
    }];
    if e.blue_team_told_in_advance() == Some(true) {
        overview.push(Block::Callout {
            tone: Tone::Bad,
            text: l(
                "ブルーチームは事前にテストを知らされていました。検知・対応の結果は割り引いて評価する必要があります。",
                "The blue team was told about the test in advance; its detection and response results must be discounted.",
            ),
        });
    }
    sections.push(Section { heading: l("1. 概要", "1. Overview"), blocks: overview });

    // 2. Material risks.
    let mut material: Vec<&&Finding> =
        findings.iter().filter(|f| f.severity.is_material() || f.enterprise_wide).collect();
    material.sort_by_key(|f| (f.severity.rank(), f.id.clone()));
    let mut risk_blocks = Vec::new();
    if material.is_empty() {
        risk_blocks.push(Block::Paragraph {
            text: l("重要度が緊急・高の発見事項はありません。", "No critical or high finding."),
        });
    } else {
        risk_blocks.push(Block::Table {
            headers: vec![
                l("発見事項", "Finding"),
                l("重要度", "Severity"),
                l("全社的影響", "Enterprise-wide"),
                l("対象システム", "Systems"),
                l("根本原因", "Root cause"),
                l("担当部署の報告に記載", "In the function's report"),
            ],
            rows: material
                .iter()
                .map(|f| {
                    vec![
                        Cell::plain(format!("{} {}", f.id, f.title.get(lang))),
                        Cell::toned(
                            f.severity.label(lang),
                            if f.severity.rank() == 0 { Tone::Bad } else { Tone::Warn },
                        ),
                        Cell::plain(yes_no(f.enterprise_wide)),
                        Cell::plain(systems_of(f)),
                        Cell::plain(f.root_cause.label(lang)),
                        report_cell(f),
                    ]
                })
                .collect(),
        });
    }
    if let Some(r) = &e.management_report {
        if !r.enterprise_risks.is_empty() {
            risk_blocks.push(Block::Paragraph {
                text: l("担当部署が報告した全社的リスク:", "Enterprise-wide risks the function reported:"),
            });
            risk_blocks
                .push(Block::List { items: r.enterprise_risks.iter().map(|x| x.get(lang).to_string()).collect() });
        }
        if r.overall == OverallRating::Good && findings.iter().any(|f| f.severity.is_material()) {
            risk_blocks.push(Block::Callout {
                tone: Tone::Bad,
                text: l(
                    "担当部署は「良好な結果」と報告していますが、重要度が緊急・高の発見事項があります。",
                    "The function reported \"a good result\", yet there are critical or high findings.",
                ),
            });
        }
    }
    sections.push(Section { heading: l("2. 重要なリスク", "2. Material risks"), blocks: risk_blocks });

    // 3. Every recurrence.
    let recs = recurrence::recurrences(p, &e.id);
    let mut rec_blocks = Vec::new();
    if recs.is_empty() {
        rec_blocks.push(Block::Paragraph {
            text: l(
                "過去の発見事項と結び付けられた再発はありません。",
                "No finding is linked to an earlier finding as a recurrence.",
            ),
        });
    } else {
        rec_blocks.push(Block::Callout {
            tone: Tone::Bad,
            text: match lang {
                Lang::Ja => format!(
                    "{}件の発見事項が過去のTLPT等で検出された課題の再発です。対策が十分でなく重要なリスクが残存している可能性があります。すべて経営陣への報告対象（エスカレーション）とします。",
                    recs.len()
                ),
                Lang::En => format!(
                    "{} finding(s) recur issues found before. Measures may not have worked and a material risk may remain; every one is escalated to management.",
                    recs.len()
                ),
            },
        });
        rec_blocks.push(Block::Table {
            headers: vec![
                l("発見事項", "Finding"),
                l("再発回数", "Times seen before"),
                l("過去の発見事項", "Earlier findings"),
                l("初回検出", "First seen"),
                l("グループ会社", "Group companies"),
                l("対応済とされた後の再発", "Came back after remediation"),
                l("担当部署の報告に記載", "In the function's report"),
            ],
            rows: recs
                .iter()
                .map(|r| {
                    let f = p.finding(&r.finding);
                    let preds = r
                        .predecessors
                        .iter()
                        .map(|id| {
                            let fy = p
                                .finding(id)
                                .and_then(|x| p.engagement(&x.engagement))
                                .and_then(|x| x.fiscal_year())
                                .map(|y| y.to_string())
                                .unwrap_or_default();
                            format!("{id} ({fy})")
                        })
                        .collect::<Vec<_>>()
                        .join(", ");
                    vec![
                        Cell::plain(format!("{} {}", r.finding, f.map(|f| f.title.get(lang)).unwrap_or(""))),
                        Cell::toned(r.count.to_string(), Tone::Bad),
                        Cell::plain(preds),
                        Cell::plain(r.first_seen.to_string()),
                        Cell::plain(r.entities.iter().map(|c| p.entity_name(c, lang)).collect::<Vec<_>>().join(", ")),
                        if r.remediation_did_not_hold {
                            Cell::toned(yes_no(true), Tone::Bad)
                        } else {
                            Cell::plain(yes_no(false))
                        },
                        match f {
                            Some(f) => report_cell(f),
                            None => Cell::plain("-"),
                        },
                    ]
                })
                .collect(),
        });
    }
    sections.push(Section {
        heading: l("3. 繰り返し検出された課題", "3. Recurring findings"), blocks: rec_blocks
    });

    // 4. Root causes.
    let mut by_cause: BTreeMap<RootCause, Vec<&Finding>> = BTreeMap::new();
    for f in &findings {
        by_cause.entry(f.root_cause).or_default().push(f);
    }
    let mut causes: Vec<(RootCause, Vec<&Finding>)> = by_cause.into_iter().collect();
    causes.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
    sections.push(Section {
        heading: l("4. 根本原因", "4. Root causes"),
        blocks: vec![Block::Table {
            headers: vec![
                l("根本原因の分類", "Root cause"),
                l("件数", "Findings"),
                l("発見事項と原因", "Findings and causes"),
            ],
            rows: causes
                .iter()
                .map(|(c, fs)| {
                    vec![
                        Cell::plain(c.label(lang)),
                        Cell::plain(fs.len().to_string()),
                        Cell::plain(
                            fs.iter()
                                .map(|f| match &f.root_cause_note {
                                    Some(n) if !n.is_empty() => format!("{}: {}", f.id, n.get(lang)),
                                    _ => f.id.to_string(),
                                })
                                .collect::<Vec<_>>()
                                .join(" / "),
                        ),
                    ]
                })
                .collect(),
        }],
    });

    // 5. Resources and time.
    let mut res_rows = Vec::new();
    let (mut days, mut cost) = (0u64, 0u64);
    let mut sorted: Vec<&&Finding> = findings.iter().collect();
    sorted.sort_by_key(|f| (f.severity.rank(), f.id.clone()));
    for f in &sorted {
        let r = f.resources.unwrap_or_default();
        days += u64::from(r.person_days.unwrap_or(0));
        cost += r.cost.map(|c| c.get()).unwrap_or(0);
        let overdue = f.status.is_active() && f.due.is_some_and(|d| d < opts.today);
        res_rows.push(vec![
            Cell::plain(format!("{} {}", f.id, f.title.get(lang))),
            Cell::plain(f.severity.label(lang)),
            Cell::plain(if f.owner.is_empty() { "-".to_string() } else { f.owner.clone() }),
            if overdue {
                Cell::toned(
                    f.due.map(|d| d.to_string()).unwrap_or_default() + lang.pick("（期限超過）", " (overdue)"),
                    Tone::Bad,
                )
            } else {
                Cell::plain(f.due.map(|d| d.to_string()).unwrap_or_else(|| "-".into()))
            },
            Cell::plain(r.person_days.map(|d| d.to_string()).unwrap_or_else(|| "-".into())),
            Cell::plain(yen_opt(r.cost)),
            Cell::toned(
                f.status.label(lang),
                if f.status == FindingStatus::Remediated { Tone::Good } else { Tone::Plain },
            ),
        ]);
    }
    sections.push(Section {
        heading: l("5. 解決に必要なリソースと時間", "5. Resources and time needed"),
        blocks: vec![
            Block::Paragraph {
                text: match lang {
                    Lang::Ja => format!("必要工数の合計 {days} 人日、費用の合計 {}。", Yen::new(cost)),
                    Lang::En => format!("Total effort {days} person-days; total cost {}.", Yen::new(cost)),
                },
            },
            Block::Table {
                headers: vec![
                    l("発見事項", "Finding"),
                    l("重要度", "Severity"),
                    l("担当", "Owner"),
                    l("期限", "Due"),
                    l("工数（人日）", "Effort (person-days)"),
                    l("費用", "Cost"),
                    l("状況", "Status"),
                ],
                rows: res_rows,
            },
        ],
    });

    // 6. Rollout.
    let summaries = rollout::engagement_summary(p, &e.id, opts.today);
    let mut roll_blocks = Vec::new();
    if summaries.is_empty() {
        roll_blocks.push(Block::Paragraph {
            text: l("横展開の対象となる発見事項はありません。", "No finding calls for rollout."),
        });
    } else {
        roll_blocks.push(Block::Table {
            headers: vec![
                l("発見事項", "Finding"),
                l("確認対象", "Checks"),
                l("未確認", "Not checked"),
                l("該当なし", "Not present"),
                l("該当あり（新たな発見事項）", "Present (new findings)"),
                l("期限超過", "Overdue"),
                l("確認指示のないシステム・会社", "Systems and companies not asked"),
            ],
            rows: summaries
                .iter()
                .map(|s| {
                    let missing: Vec<String> = s
                        .systems_without_record
                        .iter()
                        .map(|x| {
                            // Group companies name their systems alike; name the company when it is another.
                            if x.entity == e.entity {
                                p.system_name(x, lang)
                            } else {
                                format!("{} {}", p.entity_name(&x.entity, lang), p.system_name(x, lang))
                            }
                        })
                        .chain(s.entities_without_record.iter().map(|x| p.entity_name(x, lang)))
                        .collect();
                    vec![
                        Cell::plain(s.finding.to_string()),
                        Cell::plain(s.total.to_string()),
                        Cell::toned(
                            s.not_checked.to_string(),
                            if s.not_checked > 0 { Tone::Warn } else { Tone::Plain },
                        ),
                        Cell::plain(s.checked_not_present.to_string()),
                        Cell::toned(
                            if s.new_findings.is_empty() {
                                s.checked_present.to_string()
                            } else {
                                format!(
                                    "{} ({})",
                                    s.checked_present,
                                    s.new_findings.iter().map(|f| f.to_string()).collect::<Vec<_>>().join(", ")
                                )
                            },
                            if s.checked_present > 0 { Tone::Bad } else { Tone::Plain },
                        ),
                        Cell::toned(s.overdue.to_string(), if s.overdue > 0 { Tone::Bad } else { Tone::Plain }),
                        if missing.is_empty() {
                            Cell::toned(l("なし", "none"), Tone::Good)
                        } else {
                            Cell::toned(missing.join(", "), Tone::Bad)
                        },
                    ]
                })
                .collect(),
        });
    }
    sections.push(Section { heading: l("6. 横展開の状況", "6. Horizontal rollout"), blocks: roll_blocks });

    // 7. Metrics.
    let ph = m.phishing_overall.as_ref();
    let mut metric_rows = vec![
        vec![
            Cell::plain(l("攻撃ステップ（検知/実施）", "Attack steps (detected / executed)")),
            Cell::plain(format!("{} / {}", m.steps_detected, m.steps_executed)),
        ],
        vec![Cell::plain(l("検知率", "Detection rate")), Cell::plain(pct(m.detection_rate))],
        vec![
            Cell::plain(l("検知までの時間（中央値）", "Time to detect (median)")),
            Cell::plain(dur(m.median_time_to_detect_secs, lang)),
        ],
        vec![
            Cell::plain(l("対応までの時間（中央値）", "Time to respond (median)")),
            Cell::plain(dur(m.median_time_to_respond_secs, lang)),
        ],
        vec![
            Cell::plain(l("フラグ獲得", "Flags captured")),
            Cell::plain(format!("{} / {}", m.flags_captured.len(), m.flags_total)),
        ],
        vec![
            Cell::plain(l("レッグアップ使用", "Leg-ups used")),
            Cell::plain(format!("{} / {}", m.leg_ups_used, m.leg_ups_granted)),
        ],
    ];
    if let Some(ph) = ph {
        metric_rows
            .push(vec![Cell::plain(l("フィッシング報告率", "Phishing report rate")), Cell::plain(pct(ph.report_rate))]);
        metric_rows.push(vec![
            Cell::plain(l("フィッシングのクリック率", "Phishing click rate")),
            Cell::plain(pct(ph.click_rate)),
        ]);
        metric_rows.push(vec![
            Cell::plain(l("最初の報告までの時間", "Time to first report")),
            Cell::plain(dur(ph.time_to_first_report_secs, lang)),
        ]);
        metric_rows.push(vec![
            Cell::plain(l("報告からCSIRTへのエスカレーション（中央値）", "Report-to-CSIRT escalation (median)")),
            Cell::plain(dur(ph.median_escalation_secs, lang)),
        ]);
        metric_rows.push(vec![
            Cell::plain(l("CSIRTの対応時間（中央値）", "CSIRT response time (median)")),
            Cell::plain(dur(ph.median_csirt_response_secs, lang)),
        ]);
    }
    let tactic_rows: Vec<Vec<Cell>> = m
        .tactics
        .iter()
        .map(|r| {
            vec![
                Cell::plain(r.key.clone()),
                Cell::plain(format!("{} / {}", r.detected, r.executed)),
                Cell::toned(
                    pct(Some(r.rate)),
                    if r.rate >= 0.999 {
                        Tone::Good
                    } else if r.rate > 0.0 {
                        Tone::Warn
                    } else {
                        Tone::Bad
                    },
                ),
            ]
        })
        .collect();
    sections.push(Section {
        heading: l("7. ブルーチームの評価指標", "7. Blue-team metrics"),
        blocks: vec![
            Block::Table { headers: vec![l("指標", "Metric"), l("値", "Value")], rows: metric_rows },
            Block::Table {
                headers: vec![
                    l("戦術", "Tactic"),
                    l("検知/実施", "Detected / executed"),
                    l("検知率", "Detection rate"),
                ],
                rows: tactic_rows,
            },
        ],
    });

    // 8. Practice assessment.
    let counts = match lang {
        Lang::Ja => format!(
            "良好 {}件、不十分 {}件、データ不足 {}件。",
            assessment.count(Verdict::Good),
            assessment.count(Verdict::Insufficient),
            assessment.count(Verdict::NotEnoughData)
        ),
        Lang::En => format!(
            "{} good, {} insufficient, {} not enough data.",
            assessment.count(Verdict::Good),
            assessment.count(Verdict::Insufficient),
            assessment.count(Verdict::NotEnoughData)
        ),
    };
    sections.push(Section {
        heading: l(
            "8. TLPTの実施状況の評価（金融庁レポートの好事例・課題との対比）",
            "8. Practice assessment (against the FSA report's good practices and shortcomings)",
        ),
        blocks: vec![
            Block::Paragraph { text: counts },
            Block::Table {
                headers: vec![
                    l("観点", "Area"),
                    l("確認項目", "Check"),
                    l("評価", "Verdict"),
                    l("根拠", "Evidence"),
                    l("対応", "What to do"),
                ],
                rows: assessment
                    .checks
                    .iter()
                    .map(|c| {
                        vec![
                            Cell::plain(match lang {
                                Lang::Ja => format!("{}（{}）", c.area.label(lang), c.side.label(lang)),
                                Lang::En => format!("{} ({})", c.area.label(lang), c.side.label(lang)),
                            }),
                            Cell::plain(c.check.label(lang)),
                            Cell::toned(c.verdict.label(lang), verdict_tone(c.verdict)),
                            Cell::plain(c.evidence.get(lang)),
                            Cell::plain(c.action.get(lang)),
                        ]
                    })
                    .collect(),
            },
        ],
    });

    // 9. Directives.
    let mut dir_blocks = Vec::new();
    if e.directives.is_empty() {
        dir_blocks.push(Block::Paragraph {
            text: l("経営陣の指示は記録されていません。", "No management directive is recorded."),
        });
    } else {
        dir_blocks.push(Block::Table {
            headers: vec![l("日付", "Date"), l("指示者", "By"), l("種類", "Kind"), l("内容", "Directive")],
            rows: e
                .directives
                .iter()
                .map(|d| {
                    vec![
                        Cell::plain(d.issued_on.to_string()),
                        Cell::plain(d.by.clone()),
                        Cell::plain(d.kind.label(lang)),
                        Cell::plain(d.text.get(lang)),
                    ]
                })
                .collect(),
        });
    }
    sections.push(Section { heading: l("9. 経営陣の指示", "9. Management directives"), blocks: dir_blocks });

    let fy = e.fiscal_year().map(|y| y.to_string()).unwrap_or_default();
    let document = ReportDocument {
        lang,
        title: match lang {
            Lang::Ja => format!("TLPT 経営陣向け報告書: {}", e.title.get(lang)),
            Lang::En => format!("TLPT management report: {}", e.title.get(lang)),
        },
        subtitle: format!("{} · {} · {fy} · {}", p.entity_name(&e.entity, lang), e.framework.label(lang), e.id),
        as_of: opts.today,
        sections,
    };
    Ok(ManagementReport { document, assessment })
}
