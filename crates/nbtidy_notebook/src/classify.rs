//! Which code is Python: the notebook's language, a cell's VS Code language, cell magics and
//! automagics.
//!
//! Decisions are textual and conservative: a cell we are unsure about is left alone, never
//! rewritten into something IPython would run differently.

/// What a code cell holds, as far as formatting and linting are concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeKind {
    /// Python (IPython syntax: `!cmd`, `%magic`, `obj?` lines are allowed), possibly under a cell
    /// magic whose body is Python (`%%time`, `%%capture`, ...).
    Python,
    /// VS Code marked the cell as another language (`metadata.vscode.languageId`).
    OtherLanguage(String),
    /// The cell starts with a cell magic whose body is not Python (`%%bash`, `%%writefile`, ...).
    CellMagic(String),
    /// The cell starts with an automagic command (`cd dir`, `pip install x`, `ls`): the parser
    /// would read `cd /tmp` as a division, so the cell is not Python.
    Automagic(String),
}

impl CodeKind {
    /// `true` for [`CodeKind::Python`].
    pub fn is_python(&self) -> bool {
        matches!(self, CodeKind::Python)
    }

    /// A short reason for skipping a non-Python cell, for messages.
    pub fn describe(&self) -> String {
        match self {
            CodeKind::Python => "Python".to_owned(),
            CodeKind::OtherLanguage(lang) => format!("VS Code language `{lang}`"),
            CodeKind::CellMagic(name) => format!("cell magic `%%{name}`"),
            CodeKind::Automagic(name) => format!("automagic `{name}`"),
        }
    }
}

/// Cell magics whose body is Python code run in the notebook's namespace.
const PYTHON_BODY_CELL_MAGICS: &[&str] = &[
    "time", "timeit", "capture", "prun", "python", "python3", "debug", "pypy", "ipytest",
];

/// IPython line magics usable without `%` when `%automagic` is on (the default), plus the shell
/// aliases IPython defines on POSIX systems.
const AUTOMAGICS: &[&str] = &[
    "alias",
    "alias_magic",
    "autoawait",
    "autocall",
    "automagic",
    "bookmark",
    "cat",
    "cd",
    "clear",
    "code_wrap",
    "colors",
    "conda",
    "config",
    "cp",
    "debug",
    "dhist",
    "dirs",
    "doctest_mode",
    "edit",
    "env",
    "gui",
    "history",
    "killbgscripts",
    "ldir",
    "less",
    "lf",
    "lk",
    "ll",
    "load",
    "load_ext",
    "loadpy",
    "logoff",
    "logon",
    "logstart",
    "logstate",
    "logstop",
    "ls",
    "lsmagic",
    "lx",
    "macro",
    "magic",
    "mamba",
    "man",
    "matplotlib",
    "micromamba",
    "mkdir",
    "more",
    "mv",
    "notebook",
    "page",
    "pastebin",
    "pdb",
    "pdef",
    "pdoc",
    "pfile",
    "pinfo",
    "pinfo2",
    "pip",
    "popd",
    "pprint",
    "precision",
    "prun",
    "psearch",
    "psource",
    "pushd",
    "pwd",
    "pycat",
    "pylab",
    "quickref",
    "recall",
    "rehashx",
    "reload_ext",
    "rerun",
    "reset",
    "reset_selective",
    "rm",
    "rmdir",
    "run",
    "save",
    "sc",
    "set_env",
    "sx",
    "system",
    "tb",
    "time",
    "timeit",
    "unalias",
    "unload_ext",
    "who",
    "who_ls",
    "whos",
    "xdel",
    "xmode",
];

/// Tokens that, following an automagic name, show the line is Python after all (`cd = 1`,
/// `history += x`, `time == 3`).
const PYTHON_CONTINUATIONS: &[&str] = &[
    "=", "+=", "-=", "*=", "/=", "//=", "%=", "**=", "&=", "|=", "^=", ">>=", "<<=", "@=", ":=",
    "==", "!=", "<", ">", "<=", ">=", "in", "is", "and", "or", "if", "for", ":", ",", ")", "]",
];

/// Classifies a code cell of a Python notebook from its text and its VS Code language id.
pub fn classify_code(text: &str, vscode_language: Option<&str>) -> CodeKind {
    classify_code_with(text, vscode_language, &[])
}

/// [`classify_code`], with `python_cell_magics` (names without `%%`) counted as cell magics
/// whose body is Python, besides the built-in ones (`nbtidy_python_cell_magics`, as black's
/// `--python-cell-magics`).
pub fn classify_code_with(
    text: &str,
    vscode_language: Option<&str>,
    python_cell_magics: &[String],
) -> CodeKind {
    let python_body = |name: &str| {
        PYTHON_BODY_CELL_MAGICS.contains(&name) || python_cell_magics.iter().any(|m| m == name)
    };
    if let Some(lang) = vscode_language
        && !lang.eq_ignore_ascii_case("python")
    {
        return CodeKind::OtherLanguage(lang.to_owned());
    }
    let mut lines = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .peekable();
    // Under a Python-body cell magic, the body's first line is checked too: IPython runs a
    // one-line body like `%%time\ncd /tmp` through automagic.
    if lines.peek().is_some_and(|line| {
        line.trim_start()
            .strip_prefix("%%")
            .and_then(|rest| rest.split_whitespace().next())
            .is_some_and(python_body)
    }) {
        lines.next();
    }
    if let Some(first) = lines.next() {
        let mut tokens = first.split_whitespace();
        if let Some(token) = tokens.next()
            && AUTOMAGICS.contains(&token)
            && !tokens
                .next()
                .is_some_and(|next| PYTHON_CONTINUATIONS.contains(&next))
        {
            return CodeKind::Automagic(token.to_owned());
        }
    }
    // A cell magic must open the cell for IPython; like ruff we also refuse a cell with a `%%`
    // line further down, which IPython would reject anyway.
    if memchr::memmem::find(text.as_bytes(), b"%%").is_none() {
        return CodeKind::Python;
    }
    for line in text.lines() {
        let Some(first) = line.split_whitespace().next() else {
            continue;
        };
        if let Some(name) = first.strip_prefix("%%")
            && !name.is_empty()
            && !python_body(name)
        {
            return CodeKind::CellMagic(name.to_owned());
        }
    }
    CodeKind::Python
}

/// The notebook's language, decided from `language_info.name`, else `kernelspec.language`, else
/// `kernelspec.name`, else assumed Python.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotebookLanguage {
    /// The notebook says it is Python.
    Python,
    /// The notebook names no language: we assume Python (the usual Colab file).
    AssumedPython,
    /// Another language (the lower-cased name as the notebook gives it).
    Other(String),
}

impl NotebookLanguage {
    /// `true` when code cells are Python (stated or assumed).
    pub fn is_python(&self) -> bool {
        !matches!(self, NotebookLanguage::Other(_))
    }

    pub(crate) fn decide(
        language_info_name: Option<&str>,
        kernelspec_language: Option<&str>,
        kernelspec_name: Option<&str>,
    ) -> Self {
        let named = |name: &str| {
            let lower = name.trim().to_ascii_lowercase();
            if is_python_name(&lower) {
                NotebookLanguage::Python
            } else {
                NotebookLanguage::Other(lower)
            }
        };
        if let Some(name) = language_info_name.filter(|n| !n.trim().is_empty()) {
            return named(name);
        }
        if let Some(language) = kernelspec_language.filter(|n| !n.trim().is_empty()) {
            return named(language);
        }
        if let Some(kernel) = kernelspec_name {
            let lower = kernel.trim().to_ascii_lowercase();
            if let Some(other) = KNOWN_OTHER_KERNELS
                .iter()
                .find(|prefix| lower == **prefix || lower.starts_with(&format!("{prefix}-")))
            {
                return NotebookLanguage::Other((*other).to_owned());
            }
            if is_python_name(&lower) || lower.contains("python") {
                return NotebookLanguage::Python;
            }
        }
        NotebookLanguage::AssumedPython
    }
}

/// Names of Python and its dialect kernels, lower-cased: `python`, `python2`, `python3`,
/// `ipython`, `ipython3`, `pypy`, `pypy3`, and sparkmagic's PySpark kernel (`language_info.name`
/// `pyspark`, kernel name `pysparkkernel`; its code is Python run on a Spark cluster).
/// sparkmagic's other kernels are not Python: `sparkkernel` is Scala, `sparkrkernel` R.
fn is_python_name(lower: &str) -> bool {
    ["python", "ipython", "pypy", "pyspark"]
        .iter()
        .any(|prefix| lower.starts_with(prefix))
}

/// Kernel names of common non-Python kernels, for notebooks whose kernelspec gives a name only.
const KNOWN_OTHER_KERNELS: &[&str] = &[
    "ir",
    "julia",
    "octave",
    "javascript",
    "typescript",
    "tslab",
    "deno",
    "bash",
    "xcpp11",
    "xcpp14",
    "xcpp17",
    "java",
    "scala",
    "sparkkernel",
    "sparkrkernel",
    "sas",
    "stata",
    "matlab",
    "wolframlanguage",
    "ocaml",
    "haskell",
    "rust",
    "evcxr",
    "go",
    "gonb",
    "csharp",
    "fsharp",
    "powershell",
    "sql",
    "r",
    "ijavascript",
    "itypescript",
    "sagemath",
    "coconut",
    "xonsh",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_and_python_body_magics() {
        assert_eq!(classify_code("x = 1", None), CodeKind::Python);
        assert_eq!(classify_code("%%time\nx = 1", None), CodeKind::Python);
        assert_eq!(classify_code("%%capture out\nx=1", None), CodeKind::Python);
        assert_eq!(
            classify_code("!pip install x\nimport x", None),
            CodeKind::Python
        );
        assert_eq!(classify_code("%pip install x", None), CodeKind::Python);
        assert_eq!(classify_code("x = 1", Some("python")), CodeKind::Python);
    }

    #[test]
    fn custom_python_cell_magics() {
        let custom = ["timer".to_owned()];
        assert_eq!(
            classify_code_with("%%timer -n 3\nx = 1", None, &custom),
            CodeKind::Python
        );
        assert_eq!(
            classify_code("%%timer -n 3\nx = 1", None),
            CodeKind::CellMagic("timer".into())
        );
        // The body's first line is still checked for automagics.
        assert_eq!(
            classify_code_with("%%timer\ncd /tmp", None, &custom),
            CodeKind::Automagic("cd".into())
        );
        assert_eq!(
            classify_code_with("%%bash\nls", None, &custom),
            CodeKind::CellMagic("bash".into())
        );
    }

    #[test]
    fn other_cell_magics_and_languages() {
        assert_eq!(
            classify_code("%%bash\nls", None),
            CodeKind::CellMagic("bash".into())
        );
        assert_eq!(
            classify_code("\n%%writefile a.py\nx=1", None),
            CodeKind::CellMagic("writefile".into())
        );
        assert_eq!(
            classify_code("x=1", Some("javascript")),
            CodeKind::OtherLanguage("javascript".into())
        );
    }

    #[test]
    fn automagics() {
        assert_eq!(
            classify_code("cd /tmp", None),
            CodeKind::Automagic("cd".into())
        );
        assert_eq!(
            classify_code("pip install numpy", None),
            CodeKind::Automagic("pip".into())
        );
        assert_eq!(classify_code("ls", None), CodeKind::Automagic("ls".into()));
        assert_eq!(classify_code("cd = 1\nprint(cd)", None), CodeKind::Python);
        assert_eq!(
            classify_code("history = model.fit(x)", None),
            CodeKind::Python
        );
        assert_eq!(classify_code("time.sleep(1)", None), CodeKind::Python);
        assert_eq!(
            classify_code("%%time\ncd /tmp", None),
            CodeKind::Automagic("cd".into())
        );
        assert_eq!(classify_code("%%time\nx = 1", None), CodeKind::Python);
    }

    #[test]
    fn notebook_language() {
        use NotebookLanguage as L;
        assert_eq!(L::decide(Some("python"), None, None), L::Python);
        assert_eq!(L::decide(None, Some("python3"), None), L::Python);
        assert_eq!(
            L::decide(Some("R"), Some("python"), None),
            L::Other("r".into())
        );
        assert_eq!(L::decide(None, None, None), L::AssumedPython);
        for dialect in [
            "pyspark", "PySpark", "python2", "ipython", "pypy3", "pyspark3",
        ] {
            assert_eq!(L::decide(Some(dialect), None, None), L::Python, "{dialect}");
        }
        assert_eq!(L::decide(None, None, Some("pysparkkernel")), L::Python);
        assert_eq!(
            L::decide(None, None, Some("sparkkernel")),
            L::Other("sparkkernel".to_owned())
        );
        assert_eq!(
            L::decide(Some("scala"), Some("python"), None),
            L::Other("scala".to_owned())
        );
        assert_eq!(L::decide(None, None, Some("python3")), L::Python);
        assert_eq!(
            L::decide(None, None, Some("julia-1.9")),
            L::Other("julia".into())
        );
        assert_eq!(L::decide(None, None, Some("ir")), L::Other("ir".into()));
        assert_eq!(L::decide(None, None, Some("my-env")), L::AssumedPython);
    }
}
