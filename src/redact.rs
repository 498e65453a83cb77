//! Keeps secrets out of everything printed: URLs, headers, logs and error messages.

use std::sync::{Mutex, OnceLock};

use crate::types::Secret;

fn registry() -> &'static Mutex<Vec<String>> {
    static SECRETS: OnceLock<Mutex<Vec<String>>> = OnceLock::new();
    SECRETS.get_or_init(|| Mutex::new(Vec::new()))
}

/// Remembers a secret so that `scrub` removes it from any text printed later.
pub fn register(secret: &Secret) {
    let value = secret.expose();
    // Very short values would blank out ordinary words; such "secrets" are rejected upstream
    // by vendors anyway.
    if value.len() >= 4 {
        let mut all = registry().lock().unwrap_or_else(|e| e.into_inner());
        if !all.iter().any(|s| s == value) {
            all.push(value.to_string());
        }
    }
}

/// Replaces every registered secret in `text` (and its URL-encoded form) with `***`.
pub fn scrub(text: &str) -> String {
    let all = registry().lock().unwrap_or_else(|e| e.into_inner());
    let mut out = text.to_string();
    for secret in all.iter() {
        out = out.replace(secret.as_str(), "***");
        let encoded = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect::<String>();
        if encoded != *secret {
            out = out.replace(&encoded, "***");
        }
    }
    out
}

/// Query parameters that carry our own credentials: never sent to another origin.
const CREDENTIAL_PARAMS: &[&str] = &[
    "api-key",
    "api_key",
    "apikey",
    "key",
    "token",
    "access_token",
    "secret",
    "client_secret",
    "password",
];

/// Query parameters whose values are credentials whatever they hold (never logged).
const SENSITIVE_PARAMS: &[&str] = &[
    "api-key",
    "api_key",
    "apikey",
    "key",
    "token",
    "access_token",
    "secret",
    "client_secret",
    "password",
    // Pre-signed recording links (S3, CloudFront, Google Cloud Storage, Azure): the link itself
    // grants access until it expires.
    "x-amz-signature",
    "x-amz-credential",
    "x-amz-security-token",
    "signature",
    "x-goog-signature",
    "x-goog-credential",
    "sig",
];

/// Headers whose values are credentials.
pub const SENSITIVE_HEADERS: &[&str] = &[
    "authorization",
    "token",
    "api-key",
    "x-api-key",
    "cookie",
    "proxy-authorization",
];

/// A URL fit for logs and errors: credential parameters show `REDACTED`, known secrets `***`.
pub fn url(url: &url::Url) -> String {
    let mut copy = url.clone();
    if copy.query().is_some() {
        let pairs: Vec<(String, String)> = copy
            .query_pairs()
            .map(|(k, v)| {
                let sensitive = SENSITIVE_PARAMS.iter().any(|s| k.eq_ignore_ascii_case(s));
                (
                    k.into_owned(),
                    if sensitive {
                        "REDACTED".into()
                    } else {
                        v.into_owned()
                    },
                )
            })
            .collect();
        copy.query_pairs_mut().clear().extend_pairs(pairs);
    }
    if copy.password().is_some() {
        let _ = copy.set_password(Some("REDACTED"));
    }
    scrub(copy.as_str())
}

/// A database DEST fit for output: a URL's password (and credential parameters) redacted, a
/// libpq key=value string's `password` too; a file path as it is.
pub fn url_password(dest: &str) -> String {
    if crate::keyvalue::looks_keyvalue(dest) {
        return scrub(&crate::keyvalue::redact(dest));
    }
    match url::Url::parse(dest) {
        Ok(u) if u.has_host() => url(&u),
        _ if dest.contains("://") => scrub(&by_hand(dest)),
        _ => scrub(dest),
    }
}

/// A URL that `url` reads without a host or not at all (PostgreSQL's `postgres://me:pw@/db`,
/// or several hosts, `h1:5432,h2:5433`), redacted by hand: the password of its user info and
/// the values of sensitive parameters.
fn by_hand(dest: &str) -> String {
    let start = dest.find("://").map_or(0, |i| i + 3);
    let end = dest[start..]
        .find(['/', '?', '#'])
        .map_or(dest.len(), |e| start + e);
    let mut out = match dest[start..end].rfind('@').map(|a| start + a) {
        Some(at) => match dest[start..at].find(':').map(|c| start + c) {
            Some(colon) => format!("{}REDACTED{}", &dest[..=colon], &dest[at..]),
            None => dest.to_string(),
        },
        None => dest.to_string(),
    };
    if let Some(q) = out.find('?') {
        let (query, fragment) = match out[q + 1..].split_once('#') {
            Some((query, fragment)) => (query, format!("#{fragment}")),
            None => (&out[q + 1..], String::new()),
        };
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((k, _)) if SENSITIVE_PARAMS.iter().any(|s| k.eq_ignore_ascii_case(s)) => {
                    format!("{k}=REDACTED")
                }
                _ => pair.to_string(),
            })
            .collect();
        out = format!("{}{}{fragment}", &out[..=q], pairs.join("&"));
    }
    out
}

/// Removes from `url` every parameter that carries one of our credentials: a credential name
/// (`api-key`, `token`, ...) or a value holding a registered secret. For a URL on another origin.
pub fn strip_credential_params(url: &mut url::Url) {
    if url.query().is_none() {
        return;
    }
    let secrets = registry().lock().unwrap_or_else(|e| e.into_inner()).clone();
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, v)| {
            !CREDENTIAL_PARAMS.iter().any(|c| k.eq_ignore_ascii_case(c))
                && !secrets.iter().any(|s| v.contains(s.as_str()))
        })
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
}

/// A header value fit for logs.
pub fn header(name: &str, value: &str) -> String {
    if SENSITIVE_HEADERS
        .iter()
        .any(|s| name.eq_ignore_ascii_case(s))
    {
        "REDACTED".into()
    } else {
        scrub(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_parameters_and_registered_secrets_are_hidden() {
        register(&Secret::new("topsecret-123"));
        let u =
            url::Url::parse("https://api.example/x?api-key=abc&page=2&q=topsecret-123").unwrap();
        let shown = url(&u);
        assert!(
            shown.contains("api-key=REDACTED") && shown.contains("page=2"),
            "{shown}"
        );
        assert!(
            !shown.contains("abc&") && !shown.contains("topsecret-123"),
            "{shown}"
        );
        assert_eq!(
            scrub("bearer topsecret-123 rejected"),
            "bearer *** rejected"
        );
        assert_eq!(header("Authorization", "Bearer x"), "REDACTED");
    }

    /// Every form of a database URL with a password shows it redacted, those `url` cannot read
    /// included (no host, several hosts); the rest of the URL stays.
    #[test]
    fn database_urls_never_show_their_password() {
        for (dest, shown) in [
            (
                "postgres://me:hunter2@db.example:5433/calls?sslmode=require",
                "postgres://me:REDACTED@db.example:5433/calls?sslmode=require",
            ),
            (
                "postgresql://me:hunter2@/calls",
                "postgresql://me:REDACTED@/calls",
            ),
            (
                "postgres://me:hunter2@h1:5432,h2:5433/calls",
                "postgres://me:REDACTED@h1:5432,h2:5433/calls",
            ),
            (
                "postgres://me@h1,h2/calls?password=hunter2&sslmode=require#x",
                "postgres://me@h1,h2/calls?password=REDACTED&sslmode=require#x",
            ),
            (
                "postgres:///calls?PassWord=hunter2",
                "postgres:///calls?PassWord=REDACTED",
            ),
            (
                "postgres://me:hun@ter2@/calls",
                "postgres://me:REDACTED@/calls",
            ),
            ("postgres://me@/calls", "postgres://me@/calls"),
            (
                "host=db password='hun ter\\'2' user=me",
                "host=db password=REDACTED user=me",
            ),
            (
                "password = hunter2 dbname=calls",
                "password = REDACTED dbname=calls",
            ),
            ("calls.db", "calls.db"),
        ] {
            assert_eq!(url_password(dest), shown, "{dest}");
        }
    }

    #[test]
    fn presigned_link_signatures_are_hidden() {
        let u = url::Url::parse(
            "https://bucket.s3.amazonaws.com/r/1.mp3?X-Amz-Credential=AKIA%2F1&X-Amz-Signature=f00d&X-Amz-Expires=600",
        )
        .unwrap();
        let shown = url(&u);
        assert!(
            !shown.contains("f00d") && !shown.contains("AKIA"),
            "{shown}"
        );
        assert!(shown.contains("X-Amz-Expires=600"), "{shown}");
    }
}
