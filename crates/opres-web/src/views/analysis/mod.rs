//! The failure-analysis pages: search, classification, recurrence, trends and the yearly report.

use crate::routes::Routes;

pub(crate) fn routes(r: Routes) -> Routes {
    r
}
