//! Reading the resilience forms into the engine's types: every unreadable field becomes an engine
//! [`Problem`] named by the field's label in the user's language, so all problems show at once.

use crate::i18n::Catalogue;
use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use opres_app::resilience::ScenarioDoc;
use opres_domain::{JST, Lang};
use opres_resilience::scenario::Loss;
use opres_resilience::{
    ClockTime, ImpactRates, ImpactTolerance, ImportanceCriteria, ImportantBusinessService, Issue, Location, LossTarget,
    NodeId, Problem, Regulator, Restoration, Scenario, ScenarioKind,
};
use std::collections::HashMap;

/// A submitted form: the last value of each field, and every value of repeated fields.
pub(super) struct Form {
    pub values: HashMap<String, String>,
    pub multi: HashMap<String, Vec<String>>,
    pub cat: Catalogue,
    pub issues: Vec<Issue>,
}

impl Form {
    pub fn new(pairs: Vec<(String, String)>, lang: Lang) -> Form {
        let mut multi: HashMap<String, Vec<String>> = HashMap::new();
        for (k, v) in &pairs {
            multi.entry(k.clone()).or_default().push(v.clone());
        }
        Form { values: pairs.into_iter().collect(), multi, cat: Catalogue(lang), issues: Vec::new() }
    }

    fn problem(&mut self, field: &str, p: Problem) {
        // The new-service form names its first tolerance's fields `t_…`: same labels.
        let label = self.cat.t(&format!("res.f.{}", field.trim_start_matches("t_")));
        self.issues.push(Issue { location: Location::field(label), problem: p });
    }

    pub fn text(&self, k: &str) -> String {
        self.values.get(k).map(|v| v.trim().to_string()).unwrap_or_default()
    }

    pub fn all(&self, k: &str) -> Vec<String> {
        self.multi.get(k).cloned().unwrap_or_default().into_iter().filter(|v| !v.trim().is_empty()).collect()
    }

    /// The version an edit was based on (`None`: there was nothing yet).
    pub fn version(&self) -> Option<i64> {
        self.text("version").parse().ok()
    }

    pub fn opt_u64(&mut self, k: &str) -> Option<u64> {
        let v = self.text(k).replace(',', "");
        if v.is_empty() {
            return None;
        }
        match v.parse() {
            Ok(n) => Some(n),
            Err(_) => {
                self.problem(k, Problem::NotANumber { value: v });
                None
            }
        }
    }

    pub fn u64(&mut self, k: &str) -> u64 {
        self.opt_u64(k).unwrap_or(0)
    }

    pub fn opt_f64(&mut self, k: &str) -> Option<f64> {
        let v = self.text(k).replace(',', "");
        if v.is_empty() {
            return None;
        }
        match v.parse::<f64>() {
            Ok(n) if n.is_finite() => Some(n),
            _ => {
                self.problem(k, Problem::NotANumber { value: v });
                None
            }
        }
    }

    pub fn f64(&mut self, k: &str) -> f64 {
        self.opt_f64(k).unwrap_or(0.0)
    }

    /// A number that must be given.
    pub fn req_f64(&mut self, k: &str) -> f64 {
        if self.text(k).is_empty() {
            self.problem(k, Problem::Required);
            return 0.0;
        }
        self.f64(k)
    }

    pub fn date(&mut self, k: &str) -> NaiveDate {
        let v = self.text(k);
        match NaiveDate::parse_from_str(&v, "%Y-%m-%d") {
            Ok(d) => d,
            Err(_) => {
                self.problem(k, if v.is_empty() { Problem::Required } else { Problem::BadDate { value: v } });
                NaiveDate::default()
            }
        }
    }

    pub fn id(&mut self, k: &str) -> Option<NodeId> {
        match NodeId::parse(&self.text(k)) {
            Ok(id) => Some(id),
            Err(p) => {
                self.problem(k, p);
                None
            }
        }
    }

    pub fn done(self) -> Result<(), Vec<Issue>> {
        if self.issues.is_empty() { Ok(()) } else { Err(self.issues) }
    }
}

/// A service's register fields (the gate, dependencies and tolerances are kept or set elsewhere).
pub(super) fn service(f: &mut Form, id: Option<NodeId>) -> Option<ImportantBusinessService> {
    let id = match id {
        Some(id) => Some(id),
        None => f.id("id"),
    };
    let customer_impact = match f.opt_u64("customer_impact") {
        Some(n) => u8::try_from(n).unwrap_or(u8::MAX),
        None => {
            f.problem("customer_impact", Problem::Required);
            0
        }
    };
    let criteria = ImportanceCriteria {
        customer_impact,
        customers: f.u64("customers"),
        transactions_per_day: f.u64("transactions_per_day"),
        value_per_day_yen: f.u64("value_per_day_yen"),
        has_cutoff: !f.text("has_cutoff").is_empty(),
    };
    let rates = ImpactRates {
        transactions_per_hour: f.f64("transactions_per_hour"),
        value_per_hour_yen: f.f64("value_per_hour_yen"),
        users_per_hour: f.f64("users_per_hour"),
        complaints_per_hour: f.f64("complaints_per_hour"),
    };
    let last_reviewed = f.date("last_reviewed");
    let next_review = f.date("next_review");
    Some(ImportantBusinessService {
        id: id?,
        name_ja: f.text("name_ja"),
        name_en: f.text("name_en"),
        criteria,
        rationale_ja: f.text("rationale_ja"),
        rationale_en: f.text("rationale_en"),
        owner: f.text("owner"),
        last_reviewed,
        next_review,
        rates,
        tolerances: Vec::new(),
        gate: Default::default(),
        depends_on: Vec::new(),
    })
}

/// A tolerance from fields named with `prefix` (the new-service form carries its first tolerance as `t_…`).
pub(super) fn tolerance(f: &mut Form, prefix: &str) -> ImpactTolerance {
    let k = |s: &str| format!("{prefix}{s}");
    let regulator = match Regulator::parse(&f.text(&k("regulator"))) {
        Ok(r) => r,
        Err(p) => {
            f.problem(&k("regulator"), p.into());
            Regulator::Fsa
        }
    };
    let cutoff_text = f.text(&k("cutoff"));
    let cutoff = if cutoff_text.is_empty() {
        None
    } else {
        match ClockTime::parse(&cutoff_text) {
            Ok(c) => Some(c),
            Err(p) => {
                f.problem(&k("cutoff"), p);
                None
            }
        }
    };
    ImpactTolerance {
        regulator,
        max_duration_minutes: f.req_f64(&k("max_duration_minutes")),
        rlo_percent: f.opt_f64(&k("rlo_percent")),
        max_transactions: f.opt_u64(&k("max_transactions")),
        max_value_yen: f.opt_u64(&k("max_value_yen")),
        max_users: f.opt_u64(&k("max_users")),
        max_complaints: f.opt_u64(&k("max_complaints")),
        cutoff,
        rationale_ja: f.text(&k("rationale_ja")),
        rationale_en: f.text(&k("rationale_en")),
    }
}

fn restoration(f: &mut Form) -> Restoration {
    match f.text("restoration").as_str() {
        "log_normal" => Restoration::LogNormal {
            median_minutes: f.req_f64("median_minutes"),
            p95_minutes: f.req_f64("p95_minutes"),
        },
        "pert" => Restoration::Pert {
            min_minutes: f.req_f64("min_minutes"),
            mode_minutes: f.req_f64("mode_minutes"),
            max_minutes: f.req_f64("max_minutes"),
        },
        "triangular" => Restoration::Triangular {
            min_minutes: f.req_f64("min_minutes"),
            mode_minutes: f.req_f64("mode_minutes"),
            max_minutes: f.req_f64("max_minutes"),
        },
        "fixed" => Restoration::Fixed { minutes: f.req_f64("minutes") },
        other => {
            f.problem(
                "restoration",
                Problem::UnknownCode {
                    value: other.to_string(),
                    expected: vec!["fixed", "log_normal", "pert", "triangular"],
                },
            );
            Restoration::Fixed { minutes: 0.0 }
        }
    }
}

/// `2026-06-15T13:00` from a datetime-local input, read as JST.
pub(super) fn parse_start(v: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let naive = NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%S"))
        .ok()?;
    JST.from_local_datetime(&naive).single().map(|t| t.to_utc())
}

/// The scenario editor's fields. `id` is fixed when editing.
pub(super) fn scenario(f: &mut Form, fixed_id: Option<&str>) -> Option<ScenarioDoc> {
    let id = match fixed_id {
        Some(id) => id.to_string(),
        None => f.id("id").map(|i| i.to_string()).unwrap_or_default(),
    };
    let start_text = f.text("start");
    let start = match parse_start(&start_text) {
        Some(t) => t,
        None => {
            f.problem(
                "start",
                if start_text.is_empty() { Problem::Required } else { Problem::BadTime { value: start_text } },
            );
            chrono::DateTime::<chrono::Utc>::default()
        }
    };
    let r = restoration(f);
    let target_id = |f: &mut Form| f.id("target");
    let kind = match f.text("kind").as_str() {
        "outage" => {
            let mut losses = Vec::new();
            for v in f.all("lost") {
                match NodeId::parse(&v) {
                    Ok(resource) => losses.push(Loss { resource, restoration: r }),
                    Err(p) => f.problem("lost", p),
                }
            }
            ScenarioKind::Outage { losses }
        }
        "outcome_loss" => {
            let target = match f.text("target_type").as_str() {
                "facility" => target_id(f).map(|id| LossTarget::Facility { id }),
                "system" => target_id(f).map(|id| LossTarget::System { id }),
                "team" => {
                    let percent = f.req_f64("percent");
                    target_id(f).map(|id| LossTarget::Team { id, percent })
                }
                "third_party" => {
                    let provider = f.text("provider");
                    if provider.is_empty() {
                        f.problem("provider", Problem::Required);
                    }
                    Some(LossTarget::ThirdParty { provider })
                }
                other => {
                    f.problem(
                        "target_type",
                        Problem::UnknownCode {
                            value: other.to_string(),
                            expected: vec!["facility", "system", "third_party", "team"],
                        },
                    );
                    None
                }
            };
            ScenarioKind::OutcomeLoss { target: target?, restoration: r }
        }
        "capacity_exhaustion" => ScenarioKind::CapacityExhaustion { resource: target_id(f)?, restoration: r },
        other => {
            f.problem(
                "kind",
                Problem::UnknownCode {
                    value: other.to_string(),
                    expected: vec!["outage", "outcome_loss", "capacity_exhaustion"],
                },
            );
            return None;
        }
    };
    let samples = f.opt_u64("samples").unwrap_or(0);
    let seed = f.opt_u64("seed").unwrap_or(1);
    Some(ScenarioDoc {
        scenario: Scenario { id, name_ja: f.text("name_ja"), name_en: f.text("name_en"), start, kind },
        samples: usize::try_from(samples).unwrap_or(usize::MAX),
        seed,
    })
}
