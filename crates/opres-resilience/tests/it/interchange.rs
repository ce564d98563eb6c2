use opres_domain::Lang;
use opres_resilience::generate::{demo_map, generate_map};
use opres_resilience::interchange::{
    from_csv, from_json, from_xlsx, scenarios_from_json, scenarios_to_json, to_csv, to_json, to_xlsx,
};
use opres_resilience::*;

#[test]
fn csv_round_trip_keeps_the_whole_map() {
    for map in [demo_map().unwrap(), generate_map(600, 5, 11).unwrap()] {
        let (r, d) = to_csv(&map);
        let back = from_csv(&r, &d, map.services().to_vec(), map.data().institution.clone()).unwrap();
        assert_eq!(back.data(), map.data());
    }
}

#[test]
fn xlsx_round_trip_keeps_the_whole_map() {
    let map = demo_map().unwrap();
    let bytes = to_xlsx(&map).unwrap();
    let back = from_xlsx(&bytes, "map.xlsx", map.services().to_vec(), map.data().institution.clone()).unwrap();
    assert_eq!(back.data(), map.data());
}

#[test]
fn json_round_trip_and_scenarios() {
    let map = demo_map().unwrap();
    let back = from_json(to_json(&map).as_bytes(), "map.json").unwrap();
    assert_eq!(back.data(), map.data());
    let scs = opres_resilience::generate::demo_scenarios();
    let back = scenarios_from_json(scenarios_to_json(&scs).as_bytes(), "scenarios.json", &map).unwrap();
    assert_eq!(back, scs);
}

fn services() -> Vec<ImportantBusinessService> {
    demo_map().unwrap().services().to_vec()
}

#[test]
fn csv_errors_name_file_row_and_field_in_both_languages() {
    let resources = "id,kind,name_ja,name_en,rto_minutes\nA,system,システムA,System A,30\nB,robot,ロボ,Robot,abc\n";
    let deps = "from,to,gate,k\nSVC-FT,A,and,\nA,C,and,\n";
    let e = from_csv(resources.as_bytes(), deps.as_bytes(), services(), None).unwrap_err();
    let find = |kind: &str| e.iter().find(|i| i.problem.kind() == kind).unwrap_or_else(|| panic!("{kind} in {e:?}"));
    let bad_kind = find("unknown_code");
    assert_eq!(bad_kind.location.file.as_deref(), Some("resources.csv"));
    assert_eq!(bad_kind.location.row, Some(3));
    assert_eq!(bad_kind.location.field.as_deref(), Some("kind"));
    assert!(bad_kind.message(Lang::Ja).starts_with("resources.csv 3行目 kind: 「robot」は使用できないコードです"));
    assert!(bad_kind.message(Lang::En).starts_with("resources.csv row 3 kind: 'robot' is not a known code"));
    let nan = find("not_a_number");
    assert_eq!((nan.location.row, nan.location.field.as_deref()), (Some(3), Some("rto_minutes")));
}

#[test]
fn model_problems_are_placed_at_their_rows() {
    let resources = "id,kind,name_ja\nA,system,A\nB,system,B\nC,third_party,C\n";
    let deps = "from,to,gate,k\nSVC-FT,A,and,\nA,B,and,\nB,A,and,\nSVC-ATM,A,k_of_n,2\nSVC-IB,A,and,\nSVC-AO,A,and,\n";
    let e = from_csv(resources.as_bytes(), deps.as_bytes(), services(), None).unwrap_err();
    let cycle = e.iter().find(|i| i.problem.kind() == "cycle").unwrap();
    assert_eq!(cycle.location.file.as_deref(), Some("dependencies.csv"));
    let k = e.iter().find(|i| i.problem.kind() == "k_out_of_range").unwrap();
    assert_eq!((k.location.file.as_deref(), k.location.row), (Some("dependencies.csv"), Some(5)));
    let provider = e.iter().find(|i| i.problem.kind() == "provider_required").unwrap();
    assert_eq!((provider.location.file.as_deref(), provider.location.row), (Some("resources.csv"), Some(4)));
}

#[test]
fn inconsistent_gates_and_unknown_nodes_are_refused() {
    let resources = "id,kind,name_ja\nA,system,A\nB,system,B\n";
    let deps = "from,to,gate,k\nSVC-FT,A,or,\nSVC-FT,B,and,\nGHOST,A,and,\n";
    let e = from_csv(resources.as_bytes(), deps.as_bytes(), services(), None).unwrap_err();
    let inc = e.iter().find(|i| i.problem.kind() == "inconsistent_gate").unwrap();
    assert_eq!(inc.location.row, Some(3));
    let ghost = e.iter().find(|i| i.problem.kind() == "unknown_reference").unwrap();
    assert_eq!((ghost.location.row, ghost.location.field.as_deref()), (Some(4), Some("from")));
}

#[test]
fn missing_columns_and_sheets_are_named() {
    let e = from_csv(b"id,name_ja\nA,x\n", b"from,to\n", services(), None).unwrap_err();
    let m = e.iter().find(|i| i.problem.kind() == "missing_column").unwrap();
    assert!(m.message(Lang::Ja).contains("列「kind」がありません"));
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet().set_name("resources").unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let e = from_xlsx(&bytes, "cmdb.xlsx", services(), None).unwrap_err();
    assert!(e.iter().any(|i| i.problem == Problem::MissingSheet { name: "dependencies".into() }));
    let e = from_xlsx(b"not a workbook", "cmdb.xlsx", services(), None).unwrap_err();
    assert_eq!(e.0[0].problem.kind(), "malformed");
}

#[test]
fn json_syntax_errors_name_the_line() {
    let e = from_json(b"{\n  \"services\": [\n  oops\n]}", "map.json").unwrap_err();
    assert_eq!(e.0[0].location.row, Some(3));
    assert_eq!(e.0[0].location.file.as_deref(), Some("map.json"));
}

/// The demo data set kept in `demo/` (for seeding and for people to read) is what the code generates.
#[test]
fn committed_demo_files_match_the_generator() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("demo");
    let map = demo_map().unwrap();
    let file = from_json(&std::fs::read(dir.join("map.json")).unwrap(), "map.json").unwrap();
    assert_eq!(file.data(), map.data(), "regenerate with: cargo run -p opres-resilience --example resilience_demo");
    let scs = scenarios_from_json(&std::fs::read(dir.join("scenarios.json")).unwrap(), "scenarios.json", &map).unwrap();
    assert_eq!(scs, opres_resilience::generate::demo_scenarios());
    let (r, d) = to_csv(&map);
    assert_eq!(std::fs::read(dir.join("resources.csv")).unwrap(), r);
    assert_eq!(std::fs::read(dir.join("dependencies.csv")).unwrap(), d);
}

#[test]
fn workbooks_past_the_xlsx_limits_are_refused_before_they_are_read() {
    use opres_interchange::xlsx_limits::CELLS_MAX;
    // Two cells at A1 and XFD1048576 span 17 billion: refused by the cell budget, not allocated.
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet().set_name("resources").unwrap();
    ws.write_string(0, 0, "id").unwrap();
    ws.write_string(1_048_575, 16_383, "far").unwrap();
    book.add_worksheet().set_name("dependencies").unwrap();
    let e = from_xlsx(&book.save_to_buffer().unwrap(), "cmdb.xlsx", services(), None).unwrap_err();
    assert_eq!(e.0[0].problem.kind(), "too_large", "{:?}", e.0[0].problem);
    assert!(e.0[0].message(Lang::En).contains(&format!("limit of {CELLS_MAX} cells")), "{}", e.0[0].message(Lang::En));
    assert!(e.0[0].message(Lang::Ja).contains(&format!("上限の {CELLS_MAX}")), "{}", e.0[0].message(Lang::Ja));

    // A part declaring 3.75 GB unpacked (the central directory says so): refused on the
    // declaration, before anything is unpacked.
    let mut bytes = to_xlsx(&demo_map().unwrap()).unwrap();
    let central = (0..bytes.len() - 4).find(|&i| bytes[i..].starts_with(b"PK\x01\x02")).unwrap();
    bytes[central + 24..central + 28].copy_from_slice(&0xF000_0000u32.to_le_bytes());
    let e = from_xlsx(&bytes, "cmdb.xlsx", services(), None).unwrap_err();
    assert_eq!(e.0[0].problem.kind(), "too_large", "{:?}", e.0[0].problem);
    assert!(e.0[0].message(Lang::En).contains("512 MB"), "{}", e.0[0].message(Lang::En));
    assert!(e.0[0].message(Lang::Ja).contains("512 MB"), "{}", e.0[0].message(Lang::Ja));
}
