//! The yearly analysis report, structured after the FSA's 「金融機関のシステム障害に関する分析レポート」:
//! summary of the year; the trigger → trend → challenges-and-responses table with this period's
//! counts; charts; case examples per trend (event, cause, response); good-practice cases;
//! recurrences; and, for a supervisor deployment, anonymisation (names and identifying details
//! removed, institution-type groups of fewer than three institutions merged).
//!
//! [`AnalysisReport::build`] computes the content once; [`AnalysisReport::to_html`],
//! [`AnalysisReport::to_markdown`] and [`AnalysisReport::to_xlsx`] render it.

mod render;

use crate::recurrence::{RecurrenceParams, Recurrences};
use crate::trends::{Dimension, TrendAnalysis, TrendParams};
use chrono::NaiveDate;
use opres_domain::{
    FiscalPeriod, FiscalYear, Incident, Institution, InstitutionCode, InstitutionType, Lang, Trend, Trigger,
};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What to build.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportOptions {
    /// The fiscal year reported on and the days of it that are counted: the whole year once it
    /// has ended, the year to date while it runs; the previous year is counted over the same days.
    pub period: FiscalPeriod,
    /// Language of the text.
    pub lang: Lang,
    /// Supervisor deployment: remove names and identifying details, merge small groups.
    pub anonymise: bool,
    /// Case examples per trend.
    pub cases_per_trend: usize,
}

impl ReportOptions {
    /// Defaults for a fiscal year and language as known on the JST date `today` (which decides
    /// whether the year is whole or to date): not anonymised, three cases per trend.
    pub fn new(fiscal_year: FiscalYear, lang: Lang, today: NaiveDate) -> Self {
        ReportOptions { period: fiscal_year.as_of(today), lang, anonymise: false, cases_per_trend: 3 }
    }
}

/// One row of the trigger → trend → challenges table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaxonomyRow {
    /// Trigger.
    pub trigger: Trigger,
    /// Trend.
    pub trend: Trend,
    /// The source's challenges and responses, in the report's language.
    pub challenges: Vec<String>,
    /// Incidents this fiscal year.
    pub count: u64,
    /// Incidents the previous fiscal year.
    pub previous: u64,
}

/// A case example: event, cause, response.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseExample {
    /// Incident reference, or a neutral label (`事例3`) when anonymised.
    pub label: String,
    /// Institution name, or its group's label when anonymised.
    pub institution: String,
    /// Trend.
    pub trend: Trend,
    /// What happened.
    pub event: String,
    /// Why.
    pub cause: String,
    /// What was done (interim measures, recurrence prevention, customer handling).
    pub response: String,
    /// Why it is good practice, for good-practice cases.
    pub good_practice: Option<String>,
}

/// A recurrence chain as the report shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecurrenceRow {
    /// Institution name, or a neutral label when anonymised.
    pub institution: String,
    /// Incident references (or neutral labels), oldest first.
    pub incidents: Vec<String>,
    /// Trends involved.
    pub trends: Vec<Trend>,
    /// First and last occurrence (JST date).
    pub span: (String, String),
}

/// An institution-type group: one type, or several merged so that no group is too small.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupRow {
    /// Types in the group.
    pub types: Vec<InstitutionType>,
    /// Label in the report's language.
    pub label: String,
    /// Institutions with incidents this year.
    pub institutions: usize,
    /// Incidents this year.
    pub incidents: u64,
}

/// Good-practice cases listed in the report at most (the count is always the true one).
pub const GOOD_PRACTICES_LISTED: usize = 20;

/// The smallest group size published in an anonymised report.
pub const MIN_GROUP: usize = 3;

/// The report's content.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnalysisReport {
    /// Options it was built with.
    pub options: ReportOptions,
    /// Incidents in the period (the fiscal year, or the year to date).
    pub total: u64,
    /// Incidents in the same days of the previous fiscal year.
    pub previous_total: u64,
    /// Institutions reporting this year.
    pub institutions_reporting: usize,
    /// Cyber-attack incidents this year.
    pub cyber: u64,
    /// Median time to recover this year (recovered − occurred, the domain's
    /// [`opres_domain::TimeMeasure::TimeToRecover`]), minutes.
    pub median_recovery_minutes: Option<f64>,
    /// Incidents this year left out of the time figures because their times contradict each other.
    pub inconsistent_times: u64,
    /// Summary sentences.
    pub summary: Vec<String>,
    /// Trigger → trend → challenges, with counts.
    pub taxonomy: Vec<TaxonomyRow>,
    /// Trend analysis over the previous and this fiscal year.
    pub trends: TrendAnalysis,
    /// Institution-type groups (merged when anonymised).
    pub groups: Vec<GroupRow>,
    /// Case examples per trend.
    pub cases: BTreeMap<Trend, Vec<CaseExample>>,
    /// Good-practice cases, the first [`GOOD_PRACTICES_LISTED`] in case-selection order.
    pub good_practices: Vec<CaseExample>,
    /// Good-practice cases in the period: every one, however many are listed.
    pub good_practice_total: usize,
    /// Recurrence chains touching this year.
    pub recurrences: Vec<RecurrenceRow>,
    /// Incidents this year flagged as recurrences.
    pub recurring_incidents: usize,
    /// Anonymised with fewer than three reporting institutions in total: groups cannot protect them.
    pub population_too_small: bool,
}

/// Groups institution types so that each group has at least [`MIN_GROUP`] institutions: types
/// below it are merged into one combined group, and if that is still too small, into the
/// smallest remaining group. `counts` holds, per type, the institutions and the incidents.
pub fn merge_small_groups(counts: &BTreeMap<InstitutionType, (usize, u64)>, lang: Lang) -> Vec<GroupRow> {
    let mut groups: Vec<GroupRow> = Vec::new();
    let mut small = GroupRow { types: Vec::new(), label: String::new(), institutions: 0, incidents: 0 };
    for (&t, &(inst, inc)) in counts {
        if inst == 0 {
            continue;
        }
        if inst >= MIN_GROUP {
            groups.push(GroupRow { types: vec![t], label: t.label(lang).into(), institutions: inst, incidents: inc });
        } else {
            small.types.push(t);
            small.institutions += inst;
            small.incidents += inc;
        }
    }
    if small.institutions > 0 {
        if small.institutions < MIN_GROUP && !groups.is_empty() {
            // Fold into the smallest big group: the least information lost.
            let i = (0..groups.len()).min_by_key(|&i| (groups[i].institutions, i)).unwrap_or(0);
            let g = &mut groups[i];
            g.types.extend(small.types);
            g.institutions += small.institutions;
            g.incidents += small.incidents;
        } else {
            groups.push(small);
        }
    }
    for g in &mut groups {
        g.types.sort();
        if g.types.len() > 1 {
            let names: Vec<&str> = g.types.iter().map(|t| t.label(lang)).collect();
            g.label = match lang {
                Lang::Ja => format!("{}（統合）", names.join("・")),
                Lang::En => format!("{} (combined)", names.join(" / ")),
            };
        }
    }
    groups
}

/// Replaces every occurrence of the given names in a text with a placeholder.
fn scrub(text: &str, names: &[String], placeholder: &str) -> String {
    let mut out = text.to_string();
    for n in names {
        if n.chars().count() >= 2 {
            out = out.replace(n.as_str(), placeholder);
        }
    }
    out
}

fn jst_date(t: &opres_domain::Timestamp) -> String {
    t.with_timezone(&opres_domain::JST).format("%Y-%m-%d").to_string()
}

/// Case-selection order: cases with a root cause and measures written first, then the larger impact.
fn case_rank(i: &Incident) -> (u8, std::cmp::Reverse<u64>, String) {
    let filled =
        u8::from(i.root_cause.is_none()) + u8::from(i.interim_measures.is_none() && i.recurrence_prevention.is_none());
    (filled, std::cmp::Reverse(i.customers_affected.unwrap_or(0)), i.reference.to_string())
}

impl AnalysisReport {
    /// Builds the report for one fiscal year from the register's incidents and institutions.
    pub fn build(incidents: &[Incident], institutions: &[Institution], opts: &ReportOptions) -> AnalysisReport {
        let lang = opts.lang;
        let fy = opts.period.fiscal_year;
        // Like with like: a year to date is counted, and compared with the same days of last year.
        let period = opts.period;
        let this: Vec<&Incident> = incidents.iter().filter(|i| period.contains(&i.times.occurred_at())).collect();
        let prev_fy = fy.previous();
        let mut trends = TrendAnalysis::compute(
            incidents,
            institutions,
            &TrendParams { fiscal_years: vec![prev_fy, fy], top_n: 10, same_period_as: Some(period) },
        );
        if opts.anonymise {
            // Vendor names identify, and unmerged type counts could single an institution out:
            // neither may reach a supervisor's published report, not even through its JSON.
            trends.top_vendors.clear();
            trends.breakdowns.retain(|b| b.dimension != Dimension::InstitutionType);
        }
        let total = trends.totals.get(1).copied().unwrap_or(0);
        let previous_total = trends.totals.first().copied().unwrap_or(0);
        let by_code: HashMap<&InstitutionCode, &Institution> = institutions.iter().map(|i| (&i.code, i)).collect();

        // Institution-type groups.
        let mut per_type: BTreeMap<InstitutionType, (BTreeSet<&InstitutionCode>, u64)> = BTreeMap::new();
        for i in &this {
            let t = by_code.get(&i.institution).map_or(InstitutionType::Other, |x| x.institution_type);
            let e = per_type.entry(t).or_default();
            e.0.insert(&i.institution);
            e.1 += 1;
        }
        let counts: BTreeMap<InstitutionType, (usize, u64)> =
            per_type.iter().map(|(t, (s, n))| (*t, (s.len(), *n))).collect();
        let institutions_reporting: usize = counts.values().map(|c| c.0).sum();
        let groups = if opts.anonymise {
            merge_small_groups(&counts, lang)
        } else {
            counts
                .iter()
                .map(|(t, (inst, inc))| GroupRow {
                    types: vec![*t],
                    label: t.label(lang).into(),
                    institutions: *inst,
                    incidents: *inc,
                })
                .collect()
        };
        let group_label = |code: &InstitutionCode| -> String {
            let t = by_code.get(code).map_or(InstitutionType::Other, |x| x.institution_type);
            groups.iter().find(|g| g.types.contains(&t)).map_or_else(|| t.label(lang).to_string(), |g| g.label.clone())
        };
        let inst_name = |code: &InstitutionCode| -> String {
            if opts.anonymise {
                group_label(code)
            } else {
                by_code.get(code).map_or_else(|| code.to_string(), |x| x.name(lang).to_string())
            }
        };
        // Names that identify: institutions' names and codes, and vendors.
        let mut secret_inst: Vec<String> = institutions
            .iter()
            .flat_map(|i| [i.name_ja.clone(), i.name_en.clone(), i.code.to_string()])
            .filter(|s| !s.is_empty())
            .collect();
        secret_inst.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
        let mut secret_vendor: Vec<String> = incidents.iter().filter_map(|i| i.vendor.clone()).collect();
        secret_vendor.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
        secret_vendor.dedup();
        let (ph_inst, ph_vendor) = (lang.pick("［金融機関］", "[institution]"), lang.pick("［委託先］", "[vendor]"));
        let clean = |s: &str| -> String {
            if opts.anonymise {
                scrub(&scrub(s, &secret_inst, ph_inst), &secret_vendor, ph_vendor)
            } else {
                s.to_string()
            }
        };
        let mut case_no = 0usize;
        let mut case = |i: &Incident| -> CaseExample {
            case_no += 1;
            let event = [i.title.get(lang), i.description.get(lang)]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(lang.pick("。", ". "));
            let response = [&i.interim_measures, &i.recurrence_prevention, &i.customer_handling]
                .into_iter()
                .flatten()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(" / ");
            CaseExample {
                label: if opts.anonymise {
                    format!("{}{case_no}", lang.pick("事例", "Case "))
                } else {
                    i.reference.to_string()
                },
                institution: inst_name(&i.institution),
                trend: i.classification.trend(),
                event: clean(&event),
                cause: clean(i.root_cause.as_deref().unwrap_or("")),
                response: clean(&response),
                good_practice: i.good_practice.as_ref().map(|g| clean(&g.note)),
            }
        };
        let mut by_trend: BTreeMap<Trend, Vec<&Incident>> = BTreeMap::new();
        for i in &this {
            by_trend.entry(i.classification.trend()).or_default().push(i);
        }
        let mut cases = BTreeMap::new();
        for (t, mut list) in by_trend {
            if t == Trend::Unknown {
                continue;
            }
            list.sort_by_cached_key(|i| case_rank(i));
            cases.insert(t, list.into_iter().take(opts.cases_per_trend).map(&mut case).collect::<Vec<_>>());
        }
        let mut good: Vec<&Incident> = this.iter().copied().filter(|i| i.good_practice.is_some()).collect();
        good.sort_by_cached_key(|i| case_rank(i));
        let good_practice_total = good.len();
        let good_practices: Vec<CaseExample> = good.into_iter().take(GOOD_PRACTICES_LISTED).map(&mut case).collect();

        // Recurrences over this year and the six months before it.
        let window_start = fy.start().checked_sub_months(chrono::Months::new(6)).unwrap_or(fy.start());
        let recent =
            incidents.iter().filter(|i| i.times.occurred_at() >= window_start && i.times.occurred_at() < period.end());
        let rec = Recurrences::find(recent, &RecurrenceParams::default());
        let mut recurring_incidents = 0;
        let mut recurrences = Vec::new();
        let mut chain_no = 0;
        for ch in &rec.chains {
            let in_year = ch.occurred.iter().filter(|t| period.contains(t)).count();
            if in_year == 0 {
                continue;
            }
            recurring_incidents += ch.occurred.iter().skip(1).filter(|t| period.contains(t)).count();
            chain_no += 1;
            recurrences.push(RecurrenceRow {
                institution: inst_name(&ch.institution),
                incidents: if opts.anonymise {
                    (1..=ch.incidents.len()).map(|k| format!("{}{chain_no}-{k}", lang.pick("再発", "R"))).collect()
                } else {
                    ch.incidents.iter().map(|r| r.to_string()).collect()
                },
                trends: ch.trends.clone(),
                span: (jst_date(&ch.occurred[0]), jst_date(&ch.occurred[ch.occurred.len() - 1])),
            });
        }

        let count_of = |t: Trend, y: usize| -> u64 {
            trends
                .breakdown(Dimension::Trend)
                .and_then(|b| b.rows.iter().find(|r| r.key == t.code()))
                .and_then(|r| r.years.get(y))
                .map_or(0, |c| c.count)
        };
        let taxonomy: Vec<TaxonomyRow> = Trend::ALL
            .iter()
            .filter(|t| t.is_named() || count_of(**t, 1) > 0 || count_of(**t, 0) > 0)
            .map(|&t| TaxonomyRow {
                trigger: t.trigger(),
                trend: t,
                challenges: t.challenges(lang).iter().map(|s| s.to_string()).collect(),
                count: count_of(t, 1),
                previous: count_of(t, 0),
            })
            .collect();
        let cyber = this.iter().filter(|i| i.cyber_attack).count() as u64;
        let times = crate::trends::TimeSummary::of(this.iter().copied());
        let median_recovery_minutes = times.mttr.as_ref().map(|d| d.median);
        let mut report = AnalysisReport {
            options: opts.clone(),
            total,
            previous_total,
            institutions_reporting,
            cyber,
            median_recovery_minutes,
            inconsistent_times: times.inconsistent,
            summary: Vec::new(),
            taxonomy,
            trends,
            groups,
            cases,
            good_practices,
            good_practice_total,
            recurrences,
            recurring_incidents,
            population_too_small: opts.anonymise && institutions_reporting > 0 && institutions_reporting < MIN_GROUP,
        };
        report.summary = report.summary_sentences();
        report
    }

    /// The definition of the median time to recover, with the records left out if any:
    /// `復旧時間 = 復旧日時 − 発生日時（中央値）、時刻が矛盾する3件を除外`.
    fn recovery_caption(&self) -> String {
        let lang = self.options.lang;
        let mut c = opres_domain::TimeMeasure::TimeToRecover.median_definition(lang);
        if let Some(n) = opres_domain::measures::excluded_note(self.inconsistent_times, lang) {
            c.push_str(lang.pick("、", "; "));
            c.push_str(&n);
        }
        c
    }

    /// `20件を表示（全23件）` / `Showing 20 of 23` when the good-practice list is capped.
    pub fn good_practices_shown_note(&self) -> Option<String> {
        let (shown, total) = (self.good_practices.len(), self.good_practice_total);
        (shown < total).then(|| match self.options.lang {
            Lang::Ja => format!("{shown}件を表示（全{total}件）"),
            Lang::En => format!("Showing {shown} of {total}"),
        })
    }

    fn summary_sentences(&self) -> Vec<String> {
        let lang = self.options.lang;
        let period = self.options.period;
        let diff = self.total as i64 - self.previous_total as i64;
        let pct = if self.previous_total > 0 { Some(diff as f64 / self.previous_total as f64 * 100.0) } else { None };
        let top = self.taxonomy.iter().filter(|r| r.count > 0).max_by_key(|r| (r.count, std::cmp::Reverse(r.trend)));
        let share = |n: u64| if self.total > 0 { n as f64 / self.total as f64 * 100.0 } else { 0.0 };
        let mut v = Vec::new();
        match lang {
            Lang::Ja => {
                v.push(format!(
                    "{}に報告されたシステム障害は{}件（{}{}{}。{}は{}件）、報告した金融機関は{}先。",
                    period.label(lang),
                    self.total,
                    period.comparison_label(lang),
                    if diff >= 0 { format!("{diff}件増") } else { format!("{}件減", -diff) },
                    pct.map(|p| format!("、{p:+.1}%")).unwrap_or_default(),
                    period.previous().label(lang),
                    self.previous_total,
                    self.institutions_reporting
                ));
                v.push(format!("サイバー攻撃によるものは{}件（{:.1}%）。", self.cyber, share(self.cyber)));
                if let Some(t) = top {
                    v.push(format!(
                        "最も多い障害傾向は「{}」で{}件（{:.1}%）。",
                        t.trend.label(lang),
                        t.count,
                        share(t.count)
                    ));
                }
                if let Some(m) = self.median_recovery_minutes {
                    v.push(format!(
                        "発生から復旧までの時間の中央値は{:.1}時間（{}）。",
                        m / 60.0,
                        self.recovery_caption()
                    ));
                }
                v.push(format!(
                    "6か月以内に原因が再発した事案は{}件、好事例として挙げられた事案は{}件。",
                    self.recurring_incidents, self.good_practice_total
                ));
            }
            Lang::En => {
                v.push(format!(
                    "In {} institutions reported {} system failures ({}{} {}: {} had {}), from {} institutions.",
                    period.label(lang),
                    self.total,
                    if diff >= 0 { format!("up {diff}") } else { format!("down {}", -diff) },
                    pct.map(|p| format!(", {p:+.1}%")).unwrap_or_default(),
                    period.comparison_label(lang),
                    period.previous().label(lang),
                    self.previous_total,
                    self.institutions_reporting
                ));
                v.push(format!("{} were cyber attacks ({:.1}%).", self.cyber, share(self.cyber)));
                if let Some(t) = top {
                    v.push(format!(
                        "The most frequent trend was \"{}\": {} incidents ({:.1}%).",
                        t.trend.label(lang),
                        t.count,
                        share(t.count)
                    ));
                }
                if let Some(m) = self.median_recovery_minutes {
                    v.push(format!(
                        "Median time from occurrence to recovery: {:.1} hours ({}).",
                        m / 60.0,
                        self.recovery_caption()
                    ));
                }
                v.push(format!(
                    "Incidents recurring a root cause within six months: {}; good-practice cases: {}.",
                    self.recurring_incidents, self.good_practice_total
                ));
            }
        }
        v
    }
}

#[cfg(test)]
mod tests;
