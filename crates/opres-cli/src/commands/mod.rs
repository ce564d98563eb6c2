//! One function per command; each translates options into application calls.

mod analysis;
mod export;
mod gap;
mod generate;
mod import;
mod incident;
mod resilience;
mod serve;
mod tlpt;
mod user;

use crate::cli::{Cli, Command, DbCommand, FilterArgs, ReportCommand};
use crate::output::InputError;
use anyhow::Context;
use opres_app::{Actor, FilterParams, Register};
use opres_store::{IncidentFilter, Store};

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let lang = cli.lang();
    // Whoever runs the binary against the database holds every right over it.
    let actor = Actor::cli(lang);
    match cli.command {
        Command::Gen(args) => generate::run(args, lang),
        Command::Serve(args) => serve::run(open(&cli.db).await?, args, lang).await,
        Command::User(cmd) => user::run(open(&cli.db).await?, &actor, cmd).await,
        Command::Audit(cmd) => user::audit(open(&cli.db).await?, &actor, cmd).await,
        Command::Import(args) => import::run(open(&cli.db).await?, &actor, args).await,
        Command::Export(cmd) => export::run(open(&cli.db).await?, &actor, cmd).await,
        Command::Db(DbCommand::Migrate) => {
            let register = open(&cli.db).await?;
            register.close().await;
            eprintln!("{}", lang.pick("データベースは最新です", "The database schema is up to date"));
            Ok(())
        }
        Command::Incident(cmd) => incident::run(open(&cli.db).await?, &actor, cmd).await,
        Command::Classify(args) => analysis::classify(&cli.db, args, lang).await,
        Command::Search(args) => analysis::search(open(&cli.db).await?, args, lang).await,
        Command::Analyze(args) => analysis::analyze(open(&cli.db).await?, args, lang).await,
        Command::Report(ReportCommand::Analysis(args)) => analysis::report(open(&cli.db).await?, args, lang).await,
        Command::Attack(cmd) => tlpt::attack(cmd, &cli.db, lang).await,
        Command::Tlpt(args) => tlpt::tlpt(args, &cli.db, lang).await,
        Command::Resilience(args) => resilience::run(args, &cli.db, lang).await,
        Command::Gap(cmd) => gap::run(open(&cli.db).await?, &actor, cmd).await,
    }
}

/// Who the command line acts as on the audit trail: the operating-system account (for the
/// module commands that still take an audit context rather than the [`Actor`]).
pub fn cli_actor() -> opres_store::AuditContext {
    Actor::cli(opres_domain::Lang::default()).audit()
}

/// The present to whole seconds: generated times then survive every engine exactly
/// (PostgreSQL keeps microseconds, and people write times to the second).
pub(crate) fn whole_seconds_now() -> chrono::DateTime<chrono::Utc> {
    use chrono::SubsecRound;
    chrono::Utc::now().trunc_subsecs(0)
}

/// Opens (and migrates) the register's database.
async fn open(url: &str) -> anyhow::Result<Register> {
    let store = Store::connect(url).await.with_context(|| format!("cannot open the database {}", redact(url)))?;
    Ok(Register::new(store))
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => format!("{}://…@{}", &url[..scheme], &url[at + 1..]),
        _ => url.to_string(),
    }
}

impl FilterArgs {
    /// The options as the application's filter request (parsed, with every problem, there).
    pub fn params(&self) -> FilterParams {
        FilterParams {
            institutions: self.institution.clone(),
            fy: self.fy.map(|y| y.to_string()),
            trigger: self.trigger.clone(),
            trend: self.trend.clone(),
            channel: self.channel.clone(),
            status: self.status.clone(),
            cyber: self.cyber.map(|c| c.to_string()),
            text: self.text.clone(),
            ..FilterParams::default()
        }
    }

    /// The incident filter these options describe, or every problem with them.
    pub fn to_filter(&self) -> anyhow::Result<IncidentFilter> {
        self.params().parse(None).map_err(|e| InputError::from_validation(&e))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(super::redact("postgres://opres:secret@db.example/opres"), "postgres://…@db.example/opres");
        assert_eq!(super::redact("opres.db"), "opres.db");
    }
}
