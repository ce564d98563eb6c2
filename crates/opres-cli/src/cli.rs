//! The command line: every command and option, with help that teaches.

use clap::{Args, Parser, Subcommand, ValueEnum};
use opres_domain::Lang;
use std::net::SocketAddr;
use std::path::PathBuf;

/// opres — the failure register, analysis and resilience tool for financial institutions and
/// their supervisor (after the FSA's yearly analysis report on system failures).
#[derive(Debug, Parser)]
#[command(name = "opres", version, propagate_version = true)]
#[command(after_help = "Examples:
  opres serve --demo                       run the web server on demo data (http://127.0.0.1:8080/)
  opres gen --incidents 1000 --out data.jsonl
  opres import data.jsonl                  all rows or none; every bad row is listed
  opres export incidents --format xlsx --out incidents.xlsx
  opres incident list --trend operations.storage --fy 2024

Data lives in ./opres.db (SQLite) unless --db or OPRES_DATABASE_URL names another file or a
PostgreSQL server (postgres://user@host/db).")]
pub struct Cli {
    /// Database: an SQLite file path or a postgres:// URL.
    #[arg(long, global = true, env = "OPRES_DATABASE_URL", default_value = "opres.db", hide_env_values = true)]
    pub db: String,

    /// Language of messages: ja or en (default: from LANG, else ja).
    #[arg(long, global = true, env = "OPRES_LANG")]
    pub lang: Option<Lang>,

    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// The language to speak: --lang, OPRES_LANG, then the locale, then Japanese.
    pub fn lang(&self) -> Lang {
        self.lang.unwrap_or_else(|| std::env::var("LANG").ok().and_then(|l| Lang::parse(&l)).unwrap_or_default())
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server and REST API.
    Serve(ServeArgs),
    /// Manage user accounts and roles (the first administrator is created here).
    #[command(subcommand)]
    User(UserCommand),
    /// The tamper-evident audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Import register files (.jsonl, .json, .csv, .xlsx): all rows of all files, or nothing.
    #[command(
        after_help = "Every bad row of every file is listed with its line (or sheet and row), field and reason;\nif there is any, nothing is written. Exit code 2 means the files were refused."
    )]
    Import(ImportArgs),
    /// Export register data.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Generate a deterministic, realistic synthetic data set.
    Gen(GenArgs),
    /// Database maintenance.
    #[command(subcommand)]
    Db(DbCommand),
    /// Look at incidents.
    #[command(subcommand)]
    Incident(IncidentCommand),
    /// Suggest trigger and trend codes for incident texts (JSONL in, JSONL out); train and evaluate.
    Classify(ClassifyArgs),
    /// Full-text search over incidents in Japanese and English, or similar past incidents.
    Search(SearchArgs),
    /// Trends: counts, shares and year-on-year change by fiscal year, trigger, trend, type, channel.
    Analyze(AnalyzeArgs),
    /// Reports.
    #[command(subcommand)]
    Report(ReportCommand),
    /// MITRE ATT&CK data for TLPT (STIX 2.0 or 2.1 bundles).
    #[command(subcommand)]
    Attack(AttackCommand),
    /// Threat-led penetration testing: practice assessment, metrics, recurrences, rollout, reports.
    Tlpt(TlptArgs),
    /// Operational resilience: single points of failure, concentration, scenarios, self-assessment.
    Resilience(ResilienceArgs),
    /// Gap assessment: frameworks, assessments against them, gaps and the remediation roadmap.
    #[command(subcommand)]
    Gap(GapCommand),
}

#[derive(Debug, Subcommand)]
#[command(after_help = "A round of gap assessment:
  opres gap frameworks                                    the built-in and imported catalogues
  opres gap import low-profile.json --catalog low.json    an OSCAL profile with its catalog
  opres gap assess start --institution BANK-A --framework fsa_report_challenges
  opres gap assess set BANK-A-GA-1 operations.storage.monitoring --result partly_met --current 1 --target 4
  opres gap assess move BANK-A-GA-1 submit                then an executive: ... approve --comment \"...\"
  opres gap assess show BANK-A-GA-1                       results, top gaps, gaps by area
  opres gap report BANK-A-GA-1 --out report.xlsx          for management (or --kind applicability|oscal)
  opres gap distribution fsa_report_challenges --out d.html   across institutions, anonymised
The remediation roadmap that closes the gaps:
  opres gap actions set BANK-A --id RM-1 --title-ja \"監視の強化\" --owner システム部 \\
      --start 2026-04-01 --due 2026-09-30 --effort-days 20 \\
      --closes fsa_report_challenges:operations.storage.monitoring
  opres gap roadmap submit BANK-A                         then an executive: ... approve BANK-A --comment \"...\"
Formats and rules: docs/gap-assessment.md")]
pub enum GapCommand {
    /// List the frameworks: built in (the report's challenges, TLPT, operational resilience, the
    /// FSA guideline) and imported.
    Frameworks {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Import a framework, all or nothing, every problem listed: opres JSON, an OSCAL catalog, or
    /// an OSCAL profile with --catalog.
    Import {
        /// The framework file.
        file: PathBuf,
        /// The OSCAL catalog an OSCAL profile selects from.
        #[arg(long)]
        catalog: Option<PathBuf>,
    },
    /// Assessments of an institution against a framework.
    #[command(subcommand)]
    Assess(GapAssessCommand),
    /// Mappings between frameworks, which pre-fill one framework's assessment from another's.
    #[command(subcommand)]
    Mapping(GapMappingCommand),
    /// The actions of an institution's remediation roadmap: list, add or update, remove.
    #[command(subcommand)]
    Actions(GapActionsCommand),
    /// An institution's remediation roadmap: show it, submit it, withdraw it, approve it.
    #[command(subcommand)]
    Roadmap(GapRoadmapCommand),
    /// Write a report of an assessment: for management (with the roadmap and the changes since
    /// the last assessment), the statement of applicability, or the OSCAL assessment results.
    Report {
        /// The assessment's key (e.g. BANK-A-GA-1).
        key: String,
        /// Which report.
        #[arg(long, value_enum, default_value = "management")]
        kind: GapReportKindArg,
        /// Format (default: from --out's extension; OSCAL is always JSON).
        #[arg(long, value_enum)]
        format: Option<ReportFormat>,
        /// Output file.
        #[arg(long, short)]
        out: PathBuf,
    },
    /// Write the supervisor's distribution of results per requirement across institutions
    /// (latest assessment of each; none named; no row under three institutions).
    Distribution {
        /// The framework id (see opres gap frameworks).
        framework: String,
        /// Format (default: from --out's extension).
        #[arg(long, value_enum)]
        format: Option<ReportFormat>,
        /// Output file.
        #[arg(long, short)]
        out: PathBuf,
    },
}

/// The reports of one assessment (`opres gap report --kind`).
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum GapReportKindArg {
    /// For management: scope, method, results by area, top gaps, roadmap, resources, changes.
    Management,
    /// The statement of applicability: included?, justification, implemented?
    Applicability,
    /// OSCAL 1.1.2 assessment results (JSON).
    Oscal,
}

#[derive(Debug, Subcommand)]
#[command(after_help = "Each institution has one roadmap. Once management has approved it, every addition,
change and removal is recorded with who made it, and the roadmap shows as approved with changes
until it is approved again.")]
pub enum GapActionsCommand {
    /// List the roadmap's actions: status, progress, due date, overdue ones marked.
    List {
        /// The institution's code (e.g. BANK-A).
        institution: String,
        /// Print the whole roadmap as JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Add an action (a new id) or update it (an id already on the roadmap), from a file or flags.
    #[command(after_help = "Examples:
  opres gap actions set BANK-A --file action.json
      action.json: {\"id\": \"RM-1\", \"title_ja\": \"監視の強化\", \"owner\": \"システム部\",
                    \"start\": \"2026-04-01\", \"due\": \"2026-09-30\", \"effort_days\": 20,
                    \"closes\": [{\"framework\": \"fsa_report_challenges\",
                                 \"requirement\": \"operations.storage.monitoring\"}]}
  opres gap actions set BANK-A --id RM-1 --title-ja 監視の強化 --owner システム部 \\
      --start 2026-04-01 --due 2026-09-30 --effort-days 20 \\
      --closes fsa_report_challenges:operations.storage.monitoring
  opres gap actions set BANK-A --id RM-1 --status in_progress --progress 40
      (an existing action: the flags given change it, the rest stays)
Every problem is listed by field (closes[0].requirement, due, …); nothing is saved if there is any.")]
    Set(Box<GapActionSetArgs>),
    /// Remove an action from the roadmap.
    Remove {
        /// The institution's code.
        institution: String,
        /// The action's id.
        id: String,
    },
}

/// An action to add or update, from a file or flags (`opres gap actions set`).
#[derive(Debug, Args)]
pub struct GapActionSetArgs {
    /// The institution's code.
    pub institution: String,
    /// An action as JSON (the fields of the examples); excludes the flags.
    #[arg(long, conflicts_with_all = ["title_ja", "title_en", "description_ja", "description_en", "owner",
        "start", "due", "effort_days", "cost_yen", "status", "progress", "closes", "motivated_by"])]
    pub file: Option<PathBuf>,
    /// The action's id, unique on the roadmap (e.g. RM-2026-014).
    #[arg(long, required_unless_present = "file")]
    pub id: Option<String>,
    /// Title in Japanese (this or --title-en is required).
    #[arg(long)]
    pub title_ja: Option<String>,
    /// Title in English.
    #[arg(long)]
    pub title_en: Option<String>,
    /// Description in Japanese.
    #[arg(long)]
    pub description_ja: Option<String>,
    /// Description in English.
    #[arg(long)]
    pub description_en: Option<String>,
    /// Who is responsible (a department or a person).
    #[arg(long)]
    pub owner: Option<String>,
    /// Planned start, YYYY-MM-DD.
    #[arg(long)]
    pub start: Option<String>,
    /// Due date, YYYY-MM-DD (not before the start).
    #[arg(long)]
    pub due: Option<String>,
    /// Effort in whole person-days (1 or more).
    #[arg(long)]
    pub effort_days: Option<String>,
    /// Cost in whole yen.
    #[arg(long)]
    pub cost_yen: Option<String>,
    /// planned, in_progress, done or cancelled.
    #[arg(long)]
    pub status: Option<String>,
    /// Progress in percent, 0–100 (done means 100).
    #[arg(long)]
    pub progress: Option<String>,
    /// A requirement it closes, FRAMEWORK:REQUIREMENT (repeat for several; replaces the list).
    #[arg(long)]
    pub closes: Vec<String>,
    /// What motivates it, KIND:RECORD, KIND one of incident, tlpt_finding, spof, scenario_breach,
    /// gap (repeat for several; replaces the list).
    #[arg(long)]
    pub motivated_by: Vec<String>,
}

#[derive(Debug, Subcommand)]
#[command(after_help = "Examples:
  opres gap roadmap list                                  every roadmap you may see
  opres gap roadmap show BANK-A                           status, progress, overdue actions, totals
  opres gap roadmap submit BANK-A                         for management's approval (edits wait)
  opres gap roadmap withdraw BANK-A                       back for edits
  opres gap roadmap approve BANK-A --comment \"取締役会で承認\"   executives only; the comment is kept
  opres gap roadmap milestones BANK-A                     the milestones, by date
  opres gap roadmap milestones BANK-A --set \"2027-03-31 取締役会報告 | Board report\" --set \"2027-06-30 当局報告\"
                                                          replaces them all (after approval, recorded)")]
pub enum GapRoadmapCommand {
    /// The roadmaps in your scope: status, actions, overdue, progress.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Show a roadmap: status, approval, progress, totals, overdue actions, requirements to reassess.
    Show {
        /// The institution's code.
        institution: String,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Submit the roadmap for management's approval.
    Submit {
        /// The institution's code.
        institution: String,
    },
    /// Take a submitted roadmap back for edits.
    Withdraw {
        /// The institution's code.
        institution: String,
    },
    /// Approve a submitted roadmap (executives only), with management's comment.
    Approve {
        /// The institution's code.
        institution: String,
        /// Management's comment (required: it is the record of the commitment).
        #[arg(long, default_value = "")]
        comment: String,
    },
    /// Show the roadmap's milestones (board meetings, regulators' deadlines, go-lives), or replace
    /// them all with --set or --clear.
    Milestones {
        /// The institution's code.
        institution: String,
        /// A milestone, "YYYY-MM-DD 日本語の名称 | English title" (repeat for several; every problem
        /// is listed, nothing saved if there is any).
        #[arg(long, value_name = "LINE")]
        set: Vec<String>,
        /// Remove every milestone.
        #[arg(long, conflicts_with = "set")]
        clear: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum GapAssessCommand {
    /// The assessments, newest first.
    List,
    /// Start an assessment (from the latest one of the same institution and framework, if any).
    Start {
        /// The institution assessed.
        #[arg(long)]
        institution: String,
        /// The framework id (see opres gap frameworks).
        #[arg(long)]
        framework: String,
    },
    /// Show an assessment: status, results, top gaps and gaps by area.
    Show {
        /// The assessment's key (e.g. BANK-A-GA-1).
        key: String,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Record one requirement's result and maturity in a draft.
    Set {
        /// The assessment's key.
        key: String,
        /// The requirement id.
        requirement: String,
        /// met, partly_met, not_met or not_applicable.
        #[arg(long)]
        result: String,
        /// Why not applicable (required with not_applicable).
        #[arg(long, default_value = "")]
        reason: String,
        /// Current maturity (0 to the framework's scale maximum, usually 5).
        #[arg(long)]
        current: String,
        /// Target maturity.
        #[arg(long)]
        target: String,
        /// Why.
        #[arg(long, default_value = "")]
        rationale: String,
        /// Evidence (repeat for several: a file, a link, an opres record).
        #[arg(long)]
        evidence: Vec<String>,
        /// Owner of the requirement.
        #[arg(long, default_value = "")]
        owner: String,
    },
    /// Move an assessment: submit, return (with --comment), approve (executives) or lock.
    Move {
        /// The assessment's key.
        key: String,
        /// submit, return, approve or lock.
        transition: String,
        /// A comment (required to return; kept with an approval).
        #[arg(long, default_value = "")]
        comment: String,
    },
    /// Import assessments and roadmaps from a gap file (JSON; `opres gen` writes one as
    /// <name>.gap.json), all or nothing, every problem located; assessments come in as drafts.
    #[command(
        after_help = "Format: docs/gap-assessment.md (\"assessments\": [{institution, framework, entries: {REQUIREMENT: {result, current, target, …}}}],
\"roadmaps\": [{institution, actions: […], milestones: […]}]).
  opres gen --out gen.jsonl && opres import gen.jsonl && opres gap assess import gen.gap.json"
    )]
    Import {
        /// The gap file.
        file: PathBuf,
    },
    /// Show what mappings propose for a draft from the institution's other assessments (every
    /// source requirement listed); with --apply, pre-fill its unanswered requirements.
    Prefill {
        /// The assessment's key.
        key: String,
        /// Record the proposals for the requirements without an entry (never replaces one).
        #[arg(long)]
        apply: bool,
    },
}

/// Mappings between frameworks (`opres gap mapping …`).
#[derive(Debug, Subcommand)]
#[command(after_help = "A mapping file (JSON):
  {\"source_framework\": \"fsa_report_challenges\", \"target_framework\": \"fsa_cyber_guideline_2024\",
   \"links\": [{\"source\": \"cyber.malware.patch\", \"target\": \"identification.vulnerabilities.patch\",
              \"relation\": \"equal\", \"strength\": 8}]}
relation: equal, subset_of, superset_of, intersects_with, not_related (NIST IR 8477); strength 1–10.
Then: opres gap assess prefill BANK-A-GA-3 [--apply]")]
pub enum GapMappingCommand {
    /// The mappings: source, target, links.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Import a mapping, all or nothing, every problem located (the same pair again replaces it).
    Import {
        /// The mapping file (JSON).
        file: PathBuf,
    },
}

#[derive(Debug, Args)]
#[command(after_help = "Two ways to work:
  on files:        opres resilience demo --out demo, then
                   opres resilience --map demo/map.json simulate --scenarios demo/scenarios.json
  on the register: opres resilience import map.json --institution BANK-A   (kept in --db)
                   opres resilience spof --institution BANK-A
                   opres resilience simulate --institution BANK-A           (its saved scenarios)
                   opres resilience report --institution BANK-A --out report.html
Formats: docs/resilience-formats.md")]
pub struct ResilienceArgs {
    /// The map file: services, tolerances, resources and dependencies (docs/resilience-formats.md).
    #[arg(long, global = true, default_value = "opres-map.json")]
    pub map: PathBuf,
    /// Work on this institution's map in the register (--db) instead of the --map file.
    #[arg(long, global = true)]
    pub institution: Option<String>,
    #[command(subcommand)]
    pub command: ResilienceCommand,
}

/// Self-assessment report formats.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ResilienceReportFormat {
    /// Self-contained HTML with SVG charts.
    Html,
    /// Markdown.
    Md,
}

/// Flowchart formats.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FlowchartFormat {
    /// SVG drawn by opres (one service).
    Svg,
    /// Mermaid.
    Mermaid,
    /// Graphviz DOT.
    Dot,
    /// Cytoscape JSON.
    Cytoscape,
}

#[derive(Debug, Subcommand)]
pub enum ResilienceCommand {
    /// Write the demo bank's map and scenarios.
    Demo {
        /// Output folder.
        #[arg(long, short, default_value = "resilience-demo")]
        out: PathBuf,
    },
    /// Check and convert a map (JSON, an XLSX workbook, or resources.csv + dependencies.csv from a CMDB),
    /// or with --institution store it in the register, replacing that institution's map (all or nothing).
    #[command(
        after_help = "CSV and XLSX carry no services: they come from --services, else (with --institution) from the\nmap already stored. Every problem is listed with file, row and field; if there is any, nothing is written."
    )]
    Import {
        /// The file(s).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Take the important business services and tolerances from this map JSON.
        #[arg(long)]
        services: Option<PathBuf>,
        /// Output map JSON (file mode; ignored with --institution).
        #[arg(long, short, default_value = "opres-map.json")]
        out: PathBuf,
    },
    /// Export an institution's map from the register (needs --institution).
    Export {
        /// Format: json, xlsx, resources.csv or dependencies.csv.
        #[arg(long, default_value = "json")]
        format: String,
        /// Output file.
        #[arg(long, short)]
        out: PathBuf,
    },
    /// Single points of failure per service (hard and soft).
    Spof {
        /// Output format.
        #[arg(long, value_enum, default_value = "table")]
        format: TableOrJson,
    },
    /// Third-party concentration: providers, ultimate parents, HHI, no-substitute providers.
    Concentration,
    /// Run scenarios: paper test, and Monte Carlo with --samples.
    Simulate {
        /// Scenarios file (with --institution: default the scenarios saved in the register).
        #[arg(long)]
        scenarios: Option<PathBuf>,
        /// Only this scenario.
        #[arg(long)]
        scenario: Option<String>,
        /// Monte Carlo samples (0: paper test only).
        #[arg(long, default_value_t = 10_000)]
        samples: usize,
        /// Seed (same seed, same result on any number of threads).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Threads (default: all cores).
        #[arg(long)]
        threads: Option<usize>,
    },
    /// The self-assessment report.
    Report {
        /// Scenarios to run for the report (with --institution: default the latest saved runs).
        #[arg(long)]
        scenarios: Option<PathBuf>,
        /// Monte Carlo samples per scenario (0: paper test only).
        #[arg(long, default_value_t = 10_000)]
        samples: usize,
        /// Seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Format.
        #[arg(long, value_enum, default_value = "html")]
        format: ResilienceReportFormat,
        /// Output file.
        #[arg(long, short)]
        out: PathBuf,
    },
    /// A service's dependency flowchart.
    Flowchart {
        /// Service id (default: the first; all services for Mermaid/DOT/Cytoscape).
        #[arg(long)]
        service: Option<String>,
        /// Format.
        #[arg(long, value_enum, default_value = "svg")]
        format: FlowchartFormat,
        /// Output file.
        #[arg(long, short)]
        out: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum AttackCommand {
    /// Import a STIX bundle of techniques, tactics, intrusion sets and their "uses" into the register
    /// (replacing an earlier import of the same domain), or into a file with --out.
    Import {
        /// The bundle (e.g. enterprise-attack.json). Nothing is downloaded: bring the file.
        file: PathBuf,
        /// Write the imported data to this file instead of the register.
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
    /// List the ATT&CK data stored in the register.
    List,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Try it: opres tlpt demo, then opres tlpt assess TLPT-BK-2 (an engagement that falls short).\nIn the register: opres tlpt import opres-tlpt.json --institution BANK-A, then\n  opres tlpt --id MINATO-FG assess TLPT-BK-2"
)]
pub struct TlptArgs {
    /// The TLPT programme file (docs/tlpt-format.md), used unless --id names a stored programme.
    #[arg(long, global = true, default_value = "opres-tlpt.json")]
    pub programme: PathBuf,
    /// A programme stored in the register (its group code, see `opres tlpt programmes`) instead of a file.
    #[arg(long, global = true)]
    pub id: Option<String>,
    /// Imported ATT&CK data from opres attack import --out (default: the register's with --id, else
    /// ./opres-attack.json when it exists).
    #[arg(long, global = true)]
    pub attack: Option<PathBuf>,
    #[command(subcommand)]
    pub command: TlptCommand,
}

#[derive(Debug, Subcommand)]
pub enum TlptCommand {
    /// Write the demo programme (a fictional group with three engagements).
    Demo {
        /// Output file.
        #[arg(long, short, default_value = "opres-tlpt.json")]
        out: PathBuf,
    },
    /// List the programme's engagements.
    List,
    /// Store a programme file in the register for an institution (all of it or nothing, every problem listed).
    Import {
        /// The programme file (opres-tlpt/1 JSON).
        file: PathBuf,
        /// The register institution the programme belongs to (who may see it).
        #[arg(long)]
        institution: String,
        /// Replace the stored programme of the same group.
        #[arg(long)]
        replace: bool,
    },
    /// Write a stored programme (--id) to a file.
    Export {
        /// Output file.
        #[arg(long, short)]
        out: PathBuf,
    },
    /// List the programmes stored in the register.
    Programmes,
    /// Check an engagement against every good practice and shortcoming in the FSA's TLPT column.
    Assess {
        /// Engagement id.
        engagement: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Blue-team metrics: detection and response times and rates, phishing escalation, flags.
    Metrics {
        /// Engagement id.
        engagement: String,
    },
    /// Findings that recur earlier ones, across engagements, years and group companies.
    Recurrences {
        /// Engagement id.
        engagement: String,
        /// Link the matches in the programme file or stored programme (never merges or hides a finding).
        #[arg(long)]
        link: bool,
    },
    /// Horizontal rollout of each finding to other systems and group companies.
    Rollout {
        /// Engagement id.
        engagement: String,
    },
    /// The management report.
    Report {
        /// Engagement id.
        engagement: String,
        /// Format.
        #[arg(long, value_enum, default_value = "html")]
        format: ReportFormat,
        /// Output file.
        #[arg(long, short)]
        out: PathBuf,
    },
    /// An ATT&CK Navigator layer: coverage (tested/detected/missed), or an actor overlay with --actor.
    Layer {
        /// Engagement id.
        engagement: String,
        /// Intrusion set (id like G0082, or name); repeat for several.
        #[arg(long)]
        actor: Vec<String>,
        /// Output file.
        #[arg(long, short)]
        out: PathBuf,
    },
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
#[command(
    after_help = "Input lines: {\"id\": \"A-1\", \"text\": \"…\", \"title\": \"…\"}; output lines add trigger, trend,\nconfidence and reasons. The model is the one `opres classify train` stored in the database, else the\ncurated bilingual rules."
)]
pub struct ClassifyArgs {
    /// Incident texts, one JSON object per line; - reads standard input.
    #[arg(long, short)]
    pub input: Option<PathBuf>,
    /// Where to write the suggestions (default: standard output).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// A model file to use instead of the one stored in the database (with train: also write the model here).
    #[arg(long, global = true)]
    pub model: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<ClassifyCommand>,
}

#[derive(Debug, Subcommand)]
pub enum ClassifyCommand {
    /// Learn from the register's accepted classifications; keep the learned model only if it cross-validates better.
    Train {
        /// Folds of cross-validation.
        #[arg(long, default_value_t = 5)]
        folds: usize,
        /// Seed of the folds and training.
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Accuracy, macro-F1 and the confusion matrix by k-fold cross-validation.
    Eval {
        /// Folds of cross-validation.
        #[arg(long, default_value_t = 5)]
        folds: usize,
        /// Seed of the folds.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Evaluate on the labelled set shipped with opres instead of the register.
        #[arg(long)]
        builtin: bool,
    },
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Words to find (Japanese or English); all must match.
    pub query: Option<String>,
    /// List incidents similar to this one (by reference) instead.
    #[arg(long, value_name = "REFERENCE")]
    pub similar: Option<String>,
    /// Maximum results.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Only these fiscal years (repeat).
    #[arg(long)]
    pub fy: Vec<i32>,
    /// Only these institutions (code; repeat).
    #[arg(long)]
    pub institution: Vec<String>,
    /// Only these triggers (cyber, change, operations, work, unknown; repeat).
    #[arg(long, value_parser = clap::builder::ValueParser::new(str::parse::<opres_domain::Trigger>))]
    pub trigger: Vec<opres_domain::Trigger>,
    /// Only these trends (e.g. operations.storage; repeat).
    #[arg(long, value_parser = clap::builder::ValueParser::new(str::parse::<opres_domain::Trend>))]
    pub trend: Vec<opres_domain::Trend>,
    /// Only cyber attacks (true) or only the others (false).
    #[arg(long)]
    pub cyber: Option<bool>,
    /// Only incidents affecting these channels (e.g. atm, internet_banking; repeat).
    #[arg(long, value_parser = clap::builder::ValueParser::new(str::parse::<opres_domain::Channel>))]
    pub channel: Vec<opres_domain::Channel>,
    /// Also print the counts per fiscal year, institution, trigger, trend, cyber and channel.
    #[arg(long)]
    pub facets: bool,
}

/// Table for people, JSON for programs.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum TableOrJson {
    /// Aligned text.
    Table,
    /// JSON.
    Json,
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Fiscal years to show (repeat; default: every year with incidents).
    #[arg(long)]
    pub fy: Vec<i32>,
    /// Length of the top systems and vendors lists.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: TableOrJson,
    /// Only these institutions (repeat for several).
    #[arg(long)]
    pub institution: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// The yearly analysis report, structured after the FSA's.
    Analysis(ReportAnalysisArgs),
}

/// Report formats.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    /// Self-contained HTML with SVG charts (opens in any browser).
    Html,
    /// Markdown.
    Md,
    /// Excel workbook with the tables.
    Xlsx,
}

impl ReportFormat {
    /// The format asked for, else the one `out`'s extension names, else HTML.
    pub fn chosen(asked: Option<ReportFormat>, out: &std::path::Path) -> ReportFormat {
        asked
            .or_else(|| match out.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
                Some("md") => Some(ReportFormat::Md),
                Some("xlsx") => Some(ReportFormat::Xlsx),
                Some("html" | "htm") => Some(ReportFormat::Html),
                _ => None,
            })
            .unwrap_or(ReportFormat::Html)
    }
}

impl From<ReportFormat> for opres_domain::report::ReportFormat {
    fn from(f: ReportFormat) -> Self {
        match f {
            ReportFormat::Html => opres_domain::report::ReportFormat::Html,
            ReportFormat::Md => opres_domain::report::ReportFormat::Markdown,
            ReportFormat::Xlsx => opres_domain::report::ReportFormat::Xlsx,
        }
    }
}

#[derive(Debug, Args)]
pub struct ReportAnalysisArgs {
    /// Fiscal year (April–March), e.g. 2024.
    #[arg(long)]
    pub fy: i32,
    /// Format (default: from --out's extension).
    #[arg(long, value_enum)]
    pub format: Option<ReportFormat>,
    /// Output file.
    #[arg(long, short)]
    pub out: PathBuf,
    /// Supervisor deployment: remove institution names, merge groups of fewer than 3 institutions.
    #[arg(long)]
    pub anonymise: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on. Only this machine can connect unless you choose otherwise.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Fill an empty database with the demo data set and demo users first (prints their passwords).
    #[arg(long)]
    pub demo: bool,
    /// Serve HTTPS with this PEM certificate chain (needs --tls-key).
    #[arg(long, requires = "tls_key", value_name = "PEM")]
    pub tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(long, requires = "tls_cert", value_name = "PEM")]
    pub tls_key: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user. Without --password-stdin a strong password is generated and printed once.
    #[command(
        after_help = "Examples:\n  opres user add admin --role admin --all-institutions\n  opres user add hanako --role reporter --institution BANK-A --display-name '山田 花子'"
    )]
    Add(UserAddArgs),
    /// List users with their roles and institutions.
    List,
    /// Change a user's role and/or institutions (recorded as a role change).
    SetRole(UserSetRoleArgs),
    /// Set a new password (generated and printed unless --password-stdin).
    Password {
        /// The user name.
        username: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Stop a user from signing in (their sessions and API tokens stop working).
    Disable {
        /// The user name.
        username: String,
    },
    /// Let a disabled user sign in again.
    Enable {
        /// The user name.
        username: String,
    },
    /// Create a personal API token for a user (printed once; revoke it in the web UI).
    Token {
        /// The user name.
        username: String,
        /// What the token is for.
        #[arg(long, default_value = "cli")]
        name: String,
    },
}

#[derive(Debug, Args)]
pub struct UserAddArgs {
    /// Sign-in name (letters, digits, '.', '_', '-', '@').
    pub username: String,
    /// admin, analyst, reporter, executive or auditor.
    #[arg(long)]
    pub role: String,
    /// Institution code the user works for (repeat for several).
    #[arg(long)]
    pub institution: Vec<String>,
    /// Every institution (supervisors, single-institution deployments).
    #[arg(long, conflicts_with = "institution")]
    pub all_institutions: bool,
    /// Name shown in pages and the audit trail (default: the user name).
    #[arg(long, default_value = "")]
    pub display_name: String,
    /// Read the password from the first line of standard input.
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Debug, Args)]
pub struct UserSetRoleArgs {
    /// The user name.
    pub username: String,
    /// New role: admin, analyst, reporter, executive or auditor.
    #[arg(long)]
    pub role: Option<String>,
    /// New institutions (repeat; replaces the old ones).
    #[arg(long)]
    pub institution: Vec<String>,
    /// Every institution.
    #[arg(long, conflicts_with = "institution")]
    pub all_institutions: bool,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the hash chain; names the first edited, deleted or reordered entry (exit code 1).
    Verify,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Files to import together; the format follows each extension.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Export incidents (with their institutions and systems for json and xlsx).
    Incidents(ExportArgs),
}

/// File formats for export.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    /// JSON Lines, one record per line.
    Jsonl,
    /// One JSON document.
    Json,
    /// CSV, incidents only.
    Csv,
    /// Excel workbook, a sheet per record kind.
    Xlsx,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Output format (default: from --out's extension, else jsonl).
    #[arg(long, value_enum)]
    pub format: Option<ExportFormat>,
    /// Output file (default: standard output; required for xlsx).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Column headers of CSV and XLSX: en (field names) or ja (Japanese labels).
    #[arg(long, default_value = "en")]
    pub headers: Lang,
    #[command(flatten)]
    pub filter: FilterArgs,
}

#[derive(Debug, Args)]
pub struct GenArgs {
    /// Number of institutions.
    #[arg(long, default_value_t = 24)]
    pub institutions: usize,
    /// Number of incidents.
    #[arg(long, default_value_t = 3000)]
    pub incidents: usize,
    /// Seed: the same seed gives the same data.
    #[arg(long, default_value_t = 2024)]
    pub seed: u64,
    /// Fiscal years (April–March) up to today that the incidents cover.
    #[arg(long, default_value_t = 5)]
    pub fiscal_years: u32,
    /// Also write a generated resilience dependency map of this many resources (at least 20) as
    /// `<name>.map.json`, for `opres resilience import … --institution CODE` or the benchmark.
    #[arg(long, value_parser = clap::value_parser!(u64).range(20..=1_000_000))]
    pub resources: Option<u64>,
    /// Output file; the format follows the extension (.jsonl, .json, .csv, .xlsx).
    #[arg(long, short)]
    pub out: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Create or upgrade the database schema (also done automatically on every start).
    Migrate,
}

#[derive(Debug, Subcommand)]
pub enum IncidentCommand {
    /// List incidents, newest first.
    List(ListArgs),
    /// Show one incident with its report stages.
    Show {
        /// The incident's reference (e.g. INC-2024-0012).
        reference: String,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Every obligation of one incident under every regime that applies to its institution (FSA,
    /// DORA, US, UK): report, due time, status and the submission that met it.
    ///
    /// Example: opres incident obligations RB-AOIURA-2026-0012 --json
    Obligations {
        /// The incident's reference.
        reference: String,
        /// Print JSON (due times RFC 3339 with offset) instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Reports to the authority that are due or overdue.
    Due {
        /// Only overdue ones.
        #[arg(long)]
        overdue: bool,
        #[command(flatten)]
        filter: FilterArgs,
    },
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Sort by: occurred_at (default), detected_at, reference, institution, trend, customers_affected.
    #[arg(long)]
    pub sort: Option<String>,
    /// asc, or desc (default).
    #[arg(long)]
    pub order: Option<String>,
    /// Maximum rows (1–1000).
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
    /// Rows to skip.
    #[arg(long)]
    pub offset: Option<u64>,
    /// Print JSON lines instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Filters shared by list and export.
#[derive(Debug, Args, Default)]
pub struct FilterArgs {
    /// Institution code (repeat for several).
    #[arg(long)]
    pub institution: Vec<String>,
    /// Fiscal year (April–March), e.g. 2024.
    #[arg(long)]
    pub fy: Option<i32>,
    /// Trigger code: cyber, change, operations, work, unknown.
    #[arg(long)]
    pub trigger: Option<String>,
    /// Trend code, e.g. operations.storage.
    #[arg(long)]
    pub trend: Option<String>,
    /// Channel code, e.g. atm.
    #[arg(long)]
    pub channel: Option<String>,
    /// Status: open, recovered, closed.
    #[arg(long)]
    pub status: Option<String>,
    /// Only cyber attacks (true) or only other failures (false).
    #[arg(long)]
    pub cyber: Option<bool>,
    /// Text in the reference, title or description.
    #[arg(long)]
    pub text: Option<String>,
}
