use crate::cli::ImportArgs;
use opres_app::{Actor, Register};
use opres_domain::Lang;

pub async fn run(register: Register, actor: &Actor, args: ImportArgs) -> anyhow::Result<()> {
    let lang = actor.lang();
    let spinner = indicatif::ProgressBar::new_spinner();
    spinner.set_message(lang.pick("読み込み・検証しています…", "reading and checking…").to_string());
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    let result = register.import(actor, &args.files).await;
    spinner.finish_and_clear();
    register.close().await;
    let s = result?.summary;
    match lang {
        Lang::Ja => eprintln!(
            "取り込みました: 金融機関 {} 件（既存 {} 件）、システム {} 件（既存 {} 件）、障害 {} 件",
            s.institutions_created,
            s.institutions_unchanged,
            s.systems_created,
            s.systems_unchanged,
            s.incidents_created
        ),
        Lang::En => eprintln!(
            "imported {} institutions ({} already present), {} systems ({} already present), {} incidents",
            s.institutions_created,
            s.institutions_unchanged,
            s.systems_created,
            s.systems_unchanged,
            s.incidents_created
        ),
    }
    Ok(())
}
