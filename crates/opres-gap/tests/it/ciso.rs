//! CISO Assistant library import: a good file with Japanese translations, a broken one with
//! every problem located, a syntax error at its line and column.

use opres_domain::Lang;
use opres_gap::ciso::import_ciso;
use opres_gap::{Reason, built_in};

fn data(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn a_library_with_japanese_translations_imports_bilingual() {
    let f = import_ciso("ciso-good.yaml", &data("ciso-good.yaml")).unwrap();
    assert_eq!(f.id, "urn:opres:risk:framework:test-resilience");
    assert_eq!(f.version, "1");
    assert_eq!(f.name.ja.as_deref(), Some("テスト用オペレーショナル・レジリエンス"));
    assert_eq!(f.name.en.as_deref(), Some("Test operational resilience"));
    assert_eq!(f.requirements.len(), 5);
    let ids: Vec<&str> = f.assessable().map(|r| r.reference.as_str()).collect();
    // OPS has no `assessable` but has a child: a grouping node; GOV.2 has none and no child: assessed.
    assert_eq!(ids, ["GOV.1", "GOV.2", "OPS.1"]);
    let gov1 = f.get("urn:opres:risk:req_node:test-resilience:gov.1").unwrap();
    assert_eq!(gov1.parent.as_deref(), Some("urn:opres:risk:req_node:test-resilience:gov"));
    assert_eq!(gov1.title.get(Lang::Ja), "取締役会による監督");
    assert_eq!(gov1.description.get(Lang::Ja), "取締役会が重要な業務の耐性度を承認している。");
    // No translation: the Japanese screen falls back to the English text, nothing is invented.
    let gov2 = f.get("urn:opres:risk:req_node:test-resilience:gov.2").unwrap();
    assert_eq!((gov2.title.ja.as_deref(), gov2.title.get(Lang::Ja)), (None, "Reporting culture"));
    let ops1 = f.get("urn:opres:risk:req_node:test-resilience:ops.1").unwrap();
    assert_eq!(ops1.evidence, ["Capacity reports"]);
    assert_eq!(f.area_of(&ops1.id), Some("urn:opres:risk:req_node:test-resilience:ops"));
    // Stored in opres's own format, it validates back to itself.
    assert_eq!(f.to_record().validate("again").unwrap(), f);
    assert!(built_in("report_challenges.json").is_some());
}

#[test]
fn a_broken_library_reports_every_problem_with_its_line() {
    let e = import_ciso("ciso-broken.yaml", &data("ciso-broken.yaml")).unwrap_err();
    let found: Vec<String> = e.0.iter().map(|p| format!("{} {} {}", p.at, p.field, p.reason.kind())).collect();
    assert_eq!(
        found,
        [
            "/objects/framework/requirement_nodes/2 (line 19) urn duplicate",
            "/objects/framework/requirement_nodes/1 (line 16) parent_urn unknown_reference",
            "/objects/framework/requirement_nodes/3 (line 22) name required",
        ]
    );
    assert!(e.0.iter().all(|p| p.file == "ciso-broken.yaml"));
    let ja = e.message(Lang::Ja);
    assert!(ja.contains("「urn:opres:risk:req_node:broken:nowhere」は登録されていません"), "{ja}");
    assert!(ja.contains("「urn:opres:risk:req_node:broken:a」が重複しています"), "{ja}");
}

#[test]
fn a_yaml_syntax_error_is_located_in_both_languages() {
    let e = import_ciso("ciso-syntax.yaml", &data("ciso-syntax.yaml")).unwrap_err();
    assert_eq!(e.0.len(), 1);
    let Reason::YamlSyntax { line, column } = e.0[0].reason else { panic!("{:?}", e.0[0]) };
    // Where the unterminated string starts.
    assert_eq!((line, column), (5, 11));
    assert_eq!(e.0[0].at, format!("line {line}, column {column}"));
    assert!(e.message(Lang::En).contains(&format!("not valid YAML at line {line}, column {column}")));
    assert!(e.message(Lang::Ja).contains(&format!("{line}行目 {column}文字目で YAML として読めません")));
    // Not even text: still a located problem, never a panic or a raw message.
    let e = import_ciso("bin.yaml", &[0xff, 0xfe, 0x00, b':']).unwrap_err();
    assert_eq!(e.0.len(), 1);
}
