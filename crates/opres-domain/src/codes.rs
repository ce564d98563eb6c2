//! Stable codes: the one macro every module uses to declare a code enum, and the one error for a
//! code that is not in the list.
//!
//! A code enum serialises as its snake_case (or dotted) code, parses only known codes (trimmed,
//! ASCII case-insensitive), and has a label in Japanese and English, so a misspelt code in a file,
//! a form or an API body is reported by name with the codes allowed instead of being guessed.

use crate::validation::Problem;

/// A code that is not in the list of known codes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} code '{code}'; use one of: {}", expected.join(", "))]
pub struct UnknownCode {
    /// What kind of code was expected (`trigger`, `trend`, `channel`, …).
    pub kind: &'static str,
    /// The code as given (trimmed).
    pub code: String,
    /// Every code allowed, in display order.
    pub expected: Vec<&'static str>,
}

impl From<UnknownCode> for Problem {
    fn from(e: UnknownCode) -> Problem {
        Problem::UnknownCode { value: e.code, expected: e.expected }
    }
}

/// Finds the value whose code is `s` (trimmed, ASCII case-insensitive) among `all`.
///
/// The macro's parsers call this; it is public only so the expansion can reach it.
#[doc(hidden)]
pub fn parse_code<T: Copy>(
    all: &[T],
    code: impl Fn(T) -> &'static str,
    kind: &'static str,
    s: &str,
) -> Result<T, UnknownCode> {
    let s = s.trim();
    all.iter().copied().find(|v| code(*v).eq_ignore_ascii_case(s)).ok_or_else(|| UnknownCode {
        kind,
        code: s.to_string(),
        expected: all.iter().map(|v| code(*v)).collect(),
    })
}

/// Declares a code enum, or gives an existing one its string conversions.
///
/// Declaring form — the enum, `ALL`, `code()`, `label(lang)`, `codes()`, `parse()`, `FromStr`,
/// serde as the code, and `Display`:
///
/// ```ignore
/// opres_domain::code_enum!(
///     /// The TLPT framework an engagement follows.
///     pub Framework, "TLPT framework", {
///         Cbest => "cbest", "CBEST", "CBEST";
///     }
/// );
/// ```
///
/// Conversions form, for an enum that writes `ALL` and `code()` by hand (longer labels, extra
/// methods): `opres_domain::code_enum!(impl Trigger, "trigger");` adds `parse()`, `FromStr`,
/// `TryFrom<String>`, `From<_> for String` and `Display`.
#[macro_export]
macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        $vis:vis $name:ident, $kind:literal, {
            $( $(#[$vmeta:meta])* $variant:ident => $code:literal, $ja:literal, $en:literal; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(try_from = "String", into = "String")]
        $vis enum $name {
            $( $(#[$vmeta])* #[doc = $en] $variant, )+
        }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The label in the given language.
            pub fn label(self, lang: $crate::Lang) -> &'static str {
                match self { $($name::$variant => lang.pick($ja, $en)),+ }
            }

            /// Every code, for error messages and pick lists.
            pub fn codes() -> ::std::vec::Vec<&'static str> {
                ::std::vec![$($code),+]
            }
        }

        $crate::code_enum!(impl $name, $kind);
    };
    (impl $name:ty, $kind:literal) => {
        impl $name {
            /// Parses a stable code (trimmed, ASCII case-insensitive); the error lists the codes allowed.
            pub fn parse(s: &str) -> ::std::result::Result<$name, $crate::codes::UnknownCode> {
                $crate::codes::parse_code(&<$name>::ALL[..], <$name>::code, $kind, s)
            }
        }
        impl ::std::str::FromStr for $name {
            type Err = $crate::codes::UnknownCode;
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                <$name>::parse(s)
            }
        }
        impl ::std::convert::TryFrom<::std::string::String> for $name {
            type Error = $crate::codes::UnknownCode;
            fn try_from(s: ::std::string::String) -> ::std::result::Result<Self, Self::Error> {
                <$name>::parse(&s)
            }
        }
        impl ::std::convert::From<$name> for ::std::string::String {
            fn from(v: $name) -> ::std::string::String {
                v.code().to_string()
            }
        }
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use crate::Lang;

    crate::code_enum!(
        /// A test enum.
        pub Colour, "colour", {
            /// Extra docs are kept.
            Red => "red", "赤", "Red";
            DarkBlue => "dark_blue", "紺", "Dark blue";
        }
    );

    #[test]
    fn parses_trimmed_and_case_insensitive_and_round_trips() {
        assert_eq!(Colour::parse(" DARK_blue "), Ok(Colour::DarkBlue));
        for c in Colour::ALL {
            assert_eq!(c.code().parse::<Colour>(), Ok(*c));
            let json = serde_json::to_string(c).unwrap();
            assert_eq!(serde_json::from_str::<Colour>(&json).unwrap(), *c);
        }
        assert_eq!(Colour::Red.label(Lang::Ja), "赤");
        assert_eq!(Colour::DarkBlue.to_string(), "dark_blue");
    }

    #[test]
    fn an_unknown_code_names_itself_and_every_allowed_code() {
        let e = Colour::parse("green").unwrap_err();
        assert_eq!(e.code, "green");
        assert_eq!(e.expected, vec!["red", "dark_blue"]);
        assert_eq!(e.to_string(), "unknown colour code 'green'; use one of: red, dark_blue");
        let p: crate::Problem = e.into();
        assert_eq!(p.kind(), "unknown_code");
        assert!(serde_json::from_str::<Colour>("\"green\"").unwrap_err().to_string().contains("red, dark_blue"));
    }
}
