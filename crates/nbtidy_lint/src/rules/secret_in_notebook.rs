//! `NB016` secret-in-notebook: an API key, token or private key in code or outputs.

use std::borrow::Cow;
use std::sync::LazyLock;

use nbtidy_notebook::{CellType, Span};
use regex::Regex;

use crate::context::{Context, text_range};
use crate::diagnostics::Diagnostics;
use crate::rule::{FixAvailability, Rule, RuleMeta};
use crate::rules::json_util::{
    Kind, Scanner, array_elements, decode, multiline_text, object_entries,
};

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
    /// - private key blocks (`-----BEGIN … PRIVATE KEY-----` followed by key data).
    ///
    /// A token must stand alone (not glued to other letters or digits) and have the right
    /// length; obvious placeholders (`AKIAIOSFODNN7EXAMPLE`, `sk-xxxx…`, values with very few
    /// distinct characters) are skipped. Messages show only the first four characters.
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
    /// ## Fix safety
    /// No fix: removing the text does not un-leak the key (it must be revoked), and the code
    /// needs another way to get it.
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

static SECRET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
          (?P<aws>(?:AKIA|ASIA)[0-9A-Z]{16})
        | (?P<github>(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})
        | (?P<slack>xox[baprs]-[0-9]{6,}-[0-9A-Za-z-]{8,})
        | (?P<google>AIza[0-9A-Za-z_-]{35})
        | (?P<anthropic>sk-ant-(?:api|admin)[0-9]{2}-[A-Za-z0-9_-]{80,})
        | (?P<openai>sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}|sk-[A-Za-z0-9]{48})
        | (?P<huggingface>hf_[A-Za-z]{34})
        | (?P<stripe>(?:sk|rk)_live_[0-9A-Za-z]{24,})
        | (?P<private_key>-----BEGIN\x20(?:[A-Z0-9]+\x20)*PRIVATE\x20KEY(?:\x20BLOCK)?-----[\s\S]{0,300}?[A-Za-z0-9+/]{40})
        ",
    )
    .expect("valid regex")
});

const KINDS: [(&str, &str); 9] = [
    ("aws", "AWS access key id"),
    ("github", "GitHub token"),
    ("slack", "Slack token"),
    ("google", "Google API key"),
    ("anthropic", "Anthropic API key"),
    ("openai", "OpenAI API key"),
    ("huggingface", "Hugging Face token"),
    ("stripe", "Stripe live key"),
    ("private_key", "private key"),
];

/// A secret found in a text: its byte range and what it looks like (redacted).
struct Found {
    start: usize,
    end: usize,
    kind: &'static str,
    shown: String,
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// A value that is obviously not a real credential.
fn is_placeholder(token: &str) -> bool {
    let lower = token.to_ascii_lowercase();
    if [
        "example",
        "xxxx",
        "your",
        "placeholder",
        "redacted",
        "dummy",
        "fake",
    ]
    .iter()
    .any(|word| lower.contains(word))
    {
        return true;
    }
    // The part after the prefix: real keys are random.
    let body = token.get(4..).unwrap_or("");
    let mut distinct: Vec<char> = body.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    distinct.len() < 6
}

fn find_secrets(text: &str) -> Vec<Found> {
    let mut out = Vec::new();
    for captures in SECRET.captures_iter(text) {
        let Some((name, label)) = KINDS.iter().find(|(name, _)| captures.name(name).is_some())
        else {
            continue;
        };
        let found = captures.name(name).expect("checked");
        let token = found.as_str();
        if *name == "private_key" {
            // Point at the `-----BEGIN ... PRIVATE KEY-----` line.
            let header = token[5..].find("-----").map_or(token.len(), |at| at + 10);
            out.push(Found {
                start: found.start(),
                end: found.start() + header,
                kind: label,
                shown: "-----BEGIN … PRIVATE KEY-----".to_owned(),
            });
            continue;
        }
        let glued_before = text[..found.start()]
            .chars()
            .next_back()
            .is_some_and(is_word);
        let glued_after = text[found.end()..].chars().next().is_some_and(is_word);
        if glued_before || glued_after || is_placeholder(token) {
            continue;
        }
        out.push(Found {
            start: found.start(),
            end: found.end(),
            kind: label,
            shown: format!("{}…", token.chars().take(4).collect::<String>()),
        });
    }
    out
}

/// `text` with every secret this rule finds masked: the first four characters kept, the others
/// written as `*` (line breaks kept). A private key is masked from its `-----BEGIN` line to its
/// `-----END` line (or the end of the text). For every output that shows code: code frames and
/// diffs.
pub fn redact(text: &str) -> Cow<'_, str> {
    let found = find_secrets(text);
    if found.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for secret in found {
        if secret.start < at {
            continue;
        }
        let end = if secret.kind == "private key" {
            text[secret.start..]
                .find("-----END")
                .map_or(text.len(), |offset| secret.start + offset)
        } else {
            secret.end
        };
        out.push_str(&text[at..secret.start]);
        for (index, c) in text[secret.start..end].chars().enumerate() {
            out.push(if index < 4 || c == '\n' || c == '\r' {
                c
            } else {
                '*'
            });
        }
        at = end;
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
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
                    match Scanner::new(text, mime.value.start).peek() {
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
                        "possible {} (`{}`) in the code: revoke it, and read it from the environment or a secrets manager",
                        found.kind, found.shown
                    ),
                    view.index,
                    text_range(found.start, found.end),
                ));
            }
            let Some(outputs) = &cell.outputs else {
                continue;
            };
            // Cheap pre-check on the raw JSON: the tokens' characters are never escaped.
            if !SECRET.is_match(notebook.slice(outputs)) {
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
                                "possible {} (`{}`) in the saved outputs of cell {}: revoke it and clear the output",
                                found.kind,
                                found.shown,
                                view.number()
                            ),
                            context.json_location(Some(view.index), &output),
                        ));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fake tokens built at run time, so that this file holds nothing that looks like a key.
    fn fake(prefix: &str, body: &str, times: usize) -> String {
        format!("{prefix}{}", body.repeat(times))
    }

    fn kinds(text: &str) -> Vec<&'static str> {
        find_secrets(text).into_iter().map(|f| f.kind).collect()
    }

    #[test]
    fn finds_real_looking_tokens() {
        let aws = fake("AKIA", "Q7ZX3MWB", 2);
        assert_eq!(kinds(&format!("key = '{aws}'")), ["AWS access key id"]);
        let github = fake("ghp_", "a1B2c3D4e5F6", 3);
        assert_eq!(kinds(&format!("token={github}\n")), ["GitHub token"]);
        let google = fake("AIza", "Sy9_kLmN0pQr", 3)[..39].to_owned();
        assert_eq!(kinds(&format!("\"{google}\"")), ["Google API key"]);
        let openai = fake("sk-", "Ab3dEf7hIj", 5)[..51].to_owned();
        assert_eq!(kinds(&openai), ["OpenAI API key"]);
        let project = fake("sk-proj-", "Zx9_Yw8-Vu7t", 8);
        assert_eq!(kinds(&project), ["OpenAI API key"]);
        let hf = fake("hf_", "AbCdEfGhIjKlMnOpQ", 2);
        assert_eq!(kinds(&hf), ["Hugging Face token"]);
        let slack = format!("xoxb-{}-{}", "1234567890", fake("", "AbCd3fGh", 3));
        assert_eq!(kinds(&slack), ["Slack token"]);
        let stripe = fake("sk_live_", "4eC39HqLyjWD", 2);
        assert_eq!(kinds(&stripe), ["Stripe live key"]);
        let key = format!(
            "-----BEGIN RSA {}-----\n{}\n",
            "PRIVATE KEY",
            fake("", "MIIEpAIBAAKCAQEA7", 4)
        );
        assert_eq!(kinds(&key), ["private key"]);
    }

    #[test]
    fn skips_near_misses_and_placeholders() {
        let aws = fake("AKIA", "Q7ZX3MWB", 2);
        assert!(kinds(&format!("X{aws}")).is_empty());
        assert!(kinds(&format!("{aws}9")).is_empty());
        assert!(kinds(&aws[..19]).is_empty());
        assert!(kinds(&fake("AKIAIOSFODNN7", "EXAMPLE", 1)).is_empty());
        assert!(kinds(&fake("sk-", "x", 48)).is_empty());
        assert!(kinds(&fake("sk-", "ab", 24)).is_empty());
        assert!(kinds("sk-learn scikit-learn task-abc").is_empty());
        assert!(
            kinds(&format!(
                "if line.startswith('-----BEGIN RSA {}-----'):",
                "PRIVATE KEY"
            ))
            .is_empty()
        );
        let hf_short = fake("hf_", "AbCdEfGhIjKlMnOpQ", 1);
        assert!(kinds(&hf_short).is_empty());
    }

    #[test]
    fn shows_only_a_prefix() {
        let github = fake("ghp_", "a1B2c3D4e5F6", 3);
        let found = find_secrets(&github);
        assert_eq!(found[0].shown, "ghp_…");
    }
}
