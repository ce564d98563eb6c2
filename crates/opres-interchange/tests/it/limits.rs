//! Limits on what comes in and what goes out: exports never fail on long stored text, and
//! workbooks that unpack huge are refused before they are unpacked.

use opres_domain::{DataSet, IncidentRecord, Lang};
use opres_interchange::xlsx_limits::{CELL_CHARS_MAX, CELLS_MAX, UNPACKED_MAX};
use opres_interchange::{HeaderLang, Issue, ReadError, read_bytes, xlsx_bytes};
use std::io::{Cursor, Read, Write};

fn incident() -> opres_domain::Incident {
    IncidentRecord {
        reference: "INC-1".into(),
        institution: "BANK-A".into(),
        title_ja: Some("ATM停止".into()),
        occurred_at: "2024-05-01T09:00:00+09:00".into(),
        detected_at: "2024-05-01T09:05:00+09:00".into(),
        ..Default::default()
    }
    .validate()
    .unwrap()
}

fn sheet_xml(bytes: &[u8], part: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    zip.by_name(part).unwrap().read_to_string(&mut s).unwrap();
    s
}

#[test]
fn a_stored_40000_character_field_is_exported_cut_with_a_marker_and_a_note() {
    // Stored before the register had limits: built past validation, as the store reads it back.
    let mut i = incident();
    i.description.ja = Some("障".repeat(40_000));
    i.timeline.push(opres_domain::TimelineEntry { at: i.times.detected_at(), text: "x".repeat(50_000) });
    let data = DataSet { incidents: vec![i], ..Default::default() };
    for lang in [HeaderLang::En, HeaderLang::Ja] {
        let bytes = xlsx_bytes(&data, lang).expect("an export never fails on stored data");
        let incidents = sheet_xml(&bytes, "xl/worksheets/sheet1.xml");
        assert!(incidents.contains("…[truncated: 40000 chars]"), "marker in the cell");
        let timeline = sheet_xml(&bytes, "xl/worksheets/sheet2.xml");
        assert!(timeline.contains("…[truncated: 50000 chars]"));
        let note = sheet_xml(&bytes, "xl/worksheets/sheet4.xml");
        assert!(note.contains(&CELL_CHARS_MAX.to_string()), "{note}");
        assert!(note.contains(if lang == HeaderLang::Ja { "切り詰め" } else { "were cut" }), "{note}");
        // Read back, the note sheet is skipped and the cut text is refused as too long (never
        // silently imported as if it were the whole text).
        let e = read_bytes("export.xlsx", &bytes).unwrap_err();
        let kinds: Vec<_> = e.problems().iter().map(|p| (p.field.clone(), p.issue.kind())).collect();
        assert!(kinds.contains(&(Some("description_ja".into()), "too_long")), "{kinds:?}");
        assert!(!kinds.iter().any(|(_, k)| *k == "unknown_sheet"), "{kinds:?}");
    }
}

/// Bits into bytes, least significant first (deflate's order).
#[derive(Default)]
struct Bits {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits {
    fn put(&mut self, value: u64, len: u32) {
        self.acc |= value << self.n;
        self.n += len;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }
    /// A Huffman code, which deflate writes most significant bit first.
    fn code(&mut self, code: u64, len: u32) {
        let rev = (0..len).fold(0, |r, i| r | (((code >> i) & 1) << (len - 1 - i)));
        self.put(rev, len);
    }
    fn finish(mut self) -> Vec<u8> {
        if self.n > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}

/// A raw deflate stream of `len` spaces, about 1/160 of its size, written directly (one fixed
/// Huffman block of one literal and then matches of 258 at distance 1) so that the test does not
/// spend seconds compressing.
fn deflated_spaces(len: u64) -> Vec<u8> {
    let mut b = Bits::default();
    b.put(1, 1); // last block
    b.put(1, 2); // fixed Huffman
    b.code(0x30 + 0x20, 8); // literal ' '
    let mut left = len - 1;
    while left >= 258 {
        b.code(0b1100_0101, 8); // length code 285: 258
        b.code(0, 5); // distance code 0: 1
        left -= 258;
    }
    for _ in 0..left {
        b.code(0x30 + 0x20, 8);
    }
    b.code(0, 7); // end of block
    b.finish()
}

/// A real workbook whose shared strings are replaced by `<sst>` padded with `pad` spaces, stored
/// deflated, and declaring `declared` bytes unpacked (the truth, or a lie).
fn bomb(pad: u64, declared: Option<u32>) -> Vec<u8> {
    let data = DataSet { incidents: vec![incident()], ..Default::default() };
    let book = xlsx_bytes(&data, HeaderLang::En).unwrap();
    let mut src = zip::ZipArchive::new(Cursor::new(&book)).unwrap();
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..src.len() {
        let f = src.by_index(i).unwrap();
        if f.name().unwrap().as_ref() != "xl/sharedStrings.xml" {
            w.raw_copy_file(f).unwrap();
        }
    }
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    w.start_file("xl/sharedStrings.xml", stored).unwrap();
    let raw = deflated_spaces(pad);
    w.write_all(&raw).unwrap();
    let mut bytes = w.finish().unwrap().into_inner();
    // Make the stored entry a deflated one of `declared` bytes: method and size in the local
    // header (PK\3\4) and in the central directory (PK\1\2).
    let unpacked = declared.unwrap_or(u32::try_from(pad).unwrap());
    let name = b"xl/sharedStrings.xml";
    let find = |bytes: &[u8], sig: &[u8], name_at: usize| {
        (0..bytes.len() - name_at - name.len())
            .find(|&i| bytes[i..].starts_with(sig) && bytes[i + name_at..].starts_with(name))
            .unwrap()
    };
    let local = find(&bytes, b"PK\x03\x04", 30);
    bytes[local + 8..local + 10].copy_from_slice(&8u16.to_le_bytes());
    bytes[local + 22..local + 26].copy_from_slice(&unpacked.to_le_bytes());
    let central = find(&bytes, b"PK\x01\x02", 46);
    bytes[central + 10..central + 12].copy_from_slice(&8u16.to_le_bytes());
    bytes[central + 24..central + 28].copy_from_slice(&unpacked.to_le_bytes());
    bytes
}

fn peak_rss_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse::<u64>().ok().map(|kib| kib / 1024)
}

fn said(e: &ReadError, lang: Lang) -> String {
    e.problems().iter().map(|p| p.message(lang)).collect::<Vec<_>>().join("\n")
}

fn refused_for_size(bytes: &[u8]) -> ReadError {
    let e = read_bytes("bomb.xlsx", bytes).unwrap_err();
    assert_eq!(e.problems().len(), 1, "{e}");
    assert!(matches!(e.problems()[0].issue, Issue::TooLarge(_)), "{:?}", e.problems()[0].issue);
    e
}

#[test]
fn a_small_workbook_that_unpacks_past_the_limit_is_refused_before_it_is_unpacked() {
    let pad = UNPACKED_MAX + 1024 * 1024;
    // Honest: the declared size is the truth.
    let honest = bomb(pad, None);
    assert!(honest.len() < 8 * 1024 * 1024, "{} bytes", honest.len());
    let e = refused_for_size(&honest);
    assert!(said(&e, Lang::En).contains("limit of 512 MB"), "{}", said(&e, Lang::En));
    assert!(said(&e, Lang::Ja).contains("上限の 512 MB"), "{}", said(&e, Lang::Ja));
    // Lying: it says 1 KB, and is counted while it is unpacked (into nothing).
    let liar = bomb(pad, Some(1024));
    let e = refused_for_size(&liar);
    assert!(said(&e, Lang::En).contains("512 MB"), "{}", said(&e, Lang::En));
    if let Some(peak) = peak_rss_mib() {
        assert!(peak < 400, "peak {peak} MiB: the shared strings were held in memory");
    }
}

#[test]
fn a_sheet_spanning_more_cells_than_the_limit_is_refused_without_allocating_them() {
    // Two cells, at A1 and XFD1048576: calamine's own range would be 17 billion cells.
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet().set_name("incidents").unwrap();
    ws.write_string(0, 0, "reference").unwrap();
    ws.write_string(1_048_575, 16_383, "far").unwrap();
    let e = refused_for_size(&book.save_to_buffer().unwrap());
    assert!(said(&e, Lang::En).contains(&format!("limit of {CELLS_MAX} cells")), "{}", said(&e, Lang::En));
    assert!(said(&e, Lang::Ja).contains("シート「incidents」"), "{}", said(&e, Lang::Ja));
}
