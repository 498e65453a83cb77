//! `calls sync` into a real PostgreSQL server started for each test (`initdb` and `pg_ctl` into a
//! temporary folder, a free port on 127.0.0.1; as the `postgres` user when run as root). Without
//! the binaries the tests are skipped with a reason, except with CI=true, where that fails.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use calls::call::Status;
use calls::sandbox::Options;
use calls::vendors::Vendor;
use common::store::{self, rows, Store};
use common::text::{self, Record};
use common::{
    run_bounded as run, sandbox, stderr_lines, truth, wait_exit, wait_for, Home, Rows, FROM, HANG,
    TO,
};
use serde_json::Value;

struct Server {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    root: bool,
}

/// Where initdb, pg_ctl and psql are: Debian's versioned folder, else on PATH.
fn pg_bin() -> Option<PathBuf> {
    let all = |p: &PathBuf| {
        ["initdb", "pg_ctl", "psql"]
            .iter()
            .all(|b| p.join(b).is_file())
    };
    let debian = std::fs::read_dir("/usr/lib/postgresql").ok().and_then(|d| {
        let mut dirs: Vec<PathBuf> = d
            .filter_map(|e| Some(e.ok()?.path().join("bin")))
            .filter(all)
            .collect();
        dirs.sort();
        dirs.pop()
    });
    debian.or_else(|| {
        std::env::var_os("PATH").and_then(|paths| std::env::split_paths(&paths).find(|p| all(p)))
    })
}

/// A certificate authority and a server certificate it signed for `localhost` (PEM), as a
/// server set up with its own CA has them; `other` is a CA that signed nothing of the server's.
struct Certs {
    ca: String,
    cert: String,
    key: String,
    other: String,
}

impl Certs {
    fn new() -> Certs {
        let ca_key = rcgen::KeyPair::generate().unwrap();
        let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca.distinguished_name
            .push(rcgen::DnType::CommonName, "calls test CA");
        let ca_cert = ca.self_signed(&ca_key).unwrap();
        let issuer = rcgen::Issuer::new(ca, &ca_key);
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = rcgen::CertificateParams::new(vec!["localhost".to_string()])
            .unwrap()
            .signed_by(&key, &issuer)
            .unwrap();
        let other_key = rcgen::KeyPair::generate().unwrap();
        let mut other = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        other.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let other = other.self_signed(&other_key).unwrap();
        Certs {
            ca: ca_cert.pem(),
            cert: cert.pem(),
            key: key.serialize_pem(),
            other: other.pem(),
        }
    }
}

impl Server {
    fn start() -> Option<Server> {
        Server::start_with(None)
    }

    /// A server; with `certs`, TLS on (`ssl = on` and the certificate), and `pg_hba.conf`
    /// letting the role `tlsonly` in over TLS only, every other role with or without it.
    fn start_with(certs: Option<&Certs>) -> Option<Server> {
        let Some(bin) = pg_bin() else {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "PostgreSQL's initdb and pg_ctl are missing (CI installs them: apt-get install postgresql)"
            );
            eprintln!("skipped: PostgreSQL's initdb and pg_ctl are not installed");
            return None;
        };
        let root = Command::new("id")
            .arg("-u")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
            .unwrap_or(false);
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let s = Server {
            dir,
            bin,
            port,
            root,
        };
        let mut tls_conf = String::new();
        if let Some(c) = certs {
            use std::os::unix::fs::PermissionsExt;
            let (cert, key) = (
                s.dir.path().join("server.crt"),
                s.dir.path().join("server.key"),
            );
            std::fs::write(&cert, &c.cert).unwrap();
            std::fs::write(&key, &c.key).unwrap();
            std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
            // NOTE: in the config file, not on the command line, which ALTER SYSTEM cannot
            // override (a test turns TLS off).
            tls_conf = format!(
                "ssl = on\nssl_cert_file = '{}'\nssl_key_file = '{}'\n",
                cert.display(),
                key.display()
            );
        }
        if root {
            let ok = Command::new("chown")
                .args(["-R", "postgres"])
                .arg(s.dir.path())
                .status()
                .unwrap();
            assert!(ok.success());
        }
        let data = s.dir.path().join("data");
        s.pg(
            "initdb",
            &[
                "-D",
                data.to_str().unwrap(),
                "-U",
                "calls",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        );
        if certs.is_some() {
            let conf = data.join("postgresql.conf");
            let mut text = std::fs::read_to_string(&conf).unwrap();
            text.push_str(&tls_conf);
            std::fs::write(&conf, text).unwrap();
            std::fs::write(
                data.join("pg_hba.conf"),
                "local all all trust\n\
                 hostssl all all 127.0.0.1/32 trust\n\
                 hostnossl all tlsonly 127.0.0.1/32 reject\n\
                 hostnossl all all 127.0.0.1/32 trust\n",
            )
            .unwrap();
        }
        let opts = format!(
            "-p {} -h 127.0.0.1 -k {} -F",
            s.port,
            s.dir.path().display()
        );
        let log = s.dir.path().join("log");
        s.pg(
            "pg_ctl",
            &[
                "-D",
                data.to_str().unwrap(),
                "-l",
                log.to_str().unwrap(),
                "-o",
                &opts,
                "-w",
                "start",
            ],
        );
        Some(s)
    }

    /// Runs a PostgreSQL program, as the postgres user when we are root.
    fn pg(&self, program: &str, args: &[&str]) -> String {
        let exe = self.bin.join(program);
        let mut cmd = if self.root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&exe);
            c
        } else {
            Command::new(&exe)
        };
        let out = cmd
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{program} {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// `calls sync` of the whole window at `--concurrency 1`, with `env`, started and waited
    /// for until its first batch (2,000 calls) is stored and it still runs: the child, its
    /// stderr piped.
    fn sync_past_its_first_batch(&self, home: &Home, env: &[(&str, &str)]) -> std::process::Child {
        let mut child = home
            .calls_std()
            .args(store::sync_args(&self.url(), &["--concurrency", "1"]))
            .envs(env.iter().copied())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        wait_for("the first batch", || {
            self.psql("SELECT to_regclass('calls') IS NOT NULL")[0] == "t"
                && self.psql("SELECT count(*) >= 2000 FROM calls")[0] == "t"
        });
        assert!(child.try_wait().unwrap().is_none(), "still running");
        child
    }

    fn url(&self) -> String {
        format!("postgres://calls@127.0.0.1:{}/postgres", self.port)
    }

    /// One query's rows, a line each.
    fn psql(&self, sql: &str) -> Vec<String> {
        self.pg(
            "psql",
            &[&self.url(), "-X", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql],
        )
        .lines()
        .map(str::to_string)
        .collect()
    }

    /// The table's rows of `profile` as the normalized JSON of `call_json`, by id; each row
    /// checked complete.
    fn table(&self, profile: &str) -> BTreeMap<String, Value> {
        let t =
            |c: &str| format!("to_char({c} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')");
        let sql = format!(
            "SELECT json_build_object('vendor', vendor, 'id', id, 'started_at', {}, \
             'ended_at', {}, 'direction', direction, 'status', status, \
             'vendor_status', vendor_status, 'duration', duration, 'talk_time', talk_time, \
             'customer_number', customer_number, 'line_number', line_number, 'agent', agent, \
             'campaign', campaign, 'recording_url', recording_url, 'cost', cost::text, \
             'raw_ok', jsonb_typeof(raw) = 'object' AND raw <> '{{}}'::jsonb, \
             'seen', first_seen_at IS NOT NULL) FROM calls WHERE profile = '{profile}'",
            t("started_at"),
            t("ended_at")
        );
        let mut out = BTreeMap::new();
        for line in self.psql(&sql) {
            let mut v: Value = serde_json::from_str(&line).unwrap();
            let m = v.as_object_mut().unwrap();
            assert_eq!(m.remove("raw_ok"), Some(Value::Bool(true)), "{line}");
            assert_eq!(m.remove("seen"), Some(Value::Bool(true)), "{line}");
            let id = m["id"].as_str().unwrap().to_string();
            assert!(out.insert(id, v).is_none(), "one row per id");
        }
        out
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let data = self.dir.path().join("data");
        let exe = self.bin.join("pg_ctl");
        let mut cmd = if self.root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&exe);
            c
        } else {
            Command::new(&exe)
        };
        let _ = cmd
            .args([
                "-D",
                data.to_str().unwrap(),
                "-m",
                "immediate",
                "-w",
                "stop",
            ])
            .output();
    }
}

/// A test's server, its sandbox and a HOME with the sandbox's profiles.
struct Setup {
    pg: Server,
    sb: calls::sandbox::Sandbox,
    home: Home,
    /// The server's URL, DEST of `calls sync`.
    url: String,
}

/// A [`Setup`] whose sandbox has `opts`; none when PostgreSQL is not installed (see
/// [`Server::start`]).
fn setup(opts: Options) -> Option<Setup> {
    let pg = Server::start()?;
    let sb = sandbox(opts);
    let home = Home::with_sandbox(&sb);
    let url = pg.url();
    Some(Setup { pg, sb, home, url })
}

/// What an ended child wrote to its piped stderr.
fn stderr_of(child: &mut std::process::Child) -> String {
    let mut stderr = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    stderr
}

fn expected(sb: &calls::sandbox::Sandbox) -> Rows {
    rows(&truth(sb, Vendor::Famulor))
}

impl Store for Server {
    fn dest(&self) -> String {
        self.url()
    }

    fn table(&self, profile: &str) -> Rows {
        Server::table(self, profile)
    }

    fn count(&self) -> u64 {
        self.psql("SELECT count(*) FROM calls")[0].parse().unwrap()
    }

    fn synced(&self) -> Vec<String> {
        self.psql("SELECT profile FROM sync_state ORDER BY 1")
    }

    fn refuse_famulor_after_2500(&self) {
        self.psql(
            "CREATE TABLE n (k integer); INSERT INTO n VALUES (0); \
             CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
             UPDATE n SET k = k + 1; \
             IF (SELECT k FROM n) > 2500 THEN RAISE EXCEPTION 'boom: no room'; END IF; \
             RETURN NEW; END $$; \
             CREATE TRIGGER boom BEFORE INSERT ON calls FOR EACH ROW \
             WHEN (NEW.profile = 'famulor') EXECUTE FUNCTION boom();",
        );
    }

    fn accept(&self) {
        self.psql("DROP TRIGGER boom ON calls");
    }
}

#[test]
fn postgres_holds_exactly_the_sandbox_calls_and_their_changes() {
    let Some(Setup { pg, sb, home, url }) = setup(common::options()) else {
        return;
    };
    let args = ["sync", &url, "--from", FROM, "--to", TO];
    let r = run(home.cmd().args(args));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let want = expected(&sb);
    assert!(want.len() > 100);
    assert_eq!(pg.table("famulor"), want);
    assert!(
        r.stderr.contains(&format!(
            "famulor: {} new, 0 changed, 0 gone, 0 unchanged (",
            want.len()
        )),
        "{}",
        r.stderr
    );
    // The newest call's status corrected: the next run updates it alone.
    let newest = truth(&sb, Vendor::Famulor)[0].clone();
    let seq = common::seq_at(&sb, Vendor::Famulor, newest.started_at);
    sb.update_call(Vendor::Famulor, seq, |c| {
        c.status = if c.status == Status::Missed {
            Status::Answered
        } else {
            Status::Missed
        }
    });
    let r = run(home.cmd().args(args));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("famulor: 0 new, 1 changed, "),
        "{}",
        r.stderr
    );
    assert_eq!(pg.table("famulor"), expected(&sb));
    assert_eq!(
        pg.psql("SELECT id FROM calls WHERE changed_at IS NOT NULL AND status <> first_status"),
        vec![newest.id.clone()]
    );
    let r = run(home.cmd().args(args));
    assert!(
        r.stderr.contains("famulor: 0 new, 0 changed, "),
        "{}",
        r.stderr
    );
    assert_eq!(
        pg.psql("SELECT version FROM schema_version"),
        vec![calls::db::postgres::MIGRATIONS.len().to_string()]
    );
    let collations = "SELECT coalesce(collation_name, 'default') FROM information_schema.columns \
        WHERE table_name = 'calls' AND column_name IN ('profile', 'id') ORDER BY column_name";
    assert_eq!(pg.psql(collations), vec!["C", "C"]);

    // Schema 1 (before the modification time was kept, ids in the locale's order) is migrated,
    // its rows and state kept.
    pg.psql(
        "ALTER TABLE sync_state DROP COLUMN newest_modified_at; \
         ALTER TABLE sync_state DROP COLUMN synced_from; \
         ALTER TABLE calls DROP COLUMN deleted_at; \
         ALTER TABLE calls ALTER COLUMN profile TYPE text COLLATE \"default\", \
             ALTER COLUMN id TYPE text COLLATE \"default\"; \
         UPDATE schema_version SET version = 1",
    );
    assert_eq!(pg.psql(collations), vec!["default", "default"]);
    let r = run(home.cmd().args(args));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("famulor: 0 new, 0 changed, "),
        "{}",
        r.stderr
    );
    assert_eq!(
        pg.psql("SELECT version FROM schema_version"),
        vec![calls::db::postgres::MIGRATIONS.len().to_string()]
    );
    assert_eq!(pg.psql(collations), vec!["C", "C"]);
    assert_eq!(pg.table("famulor"), expected(&sb));
    assert_eq!(
        pg.psql("SELECT count(*) FROM sync_state WHERE newest_modified_at IS NULL"),
        vec!["1"]
    );

    // Callcap lists by modification time: a call changed weeks before the newest is caught by
    // a later run that reads only what changed, whatever --revisit says.
    let callcap = [
        "-p", "callcap", "-v", "sync", &url, "--from", FROM, "--to", TO,
    ];
    let r = run(home.cmd().args(callcap));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let calls = truth(&sb, Vendor::Callcap);
    let old = calls
        .iter()
        .find(|c| c.started_at < calls[0].started_at - chrono::Duration::days(20))
        .unwrap()
        .clone();
    let seq = common::seq_at(&sb, Vendor::Callcap, old.started_at);
    sb.update_call(Vendor::Callcap, seq, |c| c.recording = !c.recording);
    let r = run(home.cmd().args(callcap).args(["--revisit", "1m"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("search_last_modified_start="),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("callcap: 0 new, 1 changed, "),
        "{}",
        r.stderr
    );
    assert_eq!(
        pg.psql("SELECT id FROM calls WHERE profile = 'callcap' AND changed_at IS NOT NULL"),
        vec![old.id.clone()]
    );
    assert_eq!(
        pg.psql("SELECT count(*) FROM sync_state WHERE profile = 'callcap' AND newest_modified_at IS NOT NULL"),
        vec!["1"]
    );

    // A newer schema is refused.
    pg.psql("UPDATE schema_version SET version = 99");
    let r = run(home.cmd().args(args));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("schema version 99"), "{}", r.stderr);
}

#[test]
fn postgres_syncs_killed_at_random_points_end_exact_and_one_at_a_time() {
    let Some(Setup { pg, sb, home, .. }) = setup(Options {
        calls: 6_000,
        latency: std::time::Duration::from_millis(20),
        ..common::options()
    }) else {
        return;
    };
    store::killed_at_random_points_then_run_to_the_end(&pg, &home, &sb, 0xbeef, 4, 2);
    let url = pg.url();
    let args = ["sync", &url, "--from", FROM, "--to", TO];

    // Two at once: the second skips the profile with a note (exit 0, nothing written by it);
    // another profile runs beside it.
    let slow = sandbox(Options {
        calls: 2_000,
        latency: std::time::Duration::from_millis(300),
        ..common::options()
    });
    let home = Home::with_sandbox(&slow);
    let mut first = home
        .calls_std()
        .args(args)
        .arg("--concurrency")
        .arg("1")
        .arg("--full")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    wait_for("the first sync to ask the vendor", || {
        !slow.requests().is_empty()
    });
    let r = run(home.cmd().args(args));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stderr.trim_end(),
        "famulor: being synced elsewhere, skipped",
        "{}",
        r.stderr
    );
    let r = run(home.cmd().args([
        "sync",
        &url,
        "-p",
        "evolux",
        "--from",
        "2025-05-31",
        "--to",
        TO,
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        first.try_wait().unwrap().is_none(),
        "the first was still running"
    );
    home.signal(&first, "-KILL");
    wait_exit(&mut first, "the first sync, killed", HANG);
}

/// Several profiles into one PostgreSQL database, each with its own rows and state; a failing
/// profile does not stop the others (exit 5, named); `--every` ends with 0 between runs and
/// with 143 during one, leaving no state of the interrupted run.
#[test]
fn postgres_takes_several_profiles_a_failing_one_and_every() {
    let Some(pg) = Server::start() else { return };
    let sb = sandbox(common::options());
    let home = store::home_with_a_broken_profile(&sb);
    let url = pg.url();
    let r = store::a_failing_profile_does_not_stop_the_others(
        &pg,
        &home,
        &sb,
        &["famulor", "broken", "evolux"],
        &[],
    );
    assert!(
        !r.stderr.contains(&url),
        "the URL (with its password) is not printed"
    );

    // --every: a signal between runs ends it with 0.
    let mut child = home
        .calls_std()
        .args(["sync", &url, "--from", FROM, "--to", TO, "-p", "famulor"])
        .args(["--every", "1h"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let line = stderr_lines(&mut child)
        .recv_timeout(HANG)
        .expect("the summary");
    common::every_line(&line, "famulor: 0 new, 0 changed, ");
    home.signal(&child, "-TERM");
    assert_eq!(
        wait_exit(&mut child, "sync --every, signalled idle", HANG).code(),
        Some(0)
    );

    // ... and during a run with 143, the profile's state untouched.
    let slow = sandbox(Options {
        latency: std::time::Duration::from_millis(500),
        ..common::options()
    });
    let home = Home::with_sandbox(&slow);
    let mut child = home
        .calls_std()
        .args(["sync", &url, "--from", FROM, "--to", TO, "-p", "callcap"])
        .args(["--every", "1h", "--concurrency", "1"])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    wait_for("the run to ask the vendor", || !slow.requests().is_empty());
    home.signal(&child, "-TERM");
    assert_eq!(
        wait_exit(&mut child, "sync --every, signalled during a run", HANG).code(),
        Some(143)
    );
    assert_eq!(
        pg.psql("SELECT count(*) FROM sync_state WHERE profile = 'callcap'"),
        vec!["0"]
    );
    assert_eq!(
        pg.psql("SELECT count(*) FROM calls WHERE profile = 'callcap'"),
        vec!["0"],
        "one page of 1,000 calls is less than a batch: nothing committed"
    );
}

/// SIGTERM to `sync --every 1h` at the moment a profile's summary appears, or a few ms after,
/// again and again: the run ends at once, with 0 (between runs) or 143 (during the next
/// profile's run), never hangs (it once did: the advisory lock's release ran a nested
/// `block_on` that swallowed the signal's wakeup); what is stored is whole, and the server
/// holds no lock of a run that ended.
#[test]
fn postgres_sync_every_signalled_as_each_summary_appears_ends_at_once() {
    let Some(Setup { pg, sb, home, url }) = setup(common::options()) else {
        return;
    };
    let want: Vec<(Vendor, common::Rows)> = [Vendor::Famulor, Vendor::Evolux]
        .into_iter()
        .map(|v| (v, rows(&truth(&sb, v))))
        .collect();
    let codes = common::sigterm_at_each_summary(
        &home,
        &want,
        |i| {
            // Some runs start on an empty table: first runs and reruns both.
            if i % 6 == 5 {
                pg.psql("DELETE FROM calls; DELETE FROM sync_state");
            }
            let mut cmd = home.calls_std();
            cmd.args(["sync", &url, "--from", FROM, "--to", TO])
                .args(["-p", "famulor", "-p", "evolux", "--every", "1h"])
                .stderr(std::process::Stdio::piped());
            cmd
        },
        |_, vendor| pg.table(vendor.id()),
        // The session ended with the process, and its advisory locks with it.
        |_| {
            wait_for("the server to release the ended run's locks", || {
                pg.psql("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'") == ["0"]
            })
        },
    );
    let r = run(home.cmd().args([
        "sync", &url, "--from", FROM, "--to", TO, "-p", "famulor", "-p", "evolux",
    ]));
    assert_eq!(r.code, 0, "{codes:?} {}", r.stderr);
}

/// Calls stored by an earlier run of an older window come late in a first run of the whole
/// window, after batches that found nothing stored (which skip the lookup): they are counted
/// unchanged, not written twice, and the rest is new.
#[test]
fn postgres_counts_stay_exact_when_stored_calls_come_after_new_ones() {
    let Some(Setup { pg, sb, home, .. }) = setup(Options {
        calls: 8_000,
        ..common::options()
    }) else {
        return;
    };
    store::stored_calls_after_new_ones_count_unchanged(&pg, &home, &sb);
}

/// A part of a batch the server refuses (a trigger, on whichever session writes past the
/// 2,500th call) fails that profile with the server's own error, naming the call, and the next
/// profile syncs: the first batch stands whole, the state is not advanced, and once the trigger
/// is gone a rerun ends exact. The trigger's counter row is a lock both sessions take in turn:
/// one waits for the other's transaction, which never waits for it, so the run does not hang.
#[test]
fn postgres_a_batch_the_server_refuses_fails_that_profile_with_its_error() {
    let Some(Setup { pg, sb, home, .. }) = setup(Options {
        calls: 6_000,
        ..common::options()
    }) else {
        return;
    };
    let stderr = store::a_refused_batch_fails_that_profile_with_its_error(&pg, &home, &sb);
    // The call it choked on, one of the profile's.
    let named = stderr
        .split("the server refused call ")
        .nth(1)
        .and_then(|rest| rest.split(':').next())
        .unwrap_or_else(|| panic!("no call named: {stderr}"));
    assert!(
        truth(&sb, Vendor::Famulor).iter().any(|c| c.id == named),
        "{named}: {stderr}"
    );
}

/// A connection the server ends mid-run (each of the two a sync writes through, in turn) fails
/// the run with the database and the step named, not a bare "connection closed": the state is
/// not advanced, every stored row is whole, and a rerun ends exact.
#[test]
fn postgres_a_connection_lost_mid_run_fails_it_and_a_rerun_ends_exact() {
    let Some(Setup { pg, sb, home, .. }) = setup(Options {
        calls: 6_000,
        latency: std::time::Duration::from_millis(50),
        ..common::options()
    }) else {
        return;
    };
    let want = expected(&sb);
    for holder in [false, true] {
        pg.psql("DROP TABLE IF EXISTS calls, sync_state, schema_version");
        let mut child = pg.sync_past_its_first_batch(&home, &[]);
        // The session holding the profile's advisory lock, or the other one.
        let which = if holder { "IN" } else { "NOT IN" };
        let ended = pg.psql(&format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = 'postgres' AND backend_type = 'client backend' \
             AND pid <> pg_backend_pid() \
             AND pid {which} (SELECT pid FROM pg_locks WHERE locktype = 'advisory')"
        ));
        assert_eq!(ended, ["t"], "one session ended");
        let status = wait_exit(&mut child, "a sync whose connection was ended", HANG);
        let stderr = stderr_of(&mut child);
        assert!(!status.success(), "{stderr}");
        assert!(
            stderr.contains(&format!("127.0.0.1:{}/postgres: cannot", pg.port)),
            "the database and the step: {stderr}"
        );
        assert_eq!(pg.psql("SELECT count(*) FROM sync_state"), ["0"]);
        for (id, row) in pg.table("famulor") {
            assert_eq!(Some(&row), want.get(&id), "{id}");
        }
        let r = run(home.cmd().args(store::sync_args(&pg.url(), &[])));
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(pg.table("famulor"), want);
    }
}

/// A role with rights on the tables alone (no TEMP on the database, no superuser) syncs new and
/// changed calls: COPY needs only INSERT, and no temporary table is made.
#[test]
fn postgres_syncs_as_a_role_with_table_rights_only() {
    let Some(Setup { pg, sb, home, url }) = setup(common::options()) else {
        return;
    };
    let r = run(home.cmd().args(["sync", &url, "--from", FROM, "--to", TO]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    pg.psql(
        "CREATE ROLE plain LOGIN; REVOKE TEMP ON DATABASE postgres FROM PUBLIC; \
         GRANT SELECT, INSERT, UPDATE ON calls, sync_state TO plain; \
         GRANT SELECT ON schema_version TO plain",
    );
    let newest = truth(&sb, Vendor::Famulor)[0].clone();
    let seq = common::seq_at(&sb, Vendor::Famulor, newest.started_at);
    sb.update_call(Vendor::Famulor, seq, |c| c.talk += 30);
    sb.add_calls(
        Vendor::Famulor,
        2,
        newest.started_at - chrono::Duration::hours(12),
        newest.started_at,
    );
    let plain = url.replace("calls@", "plain@");
    let r = run(home
        .cmd()
        .args(["sync", &plain, "--from", FROM, "--to", TO, "-p", "famulor"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("famulor: 2 new, 1 changed, "),
        "{}",
        r.stderr
    );
    assert_eq!(pg.table("famulor"), expected(&sb));
}

/// A call the server refuses (a trigger on one id) is named in the error, whichever of the
/// batch's calls it is; once the trigger is gone a rerun ends exact.
#[test]
fn postgres_a_refused_call_is_named() {
    let Some(Setup { pg, sb, home, url }) = setup(common::options()) else {
        return;
    };
    let want = expected(&sb);
    let ids: Vec<&String> = want.keys().collect();
    let r = run(home.cmd().args(["sync", &url, "--from", TO, "--to", TO]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    for target in [ids[0], ids[ids.len() / 2], ids[ids.len() - 1]] {
        pg.psql(&format!(
            "DELETE FROM calls; DELETE FROM sync_state; \
             CREATE OR REPLACE FUNCTION picky() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
             IF NEW.id = '{target}' THEN RAISE EXCEPTION 'not this one'; END IF; \
             RETURN NEW; END $$; \
             CREATE OR REPLACE TRIGGER picky BEFORE INSERT ON calls FOR EACH ROW \
             EXECUTE FUNCTION picky();"
        ));
        let r = run(home
            .cmd()
            .args(["-v", "sync", &url, "--from", FROM, "--to", TO]));
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(r.stderr.contains("not this one"), "{}", r.stderr);
        assert!(
            r.stderr
                .contains(&format!("the server refused call {target}:")),
            "{target}: {}",
            r.stderr
        );
        assert_eq!(pg.psql("SELECT count(*) FROM sync_state"), ["0"]);
    }
    pg.psql("DROP TRIGGER picky ON calls");
    let r = run(home.cmd().args(["sync", &url, "--from", FROM, "--to", TO]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(pg.table("famulor"), want);
}

/// Generated text (NUL, controls, lone surrogates) and JSON-number costs (an exponent, a
/// negative zero) from a hostile Famulor: PostgreSQL stores what SQLite stores, NUL as U+FFFD,
/// each cost as exactly the vendor's decimal (as PostgreSQL itself reads the text), nothing
/// lost, and a second sync changes nothing.
#[test]
fn postgres_stores_generated_text_and_costs_as_sqlite_does() {
    let Some(pg) = Server::start() else { return };
    let url = pg.url();
    let mut runner = proptest::test_runner::TestRunner::new(proptest::test_runner::Config {
        cases: 6,
        failure_persistence: None,
        ..Default::default()
    });
    runner
        .run(&text::records(40), |records| {
            check_text(&pg, &url, &records);
            Ok(())
        })
        .unwrap();
    check_text(
        &pg,
        &url,
        &[Record {
            id: "1".into(),
            agent: "An\0na".into(),
            campaign: "cut \u{e000}".into(),
            said: "a\0b".into(),
            cost: "1e-07".into(),
        }],
    );
}

fn check_text(pg: &Server, url: &str, records: &[Record]) {
    let api = text::serve(records);
    let home = Home::new();
    home.write_config(&text::config(&api));
    let n = records.len();
    pg.psql("DROP TABLE IF EXISTS calls, sync_state, schema_version");
    for dest in [url, "t.db"] {
        let r = run(home
            .cmd()
            .args(["-v", "-p", "t", "sync", dest, "--from", FROM, "--to", TO]));
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(
            r.stderr
                .contains(&format!("t: {n} new, 0 changed, 0 gone, 0 unchanged")),
            "{}",
            r.stderr
        );
        for rec in records.iter().filter(|r| r.mended()) {
            assert!(
                r.stderr
                    .contains(&format!("t: call {}: text the database", rec.id)),
                "{}",
                r.stderr
            );
        }
    }
    let stored: BTreeMap<String, Value> = pg
        .psql(
            "SELECT json_build_object('id', id, 'agent', agent, 'campaign', campaign, \
             'said', raw->'transcript'->0->>'text', 'cost', cost::text) FROM calls",
        )
        .iter()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (v["id"].as_str().unwrap().to_string(), v)
        })
        .collect();
    assert_eq!(stored.len(), n);
    let conn = rusqlite::Connection::open(home.path("t.db")).unwrap();
    for rec in records {
        let (agent, campaign, raw, cost): (String, String, String, String) = conn
            .query_row(
                "SELECT agent, campaign, raw, cost FROM calls WHERE id = ?1",
                [&rec.id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
        let raw: Value = serde_json::from_str(&raw).unwrap();
        let said = raw["transcript"][0]["text"].as_str().unwrap();
        let row = &stored[&rec.id];
        let want = [
            text::stored(&rec.agent),
            text::stored(&rec.campaign),
            text::stored(&rec.said),
        ];
        assert_eq!(
            [agent.as_str(), campaign.as_str(), said],
            want.each_ref().map(String::as_str)
        );
        assert_eq!(
            [&row["agent"], &row["campaign"], &row["said"]].map(Value::as_str),
            want.each_ref().map(|w| Some(w.as_str())),
            "{}",
            rec.id
        );
        assert_eq!(cost, rec.cost, "SQLite keeps the vendor's text");
    }
    // The costs as PostgreSQL reads the same text, value and places.
    let values: Vec<String> = records
        .iter()
        .map(|r| format!("('{}', '{}')", r.id, r.cost))
        .collect();
    let wrong = pg.psql(&format!(
        "SELECT c.id || ' ' || coalesce(c.cost::text, 'NULL') || ' ' || v.t FROM calls c \
         JOIN (VALUES {}) v(id, t) ON c.id = v.id WHERE c.cost::text IS DISTINCT FROM v.t::numeric::text",
        values.join(", ")
    ));
    assert!(wrong.is_empty(), "{wrong:?}");
    let r = run(home
        .cmd()
        .args(["-p", "t", "sync", url, "--from", FROM, "--to", TO]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains(&format!("t: 0 new, 0 changed, 0 gone, {n} unchanged")),
        "{}",
        r.stderr
    );
}

/// A server that stops answering mid-run (its sessions stopped with SIGSTOP, the connections
/// still open) fails the run in the limit, naming the server, instead of hanging; a rerun ends
/// exact.
#[cfg(unix)]
#[test]
fn postgres_a_server_that_stops_answering_fails_the_run_naming_it() {
    let Some(Setup { pg, sb, home, .. }) = setup(Options {
        calls: 6_000,
        latency: std::time::Duration::from_millis(100),
        ..common::options()
    }) else {
        return;
    };
    let mut child = pg.sync_past_its_first_batch(&home, &[("CALLS_TEST_PG_TIMEOUT", "3")]);
    let sessions = pg.psql(
        "SELECT pid FROM pg_stat_activity WHERE datname = 'postgres' \
         AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
    );
    assert_eq!(sessions.len(), 2, "{sessions:?}");
    let signal = |sig: &str| {
        for pid in &sessions {
            let ok = home.std_cmd("kill").args([sig, pid]).status().unwrap();
            assert!(ok.success(), "kill {sig} {pid}");
        }
    };
    signal("-STOP");
    let stopped = std::time::Instant::now();
    let status = wait_exit(&mut child, "a sync whose server stopped answering", HANG);
    let took = stopped.elapsed();
    signal("-CONT");
    let stderr = stderr_of(&mut child);
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "127.0.0.1:{}/postgres did not answer for 3 s",
            pg.port
        )),
        "{stderr}"
    );
    assert!(took < std::time::Duration::from_secs(30), "{took:?}");
    // The rerun at the default concurrency, to be quick.
    let r = run(home.cmd().args(store::sync_args(&pg.url(), &[])));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(pg.table("famulor"), expected(&sb));
}

/// A `calls` table rebuilt without its primary key is refused on open (exit 2), saying what to
/// do; nothing is written.
#[test]
fn postgres_a_calls_table_without_its_key_is_refused() {
    let Some(Setup {
        pg,
        // Bound, so that it serves until the test ends.
        sb: _sandbox,
        home,
        url,
    }) = setup(common::options())
    else {
        return;
    };
    let r = run(home.cmd().args(["sync", &url, "--from", FROM, "--to", TO]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let n = pg.psql("SELECT count(*) FROM calls");
    pg.psql("ALTER TABLE calls DROP CONSTRAINT calls_pkey");
    let r = run(home
        .cmd()
        .args(["sync", &url, "--from", FROM, "--to", TO, "--full"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("no PRIMARY KEY (profile, id)"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("famulor: "), "{}", r.stderr);
    assert_eq!(pg.psql("SELECT count(*) FROM calls"), n);
    pg.psql("ALTER TABLE calls ADD PRIMARY KEY (profile, id)");
    let r = run(home
        .cmd()
        .args(["sync", &url, "--from", FROM, "--to", TO, "--full"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// The same as SQLite's (tests/job_state.rs): a later `--from` that reaches further back reads
/// that older part, an older window never moves the stored position back, and the state says
/// which filter set it is for as readable JSON.
#[test]
fn postgres_a_widened_window_reads_its_older_part_and_never_moves_back() {
    let Some(Setup { pg, sb, home, url }) = setup(common::options()) else {
        return;
    };
    let all = truth(&sb, Vendor::Famulor);
    let count = |from: &str, to: &str| {
        let (from, to) = (common::at(from), common::at(to));
        all.iter()
            .filter(|c| c.started_at >= from && c.started_at < to)
            .count()
            .to_string()
    };
    let end = "2025-06-01T00:00:00Z";
    for (from, to) in [
        ("2025-05-20T00:00:00Z", end),
        ("2025-05-01T00:00:00Z", end),
        ("2025-03-10T00:00:00Z", "2025-03-20T00:00:00Z"),
    ] {
        let r = run(home.cmd().args(["sync", &url, "--from", from, "--to", to]));
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let stored = pg.psql("SELECT count(*) FROM calls")[0].clone();
    let want: usize = count("2025-05-01T00:00:00Z", end).parse::<usize>().unwrap()
        + count("2025-03-10T00:00:00Z", "2025-03-20T00:00:00Z")
            .parse::<usize>()
            .unwrap();
    assert_eq!(stored, want.to_string());
    assert_eq!(
        pg.psql(
            "SELECT filters, to_char(synced_from AT TIME ZONE 'UTC', 'YYYY-MM-DD'), \
             to_char(synced_to AT TIME ZONE 'UTC', 'YYYY-MM-DD') FROM sync_state"
        ),
        vec![format!(
            r#"{{"profile":"famulor","vendor":"famulor","api":"classic","base_url":"{}"}}|2025-05-01|2025-06-01"#,
            sb.base_url(Vendor::Famulor)
        )]
    );
}

/// One server with TLS on (a certificate for `localhost` signed by a CA the test made): each
/// `sslmode` connects or refuses as it does for `psql`, in a URL, a key=value string and the
/// `PG*` environment; a refusal says why and what to pass, with its exit code; a password in
/// the DEST never shows. Then TLS turned off: `require` refuses, `prefer` connects.
#[test]
fn postgres_sslmodes_connect_and_refuse_as_libpq_does() {
    let certs = Certs::new();
    let Some(pg) = Server::start_with(Some(&certs)) else {
        return;
    };
    pg.psql("CREATE ROLE tlsonly LOGIN SUPERUSER");
    let sb = sandbox(common::options());
    let home = Home::with_sandbox(&sb);
    let (ca, other) = (home.path("ca.pem"), home.path("other.pem"));
    std::fs::write(&ca, &certs.ca).unwrap();
    std::fs::write(&other, &certs.other).unwrap();
    let (ca, other) = (ca.display().to_string(), other.display().to_string());
    let secret = r"se cr\'et=1";
    let kv = |host: &str, user: &str, rest: &str| {
        format!(
            "host={host} port={} user={user} dbname=postgres password='{secret}' {rest}",
            pg.port
        )
    };
    let sync = |dest: &str, env: &[(&str, &str)]| {
        let mut cmd = home.cmd();
        cmd.args([
            "-v", "-p", "famulor", "sync", dest, "--from", FROM, "--to", TO,
        ]);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let r = run(&mut cmd);
        assert!(
            !r.stderr.contains("se cr") && !r.stdout.contains("se cr"),
            "{dest}: {}",
            r.stderr
        );
        r
    };
    let connects = [
        kv("127.0.0.1", "calls", "sslmode=disable"),
        // The role is refused without TLS: allow tries without, then with it.
        kv("127.0.0.1", "tlsonly", "sslmode=allow"),
        format!("postgres://tlsonly@127.0.0.1:{}/postgres", pg.port),
        kv("127.0.0.1", "tlsonly", "sslmode=require"),
        format!(
            "postgresql://tlsonly@127.0.0.1:{}/postgres?sslmode=verify-ca&sslrootcert={ca}",
            pg.port
        ),
        kv(
            "localhost",
            "tlsonly",
            &format!("sslmode=verify-full sslrootcert='{ca}'"),
        ),
        // libpq: require with a root file checks the chain as verify-ca does.
        kv(
            "127.0.0.1",
            "tlsonly",
            &format!("sslmode=require sslrootcert={ca}"),
        ),
    ];
    for dest in &connects {
        let r = sync(dest, &[]);
        assert_eq!(r.code, 0, "{dest}: {}", r.stderr);
        assert!(r.stderr.contains("famulor: "), "{dest}: {}", r.stderr);
    }
    assert_eq!(pg.table("famulor"), expected(&sb));
    // The environment's settings, where the DEST has none.
    let port = pg.port.to_string();
    let env = [
        ("PGHOST", "localhost"),
        ("PGPORT", port.as_str()),
        ("PGUSER", "tlsonly"),
        ("PGDATABASE", "postgres"),
        ("PGSSLMODE", "verify-full"),
        ("PGSSLROOTCERT", ca.as_str()),
    ];
    let r = sync("dbname=postgres", &env);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // ... and the DEST's own win over them.
    let r = sync(&kv("127.0.0.1", "tlsonly", "sslmode=require"), &env);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = sync(
        "dbname=postgres",
        &[env[0], env[1], env[2], ("PGSSLMODE", "disable")],
    );
    assert_eq!(
        r.code, 1,
        "PGSSLMODE=disable reaches the connection: {}",
        r.stderr
    );

    let refuses = [
        (
            kv("127.0.0.1", "tlsonly", "sslmode=disable"),
            1,
            "pg_hba.conf rejects connection",
        ),
        (
            kv("localhost", "tlsonly", "sslmode=verify-ca"),
            2,
            "pass sslrootcert=FILE",
        ),
        (
            kv("localhost", "tlsonly", "sslmode=verify-full"),
            2,
            "no sslrootcert is given",
        ),
        (
            kv(
                "localhost",
                "tlsonly",
                "sslmode=verify-full sslrootcert=system",
            ),
            1,
            "the server's certificate is not signed by the system's roots",
        ),
        (
            kv(
                "localhost",
                "tlsonly",
                "sslmode=verify-ca sslrootcert=system",
            ),
            2,
            "sslmode=verify-ca cannot be used with sslrootcert=system",
        ),
        (
            kv(
                "localhost",
                "tlsonly",
                &format!("sslmode=verify-ca sslrootcert={other}"),
            ),
            1,
            &format!(
                "the server's certificate is not signed by sslrootcert {other} (sslmode=verify-ca)"
            ),
        ),
        (
            kv(
                "localhost",
                "tlsonly",
                &format!("sslmode=require sslrootcert={other}"),
            ),
            1,
            "or sslmode=require to encrypt without checking",
        ),
        (
            kv(
                "127.0.0.1",
                "tlsonly",
                &format!("sslmode=verify-full sslrootcert={ca}"),
            ),
            1,
            "the server's certificate is not for host '127.0.0.1'",
        ),
        (
            format!(
                "postgres://tlsonly@127.0.0.1:{}/postgres?sslmode=verify-full&sslrootcert={ca}",
                pg.port
            ),
            1,
            "pass sslmode=verify-ca to check the chain only",
        ),
        (
            kv("localhost", "tlsonly", "sslmode=verify"),
            2,
            "sslmode 'verify' is not one of",
        ),
    ];
    for (dest, code, says) in &refuses {
        let r = sync(dest, &[]);
        assert_eq!(r.code, *code, "{dest}: {}", r.stderr);
        assert!(
            r.stderr.contains(says),
            "{dest}: wants {says:?}: {}",
            r.stderr
        );
        assert!(!r.stderr.contains("famulor: "), "{dest}: {}", r.stderr);
    }

    // TLS turned off at the server.
    pg.psql("ALTER SYSTEM SET ssl = off");
    pg.psql("SELECT pg_reload_conf()");
    let plain = kv("127.0.0.1", "calls", "sslmode=require");
    wait_for("the server to stop offering TLS", || {
        sync(&plain, &[])
            .stderr
            .contains("the server does not accept TLS")
    });
    let r = sync(&plain, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("sslmode=require needs it") && r.stderr.contains("sslmode=prefer"),
        "{}",
        r.stderr
    );
    let r = sync(&kv("127.0.0.1", "calls", ""), &[]);
    assert_eq!(r.code, 0, "prefer connects without TLS: {}", r.stderr);
    assert_eq!(pg.table("famulor"), expected(&sb));
}

/// A key=value DEST with a password, in the config: `config show` prints it redacted,
/// `config check` reads it (and names what is wrong with one it cannot use), never printing it.
#[test]
fn key_value_database_in_the_config_is_checked_and_never_shown() {
    let sb = sandbox(common::options());
    let home = Home::new();
    let base = sb.config_toml();
    for (database, code, says) in [
        (
            r"host=db.example user=calls dbname=calls password='hun ter\'2' sslmode=require",
            0,
            "ok     database (host=db.example user=calls dbname=calls password=REDACTED sslmode=require)",
        ),
        (
            r"host=db.example user=calls password='hun ter\'2' sslmode=verify-everything",
            2,
            "error  database: host=db.example user=calls password=REDACTED sslmode=verify-everything: sslmode 'verify-everything' is not one of",
        ),
        (
            r"host=db.example password='hun ter\'2' sslmod=require",
            2,
            "not a PostgreSQL connection string: unknown option `sslmod`",
        ),
        (
            r"host=db.example password='hun ter\'2",
            2,
            "error  database: (a key=value connection string that cannot be read; not shown): not a key=value connection string: the quoted value of 'password' has no closing quote",
        ),
    ] {
        home.write_config(&format!("database = \"{}\"\n{base}", database.replace('\\', "\\\\")));
        let r = run(home.cmd().args(["config", "check"]));
        assert_eq!(r.code, code, "{database}: {}{}", r.stdout, r.stderr);
        assert!(r.stdout.contains(says), "{database}: {}", r.stdout);
        let show = run(home.cmd().args(["config", "show"]));
        assert_eq!(show.code, 0, "{}", show.stderr);
        for out in [&r.stdout, &r.stderr, &show.stdout, &show.stderr] {
            assert!(!out.contains("ter"), "{database}: {out}");
        }
        if code == 0 {
            assert!(show.stdout.contains("password=REDACTED"), "{}", show.stdout);
        }
    }
}

/// Two, then three `calls sync` processes started at once over ten profiles into one database
/// share them (SPEC, sync): every profile is synced by exactly one process per round, and
/// skipped with a note by the others (exit 0 all); every stderr line is one whole line of one
/// profile; the table holds exactly the sandbox's calls of each profile.
#[test]
fn postgres_processes_started_together_sync_each_profile_once() {
    let Some(pg) = Server::start() else { return };
    let sb = sandbox(Options {
        latency: std::time::Duration::from_millis(60),
        ..common::options()
    });
    let home = Home::new();
    let (config, profiles) = common::many_profiles(&sb, 2);
    assert_eq!(profiles.len(), 10);
    home.write_config(&config);
    let url = pg.url();
    for processes in [2, 3] {
        let mut children: Vec<_> = (0..processes)
            .map(|_| {
                home.calls_std()
                    .args(["sync", &url, "--all-profiles", "--from", FROM, "--to", TO])
                    .args(["--jobs", "3", "--concurrency", "1"])
                    .args(["--report", "shared.ndjson"])
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let mut outputs = Vec::new();
        for child in &mut children {
            let status = wait_exit(child, "a sync sharing the profiles", HANG);
            let mut stderr = String::new();
            std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
            assert_eq!(status.code(), Some(0), "{stderr}");
            outputs.push(stderr);
        }
        // One report shared by the processes: every line whole, one per profile per process,
        // the one that synced it without `elsewhere`.
        let report = std::fs::read_to_string(home.path("shared.ndjson")).unwrap();
        std::fs::remove_file(home.path("shared.ndjson")).unwrap();
        let entries: Vec<Value> = report
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l:?}")))
            .collect();
        assert_eq!(entries.len(), profiles.len() * processes, "{report}");
        for (name, _) in &profiles {
            let synced = entries
                .iter()
                .filter(|e| e["profile"] == name.as_str() && e.get("elsewhere").is_none())
                .count();
            assert_eq!(synced, 1, "{name}: {report}");
        }
        let all = outputs.join("");
        for line in all.lines() {
            let whole = profiles.iter().any(|(name, _)| {
                line.strip_prefix(&format!("{name}: ")).is_some_and(|rest| {
                    rest.ends_with(" s)") && rest.contains(" new, ")
                        || rest == "being synced elsewhere, skipped"
                        || rest == "synced elsewhere this round, skipped"
                })
            });
            assert!(
                whole,
                "{processes} processes: a line not whole: {line:?}\n{all}"
            );
        }
        for (name, vendor) in &profiles {
            let synced = outputs
                .iter()
                .filter(|o| {
                    o.lines()
                        .any(|l| l.starts_with(&format!("{name}: ")) && l.contains(" new, "))
                })
                .count();
            let skipped = outputs
                .iter()
                .filter(|o| {
                    o.lines()
                        .any(|l| l.starts_with(&format!("{name}: ")) && l.ends_with(", skipped"))
                })
                .count();
            assert_eq!(
                (synced, skipped),
                (1, processes - 1),
                "{processes} processes, {name}:\n{all}"
            );
            let want = rows(&truth(&sb, *vendor));
            assert!(!want.is_empty());
            assert_eq!(pg.table(name), want, "{processes} processes, {name}");
        }
    }
    assert_eq!(
        pg.psql("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"),
        ["0"]
    );
}

/// Deletes at the source, as SQLite has them (tests/deletes.rs): marked by the run whose
/// window covers them (the incremental one for the newest call, `--full` for an older one),
/// in the transaction of the state, never removed, and cleared when they come back. Also on
/// Callcap, read by modification time.
#[test]
fn postgres_marks_calls_deleted_at_the_source_and_clears_those_that_return() {
    let Some(pg) = Server::start() else { return };
    let url = pg.url();
    for (profile, vendor) in [("famulor", Vendor::Famulor), ("callcap", Vendor::Callcap)] {
        let sb = sandbox(common::options());
        let home = Home::with_sandbox(&sb);
        let args = ["sync", &url, "-p", profile, "--from", FROM, "--to", TO];
        let r = run(home.cmd().args(args));
        assert_eq!(r.code, 0, "{}", r.stderr);
        let all = truth(&sb, vendor);
        let (newest, old) = (&all[0], &all[all.len() / 2]);
        let seqs = [newest, old].map(|c| common::seq_at(&sb, vendor, c.started_at));
        let deleted = sb.delete_calls(vendor, &seqs);
        let marked = |pg: &Server| {
            pg.psql(&format!(
                "SELECT id FROM calls WHERE profile = '{profile}' AND deleted_at IS NOT NULL \
                 AND changed_at = deleted_at ORDER BY id"
            ))
        };
        let r = run(home.cmd().args(args));
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stderr.contains(" 1 gone, "), "{}", r.stderr);
        assert_eq!(marked(&pg), vec![newest.id.clone()], "{profile}");
        let full = [&args[..], &["--full"]].concat();
        let r = run(home.cmd().args(&full));
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stderr.contains(" 1 gone, "), "{}", r.stderr);
        let mut both = vec![newest.id.clone(), old.id.clone()];
        both.sort();
        assert_eq!(marked(&pg), both, "{profile}");
        assert_eq!(
            pg.psql(&format!(
                "SELECT count(*) FROM calls WHERE profile = '{profile}'"
            )),
            vec![all.len().to_string()],
            "never removed"
        );
        sb.restore_calls(vendor, deleted);
        let r = run(home.cmd().args(&full));
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stderr.contains(" 2 changed, 0 gone, "), "{}", r.stderr);
        assert!(marked(&pg).is_empty(), "{profile}");
    }
}
