use crate::cli::ServeArgs;
use anyhow::Context;
use opres_app::Register;
use opres_domain::Lang;
use opres_web::{AppState, Server};

pub async fn run(register: Register, args: ServeArgs, lang: Lang) -> anyhow::Result<()> {
    if args.demo {
        load_demo(&register, lang).await?;
    }
    let server = Server::bind(args.addr, AppState { register: register.clone() })
        .await
        .with_context(|| format!("cannot listen on {}", args.addr))?;
    let addr = server.local_addr()?;
    println!("opres is running at http://{addr}/");
    println!("{}", lang.pick("終了するには Ctrl+C を押してください", "Press Ctrl+C to stop"));
    server
        .run(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    register.store().close().await;
    Ok(())
}

/// Fills an empty register with the demo data set (five fiscal years up to today).
async fn load_demo(register: &Register, lang: Lang) -> anyhow::Result<()> {
    if !register.store().list_institutions().await?.is_empty() {
        eprintln!(
            "{}",
            lang.pick(
                "データが既にあるため、デモデータは読み込みません",
                "The database already holds data: demo data not loaded"
            )
        );
        return Ok(());
    }
    let spinner = indicatif::ProgressBar::new_spinner();
    spinner.set_message(lang.pick("デモデータを読み込んでいます…", "loading demo data…").to_string());
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    let data = opres_synthetic::generate(&opres_synthetic::GenParams::demo(chrono::Utc::now()));
    let summary = register.store().import(&data).await?;
    spinner.finish_and_clear();
    eprintln!(
        "{}",
        match lang {
            Lang::Ja => format!(
                "デモデータ: 金融機関 {} 件、障害 {} 件",
                summary.institutions_created, summary.incidents_created
            ),
            Lang::En => format!(
                "demo data: {} institutions, {} incidents",
                summary.institutions_created, summary.incidents_created
            ),
        }
    );
    Ok(())
}
