//! `opres incident …`: the register's incidents through the same use cases as the web pages
//! and the REST API (the list through the same request, parsed the same way).

use crate::cli::{FilterArgs, IncidentCommand, ListArgs};
use crate::output::{InputError, pad, print_table};
use chrono::Utc;
use opres_app::{Actor, IncidentKey, IncidentListRequest, Register};
use opres_domain::time::format_jst;
use opres_domain::{IncidentRecord, IncidentRef, Lang, TimeMeasure};

pub async fn run(register: Register, actor: &Actor, cmd: IncidentCommand) -> anyhow::Result<()> {
    let result = match cmd {
        IncidentCommand::List(args) => list(&register, actor, args).await,
        IncidentCommand::Show { reference, json } => show(&register, actor, &reference, json).await,
        IncidentCommand::Obligations { reference, json } => obligations(&register, actor, &reference, json).await,
        IncidentCommand::Due { overdue, filter } => due(&register, actor, overdue, &filter).await,
    };
    register.close().await;
    result
}

fn short_time(t: &opres_domain::Timestamp) -> String {
    format_jst(t).chars().take(16).collect::<String>().replace('T', " ")
}

async fn list(register: &Register, actor: &Actor, args: ListArgs) -> anyhow::Result<()> {
    let lang = actor.lang();
    let request = IncidentListRequest {
        filter: args.filter.params(),
        sort: args.sort,
        order: args.order,
        limit: Some(args.limit.clamp(1, 1000).to_string()),
        offset: args.offset.map(|n| n.to_string()),
        count: Some("exact".into()),
        ..IncidentListRequest::default()
    };
    let page = register.list_incidents(actor, &request).await?.page;
    if args.json {
        for i in &page.items {
            println!("{}", serde_json::to_string(&IncidentRecord::from(&i.value))?);
        }
        return Ok(());
    }
    if page.items.is_empty() {
        println!("{}", lang.pick("該当する障害はありません", "No incidents match"));
        return Ok(());
    }
    let mut rows = vec![
        [
            ("管理番号", "Reference"),
            ("発生 (JST)", "Occurred (JST)"),
            ("状態", "Status"),
            ("障害傾向", "Trend"),
            ("件名", "Title"),
        ]
        .iter()
        .map(|(ja, en)| lang.pick(ja, en).to_string())
        .collect::<Vec<_>>(),
    ];
    for i in &page.items {
        let v = &i.value;
        rows.push(vec![
            v.reference.to_string(),
            short_time(&v.times.occurred_at()),
            v.status().label(lang).to_string(),
            v.classification.trend().code().to_string(),
            v.title.get(lang).to_string(),
        ]);
    }
    print_table(&rows);
    println!(
        "{}",
        match lang {
            Lang::Ja => format!("{} 件中 {} 件を表示", page.total, page.items.len()),
            Lang::En => format!("showing {} of {}", page.items.len(), page.total),
        }
    );
    Ok(())
}

fn reference_key(reference: &str) -> anyhow::Result<IncidentKey> {
    let r = IncidentRef::parse(reference).map_err(|e| {
        InputError::err(format!("管理番号「{reference}」: {e}"), format!("reference '{reference}': {e}"))
    })?;
    Ok(IncidentKey::Reference(r))
}

async fn obligations(register: &Register, actor: &Actor, reference: &str, json: bool) -> anyhow::Result<()> {
    let lang = actor.lang();
    let o = register.incident_obligations(actor, &reference_key(reference)?, Utc::now()).await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&o.to_json(lang))?);
        return Ok(());
    }
    if let Some(c) = &o.dora {
        println!("DORA: {}", c.major.label(lang));
        for r in &c.criteria {
            println!("  {}  {}", pad(r.criterion.label(lang), 40), r.decision.label(lang));
        }
        println!();
    }
    let rows: Vec<Vec<String>> = o
        .obligations
        .iter()
        .map(|ob| {
            let due = match ob.due {
                Some(opres_regimes::Due::At { at, .. }) => short_time(&at),
                Some(opres_regimes::Due::AsSoonAsPossible) => lang.pick("速やかに", "as soon as possible").into(),
                None => "—".into(),
            };
            vec![
                ob.regime.code().to_string(),
                format!("{} #{}", ob.report.label(lang), ob.sequence),
                due,
                ob.status.label(lang).to_string(),
                ob.met_by.map(|m| short_time(&m.submitted_at)).unwrap_or_default(),
            ]
        })
        .collect();
    print_table(&rows);
    Ok(())
}

async fn show(register: &Register, actor: &Actor, reference: &str, json: bool) -> anyhow::Result<()> {
    let lang = actor.lang();
    let found = register.find_incident(actor, &reference_key(reference)?).await?;
    let v = &found.value;
    let stages = register.report_stages(v, Utc::now());
    if json {
        let mut value = serde_json::to_value(IncidentRecord::from(v))?;
        value["report_stages"] = serde_json::to_value(&stages)?;
        println!("{}", serde_json::to_string_pretty(&value)?);
        return Ok(());
    }
    let t = |ja, en| lang.pick(ja, en);
    println!("{}  {}", v.reference, v.title.get(lang));
    println!("{}: {}", t("発生の端緒", "Trigger"), v.classification.trigger().label(lang));
    println!(
        "{}: {} ({})",
        t("障害傾向", "Trend"),
        v.classification.trend().label(lang),
        v.classification.trend().code()
    );
    println!("{}: {}", t("状態", "Status"), v.status().label(lang));
    println!("{}: {}", t("発生", "Occurred"), short_time(&v.times.occurred_at()));
    // Each time with its definition, as on every page: the reader must know what is measured.
    let measured = |m: TimeMeasure, d: Option<chrono::Duration>| {
        d.map_or_else(String::new, |d| format!(" ({} {}; {})", m.label(lang), human(d, lang), m.definition(lang)))
    };
    println!(
        "{}: {}{}",
        t("認識", "Detected"),
        short_time(&v.times.detected_at()),
        measured(TimeMeasure::TimeToDetect, v.time_to_detect())
    );
    if let Some(r) = v.times.recovered_at() {
        println!(
            "{}: {}{}",
            t("復旧", "Recovered"),
            short_time(&r),
            measured(TimeMeasure::TimeToRecover, v.time_to_recover())
        );
    }
    if let Some(x) = v.times.inconsistency() {
        println!("{}", x.note(lang));
    }
    if !v.description.is_empty() {
        println!("\n{}", v.description.get(lang));
    }
    println!("\n{}", t("当局報告", "Reports to the authority"));
    for s in stages {
        println!(
            "  {} #{}  {} {}  {}",
            pad(s.kind.label(lang), 28),
            s.sequence,
            t("期限", "due"),
            short_time(&s.due_at),
            s.status.label(lang)
        );
    }
    Ok(())
}

fn human(d: chrono::Duration, lang: Lang) -> String {
    let m = d.num_minutes();
    match lang {
        Lang::Ja if m >= 60 => format!("{}時間{}分", m / 60, m % 60),
        Lang::Ja => format!("{m}分"),
        Lang::En if m >= 60 => format!("{}h {}m", m / 60, m % 60),
        Lang::En => format!("{m} min"),
    }
}

async fn due(register: &Register, actor: &Actor, overdue_only: bool, filter: &FilterArgs) -> anyhow::Result<()> {
    let lang = actor.lang();
    let due = register.due(actor, &filter.params(), overdue_only, None, Utc::now()).await?;
    if due.is_empty() {
        println!("{}", lang.pick("提出待ちの報告はありません", "No reports outstanding"));
        return Ok(());
    }
    let rows: Vec<Vec<String>> = due
        .iter()
        .map(|d| {
            vec![
                d.reference.to_string(),
                d.institution.to_string(),
                format!("{} #{}", d.stage.kind.label(lang), d.stage.sequence),
                short_time(&d.stage.due_at),
                d.stage.status.label(lang).to_string(),
            ]
        })
        .collect();
    print_table(&rows);
    let overdue = due.iter().filter(|d| d.stage.is_overdue()).count();
    println!(
        "{}",
        match lang {
            Lang::Ja => format!("提出待ち {} 件（うち期限超過 {} 件）", due.len(), overdue),
            Lang::En => format!("{} outstanding, {} overdue", due.len(), overdue),
        }
    );
    Ok(())
}
