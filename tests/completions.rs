//! The committed completion scripts must match what the binary generates.

mod common;

#[test]
fn committed_completions_are_current() {
    let home = common::Home::new();
    for (shell, file) in [
        ("bash", "calls.bash"),
        ("zsh", "_calls"),
        ("fish", "calls.fish"),
        ("powershell", "_calls.ps1"),
        ("elvish", "calls.elv"),
    ] {
        let r = common::run(home.cmd().args(["completions", shell]));
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stdout.contains("calls"), "{shell}");
        let path = format!("{}/completions/{file}", env!("CARGO_MANIFEST_DIR"));
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == r.stdout,
            "completions/{file} is stale: run scripts/completions.sh and commit the result"
        );
    }
}

/// The committed man pages (man/) must match what the binary generates: calls(1) and one page
/// per command, and no page for a command that is gone. They carry the plain version, never
/// the commit, so they do not go stale with every commit.
#[test]
fn committed_man_pages_are_current() {
    let home = common::Home::new();
    let list = common::run(home.cmd().args(["__man", "--list"]));
    assert_eq!(list.code, 0, "{}", list.stderr);
    let commands: Vec<&str> = list.stdout.lines().collect();
    assert!(commands.contains(&"export") && commands.contains(&"config"));
    assert!(!commands.contains(&"help"));
    let mut want: Vec<String> = vec!["calls.1".into()];
    want.extend(commands.iter().map(|c| format!("calls-{c}.1")));
    let dir = format!("{}/man", env!("CARGO_MANIFEST_DIR"));
    let mut have: Vec<String> = std::fs::read_dir(&dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    have.sort();
    want.sort();
    assert_eq!(
        have, want,
        "man/ is stale: run scripts/completions.sh and commit the result"
    );
    for page in &want {
        let args: Vec<&str> = match page.strip_prefix("calls-") {
            Some(rest) => vec!["__man", rest.trim_end_matches(".1")],
            None => vec!["__man"],
        };
        let r = common::run(home.cmd().args(&args));
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stdout.starts_with(".ie \\n(.g"), "{page}: roff");
        assert!(
            !r.stdout.contains(env!("CALLS_LONG_VERSION"))
                || !env!("CALLS_LONG_VERSION").contains('(')
        );
        let committed = std::fs::read_to_string(format!("{dir}/{page}")).unwrap_or_default();
        assert!(
            committed == r.stdout,
            "man/{page} is stale: run scripts/completions.sh and commit the result"
        );
    }
}
