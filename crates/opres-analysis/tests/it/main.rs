//! Integration tests of the public API as the CLI will call it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly by design

mod classify_cli {
    use opres_analysis::classify::{Classifier, LearnParams, StoredModel, TrainParams, classify_jsonl, eval_set};
    use std::io::{BufReader, Write};

    /// `opres classify train` then `opres classify --input FILE --output FILE` with the stored model.
    #[test]
    fn train_store_load_and_classify_a_file() {
        // Fewer folds and epochs than the default: this checks the wiring, not the model's quality.
        let params = TrainParams {
            folds: 3,
            learn: LearnParams { epochs: 10, ..LearnParams::default() },
            ..TrainParams::default()
        };
        let stored = Classifier::train(&eval_set().unwrap(), &params).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let model_path = dir.path().join("model.json");
        std::fs::write(&model_path, stored.to_json().unwrap()).unwrap();
        let loaded = StoredModel::from_json(&std::fs::read_to_string(&model_path).unwrap()).unwrap();
        let input_path = dir.path().join("in.jsonl");
        let mut f = std::fs::File::create(&input_path).unwrap();
        writeln!(f, r#"{{"id":"x1","title":"ATM停止","text":"待機系に切り替わらず、ATMが4時間停止した。"}}"#).unwrap();
        writeln!(
            f,
            r#"{{"id":"x2","text":"Logins failed after credential stuffing from botnets using leaked passwords."}}"#
        )
        .unwrap();
        writeln!(f, r#"{{"id":"x3","text":42}}"#).unwrap();
        drop(f);
        let mut out = Vec::new();
        let reader = BufReader::new(std::fs::File::open(&input_path).unwrap());
        let summary = classify_jsonl(reader, &mut out, &loaded.classifier()).unwrap();
        assert_eq!(summary.classified, 2);
        assert_eq!(summary.errors.len(), 1);
        assert_eq!(summary.errors[0].line, 3);
        let lines: Vec<serde_json::Value> =
            String::from_utf8(out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines[0]["trend"], "operations.redundancy");
        assert_eq!(lines[0]["trigger"], "operations");
        assert_eq!(lines[1]["trend"], "cyber.other");
        for l in &lines {
            assert!(l["confidence"].as_f64().unwrap() > 0.0);
            assert!(!l["reasons"].as_array().unwrap().is_empty());
        }
    }
}
