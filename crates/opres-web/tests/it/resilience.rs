//! The resilience pages over HTTP, against both engines.

use crate::matrix::Case;
use opres_app::Register;

/// The authorisation matrix's expectation for this module's routes (`None`: not one of ours).
pub(crate) fn matrix(_method: &str, _path: &str, _inst: &str) -> Option<Case> {
    None
}

/// Module data the matrix's requests refer to, for institutions BANK-IN and BANK-OUT.
pub(crate) async fn matrix_fixture(_register: &Register) {}
