use crate::cli::ServeArgs;
use anyhow::Context;
use opres_app::{Actor, NewUser, Register};
use opres_domain::Lang;
use opres_store::{Role, UserScope};
use opres_web::{AppState, Server, TlsFiles};

pub async fn run(register: Register, args: ServeArgs, lang: Lang) -> anyhow::Result<()> {
    let actor = Actor::cli(lang);
    if args.demo {
        load_demo(&register, &actor).await?;
    }
    let state = AppState::new(register.clone());
    // Build the search index now rather than on the first search or incident page: at 100k
    // incidents that takes seconds, and a user should not wait for it.
    let (analysis, warm_register) = (state.analysis.clone(), register.clone());
    tokio::spawn(async move {
        if let Err(e) = analysis.sync(&warm_register).await {
            tracing::warn!(error = %e, "search index not built at start; the first search builds it");
        }
    });
    let (server, scheme) = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => {
            let files = TlsFiles { cert: cert.clone(), key: key.clone() };
            let server = Server::bind_tls(args.addr, state, &files)
                .await
                .with_context(|| format!("cannot serve HTTPS on {} with {}", args.addr, cert.display()))?;
            (server, "https")
        }
        _ => (Server::bind(args.addr, state).await.with_context(|| format!("cannot listen on {}", args.addr))?, "http"),
    };
    let addr = server.local_addr()?;
    println!("opres is running at {scheme}://{addr}/");
    if register.users(&actor).await?.is_empty() {
        eprintln!(
            "{}",
            lang.pick(
                "ユーザーがいません。最初の管理者を作成してください: opres user add admin --role admin --all-institutions",
                "No users yet. Create the first administrator: opres user add admin --role admin --all-institutions"
            )
        );
    }
    println!("{}", lang.pick("終了するには Ctrl+C を押してください", "Press Ctrl+C to stop"));
    server
        .run(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    register.close().await;
    Ok(())
}

/// The demo users' password: for demonstrations on demo data only.
// Twelve characters or more, not on the common-password list and without any demo user name or
// "opres" in it: the password rule applies to demo accounts too.
pub const DEMO_PASSWORD: &str = "sample-data-only-2024";

/// Fills an empty register with the demo data set (five fiscal years up to today) and one demo
/// user per role, and prints how to sign in.
async fn load_demo(register: &Register, actor: &Actor) -> anyhow::Result<()> {
    let lang = actor.lang();
    if !register.institutions(actor).await?.is_empty() {
        eprintln!(
            "{}",
            lang.pick(
                "データが既にあるため、デモデータは読み込みません",
                "The database already holds data: demo data not loaded"
            )
        );
        print_demo_users(register, actor).await?;
        return Ok(());
    }
    let spinner = indicatif::ProgressBar::new_spinner();
    spinner.set_message(lang.pick("デモデータを読み込んでいます…", "loading demo data…").to_string());
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    let data = opres_synthetic::generate(&opres_synthetic::GenParams::demo(super::whole_seconds_now()));
    let summary = register.import_demo_data(actor, &data).await?.summary;
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
    // An EU subsidiary under DORA and a US banking organisation, with an incident each.
    let codes: Vec<_> = data.institutions.iter().map(|i| i.code.clone()).collect();
    register.load_regimes_demo(&Actor::demo(lang), &codes).await?;
    // The TLPT demo group (TLPT-BK-2 falls short) belongs to the first demo institution, which the
    // demo reporter is scoped to. ATT&CK data is never downloaded: users import the bundles they have.
    if let Some(first) = data.institutions.first() {
        opres_app::tlpt::load_demo(register, &Actor::demo(lang), &first.code)
            .await
            .map_err(|e| anyhow::anyhow!(e.message(Lang::En)))?;
    }
    // The resilience engine's demo bank (map, scenarios, their runs) as the first institution's.
    if let Some(first) = data.institutions.first() {
        register
            .load_resilience_demo(&opres_app::Actor::demo(Lang::En), &first.code)
            .await
            .map_err(|e| anyhow::anyhow!(e.message(Lang::En)))?;
    }
    // Gap assessments of the first two institutions, proposed from the data loaded above.
    opres_app::gap::load_demo(register, &Actor::demo(lang), &codes).await?;
    if register.users(actor).await?.is_empty() {
        let first = data.institutions.first().map(|i| i.code.clone());
        for (name, role) in [
            ("admin", Role::Admin),
            ("analyst", Role::Analyst),
            ("reporter", Role::Reporter),
            ("executive", Role::Executive),
            ("auditor", Role::Auditor),
        ] {
            let scope = match (&role, &first) {
                (Role::Reporter, Some(code)) => UserScope::Institutions(vec![code.clone()]),
                _ => UserScope::All,
            };
            let display = format!("demo {name}");
            let new =
                NewUser { username: name.into(), display_name: display, password: DEMO_PASSWORD.into(), role, scope };
            register.create_user(actor, new).await?;
        }
    }
    print_demo_users(register, actor).await
}

async fn print_demo_users(register: &Register, actor: &Actor) -> anyhow::Result<()> {
    let lang = actor.lang();
    let demo: Vec<_> =
        register.users(actor).await?.into_iter().filter(|u| u.value.display_name.starts_with("demo ")).collect();
    if demo.is_empty() {
        return Ok(());
    }
    println!("{}", lang.pick("デモ用アカウント（デモデータ専用）:", "Demo accounts (for demo data only):"));
    for u in demo {
        println!("  {:<10} / {DEMO_PASSWORD}   ({})", u.value.username, u.value.role.label(lang));
    }
    Ok(())
}
