//! Generated numbers and dates for every numeric flag and config key: each run ends with exit 0
//! (accepted), 1 (a clean failure) or 2 (refused, the range in the message), never a panic.

mod common;

use common::*;

/// A small seeded generator, so a failure names a value that reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[(self.next() % from.len() as u64) as usize]
    }
}

/// Edge values every numeric flag gets, then `n` generated ones: integers and decimals of every
/// magnitude and sign, exponents, and words.
fn values(seed: u64, n: usize) -> Vec<String> {
    let mut out: Vec<String> = [
        "0",
        "-0",
        "1",
        "-1",
        "0.5",
        "0.1",
        "0.09999",
        "1e-320",
        "1e-30",
        "1e30",
        "1e300",
        "1e308",
        "1.8e308",
        "inf",
        "-inf",
        "NaN",
        "nan",
        "4294967295",
        "4294967296",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "18446744073709551615",
        "18446744073709551616",
        "340282366920938463463374607431768211456",
        "65535",
        "65536",
        "3600",
        "3600.0001",
        "1_000",
        "0x10",
        " 5",
        "5 ",
        "+5",
        "1e3",
        "",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut rng = Rng(seed | 1);
    for _ in 0..n {
        let magnitude = rng.next() % 40;
        let digits: String = (0..=magnitude)
            .map(|_| char::from(b'0' + (rng.next() % 10) as u8))
            .collect();
        let sign = rng.pick(&["", "", "-", "+"]);
        let v = match rng.next() % 4 {
            0 => format!("{sign}{digits}"),
            1 => format!("{sign}{digits}.{}", rng.next() % 1000),
            2 => format!("{sign}1e{}{}", rng.pick(&["", "-"]), rng.next() % 400),
            _ => format!("{sign}0.{digits}"),
        };
        out.push(v);
    }
    out
}

fn assert_clean(r: &Run, what: &str) {
    assert!(
        matches!(r.code, 0..=2),
        "{what}: exit {}: {}",
        r.code,
        r.stderr
    );
    assert!(
        !r.stderr.contains("panicked") && !r.stderr.contains("RUST_BACKTRACE"),
        "{what}: {}",
        r.stderr
    );
    if r.code == 2 {
        assert!(r.stderr.starts_with("error:"), "{what}: {}", r.stderr);
    }
}

/// `calls ARGS` as the binary ends it. Words clap refuses are refused in-process: `main` parses
/// with clap before anything else and prints this message with its exit code (2), so a spawn
/// would check nothing more (the binary's own refusals are checked below). Words clap takes are
/// run by the binary: the value must also hold up in the run.
fn parse_or_run(home: &Home, args: &[String]) -> Run {
    use clap::Parser;
    let argv = std::iter::once("calls".to_string()).chain(args.iter().cloned());
    match calls::cli::Cli::try_parse_from(argv) {
        Err(e) => Run {
            code: e.exit_code(),
            stdout: String::new(),
            stderr: e.render().to_string(),
        },
        Ok(_) => run(home.cmd().args(args)),
    }
}

#[test]
fn numeric_flags_are_in_range_or_refused() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let window = ["--from", FROM, "--to", TO];
    let flags = [
        "--timeout",
        "--retries",
        "--concurrency",
        "--rate",
        "--min-duration",
        "--max-duration",
        "--limit",
    ];
    let mut accepted = 0;
    let mut refused = 0;
    let mut spawned = Vec::new();
    for (i, flag) in flags.iter().enumerate() {
        for v in values(0x5eed + i as u64, 120) {
            let args: Vec<String> = ["list", "-o", "ndjson", "--limit", "3"]
                .iter()
                .chain(&window)
                .map(|s| s.to_string())
                .chain([format!("{flag}={v}")])
                .collect();
            let r = parse_or_run(&home, &args);
            assert_clean(&r, &format!("{flag}={v:?}"));
            if r.code == 2 && !spawned.contains(flag) {
                // Once a flag: the binary says exactly what the in-process parse said.
                let b = run(home.cmd().args(&args));
                assert_eq!((b.code, &b.stderr), (r.code, &r.stderr), "{flag}={v:?}");
                spawned.push(flag);
            }
            match r.code {
                0 => accepted += 1,
                2 => {
                    refused += 1;
                    assert!(
                        r.stderr.contains(flag),
                        "{flag}={v:?}: the message names the flag: {}",
                        r.stderr
                    );
                }
                _ => {}
            }
        }
    }
    // Both outcomes occur: the ranges are neither "anything" nor "nothing".
    assert!(accepted > 50 && refused > 200, "{accepted} {refused}");
    // The binary's own refusals: clap's message, exit 2.
    for v in ["1e30", "4294967295", "1e-320"] {
        let r = run(home.cmd().args(["--timeout", v, "list"]));
        assert_clean(&r, &format!("--timeout {v}"));
        assert_eq!(r.code, 2, "{v}");
        assert!(
            r.stderr.contains("from 0.1 to 3600 seconds"),
            "{}",
            r.stderr
        );
    }
    let r = run(home.cmd().args(["--retries", "4294967295", "list"]));
    assert!(r.stderr.contains("0..=100"), "{}", r.stderr);
}

#[test]
fn dates_and_durations_never_panic() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let mut words: Vec<String> = [
        "+262142-12-31",
        "-262143-01-01",
        "+262143-01-01",
        "9999-12-31",
        "10000-01-01",
        "0000-01-01",
        "0001-01-01",
        "1969-12-31",
        "1970-01-01",
        "+262142-12-31T23:59:59Z",
        "-262143-01-01T00:00:00Z",
        "9999-12-31T23:59:59+14:00",
        "0000-01-01T00:00:00-14:00",
        "99999999999d",
        "100000d",
        "100001d",
        "9223372036854775807m",
        "-5d",
        "0d",
        "0m",
        "2025-02-29",
        "2024-02-30",
        "2025-13-01",
        "2025-03-30 02:30",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    words.extend(values(0xda7e, 60).into_iter().map(|v| format!("{v}d")));
    for w in &words {
        for flag in ["--from", "--to"] {
            let r = run(home
                .cmd()
                .args([
                    "list",
                    "-o",
                    "ndjson",
                    "--limit",
                    "1",
                    "--tz",
                    "Pacific/Kiritimati",
                ])
                .arg(format!("{flag}={w}")));
            assert_clean(&r, &format!("{flag}={w}"));
        }
        let r = run(home
            .cmd()
            .args(["export", "--since-last", "--from", FROM, "--to", TO])
            .arg(format!("--lookback={w}"))
            .arg("--output")
            .arg(home.path("out.ndjson")));
        assert_clean(&r, &format!("--lookback={w}"));
    }
}

#[test]
fn config_numbers_are_in_range_or_refused() {
    let sb = sandbox(options());
    for (key, v) in [
        ("rate", "1e-300"),
        ("rate", "1e300"),
        ("rate", "-1.0"),
        ("rate", "nan"),
        ("rate", "inf"),
        ("page_size", "0"),
        ("page_size", "4294967295"),
        ("page_size", "4294967296"),
        ("page_size", "-1"),
        ("concurrency", "0"),
        ("concurrency", "100000"),
        ("concurrency", "9223372036854775807"),
    ] {
        let home = Home::new();
        let (_, token) = calls::sandbox::Sandbox::credentials(calls::vendors::Vendor::Famulor)[0];
        home.write_config(&format!(
            "[profiles.f]\nvendor = \"famulor\"\nbase_url = \"{}\"\ntoken = \"{token}\"\n{key} = {v}\n",
            sb.base_url(calls::vendors::Vendor::Famulor)
        ));
        let r = run(home.cmd().args(["list", "--from", FROM, "--to", TO]));
        assert_eq!(r.code, 2, "{key} = {v}: {}{}", r.stdout, r.stderr);
        assert!(
            r.stderr.contains(key) && r.stderr.contains("config.toml"),
            "{key} = {v}: {}",
            r.stderr
        );
    }
}

/// The sandbox's own numbers: refused with the range, or it starts and serves.
#[cfg(unix)]
#[test]
fn sandbox_numbers_are_in_range_or_refused() {
    let home = Home::new();
    for (flag, v, ok) in [
        ("--token-ttl", "18446744073709551615", false),
        ("--token-ttl", "0", false),
        ("--token-ttl", "31622400", true),
        ("--calls", "18446744073709551615", false),
        ("--calls", "0", true),
        ("--latency", "18446744073709551615", false),
        ("--fail-rate", "1.5", false),
        ("--fail-rate", "nan", false),
        ("--recording-faults", "-0.1", false),
        ("--fail-rate", "1", true),
    ] {
        let mut child = home
            .calls_std()
            .args(["sandbox", "--port", "0", &format!("{flag}={v}")])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        if ok {
            // Serving: its first line says so; then it is stopped.
            use std::io::BufRead;
            let mut line = String::new();
            std::io::BufReader::new(child.stdout.take().unwrap())
                .read_line(&mut line)
                .unwrap();
            assert!(
                line.starts_with("# calls sandbox: APIs on"),
                "{flag} {v}: {line}"
            );
            child.kill().unwrap();
            child.wait().unwrap();
        } else {
            let out = child.wait_with_output().unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{flag} {v}: {err}");
            assert!(err.contains(flag), "{flag} {v}: {err}");
        }
    }
}
