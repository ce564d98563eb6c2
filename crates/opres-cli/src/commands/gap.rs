//! `opres gap …`: frameworks, assessments and their workflow, through the application's use cases.

use crate::cli::{GapAssessCommand, GapCommand};
use crate::output::print_table;
use anyhow::Context;
use opres_app::gap::{FrameworkFile, GapTransition};
use opres_app::{Actor, Register};
use opres_domain::RawScalar;
use opres_gap::EntryRecord;
use std::path::Path;

pub async fn run(register: Register, actor: &Actor, cmd: GapCommand) -> anyhow::Result<()> {
    let result = match cmd {
        GapCommand::Frameworks { json } => frameworks(&register, actor, json).await,
        GapCommand::Import { file, catalog } => import(&register, actor, &file, catalog.as_deref()).await,
        GapCommand::Assess(cmd) => assess(&register, actor, cmd).await,
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
                lang.pick("件名", "title").into(),
            ]];
            for a in register.gap_assessments(actor).await? {
                rows.push(vec![a.key, a.institution, a.framework, a.title]);
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
    }
    Ok(())
}
