//! The management report: both languages, both formats, every recurrence, self-contained HTML.

use crate::common::{demo, today};
use opres_domain::Lang;
use opres_tlpt::assess::AssessOptions;
use opres_tlpt::demo::{GOOD_ENGAGEMENT, POOR_ENGAGEMENT};
use opres_tlpt::recurrence;
use opres_tlpt::report;

#[test]
fn renders_in_both_languages_and_formats() {
    let p = demo();
    let opts = AssessOptions::new(today());
    for e in [GOOD_ENGAGEMENT, POOR_ENGAGEMENT] {
        for lang in Lang::ALL {
            let md = report::build(&p, e, lang, &opts).unwrap_or_else(|e| panic!("{e}")).document.to_markdown();
            let html = report::build(&p, e, lang, &opts).unwrap_or_else(|e| panic!("{e}")).document.to_html();
            let headings = match lang {
                Lang::Ja => [
                    "重要なリスク",
                    "繰り返し検出された課題",
                    "根本原因",
                    "解決に必要なリソースと時間",
                    "横展開の状況",
                    "TLPTの実施状況の評価",
                ],
                Lang::En => [
                    "Material risks",
                    "Recurring findings",
                    "Root causes",
                    "Resources and time needed",
                    "Horizontal rollout",
                    "Practice assessment",
                ],
            };
            for h in headings {
                assert!(md.contains(h) && html.contains(h), "{e} {lang}: {h}");
            }
            assert!(html.starts_with("<!DOCTYPE html>") && html.contains(&format!("<html lang=\"{}\">", lang.code())));
            // Self-contained: no scripts, no external resources.
            assert!(!html.contains("<script") && !html.contains("src=") && !html.contains("href="));
            assert!(html.contains("<style>"));
        }
    }
}

#[test]
fn every_recurrence_is_in_the_report_and_omissions_are_marked() {
    let p = demo();
    let opts = AssessOptions::new(today());
    let e = p.require_engagement(POOR_ENGAGEMENT).unwrap_or_else(|e| panic!("{e}"));
    let md =
        report::build(&p, POOR_ENGAGEMENT, Lang::En, &opts).unwrap_or_else(|e| panic!("{e}")).document.to_markdown();
    let recs = recurrence::recurrences(&p, &e.id);
    assert!(!recs.is_empty());
    for r in &recs {
        assert!(md.contains(r.finding.as_str()), "{} missing", r.finding);
    }
    assert!(md.contains("**omitted**"), "the function's omission is shown");
    assert!(md.contains("\"a good result\""), "the good-result claim is called out");
    let ja =
        report::build(&p, POOR_ENGAGEMENT, Lang::Ja, &opts).unwrap_or_else(|e| panic!("{e}")).document.to_markdown();
    assert!(ja.contains("記載なし") && ja.contains("事前にテストを知らされていました"));
}

#[test]
fn the_structured_report_carries_the_assessment() {
    let p = demo();
    let r =
        report::build(&p, GOOD_ENGAGEMENT, Lang::En, &AssessOptions::new(today())).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.assessment.checks.len(), opres_tlpt::assess::CheckId::ALL.len());
    assert!(r.document.sections.len() >= 8);
    // Resources and time: the six TLPT findings (140 person-days) and the one found in rollout (15).
    assert!(r.document.to_markdown().contains("Total effort 155 person-days"), "{}", r.document.to_markdown());
    assert!(report::build(&p, "NOPE", Lang::En, &AssessOptions::new(today())).is_err());
}
