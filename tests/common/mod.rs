//! Shared test harness: an in-process sandbox on 127.0.0.1 and an isolated HOME per test.
#![allow(dead_code)]

pub mod hostile;
pub mod recording;
pub mod store;
pub mod text;

use std::path::PathBuf;
use std::sync::OnceLock;

use calls::call::Call;
use calls::sandbox::{Options, Sandbox};
use calls::vendors::Vendor;
use chrono::{DateTime, Utc};

/// Every sandbox of a test binary runs on this runtime, so it keeps serving while the test
/// runs the `calls` binary synchronously.
pub fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    })
}

/// The pinned end of the generated data: tests are the same on every day.
pub const UNTIL: &str = "2025-06-01T00:00:00Z";
/// A window over the whole 90 days of data.
pub const FROM: &str = "2025-03-01";
pub const TO: &str = "2025-05-31";

pub fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

pub fn options() -> Options {
    Options {
        port: 0,
        calls: 400,
        seed: 7,
        until: Some(at(UNTIL)),
        ..Options::default()
    }
}

pub fn sandbox(opts: Options) -> Sandbox {
    runtime().block_on(Sandbox::start(opts)).unwrap()
}

/// Everything the sandbox holds for `vendor` in the test window, newest first.
pub fn truth(sb: &Sandbox, vendor: Vendor) -> Vec<Call> {
    sb.expected(
        vendor,
        at("2025-03-01T00:00:00Z"),
        at("2025-06-01T00:00:00Z"),
    )
}

/// A backend for the sandbox's `vendor`, as the library builds it.
pub fn backend(sb: &Sandbox, vendor: Vendor) -> calls::vendors::Backend {
    let http = calls::http::Http::new(calls::http::HttpOptions::default()).unwrap();
    calls::vendors::Backend::new(&sb.profile(vendor), http).unwrap()
}

/// Every call of a query through the pager, `concurrency` pages ahead.
pub fn fetch(
    sb: &Sandbox,
    vendor: Vendor,
    q: &calls::query::Query,
    concurrency: usize,
) -> anyhow::Result<Vec<Call>> {
    let b = std::sync::Arc::new(backend(sb, vendor));
    let plan = b.plan(q)?;
    let mut out = Vec::new();
    let pager = calls::pager::Pager {
        backend: b,
        query: std::sync::Arc::new(q.clone()),
        plan: &plan,
        concurrency,
        progress: false,
    };
    runtime().block_on(pager.run(&mut out))?;
    Ok(out)
}

/// An isolated HOME with its own config dir.
pub struct Home {
    pub dir: tempfile::TempDir,
}

impl Home {
    pub fn new() -> Home {
        Home {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Where `calls` looks for its config in this HOME.
    pub fn config_path(&self) -> PathBuf {
        self.path(".config/calls/config.toml")
    }

    pub fn write_config(&self, text: &str) -> PathBuf {
        let path = self.config_path();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        path
    }

    /// A config with every sandbox profile (default: famulor).
    pub fn with_sandbox(sb: &Sandbox) -> Home {
        let home = Home::new();
        home.write_config(&sb.config_toml());
        home
    }

    /// Any program a test starts (`sh`, `script`, `kill`, the `calls` binary), from an empty
    /// environment: PATH, HOME and the XDG folders of this HOME, `CALLS_ASSUME_TTY=0`,
    /// `NO_COLOR=1` (so that a table forced onto a "terminal" is exact text; a colour test
    /// removes it), `TZ=UTC` (the local zone dates are read in without `--tz`), the working
    /// directory here, and nothing else unless the test adds it. Nothing of the developer's own
    /// setup (`CALLS_CONFIG`, `CALLS_PROFILE`, `CALLS_BASE_URL`, `TZ`, `COLUMNS`, ...) reaches a
    /// child.
    pub fn std_cmd(&self, program: impl AsRef<std::ffi::OsStr>) -> std::process::Command {
        let mut cmd = std::process::Command::new(program);
        cmd.env_clear()
            .env(
                "PATH",
                std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into()),
            )
            .env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.path(".config"))
            .env("XDG_DATA_HOME", self.path(".local/share"))
            .env("XDG_CACHE_HOME", self.path(".cache"))
            .env("XDG_STATE_HOME", self.path(".local/state"))
            .env("CALLS_ASSUME_TTY", "0")
            .env("NO_COLOR", "1")
            .env("TZ", "UTC")
            .current_dir(self.dir.path());
        cmd
    }

    /// The `calls` binary, started as [`Home::std_cmd`] starts every child.
    pub fn cmd(&self) -> assert_cmd::Command {
        assert_cmd::Command::from_std(self.std_cmd(calls_bin()))
    }

    /// The `calls` binary for a test that needs the child itself (to signal it, to read part of
    /// its output), started as [`Home::std_cmd`] starts every child.
    pub fn calls_std(&self) -> std::process::Command {
        self.std_cmd(calls_bin())
    }

    /// Sends `signal` (`-INT`, `-TERM`, `-KILL`) to a child with kill(1).
    pub fn signal(&self, child: &std::process::Child, signal: &str) {
        let status = self
            .std_cmd("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "kill {signal} {}", child.id());
    }
}

/// The path of the `calls` binary cargo built for these tests.
pub fn calls_bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("calls")
}

/// Polls `done` every 10 ms for up to 20 s: the proof a test waits for before it acts (a
/// request the sandbox saw, a `.part` file on disk), instead of a sleep. Panics naming `what`
/// when it never comes.
pub fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !done() {
        assert!(
            std::time::Instant::now() < deadline,
            "waited 20 s for {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(cmd: &mut assert_cmd::Command) -> Run {
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// A normalized call as JSON, written out here independently of the crate's writers.
pub fn call_json(c: &Call) -> serde_json::Value {
    let t = |d: DateTime<Utc>| d.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    serde_json::json!({
        "vendor": c.vendor.id(),
        "id": c.id,
        "started_at": t(c.started_at),
        "ended_at": c.ended_at.map(t),
        "direction": c.direction.as_str(),
        "status": c.status.as_str(),
        "vendor_status": c.vendor_status,
        "duration": c.duration,
        "talk_time": c.talk_time,
        "customer_number": c.customer_number,
        "line_number": c.line_number,
        "agent": c.agent,
        "campaign": c.campaign,
        "recording_url": c.recording_url,
        "cost": c.cost,
    })
}

/// How long a test lets a `calls` child run before it calls it a hang.
pub const HANG: std::time::Duration = std::time::Duration::from_secs(120);

/// [`run`] with a deadline ([`HANG`]): a child still running then is killed and the test fails,
/// instead of hanging CI.
pub fn run_bounded(cmd: &mut assert_cmd::Command) -> Run {
    let out = cmd
        .timeout(HANG)
        .output()
        .unwrap_or_else(|e| panic!("calls did not end within {HANG:?} (a hang?): {e}"));
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// Waits for a child to exit, for up to `limit`: polls `try_wait`, and past the deadline kills
/// it and fails naming `what`, so that a hang fails the test instead of hanging CI.
pub fn wait_exit(
    child: &mut std::process::Child,
    what: &str,
    limit: std::time::Duration,
) -> std::process::ExitStatus {
    let deadline = std::time::Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if std::time::Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {limit:?}, a hang: killed");
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

/// A child's stderr, line by line, read on a thread of its own so that a test can wait for a
/// line with a deadline (`recv_timeout`) instead of blocking on a child that hangs.
pub fn stderr_lines(child: &mut std::process::Child) -> std::sync::mpsc::Receiver<String> {
    let stderr = child.stderr.take().expect("stderr piped");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// A profile's stored rows by id, as [`call_json`] makes them.
pub type Rows = std::collections::BTreeMap<String, serde_json::Value>;

/// The sandbox's sequence number of `vendor`'s call that started at `started_at` (what
/// `Sandbox::update_call` takes).
pub fn seq_at(sb: &Sandbox, vendor: Vendor, started_at: DateTime<Utc>) -> u32 {
    sb.world(vendor)
        .calls
        .iter()
        .find(|c| c.started_at == started_at)
        .expect("a call of the sandbox")
        .seq
}

/// SIGTERM to a `sync --every 1h` of `want`'s profiles at the moment its Nth profile summary
/// appears, or a few ms after, 16 times (`spawn(i)` starts run i, stderr piped; `stored(i,
/// profile)` reads what run i left; `after(i)` runs after it): each run ends at once, with 0
/// (between runs) or 143 (during another profile's), never hangs; a profile whose summary came
/// (in whatever order `--jobs` finished them) is stored whole, the others hold only whole rows.
/// The exit codes, in order.
pub fn sigterm_at_each_summary(
    home: &Home,
    want: &[(Vendor, Rows)],
    mut spawn: impl FnMut(usize) -> std::process::Command,
    stored: impl Fn(usize, Vendor) -> Rows,
    mut after: impl FnMut(usize),
) -> Vec<Option<i32>> {
    let mut codes = Vec::new();
    let signals = [0, 1, 2, 3, 4, 6, 9, 14]
        .into_iter()
        .flat_map(|delay| [(1, delay), (2, delay)]);
    for (i, (summary, delay)) in signals.enumerate() {
        let mut child = spawn(i).spawn().unwrap();
        let lines = stderr_lines(&mut child);
        let mut seen: Vec<Vendor> = Vec::new();
        while seen.len() < summary {
            let line = lines.recv_timeout(HANG).unwrap_or_else(|_| {
                let _ = child.kill();
                panic!("run {i}: summary {} never came", seen.len() + 1)
            });
            if line.contains(" new, ") {
                // `--every` starts the line with the time.
                let (_, rest) = line.split_once("Z ").expect("the time first");
                seen.extend(
                    want.iter()
                        .map(|(v, _)| *v)
                        .filter(|v| rest.starts_with(&format!("{}: ", v.id()))),
                );
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(delay));
        home.signal(&child, "-TERM");
        let what = format!("run {i}: SIGTERM {delay} ms after summary {summary}");
        let code = wait_exit(&mut child, &what, std::time::Duration::from_secs(30)).code();
        assert!(matches!(code, Some(0 | 143)), "{what}: exit {code:?}");
        codes.push(code);
        for (vendor, want) in want {
            let got = stored(i, *vendor);
            if seen.contains(vendor) {
                assert_eq!(&got, want, "{what}: {vendor} was committed");
            } else {
                for (id, row) in got {
                    assert_eq!(Some(&row), want.get(&id), "{what}: {vendor} {id}");
                }
            }
        }
        after(i);
    }
    codes
}

/// A `sync --every` summary line: the time (RFC 3339 UTC, to the second), a space, then `rest`
/// at its start. The time.
pub fn every_line(line: &str, rest: &str) -> DateTime<Utc> {
    let (time, after) = line
        .split_once(' ')
        .unwrap_or_else(|| panic!("no time: {line}"));
    assert!(after.starts_with(rest), "{line}");
    assert!(time.ends_with('Z') && time.len() == 20, "{line}");
    at(time)
}

/// A config of `copies` profiles per vendor of the sandbox (`famulor-0`, `famulor-1`, ...,
/// each the vendor's sandbox profile under another name), for syncs of many accounts. The
/// config's text, and each profile's name and vendor.
pub fn many_profiles(sb: &Sandbox, copies: usize) -> (String, Vec<(String, Vendor)>) {
    let toml = sb.config_toml();
    let mut config = String::new();
    let mut names = Vec::new();
    for block in toml.split("\n[profiles.").skip(1) {
        let (name, body) = block.split_once("]\n").unwrap();
        let Some(vendor) = Vendor::ALL.into_iter().find(|v| v.id() == name) else {
            continue;
        };
        for copy in 0..copies {
            let profile = format!("{name}-{copy}");
            config.push_str(&format!("\n[profiles.{profile}]\n{body}"));
            names.push((profile, vendor));
        }
    }
    (config, names)
}
