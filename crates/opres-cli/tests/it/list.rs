//! `opres incident list` reads the same list request as the web page and the REST API: sort,
//! order and paging are parsed there, and a bad value is refused the same way.

use crate::round_trip::{ok, opres};

#[test]
fn the_list_sorts_pages_and_refuses_a_bad_sort_as_the_web_does() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = d.join("opres.db");
    let db = db.to_str().unwrap();
    ok(&opres(db, &["gen", "--institutions", "2", "--incidents", "30", "--seed", "3", "--out", "gen.jsonl"], d));
    ok(&opres(db, &["import", "gen.jsonl"], d));

    // Sorted by reference, ascending, one page after another.
    let page = |offset: &str| {
        let out = ok(&opres(
            db,
            &[
                "incident",
                "list",
                "--sort",
                "reference",
                "--order",
                "asc",
                "--limit",
                "5",
                "--offset",
                offset,
                "--json",
            ],
            d,
        ));
        out.lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["reference"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let (first, second) = (page("0"), page("5"));
    assert_eq!((first.len(), second.len()), (5, 5));
    let mut both = first.clone();
    both.extend(second.clone());
    let mut sorted = both.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(both, sorted, "ascending by reference across the two pages, none twice");

    // What the shared request says about a bad sort and a bad order, in English.
    let request = opres_app::IncidentListRequest {
        sort: Some("colour".into()),
        order: Some("sideways".into()),
        ..Default::default()
    };
    let problems = request.parse(None).unwrap_err();
    let out = opres(db, &["incident", "list", "--sort", "colour", "--order", "sideways"], d);
    assert_eq!(out.status.code(), Some(2), "a bad sort is an input error");
    assert!(out.stdout.is_empty(), "nothing listed under a refused sort");
    let err = String::from_utf8_lossy(&out.stderr);
    for p in problems.iter() {
        let line = p.message(opres_domain::Lang::En);
        assert!(err.lines().any(|l| l == line), "'{line}' in:\n{err}");
    }
    assert_eq!(problems.iter().map(|p| p.field.as_str()).collect::<Vec<_>>(), ["sort", "order"]);

    // One incident by its reference.
    let shown = ok(&opres(db, &["incident", "show", &first[0]], d));
    assert!(shown.starts_with(&first[0]), "{shown}");
    let missing = opres(db, &["incident", "show", "NO-SUCH-REF"], d);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("NO-SUCH-REF"));
}
