use super::whole_seconds_now;
use crate::cli::GenArgs;
use crate::output::InputError;
use anyhow::Context;
use opres_domain::Bilingual;
use opres_domain::Lang;
use opres_domain::{DataSet, Institution, InstitutionCode, InstitutionType};
use opres_synthetic::GenParams;
use opres_tlpt::demo::{Member, demo_programme_for};
use opres_tlpt::model::Group;
use std::path::{Path, PathBuf};

pub fn run(args: GenArgs, lang: Lang) -> anyhow::Result<()> {
    if opres_interchange::Format::from_path(&args.out).is_none() {
        return Err(InputError::err(
            format!("{}: 拡張子は .jsonl、.json、.csv、.xlsx のいずれかにしてください", args.out.display()),
            format!("{}: use a .jsonl, .json, .csv or .xlsx extension", args.out.display()),
        ));
    }
    let spinner = indicatif::ProgressBar::new_spinner();
    spinner.set_message(lang.pick("データを生成しています…", "generating…").to_string());
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    let params = GenParams {
        institutions: args.institutions,
        incidents: args.incidents,
        seed: args.seed,
        now: whole_seconds_now(),
        fiscal_years: args.fiscal_years,
    };
    let data = opres_synthetic::generate(&params);
    spinner.set_message(lang.pick("書き込んでいます…", "writing…").to_string());
    let written = opres_interchange::write_file(&args.out, &data)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    let tlpt = write_tlpt(&args.out, &data, params.now)?;
    let gap = write_gap(&args.out, &data, args.seed)?;
    let map = match args.resources {
        Some(n) => Some(write_map(&args.out, n, args.seed)?),
        None => None,
    };
    spinner.finish_and_clear();
    for path in written.iter().chain(tlpt.iter()).chain(std::iter::once(&gap)).chain(map.iter()) {
        eprintln!("{}", path.display());
    }
    eprintln!(
        "{}",
        match lang {
            Lang::Ja => format!(
                "金融機関 {} 件、システム {} 件、障害 {} 件を書き出しました",
                data.institutions.len(),
                data.systems.len(),
                data.incidents.len()
            ),
            Lang::En => format!(
                "wrote {} institutions, {} systems, {} incidents",
                data.institutions.len(),
                data.systems.len(),
                data.incidents.len()
            ),
        }
    );
    Ok(())
}

/// Gap assessments of the first institutions against the built-in frameworks and the first's
/// roadmap, half done with one overdue action (`opres_gap::exchange::sample`), written beside the
/// data as `<name>.gap.json`, ready for `opres gap assess import FILE` after the data's import.
fn write_gap(out: &Path, data: &DataSet, seed: u64) -> anyhow::Result<PathBuf> {
    let codes: Vec<String> = data.institutions.iter().map(|i| i.code.to_string()).collect();
    let file = opres_gap::exchange::sample(&codes, opres_app::today(), seed);
    let path = out.with_extension("gap.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&file)?)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path)
}

/// A generated dependency map of `resources` resources (services grow with it, as in the resilience
/// benchmark), written beside the data as `<name>.map.json`.
fn write_map(out: &Path, resources: u64, seed: u64) -> anyhow::Result<PathBuf> {
    let resources = usize::try_from(resources).context("too many resources")?;
    let services = (resources / 500).clamp(20, 200);
    let map = opres_resilience::generate::generate_map(resources, services, seed)
        .map_err(|e| anyhow::anyhow!("generated resilience map: {e}"))?;
    let path = out.with_extension("map.json");
    std::fs::write(&path, opres_resilience::interchange::to_json(&map))
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path)
}

/// The generated institutions' TLPT programme: a bank, a securities company and a third company
/// of the data set form a group whose programme has the demo's three engagements, one of them
/// (TLPT-BK-2) falling short in several ways. Written beside the data as `<name>.tlpt.json`,
/// ready for `opres tlpt import FILE --institution <bank>`. Needs three institutions.
fn write_tlpt(out: &Path, data: &DataSet, now: chrono::DateTime<chrono::Utc>) -> anyhow::Result<Option<PathBuf>> {
    let Some(members) = tlpt_members(&data.institutions) else { return Ok(None) };
    let bank = &members[0].code;
    let group = Group {
        code: InstitutionCode::parse(&format!("{bank}-FG")).unwrap_or_else(|_| bank.clone()),
        name: Bilingual::both(
            format!("{}グループ", members[0].name.get(opres_domain::Lang::Ja)),
            format!("{} Group", members[0].name.get(opres_domain::Lang::En)),
        ),
    };
    let p = demo_programme_for(now, group, members)
        .map_err(|e| anyhow::anyhow!("generated TLPT programme: {}", e.message(opres_domain::Lang::En)))?;
    let path = out.with_extension("tlpt.json");
    std::fs::write(&path, p.to_json()).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(Some(path))
}

/// A bank, a securities company and one more company, each used once; banks and securities fall
/// back to any institution not yet chosen.
fn tlpt_members(all: &[Institution]) -> Option<[Member; 3]> {
    let mut used: Vec<&InstitutionCode> = Vec::new();
    let mut pick = |want: &dyn Fn(InstitutionType) -> bool| -> Option<Member> {
        let i = all
            .iter()
            .find(|i| want(i.institution_type) && !used.contains(&&i.code))
            .or_else(|| all.iter().find(|i| !used.contains(&&i.code)))?;
        used.push(&i.code);
        Some(Member {
            code: i.code.clone(),
            name: Bilingual::both(i.name_ja.clone(), i.name_en.clone()),
            institution_type: i.institution_type,
        })
    };
    let bank = pick(&|t| {
        matches!(t, InstitutionType::MajorBank | InstitutionType::RegionalBank | InstitutionType::ShinkinCooperative)
    })?;
    let securities = pick(&|t| t == InstitutionType::Securities)?;
    let card = pick(&|t| matches!(t, InstitutionType::Payment | InstitutionType::Other | InstitutionType::Insurance))?;
    Some([bank, securities, card])
}
