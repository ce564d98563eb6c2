//! `opres gap …`: frameworks, assessments and their workflow, through the application's use cases.

use crate::cli::{
    GapActionSetArgs, GapActionsCommand, GapAssessCommand, GapCommand, GapMappingCommand, GapReportKindArg,
    GapRoadmapCommand, ReportFormat,
};
use crate::output::{InputError, print_table};
use anyhow::Context;
use opres_app::gap::{FrameworkFile, GapTransition};
use opres_app::gap_report::GapReportKind;
use opres_app::gap_roadmap::RoadmapView;
use opres_app::{Actor, Register, institution_code};
use opres_domain::{Lang, RawScalar};
use opres_gap::{ActionRecord, EntryRecord, MilestoneRecord, MotivationRecord, RequirementRefRecord};
use opres_store::DocumentSummary;
use std::path::Path;

pub async fn run(register: Register, actor: &Actor, cmd: GapCommand) -> anyhow::Result<()> {
    let result = match cmd {
        GapCommand::Frameworks { json } => frameworks(&register, actor, json).await,
        GapCommand::Import { file, catalog } => import(&register, actor, &file, catalog.as_deref()).await,
        GapCommand::Assess(cmd) => assess(&register, actor, cmd).await,
        GapCommand::Mapping(cmd) => mapping(&register, actor, cmd).await,
        GapCommand::Actions(cmd) => actions(&register, actor, cmd).await,
        GapCommand::Roadmap(cmd) => roadmap(&register, actor, cmd).await,
        GapCommand::Report { key, kind, format, out } => report(&register, actor, &key, kind, format, &out).await,
        GapCommand::Distribution { framework, format, out } => {
            distribution(&register, actor, &framework, format, &out).await
        }
    };
    register.close().await;
    result
}

async fn frameworks(register: &Register, actor: &Actor, json: bool) -> anyhow::Result<()> {
    let lang = actor.lang();
    let list = register.gap_frameworks(actor).await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&list)?);
        return Ok(());
    }
    let mut rows = vec![vec![
        "id".to_string(),
        lang.pick("版", "version").into(),
        lang.pick("評価対象の要件", "assessable").into(),
        lang.pick("名称", "name").into(),
    ]];
    for f in &list {
        let origin = if f.built_in { lang.pick("組込み", "built in") } else { lang.pick("取込み", "imported") };
        rows.push(vec![
            f.id.clone(),
            f.version.clone(),
            f.assessable.to_string(),
            format!("{} ({origin})", f.name.get(lang)),
        ]);
    }
    print_table(&rows);
    Ok(())
}

async fn report(
    register: &Register,
    actor: &Actor,
    key: &str,
    kind: GapReportKindArg,
    format: Option<ReportFormat>,
    out: &Path,
) -> anyhow::Result<()> {
    let kind = match kind {
        GapReportKindArg::Oscal => {
            let doc = register.gap_oscal_results(actor, key).await?;
            return write_out(out, serde_json::to_vec_pretty(&doc)?);
        }
        GapReportKindArg::Management => GapReportKind::Management,
        GapReportKindArg::Applicability => GapReportKind::Applicability,
    };
    let format = ReportFormat::chosen(format, out).into();
    let file = register.gap_report_file(actor, key, kind, format, actor.lang(), opres_app::today()).await?;
    write_out(out, file.bytes)
}

async fn distribution(
    register: &Register,
    actor: &Actor,
    framework: &str,
    format: Option<ReportFormat>,
    out: &Path,
) -> anyhow::Result<()> {
    let format = ReportFormat::chosen(format, out).into();
    let file = register.gap_distribution_file(actor, framework, format, actor.lang(), opres_app::today()).await?;
    write_out(out, file.bytes)
}

fn write_out(out: &Path, bytes: Vec<u8>) -> anyhow::Result<()> {
    std::fs::write(out, bytes).with_context(|| format!("cannot write {}", out.display()))?;
    eprintln!("{}", out.display());
    Ok(())
}

fn read(path: &Path) -> anyhow::Result<(String, Vec<u8>)> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string());
    Ok((name, bytes))
}

async fn import(register: &Register, actor: &Actor, file: &Path, catalog: Option<&Path>) -> anyhow::Result<()> {
    let lang = actor.lang();
    let (name, bytes) = read(file)?;
    let catalog = catalog.map(read).transpose()?;
    let f = register
        .import_gap_framework(
            actor,
            FrameworkFile { name: &name, bytes: &bytes },
            catalog.as_ref().map(|(n, b)| FrameworkFile { name: n, bytes: b }),
        )
        .await?;
    println!(
        "{}",
        match lang {
            opres_domain::Lang::Ja =>
                format!("{}（{}）を取り込みました: 評価対象の要件 {} 件", f.name.get(lang), f.id, f.assessable),
            opres_domain::Lang::En =>
                format!("Imported {} ({}): {} assessable requirements", f.name.get(lang), f.id, f.assessable),
        }
    );
    Ok(())
}

async fn assess(register: &Register, actor: &Actor, cmd: GapAssessCommand) -> anyhow::Result<()> {
    let lang = actor.lang();
    match cmd {
        GapAssessCommand::List => {
            let mut rows = vec![vec![
                lang.pick("キー", "key").to_string(),
                lang.pick("金融機関", "institution").into(),
                lang.pick("フレームワーク", "framework").into(),
                lang.pick("開始日", "started").into(),
            ]];
            for a in register.gap_assessments(actor).await? {
                rows.push(vec![a.key, a.institution, a.framework, a.started_on]);
            }
            print_table(&rows);
        }
        GapAssessCommand::Start { institution, framework } => {
            let s = register.start_gap_assessment_from(actor, &institution, &framework, opres_app::today()).await?;
            println!("{}", s.key);
        }
        GapAssessCommand::Show { key, json } => {
            let v = register.gap_assessment(actor, &key).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&v.to_json(lang))?);
                return Ok(());
            }
            let a = &v.record.assessment;
            println!("{}  {}  {}", v.key, v.framework.name.get(lang), a.status.label(lang));
            println!(
                "{}",
                match lang {
                    opres_domain::Lang::Ja => format!(
                        "評価対象の要件 {} 件のうち回答済み {} 件、未回答 {} 件",
                        v.framework.assessable().count(),
                        a.entries.len(),
                        v.unanswered()
                    ),
                    opres_domain::Lang::En => format!(
                        "{} of {} assessable requirements answered, {} unanswered",
                        a.entries.len(),
                        v.framework.assessable().count(),
                        v.unanswered()
                    ),
                }
            );
            let mut rows = vec![vec![
                lang.pick("要件", "requirement").to_string(),
                lang.pick("結果", "result").into(),
                lang.pick("現状→目標", "current→target").into(),
                lang.pick("ギャップ", "gap").into(),
                lang.pick("優先度", "priority").into(),
            ]];
            for g in v.gaps.iter().take(20) {
                let e = &a.entries[&g.requirement];
                rows.push(vec![
                    g.requirement.clone(),
                    e.outcome.code().label(lang).into(),
                    format!("{}→{}", e.current, e.target),
                    g.gap.to_string(),
                    format!("{:.1}", g.priority),
                ]);
            }
            println!();
            print_table(&rows);
        }
        GapAssessCommand::Set { key, requirement, result, reason, current, target, rationale, evidence, owner } => {
            let v = register.gap_assessment(actor, &key).await?;
            let entry = EntryRecord {
                result,
                not_applicable_reason: reason,
                current: Some(RawScalar::Text(current)),
                target: Some(RawScalar::Text(target)),
                rationale,
                evidence,
                owner,
                ..Default::default()
            };
            let s = register.record_gap_entry(actor, &key, &requirement, &entry, None, Some(v.version)).await?;
            eprintln!(
                "{}",
                lang.pick(&format!("保存しました（版 {}）", s.version), &format!("Saved (version {})", s.version))
            );
        }
        GapAssessCommand::Move { key, transition, comment } => {
            let t = GapTransition::parse(&transition)?;
            let v = register.gap_assessment(actor, &key).await?;
            register.move_gap_assessment(actor, &key, t, &comment, Some(v.version)).await?;
            let v = register.gap_assessment(actor, &key).await?;
            println!("{}  {}", v.key, v.record.assessment.status.label(lang));
        }
        GapAssessCommand::Import { file } => {
            let (name, bytes) = read(&file)?;
            let done = register
                .import_gap_file(actor, FrameworkFile { name: &name, bytes: &bytes }, opres_app::today())
                .await?;
            println!(
                "{}",
                match lang {
                    Lang::Ja => format!(
                        "評価 {} 件（{}）とロードマップ {} 件を取り込みました",
                        done.assessments.len(),
                        done.assessments.join(", "),
                        done.roadmaps.len()
                    ),
                    Lang::En => format!(
                        "Imported {} assessment(s) ({}) and {} roadmap(s)",
                        done.assessments.len(),
                        done.assessments.join(", "),
                        done.roadmaps.len()
                    ),
                }
            );
        }
        GapAssessCommand::Prefill { key, apply } => {
            let v = register.gap_assessment(actor, &key).await?;
            if apply {
                let (saved_at, filled) = register.apply_gap_mapped_proposals(actor, &key, Some(v.version)).await?;
                saved(lang, &saved_at);
                eprintln!(
                    "{}",
                    match lang {
                        Lang::Ja => format!("{filled} 件の要件を対応付けから事前入力しました"),
                        Lang::En => format!("{filled} requirement(s) pre-filled from the mappings"),
                    }
                );
            }
            let v = register.gap_assessment(actor, &key).await?;
            let mut rows = vec![vec![
                lang.pick("要件", "requirement").to_string(),
                lang.pick("提案", "proposed").into(),
                lang.pick("出所", "from").into(),
                lang.pick("対応元の要件（関係、強度）", "sources (relation, strength)").into(),
                lang.pick("入力", "entered").into(),
            ]];
            for m in register.gap_mapped_proposals(actor, &v).await? {
                let sources: Vec<String> = m
                    .prefill
                    .sources
                    .iter()
                    .map(|x| {
                        format!(
                            "{} {} ({}, {})",
                            x.requirement,
                            x.result.label(lang),
                            x.relation.code(),
                            x.strength.get()
                        )
                    })
                    .collect();
                let entered = match v.record.assessment.entries.get(&m.prefill.target).map(|e| &e.basis) {
                    Some(opres_gap::Basis::Mapped { .. }) => lang.pick("事前入力", "pre-filled"),
                    Some(_) => lang.pick("評価者", "assessor"),
                    None => "",
                };
                rows.push(vec![
                    m.prefill.target.clone(),
                    m.prefill.proposed.label(lang).into(),
                    format!("{} ({})", m.source_assessment, m.source_status.label(lang)),
                    sources.join("; "),
                    entered.into(),
                ]);
            }
            print_table(&rows);
        }
    }
    Ok(())
}

async fn mapping(register: &Register, actor: &Actor, cmd: GapMappingCommand) -> anyhow::Result<()> {
    let lang = actor.lang();
    match cmd {
        GapMappingCommand::List { json } => {
            let list = register.gap_mappings(actor).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
                return Ok(());
            }
            let mut rows = vec![vec![
                lang.pick("対応元", "source").to_string(),
                lang.pick("対応先", "target").into(),
                lang.pick("関連する対応 / 全対応", "related / all links").into(),
                lang.pick("版", "version").into(),
            ]];
            for m in list {
                rows.push(vec![
                    m.source_framework,
                    m.target_framework,
                    format!("{} / {}", m.related_links, m.links),
                    m.version.to_string(),
                ]);
            }
            print_table(&rows);
        }
        GapMappingCommand::Import { file } => {
            let (name, bytes) = read(&file)?;
            let m = register.import_gap_mapping(actor, FrameworkFile { name: &name, bytes: &bytes }).await?;
            println!(
                "{}",
                match lang {
                    Lang::Ja => format!(
                        "{} → {} の対応付けを取り込みました: 対応 {} 件（版 {}）",
                        m.source_framework, m.target_framework, m.links, m.version
                    ),
                    Lang::En => format!(
                        "Imported the mapping {} → {}: {} link(s) (version {})",
                        m.source_framework, m.target_framework, m.links, m.version
                    ),
                }
            );
        }
    }
    Ok(())
}

async fn actions(register: &Register, actor: &Actor, cmd: GapActionsCommand) -> anyhow::Result<()> {
    let lang = actor.lang();
    match cmd {
        GapActionsCommand::List { institution, json } => {
            let v = register.gap_roadmap(actor, &institution_code(&institution)?).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&v.to_json(lang))?);
                return Ok(());
            }
            print_actions(&v, lang);
        }
        GapActionsCommand::Set(args) => {
            let GapActionSetArgs {
                institution,
                file,
                id,
                title_ja,
                title_en,
                description_ja,
                description_en,
                owner,
                start,
                due,
                effort_days,
                cost_yen,
                status,
                progress,
                closes,
                motivated_by,
            } = *args;
            let code = institution_code(&institution)?;
            let v = register.gap_roadmap(actor, &code).await?;
            let record = match file {
                Some(path) => {
                    let (name, bytes) = read(&path)?;
                    let mut record: ActionRecord = serde_json::from_slice(&bytes).map_err(|e| {
                        InputError::err(
                            format!("{name} は改善アクションの JSON として読めません: {e}"),
                            format!("{name} is not a remediation action in JSON: {e}"),
                        )
                    })?;
                    if let Some(id) = id {
                        record.id = id;
                    }
                    record
                }
                None => {
                    let id = id.unwrap_or_default();
                    // An existing action keeps what the flags do not change.
                    let mut r = v
                        .roadmap
                        .actions()
                        .iter()
                        .find(|a| a.id().as_str() == id.trim())
                        .map(|a| a.to_record())
                        .unwrap_or_default();
                    r.id = id;
                    let set = |field: &mut String, value: Option<String>| {
                        if let Some(value) = value {
                            *field = value;
                        }
                    };
                    set(&mut r.title_ja, title_ja);
                    set(&mut r.title_en, title_en);
                    set(&mut r.description_ja, description_ja);
                    set(&mut r.description_en, description_en);
                    set(&mut r.owner, owner);
                    set(&mut r.start, start);
                    set(&mut r.due, due);
                    set(&mut r.status, status);
                    for (field, value) in
                        [(&mut r.effort_days, effort_days), (&mut r.cost_yen, cost_yen), (&mut r.progress, progress)]
                    {
                        if let Some(value) = value {
                            *field = Some(RawScalar::Text(value));
                        }
                    }
                    if !closes.is_empty() {
                        r.closes = closes
                            .iter()
                            .map(|c| {
                                pair("--closes", c, "FRAMEWORK:REQUIREMENT")
                                    .map(|(framework, requirement)| RequirementRefRecord { framework, requirement })
                            })
                            .collect::<anyhow::Result<_>>()?;
                    }
                    if !motivated_by.is_empty() {
                        r.motivated_by = motivated_by
                            .iter()
                            .map(|m| {
                                pair("--motivated-by", m, "KIND:RECORD")
                                    .map(|(kind, record)| MotivationRecord { kind, record })
                            })
                            .collect::<anyhow::Result<_>>()?;
                    }
                    r
                }
            };
            let s = register.save_gap_action(actor, &code, &record, v.version).await?;
            saved(lang, &s);
        }
        GapActionsCommand::Remove { institution, id } => {
            let code = institution_code(&institution)?;
            let v = register.gap_roadmap(actor, &code).await?;
            let s = register.remove_gap_action(actor, &code, &id, v.version).await?;
            saved(lang, &s);
        }
    }
    Ok(())
}

async fn roadmap(register: &Register, actor: &Actor, cmd: GapRoadmapCommand) -> anyhow::Result<()> {
    let lang = actor.lang();
    match cmd {
        GapRoadmapCommand::List { json } => {
            let list = register.gap_roadmaps(actor).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
                return Ok(());
            }
            let mut rows = vec![vec![
                lang.pick("金融機関", "institution").to_string(),
                lang.pick("状態", "status").into(),
                lang.pick("アクション", "actions").into(),
                lang.pick("期限超過", "overdue").into(),
                lang.pick("進捗率", "progress").into(),
            ]];
            for r in list {
                rows.push(vec![
                    r.institution,
                    r.status.label(lang).into(),
                    r.actions.to_string(),
                    r.overdue.to_string(),
                    format!("{}%", r.progress),
                ]);
            }
            print_table(&rows);
        }
        GapRoadmapCommand::Show { institution, json } => {
            let v = register.gap_roadmap(actor, &institution_code(&institution)?).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&v.to_json(lang))?);
                return Ok(());
            }
            show_roadmap(&v, lang);
        }
        GapRoadmapCommand::Submit { institution } => {
            let code = institution_code(&institution)?;
            let v = register.gap_roadmap(actor, &code).await?;
            register.submit_gap_roadmap(actor, &code, v.version).await?;
            print_status(register, actor, &code).await?;
        }
        GapRoadmapCommand::Withdraw { institution } => {
            let code = institution_code(&institution)?;
            let v = register.gap_roadmap(actor, &code).await?;
            register.withdraw_gap_roadmap(actor, &code, v.version).await?;
            print_status(register, actor, &code).await?;
        }
        GapRoadmapCommand::Approve { institution, comment } => {
            let code = institution_code(&institution)?;
            let v = register.gap_roadmap(actor, &code).await?;
            register.approve_gap_roadmap(actor, &code, &comment, v.version).await?;
            print_status(register, actor, &code).await?;
        }
        GapRoadmapCommand::Milestones { institution, set, clear } => {
            let code = institution_code(&institution)?;
            let v = register.gap_roadmap(actor, &code).await?;
            if clear || !set.is_empty() {
                let records: Vec<MilestoneRecord> = set.iter().map(|l| MilestoneRecord::from_line(l)).collect();
                saved(lang, &register.set_gap_milestones(actor, &code, &records, v.version).await?);
            }
            let v = register.gap_roadmap(actor, &code).await?;
            let mut rows = vec![vec![lang.pick("日付", "date").to_string(), lang.pick("名称", "title").into()]];
            rows.extend(v.roadmap.milestones().iter().map(|m| vec![m.on().to_string(), m.title().get(lang).into()]));
            print_table(&rows);
        }
    }
    Ok(())
}

/// `KEY:VALUE` of a repeated option, split at the first colon.
fn pair(option: &str, raw: &str, shape: &str) -> anyhow::Result<(String, String)> {
    match raw.split_once(':') {
        Some((a, b)) => Ok((a.trim().to_string(), b.trim().to_string())),
        None => Err(InputError::err(
            format!("{option} 「{raw}」は {shape} の形で指定してください"),
            format!("{option} '{raw}': write it as {shape}"),
        )),
    }
}

fn saved(lang: Lang, s: &DocumentSummary) {
    eprintln!("{}", lang.pick(&format!("保存しました（版 {}）", s.version), &format!("Saved (version {})", s.version)));
}

async fn print_status(register: &Register, actor: &Actor, code: &opres_domain::InstitutionCode) -> anyhow::Result<()> {
    let v = register.gap_roadmap(actor, code).await?;
    println!("{}  {}", v.key, v.roadmap.status().label(actor.lang()));
    Ok(())
}

fn print_actions(v: &RoadmapView, lang: Lang) {
    let mut rows = vec![vec![
        "id".to_string(),
        lang.pick("状況", "status").into(),
        lang.pick("進捗率", "progress").into(),
        lang.pick("期限", "due").into(),
        lang.pick("担当", "owner").into(),
        lang.pick("タイトル", "title").into(),
    ]];
    for a in v.roadmap.actions() {
        let due = if a.is_overdue(v.today) {
            format!("{} ({})", a.due(), lang.pick("期限超過", "overdue"))
        } else {
            a.due().to_string()
        };
        rows.push(vec![
            a.id().to_string(),
            a.status().label(lang).into(),
            format!("{}%", a.progress().get()),
            due,
            a.owner().to_string(),
            a.title().get(lang).to_string(),
        ]);
    }
    print_table(&rows);
}

fn show_roadmap(v: &RoadmapView, lang: Lang) {
    let r = &v.roadmap;
    let version = v.version.map_or_else(|| lang.pick("未保存", "not saved").to_string(), |n| n.to_string());
    println!("{}  {}  ({} {version})", v.key, r.status().label(lang), lang.pick("版", "version"));
    if let Some(a) = r.approval() {
        println!("{}: {} {} — {}", lang.pick("承認", "Approved"), a.on, a.by, a.comment);
    }
    let changes = r.changes_after_approval().len();
    if changes > 0 {
        println!(
            "{}",
            match lang {
                Lang::Ja => format!("承認後の変更 {changes} 件"),
                Lang::En => format!("{changes} change(s) since approval"),
            }
        );
    }
    let c = &v.totals.committed;
    println!(
        "{}",
        match lang {
            Lang::Ja => format!(
                "進捗率 {}%（工数加重）、アクション {} 件（中止を除く）、工数 {} 人日、費用 {} 円",
                v.progress.get(),
                c.actions,
                c.effort_days,
                c.cost.get()
            ),
            Lang::En => format!(
                "{}% done (weighted by effort); {} action(s) not cancelled, {} person-days, ¥{}",
                v.progress.get(),
                c.actions,
                c.effort_days,
                c.cost.get()
            ),
        }
    );
    if !v.overdue.is_empty() {
        let ids: Vec<String> = v.overdue.iter().map(ToString::to_string).collect();
        println!("{}: {}", lang.pick("期限超過", "Overdue"), ids.join(", "));
    }
    if !v.ready_for_reassessment.is_empty() {
        let reqs: Vec<String> =
            v.ready_for_reassessment.iter().map(|q| format!("{} {}", q.framework, q.requirement)).collect();
        println!("{}: {}", lang.pick("再評価できる要件", "Ready to reassess"), reqs.join(", "));
    }
    println!();
    print_actions(v, lang);
}
