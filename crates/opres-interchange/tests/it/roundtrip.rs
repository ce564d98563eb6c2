//! Arbitrary valid data → write → read gives the same domain values, in every format.

use crate::strategies::dataset;
use opres_domain::DataSet;
use opres_interchange::{Format, HeaderLang, ParsedFile, read_bytes, read_file, write_dataset, write_file_with};
use proptest::prelude::*;

fn through_file(data: &DataSet, format: Format, header: HeaderLang) -> DataSet {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("register.{}", format.extension()));
    let written = write_file_with(&path, data, header).unwrap();
    assert_eq!(written.last(), Some(&path));
    let mut parsed = ParsedFile::default();
    for p in &written {
        match read_file(p) {
            Ok(f) => parsed.extend(f),
            Err(e) => panic!(
                "{}\n{}",
                e,
                e.problems().iter().map(|p| p.message(opres_domain::Lang::En)).collect::<Vec<_>>().join("\n")
            ),
        }
    }
    parsed.into_dataset()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn jsonl_round_trips(data in dataset(12)) {
        prop_assert_eq!(through_file(&data, Format::Jsonl, HeaderLang::En), data);
    }

    #[test]
    fn json_round_trips(data in dataset(12)) {
        prop_assert_eq!(through_file(&data, Format::Json, HeaderLang::En), data);
    }

    #[test]
    fn csv_round_trips_with_either_header_language(data in dataset(12), ja in any::<bool>()) {
        let header = if ja { HeaderLang::Ja } else { HeaderLang::En };
        prop_assert_eq!(through_file(&data, Format::Csv, header), data);
    }
}

proptest! {
    // A workbook costs milliseconds to zip and unzip: fewer cases, same generator.
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn xlsx_round_trips_with_either_header_language(data in dataset(10), ja in any::<bool>()) {
        let header = if ja { HeaderLang::Ja } else { HeaderLang::En };
        prop_assert_eq!(through_file(&data, Format::Xlsx, header), data.clone());
        // And in memory, as an upload would arrive.
        let mut bytes = Vec::new();
        write_dataset(Format::Xlsx, &data, header, &mut bytes).unwrap();
        prop_assert_eq!(read_bytes("upload.xlsx", &bytes).unwrap().into_dataset(), data);
    }
}

#[test]
fn locations_follow_the_file() {
    let data = {
        use proptest::strategy::ValueTree;
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        dataset(8).new_tree(&mut runner).unwrap().current()
    };
    let mut bytes = Vec::new();
    write_dataset(Format::Jsonl, &data, HeaderLang::En, &mut bytes).unwrap();
    let parsed = read_bytes("x.jsonl", &bytes).unwrap();
    // JSONL lines: institutions first, then systems, then incidents, one per line.
    let first_incident_line = (data.institutions.len() + data.systems.len() + 1) as u64;
    for (n, inc) in parsed.incidents.iter().enumerate() {
        assert_eq!(inc.location.position, opres_interchange::Position::Line(first_incident_line + n as u64));
        assert_eq!(&*inc.location.file, "x.jsonl");
    }
}
