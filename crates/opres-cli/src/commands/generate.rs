use super::whole_seconds_now;
use crate::cli::GenArgs;
use crate::output::InputError;
use anyhow::Context;
use opres_domain::Lang;
use opres_synthetic::GenParams;

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
    spinner.finish_and_clear();
    for path in written {
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
