//! `NB015` absolute-local-path: a path into someone's home directory in the code.

use std::sync::LazyLock;

use regex::Regex;
use ruff_python_ast::token::TokenKind;
use ruff_text_size::Ranged;

use crate::context::{Context, text_range};
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Checks string literals (f-string parts included) and IPython escape commands
    /// (`!ls ...`, `%cd ...`) in Python cells for absolute paths into a user's home directory:
    /// `/home/<user>/`, `/Users/<user>/`, `C:\Users\` (also `C:/Users/`, `C:\\Users\\`, any
    /// drive letter). The finding covers the whole string (or command).
    ///
    /// Placeholders such as `/home/$USER/` or `/home/<user>/` are not reported, nor paths
    /// inside URLs (`https://host/home/...`).
    ///
    /// ## Why is this bad?
    /// The notebook only runs on the author's machine: everyone else (a colleague, CI, Binder,
    /// Colab) gets `FileNotFoundError`, and the path tells readers the author's user name.
    ///
    /// ## Example
    /// ```python
    /// df = pd.read_csv("/home/alice/projects/sales/data.csv")
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// df = pd.read_csv(Path("data") / "data.csv")  # relative to the notebook
    /// ```
    ///
    /// ## Fix safety
    /// No fix: where the file should live is a decision (a relative path, a setting, an
    /// environment variable).
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct AbsoluteLocalPath {
        code: "NB015",
        name: "absolute-local-path",
        severity: Warning,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

/// A home-directory path: `/home/<user>`, `/Users/<user>` (followed by a separator, a quote or
/// the end), or `<drive>:\Users\` in any of its spellings.
static HOME_PATH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?x)
        /(?:home|Users)/[A-Za-z0-9._-]+(?:/|\\|["']|$)
        | [A-Za-z]:(?:\\\\|\\|/)Users(?:\\\\|\\|/)
        "#,
    )
    .expect("valid regex")
});

/// The first home-directory path in `text` whose start is not glued to a word, a URL or
/// another path.
fn find_home_path(text: &str) -> Option<&str> {
    for found in HOME_PATH.find_iter(text) {
        let before = &text[..found.start()];
        let glued = before.chars().next_back().is_some_and(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '~' | '/' | '$')
        });
        if glued && !before.ends_with("file://") {
            continue;
        }
        let matched = found.as_str().trim_end_matches(['"', '\'']);
        return Some(matched);
    }
    None
}

impl Rule for AbsoluteLocalPath {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        for cell in context.cells() {
            // Look for the text before parsing: most cells never mention a home directory.
            let text = cell.text();
            if !cell.is_python() || !(text.contains("/home/") || text.contains("Users")) {
                continue;
            }
            let Some(parsed) = cell.parsed() else {
                continue;
            };
            for token in parsed.tokens().iter() {
                let what = match token.kind() {
                    TokenKind::String | TokenKind::FStringMiddle | TokenKind::TStringMiddle => {
                        "string"
                    }
                    TokenKind::IpyEscapeCommand => "command",
                    _ => continue,
                };
                let range = token.range();
                let raw = &text[range.start().to_usize()..range.end().to_usize()];
                let Some(path) = find_home_path(raw) else {
                    continue;
                };
                out.push(context.code_diagnostic(
                    &Self::META,
                    format!(
                        "this {what} holds an absolute path into a home directory (`{path}`): the notebook only runs on that machine; use a path relative to the notebook or a setting"
                    ),
                    cell.index,
                    text_range(range.start().to_usize(), range.end().to_usize()),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::find_home_path;

    #[test]
    fn finds_home_directories() {
        assert_eq!(
            find_home_path(r#""/home/alice/data.csv""#),
            Some("/home/alice/")
        );
        assert_eq!(find_home_path(r#"'/Users/bob'"#), Some("/Users/bob"));
        assert_eq!(
            find_home_path(r#""C:\\Users\\carol\\x""#),
            Some("C:\\\\Users\\\\")
        );
        assert_eq!(find_home_path(r#"r"D:\Users\dave""#), Some("D:\\Users\\"));
        assert_eq!(find_home_path(r#""c:/Users/erin/""#), Some("c:/Users/"));
        assert_eq!(find_home_path(r#""file:///home/f/x""#), Some("/home/f/"));
        assert_eq!(
            find_home_path(r#""/usr/bin:/home/g/bin""#),
            Some("/home/g/")
        );
        assert_eq!(find_home_path(r#""https://example.com/home/x/""#), None);
        assert_eq!(find_home_path(r#""/home/$USER/x""#), None);
        assert_eq!(find_home_path(r#""/home/<user>/x""#), None);
        assert_eq!(find_home_path(r#""data/home/x/""#), None);
        assert_eq!(find_home_path(r#""/homework/x/""#), None);
    }
}
