//! The secret finder: API keys, tokens, private keys and passwords in URLs (what NB016 reports),
//! string literals assigned to password-like names (what NB017 reports, found here by their
//! text so that masking them does not depend on the rule), and the redaction of all of them
//! before text is printed.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

/// Short texts (paths, messages, one line of code) holding none of the literal parts every
/// secret pattern needs: nothing to mask, known without compiling or running the regexes (which
/// cost about a millisecond on first use: a whole editor save of a tiny cell).
fn obviously_clean(text: &str) -> bool {
    const SHORT: usize = 4096;
    // Tokens and keys (`SECRET`), and passwords in URLs.
    const MARKERS: [&str; 10] = [
        "AKIA",
        "ASIA",
        "gh",
        "xox",
        "AIza",
        "sk-",
        "hf_",
        "_live_",
        "-----BEGIN",
        "://",
    ];
    // A password literal is a quoted string after `=`, `==` or `:`.
    let password_literal =
        (text.contains('=') || text.contains(':')) && (text.contains('"') || text.contains('\''));
    text.len() <= SHORT && !password_literal && !MARKERS.iter().any(|m| text.contains(m))
}

/// Tokens and private keys: what [`find_secrets`] reports.
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

/// A secret found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Secret {
    /// Byte range of what a finding points at: the token, or a private key's `-----BEGIN ...
    /// PRIVATE KEY-----` line.
    pub range: Range<usize>,
    /// What it is, for users (`GitHub token`, `private key`, ...).
    pub kind: &'static str,
    /// What may be shown of it: the first four characters and `…`.
    pub shown: String,
}

/// One thing to mask: a secret, whether it is reported, and which bytes [`redact`] masks.
struct Candidate {
    secret: Secret,
    /// Stands alone and is not a placeholder: NB016 reports it.
    reported: bool,
    /// The bytes to mask, and how many characters at its start stay visible.
    mask: Range<usize>,
    keep: usize,
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

/// A password in a URL that is obviously not one (`user:password@`, `:...token...@`).
fn is_placeholder_password(password: &str) -> bool {
    let lower = password.to_ascii_lowercase();
    [
        "pass",
        "pwd",
        "secret",
        "token",
        "xxx",
        "...",
        "changeme",
        "example",
        "your",
        "placeholder",
        "redacted",
        "dummy",
        "fake",
    ]
    .iter()
    .any(|word| lower.contains(word))
}

/// Every token and private key in `text`, reported or not (glued to other letters, placeholders).
fn scan(text: &str) -> Vec<Candidate> {
    let mut out = Vec::new();
    if obviously_clean(text) {
        return out;
    }
    for captures in SECRET.captures_iter(text) {
        let Some((name, label)) = KINDS.iter().find(|(name, _)| captures.name(name).is_some())
        else {
            continue;
        };
        let found = captures.name(name).expect("checked");
        let token = found.as_str();
        if *name == "private_key" {
            // Point at the `-----BEGIN ... PRIVATE KEY-----` line; mask up to `-----END`.
            let header = token[5..].find("-----").map_or(token.len(), |at| at + 10);
            let mask_end = text[found.start()..]
                .find("-----END")
                .map_or(text.len(), |offset| found.start() + offset);
            out.push(Candidate {
                secret: Secret {
                    range: found.start()..found.start() + header,
                    kind: label,
                    shown: "-----BEGIN … PRIVATE KEY-----".to_owned(),
                },
                reported: true,
                mask: found.start()..mask_end,
                keep: 4,
            });
            continue;
        }
        let glued_before = text[..found.start()]
            .chars()
            .next_back()
            .is_some_and(is_word);
        let glued_after = text[found.end()..].chars().next().is_some_and(is_word);
        let placeholder = is_placeholder(token);
        // A glued token may be a longer one: mask the letters and digits that follow too.
        let mask_end = found.end()
            + text[found.end()..]
                .find(|c: char| !c.is_ascii_alphanumeric())
                .unwrap_or(text.len() - found.end());
        out.push(Candidate {
            secret: Secret {
                range: found.start()..found.end(),
                kind: label,
                shown: format!("{}…", token.chars().take(4).collect::<String>()),
            },
            reported: !(glued_before || glued_after || placeholder),
            mask: if placeholder {
                found.start()..found.start()
            } else {
                found.start()..mask_end
            },
            keep: 4,
        });
    }
    let tokens = out.len();
    for url in url_passwords(text) {
        // A token used as the password is reported (and masked) as the token.
        let token = out[..tokens].iter().any(|candidate| {
            candidate.secret.range.start < url.password.end
                && url.password.start < candidate.secret.range.end
        });
        out.push(Candidate {
            secret: Secret {
                range: url.password.clone(),
                kind: "password in a URL",
                shown: url.shown(text),
            },
            reported: !token,
            mask: url.password,
            keep: 0,
        });
    }
    if out.len() > tokens {
        out.sort_by_key(|candidate| candidate.secret.range.start);
    }
    out
}

/// The secrets in `text` that the `secret-in-notebook` rule reports, in order: AWS access key
/// ids, GitHub, Slack, Google, OpenAI, Anthropic, Hugging Face and Stripe tokens that stand alone
/// (not glued to other letters or digits), have the right length and are not obvious
/// placeholders, private key blocks, and passwords in URLs (`scheme://user:PASSWORD@host`, not
/// templates or placeholders; shown as `scheme://user:****@host`).
pub fn find_secrets(text: &str) -> Vec<Secret> {
    scan(text)
        .into_iter()
        .filter(|candidate| candidate.reported)
        .map(|candidate| candidate.secret)
        .collect()
}

/// `true` when `text` may hold a secret [`find_secrets`] reports (a cheap pre-check, e.g. on raw
/// JSON before decoding it: the tokens' characters are never escaped in JSON).
pub fn may_hold_secret(text: &str) -> bool {
    SECRET.is_match(text) || text.contains("://") || text.contains(r":\/\/")
}

/// A password in a URL, `SCHEME://USER:PASSWORD@HOST`.
struct UrlPassword {
    /// Where the scheme starts.
    scheme_start: usize,
    /// The password's bytes (between `:` and `@`).
    password: Range<usize>,
}

impl UrlPassword {
    /// What a finding may show: `scheme://user:****@host` (the user masked by [`redact`], the
    /// host at most 64 characters).
    fn shown(&self, text: &str) -> String {
        let before = &text[self.scheme_start..self.password.start];
        let host_start = self.password.end + 1;
        let host = text[host_start..]
            .bytes()
            .take(64)
            .take_while(|b| b.is_ascii_alphanumeric() || b"._-".contains(b))
            .count();
        format!(
            "{}****@{}",
            redact(before),
            &text[host_start..host_start + host]
        )
    }
}

/// The passwords in URLs: `SCHEME://USER:PASSWORD@` where the scheme is a letter and 1 to 20
/// letters, digits, `+`, `.` or `-`, the user at most 64 characters and the password 1 to 128,
/// neither holding white space, `/`, `:`, `@`, quotes or `\`; template syntax in the password
/// (`{}`, `$`, `%`, `<>`, `*`) and obvious placeholders are not passwords. Found by looking
/// around each `://` (no regex: this runs on whole notebooks in `check --diff`).
fn url_passwords(text: &str) -> impl Iterator<Item = UrlPassword> + '_ {
    let bytes = text.as_bytes();
    let stops = |b: u8| b.is_ascii_whitespace() || b"/:@'\"\\".contains(&b);
    text.match_indices("://").filter_map(move |(at, _)| {
        // The scheme.
        let scheme = bytes[..at]
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_alphanumeric() || b"+.-".contains(b))
            .count();
        let scheme_start = at - scheme;
        if !(2..=21).contains(&scheme) || !bytes[scheme_start].is_ascii_alphabetic() {
            return None;
        }
        // The user, then `:`.
        let user_start = at + 3;
        let user = bytes[user_start..]
            .iter()
            .take(65)
            .take_while(|&&b| !stops(b))
            .count();
        let colon = user_start + user;
        if user > 64 || bytes.get(colon) != Some(&b':') {
            return None;
        }
        // The password, then `@`.
        let start = colon + 1;
        let length = bytes[start..]
            .iter()
            .take(129)
            .take_while(|&&b| !stops(b))
            .count();
        let end = start + length;
        // Checked before slicing: `end` is then at the (ASCII) `@`, a character boundary.
        if bytes.get(end) != Some(&b'@') || !(1..=128).contains(&length) {
            return None;
        }
        let password = &text[start..end];
        let template = password.contains(['{', '}', '<', '>', '$', '%', '*']);
        (!template && !is_placeholder_password(password)).then_some(UrlPassword {
            scheme_start,
            password: start..end,
        })
    })
}

/// The words of ruff's (and bandit's) password names, to find candidates quickly.
static PASSWORD_WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)pas|pwd|token|secret").expect("valid regex"));

/// ruff's `PASSWORD_CANDIDATE_REGEX` (flake8-bandit S105/S106/S107).
static PASSWORD_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:^|_)(?:pas+wo?r?d|pass(?:phrase)?|pwd|token|secrete?)(?:$|_)")
        .expect("valid regex")
});

/// `true` when `name` (a variable, attribute, keyword argument, parameter or string key) names a
/// password, as ruff's `hardcoded-password-*` rules (S105, S106, S107) decide:
/// `(^|_)(pas+wo?r?d|pass(phrase)?|pwd|token|secrete?)($|_)`, case-insensitive
/// (`password`, `db_passwd`, `PWD`, `access_token`, `client_secret`; not `passed`,
/// `tokenizer`, `passwords`).
pub fn is_password_name(name: &str) -> bool {
    PASSWORD_NAME.is_match(name)
}

/// Longest password literal masked (longer literals are text, not a password).
const MAX_PASSWORD_LITERAL: usize = 1024;

/// A string literal's value that is obviously not a password: empty or blank, one character
/// repeated (`xxxx`), masked already (`***`: masking masked text changes nothing), a template (`{password}`, `$PASSWORD`, `%(pw)s`, `<your
/// password>`, `[PAD]`), or holding a placeholder word (`password`, `changeme`, `your_`, ...).
fn is_placeholder_literal(value: &str) -> bool {
    let trimmed = value.trim();
    let mut chars = trimmed.chars();
    let first = chars.next();
    first.is_none_or(|first| chars.all(|c| c == first))
        || is_placeholder_password(trimmed)
        || trimmed.contains("***")
        || trimmed.contains('{')
        || trimmed.starts_with(['$', '%'])
        || trimmed.contains("%s")
        || trimmed.contains("%(")
        || (trimmed.starts_with('<') && trimmed.ends_with('>'))
        || (trimmed.starts_with('[') && trimmed.ends_with(']'))
}

/// The value bytes of the string literal that `text[name]` (a password name, see
/// [`password_literals`]) is given or compared with, if any.
fn literal_after_name(text: &str, name: Range<usize>) -> Option<Range<usize>> {
    let bytes = text.as_bytes();
    let at_byte = |at: usize| bytes.get(at).copied().unwrap_or(0);
    let skip = |mut at: usize, what: &[u8], limit: usize| {
        let stop = at + limit;
        while at < stop && what.contains(&at_byte(at)) {
            at += 1;
        }
        at
    };
    let mut at = name.end;
    let key_quote = name.start.checked_sub(1).map(|before| bytes[before]);
    if let Some(quote @ (b'"' | b'\'')) = key_quote {
        // A string key: `"password": VALUE`, `d["password"] = VALUE`, `d["password"] == VALUE`
        // (in JSON text, `\"password\"`).
        if at_byte(at) == b'\\' {
            at += 1;
        }
        if at_byte(at) != quote {
            return None;
        }
        at = skip(at + 1, b" \t", 16);
        match at_byte(at) {
            b':' => at += 1,
            b']' => {
                at = skip(at + 1, b" \t", 16);
                at = operator(bytes, at)?;
            }
            _ => return None,
        }
    } else {
        // A name: `password = VALUE`, `x.password = VALUE`, `f(password=VALUE)`,
        // `password: str = VALUE`, `password == VALUE`.
        at = skip(at, b" \t", 16);
        if at_byte(at) == b':' {
            // An annotation, then `=`.
            at = skip(
                at + 1,
                b" \tabcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.[],|",
                64,
            );
            if at_byte(at) != b'=' || at_byte(at + 1) == b'=' {
                return None;
            }
            at += 1;
        } else {
            at = operator(bytes, at)?;
        }
    }
    // Line breaks and parentheses, a prefix (`r`, `u`), the opening quote (`\"` in JSON text).
    at = skip(at, b" \t\r\n(", 64);
    if b"rRuU".contains(&at_byte(at)) {
        at += 1;
    }
    let (quote, json) = match (at_byte(at), at_byte(at + 1)) {
        (b'\\', b'"') => (b'"', true),
        (quote @ (b'"' | b'\''), _) => (quote, false),
        _ => return None,
    };
    at += if json { 2 } else { 1 };
    let triple = !json && at_byte(at) == quote && at_byte(at + 1) == quote;
    if triple {
        at += 2;
    }
    let start = at;
    while at < bytes.len() && at - start <= MAX_PASSWORD_LITERAL {
        match bytes[at] {
            b'\\' if json && at_byte(at + 1) == b'"' => return Some(start..at),
            b'\\' => at += 2,
            b'"' if json => return None,
            b'\n' if !triple => return None,
            b if b == quote
                && (!triple || (at_byte(at + 1) == quote && at_byte(at + 2) == quote)) =>
            {
                return Some(start..at);
            }
            _ => at += 1,
        }
    }
    None
}

/// After `=`, `==` or `!=` at `at` (not `=` of `==`), where the value starts.
fn operator(bytes: &[u8], at: usize) -> Option<usize> {
    match (bytes.get(at), bytes.get(at + 1)) {
        (Some(b'=' | b'!'), Some(b'=')) => Some(at + 2),
        (Some(b'='), _) => Some(at + 1),
        _ => None,
    }
}

/// The values of string literals given to a password-like name ([`is_password_name`]), found in
/// the text alone (not parsed, so that the code of a cell, a diff of a notebook's JSON and a
/// message are masked alike, whatever rules run), in order:
///
/// 1. `NAME = 'VALUE'`, `OBJ.NAME = 'VALUE'`, `NAME: TYPE = 'VALUE'` (assignments, keyword
///    arguments, parameter defaults);
/// 2. `X['NAME'] = 'VALUE'` and `{'NAME': 'VALUE'}` (string keys);
/// 3. `NAME == 'VALUE'`, `NAME != 'VALUE'` (comparisons);
///
/// with white space, line breaks and `(` allowed before the literal, any quotes, triple quotes,
/// an `r` or `u` prefix, and `\"` quotes in JSON text. Values that are empty, longer than
/// 1024 bytes, f-strings, bytes or obvious placeholders ([`is_placeholder_literal`]) are not
/// passwords. The ranges are the values' bytes, without quotes.
pub fn find_password_literals(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let is_name = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
    let mut out = Vec::new();
    let mut next = 0;
    for word in PASSWORD_WORD.find_iter(text) {
        if word.start() < next {
            continue;
        }
        let start = bytes[..word.start()]
            .iter()
            .rposition(|b| !is_name(b))
            .map_or(0, |at| at + 1);
        let end = word.end()
            + bytes[word.end()..]
                .iter()
                .position(|b| !is_name(b))
                .unwrap_or(bytes.len() - word.end());
        next = end;
        if !is_password_name(&text[start..end]) {
            continue;
        }
        if let Some(value) = literal_after_name(text, start..end)
            && !value.is_empty()
            && !is_placeholder_literal(&text[value.clone()])
        {
            next = value.end;
            out.push(value);
        }
    }
    out
}

/// `text` with every secret masked, for everything nbtidy prints (messages, code frames, diffs,
/// paths, configuration values), whatever rules are selected:
///
/// 1. what [`find_secrets`] reports, and the same tokens glued to other letters (then with the
///    letters and digits that follow): the first four characters kept, the others written as `*`;
/// 2. a private key, from its `-----BEGIN` line to its `-----END` line (or the end of the text),
///    line breaks kept;
/// 3. a password in a URL (`scheme://user:PASSWORD@`): every character written as `*`;
/// 4. the value of a string literal given to a password-like name
///    ([`find_password_literals`]: `password = 'VALUE'`, `connect(pwd='VALUE')`,
///    `{'token': 'VALUE'}`, ...): every character written as `*`.
///
/// The masked text has as many characters as `text`, and the same line breaks, so columns and
/// rows stay right.
pub fn redact(text: &str) -> Cow<'_, str> {
    if obviously_clean(text) {
        return Cow::Borrowed(text);
    }
    let mut masks: Vec<(Range<usize>, usize)> = scan(text)
        .into_iter()
        .filter(|candidate| !candidate.mask.is_empty())
        .map(|candidate| (candidate.mask, candidate.keep))
        .collect();
    let before = masks.len();
    masks.extend(
        find_password_literals(text)
            .into_iter()
            .map(|range| (range, 0)),
    );
    if masks.len() > before {
        masks.sort_by_key(|(range, _)| range.start);
    }
    if masks.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (range, keep) in masks {
        // Overlapping masks: the rest of a later one is masked from where the earlier ended.
        let start = range.start.max(at);
        if range.end <= start {
            continue;
        }
        let keep = if start == range.start { keep } else { 0 };
        out.push_str(&text[at..start]);
        for (index, c) in text[start..range.end].chars().enumerate() {
            out.push(if index < keep || c == '\n' || c == '\r' {
                c
            } else {
                '*'
            });
        }
        at = range.end;
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
}
