//! Import and export of maps: JSON (everything), and CSV or XLSX in the shape a CMDB export has: one table of
//! resources (processes included, with kind `process`) and one of dependencies. Services come from the register
//! (JSON or the store); the dependency table gives their gates and dependencies too.
//!
//! Imports are all-or-nothing: every problem is reported with file, row (the header is row 1) and field, in
//! Japanese and English, and nothing is returned unless the whole map is valid. See `docs/resilience-formats.md`.

use crate::model::{
    Capacity, DependencyMap, Gate, ImportantBusinessService, MapData, NodeId, Process, Resource, ResourceKind,
};
use crate::problem::{Issue, Issues, Location, Problem};
use crate::scenario::Scenario;
use opres_domain::{InstitutionCode, SystemCode};
use std::collections::HashMap;

/// Columns of `resources.csv` / sheet `resources`, in export order.
pub const RESOURCE_COLUMNS: [&str; 15] = [
    "id",
    "kind",
    "name_ja",
    "name_en",
    "rto_minutes",
    "rpo_minutes",
    "location",
    "provider",
    "ultimate_parent",
    "system",
    "headcount",
    "min_staff",
    "capacity_headroom",
    "capacity_growth_per_day",
    "capacity_unit",
];

/// Columns of `dependencies.csv` / sheet `dependencies`, in export order.
pub const DEPENDENCY_COLUMNS: [&str; 7] =
    ["from", "to", "gate", "k", "role", "switchover_probability", "switchover_minutes"];

/// File name of the resources table.
pub const RESOURCES_FILE: &str = "resources.csv";
/// File name of the dependencies table.
pub const DEPENDENCIES_FILE: &str = "dependencies.csv";
/// Sheet name of the resources table.
pub const RESOURCES_SHEET: &str = "resources";
/// Sheet name of the dependencies table.
pub const DEPENDENCIES_SHEET: &str = "dependencies";

/// Writes the whole map (services with tolerances, processes, resources) as pretty JSON.
pub fn to_json(map: &DependencyMap) -> String {
    serde_json::to_string_pretty(map.data()).unwrap_or_default()
}

/// Reads a map from JSON and validates it; errors name the file and, for syntax errors, the line.
pub fn from_json(bytes: &[u8], file: &str) -> Result<DependencyMap, Issues> {
    let data: MapData = serde_json::from_slice(bytes).map_err(|e| json_issue(e, file))?;
    DependencyMap::new(data).map_err(|i| i.in_file(file))
}

/// Reads scenarios (a JSON array) and checks each against the map.
pub fn scenarios_from_json(bytes: &[u8], file: &str, map: &DependencyMap) -> Result<Vec<Scenario>, Issues> {
    let list: Vec<Scenario> = serde_json::from_slice(bytes).map_err(|e| json_issue(e, file))?;
    let mut issues = Issues::default();
    for (i, s) in list.iter().enumerate() {
        if let Err(e) = s.resolve(map) {
            for mut is in e.0 {
                is.location.file = Some(file.to_string());
                is.location.field = Some(format!("[{i}] {}.{}", s.id, is.location.field.unwrap_or_default()));
                issues.0.push(is);
            }
        }
    }
    issues.into_result(list)
}

/// Writes scenarios as a pretty JSON array.
pub fn scenarios_to_json(list: &[Scenario]) -> String {
    serde_json::to_string_pretty(list).unwrap_or_default()
}

fn json_issue(e: serde_json::Error, file: &str) -> Issues {
    Issues::from(Issue {
        location: Location { file: Some(file.to_string()), row: Some(e.line()), field: None },
        problem: Problem::Malformed { reason: format!("JSON: {e}") },
    })
}

/// A table read from CSV or a sheet: header and rows of text, with the spreadsheet row number of each row.
struct Table {
    file: String,
    header: Vec<String>,
    rows: Vec<(usize, Vec<String>)>,
}

impl Table {
    fn new(file: String, header: Vec<String>, rows: Vec<(usize, Vec<String>)>) -> Table {
        Table { file, header: header.iter().map(|h| h.trim().to_ascii_lowercase()).collect(), rows }
    }

    /// Column index of a (lower-case) name; headers are matched case-insensitively, the first one wins.
    fn col(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    fn require(&self, names: &[&str], issues: &mut Issues) -> bool {
        let mut ok = true;
        for n in names {
            if self.col(n).is_none() {
                issues.push(
                    Location { file: Some(self.file.clone()), row: Some(1), field: Some((*n).to_string()) },
                    Problem::MissingColumn { name: (*n).to_string() },
                );
                ok = false;
            }
        }
        ok
    }
}

struct Row<'a> {
    table: &'a Table,
    row: usize,
    cells: &'a [String],
}

impl Row<'_> {
    fn get(&self, name: &str) -> &str {
        self.table.col(name).and_then(|i| self.cells.get(i)).map(|s| s.trim()).unwrap_or("")
    }

    fn loc(&self, field: &str) -> Location {
        Location { file: Some(self.table.file.clone()), row: Some(self.row), field: Some(field.to_string()) }
    }

    fn opt_f64(&self, name: &str, issues: &mut Issues) -> Option<f64> {
        let v = self.get(name);
        if v.is_empty() {
            return None;
        }
        match v.replace(',', "").parse::<f64>() {
            Ok(x) if x.is_finite() && x >= 0.0 => Some(x),
            Ok(_) => {
                issues.push(self.loc(name), Problem::OutOfRange { value: v.into(), min: "0".into(), max: "∞".into() });
                None
            }
            Err(_) => {
                issues.push(self.loc(name), Problem::NotANumber { value: v.into() });
                None
            }
        }
    }

    fn opt_u32(&self, name: &str, issues: &mut Issues) -> Option<u32> {
        let x = self.opt_f64(name, issues)?;
        if x.fract() != 0.0 || x > f64::from(u32::MAX) {
            issues.push(self.loc(name), Problem::NotANumber { value: self.get(name).into() });
            return None;
        }
        Some(x as u32)
    }

    fn opt_text(&self, name: &str) -> Option<String> {
        let v = self.get(name);
        (!v.is_empty()).then(|| v.to_string())
    }

    fn id(&self, name: &str, issues: &mut Issues) -> Option<NodeId> {
        match NodeId::parse(self.get(name)) {
            Ok(id) => Some(id),
            Err(p) => {
                issues.push(self.loc(name), p);
                None
            }
        }
    }
}

fn rows(t: &Table) -> impl Iterator<Item = Row<'_>> {
    t.rows.iter().map(move |(row, cells)| Row { table: t, row: *row, cells })
}

fn read_csv(bytes: &[u8], file: &str) -> Result<Table, Issues> {
    // Excel writes CSV with a byte-order mark; drop it so the first header is recognised.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
    let mut header = Vec::new();
    let mut rows = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| {
            Issues::from(Issue {
                location: Location {
                    file: Some(file.to_string()),
                    row: e.position().map(|p| p.line() as usize),
                    field: None,
                },
                problem: Problem::Malformed { reason: e.to_string() },
            })
        })?;
        let cells: Vec<String> = rec.iter().map(str::to_string).collect();
        if i == 0 {
            header = cells;
        } else if cells.iter().any(|c| !c.trim().is_empty()) {
            rows.push((i + 1, cells));
        }
    }
    Ok(Table::new(file.to_string(), header, rows))
}

/// Imports a map from the two CSV files of a CMDB export, with the register's services.
pub fn from_csv(
    resources_csv: &[u8],
    dependencies_csv: &[u8],
    services: Vec<ImportantBusinessService>,
    institution: Option<InstitutionCode>,
) -> Result<DependencyMap, Issues> {
    let r = read_csv(resources_csv, RESOURCES_FILE);
    let d = read_csv(dependencies_csv, DEPENDENCIES_FILE);
    match (r, d) {
        (Ok(r), Ok(d)) => from_tables(&r, &d, services, institution),
        (Err(mut a), Err(b)) => {
            a.0.extend(b.0);
            Err(a)
        }
        (Err(a), _) | (_, Err(a)) => Err(a),
    }
}

/// Imports a map from an XLSX workbook with sheets `resources` and `dependencies`.
pub fn from_xlsx(
    bytes: &[u8],
    file: &str,
    services: Vec<ImportantBusinessService>,
    institution: Option<InstitutionCode>,
) -> Result<DependencyMap, Issues> {
    use calamine::{Reader, Xlsx, open_workbook_from_rs};
    use opres_interchange::xlsx_limits::{self, Refused};
    let at_file = |problem: Problem| {
        Issues::from(Issue { location: Location { file: Some(file.to_string()), row: None, field: None }, problem })
    };
    let malformed = |reason: String| at_file(Problem::Malformed { reason });
    let refused = |r: Refused| match r {
        Refused::Limit(limit) => at_file(Problem::TooLarge(limit)),
        Refused::Damaged(reason) => malformed(reason),
    };
    // Before calamine unpacks anything: a small upload can unpack to gigabytes.
    let mut input = std::io::Cursor::new(bytes);
    xlsx_limits::check_unpacked(&mut input).map_err(refused)?;
    let mut book: Xlsx<_> = open_workbook_from_rs(input).map_err(|e: calamine::XlsxError| malformed(e.to_string()))?;
    let mut budget = xlsx_limits::CELLS_MAX;
    let names = book.sheet_names();
    let mut issues = Issues::default();
    let mut tables = Vec::new();
    for sheet in [RESOURCES_SHEET, DEPENDENCIES_SHEET] {
        let Some(actual) = names.iter().find(|n| n.trim().eq_ignore_ascii_case(sheet)).cloned() else {
            issues.push(
                Location { file: Some(file.to_string()), row: None, field: None },
                Problem::MissingSheet { name: sheet.to_string() },
            );
            continue;
        };
        let range = xlsx_limits::sheet_range(&mut book, &actual, &mut budget).map_err(refused)?;
        let first_row = range.start().map(|(r, _)| r as usize).unwrap_or(0);
        let first_col = range.start().map(|(_, c)| c as usize).unwrap_or(0);
        let label = format!("{file} [{sheet}]");
        let mut header = Vec::new();
        let mut rows = Vec::new();
        for (i, row) in range.rows().enumerate() {
            let mut cells: Vec<String> = vec![String::new(); first_col];
            cells.extend(row.iter().map(xlsx_limits::cell_text));
            let sheet_row = first_row + i + 1;
            if sheet_row == 1 || (i == 0 && header.is_empty()) {
                header = cells;
            } else if cells.iter().any(|c| !c.trim().is_empty()) {
                rows.push((sheet_row, cells));
            }
        }
        tables.push(Table::new(label, header, rows));
    }
    if !issues.is_empty() || tables.len() != 2 {
        return Err(issues);
    }
    from_tables(&tables[0], &tables[1], services, institution)
}

#[derive(Clone, PartialEq)]
struct GateSpec {
    gate: Gate,
}

fn from_tables(
    res: &Table,
    deps: &Table,
    mut services: Vec<ImportantBusinessService>,
    institution: Option<InstitutionCode>,
) -> Result<DependencyMap, Issues> {
    let mut issues = Issues::default();
    let ok_r = res.require(&["id", "kind"], &mut issues);
    let ok_d = deps.require(&["from", "to"], &mut issues);
    if !ok_r || !ok_d {
        return Err(issues);
    }
    let mut resources = Vec::new();
    let mut processes = Vec::new();
    // id → (file, row) where it is defined, to place model-level problems.
    let mut defined_at: HashMap<String, (String, usize)> = HashMap::new();
    for row in rows(res) {
        let Some(id) = row.id("id", &mut issues) else { continue };
        defined_at.entry(id.to_string()).or_insert((res.file.clone(), row.row));
        let name_ja = row.get("name_ja").to_string();
        let name_en = row.get("name_en").to_string();
        let kind_text = row.get("kind");
        if kind_text.eq_ignore_ascii_case("process") {
            processes.push(Process { id, name_ja, name_en, gate: Gate::And, depends_on: Vec::new() });
            continue;
        }
        // A bad kind does not stop the row: its other fields are checked too, so one pass lists everything.
        let kind = match ResourceKind::parse(kind_text) {
            Ok(k) => Some(k),
            Err(e) => {
                let mut expected = e.expected;
                expected.push("process");
                issues.push(row.loc("kind"), Problem::UnknownCode { value: e.code, expected });
                None
            }
        };
        let mut r = Resource::new(id, kind.unwrap_or(ResourceKind::System), &name_ja, &name_en);
        r.rto_minutes = row.opt_f64("rto_minutes", &mut issues);
        r.rpo_minutes = row.opt_f64("rpo_minutes", &mut issues);
        r.location = row.opt_text("location");
        r.provider = row.opt_text("provider");
        r.ultimate_parent = row.opt_text("ultimate_parent");
        r.system = match row.opt_text("system") {
            None => None,
            Some(s) => match SystemCode::parse(&s) {
                Ok(c) => Some(c),
                Err(_) => {
                    issues.push(row.loc("system"), Problem::BadIdentifier { value: s });
                    None
                }
            },
        };
        r.headcount = row.opt_u32("headcount", &mut issues);
        r.min_staff = row.opt_u32("min_staff", &mut issues);
        let headroom = row.opt_f64("capacity_headroom", &mut issues);
        let growth = row.opt_f64("capacity_growth_per_day", &mut issues);
        r.capacity = match (headroom, growth) {
            (Some(h), Some(g)) => {
                Some(Capacity { headroom: h, growth_per_day: g, unit: row.get("capacity_unit").to_string() })
            }
            (None, None) => None,
            (Some(_), None) => {
                issues.push(row.loc("capacity_growth_per_day"), Problem::Required);
                None
            }
            (None, Some(_)) => {
                issues.push(row.loc("capacity_headroom"), Problem::Required);
                None
            }
        };
        if kind.is_some() {
            resources.push(r);
        }
    }
    // Dependencies grouped by `from`, in file order; the gate is taken from the first row and must agree.
    struct Group {
        first_row: usize,
        spec: GateSpec,
        primary: Vec<NodeId>,
        standby: Vec<NodeId>,
        plain: Vec<NodeId>,
    }
    let mut groups: Vec<(NodeId, Group)> = Vec::new();
    let mut group_of: HashMap<NodeId, usize> = HashMap::new();
    for row in rows(deps) {
        let from = row.id("from", &mut issues);
        let to = row.id("to", &mut issues);
        let gate_text = row.get("gate").to_ascii_lowercase();
        let prob = row.opt_f64("switchover_probability", &mut issues);
        let minutes = row.opt_f64("switchover_minutes", &mut issues);
        let gate = match gate_text.as_str() {
            "" | "and" => Some(Gate::And),
            "or" => Some(Gate::Or),
            "k_of_n" | "kofn" | "k-of-n" => match row.opt_u32("k", &mut issues) {
                Some(k) => Some(Gate::KOfN { k: k as usize }),
                None => {
                    if row.get("k").is_empty() {
                        issues.push(row.loc("k"), Problem::Required);
                    }
                    None
                }
            },
            "failover" => {
                if prob.is_none() {
                    issues.push(row.loc("switchover_probability"), Problem::Required);
                }
                Some(Gate::Failover {
                    switchover_probability: prob.unwrap_or(1.0),
                    switchover_minutes: minutes.unwrap_or(0.0),
                })
            }
            other => {
                issues.push(
                    row.loc("gate"),
                    Problem::UnknownCode {
                        value: other.to_string(),
                        expected: vec!["and", "or", "k_of_n", "failover"],
                    },
                );
                None
            }
        };
        let role = row.get("role").to_ascii_lowercase();
        if !matches!(role.as_str(), "" | "primary" | "standby") {
            issues.push(
                row.loc("role"),
                Problem::UnknownCode { value: role.clone(), expected: vec!["primary", "standby"] },
            );
        }
        let (Some(from), Some(to), Some(gate)) = (from, to, gate) else { continue };
        let spec = GateSpec { gate };
        let gi = match group_of.get(&from) {
            Some(&gi) => {
                if groups[gi].1.spec != spec {
                    issues.push(row.loc("gate"), Problem::InconsistentGate { node: from.to_string() });
                }
                gi
            }
            None => {
                group_of.insert(from.clone(), groups.len());
                groups.push((
                    from.clone(),
                    Group { first_row: row.row, spec, primary: Vec::new(), standby: Vec::new(), plain: Vec::new() },
                ));
                groups.len() - 1
            }
        };
        let g = &mut groups[gi].1;
        match role.as_str() {
            "primary" => g.primary.push(to),
            "standby" => g.standby.push(to),
            _ => g.plain.push(to),
        }
    }
    let mut dep_row: HashMap<String, usize> = HashMap::new();
    let mut gates: HashMap<NodeId, (Gate, Vec<NodeId>)> = HashMap::new();
    for (from, g) in groups {
        dep_row.insert(from.to_string(), g.first_row);
        let list = if let Gate::Failover { .. } = g.spec.gate {
            // Roles say which is which; rows without a role fill primary first, then standby, in file order.
            let mut primary = g.primary;
            let mut standby = g.standby;
            for id in g.plain {
                if primary.is_empty() {
                    primary.push(id);
                } else {
                    standby.push(id);
                }
            }
            if primary.len() != 1 || standby.len() != 1 {
                issues.push(
                    Location { file: Some(deps.file.clone()), row: Some(g.first_row), field: Some("role".into()) },
                    Problem::FailoverShape { primaries: primary.len(), standbys: standby.len() },
                );
            }
            primary.into_iter().chain(standby).collect()
        } else {
            g.plain.into_iter().chain(g.primary).chain(g.standby).collect()
        };
        gates.insert(from, (g.spec.gate, list));
    }
    let mut known: std::collections::HashSet<&NodeId> = std::collections::HashSet::new();
    for s in &services {
        known.insert(&s.id);
    }
    for p in &processes {
        known.insert(&p.id);
    }
    for r in &resources {
        known.insert(&r.id);
    }
    for from in gates.keys() {
        if !known.contains(from) {
            issues.push(
                Location {
                    file: Some(deps.file.clone()),
                    row: dep_row.get(from.as_str()).copied(),
                    field: Some("from".into()),
                },
                Problem::UnknownReference { value: from.to_string() },
            );
        }
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    let mut take = |id: &NodeId| gates.remove(id).unwrap_or((Gate::And, Vec::new()));
    for s in &mut services {
        (s.gate, s.depends_on) = take(&s.id);
    }
    for p in &mut processes {
        (p.gate, p.depends_on) = take(&p.id);
    }
    for r in &mut resources {
        (r.gate, r.depends_on) = take(&r.id);
    }
    let data = MapData { institution, services, processes, resources };
    DependencyMap::new(data).map_err(|e| place(e, &defined_at, &dep_row, &deps.file))
}

/// Puts model-level problems (named `resources[ID].field`) at the file and row that define them.
fn place(
    issues: Issues,
    defined_at: &HashMap<String, (String, usize)>,
    dep_row: &HashMap<String, usize>,
    deps_file: &str,
) -> Issues {
    Issues(
        issues
            .0
            .into_iter()
            .map(|mut i| {
                let field = i.location.field.clone().unwrap_or_default();
                let id = field.split_once('[').and_then(|(_, rest)| rest.split_once(']')).map(|(id, _)| id.to_string());
                let about_deps = field.contains(".depends_on") || field.contains(".gate") || field == "depends_on";
                if let Some(id) = id {
                    if about_deps {
                        i.location.file = Some(deps_file.to_string());
                        i.location.row = dep_row.get(&id).copied();
                    } else if let Some((file, row)) = defined_at.get(&id) {
                        i.location.file = Some(file.clone());
                        i.location.row = Some(*row);
                    }
                } else if about_deps {
                    i.location.file = Some(deps_file.to_string());
                }
                i
            })
            .collect(),
    )
}

fn fmt_num(v: Option<f64>) -> String {
    v.map(|x| if x.fract() == 0.0 { format!("{}", x as i64) } else { x.to_string() }).unwrap_or_default()
}

fn resource_rows(map: &DependencyMap) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for p in map.processes() {
        let mut row = vec![String::new(); RESOURCE_COLUMNS.len()];
        row[0] = p.id.to_string();
        row[1] = "process".into();
        row[2] = p.name_ja.clone();
        row[3] = p.name_en.clone();
        out.push(row);
    }
    for r in map.resources() {
        let cap = r.capacity.as_ref();
        out.push(vec![
            r.id.to_string(),
            r.kind.code().to_string(),
            r.name_ja.clone(),
            r.name_en.clone(),
            fmt_num(r.rto_minutes),
            fmt_num(r.rpo_minutes),
            r.location.clone().unwrap_or_default(),
            r.provider.clone().unwrap_or_default(),
            r.ultimate_parent.clone().unwrap_or_default(),
            r.system.as_ref().map(|s| s.to_string()).unwrap_or_default(),
            r.headcount.map(|v| v.to_string()).unwrap_or_default(),
            r.min_staff.map(|v| v.to_string()).unwrap_or_default(),
            fmt_num(cap.map(|c| c.headroom)),
            fmt_num(cap.map(|c| c.growth_per_day)),
            cap.map(|c| c.unit.clone()).unwrap_or_default(),
        ]);
    }
    out
}

fn dependency_rows(map: &DependencyMap) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let nodes = map
        .services()
        .iter()
        .map(|s| (&s.id, s.gate, &s.depends_on))
        .chain(map.processes().iter().map(|p| (&p.id, p.gate, &p.depends_on)))
        .chain(map.resources().iter().map(|r| (&r.id, r.gate, &r.depends_on)));
    for (id, gate, deps) in nodes {
        for (i, d) in deps.iter().enumerate() {
            let (k, role, p, m) = match gate {
                Gate::KOfN { k } => (k.to_string(), String::new(), String::new(), String::new()),
                Gate::Failover { switchover_probability, switchover_minutes } => (
                    String::new(),
                    if i == 0 { "primary".into() } else { "standby".into() },
                    switchover_probability.to_string(),
                    fmt_num(Some(switchover_minutes)),
                ),
                _ => Default::default(),
            };
            out.push(vec![id.to_string(), d.to_string(), gate.code().to_string(), k, role, p, m]);
        }
    }
    out
}

/// Exports the map as the two CSV files (`resources.csv`, `dependencies.csv`), UTF-8 with a byte-order mark
/// so Excel opens Japanese text correctly.
pub fn to_csv(map: &DependencyMap) -> (Vec<u8>, Vec<u8>) {
    let write = |header: &[&str], rows: Vec<Vec<String>>| -> Vec<u8> {
        let mut buf = b"\xEF\xBB\xBF".to_vec();
        {
            let mut w = csv::Writer::from_writer(&mut buf);
            let _ = w.write_record(header);
            for r in rows {
                let _ = w.write_record(&r);
            }
            let _ = w.flush();
        }
        buf
    };
    (write(&RESOURCE_COLUMNS, resource_rows(map)), write(&DEPENDENCY_COLUMNS, dependency_rows(map)))
}

/// Exports the map as an XLSX workbook with sheets `resources` and `dependencies`.
///
/// Stored maps are written whatever their size: text longer than Excel's cell limit is cut with a
/// marker, rows past Excel's last are left out, and a `notes` sheet says so (both languages).
pub fn to_xlsx(map: &DependencyMap) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use opres_interchange::xlsx_limits::{fit_cell, needs_cut};
    const LAST_ROW: usize = 1_048_575;
    let mut book = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let (mut cut, mut left_out) = (0usize, Vec::new());
    for (name, header, rows) in [
        (RESOURCES_SHEET, &RESOURCE_COLUMNS[..], resource_rows(map)),
        (DEPENDENCIES_SHEET, &DEPENDENCY_COLUMNS[..], dependency_rows(map)),
    ] {
        let ws = book.add_worksheet();
        ws.set_name(name)?;
        for (c, h) in header.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &bold)?;
        }
        if rows.len() > LAST_ROW {
            left_out.push((name, rows.len() - LAST_ROW));
        }
        for (r, row) in rows.iter().take(LAST_ROW).enumerate() {
            for (c, v) in row.iter().enumerate() {
                if v.is_empty() {
                    continue;
                }
                // Numbers stay numbers so analysts can filter and sum them in Excel.
                let is_numeric_col = matches!(
                    header[c],
                    "rto_minutes"
                        | "rpo_minutes"
                        | "headcount"
                        | "min_staff"
                        | "capacity_headroom"
                        | "capacity_growth_per_day"
                        | "k"
                        | "switchover_probability"
                        | "switchover_minutes"
                );
                match (is_numeric_col, v.parse::<f64>()) {
                    (true, Ok(x)) => ws.write_number(r as u32 + 1, c as u16, x)?,
                    _ => {
                        cut += usize::from(needs_cut(v));
                        ws.write_string(r as u32 + 1, c as u16, fit_cell(v).as_ref())?
                    }
                };
            }
        }
        ws.autofit();
    }
    if cut > 0 || !left_out.is_empty() {
        let ws = book.add_worksheet();
        ws.set_name("notes")?;
        let mut lines = Vec::new();
        if cut > 0 {
            let max = opres_interchange::xlsx_limits::CELL_CHARS_MAX;
            lines.push(format!(
                "{cut} 個のセルが Excel の上限（{max} 文字）を超えるため切り詰められ、末尾に「…[truncated: 元の文字数 chars]」を付けました。"
            ));
            lines.push(format!(
                "{cut} cells were longer than Excel's limit of {max} characters and were cut, ending in '…[truncated: <full length> chars]'."
            ));
        }
        for (sheet, n) in left_out {
            lines.push(format!(
                "{sheet}: Excel の最大行数を超える {n} 行は書き出していません。CSV で書き出してください。"
            ));
            lines
                .push(format!("{sheet}: {n} rows past Excel's last row were not written; export CSV for all of them."));
        }
        for (i, line) in lines.iter().enumerate() {
            ws.write_string(i as u32, 0, line)?;
        }
    }
    book.save_to_buffer()
}
