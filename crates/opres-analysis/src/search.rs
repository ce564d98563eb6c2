//! Full-text search over incidents in Japanese and English, with highlighted snippets, and
//! "similar past incidents".
//!
//! One analyser handles both languages without a dictionary: runs of ASCII letters/digits become
//! lower-cased, lightly stemmed words; runs of kanji/kana become overlapping character bigrams
//! (a one-character run stays a unigram). Width variants fold (`ＡＴＭ` = `atm`). A Japanese query
//! therefore becomes a phrase of bigrams, so `システム障害` matches that exact string and not
//! `システム` and `障害` far apart. The index lives in RAM or in a directory; the caller keeps it in
//! step with the register by [`SearchIndex::upsert`] / [`SearchIndex::delete`] + [`SearchIndex::commit`].

use crate::error::AnalysisError;
use crate::text::{fold_char, is_cjk, stem};
use opres_domain::{Incident, IncidentRef};
use serde::Serialize;
use std::collections::HashMap;
use std::ops::Bound;
use std::path::Path;
use std::sync::Mutex;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, QueryParser, RangeQuery, TermQuery};
use tantivy::schema::{
    Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

/// The analyser's registered name.
pub const TOKENIZER: &str = "opres_ja_en";

/// Words for Latin runs, character bigrams for CJK runs; offsets refer to the original text.
#[derive(Debug, Clone, Default)]
pub struct BilingualTokenizer;

/// The tokens of one text, produced eagerly (texts are short).
#[derive(Debug)]
pub struct VecTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }
    fn token(&self) -> &Token {
        &self.tokens[self.next.saturating_sub(1).min(self.tokens.len().saturating_sub(1))]
    }
    fn token_mut(&mut self) -> &mut Token {
        let i = self.next.saturating_sub(1).min(self.tokens.len().saturating_sub(1));
        &mut self.tokens[i]
    }
}

/// Tokenises as [`BilingualTokenizer`] does, for use outside tantivy (similarity, tests).
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    // (byte offset in original, folded char)
    let chars: Vec<(usize, char, usize)> = text.char_indices().map(|(i, c)| (i, fold_char(c), c.len_utf8())).collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        if c.is_ascii_alphanumeric() {
            let start = i;
            while i < chars.len() && chars[i].1.is_ascii_alphanumeric() {
                i += 1;
            }
            let word: String = chars[start..i].iter().map(|c| c.1).collect();
            let (from, to) = (chars[start].0, chars[i - 1].0 + chars[i - 1].2);
            out.push(Token {
                offset_from: from,
                offset_to: to,
                position: out.len(),
                text: stem(&word).to_string(),
                position_length: 1,
            });
        } else if is_cjk(c) {
            let start = i;
            while i < chars.len() && is_cjk(chars[i].1) {
                i += 1;
            }
            let run = &chars[start..i];
            if run.len() == 1 {
                out.push(Token {
                    offset_from: run[0].0,
                    offset_to: run[0].0 + run[0].2,
                    position: out.len(),
                    text: run[0].1.to_string(),
                    position_length: 1,
                });
            }
            for w in run.windows(2) {
                out.push(Token {
                    offset_from: w[0].0,
                    offset_to: w[1].0 + w[1].2,
                    position: out.len(),
                    text: [w[0].1, w[1].1].iter().collect(),
                    position_length: 1,
                });
            }
        } else {
            i += 1;
        }
    }
    out
}

impl Tokenizer for BilingualTokenizer {
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream { tokens: tokenize(text), next: 0 }
    }
}

#[derive(Debug, Clone, Copy)]
struct Fields {
    reference: Field,
    institution: Field,
    title: Field,
    body: Field,
    occurred: Field,
    trend: Field,
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    /// The incident's reference.
    pub reference: String,
    /// Reporting institution's code.
    pub institution: String,
    /// Accepted trend code at indexing time.
    pub trend: String,
    /// Title (both languages, as indexed).
    pub title: String,
    /// BM25 relevance.
    pub score: f32,
    /// Byte ranges of the matches within `title` (empty when the title did not match).
    pub title_highlights: Vec<(usize, usize)>,
    /// Title with matches in `<mark>…</mark>`, HTML-escaped (see [`highlight_html`]).
    pub title_html: String,
    /// The best fragment of the text with matches in `<mark>…</mark>`, HTML-escaped.
    pub snippet_html: String,
    /// The same fragment as plain text.
    pub snippet: String,
    /// Byte ranges of the matches within `snippet`.
    pub highlights: Vec<(usize, usize)>,
}

/// A page of search results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchPage {
    /// Matches in all pages.
    pub total: usize,
    /// This page, best first.
    pub hits: Vec<SearchHit>,
}

/// A similar incident.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimilarIncident {
    /// Its reference.
    pub reference: String,
    /// Its institution.
    pub institution: String,
    /// Its title.
    pub title: String,
    /// Its trend code.
    pub trend: String,
    /// Relevance to the incident's own most distinctive terms (BM25, higher is more similar).
    pub score: f32,
}

/// The incident search index.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").field("docs", &self.reader.searcher().num_docs()).finish()
    }
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let fields = Fields {
        reference: b.add_text_field("reference", STRING | STORED),
        institution: b.add_text_field("institution", STRING | STORED),
        title: b.add_text_field("title", text.clone()),
        body: b.add_text_field("body", text),
        occurred: b.add_i64_field("occurred", INDEXED | STORED),
        trend: b.add_text_field("trend", STRING | STORED),
    };
    (b.build(), fields)
}

/// Indexing memory budget: modest, the machine is shared.
const WRITER_MEMORY: usize = 64 * 1024 * 1024;

fn lock_err<T>(_: T) -> AnalysisError {
    AnalysisError::Search("index writer lock poisoned".into())
}

fn join_text(parts: &[&Option<String>]) -> String {
    parts.iter().filter_map(|p| p.as_deref()).collect::<Vec<_>>().join("\n")
}

/// The searchable text of an incident: title, and description + root cause in both languages.
pub fn incident_text(i: &Incident) -> (String, String) {
    let title = join_text(&[&i.title.ja, &i.title.en]);
    let body = join_text(&[&i.description.ja, &i.description.en, &i.root_cause]);
    (title, body)
}

impl SearchIndex {
    fn from_index(index: Index) -> Result<SearchIndex, AnalysisError> {
        index.tokenizers().register(TOKENIZER, TextAnalyzer::builder(BilingualTokenizer).build());
        let sch = index.schema();
        let fields = Fields {
            reference: sch.get_field("reference")?,
            institution: sch.get_field("institution")?,
            title: sch.get_field("title")?,
            body: sch.get_field("body")?,
            occurred: sch.get_field("occurred")?,
            trend: sch.get_field("trend")?,
        };
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let writer = index.writer(WRITER_MEMORY)?;
        Ok(SearchIndex { index, reader, writer: Mutex::new(writer), fields })
    }

    /// A new empty index in memory.
    pub fn in_ram() -> Result<SearchIndex, AnalysisError> {
        Self::from_index(Index::create_in_ram(schema().0))
    }

    /// Opens the index in `dir`, creating it (and the directory) if absent.
    pub fn open_or_create(dir: &Path) -> Result<SearchIndex, AnalysisError> {
        std::fs::create_dir_all(dir)?;
        let mmap = tantivy::directory::MmapDirectory::open(dir).map_err(|e| AnalysisError::Search(e.to_string()))?;
        Self::from_index(Index::open_or_create(mmap, schema().0)?)
    }

    /// Stages an incident (replacing any earlier version with the same reference). Visible after
    /// [`SearchIndex::commit`].
    pub fn upsert(&self, i: &Incident) -> Result<(), AnalysisError> {
        let f = self.fields;
        let (title, body) = incident_text(i);
        let mut doc = TantivyDocument::default();
        doc.add_text(f.reference, i.reference.as_str());
        doc.add_text(f.institution, i.institution.as_str());
        doc.add_text(f.title, &title);
        doc.add_text(f.body, &body);
        doc.add_i64(f.occurred, i.times.occurred_at().timestamp());
        doc.add_text(f.trend, i.classification.trend().code());
        let w = self.writer.lock().map_err(lock_err)?;
        w.delete_term(Term::from_field_text(f.reference, i.reference.as_str()));
        w.add_document(doc)?;
        Ok(())
    }

    /// Stages the removal of an incident.
    pub fn delete(&self, reference: &IncidentRef) -> Result<(), AnalysisError> {
        let w = self.writer.lock().map_err(lock_err)?;
        w.delete_term(Term::from_field_text(self.fields.reference, reference.as_str()));
        Ok(())
    }

    /// Makes staged changes durable and visible to searches.
    pub fn commit(&self) -> Result<(), AnalysisError> {
        self.writer.lock().map_err(lock_err)?.commit()?;
        self.reader.reload()?;
        Ok(())
    }

    /// Replaces the whole index with these incidents (for a rebuild from the register).
    pub fn rebuild<'a>(&self, incidents: impl IntoIterator<Item = &'a Incident>) -> Result<(), AnalysisError> {
        self.writer.lock().map_err(lock_err)?.delete_all_documents()?;
        for i in incidents {
            self.upsert(i)?;
        }
        self.commit()
    }

    /// Number of incidents searchable now.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Whether nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Searches titles and texts; all words must match (Japanese as a phrase of bigrams), titles
    /// weigh double. Syntax errors in the query are tolerated (the parsable part is searched).
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>, AnalysisError> {
        Ok(self.search_page(query, None, 0, limit)?.hits)
    }

    /// A page of search results among the incidents of `institutions` (`None`: all), with the
    /// number of matches in all pages.
    pub fn search_page(
        &self,
        query: &str,
        institutions: Option<&[String]>,
        offset: usize,
        limit: usize,
    ) -> Result<SearchPage, AnalysisError> {
        let f = self.fields;
        let mut parser = QueryParser::for_index(&self.index, vec![f.title, f.body]);
        parser.set_conjunction_by_default();
        parser.set_field_boost(f.title, 2.0);
        let (q, _errors) = parser.parse_query_lenient(query);
        let searcher = self.reader.searcher();
        let scoped: Box<dyn Query> = match institutions {
            None => q.box_clone(),
            Some([]) => return Ok(SearchPage { total: 0, hits: Vec::new() }),
            Some(codes) => Box::new(BooleanQuery::new(vec![
                (Occur::Must, q.box_clone()),
                (Occur::Must, self.institution_query(codes)),
            ])),
        };
        let (total, top) = searcher
            .search(&*scoped, &(Count, TopDocs::with_limit(limit.max(1)).and_offset(offset).order_by_score()))?;
        let mut body_snip = SnippetGenerator::create(&searcher, &*q, f.body)?;
        body_snip.set_max_num_chars(160);
        let title_snip = SnippetGenerator::create(&searcher, &*q, f.title)?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let s = body_snip.snippet_from_doc(&doc);
            let t = title_snip.snippet_from_doc(&doc);
            let title = first_text(&doc, f.title);
            // The title's highlights only when its snippet is the whole title (titles are short).
            let title_highlights = if !t.is_empty() && t.fragment() == title {
                t.highlighted().iter().map(|r| (r.start, r.end)).collect()
            } else {
                Vec::new()
            };
            let highlights: Vec<(usize, usize)> = s.highlighted().iter().map(|r| (r.start, r.end)).collect();
            hits.push(SearchHit {
                reference: first_text(&doc, f.reference),
                institution: first_text(&doc, f.institution),
                trend: first_text(&doc, f.trend),
                title_html: highlight_html(&title, &title_highlights),
                title,
                title_highlights,
                score,
                snippet_html: highlight_html(s.fragment(), &highlights),
                snippet: s.fragment().to_string(),
                highlights,
            });
        }
        Ok(SearchPage { total, hits })
    }

    /// Matches incidents of any of these institutions.
    fn institution_query(&self, codes: &[String]) -> Box<dyn Query> {
        let should: Vec<(Occur, Box<dyn Query>)> = codes
            .iter()
            .map(|c| {
                let q: Box<dyn Query> = Box::new(TermQuery::new(
                    Term::from_field_text(self.fields.institution, c),
                    IndexRecordOption::Basic,
                ));
                (Occur::Should, q)
            })
            .collect();
        Box::new(BooleanQuery::new(should))
    }

    /// Incidents most similar to this one (by its 30 most distinctive terms, TF-IDF against the
    /// index), itself excluded; with `past_only`, only those that occurred before it.
    pub fn similar(
        &self,
        incident: &Incident,
        limit: usize,
        past_only: bool,
    ) -> Result<Vec<SimilarIncident>, AnalysisError> {
        self.similar_in(incident, limit, past_only, None)
    }

    /// As [`SearchIndex::similar`], among the incidents of `institutions` only (`None`: all).
    pub fn similar_in(
        &self,
        incident: &Incident,
        limit: usize,
        past_only: bool,
        institutions: Option<&[String]>,
    ) -> Result<Vec<SimilarIncident>, AnalysisError> {
        if institutions.is_some_and(<[String]>::is_empty) {
            return Ok(Vec::new());
        }
        let f = self.fields;
        let searcher = self.reader.searcher();
        let (title, body) = incident_text(incident);
        let mut tf: HashMap<String, u32> = HashMap::new();
        for t in tokenize(&title).into_iter().chain(tokenize(&body)) {
            *tf.entry(t.text).or_insert(0) += 1;
        }
        let n = searcher.num_docs().max(1) as f64;
        let mut weighted: Vec<(Term, f64)> = Vec::new();
        for (text, c) in tf {
            let term = Term::from_field_text(f.body, &text);
            let df = searcher.doc_freq(&term)? as f64;
            if df == 0.0 {
                continue;
            }
            let idf = (n / (df + 1.0)).ln().max(0.0) + 1.0;
            weighted.push((term, (1.0 + f64::from(c).ln()) * idf));
        }
        weighted.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        weighted.truncate(30);
        if weighted.is_empty() {
            return Ok(Vec::new());
        }
        let should: Vec<(Occur, Box<dyn Query>)> = weighted
            .into_iter()
            .map(|(t, w)| {
                let q: Box<dyn Query> =
                    Box::new(BoostQuery::new(Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs)), w as f32));
                (Occur::Should, q)
            })
            .collect();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![
            (Occur::Must, Box::new(BooleanQuery::new(should))),
            (
                Occur::MustNot,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.reference, incident.reference.as_str()),
                    IndexRecordOption::Basic,
                )),
            ),
        ];
        if past_only {
            let before = Term::from_field_i64(f.occurred, incident.times.occurred_at().timestamp());
            clauses.push((Occur::Must, Box::new(RangeQuery::new(Bound::Unbounded, Bound::Excluded(before)))));
        }
        if let Some(codes) = institutions {
            clauses.push((Occur::Must, self.institution_query(codes)));
        }
        let q = BooleanQuery::new(clauses);
        let top = searcher.search(&q, &TopDocs::with_limit(limit.max(1)).order_by_score())?;
        let mut out = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr)?;
            out.push(SimilarIncident {
                reference: first_text(&doc, f.reference),
                institution: first_text(&doc, f.institution),
                title: first_text(&doc, f.title),
                trend: first_text(&doc, f.trend),
                score,
            });
        }
        Ok(out)
    }
}

fn first_text(doc: &TantivyDocument, field: Field) -> String {
    doc.get_first(field).and_then(|v| v.as_str()).unwrap_or_default().to_string()
}

/// `text` HTML-escaped, with the byte ranges `highlights` wrapped in `<mark>…</mark>`. Overlapping
/// or touching ranges merge (bigram matches overlap); ranges that run backwards, fall outside the
/// text or split a character are skipped, so the result is always well-formed and nothing in
/// `text` can become markup.
pub fn highlight_html(text: &str, highlights: &[(usize, usize)]) -> String {
    let mut ranges: Vec<(usize, usize)> =
        highlights.iter().copied().filter(|&(s, e)| s < e && text.get(s..e).is_some()).collect();
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (s, e) in ranges {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    let mut out = String::with_capacity(text.len() + 13 * merged.len());
    let mut at = 0;
    for (start, end) in merged {
        out.push_str(&html_escape(&text[at..start]));
        out.push_str("<mark>");
        out.push_str(&html_escape(&text[start..end]));
        out.push_str("</mark>");
        at = end;
    }
    out.push_str(&html_escape(&text[at..]));
    out
}

/// Escapes text for HTML.
pub fn html_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_keep_original_offsets() {
        let text = "ＡＴＭ停止、failed";
        let toks = tokenize(text);
        let texts: Vec<&str> = toks.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(texts, ["atm", "停止", "fail"]);
        assert_eq!(&text[toks[0].offset_from..toks[0].offset_to], "ＡＴＭ");
        assert_eq!(&text[toks[1].offset_from..toks[1].offset_to], "停止");
        let pos: Vec<usize> = toks.iter().map(|t| t.position).collect();
        assert_eq!(pos, [0, 1, 2]);
    }

    #[test]
    fn highlighting_escapes_everything_but_its_own_marks() {
        let text = "<script>alert('x')</script> & ATM停止";
        let at = text.find("ATM").unwrap();
        let html = highlight_html(text, &[(at, at + 3), (0, 200), (at + 1, at + 2), (5, 3)]);
        assert_eq!(html, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; <mark>ATM</mark>停止");
        // A range splitting a multi-byte character is skipped, not a panic.
        let ja = "停止";
        assert_eq!(highlight_html(ja, &[(1, 3)]), "停止");
    }

    #[test]
    fn single_cjk_char_is_a_unigram() {
        let toks = tokenize("系 システム");
        let texts: Vec<&str> = toks.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(texts, ["系", "シス", "ステ", "テム"]);
    }
}

#[cfg(test)]
mod index_tests {
    use super::*;
    use crate::fixtures::incident;

    fn corpus() -> Vec<Incident> {
        vec![
            incident(
                "A-1",
                "BANK-A",
                "2024-05-01T09:00:00+09:00",
                "operations.storage",
                "ATM停止",
                "夜間バッチでディスク容量不足となりシステム障害が発生した。",
                Some("ログ領域の監視不足"),
                &["CORE"],
            ),
            incident(
                "A-2",
                "BANK-A",
                "2024-06-01T09:00:00+09:00",
                "cyber.ddos",
                "ネットバンキング接続障害",
                "DDoS攻撃によりインターネットバンキングがつながりにくくなった。",
                None,
                &["IB"],
            ),
            incident(
                "B-1",
                "BANK-B",
                "2024-07-01T09:00:00+09:00",
                "operations.storage",
                "Batch abort",
                "The overnight batch failed: disk full on the batch server.",
                Some("no disk usage alert"),
                &["CORE"],
            ),
            incident(
                "B-2",
                "BANK-B",
                "2024-08-01T09:00:00+09:00",
                "operations.storage",
                "入金遅延",
                "ディスク容量不足で夜間バッチが異常終了し、入金処理が遅延した。",
                None,
                &["CORE"],
            ),
        ]
    }

    #[test]
    fn finds_japanese_and_english_with_highlights() {
        let idx = SearchIndex::in_ram().unwrap();
        idx.rebuild(corpus().iter()).unwrap();
        assert_eq!(idx.len(), 4);
        let hits = idx.search("システム障害", 10).unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].reference, "A-1");
        assert!(hits[0].snippet_html.contains("<mark>"), "{}", hits[0].snippet_html);
        let hits = idx.search("ＤＤｏＳ", 10).unwrap();
        assert_eq!(hits.iter().map(|h| h.reference.as_str()).collect::<Vec<_>>(), ["A-2"]);
        let hits = idx.search("disk", 10).unwrap();
        assert_eq!(hits[0].reference, "B-1");
        let hits = idx.search("容量不足", 10).unwrap();
        let mut refs: Vec<_> = hits.iter().map(|h| h.reference.as_str()).collect();
        refs.sort();
        assert_eq!(refs, ["A-1", "B-2"]);
        // A broken query does not fail the search box.
        assert!(idx.search("DDoS (", 10).is_ok());
    }

    #[test]
    fn search_pages_and_scopes_by_institution() {
        let idx = SearchIndex::in_ram().unwrap();
        idx.rebuild(corpus().iter()).unwrap();
        let all = idx.search_page("容量不足", None, 0, 10).unwrap();
        assert_eq!(all.total, 2);
        let first = idx.search_page("容量不足", None, 0, 1).unwrap();
        let second = idx.search_page("容量不足", None, 1, 1).unwrap();
        assert_eq!((first.total, second.total), (2, 2));
        assert_eq!(first.hits.len() + second.hits.len(), 2);
        assert_ne!(first.hits[0].reference, second.hits[0].reference);
        let b = idx.search_page("容量不足", Some(&["BANK-B".to_string()]), 0, 10).unwrap();
        assert_eq!(b.total, 1);
        assert_eq!(b.hits[0].reference, "B-2");
        assert_eq!(idx.search_page("容量不足", Some(&[]), 0, 10).unwrap().total, 0);
        let c = corpus();
        let sim = idx.similar_in(&c[3], 3, false, Some(&["BANK-B".to_string()])).unwrap();
        assert!(sim.iter().all(|s| s.institution == "BANK-B"), "{sim:?}");
        // A match in the title is highlighted there.
        let t = idx.search_page("入金遅延", None, 0, 10).unwrap();
        assert_eq!(t.hits[0].title_html, "<mark>入金遅延</mark>");
    }

    #[test]
    fn rebuilding_a_used_index_keeps_every_incident() {
        let idx = SearchIndex::in_ram().unwrap();
        let c = corpus();
        idx.rebuild(c.iter()).unwrap();
        idx.delete(&c[1].reference).unwrap();
        idx.commit().unwrap();
        idx.upsert(&c[2]).unwrap();
        idx.commit().unwrap();
        idx.rebuild(c.iter()).unwrap();
        assert_eq!(idx.len(), 4);
        idx.rebuild(c.iter().take(3)).unwrap();
        assert_eq!(idx.len(), 3);
        // The order of operations the register's catch-up makes before a bulk import.
        let idx = SearchIndex::in_ram().unwrap();
        idx.rebuild([&c[0], &c[2]]).unwrap();
        idx.upsert(&c[0]).unwrap();
        idx.commit().unwrap();
        idx.upsert(&c[1]).unwrap();
        idx.commit().unwrap();
        idx.delete(&c[1].reference).unwrap();
        idx.commit().unwrap();
        idx.rebuild([&c[0], &c[2], &c[3]]).unwrap();
        assert_eq!(idx.len(), 3);
    }

    #[test]
    fn upsert_replaces_and_delete_removes() {
        let idx = SearchIndex::in_ram().unwrap();
        let mut c = corpus();
        idx.rebuild(c.iter()).unwrap();
        c[1].description.ja = Some("ランサムウェアに感染した".into());
        idx.upsert(&c[1]).unwrap();
        idx.commit().unwrap();
        assert_eq!(idx.len(), 4);
        assert!(idx.search("DDoS攻撃", 10).unwrap().is_empty());
        assert_eq!(idx.search("ランサムウェア", 10).unwrap().len(), 1);
        idx.delete(&c[1].reference).unwrap();
        idx.commit().unwrap();
        assert_eq!(idx.len(), 3);
        assert!(idx.search("ランサムウェア", 10).unwrap().is_empty());
    }

    #[test]
    fn similar_prefers_same_cause_and_respects_past_only() {
        let idx = SearchIndex::in_ram().unwrap();
        let c = corpus();
        idx.rebuild(c.iter()).unwrap();
        let sim = idx.similar(&c[3], 3, false).unwrap();
        assert_eq!(sim[0].reference, "A-1", "{sim:?}");
        assert!(sim.iter().all(|s| s.reference != "B-2"));
        let past = idx.similar(&c[0], 3, true).unwrap();
        assert!(past.is_empty(), "{past:?}");
    }

    #[test]
    fn directory_index_survives_reopen() {
        let dir = tempfile::tempdir().unwrap();
        {
            let idx = SearchIndex::open_or_create(dir.path()).unwrap();
            idx.rebuild(corpus().iter()).unwrap();
        }
        let idx = SearchIndex::open_or_create(dir.path()).unwrap();
        assert_eq!(idx.len(), 4);
        assert_eq!(idx.search("入金", 5).unwrap()[0].reference, "B-2");
    }
}
