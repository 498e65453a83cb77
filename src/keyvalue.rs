//! libpq key=value connection strings (`host=db user=calls password='a b'`): read as libpq
//! reads them (quotes, `\` escapes), and redacted (their `password`) wherever a DEST is shown.

/// libpq's keywords: a DEST that starts with one and `=` is a key=value string.
const KEYWORDS: &[&str] = &[
    "host",
    "hostaddr",
    "port",
    "dbname",
    "user",
    "password",
    "passfile",
    "connect_timeout",
    "options",
    "application_name",
    "sslmode",
    "sslrootcert",
    "sslnegotiation",
    "keepalives",
    "keepalives_idle",
    "keepalives_interval",
    "keepalives_count",
    "tcp_user_timeout",
    "target_session_attrs",
    "channel_binding",
    "load_balance_hosts",
    "service",
];

/// Keys whose values are secrets.
const SECRET_KEYS: &[&str] = &["password", "sslpassword"];

/// One `key=value` of a key=value string.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    pub key: String,
    pub value: String,
    /// Where the value is written in the text (its quotes included).
    pub span: std::ops::Range<usize>,
}

/// The leading keyword of `text` when `text` reads as `word =...` (any word).
fn leading_key(text: &str) -> Option<&str> {
    let t = text.trim_start();
    let len = t
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(t.len());
    (len > 0 && t[len..].trim_start().starts_with('=')).then(|| &t[..len])
}

/// Whether `text` is a libpq key=value string: it starts with one of libpq's keywords and `=`.
/// NOTE: a keyword, not any word, so that a file named `a=b.db` stays a SQLite path.
pub fn is_keyvalue(text: &str) -> bool {
    leading_key(text).is_some_and(|k| KEYWORDS.contains(&k))
}

/// Whether `text` looks like a key=value string at all (`word=...`): what redaction treats as
/// one, whatever its keywords.
pub fn looks_keyvalue(text: &str) -> bool {
    !text.contains("://") && leading_key(text).is_some()
}

/// Reads a key=value string as libpq does: pairs separated by whitespace, spaces allowed around
/// `=`, a value either bare (up to whitespace) or in single quotes, a backslash escaping the
/// next character in both. The error never holds a value (it may be a password).
pub fn parse(text: &str) -> std::result::Result<Vec<Pair>, String> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let at = |i: usize| chars.get(i).map_or(text.len(), |&(b, _)| b);
    let mut i = 0;
    let mut pairs = Vec::new();
    loop {
        while i < chars.len() && chars[i].1.is_whitespace() {
            i += 1;
        }
        if i == chars.len() {
            return Ok(pairs);
        }
        let start = i;
        while i < chars.len() && (chars[i].1.is_ascii_alphanumeric() || chars[i].1 == '_') {
            i += 1;
        }
        if i == start {
            return Err(format!("expected a keyword at character {}", start + 1));
        }
        let key = text[at(start)..at(i)].to_string();
        while i < chars.len() && chars[i].1.is_whitespace() {
            i += 1;
        }
        if chars.get(i).map(|c| c.1) != Some('=') {
            return Err(format!("'{key}' is not followed by '='"));
        }
        i += 1;
        while i < chars.len() && chars[i].1.is_whitespace() {
            i += 1;
        }
        let from = i;
        let mut value = String::new();
        if chars.get(i).map(|c| c.1) == Some('\'') {
            i += 1;
            loop {
                match chars.get(i).map(|c| c.1) {
                    None => {
                        return Err(format!("the quoted value of '{key}' has no closing quote"))
                    }
                    Some('\'') => {
                        i += 1;
                        break;
                    }
                    Some('\\') => {
                        if let Some(&(_, c)) = chars.get(i + 1) {
                            value.push(c);
                        }
                        i += 2;
                    }
                    Some(c) => {
                        value.push(c);
                        i += 1;
                    }
                }
            }
        } else {
            while i < chars.len() && !chars[i].1.is_whitespace() {
                if chars[i].1 == '\\' {
                    if let Some(&(_, c)) = chars.get(i + 1) {
                        value.push(c);
                    }
                    i += 2;
                } else {
                    value.push(chars[i].1);
                    i += 1;
                }
            }
            i = i.min(chars.len());
        }
        pairs.push(Pair {
            key,
            value,
            span: at(from)..at(i),
        });
    }
}

/// A key=value string fit for output: each secret's value `REDACTED`, the rest as written. One
/// that cannot be read is not shown at all (where its password ends is not known).
pub fn redact(text: &str) -> String {
    match parse(text) {
        Ok(pairs) => {
            let mut out = text.to_string();
            for p in pairs.iter().rev() {
                if SECRET_KEYS.iter().any(|k| p.key.eq_ignore_ascii_case(k)) {
                    out.replace_range(p.span.clone(), "REDACTED");
                }
            }
            out
        }
        Err(_) => "(a key=value connection string that cannot be read; not shown)".into(),
    }
}
