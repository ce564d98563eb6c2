//! Times generating, writing and reading N synthetic incidents in every format; prints one JSON
//! line per measurement (median of RUNS) for `bench/interchange/run`, and leaves the files in DIR
//! for the peer to read.
//!
//! `cargo run --release -p opres-interchange --example bench -- N RUNS DIR`

use opres_interchange::{Format, HeaderLang, read_file, write_file_with};
use opres_synthetic::{GenParams, generate};
use std::path::PathBuf;
use std::time::Instant;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(3).max(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "bench/out/interchange".into()));
    std::fs::create_dir_all(&dir)?;
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-29T12:00:00+09:00")?.to_utc();
    let params = GenParams { institutions: 40, incidents: n, seed: 7, now, fiscal_years: 5 };

    let mut times = Vec::new();
    let mut data = None;
    for _ in 0..runs {
        let t = Instant::now();
        data = Some(generate(&params));
        times.push(t.elapsed().as_secs_f64());
    }
    let data = data.ok_or("no data")?;
    println!(r#"{{"what":"generate","format":"-","n":{n},"seconds":{:.3}}}"#, median(times));

    // FORMATS=csv,xlsx limits the run to some formats.
    let only: Option<Vec<Format>> =
        std::env::var("FORMATS").ok().map(|v| v.split(',').filter_map(Format::parse).collect());
    for format in Format::ALL.into_iter().filter(|f| only.as_ref().is_none_or(|o| o.contains(f))) {
        let path = dir.join(format!("incidents-{n}.{}", format.extension()));
        let mut w = Vec::new();
        let mut r = Vec::new();
        let mut bytes = 0u64;
        for _ in 0..runs {
            let t = Instant::now();
            let written = write_file_with(&path, &data, HeaderLang::En)?;
            w.push(t.elapsed().as_secs_f64());
            bytes = written.iter().filter_map(|p| std::fs::metadata(p).ok()).map(|m| m.len()).sum();
            let t = Instant::now();
            let mut count = 0;
            for p in &written {
                count += read_file(p).map_err(|e| e.to_string())?.incidents.len();
            }
            r.push(t.elapsed().as_secs_f64());
            if count != n {
                return Err(format!("{format}: read {count} of {n} incidents").into());
            }
        }
        println!(r#"{{"what":"write","format":"{format}","n":{n},"seconds":{:.3},"bytes":{bytes}}}"#, median(w));
        println!(r#"{{"what":"read","format":"{format}","n":{n},"seconds":{:.3},"bytes":{bytes}}}"#, median(r));
    }
    Ok(())
}
