//! Institutions and their systems: reads within the actor's scope, changes by role, every
//! change of a stored record checked against the version it was based on.

use crate::{Actor, AppError, Noun, Permission, Register};
use opres_domain::record::{InstitutionRecord, SystemRecord};
use opres_domain::{Institution, InstitutionCode, Problem, System, SystemCode, ValidationErrors};
use opres_store::Stored;

/// An institution code as written in a URL or form, or a located problem with it.
pub fn institution_code(raw: &str) -> Result<InstitutionCode, AppError> {
    InstitutionCode::parse(raw).map_err(|e| AppError::invalid_field("code", Problem::from(e)))
}

/// A system code as written in a URL or form, or a located problem with it.
pub fn system_code(raw: &str) -> Result<SystemCode, AppError> {
    SystemCode::parse(raw).map_err(|e| AppError::invalid_field("code", Problem::from(e)))
}

/// An institution the actor may register: new institutions outside their own scope are refused
/// on the code field (a scoped administrator cannot name what they do not see).
fn in_scope(actor: &Actor, value: Institution) -> Result<Institution, AppError> {
    if actor.sees(&value.code) {
        Ok(value)
    } else {
        Err(AppError::invalid_field("code", Problem::UnknownReference { value: value.code.to_string() }))
    }
}

/// A system record of `institution`: the institution (and, for an edit, the code) come from the
/// URL when the body leaves them out, and must match it when it does not.
pub fn system_of(
    institution: &InstitutionCode,
    code: Option<&SystemCode>,
    mut record: SystemRecord,
) -> Result<System, AppError> {
    if record.institution.trim().is_empty() {
        record.institution = institution.to_string();
    }
    if let Some(code) = code
        && record.code.trim().is_empty()
    {
        record.code = code.to_string();
    }
    let value = record.validate()?;
    let mut errs = ValidationErrors::default();
    if value.institution != *institution {
        errs.push(
            "institution",
            Problem::BadFormat { value: value.institution.to_string(), hint: "must match the institution in the URL" },
        );
    }
    if code.is_some_and(|c| *c != value.code) {
        errs.push(
            "code",
            Problem::BadFormat { value: value.code.to_string(), hint: "must match the system in the URL" },
        );
    }
    Ok(errs.into_result(|| value)?)
}

impl Register {
    /// The institutions the actor sees, by code.
    pub async fn institutions(&self, actor: &Actor) -> Result<Vec<Stored<Institution>>, AppError> {
        actor.require(Permission::ReadRegister)?;
        let all = self.store.list_institutions().await?;
        Ok(all.into_iter().filter(|i| actor.sees(&i.value.code)).collect())
    }

    /// One institution, if the actor sees it (otherwise it reads as not found).
    pub async fn institution(&self, actor: &Actor, code: &InstitutionCode) -> Result<Stored<Institution>, AppError> {
        actor.require(Permission::ReadRegister)?;
        actor.require_sees(code, Noun::Institution, code.as_str())?;
        self.store.institution(code).await?.ok_or_else(|| AppError::not_found(Noun::Institution, code.as_str()))
    }

    /// Registers an institution (administrators).
    pub async fn create_institution(
        &self,
        actor: &Actor,
        record: InstitutionRecord,
    ) -> Result<Stored<Institution>, AppError> {
        actor.require(Permission::ManageInstitutions)?;
        let value = in_scope(actor, record.validate()?)?;
        Ok(self.store.create_institution(&value, &actor.audit()).await?)
    }

    /// Replaces an institution's details, if it is still at `version`.
    pub async fn update_institution(
        &self,
        actor: &Actor,
        code: &InstitutionCode,
        version: Option<i64>,
        record: InstitutionRecord,
    ) -> Result<Stored<Institution>, AppError> {
        actor.require(Permission::EditInstitution)?;
        actor.require_sees(code, Noun::Institution, code.as_str())?;
        let version = version.ok_or(AppError::VersionRequired)?;
        let value = record.validate()?;
        actor.require_sees(&value.code, Noun::Institution, value.code.as_str())?;
        Ok(self.store.update_institution(code, version, &value, &actor.audit()).await?)
    }

    /// Deletes an institution without systems or incidents, if it is still at `version`.
    pub async fn delete_institution(
        &self,
        actor: &Actor,
        code: &InstitutionCode,
        version: Option<i64>,
    ) -> Result<(), AppError> {
        actor.require(Permission::ManageInstitutions)?;
        actor.require_sees(code, Noun::Institution, code.as_str())?;
        let version = version.ok_or(AppError::VersionRequired)?;
        Ok(self.store.delete_institution(code, version, &actor.audit()).await?)
    }

    /// The systems of every institution the actor sees.
    pub async fn all_systems(&self, actor: &Actor) -> Result<Vec<Stored<System>>, AppError> {
        actor.require(Permission::ReadRegister)?;
        let all = self.store.list_systems(None).await?;
        Ok(all.into_iter().filter(|s| actor.sees(&s.value.institution)).collect())
    }

    /// An institution's systems (not found if the institution is not there or not in scope).
    pub async fn systems(&self, actor: &Actor, institution: &InstitutionCode) -> Result<Vec<Stored<System>>, AppError> {
        self.institution(actor, institution).await?;
        Ok(self.store.list_systems(Some(institution)).await?)
    }

    /// One system of an institution the actor sees.
    pub async fn system(
        &self,
        actor: &Actor,
        institution: &InstitutionCode,
        code: &SystemCode,
    ) -> Result<Stored<System>, AppError> {
        actor.require(Permission::ReadRegister)?;
        actor.require_sees(institution, Noun::Institution, institution.as_str())?;
        self.store
            .system(institution, code)
            .await?
            .ok_or_else(|| AppError::not_found(Noun::System, format!("{institution}/{code}")))
    }

    /// Registers a system of `institution`.
    pub async fn create_system(
        &self,
        actor: &Actor,
        institution: &InstitutionCode,
        record: SystemRecord,
    ) -> Result<Stored<System>, AppError> {
        actor.require(Permission::EditInstitution)?;
        actor.require_sees(institution, Noun::Institution, institution.as_str())?;
        let value = system_of(institution, None, record)?;
        Ok(self.store.create_system(&value, &actor.audit()).await?)
    }

    /// Replaces a system's details, if it is still at `version`.
    pub async fn update_system(
        &self,
        actor: &Actor,
        institution: &InstitutionCode,
        code: &SystemCode,
        version: Option<i64>,
        record: SystemRecord,
    ) -> Result<Stored<System>, AppError> {
        actor.require(Permission::EditInstitution)?;
        actor.require_sees(institution, Noun::Institution, institution.as_str())?;
        let version = version.ok_or(AppError::VersionRequired)?;
        let value = system_of(institution, Some(code), record)?;
        Ok(self.store.update_system(version, &value, &actor.audit()).await?)
    }

    /// Deletes a system no incident refers to, if it is still at `version`.
    pub async fn delete_system(
        &self,
        actor: &Actor,
        institution: &InstitutionCode,
        code: &SystemCode,
        version: Option<i64>,
    ) -> Result<(), AppError> {
        actor.require(Permission::EditInstitution)?;
        actor.require_sees(institution, Noun::Institution, institution.as_str())?;
        let version = version.ok_or(AppError::VersionRequired)?;
        Ok(self.store.delete_system(institution, code, version, &actor.audit()).await?)
    }
}
