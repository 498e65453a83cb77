//! `calls recording` against the sandbox: the bytes, the names, the reruns, the failures, and
//! where credentials go.

mod common;

use std::collections::HashMap;

use common::recording::*;
use common::*;

use calls::sandbox::{Options, Sandbox};
use calls::vendors::Vendor;

const WINDOW: &[&str] = &["--from", "2025-05-20", "--to", TO];

fn fetch(url: &str) -> Vec<u8> {
    runtime().block_on(async {
        reqwest::get(url)
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap()
            .to_vec()
    })
}

#[test]
fn every_vendor_downloads_the_servers_bytes_and_a_rerun_asks_nothing() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    for vendor in recording_vendors() {
        let dir = format!("rec-{vendor}");
        let r = run(home
            .cmd()
            .args([
                "-p",
                vendor.id(),
                "recording",
                "--dir",
                &dir,
                "--manifest",
                "m.csv",
            ])
            .args(WINDOW));
        assert_eq!(r.code, 0, "{vendor}: {}", r.stderr);
        let want: Vec<calls::call::Call> = sb
            .expected(
                vendor,
                at("2025-05-20T00:00:00Z"),
                at("2025-06-01T00:00:00Z"),
            )
            .into_iter()
            .collect();
        let with = want.iter().filter(|c| c.recording_url.is_some()).count();
        assert!(with > 5, "{vendor}");
        assert!(
            r.stderr.contains(&format!("downloaded {with} (")),
            "{vendor}: {}",
            r.stderr
        );
        assert!(
            r.stderr
                .contains(&format!("without recording {}", want.len() - with)),
            "{vendor}: {}",
            r.stderr
        );
        let rows = manifest(&home.path("m.csv"));
        assert_eq!(rows.len(), want.len(), "{vendor}: one row a call");
        for row in rows.iter().filter(|r| r["status"] == "downloaded") {
            let saved = std::fs::read(home.path(&row["path"])).unwrap();
            assert_eq!(sha256(&saved), row["sha256"], "{vendor}");
            assert_eq!(saved.len().to_string(), row["bytes"]);
            assert_eq!(&saved[..4], b"RIFF", "{vendor}: real audio");
            // Named by what it is: WAV, also where the link says `.mp3` (myCRM).
            assert!(row["path"].ends_with(".wav"), "{vendor}: {}", row["path"]);
        }
        // Bytes identical to the server's (Famulor's and Callcap's links are plain URLs).
        if matches!(vendor, Vendor::Famulor | Vendor::Callcap) {
            let call = want.iter().find(|c| c.recording_url.is_some()).unwrap();
            let row = rows.iter().find(|r| r["id"] == call.id).unwrap();
            assert_eq!(
                std::fs::read(home.path(&row["path"])).unwrap(),
                fetch(call.recording_url.as_ref().unwrap())
            );
        }
        // Again: everything is complete already, so not one recording request.
        let before = (
            sb.recording_requests().len(),
            sb.requests()
                .iter()
                .filter(|q| q.path.contains("recording"))
                .count(),
        );
        let r = run(home
            .cmd()
            .args(["-p", vendor.id(), "recording", "--dir", &dir])
            .args(WINDOW));
        assert_eq!(r.code, 0, "{vendor}: {}", r.stderr);
        assert!(
            r.stderr
                .contains(&format!("downloaded 0 (0 B), skipped {with} complete")),
            "{vendor}: {}",
            r.stderr
        );
        let after = (
            sb.recording_requests().len(),
            sb.requests()
                .iter()
                .filter(|q| q.path.contains("recording"))
                .count(),
        );
        assert_eq!(before, after, "{vendor}: a rerun downloads nothing");
        // --overwrite fetches again.
        let r = run(home
            .cmd()
            .args(["-p", vendor.id(), "recording", "--dir", &dir, "--overwrite"])
            .args(WINDOW));
        assert_eq!(r.code, 0, "{vendor}: {}", r.stderr);
        assert!(
            r.stderr.contains(&format!("downloaded {with} (")),
            "{vendor}: {}",
            r.stderr
        );
        let again = (
            sb.recording_requests().len(),
            sb.requests()
                .iter()
                .filter(|q| q.path.contains("recording"))
                .count(),
        );
        assert!(again.0 + again.1 >= after.0 + after.1 + with, "{vendor}");
    }
}

#[test]
fn credentials_never_reach_the_recording_host() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    for vendor in recording_vendors() {
        let r = run(home
            .cmd()
            .args(["-p", vendor.id(), "recording", "--dir", "r", "-v"])
            .args(WINDOW));
        assert_eq!(r.code, 0, "{vendor}: {}", r.stderr);
    }
    let seen = sb.recording_requests();
    assert_eq!(
        recording_vendors().len(),
        5,
        "famulor, evolux, callcap, brightcall, mycrm"
    );
    assert!(seen.len() > 20);
    assert!(
        seen.iter().any(|q| q.path.starts_with("/brightcall/rec-")),
        "Brightcall's recordName links were fetched"
    );
    for q in &seen {
        for secret in ["authorization", "token", "api-key"] {
            assert!(q.header(secret).is_none(), "{} carried {secret}", q.path);
        }
        assert!(!q.query.iter().any(|(k, _)| k == "api-key"));
    }
    // Evolux's recordings are on its API host, behind the token; a third of them redirect to
    // the recording host, which got no token (checked above).
    let on_api: Vec<_> = sb
        .requests()
        .into_iter()
        .filter(|q| q.path.starts_with("/evolux/api/v1/dialer/call/"))
        .collect();
    assert!(
        !on_api.is_empty()
            && on_api
                .iter()
                .all(|q| q.header("token") == Some("evolux-sandbox-token"))
    );
    assert!(
        seen.iter().any(|q| q.path.starts_with("/evolux/rec-")),
        "some Evolux recordings were redirected"
    );
}

#[test]
fn broken_links_fail_without_leaving_files_and_exit_5() {
    let sb = sandbox(Options {
        recording_faults: 0.3,
        ..options()
    });
    let home = Home::with_sandbox(&sb);
    let r = run(home
        .cmd()
        .args(["recording", "--dir", "r", "--manifest", "m.csv"])
        .args(WINDOW));
    assert_eq!(r.code, 5, "{}", r.stderr);
    let rows = manifest(&home.path("m.csv"));
    let failed: Vec<&HashMap<String, String>> =
        rows.iter().filter(|r| r["status"] == "failed").collect();
    assert!(!failed.is_empty() && rows.iter().any(|r| r["status"] == "downloaded"));
    for row in &failed {
        assert!(
            r.stderr.contains(&format!("failed {}: ", row["id"])),
            "{}",
            r.stderr
        );
        assert!(
            !home.path(&row["path"]).exists(),
            "an error body is never saved as audio: {}",
            row["path"]
        );
    }
    assert!(
        r.stderr.contains("(the link has expired)") || r.stderr.contains("instead of audio"),
        "{}",
        r.stderr
    );
    let ids: Vec<&str> = failed.iter().map(|r| r["id"].as_str()).collect();
    assert!(
        r.stderr.contains(&format!(
            "error: {} failed: ",
            calls::term::count(failed.len() as u64, "recording", "recordings")
        )),
        "{}",
        r.stderr
    );
    assert!(ids.iter().all(|id| r.stderr.contains(id)));
    assert!(files(&home.path("r"))
        .iter()
        .all(|p| !p.to_string_lossy().ends_with(".part")));
    for p in files(&home.path("r")) {
        assert_eq!(&std::fs::read(&p).unwrap()[..4], b"RIFF", "{}", p.display());
    }
}

#[test]
fn names_from_vendor_data_stay_inside_the_dir() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    // Campaign 378 is called "Webinar ../../follow-up"; Callcap ids hold ':'.
    for vendor in ["famulor", "callcap"] {
        let r = run(home
            .cmd()
            .args([
                "-p",
                vendor,
                "recording",
                "--dir",
                "r",
                "--name",
                "{campaign}/{date}/{id}-{agent}.{ext}",
            ])
            .args(WINDOW));
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let root = home.path("r");
    let all = files(&root);
    assert!(
        all.iter().any(|p| p
            .to_string_lossy()
            .contains("Webinar .%2E%2F.%2E%2Ffollow-up")),
        "{all:?}"
    );
    for p in &all {
        assert!(calls::recording::inside(&root, p), "{}", p.display());
        let rel = p.strip_prefix(&root).unwrap().to_string_lossy().to_string();
        assert!(!rel.contains("..") && !rel.contains(':'), "{rel}");
    }
    assert!(files(home.dir.path())
        .iter()
        .all(|p| p.starts_with(&root) || !p.to_string_lossy().ends_with(".wav")));
    for bad in ["../{id}.{ext}", "/tmp/{id}", "{id}/../../x", "{nope}"] {
        let r = run(home
            .cmd()
            .args(["recording", "--dir", "r", "--name", bad])
            .args(WINDOW));
        assert_eq!(r.code, 2, "{bad}: {}", r.stderr);
        assert!(r.stderr.starts_with("error: --name:"), "{}", r.stderr);
    }
}

#[test]
fn one_recording_to_stdout_by_id() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let call = sb
        .expected(
            Vendor::Callcap,
            at("2025-05-01T00:00:00Z"),
            at("2025-06-01T00:00:00Z"),
        )
        .into_iter()
        .find(|c| c.recording_url.is_some())
        .unwrap();
    let out = home
        .cmd()
        .args(["-p", "callcap", "recording", &call.id, "--output", "-"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.stdout, fetch(call.recording_url.as_ref().unwrap()));
    let r = run(home
        .cmd()
        .args(["-p", "callcap", "recording", "a", "b", "--output", "-"]));
    assert_eq!(r.code, 2);
    // By id where the vendor has no single-call lookup: a typed refusal, before any request.
    let r = run(home.cmd().args(["-p", "evolux", "recording", "48000001"]));
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert!(
        r.stderr.contains("hint: select the recordings by filters"),
        "{}",
        r.stderr
    );
    // Brightcall by id: a recordName that is a URL is downloaded (from the recordings host,
    // without the key); a bare file name is no recording (exit 1, said).
    let brightcall = sb.expected(
        Vendor::Brightcall,
        at("2025-05-01T00:00:00Z"),
        at("2025-06-01T00:00:00Z"),
    );
    let linked = brightcall
        .iter()
        .find(|c| c.recording_url.is_some())
        .unwrap();
    let out = home
        .cmd()
        .args(["-p", "brightcall", "recording", &linked.id, "--output", "-"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.stdout, fetch(linked.recording_url.as_ref().unwrap()));
    assert!(sb
        .recording_requests()
        .iter()
        .all(|r| !r.path.contains("brightcall-sandbox-key")
            && r.query.is_empty()
            && r.headers
                .iter()
                .all(|(_, v)| !v.contains("brightcall-sandbox-key"))));
    let bare = brightcall
        .iter()
        .find(|c| c.recording_url.is_none())
        .unwrap();
    let r = run(home
        .cmd()
        .args(["-p", "brightcall", "recording", &bare.id, "--output", "-"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains(&format!("error: call {} has no recording", bare.id)),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty());
}

#[cfg(unix)]
#[test]
fn ctrl_c_during_downloads_exits_130_and_leaves_no_part_file() {
    let sb = sandbox(Options {
        latency: std::time::Duration::from_millis(300),
        ..options()
    });
    let home = Home::with_sandbox(&sb);
    let child = home
        .calls_std()
        .args([
            "recording",
            "--dir",
            "r",
            "--from",
            "2025-05-01",
            "--to",
            TO,
        ])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Downloads are under way: the recordings host has a request (each answer takes 300 ms)
    // and a `.part` file is on disk.
    let parts = || {
        files(&home.path("r"))
            .into_iter()
            .filter(|p| p.to_string_lossy().ends_with(".part"))
            .count()
    };
    wait_for("a recording request and a .part file", || {
        !sb.recording_requests().is_empty() && parts() > 0
    });
    home.signal(&child, "-INT");
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130));
    let left: Vec<_> = files(&home.path("r"))
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".part"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // What was done before the stop is said (the summary never comes), and it is what is on
    // disk: each file downloaded is complete under its final name.
    let stderr = String::from_utf8_lossy(&out.stderr);
    let said = stderr
        .lines()
        .find(|l| l.starts_with("before it stopped: downloaded "))
        .unwrap_or_else(|| panic!("{stderr}"));
    let n: usize = said["before it stopped: downloaded ".len()..]
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(n, files(&home.path("r")).len(), "{stderr}");
    assert!(
        said.contains(" calls not done") && stderr.trim_end().ends_with("error: interrupted"),
        "{stderr}"
    );
}

/// Without ids, `recording` needs a filter (a window counts), as `delete` does: a bare
/// `calls recording` would fill the current folder with 30 days of audio.
#[test]
fn recording_without_ids_or_filters_is_refused_before_any_request() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    for vendor in recording_vendors() {
        for bare in [&[][..], &["--dir", "r"][..], &["--param", "x=1"][..]] {
            sb.clear_requests();
            let r = run(home.cmd().args(["-p", vendor.id(), "recording"]).args(bare));
            assert_eq!(r.code, 2, "{vendor} {bare:?}: {}", r.stderr);
            assert_eq!(
                r.stderr,
                "error: recording needs call ids, or at least one filter to select calls (--param does not count)\n  \
                 hint: e.g. calls recording --from 7d (the last 7 days); the filters are in calls recording --help\n",
                "{vendor} {bare:?}"
            );
            assert!(sb.requests().is_empty() && sb.recording_requests().is_empty());
        }
    }
    assert!(files(&home.path("r")).is_empty());
    // Any one filter selects: a window alone, or a filter with the default window.
    for filter in [&["--from", "2025-05-30"][..], &["--status", "answered"][..]] {
        let r = run(home
            .cmd()
            .args(["-p", "famulor", "recording", "--dir", "r"])
            .args(filter));
        assert_eq!(r.code, 0, "{filter:?}: {}", r.stderr);
    }
}

#[test]
fn a_sandbox_recording_is_a_real_wav() {
    let w = calls::sandbox::wav(7, calls::sandbox::RECORDING_SAMPLES);
    assert_eq!(&w[..4], b"RIFF");
    assert_eq!(&w[8..16], b"WAVEfmt ");
    assert_eq!(w.len(), 44 + 2 * calls::sandbox::RECORDING_SAMPLES as usize);
    // A clean tone: it swings to about ±8000 and never beyond.
    let samples: Vec<i16> = w[44..]
        .chunks(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]))
        .collect();
    let peak = samples.iter().map(|v| v.unsigned_abs()).max().unwrap();
    assert!((7900..=8000).contains(&peak), "peak {peak}");
    assert_eq!(samples[0], 0);
    let _ = Sandbox::credentials(Vendor::Famulor);
}
