//! Trends: counts and shares by fiscal year (April–March) and by trigger, trend, institution type,
//! channel and cyber/non-cyber; year-on-year change; time-to-detect and time-to-recover
//! distributions by trend; top systems and vendors. The result serialises to JSON and renders as a
//! text table.
//!
//! Times are the domain's [`TimeMeasure`]s (time to detect = detected − occurred, time to
//! recover = recovered − occurred), in minutes; an incident whose instants contradict each other
//! is left out of both and counted in `inconsistent`, never clamped. An incident touching several
//! channels counts once under each, so channel shares can add up to more than 100%.

use opres_domain::{
    Channel, FiscalPeriod, FiscalYear, Incident, IncidentTimes, Institution, InstitutionType, Lang, Measured,
    TimeMeasure, Trend, Trigger,
};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// A small fast hasher (the Fx algorithm) for short keys counted 100k times: the default SipHash
/// resists hash flooding, which does not matter for keys taken from the register itself.
#[derive(Default, Clone, Copy)]
struct Fx(u64);

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut w = [0u8; 8];
            w[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(w));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

impl Fx {
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;
type FxSet<K> = HashSet<K, BuildHasherDefault<Fx>>;
use std::fmt::Write as _;

/// A dimension incidents are broken down by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// 発生の端緒
    Trigger,
    /// 障害傾向
    Trend,
    /// 業態
    InstitutionType,
    /// チャネル
    Channel,
    /// サイバー攻撃か否か
    Cyber,
}

impl Dimension {
    /// Every dimension.
    pub const ALL: [Dimension; 5] =
        [Dimension::Trigger, Dimension::Trend, Dimension::InstitutionType, Dimension::Channel, Dimension::Cyber];

    /// The label in the given language.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Dimension::Trigger, Lang::Ja) => "発生の端緒",
            (Dimension::Trigger, Lang::En) => "Trigger",
            (Dimension::Trend, Lang::Ja) => "障害傾向",
            (Dimension::Trend, Lang::En) => "Trend",
            (Dimension::InstitutionType, Lang::Ja) => "業態",
            (Dimension::InstitutionType, Lang::En) => "Institution type",
            (Dimension::Channel, Lang::Ja) => "チャネル",
            (Dimension::Channel, Lang::En) => "Channel",
            (Dimension::Cyber, Lang::Ja) => "サイバー攻撃",
            (Dimension::Cyber, Lang::En) => "Cyber attack",
        }
    }
}

/// One fiscal year's figure for one key.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearCell {
    /// The fiscal year.
    pub fiscal_year: FiscalYear,
    /// Incidents.
    pub count: u64,
    /// Share of that year's incidents, 0..=1.
    pub share: f64,
    /// Change in count from the previous fiscal year (absent for the first year).
    pub yoy_change: Option<i64>,
    /// Relative change from the previous fiscal year (absent when it had none).
    pub yoy_ratio: Option<f64>,
}

/// One key of a breakdown (e.g. the trend `cyber.ddos`) across the years.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BreakdownRow {
    /// Stable code of the key.
    pub key: String,
    /// Japanese label.
    pub label_ja: String,
    /// English label.
    pub label_en: String,
    /// One cell per fiscal year of the analysis, oldest first.
    pub years: Vec<YearCell>,
}

impl BreakdownRow {
    /// The label in the given language.
    pub fn label(&self, lang: Lang) -> &str {
        lang.pick(&self.label_ja, &self.label_en)
    }

    /// The cell of a fiscal year.
    pub fn year(&self, fy: FiscalYear) -> Option<&YearCell> {
        self.years.iter().find(|c| c.fiscal_year == fy)
    }
}

/// A breakdown of incidents by one dimension.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Breakdown {
    /// The dimension.
    pub dimension: Dimension,
    /// Rows, in the dimension's natural order; keys with no incident in any year are left out.
    pub rows: Vec<BreakdownRow>,
}

/// Quantiles of a time distribution, in minutes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Distribution {
    /// Incidents measured.
    pub n: usize,
    /// Minimum.
    pub min: f64,
    /// 25th percentile.
    pub p25: f64,
    /// Median.
    pub median: f64,
    /// 75th percentile.
    pub p75: f64,
    /// 90th percentile.
    pub p90: f64,
    /// Maximum.
    pub max: f64,
    /// Mean.
    pub mean: f64,
}

impl Distribution {
    /// Quantiles by linear interpolation between order statistics (as numpy's default); `None`
    /// for no values.
    pub fn of(mut v: Vec<f64>) -> Option<Distribution> {
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        let q = |p: f64| {
            let h = (v.len() - 1) as f64 * p;
            let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
            v[lo] + (v[hi] - v[lo]) * (h - lo as f64)
        };
        Some(Distribution {
            n: v.len(),
            min: v[0],
            p25: q(0.25),
            median: q(0.5),
            p75: q(0.75),
            p90: q(0.9),
            max: v[v.len() - 1],
            mean: v.iter().sum::<f64>() / v.len() as f64,
        })
    }
}

/// Time to detect and time to recover over a set of incidents, as the domain defines them
/// ([`TimeMeasure`]): the one computation behind every median the product shows.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct TimeSummary {
    /// Time to detect (detected − occurred), minutes.
    pub mttd: Option<Distribution>,
    /// Time to recover (recovered − occurred), minutes, over recovered incidents.
    pub mttr: Option<Distribution>,
    /// Incidents left out of both because their times contradict each other.
    pub inconsistent: u64,
}

impl TimeSummary {
    /// The summary of some incidents.
    pub fn of<'a>(incidents: impl IntoIterator<Item = &'a Incident>) -> TimeSummary {
        let mut s = TimeSamples::default();
        for i in incidents {
            s.push(&i.times);
        }
        s.finish()
    }
}

/// Samples collected one incident at a time, for [`TimeSummary`].
#[derive(Default)]
struct TimeSamples {
    detect: Vec<f64>,
    recover: Vec<f64>,
    inconsistent: u64,
}

impl TimeSamples {
    fn push(&mut self, t: &IncidentTimes) {
        if t.inconsistency().is_some() {
            self.inconsistent += 1;
            return;
        }
        for (m, v) in [(TimeMeasure::TimeToDetect, &mut self.detect), (TimeMeasure::TimeToRecover, &mut self.recover)] {
            if let Measured::Value(d) = m.of(t) {
                v.push(minutes(d));
            }
        }
    }

    fn is_empty(&self) -> bool {
        self.detect.is_empty() && self.inconsistent == 0
    }

    fn finish(self) -> TimeSummary {
        TimeSummary {
            mttd: Distribution::of(self.detect),
            mttr: Distribution::of(self.recover),
            inconsistent: self.inconsistent,
        }
    }
}

/// Time distributions of one trend.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimeDistributions {
    /// The trend.
    pub trend: Trend,
    /// Time to detect (detected − occurred).
    pub mttd: Option<Distribution>,
    /// Time to recover (recovered − occurred).
    pub mttr: Option<Distribution>,
    /// Incidents of the trend left out of both because their times contradict each other.
    pub inconsistent: u64,
}

/// A system or vendor and how often it was involved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopEntry {
    /// System code, or vendor name as first written.
    pub name: String,
    /// Incidents involving it.
    pub incidents: u64,
    /// Distinct institutions involved.
    pub institutions: u64,
}

/// What to analyse.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendParams {
    /// Fiscal years to include (all years with incidents when empty).
    pub fiscal_years: Vec<FiscalYear>,
    /// Length of the top-systems and top-vendors lists.
    pub top_n: usize,
    /// Cut every year at the same day as this period, so that a year to date is compared with the
    /// same days of the other years (`FiscalYear::as_of`); `None` or a whole year: whole years.
    pub same_period_as: Option<FiscalPeriod>,
}

impl Default for TrendParams {
    fn default() -> Self {
        TrendParams { fiscal_years: Vec::new(), top_n: 10, same_period_as: None }
    }
}

/// The trend analysis (`opres analyze`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendAnalysis {
    /// Fiscal years covered, oldest first.
    pub fiscal_years: Vec<FiscalYear>,
    /// The days of each year counted: whole years, or the same days of each (see
    /// [`TrendParams::same_period_as`]).
    pub period: Option<FiscalPeriod>,
    /// Incidents per fiscal year (same order).
    pub totals: Vec<u64>,
    /// Breakdowns by each dimension.
    pub breakdowns: Vec<Breakdown>,
    /// Time distributions by trend over all covered years.
    pub times_by_trend: Vec<TimeDistributions>,
    /// Time distributions over all covered years and trends.
    pub times: TimeSummary,
    /// Most involved systems (by system code across institutions).
    pub top_systems: Vec<TopEntry>,
    /// Most involved vendors (names compared case- and space-insensitively).
    pub top_vendors: Vec<TopEntry>,
    /// Incidents whose institution is not in the institution list (counted as type `other`).
    pub unmatched_institutions: u64,
}

fn minutes(d: chrono::Duration) -> f64 {
    d.num_seconds() as f64 / 60.0
}

/// Normalises a vendor name for grouping: trimmed, width-folded, lower-case, inner spaces dropped.
fn vendor_key(v: &str) -> String {
    crate::text::normalize(v.trim()).chars().filter(|c| !c.is_whitespace()).collect()
}

fn top(entries: impl Iterator<Item = (String, u64, FxSet<u32>)>, n: usize) -> Vec<TopEntry> {
    let mut v: Vec<TopEntry> =
        entries.map(|(name, c, inst)| TopEntry { name, incidents: c, institutions: inst.len() as u64 }).collect();
    v.sort_by(|a, b| b.incidents.cmp(&a.incidents).then_with(|| a.name.cmp(&b.name)));
    v.truncate(n);
    v
}

impl TrendAnalysis {
    /// Computes the analysis in one pass over the incidents.
    pub fn compute(incidents: &[Incident], institutions: &[Institution], params: &TrendParams) -> TrendAnalysis {
        // Institutions by code, to a dense index: one hash per incident, and sets of institutions
        // become sets of small integers.
        let mut inst_index: FxMap<&str, u32> = FxMap::default();
        let mut inst_type: Vec<InstitutionType> = Vec::new();
        for i in institutions {
            inst_index.entry(i.code.as_str()).or_insert_with(|| {
                inst_type.push(i.institution_type);
                (inst_type.len() - 1) as u32
            });
        }
        let years: Vec<FiscalYear> = if params.fiscal_years.is_empty() {
            let set: std::collections::BTreeSet<FiscalYear> =
                incidents.iter().map(|i| FiscalYear::of(&i.times.occurred_at())).collect();
            set.into_iter().collect()
        } else {
            let mut y = params.fiscal_years.clone();
            y.sort();
            y.dedup();
            y
        };
        // Fiscal-year bounds as instants: comparing timestamps is cheaper than a calendar conversion.
        let period = |y: FiscalYear| params.same_period_as.map_or(FiscalPeriod::whole(y), |p| p.same_in(y));
        let bounds: Vec<(opres_domain::Timestamp, opres_domain::Timestamp)> =
            years.iter().map(|y| (period(*y).start(), period(*y).end())).collect();
        let ny = years.len();
        let mut totals = vec![0u64; ny];
        let mut trig = vec![[0u64; Trigger::ALL.len()]; ny];
        let mut trend = vec![[0u64; Trend::ALL.len()]; ny];
        let mut itype = vec![[0u64; InstitutionType::ALL.len()]; ny];
        let mut chan = vec![[0u64; Channel::ALL.len()]; ny];
        let mut cyber = vec![[0u64; 2]; ny];
        let mut times: Vec<TimeSamples> = (0..Trend::ALL.len()).map(|_| TimeSamples::default()).collect();
        let mut all_times = TimeSamples::default();
        let mut systems: FxMap<&str, (u64, FxSet<u32>)> = FxMap::default();
        let mut vendor_of_raw: FxMap<&str, usize> = FxMap::default();
        let mut vendor_groups: FxMap<String, usize> = FxMap::default();
        let mut vendors: Vec<(String, u64, FxSet<u32>)> = Vec::new();
        let mut unknown_inst: FxMap<&str, u32> = FxMap::default();
        let mut unmatched = 0u64;
        for inc in incidents {
            let occ = inc.times.occurred_at();
            let Some(y) = bounds.iter().position(|(s, e)| occ >= *s && occ < *e) else { continue };
            totals[y] += 1;
            let c = inc.classification;
            trig[y][c.trigger() as usize] += 1;
            trend[y][c.trend() as usize] += 1;
            let (ix, ty) = match inst_index.get(inc.institution.as_str()) {
                Some(&ix) => (ix, inst_type[ix as usize]),
                None => {
                    unmatched += 1;
                    let n = (inst_type.len() + unknown_inst.len()) as u32;
                    (*unknown_inst.entry(inc.institution.as_str()).or_insert(n), InstitutionType::Other)
                }
            };
            itype[y][ty as usize] += 1;
            for ch in &inc.channels {
                chan[y][*ch as usize] += 1;
            }
            cyber[y][usize::from(!inc.cyber_attack)] += 1;
            times[c.trend() as usize].push(&inc.times);
            all_times.push(&inc.times);
            for s in &inc.affected_systems {
                let e = systems.entry(s.as_str()).or_default();
                e.0 += 1;
                e.1.insert(ix);
            }
            if let Some(v) = inc.vendor.as_deref() {
                let g = match vendor_of_raw.get(v) {
                    Some(&g) => g,
                    None => {
                        let key = vendor_key(v);
                        let g = if key.is_empty() {
                            usize::MAX
                        } else {
                            *vendor_groups.entry(key).or_insert_with(|| {
                                vendors.push((v.trim().to_string(), 0, FxSet::default()));
                                vendors.len() - 1
                            })
                        };
                        vendor_of_raw.insert(v, g);
                        g
                    }
                };
                if let Some(e) = vendors.get_mut(g) {
                    e.1 += 1;
                    e.2.insert(ix);
                }
            }
        }
        let row = |key: &str, ja: &str, en: &str, counts: Vec<u64>| -> BreakdownRow {
            let years = counts
                .iter()
                .enumerate()
                .map(|(i, &count)| {
                    let prev = if i > 0 && years[i - 1].0 + 1 == years[i].0 { Some(counts[i - 1]) } else { None };
                    YearCell {
                        fiscal_year: years[i],
                        count,
                        share: if totals[i] > 0 { count as f64 / totals[i] as f64 } else { 0.0 },
                        yoy_change: prev.map(|p| count as i64 - p as i64),
                        yoy_ratio: prev.filter(|p| *p > 0).map(|p| (count as f64 - p as f64) / p as f64),
                    }
                })
                .collect();
            BreakdownRow { key: key.into(), label_ja: ja.into(), label_en: en.into(), years }
        };
        let keep = |r: &BreakdownRow| r.years.iter().any(|c| c.count > 0);
        let col = |m: &Vec<[u64; 14]>, i: usize| m.iter().map(|r| r[i]).collect::<Vec<u64>>();
        let breakdowns = vec![
            Breakdown {
                dimension: Dimension::Trigger,
                rows: Trigger::ALL
                    .iter()
                    .enumerate()
                    .map(|(i, t)| {
                        row(t.code(), t.label(Lang::Ja), t.label(Lang::En), trig.iter().map(|r| r[i]).collect())
                    })
                    .filter(keep)
                    .collect(),
            },
            Breakdown {
                dimension: Dimension::Trend,
                rows: Trend::ALL
                    .iter()
                    .enumerate()
                    .map(|(i, t)| row(t.code(), t.label(Lang::Ja), t.label(Lang::En), col(&trend, i)))
                    .filter(keep)
                    .collect(),
            },
            Breakdown {
                dimension: Dimension::InstitutionType,
                rows: InstitutionType::ALL
                    .iter()
                    .enumerate()
                    .map(|(i, t)| {
                        row(t.code(), t.label(Lang::Ja), t.label(Lang::En), itype.iter().map(|r| r[i]).collect())
                    })
                    .filter(keep)
                    .collect(),
            },
            Breakdown {
                dimension: Dimension::Channel,
                rows: Channel::ALL
                    .iter()
                    .enumerate()
                    .map(|(i, t)| {
                        row(t.code(), t.label(Lang::Ja), t.label(Lang::En), chan.iter().map(|r| r[i]).collect())
                    })
                    .filter(keep)
                    .collect(),
            },
            Breakdown {
                dimension: Dimension::Cyber,
                rows: vec![
                    row("cyber", "サイバー攻撃", "Cyber attack", cyber.iter().map(|r| r[0]).collect()),
                    row("non_cyber", "サイバー攻撃以外", "Not a cyber attack", cyber.iter().map(|r| r[1]).collect()),
                ]
                .into_iter()
                .filter(keep)
                .collect(),
            },
        ];
        let times_by_trend = Trend::ALL
            .into_iter()
            .zip(times)
            .filter(|(_, t)| !t.is_empty())
            .map(|(trend, t)| {
                let s = t.finish();
                TimeDistributions { trend, mttd: s.mttd, mttr: s.mttr, inconsistent: s.inconsistent }
            })
            .collect();
        TrendAnalysis {
            fiscal_years: years,
            period: params.same_period_as.filter(|p| !p.is_whole()),
            totals,
            breakdowns,
            times_by_trend,
            times: all_times.finish(),
            top_systems: top(systems.into_iter().map(|(k, (n, i))| (k.to_string(), n, i)), params.top_n),
            top_vendors: top(vendors.into_iter(), params.top_n),
            unmatched_institutions: unmatched,
        }
    }

    /// The breakdown by a dimension.
    pub fn breakdown(&self, d: Dimension) -> Option<&Breakdown> {
        self.breakdowns.iter().find(|b| b.dimension == d)
    }

    /// Plain-text tables for `opres analyze` (counts, shares and YoY per dimension; times; tops).
    pub fn to_table(&self, lang: Lang) -> String {
        let mut s = String::new();
        let yh: Vec<String> = self.fiscal_years.iter().map(|y| y.to_string()).collect();
        let _ = writeln!(s, "{:<44}{}", lang.pick("年度別件数", "Incidents by fiscal year"), cells(&yh));
        let tot: Vec<String> = self.totals.iter().map(|t| t.to_string()).collect();
        let _ = writeln!(s, "{:<44}{}", lang.pick("合計", "Total"), cells(&tot));
        for b in &self.breakdowns {
            let _ = writeln!(
                s,
                "\n{} ({})",
                b.dimension.label(lang),
                lang.pick("件数・構成比・前年度比", "count, share, YoY")
            );
            for r in &b.rows {
                let c: Vec<String> = r
                    .years
                    .iter()
                    .map(|c| {
                        let yoy = c.yoy_change.map(|d| format!(" {d:+}")).unwrap_or_default();
                        format!("{} ({:.1}%){yoy}", c.count, c.share * 100.0)
                    })
                    .collect();
                let _ = writeln!(s, "  {:<42}{}", truncate(r.label(lang), 40), cells(&c));
            }
        }
        let _ = writeln!(
            s,
            "\n{}",
            lang.pick(
                "障害傾向別の所要時間（分）: 中央値 / 90%点 (件数)",
                "Times by trend (minutes): median / p90 (n)"
            )
        );
        for m in TimeMeasure::ALL {
            let _ = writeln!(s, "  {}", m.definition(lang));
        }
        let excluded = lang.pick("除外", "excluded");
        let _ = writeln!(
            s,
            "  {:<42}{:>26}{:>26}{:>10}",
            "",
            TimeMeasure::TimeToDetect.label(lang),
            TimeMeasure::TimeToRecover.label(lang),
            excluded
        );
        for t in &self.times_by_trend {
            let f = |d: &Option<Distribution>| {
                d.as_ref().map(|d| format!("{:.0} / {:.0} ({})", d.median, d.p90, d.n)).unwrap_or_else(|| "-".into())
            };
            let _ = writeln!(
                s,
                "  {:<42}{:>26}{:>26}{:>10}",
                truncate(t.trend.label(lang), 40),
                f(&t.mttd),
                f(&t.mttr),
                t.inconsistent
            );
        }
        if let Some(note) = opres_domain::measures::excluded_note(self.times.inconsistent, lang) {
            let _ = writeln!(s, "  {note}");
        }
        for (title, list) in [
            (lang.pick("関係したシステム（上位）", "Top systems"), &self.top_systems),
            (lang.pick("関係した委託先（上位）", "Top vendors"), &self.top_vendors),
        ] {
            let _ = writeln!(s, "\n{title}");
            for e in list {
                let _ = writeln!(
                    s,
                    "  {:<42}{:>8} {}{:>6} {}",
                    truncate(&e.name, 40),
                    e.incidents,
                    lang.pick("件", "incidents"),
                    e.institutions,
                    lang.pick("機関", "institutions")
                );
            }
        }
        s
    }
}

fn cells(v: &[String]) -> String {
    v.iter().map(|c| format!("{c:>22}")).collect()
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_string() } else { s.chars().take(n - 1).chain(['…']).collect() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{incident, institution};

    fn data() -> (Vec<Incident>, Vec<Institution>) {
        let mut a = incident("T1", "BANK-A", "2023-05-01T09:00:00+09:00", "cyber.ddos", "t", "d", None, &["IB"]);
        a.channels = vec![Channel::InternetBanking];
        let mut b = incident("T2", "BANK-A", "2024-04-01T00:30:00+09:00", "cyber.ddos", "t", "d", None, &["IB"]);
        b.vendor = Some("ＡＢＣ Systems".into());
        let mut c =
            incident("T3", "BANK-B", "2025-03-31T23:00:00+09:00", "operations.storage", "t", "d", None, &["CORE"]);
        c.vendor = Some("abc systems".into());
        c.channels = vec![Channel::Atm, Channel::Branch];
        let d = incident("T4", "BANK-C", "2024-12-01T09:00:00+09:00", "work.misoperation", "t", "d", None, &["CORE"]);
        let inst = vec![
            institution("BANK-A", "A銀行", "major_bank"),
            institution("BANK-B", "B銀行", "regional_bank"),
            institution("BANK-C", "C信金", "shinkin_cooperative"),
        ];
        (vec![a, b, c, d], inst)
    }

    #[test]
    fn counts_shares_and_yoy_by_fiscal_year() {
        let (inc, inst) = data();
        let t = TrendAnalysis::compute(&inc, &inst, &TrendParams::default());
        assert_eq!(t.fiscal_years, [FiscalYear(2023), FiscalYear(2024)]);
        assert_eq!(t.totals, [1, 3]);
        let trig = t.breakdown(Dimension::Trigger).unwrap();
        let cyber = trig.rows.iter().find(|r| r.key == "cyber").unwrap();
        assert_eq!(cyber.years[0].count, 1);
        assert_eq!(cyber.years[1].count, 1);
        assert!((cyber.years[1].share - 1.0 / 3.0).abs() < 1e-9);
        assert_eq!(cyber.years[1].yoy_change, Some(0));
        let storage =
            t.breakdown(Dimension::Trend).unwrap().rows.iter().find(|r| r.key == "operations.storage").unwrap();
        assert_eq!(storage.years[1].yoy_change, Some(1));
        assert_eq!(storage.years[1].yoy_ratio, None);
        let ch = t.breakdown(Dimension::Channel).unwrap();
        assert_eq!(ch.rows.len(), 3);
        let ty = t.breakdown(Dimension::InstitutionType).unwrap();
        assert_eq!(ty.rows.iter().map(|r| r.years[1].count).sum::<u64>(), 3);
        // Vendors group across width and case.
        assert_eq!(t.top_vendors.len(), 1);
        assert_eq!(t.top_vendors[0].incidents, 2);
        assert_eq!(t.top_vendors[0].institutions, 2);
        assert_eq!(t.top_systems[0].name, "CORE");
        let table = t.to_table(Lang::Ja);
        assert!(table.contains("障害傾向") && table.contains("FY2024"));
        assert!(serde_json::to_string(&t).unwrap().contains("\"fiscal_year\":2024"));
    }

    #[test]
    fn same_period_cuts_every_year_at_the_same_day() {
        let (inc, inst) = data();
        // On 30 November 2024, FY2024 to date holds T2 (1 April); T4 (1 December) and T3 (March)
        // fall after the cut. FY2023's T1 (1 May) is within the same days of that year.
        let today = chrono::NaiveDate::from_ymd_opt(2024, 11, 30).unwrap();
        let params = TrendParams { same_period_as: Some(FiscalYear(2024).as_of(today)), ..TrendParams::default() };
        let t = TrendAnalysis::compute(&inc, &inst, &params);
        assert_eq!(t.fiscal_years, [FiscalYear(2023), FiscalYear(2024)]);
        assert_eq!(t.totals, [1, 1]);
        assert!(t.period.is_some());
        let whole = TrendAnalysis::compute(&inc, &inst, &TrendParams::default());
        assert_eq!(whole.totals, [1, 3]);
        assert!(whole.period.is_none());
    }

    #[test]
    fn quantiles_interpolate() {
        let d = Distribution::of(vec![4.0, 1.0, 3.0, 2.0]).unwrap();
        assert_eq!((d.min, d.median, d.max, d.mean), (1.0, 2.5, 4.0, 2.5));
        assert!((d.p90 - 3.7).abs() < 1e-9);
        assert!(Distribution::of(vec![]).is_none());
    }

    fn with_times(i: &mut Incident, detect_min: i64, recover_min: Option<i64>) {
        let occ = i.times.occurred_at();
        let m = chrono::Duration::minutes;
        i.times = opres_domain::IncidentTimes::new(
            occ,
            occ + m(detect_min),
            None,
            recover_min.map(|r| occ + m(r)),
            None,
            None,
        )
        .unwrap();
    }

    #[test]
    fn times_by_trend_use_the_instants() {
        let (mut inc, inst) = data();
        with_times(&mut inc[3], 10, Some(70));
        let t = TrendAnalysis::compute(&inc, &inst, &TrendParams::default());
        let w = t.times_by_trend.iter().find(|x| x.trend == Trend::WorkMisoperation).unwrap();
        assert_eq!(w.mttd.as_ref().unwrap().median, 10.0);
        // recovered − occurred, the domain's one definition (it used to be recovered − detected).
        assert_eq!(w.mttr.as_ref().unwrap().median, 70.0);
        assert_eq!(w.inconsistent, 0);
    }

    #[test]
    fn inconsistent_times_are_excluded_and_counted_not_clamped() {
        let (_, inst) = data();
        let base = incident("M0", "BANK-A", "2024-05-01T09:00:00+09:00", "cyber.malware", "t", "d", None, &["IB"]);
        let mut inc: Vec<Incident> = (0..4)
            .map(|k| {
                let mut i = base.clone();
                i.reference = format!("M{k}").parse().unwrap();
                i
            })
            .collect();
        with_times(&mut inc[0], 30, Some(60));
        with_times(&mut inc[1], 60, Some(120));
        with_times(&mut inc[2], 90, Some(240));
        // Detected two days after it was recovered: no time to recover can be trusted.
        with_times(&mut inc[3], 2 * 1440, Some(30));
        let t = TrendAnalysis::compute(&inc, &inst, &TrendParams::default());
        let m = t.times_by_trend.iter().find(|x| x.trend == Trend::CyberMalware).unwrap();
        let mttr = m.mttr.as_ref().unwrap();
        assert_eq!((mttr.n, mttr.median, mttr.min), (3, 120.0, 60.0));
        assert_eq!(m.mttd.as_ref().unwrap().n, 3);
        assert_eq!(m.inconsistent, 1);
        assert_eq!(t.times.inconsistent, 1);
        assert_eq!(t.times.mttr.as_ref().unwrap().median, 120.0);
        assert_eq!(TimeSummary::of(&inc), t.times);
        assert!(t.to_table(Lang::En).contains("1 record with inconsistent times excluded"));
    }
}
