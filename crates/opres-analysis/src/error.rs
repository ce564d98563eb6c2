//! Errors of the analysis engine, worded for a risk analyst in Japanese and English.

use opres_domain::Lang;

/// What went wrong in classification, search or report generation.
#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    /// A line of a JSONL input could not be read as a classification request.
    #[error("line {line}: {message}")]
    BadLine {
        /// 1-based line number.
        line: usize,
        /// What is wrong with it (English).
        message: String,
    },
    /// Reading the input or writing the output failed.
    #[error("could not read or write: {0}")]
    Io(#[from] std::io::Error),
    /// Too few accepted classifications to train a model.
    #[error("too few accepted classifications to train: {have} (need at least {need}, in at least 2 trends)")]
    TooFewExamples {
        /// How many usable examples there are.
        have: usize,
        /// How many are needed.
        need: usize,
    },
    /// A stored model file is not a model this version can read.
    #[error("the stored classification model cannot be read: {0}")]
    BadModel(String),
    /// The search index failed.
    #[error("search index error: {0}")]
    Search(String),
    /// The query could not be understood.
    #[error("the search query could not be understood: {0}")]
    BadQuery(String),
    /// Writing the Excel workbook failed.
    #[error("could not write the Excel workbook: {0}")]
    Xlsx(String),
}

impl AnalysisError {
    /// The message in the user's language.
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Ja => match self {
                AnalysisError::BadLine { line, message } => format!("{line}行目: 読み取れません（{message}）"),
                AnalysisError::Io(e) => format!("入出力に失敗しました: {e}"),
                AnalysisError::TooFewExamples { have, need } => format!(
                    "学習に使える確定済みの分類が少なすぎます: {have}件（2種類以上の障害傾向で{need}件以上必要）"
                ),
                AnalysisError::BadModel(m) => format!("保存された分類モデルを読み込めません: {m}"),
                AnalysisError::Search(m) => format!("検索索引のエラー: {m}"),
                AnalysisError::BadQuery(m) => format!("検索語を解釈できません: {m}"),
                AnalysisError::Xlsx(m) => format!("Excelファイルを作成できません: {m}"),
            },
        }
    }
}

impl From<tantivy::TantivyError> for AnalysisError {
    fn from(e: tantivy::TantivyError) -> Self {
        AnalysisError::Search(e.to_string())
    }
}

impl From<rust_xlsxwriter::XlsxError> for AnalysisError {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        AnalysisError::Xlsx(e.to_string())
    }
}
