//! The TLPT programme over the register: programmes and the ATT&CK catalogue, stored as
//! versioned documents and validated by the TLPT engine.
//!
//! A programme is one document of kind `tlpt_programme`, keyed by its group code, with the register
//! institution it belongs to (so a scoped user sees only their own institution's programmes). Every
//! change loads the whole programme, applies one edit through the engine, validates the result and saves
//! it whole against the version the edit was based on: two editors cannot overwrite each other, and a
//! programme that breaks a rule is never stored. ATT&CK catalogues are documents of kind
//! `attack_catalogue`, keyed by their domain (`enterprise-attack`, `ics-attack`), shared by everyone.

use crate::{Actor, AppError, Permission, Register, ReportFile, today};
use chrono::{DateTime, NaiveDate, Utc};
use opres_domain::report::ReportFormat;
use opres_domain::{Bilingual, FieldError, InstitutionCode, JST, Lang, Problem, ValidationErrors, Yen};
use opres_store::{AuditContext, Document, DocumentKind, DocumentSummary, StoreError};
use opres_tlpt::assess::{self, AssessOptions, Assessment};
use opres_tlpt::attack::navigator::{self, NavigatorLayer, OverlayError};
use opres_tlpt::attack::{AttackCatalogue, StixError};
use opres_tlpt::codes::{FindingStatus, RootCause, Severity};
use opres_tlpt::metrics::{self, EngagementMetrics};
use opres_tlpt::model::{BlueTeamDisclosure, ResourceEstimate};
use opres_tlpt::report::{self, ManagementReport};
use opres_tlpt::rollout::{self, CheckAnswer};
use opres_tlpt::{
    Engagement, EngagementId, Finding, FindingId, SystemRef, TechniqueId, TlptError, TlptProgramme, recurrence,
};

/// Why a TLPT use case refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum TlptAppError {
    /// The programme file, or the programme after an edit, breaks the engine's rules (every problem by path),
    /// or names an engagement or finding that does not exist.
    #[error("{}", .0.message(Lang::En))]
    Engine(#[from] TlptError),
    /// The ATT&CK bundle could not be imported.
    #[error("{}", .0.message(Lang::En))]
    Stix(#[from] StixError),
    /// A form's fields are wrong: every problem, by field.
    #[error("{0}")]
    Form(ValidationErrors),
    /// No programme has this key.
    #[error("there is no TLPT programme '{0}'")]
    NoProgramme(String),
    /// The institution the programme should belong to is not in the register.
    #[error("institution '{0}' is not registered; register it first or name another with --institution")]
    UnknownInstitution(String),
    /// A programme with this group code is already stored.
    #[error("a TLPT programme for group '{0}' is already stored; replace it explicitly (opres tlpt import --replace)")]
    AlreadyExists(String),
    /// Someone saved the programme after this edit's page was loaded.
    #[error(
        "TLPT programme '{key}' was changed by someone else (now version {current_version}); reload and apply your change again"
    )]
    Conflict {
        /// Programme key.
        key: String,
        /// The version now stored.
        current_version: i64,
    },
    /// A stored document no longer reads (edited outside opres, or an older format).
    #[error("the stored {what} '{key}' cannot be read: {reason}")]
    Corrupt {
        /// `TLPT programme` or `ATT&CK catalogue`.
        what: &'static str,
        /// Its key.
        key: String,
        /// Why.
        reason: String,
    },
    /// A replacement file names another group than the programme it should replace.
    #[error("the file's group code '{found}' is not the programme being replaced ('{key}')")]
    KeyMismatch {
        /// The programme being replaced.
        key: String,
        /// The group code in the file.
        found: String,
    },
    /// An actor overlay was asked for without imported ATT&CK data.
    #[error("an actor overlay needs ATT&CK data (opres attack import)")]
    NoCatalogue,
    /// The actor overlay names no intrusion set, or one the catalogue does not hold.
    #[error("{}", .0.message(Lang::En))]
    Overlay(#[from] OverlayError),
    /// The actor's role does not allow changing TLPT programmes or the ATT&CK catalogue.
    #[error("your role does not allow changing TLPT programmes or the ATT&CK catalogue")]
    Forbidden,
    /// The store failed.
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for TlptAppError {
    fn from(e: StoreError) -> TlptAppError {
        match e {
            StoreError::Conflict { key, current_version, .. } => TlptAppError::Conflict { key, current_version },
            StoreError::AlreadyExists { key, .. } => TlptAppError::AlreadyExists(key),
            StoreError::NotFound { key, .. } => TlptAppError::NoProgramme(key),
            other => TlptAppError::Store(other),
        }
    }
}

impl TlptAppError {
    /// The message in the given language.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (TlptAppError::Engine(e), _) => e.message(lang),
            (TlptAppError::Stix(e), _) => e.message(lang),
            (TlptAppError::Form(e), _) => e.message(lang),
            (TlptAppError::Store(e), _) => e.message(lang),
            (TlptAppError::NoProgramme(k), Lang::Ja) => format!("TLPTプログラム「{k}」は登録されていません"),
            (TlptAppError::UnknownInstitution(c), Lang::Ja) => format!(
                "金融機関「{c}」は登録されていません。先に登録するか、--institution で別の金融機関を指定してください"
            ),
            (TlptAppError::AlreadyExists(k), Lang::Ja) => format!(
                "グループ「{k}」のTLPTプログラムは既に登録されています。置き換える場合は明示してください（opres tlpt import --replace）"
            ),
            (TlptAppError::Conflict { key, current_version }, Lang::Ja) => format!(
                "TLPTプログラム「{key}」は他の利用者が先に更新しました（現在の版: {current_version}）。再読み込みしてから変更し直してください"
            ),
            (TlptAppError::Overlay(e), _) => e.message(lang),
            (TlptAppError::KeyMismatch { key, found }, Lang::Ja) => {
                format!("ファイルのグループコード「{found}」が、置き換えるプログラム「{key}」と一致しません")
            }
            (TlptAppError::NoCatalogue, Lang::Ja) => {
                "攻撃者の重ね合わせには ATT&CK データが必要です（opres attack import）".to_string()
            }
            (TlptAppError::Forbidden, Lang::Ja) => {
                "この役割では TLPT プログラムや ATT&CK データを変更できません".to_string()
            }
            (TlptAppError::Corrupt { what, key, reason }, Lang::Ja) => {
                let what = if *what == "ATT&CK catalogue" { "ATT&CKデータ" } else { "TLPTプログラム" };
                format!("保存されている{what}「{key}」を読み込めません: {reason}")
            }
            (e, Lang::En) => e.to_string(),
        }
    }

    /// The form problems, when the error is about the user's input field by field.
    pub fn fields(&self) -> Option<&ValidationErrors> {
        match self {
            TlptAppError::Form(e) => Some(e),
            TlptAppError::Engine(TlptError::Invalid(e)) => Some(e),
            _ => None,
        }
    }
}

/// A stored programme with what the store knows about it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredProgramme {
    /// Its key: the group code.
    pub key: String,
    /// The register institution it belongs to (scoping).
    pub institution: Option<String>,
    /// Optimistic-concurrency version; an edit must name it.
    pub version: i64,
    /// When it was last saved.
    pub updated_at: DateTime<Utc>,
    /// The validated programme.
    pub programme: TlptProgramme,
}

/// What an import stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgrammeImported {
    /// Programme key (group code).
    pub key: String,
    /// The version now stored (1 when created).
    pub version: i64,
    /// Whether a stored programme was replaced.
    pub replaced: bool,
    /// Engagements and findings in it.
    pub engagements: usize,
    /// Findings in it.
    pub findings: usize,
}

/// Key of the ATT&CK catalogue the programme pages use by default.
pub const ENTERPRISE: &str = "enterprise-attack";

fn title_of(p: &TlptProgramme) -> String {
    let ja = p.group.name.get(Lang::Ja);
    let en = p.group.name.get(Lang::En);
    if ja == en { ja.to_string() } else { format!("{ja} / {en}") }
}

fn form_error(field: &str, problem: Problem) -> TlptAppError {
    TlptAppError::Form(ValidationErrors(vec![FieldError { field: field.into(), problem }]))
}

impl Register {
    /// Programmes the actor may see, by key.
    pub async fn tlpt_programmes(&self, actor: &Actor) -> Result<Vec<DocumentSummary>, TlptAppError> {
        let all = self.store().list_documents(DocumentKind::TlptProgramme).await?;
        Ok(all.into_iter().filter(|d| visible(actor, d.institution.as_deref())).collect())
    }

    /// One programme the actor may see, validated on reading; `None` when no programme has the key
    /// or it belongs to an institution outside the actor's scope (so its existence does not leak).
    pub async fn tlpt_programme(&self, actor: &Actor, key: &str) -> Result<Option<StoredProgramme>, TlptAppError> {
        Ok(self.load_programme(key).await?.filter(|p| visible(actor, p.institution.as_deref())))
    }

    /// One programme the actor may see, or [`TlptAppError::NoProgramme`].
    pub async fn require_tlpt_programme(&self, actor: &Actor, key: &str) -> Result<StoredProgramme, TlptAppError> {
        self.tlpt_programme(actor, key).await?.ok_or_else(|| TlptAppError::NoProgramme(key.to_string()))
    }

    /// One engagement of a programme the actor may see, with the ATT&CK catalogue its pages use:
    /// what the engagement's pages, the API and the command line read.
    pub async fn tlpt_engagement(
        &self,
        actor: &Actor,
        key: &str,
        engagement: &str,
    ) -> Result<EngagementRead, TlptAppError> {
        let stored = self.require_tlpt_programme(actor, key).await?;
        let catalogue = self.default_attack_catalogue().await?;
        EngagementRead::new(stored, engagement, catalogue)
    }

    /// A programme regardless of scope (for the checks inside the use cases).
    #[tracing::instrument(skip(self))]
    async fn load_programme(&self, key: &str) -> Result<Option<StoredProgramme>, TlptAppError> {
        let Some(doc) = self.store().document(DocumentKind::TlptProgramme, key).await? else { return Ok(None) };
        let programme = TlptProgramme::from_json(&doc.value.body).map_err(|e| TlptAppError::Corrupt {
            what: "TLPT programme",
            key: key.to_string(),
            reason: e.message(Lang::En),
        })?;
        Ok(Some(StoredProgramme {
            key: doc.value.key,
            institution: doc.value.institution,
            version: doc.version,
            updated_at: doc.updated_at,
            programme,
        }))
    }

    /// Imports a programme file for a register institution: validated whole (every problem by path), then
    /// stored in one transaction. An existing programme of the same group is replaced only when `replace`
    /// is set; `expected_version` (when given) must match the stored one. The institution must be in
    /// the actor's scope, and a programme of another institution is never theirs to replace.
    #[tracing::instrument(skip(self, actor, json))]
    pub async fn import_tlpt_programme(
        &self,
        actor: &Actor,
        json: &str,
        institution: &InstitutionCode,
        replace: bool,
        expected_version: Option<i64>,
    ) -> Result<ProgrammeImported, TlptAppError> {
        require_edit(actor)?;
        let p = TlptProgramme::from_json(json)?;
        if !actor.sees(institution) || self.store().institution(institution).await?.is_none() {
            return Err(TlptAppError::UnknownInstitution(institution.to_string()));
        }
        let key = p.group.code.to_string();
        let current = self.store().document(DocumentKind::TlptProgramme, &key).await?;
        let expected = match (&current, replace) {
            (None, _) => None,
            (Some(c), true) if visible(actor, c.value.institution.as_deref()) => {
                Some(expected_version.unwrap_or(c.version))
            }
            (Some(_), _) => return Err(TlptAppError::AlreadyExists(key)),
        };
        let saved = self.save_programme(&p, Some(institution.to_string()), expected, &actor.audit()).await?;
        Ok(ProgrammeImported {
            key,
            version: saved.version,
            replaced: current.is_some(),
            engagements: p.engagements.len(),
            findings: p.findings.len(),
        })
    }

    /// Replaces a stored programme with a new file, based on `version`: the file's group code must
    /// be the key, and the programme stays with the institution it belongs to.
    #[tracing::instrument(skip(self, actor, json))]
    pub async fn replace_tlpt_programme(
        &self,
        actor: &Actor,
        key: &str,
        json: &str,
        version: i64,
    ) -> Result<ProgrammeImported, TlptAppError> {
        require_edit(actor)?;
        let current = self.require_tlpt_programme(actor, key).await?;
        let p = TlptProgramme::from_json(json)?;
        if p.group.code.as_str() != key {
            return Err(TlptAppError::KeyMismatch { key: key.to_string(), found: p.group.code.to_string() });
        }
        if current.version != version {
            return Err(TlptAppError::Conflict { key: key.to_string(), current_version: current.version });
        }
        let saved = self.save_programme(&p, current.institution, Some(version), &actor.audit()).await?;
        Ok(ProgrammeImported {
            key: key.to_string(),
            version: saved.version,
            replaced: true,
            engagements: p.engagements.len(),
            findings: p.findings.len(),
        })
    }

    async fn save_programme(
        &self,
        p: &TlptProgramme,
        institution: Option<String>,
        expected_version: Option<i64>,
        ctx: &AuditContext,
    ) -> Result<DocumentSummary, TlptAppError> {
        // Never store what would not read back.
        p.validate().map_err(TlptError::Invalid)?;
        let doc = Document {
            kind: DocumentKind::TlptProgramme,
            key: p.group.code.to_string(),
            institution,
            title: title_of(p),
            body: p.to_json(),
        };
        Ok(self.store().save_document(&doc, expected_version, ctx).await?)
    }

    /// The programme file as stored (`opres-tlpt/1` JSON), for export.
    pub async fn export_tlpt_programme(&self, actor: &Actor, key: &str) -> Result<String, TlptAppError> {
        Ok(self.require_tlpt_programme(actor, key).await?.programme.to_json())
    }

    /// Applies one edit to a stored programme, based on `version`: the edit runs on the loaded
    /// programme, the result is validated and saved whole, or nothing changes. Returns the edit's result
    /// and the new version.
    pub async fn edit_tlpt_programme<T>(
        &self,
        actor: &Actor,
        key: &str,
        version: i64,
        edit: impl FnOnce(&mut TlptProgramme) -> Result<T, TlptAppError>,
    ) -> Result<(T, i64), TlptAppError> {
        require_edit(actor)?;
        let stored = self.require_tlpt_programme(actor, key).await?;
        if stored.version != version {
            return Err(TlptAppError::Conflict { key: key.to_string(), current_version: stored.version });
        }
        let mut p = stored.programme;
        let out = edit(&mut p)?;
        if p.group.code.as_str() != key {
            return Err(form_error("group.code", Problem::UnknownReference { value: p.group.code.to_string() }));
        }
        let saved = self.save_programme(&p, stored.institution, Some(version), &actor.audit()).await?;
        Ok((out, saved.version))
    }

    /// Records a new finding, or changes an existing one (same id), then links it to the earlier findings
    /// it recurs (links only: nothing is merged or hidden). Returns the number of recurrence links added.
    pub async fn record_tlpt_finding(
        &self,
        actor: &Actor,
        key: &str,
        version: i64,
        form: &FindingForm,
    ) -> Result<(usize, i64), TlptAppError> {
        self.edit_tlpt_programme(actor, key, version, |p| {
            let f = form.apply(p)?;
            let id = f.id.clone();
            let engagement = f.engagement.clone();
            match p.findings.iter_mut().find(|x| x.id == id) {
                Some(existing) => *existing = f,
                None => p.findings.push(f),
            }
            let cands = recurrence::find_recurrences(p, engagement.as_str(), &Default::default())?;
            let mine: Vec<_> = cands.into_iter().filter(|c| c.finding == id).collect();
            Ok(recurrence::link(p, &mine, today()))
        })
        .await
    }

    /// Links every recurrence the similarity search finds for an engagement's findings.
    pub async fn link_tlpt_recurrences(
        &self,
        actor: &Actor,
        key: &str,
        version: i64,
        engagement: &str,
    ) -> Result<(usize, i64), TlptAppError> {
        self.edit_tlpt_programme(actor, key, version, |p| link_recurrences(p, engagement)).await
    }

    /// Instructs the horizontal rollout of a finding: a not-checked record for every other system and group
    /// company that has none yet. Returns how many records were added.
    pub async fn plan_tlpt_rollout(
        &self,
        actor: &Actor,
        key: &str,
        version: i64,
        finding: &str,
        due: Option<NaiveDate>,
    ) -> Result<(usize, i64), TlptAppError> {
        let finding = FindingId::parse(finding).map_err(|_| TlptError::UnknownFinding(finding.to_string()))?;
        self.edit_tlpt_programme(actor, key, version, |p| {
            let records = rollout::plan(p, &finding, today(), due)?;
            let n = records.len();
            p.rollout.extend(records);
            Ok(n)
        })
        .await
    }

    /// Records the answer to the rollout record at `index`; "present" creates a new finding with
    /// `new_finding` as its id (or the next free `<original>-R<n>`). Returns the new finding's id.
    pub async fn record_tlpt_rollout_check(
        &self,
        actor: &Actor,
        key: &str,
        version: i64,
        form: &RolloutCheckForm,
    ) -> Result<(Option<FindingId>, i64), TlptAppError> {
        self.edit_tlpt_programme(actor, key, version, |p| {
            let (index, answer, checked_on) = form.parse(p)?;
            Ok(rollout::record_check(p, index, answer, checked_on)?)
        })
        .await
    }

    /// Records (or clears, with an empty time) when the blue team was told about an engagement, and whom.
    pub async fn record_tlpt_blue_team_notice(
        &self,
        actor: &Actor,
        key: &str,
        version: i64,
        engagement: &str,
        form: &BlueTeamForm,
    ) -> Result<((), i64), TlptAppError> {
        let notice = form.parse()?;
        self.edit_tlpt_programme(actor, key, version, |p| {
            let e = p
                .engagements
                .iter_mut()
                .find(|e| e.id.as_str() == engagement)
                .ok_or_else(|| TlptError::UnknownEngagement(engagement.to_string()))?;
            e.blue_team_told = notice;
            Ok(())
        })
        .await
    }

    /// Imports an ATT&CK STIX bundle (2.0 or 2.1) and stores it under its domain, replacing an earlier
    /// import of the same domain.
    #[tracing::instrument(skip(self, actor, json))]
    pub async fn import_attack_catalogue(
        &self,
        actor: &Actor,
        json: &str,
    ) -> Result<(AttackCatalogue, DocumentSummary), TlptAppError> {
        require_edit(actor)?;
        let cat = AttackCatalogue::from_stix_json(json)?;
        let body = serde_json::to_string(&cat).map_err(|e| TlptAppError::Corrupt {
            what: "ATT&CK catalogue",
            key: cat.domain.clone(),
            reason: e.to_string(),
        })?;
        let current = self.store().document(DocumentKind::AttackCatalogue, &cat.domain).await?;
        let title = match &cat.attack_version {
            Some(v) => format!("{} v{v}", cat.domain),
            None => cat.domain.clone(),
        };
        let doc =
            Document { kind: DocumentKind::AttackCatalogue, key: cat.domain.clone(), institution: None, title, body };
        let saved = self.store().save_document(&doc, current.map(|c| c.version), &actor.audit()).await?;
        Ok((cat, saved))
    }

    /// The imported ATT&CK catalogues, by domain.
    pub async fn attack_catalogues(&self) -> Result<Vec<DocumentSummary>, TlptAppError> {
        Ok(self.store().list_documents(DocumentKind::AttackCatalogue).await?)
    }

    /// One imported catalogue.
    pub async fn attack_catalogue(&self, domain: &str) -> Result<Option<AttackCatalogue>, TlptAppError> {
        let Some(doc) = self.store().document(DocumentKind::AttackCatalogue, domain).await? else { return Ok(None) };
        serde_json::from_str(&doc.value.body).map(Some).map_err(|e| TlptAppError::Corrupt {
            what: "ATT&CK catalogue",
            key: domain.to_string(),
            reason: e.to_string(),
        })
    }

    /// The catalogue the programme pages use: Enterprise ATT&CK when imported, else the first imported.
    pub async fn default_attack_catalogue(&self) -> Result<Option<AttackCatalogue>, TlptAppError> {
        if let Some(c) = self.attack_catalogue(ENTERPRISE).await? {
            return Ok(Some(c));
        }
        match self.attack_catalogues().await?.first() {
            Some(d) => self.attack_catalogue(&d.key).await,
            None => Ok(None),
        }
    }
}

/// Assessment options for today with a catalogue (the engine's defaults otherwise).
pub fn assess_options(catalogue: Option<&AttackCatalogue>) -> AssessOptions<'_> {
    let mut o = AssessOptions::new(today());
    o.catalogue = catalogue;
    o
}

/// Stores the demo group's programme (three engagements, TLPT-BK-2 falling short) for one register
/// institution, unless a programme of that group is already stored. Returns whether it was stored.
pub async fn load_demo(
    register: &Register,
    actor: &Actor,
    institution: &InstitutionCode,
) -> Result<bool, TlptAppError> {
    let p = opres_tlpt::demo::demo_programme(Utc::now());
    if register.store().document(DocumentKind::TlptProgramme, p.group.code.as_str()).await?.is_some() {
        return Ok(false);
    }
    register.import_tlpt_programme(actor, &p.to_json(), institution, false, None).await?;
    Ok(true)
}

/// Links every recurrence the similarity search finds for an engagement's findings, in the
/// programme (links only: nothing is merged or hidden). Returns the number of links added.
pub fn link_recurrences(p: &mut TlptProgramme, engagement: &str) -> Result<usize, TlptAppError> {
    let cands = recurrence::find_recurrences(p, engagement, &Default::default())?;
    Ok(recurrence::link(p, &cands, today()))
}

/// Whether the actor may see a programme stored for this institution (none: only actors who see
/// every institution).
fn visible(actor: &Actor, institution: Option<&str>) -> bool {
    match institution.map(InstitutionCode::parse) {
        Some(Ok(code)) => actor.sees(&code),
        _ => actor.scope_filter().is_none(),
    }
}

/// Changing programmes and the catalogue needs [`Permission::EditTlpt`], whatever the object.
fn require_edit(actor: &Actor) -> Result<(), TlptAppError> {
    if actor.can(Permission::EditTlpt) { Ok(()) } else { Err(TlptAppError::Forbidden) }
}

/// Which ATT&CK Navigator layer of an engagement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LayerKind {
    /// The techniques the engagement tested, and whether they were detected.
    Coverage,
    /// The techniques of the named intrusion sets over the tested ones (the engagement's own
    /// threat-intelligence actors when the list is empty).
    Actors(Vec<String>),
}

/// One engagement of a programme and the ATT&CK catalogue, read once: every engine read of the
/// engagement (assessment, metrics, management report, Navigator layers) for the pages, the API
/// and the command line, with today's date in JST.
#[derive(Debug, Clone)]
pub struct EngagementRead {
    /// The programme as stored (or as read from a file by the command line).
    pub stored: StoredProgramme,
    /// The imported ATT&CK catalogue the reads use, if any.
    pub catalogue: Option<AttackCatalogue>,
    index: usize,
}

impl EngagementRead {
    /// The engagement `engagement` of a programme, or [`TlptError::UnknownEngagement`].
    pub fn new(
        stored: StoredProgramme,
        engagement: &str,
        catalogue: Option<AttackCatalogue>,
    ) -> Result<EngagementRead, TlptAppError> {
        let index = stored
            .programme
            .engagements
            .iter()
            .position(|e| e.id.as_str() == engagement)
            .ok_or_else(|| TlptError::UnknownEngagement(engagement.to_string()))?;
        Ok(EngagementRead { stored, catalogue, index })
    }

    /// An engagement of a programme read from a file (the command line without `--id`): not
    /// stored, so version 0 and no institution.
    pub fn from_file(
        programme: TlptProgramme,
        engagement: &str,
        catalogue: Option<AttackCatalogue>,
    ) -> Result<EngagementRead, TlptAppError> {
        let stored = StoredProgramme {
            key: programme.group.code.to_string(),
            institution: None,
            version: 0,
            updated_at: Utc::now(),
            programme,
        };
        EngagementRead::new(stored, engagement, catalogue)
    }

    /// The programme.
    pub fn programme(&self) -> &TlptProgramme {
        &self.stored.programme
    }

    /// The engagement.
    pub fn engagement(&self) -> &Engagement {
        &self.stored.programme.engagements[self.index]
    }

    fn options(&self) -> AssessOptions<'_> {
        assess_options(self.catalogue.as_ref())
    }

    /// The assessment against the source's good practices.
    pub fn assessment(&self) -> Result<Assessment, TlptAppError> {
        Ok(assess::assess(self.programme(), self.engagement().id.as_str(), &self.options())?)
    }

    /// Detection, response and phishing metrics.
    pub fn metrics(&self) -> EngagementMetrics {
        metrics::compute(self.engagement(), self.catalogue.as_ref())
    }

    /// The management report as a document.
    pub fn report(&self, lang: Lang) -> Result<ManagementReport, TlptAppError> {
        Ok(report::build(self.programme(), self.engagement().id.as_str(), lang, &self.options())?)
    }

    /// The management report as the file a user downloads (HTML, Markdown or Excel).
    pub fn report_file(&self, lang: Lang, format: ReportFormat) -> Result<ReportFile, AppError> {
        let r = self.report(lang).map_err(AppError::from)?;
        crate::report_file(&r.document, format, &format!("tlpt-report-{}", self.engagement().id))
    }

    /// An ATT&CK Navigator layer. An actor overlay needs the imported catalogue and intrusion
    /// sets it holds.
    pub fn layer(&self, kind: &LayerKind, lang: Lang) -> Result<NavigatorLayer, TlptAppError> {
        let e = self.engagement();
        match kind {
            LayerKind::Coverage => Ok(navigator::coverage_layer(&[e], self.catalogue.as_ref(), lang)),
            LayerKind::Actors(sets) => {
                let cat = self.catalogue.as_ref().ok_or(TlptAppError::NoCatalogue)?;
                let chosen = if sets.is_empty() { actor_sets(e) } else { sets.clone() };
                let names: Vec<&str> = chosen.iter().map(String::as_str).collect();
                Ok(navigator::actor_overlay(&[e], cat, &names, lang)?)
            }
        }
    }
}

/// The intrusion sets an engagement's threat intelligence names (the default actor overlay).
pub fn actor_sets(e: &Engagement) -> Vec<String> {
    let mut sets: Vec<String> = e.actors.iter().flat_map(|a| a.intrusion_sets.iter().cloned()).collect();
    sets.sort();
    sets.dedup();
    sets
}

fn opt(s: &str) -> Option<&str> {
    let s = s.trim();
    (!s.is_empty()).then_some(s)
}

fn date(errs: &mut ValidationErrors, field: &str, raw: &str) -> Option<NaiveDate> {
    let raw = opt(raw)?;
    match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errs.push(field, Problem::BadFormat { value: raw.to_string(), hint: "YYYY-MM-DD" });
            None
        }
    }
}

fn code<T: std::str::FromStr>(
    errs: &mut ValidationErrors,
    field: &str,
    raw: &str,
    all: Vec<&'static str>,
) -> Option<T> {
    match opt(raw) {
        None => {
            errs.push(field, Problem::Required);
            None
        }
        Some(v) => match v.parse() {
            Ok(c) => Some(c),
            Err(_) => {
                errs.push(field, Problem::UnknownCode { value: v.to_string(), expected: all });
                None
            }
        },
    }
}

fn number(errs: &mut ValidationErrors, field: &str, raw: &str) -> Option<u64> {
    let raw = opt(raw)?.replace(',', "");
    match raw.parse::<u64>() {
        Ok(n) => Some(n),
        Err(_) if raw.starts_with('-') => {
            errs.push(field, Problem::Negative { value: raw });
            None
        }
        Err(_) => {
            errs.push(field, Problem::NotANumber { value: raw });
            None
        }
    }
}

/// A finding as entered in a form or an API body (every field text; checked by
/// [`FindingForm::apply`]). Fields left out of a body are empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct FindingForm {
    /// Finding id: new, or an existing finding's to change it.
    pub id: String,
    /// Engagement id.
    pub engagement: String,
    /// `YYYY-MM-DD`; today when empty.
    pub identified_on: String,
    /// Title in Japanese.
    pub title_ja: String,
    /// Title in English.
    pub title_en: String,
    /// Description (in the user's language).
    pub description: String,
    /// Severity code.
    pub severity: String,
    /// Root-cause code.
    pub root_cause: String,
    /// Root cause in words.
    pub root_cause_note: String,
    /// ATT&CK technique (`T1566.001`).
    pub technique: String,
    /// Affected systems, `ENTITY/SYSTEM`, separated by commas or spaces.
    pub systems: String,
    /// `on` / `true` when it could have enterprise-wide impact.
    pub enterprise_wide: String,
    /// Recommendation.
    pub recommendation: String,
    /// Owner of the fix.
    pub owner: String,
    /// Due date.
    pub due: String,
    /// Status code.
    pub status: String,
    /// Effort in person-days.
    pub person_days: String,
    /// Cost in yen.
    pub cost: String,
    /// Language the free texts were written in (they fill that language only); an API body
    /// takes the request's language.
    #[serde(skip)]
    pub lang: Option<Lang>,
}

impl FindingForm {
    /// The form of an existing finding (for editing).
    pub fn of(f: &Finding, lang: Lang) -> FindingForm {
        FindingForm {
            id: f.id.to_string(),
            engagement: f.engagement.to_string(),
            identified_on: f.identified_on.to_string(),
            title_ja: f.title.ja.clone().unwrap_or_default(),
            title_en: f.title.en.clone().unwrap_or_default(),
            description: f.description.get(lang).to_string(),
            severity: f.severity.code().into(),
            root_cause: f.root_cause.code().into(),
            root_cause_note: f.root_cause_note.as_ref().map(|t| t.get(lang).to_string()).unwrap_or_default(),
            technique: f.technique.as_ref().map(|t| t.to_string()).unwrap_or_default(),
            systems: f.systems.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(", "),
            enterprise_wide: if f.enterprise_wide { "on".into() } else { String::new() },
            recommendation: f.recommendation.get(lang).to_string(),
            owner: f.owner.clone(),
            due: f.due.map(|d| d.to_string()).unwrap_or_default(),
            status: f.status.code().into(),
            person_days: f.resources.and_then(|r| r.person_days).map(|n| n.to_string()).unwrap_or_default(),
            cost: f.resources.and_then(|r| r.cost).map(|c| c.get().to_string()).unwrap_or_default(),
            lang: Some(lang),
        }
    }

    /// The finding the form describes, checked against the programme (engagement and systems must
    /// exist); every problem is reported by field. An existing finding keeps its links and origin, and
    /// its texts in the other language.
    pub fn apply(&self, p: &TlptProgramme) -> Result<Finding, TlptAppError> {
        let mut errs = ValidationErrors::default();
        let id = match FindingId::parse(&self.id) {
            Ok(id) => Some(id),
            Err(_) if self.id.trim().is_empty() => {
                errs.push("id", Problem::Required);
                None
            }
            Err(_) => {
                errs.push(
                    "id",
                    Problem::BadFormat { value: self.id.clone(), hint: "1–64 letters, digits, '-', '_' or '.'" },
                );
                None
            }
        };
        let engagement = match p.engagements.iter().find(|e| e.id.as_str() == self.engagement.trim()) {
            Some(e) => Some(e.id.clone()),
            None if self.engagement.trim().is_empty() => {
                errs.push("engagement", Problem::Required);
                None
            }
            None => {
                errs.push("engagement", Problem::UnknownReference { value: self.engagement.trim().to_string() });
                None
            }
        };
        let identified_on = date(&mut errs, "identified_on", &self.identified_on).unwrap_or_else(today);
        if opt(&self.title_ja).is_none() && opt(&self.title_en).is_none() {
            errs.push("title", Problem::Required);
        }
        let severity: Option<Severity> = code(&mut errs, "severity", &self.severity, Severity::codes());
        let root_cause: Option<RootCause> = code(&mut errs, "root_cause", &self.root_cause, RootCause::codes());
        let status: Option<FindingStatus> = if opt(&self.status).is_none() {
            Some(FindingStatus::Open)
        } else {
            code(&mut errs, "status", &self.status, FindingStatus::codes())
        };
        let technique = match opt(&self.technique) {
            None => None,
            Some(t) => match TechniqueId::parse(t) {
                Ok(t) => Some(t),
                Err(_) => {
                    errs.push("technique", Problem::BadFormat { value: t.to_string(), hint: "T1566 / T1566.001" });
                    None
                }
            },
        };
        let mut systems = Vec::new();
        for raw in self.systems.split([',', ' ', '\n', '、']).map(str::trim).filter(|s| !s.is_empty()) {
            match SystemRef::parse(raw) {
                Ok(s) if p.system(&s).is_some() => systems.push(s),
                Ok(_) => errs.push("systems", Problem::UnknownReference { value: raw.to_string() }),
                Err(_) => errs.push("systems", Problem::BadFormat { value: raw.to_string(), hint: "ENTITY/SYSTEM" }),
            }
        }
        let due = date(&mut errs, "due", &self.due);
        let person_days = number(&mut errs, "person_days", &self.person_days);
        let cost = number(&mut errs, "cost", &self.cost);
        let person_days = match person_days.map(u32::try_from) {
            Some(Ok(n)) => Some(n),
            Some(Err(_)) => {
                errs.push("person_days", Problem::TooLong { max: u32::MAX as usize });
                None
            }
            None => None,
        };
        if !errs.is_empty() {
            return Err(TlptAppError::Form(errs));
        }
        let (Some(id), Some(engagement), Some(severity), Some(root_cause), Some(status)) =
            (id, engagement, severity, root_cause, status)
        else {
            return Err(TlptAppError::Form(errs));
        };
        let lang = self.lang.unwrap_or_default();
        let existing = p.finding(&id);
        // A free text fills the language it was written in and keeps the other one already stored.
        let text = |new: &str, old: Option<&Bilingual>| -> Bilingual {
            let mut t = old.cloned().unwrap_or_default();
            let v = opt(new).map(str::to_string);
            match lang {
                Lang::Ja => t.ja = v,
                Lang::En => t.en = v,
            }
            t
        };
        let resources = (person_days.is_some() || cost.is_some())
            .then_some(ResourceEstimate { person_days, cost: cost.map(Yen::new) });
        let root_cause_note = text(&self.root_cause_note, existing.and_then(|f| f.root_cause_note.as_ref()));
        Ok(Finding {
            id,
            engagement,
            origin: existing.map(|f| f.origin).unwrap_or(opres_tlpt::codes::FindingOrigin::Tlpt),
            rollout_of: existing.and_then(|f| f.rollout_of.clone()),
            identified_on,
            title: Bilingual::new(opt(&self.title_ja).map(Into::into), opt(&self.title_en).map(Into::into)),
            description: text(&self.description, existing.map(|f| &f.description)),
            severity,
            root_cause,
            root_cause_note: (!root_cause_note.is_empty()).then_some(root_cause_note),
            technique,
            systems,
            enterprise_wide: matches!(self.enterprise_wide.trim(), "on" | "true" | "1" | "yes"),
            recommendation: text(&self.recommendation, existing.map(|f| &f.recommendation)),
            owner: self.owner.trim().to_string(),
            due,
            status,
            resources,
            recurrence_of: existing.map(|f| f.recurrence_of.clone()).unwrap_or_default(),
        })
    }
}

/// The answer to a rollout check as entered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RolloutCheckForm {
    /// Position of the record in the programme's rollout list.
    pub index: String,
    /// `checked_not_present` or `checked_present`.
    pub status: String,
    /// `YYYY-MM-DD`; today when empty.
    pub checked_on: String,
    /// Id of the new finding when present (default `<finding>-R<n>`).
    pub new_finding: String,
}

impl RolloutCheckForm {
    fn parse(&self, p: &TlptProgramme) -> Result<(usize, CheckAnswer, NaiveDate), TlptAppError> {
        let mut errs = ValidationErrors::default();
        let index = match self.index.trim().parse::<usize>() {
            Ok(i) if i < p.rollout.len() => Some(i),
            _ => {
                errs.push("index", Problem::UnknownReference { value: self.index.clone() });
                None
            }
        };
        let checked_on = date(&mut errs, "checked_on", &self.checked_on).unwrap_or_else(today);
        let present = match self.status.trim() {
            "checked_present" => Some(true),
            "checked_not_present" => Some(false),
            "" => {
                errs.push("status", Problem::Required);
                None
            }
            other => {
                errs.push(
                    "status",
                    Problem::UnknownCode {
                        value: other.to_string(),
                        expected: vec!["checked_not_present", "checked_present"],
                    },
                );
                None
            }
        };
        let (Some(index), Some(present)) = (index, present) else { return Err(TlptAppError::Form(errs)) };
        if !errs.is_empty() {
            return Err(TlptAppError::Form(errs));
        }
        if !present {
            return Ok((index, CheckAnswer::NotPresent, checked_on));
        }
        let new_finding = match opt(&self.new_finding) {
            Some(raw) => FindingId::parse(raw).map_err(|_| {
                form_error(
                    "new_finding",
                    Problem::BadFormat { value: raw.to_string(), hint: "1–64 letters, digits, '-', '_' or '.'" },
                )
            })?,
            None => next_rollout_id(p, &p.rollout[index].finding),
        };
        if p.finding(&new_finding).is_some() {
            return Err(form_error("new_finding", Problem::Duplicate { value: new_finding.to_string() }));
        }
        Ok((index, CheckAnswer::Present { new_finding }, checked_on))
    }
}

/// The first free `<finding>-R<n>`.
fn next_rollout_id(p: &TlptProgramme, original: &FindingId) -> FindingId {
    (1..)
        .filter_map(|n| {
            FindingId::parse(&format!("{}-R{n}", original.as_str().chars().take(58).collect::<String>())).ok()
        })
        .find(|id| p.finding(id).is_none())
        .unwrap_or_else(|| original.clone())
}

/// When the blue team was told, as entered: an empty time means never.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BlueTeamForm {
    /// RFC 3339 with an offset, or `YYYY-MM-DDTHH:MM` from a browser (read as JST); empty: never told.
    pub at: String,
    /// Whom.
    pub whom: String,
    /// Why, in the user's language.
    pub reason: String,
    /// Language of the reason.
    pub lang: Option<Lang>,
}

impl BlueTeamForm {
    fn parse(&self) -> Result<Option<BlueTeamDisclosure>, TlptAppError> {
        let Some(raw) = opt(&self.at) else { return Ok(None) };
        let mut errs = ValidationErrors::default();
        // A browser's datetime-local field has no offset; the form says it is JST, so that is not a guess.
        let at = match opres_domain::time::parse_timestamp(raw) {
            Ok(t) => Some(t),
            Err(_) => match chrono::NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M") {
                Ok(n) => n.and_local_timezone(JST).single().map(|t| t.with_timezone(&Utc)),
                Err(_) => {
                    errs.push("at", Problem::TimestampMalformed { value: raw.to_string() });
                    None
                }
            },
        };
        if opt(&self.whom).is_none() {
            errs.push("whom", Problem::Required);
        }
        let Some(at) = at else { return Err(TlptAppError::Form(errs)) };
        if !errs.is_empty() {
            return Err(TlptAppError::Form(errs));
        }
        let reason = opt(&self.reason).map(|r| match self.lang.unwrap_or_default() {
            Lang::Ja => Bilingual::ja(r),
            Lang::En => Bilingual::en(r),
        });
        Ok(Some(BlueTeamDisclosure { at, whom: self.whom.trim().to_string(), reason }))
    }
}

/// The engagement ids of a programme, for pick lists.
pub fn engagement_ids(p: &TlptProgramme) -> Vec<EngagementId> {
    p.engagements.iter().map(|e| e.id.clone()).collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly by design
mod tests {
    use super::*;
    use opres_store::{Role, UserScope, engine_tests};
    use opres_tlpt::codes::{FindingOrigin, RolloutStatus};
    use opres_tlpt::demo::{GOOD_ENGAGEMENT, POOR_ENGAGEMENT};

    fn ctx() -> AuditContext {
        AuditContext::new("test")
    }

    fn admin() -> Actor {
        Actor::cli(Lang::En)
    }

    /// A signed-in user of one institution.
    async fn user(r: &Register, name: &str, role: Role, inst: &str) -> Actor {
        let u = r
            .add_user(
                crate::NewUser {
                    username: name.into(),
                    display_name: name.into(),
                    password: "correct horse battery".into(),
                    role,
                    scope: UserScope::Institutions(vec![code(inst)]),
                },
                &ctx(),
            )
            .await
            .unwrap();
        Actor::user(&u, crate::Channel::Web, Lang::En)
    }

    fn code(s: &str) -> InstitutionCode {
        InstitutionCode::parse(s).unwrap()
    }

    async fn register_with(db: &opres_store::testkit::TestDb, insts: &[&str]) -> Register {
        let r = Register::new(db.store.clone());
        for i in insts {
            let rec: opres_domain::InstitutionRecord = serde_json::from_value(serde_json::json!({
                "code": i, "name_ja": "銀行", "name_en": "Bank", "institution_type": "regional_bank"
            }))
            .unwrap();
            r.store().create_institution(&rec.validate().unwrap(), &ctx()).await.unwrap();
        }
        r
    }

    fn demo_json() -> String {
        opres_tlpt::demo::demo_programme(Utc::now()).to_json()
    }

    engine_tests!(programmes_are_imported_whole_and_scoped, |db| {
        let r = register_with(db, &["BANK-A", "BANK-B"]).await;
        // Every problem by path, nothing stored.
        let mut bad: serde_json::Value = serde_json::from_str(&demo_json()).unwrap();
        bad["engagements"][0]["steps"][0]["path"] = serde_json::json!("P9");
        bad["findings"][0]["due"] = serde_json::json!("2025-13-01");
        let e = r.import_tlpt_programme(&admin(), &bad.to_string(), &code("BANK-A"), false, None).await.unwrap_err();
        // A value serde cannot read is located by line and column (the engine reports rule breaks by path).
        assert!(e.message(Lang::En).contains("column") && e.message(Lang::Ja).contains("列"), "{e}");
        bad["findings"][0]["due"] = serde_json::json!("2025-12-01");
        let e = r.import_tlpt_programme(&admin(), &bad.to_string(), &code("BANK-A"), false, None).await.unwrap_err();
        assert!(e.message(Lang::En).contains("'P9' does not exist"), "{}", e.message(Lang::En));
        assert!(e.message(Lang::Ja).contains("P9"), "{}", e.message(Lang::Ja));
        assert!(r.tlpt_programmes(&admin()).await.unwrap().is_empty());
        // The institution must be registered.
        let e = r.import_tlpt_programme(&admin(), &demo_json(), &code("BANK-Z"), false, None).await.unwrap_err();
        assert!(matches!(e, TlptAppError::UnknownInstitution(_)));
        assert!(e.message(Lang::Ja).contains("BANK-Z"));

        let done = r.import_tlpt_programme(&admin(), &demo_json(), &code("BANK-A"), false, None).await.unwrap();
        assert_eq!((done.key.as_str(), done.version, done.replaced, done.engagements), ("MINATO-FG", 1, false, 3));
        let e = r.import_tlpt_programme(&admin(), &demo_json(), &code("BANK-A"), false, None).await.unwrap_err();
        assert!(matches!(e, TlptAppError::AlreadyExists(_)));
        assert!(e.message(Lang::Ja).contains("--replace"));
        let again = r.import_tlpt_programme(&admin(), &demo_json(), &code("BANK-A"), true, None).await.unwrap();
        assert_eq!((again.version, again.replaced), (2, true));
        // A replace based on a stale version is a conflict.
        let e = r.import_tlpt_programme(&admin(), &demo_json(), &code("BANK-A"), true, Some(1)).await.unwrap_err();
        assert!(matches!(e, TlptAppError::Conflict { current_version: 2, .. }), "{e:?}");

        let sp = r.require_tlpt_programme(&admin(), "MINATO-FG").await.unwrap();
        assert_eq!(sp.institution.as_deref(), Some("BANK-A"));
        assert_eq!(
            sp.programme.to_json(),
            TlptProgramme::from_json(&r.export_tlpt_programme(&admin(), "MINATO-FG").await.unwrap()).unwrap().to_json()
        );
        // Scoping: BANK-B's users do not see it; all-institution users and BANK-A's do.
        assert_eq!(r.tlpt_programmes(&admin()).await.unwrap().len(), 1);
        let in_a = user(&r, "analyst-a", Role::Analyst, "BANK-A").await;
        let in_b = user(&r, "analyst-b", Role::Analyst, "BANK-B").await;
        assert_eq!(r.tlpt_programmes(&in_a).await.unwrap().len(), 1);
        assert!(r.tlpt_programmes(&in_b).await.unwrap().is_empty());
        // For BANK-B's analyst the programme does not exist: not readable, not replaceable, and
        // BANK-A is not theirs to import for.
        assert!(r.tlpt_programme(&in_b, "MINATO-FG").await.unwrap().is_none());
        assert!(matches!(
            r.tlpt_engagement(&in_b, "MINATO-FG", POOR_ENGAGEMENT).await,
            Err(TlptAppError::NoProgramme(_))
        ));
        let e = r.replace_tlpt_programme(&in_b, "MINATO-FG", &demo_json(), 2).await.unwrap_err();
        assert!(matches!(e, TlptAppError::NoProgramme(_)), "{e:?}");
        let e = r.import_tlpt_programme(&in_b, &demo_json(), &code("BANK-B"), true, None).await.unwrap_err();
        assert!(matches!(e, TlptAppError::AlreadyExists(_)), "another institution's programme: {e:?}");
        let e = r.import_tlpt_programme(&in_b, &demo_json(), &code("BANK-A"), false, None).await.unwrap_err();
        assert!(matches!(e, TlptAppError::UnknownInstitution(_)), "{e:?}");
        // An executive reads but changes nothing, whatever the object.
        let exec = user(&r, "exec-a", Role::Executive, "BANK-A").await;
        assert!(r.tlpt_engagement(&exec, "MINATO-FG", POOR_ENGAGEMENT).await.unwrap().assessment().is_ok());
        let e = r.replace_tlpt_programme(&exec, "MINATO-FG", &demo_json(), 2).await.unwrap_err();
        assert!(matches!(e, TlptAppError::Forbidden));
        let e = r.link_tlpt_recurrences(&exec, "NOPE", 1, POOR_ENGAGEMENT).await.unwrap_err();
        assert!(matches!(e, TlptAppError::Forbidden), "the role is checked before the object");
        // Replacing through the use case: the key must match, the version must be current.
        let e = r.replace_tlpt_programme(&in_a, "MINATO-FG", &demo_json(), 1).await.unwrap_err();
        assert!(matches!(e, TlptAppError::Conflict { current_version: 2, .. }), "{e:?}");
        let done = r.replace_tlpt_programme(&in_a, "MINATO-FG", &demo_json(), 2).await.unwrap();
        assert_eq!((done.version, done.replaced), (3, true));
        assert!(matches!(r.require_tlpt_programme(&admin(), "NOPE").await, Err(TlptAppError::NoProgramme(_))));
    });

    engine_tests!(edits_are_versioned_validated_and_never_merge, |db| {
        let r = register_with(db, &["BANK-A"]).await;
        assert!(load_demo(&r, &admin(), &code("BANK-A")).await.unwrap());
        assert!(!load_demo(&r, &admin(), &code("BANK-A")).await.unwrap());
        let sp = r.require_tlpt_programme(&admin(), "MINATO-FG").await.unwrap();
        let v = sp.version;

        // A form based on an old version is refused and nothing changes.
        let earlier = sp.programme.findings.iter().find(|f| f.engagement.as_str() == POOR_ENGAGEMENT).unwrap().clone();
        let mut form = FindingForm::of(&earlier, Lang::Ja);
        form.id = "F-NEW".into();
        form.engagement = GOOD_ENGAGEMENT.into();
        form.identified_on = String::new();
        let e = r.record_tlpt_finding(&admin(), "MINATO-FG", v + 1, &form).await.unwrap_err();
        assert!(matches!(e, TlptAppError::Conflict { current_version, .. } if current_version == v));
        assert!(e.message(Lang::Ja).contains("他の利用者"));
        assert_eq!(r.require_tlpt_programme(&admin(), "MINATO-FG").await.unwrap().version, v);

        // Recorded: linked to the earlier finding it recurs, nothing merged.
        let (links, v2) = r.record_tlpt_finding(&admin(), "MINATO-FG", v, &form).await.unwrap();
        assert!(links >= 1);
        assert_eq!(v2, v + 1);
        let p = r.require_tlpt_programme(&admin(), "MINATO-FG").await.unwrap().programme;
        let new = p.findings.iter().find(|f| f.id.as_str() == "F-NEW").unwrap();
        assert!(new.recurrence_of.iter().any(|l| l.finding == earlier.id));
        assert_eq!(p.findings.len(), sp.programme.findings.len() + 1);
        assert!(p.finding(&earlier.id).is_some());

        // Bad input: every field named.
        let bad = FindingForm {
            id: "bad id!".into(),
            engagement: "NOPE".into(),
            severity: "severe".into(),
            technique: "X1".into(),
            systems: "NOPE/SYS".into(),
            due: "31/03/2026".into(),
            cost: "-5".into(),
            ..FindingForm::default()
        };
        let e = r.record_tlpt_finding(&admin(), "MINATO-FG", v2, &bad).await.unwrap_err();
        let fields: Vec<&str> = e.fields().unwrap().iter().map(|f| f.field.as_str()).collect();
        for f in ["id", "engagement", "title", "severity", "root_cause", "technique", "systems", "due", "cost"] {
            assert!(fields.contains(&f), "{f} in {fields:?}");
        }

        // Rollout: instruct, then a "present" answer becomes a new finding.
        let poor_finding = p.findings.iter().find(|f| f.engagement.as_str() == POOR_ENGAGEMENT).unwrap().id.clone();
        let (n, v3) = r.plan_tlpt_rollout(&admin(), "MINATO-FG", v2, poor_finding.as_str(), None).await.unwrap();
        assert!(n > 0);
        let p = r.require_tlpt_programme(&admin(), "MINATO-FG").await.unwrap().programme;
        let index = p.rollout.iter().position(|x| x.finding == poor_finding).unwrap();
        let check =
            RolloutCheckForm { index: index.to_string(), status: "checked_present".into(), ..Default::default() };
        let (created, v4) = r.record_tlpt_rollout_check(&admin(), "MINATO-FG", v3, &check).await.unwrap();
        let created = created.unwrap();
        assert_eq!(created.as_str(), format!("{poor_finding}-R1"));
        let p = r.require_tlpt_programme(&admin(), "MINATO-FG").await.unwrap().programme;
        assert_eq!(p.rollout[index].status, RolloutStatus::CheckedPresent);
        assert_eq!(p.finding(&created).unwrap().origin, FindingOrigin::Rollout);
        // The same record cannot be answered twice with a clashing id.
        let dup = RolloutCheckForm { new_finding: created.to_string(), ..check };
        let e = r.record_tlpt_rollout_check(&admin(), "MINATO-FG", v4, &dup).await.unwrap_err();
        assert_eq!(e.fields().unwrap().iter().next().unwrap().field, "new_finding");

        // Blue-team notice from a browser's local time (JST), and cleared again.
        let told = BlueTeamForm {
            at: "2024-04-01T09:00".into(),
            whom: "SOC".into(),
            reason: "調整".into(),
            lang: Some(Lang::Ja),
        };
        let (_, v5) = r.record_tlpt_blue_team_notice(&admin(), "MINATO-FG", v4, GOOD_ENGAGEMENT, &told).await.unwrap();
        let p = r.require_tlpt_programme(&admin(), "MINATO-FG").await.unwrap().programme;
        let e = p.engagements.iter().find(|e| e.id.as_str() == GOOD_ENGAGEMENT).unwrap();
        assert_eq!(e.blue_team_told.as_ref().unwrap().at.to_rfc3339(), "2024-04-01T00:00:00+00:00");
        let missing_whom = BlueTeamForm { at: "2024-04-01T09:00".into(), ..Default::default() };
        let e = r
            .record_tlpt_blue_team_notice(&admin(), "MINATO-FG", v5, GOOD_ENGAGEMENT, &missing_whom)
            .await
            .unwrap_err();
        assert_eq!(e.fields().unwrap().iter().next().unwrap().field, "whom");
        r.record_tlpt_blue_team_notice(&admin(), "MINATO-FG", v5, GOOD_ENGAGEMENT, &BlueTeamForm::default())
            .await
            .unwrap();
        let p = r.require_tlpt_programme(&admin(), "MINATO-FG").await.unwrap().programme;
        assert!(p.engagements.iter().find(|e| e.id.as_str() == GOOD_ENGAGEMENT).unwrap().blue_team_told.is_none());
    });

    engine_tests!(attack_catalogues_are_stored_by_domain, |db| {
        let r = register_with(db, &[]).await;
        assert!(r.default_attack_catalogue().await.unwrap().is_none());
        let e = r.import_attack_catalogue(&admin(), "{\"type\": \"bundle\", \"objects\": 1}").await.unwrap_err();
        assert!(matches!(e, TlptAppError::Stix(_)) && !e.message(Lang::Ja).is_empty());
        let path = format!("{}/../../../shared/data/attack/ics-attack.json", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(path).unwrap();
        let (cat, saved) = r.import_attack_catalogue(&admin(), &text).await.unwrap();
        assert_eq!((cat.domain.as_str(), saved.version, saved.institution.as_deref()), ("ics-attack", 1, None));
        let (_, again) = r.import_attack_catalogue(&admin(), &text).await.unwrap();
        assert_eq!(again.version, 2, "a second import replaces the first");
        assert_eq!(r.attack_catalogue("ics-attack").await.unwrap().unwrap(), cat);
        assert_eq!(r.default_attack_catalogue().await.unwrap().unwrap().domain, "ics-attack");
        assert_eq!(r.attack_catalogues().await.unwrap().len(), 1);
    });
}
