//! TLPT: `attack import` and `tlpt …`. The engine is `opres-tlpt`. A programme is kept in a JSON
//! file (docs/tlpt-format.md) and imported ATT&CK data in another; both are checked on every read.

use crate::cli::{AttackCommand, TlptArgs, TlptCommand, TlptReportFormat};
use crate::output::InputError;
use anyhow::Context;
use opres_domain::{JST, Lang};
use opres_tlpt::assess::{self, AssessOptions};
use opres_tlpt::attack::{AttackCatalogue, navigator};
use opres_tlpt::report::{self, Format};
use opres_tlpt::{TlptProgramme, metrics, recurrence, rollout};
use std::path::Path;

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().with_timezone(&JST).date_naive()
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).map_err(|e| {
        InputError::err(format!("{} を読めません: {e}", path.display()), format!("cannot read {}: {e}", path.display()))
    })
}

fn load_programme(path: &Path) -> anyhow::Result<TlptProgramme> {
    let text = read(path)?;
    TlptProgramme::from_json(&text).map_err(|e| {
        InputError::err(
            format!("{}: {}", path.display(), e.message(Lang::Ja)),
            format!("{}: {}", path.display(), e.message(Lang::En)),
        )
    })
}

fn load_catalogue(path: &Path, explicit: bool) -> anyhow::Result<Option<AttackCatalogue>> {
    if !path.exists() && !explicit {
        return Ok(None);
    }
    let text = read(path)?;
    let cat: AttackCatalogue = serde_json::from_str(&text).map_err(|e| {
        InputError::err(
            format!("{}: ATT&CK データを読めません（opres attack import で作成します）: {e}", path.display()),
            format!("{}: not imported ATT&CK data (opres attack import makes it): {e}", path.display()),
        )
    })?;
    Ok(Some(cat))
}

pub fn attack(cmd: AttackCommand, lang: Lang) -> anyhow::Result<()> {
    let AttackCommand::Import { file, out } = cmd;
    let text = read(&file)?;
    let cat = AttackCatalogue::from_stix_json(&text).map_err(|e| {
        InputError::err(
            format!("{}: {}", file.display(), e.message(Lang::Ja)),
            format!("{}: {}", file.display(), e.message(Lang::En)),
        )
    })?;
    std::fs::write(&out, serde_json::to_string(&cat)?).with_context(|| format!("cannot write {}", out.display()))?;
    println!(
        "{}",
        match lang {
            Lang::Ja => format!(
                "{}（STIX {:?}）: 戦術 {} 件、テクニック {} 件、侵入セット {} 件を {} に取り込みました",
                cat.domain,
                cat.stix_version,
                cat.tactics.len(),
                cat.techniques.len(),
                cat.intrusion_sets.len(),
                out.display()
            ),
            Lang::En => format!(
                "{} (STIX {:?}): {} tactics, {} techniques, {} intrusion sets imported to {}",
                cat.domain,
                cat.stix_version,
                cat.tactics.len(),
                cat.techniques.len(),
                cat.intrusion_sets.len(),
                out.display()
            ),
        }
    );
    Ok(())
}

pub fn tlpt(args: TlptArgs, lang: Lang) -> anyhow::Result<()> {
    if let TlptCommand::Demo { out } = &args.command {
        let p = opres_tlpt::demo::demo_programme(chrono::Utc::now());
        std::fs::write(out, p.to_json()).with_context(|| format!("cannot write {}", out.display()))?;
        println!(
            "{}",
            match lang {
                Lang::Ja => format!(
                    "デモの TLPT プログラムを {} に書き出しました（不十分な例: {}）",
                    out.display(),
                    opres_tlpt::demo::POOR_ENGAGEMENT
                ),
                Lang::En => format!(
                    "wrote the demo TLPT programme to {} (the engagement that falls short: {})",
                    out.display(),
                    opres_tlpt::demo::POOR_ENGAGEMENT
                ),
            }
        );
        return Ok(());
    }
    let mut p = load_programme(&args.programme)?;
    let catalogue = match &args.attack {
        Some(path) => load_catalogue(path, true)?,
        None => load_catalogue(Path::new("opres-attack.json"), false)?,
    };
    let mut opts = AssessOptions::new(today());
    opts.catalogue = catalogue.as_ref();
    let tlpt_err = |e: opres_tlpt::TlptError| InputError::err(e.message(Lang::Ja), e.message(Lang::En));
    match args.command {
        TlptCommand::Demo { .. } => Ok(()),
        TlptCommand::List => {
            for e in &p.engagements {
                println!("{}  {}  {}", e.id, e.entity, e.title.get(lang));
            }
            Ok(())
        }
        TlptCommand::Assess { engagement, json } => {
            let a = assess::assess(&p, &engagement, &opts).map_err(tlpt_err)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&a)?);
                return Ok(());
            }
            for c in &a.checks {
                println!(
                    "[{}] {}\n    {}\n    → {}",
                    c.verdict.label(lang),
                    c.check.label(lang),
                    c.evidence.get(lang),
                    c.action.get(lang)
                );
            }
            Ok(())
        }
        TlptCommand::Metrics { engagement } => {
            let e = p.require_engagement(&engagement).map_err(tlpt_err)?;
            println!("{}", serde_json::to_string_pretty(&metrics::compute(e, catalogue.as_ref()))?);
            Ok(())
        }
        TlptCommand::Recurrences { engagement, link } => {
            let candidates = recurrence::find_recurrences(&p, &engagement, &opts.matching).map_err(tlpt_err)?;
            if link {
                let n = recurrence::link(&mut p, &candidates, today());
                std::fs::write(&args.programme, p.to_json())
                    .with_context(|| format!("cannot write {}", args.programme.display()))?;
                eprintln!(
                    "{}",
                    match lang {
                        Lang::Ja => format!("再発として {n} 件を関連付けました（統合・非表示にはしません）"),
                        Lang::En => format!("linked {n} recurrences (nothing merged or hidden)"),
                    }
                );
            }
            let e = p.require_engagement(&engagement).map_err(tlpt_err)?;
            for r in recurrence::recurrences(&p, &e.id) {
                println!("{}", serde_json::to_string(&r)?);
            }
            Ok(())
        }
        TlptCommand::Rollout { engagement } => {
            let e = p.require_engagement(&engagement).map_err(tlpt_err)?;
            for s in rollout::engagement_summary(&p, &e.id, today()) {
                println!("{}", s.line(lang));
            }
            Ok(())
        }
        TlptCommand::Report { engagement, format, out } => {
            let format = match format {
                TlptReportFormat::Html => Format::Html,
                TlptReportFormat::Md => Format::Markdown,
            };
            let text = report::render(&p, &engagement, lang, format, &opts).map_err(tlpt_err)?;
            std::fs::write(&out, text).with_context(|| format!("cannot write {}", out.display()))?;
            eprintln!("{}", out.display());
            Ok(())
        }
        TlptCommand::Layer { engagement, actor, out } => {
            let e = p.require_engagement(&engagement).map_err(tlpt_err)?;
            let layer = if actor.is_empty() {
                navigator::coverage_layer(&[e], catalogue.as_ref(), lang)
            } else {
                let Some(cat) = catalogue.as_ref() else {
                    return Err(InputError::err(
                        "攻撃者の重ね合わせには ATT&CK データが必要です（opres attack import）",
                        "an actor overlay needs ATT&CK data (opres attack import)",
                    ));
                };
                let names: Vec<&str> = actor.iter().map(String::as_str).collect();
                navigator::actor_overlay(&[e], cat, &names, lang)
                    .map_err(|e| InputError::err(e.message(Lang::Ja), e.message(Lang::En)))?
            };
            std::fs::write(&out, layer.to_json()).with_context(|| format!("cannot write {}", out.display()))?;
            eprintln!("{}", out.display());
            Ok(())
        }
    }
}
