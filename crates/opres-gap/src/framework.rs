//! A framework: a versioned tree of requirement nodes, validated with every problem reported at once.

use crate::problem::{ImportError, ImportProblem, Reason};
use opres_domain::{Bilingual, Problem, Trend};
use opres_tlpt::assess::CheckId;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

opres_domain::code_enum!(
    /// How binding a requirement is (the FSA guideline's 基本的な対応事項 / 対応が望ましい事項).
    pub Level, "requirement level", {
        Basic => "basic", "基本的な対応事項", "Basic";
        Desirable => "desirable", "対応が望ましい事項", "Desirable";
        Informative => "informative", "参考", "Informative";
    }
);

opres_domain::code_enum!(
    /// The four basic actions of operational resilience (基本動作).
    pub BasicAction, "basic action", {
        IdentifyImportantBusiness => "identify_important_business", "重要な業務の特定", "Identify important business";
        SetImpactTolerance => "set_impact_tolerance", "耐性度の設定", "Set impact tolerance";
        MapInterconnections => "map_interconnections", "相互連関性のマッピング・必要な経営資源の確保", "Map interconnections and secure resources";
        VerifyAndAct => "verify_and_act", "適切性の検証・追加対応", "Verify adequacy and act";
    }
);

opres_domain::code_enum!(
    /// A fact of the register a requirement asks about, beyond its trend, practice-check and
    /// basic-action links; each names a derivation in `derive` that proposes a result from it.
    pub Topic, "derivation topic", {
        Redundancy => "redundancy", "冗長化の実効性", "Redundancy works as intended";
        StorageCapacity => "storage_capacity", "容量・性能管理", "Storage and capacity";
        ThirdParty => "third_party", "外部委託先・サードパーティ管理", "Outsourcing and third parties";
        TlptCulture => "tlpt_culture", "重要課題を報告する文化", "A culture of reporting important issues";
    }
);

/// A requirement node as written in a file (raw: nothing checked yet).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RequirementRecord {
    /// Unique id in the framework.
    pub id: String,
    /// Id of the parent node, none for a root.
    pub parent: Option<String>,
    /// The source's reference (`2.2.4`).
    pub reference: String,
    /// Title in Japanese.
    pub title_ja: String,
    /// Title in English.
    pub title_en: String,
    /// Description in Japanese.
    pub description_ja: String,
    /// Description in English.
    pub description_en: String,
    /// Level code, if any.
    pub level: Option<String>,
    /// Whether it is assessed (false: a grouping node).
    pub assessable: bool,
    /// Weight, default 1.
    pub weight: Option<u32>,
    /// Typical evidence.
    pub evidence: Vec<String>,
    /// Linked trends (codes).
    pub trends: Vec<String>,
    /// Linked TLPT practice checks (codes).
    pub practice_checks: Vec<String>,
    /// Linked operational-resilience basic action (code).
    pub basic_action: Option<String>,
    /// Register facts it asks about (topic codes).
    pub topics: Vec<String>,
}

/// A framework as written in a file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FrameworkRecord {
    /// Stable id.
    pub id: String,
    /// Version of the catalogue.
    pub version: String,
    /// Name in Japanese.
    pub name_ja: String,
    /// Name in English.
    pub name_en: String,
    /// Where it comes from and on what terms.
    pub source: String,
    /// Maturity scale maximum (default 5).
    pub scale_max: Option<u8>,
    /// The nodes, parents before or after children.
    pub requirements: Vec<RequirementRecord>,
}

/// A validated requirement node.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Requirement {
    /// Unique id.
    pub id: String,
    /// Parent id.
    pub parent: Option<String>,
    /// The source's reference.
    pub reference: String,
    /// Title.
    pub title: Bilingual,
    /// Description.
    pub description: Bilingual,
    /// Level.
    pub level: Option<Level>,
    /// Assessed (true) or grouping (false).
    pub assessable: bool,
    /// Weight (≥ 1).
    pub weight: u32,
    /// Typical evidence.
    pub evidence: Vec<String>,
    /// Linked trends.
    pub trends: Vec<Trend>,
    /// Linked TLPT practice checks.
    pub practice_checks: Vec<CheckId>,
    /// Linked basic action.
    pub basic_action: Option<BasicAction>,
    /// Register facts it asks about.
    pub topics: Vec<Topic>,
}

/// A validated framework: ids unique, parents known, no cycles, every title present.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Framework {
    /// Stable id.
    pub id: String,
    /// Version.
    pub version: String,
    /// Name.
    pub name: Bilingual,
    /// Source and terms.
    pub source: String,
    /// Maturity scale maximum.
    pub scale_max: u8,
    /// Nodes in file order.
    pub requirements: Vec<Requirement>,
}

impl Framework {
    /// The node with this id.
    pub fn get(&self, id: &str) -> Option<&Requirement> {
        self.requirements.iter().find(|r| r.id == id)
    }

    /// The assessable nodes.
    pub fn assessable(&self) -> impl Iterator<Item = &Requirement> {
        self.requirements.iter().filter(|r| r.assessable)
    }

    /// The root ancestor's id of a node (the "area" roll-ups use).
    pub fn area_of(&self, id: &str) -> Option<&str> {
        let mut cur = self.get(id)?;
        let mut seen = 0;
        while let Some(p) = cur.parent.as_deref() {
            cur = self.get(p)?;
            seen += 1;
            if seen > self.requirements.len() {
                return None;
            }
        }
        Some(&cur.id)
    }
}

impl Framework {
    /// The framework as written in a file, so an imported one is stored in opres's own format
    /// and validated again when read back.
    pub fn to_record(&self) -> FrameworkRecord {
        FrameworkRecord {
            id: self.id.clone(),
            version: self.version.clone(),
            name_ja: self.name.ja.clone().unwrap_or_default(),
            name_en: self.name.en.clone().unwrap_or_default(),
            source: self.source.clone(),
            scale_max: Some(self.scale_max),
            requirements: self
                .requirements
                .iter()
                .map(|r| RequirementRecord {
                    id: r.id.clone(),
                    parent: r.parent.clone(),
                    reference: r.reference.clone(),
                    title_ja: r.title.ja.clone().unwrap_or_default(),
                    title_en: r.title.en.clone().unwrap_or_default(),
                    description_ja: r.description.ja.clone().unwrap_or_default(),
                    description_en: r.description.en.clone().unwrap_or_default(),
                    level: r.level.map(|l| l.code().to_string()),
                    assessable: r.assessable,
                    weight: Some(r.weight),
                    evidence: r.evidence.clone(),
                    trends: r.trends.iter().map(|t| t.code().to_string()).collect(),
                    practice_checks: r.practice_checks.iter().map(|c| c.code().to_string()).collect(),
                    basic_action: r.basic_action.map(|a| a.code().to_string()),
                    topics: r.topics.iter().map(|t| t.code().to_string()).collect(),
                })
                .collect(),
        }
    }
}

impl FrameworkRecord {
    /// Validates into a [`Framework`], reporting every problem; `file` names the source in problems.
    pub fn validate(self, file: &str) -> Result<Framework, ImportError> {
        let mut problems = Vec::new();
        let mut push = |at: String, field: &str, reason: Reason| {
            problems.push(ImportProblem { file: file.to_string(), at, field: field.to_string(), reason })
        };
        if self.id.trim().is_empty() {
            push("/".into(), "id", Reason::Field(Problem::Required));
        }
        let name = Bilingual::new(Some(self.name_ja), Some(self.name_en));
        if name.is_empty() {
            push("/".into(), "name", Reason::Field(Problem::Required));
        }
        let scale_max = self.scale_max.unwrap_or(5);
        if scale_max == 0 {
            push("/".into(), "scale_max", Reason::Field(Problem::Negative { value: "0".into() }));
        }
        let mut ids = HashSet::new();
        for (i, r) in self.requirements.iter().enumerate() {
            if r.id.trim().is_empty() {
                push(format!("/requirements/{i}"), "id", Reason::Field(Problem::Required));
            } else if !ids.insert(r.id.as_str()) {
                push(format!("/requirements/{i}"), "id", Reason::Field(Problem::Duplicate { value: r.id.clone() }));
            }
        }
        let parents: HashMap<&str, &str> =
            self.requirements.iter().filter_map(|r| Some((r.id.as_str(), r.parent.as_deref()?))).collect();
        let mut out = Vec::with_capacity(self.requirements.len());
        let mut in_cycle: HashSet<&str> = HashSet::new();
        for (i, r) in self.requirements.iter().enumerate() {
            let at = format!("/requirements/{i}");
            if let Some(p) = r.parent.as_deref() {
                if !ids.contains(p) {
                    push(at.clone(), "parent", Reason::Field(Problem::UnknownReference { value: p.to_string() }));
                } else if !in_cycle.contains(r.id.as_str()) {
                    // Walk up; a node met twice is a cycle, reported once for its members.
                    let mut path = vec![r.id.as_str()];
                    let mut cur = p;
                    loop {
                        let next = cur;
                        if let Some(pos) = path.iter().position(|x| *x == next) {
                            if pos == 0 {
                                let mut names: Vec<String> = path.iter().map(|s| s.to_string()).collect();
                                names.push(next.to_string());
                                in_cycle.extend(path.iter().copied());
                                push(at.clone(), "parent", Reason::Cycle { path: names });
                            }
                            break;
                        }
                        path.push(next);
                        match parents.get(next) {
                            Some(n) => cur = n,
                            None => break,
                        }
                    }
                }
            }
            let title = Bilingual::new(Some(r.title_ja.clone()), Some(r.title_en.clone()));
            if title.is_empty() {
                push(at.clone(), "title", Reason::Field(Problem::Required));
            }
            let level = match r.level.as_deref().map(Level::parse).transpose() {
                Ok(l) => l,
                Err(e) => {
                    push(at.clone(), "level", Reason::Field(e.into()));
                    None
                }
            };
            let weight = r.weight.unwrap_or(1);
            if weight == 0 {
                push(at.clone(), "weight", Reason::Field(Problem::Negative { value: "0".into() }));
            }
            let mut trends = Vec::new();
            for (j, t) in r.trends.iter().enumerate() {
                match Trend::parse(t) {
                    Ok(t) => trends.push(t),
                    Err(e) => push(at.clone(), &format!("trends/{j}"), Reason::Field(e.into())),
                }
            }
            let mut checks = Vec::new();
            for (j, c) in r.practice_checks.iter().enumerate() {
                match CheckId::parse(c) {
                    Ok(c) => checks.push(c),
                    Err(e) => push(at.clone(), &format!("practice_checks/{j}"), Reason::Field(e.into())),
                }
            }
            let basic_action = match r.basic_action.as_deref().map(BasicAction::parse).transpose() {
                Ok(a) => a,
                Err(e) => {
                    push(at.clone(), "basic_action", Reason::Field(e.into()));
                    None
                }
            };
            let mut topics = Vec::new();
            for (j, t) in r.topics.iter().enumerate() {
                match Topic::parse(t) {
                    Ok(t) => topics.push(t),
                    Err(e) => push(at.clone(), &format!("topics/{j}"), Reason::Field(e.into())),
                }
            }
            out.push(Requirement {
                id: r.id.clone(),
                parent: r.parent.clone(),
                reference: r.reference.clone(),
                title,
                description: Bilingual::new(Some(r.description_ja.clone()), Some(r.description_en.clone())),
                level,
                assessable: r.assessable,
                weight,
                evidence: r.evidence.clone(),
                trends,
                practice_checks: checks,
                basic_action,
                topics,
            });
        }
        if !problems.is_empty() {
            return Err(ImportError(problems));
        }
        Ok(Framework { id: self.id, version: self.version, name, source: self.source, scale_max, requirements: out })
    }
}

/// Where a problem [`FrameworkRecord::validate`] reports is: the framework itself or its node
/// at an index, so an importer can say it again in its own file's terms (a line, a row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    /// The framework's own fields (`/`).
    Framework,
    /// The node at this index of `requirements`.
    Node(usize),
}

impl Place {
    /// Reads back the pointer `validate` wrote (`/` or `/requirements/{i}`).
    pub(crate) fn of(at: &str) -> Option<Place> {
        if at == "/" {
            return Some(Place::Framework);
        }
        at.strip_prefix("/requirements/")?.parse().ok().map(Place::Node)
    }
}

/// The built-in catalogues, opres's edited summaries of their sources (see `docs/gap-frameworks.md`).
pub const BUILT_IN: &[(&str, &str)] = &[
    ("report_challenges.json", include_str!("../frameworks/report_challenges.json")),
    ("tlpt_practices.json", include_str!("../frameworks/tlpt_practices.json")),
    ("operational_resilience.json", include_str!("../frameworks/operational_resilience.json")),
    ("fsa_cyber_guideline_2024.json", include_str!("../frameworks/fsa_cyber_guideline_2024.json")),
];

/// Loads and validates a built-in catalogue by file name.
pub fn built_in(file: &str) -> Option<Result<Framework, ImportError>> {
    let (_, text) = BUILT_IN.iter().find(|(f, _)| *f == file)?;
    Some(crate::oscal::parse_json::<FrameworkRecord>(file, text.as_bytes()).and_then(|r| r.validate(file)))
}
