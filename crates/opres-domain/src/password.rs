//! The password rule (issue 16, defect 7), after NIST SP 800-63B §3.1.1.2 and OWASP ASVS 4 V2.1
//! (level 2): length, not a common or breached password, not built from the account's own names
//! or the product's, not trivially repetitive. No composition rules (no "one digit, one capital"),
//! which those standards advise against.
//!
//! Length counts Unicode characters (`char`s), so `パスワード` is five, not fifteen bytes; any
//! character is allowed, spaces and Japanese included. Every rule that fails is reported at once.
//!
//! The list of common passwords is the `PASSWORDS` list of the `zxcvbn` crate 3.1.1 (crates.io, MIT
//! licence, © 2016 Joshua Holmer; its notice is `data/common-passwords.LICENSE` beside this crate).
//! That crate is a port of Dropbox's zxcvbn, whose 30,000 passwords are ranked by how often they
//! appear in leaked password sets. It is copied into `data/common-passwords.txt` (one a line, lower
//! case) and embedded in the binary: nothing is downloaded at build or run time.

use crate::Lang;
use std::collections::HashSet;
use std::sync::OnceLock;

/// Fewest characters accepted (NIST SP 800-63B allows 8; ASVS L2 asks 12).
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Most characters accepted: at least 64 as NIST asks, and a bound so that nobody hashes megabytes.
pub const MAX_PASSWORD_CHARS: usize = 256;

/// The product's own name, which people put in its passwords.
const PRODUCT: &str = "opres";

const COMMON: &str = include_str!("../data/common-passwords.txt");

fn common() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| COMMON.lines().map(str::trim).filter(|l| !l.is_empty()).collect())
}

/// How many passwords the embedded list holds.
pub fn common_password_count() -> usize {
    common().len()
}

/// One rule a password breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordProblem {
    /// Fewer than [`MIN_PASSWORD_CHARS`] characters.
    TooShort {
        /// Characters given.
        chars: usize,
    },
    /// More than [`MAX_PASSWORD_CHARS`] characters.
    TooLong {
        /// Characters given.
        chars: usize,
    },
    /// On the list of common and breached passwords, as is or with digits and symbols around it.
    Common,
    /// Contains the user name, the display name (or a word of it) or the product's name.
    ContainsName {
        /// What it contains, as given (the user's own names, so safe to show them).
        name: String,
    },
    /// One character or one short sequence repeated, or a straight run like `abcdef…`/`123456…`.
    Repetitive,
}

impl PasswordProblem {
    /// A stable code for the API and tests.
    pub fn code(&self) -> &'static str {
        match self {
            PasswordProblem::TooShort { .. } => "password_too_short",
            PasswordProblem::TooLong { .. } => "password_too_long",
            PasswordProblem::Common => "password_common",
            PasswordProblem::ContainsName { .. } => "password_contains_name",
            PasswordProblem::Repetitive => "password_repetitive",
        }
    }

    /// Which rule failed, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (PasswordProblem::TooShort { chars }, Lang::Ja) => {
                format!("パスワードは {MIN_PASSWORD_CHARS} 文字以上にしてください（いま {chars} 文字）")
            }
            (PasswordProblem::TooShort { chars }, Lang::En) => {
                format!("The password must be at least {MIN_PASSWORD_CHARS} characters (it has {chars})")
            }
            (PasswordProblem::TooLong { chars }, Lang::Ja) => {
                format!("パスワードは {MAX_PASSWORD_CHARS} 文字以内にしてください（いま {chars} 文字）")
            }
            (PasswordProblem::TooLong { chars }, Lang::En) => {
                format!("The password must be at most {MAX_PASSWORD_CHARS} characters (it has {chars})")
            }
            (PasswordProblem::Common, Lang::Ja) => {
                "よく使われる（または漏えいしたことのある）パスワードです。推測されにくい別のものにしてください".into()
            }
            (PasswordProblem::Common, Lang::En) => {
                "This password is a common or breached one; choose one that is harder to guess".into()
            }
            (PasswordProblem::ContainsName { name }, Lang::Ja) => {
                format!("パスワードにユーザー名・表示名・製品名（「{name}」）を含めないでください")
            }
            (PasswordProblem::ContainsName { name }, Lang::En) => {
                format!("The password must not contain the user name, display name or product name ('{name}')")
            }
            (PasswordProblem::Repetitive, Lang::Ja) => {
                "同じ文字や同じ並びの繰り返し、連続した文字（abcd… や 1234…）だけのパスワードは使えません".into()
            }
            (PasswordProblem::Repetitive, Lang::En) => {
                "The password must not be one character or sequence repeated, or a run like abcd… or 1234…".into()
            }
        }
    }
}

/// Every rule `password` breaks for an account with these names (user name, display name); empty
/// when it is acceptable.
pub fn password_problems(password: &str, names: &[&str]) -> Vec<PasswordProblem> {
    let chars = password.chars().count();
    let mut problems = Vec::new();
    if chars < MIN_PASSWORD_CHARS {
        problems.push(PasswordProblem::TooShort { chars });
    }
    if chars > MAX_PASSWORD_CHARS {
        problems.push(PasswordProblem::TooLong { chars });
    }
    let lower = password.to_lowercase();
    if is_common(&lower) {
        problems.push(PasswordProblem::Common);
    }
    if let Some(name) = contained_name(&lower, names) {
        problems.push(PasswordProblem::ContainsName { name });
    }
    if is_repetitive(&lower) {
        problems.push(PasswordProblem::Repetitive);
    }
    problems
}

/// `Ok` if the password is acceptable, else every rule it breaks.
pub fn check_password(password: &str, names: &[&str]) -> Result<(), Vec<PasswordProblem>> {
    let problems = password_problems(password, names);
    if problems.is_empty() { Ok(()) } else { Err(problems) }
}

/// On the list as typed, or once the digits, spaces and symbols people put around a common word
/// are taken away (`Summer2024!`, `!!dragon123456`): those are the first guesses of any cracker.
fn is_common(lower: &str) -> bool {
    let set = common();
    if set.contains(lower) {
        return true;
    }
    let core = lower.trim_matches(|c: char| !c.is_alphabetic());
    // A core of one or two letters ("a" + digits) is caught by length or repetition, not here.
    core.chars().count() >= 3 && core != lower && set.contains(core)
}

/// The first of the account's names (or the product's) that the password contains. Names are
/// compared whole and word by word (`Yamada Hanako` → `yamada`, `hanako`); words shorter than three
/// characters (two for non-ASCII, where two kanji are a name) are too common to refuse.
fn contained_name(lower: &str, names: &[&str]) -> Option<String> {
    let long_enough = |w: &str| {
        let n = w.chars().count();
        n >= 3 || (n == 2 && !w.is_ascii())
    };
    let mut candidates: Vec<&str> = vec![PRODUCT];
    for name in names {
        let name = name.trim();
        candidates.push(name);
        candidates.extend(name.split(|c: char| c.is_whitespace() || matches!(c, '.' | '_' | '-' | '@' | '・')));
    }
    candidates.into_iter().filter(|w| long_enough(w)).find(|w| lower.contains(&w.to_lowercase())).map(str::to_string)
}

/// One unit repeated (`aaaa…`, `abcabc…`, `12341234…`), or a straight run up or down (`abcdef…`,
/// `987654…`, digits wrapping from 9 to 0).
fn is_repetitive(lower: &str) -> bool {
    let c: Vec<char> = lower.chars().collect();
    let n = c.len();
    if n == 0 {
        return false;
    }
    let repeated = (1..=n / 2).any(|p| n.is_multiple_of(p) && (p..n).all(|i| c[i] == c[i - p]));
    let step = |a: char, b: char| -> i64 {
        let d = i64::from(u32::from(b)) - i64::from(u32::from(a));
        if a.is_ascii_digit() && b.is_ascii_digit() {
            // 7890123…: digits wrap around.
            return match d.rem_euclid(10) {
                9 => -1,
                w => w,
            };
        }
        d
    };
    let run = n >= 3 && {
        let first = step(c[0], c[1]);
        first.abs() == 1 && c.windows(2).all(|w| step(w[0], w[1]) == first)
    };
    repeated || run
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(p: &str, names: &[&str]) -> Vec<&'static str> {
        password_problems(p, names).iter().map(PasswordProblem::code).collect()
    }

    #[test]
    fn the_list_is_embedded() {
        assert_eq!(common_password_count(), 30_000);
    }

    #[test]
    fn the_passwords_of_the_issue_are_refused() {
        assert!(codes("password", &[]).contains(&"password_too_short"));
        assert!(codes("password", &[]).contains(&"password_common"));
        assert_eq!(codes("12345678", &[]), ["password_too_short", "password_common", "password_repetitive"]);
        for p in ["aaaaaaaaaa", "aaaaaaaaaaaa"] {
            assert!(codes(p, &[]).contains(&"password_repetitive"), "{p}");
        }
        assert!(codes("aaaaaaaaaa", &[]).contains(&"password_too_short"));
    }

    #[test]
    fn length_counts_characters_and_allows_any() {
        // Twelve characters, 36 bytes: long enough.
        assert!(check_password("出金停止障害対応記録簿の鍵", &[]).is_ok());
        assert_eq!(codes("パスワード", &[]), ["password_too_short"]);
        assert!(check_password("correct horse battery staple", &[]).is_ok());
        let long = "私の好きな季節は秋です。紅葉を見に京都へ行き、抹茶を飲んで、夜は温泉に入ってゆっくり休みます。来年も同じ宿に泊まりたいと思っています。";
        assert!(long.chars().count() >= 64 && check_password(long, &[]).is_ok(), "64 and more are fine");
        let too_long: String = (0..300).map(|i| char::from(b'a' + (i * 7 % 26) as u8)).collect();
        assert!(codes(&too_long, &[]).contains(&"password_too_long"));
    }

    #[test]
    fn common_passwords_are_refused_with_decorations() {
        for p in ["password1234", "qwertyuiop12", "Summer2024!!", "!!dragon123456", "1qaz2wsx3edc", "PASSWORD1234"] {
            assert!(codes(p, &[]).contains(&"password_common"), "{p}");
        }
        assert!(check_password("a long enough pass", &[]).is_ok());
    }

    #[test]
    fn names_of_the_account_and_product_are_refused() {
        assert_eq!(codes("my-Hanako-secret-1", &["hanako", "山田 花子"]), ["password_contains_name"]);
        assert_eq!(codes("花子のひみつのあいことば", &["hanako", "山田 花子"]), ["password_contains_name"]);
        assert_eq!(codes("yamada is my secret", &["h.y", "Yamada Taro"]), ["password_contains_name"]);
        assert_eq!(codes("the OPRES register key", &[]), ["password_contains_name"]);
        // Short words of a name would refuse almost everything: not checked.
        assert!(check_password("a long enough pass", &["al", "A O"]).is_ok());
    }

    #[test]
    fn repetitions_and_runs_are_refused() {
        for p in [
            "abcabcabcabc",
            "121212121212",
            "abcdefghijklm",
            "987654321098",
            "            ",
            "ああああああああああああ",
        ] {
            assert!(codes(p, &[]).contains(&"password_repetitive"), "{p}");
        }
        assert!(check_password("abcabcabcabd and more", &[]).is_ok());
    }

    #[test]
    fn every_rule_is_reported_in_both_languages() {
        let all = password_problems("opres", &["opres"]);
        assert_eq!(all.len(), 2, "{all:?}");
        for p in all {
            assert!(!p.message(Lang::Ja).is_empty() && !p.message(Lang::En).is_empty());
            assert_ne!(p.message(Lang::Ja), p.message(Lang::En));
        }
    }
}
