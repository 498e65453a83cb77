//! `calls --version` names the commit it was built from and that commit's date, when built
//! from a git checkout; outside one (a crate tarball) it is the plain version.

use std::path::Path;
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!text.is_empty()).then_some(text)
}

/// Watch a git file for a new commit or checkout, but only if it exists.
// NOTE: cargo treats a watched path that does not exist as changed on every build, so a
// checkout without `.git/packed-refs` (most fresh clones of a small repo) would rerun this
// script and recompile the whole crate each time. A file that appears later is still caught:
// HEAD or the branch's loose ref changes along with it.
fn watch_git_path(name: &str) {
    if let Some(p) = git(&["rev-parse", "--git-path", name]) {
        if Path::new(&p).exists() {
            println!("cargo:rerun-if-changed={p}");
        }
    }
}

fn main() {
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let long = match (
        git(&["rev-parse", "--short", "HEAD"]),
        git(&["log", "-1", "--format=%cs", "HEAD"]),
    ) {
        (Some(commit), Some(date)) => format!("{version} ({commit} {date})"),
        _ => version,
    };
    println!("cargo:rustc-env=CALLS_LONG_VERSION={long}");
    // A new commit (or a checkout) changes HEAD or the branch it points to.
    watch_git_path("HEAD");
    watch_git_path("packed-refs");
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
        watch_git_path(&branch);
    }
    println!("cargo:rerun-if-changed=build.rs");
}
