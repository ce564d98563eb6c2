//! Who is acting. Until sign-in arrives (web UI issue), every request acts as the local operator
//! with access to every institution; handlers already take an `Actor` and pass its scope down,
//! so adding authentication changes this extractor, not the handlers.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use opres_domain::InstitutionCode;

/// The user or token behind a request.
#[derive(Debug, Clone)]
pub struct Actor {
    /// Display name, for the audit trail.
    pub name: String,
    /// Institutions the actor may see; `None` means all.
    pub scope: Option<Vec<InstitutionCode>>,
}

impl Actor {
    /// Whether the actor may see this institution's data.
    pub fn can_see(&self, institution: &InstitutionCode) -> bool {
        self.scope.as_ref().is_none_or(|s| s.contains(institution))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Actor {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(_: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Actor { name: "local".into(), scope: None })
    }
}
