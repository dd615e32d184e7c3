//! Tests of the finder, the redaction and the escaping. Fake tokens are built at run time, so
//! that this file holds nothing that looks like a key.

use super::*;

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
fn reports_passwords_in_urls_without_showing_them() {
    let text = "engine = create_engine('postgresql://admin:Hunter2Q9x@db.internal:5432/sales')";
    let found = find_secrets(text);
    assert_eq!(kinds(text), ["password in a URL"]);
    assert_eq!(&text[found[0].range.clone()], "Hunter2Q9x");
    assert_eq!(found[0].shown, "postgresql://admin:****@db.internal");
    // A token in the user part is masked in what is shown.
    let github = fake("ghp_", "a1B2c3D4e5F6", 3);
    let found = find_secrets(&format!("https://{github}:Zq8wXv7u@github.com/o/r"));
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[1].kind, "password in a URL");
    assert!(!found[1].shown.contains(&github[4..]), "{}", found[1].shown);
    // A token used as the password is reported once, as the token.
    assert_eq!(
        kinds(&format!("https://x-access-token:{github}@github.com")),
        ["GitHub token"]
    );
    for placeholder in [
        "postgresql://user:password@localhost/db",
        "postgresql://user:{password}@localhost/db",
        "f'postgresql://{user}:{pw}@{host}'",
        "mysql://root:$MYSQL_PASSWORD@db",
        "mysql://root:<pass>@db",
        "mysql://root:***@db",
        "mysql://root:xxx@db",
        "mysql://root:changeme@db",
        "https://julien-c:...token...@huggingface.co",
        "https://example.com/a:b@c",
    ] {
        assert!(kinds(placeholder).is_empty(), "{placeholder}");
    }
    // In outputs stored as JSON, the pre-check lets them through.
    assert!(may_hold_secret(r#""postgresql:\/\/admin:Hunter2Q9x@db""#));
}

#[test]
fn password_names_are_ruffs() {
    for name in [
        "password",
        "PASSWORD",
        "db_password",
        "passwd",
        "pwd",
        "user_pwd",
        "pass",
        "passphrase",
        "access_token",
        "TOKEN",
        "client_secret",
        "secret_key",
        "password_hash",
    ] {
        assert!(is_password_name(name), "{name}");
    }
    for name in [
        "passed",
        "passwords",
        "tokenizer",
        "tokens",
        "secrets",
        "bypass",
        "password2",
        "compass",
    ] {
        assert!(!is_password_name(name), "{name}");
    }
}

/// The values [`find_password_literals`] finds in `text`.
fn literals(text: &str) -> Vec<&str> {
    find_password_literals(text)
        .into_iter()
        .map(|range| &text[range])
        .collect()
}

#[test]
fn finds_string_literals_given_to_password_names() {
    for (text, value) in [
        ("password = 'Hunter2Q9x'", "Hunter2Q9x"),
        ("DB_PASSWORD=\"Hunter2Q9x\"", "Hunter2Q9x"),
        ("self.password = r'Hunter2Q9x'", "Hunter2Q9x"),
        ("password: str = 'Hunter2Q9x'", "Hunter2Q9x"),
        ("password: Optional[str] = 'Hunter2Q9x'", "Hunter2Q9x"),
        ("connect(host='db', password='Hunter2Q9x')", "Hunter2Q9x"),
        ("def login(user, pwd='Hunter2Q9x'):", "Hunter2Q9x"),
        ("config['password'] = 'Hunter2Q9x'", "Hunter2Q9x"),
        (
            "{'user': 'admin', \"password\": 'Hunter2Q9x'}",
            "Hunter2Q9x",
        ),
        ("if password == 'Hunter2Q9x':", "Hunter2Q9x"),
        ("if token != \"Hunter2Q9x\":", "Hunter2Q9x"),
        ("password = (\n    'Hunter2Q9x'\n)", "Hunter2Q9x"),
        ("password = '''Hunter2Q9x'''", "Hunter2Q9x"),
        ("password = 'it\\'s Hunter2'", "it\\'s Hunter2"),
        // A notebook's JSON, as `check --diff` shows it.
        (r#""    password = \"Hunter2Q9x\",\n","#, "Hunter2Q9x"),
        (r#""{\"password\": \"Hunter2Q9x\"}""#, "Hunter2Q9x"),
    ] {
        assert_eq!(literals(text), [value], "{text}");
    }
    for text in [
        "password = ''",
        "password = 'password'",
        "password = 'your_password_here'",
        "password = '********'",
        "password = 'xxxx'",
        "password = '{db_password}'",
        "password = '$DB_PASSWORD'",
        "password = '<your password>'",
        "pad_token = '[PAD]'",
        "eos_token = '</s>'",
        "password = f'Hunter2{x}'",
        "password = b'Hunter2Q9x'",
        "password = os.environ['DB_PASSWORD']",
        "passed = 'Hunter2Q9x'",
        "tokenizer = 'bert-base-uncased'",
        "password == password2",
        "password = 'unterminated\n'",
        "x = 'password'",
    ] {
        assert!(literals(text).is_empty(), "{text}: {:?}", literals(text));
    }
}

#[test]
fn redaction_masks_password_literals_whatever_rules_run() {
    assert_eq!(
        redact("conn = connect(user='admin', password='Hunter2Q9x')"),
        "conn = connect(user='admin', password='**********')"
    );
    assert_eq!(
        redact("password = '''Hunter\n2Q9x'''"),
        "password = '''******\n****'''"
    );
    // A token given to a password name keeps its four characters (it is reported as the token).
    let github = fake("ghp_", "a1B2c3D4e5F6", 3);
    assert_eq!(
        redact(&format!("token = '{github}'")),
        format!("token = 'ghp_{}'", "*".repeat(36))
    );
    // Masking masked text changes nothing (the printer masks rendered findings again).
    let once = redact(&format!("token = '{github}'\npassword = 'Hunter2Q9x'")).into_owned();
    assert_eq!(redact(&once), once);
    // Never a panic on multi-byte characters or text ending anywhere.
    for text in [
        "password = 'é'",
        "password = 'éé",
        "password = '",
        "password =",
        "password",
        "'password",
        "\"password\\",
        "password: é = 'x'",
        "password = r",
        "password = u'''é''",
    ] {
        let _ = redact(text);
        let _ = find_password_literals(text);
    }
}

#[test]
fn shows_only_a_prefix() {
    let github = fake("ghp_", "a1B2c3D4e5F6", 3);
    let found = find_secrets(&github);
    assert_eq!(found[0].shown, "ghp_…");
    assert_eq!(found[0].range, 0..40);
}

#[test]
fn redaction_keeps_four_characters_and_the_shape() {
    let github = fake("ghp_", "a1B2c3D4e5F6", 3);
    let text = format!("open('/home/{github}/data.csv')");
    let redacted = redact(&text);
    assert_eq!(
        redacted,
        format!("open('/home/ghp_{}/data.csv')", "*".repeat(36))
    );
    assert_eq!(redacted.chars().count(), text.chars().count());
    assert!(matches!(redact("plain text"), Cow::Borrowed(_)));
}

#[test]
fn redaction_masks_glued_tokens_that_are_not_reported() {
    let hf = fake("hf_", "AbCdEfGhIjKlMnOpQ", 2);
    let aws = fake("AKIA", "Q7ZX3MWB", 2);
    // Glued after (a longer token, or a file name): the letters and digits that follow too.
    assert_eq!(
        redact(&format!("{hf}_data.ipynb {aws}9X")),
        format!("hf_A{}_data.ipynb AKIA{}", "*".repeat(33), "*".repeat(18))
    );
    // Placeholders stay.
    let placeholder = fake("AKIAIOSFODNN7", "EXAMPLE", 1);
    assert_eq!(redact(&placeholder), placeholder);
}

#[test]
fn redaction_masks_private_keys_to_their_end_line() {
    let body = fake("", "MIIEpAIBAAKCAQEA7", 4);
    let key = format!(
        "x = '''-----BEGIN RSA {}-----\n{body}\n{body}\n-----END RSA {}-----'''",
        "PRIVATE KEY", "PRIVATE KEY"
    );
    let redacted = redact(&key);
    assert!(!redacted.contains(&body[..20]), "{redacted}");
    assert!(redacted.starts_with("x = '''----*"), "{redacted}");
    assert!(redacted.ends_with("\n-----END RSA PRIVATE KEY-----'''"));
    assert_eq!(redacted.lines().count(), key.lines().count());
}

#[test]
fn redaction_masks_passwords_in_urls() {
    assert_eq!(
        redact("engine = create_engine('postgresql://admin:Hunter2Q9x@db:5432/sales')"),
        "engine = create_engine('postgresql://admin:**********@db:5432/sales')"
    );
    assert_eq!(
        redact("redis://:s3cr3tValue@cache"),
        "redis://:***********@cache"
    );
    for kept in [
        "postgresql://user:password@localhost/db",
        "https://julien-c:...token...@huggingface.co",
        "f'postgresql://{user}:{password}@{host}'",
        "mysql://root:$MYSQL_PASSWORD@db",
        "https://example.com/a:b@c",
        "mailto:someone@example.com",
        "://:xYz9@",
        "a://u:p@",
    ] {
        assert_eq!(redact(kept), kept);
    }
    // Never a panic on multi-byte characters, whatever the lengths.
    for text in [
        format!("https://user:{}@host", "é".repeat(100)),
        format!("https://{}:pw@host", "é".repeat(40)),
        "x://é:é@".to_owned(),
    ] {
        let _ = redact(&text);
    }
}

#[test]
fn escape_makes_every_unsafe_character_visible() {
    assert_eq!(
        escape("a\u{1b}]8;;x\u{7}b\tc\r\n\u{85}\u{9b}\u{7f}"),
        "a\\u{1b}]8;;x\\u{7}b\tc\\u{d}\\u{a}\\u{85}\\u{9b}\\u{7f}"
    );
    assert_eq!(
        escape("if x\u{202e} \u{2066}y\u{2069}\u{200f}\u{61c}\u{2028}\u{2029}"),
        "if x\\u{202e} \\u{2066}y\\u{2069}\\u{200f}\\u{61c}\\u{2028}\\u{2029}"
    );
    assert!(matches!(
        escape("plain\ttext é ü – “q” 😀"),
        Cow::Borrowed(_)
    ));
    // Joiners are part of scripts and emoji: kept.
    assert_eq!(escape("👩\u{200d}💻"), "👩\u{200d}💻");
}

#[test]
fn escape_keeping_lines_keeps_line_endings_only() {
    assert_eq!(
        escape_keeping_lines("x = 1\r\ny\rz\u{1b}[2J\n\u{2028}"),
        "x = 1\r\ny\\u{d}z\\u{1b}[2J\n\\u{2028}"
    );
}

#[test]
fn for_terminal_redacts_then_escapes() {
    let github = fake("ghp_", "a1B2c3D4e5F6", 3);
    assert_eq!(
        for_terminal(&format!("{github}\n.ipynb")),
        format!("ghp_{}\\u{{a}}.ipynb", "*".repeat(36))
    );
    assert_eq!(
        for_terminal_lines(&format!("+{github}\n")),
        format!("+ghp_{}\n", "*".repeat(36))
    );
}

#[test]
fn escape_json_gives_valid_json_with_the_same_value() {
    let value = "a\u{85}b\u{202e}c\u{2028}d\u{7f}e\u{1b}f é";
    let serialized = format!("{{\"k\": \"{value}\"}}").replace('\u{1b}', "\\u001b");
    let escaped = escape_json(serialized);
    assert_eq!(
        escaped,
        "{\"k\": \"a\\u0085b\\u202ec\\u2028d\\u007fe\\u001bf é\"}"
    );
    assert!(!escaped.chars().any(is_unsafe));
    let plain = "{\n  \"k\": \"v\"\n}".to_owned();
    assert_eq!(escape_json(plain.clone()), plain);
}

#[test]
fn escape_xml_escapes_markup_and_shows_controls() {
    assert_eq!(
        escape_xml("<a & 'b'>\t\n\r\u{1b}\u{202e}\u{ffff}", false),
        "&lt;a &amp; &apos;b&apos;&gt;\t\n&#13;\\u{1b}\\u{202e}\\u{ffff}"
    );
    assert_eq!(escape_xml("\"\t\n", true), "&quot;&#9;&#10;");
}
