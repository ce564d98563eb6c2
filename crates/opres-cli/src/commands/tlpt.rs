//! TLPT: `attack import` and `tlpt …`. The engine is `opres-tlpt`. A programme is kept in the register
//! (`opres tlpt import FILE --institution CODE`, then `--id GROUP`) or in a JSON file
//! (docs/tlpt-format.md); imported ATT&CK data in the register, or in a file with `--out`. Both are
//! checked on every read.

use super::open;
use crate::cli::{AttackCommand, TlptArgs, TlptCommand};
use crate::output::InputError;
use anyhow::Context;
use opres_app::tlpt::{EngagementRead, LayerKind, StoredProgramme, TlptAppError};
use opres_app::{Actor, Register, today};
use opres_domain::{InstitutionCode, JST, Lang};
use opres_tlpt::attack::AttackCatalogue;
use opres_tlpt::{TlptProgramme, recurrence, rollout};
use std::path::{Path, PathBuf};

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
            format!("{}: ATT&CK データを読めません（opres attack import --out で作成します）: {e}", path.display()),
            format!("{}: not imported ATT&CK data (opres attack import --out makes it): {e}", path.display()),
        )
    })?;
    Ok(Some(cat))
}

/// A refusal the user can act on (exit code 2), or a failure.
fn app_err(e: TlptAppError) -> anyhow::Error {
    match e {
        TlptAppError::Store(_) | TlptAppError::Corrupt { .. } => anyhow::anyhow!(e.message(Lang::En)),
        other => InputError::err(other.message(Lang::Ja), other.message(Lang::En)),
    }
}

fn tlpt_err(e: opres_tlpt::TlptError) -> anyhow::Error {
    InputError::err(e.message(Lang::Ja), e.message(Lang::En))
}

fn imported_line(cat: &AttackCatalogue, lang: Lang, to: &str) -> String {
    match lang {
        Lang::Ja => format!(
            "{}（STIX {:?}）: 戦術 {} 件、テクニック {} 件、侵入セット {} 件を{to}に取り込みました",
            cat.domain,
            cat.stix_version,
            cat.tactics.len(),
            cat.techniques.len(),
            cat.intrusion_sets.len(),
        ),
        Lang::En => format!(
            "{} (STIX {:?}): {} tactics, {} techniques, {} intrusion sets imported to {to}",
            cat.domain,
            cat.stix_version,
            cat.tactics.len(),
            cat.techniques.len(),
            cat.intrusion_sets.len(),
        ),
    }
}

pub async fn attack(cmd: AttackCommand, db: &str, lang: Lang) -> anyhow::Result<()> {
    match cmd {
        AttackCommand::Import { file, out: Some(out) } => {
            let text = read(&file)?;
            let cat = AttackCatalogue::from_stix_json(&text).map_err(|e| {
                InputError::err(
                    format!("{}: {}", file.display(), e.message(Lang::Ja)),
                    format!("{}: {}", file.display(), e.message(Lang::En)),
                )
            })?;
            std::fs::write(&out, serde_json::to_string(&cat)?)
                .with_context(|| format!("cannot write {}", out.display()))?;
            println!("{}", imported_line(&cat, lang, &out.display().to_string()));
            Ok(())
        }
        AttackCommand::Import { file, out: None } => {
            let text = read(&file)?;
            let register = open(db).await?;
            let result = register.import_attack_catalogue(&Actor::cli(lang), &text).await;
            register.close().await;
            let (cat, saved) = result.map_err(|e| match e {
                TlptAppError::Stix(s) => InputError::err(
                    format!("{}: {}", file.display(), s.message(Lang::Ja)),
                    format!("{}: {}", file.display(), s.message(Lang::En)),
                ),
                other => app_err(other),
            })?;
            let to = lang.pick("登録簿", "the register");
            println!("{} (v{})", imported_line(&cat, lang, to), saved.version);
            if !cat.warnings.is_empty() {
                eprintln!("{}: {}", lang.pick("警告", "warnings"), cat.warnings.len());
            }
            Ok(())
        }
        AttackCommand::List => {
            let register = open(db).await?;
            let list = register.attack_catalogues().await.map_err(app_err);
            register.close().await;
            for d in list? {
                println!(
                    "{}  {}  v{}  {}",
                    d.key,
                    d.title,
                    d.version,
                    d.updated_at.with_timezone(&JST).format("%Y-%m-%d %H:%M")
                );
            }
            Ok(())
        }
    }
}

/// Where the programme comes from: a stored one (and the register, to save edits) or a file.
enum Source {
    Stored(Register, Box<StoredProgramme>),
    File(PathBuf),
}

pub async fn tlpt(args: TlptArgs, db: &str, lang: Lang) -> anyhow::Result<()> {
    match &args.command {
        TlptCommand::Demo { out } => {
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
        TlptCommand::Import { file, institution, replace } => {
            let text = read(file)?;
            let code = InstitutionCode::parse(institution).map_err(|_| {
                let p = opres_domain::Problem::BadFormat { value: institution.clone(), hint: "BANK-A" };
                InputError::err(
                    format!("--institution: {}", p.message(Lang::Ja)),
                    format!("--institution: {}", p.message(Lang::En)),
                )
            })?;
            let register = open(db).await?;
            let result = register.import_tlpt_programme(&Actor::cli(lang), &text, &code, *replace, None).await;
            register.close().await;
            let done = result.map_err(|e| match e {
                TlptAppError::Engine(inner) => InputError::err(
                    format!("{}: {}", file.display(), inner.message(Lang::Ja)),
                    format!("{}: {}", file.display(), inner.message(Lang::En)),
                ),
                other => app_err(other),
            })?;
            println!(
                "{}",
                match lang {
                    Lang::Ja => format!(
                        "TLPTプログラム「{}」（テスト {} 件、発見事項 {} 件）を{}しました（版 {}）。以後は --id {} で使えます",
                        done.key,
                        done.engagements,
                        done.findings,
                        if done.replaced { "置き換え" } else { "登録" },
                        done.version,
                        done.key
                    ),
                    Lang::En => format!(
                        "TLPT programme '{}' ({} engagements, {} findings) {} (version {}); use it with --id {}",
                        done.key,
                        done.engagements,
                        done.findings,
                        if done.replaced { "replaced" } else { "stored" },
                        done.version,
                        done.key
                    ),
                }
            );
            return Ok(());
        }
        TlptCommand::Programmes => {
            let register = open(db).await?;
            let list = register.tlpt_programmes(&Actor::cli(lang)).await.map_err(app_err);
            register.close().await;
            for d in list? {
                println!("{}  {}  {}  v{}", d.key, d.institution.as_deref().unwrap_or("-"), d.title, d.version);
            }
            return Ok(());
        }
        _ => {}
    }
    let source = match &args.id {
        Some(id) => {
            let register = open(db).await?;
            let sp = register.require_tlpt_programme(&Actor::cli(lang), id).await.map_err(app_err)?;
            Source::Stored(register, Box::new(sp))
        }
        None => Source::File(args.programme.clone()),
    };
    let catalogue = match (&args.attack, &source) {
        (Some(path), _) => load_catalogue(path, true)?,
        (None, Source::Stored(register, _)) => register.default_attack_catalogue().await.map_err(app_err)?,
        (None, Source::File(_)) => load_catalogue(Path::new("opres-attack.json"), false)?,
    };
    let result = command(args.command, &source, catalogue, lang).await;
    if let Source::Stored(register, _) = &source {
        register.close().await;
    }
    result
}

async fn command(
    cmd: TlptCommand,
    source: &Source,
    catalogue: Option<AttackCatalogue>,
    lang: Lang,
) -> anyhow::Result<()> {
    let mut p = match source {
        Source::Stored(_, sp) => sp.programme.clone(),
        Source::File(path) => load_programme(path)?,
    };
    // Every read of one engagement goes through the application's `EngagementRead`.
    let read = |p: &TlptProgramme, engagement: &str| -> anyhow::Result<EngagementRead> {
        let r = match source {
            Source::Stored(_, sp) => EngagementRead::new(
                StoredProgramme { programme: p.clone(), ..(**sp).clone() },
                engagement,
                catalogue.clone(),
            ),
            Source::File(_) => EngagementRead::from_file(p.clone(), engagement, catalogue.clone()),
        };
        r.map_err(app_err)
    };
    match cmd {
        TlptCommand::Demo { .. } | TlptCommand::Import { .. } | TlptCommand::Programmes => Ok(()),
        TlptCommand::List => {
            for e in &p.engagements {
                println!("{}  {}  {}", e.id, e.entity, e.title.get(lang));
            }
            Ok(())
        }
        TlptCommand::Export { out } => {
            std::fs::write(&out, p.to_json()).with_context(|| format!("cannot write {}", out.display()))?;
            eprintln!("{}", out.display());
            Ok(())
        }
        TlptCommand::Assess { engagement, json } => {
            let a = read(&p, &engagement)?.assessment().map_err(app_err)?;
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
            println!("{}", serde_json::to_string_pretty(&read(&p, &engagement)?.metrics())?);
            Ok(())
        }
        TlptCommand::Recurrences { engagement, link } => {
            if link {
                let n = match source {
                    Source::Stored(register, sp) => {
                        let (n, _) = register
                            .link_tlpt_recurrences(&Actor::cli(lang), &sp.key, sp.version, &engagement)
                            .await
                            .map_err(app_err)?;
                        p = register
                            .require_tlpt_programme(&Actor::cli(lang), &sp.key)
                            .await
                            .map_err(app_err)?
                            .programme;
                        n
                    }
                    Source::File(path) => {
                        let n = opres_app::tlpt::link_recurrences(&mut p, &engagement).map_err(app_err)?;
                        std::fs::write(path, p.to_json())
                            .with_context(|| format!("cannot write {}", path.display()))?;
                        n
                    }
                };
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
            let file = read(&p, &engagement)?.report_file(lang, format.into())?;
            std::fs::write(&out, file.bytes).with_context(|| format!("cannot write {}", out.display()))?;
            eprintln!("{}", out.display());
            Ok(())
        }
        TlptCommand::Layer { engagement, actor, out } => {
            let kind = if actor.is_empty() { LayerKind::Coverage } else { LayerKind::Actors(actor) };
            let layer = read(&p, &engagement)?.layer(&kind, lang).map_err(app_err)?;
            std::fs::write(&out, layer.to_json()).with_context(|| format!("cannot write {}", out.display()))?;
            eprintln!("{}", out.display());
            Ok(())
        }
    }
}
