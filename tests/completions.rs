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
