//! The `opres classify --input FILE.jsonl` contract as a function over a reader and a writer.
//!
//! Each input line is a JSON object with `id` and `text` (optional `title`, and optionally the
//! structured fields `cyber_attack`, `vendor`, `channels`); each output line has `id`, `trigger`,
//! `trend`, `confidence`, `reasons` and `model`. Bad lines are reported by line number and skipped,
//! so one malformed line does not lose a whole batch.

use super::{Classifier, ClassifyInput, Reason};
use crate::error::AnalysisError;
use opres_domain::{Channel, Lang};
use serde::{Deserialize, Serialize};
use std::io::{BufRead, Write};

/// One input line.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct InLine {
    id: serde_json::Value,
    text: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    cyber_attack: Option<bool>,
    #[serde(default)]
    vendor: Option<String>,
    #[serde(default)]
    channels: Vec<Channel>,
}

/// One output line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassifyLine {
    /// The input's `id`, as given (string or number).
    pub id: serde_json::Value,
    /// Suggested trigger code.
    pub trigger: String,
    /// Suggested trend code.
    pub trend: String,
    /// Confidence, 0..=1, three decimals.
    pub confidence: f64,
    /// What decided it.
    pub reasons: Vec<Reason>,
    /// `rules` or `learned`.
    pub model: String,
}

/// A line that could not be classified.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineError {
    /// 1-based line number in the input.
    pub line: usize,
    /// What is wrong, in English.
    pub message_en: String,
    /// What is wrong, in Japanese.
    pub message_ja: String,
}

impl LineError {
    /// The message in the given language, with the line number.
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => format!("line {}: {}", self.line, self.message_en),
            Lang::Ja => format!("{}行目: {}", self.line, self.message_ja),
        }
    }
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct JsonlSummary {
    /// Lines classified and written.
    pub classified: usize,
    /// Blank lines skipped.
    pub blank: usize,
    /// Lines refused, with their numbers.
    pub errors: Vec<LineError>,
}

fn line_error(line: usize, e: &serde_json::Error, raw: &str) -> LineError {
    let trimmed = raw.trim_start();
    let (en, ja) = if !trimmed.starts_with('{') {
        ("not a JSON object".to_string(), "JSONオブジェクトではありません".to_string())
    } else if e.to_string().contains("missing field `text`") {
        ("the field \"text\" is missing".to_string(), "項目 \"text\" がありません".to_string())
    } else if e.to_string().contains("missing field `id`") {
        ("the field \"id\" is missing".to_string(), "項目 \"id\" がありません".to_string())
    } else {
        (e.to_string(), format!("JSONとして読み取れません（{e}）"))
    };
    LineError { line, message_en: en, message_ja: ja }
}

/// Classifies every line of `input` and writes one result line per good input line to `output`.
/// Returns the bad lines in the summary; fails only if reading or writing fails.
pub fn classify_jsonl(
    input: impl BufRead,
    mut output: impl Write,
    model: &Classifier,
) -> Result<JsonlSummary, AnalysisError> {
    let mut summary = JsonlSummary::default();
    for (n, line) in input.lines().enumerate() {
        let line = line?;
        let lineno = n + 1;
        if line.trim().is_empty() {
            summary.blank += 1;
            continue;
        }
        let parsed: InLine = match serde_json::from_str(&line) {
            Ok(p) => p,
            Err(e) => {
                summary.errors.push(line_error(lineno, &e, &line));
                continue;
            }
        };
        if !(parsed.id.is_string() || parsed.id.is_number()) {
            summary.errors.push(LineError {
                line: lineno,
                message_en: "\"id\" must be a string or a number".into(),
                message_ja: "\"id\" は文字列か数値にしてください".into(),
            });
            continue;
        }
        let input = ClassifyInput {
            text: parsed.text,
            title: parsed.title,
            cyber_attack: parsed.cyber_attack,
            vendor: parsed.vendor,
            channels: parsed.channels,
        };
        let s = model.suggest(&input);
        let out = ClassifyLine {
            id: parsed.id,
            trigger: s.trigger.code().to_string(),
            trend: s.trend.code().to_string(),
            confidence: (s.confidence * 1000.0).round() / 1000.0,
            reasons: s.reasons,
            model: match s.model {
                super::ModelKind::Rules => "rules".into(),
                super::ModelKind::Learned => "learned".into(),
            },
        };
        serde_json::to_writer(&mut output, &out).map_err(|e| AnalysisError::Io(e.into()))?;
        output.write_all(b"\n")?;
        summary.classified += 1;
    }
    output.flush()?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_good_lines_and_numbers_bad_ones() {
        let input = concat!(
            "{\"id\":\"a1\",\"text\":\"DDoS攻撃でネットバンキングが停止\"}\n",
            "\n",
            "not json\n",
            "{\"id\":7,\"title\":\"Disk full\",\"text\":\"the batch server ran out of disk space\"}\n",
            "{\"id\":\"a3\"}\n",
        );
        let mut out = Vec::new();
        let summary = classify_jsonl(input.as_bytes(), &mut out, &Classifier::rules()).unwrap();
        assert_eq!(summary.classified, 2);
        assert_eq!(summary.blank, 1);
        let lines: Vec<usize> = summary.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [3, 5]);
        assert!(summary.errors[1].message(Lang::Ja).contains("5行目"));
        assert!(summary.errors[1].message_en.contains("text"));
        let outs: Vec<ClassifyLine> =
            String::from_utf8(out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(outs[0].id, serde_json::json!("a1"));
        assert_eq!(outs[0].trend, "cyber.ddos");
        assert_eq!(outs[1].id, serde_json::json!(7));
        assert_eq!(outs[1].trend, "operations.storage");
        assert!(!outs[1].reasons.is_empty());
    }
}
