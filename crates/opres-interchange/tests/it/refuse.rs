//! Bad files are refused as a whole, with one problem per bad row, at the right line and field,
//! in both languages; good files in every accepted spelling are read.

use opres_domain::{Channel, Lang, Trend};
use opres_interchange::{Issue, Position, ReadError, RowProblem, read_bytes, read_file};

/// (line, field, kind) of each problem, for compact assertions.
fn summary(e: &ReadError) -> Vec<(u64, Option<String>, &'static str)> {
    e.problems()
        .iter()
        .map(|p| {
            let line = match &p.location.position {
                Position::Line(n) => *n,
                Position::Element { line, .. } => *line,
                Position::Row { row, .. } => u64::from(*row),
                Position::File => 0,
            };
            (line, p.field.clone(), p.issue.kind())
        })
        .collect()
}

fn refused(name: &str, text: &str) -> ReadError {
    match read_bytes(name, text.as_bytes()) {
        Ok(f) => panic!("{name} was accepted: {f:?}"),
        Err(e) => e,
    }
}

fn f(s: &str) -> Option<String> {
    Some(s.to_string())
}

const CSV_BAD: &str = "\
reference,institution,title_ja,occurred_at,detected_at,trend,customers_affected,description_en
INC-1,BANK-A,ATM停止,2024-05-01T09:00:00+09:00,2024-05-01T09:05:00+09:00,operations.storage,10,ok
INC-2,BANK-A,勘定系遅延,2024-05-01 09:00,2024-05-01T09:05:00+09:00,,,
INC-3,BANK-A,\"複数行の
件名, 引用符\"\"付き\",2024-05-01T09:00:00+09:00,2024-05-01T09:05:00+09:00,operations.disk,,
INC-4,BANK-A,件名,2024-05-01T09:00:00+09:00,2024-05-01T09:05:00+09:00,,-3,
INC-1,BANK-A,重複,2024-05-01T09:00:00+09:00,2024-05-01T09:05:00+09:00,,,
INC-5,BANK-A,件名,2024-05-01T09:00:00+09:00,2024-05-01T09:05:00+09:00,,,
";

#[test]
fn csv_reports_every_bad_row_with_its_line_and_field() {
    let e = refused("incidents.csv", CSV_BAD);
    assert_eq!(
        summary(&e),
        [
            (3, f("occurred_at"), "timestamp_without_offset"),
            (4, f("trend"), "unknown_code"), // the record starts on line 4; its quoted title spans 4–5
            (6, f("customers_affected"), "negative"),
            (7, f("reference"), "duplicate_in_file"),
        ]
    );
    let p = &e.problems()[0];
    assert!(
        p.message(Lang::En).starts_with("incidents.csv line 3, occurred_at: '2024-05-01 09:00' has no time zone;"),
        "{}",
        p.message(Lang::En)
    );
    assert!(
        p.message(Lang::Ja)
            .starts_with("incidents.csv 3行目 発生日時（occurred_at）: 「2024-05-01 09:00」にタイムゾーンがありません"),
        "{}",
        p.message(Lang::Ja)
    );
    let dup = &e.problems()[3];
    assert!(
        dup.message(Lang::En).contains("'INC-1' appears more than once in the file (first at incidents.csv line 2)")
    );
    assert!(
        dup.message(Lang::Ja)
            .contains("管理番号（reference）: 「INC-1」がファイル内で重複しています（最初は incidents.csv 2行目）")
    );
    assert!(e.message(Lang::Ja).contains("4 件の問題"));
    assert!(e.message(Lang::En).contains("4 problem(s)"));
}

#[test]
fn a_row_with_several_bad_fields_names_each_field() {
    let csv = "reference,institution,title_ja,occurred_at,detected_at,channels,cyber_attack\n\
               INC-1,BANK-A,件名,2024-05-01T09:00:00+09:00,2024-05-01T08:00:00+09:00,atm;fax,maybe\n";
    let e = refused("x.csv", csv);
    assert_eq!(
        summary(&e),
        [(2, f("detected_at"), "before"), (2, f("channels"), "unknown_code"), (2, f("cyber_attack"), "not_a_boolean")]
    );
}

#[test]
fn csv_with_bom_japanese_headers_lists_and_json_cells_is_read() {
    let csv = "\u{feff}管理番号,金融機関コード,件名（日本語）,発生日時,認識日時,障害傾向,影響チャネル,時系列,報告提出\n\
               INC-9,BANK-A,ATM停止,2024-05-01T09:00:00+09:00,2024-05-01T09:05:00Z,operations.capacity, atm ; internet_banking ,\
               \"[{\"\"at\"\":\"\"2024-05-01T09:10:00+09:00\"\",\"\"text\"\":\"\"第一報\"\"}]\",\
               \"[{\"\"stage\"\":\"\"written_report\"\",\"\"submitted_at\"\":\"\"2024-05-03T10:00:00+09:00\"\"}]\"\n";
    let parsed = read_bytes("障害.csv", csv.as_bytes()).unwrap();
    let i = &parsed.incidents[0].value;
    assert_eq!(i.reference.as_str(), "INC-9");
    assert_eq!(i.classification.trend(), Trend::OperationsCapacity);
    assert_eq!(i.channels, [Channel::Atm, Channel::InternetBanking]);
    assert_eq!(i.timeline.len(), 1);
    assert_eq!(i.report_submissions.len(), 1);
    assert_eq!(parsed.incidents[0].location.position, Position::Line(2));
}

#[test]
fn csv_header_problems_are_reported_once() {
    let e = refused("x.csv", "reference,institution,title_en,occurred_at,colour\nA,B,t,2024-05-01T09:00:00Z,red\n");
    assert_eq!(summary(&e), [(1, None, "unknown_column"), (1, f("detected_at"), "missing_column")]);
    assert!(e.problems()[0].message(Lang::En).contains("column 'colour' is not a field of an incident"));
    assert!(e.problems()[1].message(Lang::Ja).contains("認識日時（detected_at）: 必須の列が見出し行にありません"));

    let e = refused("x.csv", "foo,bar\n1,2\n");
    assert_eq!(summary(&e), [(1, None, "unrecognised_header")]);
}

#[test]
fn csv_institutions_and_systems_are_recognised_by_their_columns() {
    let ins =
        read_bytes("i.csv", "コード,名称（日本語）,業態\n".replace("コード", "金融機関コード").as_bytes()).unwrap();
    assert!(ins.is_empty());
    let sys = "institution,code,name,criticality\nBANK-A,CORE,勘定系システム,critical\nBANK-A,IB,インターネットバンキング,high\n";
    let parsed = read_bytes("s.csv", sys.as_bytes()).unwrap();
    assert_eq!(parsed.systems.len(), 2);
    let e = refused("s.csv", "institution,code,name,criticality\nBANK-A,CORE,a,critical\nBANK-A,CORE,b,high\n");
    assert_eq!(summary(&e), [(3, f("code"), "duplicate_in_file")]);
}

#[test]
fn csv_rows_with_the_wrong_number_of_cells_are_refused() {
    let e = refused("x.csv", "institution,code,name,criticality\nBANK-A,CORE,a,critical,extra\nBANK-A,IB\n");
    assert_eq!(summary(&e), [(2, None, "cell_count"), (3, None, "cell_count")]);
}

const GOOD: &str = r#""institution":"BANK-A","title_ja":"ATM停止","occurred_at":"2024-05-01T09:00:00+09:00","detected_at":"2024-05-01T09:05:00+09:00""#;

#[test]
fn jsonl_reports_syntax_unknown_fields_types_and_kinds_per_line() {
    let lines = [
        r#"{"record":"institution","code":"BANK-A","name_ja":"さくら銀行","institution_type":"regional_bank"}"#.to_string(),
        format!(r#"{{"reference":"INC-1",{GOOD}}}"#),
        format!(r#"{{"reference":"INC-2",{GOOD},"colour":"red"}}"#),
        r#"{"reference":"INC-3", oops"#.to_string(),
        String::new(),
        format!(r#"{{"record":"branch","reference":"INC-4",{GOOD}}}"#),
        format!(r#"{{"reference":"INC-5",{GOOD},"customers_affected":[1]}}"#),
        "[1,2]".to_string(),
        r#"{"record":"system","institution":"BANK-A","code":"CORE","name":"勘定系","criticality":"vital"}"#.to_string(),
        r#"{"reference":"INC-6","institution":"BANK-A","title_en":"x","occurred_at":20240501,"detected_at":"2024-05-01T09:05:00+09:00"}"#.to_string(),
        format!(r#"{{"record":"incident","reference":"INC-7",{GOOD},"channels":["atm",3]}}"#),
        r#"{"institution":"BANK-A","title_en":"no reference or times"}"#.to_string(),
    ];
    let e = refused("register.jsonl", &lines.join("\n"));
    assert_eq!(
        summary(&e),
        [
            (3, f("colour"), "unknown_field"),
            (4, None, "json_syntax"),
            (6, f("record"), "unknown_record_kind"),
            (7, f("customers_affected"), "wrong_type"),
            (8, None, "not_an_object"),
            (9, f("criticality"), "unknown_code"),
            (10, f("occurred_at"), "wrong_type"),
            (11, f("channels[1]"), "wrong_type"),
            (12, f("reference"), "required"),
            (12, f("occurred_at"), "required"),
            (12, f("detected_at"), "required"),
        ]
    );
    let msg = |i: usize, l| e.problems()[i].message(l);
    assert!(msg(0, Lang::En).starts_with(
        "register.jsonl line 3, colour: is not a field of an incident; the fields are: reference, institution"
    ));
    assert!(msg(0, Lang::Ja).starts_with("register.jsonl 3行目 colour: 障害の項目ではありません"));
    assert!(msg(1, Lang::En).contains("is not valid JSON (column"));
    assert!(msg(3, Lang::En).ends_with("customers_affected: must be a whole number, true/false, or text, not a list"));
    assert!(msg(3, Lang::Ja).contains(
        "影響顧客数（customers_affected）: 整数・真偽値またはその文字列で書いてください（配列が書かれています）"
    ));
    assert!(msg(5, Lang::Ja).contains("重要度（criticality）: 「vital」は使用できないコードです"));
}

#[test]
fn json_names_section_index_and_line() {
    let doc = format!(
        "{{\n  \"institutions\": [\n    {{\"code\":\"BANK-A\",\"name_en\":\"Sakura Regional Bank\",\"institution_type\":\"regional_bank\",\"lei\":\"5493006MHB84DD0ZWV19\"}}\n  ],\n  \"incidents\": [\n    {{\"reference\":\"INC-1\",{GOOD}}},\n    {{\"reference\":\"INC-2\",{GOOD},\n      \"trend\":\"cyber.ddos\",\"cyber_attack\":false}}\n  ]\n}}\n"
    );
    let e = refused("export.json", &doc);
    assert_eq!(summary(&e), [(3, f("lei"), "bad_format"), (7, f("cyber_attack"), "cyber_trigger_not_marked_cyber")]);
    let p = &e.problems()[1];
    assert_eq!(p.location.position, Position::Element { section: "incidents", index: 1, line: 7 });
    assert!(p.message(Lang::En).starts_with("export.json incidents[1] (line 7), cyber_attack: the trigger is cyber"));
    assert!(p.message(Lang::Ja).starts_with("export.json incidents[1]（7行目） サイバー攻撃（cyber_attack）: "));

    // A bare array of incidents.
    let ok = read_bytes("a.json", format!("[{{\"reference\":\"A\",{GOOD}}}]").as_bytes()).unwrap();
    assert_eq!(ok.incidents.len(), 1);

    // Document-level problems.
    let e = refused("a.json", "{\"incidents\": [}\n");
    assert_eq!(summary(&e), [(0, None, "json_syntax")]);
    assert!(e.problems()[0].message(Lang::En).contains("line 1, column"));
    let e = refused("a.json", "{\"accidents\": []}");
    assert_eq!(summary(&e), [(0, None, "not_a_register_document")]);
    let e = refused("a.json", "  ");
    assert_eq!(summary(&e), [(0, None, "no_records")]);
}

#[test]
fn timeline_problems_in_json_name_the_entry() {
    let doc = format!(
        "{{\"reference\":\"A\",{GOOD},\"timeline\":[{{\"at\":\"2024-05-01T09:10:00+09:00\",\"text\":\"ok\"}},{{\"at\":\"09:20\",\"txt\":\"typo\"}}]}}"
    );
    let e = refused("t.jsonl", &doc);
    assert_eq!(summary(&e), [(1, f("timeline[1].txt"), "unknown_field")]);
    let doc = format!("{{\"reference\":\"A\",{GOOD},\"timeline\":[{{\"at\":\"09:20\",\"text\":\" \"}}]}}");
    let e = refused("t.jsonl", &doc);
    assert_eq!(summary(&e), [(1, f("timeline[0].at"), "timestamp_malformed"), (1, f("timeline[0].text"), "required")]);
    assert!(e.problems()[0].message(Lang::Ja).contains("時系列[0].at（timeline[0].at）"));
}

#[test]
fn unsupported_and_missing_files_are_named() {
    let e = read_bytes("register.xls", b"").unwrap_err();
    assert!(matches!(e, ReadError::UnsupportedFormat { .. }));
    assert!(e.message(Lang::Ja).contains("対応していないファイル形式"));
    let e = read_file(std::path::Path::new("/nonexistent/dir/x.csv")).unwrap_err();
    assert!(matches!(e, ReadError::Io { .. }));
    assert!(refused("x.jsonl", "\n\n").problems()[0].issue == Issue::NoRecords);
}

#[test]
fn non_utf8_is_refused_per_line() {
    let mut bytes = format!("{{\"reference\":\"A\",{GOOD}}}\n").into_bytes();
    bytes.extend_from_slice(b"{\"reference\":\"B\xff\"}\n");
    let e = read_bytes("x.jsonl", &bytes).unwrap_err();
    let kinds: Vec<_> =
        e.problems().iter().map(|p: &RowProblem| (p.location.position.clone(), p.issue.kind())).collect();
    assert_eq!(kinds, [(Position::Line(2), "not_utf8")]);
}

#[test]
fn keys_written_twice_are_refused_not_overwritten() {
    let line = format!(r#"{{"reference":"A",{GOOD},"trend":"cyber.ddos","trend":"work.misoperation"}}"#);
    let e = refused("d.jsonl", &line);
    assert_eq!(summary(&e), [(1, f("trend"), "duplicate_key")]);
    let doc = format!(r#"{{"incidents":[{{"reference":"A",{GOOD},"vendor":"x","vendor":"y"}}]}}"#);
    let e = refused("d.json", &doc);
    assert_eq!(summary(&e), [(1, f("vendor"), "duplicate_key")]);
    assert!(e.problems()[0].message(Lang::Ja).contains("委託先（vendor）: 同じレコードに複数回書かれています"));
}

#[test]
fn the_examples_in_docs_formats_md_read() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/formats.md")).unwrap();
    let mut read = 0;
    for (fence, name) in [("```jsonl\n", "example.jsonl"), ("```json\n", "example.json"), ("```csv\n", "example.csv")] {
        let mut rest = doc.as_str();
        while let Some(start) = rest.find(fence) {
            let body = &rest[start + fence.len()..];
            let end = body.find("```").unwrap();
            let parsed = read_bytes(name, &body.as_bytes()[..end]).unwrap_or_else(|e| {
                panic!("{name}: {}", e.problems().iter().map(|p| p.message(Lang::En)).collect::<Vec<_>>().join("\n"))
            });
            assert!(!parsed.incidents.is_empty(), "{name}");
            read += 1;
            rest = &body[end..];
        }
    }
    assert_eq!(read, 3);
}
