//! The caller's language: `?lang=` first, then `Accept-Language`, then Japanese.

use axum::http::request::Parts;
use opres_domain::Lang;

pub(crate) fn lang_of(parts: &Parts) -> Lang {
    lang_from(&parts.uri, &parts.headers)
}

/// `?lang=` first, then `Accept-Language`, then Japanese.
pub(crate) fn lang_from(uri: &axum::http::Uri, headers: &axum::http::HeaderMap) -> Lang {
    query_lang(uri).or_else(|| accept_language(headers)).unwrap_or_default()
}

/// The language named by `?lang=`.
pub(crate) fn query_lang(uri: &axum::http::Uri) -> Option<Lang> {
    uri.query().and_then(|q| {
        q.split('&').filter_map(|kv| kv.split_once('=')).find(|(k, _)| *k == "lang").and_then(|(_, v)| Lang::parse(v))
    })
}

/// The preferred supported language of `Accept-Language`.
pub(crate) fn accept_language(headers: &axum::http::HeaderMap) -> Option<Lang> {
    {
        {
            let header = headers.get(axum::http::header::ACCEPT_LANGUAGE)?.to_str().ok()?;
            // Highest q first; ties keep header order.
            let mut tags: Vec<(f32, usize, &str)> = header
                .split(',')
                .enumerate()
                .map(|(n, part)| {
                    let mut it = part.split(';');
                    let tag = it.next().unwrap_or("").trim();
                    let q = it.find_map(|p| p.trim().strip_prefix("q=")?.parse::<f32>().ok()).unwrap_or(1.0);
                    (q, n, tag)
                })
                .collect();
            tags.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            tags.into_iter().find_map(|(_, _, t)| Lang::parse(t))
        }
    }
}
