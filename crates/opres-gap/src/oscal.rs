//! OSCAL catalog and profile (JSON) import: groups, controls, control enhancements, parts and
//! params become requirement nodes; a profile's `include-controls` selects from a given catalog.

use crate::framework::{Framework, Requirement};
use crate::problem::{ImportError, ImportProblem, Reason};
use opres_domain::{Bilingual, Problem};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::HashSet;

/// Parses JSON bytes into `T`, turning a parser error into a located problem in both languages.
pub fn parse_json<T: DeserializeOwned>(file: &str, bytes: &[u8]) -> Result<T, ImportError> {
    serde_json::from_slice(bytes).map_err(|e| {
        let reason = if e.is_syntax() || e.is_eof() {
            Reason::Syntax { line: e.line(), column: e.column() }
        } else {
            Reason::WrongType { expected: "the documented structure" }
        };
        ImportError(vec![ImportProblem {
            file: file.to_string(),
            at: format!("line {}", e.line()),
            field: String::new(),
            reason,
        }])
    })
}

struct Walk<'a> {
    file: &'a str,
    problems: Vec<ImportProblem>,
    nodes: Vec<Requirement>,
    ids: HashSet<String>,
}

impl Walk<'_> {
    fn problem(&mut self, at: &str, field: &str, reason: Reason) {
        self.problems.push(ImportProblem {
            file: self.file.to_string(),
            at: at.to_string(),
            field: field.to_string(),
            reason,
        });
    }

    fn str_field<'v>(&mut self, v: &'v Value, at: &str, field: &str) -> Option<&'v str> {
        match v.get(field) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s),
            Some(Value::String(_)) | None => {
                self.problem(at, field, Reason::Field(Problem::Required));
                None
            }
            Some(_) => {
                self.problem(at, field, Reason::WrongType { expected: "a string" });
                None
            }
        }
    }

    fn array<'v>(&mut self, v: &'v Value, at: &str, field: &str) -> &'v [Value] {
        match v.get(field) {
            None => &[],
            Some(Value::Array(a)) => a,
            Some(_) => {
                self.problem(at, field, Reason::WrongType { expected: "an array" });
                &[]
            }
        }
    }

    /// Text of a control's `statement` part and its sub-parts, params shown as their labels.
    fn prose(v: &Value, out: &mut String) {
        if let Some(Value::String(p)) = v.get("prose") {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(p);
        }
        if let Some(Value::Array(parts)) = v.get("parts") {
            for p in parts {
                Self::prose(p, out);
            }
        }
    }

    fn group(&mut self, g: &Value, at: &str, parent: Option<&str>) {
        if !g.is_object() {
            self.problem(at, "", Reason::WrongType { expected: "an object" });
            return;
        }
        let id = self.str_field(g, at, "id").map(str::to_string);
        let title = self.str_field(g, at, "title").map(str::to_string);
        let id = id.unwrap_or_else(|| at.to_string());
        self.node(&id, parent, title, String::new(), false, at);
        for (i, sub) in self.array(g, at, "groups").iter().enumerate() {
            self.group(sub, &format!("{at}/groups/{i}"), Some(&id));
        }
        for (i, c) in self.array(g, at, "controls").iter().enumerate() {
            self.control(c, &format!("{at}/controls/{i}"), Some(&id));
        }
    }

    fn control(&mut self, c: &Value, at: &str, parent: Option<&str>) {
        if !c.is_object() {
            self.problem(at, "", Reason::WrongType { expected: "an object" });
            return;
        }
        let id = self.str_field(c, at, "id").map(str::to_string);
        let title = self.str_field(c, at, "title").map(str::to_string);
        let mut text = String::new();
        for p in self.array(c, at, "parts") {
            if p.get("name").and_then(Value::as_str) == Some("statement") {
                Self::prose(p, &mut text);
            }
        }
        for (i, p) in self.array(c, at, "params").iter().enumerate() {
            if p.get("id").and_then(Value::as_str).is_none() {
                self.problem(&format!("{at}/params/{i}"), "id", Reason::Field(Problem::Required));
            }
        }
        let id = id.unwrap_or_else(|| at.to_string());
        self.node(&id, parent, title, text, true, at);
        for (i, e) in self.array(c, at, "controls").iter().enumerate() {
            self.control(e, &format!("{at}/controls/{i}"), Some(&id));
        }
    }

    fn node(
        &mut self,
        id: &str,
        parent: Option<&str>,
        title: Option<String>,
        text: String,
        assessable: bool,
        at: &str,
    ) {
        if !self.ids.insert(id.to_string()) {
            self.problem(at, "id", Reason::Field(Problem::Duplicate { value: id.to_string() }));
        }
        self.nodes.push(Requirement {
            id: id.to_string(),
            parent: parent.map(str::to_string),
            reference: id.to_uppercase(),
            title: Bilingual::new(None, title),
            description: Bilingual::new(None, Some(text)),
            level: None,
            assessable,
            weight: 1,
            evidence: Vec::new(),
            trends: Vec::new(),
            practice_checks: Vec::new(),
            basic_action: None,
            topics: Vec::new(),
        });
    }
}

/// Reads an OSCAL catalog (`{"catalog": {...}}`). Groups are grouping nodes; controls and their
/// enhancements (nested `controls`) are assessable. All or nothing: every problem is returned.
pub fn import_catalog(file: &str, bytes: &[u8]) -> Result<Framework, ImportError> {
    let doc: Value = parse_json(file, bytes)?;
    let mut w = Walk { file, problems: Vec::new(), nodes: Vec::new(), ids: HashSet::new() };
    let Some(cat) = doc.get("catalog").filter(|c| c.is_object()) else {
        w.problem("/catalog", "catalog", Reason::Field(Problem::Required));
        return Err(ImportError(w.problems));
    };
    let uuid = w.str_field(cat, "/catalog", "uuid").unwrap_or_default().to_string();
    let meta = cat.get("metadata").cloned().unwrap_or(Value::Null);
    let title = w.str_field(&meta, "/catalog/metadata", "title").unwrap_or_default().to_string();
    let version = w.str_field(&meta, "/catalog/metadata", "version").unwrap_or_default().to_string();
    for (i, g) in w.array(cat, "/catalog", "groups").iter().enumerate() {
        w.group(g, &format!("/catalog/groups/{i}"), None);
    }
    for (i, c) in w.array(cat, "/catalog", "controls").iter().enumerate() {
        w.control(c, &format!("/catalog/controls/{i}"), None);
    }
    if !w.problems.is_empty() {
        return Err(ImportError(w.problems));
    }
    Ok(Framework {
        id: uuid,
        version,
        name: Bilingual::new(None, Some(title)),
        source: format!("OSCAL catalog {file}"),
        scale_max: 5,
        requirements: w.nodes,
    })
}

/// Resolves an OSCAL profile against `catalog`: the controls named by every import's
/// `include-controls[].with-ids` (or all, for `include-all`) are kept with their ancestors
/// (groups, and the parent control of a selected enhancement, which stays assessable only if
/// it is itself selected). An id the catalog lacks is a located problem.
pub fn resolve_profile(file: &str, bytes: &[u8], catalog: &Framework) -> Result<Framework, ImportError> {
    let doc: Value = parse_json(file, bytes)?;
    let mut problems = Vec::new();
    let mut push = |at: String, field: &str, reason: Reason| {
        problems.push(ImportProblem { file: file.to_string(), at, field: field.to_string(), reason })
    };
    let Some(profile) = doc.get("profile") else {
        push("/profile".into(), "profile", Reason::Field(Problem::Required));
        return Err(ImportError(problems));
    };
    let mut selected: HashSet<String> = HashSet::new();
    let mut all = false;
    let imports = profile.get("imports").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
    if imports.is_empty() {
        push("/profile/imports".into(), "imports", Reason::Field(Problem::Required));
    }
    for (i, imp) in imports.iter().enumerate() {
        if imp.get("include-all").is_some() {
            all = true;
        }
        let incs = imp.get("include-controls").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
        for (j, inc) in incs.iter().enumerate() {
            let ids = inc.get("with-ids").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
            for (k, id) in ids.iter().enumerate() {
                let at = format!("/profile/imports/{i}/include-controls/{j}/with-ids/{k}");
                match id.as_str() {
                    Some(id) if catalog.get(id).is_some_and(|r| r.assessable) => {
                        selected.insert(id.to_string());
                    }
                    Some(id) => push(at, "with-ids", Reason::Field(Problem::UnknownReference { value: id.into() })),
                    None => push(at, "with-ids", Reason::WrongType { expected: "a string" }),
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(ImportError(problems));
    }
    let mut keep: HashSet<&str> = HashSet::new();
    for r in catalog.requirements.iter().filter(|r| all || selected.contains(&r.id)) {
        let mut cur = Some(r);
        while let Some(n) = cur {
            if !keep.insert(&n.id) {
                break;
            }
            cur = n.parent.as_deref().and_then(|p| catalog.get(p));
        }
    }
    let requirements = catalog
        .requirements
        .iter()
        .filter(|r| keep.contains(r.id.as_str()))
        .map(|r| Requirement { assessable: r.assessable && (all || selected.contains(&r.id)), ..r.clone() })
        .collect();
    let title = profile.pointer("/metadata/title").and_then(Value::as_str).unwrap_or(file).to_string();
    let version = profile.pointer("/metadata/version").and_then(Value::as_str).unwrap_or_default().to_string();
    Ok(Framework {
        id: profile.get("uuid").and_then(Value::as_str).unwrap_or(file).to_string(),
        version,
        name: Bilingual::new(None, Some(title)),
        source: format!("OSCAL profile {file} over {}", catalog.source),
        scale_max: catalog.scale_max,
        requirements,
    })
}

/// What an OSCAL assessment-results export says about the assessment besides its entries.
#[derive(Debug, Clone, Copy)]
pub struct ResultsContext<'a> {
    /// The assessment's key (`<institution>-GA-<n>`): with the requirement ids it seeds every
    /// UUID, so the same assessment always exports the same UUIDs.
    pub key: &'a str,
    /// The institution's name.
    pub institution: &'a str,
    /// The framework's version when the assessment started.
    pub framework_version: &'a str,
    /// The JST day the assessment started.
    pub started_on: chrono::NaiveDate,
    /// When the assessment was last saved.
    pub last_modified: opres_domain::Timestamp,
}

/// The namespace of opres's name-based UUIDs and properties.
const OPRES_NS: &str = "https://opres.invalid/ns/oscal";

fn uuid_of(key: &str, what: &str) -> String {
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, format!("{OPRES_NS}/{key}/{what}").as_bytes()).to_string()
}

/// The assessment as an OSCAL 1.1.2 `assessment-results` document (JSON): one result whose
/// reviewed controls are the assessable requirements (not-applicable ones excluded, with their
/// reason), one observation per answered requirement (rationale, evidence, maturity) and one
/// finding per applicable answer: `satisfied` for met, `not-satisfied` for partly met (reason
/// `other`) and not met (reason `fail`). Target ids are `<requirement id>_obj`, as NIST writes
/// control objectives.
pub fn assessment_results(f: &Framework, a: &crate::Assessment, cx: &ResultsContext<'_>) -> Value {
    use crate::assessment::Outcome;
    use serde_json::json;
    let jst = |d: chrono::NaiveDate| format!("{d}T00:00:00+09:00");
    let last_modified = cx.last_modified.with_timezone(&opres_domain::JST).to_rfc3339();
    let mut include = Vec::new();
    let mut exclude = Vec::new();
    let mut observations = Vec::new();
    let mut findings = Vec::new();
    for r in f.assessable() {
        let Some(e) = a.entries.get(&r.id) else {
            include.push(json!({ "control-id": r.id }));
            continue;
        };
        let title = format!("{} {}", r.reference, r.title.get(opres_domain::Lang::En)).trim().to_string();
        let obs = uuid_of(cx.key, &format!("observation/{}", r.id));
        let mut props = vec![
            json!({"name": "result", "ns": OPRES_NS, "value": e.outcome.code().code()}),
            json!({"name": "current-maturity", "ns": OPRES_NS, "value": e.current.to_string()}),
            json!({"name": "target-maturity", "ns": OPRES_NS, "value": e.target.to_string()}),
        ];
        if let Some(owner) = &e.owner {
            props.push(json!({"name": "owner", "ns": OPRES_NS, "value": owner}));
        }
        let mut observation = json!({
            "uuid": obs,
            "title": title,
            "description": if e.rationale.is_empty() { "(no rationale recorded)".to_string() } else { e.rationale.clone() },
            "props": props,
            "methods": ["EXAMINE"],
            "collected": jst(cx.started_on),
        });
        if !e.evidence.is_empty() {
            observation["relevant-evidence"] =
                Value::Array(e.evidence.iter().map(|ev| json!({ "description": ev })).collect());
        }
        observations.push(observation);
        let (state, reason) = match &e.outcome {
            Outcome::NotApplicable { reason } => {
                exclude.push(json!({ "control-id": r.id, "remarks": reason }));
                continue;
            }
            Outcome::Met => ("satisfied", "pass"),
            Outcome::PartlyMet => ("not-satisfied", "other"),
            Outcome::NotMet => ("not-satisfied", "fail"),
        };
        include.push(json!({ "control-id": r.id }));
        findings.push(json!({
            "uuid": uuid_of(cx.key, &format!("finding/{}", r.id)),
            "title": title,
            "description": format!("{} ({})", e.outcome.code().label(opres_domain::Lang::En), r.id),
            "target": {
                "type": "objective-id",
                "target-id": format!("{}_obj", r.id),
                "status": { "state": state, "reason": reason },
            },
            "related-observations": [{ "observation-uuid": obs }],
        }));
    }
    let mut selection = json!({ "include-controls": include });
    if !exclude.is_empty() {
        selection["exclude-controls"] = Value::Array(exclude);
    }
    json!({
        "assessment-results": {
            "uuid": uuid_of(cx.key, "assessment-results"),
            "metadata": {
                "title": format!("{} — {} ({})", cx.institution, f.name.get(opres_domain::Lang::En), cx.key),
                "last-modified": last_modified,
                "version": format!("{}/{}", f.version, a.status.code()),
                "oscal-version": "1.1.2",
                "props": [
                    {"name": "framework", "ns": OPRES_NS, "value": f.id},
                    {"name": "framework-version", "ns": OPRES_NS, "value": cx.framework_version},
                    {"name": "status", "ns": OPRES_NS, "value": a.status.code()},
                ],
            },
            "import-ap": { "href": format!("#{}", uuid_of(cx.key, "assessment-plan")) },
            "results": [{
                "uuid": uuid_of(cx.key, "result"),
                "title": format!("{} {}", f.name.get(opres_domain::Lang::En), cx.key),
                "description": format!("Self-assessment of {} against {} ({}), recorded in opres.", cx.institution, f.name.get(opres_domain::Lang::En), f.source),
                "start": jst(cx.started_on),
                "reviewed-controls": { "control-selections": [selection] },
                "observations": observations,
                "findings": findings,
            }],
        }
    })
}
