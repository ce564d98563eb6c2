//! Importing a gap file (`opres_gap::exchange`): institutions' assessments and roadmaps at once,
//! as `opres gen` writes them or a self-assessment kept elsewhere is brought in.
//!
//! All or nothing: every record is checked against the frameworks, the institutions the caller
//! may see and the roadmap rules first, every problem located in the file (`/assessments/0/entries/
//! cyber.malware.patch current`); then everything is saved in one transaction. Assessments come in
//! as drafts (an approval is the executive's act, never a file's); a roadmap only for an
//! institution that has none.

use crate::gap::{GapAssessmentRecord, assessment_document, assessment_number};
use crate::gap_roadmap::roadmap_document;
use crate::{Actor, AppError, Permission, Register};
use chrono::NaiveDate;
use opres_domain::{InstitutionCode, Problem, ValidationErrors};
use opres_gap::exchange::GapFileRecord;
use opres_gap::{Assessment, ImportError, ImportProblem, Reason, Roadmap};
use opres_store::{Document, DocumentKind};
use serde::Serialize;
use std::collections::BTreeMap;

/// What a gap file brought in.
#[derive(Debug, Clone, Default, Serialize)]
pub struct GapFileImported {
    /// The new assessments' keys, in file order.
    pub assessments: Vec<String>,
    /// The institutions whose roadmap was created.
    pub roadmaps: Vec<String>,
}

/// The problems of one file, each located by a JSON pointer and a field.
struct Problems<'a> {
    file: &'a str,
    found: Vec<ImportProblem>,
}

impl Problems<'_> {
    fn push(&mut self, at: String, field: &str, reason: Reason) {
        self.found.push(ImportProblem { file: self.file.to_string(), at, field: field.to_string(), reason });
    }

    fn fields(&mut self, at: &str, e: ValidationErrors) {
        for f in e.0 {
            self.push(at.to_string(), &f.field, Reason::Field(f.problem));
        }
    }
}

impl Register {
    /// Imports a gap file (JSON) as of `today` (the assessments' start day), all or nothing.
    pub async fn import_gap_file(
        &self,
        actor: &Actor,
        file: crate::gap::FrameworkFile<'_>,
        today: NaiveDate,
    ) -> Result<GapFileImported, AppError> {
        actor.require(Permission::EditGap)?;
        let record: GapFileRecord = opres_gap::oscal::parse_json(file.name, file.bytes)?;
        let mut problems = Problems { file: file.name, found: Vec::new() };
        let existing = self.store.list_documents(DocumentKind::GapAssessment).await?;
        // Per institution the highest assessment number, and per (institution, framework) the latest key.
        let mut numbers: BTreeMap<String, u32> = BTreeMap::new();
        let mut latest: BTreeMap<(String, String), (u32, String)> = BTreeMap::new();
        for d in &existing {
            let (Some(i), Some(n)) = (d.institution.clone(), assessment_number(&d.key)) else { continue };
            let framework = d.title.split_once(" · ").map(|(f, _)| f.to_string()).unwrap_or_default();
            let max = numbers.entry(i.clone()).or_default();
            *max = (*max).max(n);
            let slot = latest.entry((i, framework)).or_insert((0, String::new()));
            if n > slot.0 {
                *slot = (n, d.key.clone());
            }
        }
        let mut docs: Vec<(Document, Option<i64>)> = Vec::new();
        let mut imported = GapFileImported::default();
        let mut seen_institutions: BTreeMap<String, Option<InstitutionCode>> = BTreeMap::new();

        for (i, a) in record.assessments.iter().enumerate() {
            let at = format!("/assessments/{i}");
            let institution =
                self.known_institution(actor, &a.institution, &at, &mut problems, &mut seen_institutions).await?;
            let framework = match a.framework.trim() {
                "" => {
                    problems.push(at.clone(), "framework", Reason::Field(Problem::Required));
                    None
                }
                id => match self.framework_by_id(id).await {
                    Ok(f) => Some(f),
                    Err(AppError::NotFound { .. }) => {
                        problems.push(
                            at.clone(),
                            "framework",
                            Reason::Field(Problem::UnknownReference { value: id.into() }),
                        );
                        None
                    }
                    Err(e) => return Err(e),
                },
            };
            let Some(framework) = framework else { continue };
            let mut assessment = Assessment::new(&framework);
            for (req, entry) in &a.entries {
                let at = format!("{at}/entries/{req}");
                match framework.get(req) {
                    None => problems.push(at, "", Reason::Field(Problem::UnknownReference { value: req.clone() })),
                    Some(r) if !r.assessable => problems.push(at, "", Reason::NotAssessable { id: req.clone() }),
                    Some(_) => match entry.validate(assessment.scale_max, None) {
                        Ok(e) => {
                            assessment.entries.insert(req.clone(), e);
                        }
                        Err(e) => problems.fields(&at, e),
                    },
                }
            }
            let Some(institution) = institution else { continue };
            let n = numbers.entry(institution.to_string()).or_default();
            *n += 1;
            let key = format!("{institution}-GA-{n}");
            let pair = (institution.to_string(), framework.id.clone());
            let previous = latest.get(&pair).map(|(_, k)| k.clone());
            latest.insert(pair, (*n, key.clone()));
            let record = GapAssessmentRecord::draft(&institution, &framework, today, previous, assessment, actor);
            docs.push((assessment_document(&key, &record)?, None));
            imported.assessments.push(key);
        }

        let mut roadmap_institutions = std::collections::BTreeSet::new();
        for (j, r) in record.roadmaps.iter().enumerate() {
            let at = format!("/roadmaps/{j}");
            let institution =
                self.known_institution(actor, &r.institution, &at, &mut problems, &mut seen_institutions).await?;
            if let Some(code) = &institution {
                let taken = !roadmap_institutions.insert(code.to_string())
                    || self.store.document(DocumentKind::GapRoadmap, code.as_str()).await?.is_some();
                if taken {
                    problems.push(
                        at.clone(),
                        "institution",
                        Reason::Field(Problem::AlreadyRegistered { value: code.to_string() }),
                    );
                }
            }
            let mut roadmap = Roadmap::new();
            let (by, on) = (actor.username(), crate::today());
            for (k, action) in r.actions.iter().enumerate() {
                let at = format!("{at}/actions/{k}");
                let mut e = match action.validate() {
                    Ok(valid) => {
                        if roadmap.add(valid, by, on).is_err() {
                            problems.push(
                                at.clone(),
                                "id",
                                Reason::Field(Problem::AlreadyRegistered { value: action.id.clone() }),
                            );
                        }
                        ValidationErrors::default()
                    }
                    Err(e) => e,
                };
                self.check_links(action, &mut e).await?;
                problems.fields(&at, e);
            }
            let mut milestones = Vec::new();
            for (k, m) in r.milestones.iter().enumerate() {
                match m.validate() {
                    Ok(m) => milestones.push(m),
                    Err(e) => problems.fields(&format!("{at}/milestones/{k}"), e),
                }
            }
            roadmap.set_milestones(milestones, by, on).map_err(crate::gap_roadmap::roadmap_refused)?;
            if let Some(code) = institution {
                docs.push((roadmap_document(&code, &roadmap)?, None));
                imported.roadmaps.push(code.to_string());
            }
        }

        if !problems.found.is_empty() {
            return Err(ImportError(problems.found).into());
        }
        if docs.is_empty() {
            return Err(AppError::invalid_field("assessments", Problem::Required));
        }
        self.store.save_documents(&docs, &actor.audit()).await?;
        Ok(imported)
    }

    /// The institution a record names, if it exists and the caller may see it; a problem at
    /// `at` otherwise (an institution outside the caller's scope reads as unknown).
    async fn known_institution(
        &self,
        actor: &Actor,
        code: &str,
        at: &str,
        problems: &mut Problems<'_>,
        seen: &mut BTreeMap<String, Option<InstitutionCode>>,
    ) -> Result<Option<InstitutionCode>, AppError> {
        let code = code.trim();
        if code.is_empty() {
            problems.push(at.to_string(), "institution", Reason::Field(Problem::Required));
            return Ok(None);
        }
        if !seen.contains_key(code) {
            let found = match InstitutionCode::parse(code) {
                Ok(c) => match self.institution(actor, &c).await {
                    Ok(_) => Some(c),
                    Err(AppError::NotFound { .. }) => None,
                    Err(e) => return Err(e),
                },
                Err(_) => None,
            };
            seen.insert(code.to_string(), found);
        }
        let found = seen.get(code).cloned().flatten();
        if found.is_none() {
            problems.push(
                at.to_string(),
                "institution",
                Reason::Field(Problem::UnknownReference { value: code.into() }),
            );
        }
        Ok(found)
    }
}
