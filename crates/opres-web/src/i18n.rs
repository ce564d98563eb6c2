//! UI strings: one catalogue per language, compiled into the binary. A test checks that both
//! catalogues hold the same keys and that every key the templates and handlers use exists.

use opres_domain::Lang;
use std::collections::HashMap;
use std::sync::LazyLock;

/// One file per module and language, so each module's strings live beside each other.
const JA: [&str; 5] = [
    include_str!("../i18n/ja.txt"),
    include_str!("../i18n/analysis.ja.txt"),
    include_str!("../i18n/resilience.ja.txt"),
    include_str!("../i18n/tlpt.ja.txt"),
    include_str!("../i18n/gap.ja.txt"),
];
const EN: [&str; 5] = [
    include_str!("../i18n/en.txt"),
    include_str!("../i18n/analysis.en.txt"),
    include_str!("../i18n/resilience.en.txt"),
    include_str!("../i18n/tlpt.en.txt"),
    include_str!("../i18n/gap.en.txt"),
];

/// `key = value` per line; `#` starts a comment line. Values are plain text (templates escape them).
fn entries(text: &'static str) -> impl Iterator<Item = (&'static str, &'static str)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('=').map(|(k, v)| (k.trim(), v.trim())))
}

fn parse(files: [&'static str; 5]) -> HashMap<&'static str, &'static str> {
    files.into_iter().flat_map(entries).collect()
}

static CATALOGUES: LazyLock<[HashMap<&'static str, &'static str>; 2]> = LazyLock::new(|| [parse(JA), parse(EN)]);

/// The keys of both catalogues, Japanese then English (for the completeness test).
pub fn catalogue_keys() -> (Vec<&'static str>, Vec<&'static str>) {
    let [ja, en] = &*CATALOGUES;
    let mut a: Vec<_> = ja.keys().copied().collect();
    let mut b: Vec<_> = en.keys().copied().collect();
    a.sort_unstable();
    b.sort_unstable();
    (a, b)
}

/// The strings of one language.
#[derive(Debug, Clone, Copy)]
pub struct Catalogue(pub Lang);

impl Catalogue {
    /// The text for `key`; the key itself if it is missing (the completeness test prevents that).
    pub fn t(&self, key: &str) -> &'static str {
        let [ja, en] = &*CATALOGUES;
        let map = match self.0 {
            Lang::Ja => ja,
            Lang::En => en,
        };
        match map.get_key_value(key) {
            Some((_, v)) => v,
            None => {
                tracing::warn!(key, "missing UI string");
                // Leak-free fallback: the key is usually a literal, but return a fixed marker.
                "?"
            }
        }
    }

    /// The text for `key`, if there is one (for words that may or may not be field names).
    pub fn get(&self, key: &str) -> Option<&'static str> {
        let [ja, en] = &*CATALOGUES;
        let map = match self.0 {
            Lang::Ja => ja,
            Lang::En => en,
        };
        map.get(key).copied()
    }

    /// The language.
    pub fn lang(&self) -> Lang {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_the_same_keys() {
        let (ja, en) = catalogue_keys();
        let missing_en: Vec<_> = ja.iter().filter(|k| !en.contains(k)).collect();
        let missing_ja: Vec<_> = en.iter().filter(|k| !ja.contains(k)).collect();
        assert!(missing_en.is_empty() && missing_ja.is_empty(), "missing in en: {missing_en:?}; in ja: {missing_ja:?}");
        assert!(ja.len() > 100);
    }

    #[test]
    fn no_key_is_defined_twice() {
        for files in [JA, EN] {
            let mut seen = std::collections::HashSet::new();
            let twice: Vec<_> = files.into_iter().flat_map(entries).filter(|(k, _)| !seen.insert(*k)).collect();
            assert!(twice.is_empty(), "defined twice: {twice:?}");
        }
    }

    #[test]
    fn every_key_used_exists() {
        // Scan templates and handler sources for t("…") calls.
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/");
        let mut files = Vec::new();
        let mut dirs = vec![std::path::PathBuf::from(format!("{root}templates")), format!("{root}src").into()];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    files.push(path);
                }
            }
        }
        let (keys, _) = catalogue_keys();
        let mut used = 0;
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            let parts = text.split(".t(\"").skip(1).chain(text.split("flash(\"").skip(1));
            for part in parts {
                let Some(key) = part.split('"').next() else { continue };
                if key.contains(' ') || key.is_empty() || key == "…" {
                    continue;
                }
                used += 1;
                assert!(keys.contains(&key), "{}: key '{key}' is not in the catalogues", f.display());
            }
        }
        assert!(used > 100, "only {used} keys found: is the scan still looking in the right places?");
    }
}
