//! Mappings between frameworks with the set-theory relations of NIST IR 8477, validated against
//! both frameworks, and results proposed for a target framework from an assessment of the source.
//!
//! File format (JSON):
//! `{"source_framework": "…", "target_framework": "…", "links": [{"source": "…", "target": "…",
//! "relation": "subset_of", "strength": 8}]}`.

use crate::assessment::{Assessment, Basis, Entry, Outcome, ResultCode};
use crate::framework::Framework;
use crate::problem::{ImportError, ImportProblem, Reason};
use opres_domain::{Lang, Problem, RawScalar};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

opres_domain::code_enum!(
    /// How a source requirement relates to a target one, read as sets of what each asks
    /// (NIST IR 8477's set-theory relationships).
    pub Relation, "mapping relation", {
        /// Both ask the same.
        Equal => "equal", "同等", "Equal";
        /// The source asks part of what the target asks.
        SubsetOf => "subset_of", "部分集合（ターゲットの一部）", "Subset of";
        /// The source asks all the target asks, and more.
        SupersetOf => "superset_of", "上位集合（ターゲットを包含）", "Superset of";
        /// They overlap; neither contains the other.
        IntersectsWith => "intersects_with", "一部重複", "Intersects with";
        /// Nothing in common (recorded so that a reviewed pair is not proposed again).
        NotRelated => "not_related", "関連なし", "Not related";
    }
);

/// How strongly a link holds, 1 (weak) to 10 (certain), as NIST IR 8477 grades it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(into = "u8", try_from = "u8")]
pub struct Strength(u8);

impl Strength {
    /// Weakest.
    pub const MIN: u8 = 1;
    /// Strongest.
    pub const MAX: u8 = 10;

    /// A strength; `None` outside 1–10.
    pub fn new(value: u8) -> Option<Strength> {
        (Self::MIN..=Self::MAX).contains(&value).then_some(Strength(value))
    }

    /// The number, 1–10.
    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for Strength {
    type Error = String;
    fn try_from(value: u8) -> Result<Strength, String> {
        Strength::new(value).ok_or_else(|| format!("strength {value} is outside 1–10"))
    }
}

impl From<Strength> for u8 {
    fn from(s: Strength) -> u8 {
        s.0
    }
}

/// An example mapping, opres's own judgement, from the report's challenges
/// (`fsa_report_challenges`) to the FSA's 2024 guideline (`fsa_cyber_guideline_2024`): the demo
/// imports it, and it shows the file format.
pub const EXAMPLE_CHALLENGES_TO_GUIDELINE: (&str, &str) = (
    "fsa_report_challenges_to_fsa_cyber_guideline_2024.json",
    include_str!("../frameworks/mappings/fsa_report_challenges_to_fsa_cyber_guideline_2024.json"),
);

/// A link as written in a mapping file (nothing checked yet).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LinkRecord {
    /// Requirement id in the source framework.
    pub source: String,
    /// Requirement id in the target framework.
    pub target: String,
    /// Relation code.
    pub relation: String,
    /// Strength, 1–10.
    pub strength: Option<RawScalar>,
}

/// A mapping as written in a file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MappingRecord {
    /// Id of the framework the links start from.
    pub source_framework: String,
    /// Id of the framework they lead to.
    pub target_framework: String,
    /// The links.
    pub links: Vec<LinkRecord>,
}

/// One validated link: both ends are assessable requirements of their frameworks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    /// Source requirement id.
    pub source: String,
    /// Target requirement id.
    pub target: String,
    /// How they relate.
    pub relation: Relation,
    /// How strongly.
    pub strength: Strength,
}

/// A validated mapping from one framework to another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mapping {
    /// Source framework id.
    pub source_framework: String,
    /// Target framework id.
    pub target_framework: String,
    /// Links in file order, each pair once.
    pub links: Vec<Link>,
}

impl MappingRecord {
    /// Validates against both frameworks, reporting every problem at once: a framework id that is
    /// not the one given, an end that is unknown or a grouping node, an unknown relation, a
    /// strength outside 1–10, the same pair twice.
    pub fn validate(self, file: &str, source: &Framework, target: &Framework) -> Result<Mapping, ImportError> {
        let mut problems = Vec::new();
        let mut push = |at: String, field: &str, reason: Reason| {
            problems.push(ImportProblem { file: file.to_string(), at, field: field.to_string(), reason })
        };
        for (field, given, framework) in
            [("source_framework", &self.source_framework, source), ("target_framework", &self.target_framework, target)]
        {
            if given.trim().is_empty() {
                push("/".into(), field, Reason::Field(Problem::Required));
            } else if given.trim() != framework.id {
                push("/".into(), field, Reason::OtherFramework { expected: framework.id.clone() });
            }
        }
        let mut pairs = HashSet::new();
        let mut links = Vec::with_capacity(self.links.len());
        for (i, l) in self.links.iter().enumerate() {
            let at = format!("/links/{i}");
            let mut end = |field: &str, id: &str, framework: &Framework| -> Option<String> {
                let id = id.trim();
                match framework.get(id) {
                    _ if id.is_empty() => push(at.clone(), field, Reason::Field(Problem::Required)),
                    None => push(at.clone(), field, Reason::Field(Problem::UnknownReference { value: id.into() })),
                    Some(r) if !r.assessable => push(at.clone(), field, Reason::NotAssessable { id: id.into() }),
                    Some(_) => return Some(id.to_string()),
                }
                None
            };
            let from = end("source", &l.source, source);
            let to = end("target", &l.target, target);
            let relation = if l.relation.trim().is_empty() {
                push(at.clone(), "relation", Reason::Field(Problem::Required));
                None
            } else {
                Relation::parse(&l.relation).map_err(|e| push(at.clone(), "relation", Reason::Field(e.into()))).ok()
            };
            let out_of_range = |v: u64| Problem::OutOfRange {
                value: v.to_string(),
                min: i64::from(Strength::MIN),
                max: i64::from(Strength::MAX),
            };
            let strength = match RawScalar::whole_number(l.strength.as_ref()) {
                Ok(None) => {
                    push(at.clone(), "strength", Reason::Field(Problem::Required));
                    None
                }
                Ok(Some(v)) => {
                    let s = u8::try_from(v).ok().and_then(Strength::new);
                    if s.is_none() {
                        push(at.clone(), "strength", Reason::Field(out_of_range(v)));
                    }
                    s
                }
                Err(p) => {
                    push(at.clone(), "strength", Reason::Field(p));
                    None
                }
            };
            if let (Some(s), Some(t)) = (&from, &to)
                && !pairs.insert((s.clone(), t.clone()))
            {
                push(at.clone(), "target", Reason::Field(Problem::Duplicate { value: format!("{s} → {t}") }));
            }
            if let (Some(source), Some(target), Some(relation), Some(strength)) = (from, to, relation, strength) {
                links.push(Link { source, target, relation, strength });
            }
        }
        if !problems.is_empty() {
            return Err(ImportError(problems));
        }
        Ok(Mapping { source_framework: source.id.clone(), target_framework: target.id.clone(), links })
    }
}

impl Mapping {
    /// The mapping as written in a file, so a stored one validates again when read back.
    pub fn to_record(&self) -> MappingRecord {
        MappingRecord {
            source_framework: self.source_framework.clone(),
            target_framework: self.target_framework.clone(),
            links: self
                .links
                .iter()
                .map(|l| LinkRecord {
                    source: l.source.clone(),
                    target: l.target.clone(),
                    relation: l.relation.code().to_string(),
                    strength: Some(RawScalar::Int(i64::from(l.strength.get()))),
                })
                .collect(),
        }
    }
}

/// Reads a mapping file (JSON; syntax errors at their line and column) and validates it
/// against both frameworks.
pub fn import_mapping(
    file: &str,
    bytes: &[u8],
    source: &Framework,
    target: &Framework,
) -> Result<Mapping, ImportError> {
    crate::oscal::parse_json::<MappingRecord>(file, bytes)?.validate(file, source, target)
}

/// A source requirement a proposal came from, with what it contributed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrefillSource {
    /// Source requirement id.
    pub requirement: String,
    /// The link's relation.
    pub relation: Relation,
    /// The link's strength, for the reviewer to weigh.
    pub strength: Strength,
    /// The source's result.
    pub result: ResultCode,
}

/// A result proposed for a target requirement, with every source requirement it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Prefill {
    /// Target requirement id.
    pub target: String,
    /// Proposed result: met, partly met or not met (never not applicable).
    pub proposed: ResultCode,
    /// Every link that contributed, in mapping order.
    pub sources: Vec<PrefillSource>,
}

impl Prefill {
    /// The entry this proposal pre-fills in an assessment on a scale of 0..=`scale_max`, from
    /// the source assessment `source_key`: its result; the lowest current and the highest target
    /// maturity of the contributing sources (clamped to the scale); their evidence; a rationale
    /// naming every source; and [`Basis::Mapped`] so the origin stays visible.
    pub fn to_entry(&self, source_key: &str, source: &Assessment, scale_max: u8, lang: Lang) -> Entry {
        let entries: Vec<&Entry> = self.sources.iter().filter_map(|s| source.entries.get(&s.requirement)).collect();
        let current = entries.iter().map(|e| e.current).min().unwrap_or(0).min(scale_max);
        let target = entries.iter().map(|e| e.target).max().unwrap_or(0).min(scale_max).max(current);
        let mut evidence: Vec<String> = Vec::new();
        for e in &entries {
            for item in &e.evidence {
                if !evidence.contains(item) {
                    evidence.push(item.clone());
                }
            }
        }
        let named: Vec<String> = self
            .sources
            .iter()
            .map(|s| match lang {
                Lang::Ja => format!(
                    "{} {}（{}、強度 {}）",
                    s.requirement,
                    s.result.label(lang),
                    s.relation.label(lang),
                    s.strength.get()
                ),
                Lang::En => format!(
                    "{} {} ({}, strength {})",
                    s.requirement,
                    s.result.label(lang),
                    s.relation.label(lang),
                    s.strength.get()
                ),
            })
            .collect();
        let rationale = match lang {
            Lang::Ja => {
                format!("{}（{}）の評価から対応付けにより事前入力: {}", source_key, source.framework, named.join("、"))
            }
            Lang::En => format!(
                "Pre-filled through the mapping from {} ({}): {}",
                source_key,
                source.framework,
                named.join("; ")
            ),
        };
        let outcome = match self.proposed {
            ResultCode::Met => Outcome::Met,
            ResultCode::PartlyMet => Outcome::PartlyMet,
            ResultCode::NotMet | ResultCode::NotApplicable => Outcome::NotMet,
        };
        Entry {
            outcome,
            current,
            target,
            rationale,
            evidence,
            owner: None,
            reviewer: None,
            linked_records: 0,
            basis: Basis::Mapped {
                source_assessment: source_key.to_string(),
                source_framework: source.framework.clone(),
                sources: self.sources.clone(),
            },
        }
    }
}

/// Strength order of the results a link can carry: not met < partly met < met.
fn rank(r: ResultCode) -> u8 {
    match r {
        ResultCode::NotMet | ResultCode::NotApplicable => 0,
        ResultCode::PartlyMet => 1,
        ResultCode::Met => 2,
    }
}

/// Proposes results for `target`'s assessable requirements from `source_assessment` through
/// `mapping`. The rule, per target requirement:
///
/// - A link contributes when its relation is not `not_related` and its source has an entry whose
///   result is met, partly met or not met. Not applicable says nothing about another framework's
///   requirement (its reason is the source's), so it contributes nothing; neither does a
///   source without an entry.
/// - *Full* links (`equal`, `superset_of`: satisfying the source satisfies the target): the
///   weakest of their results decides.
/// - *Partial* links (`subset_of`, `intersects_with`: the source covers part of the target) can
///   at most give partly met. With no full link: partly met if any partial source is met or
///   partly met, not met if every one is not met. With full links: a partial source that is not
///   met lowers met to partly met (a known part of the target is missing).
/// - Strength does not change the result; it is kept on each source for the reviewer.
///
/// Nothing is proposed when the assessment is not of the mapping's source framework or `target`
/// is not its target framework. Proposals come in the target framework's order.
pub fn prefill(mapping: &Mapping, source_assessment: &Assessment, target: &Framework) -> Vec<Prefill> {
    if source_assessment.framework != mapping.source_framework || target.id != mapping.target_framework {
        return Vec::new();
    }
    let mut out = Vec::new();
    for requirement in target.assessable() {
        let sources: Vec<PrefillSource> = mapping
            .links
            .iter()
            .filter(|l| l.target == requirement.id && l.relation != Relation::NotRelated)
            .filter_map(|l| {
                let entry = source_assessment.entries.get(&l.source)?;
                if matches!(entry.outcome, Outcome::NotApplicable { .. }) {
                    return None;
                }
                Some(PrefillSource {
                    requirement: l.source.clone(),
                    relation: l.relation,
                    strength: l.strength,
                    result: entry.outcome.code(),
                })
            })
            .collect();
        let full = |s: &&PrefillSource| matches!(s.relation, Relation::Equal | Relation::SupersetOf);
        let weakest_full = sources.iter().filter(full).map(|s| s.result).min_by_key(|r| rank(*r));
        let partial: Vec<ResultCode> = sources.iter().filter(|s| !full(s)).map(|s| s.result).collect();
        let partial_missing = partial.contains(&ResultCode::NotMet);
        let proposed = match weakest_full {
            Some(ResultCode::Met) if partial_missing => ResultCode::PartlyMet,
            Some(r) => r,
            None if partial.is_empty() => continue,
            None if partial.iter().all(|r| *r == ResultCode::NotMet) => ResultCode::NotMet,
            None => ResultCode::PartlyMet,
        };
        out.push(Prefill { target: requirement.id.clone(), proposed, sources });
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn a_strength_is_one_to_ten() {
        assert_eq!(Strength::new(0), None);
        assert_eq!(Strength::new(1).map(Strength::get), Some(1));
        assert_eq!(Strength::new(10).map(u8::from), Some(10));
        assert_eq!(Strength::new(11), None);
        assert_eq!(serde_json::to_string(&Strength::new(7).unwrap()).unwrap(), "7");
    }

    #[test]
    fn relations_are_the_five_of_nist_ir_8477() {
        assert_eq!(Relation::codes(), ["equal", "subset_of", "superset_of", "intersects_with", "not_related"]);
        assert_eq!(Relation::parse(" Superset_Of "), Ok(Relation::SupersetOf));
        assert!(Relation::parse("subset of").is_err());
    }
}
