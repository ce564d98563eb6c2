//! The web's limits on request bodies, in one place (documented in `docs/web.md`). Each is
//! enforced before the body is parsed (axum's `DefaultBodyLimit`, or `to_bytes` with a limit),
//! and a refusal names the limit in the caller's language.

use opres_app::AppError;
use opres_domain::Lang;

/// A JSON body of the API. An incident at every maximum of `opres_domain::limits` is about
/// 1.6 MB of JSON; a larger body cannot be a valid record.
pub(crate) const JSON_BODY_MAX: usize = 4 * 1024 * 1024;

/// A browser form (`application/x-www-form-urlencoded`), read whole to find its CSRF field.
pub(crate) const FORM_MAX: usize = 4 * 1024 * 1024;

/// A file upload (a TLPT programme, an ATT&CK bundle — the full enterprise one is ~45 MB —, or
/// a CMDB export for a resilience map). What an XLSX upload may unpack to is bounded separately
/// (`opres_interchange::xlsx_limits`).
pub(crate) const UPLOAD_MAX: usize = 128 * 1024 * 1024;

fn mib(bytes: usize) -> usize {
    bytes / (1024 * 1024)
}

/// "The body is larger than the limit", naming it (what: the kind of body, in both languages).
pub(crate) fn too_large_message(limit: usize, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!("送信されたデータが上限の {} MB を超えているため受け付けません", mib(limit)),
        Lang::En => format!("the request body is larger than the limit of {} MB, so it was not read", mib(limit)),
    }
}

/// The application error for a body past `limit` (a request that could not be read: 400).
pub(crate) fn too_large(limit: usize) -> AppError {
    AppError::malformed(too_large_message(limit, Lang::Ja), too_large_message(limit, Lang::En))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_names_the_limit_in_both_languages() {
        assert!(too_large_message(JSON_BODY_MAX, Lang::Ja).contains("上限の 4 MB"));
        assert!(too_large_message(UPLOAD_MAX, Lang::En).contains("limit of 128 MB"));
    }
}
