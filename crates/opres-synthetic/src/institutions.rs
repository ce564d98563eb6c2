//! Fictional institutions (names that no real bank bears), valid LEIs, and the systems they run.

use crate::rng::{Gen, chance, pick, weighted};
use opres_domain::{Channel, Criticality, Institution, InstitutionCode, InstitutionType, Lei, System, SystemCode};
use rand::RngExt;

/// Invented place-like name stems (kanji, romanised), chosen so that no Japanese financial
/// institution is called by them (avoiding e.g. さくら, もみじ, あさひ, みどり, ひかり, あかつき).
const STEMS: &[(&str, &str)] = &[
    ("若葉", "Wakaba"),
    ("青嶺", "Aomine"),
    ("白鷺", "Shirasagi"),
    ("朝凪", "Asanagi"),
    ("桐ヶ丘", "Kirigaoka"),
    ("葵浦", "Aoiura"),
    ("星野原", "Hoshinohara"),
    ("鳴海野", "Narumino"),
    ("雪峰", "Yukimine"),
    ("柚木", "Yunoki"),
    ("藤波", "Fujinami"),
    ("陽光台", "Yokodai"),
    ("月見野", "Tsukimino"),
    ("琴浜", "Kotohama"),
    ("汐見", "Shiomi"),
    ("菖蒲沢", "Ayamesawa"),
    ("千鳥", "Chidori"),
    ("稲穂", "Inaho"),
    ("若潮", "Wakashio"),
    ("清流", "Seiryu"),
    ("夕凪", "Yunagi"),
    ("白樺", "Shirakaba"),
    ("蒼海", "Sokai"),
    ("翠峰", "Suiho"),
    ("七彩", "Nanairo"),
    ("鈴蘭", "Suzuran"),
    ("綾瀬野", "Ayaseno"),
    ("萌黄", "Moegi"),
    ("澄川", "Sumikawa"),
    ("風早", "Kazahaya"),
];

/// How each type is named, and its code prefix.
fn naming(ty: InstitutionType, rng: &mut Gen) -> (&'static str, &'static str, &'static str) {
    match ty {
        InstitutionType::MajorBank => {
            *pick(rng, &[("ユニオン銀行", "Union Bank", "MB"), ("信託銀行", "Trust Bank", "TB")])
        }
        InstitutionType::RegionalBank => *pick(rng, &[("銀行", "Regional Bank", "RB"), ("銀行", "Bank", "RB")]),
        InstitutionType::ShinkinCooperative => {
            *pick(rng, &[("信用金庫", "Shinkin Bank", "SK"), ("信用組合", "Credit Cooperative", "CU")])
        }
        InstitutionType::Securities => {
            *pick(rng, &[("証券", "Securities", "SC"), ("ネット証券", "Online Securities", "SC")])
        }
        InstitutionType::Insurance => {
            *pick(rng, &[("生命保険", "Life Insurance", "LI"), ("損害保険", "General Insurance", "GI")])
        }
        InstitutionType::Payment => {
            *pick(rng, &[("ペイメント", "Pay", "PY"), ("資金決済サービス", "Payment Services", "PY")])
        }
        InstitutionType::Other => {
            *pick(rng, &[("カードサービス", "Card Services", "CD"), ("ファイナンス", "Finance", "FN")])
        }
    }
}

/// Relative number of incidents an institution of this type reports (larger ones run more systems).
pub(crate) fn size_weight(ty: InstitutionType) -> u32 {
    match ty {
        InstitutionType::MajorBank => 8,
        InstitutionType::RegionalBank => 4,
        InstitutionType::ShinkinCooperative => 2,
        InstitutionType::Securities => 3,
        InstitutionType::Insurance => 2,
        InstitutionType::Payment => 3,
        InstitutionType::Other => 1,
    }
}

/// A system an institution may run.
pub(crate) struct SystemKind {
    pub code: &'static str,
    pub ja: &'static str,
    pub en: &'static str,
    pub criticality: Criticality,
    /// The customer channels its failure reaches.
    pub channels: &'static [Channel],
    /// Whether its failure delays or stops settlement.
    pub settles: bool,
}

macro_rules! sys {
    ($code:literal, $ja:literal, $en:literal, $crit:ident, [$($ch:ident),*], $settles:literal) => {
        SystemKind { code: $code, ja: $ja, en: $en, criticality: Criticality::$crit, channels: &[$(Channel::$ch),*], settles: $settles }
    };
}

/// The catalogue of systems.
pub(crate) static CATALOGUE: &[SystemKind] = &[
    sys!("CORE", "勘定系システム", "core banking system", Critical, [Branch, Atm, FundTransfer], true),
    sys!("ATM", "ATMネットワーク", "ATM network", Critical, [Atm], false),
    sys!("IB", "インターネットバンキング", "internet banking", High, [InternetBanking], false),
    sys!("MB", "スマートフォンアプリ", "mobile banking app", High, [InternetBanking], false),
    sys!("ZENGIN", "全銀ゲートウェイ（為替）", "Zengin fund-transfer gateway", Critical, [FundTransfer], true),
    sys!("CARD", "カード決済システム", "card processing system", High, [Card], true),
    sys!("DWH", "情報系データウェアハウス", "data warehouse", Low, [], false),
    sys!("TELLER", "営業店端末システム", "branch teller system", High, [Branch], false),
    sys!("CRM", "顧客管理システム", "CRM system", Medium, [], false),
    sys!("CC", "コールセンターシステム", "call-centre system", Medium, [CallCentre], false),
    sys!("FX", "外国為替システム", "foreign exchange system", High, [FundTransfer], true),
    sys!("BATCH", "夜間バッチ基盤", "overnight batch platform", High, [], true),
    sys!("AML", "マネー・ローンダリング対策システム", "AML screening system", Medium, [], false),
    sys!("NET", "基幹ネットワーク", "core network", Critical, [], false),
    sys!("AUTH", "認証基盤", "authentication platform", High, [InternetBanking], false),
    sys!("API", "オープンAPI基盤", "open API platform", Medium, [InternetBanking], false),
    sys!("MAIL", "メール・グループウェア", "e-mail and groupware", Low, [], false),
    sys!("LOAN", "融資支援システム", "loan support system", Medium, [Branch], false),
    sys!("TRADE", "証券取引システム", "securities trading system", Critical, [SecuritiesTrading], true),
    sys!("OMS", "注文管理システム", "order management system", Critical, [SecuritiesTrading], true),
    sys!("ONLINE", "オンライントレード", "online trading site", High, [SecuritiesTrading, InternetBanking], false),
    sys!("POLICY", "保険契約管理システム", "policy administration system", Critical, [Other], false),
    sys!("CLAIMS", "保険金支払システム", "claims payment system", High, [FundTransfer], true),
    sys!("PORTAL", "契約者ポータル", "policyholder portal", Medium, [InternetBanking], false),
    sys!("WALLET", "ウォレット（残高管理）", "wallet ledger", Critical, [FundTransfer, Other], true),
    sys!("QR", "QRコード決済システム", "QR code payment system", High, [Other], true),
];

/// Systems every institution of the type runs, then those it may add.
fn systems_for(ty: InstitutionType) -> (&'static [&'static str], &'static [&'static str]) {
    match ty {
        InstitutionType::MajorBank | InstitutionType::RegionalBank | InstitutionType::ShinkinCooperative => (
            &["CORE", "ATM", "IB", "ZENGIN"],
            &["MB", "CARD", "DWH", "TELLER", "CRM", "CC", "FX", "BATCH", "AML", "NET", "AUTH", "API", "MAIL", "LOAN"],
        ),
        InstitutionType::Securities => (
            &["TRADE", "OMS", "ONLINE", "NET"],
            &["MB", "DWH", "CRM", "CC", "BATCH", "AML", "AUTH", "API", "MAIL", "ZENGIN"],
        ),
        InstitutionType::Insurance => {
            (&["POLICY", "CLAIMS", "PORTAL", "NET"], &["DWH", "CRM", "CC", "BATCH", "AUTH", "MAIL", "ZENGIN", "API"])
        }
        InstitutionType::Payment => {
            (&["WALLET", "QR", "API", "AUTH"], &["MB", "ZENGIN", "CARD", "DWH", "CC", "BATCH", "AML", "NET", "MAIL"])
        }
        InstitutionType::Other => (&["CARD", "AUTH", "CC", "NET"], &["IB", "MB", "DWH", "CRM", "BATCH", "MAIL", "API"]),
    }
}

/// An institution as generated, with what incidents need to know about it.
pub(crate) struct GenInstitution {
    pub institution: Institution,
    pub weight: u32,
}

/// A system as generated, with its catalogue entry.
pub(crate) struct GenSystem {
    pub system: System,
    pub kind: &'static SystemKind,
}

const OWNERS: &[&str] = &[
    "システム部",
    "IT統括部",
    "事務システム部",
    "デジタル推進部",
    "システム企画部",
    "IT Operations",
    "Digital Banking Division",
    "システムリスク管理室",
];

/// Types in an order that covers every kind early, then random by how common each is.
fn institution_type(rng: &mut Gen, i: usize) -> InstitutionType {
    const FIRST: [InstitutionType; 7] = [
        InstitutionType::RegionalBank,
        InstitutionType::ShinkinCooperative,
        InstitutionType::MajorBank,
        InstitutionType::Securities,
        InstitutionType::Insurance,
        InstitutionType::Payment,
        InstitutionType::Other,
    ];
    match FIRST.get(i) {
        Some(t) => *t,
        None => *weighted(
            rng,
            &[
                (InstitutionType::MajorBank, 1),
                (InstitutionType::RegionalBank, 6),
                (InstitutionType::ShinkinCooperative, 6),
                (InstitutionType::Securities, 3),
                (InstitutionType::Insurance, 2),
                (InstitutionType::Payment, 2),
                (InstitutionType::Other, 1),
            ],
        ),
    }
}

/// A valid fictional LEI: a made-up issuer prefix, `00`, 12 random characters, and ISO 7064
/// mod 97-10 check digits.
pub(crate) fn lei(rng: &mut Gen) -> Option<Lei> {
    const ALNUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut body = String::from("984500");
    for _ in 0..12 {
        body.push(char::from(ALNUM[rng.random_range(0..ALNUM.len())]));
    }
    Lei::parse(&format!("{body}{:02}", lei_check_digits(&body))).ok()
}

/// The two check digits that make `body` + digits ≡ 1 (mod 97).
pub(crate) fn lei_check_digits(body: &str) -> u32 {
    let mut rem: u32 = 0;
    for c in body.chars().chain("00".chars()) {
        let v = c.to_digit(36).unwrap_or(0);
        rem = if v >= 10 { (rem * 100 + v) % 97 } else { (rem * 10 + v) % 97 };
    }
    98 - rem
}

/// Generates `n` institutions with unique names and codes, and 4–12 systems each.
pub(crate) fn generate(rng: &mut Gen, n: usize) -> (Vec<GenInstitution>, Vec<Vec<GenSystem>>) {
    let mut institutions = Vec::with_capacity(n);
    let mut systems = Vec::with_capacity(n);
    let mut used_names = std::collections::HashSet::new();
    let mut used_codes = std::collections::HashSet::new();
    let mut stems: Vec<usize> = (0..STEMS.len()).collect();
    for i in 0..n {
        let ty = institution_type(rng, i);
        let (suffix_ja, suffix_en, prefix) = naming(ty, rng);
        // One stem, or two once the stems are used up (as merged institutions are named).
        let mut attempts = 0;
        let (stem_ja, stem_en) = loop {
            if !stems.is_empty() {
                let k = stems.swap_remove(rng.random_range(0..stems.len()));
                break (STEMS[k].0.to_string(), STEMS[k].1.to_string());
            }
            let (a, b) = (pick(rng, STEMS), pick(rng, STEMS));
            attempts += 1;
            if attempts > 64 {
                // Thousands of institutions: number them rather than search for a free pair.
                break (format!("{}{}{i}", a.0, b.0), format!("{}-{} {i}", a.1, b.1));
            }
            if a.0 != b.0 && !used_names.contains(&format!("{}{}{suffix_ja}", a.0, b.0)) {
                break (format!("{}{}", a.0, b.0), format!("{}-{}", a.1, b.1));
            }
        };
        let name_ja = format!("{stem_ja}{suffix_ja}");
        used_names.insert(name_ja.clone());
        let mut code = format!("{prefix}-{}", stem_en.to_ascii_uppercase().replace(' ', "-"));
        while !used_codes.insert(code.clone()) {
            code.push('2');
        }
        let code = InstitutionCode::parse(&code).unwrap_or_else(|_| fallback_code(i));
        let has_lei = !matches!(ty, InstitutionType::ShinkinCooperative) || chance(rng, 0.4);
        let institution = Institution {
            code: code.clone(),
            name_ja,
            name_en: format!("{stem_en} {suffix_en}"),
            institution_type: ty,
            lei: if has_lei { lei(rng) } else { None },
        };

        let (must, may) = systems_for(ty);
        let total = rng.random_range(4..=12usize).max(must.len());
        let mut extra: Vec<&str> = may.to_vec();
        let mut codes: Vec<&str> = must.to_vec();
        while codes.len() < total && !extra.is_empty() {
            codes.push(extra.swap_remove(rng.random_range(0..extra.len())));
        }
        let owner_dept = pick(rng, OWNERS);
        let sys = codes
            .iter()
            .filter_map(|c| CATALOGUE.iter().find(|k| k.code == *c))
            .filter_map(|kind| {
                let code = SystemCode::parse(kind.code).ok()?;
                let name = if chance(rng, 0.7) { format!("{} / {}", kind.ja, kind.en) } else { kind.ja.to_string() };
                Some(GenSystem {
                    system: System {
                        institution: code_of(&institution),
                        code,
                        name,
                        owner: if chance(rng, 0.85) { Some((*owner_dept).to_string()) } else { None },
                        criticality: kind.criticality,
                    },
                    kind,
                })
            })
            .collect();
        institutions.push(GenInstitution { weight: size_weight(ty), institution });
        systems.push(sys);
    }
    (institutions, systems)
}

fn code_of(i: &Institution) -> InstitutionCode {
    i.code.clone()
}

fn fallback_code(i: usize) -> InstitutionCode {
    InstitutionCode::parse(&format!("FI-{i:04}")).unwrap_or_else(|_| fallback_code(0))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::rng::seeded;

    #[test]
    fn leis_are_valid_and_names_unique() {
        let mut rng = seeded(7);
        let (ins, sys) = generate(&mut rng, 80);
        let names: std::collections::HashSet<_> = ins.iter().map(|i| &i.institution.name_ja).collect();
        assert_eq!(names.len(), 80);
        let codes: std::collections::HashSet<_> = ins.iter().map(|i| &i.institution.code).collect();
        assert_eq!(codes.len(), 80);
        for i in &ins {
            if let Some(l) = &i.institution.lei {
                assert!(Lei::parse(l.as_str()).is_ok());
            }
        }
        assert!(ins.iter().filter(|i| i.institution.lei.is_some()).count() > 50);
        for s in &sys {
            assert!((4..=12).contains(&s.len()), "{}", s.len());
        }
        let types: std::collections::HashSet<_> = ins.iter().map(|i| i.institution.institution_type).collect();
        assert_eq!(types.len(), InstitutionType::ALL.len());
    }

    #[test]
    fn check_digits_agree_with_the_domain() {
        // A published LEI without its check digits gives its check digits back.
        assert_eq!(lei_check_digits("5493006MHB84DD0ZWV"), 18);
    }

    #[test]
    fn no_stem_is_a_real_bank_name() {
        // Names of real Japanese institutions the stems must not echo.
        for real in ["さくら", "桜", "もみじ", "紅葉", "あさひ", "朝日", "みずほ", "りそな", "千葉", "横浜", "静岡"]
        {
            assert!(STEMS.iter().all(|(ja, _)| !ja.contains(real)), "{real}");
        }
    }
}
