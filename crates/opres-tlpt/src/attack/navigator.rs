//! ATT&CK Navigator layers (layer format 4.5): a coverage layer (tested / detected / missed per
//! technique) and an actor overlay (techniques the chosen intrusion sets use against what was tested
//! and detected). Colours are explicit so the layer reads the same in any Navigator; scores are set
//! too so a user can re-colour by gradient.

use super::AttackCatalogue;
use crate::ids::TechniqueId;
use crate::metrics::{self, format_duration};
use crate::model::Engagement;
use opres_domain::Lang;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The Navigator layer format version written.
pub const LAYER_FORMAT: &str = "4.5";
/// The Navigator version the layer declares (4.5 layers need at least 4.9.0).
pub const NAVIGATOR_VERSION: &str = "5.1.0";

/// Colour of a technique every execution of which was detected.
pub const COLOR_DETECTED: &str = "#8ec843";
/// Colour of a technique some executions of which were detected.
pub const COLOR_PARTIAL: &str = "#ffe766";
/// Colour of a technique tested and never detected.
pub const COLOR_MISSED: &str = "#ff6666";
/// Colour of a technique the chosen actors use that no step tested.
pub const COLOR_UNTESTED: &str = "#9ecae1";
/// Colour of a technique tested that the chosen actors are not known to use.
pub const COLOR_TESTED_ONLY: &str = "#dadaeb";

/// A Navigator layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NavigatorLayer {
    /// Layer name.
    pub name: String,
    /// Versions.
    pub versions: LayerVersions,
    /// `enterprise-attack`, `ics-attack` or `mobile-attack`.
    pub domain: String,
    /// Description.
    pub description: String,
    /// 3 = by score, descending.
    pub sorting: u8,
    /// Layout.
    pub layout: LayerLayout,
    /// Whether disabled techniques are hidden.
    pub hide_disabled: bool,
    /// Annotated techniques.
    pub techniques: Vec<LayerTechnique>,
    /// Gradient for scores.
    pub gradient: Gradient,
    /// Legend.
    pub legend_items: Vec<LegendItem>,
    /// Layer metadata.
    pub metadata: Vec<Metadata>,
    /// Show the tactic row background.
    pub show_tactic_row_background: bool,
    /// Tactic row background colour.
    pub tactic_row_background: String,
    /// Select a technique across tactics.
    pub select_techniques_across_tactics: bool,
    /// Select sub-techniques with their parent.
    pub select_subtechniques_with_parent: bool,
}

/// The `versions` object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerVersions {
    /// ATT&CK major version, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attack: Option<String>,
    /// Navigator version.
    pub navigator: String,
    /// Layer format version.
    pub layer: String,
}

/// The `layout` object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LayerLayout {
    /// `side`, `flat` or `mini`.
    pub layout: String,
    /// Show IDs.
    #[serde(rename = "showID")]
    pub show_id: bool,
    /// Show names.
    pub show_name: bool,
    /// `none`, `all` or `annotated`.
    pub expanded_subtechniques: String,
}

/// A technique annotation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LayerTechnique {
    /// `T1566.001`.
    #[serde(rename = "techniqueID")]
    pub technique_id: String,
    /// Explicit colour.
    pub color: String,
    /// Score.
    pub score: f64,
    /// Comment.
    pub comment: String,
    /// Enabled.
    pub enabled: bool,
    /// Metadata.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub metadata: Vec<Metadata>,
}

/// The `gradient` object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Gradient {
    /// At least two colours, from min to max.
    pub colors: Vec<String>,
    /// Lower bound.
    pub min_value: f64,
    /// Upper bound (greater than the lower).
    pub max_value: f64,
}

/// A legend item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegendItem {
    /// Label.
    pub label: String,
    /// Colour.
    pub color: String,
}

/// A metadata name/value pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    /// Name.
    pub name: String,
    /// Value.
    pub value: String,
}

/// Why an overlay could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OverlayError {
    /// An intrusion set named that the catalogue does not hold.
    #[error("intrusion set '{0}' is not in the imported ATT&CK data (give its ID such as G0082, its name or an alias)")]
    UnknownIntrusionSet(String),
    /// No intrusion set chosen.
    #[error("choose at least one intrusion set for the actor overlay")]
    NoIntrusionSet,
}

impl OverlayError {
    /// The message in the given language.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (OverlayError::UnknownIntrusionSet(g), Lang::Ja) => format!(
                "侵入セット「{g}」は取り込み済みのATT&CKデータにありません（G0082のようなID、名称または別名で指定してください）"
            ),
            (OverlayError::NoIntrusionSet, Lang::Ja) => {
                "アクターオーバーレイには侵入セットを1つ以上選択してください".into()
            }
            (e, Lang::En) => e.to_string(),
        }
    }
}

/// What the engagements did with one technique.
#[derive(Debug, Clone, Default)]
struct Tested {
    executed: usize,
    detected: usize,
    sources: BTreeSet<String>,
    ttd: Vec<i64>,
}

fn tested_by_technique(engagements: &[&Engagement]) -> BTreeMap<TechniqueId, Tested> {
    let mut out: BTreeMap<TechniqueId, Tested> = BTreeMap::new();
    for e in engagements {
        for m in metrics::compute(e, None).steps {
            let t = out.entry(m.technique.clone()).or_default();
            t.executed += 1;
            t.detected += usize::from(m.detected);
            t.sources.extend(m.detection_sources.iter().map(|s| s.code().to_uppercase().replace('_', " ")));
            t.ttd.extend(m.time_to_detect_secs);
        }
    }
    out
}

fn coverage_color(t: &Tested) -> &'static str {
    if t.detected == t.executed {
        COLOR_DETECTED
    } else if t.detected > 0 {
        COLOR_PARTIAL
    } else {
        COLOR_MISSED
    }
}

fn coverage_comment(t: &Tested, lang: Lang) -> String {
    let mut ttd = t.ttd.clone();
    let ttd = metrics::median(&mut ttd).map(|s| format_duration(s, lang));
    let sources = t.sources.iter().cloned().collect::<Vec<_>>().join(", ");
    match lang {
        Lang::Ja => {
            let mut s = format!("実施{}回、検知{}回", t.executed, t.detected);
            if !sources.is_empty() {
                s.push_str(&format!("（{sources}）"));
            }
            if let Some(d) = ttd {
                s.push_str(&format!("、検知までの時間（中央値）{d}"));
            }
            s
        }
        Lang::En => {
            let mut s = format!("executed {}, detected {}", t.executed, t.detected);
            if !sources.is_empty() {
                s.push_str(&format!(" ({sources})"));
            }
            if let Some(d) = ttd {
                s.push_str(&format!("; median time to detect {d}"));
            }
            s
        }
    }
}

fn base_layer(name: String, description: String, catalogue: Option<&AttackCatalogue>) -> NavigatorLayer {
    NavigatorLayer {
        name,
        versions: LayerVersions {
            attack: catalogue
                .and_then(|c| c.attack_version.as_ref())
                .and_then(|v| v.split('.').next())
                .map(str::to_string),
            navigator: NAVIGATOR_VERSION.into(),
            layer: LAYER_FORMAT.into(),
        },
        domain: catalogue.map(|c| c.domain.clone()).unwrap_or_else(|| "enterprise-attack".into()),
        description,
        sorting: 3,
        layout: LayerLayout {
            layout: "side".into(),
            show_id: true,
            show_name: true,
            expanded_subtechniques: "annotated".into(),
        },
        hide_disabled: false,
        techniques: Vec::new(),
        gradient: Gradient {
            colors: vec![COLOR_MISSED.into(), COLOR_PARTIAL.into(), COLOR_DETECTED.into()],
            min_value: 0.0,
            max_value: 100.0,
        },
        legend_items: Vec::new(),
        metadata: Vec::new(),
        show_tactic_row_background: false,
        tactic_row_background: "#dddddd".into(),
        select_techniques_across_tactics: true,
        select_subtechniques_with_parent: false,
    }
}

fn engagement_names(engagements: &[&Engagement]) -> String {
    engagements.iter().map(|e| e.id.as_str()).collect::<Vec<_>>().join(", ")
}

/// Techniques the catalogue does not know, named in metadata instead of silently dropped.
fn note_unknown(layer: &mut NavigatorLayer, catalogue: Option<&AttackCatalogue>, ids: &[&TechniqueId], lang: Lang) {
    let Some(c) = catalogue else { return };
    let unknown: Vec<String> = ids.iter().filter(|t| c.technique(t).is_none()).map(|t| t.to_string()).collect();
    if !unknown.is_empty() {
        layer.metadata.push(Metadata {
            name: lang.pick("ATT&CKデータにないテクニック", "Techniques not in the ATT&CK data").into(),
            value: unknown.join(", "),
        });
    }
}

/// The coverage layer: every tested technique, coloured detected / partly detected / missed, scored by
/// detection rate (0–100).
pub fn coverage_layer(engagements: &[&Engagement], catalogue: Option<&AttackCatalogue>, lang: Lang) -> NavigatorLayer {
    let tested = tested_by_technique(engagements);
    let names = engagement_names(engagements);
    let mut layer = base_layer(
        match lang {
            Lang::Ja => format!("TLPT検知カバレッジ {names}"),
            Lang::En => format!("TLPT detection coverage {names}"),
        },
        lang.pick(
            "TLPTで実施したテクニックごとの検知状況（緑: すべて検知、黄: 一部検知、赤: 未検知）。スコアは検知率（%）。",
            "Detection of each technique the TLPT executed (green: all detected, yellow: partly, red: missed). Score is the detection rate (%).",
        )
        .into(),
        catalogue,
    );
    for (id, t) in &tested {
        layer.techniques.push(LayerTechnique {
            technique_id: id.to_string(),
            color: coverage_color(t).into(),
            score: (100.0 * t.detected as f64 / t.executed as f64).round(),
            comment: coverage_comment(t, lang),
            enabled: true,
            metadata: vec![
                Metadata { name: lang.pick("実施回数", "executed").into(), value: t.executed.to_string() },
                Metadata { name: lang.pick("検知回数", "detected").into(), value: t.detected.to_string() },
            ],
        });
    }
    layer.legend_items = vec![
        LegendItem { label: lang.pick("すべて検知", "Detected").into(), color: COLOR_DETECTED.into() },
        LegendItem { label: lang.pick("一部検知", "Partly detected").into(), color: COLOR_PARTIAL.into() },
        LegendItem { label: lang.pick("未検知", "Missed").into(), color: COLOR_MISSED.into() },
    ];
    layer.metadata.push(Metadata { name: lang.pick("対象TLPT", "engagements").into(), value: names });
    let ids: Vec<&TechniqueId> = tested.keys().collect();
    note_unknown(&mut layer, catalogue, &ids, lang);
    layer
}

/// The actor overlay: techniques the chosen intrusion sets use (directly, through software or through
/// campaigns), coloured by what the engagements did with them; tested techniques no chosen set uses are
/// shown too. A sub-technique and its parent count as the same technique family when matching.
pub fn actor_overlay(
    engagements: &[&Engagement],
    catalogue: &AttackCatalogue,
    intrusion_sets: &[&str],
    lang: Lang,
) -> Result<NavigatorLayer, OverlayError> {
    if intrusion_sets.is_empty() {
        return Err(OverlayError::NoIntrusionSet);
    }
    let mut sets = Vec::new();
    for q in intrusion_sets {
        let s = catalogue.find_intrusion_set(q).ok_or_else(|| OverlayError::UnknownIntrusionSet(q.to_string()))?;
        if !sets.iter().any(|x: &&super::IntrusionSet| x.id == s.id) {
            sets.push(s);
        }
    }
    let tested = tested_by_technique(engagements);
    let mut used: BTreeMap<TechniqueId, Vec<String>> = BTreeMap::new();
    for s in &sets {
        for t in catalogue.techniques_of(&s.id).into_iter().flat_map(|m| m.keys()) {
            used.entry(t.clone()).or_default().push(s.name.clone());
        }
    }
    let set_names = sets.iter().map(|s| format!("{} ({})", s.name, s.id)).collect::<Vec<_>>().join(", ");
    let mut layer = base_layer(
        match lang {
            Lang::Ja => format!("攻撃者オーバーレイ {set_names}"),
            Lang::En => format!("Actor overlay {set_names}"),
        },
        lang.pick(
            "選択した侵入セットが使用するテクニックと、TLPTでの実施・検知状況の対比。スコアは当該テクニックを使用する侵入セットの数。",
            "Techniques the chosen intrusion sets use, against what the TLPT executed and detected. Score is the number of chosen sets using the technique.",
        )
        .into(),
        Some(catalogue),
    );
    let family = |t: &TechniqueId| -> Option<(&TechniqueId, &Tested)> {
        tested.get_key_value(t).or_else(|| tested.iter().find(|(k, _)| k.parent() == t.parent()))
    };
    for (id, names) in &used {
        let (color, status): (&str, String) = match family(id) {
            Some((k, t)) => {
                let related = if k != id {
                    match lang {
                        Lang::Ja => format!("（関連テクニック{k}として実施）"),
                        Lang::En => format!(" (tested as related technique {k})"),
                    }
                } else {
                    String::new()
                };
                (coverage_color(t), format!("{}{related}", coverage_comment(t, lang)))
            }
            None => (COLOR_UNTESTED, lang.pick("TLPTで未実施", "not tested by the TLPT").to_string()),
        };
        layer.techniques.push(LayerTechnique {
            technique_id: id.to_string(),
            color: color.into(),
            score: names.len() as f64,
            comment: format!("{}: {}; {status}", lang.pick("使用する侵入セット", "used by"), names.join(", ")),
            enabled: true,
            metadata: Vec::new(),
        });
    }
    for (id, t) in &tested {
        if used.keys().any(|u| u.parent() == id.parent()) {
            continue;
        }
        layer.techniques.push(LayerTechnique {
            technique_id: id.to_string(),
            color: COLOR_TESTED_ONLY.into(),
            score: 0.0,
            comment: format!(
                "{}; {}",
                lang.pick("選択した侵入セットの使用は確認されていない", "not attributed to the chosen sets"),
                coverage_comment(t, lang)
            ),
            enabled: true,
            metadata: Vec::new(),
        });
    }
    layer.gradient = Gradient {
        colors: vec!["#ffffff".into(), "#66b1ff".into()],
        min_value: 0.0,
        max_value: sets.len().max(1) as f64,
    };
    layer.legend_items = vec![
        LegendItem {
            label: lang.pick("使用・実施・すべて検知", "Used, tested, detected").into(),
            color: COLOR_DETECTED.into(),
        },
        LegendItem {
            label: lang.pick("使用・実施・一部検知", "Used, tested, partly detected").into(),
            color: COLOR_PARTIAL.into(),
        },
        LegendItem {
            label: lang.pick("使用・実施・未検知", "Used, tested, missed").into(),
            color: COLOR_MISSED.into(),
        },
        LegendItem { label: lang.pick("使用・未実施", "Used, not tested").into(), color: COLOR_UNTESTED.into() },
        LegendItem {
            label: lang
                .pick("実施のみ（選択した侵入セットの使用は未確認）", "Tested, not used by the chosen sets")
                .into(),
            color: COLOR_TESTED_ONLY.into(),
        },
    ];
    layer.metadata.push(Metadata { name: lang.pick("侵入セット", "intrusion sets").into(), value: set_names });
    layer
        .metadata
        .push(Metadata { name: lang.pick("対象TLPT", "engagements").into(), value: engagement_names(engagements) });
    let ids: Vec<&TechniqueId> = tested.keys().collect();
    note_unknown(&mut layer, Some(catalogue), &ids, lang);
    Ok(layer)
}

impl NavigatorLayer {
    /// The layer as pretty JSON, ready to open in the Navigator.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}
