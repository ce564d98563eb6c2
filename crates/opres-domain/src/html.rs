//! The one HTML/XML text escape of the workspace: every page fragment, SVG figure and report that
//! writes user text into markup goes through [`escape`] (or [`Escaped`] inside `format!`).

use std::fmt;

/// Escapes text for HTML and XML (element content and quoted attribute values): `& < > " '`.
pub fn escape(s: &str) -> String {
    Escaped(s).to_string()
}

/// Writes its text escaped as [`escape`] does, without an intermediate `String`.
#[derive(Debug, Clone, Copy)]
pub struct Escaped<'a>(pub &'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(i) = rest.find(['&', '<', '>', '"', '\'']) {
            f.write_str(&rest[..i])?;
            let entity = match rest.as_bytes()[i] {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                _ => "&#39;",
            };
            f.write_str(entity)?;
            rest = &rest[i + 1..];
        }
        f.write_str(rest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn escapes_the_five_markup_characters() {
        assert_eq!(escape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
        assert_eq!(escape("記憶領域<不足>"), "記憶領域&lt;不足&gt;");
        assert_eq!(format!("{}", Escaped("a&b")), "a&amp;b");
    }

    proptest! {
        #[test]
        fn escaped_text_has_no_markup_and_unescapes_back(s in ".*") {
            let e = escape(&s);
            prop_assert!(!e.contains(['<', '>', '"', '\'']));
            let back = e.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&#39;", "'").replace("&amp;", "&");
            prop_assert_eq!(back, s);
        }
    }
}
