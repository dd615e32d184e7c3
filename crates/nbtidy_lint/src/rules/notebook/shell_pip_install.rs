//! `NB013` shell-pip-install: `!pip install` instead of `%pip install`.

use nbtidy_diagnostics::{Edit, Fix};

use crate::context::{Context, text_range};
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Checks for `!pip install` (and `!pip3`, `!python -m pip install`) lines in code cells.
    ///
    /// ## Why is this bad?
    /// `!pip` runs the first `pip` on the shell's `PATH`, which is often not the environment the
    /// kernel runs in: the package installs, and `import` still fails. The `%pip` magic always
    /// installs into the kernel's own environment.
    ///
    /// ## Example
    /// ```python
    /// !pip install pandas
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// %pip install pandas
    /// ```
    ///
    /// ## Fix safety
    /// The fix is safe: `%pip install` takes the same arguments and installs where the kernel
    /// imports from.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct ShellPipInstall {
        code: "NB013",
        name: "shell-pip-install",
        severity: Warning,
        recommended: true,
        fix: FixAvailability::Always(nbtidy_diagnostics::Applicability::Safe),
        keys: [],
    }
}

/// The command after `!` when it is a pip install, and how many bytes of it to replace by `pip`.
fn pip_command(command: &str) -> Option<usize> {
    let words: Vec<&str> = command.split_whitespace().collect();
    let (prefix_words, rest) = match words.as_slice() {
        ["pip" | "pip3", rest @ ..] => (1, rest),
        ["python" | "python3", "-m", "pip", rest @ ..] => (3, rest),
        _ => return None,
    };
    if rest.first() != Some(&"install") {
        return None;
    }
    // Byte length of the prefix words (`pip3`, `python -m pip`) including inner whitespace.
    let mut end = 0;
    let mut seen = 0;
    for (i, c) in command.char_indices() {
        if !c.is_whitespace() && (i == 0 || command[..i].ends_with(char::is_whitespace)) {
            seen += 1;
            if seen > prefix_words {
                break;
            }
        }
        end = i + c.len_utf8();
    }
    Some(command[..end].trim_end().len())
}

impl Rule for ShellPipInstall {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        for cell in context.cells() {
            // No `!`, no shell command.
            if !cell.is_python() || memchr::memchr(b'!', cell.text().as_bytes()).is_none() {
                continue;
            }
            for (row, line) in cell.lines() {
                let indent = line.len() - line.trim_start().len();
                let Some(command) = line[indent..].strip_prefix('!') else {
                    continue;
                };
                let lead = command.len() - command.trim_start().len();
                let Some(pip_len) = pip_command(command.trim_start()) else {
                    continue;
                };
                let line_start = cell.line_range(row).start;
                let bang = line_start + indent;
                let replace_end = bang + 1 + lead + pip_len;
                let mut diagnostic = context.code_diagnostic(
                    &Self::META,
                    "`!pip install` may install into another environment than the kernel's; use `%pip install`",
                    cell.index,
                    text_range(bang, line_start + line.len()),
                );
                diagnostic.fix_title = Some("Replace with `%pip`".to_owned());
                diagnostic.fix = Some(Fix::safe(vec![Edit::code(
                    cell.index,
                    bang..replace_end,
                    "%pip",
                )]));
                out.push(diagnostic);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::pip_command;

    #[test]
    fn recognises_pip_installs() {
        assert_eq!(pip_command("pip install x"), Some(3));
        assert_eq!(pip_command("pip3 install -q x"), Some(4));
        assert_eq!(pip_command("python -m pip install x"), Some(13));
        assert_eq!(pip_command("pip list"), None);
        assert_eq!(pip_command("ls"), None);
    }
}
