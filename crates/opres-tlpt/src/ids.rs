//! Identifiers and bilingual text: the leaf values of the model, each checked when parsed.

use opres_domain::{InstitutionCode, SystemCode};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Why an identifier was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// Empty.
    #[error("is empty")]
    Empty,
    /// Characters or length not allowed.
    #[error("'{value}' is not well-formed ({hint})")]
    Malformed {
        /// The value as given.
        value: String,
        /// What a well-formed value looks like.
        hint: &'static str,
    },
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Accepts 1–64 characters of letters, digits, `-`, `_` and `.`.
            pub fn parse(s: &str) -> Result<Self, IdError> {
                let s = s.trim();
                if s.is_empty() {
                    return Err(IdError::Empty);
                }
                if s.len() > 64 || !s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')) {
                    return Err(IdError::Malformed {
                        value: s.to_string(),
                        hint: "1–64 letters, digits, '-', '_' or '.'",
                    });
                }
                Ok(Self(s.to_string()))
            }

            /// The identifier as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Builds from a literal of this crate: characters that are not allowed become `_`, so it
            /// cannot fail; the programme's validation and the tests catch a literal that needed it.
            pub(crate) fn lit(s: &str) -> Self {
                let mut v: String = s
                    .trim()
                    .chars()
                    .take(64)
                    .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' })
                    .collect();
                if v.is_empty() {
                    v.push('_');
                }
                Self(v)
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(&s)
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }

        impl FromStr for $name {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

id_type!(
    /// An engagement's identifier, unique in the programme (e.g. `TLPT-2025-BK`).
    EngagementId
);
id_type!(
    /// A finding's identifier, unique in the programme across engagements and years.
    FindingId
);
id_type!(
    /// The identifier of an object inside one engagement (intelligence item, actor, scenario, path, step…),
    /// unique among objects of its kind in that engagement.
    LocalId
);

/// An ATT&CK technique or sub-technique identifier: `T1566` or `T1566.001` (ICS: `T0817`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TechniqueId(String);

impl TechniqueId {
    /// Accepts `T` + 4 digits, optionally `.` + 3 digits; lower-case `t` is accepted and upper-cased.
    pub fn parse(s: &str) -> Result<TechniqueId, IdError> {
        let s = s.trim().to_ascii_uppercase();
        if s.is_empty() {
            return Err(IdError::Empty);
        }
        let bytes = s.as_bytes();
        let digits = |r: std::ops::Range<usize>| bytes.get(r).is_some_and(|b| b.iter().all(u8::is_ascii_digit));
        let ok = match bytes.len() {
            5 => bytes[0] == b'T' && digits(1..5),
            9 => bytes[0] == b'T' && digits(1..5) && bytes[5] == b'.' && digits(6..9),
            _ => false,
        };
        if ok {
            Ok(TechniqueId(s))
        } else {
            Err(IdError::Malformed { value: s, hint: "an ATT&CK technique ID such as T1566 or T1566.001" })
        }
    }

    /// The identifier as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Builds from a literal of this crate, falling back to `T0000` (which validation-free callers would
    /// notice in the output) so it cannot fail.
    pub(crate) fn lit(s: &str) -> TechniqueId {
        TechniqueId::parse(s).unwrap_or_else(|_| TechniqueId("T0000".into()))
    }

    /// Whether it names a sub-technique.
    pub fn is_subtechnique(&self) -> bool {
        self.0.len() == 9
    }

    /// The parent technique (itself for a technique).
    pub fn parent(&self) -> TechniqueId {
        TechniqueId(self.parent_str().to_string())
    }

    /// The parent technique's ID as text, without allocating (for hot comparison loops).
    pub fn parent_str(&self) -> &str {
        self.0.get(..5).unwrap_or(&self.0)
    }
}

impl TryFrom<String> for TechniqueId {
    type Error = IdError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        TechniqueId::parse(&s)
    }
}

impl From<TechniqueId> for String {
    fn from(v: TechniqueId) -> String {
        v.0
    }
}

impl FromStr for TechniqueId {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TechniqueId::parse(s)
    }
}

impl fmt::Display for TechniqueId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An ATT&CK tactic by its short name (`initial-access`, `lateral-movement`, ICS `inhibit-response-function`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TacticName(String);

impl TacticName {
    /// Accepts lower-case letters and `-`, 1–64 characters (the `x_mitre_shortname` of a tactic).
    pub fn parse(s: &str) -> Result<TacticName, IdError> {
        let s = s.trim().to_ascii_lowercase();
        if s.is_empty() {
            return Err(IdError::Empty);
        }
        if s.len() > 64 || !s.chars().all(|c| c.is_ascii_lowercase() || c == '-') {
            return Err(IdError::Malformed { value: s, hint: "an ATT&CK tactic short name such as initial-access" });
        }
        Ok(TacticName(s))
    }

    /// The short name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for TacticName {
    type Error = IdError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        TacticName::parse(&s)
    }
}

impl From<TacticName> for String {
    fn from(v: TacticName) -> String {
        v.0
    }
}

impl fmt::Display for TacticName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A system of a group company, written `ENTITY/SYSTEM` (e.g. `MINATO-BK/CORE`): the same codes the
/// failure register and the resilience map use.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SystemRef {
    /// The group company running the system.
    pub entity: InstitutionCode,
    /// The system's code within that company.
    pub system: SystemCode,
}

impl SystemRef {
    /// Parses `ENTITY/SYSTEM`.
    pub fn parse(s: &str) -> Result<SystemRef, IdError> {
        let malformed = || IdError::Malformed {
            value: s.trim().to_string(),
            hint: "a system reference ENTITY/SYSTEM such as MINATO-BK/CORE",
        };
        let (e, sys) = s.trim().split_once('/').ok_or_else(malformed)?;
        let entity = InstitutionCode::parse(e).map_err(|_| malformed())?;
        let system = SystemCode::parse(sys).map_err(|_| malformed())?;
        Ok(SystemRef { entity, system })
    }

    /// Builds from its parts.
    pub fn new(entity: InstitutionCode, system: SystemCode) -> SystemRef {
        SystemRef { entity, system }
    }
}

impl TryFrom<String> for SystemRef {
    type Error = IdError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        SystemRef::parse(&s)
    }
}

impl From<SystemRef> for String {
    fn from(v: SystemRef) -> String {
        v.to_string()
    }
}

impl FromStr for SystemRef {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SystemRef::parse(s)
    }
}

impl fmt::Display for SystemRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.entity, self.system)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn technique_ids() {
        assert_eq!(TechniqueId::parse("t1566.001").map(|t| t.to_string()), Ok("T1566.001".to_string()));
        assert!(TechniqueId::parse("T0817").is_ok());
        assert!(TechniqueId::parse("T15").is_err());
        assert!(TechniqueId::parse("T1566.1").is_err());
        assert!(TechniqueId::parse("TA0001").is_err());
        assert_eq!(TechniqueId::parse("T1566.002").map(|t| t.parent().to_string()), Ok("T1566".to_string()));
    }

    #[test]
    fn system_refs() {
        let r = SystemRef::parse("MINATO-BK/CORE");
        assert_eq!(r.as_ref().map(|r| r.entity.as_str()), Ok("MINATO-BK"));
        assert!(SystemRef::parse("CORE").is_err());
        assert!(SystemRef::parse("A/B/C").is_err());
        assert_eq!(serde_json::to_string(&r.unwrap_or_else(|e| panic!("{e}"))).ok(), Some("\"MINATO-BK/CORE\"".into()));
    }

    proptest! {
        #[test]
        fn technique_ids_round_trip(n in 0u32..10000, sub in proptest::option::of(0u32..1000)) {
            let s = match sub { Some(k) => format!("T{n:04}.{k:03}"), None => format!("T{n:04}") };
            let id = TechniqueId::parse(&s).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(id.as_str(), s.as_str());
            prop_assert_eq!(id.is_subtechnique(), sub.is_some());
        }
    }
}
