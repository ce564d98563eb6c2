//! Operational resilience over the register: institutions' dependency maps, scenarios and runs,
//! stored as versioned documents and validated by the resilience engine.
//!
//! Keys: a map is keyed by its institution's code; a scenario and its latest run by
//! `<institution>/<scenario id>`. Every document carries its institution, so scoped users see only
//! their own. Every save goes through the engine's validation first (a map in the store is always a
//! valid [`DependencyMap`]) and carries the version the edit was based on, so two editors cannot
//! overwrite each other.

use crate::{Actor, Permission, Register};
use chrono::NaiveDate;
use opres_domain::{InstitutionCode, Lang, Timestamp};
use opres_resilience::engine::{CompiledScenario, DeterministicResult, FailoverAssumption, MonteCarloOptions};
use opres_resilience::maps::{self, SvgOptions};
use opres_resilience::report::{self, ScenarioRun};
use opres_resilience::{
    ConcentrationReport, DependencyMap, ImportantBusinessService, Issue, Issues, Location, MapData, MonteCarloResult,
    NodeId, Problem, Scenario, SpofReport, concentration, generate, interchange, spof,
};
use opres_store::{AuditContext, Document, DocumentKind, DocumentSummary, StoreError};
use serde::{Deserialize, Serialize};

/// Most Monte Carlo samples one run may ask for (a run takes seconds at this size on a laptop).
pub const MAX_SAMPLES: usize = 1_000_000;

/// Samples a scenario runs with unless it says otherwise.
pub const DEFAULT_SAMPLES: usize = 10_000;

/// Why a resilience use case did nothing.
#[derive(Debug, thiserror::Error)]
pub enum ResilienceError {
    /// The input does not hold: every problem, each with file/row/field where known.
    #[error("{} problem(s) found; nothing was saved", .0.0.len())]
    Invalid(Issues),
    /// The files given are not a map the importer knows.
    #[error("give map.json, a .xlsx workbook, or the two files resources.csv and dependencies.csv")]
    BadFiles,
    /// The institution is not in the register.
    #[error("institution '{0}' is not registered")]
    UnknownInstitution(String),
    /// The institution has no map yet.
    #[error("institution '{0}' has no dependency map yet; import one first")]
    NoMap(String),
    /// A service, tolerance, scenario or run that does not exist.
    #[error("{what} '{key}' does not exist")]
    NotFound {
        /// `service`, `tolerance`, `scenario`, `run`.
        what: &'static str,
        /// Its id.
        key: String,
    },
    /// Someone saved since the edit began (`None`: someone created it meanwhile).
    #[error("changed by someone else (now version {}); reload and apply your change again", .current_version.map(|v| v.to_string()).unwrap_or_else(|| "1".into()))]
    Conflict {
        /// The version now stored.
        current_version: Option<i64>,
    },
    /// Writing the export failed.
    #[error("cannot write the export: {0}")]
    Export(String),
    /// A stored document no longer reads (edited outside opres?).
    #[error("the stored document '{0}' cannot be read")]
    Corrupt(String),
    /// The store failed.
    #[error(transparent)]
    Store(StoreError),
    /// The actor's role does not allow changing resilience data.
    #[error("your role does not allow changing services, tolerances, dependency maps or scenarios")]
    Forbidden,
    /// The engine's worker thread failed.
    #[error("the computation failed: {0}")]
    Worker(String),
}

impl From<StoreError> for ResilienceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict { current_version, .. } => {
                ResilienceError::Conflict { current_version: Some(current_version) }
            }
            StoreError::AlreadyExists { .. } => ResilienceError::Conflict { current_version: None },
            other => ResilienceError::Store(other),
        }
    }
}

impl ResilienceError {
    /// A one-line message in the given language; [`ResilienceError::issues`] lists the problems.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (ResilienceError::Invalid(i), Lang::Ja) => {
                format!("{} 件の問題があるため、何も保存しませんでした", i.0.len())
            }
            (ResilienceError::BadFiles, Lang::Ja) => {
                "map.json、.xlsx ブック、または resources.csv と dependencies.csv の 2 ファイルを指定してください"
                    .into()
            }
            (ResilienceError::UnknownInstitution(c), Lang::Ja) => format!("金融機関「{c}」は登録されていません"),
            (ResilienceError::NoMap(c), Lang::Ja) => {
                format!("金融機関「{c}」の依存関係マップはまだありません。先に取り込んでください")
            }
            (ResilienceError::NotFound { what, key }, Lang::Ja) => {
                let w = match *what {
                    "service" => "重要な業務",
                    "tolerance" => "耐性度",
                    "scenario" => "シナリオ",
                    "run" => "実行結果",
                    other => other,
                };
                format!("{w}「{key}」は存在しません")
            }
            (ResilienceError::Conflict { current_version }, Lang::Ja) => format!(
                "他の利用者が先に更新しました（現在の版: {}）。再読み込みしてから変更し直してください",
                current_version.map(|v| v.to_string()).unwrap_or_else(|| "1".into())
            ),
            (ResilienceError::Export(e), Lang::Ja) => format!("出力ファイルを作成できません: {e}"),
            (ResilienceError::Corrupt(k), Lang::Ja) => format!("保存されている文書「{k}」を読み取れません"),
            (ResilienceError::Store(e), _) => e.message(lang),
            (ResilienceError::Forbidden, Lang::Ja) => {
                "この役割では重要な業務・耐性度・依存関係マップ・シナリオを変更できません".into()
            }
            (ResilienceError::Worker(e), Lang::Ja) => format!("計算に失敗しました: {e}"),
            (e, Lang::En) => e.to_string(),
        }
    }

    /// Every problem found (empty unless [`ResilienceError::Invalid`]).
    pub fn issues(&self) -> &[Issue] {
        match self {
            ResilienceError::Invalid(i) => &i.0,
            _ => &[],
        }
    }
}

/// One uploaded file: its name (the extension says what it is) and its bytes.
#[derive(Debug, Clone)]
pub struct MapFile {
    /// File name as uploaded, e.g. `map.json`, `cmdb.xlsx`, `resources.csv`.
    pub name: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

/// An institution's stored map.
#[derive(Debug, Clone)]
pub struct StoredMap {
    /// Whose map.
    pub institution: InstitutionCode,
    /// The map, validated.
    pub map: DependencyMap,
    /// Version, for edits.
    pub version: i64,
    /// Last saved.
    pub updated_at: Timestamp,
}

/// A saved scenario with how it is run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioDoc {
    /// The scenario.
    pub scenario: Scenario,
    /// Monte Carlo samples (0: paper test only).
    pub samples: usize,
    /// Seed: the same seed gives the same result.
    pub seed: u64,
}

/// A stored scenario.
#[derive(Debug, Clone)]
pub struct StoredScenario {
    /// The scenario and its run options.
    pub doc: ScenarioDoc,
    /// Version, for edits.
    pub version: i64,
}

/// The saved result of running a scenario (the latest run per scenario is kept).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunDoc {
    /// The scenario as run.
    pub scenario: Scenario,
    /// The map's version it ran against (the results page says when the map changed since).
    pub map_version: i64,
    /// When it ran.
    pub ran_at: Timestamp,
    /// Paper test with switchovers working as designed.
    pub paper: DeterministicResult,
    /// Paper test with every switchover failing (redundancy not working as intended).
    pub paper_failover_fails: DeterministicResult,
    /// Monte Carlo, if samples were asked for.
    pub monte_carlo: Option<MonteCarloResult>,
}

/// A stored run.
#[derive(Debug, Clone)]
pub struct StoredRun {
    /// The results.
    pub doc: RunDoc,
    /// Version (how many times the scenario ran).
    pub version: i64,
}

/// Export formats of a map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapExport {
    /// The whole map as JSON.
    Json,
    /// The CMDB shape as one workbook.
    Xlsx,
    /// `resources.csv` of the CMDB shape.
    ResourcesCsv,
    /// `dependencies.csv` of the CMDB shape.
    DependenciesCsv,
}

impl MapExport {
    /// Parses `json`, `xlsx`, `resources.csv`, `dependencies.csv`.
    pub fn parse(s: &str) -> Option<MapExport> {
        match s {
            "json" => Some(MapExport::Json),
            "xlsx" => Some(MapExport::Xlsx),
            "resources.csv" => Some(MapExport::ResourcesCsv),
            "dependencies.csv" => Some(MapExport::DependenciesCsv),
            _ => None,
        }
    }
}

/// An exported file.
#[derive(Debug, Clone)]
pub struct ExportFile {
    /// Suggested file name.
    pub name: String,
    /// MIME type.
    pub content_type: &'static str,
    /// Contents.
    pub bytes: Vec<u8>,
}

/// Self-assessment report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// A whole self-contained HTML document.
    Html,
    /// The HTML body only, to embed in a page.
    HtmlFragment,
    /// Markdown.
    Markdown,
}

/// The key of a scenario or run: `<institution>/<id>`.
pub fn scenario_key(institution: &InstitutionCode, id: &str) -> String {
    format!("{institution}/{id}")
}

fn map_title(map: &DependencyMap) -> String {
    format!(
        "{} services, {} processes, {} resources",
        map.services().len(),
        map.processes().len(),
        map.resources().len()
    )
}

/// Rebuilds a map with the institution set, so a file made for another bank (the demo) lands under this one.
fn for_institution(map: DependencyMap, institution: &InstitutionCode) -> Result<DependencyMap, ResilienceError> {
    let mut data: MapData = map.into();
    data.institution = Some(institution.clone());
    DependencyMap::new(data).map_err(ResilienceError::Invalid)
}

fn extension(name: &str) -> String {
    name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default()
}

/// Reads a map from uploaded files: one JSON, one XLSX, or the two CSV files of a CMDB export. CSV and XLSX
/// carry no services: those come from `services` (the institution's stored register of services).
pub fn read_map_files(
    files: &[MapFile],
    services: Vec<ImportantBusinessService>,
    institution: &InstitutionCode,
) -> Result<DependencyMap, ResilienceError> {
    let inst = Some(institution.clone());
    let map = match files {
        [one] if extension(&one.name) == "json" => {
            interchange::from_json(&one.bytes, &one.name).map_err(ResilienceError::Invalid)?
        }
        [one] if extension(&one.name) == "xlsx" => {
            interchange::from_xlsx(&one.bytes, &one.name, services, inst).map_err(ResilienceError::Invalid)?
        }
        [a, b] if extension(&a.name) == "csv" && extension(&b.name) == "csv" => {
            // Resources first, dependencies second; either order by name.
            let (r, d) = if a.name.to_ascii_lowercase().contains("depend") { (b, a) } else { (a, b) };
            interchange::from_csv(&r.bytes, &d.bytes, services, inst).map_err(ResilienceError::Invalid)?
        }
        _ => return Err(ResilienceError::BadFiles),
    };
    for_institution(map, institution)
}

/// Changing maps, services, tolerances and scenarios, and running scenarios, needs
/// [`Permission::EditResilience`], whatever the object (checked before the object is looked at).
fn require_edit(actor: &Actor) -> Result<(), ResilienceError> {
    if actor.can(Permission::EditResilience) { Ok(()) } else { Err(ResilienceError::Forbidden) }
}

/// Reading needs [`Permission::ReadRegister`] and the institution in the actor's scope; an institution
/// outside it is "not registered", not told apart from one that does not exist.
fn require_read(actor: &Actor, institution: &InstitutionCode) -> Result<(), ResilienceError> {
    if !actor.can(Permission::ReadRegister) {
        return Err(ResilienceError::Forbidden);
    }
    in_scope(actor, institution)
}

fn in_scope(actor: &Actor, institution: &InstitutionCode) -> Result<(), ResilienceError> {
    if actor.sees(institution) { Ok(()) } else { Err(ResilienceError::UnknownInstitution(institution.to_string())) }
}

/// Whether a document of `institution` is in the actor's scope (a document without one: only for the unscoped).
fn visible(actor: &Actor, institution: Option<&str>) -> bool {
    match institution.map(InstitutionCode::parse) {
        Some(Ok(code)) => actor.sees(&code),
        _ => actor.scope_filter().is_none(),
    }
}

/// The scenario id of a scenario or run key `<institution>/<id>`.
pub fn scenario_id(key: &str) -> &str {
    key.split_once('/').map(|(_, id)| id).unwrap_or_default()
}

impl Register {
    async fn require_institution(&self, institution: &InstitutionCode) -> Result<(), ResilienceError> {
        match self.store().institution(institution).await? {
            Some(_) => Ok(()),
            None => Err(ResilienceError::UnknownInstitution(institution.to_string())),
        }
    }

    /// Every stored map the actor may see (summaries, by institution).
    pub async fn resilience_maps(&self, actor: &Actor) -> Result<Vec<DocumentSummary>, ResilienceError> {
        let all = self.store().list_documents(DocumentKind::ResilienceMap).await?;
        Ok(all.into_iter().filter(|d| visible(actor, d.institution.as_deref())).collect())
    }

    /// Every stored scenario the actor may see (summaries).
    pub async fn resilience_scenario_summaries(&self, actor: &Actor) -> Result<Vec<DocumentSummary>, ResilienceError> {
        let all = self.store().list_documents(DocumentKind::ResilienceScenario).await?;
        Ok(all.into_iter().filter(|d| visible(actor, d.institution.as_deref())).collect())
    }

    /// An institution's map, validated again on reading (`None`: none yet).
    pub async fn resilience_map(
        &self,
        actor: &Actor,
        institution: &InstitutionCode,
    ) -> Result<Option<StoredMap>, ResilienceError> {
        require_read(actor, institution)?;
        self.load_map(institution).await
    }

    #[tracing::instrument(skip_all, fields(institution = %institution))]
    async fn load_map(&self, institution: &InstitutionCode) -> Result<Option<StoredMap>, ResilienceError> {
        let Some(doc) = self.store().document(DocumentKind::ResilienceMap, institution.as_str()).await? else {
            return Ok(None);
        };
        let map = interchange::from_json(doc.value.body.as_bytes(), "map.json")
            .map_err(|_| ResilienceError::Corrupt(institution.to_string()))?;
        Ok(Some(StoredMap { institution: institution.clone(), map, version: doc.version, updated_at: doc.updated_at }))
    }

    async fn load_required_map(&self, institution: &InstitutionCode) -> Result<StoredMap, ResilienceError> {
        self.load_map(institution).await?.ok_or_else(|| ResilienceError::NoMap(institution.to_string()))
    }

    /// An institution's map, or [`ResilienceError::NoMap`].
    pub async fn require_resilience_map(
        &self,
        actor: &Actor,
        institution: &InstitutionCode,
    ) -> Result<StoredMap, ResilienceError> {
        require_read(actor, institution)?;
        self.load_required_map(institution).await
    }

    async fn save_map_doc(
        &self,
        institution: &InstitutionCode,
        map: &DependencyMap,
        expected_version: Option<i64>,
        ctx: &AuditContext,
    ) -> Result<DocumentSummary, ResilienceError> {
        let doc = Document {
            kind: DocumentKind::ResilienceMap,
            key: institution.to_string(),
            institution: Some(institution.to_string()),
            title: map_title(map),
            body: interchange::to_json(map),
        };
        Ok(self.store().save_document(&doc, expected_version, ctx).await?)
    }

    /// Saves a validated map for an institution: creates it when `expected_version` is `None`.
    pub async fn save_resilience_map(
        &self,
        actor: &Actor,
        institution: &InstitutionCode,
        map: &DependencyMap,
        expected_version: Option<i64>,
    ) -> Result<DocumentSummary, ResilienceError> {
        require_edit(actor)?;
        in_scope(actor, institution)?;
        self.require_institution(institution).await?;
        let map = for_institution(map.clone(), institution)?;
        self.save_map_doc(institution, &map, expected_version, &actor.audit()).await
    }

    /// Imports a map from files, all or nothing, replacing the institution's map (`expected_version`: the
    /// version the user saw, `None` when there was none). CSV and XLSX keep the stored services.
    #[tracing::instrument(skip_all, fields(institution = %institution))]
    pub async fn import_resilience_map(
        &self,
        actor: &Actor,
        institution: &InstitutionCode,
        files: &[MapFile],
        expected_version: Option<i64>,
    ) -> Result<DocumentSummary, ResilienceError> {
        require_edit(actor)?;
        in_scope(actor, institution)?;
        self.require_institution(institution).await?;
        let current = self.load_map(institution).await?;
        let services = current.as_ref().map(|c| c.map.services().to_vec()).unwrap_or_default();
        let map = read_map_files(files, services, institution)?;
        self.save_map_doc(institution, &map, expected_version, &actor.audit()).await
    }

    /// Exports an institution's map.
    pub async fn export_resilience_map(
        &self,
        actor: &Actor,
        institution: &InstitutionCode,
        format: MapExport,
    ) -> Result<ExportFile, ResilienceError> {
        let m = self.require_resilience_map(actor, institution).await?.map;
        let base = institution.as_str().to_ascii_lowercase();
        Ok(match format {
            MapExport::Json => ExportFile {
                name: format!("{base}-map.json"),
                content_type: "application/json",
                bytes: interchange::to_json(&m).into_bytes(),
            },
            MapExport::Xlsx => ExportFile {
                name: format!("{base}-map.xlsx"),
                content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                bytes: interchange::to_xlsx(&m).map_err(|e| ResilienceError::Export(e.to_string()))?,
            },
            MapExport::ResourcesCsv => ExportFile {
                name: format!("{base}-resources.csv"),
                content_type: "text/csv",
                bytes: interchange::to_csv(&m).0,
            },
            MapExport::DependenciesCsv => ExportFile {
                name: format!("{base}-dependencies.csv"),
                content_type: "text/csv",
                bytes: interchange::to_csv(&m).1,
            },
        })
    }

    /// Changes an institution's map through `edit` and saves it if it still validates, based on
    /// `expected_version` (`None`: there is no map yet and this creates it). The version is checked
    /// here, against the map the edit is applied to.
    async fn edit_resilience_map(
        &self,
        actor: &Actor,
        institution: &InstitutionCode,
        expected_version: Option<i64>,
        edit: impl FnOnce(&mut MapData) -> Result<(), ResilienceError>,
    ) -> Result<DocumentSummary, ResilienceError> {
        require_edit(actor)?;
        in_scope(actor, institution)?;
        self.require_institution(institution).await?;
        let current = self.load_map(institution).await?;
        match (&current, expected_version) {
            (Some(c), Some(v)) if c.version != v => {
                return Err(ResilienceError::Conflict { current_version: Some(c.version) });
            }
            (Some(c), None) => return Err(ResilienceError::Conflict { current_version: Some(c.version) }),
            (None, Some(_)) => return Err(ResilienceError::NoMap(institution.to_string())),
            _ => {}
        }
        let mut data: MapData = match current {
            Some(c) => c.map.into(),
            None => MapData { institution: Some(institution.clone()), ..MapData::default() },
        };
        edit(&mut data)?;
        let map = DependencyMap::new(data).map_err(ResilienceError::Invalid)?;
        self.save_map_doc(institution, &map, expected_version, &actor.audit()).await
    }

    /// Adds a service (`original` is `None`) or replaces one, keeping its place in the map (gate and
    /// dependencies) and its tolerances when the new record has none.
    pub async fn save_resilience_service(
        &self,
        actor: &Actor,
        institution: &InstitutionCode,
        expected_version: Option<i64>,
        original: Option<&str>,
        mut service: ImportantBusinessService,
    ) -> Result<DocumentSummary, ResilienceError> {
        self.edit_resilience_map(actor, institution, expected_version, |data| {
            match original {
                Some(id) => {
                    let Some(slot) = data.services.iter_mut().find(|s| s.id.as_str() == id) else {
                        return Err(ResilienceError::NotFound { what: "service", key: id.to_string() });
                    };
                    service.gate = slot.gate;
                    service.depends_on = std::mem::take(&mut slot.depends_on);
                    if service.tolerances.is_empty() {
                        service.tolerances = std::mem::take(&mut slot.tolerances);
                    }
                    *slot = service;
                }
                None => data.services.push(service),
            }
            Ok(())
        })
        .await
    }

    /// Adds (`index` `None`) or replaces one tolerance of a service.
    pub async fn save_resilience_tolerance(
        &self,
        actor: &Actor,
        institution: &InstitutionCode,
        expected_version: i64,
        service: &str,
        index: Option<usize>,
        tolerance: opres_resilience::ImpactTolerance,
    ) -> Result<DocumentSummary, ResilienceError> {
        self.edit_resilience_map(actor, institution, Some(expected_version), |data| {
            let svc = find_service(data, service)?;
            match index {
                Some(i) => {
                    let slot = svc.tolerances.get_mut(i).ok_or_else(|| ResilienceError::NotFound {
                        what: "tolerance",
                        key: format!("{service}/{i}"),
                    })?;
                    *slot = tolerance;
                }
                None => svc.tolerances.push(tolerance),
            }
            Ok(())
        })
        .await
    }

    /// Removes one tolerance of a service (refused when it is the last: a service needs one).
    pub async fn delete_resilience_tolerance(
        &self,
        actor: &Actor,
        institution: &InstitutionCode,
        expected_version: i64,
        service: &str,
        index: usize,
    ) -> Result<DocumentSummary, ResilienceError> {
        self.edit_resilience_map(actor, institution, Some(expected_version), |data| {
            let svc = find_service(data, service)?;
            if index >= svc.tolerances.len() {
                return Err(ResilienceError::NotFound { what: "tolerance", key: format!("{service}/{index}") });
            }
            svc.tolerances.remove(index);
            Ok(())
        })
        .await
    }

    /// Single points of failure of an institution's map.
    pub async fn resilience_spof(
        &self,
        actor: &Actor,
        institution: &InstitutionCode,
    ) -> Result<(StoredMap, SpofReport), ResilienceError> {
        let m = self.require_resilience_map(actor, institution).await?;
        let r = m.read().spof();
        Ok((m, r))
    }

    /// Third-party concentration of an institution's map.
    pub async fn resilience_concentration(
        &self,
        actor: &Actor,
        institution: &InstitutionCode,
    ) -> Result<(StoredMap, ConcentrationReport), ResilienceError> {
        let m = self.require_resilience_map(actor, institution).await?;
        let r = m.read().concentration();
        Ok((m, r))
    }

    /// The flowchart of one service (SVG, Mermaid, DOT or Cytoscape JSON) as a file.
    pub async fn resilience_flowchart(
        &self,
        actor: &Actor,
        institution: &InstitutionCode,
        service: &str,
        format: FlowchartFormat,
        lang: Lang,
    ) -> Result<ExportFile, ResilienceError> {
        let m = self.require_resilience_map(actor, institution).await?;
        let text = m
            .read()
            .flowchart(Some(service), format, lang)
            .ok_or_else(|| ResilienceError::NotFound { what: "service", key: service.to_string() })?;
        let base = format!("{}-{service}", institution.as_str().to_ascii_lowercase());
        Ok(ExportFile {
            name: format!("{base}.{}", format.extension()),
            content_type: format.content_type(),
            bytes: text.into_bytes(),
        })
    }

    /// An institution's scenarios (summaries), by id.
    pub async fn resilience_scenarios(
        &self,
        actor: &Actor,
        institution: &InstitutionCode,
    ) -> Result<Vec<DocumentSummary>, ResilienceError> {
        require_read(actor, institution)?;
        self.documents_of(DocumentKind::ResilienceScenario, institution).await
    }

    /// An institution's runs (summaries), by scenario id.
    pub async fn resilience_runs(
        &self,
        actor: &Actor,
        institution: &InstitutionCode,
    ) -> Result<Vec<DocumentSummary>, ResilienceError> {
        require_read(actor, institution)?;
        self.documents_of(DocumentKind::ResilienceRun, institution).await
    }

    async fn documents_of(
        &self,
        kind: DocumentKind,
        institution: &InstitutionCode,
    ) -> Result<Vec<DocumentSummary>, ResilienceError> {
        let prefix = format!("{institution}/");
        Ok(self.store().list_documents(kind).await?.into_iter().filter(|d| d.key.starts_with(&prefix)).collect())
    }

    /// Every scenario of an institution with its latest run, by id (one read for lists).
    pub async fn resilience_scenario_list(
        &self,
        actor: &Actor,
        institution: &InstitutionCode,
    ) -> Result<Vec<(String, StoredScenario, Option<StoredRun>)>, ResilienceError> {
        let mut out = Vec::new();
        for d in self.resilience_scenarios(actor, institution).await? {
            let id = scenario_id(&d.key).to_string();
            let Some(sc) = self.load_scenario(institution, &id).await? else { continue };
            let run = self.load_run(institution, &id).await?;
            out.push((id, sc, run));
        }
        Ok(out)
    }

    /// One scenario (`None`: no such scenario).
    pub async fn resilience_scenario(
        &self,
        actor: &Actor,
        institution: &InstitutionCode,
        id: &str,
    ) -> Result<Option<StoredScenario>, ResilienceError> {
        require_read(actor, institution)?;
        self.load_scenario(institution, id).await
    }

    async fn load_scenario(
        &self,
        institution: &InstitutionCode,
        id: &str,
    ) -> Result<Option<StoredScenario>, ResilienceError> {
        let key = scenario_key(institution, id);
        let Some(d) = self.store().document(DocumentKind::ResilienceScenario, &key).await? else { return Ok(None) };
        let doc: ScenarioDoc = serde_json::from_str(&d.value.body).map_err(|_| ResilienceError::Corrupt(key))?;
        Ok(Some(StoredScenario { doc, version: d.version }))
    }

    /// Saves a scenario after checking it against the institution's map (creates it when
    /// `expected_version` is `None`).
    pub async fn save_resilience_scenario(
        &self,
        actor: &Actor,
        institution: &InstitutionCode,
        doc: &ScenarioDoc,
        expected_version: Option<i64>,
    ) -> Result<DocumentSummary, ResilienceError> {
        require_edit(actor)?;
        in_scope(actor, institution)?;
        self.save_scenario_doc(institution, doc, expected_version, &actor.audit()).await
    }

    async fn save_scenario_doc(
        &self,
        institution: &InstitutionCode,
        doc: &ScenarioDoc,
        expected_version: Option<i64>,
        ctx: &AuditContext,
    ) -> Result<DocumentSummary, ResilienceError> {
        let m = self.load_required_map(institution).await?;
        check_scenario(&m.map, doc)?;
        let body = serde_json::to_string(doc).map_err(|e| ResilienceError::Export(e.to_string()))?;
        let saved = Document {
            kind: DocumentKind::ResilienceScenario,
            key: scenario_key(institution, &doc.scenario.id),
            institution: Some(institution.to_string()),
            title: scenario_title(&doc.scenario),
            body,
        };
        Ok(self.store().save_document(&saved, expected_version, ctx).await?)
    }

    /// The latest run of a scenario (`None`: not run yet).
    pub async fn resilience_run(
        &self,
        actor: &Actor,
        institution: &InstitutionCode,
        id: &str,
    ) -> Result<Option<StoredRun>, ResilienceError> {
        require_read(actor, institution)?;
        self.load_run(institution, id).await
    }

    async fn load_run(&self, institution: &InstitutionCode, id: &str) -> Result<Option<StoredRun>, ResilienceError> {
        let key = scenario_key(institution, id);
        let Some(d) = self.store().document(DocumentKind::ResilienceRun, &key).await? else { return Ok(None) };
        let doc: RunDoc = serde_json::from_str(&d.value.body).map_err(|_| ResilienceError::Corrupt(key))?;
        Ok(Some(StoredRun { doc, version: d.version }))
    }

    /// A scenario's latest run with the map as it is now (the results page draws against it and says when
    /// the map changed since the run).
    pub async fn resilience_result(
        &self,
        actor: &Actor,
        institution: &InstitutionCode,
        id: &str,
    ) -> Result<(StoredMap, Option<StoredRun>), ResilienceError> {
        let m = self.require_resilience_map(actor, institution).await?;
        let run = self.load_run(institution, id).await?;
        Ok((m, run))
    }

    /// Runs a saved scenario as the user saw it (`expected_version`: the scenario's version they read; a
    /// scenario changed meanwhile is not run unseen) against the institution's current map — paper tests
    /// with switchovers working and failing, and Monte Carlo when it asks for samples — and saves the
    /// result as its latest run.
    #[tracing::instrument(skip_all, fields(institution = %institution, scenario = id))]
    pub async fn run_resilience_scenario(
        &self,
        actor: &Actor,
        institution: &InstitutionCode,
        id: &str,
        expected_version: i64,
    ) -> Result<StoredRun, ResilienceError> {
        require_edit(actor)?;
        in_scope(actor, institution)?;
        self.run_scenario(institution, id, Some(expected_version), &actor.audit()).await
    }

    async fn run_scenario(
        &self,
        institution: &InstitutionCode,
        id: &str,
        expected_version: Option<i64>,
        ctx: &AuditContext,
    ) -> Result<StoredRun, ResilienceError> {
        let sc = self
            .load_scenario(institution, id)
            .await?
            .ok_or_else(|| ResilienceError::NotFound { what: "scenario", key: id.to_string() })?;
        if expected_version.is_some_and(|v| v != sc.version) {
            return Err(ResilienceError::Conflict { current_version: Some(sc.version) });
        }
        let m = self.load_required_map(institution).await?;
        let map_version = m.version;
        let doc = tokio::task::spawn_blocking(move || run_doc(&m.map, map_version, sc.doc))
            .await
            .map_err(|e| ResilienceError::Worker(e.to_string()))??;
        let key = scenario_key(institution, id);
        let current = self.store().document(DocumentKind::ResilienceRun, &key).await?.map(|d| d.version);
        let body = serde_json::to_string(&doc).map_err(|e| ResilienceError::Export(e.to_string()))?;
        let saved = Document {
            kind: DocumentKind::ResilienceRun,
            key,
            institution: Some(institution.to_string()),
            title: run_title(&doc),
            body,
        };
        let s = self.store().save_document(&saved, current, ctx).await?;
        Ok(StoredRun { doc, version: s.version })
    }

    async fn latest_runs(&self, institution: &InstitutionCode) -> Result<Vec<ScenarioRun>, ResilienceError> {
        let mut runs = Vec::new();
        for s in self.documents_of(DocumentKind::ResilienceRun, institution).await? {
            if let Some(r) = self.load_run(institution, scenario_id(&s.key)).await? {
                runs.push(ScenarioRun { scenario: r.doc.scenario, paper: r.doc.paper, monte_carlo: r.doc.monte_carlo });
            }
        }
        Ok(runs)
    }

    /// The self-assessment report of an institution on `today`, with the latest run of every scenario.
    pub async fn resilience_report(
        &self,
        actor: &Actor,
        institution: &InstitutionCode,
        today: NaiveDate,
        format: ReportFormat,
        lang: Lang,
    ) -> Result<String, ResilienceError> {
        let m = self.require_resilience_map(actor, institution).await?;
        let runs = self.latest_runs(institution).await?;
        Ok(m.read().report(today, runs, format, lang))
    }

    /// The self-assessment of an institution on `today` as data (JSON), with the latest run of every scenario.
    pub async fn resilience_assessment(
        &self,
        actor: &Actor,
        institution: &InstitutionCode,
        today: NaiveDate,
    ) -> Result<serde_json::Value, ResilienceError> {
        let m = self.require_resilience_map(actor, institution).await?;
        let runs = self.latest_runs(institution).await?;
        let sa = report::assess(&m.map, today, runs);
        serde_json::to_value(&sa).map_err(|e| ResilienceError::Export(e.to_string()))
    }

    /// Loads the engine's demo bank as `institution`'s map, with the demo scenarios, each run once. Does
    /// nothing if the institution already has a map. Returns whether it loaded.
    pub async fn load_resilience_demo(
        &self,
        actor: &Actor,
        institution: &InstitutionCode,
    ) -> Result<bool, ResilienceError> {
        require_edit(actor)?;
        in_scope(actor, institution)?;
        self.require_institution(institution).await?;
        if self.load_map(institution).await?.is_some() {
            return Ok(false);
        }
        let ctx = actor.audit();
        let map = for_institution(generate::demo_map().map_err(ResilienceError::Invalid)?, institution)?;
        self.save_map_doc(institution, &map, None, &ctx).await?;
        for scenario in generate::demo_scenarios() {
            let id = scenario.id.clone();
            let doc = ScenarioDoc { scenario, samples: DEFAULT_SAMPLES, seed: 1 };
            self.save_scenario_doc(institution, &doc, None, &ctx).await?;
            self.run_scenario(institution, &id, None, &ctx).await?;
        }
        Ok(true)
    }
}

/// Flowchart formats of a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowchartFormat {
    /// An SVG drawing with the service's single points of failure marked.
    Svg,
    /// Mermaid flowchart text.
    Mermaid,
    /// Graphviz DOT.
    Dot,
    /// Cytoscape.js elements as JSON.
    Cytoscape,
}

impl FlowchartFormat {
    /// Parses `svg`, `mermaid`, `dot`, `cytoscape`.
    pub fn parse(s: &str) -> Option<FlowchartFormat> {
        match s {
            "svg" => Some(FlowchartFormat::Svg),
            "mermaid" => Some(FlowchartFormat::Mermaid),
            "dot" => Some(FlowchartFormat::Dot),
            "cytoscape" => Some(FlowchartFormat::Cytoscape),
            _ => None,
        }
    }

    /// The file extension of a download.
    pub fn extension(self) -> &'static str {
        match self {
            FlowchartFormat::Svg => "svg",
            FlowchartFormat::Mermaid => "mmd",
            FlowchartFormat::Dot => "dot",
            FlowchartFormat::Cytoscape => "cytoscape.json",
        }
    }

    /// The MIME type.
    pub fn content_type(self) -> &'static str {
        match self {
            FlowchartFormat::Svg => "image/svg+xml",
            FlowchartFormat::Mermaid => "text/plain; charset=utf-8",
            FlowchartFormat::Dot => "text/vnd.graphviz; charset=utf-8",
            FlowchartFormat::Cytoscape => "application/json",
        }
    }
}

/// The engine's reads of one map (stored, or read from a file by the command line): the one place the
/// front ends get SPOF, concentration, flowcharts, Gantt charts, paper tests and reports from.
#[derive(Debug, Clone, Copy)]
pub struct MapRead<'a> {
    map: &'a DependencyMap,
}

impl StoredMap {
    /// The engine's reads of this map.
    pub fn read(&self) -> MapRead<'_> {
        MapRead { map: &self.map }
    }
}

impl<'a> MapRead<'a> {
    /// The reads of a map not stored in the register.
    pub fn of(map: &'a DependencyMap) -> MapRead<'a> {
        MapRead { map }
    }

    /// Single points of failure.
    pub fn spof(&self) -> SpofReport {
        spof::analyse(self.map)
    }

    /// Third-party concentration.
    pub fn concentration(&self) -> ConcentrationReport {
        concentration::analyse(self.map)
    }

    /// The hard single points of failure of one service.
    pub fn service_spofs(&self, service: &str) -> Vec<String> {
        self.spof().services.into_iter().find(|x| x.service == service).map(|x| x.resources).unwrap_or_default()
    }

    /// A service's flowchart (`service` `None`: the whole map; the SVG then draws the first service).
    /// `None` when no service has the id.
    pub fn flowchart(&self, service: Option<&str>, format: FlowchartFormat, lang: Lang) -> Option<String> {
        match format {
            FlowchartFormat::Svg => {
                let highlight = self
                    .spof()
                    .services
                    .into_iter()
                    .find(|s| service.is_none_or(|id| s.service == id))
                    .map(|s| s.resources)
                    .unwrap_or_default();
                let id = service
                    .map(str::to_string)
                    .or_else(|| self.map.services().first().map(|s| s.id.as_str().to_string()))
                    .unwrap_or_default();
                maps::service_svg(self.map, &id, &SvgOptions { lang, highlight })
            }
            FlowchartFormat::Mermaid => maps::mermaid(self.map, service, lang),
            FlowchartFormat::Dot => maps::dot(self.map, service, lang),
            FlowchartFormat::Cytoscape => {
                maps::cytoscape(self.map, service, lang).map(|v| serde_json::to_string_pretty(&v).unwrap_or_default())
            }
        }
    }

    /// The Gantt chart (SVG) of a paper test.
    pub fn gantt(&self, paper: &DeterministicResult, lang: Lang) -> String {
        report::gantt_svg(self.map, paper, lang)
    }

    /// A paper test with switchovers as designed and, when `samples` > 0, Monte Carlo.
    pub fn simulate(
        &self,
        scenario: &Scenario,
        samples: usize,
        seed: u64,
        threads: Option<usize>,
    ) -> Result<ScenarioRun, ResilienceError> {
        let compiled = CompiledScenario::new(self.map, scenario).map_err(ResilienceError::Invalid)?;
        let paper = compiled.evaluate(FailoverAssumption::AsDesigned);
        let monte_carlo = (samples > 0).then(|| compiled.simulate(&MonteCarloOptions { samples, seed, threads }));
        Ok(ScenarioRun { scenario: scenario.clone(), paper, monte_carlo })
    }

    /// The self-assessment report on `today` with the given runs.
    pub fn report(&self, today: NaiveDate, runs: Vec<ScenarioRun>, format: ReportFormat, lang: Lang) -> String {
        let sa = report::assess(self.map, today, runs);
        match format {
            ReportFormat::Html => report::render_html(&sa, lang),
            ReportFormat::HtmlFragment => report::render_html_body(&sa, lang),
            ReportFormat::Markdown => report::render_markdown(&sa, lang),
        }
    }
}

/// Reads a map file (`map.json`, docs/resilience-formats.md), checking it whole.
pub fn map_from_json(bytes: &[u8], file: &str) -> Result<DependencyMap, ResilienceError> {
    interchange::from_json(bytes, file).map_err(ResilienceError::Invalid)
}

/// A map as its JSON file.
pub fn map_to_json(map: &DependencyMap) -> String {
    interchange::to_json(map)
}

/// Reads a scenarios file against a map.
pub fn scenarios_from_json(bytes: &[u8], file: &str, map: &DependencyMap) -> Result<Vec<Scenario>, ResilienceError> {
    interchange::scenarios_from_json(bytes, file, map).map_err(ResilienceError::Invalid)
}

/// The demo bank's map and scenarios as their two JSON files (`map.json`, `scenarios.json`).
pub fn demo_files() -> Result<(String, String), ResilienceError> {
    let map = generate::demo_map().map_err(ResilienceError::Invalid)?;
    Ok((interchange::to_json(&map), interchange::scenarios_to_json(&generate::demo_scenarios())))
}

/// Reads a map from an XLSX workbook or the two CSV files of a CMDB export, not for a register
/// institution (the command line's file mode); services come from `services`.
pub fn map_from_cmdb(
    files: &[MapFile],
    services: Vec<ImportantBusinessService>,
) -> Result<DependencyMap, ResilienceError> {
    match files {
        [one] if extension(&one.name) == "xlsx" => {
            interchange::from_xlsx(&one.bytes, &one.name, services, None).map_err(ResilienceError::Invalid)
        }
        [r, d] => interchange::from_csv(&r.bytes, &d.bytes, services, None).map_err(ResilienceError::Invalid),
        _ => Err(ResilienceError::BadFiles),
    }
}

fn find_service<'a>(data: &'a mut MapData, id: &str) -> Result<&'a mut ImportantBusinessService, ResilienceError> {
    data.services
        .iter_mut()
        .find(|s| s.id.as_str() == id)
        .ok_or_else(|| ResilienceError::NotFound { what: "service", key: id.to_string() })
}

fn scenario_title(s: &Scenario) -> String {
    if s.name_en.is_empty() { s.name_ja.clone() } else { format!("{} / {}", s.name_ja, s.name_en) }
}

fn run_title(r: &RunDoc) -> String {
    let breaches = r.paper.services.iter().filter(|s| s.breach).count();
    format!("{}: {breaches} breach(es) in the paper test", r.scenario.id)
}

/// Checks a scenario's id, run options and references against the map.
pub fn check_scenario(map: &DependencyMap, doc: &ScenarioDoc) -> Result<(), ResilienceError> {
    let mut issues = Issues::default();
    if let Err(p) = NodeId::parse(&doc.scenario.id) {
        issues.field("id", p);
    }
    if doc.scenario.name_ja.trim().is_empty() && doc.scenario.name_en.trim().is_empty() {
        issues.field("name_ja", Problem::Required);
    }
    if doc.samples > MAX_SAMPLES {
        issues.field(
            "samples",
            Problem::OutOfRange { value: doc.samples.to_string(), min: "0".into(), max: MAX_SAMPLES.to_string() },
        );
    }
    if let Err(e) = doc.scenario.resolve(map) {
        issues.0.extend(e.0);
    }
    issues.into_result(()).map_err(ResilienceError::Invalid)
}

/// Runs a scenario: both paper tests and, if asked, Monte Carlo.
pub fn run_doc(map: &DependencyMap, map_version: i64, doc: ScenarioDoc) -> Result<RunDoc, ResilienceError> {
    let compiled = CompiledScenario::new(map, &doc.scenario).map_err(ResilienceError::Invalid)?;
    let paper = compiled.evaluate(FailoverAssumption::AsDesigned);
    let paper_failover_fails = compiled.evaluate(FailoverAssumption::Fails);
    let monte_carlo = (doc.samples > 0)
        .then(|| compiled.simulate(&MonteCarloOptions { samples: doc.samples, seed: doc.seed, threads: None }));
    Ok(RunDoc {
        scenario: doc.scenario,
        map_version,
        ran_at: chrono::Utc::now(),
        paper,
        paper_failover_fails,
        monte_carlo,
    })
}

/// An issue at a form field (for front ends turning unparsable input into the engine's problems).
pub fn field_issue(field: &str, problem: Problem) -> Issue {
    Issue { location: Location::field(field), problem }
}

/// Wraps problems found by a front end into the error the use cases return.
pub fn invalid_input(issues: Vec<Issue>) -> ResilienceError {
    ResilienceError::Invalid(Issues(issues))
}
