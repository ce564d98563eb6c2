//! How errors reach the person at the terminal, and which exit code they get.

use opres_app::{AppError, ImportError};
use opres_domain::{Lang, ValidationErrors};

/// An error in what the user gave us (exit code 2), as opposed to a failure while running (1).
#[derive(Debug)]
pub struct InputError {
    pub ja: String,
    pub en: String,
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.en)
    }
}

impl std::error::Error for InputError {}

impl InputError {
    pub fn err(ja: impl Into<String>, en: impl Into<String>) -> anyhow::Error {
        anyhow::Error::new(InputError { ja: ja.into(), en: en.into() })
    }

    pub fn from_validation(errs: &ValidationErrors) -> anyhow::Error {
        Self::err(errs.message(Lang::Ja), errs.message(Lang::En))
    }
}

/// 2 for bad input (refused files, bad options), 1 for everything else.
pub fn exit_code(e: &anyhow::Error) -> u8 {
    if e.downcast_ref::<InputError>().is_some() {
        return 2;
    }
    if let Some(app) = e.downcast_ref::<AppError>() {
        return if matches!(app, AppError::Invalid { .. } | AppError::Malformed { .. }) { 2 } else { 1 };
    }
    match e.downcast_ref::<ImportError>() {
        Some(ImportError::Invalid { .. } | ImportError::Unreadable(_)) => 2,
        _ => 1,
    }
}

/// Prints the error in the user's language: every bad row of a refused import on its own line.
pub fn report_error(e: &anyhow::Error, lang: Lang) {
    if let Some(input) = e.downcast_ref::<InputError>() {
        eprintln!("opres: {}", lang.pick(&input.ja, &input.en));
        return;
    }
    if let Some(app) = e.downcast_ref::<AppError>() {
        let summary = app.message(lang);
        // Every problem on its own line (a refused import's rows, each bad option), then the whole.
        for p in app.problems().iter().map(|p| p.message.get(lang)).filter(|m| *m != summary) {
            eprintln!("{p}");
        }
        match app {
            AppError::Internal(detail) => eprintln!("opres: {summary}: {detail}"),
            _ => eprintln!("opres: {summary}"),
        }
        return;
    }
    if let Some(import) = e.downcast_ref::<ImportError>() {
        for p in import.problems() {
            eprintln!("{}", p.message(lang));
        }
        eprintln!("opres: {}", import.message(lang));
        return;
    }
    if let Some(store) = e.downcast_ref::<opres_store::StoreError>() {
        eprintln!("opres: {}", store.message(lang));
        return;
    }
    // Context first, then each cause: the whole chain, never a debug dump.
    eprintln!("opres: {e:#}");
}

/// Display width, counting full-width characters as two columns.
pub fn width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// Pads to a display width.
pub fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

/// Prints rows as aligned columns (two spaces apart); the last column is not padded.
pub fn print_table(rows: &[Vec<String>]) {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> =
        (0..cols).map(|c| rows.iter().filter_map(|r| r.get(c)).map(|s| width(s)).max().unwrap_or(0)).collect();
    for r in rows {
        let line: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(c, s)| if c + 1 == r.len() { s.clone() } else { pad(s, widths[c] + 2) })
            .collect();
        println!("{}", line.concat());
    }
}
