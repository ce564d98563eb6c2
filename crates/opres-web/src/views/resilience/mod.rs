//! The operational-resilience pages: important business, tolerances, maps, scenarios, results.

use crate::routes::Routes;

pub(crate) fn routes(r: Routes) -> Routes {
    r
}
