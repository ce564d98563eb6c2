//! Static files compiled into the binary: nothing is fetched from a CDN at run time.

use crate::routes::Routes;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

const APP_CSS: &str = include_str!("../assets/app.css");
/// htmx 2.0.11 (0BSD), from npm `htmx.org` `dist/htmx.min.js`; sha256 in assets/README.md.
const HTMX: &[u8] = include_bytes!("../assets/htmx.min.js");

pub(crate) fn routes(r: Routes) -> Routes {
    r.get("/assets/{file}", asset)
}

async fn asset(Path(file): Path<String>) -> Response {
    let (body, kind): (&'static [u8], &'static str) = match file.as_str() {
        "app.css" => (APP_CSS.as_bytes(), "text/css; charset=utf-8"),
        "htmx.min.js" => (HTMX, "text/javascript; charset=utf-8"),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(kind)),
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600")),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use sha2::{Digest, Sha256};

    #[test]
    fn vendored_htmx_is_the_recorded_release() {
        let sum = hex::encode(Sha256::digest(super::HTMX));
        assert_eq!(sum, "d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717");
    }
}
