//! `export --append` and `--output` as they are attacked: `kill -9` at random points of a first
//! run and of an append, two jobs sharing one file, files ending in someone else's torn line,
//! FIFOs, devices and `/proc` links given as `--output`, and the temporary files a killed run
//! leaves behind. The end state is checked byte for byte.

mod common;

use std::collections::HashSet;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::Duration;

use common::*;

use calls::sandbox::{Options, Sandbox};

/// The seed of the kill points: `CALLS_TEST_SEED` to replay a failure, else a fixed one.
fn seed() -> u64 {
    std::env::var("CALLS_TEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_0008)
}

/// splitmix64: enough to pick kill points.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (z ^ (z >> 31)) % n.max(1)
    }
}

/// A sandbox whose famulor serves `calls` calls, 100 a page, each page taking `latency`.
fn big(calls: usize, latency_ms: u64) -> (Sandbox, Home) {
    let sb = sandbox(Options {
        calls,
        latency: Duration::from_millis(latency_ms),
        ..options()
    });
    let home = Home::with_sandbox(&sb);
    home.write_config(&sb.config_toml().replace(
        "vendor = \"famulor\"\n",
        "vendor = \"famulor\"\npage_size = 100\n",
    ));
    (sb, home)
}

fn len(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

/// How a run that was to be killed ended.
#[derive(Debug, PartialEq)]
enum End {
    Killed,
    /// It finished before the point was reached.
    Exited(Option<i32>),
}

/// Spawns the run and SIGKILLs it as soon as `reached` holds (polled; never a timed guess).
fn kill_when(mut child: Child, mut reached: impl FnMut() -> bool) -> End {
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return End::Exited(status.code());
        }
        if reached() {
            child.kill().unwrap();
            child.wait().unwrap();
            return End::Killed;
        }
        std::thread::sleep(Duration::from_micros(100));
    }
}

fn spawn(home: &Home, args: &[&str]) -> Child {
    home.calls_std()
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Where a kill lands: after the Nth request of the run, or once the file grew by N bytes.
#[derive(Debug, Clone, Copy)]
enum Point {
    Request(u64),
    Appended(u64),
}

fn kill_at(sb: &Sandbox, home: &Home, args: &[&str], file: &Path, point: Point) -> End {
    let (requests, size) = (sb.requests().len() as u64, len(file));
    let child = spawn(home, args);
    kill_when(child, || match point {
        Point::Request(n) => sb.requests().len() as u64 >= requests + n,
        Point::Appended(n) => len(file) >= size + n,
    })
}

/// Every line complete JSON; the ids of the calls among them.
fn ndjson_ids(bytes: &[u8]) -> Vec<String> {
    let text = std::str::from_utf8(bytes).unwrap();
    assert!(text.is_empty() || text.ends_with('\n'), "a torn last line");
    text.lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l)
                .unwrap_or_else(|e| panic!("a torn line ({e}): {}...", &l[..l.len().min(120)]))
        })
        .filter_map(|v| v["id"].as_str().map(str::to_string))
        .collect()
}

const THEIRS: &[u8] =
    b"{\"written_by\":\"someone else\",\"n\":1}\n{\"written_by\":\"someone else\",\"n\":2}\n";

/// Issue 8, item 8: `kill -9` three times during the FIRST `--since-last --append` run (no
/// state yet), at seeded points while it fetches and while it appends, then a clean run: each
/// call exactly once, no torn line, and another writer's lines before them untouched.
#[cfg(unix)]
#[test]
fn first_runs_killed_at_random_points_then_a_clean_run_give_each_call_once() {
    let (sb, home) = big(4000, 1);
    let file = home.path("calls.ndjson");
    let job = [
        "export",
        "--since-last",
        "--from",
        FROM,
        "--to",
        TO,
        "--raw",
        "-o",
        "ndjson",
        "--append",
        "--output",
        "calls.ndjson",
        "-q",
    ];
    // What a clean export of the window is, byte for byte.
    let reference = {
        let r = run(home.cmd().args(["export"]).args(&job[2..7]).args([
            "-o",
            "ndjson",
            "--output",
            "ref.ndjson",
            "-q",
        ]));
        assert_eq!(r.code, 0, "{}", r.stderr);
        std::fs::read(home.path("ref.ndjson")).unwrap()
    };
    let want = ndjson_ids(&reference);
    assert!(want.len() > 3000, "{}", want.len());
    std::fs::write(&file, THEIRS).unwrap();

    let mut rng = Rng(seed());
    let mut ends = Vec::new();
    for i in 0..3 {
        // The second kill always lands in the append; the others anywhere.
        let point = if i == 1 || rng.below(2) == 0 {
            Point::Appended(1 + rng.below(reference.len() as u64 / 2))
        } else {
            Point::Request(1 + rng.below(30))
        };
        let end = kill_at(&sb, &home, &job, &file, point);
        ends.push((point, end));
    }
    let killed_in_append = ends
        .iter()
        .filter(|(p, e)| matches!(p, Point::Appended(_)) && *e == End::Killed)
        .count();
    assert!(killed_in_append >= 1, "seed {}: {ends:?}", seed());

    let r = run(home.cmd().args(job));
    assert_eq!(r.code, 0, "seed {}: {ends:?}: {}", seed(), r.stderr);
    let got = std::fs::read(&file).unwrap();
    assert!(
        got.starts_with(THEIRS),
        "seed {}: the other writer's lines",
        seed()
    );
    let ids = ndjson_ids(&got[THEIRS.len()..]);
    assert_eq!(
        ids.iter().collect::<HashSet<_>>().len(),
        ids.len(),
        "seed {}: {ends:?}: a call twice",
        seed()
    );
    assert_eq!(ids, want, "seed {}: {ends:?}", seed());
    assert!(
        got[THEIRS.len()..] == reference[..],
        "seed {}: {ends:?}",
        seed()
    );
}

/// Issue 8, item 7: two jobs (`--status answered`, `--status missed`, each with its own state)
/// appending to one file. Neither ever cuts the other's calls: once the other has appended, a
/// job's run is refused with exit 1, the byte counts and a hint, and the file stays as it was;
/// that holds too when the other job was killed in the middle of its append, which only that
/// job's own next run repairs.
#[cfg(unix)]
#[test]
fn two_jobs_appending_to_one_file_never_cut_each_others_calls() {
    let (sb, home) = big(3000, 1);
    let file = home.path("calls.ndjson");
    let job = |status: &'static str| {
        vec![
            "export",
            "--since-last",
            "--from",
            FROM,
            "--to",
            TO,
            "--raw",
            "--status",
            status,
            "-o",
            "ndjson",
            "--append",
            "--output",
            "calls.ndjson",
            "-q",
        ]
    };
    let (answered, missed) = (job("answered"), job("missed"));
    let r = run(home.cmd().args(&answered));
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    let after_answered = std::fs::read(&file).unwrap();
    let answered_ids = ndjson_ids(&after_answered);
    assert!(answered_ids.len() > 500, "{}", answered_ids.len());

    // The other job dies while it appends (its first run).
    let mut rng = Rng(seed());
    let size = len(&file);
    let mut torn = false;
    for _ in 0..5 {
        let end = kill_at(
            &sb,
            &home,
            &missed,
            &file,
            Point::Appended(1 + rng.below(20_000)),
        );
        if end == End::Killed && len(&file) > size {
            torn = true;
            break;
        }
        // Finished before the kill: start that job over.
        assert_eq!(end, End::Exited(Some(0)));
        std::fs::write(&file, &after_answered).unwrap();
        for state in std::fs::read_dir(home.path(".local/share/calls/state")).unwrap() {
            let p = state.unwrap().path();
            if std::fs::read_to_string(&p).is_ok_and(|t| t.contains("status=missed")) {
                std::fs::remove_file(p).unwrap();
            }
        }
    }
    assert!(torn, "seed {}: no kill landed in the append", seed());
    let with_torn_tail = std::fs::read(&file).unwrap();
    assert!(with_torn_tail.starts_with(&after_answered));

    // Calls arrive; the first job's next run must not remove the other's bytes.
    sb.add_calls(
        calls::vendors::Vendor::Famulor,
        40,
        at("2025-05-31T00:00:00Z"),
        at("2025-05-31T23:00:00Z"),
    );
    let r = run(home.cmd().args(&answered));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let added = with_torn_tail.len() - after_answered.len();
    let t = |n: usize| {
        let s = n.to_string();
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    };
    assert!(
        r.stderr.contains(&format!(
            "error: calls.ndjson was changed by someone else since this job's last run: {} bytes were added (it had {} bytes, now {})",
            t(added),
            t(after_answered.len()),
            t(with_torn_tail.len())
        )),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("`calls sync`"), "{}", r.stderr);
    assert_eq!(
        std::fs::read(&file).unwrap(),
        with_torn_tail,
        "refused: untouched"
    );

    // The other job's own next run cuts back exactly its torn tail and appends its calls.
    let r = run(home.cmd().args(&missed));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("interrupted run had appended"),
        "{}",
        r.stderr
    );
    let both = std::fs::read(&file).unwrap();
    assert!(
        both.starts_with(&after_answered),
        "the first job's bytes untouched"
    );
    let missed_ids = ndjson_ids(&both[after_answered.len()..]);
    let want: Vec<String> = sb
        .expected(
            calls::vendors::Vendor::Famulor,
            at("2025-03-01T00:00:00Z"),
            at("2025-06-01T00:00:00Z"),
        )
        .into_iter()
        .filter(|c| c.status == calls::call::Status::Missed)
        .map(|c| c.id)
        .collect();
    assert!(want.len() > 100);
    assert_eq!(missed_ids, want);

    // And the first job stays refused, the file as it is.
    let r = run(home.cmd().args(&answered));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(std::fs::read(&file).unwrap(), both);
}

/// Issue 8, item 9: a file whose last line is someone else's partial line is refused, on a first
/// run and on a later one, in both formats, and left as it was.
#[test]
fn appending_onto_a_torn_line_the_job_did_not_write_is_refused() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let r = run(home.cmd().args(["export", "-o", "csv", "--limit", "1"]));
    let header = r.stdout.lines().next().unwrap().to_string();
    assert!(header.starts_with("vendor,id,"), "{header}");
    let first_csv = format!("{header}\nfamulor,1,2025-0");
    for (name, format, good, torn) in [
        ("calls.csv", "csv", None, first_csv.as_str()),
        (
            "calls.ndjson",
            "ndjson",
            None,
            "{\"id\":\"1\"}\n{\"id\":\"2\",\"sta",
        ),
        ("later.csv", "csv", Some(()), "famulor,100401,2025-06-01T0"),
        ("later.ndjson", "ndjson", Some(()), "{\"id\":\"x"),
    ] {
        let job = [
            "export",
            "--since-last",
            "--from",
            FROM,
            "-o",
            format,
            "--append",
            "--output",
            name,
            "-q",
        ];
        let before = match good {
            // A later run: the job's own complete run first, then someone's partial line.
            Some(()) => {
                let r = run(home.cmd().args(job));
                assert_eq!(r.code, 0, "{name}: {}", r.stderr);
                let mut b = std::fs::read(home.path(name)).unwrap();
                b.extend_from_slice(torn.as_bytes());
                b
            }
            None => torn.as_bytes().to_vec(),
        };
        std::fs::write(home.path(name), &before).unwrap();
        let r = run(home.cmd().args(job));
        assert_eq!(r.code, 1, "{name}: {}", r.stderr);
        let partial = torn.len() - torn.rfind('\n').map_or(0, |i| i + 1);
        let want = if good.is_some() {
            format!("error: {name} was changed by someone else since this job's last run: {partial} bytes were added")
        } else {
            format!("error: {name} ends in a partial line ({partial} bytes after its last newline) that this job did not write")
        };
        assert!(r.stderr.contains(&want), "{name}: {}", r.stderr);
        assert_eq!(std::fs::read(home.path(name)).unwrap(), before, "{name}");
        // Plain --append (no state) refuses it too.
        let r = run(home
            .cmd()
            .args(["export", "-o", format, "--append", "--output", name, "-q"]));
        assert_eq!(r.code, 1, "{name}: {}", r.stderr);
        assert!(
            r.stderr.contains("ends in a partial line"),
            "{name}: {}",
            r.stderr
        );
        assert_eq!(std::fs::read(home.path(name)).unwrap(), before, "{name}");
    }
}

/// Issue 8, item 10: `--output` onto a FIFO, a device or a link to `/proc/self/fd/1` writes
/// into it and leaves it what it was; a link to a regular file stays a link.
#[cfg(unix)]
#[test]
fn output_to_a_fifo_a_device_or_a_proc_link_is_written_not_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let export = ["export", "--from", FROM, "--to", TO, "-o", "csv", "-q"];
    let r = run(home.cmd().args(export));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let want = r.stdout;
    assert_eq!(want.lines().count(), 401);

    // A FIFO, read by another thread; a second name for it lets the test always end the read,
    // even when a run has replaced the first name.
    let fifo = home.path("calls.fifo");
    assert!(home
        .std_cmd("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let spare = home.path("spare.fifo");
    std::fs::hard_link(&fifo, &spare).unwrap();
    for append in [false, true] {
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
        };
        let mut cmd = home.cmd();
        cmd.args(export).args(["--output", "calls.fifo"]);
        if append {
            cmd.arg("--append");
        }
        let r = run(&mut cmd);
        {
            use std::os::unix::fs::OpenOptionsExt;
            // Fails (no reader left) unless the reader still waits for a writer.
            let _ = std::fs::OpenOptions::new()
                .write(true)
                .custom_flags(libc::O_NONBLOCK)
                .open(&spare);
        }
        let got = reader.join().unwrap();
        assert_eq!(r.code, 0, "append {append}: {}", r.stderr);
        assert_eq!(got, want, "append {append}");
        let meta = std::fs::symlink_metadata(&fifo).unwrap();
        assert!(meta.file_type().is_fifo(), "append {append}: {meta:?}");
    }

    // A link to /proc/self/fd/1: the run's own stdout, a pipe here.
    std::os::unix::fs::symlink("/proc/self/fd/1", home.path("me")).unwrap();
    let r = run(home.cmd().args(export).args(["--output", "me"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, want);
    assert!(std::fs::symlink_metadata(home.path("me"))
        .unwrap()
        .file_type()
        .is_symlink());
    // ... and a file the shell opened for it with `>>`: appended to, not replaced.
    std::fs::write(home.path("log.csv"), "earlier line\n").unwrap();
    let log = std::fs::OpenOptions::new()
        .append(true)
        .open(home.path("log.csv"))
        .unwrap();
    let status = home
        .calls_std()
        .args(export)
        .args(["--output", "me"])
        .stdout(log)
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(
        std::fs::read_to_string(home.path("log.csv")).unwrap(),
        format!("earlier line\n{want}")
    );

    // A link to a regular file: the file is replaced, the link stays.
    std::fs::write(home.path("real.csv"), "old\n").unwrap();
    std::os::unix::fs::symlink("real.csv", home.path("link.csv")).unwrap();
    let r = run(home.cmd().args(export).args(["--output", "link.csv"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(home.path("real.csv")).unwrap(),
        want
    );
    assert!(std::fs::symlink_metadata(home.path("link.csv"))
        .unwrap()
        .file_type()
        .is_symlink());

    // A device: through a link first, then /dev/null itself, which must stay the device.
    std::os::unix::fs::symlink("/dev/null", home.path("null")).unwrap();
    for (out, append) in [
        ("null", false),
        ("null", true),
        ("/dev/null", false),
        ("/dev/null", true),
    ] {
        let mut cmd = home.cmd();
        cmd.args(export).args(["--output", out]);
        if append {
            cmd.args(["--since-last", "--append"]);
        }
        let r = run(&mut cmd);
        assert_eq!(r.code, 0, "{out}: {}", r.stderr);
        assert!(std::fs::symlink_metadata(home.path("null"))
            .unwrap()
            .file_type()
            .is_symlink());
        let dev = std::fs::metadata("/dev/null").unwrap();
        assert!(dev.file_type().is_char_device(), "{out}: {dev:?}");
    }
    let stray: Vec<String> = std::fs::read_dir(home.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
}

/// Issue 8, item 11: a run killed while it writes leaves `.NAME.PID.XXXXXX.tmp` behind; the next
/// run into that folder removes it, and only it: not a live process's, not another name's, not a
/// file that merely looks similar. The same for the state's own temporary files.
#[cfg(unix)]
#[test]
fn the_temp_files_of_killed_runs_are_removed_by_the_next_run_and_nothing_else() {
    let (sb, home) = big(3000, 2);
    let temps = |dir: &Path| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('.') && n.contains(".tmp"))
            .collect();
        v.sort();
        v
    };
    let mut rng = Rng(seed());
    for (name, extra) in [
        ("calls.csv", &["-o", "csv"][..]),
        ("calls.ndjson", &["-o", "ndjson", "--append"][..]),
    ] {
        let mut args = vec!["export", "--from", FROM, "--to", TO, "--output", name, "-q"];
        args.extend_from_slice(extra);
        let before = temps(home.dir.path());
        // Killed after its temporary file exists and a few pages were asked for.
        let requests = sb.requests().len();
        let pages = 1 + rng.below(20) as usize;
        let child = spawn(&home, &args);
        let pid = child.id();
        let end = kill_when(child, || {
            sb.requests().len() >= requests + pages && temps(home.dir.path()).len() > before.len()
        });
        assert_eq!(end, End::Killed, "{name}");
        let left: Vec<String> = temps(home.dir.path())
            .into_iter()
            .filter(|n| !before.contains(n))
            .collect();
        assert_eq!(left.len(), 1, "{name}: {left:?}");
        assert!(
            left[0].starts_with(&format!(".{name}.{pid}.")),
            "{name}: {left:?}"
        );

        // Look-alikes that must stay: a live process's, another name's, other patterns.
        let dead = pid;
        let live = std::process::id();
        let keep = [
            format!(".{name}.{live}.abcdef.tmp"),
            format!(".other-{name}.{dead}.abcdef.tmp"),
            format!(".{name}.{dead}.abcdef.tmp.keep"),
            format!("{name}.{dead}.abcdef.tmp"),
            format!(".{name}.{dead}.abc.tmp"),
        ];
        let long_ago = std::time::SystemTime::now() - Duration::from_secs(3600);
        for k in &keep {
            std::fs::File::create(home.path(k))
                .unwrap()
                .set_modified(long_ago)
                .unwrap();
        }
        let r = run(home.cmd().args(&args));
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        let now = temps(home.dir.path());
        assert!(!now.contains(&left[0]), "{name}: {now:?}");
        for k in &keep {
            if k.starts_with('.') && k.contains(".tmp") {
                assert!(now.contains(k), "{name}: {k} removed: {now:?}");
            } else {
                assert!(home.path(k).exists(), "{name}: {k}");
            }
        }
        for k in &keep {
            std::fs::remove_file(home.path(k)).unwrap();
        }
    }

    // The state's temporary file, as a kill during its save would leave it.
    let job = ["export", "--since-last", "--from", FROM, "--to", TO, "-q"];
    assert_eq!(run(home.cmd().args(job)).code, 0);
    let dir = home.path(".local/share/calls/state");
    let state = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .find(|n| n.ends_with(".json"))
        .unwrap();
    let mut gone = home.std_cmd("true").spawn().unwrap();
    let dead = gone.id();
    gone.wait().unwrap();
    let stale = format!(".{state}.{dead}.zzzzzz.tmp");
    std::fs::File::create(dir.join(&stale))
        .unwrap()
        .set_modified(std::time::SystemTime::now() - Duration::from_secs(3600))
        .unwrap();
    assert_eq!(run(home.cmd().args(job)).code, 0);
    assert!(!dir.join(&stale).exists(), "{:?}", temps(&dir));
}

/// Issue 19 §6: a symlink at `--output` is never replaced by a regular file. A link to a file,
/// or a dangling link whose target's folder exists, has its target written (replaced atomically
/// through a temporary file in the target's folder, or appended to); a dangling link into a
/// missing folder, or a loop of links, is exit 2 naming both paths, with nothing written. The
/// same for a plain export, `--append`, `--since-last` and both.
#[cfg(unix)]
#[test]
fn a_symlink_at_output_stays_a_symlink_and_its_target_is_written() {
    use std::os::unix::fs::symlink;
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let export = ["export", "--from", FROM, "--to", TO, "-o", "csv", "-q"];
    let r = run(home.cmd().args(export));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let want = r.stdout;
    let is_link = |p: &Path| std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink());
    let temp_files = |dir: &Path| -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect()
    };
    let modes: [&[&str]; 4] = [
        &[],
        &["--append"],
        &["--since-last"],
        &["--since-last", "--append"],
    ];
    for (i, mode) in modes.iter().enumerate() {
        let case = home.path(&format!("case{i}"));
        let elsewhere = case.join("elsewhere");
        std::fs::create_dir_all(&elsewhere).unwrap();
        // One job (and state) per output.
        let state = |out: &Path| {
            case.join(format!(
                "{}.state",
                out.file_name().unwrap().to_string_lossy()
            ))
        };
        let export_to = |out: &Path| {
            let mut cmd = home.cmd();
            cmd.args(export).arg("--output").arg(out).args(*mode);
            if mode.contains(&"--since-last") {
                cmd.arg("--state").arg(state(out));
            }
            run(&mut cmd)
        };
        let same = |got: String, what: &str| {
            assert!(
                got == want,
                "{mode:?} {what}: {} lines, not {}",
                got.lines().count(),
                want.lines().count()
            )
        };

        // A link to a file in another folder: the file gets the calls, the link stays.
        let real = elsewhere.join("real.csv");
        std::fs::write(&real, "").unwrap();
        let link = case.join("to-file.csv");
        symlink(&real, &link).unwrap();
        let r = export_to(&link);
        assert_eq!(r.code, 0, "{mode:?}: {}", r.stderr);
        assert!(is_link(&link), "{mode:?}");
        same(std::fs::read_to_string(&real).unwrap(), "link to a file");

        // Dangling, relative and through a chain of two links: the file it names is created.
        let link = case.join("dangling.csv");
        symlink("middle.csv", &link).unwrap();
        symlink("elsewhere/new.csv", case.join("middle.csv")).unwrap();
        let r = export_to(&link);
        assert_eq!(r.code, 0, "{mode:?}: {}", r.stderr);
        assert!(
            is_link(&link) && is_link(&case.join("middle.csv")),
            "{mode:?}"
        );
        same(
            std::fs::read_to_string(elsewhere.join("new.csv")).unwrap(),
            "dangling link",
        );
        if mode.contains(&"--since-last") {
            assert!(state(&link).exists(), "{mode:?}: the state was saved");
            // The next run finds the same file through the link, and adds nothing twice.
            let r = export_to(&link);
            assert_eq!(r.code, 0, "{mode:?}: {}", r.stderr);
            assert!(is_link(&link), "{mode:?}");
            let again = std::fs::read_to_string(elsewhere.join("new.csv")).unwrap();
            if mode.contains(&"--append") {
                same(again, "dangling link, second run");
            } else {
                assert_eq!(again.lines().count(), 1, "{mode:?}: the header alone");
            }
        }
        assert!(temp_files(&case).is_empty() && temp_files(&elsewhere).is_empty());

        // Dangling into a folder that does not exist, and a loop: exit 2, nothing written.
        let missing = case.join("missing/calls.csv");
        let link = case.join("nowhere.csv");
        symlink(&missing, &link).unwrap();
        let looped = case.join("loop.csv");
        symlink("loop2.csv", &looped).unwrap();
        symlink("loop.csv", case.join("loop2.csv")).unwrap();
        for (link, message) in [
            (
                &link,
                format!(
                    "--output {} is a symlink to {}, whose folder {} does not exist",
                    link.display(),
                    missing.display(),
                    case.join("missing").display()
                ),
            ),
            (
                &looped,
                format!("--output {} is a symlink to ", looped.display()),
            ),
        ] {
            let r = export_to(link);
            assert_eq!(r.code, 2, "{mode:?} {}: {}", link.display(), r.stderr);
            assert!(r.stderr.contains(&message), "{mode:?}: {}", r.stderr);
            assert!(r.stderr.contains("  hint: "), "{}", r.stderr);
            assert_eq!(r.stdout, "");
            assert!(is_link(link), "{mode:?}");
        }
        assert!(!case.join("missing").exists());
        assert!(
            !state(&link).exists(),
            "{mode:?}: no state for a refused run"
        );
        assert!(temp_files(&case).is_empty(), "{mode:?}");
    }
}
