//! Scenarios: what is lost, when, and how long each loss takes to restore.

use crate::model::{DependencyMap, NodeId, ResourceKind};
use crate::problem::{Issues, Problem};
use opres_domain::{Lang, Timestamp};
use rand::Rng;
use rand_distr::{Distribution, Gamma, LogNormal, Triangular};
use serde::{Deserialize, Serialize};

/// The z-score of the 95th percentile of the standard normal distribution.
const Z95: f64 = 1.6448536269514722;

/// How long a lost resource takes to restore, in minutes from its loss.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Restoration {
    /// A fixed time (paper test).
    Fixed {
        /// Minutes.
        minutes: f64,
    },
    /// Lognormal, given by its median and 95th percentile (the way recovery teams estimate).
    LogNormal {
        /// Median minutes.
        median_minutes: f64,
        /// 95th-percentile minutes (≥ median).
        p95_minutes: f64,
    },
    /// PERT (beta) with minimum, most likely and maximum.
    Pert {
        /// Minimum minutes.
        min_minutes: f64,
        /// Most likely minutes.
        mode_minutes: f64,
        /// Maximum minutes.
        max_minutes: f64,
    },
    /// Triangular with minimum, most likely and maximum.
    Triangular {
        /// Minimum minutes.
        min_minutes: f64,
        /// Most likely minutes.
        mode_minutes: f64,
        /// Maximum minutes.
        max_minutes: f64,
    },
}

impl Restoration {
    /// The value a paper test uses: the fixed time, the lognormal's median, or the most likely time.
    pub fn point_estimate(&self) -> f64 {
        match *self {
            Restoration::Fixed { minutes } => minutes,
            Restoration::LogNormal { median_minutes, .. } => median_minutes,
            Restoration::Pert { mode_minutes, .. } | Restoration::Triangular { mode_minutes, .. } => mode_minutes,
        }
    }

    /// Checks the parameters and builds a sampler.
    pub fn sampler(&self) -> Result<Sampler, Problem> {
        let bad = |en: &str| Err(Problem::BadDistribution { reason: en.to_string() });
        let ok = |v: f64| v.is_finite() && v >= 0.0;
        match *self {
            Restoration::Fixed { minutes } => {
                if !ok(minutes) {
                    return bad("fixed minutes must be 0 or more");
                }
                Ok(Sampler::Fixed(minutes))
            }
            Restoration::LogNormal { median_minutes: m, p95_minutes: p } => {
                if !(m.is_finite() && m > 0.0 && p.is_finite() && p >= m) {
                    return bad("lognormal needs 0 < median ≤ p95");
                }
                let sigma = (p / m).ln() / Z95;
                match LogNormal::new(m.ln(), sigma) {
                    Ok(d) => Ok(Sampler::LogNormal(d)),
                    Err(_) => bad("lognormal parameters"),
                }
            }
            Restoration::Pert { min_minutes: a, mode_minutes: c, max_minutes: b }
            | Restoration::Triangular { min_minutes: a, mode_minutes: c, max_minutes: b } => {
                if !(ok(a) && ok(b) && ok(c) && a <= c && c <= b) {
                    return bad("needs 0 ≤ min ≤ most likely ≤ max");
                }
                if a == b {
                    return Ok(Sampler::Fixed(a));
                }
                if matches!(self, Restoration::Pert { .. }) {
                    // PERT is min + (max − min)·Beta(α, β) with α = 1 + 4(mode − min)/(max − min) and
                    // β = 1 + 4(max − mode)/(max − min). Beta is drawn as X/(X+Y) from two gammas: Marsaglia and
                    // Tsang's method rarely needs a logarithm, so this is about three times faster than the
                    // general beta sampler, with the same distribution.
                    let alpha = 1.0 + 4.0 * (c - a) / (b - a);
                    let beta = 1.0 + 4.0 * (b - c) / (b - a);
                    match (Gamma::new(alpha, 1.0), Gamma::new(beta, 1.0)) {
                        (Ok(x), Ok(y)) => Ok(Sampler::Pert { min: a, range: b - a, x, y }),
                        _ => bad("PERT parameters"),
                    }
                } else {
                    match Triangular::new(a, b, c) {
                        Ok(d) => Ok(Sampler::Triangular(d)),
                        Err(_) => bad("triangular parameters"),
                    }
                }
            }
        }
    }

    /// A short description, e.g. `lognormal median 240 min, p95 720 min`.
    pub fn describe(&self, lang: Lang) -> String {
        match (*self, lang) {
            (Restoration::Fixed { minutes }, Lang::Ja) => format!("固定 {}", fmt_minutes(minutes, lang)),
            (Restoration::Fixed { minutes }, Lang::En) => format!("fixed {}", fmt_minutes(minutes, lang)),
            (Restoration::LogNormal { median_minutes, p95_minutes }, _) => format!(
                "{} {} {}, p95 {}",
                lang.pick("対数正規", "lognormal"),
                lang.pick("中央値", "median"),
                fmt_minutes(median_minutes, lang),
                fmt_minutes(p95_minutes, lang)
            ),
            (Restoration::Pert { min_minutes, mode_minutes, max_minutes }, _) => format!(
                "PERT {}–{}–{}",
                fmt_minutes(min_minutes, lang),
                fmt_minutes(mode_minutes, lang),
                fmt_minutes(max_minutes, lang)
            ),
            (Restoration::Triangular { min_minutes, mode_minutes, max_minutes }, _) => format!(
                "{} {}–{}–{}",
                lang.pick("三角分布", "triangular"),
                fmt_minutes(min_minutes, lang),
                fmt_minutes(mode_minutes, lang),
                fmt_minutes(max_minutes, lang)
            ),
        }
    }
}

/// Minutes as `90分` / `1 h 30 min`, the way a risk analyst reads durations.
pub fn fmt_minutes(m: f64, lang: Lang) -> String {
    if !m.is_finite() {
        return lang.pick("∞", "∞").to_string();
    }
    let total = m.round() as i64;
    let (h, mm) = (total / 60, total % 60);
    match lang {
        Lang::Ja if h == 0 => format!("{mm}分"),
        Lang::Ja if mm == 0 => format!("{h}時間"),
        Lang::Ja => format!("{h}時間{mm}分"),
        Lang::En if h == 0 => format!("{mm} min"),
        Lang::En if mm == 0 => format!("{h} h"),
        Lang::En => format!("{h} h {mm} min"),
    }
}

/// A checked restoration distribution, ready to draw from.
#[derive(Debug, Clone, Copy)]
pub enum Sampler {
    /// Always the same.
    Fixed(f64),
    /// Lognormal.
    LogNormal(LogNormal<f64>),
    /// PERT, as min + range · X/(X+Y) with X, Y gamma-distributed.
    Pert {
        /// Minimum.
        min: f64,
        /// Maximum − minimum.
        range: f64,
        /// Gamma(α, 1).
        x: Gamma<f64>,
        /// Gamma(β, 1).
        y: Gamma<f64>,
    },
    /// Triangular.
    Triangular(Triangular<f64>),
}

impl Sampler {
    /// Draws minutes.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Sampler::Fixed(v) => *v,
            Sampler::LogNormal(d) => d.sample(rng),
            Sampler::Pert { min, range, x, y } => {
                let gx = x.sample(rng);
                let gy = y.sample(rng);
                min + range * (gx / (gx + gy))
            }
            Sampler::Triangular(d) => d.sample(rng),
        }
    }
}

/// One named lost resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Loss {
    /// The resource's id.
    pub resource: NodeId,
    /// How long it takes to restore.
    pub restoration: Restoration,
}

/// What an outcome-based scenario loses, whatever the cause.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LossTarget {
    /// A facility (a building, a data centre, a power feed).
    Facility {
        /// The facility's id.
        id: NodeId,
    },
    /// Every resource a third-party provider supplies.
    ThirdParty {
        /// The provider's name as the resources name it.
        provider: String,
    },
    /// A share of a team's staff; the team is lost if fewer than its minimum staff remain.
    Team {
        /// The people resource's id.
        id: NodeId,
        /// Percent of staff lost.
        percent: f64,
    },
    /// A whole system.
    System {
        /// The system's id.
        id: NodeId,
    },
}

/// The kind of scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ScenarioKind {
    /// Prolonged outage of named resources.
    Outage {
        /// What is lost.
        losses: Vec<Loss>,
    },
    /// Outcome-based loss of a facility, a third party, part of a team or a whole system.
    OutcomeLoss {
        /// What is lost.
        target: LossTarget,
        /// How long it takes to restore.
        restoration: Restoration,
    },
    /// A resource runs out of storage or transaction headroom at the time its growth uses it up.
    CapacityExhaustion {
        /// The resource with a capacity record.
        resource: NodeId,
        /// How long it takes to restore once exhausted.
        restoration: Restoration,
    },
}

impl ScenarioKind {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            ScenarioKind::Outage { .. } => "outage",
            ScenarioKind::OutcomeLoss { .. } => "outcome_loss",
            ScenarioKind::CapacityExhaustion { .. } => "capacity_exhaustion",
        }
    }

    /// The label in the given language.
    pub fn label(&self, lang: Lang) -> &'static str {
        match self {
            ScenarioKind::Outage { .. } => lang.pick("長時間の停止", "Prolonged outage"),
            ScenarioKind::OutcomeLoss { .. } => lang.pick("結果事象ベース（原因を問わない喪失）", "Outcome-based loss"),
            ScenarioKind::CapacityExhaustion { .. } => lang.pick("キャパシティ枯渇", "Capacity exhaustion"),
        }
    }
}

/// A stress scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    /// Id.
    pub id: String,
    /// Name in Japanese.
    pub name_ja: String,
    /// Name in English.
    #[serde(default)]
    pub name_en: String,
    /// When the scenario starts: cut-offs are judged against it.
    pub start: Timestamp,
    /// What happens.
    pub kind: ScenarioKind,
}

impl Scenario {
    /// The name in the given language, falling back to the other.
    pub fn name(&self, lang: Lang) -> &str {
        let (a, b) = match lang {
            Lang::Ja => (&self.name_ja, &self.name_en),
            Lang::En => (&self.name_en, &self.name_ja),
        };
        if a.is_empty() { b } else { a }
    }
}

/// A scenario resolved against a map: loss onset and the lost resource nodes with their restoration.
#[derive(Debug, Clone)]
pub struct ResolvedScenario {
    /// Minutes after the start at which every loss begins (0 except for capacity exhaustion).
    pub onset_minutes: f64,
    /// Lost resource nodes and how they restore.
    pub losses: Vec<(usize, Restoration)>,
    /// Notes for the reader (ja, en), e.g. a team that keeps enough staff.
    pub notes: Vec<(String, String)>,
}

impl Scenario {
    /// Finds the lost resources in the map; every unknown or unsuitable reference is reported.
    pub fn resolve(&self, map: &DependencyMap) -> Result<ResolvedScenario, Issues> {
        let mut issues = Issues::default();
        let mut losses = Vec::new();
        let mut notes = Vec::new();
        let mut onset = 0.0;
        let g = map.graph();
        let find = |issues: &mut Issues, field: &str, id: &str, want: Option<ResourceKind>| -> Option<usize> {
            match g.index_of(id).filter(|&i| g.is_resource(i)) {
                None => {
                    issues.field(field, Problem::UnknownReference { value: id.to_string() });
                    None
                }
                Some(i) => match (want, map.resource(i)) {
                    (Some(k), Some(r)) if r.kind != k => {
                        issues.field(
                            field,
                            Problem::UnknownCode { value: r.kind.code().into(), expected: vec![k.code()] },
                        );
                        None
                    }
                    _ => Some(i),
                },
            }
        };
        let check = |issues: &mut Issues, field: &str, r: &Restoration| {
            if let Err(p) = r.sampler() {
                issues.field(field, p);
            }
        };
        match &self.kind {
            ScenarioKind::Outage { losses: ls } => {
                if ls.is_empty() {
                    issues.field("kind.losses", Problem::NothingLost);
                }
                for (i, l) in ls.iter().enumerate() {
                    check(&mut issues, &format!("kind.losses[{i}].restoration"), &l.restoration);
                    if let Some(n) = find(&mut issues, &format!("kind.losses[{i}].resource"), l.resource.as_str(), None)
                    {
                        if losses.iter().any(|(m, _)| *m == n) {
                            issues.field(
                                format!("kind.losses[{i}].resource"),
                                Problem::Duplicate { value: l.resource.to_string() },
                            );
                        }
                        losses.push((n, l.restoration));
                    }
                }
            }
            ScenarioKind::OutcomeLoss { target, restoration } => {
                check(&mut issues, "kind.restoration", restoration);
                match target {
                    LossTarget::Facility { id } => {
                        if let Some(n) = find(&mut issues, "kind.target.id", id.as_str(), Some(ResourceKind::Facility))
                        {
                            losses.push((n, *restoration));
                        }
                    }
                    LossTarget::System { id } => {
                        if let Some(n) = find(&mut issues, "kind.target.id", id.as_str(), Some(ResourceKind::System)) {
                            losses.push((n, *restoration));
                        }
                    }
                    LossTarget::ThirdParty { provider } => {
                        for n in g.first_resource()..g.len() {
                            if let Some(r) = map.resource(n)
                                && r.kind == ResourceKind::ThirdParty
                                && r.provider.as_deref() == Some(provider.as_str())
                            {
                                losses.push((n, *restoration));
                            }
                        }
                        if losses.is_empty() {
                            issues.field("kind.target.provider", Problem::UnknownReference { value: provider.clone() });
                        }
                    }
                    LossTarget::Team { id, percent } => {
                        if !(0.0..=100.0).contains(percent) {
                            issues.field(
                                "kind.target.percent",
                                Problem::OutOfRange { value: format!("{percent}"), min: "0".into(), max: "100".into() },
                            );
                        } else if let Some(n) =
                            find(&mut issues, "kind.target.id", id.as_str(), Some(ResourceKind::People))
                        {
                            let r = map.resource(n);
                            let head = r.and_then(|r| r.headcount).unwrap_or(0);
                            let min = r.and_then(|r| r.min_staff).unwrap_or(head);
                            // Staff are whole people: losing any share of a person loses the person.
                            let remaining = (f64::from(head) * (1.0 - percent / 100.0)).floor() as u32;
                            if remaining < min || head == 0 {
                                losses.push((n, *restoration));
                            } else {
                                notes.push((
                                    format!("{id} は {percent}% を失っても {remaining} 人が残り、最少人員 {min} 人を満たします"),
                                    format!("{id} keeps {remaining} staff after losing {percent}%, meeting its minimum of {min}"),
                                ));
                            }
                        }
                    }
                }
            }
            ScenarioKind::CapacityExhaustion { resource, restoration } => {
                check(&mut issues, "kind.restoration", restoration);
                if let Some(n) = find(&mut issues, "kind.resource", resource.as_str(), None) {
                    match map.resource(n).and_then(|r| r.capacity.as_ref()).map(|c| c.minutes_to_exhaustion()) {
                        Some(Some(m)) => {
                            onset = m;
                            losses.push((n, *restoration));
                        }
                        Some(None) => notes.push((
                            format!("{resource} の使用量は増加していないため、枯渇しません"),
                            format!("{resource} is not growing, so it never runs out"),
                        )),
                        None => issues.field("kind.resource", Problem::Required),
                    }
                }
            }
        }
        issues.into_result(ResolvedScenario { onset_minutes: onset, losses, notes })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn pert_by_gamma_ratio_has_the_pert_mean_and_range() {
        let s = Restoration::Pert { min_minutes: 60.0, mode_minutes: 180.0, max_minutes: 900.0 }.sampler();
        let Ok(s) = s else { return assert!(s.is_ok()) };
        let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(1);
        let n = 200_000;
        let xs: Vec<f64> = (0..n).map(|_| s.sample(&mut rng)).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        // PERT mean (min + 4·mode + max) / 6 = 280; its sd here is about 120, so the error of the mean is 0.3.
        assert!((mean - 280.0).abs() < 2.0, "{mean}");
        assert!(xs.iter().all(|&x| (60.0..=900.0).contains(&x)));
    }

    #[test]
    fn lognormal_from_median_and_p95() {
        let s = Restoration::LogNormal { median_minutes: 100.0, p95_minutes: 400.0 }.sampler();
        let Ok(s) = s else { return assert!(s.is_ok()) };
        let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(2);
        let n = 100_000;
        let above = (0..n).filter(|_| s.sample(&mut rng) > 400.0).count() as f64 / n as f64;
        assert!((above - 0.05).abs() < 0.004, "{above}");
        assert!(Restoration::LogNormal { median_minutes: 100.0, p95_minutes: 50.0 }.sampler().is_err());
        assert!(Restoration::Triangular { min_minutes: 5.0, mode_minutes: 1.0, max_minutes: 9.0 }.sampler().is_err());
    }
}
