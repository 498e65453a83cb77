//! PostgreSQL connection settings as libpq (and so `psql`) reads them: a `postgres://` URL or a
//! key=value string (`host=db user=calls password='a b'`), then the `PG*` environment for what
//! it leaves out, `sslmode` with all six of libpq's values and `sslrootcert` (a PEM file, or
//! `system`). `tokio-postgres` reads the rest; the TLS settings it does not know are taken out
//! here and become the rustls verifier of [`tls`].

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, SignatureScheme};

use crate::error::{Exit, Failure};

// NOTE: reading and redacting key=value strings lives in `crate::keyvalue`, below
// `redact.rs`, which redacts every DEST; this module only builds connections from them.
use crate::keyvalue::parse;

/// A value written for tokio-postgres's key=value reader: quoted, `\` and `'` escaped.
fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if c == '\\' || c == '\'' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// libpq's `sslmode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SslMode {
    Disable,
    Allow,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl SslMode {
    pub fn parse(text: &str) -> Option<SslMode> {
        Some(match text {
            "disable" => SslMode::Disable,
            "allow" => SslMode::Allow,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SslMode::Disable => "disable",
            SslMode::Allow => "allow",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        }
    }
}

/// What the server's certificate is checked against.
#[derive(Debug, Clone, PartialEq)]
pub enum Root {
    /// `sslrootcert=system`: the web's roots (`webpki-roots`).
    System,
    File(PathBuf),
}

impl std::fmt::Display for Root {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Root::System => f.write_str("the system's roots (sslrootcert=system)"),
            Root::File(p) => write!(f, "sslrootcert {}", p.display()),
        }
    }
}

/// Where and how to connect: tokio-postgres's settings with the environment's filled in, and
/// the TLS ones it does not know.
pub struct Target {
    pub config: tokio_postgres::Config,
    pub mode: SslMode,
    /// `Some` where the certificate is checked (verify-ca, verify-full, or require with a root
    /// file, as libpq does).
    pub root: Option<Root>,
    /// The certificates of `root`.
    roots: Vec<CertificateDer<'static>>,
    /// The DEST, redacted.
    pub shown: String,
}

const HINT: &str = "postgres://USER@HOST:PORT/DATABASE?sslmode=require, or host=HOST user=USER dbname=DATABASE sslmode=require";

/// Reads a DEST (URL or key=value string) and fills in what it leaves out from `env` (`PGHOST`,
/// `PGPORT`, `PGUSER`, `PGDATABASE`, `PGPASSWORD`, `PGSSLMODE`, `PGSSLROOTCERT`), as libpq does.
/// `~/.pgpass` is the caller's (it needs the final host, port, user and database).
pub fn resolve(text: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Target> {
    let shown = crate::redact::url_password(text);
    let usage = |what: String| Failure::usage(format!("{shown}: {what}")).hint(HINT);
    let (rest, sslmode, sslrootcert) = if text.contains("://") {
        split_url(text)
    } else {
        let pairs =
            parse(text).map_err(|e| usage(format!("not a key=value connection string: {e}")))?;
        let (mut sslmode, mut sslrootcert) = (None, None);
        let mut rest = Vec::new();
        for p in pairs {
            match p.key.as_str() {
                "sslmode" => sslmode = Some(p.value),
                "sslrootcert" => sslrootcert = Some(p.value),
                _ => rest.push(format!("{}={}", p.key, quote(&p.value))),
            }
        }
        (rest.join(" "), sslmode, sslrootcert)
    };
    let mut config: tokio_postgres::Config = if rest.trim().is_empty() {
        tokio_postgres::Config::new()
    } else {
        rest.parse().map_err(|e: tokio_postgres::Error| {
            // NOTE: tokio-postgres's messages name the key, never its value.
            let why = std::error::Error::source(&e).map_or(e.to_string(), |s| s.to_string());
            usage(format!("not a PostgreSQL connection string: {why}"))
        })?
    };
    let env = |k: &str| env(k).filter(|v| !v.is_empty());
    if config.get_hosts().is_empty() {
        let Some(hosts) = env("PGHOST") else {
            return Err(usage("names no host, and PGHOST is not set".into()).into());
        };
        for h in hosts.split(',') {
            #[cfg(unix)]
            if h.starts_with('/') {
                config.host_path(h);
                continue;
            }
            config.host(h);
        }
    }
    if config.get_ports().is_empty() {
        if let Some(ports) = env("PGPORT") {
            for p in ports.split(',') {
                let port = p
                    .trim()
                    .parse::<u16>()
                    .map_err(|_| usage(format!("PGPORT '{p}' is not a port number")))?;
                config.port(port);
            }
        }
    }
    if config.get_user().is_none() {
        // NOTE: libpq's default user is the operating system's user name.
        match env("PGUSER")
            .or_else(|| env("USER"))
            .or_else(|| env("LOGNAME"))
        {
            Some(u) => config.user(u),
            None => return Err(usage("names no user, and PGUSER is not set".into()).into()),
        };
    }
    if config.get_dbname().is_none() {
        if let Some(db) = env("PGDATABASE") {
            config.dbname(db);
        }
    }
    if config.get_password().is_none() {
        if let Some(p) = env("PGPASSWORD") {
            config.password(p);
        }
    }
    let sslrootcert = sslrootcert.or_else(|| env("PGSSLROOTCERT"));
    let root = match sslrootcert.as_deref() {
        None | Some("") => None,
        Some("system") => Some(Root::System),
        Some(path) => Some(Root::File(PathBuf::from(path))),
    };
    let mode_from = if sslmode.is_some() {
        "sslmode"
    } else {
        "PGSSLMODE"
    };
    let mode = match sslmode.or_else(|| env("PGSSLMODE")) {
        Some(m) => SslMode::parse(&m).ok_or_else(|| {
            usage(format!(
                "{mode_from} '{m}' is not one of disable, allow, prefer, require, verify-ca, verify-full"
            ))
        })?,
        // NOTE: libpq 16: with sslrootcert=system the default is verify-full.
        None if root == Some(Root::System) => SslMode::VerifyFull,
        None => SslMode::Prefer,
    };
    if root == Some(Root::System) && mode != SslMode::VerifyFull {
        // NOTE: libpq refuses it too: the system's roots vouch for names, not for chains alone.
        return Err(usage(format!(
            "sslmode={} cannot be used with sslrootcert=system",
            mode.as_str()
        ))
        .hint("pass sslmode=verify-full with sslrootcert=system")
        .into());
    }
    let root = match (mode, root) {
        (SslMode::VerifyCa | SslMode::VerifyFull, None) => {
            // NOTE: libpq's default root file; without it, verify-* is refused before connecting.
            let default = env("HOME").map(|h| PathBuf::from(h).join(".postgresql/root.crt"));
            match default.filter(|p| p.is_file()) {
                Some(p) => Some(Root::File(p)),
                None => {
                    return Err(usage(format!(
                        "sslmode={} checks the server's certificate, but no sslrootcert is given (and ~/.postgresql/root.crt does not exist)",
                        mode.as_str()
                    ))
                    .hint("pass sslrootcert=FILE (the CA that signed the server's certificate), sslrootcert=system, or sslmode=require to encrypt without checking")
                    .into())
                }
            }
        }
        // NOTE: libpq: "if a root CA file exists, the behavior of sslmode=require will be the
        // same as that of verify-ca"; with weaker modes the file is not used.
        (SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull, root) => root,
        (_, _) => None,
    };
    let roots = match &root {
        None => Vec::new(),
        Some(Root::System) => Vec::new(),
        Some(Root::File(path)) => read_roots(path).map_err(|e| {
            Failure::usage(format!("{shown}: {e:#}"))
                .hint("sslrootcert names a PEM file of the CA certificates to trust")
        })?,
    };
    config.ssl_mode(match mode {
        SslMode::Disable | SslMode::Allow => tokio_postgres::config::SslMode::Disable,
        SslMode::Prefer => tokio_postgres::config::SslMode::Prefer,
        _ => tokio_postgres::config::SslMode::Require,
    });
    Ok(Target {
        config,
        mode,
        root,
        roots,
        shown,
    })
}

/// A URL with `sslmode` and `sslrootcert` taken out of its query (tokio-postgres knows neither
/// `allow`, `verify-ca` and `verify-full` nor `sslrootcert`), and their values.
fn split_url(url: &str) -> (String, Option<String>, Option<String>) {
    let Some((base, rest)) = url.split_once('?') else {
        return (url.to_string(), None, None);
    };
    let (query, fragment) = rest.split_once('#').unwrap_or((rest, ""));
    let (mut sslmode, mut sslrootcert) = (None, None);
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let v = percent_encoding::percent_decode_str(v)
                .decode_utf8_lossy()
                .into_owned();
            match k {
                "sslmode" => sslmode = Some(v),
                "sslrootcert" => sslrootcert = Some(v),
                _ => return !pair.is_empty(),
            }
            false
        })
        .collect();
    let mut out = base.to_string();
    if !kept.is_empty() {
        out.push('?');
        out.push_str(&kept.join("&"));
    }
    if !fragment.is_empty() {
        out.push('#');
        out.push_str(fragment);
    }
    (out, sslmode, sslrootcert)
}

/// The certificates of a PEM file.
fn read_roots(path: &std::path::Path) -> Result<Vec<CertificateDer<'static>>> {
    use rustls::pki_types::pem::PemObject;
    let bytes = std::fs::read(path)
        .with_context(|| format!("cannot read sslrootcert {}", path.display()))?;
    let certs = CertificateDer::pem_slice_iter(&bytes)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| anyhow::anyhow!("sslrootcert {} is not PEM: {e:?}", path.display()))?;
    if certs.is_empty() {
        anyhow::bail!("sslrootcert {} holds no certificate", path.display());
    }
    Ok(certs)
}

impl Target {
    /// The TLS connector of this target's sslmode: the certificate checked against the roots
    /// (verify-full: chain and host; verify-ca, or require with a root file: the chain), or, as
    /// libpq does for prefer, allow and require, not checked at all.
    pub fn tls(&self) -> Result<tokio_postgres_rustls::MakeRustlsConnect> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .context("rustls")?;
        let config = match &self.root {
            None => builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(Unchecked(provider)))
                .with_no_client_auth(),
            Some(root) => {
                let mut store = rustls::RootCertStore::empty();
                match root {
                    Root::System => store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
                    Root::File(_) => {
                        for c in &self.roots {
                            store.add(c.clone()).with_context(|| {
                                format!("{root}: a certificate rustls cannot use")
                            })?;
                        }
                    }
                }
                let webpki = rustls::client::WebPkiServerVerifier::builder_with_provider(
                    Arc::new(store),
                    provider,
                )
                .build()
                .context("rustls")?;
                let verifier: Arc<dyn ServerCertVerifier> = if self.mode == SslMode::VerifyFull {
                    webpki
                } else {
                    Arc::new(ChainOnly(webpki))
                };
                builder
                    .dangerous()
                    .with_custom_certificate_verifier(verifier)
                    .with_no_client_auth()
            }
        };
        Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
    }

    /// A connection's error said plainly where it is TLS's: which check refused the server's
    /// certificate and what to pass instead, or that the server does not speak TLS. Else as it is.
    pub fn explain(&self, err: tokio_postgres::Error) -> anyhow::Error {
        let shown = &self.shown;
        let found = rustls_error(&err).cloned();
        let text = format!("{:#}", anyhow::Error::from(err));
        let failure = match found {
            Some(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => {
                let host = match self.config.get_hosts().first() {
                    Some(tokio_postgres::config::Host::Tcp(h)) => h.clone(),
                    _ => String::new(),
                };
                Some(Failure::new(
                    Exit::Failed,
                    format!("{shown}: the server's certificate is not for host '{host}' (sslmode=verify-full checks the name)"),
                )
                .hint("connect by a name the certificate holds, or pass sslmode=verify-ca to check the chain only"))
            }
            Some(rustls::Error::InvalidCertificate(
                CertificateError::UnknownIssuer
                | CertificateError::BadSignature
                | CertificateError::UnhandledCriticalExtension,
            )) => Some(
                Failure::new(
                    Exit::Failed,
                    format!(
                        "{shown}: the server's certificate is not signed by {} (sslmode={})",
                        self.root.as_ref().map_or("a trusted root".into(), |r| r.to_string()),
                        self.mode.as_str()
                    ),
                )
                .hint("pass sslrootcert=FILE with the CA that signed it, or sslmode=require to encrypt without checking the certificate"),
            ),
            Some(e @ rustls::Error::InvalidCertificate(_)) => Some(
                Failure::new(
                    Exit::Failed,
                    format!("{shown}: the server's certificate was refused: {e}"),
                )
                .hint("fix the server's certificate, or pass sslmode=require to encrypt without checking it"),
            ),
            _ if text.contains("server does not support TLS") => Some(
                Failure::new(
                    Exit::Failed,
                    format!(
                        "{shown}: the server does not accept TLS, and sslmode={} needs it",
                        self.mode.as_str()
                    ),
                )
                .hint("turn ssl on at the server, or pass sslmode=prefer (TLS where the server offers it)"),
            ),
            _ => None,
        };
        // NOTE: the Failure is the error itself, not a context on the client's error:
        // `classify` finds a Failure in the chain only so (its exit code and hint).
        match failure {
            Some(f) => {
                let message = format!("{}: {text}", f.message);
                Failure { message, ..f }.into()
            }
            None => anyhow::anyhow!("cannot connect to {shown}: {text}"),
        }
    }
}

/// The rustls error somewhere in `err`'s chain (an `io::Error` hides its inner error from
/// `source`, so it is opened too).
fn rustls_error<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    let mut next: Option<&'a (dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = next {
        if let Some(r) = e.downcast_ref::<rustls::Error>() {
            return Some(r);
        }
        if let Some(inner) = e
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            if let Some(r) = rustls_error(inner) {
                return Some(r);
            }
        }
        next = e.source();
    }
    None
}

/// `sslmode` prefer, allow or require without a root file: encrypted, the certificate not
/// checked (libpq's meaning; a server's self-signed certificate is accepted). The handshake's
/// signatures are still verified, so the session is with the holder of the certificate's key.
#[derive(Debug)]
struct Unchecked(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for Unchecked {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// `verify-ca`: the chain checked against the roots, the host name not.
#[derive(Debug)]
struct ChainOnly(Arc<rustls::client::WebPkiServerVerifier>);

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        // NOTE: webpki checks the chain first and the name last, so a name error means the
        // chain was good.
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyvalue::is_keyvalue;
    use proptest::prelude::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn key_value_strings_read_as_libpq_reads_them() {
        let pairs =
            parse(r"host=db  port = 5433 password='a b\'c\\d' user=me\ you dbname=''").unwrap();
        let got: Vec<(&str, &str)> = pairs
            .iter()
            .map(|p| (p.key.as_str(), p.value.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("host", "db"),
                ("port", "5433"),
                ("password", r"a b'c\d"),
                ("user", "me you"),
                ("dbname", ""),
            ]
        );
        for bad in ["host", "host=db 'x'", "password='open"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert!(is_keyvalue("host=db user=me"));
        assert!(is_keyvalue("  dbname = calls"));
        assert!(!is_keyvalue("a=b.db"));
        assert!(!is_keyvalue("postgres://h/db"));
    }

    #[test]
    fn the_environment_fills_in_what_the_string_leaves_out() {
        let vars = [
            ("PGHOST", "envhost"),
            ("PGPORT", "6000"),
            ("PGUSER", "envuser"),
            ("PGDATABASE", "envdb"),
            ("PGPASSWORD", "envpw"),
            ("PGSSLMODE", "require"),
        ];
        let t = resolve("dbname=calls", &env(&vars)).unwrap();
        assert_eq!(
            t.config.get_hosts(),
            [tokio_postgres::config::Host::Tcp("envhost".into())]
        );
        assert_eq!(t.config.get_ports(), [6000]);
        assert_eq!(t.config.get_user(), Some("envuser"));
        assert_eq!(t.config.get_dbname(), Some("calls"));
        assert_eq!(t.config.get_password(), Some(&b"envpw"[..]));
        assert_eq!(t.mode, SslMode::Require);
        assert_eq!(t.root, None);
        // The string's own win; a URL's too.
        let t = resolve(
            "postgres://u:pw@h:5/d?sslmode=disable&application_name=x",
            &env(&vars),
        )
        .unwrap();
        assert_eq!(t.config.get_user(), Some("u"));
        assert_eq!(t.config.get_password(), Some(&b"pw"[..]));
        assert_eq!(t.mode, SslMode::Disable);
        assert_eq!(t.config.get_application_name(), Some("x"));
    }

    #[test]
    fn ssl_modes_and_roots_as_libpq_has_them() {
        let e = env(&[("USER", "me")]);
        for (dest, mode) in [
            ("host=h", SslMode::Prefer),
            ("host=h sslmode=allow", SslMode::Allow),
            (
                "postgres://h/d?sslmode=verify-full&sslrootcert=system",
                SslMode::VerifyFull,
            ),
            ("host=h sslrootcert=system", SslMode::VerifyFull),
        ] {
            assert_eq!(resolve(dest, &e).unwrap().mode, mode, "{dest}");
        }
        let bad_env = env(&[("USER", "me"), ("PGSSLMODE", "on")]);
        let err = resolve("host=h", &bad_env).err().unwrap();
        assert!(
            format!("{err:#}").contains("PGSSLMODE 'on' is not one of"),
            "{err:#}"
        );
        assert_eq!(
            resolve("host=h sslmode=disable", &bad_env).unwrap().mode,
            SslMode::Disable
        );
        for (dest, says) in [
            ("host=h sslmode=verify", "sslmode 'verify' is not one of"),
            (
                "host=h sslmode=require sslrootcert=system",
                "cannot be used with",
            ),
            ("host=h sslmode=verify-ca", "no sslrootcert"),
            (
                "host=h sslmode=verify-full sslrootcert=/nonexistent/ca.pem",
                "cannot read",
            ),
            ("host=h bogus=1", "not a PostgreSQL connection string"),
            ("dbname=d", "names no host"),
        ] {
            let err = resolve(dest, &e).err().unwrap();
            assert!(format!("{err:#}").contains(says), "{dest}: {err:#}");
            assert_eq!(crate::error::classify(&err).0, Exit::Usage, "{dest}");
        }
    }

    /// A password: any printable text, spaces, quotes, backslashes and `=` included.
    fn password() -> impl Strategy<Value = String> {
        "[a-zA-Z0-9 '\\\\=\"#&?@:/%-]{4,24}".prop_filter("not blank", |p| p.trim().len() >= 4)
    }

    proptest! {
        /// Any password, written as libpq allows (quoted with escapes, or bare with escapes),
        /// reads back as itself and never appears in the redacted string, nor in the error
        /// of a string that cannot be read.
        #[test]
        fn passwords_read_back_and_never_show(pw in password(), bare in any::<bool>(), broken in any::<bool>()) {
            let written = if bare {
                pw.chars().flat_map(|c| {
                    if c.is_whitespace() || c == '\\' || c == '\'' { vec!['\\', c] } else { vec![c] }
                }).collect::<String>()
            } else {
                quote(&pw)
            };
            let text = format!("host=db password={written} user=calls{}", if broken { " sslmode='x" } else { "" });
            let shown = crate::redact::url_password(&text);
            prop_assert!(!shown.contains(&pw), "{shown}");
            let dest = crate::db::Dest::parse(&text).unwrap();
            prop_assert!(!dest.to_string().contains(&pw), "{dest}");
            prop_assert!(!format!("{dest:?}").contains(&pw), "{dest:?}");
            let url = format!(
                "postgres://me:{}@db/calls?sslmode=require",
                percent_encoding::utf8_percent_encode(&pw, percent_encoding::NON_ALPHANUMERIC)
            );
            let encoded = url.split(['@', ':']).nth(2).unwrap_or_default().to_string();
            let url_shown = crate::redact::url_password(&url);
            prop_assert!(
                !url_shown.contains(&pw) && !url_shown.contains(&encoded),
                "{url_shown}"
            );
            match parse(&text) {
                Ok(pairs) => {
                    prop_assert!(!broken);
                    prop_assert_eq!(&pairs[1].value, &pw);
                    prop_assert_eq!(&pairs[2].value, "calls");
                    prop_assert!(shown.contains("password=REDACTED"), "{shown}");
                }
                Err(e) => {
                    prop_assert!(broken);
                    prop_assert!(!e.contains(&pw), "{e}");
                }
            }
            let err = resolve(&format!("{text} bogus=1"), &|_| None).err().unwrap();
            prop_assert!(!format!("{err:#}").contains(&pw), "{err:#}");
        }
    }
}
