//! Institutions that report failures, and the systems they run.

use crate::lang::Lang;
use serde::{Deserialize, Serialize};

/// The kind of financial institution, as the FSA supervises them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum InstitutionType {
    /// 主要行等
    MajorBank,
    /// 地域銀行
    RegionalBank,
    /// 信用金庫・信用組合
    ShinkinCooperative,
    /// 証券会社
    Securities,
    /// 保険会社
    Insurance,
    /// 資金移動業者・決済事業者
    Payment,
    /// その他
    Other,
}

impl InstitutionType {
    /// Every type.
    pub const ALL: [InstitutionType; 7] = [
        InstitutionType::MajorBank,
        InstitutionType::RegionalBank,
        InstitutionType::ShinkinCooperative,
        InstitutionType::Securities,
        InstitutionType::Insurance,
        InstitutionType::Payment,
        InstitutionType::Other,
    ];

    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            InstitutionType::MajorBank => "major_bank",
            InstitutionType::RegionalBank => "regional_bank",
            InstitutionType::ShinkinCooperative => "shinkin_cooperative",
            InstitutionType::Securities => "securities",
            InstitutionType::Insurance => "insurance",
            InstitutionType::Payment => "payment",
            InstitutionType::Other => "other",
        }
    }

    /// The label in the given language.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (InstitutionType::MajorBank, Lang::Ja) => "主要行等",
            (InstitutionType::MajorBank, Lang::En) => "Major bank",
            (InstitutionType::RegionalBank, Lang::Ja) => "地域銀行",
            (InstitutionType::RegionalBank, Lang::En) => "Regional bank",
            (InstitutionType::ShinkinCooperative, Lang::Ja) => "信用金庫・信用組合",
            (InstitutionType::ShinkinCooperative, Lang::En) => "Shinkin bank / credit cooperative",
            (InstitutionType::Securities, Lang::Ja) => "証券会社",
            (InstitutionType::Securities, Lang::En) => "Securities firm",
            (InstitutionType::Insurance, Lang::Ja) => "保険会社",
            (InstitutionType::Insurance, Lang::En) => "Insurance company",
            (InstitutionType::Payment, Lang::Ja) => "資金移動業者・決済事業者",
            (InstitutionType::Payment, Lang::En) => "Payment / fund-transfer operator",
            (InstitutionType::Other, Lang::Ja) => "その他",
            (InstitutionType::Other, Lang::En) => "Other",
        }
    }
}

crate::code_enum!(impl InstitutionType, "institution type");

/// How critical a system is to the institution's business.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Criticality {
    /// Failure stops important business (e.g. the core banking system).
    Critical,
    /// Failure seriously degrades business.
    High,
    /// Failure is a nuisance with workarounds.
    Medium,
    /// Internal or supporting system.
    Low,
}

impl Criticality {
    /// Every level, most critical first.
    pub const ALL: [Criticality; 4] = [Criticality::Critical, Criticality::High, Criticality::Medium, Criticality::Low];

    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Criticality::Critical => "critical",
            Criticality::High => "high",
            Criticality::Medium => "medium",
            Criticality::Low => "low",
        }
    }

    /// The label in the given language.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Criticality::Critical, Lang::Ja) => "最重要",
            (Criticality::Critical, Lang::En) => "Critical",
            (Criticality::High, Lang::Ja) => "高",
            (Criticality::High, Lang::En) => "High",
            (Criticality::Medium, Lang::Ja) => "中",
            (Criticality::Medium, Lang::En) => "Medium",
            (Criticality::Low, Lang::Ja) => "低",
            (Criticality::Low, Lang::En) => "Low",
        }
    }
}

crate::code_enum!(impl Criticality, "criticality");

/// Why a code or identifier was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentifierError {
    /// Empty.
    #[error("is empty")]
    Empty,
    /// Characters or length not allowed.
    #[error("'{0}' is not well-formed")]
    Malformed(String),
}

/// Declares a short stable code or identifier: 1–64 letters, digits, `-`, `_` and `.`, trimmed,
/// serialised as its text and parsed only through that rule (the one identifier rule of every module).
#[macro_export]
macro_rules! short_code {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Accepts 1–64 characters of letters, digits, `-`, `_` and `.`.
            pub fn parse(s: &str) -> ::std::result::Result<Self, $crate::institution::IdentifierError> {
                let s = s.trim();
                if s.is_empty() {
                    return Err($crate::institution::IdentifierError::Empty);
                }
                if s.len() > 64 || !s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')) {
                    return Err($crate::institution::IdentifierError::Malformed(s.to_string()));
                }
                Ok(Self(s.to_string()))
            }

            /// The code as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::std::convert::TryFrom<::std::string::String> for $name {
            type Error = $crate::institution::IdentifierError;
            fn try_from(s: ::std::string::String) -> ::std::result::Result<Self, Self::Error> {
                Self::parse(&s)
            }
        }

        impl ::std::convert::From<$name> for ::std::string::String {
            fn from(v: $name) -> ::std::string::String {
                v.0
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::institution::IdentifierError;
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

short_code!(
    /// An institution's short stable code (e.g. `BANK-A`), used to reference it in files.
    InstitutionCode
);
short_code!(
    /// A system's code, unique within its institution (e.g. `CORE`, `IB`).
    SystemCode
);

/// A Legal Entity Identifier (ISO 17442): 20 characters with ISO 7064 mod 97-10 check digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Lei(String);

impl Lei {
    /// Checks length, characters and check digits.
    pub fn parse(s: &str) -> Result<Lei, IdentifierError> {
        let s = s.trim().to_ascii_uppercase();
        if s.is_empty() {
            return Err(IdentifierError::Empty);
        }
        if s.len() != 20
            || !s.chars().all(|c| c.is_ascii_alphanumeric())
            || !s[18..].chars().all(|c| c.is_ascii_digit())
        {
            return Err(IdentifierError::Malformed(s));
        }
        // ISO 7064 mod 97-10: letters become 10..35, the whole number mod 97 must be 1.
        let mut rem: u32 = 0;
        for c in s.chars() {
            let v = c.to_digit(36).unwrap_or(0);
            rem = if v >= 10 { (rem * 100 + v) % 97 } else { (rem * 10 + v) % 97 };
        }
        if rem == 1 { Ok(Lei(s)) } else { Err(IdentifierError::Malformed(s)) }
    }

    /// The LEI as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Lei {
    type Error = IdentifierError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Lei::parse(&s)
    }
}

impl From<Lei> for String {
    fn from(v: Lei) -> String {
        v.0
    }
}

/// A financial institution that reports failures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Institution {
    /// Short stable code, unique in the register.
    pub code: InstitutionCode,
    /// Name in Japanese.
    pub name_ja: String,
    /// Name in English.
    pub name_en: String,
    /// Kind of institution.
    pub institution_type: InstitutionType,
    /// Legal Entity Identifier, where it has one.
    pub lei: Option<Lei>,
}

impl Institution {
    /// The name in the given language, falling back to the other.
    pub fn name(&self, lang: Lang) -> &str {
        let (first, second) = match lang {
            Lang::Ja => (&self.name_ja, &self.name_en),
            Lang::En => (&self.name_en, &self.name_ja),
        };
        if first.is_empty() { second } else { first }
    }
}

/// A system of an institution: shared by incidents and, later, resilience maps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct System {
    /// The institution running it.
    pub institution: InstitutionCode,
    /// Code unique within the institution.
    pub code: SystemCode,
    /// Display name.
    pub name: String,
    /// Owning department or person.
    pub owner: Option<String>,
    /// How critical it is.
    pub criticality: Criticality,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lei_check_digits() {
        // Published LEIs.
        assert!(Lei::parse("353800V2V8PUY9TK3E06").is_ok());
        assert!(Lei::parse("5493006MHB84DD0ZWV18").is_ok());
        assert!(Lei::parse("5493006MHB84DD0ZWV19").is_err());
        assert!(Lei::parse("TOO-SHORT").is_err());
    }

    #[test]
    fn codes_are_short_and_plain() {
        assert!(InstitutionCode::parse("BANK-A").is_ok());
        assert!(InstitutionCode::parse("").is_err());
        assert!(InstitutionCode::parse("銀行").is_err());
        assert!(SystemCode::parse("core.banking_1").is_ok());
    }
}
