//! `calls recording` against what breaks downloads: a full disk, names that collide, symlinks
//! planted in `--dir`, error pages that are not audio, servers that trickle, ids no file system
//! takes as they are, and redirects that must not carry credentials.

mod common;

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use common::hostile::{self, Hostile};
use common::recording::*;
use common::*;

use calls::vendors::Vendor;
use serde_json::json;

const WINDOW: &[&str] = &["--from", "2025-05-20", "--to", TO];

/// The token of the hostile Callcap below; it must never reach a recording host.
const TOKEN: &str = "hostile-callcap-token-5f3a9c";

/// A Callcap whose one page lists `calls` (id, recording URL), all on 2025-05-25.
fn callcap(calls: &[(&str, String)]) -> Hostile {
    let records: Vec<serde_json::Value> = calls
        .iter()
        .enumerate()
        .map(|(i, (id, url))| {
            json!({
                "call_id": id,
                "recording": url,
                "action": "Answer",
                "start_datetime": format!("2025-05-25 10:{:02}:00", i % 60),
                "duration": 40,
            })
        })
        .collect();
    let n = records.len();
    let page = json!({
        "pagination": {"page": 1, "last_page": 1, "records_returned": n, "show": 1000,
                       "total_records": n},
        "status": "success",
        "search": {"timezone": "UTC"},
        "call": records,
    });
    Hostile::start(move |seen, _| {
        if seen.uri.starts_with("/v2/get/calls/") {
            hostile::json(&page)
        } else {
            hostile::reply(404, &[], "not here")
        }
    })
}

/// A HOME whose default profile is the hostile Callcap `api`.
fn home_for(api: &Hostile) -> Home {
    let home = Home::new();
    home.write_config(&format!(
        "default_profile = \"hostile\"\n\n[profiles.hostile]\nvendor = \"callcap\"\n\
         base_url = \"{}\"\ntoken = \"{TOKEN}\"\n",
        api.base
    ));
    home
}

/// An MP3 (an ID3 tag, then bytes that tell `n` apart), `len` bytes long.
fn mp3(n: u8, len: usize) -> Vec<u8> {
    let mut b = b"ID3\x04\0\0\0\0\0\0".to_vec();
    b.extend((0..len - b.len()).map(|i| (i as u8).wrapping_mul(n)));
    b
}

fn audio(body: Vec<u8>) -> axum::response::Response {
    hostile::reply(200, &[("content-type", "audio/mpeg")], body)
}

fn parts_left(dir: &Path) -> Vec<std::path::PathBuf> {
    files(dir)
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".part"))
        .collect()
}

/// `(downloaded, skipped, without recording, failed)` from the summary line.
fn summary(stderr: &str) -> (usize, usize, usize, usize) {
    let line = stderr
        .lines()
        .find(|l| l.starts_with("downloaded "))
        .unwrap_or_else(|| panic!("no summary in {stderr}"));
    let num = |after: &str| -> usize {
        let rest = &line[line.find(after).unwrap() + after.len()..];
        rest.split(|c: char| !c.is_ascii_digit())
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    (
        num("downloaded "),
        num("skipped "),
        num("without recording "),
        num("failed "),
    )
}

// ---- 4: a full disk -----------------------------------------------------------------------

#[test]
fn a_full_disk_never_leaves_a_short_file_under_its_final_name() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let want = sb.expected(
        Vendor::Famulor,
        at("2025-05-20T00:00:00Z"),
        at("2025-06-01T00:00:00Z"),
    );
    let with: Vec<&calls::call::Call> = want.iter().filter(|c| c.recording_url.is_some()).collect();
    assert!(with.len() > 8, "{}", with.len());
    // Room for about four of the ~200 KB recordings: the disk fills up mid-file.
    let r = run(home
        .cmd()
        .env("CALLS_FAULT_DISK_BYTES", "850000")
        .args(["recording", "--dir", "r", "--manifest", "m.csv"])
        .args(WINDOW));
    assert_eq!(r.code, 5, "{}", r.stderr);
    let (downloaded, skipped, without, failed) = summary(&r.stderr);
    assert!(downloaded >= 1 && failed >= 1, "{}", r.stderr);
    assert_eq!(downloaded + failed, with.len(), "{}", r.stderr);
    assert_eq!((skipped, without), (0, want.len() - with.len()));
    assert!(r.stderr.contains("No space left on device"), "{}", r.stderr);
    let rows = manifest(&home.path("m.csv"));
    assert_eq!(rows.len(), want.len());
    let by_url: HashMap<&str, &str> = with
        .iter()
        .map(|c| (c.id.as_str(), c.recording_url.as_deref().unwrap()))
        .collect();
    let mut saved = 0;
    for row in &rows {
        let path = home.path(&row["path"]);
        match row["status"].as_str() {
            "downloaded" => {
                // The manifest states what is on disk, and that is the server's recording.
                let bytes = std::fs::read(&path).unwrap();
                assert_eq!(bytes.len().to_string(), row["bytes"], "{}", row["id"]);
                assert_eq!(sha256(&bytes), row["sha256"], "{}", row["id"]);
                assert_eq!(bytes, fetch_bytes(by_url[row["id"].as_str()]));
                saved += 1;
            }
            "failed" => {
                assert!(
                    !path.exists(),
                    "a short file got its final name: {}",
                    row["path"]
                );
                assert_eq!((row["bytes"].as_str(), row["sha256"].as_str()), ("0", ""));
                assert!(
                    r.stderr.contains(&format!("failed {}: ", row["id"])),
                    "{}",
                    r.stderr
                );
            }
            "no-recording" => {}
            other => panic!("{other}"),
        }
    }
    assert_eq!(saved, downloaded);
    assert!(parts_left(&home.path("r")).is_empty());
    assert_eq!(files(&home.path("r")).len(), downloaded);

    // With room again, a rerun fetches exactly what failed and skips what is complete.
    let before = sb.recording_requests().len();
    let r = run(home
        .cmd()
        .args(["recording", "--dir", "r", "--manifest", "m.csv"])
        .args(WINDOW));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(summary(&r.stderr), (failed, downloaded, without, 0));
    assert_eq!(sb.recording_requests().len(), before + failed);
    for row in manifest(&home.path("m.csv"))
        .iter()
        .filter(|r| r["status"] != "no-recording")
    {
        let bytes = std::fs::read(home.path(&row["path"])).unwrap();
        assert_eq!(
            bytes,
            fetch_bytes(by_url[row["id"].as_str()]),
            "{}",
            row["id"]
        );
        assert_eq!(sha256(&bytes), row["sha256"]);
    }
}

fn fetch_bytes(url: &str) -> Vec<u8> {
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

/// The download itself checks every write and the final flush: on a device that is always
/// full, a body of one chunk (whose write error comes only with the flush) fails as surely as
/// a long one.
#[cfg(target_os = "linux")]
#[test]
fn writing_to_a_full_device_is_an_error() {
    if !Path::new("/dev/full").exists() {
        return;
    }
    let rec = Hostile::start(|seen, _| match seen.uri.as_str() {
        "/short.mp3" => audio(mp3(1, 3000)),
        _ => audio(mp3(2, 400_000)),
    });
    let http = calls::http::Http::new(calls::http::HttpOptions {
        retries: 0,
        ..Default::default()
    })
    .unwrap();
    let api = url::Url::parse("http://api.invalid/").unwrap().origin();
    for file in ["short.mp3", "long.mp3"] {
        let url = url::Url::parse(&format!("{}/{file}", rec.base)).unwrap();
        let err = runtime().block_on(async {
            let mut full = tokio::fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .await
                .unwrap();
            http.download(
                url,
                &api,
                &reqwest::header::HeaderMap::new(),
                calls::http::DownloadTo::File(&mut full),
            )
            .await
            .unwrap_err()
        });
        let text = format!("{err:#}");
        assert!(
            text.contains("cannot write the recording") && text.contains("No space left"),
            "{file}: {text}"
        );
    }
}

// ---- 5: names that collide ----------------------------------------------------------------

#[test]
fn a_template_that_gives_two_calls_one_name_is_refused_before_any_download() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let want = sb.expected(
        Vendor::Famulor,
        at("2025-05-20T00:00:00Z"),
        at("2025-06-01T00:00:00Z"),
    );
    for template in [
        "{date}.{ext}",
        "{agent}.{ext}",
        "{status}/{direction}.{ext}",
    ] {
        let r = run(home
            .cmd()
            .args(["recording", "--dir", "r", "--name", template])
            .args(WINDOW));
        assert_eq!(r.code, 2, "{template}: {}", r.stderr);
        let first = r.stderr.lines().next().unwrap();
        assert!(
            first.starts_with(&format!(
                "error: --name '{template}' gives two calls the same file: \""
            )),
            "{}",
            r.stderr
        );
        // Both ids are named, and they are two real calls of the window.
        let ids: Vec<&str> = first.split('"').skip(1).step_by(2).collect();
        assert_eq!(ids.len(), 2, "{first}");
        assert_ne!(ids[0], ids[1]);
        for id in &ids {
            assert!(want.iter().any(|c| c.id == *id), "{id}");
        }
        assert!(
            r.stderr.contains("hint: put {id} in the name"),
            "{}",
            r.stderr
        );
    }
    assert!(sb.recording_requests().is_empty(), "nothing was downloaded");
    assert!(files(&home.path("r")).is_empty());
}

#[test]
fn ids_that_differ_only_in_unsafe_characters_get_files_of_their_own() {
    let rec = Hostile::start(|seen, _| {
        let n: u8 = seen.uri.trim_start_matches("/r/")[..1].parse().unwrap();
        audio(mp3(n + 1, 2000 + n as usize))
    });
    let ids = ["a\nb", "a\0b", "a_b", "a%0Ab", "a/b", "a:b"];
    let calls: Vec<(&str, String)> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (*id, format!("{}/r/{i}.mp3", rec.base)))
        .collect();
    let api = callcap(&calls);
    let home = home_for(&api);
    let r = run(home
        .cmd()
        .args(["recording", "--dir", "r", "--manifest", "m.csv"])
        .args(WINDOW));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(summary(&r.stderr), (ids.len(), 0, 0, 0));
    let names: Vec<String> = files(&home.path("r"))
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "callcap-a%00b.mp3",
            "callcap-a%0Ab.mp3",
            "callcap-a%250Ab.mp3",
            "callcap-a%2Fb.mp3",
            "callcap-a%3Ab.mp3",
            "callcap-a_b.mp3",
        ]
    );
    let rows = manifest(&home.path("m.csv"));
    for (i, id) in ids.iter().enumerate() {
        let row = rows.iter().find(|r| r["id"] == *id).unwrap();
        let bytes = std::fs::read(home.path(&row["path"])).unwrap();
        assert_eq!(bytes, mp3(i as u8 + 1, 2000 + i), "{id:?}");
        assert_eq!(sha256(&bytes), row["sha256"]);
    }
}

// ---- 6: symlinks planted in --dir ---------------------------------------------------------

#[cfg(unix)]
#[test]
fn symlinks_planted_in_the_dir_are_never_followed() {
    use std::os::unix::fs::symlink;
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let want: Vec<calls::call::Call> = sb
        .expected(
            Vendor::Famulor,
            at("2025-05-20T00:00:00Z"),
            at("2025-06-01T00:00:00Z"),
        )
        .into_iter()
        .filter(|c| c.recording_url.is_some())
        .collect();
    let (no_campaign, with_campaign): (Vec<_>, Vec<_>) =
        want.iter().partition(|c| c.campaign.is_none());
    assert!(no_campaign.len() >= 2 && with_campaign.len() >= 2);
    let outside = home.path("outside");
    std::fs::create_dir_all(outside.join("folder")).unwrap();
    for victim in ["victim-part", "victim-final"] {
        std::fs::write(outside.join(victim), "precious").unwrap();
    }
    // `{campaign}/famulor-{id}.wav`: a `.part` and a final name planted as links to files
    // outside, and the folder of the calls without a campaign ("none") a link to a folder
    // outside.
    let dir = home.path("r");
    let name = |c: &calls::call::Call| {
        let folder = calls::recording::safe(c.campaign.as_deref().unwrap());
        dir.join(folder).join(format!("famulor-{}.wav", c.id))
    };
    let (a, b) = (with_campaign[0], with_campaign[1]);
    std::fs::create_dir_all(name(a).parent().unwrap()).unwrap();
    std::fs::create_dir_all(name(b).parent().unwrap()).unwrap();
    let mut part = name(a).into_os_string();
    part.push(".part");
    symlink(outside.join("victim-part"), &part).unwrap();
    symlink(outside.join("victim-final"), name(b)).unwrap();
    symlink(outside.join("folder"), dir.join("none")).unwrap();

    let r = run(home
        .cmd()
        .args([
            "recording",
            "--dir",
            "r",
            "--name",
            "{campaign}/{vendor}-{id}.{ext}",
            "--manifest",
            "m.csv",
        ])
        .args(WINDOW));
    assert_eq!(r.code, 5, "{}", r.stderr);
    for victim in ["victim-part", "victim-final"] {
        assert_eq!(
            std::fs::read_to_string(outside.join(victim)).unwrap(),
            "precious",
            "{victim}"
        );
    }
    assert!(
        std::fs::read_dir(outside.join("folder"))
            .unwrap()
            .next()
            .is_none(),
        "nothing is written through a symlinked folder"
    );
    // The planted links were replaced, not followed: those calls are saved in --dir.
    for c in [a, b] {
        let meta = std::fs::symlink_metadata(name(c)).unwrap();
        assert!(meta.file_type().is_file(), "{}", c.id);
        assert_eq!(
            std::fs::read(name(c)).unwrap(),
            fetch_bytes(c.recording_url.as_deref().unwrap())
        );
    }
    assert!(!Path::new(&part).exists());
    let rows = manifest(&home.path("m.csv"));
    for c in &no_campaign {
        let row = rows.iter().find(|r| r["id"] == c.id).unwrap();
        assert_eq!(row["status"], "failed", "{}", c.id);
        assert!(
            r.stderr.contains(&format!("failed {}: ", c.id)) && r.stderr.contains("outside --dir"),
            "{}",
            r.stderr
        );
    }
    for c in &with_campaign {
        let row = rows.iter().find(|r| r["id"] == c.id).unwrap();
        assert_eq!(row["status"], "downloaded", "{}", c.id);
    }
}

// ---- 17: audio by content -----------------------------------------------------------------

#[test]
fn an_error_page_is_not_audio_whatever_it_starts_with_or_claims() {
    let bodies: Vec<(&str, &str, Vec<u8>)> = vec![
        ("good", "audio/mpeg", mp3(3, 5000)),
        (
            "bom-xml",
            "application/octet-stream",
            b"\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code>\
              <Message>Access Denied</Message></Error>"
                .to_vec(),
        ),
        (
            "blank-json",
            "application/octet-stream",
            b"\r\n\r\n  {\"error\": \"file not found\"}".to_vec(),
        ),
        ("text-mp3", "audio/mpeg", b"Not Found".to_vec()),
        ("short", "audio/mpeg", b"ID".to_vec()),
    ];
    let served = bodies.clone();
    let rec = Hostile::start(move |seen, _| {
        let (_, ctype, body) = served
            .iter()
            .find(|(id, _, _)| seen.uri == format!("/{id}.mp3"))
            .unwrap();
        hostile::reply(200, &[("content-type", ctype)], body.clone())
    });
    let calls: Vec<(&str, String)> = bodies
        .iter()
        .map(|(id, _, _)| (*id, format!("{}/{id}.mp3", rec.base)))
        .collect();
    let api = callcap(&calls);
    let home = home_for(&api);
    let r = run(home
        .cmd()
        .args(["recording", "--dir", "r", "--manifest", "m.csv"])
        .args(WINDOW));
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert_eq!(summary(&r.stderr), (1, 0, 0, 4));
    assert!(
        r.stderr.contains(&format!(
            "failed bom-xml: {}/bom-xml.mp3 answered 200 OK with application/octet-stream \
             instead of audio (it starts with EF BB BF 3C 3F 78 6D 6C): \u{FEFF}<?xml",
            rec.base
        )),
        "{}",
        r.stderr
    );
    for id in ["blank-json", "text-mp3", "short"] {
        assert!(
            r.stderr
                .lines()
                .any(|l| l.starts_with(&format!("failed {id}: ")) && l.contains("instead of audio")),
            "{id}: {}",
            r.stderr
        );
    }
    assert_eq!(
        files(&home.path("r")),
        [home.path("r/callcap-good.mp3")],
        "only audio is saved"
    );
    assert_eq!(
        std::fs::read(home.path("r/callcap-good.mp3")).unwrap(),
        mp3(3, 5000)
    );
}

// ---- 18: an overall deadline --------------------------------------------------------------

#[test]
fn a_trickling_server_meets_the_overall_deadline_and_a_stalled_one_the_timeout() {
    let rec = Hostile::start(|seen, _| match seen.uri.as_str() {
        // 200 bytes, one every 100 ms: 20 s, where --timeout 1 allows about 1 s.
        "/slow.mp3" => hostile::dribble("audio/mpeg", mp3(4, 200), 1, Duration::from_millis(100)),
        // 12 bytes of a 2 MB file, then nothing: the read timeout fires, long before the
        // overall deadline (1 s + 2 MB at 16 KiB/s).
        _ => {
            let head = bytes::Bytes::from(mp3(5, 12));
            let body = futures_util::StreamExt::chain(
                futures_util::stream::once(async move { Ok::<_, std::io::Error>(head) }),
                futures_util::stream::pending(),
            );
            axum::response::Response::builder()
                .header("content-type", "audio/mpeg")
                .header("content-length", "2000000")
                .body(axum::body::Body::from_stream(body))
                .unwrap()
        }
    });
    let api = callcap(&[
        ("slow", format!("{}/slow.mp3", rec.base)),
        ("stalled", format!("{}/stalled.mp3", rec.base)),
    ]);
    let home = home_for(&api);
    let r = run(home
        .cmd()
        .args([
            "--timeout",
            "1",
            "--retries",
            "1",
            "recording",
            "--dir",
            "r",
        ])
        .args(WINDOW));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(summary(&r.stderr), (0, 0, 0, 2));
    let line = |id: &str| {
        r.stderr
            .lines()
            .find(|l| l.starts_with(&format!("failed {id}: ")))
            .unwrap_or_else(|| panic!("{id}: {}", r.stderr))
            .to_string()
    };
    let slow = line("slow");
    assert!(
        slow.contains(
            "the overall deadline of 1.0 s for this download passed (--timeout 1 s plus 1 s per \
             16 KiB)"
        ) && slow.ends_with("(gave up after 2 attempts)"),
        "{slow}"
    );
    // It gave up well before the trickle would have ended.
    let got: usize = slow
        .split(" bytes received")
        .next()
        .unwrap()
        .rsplit(", ")
        .next()
        .unwrap()
        .split(" of ")
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(got < 100, "{slow}");
    assert!(
        slow.contains(&format!("{got} of 200 bytes received")),
        "{slow}"
    );
    let stalled = line("stalled");
    assert!(
        stalled.contains("the download stalled: nothing arrived for 1 s (--timeout), 12 bytes")
            && !stalled.contains("deadline"),
        "{stalled}"
    );
    assert_eq!(rec.count(), 4, "one retry each");
    assert!(files(&home.path("r")).is_empty(), "no file, no .part");
}

// ---- 22: names no file system takes as they are -------------------------------------------

#[test]
fn long_ids_keep_their_extension_and_bidi_controls_never_reach_a_name() {
    let long = "7".repeat(5000);
    let longer = format!("{long}8");
    let ids: Vec<String> = vec![
        long.clone(),
        longer,
        "evil\u{202E}3pm.exe".into(),
        "\u{202A}\u{202B}\u{202C}\u{202D}\u{2066}\u{2067}\u{2068}\u{2069}\u{200E}\u{200F}".into(),
        format!("{}\u{202E}", "é".repeat(400)),
    ];
    let rec = Hostile::start(|seen, _| {
        let n: u8 = seen.uri.trim_start_matches("/r/")[..1].parse().unwrap();
        audio(mp3(n + 1, 1000))
    });
    let calls: Vec<(&str, String)> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), format!("{}/r/{i}.mp3", rec.base)))
        .collect();
    let api = callcap(&calls);
    let home = home_for(&api);
    let r = run(home
        .cmd()
        .args(["recording", "--dir", "r", "--manifest", "m.csv"])
        .args(WINDOW));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(summary(&r.stderr), (ids.len(), 0, 0, 0));
    let saved = files(&home.path("r"));
    assert_eq!(saved.len(), ids.len());
    for p in &saved {
        let name = p.file_name().unwrap().to_str().unwrap();
        assert!(name.len() <= 250, "{} bytes", name.len());
        assert!(name.ends_with(".mp3"), "{name}");
        assert!(
            !name.chars().any(|c| matches!(c,
                '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')),
            "{name:?}"
        );
    }
    let rows = manifest(&home.path("m.csv"));
    for (i, id) in ids.iter().enumerate() {
        let row = rows.iter().find(|r| r["id"] == *id).unwrap();
        assert_eq!(
            std::fs::read(home.path(&row["path"])).unwrap(),
            mp3(i as u8 + 1, 1000)
        );
    }
    // A rerun finds every one of them complete.
    let r = run(home.cmd().args(["recording", "--dir", "r"]).args(WINDOW));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(summary(&r.stderr), (0, ids.len(), 0, 0));
}

// ---- credentials on a redirect to another host ---------------------------------------------

/// The sandbox's vendor APIs behind a hostile front: each answer is the sandbox's, with the
/// sandbox's hosts rewritten to the front's, so every recording link is on the API's own origin
/// (`FRONT/hop/...`), and the front redirects each of those to `elsewhere`.
fn front(sb: &calls::sandbox::Sandbox, elsewhere: String) -> Hostile {
    let me = std::sync::Arc::new(std::sync::OnceLock::<String>::new());
    let (api, rec) = (
        format!("http://{}", sb.addr),
        format!("http://{}", sb.recordings_addr),
    );
    let own = me.clone();
    let front = Hostile::start_async(move |seen, _| {
        let (me, api, rec, elsewhere) = (own.clone(), api.clone(), rec.clone(), elsewhere.clone());
        Box::pin(async move {
            let me = me.get().unwrap().clone();
            if let Some(rest) = seen.uri.strip_prefix("/hop") {
                return hostile::redirect(302, &format!("{elsewhere}{rest}"));
            }
            let rewrite = |t: &str| {
                t.replace(&format!("{rec}/"), &format!("{me}/hop/"))
                    .replace(&format!("{api}/"), &format!("{me}/"))
            };
            let client = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap();
            let method = reqwest::Method::from_bytes(seen.method.as_bytes()).unwrap();
            let mut req = client
                .request(method, format!("{api}{}", seen.uri))
                .body(seen.body.clone());
            for (k, v) in &seen.headers {
                if k != "host" && k != "content-length" {
                    req = req.header(k.as_str(), v.as_bytes());
                }
            }
            let resp = req.send().await.unwrap();
            let status = resp.status().as_u16();
            let mut headers: Vec<(String, String)> = Vec::new();
            for name in ["content-type", "location", "retry-after"] {
                if let Some(v) = resp.headers().get(name).and_then(|v| v.to_str().ok()) {
                    headers.push((name.to_string(), rewrite(v)));
                }
            }
            let body = resp.bytes().await.unwrap().to_vec();
            let body = match String::from_utf8(body) {
                Ok(text) => rewrite(&text).into_bytes(),
                Err(raw) => raw.into_bytes(),
            };
            let headers: Vec<(&str, &str)> = headers
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            hostile::reply(status, &headers, body)
        })
    });
    me.set(front.base.clone()).unwrap();
    front
}

#[test]
fn a_recording_redirected_to_another_host_gets_no_credential_of_any_kind() {
    let sb = sandbox(options());
    let wav = calls::sandbox::wav(3, 2000);
    let served = wav.clone();
    let elsewhere = Hostile::start(move |_, _| {
        hostile::reply(200, &[("content-type", "audio/wav")], served.clone())
    });
    let front = front(&sb, elsewhere.base.clone());
    let home = Home::new();
    home.write_config(
        &sb.config_toml()
            .replace(&format!("http://{}/", sb.addr), &format!("{}/", front.base)),
    );
    let vendors = recording_vendors();
    assert_eq!(
        vendors,
        [
            Vendor::Famulor,
            Vendor::Evolux,
            Vendor::Callcap,
            Vendor::Brightcall,
            Vendor::Mycrm
        ]
    );
    let mut secrets: Vec<&str> = Vec::new();
    for vendor in &vendors {
        let dir = format!("r-{vendor}");
        let r = run(home
            .cmd()
            .args(["-p", vendor.id(), "-v", "recording", "--dir", &dir])
            .args(WINDOW));
        assert_eq!(r.code, 0, "{vendor}: {}", r.stderr);
        let (downloaded, ..) = summary(&r.stderr);
        assert!(downloaded > 0, "{vendor}: {}", r.stderr);
        assert!(
            r.stderr.contains("no credentials"),
            "{vendor}: {}",
            r.stderr
        );
        for (_, secret) in calls::sandbox::Sandbox::credentials(*vendor) {
            secrets.push(secret);
        }
        // What came from elsewhere is what was saved.
        assert!(files(&home.path(&dir))
            .iter()
            .any(|p| std::fs::read(p).unwrap() == wav));
    }
    let hops: Vec<_> = front
        .seen()
        .into_iter()
        .filter(|s| s.uri.starts_with("/hop/"))
        .collect();
    let away = elsewhere.seen();
    for vendor in &vendors {
        let prefix = format!("/{vendor}/");
        // On the API's origin the credentials went along (so a leak would have had them), but
        // Brightcall's key belongs in its API's query string only, never with a download ...
        let hop = hops
            .iter()
            .find(|s| s.uri.starts_with(&format!("/hop{prefix}")))
            .unwrap_or_else(|| panic!("{vendor}: no recording on the API host"));
        if *vendor == Vendor::Brightcall {
            assert!(
                !hop.everything().contains("brightcall-sandbox-key") && !hop.uri.contains('?'),
                "{}",
                hop.everything()
            );
        } else {
            assert!(
                hop.header("authorization").is_some() || hop.header("token").is_some(),
                "{vendor}: {}",
                hop.everything()
            );
        }
        // ... and the other host got each vendor's recordings.
        assert!(
            away.iter().any(|s| s.uri.starts_with(&prefix)),
            "{vendor}: nothing was redirected"
        );
    }
    for s in &away {
        for header in [
            "authorization",
            "token",
            "api-key",
            "x-api-key",
            "cookie",
            "referer",
            "proxy-authorization",
        ] {
            assert!(s.header(header).is_none(), "{header} sent to {}", s.uri);
        }
        let url = url::Url::parse(&format!("http://x{}", s.uri)).unwrap();
        for (key, _) in url.query_pairs() {
            assert!(
                !["api-key", "api_key", "token", "access_token", "key"].contains(&key.as_ref()),
                "{key} in {}",
                s.uri
            );
        }
        let all = s.everything();
        for secret in &secrets {
            assert!(!all.contains(secret), "a secret reached {}", s.uri);
        }
        assert!(!all.to_lowercase().contains("bearer"), "{all}");
    }
}

// ---- what a file is names it ---------------------------------------------------------------

/// Every kind of audio `calls` recognizes, each behind a URL that says `.mp3` (or nothing) and
/// a Content-Type that is often wrong: each file is saved with the extension of what it is, and
/// a second run finds every one complete without a request.
#[test]
fn each_recording_is_named_by_what_it_is_not_by_its_url() {
    let mut m4a = b"\0\0\0\x20ftypM4A isom".to_vec();
    m4a.extend_from_slice(&[0; 8]);
    let kinds: Vec<(Vec<u8>, &str, &str)> = vec![
        (calls::sandbox::wav(3, 400), "audio/mpeg", "wav"),
        (
            b"RF64\xff\xff\xff\xffWAVEds64".to_vec(),
            "audio/mpeg",
            "wav",
        ),
        (b"ID3\x04\0\0\0\0\0\0".to_vec(), "audio/mpeg", "mp3"),
        (
            vec![0xFF, 0xFB, 0x90, 0x64],
            "application/octet-stream",
            "mp3",
        ),
        (vec![0xFF, 0xF1, 0x50, 0x80], "audio/mpeg", "aac"),
        (b"OggS\0\x02\0\0".to_vec(), "audio/ogg", "ogg"),
        (b"OggS\0\x02\0\0".to_vec(), "audio/ogg; codecs=opus", "opus"),
        (b"fLaC\0\0\0\x22".to_vec(), "audio/mpeg", "flac"),
        (m4a, "audio/mpeg", "m4a"),
        (
            vec![0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42],
            "audio/mpeg",
            "webm",
        ),
        (b"#!AMR\n".to_vec(), "audio/mpeg", "amr"),
        (b".snd\0\0\0\x18".to_vec(), "", "au"),
        (b"FORM\0\0\0\0AIFF".to_vec(), "audio/mpeg", "aiff"),
        (b"caff\0\x01\0\0desc".to_vec(), "audio/mpeg", "caf"),
    ];
    let body = |head: &[u8], n: usize| {
        let mut b = head.to_vec();
        b.extend((0..1000).map(|i| (i as u8).wrapping_mul(n as u8 + 1)));
        b
    };
    let served: Vec<(Vec<u8>, String)> = kinds
        .iter()
        .enumerate()
        .map(|(n, (head, ctype, _))| (body(head, n), ctype.to_string()))
        .collect();
    let rec = Hostile::start(move |seen, _| {
        let n: usize = seen.uri.trim_start_matches("/r/")[..2].parse().unwrap();
        let (bytes, ctype) = &served[n];
        let headers: Vec<(&str, &str)> = if ctype.is_empty() {
            Vec::new()
        } else {
            vec![("content-type", ctype.as_str())]
        };
        hostile::reply(200, &headers, bytes.clone())
    });
    let ids: Vec<String> = (0..kinds.len()).map(|n| format!("k{n:02}")).collect();
    let calls: Vec<(&str, String)> = ids
        .iter()
        .enumerate()
        .map(|(n, id)| {
            let tail = if n % 2 == 0 { ".mp3" } else { "" };
            (id.as_str(), format!("{}/r/{n:02}{tail}", rec.base))
        })
        .collect();
    let api = callcap(&calls);
    let home = home_for(&api);
    let r = run(home
        .cmd()
        .args(["recording", "--dir", "r", "--manifest", "m.csv"])
        .args(WINDOW));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(summary(&r.stderr), (kinds.len(), 0, 0, 0));
    let mut want: Vec<String> = ids
        .iter()
        .zip(&kinds)
        .map(|(id, (_, _, ext))| format!("callcap-{id}.{ext}"))
        .collect();
    want.push("m.csv".into());
    want.sort();
    let mut names: Vec<String> = files(&home.path("r"))
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    names.push("m.csv".into());
    names.sort();
    assert_eq!(names, want);
    for (n, row) in manifest(&home.path("m.csv")).iter().enumerate() {
        let ext = kinds[n].2;
        assert_eq!(row["path"], format!("r/callcap-k{n:02}.{ext}"), "{row:?}");
        assert_eq!(
            std::fs::read(home.path(&row["path"])).unwrap(),
            body(&kinds[n].0, n)
        );
    }
    // Complete under the name of what it is: found again without a request.
    let before = rec.count();
    let r = run(home.cmd().args(["recording", "--dir", "r"]).args(WINDOW));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(summary(&r.stderr), (0, kinds.len(), 0, 0));
    assert_eq!(rec.count(), before, "no download for a complete file");
}
