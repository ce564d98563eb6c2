//! A report document rendered to the file a user downloads or the CLI writes: the same bytes,
//! media type and file name for every front end and every module's reports.

use crate::AppError;
use opres_domain::Problem;
use opres_domain::report::{ReportDocument, ReportFormat};

/// A rendered report, ready to send or write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFile {
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// Its media type.
    pub media_type: &'static str,
    /// A file name: `<stem>-<lang>.<ext>`.
    pub file_name: String,
}

/// Renders `doc` as `format`; `stem` names the file (the language and extension are added).
pub fn report_file(doc: &ReportDocument, format: ReportFormat, stem: &str) -> Result<ReportFile, AppError> {
    let bytes = match doc.render_text(format) {
        Some(text) => text.into_bytes(),
        None => opres_interchange::report_xlsx(doc).map_err(|e| AppError::Internal(e.to_string()))?,
    };
    Ok(ReportFile {
        bytes,
        media_type: format.media_type(),
        file_name: format!("{stem}-{}.{}", doc.lang.code(), format.extension()),
    })
}

/// The report format for its code (`html`, `md`, `xlsx`), refused by field when unknown.
pub fn report_format(code: &str) -> Result<ReportFormat, AppError> {
    ReportFormat::parse(code).ok_or_else(|| {
        AppError::invalid_field(
            "format",
            Problem::UnknownCode { value: code.trim().to_string(), expected: vec!["html", "md", "xlsx"] },
        )
    })
}
