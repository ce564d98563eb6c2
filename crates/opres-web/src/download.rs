//! The one way a page or an API route answers with a file: its media type, and a download
//! name made safe for the `Content-Disposition` header (ASCII letters, digits, `-`, `_`, `.`).

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use opres_app::ReportFile;

/// A file download named `file_name`.
pub(crate) fn attachment(file_name: &str, media_type: &str, bytes: Vec<u8>) -> Response {
    let safe: String =
        file_name.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.".contains(c) { c } else { '_' }).collect();
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(media_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{safe}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

/// A rendered report as a download.
pub(crate) fn report_file(file: ReportFile) -> Response {
    attachment(&file.file_name, file.media_type, file.bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_made_safe_for_the_header() {
        let r = attachment("報告 \"x\".html", "text/html", vec![]);
        assert_eq!(r.headers()[header::CONTENT_DISPOSITION], "attachment; filename=\"____x_.html\"");
        assert_eq!(r.headers()[header::CONTENT_TYPE], "text/html");
    }
}
