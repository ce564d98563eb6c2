//! Failure analysis over the register: search kept in step with the database, classification
//! suggestions and the learned model, recurrence, trends and the yearly report.
//!
//! The search index lives in memory and follows the audit trail: it remembers the last audit
//! `seq` it has applied (its watermark) and, before answering, applies the incident entries
//! written since (create/update/delete re-read that incident; a bulk `import` rebuilds). Every
//! change to an incident is audited in the same transaction, so the index is right even when
//! another process (the CLI) writes to the same database.
//!
//! Every use case here takes the [`Actor`]: reading needs [`Permission::ReadRegister`] and sees only
//! the actor's institutions (an incident of another institution is "not found"); accepting or
//! correcting a classification is [`Register::reclassify_incident`] ([`Permission::Classify`]).

use crate::access::Permission;
use crate::error::Noun;
use crate::{Actor, AppError, Register};
use chrono::NaiveDate;
use opres_analysis::AnalysisError;
use opres_analysis::classify::{Classifier, ClassifyInput, Example, StoredModel, Suggestion, TrainParams};
use opres_analysis::recurrence::{RecurrenceChain, RecurrenceParams, Recurrences};
use opres_analysis::report::{AnalysisReport, ReportOptions};
use opres_analysis::search::{SearchIndex, SearchPage, SearchRequest, SimilarIncident};
use opres_analysis::trends::{TrendAnalysis, TrendParams};
use opres_domain::{
    FiscalPeriod, FiscalYear, Incident, IncidentRef, Institution, InstitutionCode, Lang, Problem, ValidationErrors,
    limits,
};
use opres_store::{Document, DocumentKind, IncidentFilter, StoreError};
use serde::Serialize;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

/// The key of the register's classification model document.
pub const CLASSIFIER_KEY: &str = "default";

/// Audit entries read per page while catching up.
const AUDIT_PAGE: u32 = 1000;

/// Beyond this many new audit entries a rebuild is cheaper than replaying them one by one.
const REPLAY_LIMIT: usize = 20_000;

/// Why an analysis use case failed.
#[derive(Debug, thiserror::Error)]
pub enum AnalysisAppError {
    /// The store refused or failed (not found, version conflict, …).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The analysis engine failed.
    #[error(transparent)]
    Engine(#[from] AnalysisError),
    /// A background computation did not finish.
    #[error("the analysis task failed: {0}")]
    Task(String),
}

impl AnalysisAppError {
    /// The message in the given language.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (AnalysisAppError::Store(e), _) => e.message(lang),
            (AnalysisAppError::Engine(e), _) => e.message(lang),
            (AnalysisAppError::Task(e), Lang::Ja) => format!("分析処理が完了しませんでした: {e}"),
            (e, Lang::En) => e.to_string(),
        }
    }
}

fn task_err(e: tokio::task::JoinError) -> AnalysisAppError {
    AnalysisAppError::Task(e.to_string())
}

/// The analysis overview of one fiscal year.
#[derive(Debug, Clone, Serialize)]
pub struct Overview {
    /// The fiscal year shown and the days of it counted: the whole year once it has ended, the
    /// year to date while it runs.
    pub period: FiscalPeriod,
    /// Every fiscal year with incidents, whole: counts per year for the chart by year.
    pub all_years: TrendAnalysis,
    /// The period and the same days of the previous year: counts, shares and the change, like
    /// with like.
    pub compared: TrendAnalysis,
    /// The period alone: time distributions by trend, top systems and vendors.
    pub year: TrendAnalysis,
    /// Incidents of the year flagged as recurrences.
    pub recurring: usize,
    /// Recurrence chains with an incident in the year.
    pub chains: usize,
}

/// What a catch-up did (for tests and logs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncOutcome {
    /// Nothing new on the audit trail.
    UpToDate,
    /// These many incidents were re-read and re-indexed (or removed).
    Applied(usize),
    /// The whole index was rebuilt from the register.
    Rebuilt,
}

/// The classifier in use and what chose it.
#[derive(Debug, Clone)]
pub struct ClassifierInUse {
    /// The model that suggests.
    pub classifier: Arc<Classifier>,
    /// The stored training outcome, when a model was trained (`opres classify train`).
    pub stored: Option<Arc<StoredModel>>,
    /// The stored document's version (0: none stored).
    pub version: i64,
}

impl ClassifierInUse {
    /// One line saying which model suggests and why, in the given language.
    pub fn explain(&self, lang: Lang) -> String {
        match &self.stored {
            Some(s) => s.explain(lang),
            None => lang
                .pick(
                    "学習済みモデルはありません。語彙・ルールで提案します",
                    "No trained model: the vocabulary and rules suggest",
                )
                .to_string(),
        }
    }
}

/// The analysis services of one process: the search index that follows the register, and the
/// classifier loaded from it. Cheap to share (`Arc`) between requests.
#[derive(Default)]
pub struct AnalysisService {
    /// The index and the last audit seq applied to it; `None` until the first query builds it.
    /// A tokio mutex: one catch-up at a time, and queries wait for it rather than read a
    /// half-updated index.
    synced: tokio::sync::Mutex<Option<Synced>>,
    classifier: Mutex<Option<ClassifierInUse>>,
}

struct Synced {
    index: Arc<SearchIndex>,
    watermark: i64,
}

impl std::fmt::Debug for AnalysisService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnalysisService").finish_non_exhaustive()
    }
}

/// A suggested classification and which model made it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggested {
    /// Trigger, trend, confidence, the runner-up and the reasons.
    #[serde(flatten)]
    pub suggestion: Suggestion,
    /// One line saying which model suggests and why, in the actor's language.
    pub explanation: String,
}

/// The actor's institutions as the index stores them (`None`: all).
fn scope_strings(actor: &Actor) -> Option<Vec<String>> {
    actor.scope_filter().map(|s| s.iter().map(ToString::to_string).collect())
}

/// `Ok` if the actor may read the register and sees the incident's institution (else "not found").
fn require_reads(actor: &Actor, incident: &Incident) -> Result<(), AppError> {
    actor.require(Permission::ReadRegister)?;
    actor.require_sees(&incident.institution, Noun::Incident, incident.reference.as_str())
}

/// A fiscal year as typed (`2024`, `FY2024`, `2024年度`), or `None` when it does not read as one
/// between 1990 and 2100: the pages, the REST API and the CLI read years the same way.
pub fn parse_fiscal_year(raw: &str) -> Option<FiscalYear> {
    let digits: String = raw.trim().chars().filter(char::is_ascii_digit).collect();
    let year: i32 = digits.parse().ok()?;
    (1990..=2100).contains(&year).then_some(FiscalYear(year))
}

/// Results a search returns when the request does not say, and at most.
pub const SEARCH_LIMIT: (usize, usize) = (20, 100);

/// Results a search may skip (deeper pages are not ranked usefully, and cost).
pub const OFFSET_MAX: usize = 10_000;

/// Longest query searched, in characters.
pub const QUERY_MAX: usize = 500;

/// A search as written (the REST API's query parameters), parsed once by [`SearchParams::parse`].
#[derive(Debug, Clone, Default)]
pub struct SearchParams {
    /// What to search for (required).
    pub q: Option<String>,
    /// Results to skip (default 0).
    pub offset: Option<String>,
    /// Results to return, 1 to 100 (default 20).
    pub limit: Option<String>,
}

impl SearchParams {
    /// The search request, or every bad parameter located by name (`q`, `offset`, `limit`).
    pub fn parse(&self) -> Result<SearchRequest, AppError> {
        let mut e = ValidationErrors::default();
        let q = self.q.as_deref().unwrap_or("").trim().to_string();
        if q.is_empty() {
            e.push("q", Problem::Required);
        }
        limits::check_text(&mut e, "q", &q, QUERY_MAX);
        let offset = crate::filter::number_param(&mut e, "offset", &self.offset).unwrap_or(0);
        let (default, max) = SEARCH_LIMIT;
        let limit = crate::filter::number_param(&mut e, "limit", &self.limit).unwrap_or(default as u64);
        if !(1..=max as u64).contains(&limit) {
            e.push("limit", Problem::BadFormat { value: limit.to_string(), hint: "1–100" });
        }
        if offset > OFFSET_MAX as u64 {
            e.push("offset", Problem::BadFormat { value: offset.to_string(), hint: "0–10000" });
        }
        let offset = usize::try_from(offset).unwrap_or(0);
        let limit = usize::try_from(limit).unwrap_or(default);
        e.into_result(|| ())?;
        Ok(SearchRequest { query: q, filters: Default::default(), scope: None, offset, limit })
    }
}

/// The fiscal year in `field`, if given (blank: `None`); else a located problem naming the field.
pub fn fiscal_year_param(field: &str, raw: Option<&str>) -> Result<Option<FiscalYear>, AppError> {
    match raw.map(str::trim).filter(|r| !r.is_empty()) {
        None => Ok(None),
        Some(r) => parse_fiscal_year(r)
            .map(Some)
            .ok_or_else(|| AppError::invalid_field(field, Problem::BadFormat { value: r.to_string(), hint: "2024" })),
    }
}

impl AnalysisService {
    /// A service whose in-memory index the first query builds from the register.
    pub fn new() -> AnalysisService {
        AnalysisService::default()
    }

    /// Brings the index up to the register's audit trail.
    #[tracing::instrument(skip_all)]
    pub async fn sync(&self, register: &Register) -> Result<SyncOutcome, AnalysisAppError> {
        Ok(self.synced_index(register).await?.1)
    }

    /// The index, brought up to the register's audit trail first.
    async fn synced_index(&self, register: &Register) -> Result<(Arc<SearchIndex>, SyncOutcome), AnalysisAppError> {
        let mut synced = self.synced.lock().await;
        let store = register.store();
        let Some(current) = synced.as_mut() else {
            let index = Arc::new(SearchIndex::in_ram()?);
            let watermark = Self::rebuild(&index, register).await?;
            *synced = Some(Synced { index: index.clone(), watermark });
            return Ok((index, SyncOutcome::Rebuilt));
        };
        // Oldest first from the watermark: an indexed range read of four columns, so the common
        // case (nothing new) costs one small query.
        let mut changed: BTreeSet<String> = BTreeSet::new();
        let mut newest = current.watermark;
        let mut rebuild = false;
        let mut read = 0usize;
        loop {
            let page = store.audit_marks_after(newest, AUDIT_PAGE).await?;
            let Some(last) = page.last() else { break };
            newest = last.seq;
            read += page.len();
            for e in &page {
                match (e.object_kind.as_str(), e.action.as_str()) {
                    ("incident", _) => {
                        changed.insert(e.object_key.clone());
                    }
                    ("register", "import") => rebuild = true,
                    _ => {}
                }
            }
            if rebuild || read > REPLAY_LIMIT {
                rebuild = true;
                break;
            }
        }
        if rebuild {
            // Into a fresh index, swapped in whole: reusing the old one (delete-all, then add) was
            // seen to lose a document now and then under load.
            let fresh = Arc::new(SearchIndex::in_ram()?);
            current.watermark = Self::rebuild(&fresh, register).await?;
            current.index = fresh.clone();
            return Ok((fresh, SyncOutcome::Rebuilt));
        }
        let index = current.index.clone();
        if changed.is_empty() {
            current.watermark = newest;
            return Ok((index, SyncOutcome::UpToDate));
        }
        let mut upserts = Vec::new();
        let mut deletes = Vec::new();
        for key in &changed {
            let Ok(r) = IncidentRef::parse(key) else { continue };
            match store.incident_by_reference(&r).await? {
                Some(i) => upserts.push(i.value),
                None => deletes.push(r),
            }
        }
        let n = upserts.len() + deletes.len();
        let writer = index.clone();
        tokio::task::spawn_blocking(move || -> Result<(), AnalysisError> {
            for i in &upserts {
                writer.upsert(i)?;
            }
            for r in &deletes {
                writer.delete(r)?;
            }
            writer.commit()
        })
        .await
        .map_err(task_err)??;
        current.watermark = newest;
        Ok((index, SyncOutcome::Applied(n)))
    }

    /// Rebuilds the index from every incident; returns the audit seq it reflects (read first, so
    /// changes made during the rebuild are applied again by the next sync, never lost).
    async fn rebuild(index: &Arc<SearchIndex>, register: &Register) -> Result<i64, AnalysisAppError> {
        let store = register.store();
        let head = store.latest_audit_seq().await?;
        let incidents = store.all_incidents(&IncidentFilter::default()).await?;
        let index = index.clone();
        tokio::task::spawn_blocking(move || index.rebuild(incidents.iter().map(|s| &s.value)))
            .await
            .map_err(task_err)??;
        Ok(head)
    }

    /// A page of ranked results (with highlights, facets and the synonyms searched) for the
    /// request, among the actor's institutions only: the request's own `scope` is replaced by
    /// the actor's.
    pub async fn search(
        &self,
        register: &Register,
        actor: &Actor,
        mut request: SearchRequest,
    ) -> Result<SearchPage, AppError> {
        actor.require(Permission::ReadRegister)?;
        request.scope = scope_strings(actor);
        let (index, _) = self.synced_index(register).await?;
        Ok(index.search_request(&request).map_err(AnalysisAppError::from)?)
    }

    /// Past incidents most similar to this one, among the actor's institutions (an incident the
    /// actor does not see is "not found").
    pub async fn similar(
        &self,
        register: &Register,
        actor: &Actor,
        incident: &Incident,
        limit: usize,
    ) -> Result<Vec<SimilarIncident>, AppError> {
        require_reads(actor, incident)?;
        let (index, _) = self.synced_index(register).await?;
        let scope = scope_strings(actor);
        Ok(index.similar_in(incident, limit, true, scope.as_deref()).map_err(AnalysisAppError::from)?)
    }

    /// Incidents searchable now (0 before the first query).
    pub async fn indexed(&self) -> u64 {
        self.synced.lock().await.as_ref().map_or(0, |s| s.index.len())
    }

    /// The classifier the register's stored model selects (the rules when none is stored),
    /// re-read only when the stored document's version changes.
    pub async fn classifier(&self, register: &Register) -> Result<ClassifierInUse, AnalysisAppError> {
        let version = register
            .store()
            .list_documents(DocumentKind::ClassifierModel)
            .await?
            .into_iter()
            .find(|d| d.key == CLASSIFIER_KEY)
            .map_or(0, |d| d.version);
        if let Ok(cache) = self.classifier.lock()
            && let Some(c) = cache.as_ref().filter(|c| c.version == version)
        {
            return Ok(c.clone());
        }
        let loaded = match register.stored_classifier().await? {
            Some((version, stored)) => {
                ClassifierInUse { classifier: Arc::new(stored.classifier()), stored: Some(Arc::new(stored)), version }
            }
            None => ClassifierInUse { classifier: Arc::new(Classifier::rules()), stored: None, version: 0 },
        };
        if let Ok(mut cache) = self.classifier.lock() {
            *cache = Some(loaded.clone());
        }
        Ok(loaded)
    }

    /// The suggested classification of an incident the actor sees, from its text and fields.
    pub async fn suggest(
        &self,
        register: &Register,
        actor: &Actor,
        incident: &Incident,
    ) -> Result<Suggested, AppError> {
        require_reads(actor, incident)?;
        self.suggested(register, actor, &ClassifyInput::from_incident(incident)).await
    }

    /// The suggested classification of a text not (yet) registered: a title or a text is
    /// required, and each is held to the register's limits (`title`, `description`).
    pub async fn suggest_text(
        &self,
        register: &Register,
        actor: &Actor,
        input: ClassifyInput,
    ) -> Result<Suggested, AppError> {
        actor.require(Permission::ReadRegister)?;
        let mut e = ValidationErrors::default();
        let title = input.title.as_deref().unwrap_or("");
        if title.trim().is_empty() && input.text.trim().is_empty() {
            e.push("description", Problem::Required);
        }
        limits::check_text(&mut e, "title", title, limits::TITLE_MAX);
        limits::check_text(&mut e, "description", &input.text, limits::TEXT_MAX);
        if let Some(v) = &input.vendor {
            limits::check_text(&mut e, "vendor", v, limits::TITLE_MAX);
        }
        e.into_result(|| ())?;
        self.suggested(register, actor, &input).await
    }

    async fn suggested(
        &self,
        register: &Register,
        actor: &Actor,
        input: &ClassifyInput,
    ) -> Result<Suggested, AppError> {
        let c = self.classifier(register).await?;
        Ok(Suggested { suggestion: c.classifier.suggest(input), explanation: c.explain(actor.lang()) })
    }
}

impl Register {
    /// The stored classification model and its document version, if one was trained.
    pub async fn stored_classifier(&self) -> Result<Option<(i64, StoredModel)>, AnalysisAppError> {
        match self.store().document(DocumentKind::ClassifierModel, CLASSIFIER_KEY).await? {
            Some(d) => Ok(Some((d.version, StoredModel::from_json(&d.value.body)?))),
            None => Ok(None),
        }
    }

    /// Trains from every accepted classification in the register, cross-validating the rules and
    /// the learned model on the same folds, and stores the outcome (whichever model won) as the
    /// register's classifier document.
    #[tracing::instrument(skip_all)]
    pub async fn train_classifier(
        &self,
        params: TrainParams,
        ctx: &opres_store::AuditContext,
    ) -> Result<StoredModel, AnalysisAppError> {
        let incidents = self.store().all_incidents(&IncidentFilter::default()).await?;
        let examples: Vec<Example> = incidents.iter().filter_map(|i| Example::from_incident(&i.value)).collect();
        drop(incidents);
        let stored =
            tokio::task::spawn_blocking(move || Classifier::train(&examples, &params)).await.map_err(task_err)??;
        let current = self.store().document(DocumentKind::ClassifierModel, CLASSIFIER_KEY).await?.map(|d| d.version);
        let doc = Document {
            kind: DocumentKind::ClassifierModel,
            key: CLASSIFIER_KEY.into(),
            institution: None,
            title: stored.explain(Lang::En),
            body: stored.to_json()?,
        };
        self.store().save_document(&doc, current, ctx).await?;
        Ok(stored)
    }

    /// The incidents and institutions the actor sees, narrowed to `within` when given (`None`:
    /// all the actor sees), as the engines take them.
    pub async fn analysis_input(
        &self,
        actor: &Actor,
        within: Option<&[InstitutionCode]>,
    ) -> Result<(Vec<Incident>, Vec<Institution>), AppError> {
        actor.require(Permission::ReadRegister)?;
        let scope: Option<Vec<InstitutionCode>> = match (actor.scope_filter(), within) {
            (None, w) => w.map(<[_]>::to_vec),
            (Some(s), None) => Some(s.to_vec()),
            (Some(s), Some(w)) => Some(w.iter().filter(|c| s.contains(c)).cloned().collect()),
        };
        let filter = IncidentFilter { institutions: scope.clone(), ..Default::default() };
        let incidents: Vec<Incident> =
            self.store().all_incidents(&filter).await?.into_iter().map(|s| s.value).collect();
        let institutions: Vec<Institution> = self
            .store()
            .list_institutions()
            .await?
            .into_iter()
            .map(|s| s.value)
            .filter(|i| scope.as_ref().is_none_or(|s| s.contains(&i.code)))
            .collect();
        Ok((incidents, institutions))
    }

    /// Counts, shares, year-on-year change, time distributions and top systems/vendors over the
    /// actor's institutions (narrowed to `within` when given).
    pub async fn trend_analysis(
        &self,
        actor: &Actor,
        within: Option<&[InstitutionCode]>,
        params: TrendParams,
    ) -> Result<TrendAnalysis, AppError> {
        let (incidents, institutions) = self.analysis_input(actor, within).await?;
        Ok(tokio::task::spawn_blocking(move || TrendAnalysis::compute(&incidents, &institutions, &params))
            .await
            .map_err(task_err)?)
    }

    /// The analysis overview of one fiscal year over the actor's institutions, as known on the JST date `today`
    /// (a year still running is counted to date and compared with the same days of the previous
    /// year): every year's counts, the period's breakdowns and change, times and top lists, and its
    /// recurrences.
    pub async fn analysis_overview(
        &self,
        actor: &Actor,
        fiscal_year: FiscalYear,
        today: NaiveDate,
        top_n: usize,
    ) -> Result<Overview, AppError> {
        let (incidents, institutions) = self.analysis_input(actor, None).await?;
        let period = fiscal_year.as_of(today);
        Ok(tokio::task::spawn_blocking(move || {
            let all_years = TrendAnalysis::compute(
                &incidents,
                &institutions,
                &TrendParams { fiscal_years: vec![], top_n, same_period_as: None },
            );
            let compared = TrendAnalysis::compute(
                &incidents,
                &institutions,
                &TrendParams {
                    fiscal_years: vec![fiscal_year.previous(), fiscal_year],
                    top_n,
                    same_period_as: Some(period),
                },
            );
            let year = TrendAnalysis::compute(
                &incidents,
                &institutions,
                &TrendParams { fiscal_years: vec![fiscal_year], top_n, same_period_as: Some(period) },
            );
            let r = Recurrences::find(incidents.iter(), &RecurrenceParams::default());
            let recurring = incidents
                .iter()
                .filter(|i| period.contains(&i.times.occurred_at()) && r.is_recurrence(&i.reference))
                .count();
            let chains = r.chains.iter().filter(|c| c.occurred.iter().any(|t| period.contains(t))).count();
            Overview { period, all_years, compared, year, recurring, chains }
        })
        .await
        .map_err(task_err)?)
    }

    /// The yearly analysis report over the incidents of the actor's institutions.
    pub async fn analysis_report(&self, actor: &Actor, opts: ReportOptions) -> Result<AnalysisReport, AppError> {
        let (incidents, institutions) = self.analysis_input(actor, None).await?;
        Ok(tokio::task::spawn_blocking(move || AnalysisReport::build(&incidents, &institutions, &opts))
            .await
            .map_err(task_err)?)
    }

    /// The recurrence chain an incident the actor sees belongs to, if any (chains never cross
    /// institutions, so only its institution's incidents are read).
    pub async fn recurrence_of(&self, actor: &Actor, incident: &Incident) -> Result<Option<RecurrenceChain>, AppError> {
        require_reads(actor, incident)?;
        let filter = IncidentFilter { institutions: Some(vec![incident.institution.clone()]), ..Default::default() };
        let incidents: Vec<Incident> =
            self.store().all_incidents(&filter).await?.into_iter().map(|s| s.value).collect();
        let reference = incident.reference.clone();
        Ok(tokio::task::spawn_blocking(move || {
            let r = Recurrences::find(incidents.iter(), &RecurrenceParams::default());
            r.chain_of(&reference).cloned()
        })
        .await
        .map_err(task_err)?)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly by design
mod tests {
    use super::*;
    use crate::{Channel, IncidentKey};
    use opres_analysis::classify::LearnParams;
    use opres_analysis::search::SearchFilters;
    use opres_domain::Trend;
    use opres_store::{AuditContext, Role, Store, Stored, User, UserScope, engine_tests};

    fn ctx() -> AuditContext {
        AuditContext::new("test")
    }

    async fn institution(store: &Store, code: &str) {
        let r: opres_domain::InstitutionRecord = serde_json::from_value(serde_json::json!({
            "code": code, "name_ja": format!("{code}銀行"), "name_en": format!("{code} Bank"),
            "institution_type": "regional_bank"
        }))
        .unwrap();
        store.create_institution(&r.validate().unwrap(), &ctx()).await.unwrap();
    }

    fn incident(reference: &str, inst: &str, occurred: &str, trend: &str, title: &str, text: &str) -> Incident {
        let r: opres_domain::IncidentRecord = serde_json::from_value(serde_json::json!({
            "reference": reference, "institution": inst, "title_ja": title, "description_ja": text,
            "occurred_at": occurred, "detected_at": occurred, "trend": trend, "root_cause": text,
        }))
        .unwrap();
        r.validate().unwrap()
    }

    fn user(role: Role, scope: UserScope) -> Actor {
        let now = chrono::Utc::now();
        let value = User {
            username: "u".into(),
            display_name: "u".into(),
            role,
            scope,
            lang: None,
            time_zone: Default::default(),
            active: true,
        };
        let stored = Stored { id: 1, version: 1, created_at: now, updated_at: now, value };
        Actor::user(&stored, Channel::Web, Lang::Ja)
    }

    /// An analyst of every institution, or of one.
    fn analyst(scope: Option<&[InstitutionCode]>) -> Actor {
        user(Role::Analyst, scope.map_or(UserScope::All, |s| UserScope::Institutions(s.to_vec())))
    }

    /// Searches as `actor` (a page of `limit` from `offset`, no facet filters).
    async fn find(
        service: &AnalysisService,
        register: &Register,
        query: &str,
        scope: Option<&[InstitutionCode]>,
        offset: usize,
        limit: usize,
    ) -> Result<SearchPage, AppError> {
        let request =
            SearchRequest { query: query.into(), filters: SearchFilters::default(), scope: None, offset, limit };
        service.search(register, &analyst(scope), request).await
    }

    fn refs(page: &SearchPage) -> Vec<&str> {
        page.hits.iter().map(|h| h.reference.as_str()).collect()
    }

    fn code(c: &str) -> InstitutionCode {
        InstitutionCode::parse(c).unwrap()
    }

    engine_tests!(search_follows_the_register_even_when_another_process_writes, |db| {
        let store = &db.store;
        institution(store, "BANK-A").await;
        institution(store, "BANK-B").await;
        let a = incident(
            "A-1",
            "BANK-A",
            "2024-05-01T09:00:00+09:00",
            "operations.storage",
            "ATM停止",
            "夜間バッチでディスク容量不足となりATMが停止した。",
        );
        let a = store.create_incident(&a, &ctx()).await.unwrap();
        let mut b = incident("B-1", "BANK-B", "2024-07-01T09:00:00+09:00", "operations.storage", "Batch abort", "");
        b.description.en = Some("The overnight batch failed: disk full on the batch server.".into());
        store.create_incident(&b, &ctx()).await.unwrap();
        let register = Register::new(store.clone());
        let service = AnalysisService::new();

        // First query builds the index; both languages are found. (Quoted: exact words, no
        // synonyms, so each query names one incident.)
        let ja = find(&service, &register, "\"容量不足\"", None, 0, 10).await.unwrap();
        assert_eq!(refs(&ja), ["A-1"]);
        assert!(ja.hits[0].snippet_html.contains("<mark>"), "{}", ja.hits[0].snippet_html);
        let en = find(&service, &register, "\"disk\"", None, 0, 10).await.unwrap();
        assert_eq!(refs(&en), ["B-1"]);
        assert_eq!(service.sync(&register).await.unwrap(), SyncOutcome::UpToDate);

        // Scope: BANK-A's staff do not see BANK-B's incidents, and an empty scope sees nothing.
        let scoped = find(&service, &register, "\"disk\"", Some(&[code("BANK-A")]), 0, 10).await.unwrap();
        assert_eq!(scoped.total, 0);
        assert_eq!(find(&service, &register, "\"disk\"", Some(&[]), 0, 10).await.unwrap().total, 0);

        // Another process (a second store on the same database, as the CLI would be) edits.
        let other = Store::connect(&db.url).await.unwrap();
        let mut changed = a.value.clone();
        changed.description.ja = Some("ランサムウェアに感染し、勘定系が停止した。".into());
        changed.root_cause = None;
        other.update_incident(a.id, a.version, &changed, &ctx()).await.unwrap();
        let c = incident("A-2", "BANK-A", "2024-09-01T09:00:00+09:00", "cyber.malware", "感染", "マルウェア感染");
        other.create_incident(&c, &ctx()).await.unwrap();
        assert!(find(&service, &register, "\"容量不足\"", None, 0, 10).await.unwrap().hits.is_empty());
        assert_eq!(refs(&find(&service, &register, "\"ランサムウェア\"", None, 0, 10).await.unwrap()), ["A-1"]);
        assert_eq!(refs(&find(&service, &register, "\"マルウェア\"", None, 0, 10).await.unwrap()), ["A-2"]);
        let a2 = other.incident_by_reference(&IncidentRef::parse("A-2").unwrap()).await.unwrap().unwrap();
        other.delete_incident(a2.id, a2.version, &ctx()).await.unwrap();
        assert!(find(&service, &register, "\"マルウェア\"", None, 0, 10).await.unwrap().hits.is_empty());

        // A bulk import rebuilds.
        let data = opres_synthetic::generate(&opres_synthetic::GenParams {
            institutions: 2,
            incidents: 30,
            seed: 3,
            now: chrono::Utc::now(),
            fiscal_years: 1,
        });
        other.import(&data, &ctx()).await.unwrap();
        assert_eq!(service.sync(&register).await.unwrap(), SyncOutcome::Rebuilt);
        let in_register = store.all_incidents(&IncidentFilter::default()).await.unwrap().len() as u64;
        assert!(in_register > 30);
        assert_eq!(service.indexed().await, in_register);
        other.close().await;

        // Similar past incidents stay within scope.
        let b1 = store.incident_by_reference(&IncidentRef::parse("B-1").unwrap()).await.unwrap().unwrap();
        let sim = service.similar(&register, &analyst(Some(&[code("BANK-B")])), &b1.value, 5).await.unwrap();
        assert!(sim.iter().all(|s| s.institution == "BANK-B"), "{sim:?}");
    });

    engine_tests!(classification_is_checked_for_role_scope_and_version, |db| {
        let store = &db.store;
        institution(store, "BANK-A").await;
        let i =
            incident("A-1", "BANK-A", "2024-05-01T09:00:00+09:00", "unknown", "ATM停止", "待機系に切り替わらなかった");
        let i = store.create_incident(&i, &ctx()).await.unwrap();
        let register = Register::new(store.clone());
        let analyst = user(Role::Analyst, UserScope::All);
        let reporter = user(Role::Reporter, UserScope::All);
        let elsewhere = user(Role::Analyst, UserScope::Institutions(vec![code("BANK-B")]));
        let trend = Trend::OperationsRedundancy;
        let key = IncidentKey::Id(i.id);
        let err = register.reclassify_incident(&reporter, &key, Some(i.version), trend).await.unwrap_err();
        assert!(matches!(err, AppError::Forbidden), "{err:?}");
        assert!(err.message(Lang::Ja).contains("権限"));
        let err = register.reclassify_incident(&elsewhere, &key, Some(i.version), trend).await.unwrap_err();
        assert!(matches!(err, AppError::NotFound { .. }), "{err:?}");
        let err = register.reclassify_incident(&analyst, &key, Some(i.version + 1), trend).await.unwrap_err();
        assert!(matches!(err, AppError::Conflict { current_version: Some(v), .. } if v == i.version), "{err:?}");
        let saved = register.reclassify_incident(&analyst, &key, Some(i.version), trend).await.unwrap();
        assert_eq!(saved.version, i.version + 1);
        assert_eq!(saved.value.classification.trend(), trend);
        assert_eq!(saved.value.classification.trigger(), opres_domain::Trigger::Operations);
        // The old version is now stale: a second accept from the same page is refused.
        let err = register.reclassify_incident(&analyst, &key, Some(i.version), Trend::WorkMisoperation).await;
        assert!(matches!(err, Err(AppError::Conflict { .. })));
        // The rules suggest from the text on day one.
        let service = AnalysisService::new();
        let c = service.classifier(&register).await.unwrap();
        assert!(c.stored.is_none());
        let s = service.suggest(&register, &analyst, &saved.value).await.unwrap().suggestion;
        assert_eq!(s.trend, Trend::OperationsRedundancy, "{s:?}");
        assert!(!s.reasons.is_empty());
        // Outside the actor's institutions the incident does not exist.
        assert!(matches!(service.suggest(&register, &elsewhere, &saved.value).await, Err(AppError::NotFound { .. })));
        assert!(matches!(register.recurrence_of(&elsewhere, &saved.value).await, Err(AppError::NotFound { .. })));
    });

    engine_tests!(trained_model_is_stored_in_the_register_and_used, |db| {
        let store = &db.store;
        let data = opres_synthetic::generate(&opres_synthetic::GenParams {
            institutions: 3,
            incidents: 120,
            seed: 5,
            now: chrono::Utc::now(),
            fiscal_years: 2,
        });
        store.import(&data, &ctx()).await.unwrap();
        let register = Register::new(store.clone());
        let service = AnalysisService::new();
        assert_eq!(service.classifier(&register).await.unwrap().version, 0);
        let params = TrainParams {
            folds: 3,
            learn: LearnParams { epochs: 5, ..LearnParams::default() },
            ..TrainParams::default()
        };
        let stored = register.train_classifier(params, &ctx()).await.unwrap();
        let doc = store.document(DocumentKind::ClassifierModel, CLASSIFIER_KEY).await.unwrap().unwrap();
        assert_eq!(doc.version, 1);
        let in_use = service.classifier(&register).await.unwrap();
        assert_eq!(in_use.version, 1);
        assert_eq!(in_use.classifier.kind(), stored.chosen);
        assert!(in_use.explain(Lang::En).contains("cross-validation"));
        // Training again replaces it (version-checked), and the service notices.
        register.train_classifier(params, &ctx()).await.unwrap();
        assert_eq!(service.classifier(&register).await.unwrap().version, 2);
    });

    engine_tests!(trends_and_the_report_stay_within_scope, |db| {
        let store = &db.store;
        institution(store, "BANK-A").await;
        institution(store, "BANK-B").await;
        for (r, inst, at, trend) in [
            ("A-1", "BANK-A", "2024-05-01T09:00:00+09:00", "operations.storage"),
            ("A-2", "BANK-A", "2024-08-01T09:00:00+09:00", "operations.storage"),
            ("B-1", "BANK-B", "2024-06-01T09:00:00+09:00", "cyber.ddos"),
            ("B-2", "BANK-B", "2023-06-01T09:00:00+09:00", "cyber.ddos"),
        ] {
            store.create_incident(&incident(r, inst, at, trend, "障害", "ディスク容量不足"), &ctx()).await.unwrap();
        }
        let register = Register::new(store.clone());
        let fy = opres_domain::FiscalYear(2024);
        let all = register.trend_analysis(&analyst(None), None, TrendParams::default()).await.unwrap();
        assert_eq!(all.totals.iter().sum::<u64>(), 4);
        let a = [code("BANK-A")];
        let mine = register.trend_analysis(&analyst(Some(&a)), None, TrendParams::default()).await.unwrap();
        assert_eq!(mine.totals.iter().sum::<u64>(), 2);
        // Narrowed by the CLI's --institution, never widened past the actor's scope.
        let b = [code("BANK-B")];
        let narrowed = register.trend_analysis(&analyst(None), Some(&b), TrendParams::default()).await.unwrap();
        assert_eq!(narrowed.totals.iter().sum::<u64>(), 2);
        let none = register.trend_analysis(&analyst(Some(&a)), Some(&b), TrendParams::default()).await.unwrap();
        assert_eq!(none.totals.iter().sum::<u64>(), 0);
        let report = register
            .analysis_report(&analyst(Some(&a)), ReportOptions::new(fy, Lang::Ja, after_fy2024()))
            .await
            .unwrap();
        assert_eq!(report.total, 2);
        assert_eq!(report.institutions_reporting, 1);
        assert!(!report.to_html().contains("BANK-B"));
        let report =
            register.analysis_report(&analyst(None), ReportOptions::new(fy, Lang::En, after_fy2024())).await.unwrap();
        assert_eq!((report.total, report.previous_total), (3, 1));
        // A-2 repeats A-1's system-less cause within six months: same text, same institution.
        let a2 = store.incident_by_reference(&IncidentRef::parse("A-2").unwrap()).await.unwrap().unwrap();
        let chain = register.recurrence_of(&analyst(None), &a2.value).await.unwrap().expect("a chain");
        assert_eq!(chain.incidents.len(), 2);
        let o = register.analysis_overview(&analyst(Some(&a)), fy, after_fy2024(), 5).await.unwrap();
        assert_eq!(o.all_years.totals.iter().sum::<u64>(), 2);
        assert_eq!((o.recurring, o.chains), (1, 1));
        let o = register.analysis_overview(&analyst(None), fy, after_fy2024(), 5).await.unwrap();
        assert_eq!(o.all_years.fiscal_years.len(), 2);
        assert_eq!(o.year.totals, [3]);
        assert_eq!(o.compared.totals, [1, 3]);
    });

    /// A day after FY2024 has ended.
    fn after_fy2024() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()
    }

    fn timed(mut i: Incident, detect_min: i64, recover_min: i64) -> Incident {
        let occ = i.times.occurred_at();
        let m = chrono::Duration::minutes;
        i.times =
            opres_domain::IncidentTimes::new(occ, occ + m(detect_min), None, Some(occ + m(recover_min)), None, None)
                .unwrap();
        i
    }

    engine_tests!(overview_and_report_give_the_same_median_time_to_recover, |db| {
        let store = &db.store;
        institution(store, "BANK-A").await;
        // Malware, recovered after 1, 2 and 4 days; a fourth detected two days after its
        // recovery, which the old trend MTTR (recovered − detected) turned into a negative or
        // zero time: now it is left out of both figures and counted.
        for (r, at, det, rec) in [
            ("M-1", "2024-05-01T09:00:00+09:00", 60, 1440),
            ("M-2", "2024-06-01T09:00:00+09:00", 120, 2 * 1440),
            ("M-3", "2024-07-01T09:00:00+09:00", 30, 4 * 1440),
            ("M-4", "2024-08-01T09:00:00+09:00", 4 * 1440, 2 * 1440),
        ] {
            let i = timed(incident(r, "BANK-A", at, "cyber.malware", "マルウェア感染", "マルウェア"), det, rec);
            store.create_incident(&i, &ctx()).await.unwrap();
        }
        let register = Register::new(store.clone());
        let fy = FiscalYear(2024);
        let o = register.analysis_overview(&analyst(None), fy, after_fy2024(), 5).await.unwrap();
        let report =
            register.analysis_report(&analyst(None), ReportOptions::new(fy, Lang::En, after_fy2024())).await.unwrap();
        let malware = o.year.times_by_trend.iter().find(|t| t.trend == Trend::CyberMalware).unwrap();
        let overview_median = malware.mttr.as_ref().unwrap().median;
        assert_eq!(overview_median, 2.0 * 1440.0);
        assert_eq!(o.year.times.mttr.as_ref().map(|d| d.median), Some(overview_median));
        assert_eq!(report.median_recovery_minutes, Some(overview_median));
        assert_eq!(malware.inconsistent, 1);
        assert_eq!(report.inconsistent_times, 1);
        let in_report = report.trends.times_by_trend.iter().find(|t| t.trend == Trend::CyberMalware).unwrap();
        assert_eq!(in_report.mttr.as_ref().unwrap().median, overview_median);
    });
}
