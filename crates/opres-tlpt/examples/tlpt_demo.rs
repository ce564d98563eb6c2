//! Prints the demo programme's assessment and management report, as `opres tlpt assess` will.
//!
//! `cargo run -p opres-tlpt --example tlpt_demo -- [ENGAGEMENT] [ja|en] [md|html|json|assess]`

use opres_domain::Lang;
use opres_tlpt::assess::{self, AssessOptions};
use opres_tlpt::demo;
use opres_tlpt::report;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let engagement = args.first().map(String::as_str).unwrap_or(demo::POOR_ENGAGEMENT);
    let lang = args.get(1).and_then(|l| Lang::parse(l)).unwrap_or(Lang::Ja);
    let what = args.get(2).map(String::as_str).unwrap_or("assess");
    let now = chrono::Utc::now();
    let p = demo::demo_programme(now);
    if let Err(e) = p.validate() {
        eprintln!("demo programme does not validate: {e}");
    }
    let opts = AssessOptions::new(now.with_timezone(&opres_domain::JST).date_naive());
    match what {
        "json" => println!("{}", p.to_json()),
        "md" => println!("{}", report::build(&p, engagement, lang, &opts)?.document.to_markdown()),
        "html" => println!("{}", report::build(&p, engagement, lang, &opts)?.document.to_html()),
        _ => {
            let a = assess::assess(&p, engagement, &opts)?;
            for c in &a.checks {
                println!(
                    "[{}] {} — {}\n    {}\n    → {}",
                    c.verdict.label(lang),
                    c.check.code(),
                    c.check.label(lang),
                    c.evidence.get(lang),
                    c.action.get(lang)
                );
            }
        }
    }
    Ok(())
}
