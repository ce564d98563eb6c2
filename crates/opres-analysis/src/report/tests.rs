use super::render::headings;
use super::*;
use crate::fixtures::{incident, institution};
use opres_domain::GoodPractice;
use proptest::prelude::*;

/// A day after FY2024 has ended: the report covers the whole year.
fn after_fy2024() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()
}

fn data() -> (Vec<Incident>, Vec<Institution>) {
    let inst = vec![
        institution("MB-1", "みずなみ銀行", "major_bank"),
        institution("MB-2", "さくら中央銀行", "major_bank"),
        institution("MB-3", "東西銀行", "major_bank"),
        institution("RB-1", "北海道みなと銀行", "regional_bank"),
        institution("SC-1", "青葉信用金庫", "shinkin_cooperative"),
    ];
    let mut v = vec![
        incident(
            "I-1",
            "MB-1",
            "2024-05-10T09:00:00+09:00",
            "operations.storage",
            "ATM停止",
            "みずなみ銀行の勘定系でインデックスファイルの容量不足によりATMが停止した。",
            Some("記憶領域の設定値を確認していなかった"),
            &["CORE"],
        ),
        incident(
            "I-2",
            "MB-1",
            "2024-08-10T09:00:00+09:00",
            "operations.storage",
            "入金遅延",
            "夜間バッチがディスク容量不足で異常終了した。",
            Some("ログ領域の監視不足"),
            &["CORE"],
        ),
        incident(
            "I-3",
            "MB-2",
            "2024-06-01T09:00:00+09:00",
            "cyber.ddos",
            "IB接続障害",
            "DDoS攻撃でインターネットバンキングがつながりにくくなった。",
            None,
            &["IB"],
        ),
        incident(
            "I-4",
            "RB-1",
            "2024-11-01T09:00:00+09:00",
            "work.misoperation",
            "店舗端末停止",
            "設定変更作業の誤りで営業店端末が停止した。",
            None,
            &["NET"],
        ),
        incident(
            "I-5",
            "SC-1",
            "2025-02-01T09:00:00+09:00",
            "change.outsourcing",
            "振込二重処理",
            "委託先ベンダー東京システムズのテスト不足で二重処理が発生した。",
            None,
            &["CORE"],
        ),
        incident(
            "I-6",
            "MB-3",
            "2023-06-01T09:00:00+09:00",
            "cyber.ddos",
            "前年度",
            "前年度のDDoS攻撃。",
            None,
            &["IB"],
        ),
        incident(
            "I-7",
            "MB-3",
            "2024-07-01T09:00:00+09:00",
            "operations.redundancy",
            "待機系切替失敗",
            "待機系に切り替わらなかった。",
            None,
            &["NET"],
        ),
    ];
    v[4].vendor = Some("東京システムズ".into());
    v[3].good_practice = Some(GoodPractice {
        note: "北海道みなと銀行はATM停止中も店頭で円滑に顧客対応した".into()
    });
    (v, inst)
}

#[test]
fn structure_and_counts_in_both_languages() {
    let (inc, inst) = data();
    for lang in Lang::ALL {
        let r = AnalysisReport::build(&inc, &inst, &ReportOptions::new(FiscalYear(2024), lang, after_fy2024()));
        assert_eq!(r.total, 6);
        assert_eq!(r.previous_total, 1);
        assert_eq!(r.institutions_reporting, 5);
        assert_eq!(r.taxonomy.iter().map(|t| t.count).sum::<u64>(), 6);
        let storage = r.taxonomy.iter().find(|t| t.trend == Trend::OperationsStorage).unwrap();
        assert_eq!((storage.count, storage.previous), (2, 0));
        assert_eq!(r.recurring_incidents, 1);
        assert_eq!(r.recurrences.len(), 1);
        assert_eq!(r.good_practices.len(), 1);
        let html = r.to_html();
        let md = r.to_markdown();
        for h in headings(lang) {
            assert!(html.contains(h), "{lang}: html lacks {h}");
            assert!(md.contains(h), "{lang}: md lacks {h}");
        }
        assert!(html.contains("<svg") && html.contains("Noto Sans CJK JP"));
        // The trigger cell spans its trends (cyber: malware and DDoS here), as in the source's table.
        let cyber_cell = format!("<td rowspan=\"2\">{}</td>", Trigger::Cyber.label(lang));
        assert!(html.contains(&cyber_cell), "{lang}: no spanning trigger cell");
        assert!(
            !html.contains("http://") || html.matches("http://").all(|_| html.contains("http://www.w3.org/2000/svg"))
        );
        let xlsx = r.to_xlsx().unwrap();
        assert_eq!(&xlsx[..2], b"PK");
        // The taxonomy row shows this period's count next to the source's challenges.
        let challenge = Trend::OperationsStorage.challenges(lang)[0];
        assert!(md.lines().any(|l| l.contains(challenge) && l.contains("| 2 | 0 |")), "{md}");
    }
    let ja = AnalysisReport::build(&inc, &inst, &ReportOptions::new(FiscalYear(2024), Lang::Ja, after_fy2024()));
    assert!(ja.summary[0].contains("6件"));
    assert!(ja.to_html().contains("みずなみ銀行"), "named when not anonymised");
}

#[test]
fn anonymised_report_hides_names_and_merges_small_groups() {
    let (inc, inst) = data();
    let mut opts = ReportOptions::new(FiscalYear(2024), Lang::Ja, after_fy2024());
    opts.anonymise = true;
    let r = AnalysisReport::build(&inc, &inst, &opts);
    let html = r.to_html();
    let md = r.to_markdown();
    for secret in
        ["みずなみ銀行", "さくら中央銀行", "北海道みなと銀行", "青葉信用金庫", "東京システムズ", "MB-1", "I-1"]
    {
        assert!(!html.contains(secret), "html leaks {secret}");
        assert!(!md.contains(secret), "md leaks {secret}");
    }
    assert!(r.groups.iter().all(|g| g.institutions >= MIN_GROUP), "{:?}", r.groups);
    assert_eq!(r.groups.iter().map(|g| g.incidents).sum::<u64>(), r.total);
    // Regional bank (1) and shinkin (1) are too small alone: merged into the major banks' group.
    assert_eq!(r.groups.len(), 1);
    assert!(r.groups[0].label.contains("統合"));
    assert!(md.contains("統合して表示"));
    let json = serde_json::to_string(&r).unwrap();
    assert!(!json.contains("東京システムズ") && !json.contains("みずなみ"), "JSON leaks");
}

fn set_times(i: &mut Incident, detect_min: i64, recover_min: i64) {
    let occ = i.times.occurred_at();
    let m = chrono::Duration::minutes;
    i.times = opres_domain::IncidentTimes::new(occ, occ + m(detect_min), None, Some(occ + m(recover_min)), None, None)
        .unwrap();
}

#[test]
fn median_time_to_recover_leaves_out_inconsistent_records_and_says_so() {
    let (mut inc, inst) = data();
    // FY2024's six: recovered after 60, 120, 180, 240 and 300 minutes, and one detected a day
    // after its recovery, which measures nothing (it used to enter as a negative or zero time).
    for (k, i) in inc.iter_mut().filter(|i| FiscalYear(2024).contains(&i.times.occurred_at())).enumerate() {
        if k == 5 {
            set_times(i, 1440 + 30, 30);
        } else {
            set_times(i, 10, 60 * (k as i64 + 1));
        }
    }
    let ja = AnalysisReport::build(&inc, &inst, &ReportOptions::new(FiscalYear(2024), Lang::Ja, after_fy2024()));
    assert_eq!(ja.median_recovery_minutes, Some(180.0));
    assert_eq!(ja.inconsistent_times, 1);
    let sentence = ja.summary.iter().find(|s| s.contains("中央値")).unwrap();
    assert!(sentence.contains("3.0時間"), "{sentence}");
    assert!(sentence.contains("復旧時間 = 復旧日時 − 発生日時（中央値）"), "{sentence}");
    assert!(sentence.contains("時刻が矛盾する1件を除外"), "{sentence}");
    let en = AnalysisReport::build(&inc, &inst, &ReportOptions::new(FiscalYear(2024), Lang::En, after_fy2024()));
    let sentence = en.summary.iter().find(|s| s.contains("Median")).unwrap();
    assert!(sentence.contains("Time to recover = recovered − occurred (median)"), "{sentence}");
    assert!(sentence.contains("1 record with inconsistent times excluded"), "{sentence}");
    assert!(en.to_markdown().contains("Time to detect = detected − occurred"));
}

#[test]
fn a_year_to_date_is_compared_with_the_same_days_of_last_year() {
    let (mut inc, inst) = data();
    // FY2023 gets a second incident after 3 December: in last year, but not in its same period.
    let mut late = inc[5].clone();
    late.reference = "I-8".parse().unwrap();
    let occ = opres_domain::time::parse_timestamp("2024-01-15T09:00:00+09:00").unwrap();
    late.times = opres_domain::IncidentTimes::new(occ, occ, None, None, None, None).unwrap();
    inc.push(late);
    // On 3 December 2024, FY2024 to date has five incidents (I-5 in February is still to come).
    let today = chrono::NaiveDate::from_ymd_opt(2024, 12, 3).unwrap();
    let r = AnalysisReport::build(&inc, &inst, &ReportOptions::new(FiscalYear(2024), Lang::Ja, today));
    assert_eq!((r.total, r.previous_total), (5, 1));
    assert!(r.summary[0].contains("2024年度（4月1日〜12月3日）"), "{}", r.summary[0]);
    assert!(r.summary[0].contains("前年度同期（4月1日〜12月3日）比4件増"), "{}", r.summary[0]);
    assert!(r.to_markdown().contains("| 前年度同期 |"));
    let en = AnalysisReport::build(&inc, &inst, &ReportOptions::new(FiscalYear(2024), Lang::En, today));
    assert!(en.summary[0].contains("vs the same period last year (1 Apr – 3 Dec)"), "{}", en.summary[0]);
    // Once the year is over the whole of both years count.
    let whole = AnalysisReport::build(&inc, &inst, &ReportOptions::new(FiscalYear(2024), Lang::Ja, after_fy2024()));
    assert_eq!((whole.total, whole.previous_total), (6, 2));
    assert!(whole.summary[0].contains("前年度比"), "{}", whole.summary[0]);
}

#[test]
fn a_year_with_23_good_practices_counts_23_and_lists_20() {
    let (mut inc, inst) = data();
    let base = inc[3].clone();
    for k in 0..22 {
        let mut g = base.clone();
        g.reference = format!("G-{k}").parse().unwrap();
        inc.push(g);
    }
    for lang in Lang::ALL {
        let r = AnalysisReport::build(&inc, &inst, &ReportOptions::new(FiscalYear(2024), lang, after_fy2024()));
        assert_eq!(r.good_practice_total, 23);
        assert_eq!(r.good_practices.len(), GOOD_PRACTICES_LISTED);
        let last = r.summary.last().unwrap();
        assert!(last.contains("23"), "{last}");
        let note = lang.pick("20件を表示（全23件）", "Showing 20 of 23");
        assert!(r.to_html().contains(note) && r.to_markdown().contains(note));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]
    #[test]
    fn no_published_group_has_fewer_than_three_institutions(
        counts in proptest::collection::vec((0usize..6, 0u64..50), 7)
    ) {
        let map: BTreeMap<InstitutionType, (usize, u64)> =
            InstitutionType::ALL.iter().copied().zip(counts.iter().copied()).collect();
        let total_inst: usize = map.values().map(|c| c.0).sum();
        let total_inc: u64 = map.values().filter(|c| c.0 > 0).map(|c| c.1).sum();
        let groups = merge_small_groups(&map, Lang::En);
        prop_assert_eq!(groups.iter().map(|g| g.institutions).sum::<usize>(), total_inst);
        prop_assert_eq!(groups.iter().map(|g| g.incidents).sum::<u64>(), total_inc);
        if total_inst >= MIN_GROUP {
            prop_assert!(groups.iter().all(|g| g.institutions >= MIN_GROUP), "{:?}", groups);
        } else {
            prop_assert!(groups.len() <= 1);
        }
        // Every type with institutions appears in exactly one group.
        for (t, c) in &map {
            let n = groups.iter().filter(|g| g.types.contains(t)).count();
            prop_assert_eq!(n, usize::from(c.0 > 0));
        }
    }
}
