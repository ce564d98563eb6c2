//! Failure analysis: `classify`, `search`, `analyze` and `report analysis`. The commands act as
//! [`Actor::cli`] through the same `opres-app` analysis use cases as the pages and the REST API;
//! only classifying a file and evaluating the models call the engine `opres-analysis` directly.

use crate::cli::{
    AnalyzeArgs, ClassifyArgs, ClassifyCommand, ReportAnalysisArgs, ReportFormat, SearchArgs, TableOrJson,
};
use crate::output::InputError;
use anyhow::Context;
use opres_analysis::classify::{Classifier, Example, StoredModel, TrainParams, classify_jsonl, eval_set};
use opres_analysis::report::ReportOptions;
use opres_analysis::search::{SearchFilters, SearchRequest};
use opres_analysis::trends::TrendParams;
use opres_app::analysis::AnalysisService;
use opres_app::{Actor, IncidentKey, Register};
use opres_domain::{FiscalYear, IncidentRef, Lang};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;

/// The classifier: the model file given with `--model`; else the model stored in the register by
/// `opres classify train` (when the database exists); else `./opres-classifier.json` from
/// earlier versions; else the rules.
async fn load_classifier(db: &str, model: Option<&Path>, lang: Lang) -> anyhow::Result<Classifier> {
    if let Some(path) = model {
        if !path.exists() {
            return Err(InputError::err(
                format!("{}: モデルファイルがありません（opres classify train --model で作成します）", path.display()),
                format!("{}: no model file (opres classify train --model makes one)", path.display()),
            ));
        }
        return model_file(path, lang);
    }
    // Classifying a file must not create an empty database as a side effect.
    let is_url = db.contains("://");
    if is_url || Path::new(db).exists() {
        let register = super::open(db).await?;
        let stored = register.stored_classifier().await.map_err(|e| anyhow::anyhow!(e.message(lang)))?;
        register.close().await;
        if let Some((_, stored)) = stored {
            eprintln!("{}", stored.explain(lang));
            return Ok(stored.classifier());
        }
    }
    let legacy = Path::new("opres-classifier.json");
    if legacy.exists() { model_file(legacy, lang) } else { Ok(Classifier::rules()) }
}

fn model_file(path: &Path, lang: Lang) -> anyhow::Result<Classifier> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let stored = StoredModel::from_json(&text).map_err(|e| {
        InputError::err(
            format!("{}: モデルファイルを読めません: {e}", path.display()),
            format!("{}: not a model file: {e}", path.display()),
        )
    })?;
    eprintln!("{}", stored.explain(lang));
    Ok(stored.classifier())
}

async fn accepted_examples(register: &Register, lang: Lang) -> anyhow::Result<Vec<Example>> {
    let (incidents, _) = register.analysis_input(&Actor::cli(lang), None).await?;
    Ok(incidents.iter().filter_map(Example::from_incident).collect())
}

pub async fn classify(db: &str, args: ClassifyArgs, lang: Lang) -> anyhow::Result<()> {
    match args.command {
        Some(ClassifyCommand::Train { folds, seed }) => {
            // Stored in the register (the web UI's suggestions use it too); a copy in --model if given.
            let register = super::open(db).await?;
            let trained = register
                .train_classifier(TrainParams { folds, seed, ..TrainParams::default() }, &super::cli_actor())
                .await;
            register.close().await;
            let stored = trained.map_err(|e| {
                InputError::err(
                    format!("学習できません: {}", e.message(Lang::Ja)),
                    format!("cannot train: {}", e.message(Lang::En)),
                )
            })?;
            if let Some(path) = &args.model {
                std::fs::write(path, stored.to_json()?).with_context(|| format!("cannot write {}", path.display()))?;
                eprintln!("{}", path.display());
            }
            println!("{}", stored.explain(lang));
            println!("{}", stored.learned_cv.to_table(lang));
            eprintln!(
                "{}",
                lang.pick(
                    "分類モデルをデータベースに保存しました",
                    "The classification model is stored in the database"
                )
            );
            Ok(())
        }
        Some(ClassifyCommand::Eval { folds, seed, builtin }) => {
            let examples = if builtin {
                eval_set()?
            } else {
                let register = super::open(db).await?;
                let e = accepted_examples(&register, lang).await?;
                register.close().await;
                e
            };
            let stored = Classifier::train(&examples, &TrainParams { folds, seed, ..TrainParams::default() })
                .map_err(|e| InputError::err(format!("評価できません: {e}"), format!("cannot evaluate: {e}")))?;
            println!("{}", stored.explain(lang));
            println!("\n{}\n{}", lang.pick("語彙・ルール", "Rules"), stored.rules_cv.to_table(lang));
            println!("\n{}\n{}", lang.pick("学習済みモデル", "Learned model"), stored.learned_cv.to_table(lang));
            Ok(())
        }
        None => {
            let Some(input) = args.input else {
                return Err(InputError::err(
                    "--input FILE.jsonl（標準入力なら --input -）を指定してください",
                    "give --input FILE.jsonl (or --input - for standard input)",
                ));
            };
            let classifier = load_classifier(db, args.model.as_deref(), lang).await?;
            let reader: Box<dyn BufRead> = if input.as_os_str() == "-" {
                Box::new(BufReader::new(std::io::stdin()))
            } else {
                Box::new(BufReader::new(
                    std::fs::File::open(&input).with_context(|| format!("cannot read {}", input.display()))?,
                ))
            };
            let writer: Box<dyn Write> = match &args.output {
                Some(p) => Box::new(std::io::BufWriter::new(
                    std::fs::File::create(p).with_context(|| format!("cannot create {}", p.display()))?,
                )),
                None => Box::new(std::io::BufWriter::new(std::io::stdout())),
            };
            let summary = classify_jsonl(reader, writer, &classifier)?;
            let name = input.display().to_string();
            for e in &summary.errors {
                eprintln!("{name} {}", e.message(lang));
            }
            eprintln!(
                "{}",
                match lang {
                    Lang::Ja =>
                        format!("{} 件を分類しました（読めない行 {} 件）", summary.classified, summary.errors.len()),
                    Lang::En => format!("classified {} lines ({} refused)", summary.classified, summary.errors.len()),
                }
            );
            if summary.errors.is_empty() {
                Ok(())
            } else {
                Err(InputError::err("読めない行があります", "some lines were refused"))
            }
        }
    }
}

fn fiscal_years(args: &[i32]) -> Vec<FiscalYear> {
    args.iter().copied().map(FiscalYear).collect()
}

pub async fn analyze(register: Register, args: AnalyzeArgs, lang: Lang) -> anyhow::Result<()> {
    let filter = crate::cli::FilterArgs { institution: args.institution.clone(), ..Default::default() }.to_filter()?;
    let params = TrendParams { fiscal_years: fiscal_years(&args.fy), top_n: args.top, same_period_as: None };
    let analysis = register.trend_analysis(&Actor::cli(lang), filter.institutions.as_deref(), params).await;
    register.close().await;
    let analysis = analysis?;
    match args.format {
        TableOrJson::Table => print!("{}", analysis.to_table(lang)),
        TableOrJson::Json => println!("{}", serde_json::to_string_pretty(&analysis)?),
    }
    Ok(())
}

pub async fn report(register: Register, args: ReportAnalysisArgs, lang: Lang) -> anyhow::Result<()> {
    // A year still running is reported to date and compared with the same days of the year before.
    let mut opts = ReportOptions::new(FiscalYear(args.fy), lang, opres_app::today());
    opts.anonymise = args.anonymise;
    let report = register.analysis_report(&Actor::cli(lang), opts).await;
    register.close().await;
    let report = report?;
    let bytes = match ReportFormat::chosen(args.format, &args.out) {
        ReportFormat::Html => report.to_html().into_bytes(),
        ReportFormat::Md => report.to_markdown().into_bytes(),
        ReportFormat::Xlsx => report.to_xlsx()?,
    };
    std::fs::write(&args.out, bytes).with_context(|| format!("cannot write {}", args.out.display()))?;
    eprintln!("{}", args.out.display());
    Ok(())
}

pub async fn search(register: Register, args: SearchArgs, lang: Lang) -> anyhow::Result<()> {
    let found = search_register(&register, &args, lang).await;
    register.close().await;
    found
}

async fn search_register(register: &Register, args: &SearchArgs, lang: Lang) -> anyhow::Result<()> {
    let actor = Actor::cli(lang);
    // The index is built from the register on each run, so it can never lag behind it.
    let service = AnalysisService::new();
    if let Some(reference) = &args.similar {
        let r = IncidentRef::parse(reference).map_err(|e| {
            InputError::err(format!("管理番号「{reference}」: {e}"), format!("reference '{reference}': {e}"))
        })?;
        let incident = register.find_incident(&actor, &IncidentKey::Reference(r)).await?;
        let similar = service.similar(register, &actor, &incident.value, args.limit).await?;
        if similar.is_empty() {
            println!("{}", lang.pick("類似する過去の障害はありません", "No similar past incidents"));
        }
        for s in similar {
            println!("{:>7.2}  {}  {}  {}  {}", s.score, s.reference, s.institution, s.trend, s.title);
        }
        return Ok(());
    }
    let Some(query) = args.query.as_deref().filter(|q| !q.trim().is_empty()) else {
        return Err(InputError::err(
            "検索語を指定してください（例: opres search \"記憶領域\"）",
            "give a query, e.g. opres search \"disk full\"",
        ));
    };
    let mut institutions = Vec::with_capacity(args.institution.len());
    for code in &args.institution {
        institutions.push(opres_domain::InstitutionCode::parse(code).map_err(|e| {
            InputError::err(format!("金融機関コード「{code}」: {e}"), format!("institution code '{code}': {e}"))
        })?);
    }
    let request = SearchRequest {
        query: query.to_string(),
        filters: SearchFilters {
            fiscal_years: fiscal_years(&args.fy),
            institutions,
            triggers: args.trigger.clone(),
            trends: args.trend.clone(),
            cyber: args.cyber,
            channels: args.channel.clone(),
        },
        scope: None,
        offset: 0,
        limit: args.limit,
    };
    let page = service.search(register, &actor, request).await?;
    if !page.expansions.is_empty() {
        let also: Vec<String> =
            page.expansions.iter().map(|e| format!("{} → {}", e.term, e.synonyms.join(" / "))).collect();
        eprintln!("{} {}", lang.pick("同義語でも検索:", "also searched:"), also.join("; "));
    }
    if page.hits.is_empty() {
        println!("{}", lang.pick("該当する障害はありません", "No incidents match"));
    }
    for h in &page.hits {
        let mark = if h.exact_reference {
            lang.pick("  ［管理番号に一致］", "  [reference match]")
        } else if h.negated_only {
            lang.pick("  ［否定の記述のみ］", "  [only mentioned as ruled out]")
        } else {
            ""
        };
        println!(
            "{:>7.2}  {}  {}  {}  FY{}{mark}\n         {}",
            h.score,
            h.reference,
            h.institution,
            h.trend,
            h.fiscal_year,
            h.snippet.replace('\n', " ")
        );
    }
    if args.facets {
        let f = &page.facets;
        for (name, counts) in [
            (lang.pick("年度", "fiscal year"), &f.fiscal_year),
            (lang.pick("金融機関", "institution"), &f.institution),
            (lang.pick("端緒", "trigger"), &f.trigger),
            (lang.pick("傾向", "trend"), &f.trend),
            (lang.pick("サイバー", "cyber"), &f.cyber),
            (lang.pick("チャネル", "channel"), &f.channel),
        ] {
            let list: Vec<String> = counts.iter().map(|c| format!("{} {}", c.value, c.count)).collect();
            println!("{name}: {}", list.join(", "));
        }
    }
    println!(
        "{}",
        match lang {
            Lang::Ja => format!("{} 件中 {} 件", page.total, page.hits.len()),
            Lang::En => format!("{} of {} matches", page.hits.len(), page.total),
        }
    );
    Ok(())
}
