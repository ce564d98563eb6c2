//! Renderers of the analysis report: self-contained HTML with inline SVG, Markdown, and Excel.

use super::{AnalysisReport, CaseExample};
use crate::error::AnalysisError;
use crate::trends::Dimension;
use opres_domain::html;
use opres_domain::report::svg::{FONT_FAMILY, hbar_chart, stacked_columns};
use opres_domain::{Lang, TimeMeasure, Trigger};
use std::fmt::Write as _;

/// Section headings, in report order.
pub(super) fn headings(lang: Lang) -> [&'static str; 8] {
    match lang {
        Lang::Ja => [
            "概要",
            "障害の傾向と課題・対応",
            "図表",
            "業態別の件数",
            "障害傾向別の事例",
            "障害対応の好事例",
            "再発事案",
            "集計方法・匿名化",
        ],
        Lang::En => [
            "Summary",
            "Failure trends, challenges and responses",
            "Charts",
            "Incidents by institution type",
            "Case examples by trend",
            "Good practices in failure handling",
            "Recurrences",
            "Method and anonymisation",
        ],
    }
}

impl AnalysisReport {
    fn title(&self) -> String {
        let period = self.options.period;
        let fy = period.fiscal_year.0;
        let lang = self.options.lang;
        match (lang, period.is_whole()) {
            (Lang::Ja, true) => format!("金融機関のシステム障害に関する分析レポート（{fy}年度）"),
            (Lang::Ja, false) => {
                format!("金融機関のシステム障害に関する分析レポート（{fy}年度・{}）", period.days_label(lang))
            }
            (Lang::En, true) => format!("Analysis report on system failures at financial institutions, FY{fy}"),
            (Lang::En, false) => format!(
                "Analysis report on system failures at financial institutions, FY{fy} ({})",
                period.days_label(lang)
            ),
        }
    }

    /// The heading of the previous year's counts: `前年度`, or `前年度同期` for a year to date.
    fn previous_heading(&self) -> &'static str {
        match (self.options.lang, self.options.period.is_whole()) {
            (Lang::Ja, true) => "前年度",
            (Lang::Ja, false) => "前年度同期",
            (Lang::En, true) => "Previous year",
            (Lang::En, false) => "Same period last year",
        }
    }

    fn method_notes(&self) -> Vec<String> {
        let lang = self.options.lang;
        let mut v = vec![
            lang.pick(
                "年度は4月〜翌年3月（日本時間）。件数は発生日時で年度に割り当てた。",
                "Fiscal years run April to March (JST); incidents are counted in the year they occurred.",
            )
            .to_string(),
            lang.pick(
                "再発事案: 同一金融機関で同じシステム・同じ障害傾向、または原因の記述が高い類似度の事案が6か月以内に2回以上発生したもの。",
                "Recurrence: at the same institution, the same system and trend, or highly similar root-cause text, twice or more within six months.",
            )
            .to_string(),
        ];
        let period = self.options.period;
        if !period.is_whole() {
            v.push(match lang {
                Lang::Ja => format!(
                    "{}年度は途中のため、{}の件数を前年度の同じ期間（{}）と比べた。",
                    period.fiscal_year.0,
                    period.days_label(lang),
                    period.previous().label(lang)
                ),
                Lang::En => format!(
                    "FY{} has not ended: its days {} are compared with the same days of the previous year ({}).",
                    period.fiscal_year.0,
                    period.days_label(lang),
                    period.previous().label(lang)
                ),
            });
        }
        let defs: Vec<&str> = TimeMeasure::ALL.iter().map(|m| m.definition(lang)).collect();
        v.push(match lang {
            Lang::Ja => format!(
                "所要時間: {}。時刻が矛盾する事案（復旧日時が認識日時より前など）は中央値から除外し、件数を示した（本年度{}件）。",
                defs.join("、"),
                self.inconsistent_times
            ),
            Lang::En => format!(
                "Times: {}. Incidents whose times contradict each other (e.g. recovered before detected) are left out of the medians and counted ({} this year).",
                defs.join("; "),
                self.inconsistent_times
            ),
        });
        if self.options.anonymise {
            v.push(
                lang.pick(
                    "匿名化: 金融機関名・委託先名・事案番号を削除し、報告金融機関が3先未満の業態は統合して表示した。",
                    "Anonymised: names of institutions and vendors and incident references are removed; institution types with fewer than three reporting institutions are shown combined.",
                )
            .to_string());
        }
        if self.population_too_small {
            v.push(
                lang.pick(
                    "注意: 報告金融機関が3先未満のため、統合しても個別の金融機関を特定できる可能性がある。",
                    "Warning: fewer than three institutions reported, so even combined groups may identify an institution.",
                )
                .to_string(),
            );
        }
        v
    }

    fn charts(&self) -> Vec<String> {
        let lang = self.options.lang;
        let unit = lang.pick("件", "");
        let by_trend: Vec<(String, f64)> = self
            .taxonomy
            .iter()
            .filter(|r| r.count > 0)
            .map(|r| (r.trend.label(lang).to_string(), r.count as f64))
            .collect();
        let mut out = vec![hbar_chart(lang.pick("障害傾向別の件数", "Incidents by trend"), &by_trend, unit)];
        let years: Vec<String> = self.trends.fiscal_years.iter().map(|y| y.to_string()).collect();
        if let Some(b) = self.trends.breakdown(Dimension::Trigger) {
            let series: Vec<(String, Vec<f64>)> = b
                .rows
                .iter()
                .map(|r| {
                    let t: Option<Trigger> = r.key.parse().ok();
                    let label = t.map_or_else(|| r.label(lang).to_string(), |t| t.short_label(lang).to_string());
                    (label, r.years.iter().map(|c| c.count as f64).collect())
                })
                .collect();
            out.push(stacked_columns(
                lang.pick("発生の端緒別の件数（年度別）", "Incidents by trigger and fiscal year"),
                &years,
                &series,
            ));
        }
        let rec: Vec<(String, f64)> = self
            .trends
            .times_by_trend
            .iter()
            .filter_map(|t| t.mttr.as_ref().map(|d| (t.trend.label(lang).to_string(), (d.median / 6.0).round() / 10.0)))
            .collect();
        if !rec.is_empty() {
            let title = match lang {
                Lang::Ja => format!(
                    "障害傾向別の復旧時間の中央値（時間、2年度。{}）",
                    TimeMeasure::TimeToRecover.median_definition(lang)
                ),
                Lang::En => format!(
                    "Median time to recover by trend (hours, two years; {})",
                    TimeMeasure::TimeToRecover.median_definition(lang)
                ),
            };
            out.push(hbar_chart(&title, &rec, lang.pick("時間", " h")));
        }
        let groups: Vec<(String, f64)> = self.groups.iter().map(|g| (g.label.clone(), g.incidents as f64)).collect();
        out.push(hbar_chart(lang.pick("業態別の件数", "Incidents by institution type"), &groups, unit));
        out
    }

    /// Self-contained HTML: inline CSS and SVG, no external resources.
    pub fn to_html(&self) -> String {
        let lang = self.options.lang;
        let e = html::escape;
        let mut s = String::new();
        let _ = write!(
            s,
            "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title><style>\
body{{font-family:{FONT_FAMILY};margin:2em;line-height:1.6;color:#222}}table{{border-collapse:collapse;margin:1em 0}}\
th,td{{border:1px solid #999;padding:4px 8px;vertical-align:top}}th{{background:#eef;white-space:nowrap}}td.n{{text-align:right}}\
figure{{margin:1em 0}}.case{{border-left:4px solid #0072B2;padding-left:1em;margin:1em 0}}</style></head><body>\n",
            lang.code(),
            e(&self.title())
        );
        s.push_str(&self.to_html_body());
        s.push_str("</body></html>\n");
        s
    }

    /// The report's content as an HTML fragment (headings, tables, SVG charts; no styles, no
    /// script), for a page that supplies its own layout and style sheet.
    pub fn to_html_body(&self) -> String {
        let lang = self.options.lang;
        let h = headings(lang);
        let e = html::escape;
        let mut s = String::new();
        let _ = writeln!(s, "<h1>{}</h1>", e(&self.title()));
        let _ = writeln!(s, "<h2 id=\"summary\">1. {}</h2>", h[0]);
        for p in &self.summary {
            let _ = writeln!(s, "<p>{}</p>", e(p));
        }
        let _ = writeln!(s, "<h2 id=\"taxonomy\">2. {}</h2>", h[1]);
        let (c1, c2, c3, c4) = match lang {
            Lang::Ja => ("発生の端緒", "障害傾向", "課題・対応", "件数"),
            Lang::En => ("Trigger", "Trend", "Challenges and responses", "Count"),
        };
        let c5 = self.previous_heading();
        let _ = writeln!(s, "<table><tr><th>{c1}</th><th>{c2}</th><th>{c3}</th><th>{c4}</th><th>{c5}</th></tr>");
        // As in the source's table: a trigger's cell spans its trends, and challenges given per
        // trigger span the trends that share them.
        let rows = &self.taxonomy;
        let run_len =
            |i: usize, same: &dyn Fn(usize, usize) -> bool| (i..rows.len()).take_while(|&j| same(i, j)).count();
        for (i, r) in rows.iter().enumerate() {
            s.push_str("<tr>");
            if i == 0 || rows[i - 1].trigger != r.trigger {
                let n = run_len(i, &|a, b| rows[a].trigger == rows[b].trigger);
                let _ = write!(s, "<td rowspan=\"{n}\">{}</td>", e(r.trigger.label(lang)));
            }
            let _ = write!(s, "<td>{}</td>", e(r.trend.label(lang)));
            let same_ch =
                |a: usize, b: usize| rows[a].trigger == rows[b].trigger && rows[a].challenges == rows[b].challenges;
            if i == 0 || !same_ch(i - 1, i) {
                let n = run_len(i, &same_ch);
                let ch: Vec<String> = r.challenges.iter().map(|c| format!("・{}", e(c))).collect();
                let _ = write!(s, "<td rowspan=\"{n}\">{}</td>", ch.join("<br>"));
            }
            let _ = writeln!(s, "<td class=\"n\">{}</td><td class=\"n\">{}</td></tr>", r.count, r.previous);
        }
        s.push_str("</table>\n");
        let _ = writeln!(s, "<h2 id=\"charts\">3. {}</h2>", h[2]);
        for c in self.charts() {
            let _ = writeln!(s, "<figure>{c}</figure>");
        }
        let _ = writeln!(s, "<h2 id=\"groups\">4. {}</h2>", h[3]);
        let (g1, g2, g3) = match lang {
            Lang::Ja => ("業態", "報告金融機関数", "件数"),
            Lang::En => ("Institution type", "Institutions reporting", "Incidents"),
        };
        let _ = writeln!(s, "<table><tr><th>{g1}</th><th>{g2}</th><th>{g3}</th></tr>");
        for g in &self.groups {
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                e(&g.label),
                g.institutions,
                g.incidents
            );
        }
        s.push_str("</table>\n");
        let _ = writeln!(s, "<h2 id=\"cases\">5. {}</h2>", h[4]);
        for (t, cases) in &self.cases {
            let _ = writeln!(s, "<h3>{}</h3>", e(t.label(lang)));
            for c in cases {
                s.push_str(&case_html(c, lang));
            }
        }
        let _ = writeln!(s, "<h2 id=\"good-practices\">6. {}</h2>", h[5]);
        if self.good_practices.is_empty() {
            let _ = writeln!(s, "<p>{}</p>", lang.pick("該当なし。", "None this year."));
        }
        if let Some(n) = self.good_practices_shown_note() {
            let _ = writeln!(s, "<p class=\"note\">{}</p>", e(&n));
        }
        for c in &self.good_practices {
            s.push_str(&case_html(c, lang));
        }
        let _ = writeln!(s, "<h2 id=\"recurrences\">7. {}</h2>", h[6]);
        if self.recurrences.is_empty() {
            let _ = writeln!(s, "<p>{}</p>", lang.pick("該当なし。", "None this year."));
        } else {
            let (r1, r2, r3, r4) = match lang {
                Lang::Ja => ("金融機関", "事案", "障害傾向", "期間"),
                Lang::En => ("Institution", "Incidents", "Trends", "Period"),
            };
            let _ = writeln!(s, "<table><tr><th>{r1}</th><th>{r2}</th><th>{r3}</th><th>{r4}</th></tr>");
            for r in &self.recurrences {
                let trends: Vec<&str> = r.trends.iter().map(|t| t.label(lang)).collect();
                let _ = writeln!(
                    s,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} – {}</td></tr>",
                    e(&r.institution),
                    e(&r.incidents.join(" → ")),
                    e(&trends.join(" → ")),
                    r.span.0,
                    r.span.1
                );
            }
            s.push_str("</table>\n");
        }
        let _ = writeln!(s, "<h2 id=\"method\">8. {}</h2><ul>", h[7]);
        for n in self.method_notes() {
            let _ = writeln!(s, "<li>{}</li>", e(&n));
        }
        s.push_str("</ul>\n");
        s
    }

    /// Markdown (charts are in the HTML and Excel forms; tables carry the same figures).
    pub fn to_markdown(&self) -> String {
        let lang = self.options.lang;
        let h = headings(lang);
        let md = |t: &str| t.replace('|', "\\|").replace('\n', " ");
        let mut s = format!("# {}\n\n## 1. {}\n\n", self.title(), h[0]);
        for p in &self.summary {
            let _ = writeln!(s, "{p}\n");
        }
        let _ = writeln!(s, "## 2. {}\n", h[1]);
        let _ = writeln!(
            s,
            "{} {} |\n|---|---|---|---:|---:|",
            lang.pick(
                "| 発生の端緒 | 障害傾向 | 課題・対応 | 件数 |",
                "| Trigger | Trend | Challenges and responses | Count |"
            ),
            self.previous_heading()
        );
        for r in &self.taxonomy {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} |",
                md(r.trigger.label(lang)),
                md(r.trend.label(lang)),
                r.challenges.iter().map(|c| md(c)).collect::<Vec<_>>().join("<br>"),
                r.count,
                r.previous
            );
        }
        let _ = writeln!(s, "\n## 3. {}\n", h[2]);
        let _ = writeln!(
            s,
            "{}\n",
            lang.pick(
                "図表はHTML版・Excel版を参照（数値は本文の表と同じ）。",
                "Charts are in the HTML and Excel editions (same figures as the tables)."
            )
        );
        let _ = writeln!(s, "## 4. {}\n", h[3]);
        let _ = writeln!(
            s,
            "{}\n|---|---:|---:|",
            lang.pick("| 業態 | 報告金融機関数 | 件数 |", "| Institution type | Institutions reporting | Incidents |")
        );
        for g in &self.groups {
            let _ = writeln!(s, "| {} | {} | {} |", md(&g.label), g.institutions, g.incidents);
        }
        let _ = writeln!(s, "\n## 5. {}\n", h[4]);
        for (t, cases) in &self.cases {
            let _ = writeln!(s, "### {}\n", t.label(lang));
            for c in cases {
                s.push_str(&case_md(c, lang));
            }
        }
        let _ = writeln!(s, "## 6. {}\n", h[5]);
        if self.good_practices.is_empty() {
            let _ = writeln!(s, "{}\n", lang.pick("該当なし。", "None this year."));
        }
        if let Some(n) = self.good_practices_shown_note() {
            let _ = writeln!(s, "{n}\n");
        }
        for c in &self.good_practices {
            s.push_str(&case_md(c, lang));
        }
        let _ = writeln!(s, "## 7. {}\n", h[6]);
        if self.recurrences.is_empty() {
            let _ = writeln!(s, "{}\n", lang.pick("該当なし。", "None this year."));
        } else {
            let _ = writeln!(
                s,
                "{}\n|---|---|---|---|",
                lang.pick("| 金融機関 | 事案 | 障害傾向 | 期間 |", "| Institution | Incidents | Trends | Period |")
            );
            for r in &self.recurrences {
                let trends: Vec<&str> = r.trends.iter().map(|t| t.label(lang)).collect();
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | {} – {} |",
                    md(&r.institution),
                    md(&r.incidents.join(" → ")),
                    md(&trends.join(" → ")),
                    r.span.0,
                    r.span.1
                );
            }
            s.push('\n');
        }
        let _ = writeln!(s, "## 8. {}\n", h[7]);
        for n in self.method_notes() {
            let _ = writeln!(s, "- {n}");
        }
        s
    }

    /// An Excel workbook: one sheet per table.
    pub fn to_xlsx(&self) -> Result<Vec<u8>, AnalysisError> {
        use rust_xlsxwriter::{Format, Workbook};
        let lang = self.options.lang;
        let h = headings(lang);
        let bold = Format::new().set_bold();
        let mut wb = Workbook::new();
        {
            let ws = wb.add_worksheet().set_name(h[0])?;
            ws.write_string_with_format(0, 0, self.title(), &bold)?;
            for (i, p) in self.summary.iter().enumerate() {
                ws.write_string(i as u32 + 2, 0, p)?;
            }
            ws.set_column_width(0, 120)?;
        }
        {
            let ws = wb.add_worksheet().set_name(lang.pick("傾向と課題", "Trends and challenges"))?;
            let hdr = match lang {
                Lang::Ja => ["発生の端緒", "障害傾向", "課題・対応", "件数", self.previous_heading()],
                Lang::En => ["Trigger", "Trend", "Challenges and responses", "Count", self.previous_heading()],
            };
            for (c, t) in hdr.iter().enumerate() {
                ws.write_string_with_format(0, c as u16, *t, &bold)?;
            }
            for (i, r) in self.taxonomy.iter().enumerate() {
                let row = i as u32 + 1;
                ws.write_string(row, 0, r.trigger.label(lang))?;
                ws.write_string(row, 1, r.trend.label(lang))?;
                ws.write_string(row, 2, r.challenges.join("\n"))?;
                ws.write_number(row, 3, r.count as f64)?;
                ws.write_number(row, 4, r.previous as f64)?;
            }
            ws.set_column_width(0, 40)?;
            ws.set_column_width(1, 40)?;
            ws.set_column_width(2, 80)?;
        }
        {
            let ws = wb.add_worksheet().set_name(lang.pick("区分別件数", "Breakdowns"))?;
            let hdr = match lang {
                Lang::Ja => ["区分", "項目", "年度", "件数", "構成比", "前年度比（件）"],
                Lang::En => ["Dimension", "Key", "Fiscal year", "Count", "Share", "YoY change"],
            };
            for (c, t) in hdr.iter().enumerate() {
                ws.write_string_with_format(0, c as u16, *t, &bold)?;
            }
            let mut row = 1u32;
            for b in &self.trends.breakdowns {
                if b.dimension == Dimension::InstitutionType && self.options.anonymise {
                    continue; // the merged groups sheet replaces it
                }
                for r in &b.rows {
                    for c in &r.years {
                        ws.write_string(row, 0, b.dimension.label(lang))?;
                        ws.write_string(row, 1, r.label(lang))?;
                        ws.write_string(row, 2, c.fiscal_year.to_string())?;
                        ws.write_number(row, 3, c.count as f64)?;
                        ws.write_number(row, 4, c.share)?;
                        if let Some(y) = c.yoy_change {
                            ws.write_number(row, 5, y as f64)?;
                        }
                        row += 1;
                    }
                }
            }
        }
        {
            let ws = wb.add_worksheet().set_name(lang.pick("業態別", "Institution types"))?;
            let hdr = match lang {
                Lang::Ja => ["業態", "報告金融機関数", "件数"],
                Lang::En => ["Institution type", "Institutions reporting", "Incidents"],
            };
            for (c, t) in hdr.iter().enumerate() {
                ws.write_string_with_format(0, c as u16, *t, &bold)?;
            }
            for (i, g) in self.groups.iter().enumerate() {
                ws.write_string(i as u32 + 1, 0, &g.label)?;
                ws.write_number(i as u32 + 1, 1, g.institutions as f64)?;
                ws.write_number(i as u32 + 1, 2, g.incidents as f64)?;
            }
        }
        {
            let ws = wb.add_worksheet().set_name(lang.pick("所要時間", "Times"))?;
            let hdr = [
                lang.pick("障害傾向", "trend"),
                lang.pick("指標", "measure"),
                "n",
                "min",
                "p25",
                "median",
                "p75",
                "p90",
                "max",
                "mean",
                lang.pick("除外（時刻の矛盾）", "excluded (inconsistent times)"),
            ];
            for (c, t) in hdr.iter().enumerate() {
                ws.write_string_with_format(0, c as u16, *t, &bold)?;
            }
            let mut row = 1u32;
            for t in &self.trends.times_by_trend {
                for (m, d) in [(TimeMeasure::TimeToDetect, &t.mttd), (TimeMeasure::TimeToRecover, &t.mttr)] {
                    ws.write_string(row, 0, t.trend.label(lang))?;
                    ws.write_string(row, 1, m.definition(lang))?;
                    if let Some(d) = d {
                        for (c, v) in
                            [d.n as f64, d.min, d.p25, d.median, d.p75, d.p90, d.max, d.mean].iter().enumerate()
                        {
                            ws.write_number(row, c as u16 + 2, *v)?;
                        }
                    }
                    ws.write_number(row, 10, t.inconsistent as f64)?;
                    row += 1;
                }
            }
        }
        {
            let ws = wb.add_worksheet().set_name(lang.pick("事例", "Cases"))?;
            let hdr = match lang {
                Lang::Ja => ["事案", "金融機関", "障害傾向", "事象", "原因", "対応", "好事例"],
                Lang::En => ["Case", "Institution", "Trend", "Event", "Cause", "Response", "Good practice"],
            };
            for (c, t) in hdr.iter().enumerate() {
                ws.write_string_with_format(0, c as u16, *t, &bold)?;
            }
            let all = self.cases.values().flatten().chain(self.good_practices.iter());
            for (i, c) in all.enumerate() {
                let row = i as u32 + 1;
                for (k, v) in [
                    c.label.as_str(),
                    c.institution.as_str(),
                    c.trend.label(lang),
                    c.event.as_str(),
                    c.cause.as_str(),
                    c.response.as_str(),
                    c.good_practice.as_deref().unwrap_or(""),
                ]
                .iter()
                .enumerate()
                {
                    ws.write_string(row, k as u16, *v)?;
                }
            }
        }
        {
            let ws = wb.add_worksheet().set_name(h[6])?;
            let hdr = match lang {
                Lang::Ja => ["金融機関", "事案", "障害傾向", "初回", "最終"],
                Lang::En => ["Institution", "Incidents", "Trends", "First", "Last"],
            };
            for (c, t) in hdr.iter().enumerate() {
                ws.write_string_with_format(0, c as u16, *t, &bold)?;
            }
            for (i, r) in self.recurrences.iter().enumerate() {
                let row = i as u32 + 1;
                ws.write_string(row, 0, &r.institution)?;
                ws.write_string(row, 1, r.incidents.join(" → "))?;
                ws.write_string(row, 2, r.trends.iter().map(|t| t.code()).collect::<Vec<_>>().join(" → "))?;
                ws.write_string(row, 3, &r.span.0)?;
                ws.write_string(row, 4, &r.span.1)?;
            }
        }
        Ok(wb.save_to_buffer()?)
    }
}

fn case_labels(lang: Lang) -> [&'static str; 4] {
    match lang {
        Lang::Ja => ["事象", "原因", "対応", "好事例の理由"],
        Lang::En => ["Event", "Cause", "Response", "Why good practice"],
    }
}

fn case_html(c: &CaseExample, lang: Lang) -> String {
    let l = case_labels(lang);
    let e = html::escape;
    let mut s = format!("<div class=\"case\"><p><b>{}</b>（{}）</p><dl>", e(&c.label), e(&c.institution));
    for (k, v) in [(l[0], &c.event), (l[1], &c.cause), (l[2], &c.response)] {
        if !v.is_empty() {
            let _ = write!(s, "<dt>{k}</dt><dd>{}</dd>", e(v));
        }
    }
    if let Some(g) = &c.good_practice {
        let _ = write!(s, "<dt>{}</dt><dd>{}</dd>", l[3], e(g));
    }
    s.push_str("</dl></div>\n");
    s
}

fn case_md(c: &CaseExample, lang: Lang) -> String {
    let l = case_labels(lang);
    let mut s = format!("**{}**（{}）\n\n", c.label, c.institution);
    for (k, v) in [(l[0], &c.event), (l[1], &c.cause), (l[2], &c.response)] {
        if !v.is_empty() {
            let _ = writeln!(s, "- {k}: {}", v.replace('\n', " "));
        }
    }
    if let Some(g) = &c.good_practice {
        let _ = writeln!(s, "- {}: {}", l[3], g.replace('\n', " "));
    }
    s.push('\n');
    s
}
