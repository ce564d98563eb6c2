//! The TLPT programme pages: engagements, metrics, findings and recurrences, rollout, assessment.

use crate::routes::Routes;

pub(crate) fn routes(r: Routes) -> Routes {
    r
}
