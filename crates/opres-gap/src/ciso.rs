//! CISO Assistant library (YAML) import: the library's `objects.framework` and its
//! `requirement_nodes` become a validated [`Framework`], every problem located by its path in the
//! file and the line an editor shows.
//!
//! The tree comes from `parent_urn`; `depth` is not used (it restates the tree and is not
//! trusted over it). Node ids are the nodes' `urn`s, references their `ref_id`s. Texts: the base
//! `name`/`description` are in the library's `locale`; `translations.ja`/`translations.en` fill
//! the other language. A language that is missing stays missing, and [`opres_domain::Bilingual::get`]
//! shows the other one instead, so English is never stored as if it were Japanese.

use crate::framework::{Framework, FrameworkRecord, Place, RequirementRecord};
use crate::problem::{ImportError, ImportProblem, Reason};
use opres_domain::{Lang, Problem};
use serde::Deserialize;
use serde_saphyr::{Location, Spanned};
use std::collections::{BTreeMap, HashSet};

/// Where a node's list is in the file, for problems.
const NODES: &str = "/objects/framework/requirement_nodes";

/// A name and a description in one language.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Texts {
    name: Option<String>,
    description: Option<String>,
}

/// The library as written (unknown keys such as `packager` or `copyright` are ignored: they do
/// not change the requirements).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct LibraryFile {
    urn: Option<String>,
    name: Option<String>,
    version: Option<String>,
    provider: Option<String>,
    locale: Option<String>,
    objects: Option<Spanned<Objects>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Objects {
    framework: Option<Spanned<FrameworkNode>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct FrameworkNode {
    urn: Option<Spanned<String>>,
    ref_id: Option<String>,
    name: Option<String>,
    description: Option<String>,
    translations: BTreeMap<String, Texts>,
    requirement_nodes: Vec<Spanned<NodeRecord>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct NodeRecord {
    urn: Option<Spanned<String>>,
    parent_urn: Option<Spanned<String>>,
    // A string, not a number: `ref_id: 1.10` keeps its text (a float would read it as 1.1).
    ref_id: Option<String>,
    name: Option<Spanned<String>>,
    description: Option<String>,
    assessable: Option<bool>,
    typical_evidence: Option<String>,
    translations: BTreeMap<String, Texts>,
}

/// The text in each language: the base text in the library's locale, then translations.
/// A locale other than ja/en is taken as English only where no English translation exists, so
/// a title is never lost.
fn bilingual(
    locale: Option<Lang>,
    base: Option<&str>,
    translations: &BTreeMap<String, Texts>,
    pick: fn(&Texts) -> Option<&String>,
) -> (String, String) {
    let translated = |lang: Lang| {
        translations.iter().find(|(k, _)| Lang::parse(k) == Some(lang)).and_then(|(_, t)| pick(t)).cloned()
    };
    let base = base.map(str::to_string);
    let ja = translated(Lang::Ja).or(if locale == Some(Lang::Ja) { base.clone() } else { None });
    let en = translated(Lang::En).or(if locale == Some(Lang::Ja) { None } else { base });
    (ja.unwrap_or_default(), en.unwrap_or_default())
}

/// `pointer (line n)`: the path for tools, the line for the person with an editor.
fn located(pointer: &str, at: Location) -> String {
    if at.line() == 0 { pointer.to_string() } else { format!("{pointer} (line {})", at.line()) }
}

/// A YAML error as a located problem; the parser's own text is never shown.
fn yaml_problem(file: &str, e: &serde_saphyr::Error) -> ImportProblem {
    use serde_saphyr::Error as E;
    // The kind is the wrapped error's; the wrappers only add snippets or alias sites.
    let mut e = e;
    while let E::WithSnippet { error, .. } | E::AliasError { error, .. } = e {
        e = error;
    }
    let (line, column) = e.location().map(|l| (l.line() as usize, l.column() as usize)).unwrap_or((0, 0));
    let reason = match e {
        E::SerdeInvalidType { .. }
        | E::SerdeInvalidValue { .. }
        | E::SerdeInvalidLength { .. }
        | E::SerdeUnknownVariant { .. }
        | E::SerdeUnknownField { .. }
        | E::SerdeMissingField { .. }
        | E::Message { .. }
        | E::Unexpected { .. }
        | E::InvalidScalar { .. }
        | E::InvalidBooleanStrict { .. }
        | E::NullIntoString { .. } => Reason::WrongType { expected: "the CISO Assistant library structure" },
        E::Budget { .. } => Reason::YamlTooComplex,
        _ => Reason::YamlSyntax { line, column },
    };
    ImportProblem { file: file.to_string(), at: format!("line {line}, column {column}"), field: String::new(), reason }
}

/// Reads a CISO Assistant library (YAML) into a validated framework. All or nothing: every
/// problem (YAML syntax at its line and column; an unknown `parent_urn`, a duplicate `urn`, a
/// node without a name, a cycle at the node's path and line) is returned at once.
pub fn import_ciso(file: &str, bytes: &[u8]) -> Result<Framework, ImportError> {
    let lib: LibraryFile = serde_saphyr::from_slice(bytes).map_err(|e| ImportError(vec![yaml_problem(file, &e)]))?;
    let problem = |at: String, field: &str, reason: Reason| ImportProblem {
        file: file.to_string(),
        at,
        field: field.to_string(),
        reason,
    };
    let Some(objects) = lib.objects else {
        return Err(ImportError(vec![problem("/".into(), "objects", Reason::Field(Problem::Required))]));
    };
    let Some(fw) = objects.value.framework else {
        let at = located("/objects", objects.referenced);
        return Err(ImportError(vec![problem(at, "framework", Reason::Field(Problem::Required))]));
    };
    let fw_at = located("/objects/framework", fw.referenced);
    let fw_line = fw.referenced;
    let fw = fw.value;
    let locale = lib.locale.as_deref().and_then(Lang::parse);
    // A node's default: a node that others name as parent groups them; any other is assessed.
    let parents: HashSet<&str> =
        fw.requirement_nodes.iter().filter_map(|n| n.value.parent_urn.as_ref()).map(|p| p.value.trim()).collect();
    let requirements = fw
        .requirement_nodes
        .iter()
        .map(|n| {
            let n = &n.value;
            let id = n.urn.as_ref().map(|u| u.value.trim().to_string()).unwrap_or_default();
            let (title_ja, title_en) =
                bilingual(locale, n.name.as_ref().map(|s| s.value.as_str()), &n.translations, |t| t.name.as_ref());
            let (description_ja, description_en) =
                bilingual(locale, n.description.as_deref(), &n.translations, |t| t.description.as_ref());
            RequirementRecord {
                assessable: n.assessable.unwrap_or(!parents.contains(id.as_str())),
                id,
                parent: n.parent_urn.as_ref().map(|p| p.value.trim().to_string()),
                reference: n.ref_id.as_ref().map(|s| s.trim().to_string()).unwrap_or_default(),
                title_ja,
                title_en,
                description_ja,
                description_en,
                evidence: n.typical_evidence.iter().map(|e| e.trim().to_string()).filter(|e| !e.is_empty()).collect(),
                ..Default::default()
            }
        })
        .collect();
    let (name_ja, name_en) =
        bilingual(locale, fw.name.as_deref().or(lib.name.as_deref()), &fw.translations, |t| t.name.as_ref());
    let id = fw
        .urn
        .as_ref()
        .map(|u| u.value.trim().to_string())
        .filter(|u| !u.is_empty())
        .or_else(|| fw.ref_id.as_ref().map(|s| s.trim().to_string()))
        .unwrap_or_default();
    let record = FrameworkRecord {
        id,
        version: lib.version.as_ref().map(|s| s.trim().to_string()).unwrap_or_default(),
        name_ja,
        name_en,
        source: format!(
            "CISO Assistant library {} ({})",
            lib.urn.as_deref().unwrap_or(file),
            lib.provider.as_deref().unwrap_or("provider not given")
        ),
        scale_max: None,
        requirements,
    };
    // One validator for every source; its problems are said again in this file's terms.
    record.validate(file).map_err(|e| {
        ImportError(
            e.0.into_iter()
                .map(|p| {
                    let (at, field) = match Place::of(&p.at) {
                        Some(Place::Node(i)) => {
                            let node = fw.requirement_nodes.get(i);
                            let line = |f: fn(&NodeRecord) -> Option<Location>| {
                                node.and_then(|n| f(&n.value)).or(node.map(|n| n.referenced))
                            };
                            let (field, at) = match p.field.as_str() {
                                "id" => ("urn", line(|n| n.urn.as_ref().map(|u| u.referenced))),
                                "parent" => ("parent_urn", line(|n| n.parent_urn.as_ref().map(|u| u.referenced))),
                                "title" => ("name", line(|n| n.name.as_ref().map(|u| u.referenced))),
                                other => (other, line(|_| None)),
                            };
                            let pointer = format!("{NODES}/{i}");
                            (at.map(|l| located(&pointer, l)).unwrap_or(pointer), field.to_string())
                        }
                        Some(Place::Framework) => {
                            let field = if p.field == "id" { "urn".to_string() } else { p.field };
                            let at = match (&field[..], &fw.urn) {
                                ("urn", Some(u)) => located("/objects/framework", u.referenced),
                                _ => located("/objects/framework", fw_line),
                            };
                            (at, field)
                        }
                        None => (fw_at.clone(), p.field),
                    };
                    ImportProblem { at, field, ..p }
                })
                .collect(),
        )
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    const SMALL: &str = "\
urn: urn:test:library:small
locale: en
version: 2
provider: opres tests
objects:
  framework:
    urn: urn:test:framework:small
    ref_id: small
    name: Small
    translations:
      ja:
        name: 小さな枠組み
    requirement_nodes:
      - urn: urn:test:req:1
        ref_id: 1
        name: Governance
        depth: 1
      - urn: urn:test:req:1.1
        parent_urn: urn:test:req:1
        ref_id: 1.10
        name: Board oversight
        description: The board oversees resilience.
        depth: 2
        translations:
          ja:
            name: 取締役会による監督
";

    #[test]
    fn numbers_read_as_text_and_the_tree_decides_what_is_assessed() {
        let f = import_ciso("small.yaml", SMALL.as_bytes()).unwrap();
        assert_eq!(f.id, "urn:test:framework:small");
        assert_eq!(f.version, "2");
        assert_eq!(f.name.get(Lang::Ja), "小さな枠組み");
        let root = f.get("urn:test:req:1").unwrap();
        assert!(!root.assessable, "a node with children groups them");
        assert_eq!(root.reference, "1");
        let leaf = f.get("urn:test:req:1.1").unwrap();
        assert!(leaf.assessable);
        // As written: a float would have made it 1.1.
        assert_eq!(leaf.reference, "1.10");
        assert_eq!(leaf.title.ja.as_deref(), Some("取締役会による監督"));
        assert_eq!(leaf.title.en.as_deref(), Some("Board oversight"));
        // No Japanese description: stored as missing, shown in English.
        assert_eq!(leaf.description.ja, None);
        assert_eq!(leaf.description.get(Lang::Ja), "The board oversees resilience.");
    }

    #[test]
    fn a_byte_order_mark_is_not_content() {
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), SMALL.as_bytes()].concat();
        assert_eq!(import_ciso("bom.yaml", &with_bom).unwrap(), import_ciso("small.yaml", SMALL.as_bytes()).unwrap());
    }

    #[test]
    fn a_japanese_locale_puts_the_base_text_in_japanese() {
        let ja = SMALL.replace("locale: en", "locale: ja");
        let f = import_ciso("small.yaml", ja.as_bytes()).unwrap();
        let root = f.get("urn:test:req:1").unwrap();
        assert_eq!((root.title.ja.as_deref(), root.title.en.as_deref()), (Some("Governance"), None));
    }

    #[test]
    fn a_wrong_type_is_located_without_the_parsers_words() {
        let bad = SMALL.replace("    requirement_nodes:\n", "    requirement_nodes: 7\n    unused:\n");
        let e = import_ciso("small.yaml", bad.as_bytes()).unwrap_err();
        assert_eq!(e.0.len(), 1);
        assert!(matches!(e.0[0].reason, Reason::WrongType { .. }), "{:?}", e.0[0]);
        assert!(e.0[0].at.starts_with("line 13"), "{}", e.0[0].at);
    }

    #[test]
    fn nesting_past_the_limit_is_refused_as_too_complex() {
        let deep = format!("objects:\n  extra: {}{}\n", "[".repeat(200), "]".repeat(200));
        let e = import_ciso("deep.yaml", deep.as_bytes()).unwrap_err();
        assert_eq!(e.0[0].reason, Reason::YamlTooComplex, "{:?}", e.0[0]);
    }

    #[test]
    fn a_library_without_a_framework_says_so() {
        let e = import_ciso("x.yaml", b"urn: u\nobjects:\n  reference_controls: []\n").unwrap_err();
        assert_eq!((e.0[0].at.as_str(), e.0[0].field.as_str()), ("/objects (line 3)", "framework"));
    }
}
