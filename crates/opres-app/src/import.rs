//! Importing register files: every file is read and checked — each row on its own, then against
//! each other and the register — and only a clean set is written, in one transaction.

use crate::{Actor, AppError, FilterParams, Permission, Register};
use opres_domain::{DataSet, IncidentRef, InstitutionCode, Lang, Problem, SystemCode};
use opres_interchange::{Issue, ParsedFile, ReadError, RecordKind, RowProblem};
use opres_store::{AuditContext, ImportSummary, StoreError};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

/// What an import wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    /// Counts of what was created or found unchanged.
    #[serde(flatten)]
    pub summary: ImportSummary,
}

/// Why an import wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// A file could not be opened, or has an unsupported extension.
    #[error("{}", .0.message(Lang::En))]
    Unreadable(ReadError),
    /// One or more rows are bad: every one, in file order.
    #[error("{} problem(s) found; nothing was imported", problems.len())]
    Invalid {
        /// Every problem, each naming file, row, field and reason.
        problems: Vec<RowProblem>,
    },
    /// The database refused the write (e.g. someone registered the same reference meanwhile).
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ImportError {
    /// A one-line summary in the given language; [`ImportError::problems`] lists the rows.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (ImportError::Unreadable(e), _) => e.message(lang),
            (ImportError::Invalid { problems }, Lang::Ja) => {
                format!("{} 件の問題があるため、何も取り込みませんでした", problems.len())
            }
            (ImportError::Store(e), _) => e.message(lang),
            (e, Lang::En) => e.to_string(),
        }
    }

    /// Every row problem (empty unless [`ImportError::Invalid`]).
    pub fn problems(&self) -> &[RowProblem] {
        match self {
            ImportError::Invalid { problems } => problems,
            _ => &[],
        }
    }
}

fn problem(at: &opres_interchange::Location, record: RecordKind, field: &str, p: Problem) -> RowProblem {
    RowProblem { location: at.clone(), record: Some(record), field: Some(field.to_string()), issue: Issue::Invalid(p) }
}

impl Register {
    /// Imports register files for the actor (who may register institutions): all or nothing.
    pub async fn import(&self, actor: &Actor, paths: &[PathBuf]) -> Result<ImportReport, AppError> {
        actor.require(Permission::ManageInstitutions)?;
        Ok(self.import_files(paths, &actor.audit()).await?)
    }

    /// Writes a generated demo data set into the register as it is, in one transaction; the
    /// audit trail records it as `system:demo`, like the modules' demo data.
    pub async fn import_demo_data(&self, actor: &Actor, data: &DataSet) -> Result<ImportReport, AppError> {
        actor.require(Permission::ManageInstitutions)?;
        let summary = self.store.import(data, &AuditContext::new("system:demo")).await?;
        Ok(ImportReport { summary })
    }

    /// The institutions, systems and incidents matching `filter` that the actor sees, as files
    /// hold them.
    pub async fn export(&self, actor: &Actor, filter: &FilterParams) -> Result<DataSet, AppError> {
        actor.require(Permission::ReadRegister)?;
        let filter = filter.parse(actor.scope_filter())?;
        Ok(self.store.export(&filter).await?)
    }

    /// Reads every file (format by extension) and imports them together: all or nothing.
    #[tracing::instrument(skip_all, fields(files = paths.len()))]
    pub async fn import_files(&self, paths: &[PathBuf], ctx: &AuditContext) -> Result<ImportReport, ImportError> {
        let mut parsed = Vec::with_capacity(paths.len());
        let mut problems = Vec::new();
        for path in paths {
            match opres_interchange::read_file(path) {
                Ok(p) => parsed.push(p),
                Err(ReadError::Invalid { problems: mut p, .. }) => problems.append(&mut p),
                Err(e) => return Err(ImportError::Unreadable(e)),
            }
        }
        if !problems.is_empty() {
            return Err(ImportError::Invalid { problems });
        }
        self.import_parsed(parsed, ctx).await
    }

    /// Imports files already read: checks them against each other and the register, then writes
    /// everything in one transaction, or nothing.
    pub async fn import_parsed(&self, files: Vec<ParsedFile>, ctx: &AuditContext) -> Result<ImportReport, ImportError> {
        let store = &self.store;
        let registered_institutions: HashMap<InstitutionCode, _> =
            store.list_institutions().await?.into_iter().map(|i| (i.value.code.clone(), i.value)).collect();
        let registered_systems: HashMap<(InstitutionCode, SystemCode), _> = store
            .list_systems(None)
            .await?
            .into_iter()
            .map(|s| ((s.value.institution.clone(), s.value.code.clone()), s.value))
            .collect();
        let references: Vec<IncidentRef> =
            files.iter().flat_map(|f| f.incidents.iter().map(|i| i.value.reference.clone())).collect();
        let registered_references = store.existing_references(&references).await?;

        let mut problems = Vec::new();
        let mut institutions: HashSet<InstitutionCode> = registered_institutions.keys().cloned().collect();
        let mut systems: HashSet<(InstitutionCode, SystemCode)> = registered_systems.keys().cloned().collect();
        let mut seen_references: HashMap<IncidentRef, opres_interchange::Location> = HashMap::new();
        let mut data = opres_domain::DataSet::default();

        // Institutions and systems from every file first: incidents in one file may refer to
        // institutions in another.
        for file in &files {
            for i in &file.institutions {
                match registered_institutions.get(&i.value.code) {
                    Some(existing) if *existing != i.value => problems.push(problem(
                        &i.location,
                        RecordKind::Institution,
                        "code",
                        Problem::AlreadyRegistered { value: i.value.code.to_string() },
                    )),
                    _ => {
                        institutions.insert(i.value.code.clone());
                        data.institutions.push(i.value.clone());
                    }
                }
            }
        }
        for file in &files {
            for s in &file.systems {
                let key = (s.value.institution.clone(), s.value.code.clone());
                if !institutions.contains(&s.value.institution) {
                    problems.push(problem(
                        &s.location,
                        RecordKind::System,
                        "institution",
                        Problem::UnknownReference { value: s.value.institution.to_string() },
                    ));
                } else if registered_systems.get(&key).is_some_and(|existing| *existing != s.value) {
                    problems.push(problem(
                        &s.location,
                        RecordKind::System,
                        "code",
                        Problem::AlreadyRegistered { value: format!("{}/{}", s.value.institution, s.value.code) },
                    ));
                } else {
                    systems.insert(key);
                    data.systems.push(s.value.clone());
                }
            }
        }
        for file in files {
            for i in file.incidents {
                let inc = &i.value;
                let mut ok = true;
                if registered_references.contains(&inc.reference) {
                    ok = false;
                    problems.push(problem(
                        &i.location,
                        RecordKind::Incident,
                        "reference",
                        Problem::AlreadyRegistered { value: inc.reference.to_string() },
                    ));
                } else if let Some(first) = seen_references.get(&inc.reference) {
                    ok = false;
                    problems.push(RowProblem {
                        location: i.location.clone(),
                        record: Some(RecordKind::Incident),
                        field: Some("reference".into()),
                        issue: Issue::DuplicateInFile { value: inc.reference.to_string(), first: first.clone() },
                    });
                }
                if !institutions.contains(&inc.institution) {
                    ok = false;
                    problems.push(problem(
                        &i.location,
                        RecordKind::Incident,
                        "institution",
                        Problem::UnknownReference { value: inc.institution.to_string() },
                    ));
                } else {
                    for s in &inc.affected_systems {
                        if !systems.contains(&(inc.institution.clone(), s.clone())) {
                            ok = false;
                            problems.push(problem(
                                &i.location,
                                RecordKind::Incident,
                                "affected_systems",
                                Problem::UnknownReference { value: format!("{}/{}", inc.institution, s) },
                            ));
                        }
                    }
                }
                seen_references.entry(inc.reference.clone()).or_insert_with(|| i.location.clone());
                if ok {
                    data.incidents.push(i.value);
                }
            }
        }
        if !problems.is_empty() {
            return Err(ImportError::Invalid { problems });
        }
        let summary = store.import(&data, ctx).await?;
        tracing::info!(?summary, "imported");
        Ok(ImportReport { summary })
    }
}
