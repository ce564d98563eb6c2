//! Prints a few generated incidents as JSON, to eyeball the text: `cargo run -p opres-synthetic --example sample -- [n] [seed]`.

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(5);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-29T12:00:00+09:00").map(|t| t.to_utc()).unwrap_or_default();
    let data = opres_synthetic::generate(&opres_synthetic::GenParams {
        institutions: 12,
        incidents: n,
        seed,
        now,
        fiscal_years: 5,
    });
    for i in data.institutions.iter().take(3) {
        println!("{}", serde_json::to_string(i).unwrap_or_default());
    }
    for i in &data.incidents {
        println!("{}", serde_json::to_string_pretty(i).unwrap_or_default());
    }
}
