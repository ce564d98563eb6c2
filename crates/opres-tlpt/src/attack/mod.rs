//! MITRE ATT&CK: import of a STIX 2.0 or 2.1 bundle (as MITRE publishes Enterprise, Mobile and ICS)
//! into a catalogue of tactics, techniques, intrusion sets and what each set uses; export of
//! ATT&CK Navigator layers ([`navigator`]).
//!
//! The import keeps only what the TLPT engine needs and is read at run time (`opres attack import FILE`),
//! so a bank can load the release it has vetted. Revoked and deprecated objects are skipped and counted;
//! a malformed object stops the import with an error that names it.

pub mod navigator;

use crate::ids::{TacticName, TechniqueId};
use opres_domain::Lang;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The STIX version of an imported bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StixVersion {
    /// STIX 2.0: `spec_version` on the bundle.
    #[serde(rename = "2.0")]
    V2_0,
    /// STIX 2.1: `spec_version` on each object.
    #[serde(rename = "2.1")]
    V2_1,
}

/// Why a STIX bundle could not be imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StixError {
    /// Not JSON.
    #[error("the ATT&CK file is not valid JSON (line {line}, column {column}): {reason}")]
    NotJson {
        /// Line (1-based).
        line: usize,
        /// Column (1-based).
        column: usize,
        /// Parser's reason.
        reason: String,
    },
    /// JSON, but not a STIX bundle.
    #[error("the ATT&CK file is not a STIX bundle: {reason}")]
    NotABundle {
        /// What was found instead.
        reason: String,
    },
    /// A STIX version other than 2.0 or 2.1.
    #[error("STIX version '{version}' of {object} is not supported (use STIX 2.0 or 2.1)")]
    UnsupportedVersion {
        /// The version given.
        version: String,
        /// The bundle or the object carrying it.
        object: String,
    },
    /// An object the engine needs is malformed.
    #[error("{kind} {id}{} cannot be imported: {reason}", name.as_ref().map(|n| format!(" ('{n}')")).unwrap_or_default())]
    BadObject {
        /// STIX type.
        kind: String,
        /// STIX id.
        id: String,
        /// Its name, when it has one.
        name: Option<String>,
        /// What is wrong.
        reason: String,
    },
    /// The bundle holds no usable technique.
    #[error("the ATT&CK bundle contains no current technique (attack-pattern with an ATT&CK ID)")]
    NoTechniques,
}

impl StixError {
    /// The message in the given language.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (StixError::NotJson { line, column, reason }, Lang::Ja) => {
                format!("ATT&CKファイルがJSONとして読めません（{line}行{column}列）: {reason}")
            }
            (StixError::NotABundle { reason }, Lang::Ja) => {
                format!("ATT&CKファイルがSTIXバンドルではありません: {reason}")
            }
            (StixError::UnsupportedVersion { version, object }, Lang::Ja) => {
                format!(
                    "{object} のSTIXバージョン「{version}」には対応していません（STIX 2.0 または 2.1 を使用してください）"
                )
            }
            (StixError::BadObject { kind, id, name, reason }, Lang::Ja) => format!(
                "{kind} {id}{} を取り込めません: {reason}",
                name.as_ref().map(|n| format!("（{n}）")).unwrap_or_default()
            ),
            (StixError::NoTechniques, Lang::Ja) => {
                "ATT&CKバンドルに有効なテクニック（ATT&CK IDを持つattack-pattern）がありません".into()
            }
            (e, Lang::En) => e.to_string(),
        }
    }
}

/// An ATT&CK tactic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tactic {
    /// `TA0001`.
    pub id: String,
    /// Short name (`initial-access`), as techniques' kill-chain phases name it.
    pub shortname: TacticName,
    /// Name.
    pub name: String,
}

/// An ATT&CK technique or sub-technique.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Technique {
    /// `T1566.001`.
    pub id: TechniqueId,
    /// Name.
    pub name: String,
    /// Tactics it serves.
    pub tactics: Vec<TacticName>,
    /// Platforms.
    #[serde(default)]
    pub platforms: Vec<String>,
}

/// An intrusion set (an ATT&CK group).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntrusionSet {
    /// `G0082`.
    pub id: String,
    /// Name.
    pub name: String,
    /// Aliases.
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// How an intrusion set is known to use a technique.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct TechniqueUse {
    /// A "uses" relationship from the set to the technique.
    pub direct: bool,
    /// Software (`S0605`…) the set uses that uses the technique.
    #[serde(default)]
    pub via_software: BTreeSet<String>,
    /// Campaigns (`C0028`…) attributed to the set that used the technique.
    #[serde(default)]
    pub via_campaigns: BTreeSet<String>,
}

/// What the import skipped, so a user can see nothing was silently lost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Skipped {
    /// Revoked objects.
    pub revoked: usize,
    /// Deprecated objects.
    pub deprecated: usize,
    /// Relationships to or from revoked or deprecated objects.
    pub retired_relationships: usize,
    /// Objects of types the TLPT engine does not use (mitigations, data sources…).
    pub other_types: usize,
}

/// The ATT&CK knowledge the TLPT engine uses, from one STIX bundle (one domain).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttackCatalogue {
    /// `enterprise-attack`, `ics-attack` or `mobile-attack`.
    pub domain: String,
    /// STIX version of the bundle.
    pub stix_version: StixVersion,
    /// ATT&CK release (from the collection object), when the bundle says.
    pub attack_version: Option<String>,
    /// Tactics, in matrix order.
    pub tactics: Vec<Tactic>,
    /// Techniques and sub-techniques by ID.
    pub techniques: BTreeMap<TechniqueId, Technique>,
    /// Intrusion sets by ID.
    pub intrusion_sets: BTreeMap<String, IntrusionSet>,
    /// Techniques each intrusion set uses, directly, through its software or through its campaigns.
    pub uses: BTreeMap<String, BTreeMap<TechniqueId, TechniqueUse>>,
    /// What was skipped.
    pub skipped: Skipped,
    /// Non-fatal oddities (dangling references, unknown tactics), each naming the object.
    pub warnings: Vec<String>,
}

#[derive(Deserialize)]
struct RawBundle {
    #[serde(rename = "type")]
    kind: Option<String>,
    spec_version: Option<String>,
    objects: Option<Vec<serde_json::Value>>,
}

#[derive(Deserialize)]
struct RawObject {
    #[serde(rename = "type")]
    kind: String,
    id: String,
    spec_version: Option<String>,
    name: Option<String>,
    revoked: Option<bool>,
    x_mitre_deprecated: Option<bool>,
    #[serde(default)]
    external_references: Vec<RawExternalRef>,
    #[serde(default)]
    kill_chain_phases: Vec<RawKillChainPhase>,
    x_mitre_shortname: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    x_mitre_platforms: Vec<String>,
    #[serde(default)]
    x_mitre_domains: Vec<String>,
    relationship_type: Option<String>,
    source_ref: Option<String>,
    target_ref: Option<String>,
    #[serde(default)]
    tactic_refs: Vec<String>,
    x_mitre_version: Option<String>,
}

#[derive(Deserialize)]
struct RawExternalRef {
    source_name: Option<String>,
    external_id: Option<String>,
}

#[derive(Deserialize)]
struct RawKillChainPhase {
    kill_chain_name: String,
    phase_name: String,
}

/// The kinds of STIX object the engine reads.
const USED_TYPES: [&str; 9] = [
    "attack-pattern",
    "x-mitre-tactic",
    "intrusion-set",
    "malware",
    "tool",
    "campaign",
    "relationship",
    "x-mitre-matrix",
    "x-mitre-collection",
];

impl RawObject {
    fn retired(&self) -> Option<bool> {
        if self.revoked == Some(true) {
            Some(true)
        } else if self.x_mitre_deprecated == Some(true) {
            Some(false)
        } else {
            None
        }
    }

    /// The ATT&CK external ID (from a `mitre-*` source: `mitre-attack`, `mitre-ics-attack`…).
    fn attack_id(&self) -> Option<&str> {
        self.external_references
            .iter()
            .find(|r| r.source_name.as_deref().is_some_and(|s| s.starts_with("mitre")) && r.external_id.is_some())
            .and_then(|r| r.external_id.as_deref())
    }

    fn bad(&self, reason: impl Into<String>) -> StixError {
        StixError::BadObject {
            kind: self.kind.clone(),
            id: self.id.clone(),
            name: self.name.clone(),
            reason: reason.into(),
        }
    }

    fn require_name(&self) -> Result<String, StixError> {
        self.name.clone().filter(|n| !n.trim().is_empty()).ok_or_else(|| self.bad("it has no name"))
    }
}

fn id_with_prefix(s: &str, prefix: &str, digits: usize) -> bool {
    s.len() == prefix.len() + digits && s.starts_with(prefix) && s[prefix.len()..].chars().all(|c| c.is_ascii_digit())
}

/// Names an object in an error when even its id or type cannot be read.
fn describe(v: &serde_json::Value) -> (String, String, Option<String>) {
    let get = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    (get("type").unwrap_or_else(|| "object".into()), get("id").unwrap_or_else(|| "(no id)".into()), get("name"))
}

impl AttackCatalogue {
    /// Imports a STIX 2.0 or 2.1 bundle from JSON text.
    pub fn from_stix_json(json: &str) -> Result<AttackCatalogue, StixError> {
        let bundle: RawBundle = serde_json::from_str(json).map_err(|e| StixError::NotJson {
            line: e.line(),
            column: e.column(),
            reason: e.to_string(),
        })?;
        if bundle.kind.as_deref() != Some("bundle") {
            return Err(StixError::NotABundle {
                reason: format!("its \"type\" is {:?}, not \"bundle\"", bundle.kind.unwrap_or_default()),
            });
        }
        let objects =
            bundle.objects.ok_or_else(|| StixError::NotABundle { reason: "it has no \"objects\" array".into() })?;
        let mut version = match bundle.spec_version.as_deref() {
            None => None,
            Some("2.0") => Some(StixVersion::V2_0),
            // 2.1 moved spec_version onto objects; some tools still write it on the bundle.
            Some("2.1") => Some(StixVersion::V2_1),
            Some(other) => {
                return Err(StixError::UnsupportedVersion { version: other.to_string(), object: "the bundle".into() });
            }
        };

        let mut raw = Vec::with_capacity(objects.len());
        let mut skipped = Skipped::default();
        for v in objects {
            let (kind, id, name) = describe(&v);
            if !USED_TYPES.contains(&kind.as_str()) {
                skipped.other_types += 1;
                continue;
            }
            let o: RawObject = serde_json::from_value(v).map_err(|e| StixError::BadObject {
                kind,
                id,
                name,
                reason: e.to_string(),
            })?;
            match o.spec_version.as_deref() {
                None | Some("2.0") => {}
                Some("2.1") if version.is_none() => version = Some(StixVersion::V2_1),
                Some("2.1") => {}
                Some(other) => {
                    return Err(StixError::UnsupportedVersion {
                        version: other.to_string(),
                        object: format!("{} {}", o.kind, o.id),
                    });
                }
            }
            raw.push(o);
        }
        // Without any spec_version the objects follow 2.0, whose objects carry none.
        let stix_version = version.unwrap_or(StixVersion::V2_0);
        Self::assemble(raw, stix_version, skipped)
    }

    fn assemble(raw: Vec<RawObject>, stix_version: StixVersion, mut skipped: Skipped) -> Result<Self, StixError> {
        let mut warnings = Vec::new();
        let mut domain: Option<String> = None;
        let mut attack_version = None;
        let mut tactic_order: Vec<String> = Vec::new();
        let mut tactics_by_stix: HashMap<String, Tactic> = HashMap::new();
        let mut techniques: BTreeMap<TechniqueId, Technique> = BTreeMap::new();
        let mut intrusion_sets = BTreeMap::new();
        // STIX id → (kind, ATT&CK id) of every current object relationships may point at.
        let mut current: HashMap<String, (String, String)> = HashMap::new();
        let mut retired: BTreeSet<String> = BTreeSet::new();
        let mut relationships = Vec::new();

        for o in raw {
            if let Some(revoked) = o.retired() {
                if revoked {
                    skipped.revoked += 1;
                } else {
                    skipped.deprecated += 1;
                }
                retired.insert(o.id.clone());
                continue;
            }
            match o.kind.as_str() {
                "attack-pattern" => {
                    let name = o.require_name()?;
                    let ext = o.attack_id().ok_or_else(|| o.bad("it has no ATT&CK external_id (Txxxx)"))?;
                    let id = TechniqueId::parse(ext)
                        .map_err(|_| o.bad(format!("its external_id '{ext}' is not a technique ID (Txxxx[.xxx])")))?;
                    let tactics = o
                        .kill_chain_phases
                        .iter()
                        .filter(|k| k.kill_chain_name.starts_with("mitre"))
                        .map(|k| {
                            TacticName::parse(&k.phase_name)
                                .map_err(|_| o.bad(format!("its kill-chain phase '{}' is not a tactic", k.phase_name)))
                        })
                        .collect::<Result<Vec<_>, _>>()?;
                    if tactics.is_empty() {
                        return Err(o.bad("it has no ATT&CK kill_chain_phases (tactics)"));
                    }
                    if domain.is_none() {
                        domain = o.x_mitre_domains.first().cloned();
                    }
                    if techniques.contains_key(&id) {
                        return Err(o.bad(format!("technique {id} appears twice")));
                    }
                    current.insert(o.id.clone(), ("attack-pattern".into(), id.to_string()));
                    techniques.insert(id.clone(), Technique { id, name, tactics, platforms: o.x_mitre_platforms });
                }
                "x-mitre-tactic" => {
                    let name = o.require_name()?;
                    let ext = o.attack_id().ok_or_else(|| o.bad("it has no ATT&CK external_id (TAxxxx)"))?;
                    if !id_with_prefix(ext, "TA", 4) {
                        return Err(o.bad(format!("its external_id '{ext}' is not a tactic ID (TAxxxx)")));
                    }
                    let short = o.x_mitre_shortname.as_deref().ok_or_else(|| o.bad("it has no x_mitre_shortname"))?;
                    let shortname =
                        TacticName::parse(short).map_err(|_| o.bad(format!("its shortname '{short}' is malformed")))?;
                    tactics_by_stix.insert(o.id.clone(), Tactic { id: ext.to_string(), shortname, name });
                }
                "intrusion-set" => {
                    let name = o.require_name()?;
                    let ext = o.attack_id().ok_or_else(|| o.bad("it has no ATT&CK external_id (Gxxxx)"))?;
                    if !id_with_prefix(ext, "G", 4) {
                        return Err(o.bad(format!("its external_id '{ext}' is not a group ID (Gxxxx)")));
                    }
                    let ext = ext.to_string();
                    current.insert(o.id.clone(), ("intrusion-set".into(), ext.clone()));
                    let aliases = o.aliases.into_iter().filter(|a| a != &name).collect();
                    intrusion_sets.insert(ext.clone(), IntrusionSet { id: ext, name, aliases });
                }
                "malware" | "tool" | "campaign" => {
                    // Only needed to follow "uses" through software and campaigns; an ID is optional.
                    let ext = o.attack_id().unwrap_or(&o.id).to_string();
                    current.insert(o.id.clone(), (o.kind.clone(), ext));
                }
                "relationship" => {
                    let rtype = o.relationship_type.clone().ok_or_else(|| o.bad("it has no relationship_type"))?;
                    let src = o.source_ref.clone().ok_or_else(|| o.bad("it has no source_ref"))?;
                    let dst = o.target_ref.clone().ok_or_else(|| o.bad("it has no target_ref"))?;
                    if rtype == "uses" || rtype == "attributed-to" {
                        relationships.push((o.id.clone(), rtype, src, dst));
                    }
                }
                "x-mitre-matrix" => {
                    if let Some(ext) = o.attack_id() {
                        domain = Some(ext.to_string());
                    }
                    tactic_order = o.tactic_refs.clone();
                }
                "x-mitre-collection" => attack_version = o.x_mitre_version.clone(),
                _ => skipped.other_types += 1,
            }
        }
        if techniques.is_empty() {
            return Err(StixError::NoTechniques);
        }

        // Tactics in matrix order when the bundle has a matrix, else by ID.
        let mut tactics: Vec<Tactic> = tactic_order.iter().filter_map(|r| tactics_by_stix.remove(r)).collect();
        let mut rest: Vec<Tactic> = tactics_by_stix.into_values().collect();
        rest.sort_by(|a, b| a.id.cmp(&b.id));
        tactics.extend(rest);
        let known_tactics: BTreeSet<&TacticName> = tactics.iter().map(|t| &t.shortname).collect();
        if !known_tactics.is_empty() {
            for t in techniques.values() {
                for tac in &t.tactics {
                    if !known_tactics.contains(tac) {
                        warnings
                            .push(format!("technique {} names tactic '{tac}', which the bundle does not define", t.id));
                    }
                }
            }
        }

        // Follow "uses": set → technique; set → software → technique; campaign (attributed to set) → ….
        let mut direct: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut soft_tech: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut user_soft: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut campaign_group: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (rid, rtype, src, dst) in relationships {
            if retired.contains(&src) || retired.contains(&dst) {
                skipped.retired_relationships += 1;
                continue;
            }
            let (Some((skind, sid)), Some((dkind, did))) = (current.get(&src), current.get(&dst)) else {
                let missing = if current.contains_key(&src) { &dst } else { &src };
                // References to objects of types we do not read (e.g. mitigations) are not dangling.
                let kind = missing.split("--").next().unwrap_or("");
                if USED_TYPES.contains(&kind) {
                    warnings.push(format!("relationship {rid} refers to {missing}, which is not in the bundle"));
                }
                continue;
            };
            match (rtype.as_str(), skind.as_str(), dkind.as_str()) {
                ("uses", "intrusion-set" | "campaign", "attack-pattern") => {
                    direct.entry(sid.clone()).or_default().insert(did.clone());
                }
                ("uses", "malware" | "tool", "attack-pattern") => {
                    soft_tech.entry(sid.clone()).or_default().insert(did.clone());
                }
                ("uses", "intrusion-set" | "campaign", "malware" | "tool") => {
                    user_soft.entry(sid.clone()).or_default().insert(did.clone());
                }
                ("attributed-to", "campaign", "intrusion-set") => {
                    campaign_group.entry(did.clone()).or_default().insert(sid.clone());
                }
                _ => {}
            }
        }
        let empty = BTreeSet::new();
        let mut uses: BTreeMap<String, BTreeMap<TechniqueId, TechniqueUse>> = BTreeMap::new();
        for g in intrusion_sets.keys() {
            let mut map: BTreeMap<TechniqueId, TechniqueUse> = BTreeMap::new();
            let mut add = |t: &str, f: &mut dyn FnMut(&mut TechniqueUse)| {
                if let Ok(tid) = TechniqueId::parse(t) {
                    f(map.entry(tid).or_default());
                }
            };
            for t in direct.get(g).unwrap_or(&empty) {
                add(t, &mut |u| u.direct = true);
            }
            for s in user_soft.get(g).unwrap_or(&empty) {
                for t in soft_tech.get(s).unwrap_or(&empty) {
                    add(t, &mut |u| {
                        u.via_software.insert(s.clone());
                    });
                }
            }
            for c in campaign_group.get(g).unwrap_or(&empty) {
                let via_soft =
                    user_soft.get(c).unwrap_or(&empty).iter().flat_map(|s| soft_tech.get(s).unwrap_or(&empty));
                for t in direct.get(c).unwrap_or(&empty).iter().chain(via_soft) {
                    add(t, &mut |u| {
                        u.via_campaigns.insert(c.clone());
                    });
                }
            }
            if !map.is_empty() {
                uses.insert(g.clone(), map);
            }
        }

        Ok(AttackCatalogue {
            domain: domain.unwrap_or_else(|| "enterprise-attack".into()),
            stix_version,
            attack_version,
            tactics,
            techniques,
            intrusion_sets,
            uses,
            skipped,
            warnings,
        })
    }

    /// The technique with this ID.
    pub fn technique(&self, id: &TechniqueId) -> Option<&Technique> {
        self.techniques.get(id)
    }

    /// The tactics of a technique (of its parent when a sub-technique is unknown).
    pub fn tactics_of(&self, id: &TechniqueId) -> &[TacticName] {
        self.techniques
            .get(id)
            .or_else(|| self.techniques.get(&id.parent()))
            .map(|t| t.tactics.as_slice())
            .unwrap_or(&[])
    }

    /// Techniques an intrusion set uses, by any route.
    pub fn techniques_of(&self, group: &str) -> Option<&BTreeMap<TechniqueId, TechniqueUse>> {
        self.uses.get(group)
    }

    /// Finds an intrusion set by ID, name or alias (case-insensitive).
    pub fn find_intrusion_set(&self, query: &str) -> Option<&IntrusionSet> {
        let q = query.trim().to_lowercase();
        self.intrusion_sets.get(&query.trim().to_uppercase()).or_else(|| {
            self.intrusion_sets
                .values()
                .find(|s| s.name.to_lowercase() == q || s.aliases.iter().any(|a| a.to_lowercase() == q))
        })
    }

    /// The tactic with this short name.
    pub fn tactic(&self, shortname: &TacticName) -> Option<&Tactic> {
        self.tactics.iter().find(|t| &t.shortname == shortname)
    }
}
