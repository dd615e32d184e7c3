//! `docs/rules.md` is generated from the rules' own documentation and `docs/configuration.md`
//! from the settings and rule metadata (`nbtidy_lint::keys`); these tests keep them current.
//! Run with `NBTIDY_BLESS=1` to regenerate them.

use std::fmt::Write as _;
use std::path::Path;

use nbtidy_config::KeyScope;
use nbtidy_lint::RULES;
use nbtidy_lint::keys::{KeyDoc, KeyGroup, init_editorconfig, reference};
use nbtidy_lint::registry::{FAMILIES, describe};

fn generate() -> String {
    let mut out = String::from(
        "# Rules\n\nGenerated from the rules' documentation by `tests/docs.rs` (`NBTIDY_BLESS=1 cargo test --test docs`); `nbtidy rule CODE` prints the same text, `nbtidy rule --list` the tables.\n",
    );
    for family in FAMILIES {
        let _ = write!(
            out,
            "\n## {} (`{}`)\n\n{}\n\n| code | name | severity | recommended | fix |\n| --- | --- | --- | --- | --- |\n",
            family.title, family.name, family.description
        );
        for rule in family.rules {
            let meta = rule.meta();
            let _ = writeln!(
                out,
                "| [{}](#{}-{}) | {} | {} | {} | {} |",
                meta.code,
                meta.name,
                meta.code.to_lowercase(),
                meta.name,
                meta.severity,
                if meta.recommended { "yes" } else { "no" },
                meta.fix
            );
        }
    }
    for family in FAMILIES {
        let _ = write!(out, "\n## {} rules\n", family.title);
        for rule in family.rules {
            out.push('\n');
            for line in describe(*rule).lines() {
                if line.starts_with('#') && !line.starts_with("#!") {
                    out.push_str("##");
                }
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

/// Where a key is read from, in words.
fn scope(scope: KeyScope) -> &'static str {
    match scope {
        KeyScope::PyView => "`.py` view only",
        KeyScope::NotebookFirst => "notebook sections, then `.py` view",
    }
}

fn code_list(items: impl IntoIterator<Item = impl AsRef<str>>) -> String {
    let items: Vec<String> = items
        .into_iter()
        .map(|item| format!("`{}`", item.as_ref()))
        .collect();
    if items.is_empty() {
        "—".to_owned()
    } else {
        items.join(", ")
    }
}

fn default_text(key: &KeyDoc) -> String {
    key.default
        .as_ref()
        .map_or_else(|| "unset".to_owned(), |d| format!("`{d}`"))
}

/// A link to a rule's section of rules.md.
fn rule_link(code: &str) -> String {
    let name = RULES
        .iter()
        .map(|rule| rule.meta())
        .find(|meta| meta.code == code)
        .map_or("", |meta| meta.name);
    format!("[{code}](rules.md#{name}-{})", code.to_lowercase())
}

fn generate_configuration() -> String {
    let keys = reference();
    let group = |g: KeyGroup| keys.iter().filter(move |k| k.group == g);
    let mut out = String::from(
        "# Configuration reference\n\nGenerated from nbtidy's settings and rule metadata by `tests/docs.rs` (`NBTIDY_BLESS=1 cargo test --test docs`).\n\nnbtidy has no configuration file of its own: it reads `.editorconfig`, the file your editor already follows. Two commands help:\n\n```sh\nnbtidy config --init                 # every key below at its default, as an .editorconfig block\nnbtidy config notebooks/eda.ipynb    # the settings one notebook gets, and where each came from\n```\n\n",
    );
    out.push_str(
        "## Precedence\n\nHighest first:\n\n1. command-line flags: `--line-length`, `--indent-width`, `--indent-style`, `--quote-style` (`format`, `check`, `config`); `--select`, `--ignore`, `--fail-on` (`check`);\n2. `.editorconfig` files, read from the notebook's directory upward until one says `root = true`: a closer file wins over one further up, a later section over an earlier one in the same file, and `key = unset` clears a value set further up;\n3. the defaults below.\n\nKeys and the values nbtidy understands are case-insensitive. EditorConfig has no end-of-line comments: `max_line_length = 100  # notebooks` is read as the value `100  # notebooks`, which is invalid; put comments on their own line.\n\n",
    );
    out.push_str(
        "## Which sections a key is read from\n\n`[*.ipynb]` sections usually describe the notebook file, whose JSON Jupyter writes with 1-space indentation, not the Python code inside it. So for a notebook `dir/a.ipynb` nbtidy reads two sets of sections:\n\n- the **`.py` view**: the sections that would apply to `dir/a.py`, such as `[*]`, `[*.py]`, `[*.{py,ipynb}]`;\n- **notebook sections**: the sections that match `dir/a.ipynb` but not `dir/a.py`, such as `[*.ipynb]` or `[notebooks/**.ipynb]`.\n\n| read from | keys |\n| --- | --- |\n",
    );
    for (scope_value, label) in [
        (
            KeyScope::PyView,
            "`.py` view only (a `[*.ipynb]`-only section never sets them)",
        ),
        (
            KeyScope::NotebookFirst,
            "notebook sections first, then the `.py` view",
        ),
    ] {
        let _ = writeln!(
            out,
            "| {label} | {} |",
            code_list(
                keys.iter()
                    .filter(|k| k.scope == scope_value && k.group != KeyGroup::RuleSeverity)
                    .map(|k| k.key.as_str())
                    .chain(
                        (scope_value == KeyScope::NotebookFirst)
                            .then_some("nbtidy_rule.<code-or-name>")
                    )
            )
        );
    }
    out.push_str("| never | `end_of_line`, `insert_final_newline`, `charset`: they describe the file, which nbtidy preserves byte for byte |\n\n");
    out.push_str("So `[*.ipynb] indent_size = 1` (for the JSON) does not indent your code by one space, while `[*.ipynb] max_line_length = 100` does apply to the code of notebooks only. To give notebook code its own indentation, use `nbtidy_indent_style` / `nbtidy_indent_size` in a notebook section.\n\n");

    out.push_str("## Formatter and file settings\n\nRead by `nbtidy format` and, where a rule says so, by `nbtidy check`.\n\n| key | what it does | values | default | read from | command line | rules |\n| --- | --- | --- | --- | --- | --- | --- |\n");
    for key in group(KeyGroup::Settings) {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} | {} |",
            key.key,
            key.summary,
            key.values,
            default_text(key),
            scope(key.scope),
            key.flags.as_deref().unwrap_or("—"),
            if key.rules.is_empty() {
                "—".to_owned()
            } else {
                key.rules
                    .iter()
                    .map(|c| rule_link(c))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        );
    }
    out.push_str("\nThe indent width is: with tabs, `tab_width` if set, else a numeric `indent_size`, else 4; with spaces, a numeric `indent_size`, else (`indent_size = tab`) `tab_width`, else 4.\n\n");

    out.push_str("## Rule selection\n\nRead by `nbtidy check`. Which rules run is decided in this order, each step overriding the ones before:\n\n1. the base set, `nbtidy_rules`;\n2. `nbtidy_rule.<code-or-name>` lines, one rule each;\n3. `--select` on the command line: exactly the selected rules run (at the severity step 2 gave them, else their own);\n4. `--ignore` on the command line removes rules.\n\n`syntax-error` (E999) cannot be turned off from `.editorconfig`.\n\n| key | what it does | values | default | read from | command line |\n| --- | --- | --- | --- | --- | --- |\n");
    for key in group(KeyGroup::Selection) {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} |",
            key.key,
            key.summary,
            key.values,
            default_text(key),
            scope(key.scope),
            key.flags.as_deref().unwrap_or("—"),
        );
    }
    out.push_str("| `nbtidy_rule.<code-or-name>` | One rule's severity, by code (`nbtidy_rule.F401`) or name (`nbtidy_rule.unused-import`); see the table below. | `off`, `warning` or `error` | the rule's own (below) | notebook sections, then `.py` view | `--select`, `--ignore` (check) |\n\n");

    out.push_str("## Rule options\n\nA value that cannot be read means the option's default.\n\n| key | rules | default | what it does |\n| --- | --- | --- | --- |\n");
    for key in group(KeyGroup::RuleOption) {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} |",
            key.key,
            key.rules
                .iter()
                .map(|c| rule_link(c))
                .collect::<Vec<_>>()
                .join(", "),
            default_text(key),
            key.summary
        );
    }

    out.push_str("\n## Rule severities\n\nThe default of `nbtidy_rule.<code>` for each rule: its severity when `nbtidy_rules = recommended` enables it, else `off`. With `nbtidy_rules = all`, the rules marked off run at their own severity (see [rules.md](rules.md)).\n\n| key | rule | default |\n| --- | --- | --- |\n");
    for key in group(KeyGroup::RuleSeverity) {
        let code = key.rules[0];
        let name = key.summary.split('`').nth(1).unwrap_or_default();
        let _ = writeln!(
            out,
            "| `{}` | {} `{name}` | {} |",
            key.key,
            rule_link(code),
            default_text(key)
        );
    }

    out.push_str("\n## Invalid values and unknown keys\n\n- An invalid value for a key above (`indent_size = fuor`, `nbtidy_fail_on = sometimes`) is an error naming the file, line, key and value, and the exit code is 2: the notebooks it applies to are not processed by the commands that read the key (an invalid `indent_size` stops `format` and `check`, an invalid `nbtidy_fail_on` only `check`). nbtidy does not rewrite code with a setting you did not mean. When a command-line flag overrides that key, it is only a warning.\n- An unknown `nbtidy_*` key is a warning, with a suggestion when it looks like a typo (`nbtidy_docstring_cde`).\n- `nbtidy_rule.<x>` naming no rule is a warning.\n- Keys nbtidy does not know (`end_of_line`, `spelling_language`, ...) are for other tools and are ignored.\n\n");

    out.push_str(
        "## Every key at its default\n\nThe output of `nbtidy config --init`:\n\n```ini\n",
    );
    out.push_str(&init_editorconfig());
    out.push_str("```\n");
    out
}

/// Compares `generated` with the file at `relative`, or writes it with `NBTIDY_BLESS=1`.
fn check_current(relative: &str, generated: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    if std::env::var_os("NBTIDY_BLESS").is_some() {
        std::fs::write(&path, generated).unwrap();
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == generated,
        "{relative} is out of date: run `NBTIDY_BLESS=1 cargo test --test docs`"
    );
}

#[test]
fn rules_doc_is_current() {
    check_current("docs/rules.md", &generate());
}

#[test]
fn configuration_doc_is_current() {
    check_current("docs/configuration.md", &generate_configuration());
}

#[test]
fn configuration_doc_names_every_key() {
    let doc = generate_configuration();
    for key in reference() {
        assert!(doc.contains(&format!("| `{}` |", key.key)), "{}", key.key);
    }
}

/// ruff 0.16.4's default selection (`E4`, `E7`, `E9`, `F`; stable rules), code and name, as
/// `ruff rule --all --output-format json` lists them, with what differs in a notebook.
const RUFF_DEFAULT: &[(&str, &str, &str)] = &[
    ("E401", "multiple-imports-on-one-line", "—"),
    (
        "E402",
        "module-import-not-at-top-of-file",
        "per cell, as in ruff; a string at the top of any cell is its docstring (ruff: the first cell's only)",
    ),
    ("E701", "multiple-statements-on-one-line-colon", "—"),
    ("E702", "multiple-statements-on-one-line-semicolon", "—"),
    (
        "E703",
        "useless-semicolon",
        "a `;` ending a cell's last statement hides its output: not reported, as in ruff",
    ),
    ("E711", "none-comparison", "—"),
    ("E712", "true-false-comparison", "—"),
    ("E713", "not-in-test", "—"),
    ("E714", "not-is-test", "—"),
    ("E721", "type-comparison", "—"),
    ("E722", "bare-except", "—"),
    ("E731", "lambda-assignment", "—"),
    ("E741", "ambiguous-variable-name", "—"),
    ("E742", "ambiguous-class-name", "—"),
    ("E743", "ambiguous-function-name", "—"),
    (
        "E902",
        "io-error",
        "also for notebooks that are not valid JSON or nbformat 3, on line 1 of the file",
    ),
    (
        "E999",
        "syntax-error",
        "per cell: the other cells are still checked (ruff reports only the syntax errors of a notebook)",
    ),
    (
        "F401",
        "unused-import",
        "notebook order: an import used only in cells above it is unused",
    ),
    ("F402", "import-shadowed-by-loop-var", "notebook order"),
    ("F403", "undefined-local-with-import-star", "—"),
    (
        "F404",
        "late-future-import",
        "against the first code cell's top; at a later cell's top it is reported, as in ruff",
    ),
    (
        "F405",
        "undefined-local-with-import-star-usage",
        "notebook order: only after the star import's cell",
    ),
    ("F406", "undefined-local-with-nested-import-star-usage", "—"),
    ("F407", "future-feature-not-defined", "—"),
    ("F501", "percent-format-invalid-format", "—"),
    ("F502", "percent-format-expected-mapping", "—"),
    ("F503", "percent-format-expected-sequence", "—"),
    ("F504", "percent-format-extra-named-arguments", "—"),
    ("F505", "percent-format-missing-argument", "—"),
    ("F506", "percent-format-mixed-positional-and-named", "—"),
    ("F507", "percent-format-positional-count-mismatch", "—"),
    ("F508", "percent-format-star-requires-sequence", "—"),
    ("F509", "percent-format-unsupported-format-character", "—"),
    ("F521", "string-dot-format-invalid-format", "—"),
    ("F522", "string-dot-format-extra-named-arguments", "—"),
    ("F523", "string-dot-format-extra-positional-arguments", "—"),
    ("F524", "string-dot-format-missing-arguments", "—"),
    ("F525", "string-dot-format-mixing-automatic", "—"),
    ("F541", "f-string-missing-placeholders", "—"),
    ("F601", "multi-value-repeated-key-literal", "—"),
    ("F602", "multi-value-repeated-key-variable", "—"),
    ("F621", "expressions-in-star-assignment", "—"),
    ("F622", "multiple-starred-expressions", "—"),
    ("F631", "assert-tuple", "—"),
    ("F632", "is-literal", "—"),
    ("F633", "invalid-print-syntax", "—"),
    (
        "F634",
        "if-tuple",
        "also the test of `x if (a, b) else y`, as pyflakes",
    ),
    ("F701", "break-outside-loop", "—"),
    ("F702", "continue-outside-loop", "—"),
    (
        "F704",
        "yield-outside-function",
        "top-level `await` is not reported, in comprehensions neither (ruff reports `[await f(x) for x in xs]`; IPython runs it)",
    ),
    ("F706", "return-outside-function", "—"),
    ("F707", "default-except-not-last", "—"),
    ("F722", "forward-annotation-syntax-error", "—"),
    (
        "F811",
        "redefined-while-unused",
        "notebook order: a redefinition in a later cell of a name nothing used in between",
    ),
    (
        "F821",
        "undefined-name",
        "notebook order: a name bound only in a later cell is `NB001`; IPython's names (`display`, `In`, `_3`) are defined; nothing after `%run`, `%load`, a star import",
    ),
    (
        "F822",
        "undefined-export",
        "a name bound in any cell counts",
    ),
    (
        "F823",
        "undefined-local",
        "function bodies see every cell (they run when called)",
    ),
    ("F841", "unused-variable", "—"),
    ("F842", "unused-annotation", "—"),
    ("F901", "raise-not-implemented", "—"),
];

const TABLE_START: &str = "<!-- ruff-default-table: generated by tests/docs.rs -->\n";
const TABLE_END: &str = "<!-- ruff-default-table: end -->\n";

/// The table of ruff's default codes for `docs/coming-from-ruff.md`, from the registry.
fn generate_ruff_table() -> String {
    let mut out =
        String::from("| code | ruff name | nbtidy | in a notebook |\n| --- | --- | --- | --- |\n");
    for (code, ruff_name, difference) in RUFF_DEFAULT {
        let meta = RULES
            .iter()
            .map(|rule| rule.meta())
            .find(|m| m.code == *code);
        let status = match meta {
            Some(meta) => {
                let mut status = format!(
                    "{} ({}{})",
                    rule_link(code),
                    meta.severity,
                    if meta.recommended {
                        ", recommended"
                    } else {
                        ""
                    }
                );
                if meta.name != *ruff_name {
                    let _ = write!(status, "; named `{}`", meta.name);
                }
                status
            }
            None if *code == "E902" => "reported for unreadable notebooks (not a rule)".to_owned(),
            None => "not yet".to_owned(),
        };
        let _ = writeln!(out, "| {code} | {ruff_name} | {status} | {difference} |");
    }
    out
}

#[test]
fn coming_from_ruff_table_is_current() {
    let relative = "docs/coming-from-ruff.md";
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    let current = std::fs::read_to_string(&path).unwrap();
    let start = current.find(TABLE_START).expect("the table's start marker") + TABLE_START.len();
    let end = current.find(TABLE_END).expect("the table's end marker");
    let generated = format!(
        "{}{}{}",
        &current[..start],
        generate_ruff_table(),
        &current[end..]
    );
    check_current(relative, &generated);
}

/// `recommended` is ruff's default selection plus the recommended notebook rules: every code of
/// ruff's default set nbtidy has is recommended, and no other pycodestyle or Pyflakes rule is.
#[test]
fn recommended_is_ruff_default_set_plus_notebook_rules() {
    for rule in RULES.iter() {
        let meta = rule.meta();
        if meta.code.starts_with("NB") {
            continue;
        }
        let in_ruff_default = RUFF_DEFAULT.iter().any(|(code, ..)| *code == meta.code);
        assert_eq!(
            meta.recommended, in_ruff_default,
            "{} ({}): recommended must be {in_ruff_default}",
            meta.code, meta.name
        );
    }
}
