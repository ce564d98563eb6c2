//! Maps of what a service depends on: an SVG flowchart drawn here (left to right, one lane per kind), and
//! Mermaid, Graphviz DOT and Cytoscape JSON exports.
//!
//! The SVG layout is hand-rolled: columns by longest path from the service (so a shared facility lands to the
//! right of everything that uses it), lanes by kind, and within a lane the order follows the barycentre of the
//! dependants already placed, which keeps edges short and mostly uncrossed.

use crate::graph::Graph;
use crate::model::{DependencyMap, Gate, NodeKind, ResourceKind};
use opres_domain::{Lang, html};
use std::collections::HashMap;
use std::fmt::Write;

/// Lanes of the flowchart, top to bottom.
pub const LANES: [NodeKind; 7] = [
    NodeKind::Service,
    NodeKind::Process,
    NodeKind::Resource(ResourceKind::People),
    NodeKind::Resource(ResourceKind::System),
    NodeKind::Resource(ResourceKind::Information),
    NodeKind::Resource(ResourceKind::ThirdParty),
    NodeKind::Resource(ResourceKind::Facility),
];

fn lane_of(kind: NodeKind) -> usize {
    LANES.iter().position(|&k| k == kind).unwrap_or(0)
}

/// A lane's label, short enough for the label column.
fn lane_label(kind: NodeKind, lang: Lang) -> &'static str {
    match kind {
        NodeKind::Service => lang.pick("重要な業務", "Services"),
        other => other.label(lang),
    }
}

fn colour(kind: NodeKind) -> (&'static str, &'static str) {
    match kind {
        NodeKind::Service => ("#1f3b73", "#ffffff"),
        NodeKind::Process => ("#dfe7f5", "#1f3b73"),
        NodeKind::Resource(ResourceKind::People) => ("#fde9c9", "#5a3b00"),
        NodeKind::Resource(ResourceKind::System) => ("#d9f0e3", "#0b4f2c"),
        NodeKind::Resource(ResourceKind::Information) => ("#ece1f7", "#3d1d63"),
        NodeKind::Resource(ResourceKind::ThirdParty) => ("#fbe0e0", "#6b1010"),
        NodeKind::Resource(ResourceKind::Facility) => ("#e6e6e6", "#2b2b2b"),
    }
}

/// Approximate width in pixels of text at 12px: full-width (CJK) characters count double.
pub fn text_width(s: &str) -> f64 {
    s.chars().map(|c| if (c as u32) < 0x2E80 { 6.8 } else { 12.5 }).sum()
}

fn truncate_to(s: &str, max_px: f64) -> String {
    if text_width(s) <= max_px {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 0.0;
    for c in s.chars() {
        let cw = text_width(&c.to_string());
        if w + cw > max_px - 12.0 {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

/// The nodes a service depends on, directly or not, with the service, in topological order (dependencies first).
pub fn service_nodes(map: &DependencyMap, service: usize) -> Vec<usize> {
    let g = map.graph();
    let mask = g.descendants_mask(service);
    g.topo_order().iter().map(|&v| v as usize).filter(|&v| mask[v]).collect()
}

fn gate_text(g: &Graph, v: usize, lang: Lang) -> Option<String> {
    let n = g.children_of(v).len();
    let gate = g.gate(v);
    (gate.is_redundant() && n > 0).then(|| gate.label(lang, n))
}

/// Options of the SVG flowchart.
#[derive(Debug, Clone, Default)]
pub struct SvgOptions {
    /// Language of labels.
    pub lang: Lang,
    /// Ids to outline in red (e.g. the service's single points of failure).
    pub highlight: Vec<String>,
}

/// Draws the flowchart of one service as a self-contained SVG; `None` if the id is not a service.
pub fn service_svg(map: &DependencyMap, service_id: &str, opts: &SvgOptions) -> Option<String> {
    let g = map.graph();
    let s = g.index_of(service_id).filter(|&i| i < g.n_services())?;
    let nodes = service_nodes(map, s);
    let lang = opts.lang;
    // Columns: longest path from the service, parents before children.
    let mut col: HashMap<usize, usize> = HashMap::new();
    col.insert(s, 0);
    for &v in nodes.iter().rev() {
        let c = col.get(&v).copied().unwrap_or(0);
        for &ch in g.children_of(v) {
            let e = col.entry(ch as usize).or_insert(0);
            *e = (*e).max(c + 1);
        }
    }
    let n_cols = col.values().max().map_or(1, |m| m + 1);
    // Cells (lane, column) in placement order; order inside a cell by barycentre of dependants' rows.
    let mut cells: HashMap<(usize, usize), Vec<usize>> = HashMap::new();
    let mut order_key: HashMap<usize, f64> = HashMap::new();
    let mut by_col: Vec<Vec<usize>> = vec![Vec::new(); n_cols];
    for &v in &nodes {
        by_col[col[&v]].push(v);
    }
    let mut slot_of: HashMap<usize, usize> = HashMap::new();
    for (c, vs) in by_col.iter().enumerate() {
        let mut vs = vs.clone();
        for &v in &vs {
            let ps: Vec<f64> =
                g.parents_of(v).iter().filter_map(|&p| slot_of.get(&(p as usize)).map(|&r| r as f64)).collect();
            let key = if ps.is_empty() { v as f64 } else { ps.iter().sum::<f64>() / ps.len() as f64 };
            order_key.insert(v, key);
        }
        vs.sort_by(|a, b| order_key[a].total_cmp(&order_key[b]).then(a.cmp(b)));
        for v in vs {
            let lane = lane_of(map.node_kind(v));
            let cell = cells.entry((lane, c)).or_default();
            slot_of.insert(v, cell.len());
            cell.push(v);
        }
    }
    let lanes_used: Vec<usize> = (0..LANES.len()).filter(|l| cells.keys().any(|(ln, _)| ln == l)).collect();
    let lane_rows: Vec<usize> = lanes_used
        .iter()
        .map(|&l| (0..n_cols).map(|c| cells.get(&(l, c)).map_or(0, Vec::len)).max().unwrap_or(0).max(1))
        .collect();
    const BOX_W: f64 = 190.0;
    const BOX_H: f64 = 40.0;
    const COL_W: f64 = 250.0;
    const ROW_H: f64 = 56.0;
    const LANE_LABEL: f64 = 130.0;
    const TOP: f64 = 50.0;
    let mut lane_y = Vec::new();
    let mut y = TOP;
    for &rows in &lane_rows {
        lane_y.push(y);
        y += rows as f64 * ROW_H + 16.0;
    }
    let height = y + 20.0;
    let width = LANE_LABEL + n_cols as f64 * COL_W + 20.0;
    let mut pos: HashMap<usize, (f64, f64)> = HashMap::new();
    for (li, &l) in lanes_used.iter().enumerate() {
        for c in 0..n_cols {
            if let Some(vs) = cells.get(&(l, c)) {
                for (r, &v) in vs.iter().enumerate() {
                    pos.insert(v, (LANE_LABEL + c as f64 * COL_W + 20.0, lane_y[li] + 8.0 + r as f64 * ROW_H));
                }
            }
        }
    }
    let mut svg = String::new();
    let title = format!("{} — {}", map.node_name(s, lang), lang.pick("依存関係マップ", "dependency map"));
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="'Hiragino Sans','Noto Sans CJK JP','Yu Gothic','Meiryo',sans-serif" font-size="12" role="img" aria-label="{t}"><title>{t}</title><defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#555"/></marker></defs><rect width="100%" height="100%" fill="#ffffff"/><text x="12" y="26" font-size="16" font-weight="bold" fill="#1f3b73">{t}</text>"##,
        t = html::escape(&title)
    );
    for (li, &l) in lanes_used.iter().enumerate() {
        let h = lane_rows[li] as f64 * ROW_H + 8.0;
        let fill = if li % 2 == 0 { "#f7f9fc" } else { "#ffffff" };
        let _ = write!(
            svg,
            r##"<rect x="4" y="{y:.0}" width="{w:.0}" height="{h:.0}" fill="{fill}" stroke="#d0d7e2"/><text x="12" y="{ty:.0}" font-weight="bold" fill="#1f3b73">{label}</text>"##,
            y = lane_y[li],
            w = width - 8.0,
            ty = lane_y[li] + 24.0,
            label = html::escape(&truncate_to(lane_label(LANES[l], lang), LANE_LABEL - 14.0))
        );
    }
    // Edges first so boxes sit on top.
    for &v in &nodes {
        let Some(&(x1, y1)) = pos.get(&v) else { continue };
        let gate = gate_text(g, v, lang);
        for (i, &c) in g.children_of(v).iter().enumerate() {
            let Some(&(x2, y2)) = pos.get(&(c as usize)) else { continue };
            let (sx, sy) = (x1 + BOX_W, y1 + BOX_H / 2.0);
            let (ex, ey) = (x2, y2 + BOX_H / 2.0);
            let dash = match g.gate(v) {
                Gate::Failover { .. } if i == 1 => r#" stroke-dasharray="5,4""#,
                _ => "",
            };
            let mid = (sx + ex) / 2.0;
            let _ = write!(
                svg,
                r##"<path d="M {sx:.1} {sy:.1} C {mid:.1} {sy:.1}, {mid:.1} {ey:.1}, {ex:.1} {ey:.1}" fill="none" stroke="#777" stroke-width="1.2"{dash} marker-end="url(#arrow)"/>"##
            );
        }
        if let Some(gt) = gate {
            let _ = write!(
                svg,
                r##"<text x="{x:.1}" y="{y:.1}" font-size="10" fill="#8a4b00">{t}</text>"##,
                x = x1 + BOX_W + 4.0,
                y = y1 - 3.0,
                t = html::escape(&gt)
            );
        }
    }
    let hl: std::collections::HashSet<&str> = opts.highlight.iter().map(String::as_str).collect();
    for &v in &nodes {
        let Some(&(x, y)) = pos.get(&v) else { continue };
        let kind = map.node_kind(v);
        let (fill, ink) = colour(kind);
        let id = g.id(v);
        let name = map.node_name(v, lang);
        let (stroke, sw) = if hl.contains(id) { ("#d00000", 3.0) } else { ("#8091ad", 1.0) };
        let _ = write!(
            svg,
            r##"<g><title>{full}</title><rect x="{x:.1}" y="{y:.1}" width="{BOX_W}" height="{BOX_H}" rx="6" fill="{fill}" stroke="{stroke}" stroke-width="{sw}"/><text x="{tx:.1}" y="{ty:.1}" fill="{ink}">{label}</text><text x="{tx:.1}" y="{ty2:.1}" font-size="9" fill="{ink}" opacity="0.75">{id_e}</text></g>"##,
            full = html::escape(&format!("{name} ({id})")),
            tx = x + 8.0,
            ty = y + 17.0,
            ty2 = y + 32.0,
            label = html::escape(&truncate_to(name, BOX_W - 16.0)),
            id_e = html::escape(id),
        );
    }
    svg.push_str("</svg>");
    Some(svg)
}

fn scope(map: &DependencyMap, service_id: Option<&str>) -> Option<Vec<usize>> {
    let g = map.graph();
    match service_id {
        None => Some((0..g.len()).collect()),
        Some(id) => {
            let s = g.index_of(id).filter(|&i| i < g.n_services())?;
            Some(service_nodes(map, s))
        }
    }
}

fn mermaid_text(s: &str) -> String {
    s.replace('"', "#quot;").replace('<', "#lt;").replace('>', "#gt;")
}

/// Mermaid `flowchart LR` of one service (or the whole map with `None`), one subgraph per kind.
pub fn mermaid(map: &DependencyMap, service_id: Option<&str>, lang: Lang) -> Option<String> {
    let g = map.graph();
    let nodes = scope(map, service_id)?;
    let mut out = String::from("flowchart LR\n");
    for (li, kind) in LANES.iter().enumerate() {
        let members: Vec<usize> = nodes.iter().copied().filter(|&v| map.node_kind(v) == *kind).collect();
        if members.is_empty() {
            continue;
        }
        let _ = writeln!(out, "  subgraph lane{li}[\"{}\"]", mermaid_text(kind.label(lang)));
        for v in members {
            let _ = writeln!(
                out,
                "    n{v}[\"{}<br/><small>{}</small>\"]",
                mermaid_text(map.node_name(v, lang)),
                mermaid_text(g.id(v))
            );
        }
        out.push_str("  end\n");
    }
    let inside: std::collections::HashSet<usize> = nodes.iter().copied().collect();
    for &v in &nodes {
        let gate = gate_text(g, v, lang);
        for (i, &c) in g.children_of(v).iter().enumerate() {
            if !inside.contains(&(c as usize)) {
                continue;
            }
            let arrow = if matches!(g.gate(v), Gate::Failover { .. }) && i == 1 { "-.->" } else { "-->" };
            match &gate {
                Some(t) => {
                    let _ = writeln!(out, "  n{v} {arrow}|\"{}\"| n{c}", mermaid_text(t));
                }
                None => {
                    let _ = writeln!(out, "  n{v} {arrow} n{c}");
                }
            }
        }
    }
    for (li, kind) in LANES.iter().enumerate() {
        if nodes.iter().any(|&v| map.node_kind(v) == *kind) {
            let _ = writeln!(out, "  style lane{li} fill:{}44,stroke:#8091ad", colour(*kind).0);
        }
    }
    Some(out)
}

fn dot_text(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Graphviz DOT of one service (or the whole map), left to right, one cluster per kind.
pub fn dot(map: &DependencyMap, service_id: Option<&str>, lang: Lang) -> Option<String> {
    let g = map.graph();
    let nodes = scope(map, service_id)?;
    let mut out = String::from(
        "digraph resilience {\n  rankdir=LR;\n  node [shape=box, style=\"rounded,filled\", fontname=\"Noto Sans CJK JP\"];\n",
    );
    for (li, kind) in LANES.iter().enumerate() {
        let members: Vec<usize> = nodes.iter().copied().filter(|&v| map.node_kind(v) == *kind).collect();
        if members.is_empty() {
            continue;
        }
        let (fill, ink) = colour(*kind);
        let _ = writeln!(out, "  subgraph cluster_{li} {{\n    label=\"{}\";", dot_text(kind.label(lang)));
        for v in members {
            let _ = writeln!(
                out,
                "    \"{}\" [label=\"{}\\n{}\", fillcolor=\"{fill}\", fontcolor=\"{ink}\"];",
                dot_text(g.id(v)),
                dot_text(map.node_name(v, lang)),
                dot_text(g.id(v))
            );
        }
        out.push_str("  }\n");
    }
    let inside: std::collections::HashSet<usize> = nodes.iter().copied().collect();
    for &v in &nodes {
        let gate = gate_text(g, v, lang);
        for (i, &c) in g.children_of(v).iter().enumerate() {
            if !inside.contains(&(c as usize)) {
                continue;
            }
            let mut attrs = Vec::new();
            if let Some(t) = &gate {
                attrs.push(format!("label=\"{}\"", dot_text(t)));
            }
            if matches!(g.gate(v), Gate::Failover { .. }) && i == 1 {
                attrs.push("style=dashed".into());
            }
            let a = if attrs.is_empty() { String::new() } else { format!(" [{}]", attrs.join(", ")) };
            let _ = writeln!(out, "  \"{}\" -> \"{}\"{a};", dot_text(g.id(v)), dot_text(g.id(c as usize)));
        }
    }
    out.push_str("}\n");
    Some(out)
}

/// Cytoscape.js elements JSON of one service (or the whole map): nodes with kind and gate, edges with roles.
pub fn cytoscape(map: &DependencyMap, service_id: Option<&str>, lang: Lang) -> Option<serde_json::Value> {
    let g = map.graph();
    let nodes = scope(map, service_id)?;
    let inside: std::collections::HashSet<usize> = nodes.iter().copied().collect();
    let mut ns = Vec::new();
    let mut es = Vec::new();
    for &v in &nodes {
        let gate = g.gate(v);
        ns.push(serde_json::json!({
            "data": {
                "id": g.id(v),
                "label": map.node_name(v, lang),
                "kind": map.node_kind(v).code(),
                "gate": gate.code(),
                "gate_label": gate.label(lang, g.children_of(v).len()),
            },
            "classes": map.node_kind(v).code(),
        }));
        for (i, &c) in g.children_of(v).iter().enumerate() {
            if !inside.contains(&(c as usize)) {
                continue;
            }
            let role = match gate {
                Gate::Failover { .. } => Some(if i == 0 { "primary" } else { "standby" }),
                _ => None,
            };
            es.push(serde_json::json!({
                "data": {
                    "id": format!("{}->{}", g.id(v), g.id(c as usize)),
                    "source": g.id(v),
                    "target": g.id(c as usize),
                    "role": role,
                }
            }));
        }
    }
    Some(serde_json::json!({ "elements": { "nodes": ns, "edges": es } }))
}
