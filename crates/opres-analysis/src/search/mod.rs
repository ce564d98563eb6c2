//! Full-text search over incidents in Japanese and English, with highlighted snippets, and
//! "similar past incidents".
//!
//! One analyser handles both languages without a dictionary: runs of ASCII letters/digits become
//! lower-cased, lightly stemmed words; runs of kanji/kana become overlapping character bigrams
//! (a one-character run stays a unigram). Width variants fold (`ＡＴＭ` = `atm`). A Japanese word
//! therefore becomes a phrase of bigrams, so `システム障害` matches that exact string and not
//! `システム` and `障害` far apart.
//!
//! Queries ([`query`]): every word must match, each with the synonyms of the curated bilingual
//! lexicon ([`lexicon`], `data/search-synonyms.txt`), which the page returns so front ends can
//! show them; `"quoted phrases"` match exactly; Japanese typed without spaces is cut on the
//! lexicon's terms; a query that is an incident reference puts that incident first. Clauses that
//! rule a symptom out ([`negation`]) are indexed apart with little weight. Filters and facet counts
//! cover fiscal year, institution, trigger, trend, cyber and channel.
//!
//! The index lives in RAM or in a directory; the caller keeps it in step with the register by
//! [`SearchIndex::upsert`] / [`SearchIndex::delete`] + [`SearchIndex::commit`].

pub mod lexicon;
pub mod negation;
pub mod query;

use crate::error::AnalysisError;
use crate::text::{fold_char, is_cjk, stem};
use lexicon::Lexicon;
use negation::NegationCues;
use opres_domain::{Channel, FiscalYear, Incident, IncidentRef, InstitutionCode, Trend, Trigger, html};
use query::{Expansion, Node, QueryPlan};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;
use std::path::Path;
use std::sync::Mutex;
use tantivy::collector::{Count, FacetCollector, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, EmptyQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{
    FAST, Facet, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
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
    negated: Field,
    occurred: Field,
    trend: Field,
    fiscal_year: Field,
    facet: Field,
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
    /// Fiscal year (April–March, JST) the incident occurred in.
    pub fiscal_year: i32,
    /// Whether this is the incident whose reference the query is.
    pub exact_reference: bool,
    /// Whether the words were found only where the text rules them out ("the disk was fine");
    /// such hits rank below the others and the snippet shows the denial.
    pub negated_only: bool,
}

/// Narrows a search; an empty list means "any". Values within one facet are alternatives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchFilters {
    /// Fiscal years.
    pub fiscal_years: Vec<FiscalYear>,
    /// Reporting institutions (within the caller's scope, which applies on top).
    pub institutions: Vec<InstitutionCode>,
    /// Triggers (端緒).
    pub triggers: Vec<Trigger>,
    /// Primary trends.
    pub trends: Vec<Trend>,
    /// Cyber attack or not.
    pub cyber: Option<bool>,
    /// Channels affected (any of them).
    pub channels: Vec<Channel>,
}

/// One search: the query, filters, the caller's institution scope and the page wanted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchRequest {
    /// What the user typed.
    pub query: String,
    /// Facet filters.
    pub filters: SearchFilters,
    /// The institutions the caller may see (`None`: all); applied before everything else.
    pub scope: Option<Vec<String>>,
    /// Results to skip.
    pub offset: usize,
    /// Results to return.
    pub limit: usize,
}

/// A facet's value and how many matching incidents have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetCount {
    /// The value's code (`2024`, `BANK-A`, `operations.storage`, `true`, `atm` …).
    pub value: String,
    /// Matching incidents with it.
    pub count: u64,
}

/// Counts per facet value among the matches. Each facet is counted with the other facets'
/// filters applied but not its own, so a chosen value's alternatives stay visible.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SearchFacets {
    /// By fiscal year, oldest first.
    pub fiscal_year: Vec<FacetCount>,
    /// By institution code.
    pub institution: Vec<FacetCount>,
    /// By trigger code.
    pub trigger: Vec<FacetCount>,
    /// By trend code.
    pub trend: Vec<FacetCount>,
    /// Cyber attack (`true`) or not (`false`).
    pub cyber: Vec<FacetCount>,
    /// By channel code (an incident counts once for each channel it affected).
    pub channel: Vec<FacetCount>,
}

/// A page of search results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchPage {
    /// Matches in all pages.
    pub total: usize,
    /// This page, best first.
    pub hits: Vec<SearchHit>,
    /// Synonyms searched too ("also searched: …" / 「同義語でも検索: …」).
    pub expansions: Vec<Expansion>,
    /// The incident whose reference the query is, when there is one in scope (it is the first hit
    /// of the first page).
    pub exact_reference: Option<String>,
    /// Counts per facet among the matches.
    pub facets: SearchFacets,
}

impl SearchPage {
    fn empty() -> SearchPage {
        SearchPage {
            total: 0,
            hits: Vec::new(),
            expansions: Vec::new(),
            exact_reference: None,
            facets: SearchFacets::default(),
        }
    }
}

/// What the engine does beyond plain word matching; both on by default. Off only to measure
/// what each contributes (`bench/analysis/run-relevance`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchOptions {
    /// Expand words with the lexicon's synonyms.
    pub synonyms: bool,
    /// Index clauses that rule a symptom out apart, with little weight.
    pub negation: bool,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions { synonyms: true, negation: true }
    }
}

/// Field weights: the title counts double; a denied mention counts little, so it ranks below an
/// affirmed one but is still found.
const TITLE_BOOST: f32 = 2.0;
const NEGATED_BOOST: f32 = 0.1;

/// Facet dimensions, in [`SearchFacets`] order.
const DIMENSIONS: [&str; 6] = ["fy", "institution", "trigger", "trend", "cyber", "channel"];

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
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    options: SearchOptions,
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
        body: b.add_text_field("body", text.clone()),
        negated: b.add_text_field("negated", text),
        occurred: b.add_i64_field("occurred", INDEXED | STORED),
        trend: b.add_text_field("trend", STRING | STORED),
        fiscal_year: b.add_i64_field("fiscal_year", STORED | FAST),
        facet: b.add_facet_field("facet", FacetOptions::default()),
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

fn facet(dimension: &str, value: &str) -> Facet {
    Facet::from_path([dimension, value])
}

impl SearchIndex {
    fn from_index(index: Index, options: SearchOptions) -> Result<SearchIndex, AnalysisError> {
        index.tokenizers().register(TOKENIZER, TextAnalyzer::builder(BilingualTokenizer).build());
        let sch = index.schema();
        let fields = Fields {
            reference: sch.get_field("reference")?,
            institution: sch.get_field("institution")?,
            title: sch.get_field("title")?,
            body: sch.get_field("body")?,
            negated: sch.get_field("negated")?,
            occurred: sch.get_field("occurred")?,
            trend: sch.get_field("trend")?,
            fiscal_year: sch.get_field("fiscal_year")?,
            facet: sch.get_field("facet")?,
        };
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let writer = index.writer(WRITER_MEMORY)?;
        Ok(SearchIndex { reader, writer: Mutex::new(writer), fields, options })
    }

    /// A new empty index in memory.
    pub fn in_ram() -> Result<SearchIndex, AnalysisError> {
        Self::in_ram_with(SearchOptions::default())
    }

    /// A new empty index in memory with some of the engine's behaviour off (for measuring it).
    pub fn in_ram_with(options: SearchOptions) -> Result<SearchIndex, AnalysisError> {
        Self::from_index(Index::create_in_ram(schema().0), options)
    }

    /// Opens the index in `dir`, creating it (and the directory) if absent. An index written by an
    /// earlier version (another schema) is an error: rebuild it into an empty directory.
    pub fn open_or_create(dir: &Path) -> Result<SearchIndex, AnalysisError> {
        std::fs::create_dir_all(dir)?;
        let mmap = tantivy::directory::MmapDirectory::open(dir).map_err(|e| AnalysisError::Search(e.to_string()))?;
        Self::from_index(Index::open_or_create(mmap, schema().0)?, SearchOptions::default())
    }

    /// Stages an incident (replacing any earlier version with the same reference). Visible after
    /// [`SearchIndex::commit`].
    pub fn upsert(&self, i: &Incident) -> Result<(), AnalysisError> {
        let f = self.fields;
        let (title, body) = incident_text(i);
        let (affirmed, negated) =
            if self.options.negation { NegationCues::builtin().split(&body) } else { (body, String::new()) };
        let fy = FiscalYear::of(&i.times.occurred_at()).0;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.reference, i.reference.as_str());
        doc.add_text(f.institution, i.institution.as_str());
        doc.add_text(f.title, &title);
        doc.add_text(f.body, &affirmed);
        doc.add_text(f.negated, &negated);
        doc.add_i64(f.occurred, i.times.occurred_at().timestamp());
        doc.add_text(f.trend, i.classification.trend().code());
        doc.add_i64(f.fiscal_year, i64::from(fy));
        doc.add_facet(f.facet, facet("fy", &fy.to_string()));
        doc.add_facet(f.facet, facet("institution", i.institution.as_str()));
        doc.add_facet(f.facet, facet("trigger", i.classification.trigger().code()));
        doc.add_facet(f.facet, facet("trend", i.classification.trend().code()));
        doc.add_facet(f.facet, facet("cyber", if i.cyber_attack { "true" } else { "false" }));
        for c in &i.channels {
            doc.add_facet(f.facet, facet("channel", c.code()));
        }
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

    /// Searches titles and texts; every word must match (with its synonyms; Japanese as a phrase
    /// of bigrams), titles weigh double. No input is a syntax error.
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
        self.search_request(&SearchRequest {
            query: query.to_string(),
            filters: SearchFilters::default(),
            scope: institutions.map(<[String]>::to_vec),
            offset,
            limit,
        })
    }

    /// How a query is understood: what must match and the synonyms used.
    pub fn plan(&self, query: &str) -> QueryPlan {
        query::plan(query, self.options.synonyms.then(Lexicon::builtin))
    }

    /// A page of results for a request: query, filters, scope; with facet counts and the synonyms
    /// searched. An empty query matches every incident (to browse by facets).
    pub fn search_request(&self, req: &SearchRequest) -> Result<SearchPage, AnalysisError> {
        if req.scope.as_ref().is_some_and(Vec::is_empty) {
            return Ok(SearchPage::empty());
        }
        let f = self.fields;
        let plan = self.plan(&req.query);
        let text: Box<dyn Query> = match &plan.root {
            Some(node) => self.node_query(node),
            None => Box::new(AllQuery),
        };
        let searcher = self.reader.searcher();
        // The incident the query names, if it is in scope and passes the filters.
        let exact = match &plan.reference {
            Some(r) => {
                let q = self.filtered(self.reference_query(r), req, None);
                searcher.search(&*q, &TopDocs::with_limit(1).order_by_score())?.first().map(|(_, a)| *a)
            }
            None => None,
        };
        let matching: Box<dyn Query> = match exact {
            // The reference itself matches too, so it is counted and found by the facets.
            Some(_) => Box::new(BooleanQuery::new(vec![
                (Occur::Should, text.box_clone()),
                (Occur::Should, self.reference_query(plan.reference.as_deref().unwrap_or_default())),
            ])),
            None => text.box_clone(),
        };
        let main = self.filtered(matching.box_clone(), req, None);
        let limit = req.limit.max(1);
        // One more than needed so the exact hit can be moved to the front without losing one.
        let (total, top) = searcher
            .search(&*main, &(Count, TopDocs::with_limit(limit + 1).and_offset(req.offset).order_by_score()))?;
        let mut addrs: Vec<(f32, tantivy::DocAddress)> = top;
        if let Some(a) = exact {
            addrs.retain(|(_, x)| *x != a);
            if req.offset == 0 {
                addrs.insert(0, (f32::MAX, a));
            }
        }
        addrs.truncate(limit);

        let mut body_snip = SnippetGenerator::create(&searcher, &*text, f.body)?;
        body_snip.set_max_num_chars(160);
        let mut negated_snip = SnippetGenerator::create(&searcher, &*text, f.negated)?;
        negated_snip.set_max_num_chars(160);
        let title_snip = SnippetGenerator::create(&searcher, &*text, f.title)?;
        let mut hits = Vec::with_capacity(addrs.len());
        for (score, addr) in addrs {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let body = body_snip.snippet_from_doc(&doc);
            let t = title_snip.snippet_from_doc(&doc);
            let title = first_text(&doc, f.title);
            // The title's highlights only when its snippet is the whole title (titles are short).
            let title_highlights: Vec<(usize, usize)> = if !t.is_empty() && t.fragment() == title {
                t.highlighted().iter().map(|r| (r.start, r.end)).collect()
            } else {
                Vec::new()
            };
            let reference = first_text(&doc, f.reference);
            let exact_reference = exact == Some(addr);
            let negated_only =
                body.highlighted().is_empty() && title_highlights.is_empty() && !exact_reference && plan.root.is_some();
            let s = if negated_only { negated_snip.snippet_from_doc(&doc) } else { body };
            let highlights: Vec<(usize, usize)> = s.highlighted().iter().map(|r| (r.start, r.end)).collect();
            let fiscal_year =
                doc.get_first(f.fiscal_year).and_then(|v| v.as_i64()).and_then(|y| i32::try_from(y).ok()).unwrap_or(0);
            hits.push(SearchHit {
                reference,
                institution: first_text(&doc, f.institution),
                trend: first_text(&doc, f.trend),
                title_html: highlight_html(&title, &title_highlights),
                title,
                title_highlights,
                score: if exact_reference { 0.0 } else { score },
                snippet_html: highlight_html(s.fragment(), &highlights),
                snippet: s.fragment().to_string(),
                highlights,
                fiscal_year,
                exact_reference,
                negated_only,
            });
        }
        let facets = self.facets(&searcher, &*matching, req)?;
        let exact_reference =
            exact.and_then(|a| searcher.doc::<TantivyDocument>(a).ok()).map(|d| first_text(&d, f.reference));
        Ok(SearchPage { total, hits, expansions: plan.expansions, exact_reference, facets })
    }

    /// Facet counts: one pass for the dimensions without a filter, one for each filtered dimension
    /// (counted without its own filter).
    fn facets(
        &self,
        searcher: &tantivy::Searcher,
        matching: &dyn Query,
        req: &SearchRequest,
    ) -> Result<SearchFacets, AnalysisError> {
        let filtered: Vec<&str> =
            DIMENSIONS.iter().copied().filter(|d| !self.filter_clauses(req, d).is_empty()).collect();
        let mut counts: BTreeMap<&str, Vec<FacetCount>> = BTreeMap::new();
        let mut passes: Vec<(Option<&str>, Vec<&str>)> =
            vec![(None, DIMENSIONS.iter().copied().filter(|d| !filtered.contains(d)).collect())];
        passes.extend(filtered.iter().map(|d| (Some(*d), vec![*d])));
        for (except, dims) in passes {
            if dims.is_empty() {
                continue;
            }
            let q = self.filtered(matching.box_clone(), req, except);
            let mut collector = FacetCollector::for_field("facet");
            for d in &dims {
                collector.add_facet(Facet::from_path([*d]));
            }
            let found = searcher.search(&*q, &collector)?;
            for d in dims {
                let root = Facet::from_path([d]);
                let list = found
                    .get(root)
                    .map(|(facet, count)| FacetCount {
                        value: facet.to_path().last().map(|s| (*s).to_string()).unwrap_or_default(),
                        count,
                    })
                    .collect();
                counts.insert(d, list);
            }
        }
        let mut take = |d: &str| counts.remove(d).unwrap_or_default();
        let mut fiscal_year = take("fy");
        fiscal_year.sort_by_key(|c| c.value.parse::<i32>().unwrap_or(0));
        Ok(SearchFacets {
            fiscal_year,
            institution: take("institution"),
            trigger: take("trigger"),
            trend: take("trend"),
            cyber: take("cyber"),
            channel: take("channel"),
        })
    }

    /// The filter values of one facet dimension, as facet terms.
    fn filter_clauses(&self, req: &SearchRequest, dimension: &str) -> Vec<Facet> {
        let fl = &req.filters;
        let values: Vec<String> = match dimension {
            "fy" => fl.fiscal_years.iter().map(|y| y.0.to_string()).collect(),
            "institution" => fl.institutions.iter().map(|c| c.as_str().to_string()).collect(),
            "trigger" => fl.triggers.iter().map(|t| t.code().to_string()).collect(),
            "trend" => fl.trends.iter().map(|t| t.code().to_string()).collect(),
            "cyber" => fl.cyber.iter().map(|c| c.to_string()).collect(),
            "channel" => fl.channels.iter().map(|c| c.code().to_string()).collect(),
            _ => Vec::new(),
        };
        values.iter().map(|v| facet(dimension, v)).collect()
    }

    /// `q` within the request's scope and filters, leaving out the filter of `except`.
    fn filtered(&self, q: Box<dyn Query>, req: &SearchRequest, except: Option<&str>) -> Box<dyn Query> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, q)];
        if let Some(codes) = &req.scope {
            clauses.push((Occur::Must, self.institution_query(codes)));
        }
        for d in DIMENSIONS {
            if Some(d) == except {
                continue;
            }
            let values = self.filter_clauses(req, d);
            if values.is_empty() {
                continue;
            }
            let any: Vec<(Occur, Box<dyn Query>)> = values
                .iter()
                .map(|v| {
                    let t: Box<dyn Query> =
                        Box::new(TermQuery::new(Term::from_facet(self.fields.facet, v), IndexRecordOption::Basic));
                    (Occur::Should, t)
                })
                .collect();
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        if clauses.len() == 1 {
            clauses.pop().map_or_else(|| Box::new(EmptyQuery) as Box<dyn Query>, |(_, q)| q)
        } else {
            Box::new(BooleanQuery::new(clauses))
        }
    }

    /// The incident with this reference (as typed, or upper-cased).
    fn reference_query(&self, reference: &str) -> Box<dyn Query> {
        let mut forms = vec![reference.to_string()];
        let upper = reference.to_ascii_uppercase();
        if upper != reference {
            forms.push(upper);
        }
        let should: Vec<(Occur, Box<dyn Query>)> = forms
            .iter()
            .map(|r| {
                let q: Box<dyn Query> =
                    Box::new(TermQuery::new(Term::from_field_text(self.fields.reference, r), IndexRecordOption::Basic));
                (Occur::Should, q)
            })
            .collect();
        Box::new(BooleanQuery::new(should))
    }

    /// The tantivy query of a plan node over title, affirmed text and denied text.
    fn node_query(&self, node: &Node) -> Box<dyn Query> {
        let f = self.fields;
        match node {
            Node::Tokens { tokens, weight } => {
                let fields = [(f.title, TITLE_BOOST), (f.body, 1.0), (f.negated, NEGATED_BOOST)];
                let should: Vec<(Occur, Box<dyn Query>)> = fields
                    .iter()
                    .map(|&(field, boost)| {
                        let q: Box<dyn Query> = match tokens.as_slice() {
                            [one] => Box::new(TermQuery::new(
                                Term::from_field_text(field, one),
                                IndexRecordOption::WithFreqsAndPositions,
                            )),
                            many => Box::new(PhraseQuery::new(
                                many.iter().map(|t| Term::from_field_text(field, t)).collect(),
                            )),
                        };
                        (Occur::Should, Box::new(BoostQuery::new(q, boost * weight)) as Box<dyn Query>)
                    })
                    .collect();
                Box::new(BooleanQuery::new(should))
            }
            Node::All(children) => {
                Box::new(BooleanQuery::new(children.iter().map(|c| (Occur::Must, self.node_query(c))).collect()))
            }
            Node::Any(children) => {
                Box::new(BooleanQuery::new(children.iter().map(|c| (Occur::Should, self.node_query(c))).collect()))
            }
        }
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
        out.push_str(&html::escape(&text[at..start]));
        out.push_str("<mark>");
        out.push_str(&html::escape(&text[start..end]));
        out.push_str("</mark>");
        at = end;
    }
    out.push_str(&html::escape(&text[at..]));
    out
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

    /// A register where "disk" is reported by two incidents and denied by two others.
    fn negation_corpus() -> Vec<Incident> {
        vec![
            incident(
                "N-1",
                "BANK-A",
                "2024-05-01T09:00:00+09:00",
                "operations.redundancy",
                "Online banking down",
                "The primary database server hung and did not fail over. Free disk space and the log area were fine.",
                None,
                &["IB"],
            ),
            incident(
                "N-2",
                "BANK-A",
                "2024-05-02T09:00:00+09:00",
                "operations.storage",
                "Batch stopped",
                "The overnight batch stopped when the disk filled up with temporary files.",
                None,
                &["CORE"],
            ),
            incident(
                "N-3",
                "BANK-B",
                "2024-05-03T09:00:00+09:00",
                "operations.redundancy",
                "ATM停止",
                "待機系への切替ができずATMが停止した。ディスクの空き領域やログ領域に問題はなかった。",
                None,
                &["ATM"],
            ),
            incident(
                "N-4",
                "BANK-B",
                "2024-05-04T09:00:00+09:00",
                "operations.storage",
                "入金遅延",
                "ディスクの空き領域がなくなり、入金処理が遅延した。",
                None,
                &["CORE"],
            ),
        ]
    }

    #[test]
    fn a_denied_mention_ranks_below_a_reported_one() {
        let idx = SearchIndex::in_ram().unwrap();
        idx.rebuild(negation_corpus().iter()).unwrap();
        for (query, affirmed, denied) in [("disk", "N-2", "N-1"), ("ディスク", "N-4", "N-3")] {
            let hits = idx.search(query, 10).unwrap();
            let pos = |r: &str| hits.iter().position(|h| h.reference == r);
            let (a, d) = (pos(affirmed), pos(denied));
            assert!(a.is_some() && d.is_some(), "{query}: both are found: {hits:?}");
            assert!(a < d, "{query}: {hits:?}");
            assert!(hits[d.unwrap_or(0)].negated_only && !hits[a.unwrap_or(0)].negated_only);
            assert!(hits[d.unwrap_or(0)].snippet_html.contains("<mark>"), "the denial is shown");
        }
        // Without the negation index, the denial is an ordinary mention (what the bench compares).
        let plain = SearchIndex::in_ram_with(SearchOptions { negation: false, synonyms: true }).unwrap();
        plain.rebuild(negation_corpus().iter()).unwrap();
        assert!(plain.search("disk", 10).unwrap().iter().all(|h| !h.negated_only));
    }

    #[test]
    fn the_readme_query_finds_storage_through_synonyms() {
        let idx = SearchIndex::in_ram().unwrap();
        idx.rebuild(corpus().iter().chain(negation_corpus().iter())).unwrap();
        let page = idx.search_page("記憶領域 枯渇", None, 0, 10).unwrap();
        assert!(!page.hits.is_empty(), "{page:?}");
        assert!(page.hits.iter().take(3).all(|h| h.trend == "operations.storage"), "{page:?}");
        assert_eq!(page.expansions.len(), 2);
        // The plain engine finds nothing: no text says 枯渇.
        let plain = SearchIndex::in_ram_with(SearchOptions { negation: true, synonyms: false }).unwrap();
        plain.rebuild(corpus().iter()).unwrap();
        assert!(plain.search("記憶領域 枯渇", 10).unwrap().is_empty());
        // English phrasing of the same, and a quoted phrase that is not in any text.
        assert!(idx.search("disk full", 10).unwrap().iter().any(|h| h.reference == "B-1"));
        assert!(idx.search("\"disk full\"", 10).unwrap().iter().all(|h| h.reference == "B-1"));
        assert!(idx.search("\"full disk\"", 10).unwrap().is_empty());
    }

    #[test]
    fn a_reference_goes_straight_to_its_incident() {
        let idx = SearchIndex::in_ram().unwrap();
        idx.rebuild(corpus().iter()).unwrap();
        let page = idx.search_page("b-2", None, 0, 10).unwrap();
        assert_eq!(page.exact_reference.as_deref(), Some("B-2"));
        assert_eq!(page.hits[0].reference, "B-2");
        assert!(page.hits[0].exact_reference);
        // Out of scope it is not found.
        let out = idx.search_page("B-2", Some(&["BANK-A".to_string()]), 0, 10).unwrap();
        assert_eq!(out.exact_reference, None);
        assert!(out.hits.iter().all(|h| h.reference != "B-2"));
    }

    #[test]
    fn filters_narrow_and_facets_count() {
        let idx = SearchIndex::in_ram().unwrap();
        idx.rebuild(corpus().iter().chain(negation_corpus().iter())).unwrap();
        let all = idx.search_request(&SearchRequest { query: "disk".into(), limit: 20, ..Default::default() }).unwrap();
        let count = |fs: &[FacetCount], v: &str| fs.iter().find(|c| c.value == v).map_or(0, |c| c.count);
        let storage = count(&all.facets.trend, "operations.storage");
        assert_eq!(
            storage as usize,
            all.hits.iter().filter(|h| h.trend == "operations.storage").count(),
            "{:?}",
            all.facets
        );
        assert_eq!(all.facets.fiscal_year.iter().map(|c| c.count).sum::<u64>() as usize, all.total);
        let mut req = SearchRequest { query: "disk".into(), limit: 20, ..Default::default() };
        req.filters.trends = vec![Trend::OperationsStorage];
        req.filters.institutions = vec![InstitutionCode::parse("BANK-B").unwrap()];
        let narrowed = idx.search_request(&req).unwrap();
        assert!(narrowed.total >= 1 && narrowed.total < all.total, "{narrowed:?}");
        assert!(narrowed.hits.iter().all(|h| h.trend == "operations.storage" && h.institution == "BANK-B"));
        // A filtered facet still shows its alternatives (counted without its own filter) …
        assert!(narrowed.facets.trend.iter().any(|c| c.value != "operations.storage"), "{:?}", narrowed.facets);
        // … and the others are counted within the filters.
        assert_eq!(narrowed.facets.cyber.iter().map(|c| c.count).sum::<u64>() as usize, narrowed.total);
        req.filters.cyber = Some(true);
        assert_eq!(idx.search_request(&req).unwrap().total, 0);
        // An empty query browses by facets.
        let browse = idx.search_request(&SearchRequest { limit: 5, ..Default::default() }).unwrap();
        assert_eq!(browse.total, 8);
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
        // B-1 says "disk full", a synonym.
        assert_eq!(refs, ["A-1", "B-1", "B-2"]);
        // A broken query does not fail the search box.
        assert!(idx.search("DDoS (", 10).is_ok());
    }

    #[test]
    fn search_pages_and_scopes_by_institution() {
        let idx = SearchIndex::in_ram().unwrap();
        idx.rebuild(corpus().iter()).unwrap();
        let all = idx.search_page("\"容量不足\"", None, 0, 10).unwrap();
        assert_eq!(all.total, 2);
        let first = idx.search_page("\"容量不足\"", None, 0, 1).unwrap();
        let second = idx.search_page("\"容量不足\"", None, 1, 1).unwrap();
        assert_eq!((first.total, second.total), (2, 2));
        assert_eq!(first.hits.len() + second.hits.len(), 2);
        assert_ne!(first.hits[0].reference, second.hits[0].reference);
        let b = idx.search_page("\"容量不足\"", Some(&["BANK-B".to_string()]), 0, 10).unwrap();
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
