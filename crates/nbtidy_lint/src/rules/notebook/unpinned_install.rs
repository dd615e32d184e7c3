//! `NB014` unpinned-install: `%pip install pkg` without a version (off by default).

use nbtidy_notebook::CodeKind;
use ruff_python_ast::token::TokenKind;
use ruff_text_size::Ranged;

use crate::context::{CellKind, Context, text_range};
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Checks `pip install` commands in code cells (`%pip install`, `!pip install`,
    /// `!pip3 install`, `!python -m pip install`, `!uv pip install`, the `pip install`
    /// automagic, and `pip install` lines in `%%bash` / `%%sh` cells) for packages named
    /// without a version. Off by default.
    ///
    /// A package counts as pinned or deliberate when it has a version specifier (`==`, `>=`,
    /// `~=`, `<`, `!=`, ...), is a direct reference (`name @ url`), a path (`.`, `./pkg`,
    /// `dist/pkg.whl`) or a URL (`git+https://...`), or comes from `-r requirements.txt`,
    /// `-c constraints.txt` or `-e`. Arguments with `$var` / `{var}` (IPython expansion) are
    /// skipped, and so is `pip` itself (`pip install -U pip`).
    ///
    /// ## Why is this bad?
    /// An unpinned install takes whatever version is newest when the notebook runs: the same
    /// notebook breaks months later, or gives different results, with nothing changed in it.
    ///
    /// ## Example
    /// ```python
    /// %pip install pandas scikit-learn
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// %pip install pandas==2.2.2 scikit-learn==1.5.0
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the right version is the one the notebook was tested with, which nbtidy cannot
    /// know.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct UnpinnedInstall {
        code: "NB014",
        name: "unpinned-install",
        severity: Warning,
        recommended: false,
        fix: FixAvailability::None,
        keys: [],
    }
}

/// Options of `pip install` that take a value as the next argument.
const OPTIONS_WITH_VALUE: &[&str] = &[
    "-r",
    "--requirement",
    "-c",
    "--constraint",
    "-e",
    "--editable",
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "-t",
    "--target",
    "--prefix",
    "--root",
    "--src",
    "--upgrade-strategy",
    "--trusted-host",
    "--platform",
    "--python-version",
    "--implementation",
    "--abi",
    "--progress-bar",
    "--log",
    "--proxy",
    "--retries",
    "--timeout",
    "--cache-dir",
    "--no-binary",
    "--only-binary",
    "-C",
    "--config-settings",
    "--global-option",
    "--install-option",
    "--exists-action",
    "--report",
    "--python",
    "--use-feature",
    "--use-deprecated",
    "--cert",
    "--client-cert",
    "--keyring-provider",
    "--root-user-action",
];

/// One shell word: its text (quotes removed) and byte range in the command.
#[derive(Debug, PartialEq, Eq)]
struct Word {
    text: String,
    start: usize,
    end: usize,
    /// Directly followed by an unquoted `<` or `>` (`torch>=2`): the shell cut a specifier off.
    cut: bool,
}

/// Splits a command into shell words, up to the first `;`, `&`, `|`, `<`, `>` or comment.
/// A backslash before a line break continues the line.
fn words(command: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut chars = command.char_indices().peekable();
    let mut current: Option<Word> = None;
    let mut quote: Option<char> = None;
    while let Some((i, c)) = chars.next() {
        if let Some(q) = quote {
            let word = current.as_mut().expect("a quote is inside a word");
            if c == q {
                quote = None;
            } else {
                word.text.push(c);
            }
            word.end = i + c.len_utf8();
            continue;
        }
        let boundary =
            c.is_whitespace() || (c == '\\' && matches!(chars.peek(), Some((_, '\n' | '\r'))));
        if boundary {
            if let Some(word) = current.take() {
                out.push(word);
            }
            continue;
        }
        if matches!(c, ';' | '&' | '|' | '<' | '>') || (c == '#' && current.is_none()) {
            if let Some(word) = current.as_mut() {
                word.cut = matches!(c, '<' | '>');
            }
            break;
        }
        let word = current.get_or_insert_with(|| Word {
            text: String::new(),
            start: i,
            end: i,
            cut: false,
        });
        if matches!(c, '"' | '\'') {
            quote = Some(c);
        } else {
            word.text.push(c);
        }
        word.end = i + c.len_utf8();
    }
    out.extend(current);
    out
}

/// The words after `install` when `command` is a pip install (`pip`, `pip3`, `python -m pip`,
/// `uv pip`).
fn install_arguments(command: &str) -> Option<Vec<Word>> {
    let words = words(command);
    let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
    let skip = match texts.as_slice() {
        ["pip" | "pip3", "install", ..] | ["uv", "pip", "install", ..] => {
            texts.iter().position(|w| *w == "install")? + 1
        }
        [python, "-m", "pip", "install", ..] if python.starts_with("python") => 4,
        _ => return None,
    };
    Some(words.into_iter().skip(skip).collect())
}

/// The unpinned package arguments of a `pip install` command.
fn unpinned(arguments: Vec<Word>) -> Vec<Word> {
    let mut out = Vec::new();
    let mut arguments = arguments.into_iter();
    while let Some(word) = arguments.next() {
        let text = word.text.as_str();
        if text.starts_with('-') {
            if OPTIONS_WITH_VALUE.contains(&text) {
                arguments.next();
            }
            continue;
        }
        let name = text.split('[').next().unwrap_or(text);
        let deliberate = text.contains(['=', '<', '>', '~', '!', '@', '/', '\\', '$', '{', ':'])
            || text.starts_with('.')
            || text.ends_with(".whl")
            || text.ends_with(".zip")
            || text.ends_with(".tar.gz")
            || text.ends_with(".tgz")
            || name.is_empty()
            || name.eq_ignore_ascii_case("pip");
        if !deliberate {
            out.push(word);
        }
    }
    out
}

impl UnpinnedInstall {
    /// Reports the unpinned packages of `command`, which starts at byte `at` of the cell.
    fn check_command(
        context: &Context<'_>,
        cell: usize,
        command: &str,
        at: usize,
        out: &mut Diagnostics,
    ) {
        let Some(arguments) = install_arguments(command) else {
            return;
        };
        for word in unpinned(arguments) {
            let message = if word.cut {
                format!(
                    "`{}` is installed without a version: the specifier after it is not quoted, so the shell reads `<` / `>` as a redirection; quote the requirement (`\"{}>=...\"`)",
                    word.text, word.text
                )
            } else {
                format!(
                    "`{}` is installed without a version: pin it (e.g. `{}==<version>`) so that the notebook still runs the same later",
                    word.text, word.text
                )
            };
            out.push(context.code_diagnostic(
                &Self::META,
                message,
                cell,
                text_range(at + word.start, at + word.end),
            ));
        }
    }
}

impl Rule for UnpinnedInstall {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        for cell in context.cells() {
            let text = cell.text();
            if !text.contains("install") {
                continue;
            }
            match &cell.kind {
                CellKind::Python(parsed) => {
                    let tokens = parsed.get().into_iter().flat_map(|p| p.tokens().iter());
                    for token in tokens {
                        if token.kind() != TokenKind::IpyEscapeCommand {
                            continue;
                        }
                        let range = token.range();
                        let raw = &text[range.start().to_usize()..range.end().to_usize()];
                        let command = raw.trim_start_matches(['!', '%']);
                        let at = range.start().to_usize() + raw.len() - command.len();
                        Self::check_command(context, cell.index, command, at, out);
                    }
                }
                CellKind::OtherCode(Some(CodeKind::Automagic(_) | CodeKind::CellMagic(_))) => {
                    let shell = matches!(
                        &cell.kind,
                        CellKind::OtherCode(Some(CodeKind::CellMagic(name)))
                            if matches!(name.as_str(), "bash" | "sh" | "script")
                    );
                    let automagic = matches!(
                        &cell.kind,
                        CellKind::OtherCode(Some(CodeKind::Automagic(_)))
                    );
                    if !shell && !automagic {
                        continue;
                    }
                    for (row, line) in cell.lines() {
                        let start = cell.line_range(row).start;
                        let trimmed = line.trim_start();
                        let command = trimmed.trim_start_matches(['!', '%']);
                        let at = start + line.len() - command.len();
                        Self::check_command(context, cell.index, command, at, out);
                    }
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(command: &str) -> Vec<String> {
        install_arguments(command)
            .map(|args| unpinned(args).into_iter().map(|w| w.text).collect())
            .unwrap_or_default()
    }

    #[test]
    fn finds_unpinned_packages() {
        assert_eq!(found("pip install pandas numpy==1.26"), ["pandas"]);
        assert_eq!(
            found("pip install -q -U 'scikit-learn[all]' 'torch>=2'"),
            ["scikit-learn[all]"]
        );
        // Unquoted, `>` is a shell redirection: torch gets no version.
        assert_eq!(found("pip install torch>=2"), ["torch"]);
        assert_eq!(
            found("pip install -r requirements.txt -e ."),
            Vec::<String>::new()
        );
        assert_eq!(
            found("pip install --index-url https://x/simple foo"),
            ["foo"]
        );
        assert_eq!(
            found("pip install git+https://github.com/a/b.git pkg@file:///x"),
            Vec::<String>::new()
        );
        assert_eq!(found("python -m pip install requests && ls"), ["requests"]);
        assert_eq!(found("uv pip install httpx"), ["httpx"]);
        assert_eq!(
            found("pip install $pkg {name} -U pip"),
            Vec::<String>::new()
        );
        assert_eq!(found("pip install a \\\n  b  # comment"), ["a", "b"]);
        assert_eq!(found("pip list"), Vec::<String>::new());
        assert_eq!(
            found("pip install \"pandas==2.0\" 'x<3'"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn word_ranges_include_quotes() {
        let command = "pip install 'a b'";
        let words = words(command);
        assert_eq!(words[2].text, "a b");
        assert_eq!(&command[words[2].start..words[2].end], "'a b'");
    }
}
