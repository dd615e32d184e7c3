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
