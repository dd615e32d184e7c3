//! `NB016` secret-in-notebook: an API key, token, private key or password in a URL in code or
//! outputs.

use std::borrow::Cow;

use nbtidy_notebook::{CellType, Span};
use nbtidy_safe_text::{Secret, find_secrets, may_hold_secret};

use crate::context::{Context, text_range};
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};
use crate::rules::json_util::multiline_text;
use nbtidy_notebook::scan::{Kind, Scanner, array_elements, decode, object_entries};

crate::declare_rule! {
    /// ## What it does
    /// Looks for credentials in the text of code cells and in the decoded text of their outputs
    /// (stream output, `text/plain`, `text/html`, JSON data, error messages and tracebacks;
    /// not base64 images):
    /// - AWS access key ids (`AKIA…` / `ASIA…` and 16 more characters);
    /// - GitHub tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_` and 36 characters;
    ///   `github_pat_…`);
    /// - Slack tokens (`xoxb-`, `xoxa-`, `xoxp-`, `xoxr-`, `xoxs-`);
    /// - Google API keys (`AIza` and 35 characters);
    /// - OpenAI keys (`sk-` and 48 characters, `sk-proj-…`, `sk-svcacct-…`, `sk-admin-…`) and
    ///   Anthropic keys (`sk-ant-api03-…`);
    /// - Hugging Face tokens (`hf_` and 34 letters);
    /// - Stripe live keys (`sk_live_…`, `rk_live_…`);
    /// - private key blocks (`-----BEGIN … PRIVATE KEY-----` followed by key data);
    /// - passwords in URLs (`postgresql://user:PASSWORD@host`, any scheme).
    ///
    /// A token must stand alone (not glued to other letters or digits) and have the right
    /// length; obvious placeholders (`AKIAIOSFODNN7EXAMPLE`, `sk-xxxx…`, values with very few
    /// distinct characters) are skipped. Messages show only the first four characters. A
    /// password in a URL is never shown (`postgresql://user:****@host`); templates
    /// (`{password}`, `$DB_PASSWORD`, `<pass>`, `***`) and placeholders (`password`, `xxx`,
    /// `changeme`, …) are skipped. String literals given to password-like names are
    /// `NB017`'s.
    ///
    /// Findings in code point at the token in the cell; findings in outputs point at the
    /// output that holds it.
    ///
    /// ## Why is this bad?
    /// A notebook is shared, committed and published with its outputs: a key pasted into a
    /// cell, or printed by one, is leaked to everyone who can read the file, and stays in the
    /// repository's history. Revoke the key; then read it from the environment or a secrets
    /// manager.
    ///
    /// ## Example
    /// ```python
    /// client = OpenAI(api_key="sk-proj-…")
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])
    /// ```
    ///
    /// ```python
    /// engine = create_engine("postgresql://analyst:s3cr3t-Pa55@db/sales")
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// engine = create_engine(f"postgresql://analyst:{os.environ['DB_PASSWORD']}@db/sales")
    /// ```
    ///
    /// ## Fix safety
    /// No fix: removing the text does not un-leak the key (it must be revoked, or the password
    /// changed), and the code needs another way to get it.
    ///
    /// ## EditorConfig keys
    /// None.
    pub struct SecretInNotebook {
        code: "NB016",
        name: "secret-in-notebook",
        severity: Error,
        recommended: true,
        fix: FixAvailability::None,
        keys: [],
    }
}

/// Mime types whose data is base64 (never searched).
fn is_binary_mime(mime: &str) -> bool {
    (mime.starts_with("image/") && mime != "image/svg+xml")
        || mime.starts_with("audio/")
        || mime.starts_with("video/")
        || mime == "application/pdf"
}

/// The texts of one output that a person could read: stream text, text data, errors.
fn output_texts<'a>(text: &'a str, output: &Span) -> Vec<Cow<'a, str>> {
    let mut out = Vec::new();
    for entry in object_entries(text, output).unwrap_or_default() {
        match entry.key.as_ref() {
            "text" | "ename" | "evalue" => out.extend(multiline_text(text, &entry.value)),
            "traceback" => {
                for line in array_elements(text, &entry.value).unwrap_or_default() {
                    out.extend(decode(text, &line));
                }
            }
            "data" => {
                for mime in object_entries(text, &entry.value).unwrap_or_default() {
                    if is_binary_mime(&mime.key) {
                        continue;
                    }
                    match Scanner::trusted(text, mime.value.start).peek() {
                        Kind::String | Kind::Array => {
                            if let Some(decoded) = multiline_text(text, &mime.value) {
                                out.push(decoded);
                            } else {
                                out.push(Cow::Borrowed(&text[mime.value.clone()]));
                            }
                        }
                        _ => out.push(Cow::Borrowed(&text[mime.value.clone()])),
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// What to do with a leaked secret: change a password, revoke a key.
fn revoke(secret: &Secret) -> &'static str {
    if secret.kind.starts_with("password") {
        "change"
    } else {
        "revoke"
    }
}

impl Rule for SecretInNotebook {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, context: &Context<'_>, out: &mut Diagnostics) {
        let notebook = context.notebook();
        let text = notebook.text();
        for (view, cell) in context.cells().iter().zip(notebook.cells()) {
            if cell.cell_type != CellType::Code {
                continue;
            }
            for found in find_secrets(view.text()) {
                out.push(context.code_diagnostic(
                    &Self::META,
                    format!(
                        "possible {} (`{}`) in the code: {} it, and read it from the environment or a secrets manager",
                        found.kind,
                        found.shown,
                        revoke(&found)
                    ),
                    view.index,
                    text_range(found.range.start, found.range.end),
                ));
            }
            let Some(outputs) = &cell.outputs else {
                continue;
            };
            // Cheap pre-check on the raw JSON: the tokens' characters are never escaped.
            if !may_hold_secret(notebook.slice(outputs)) {
                continue;
            }
            for output in array_elements(text, outputs).unwrap_or_default() {
                let mut seen: Vec<(String, &str)> = Vec::new();
                for part in output_texts(text, &output) {
                    for found in find_secrets(&part) {
                        let key = (found.shown.clone(), found.kind);
                        if seen.contains(&key) {
                            continue;
                        }
                        seen.push(key);
                        out.push(context.diagnostic(
                            &Self::META,
                            format!(
                                "possible {} (`{}`) in the saved outputs of cell {}: {} it and clear the output",
                                found.kind,
                                found.shown,
                                view.number(),
                                revoke(&found)
                            ),
                            context.json_location(Some(view.index), &output),
                        ));
                    }
                }
            }
        }
    }
}
