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

/// The exit codes close `calls --help` (not `-h`, which stays short) and every man page
/// (EXIT STATUS); the help's examples are the pages' EXAMPLES, line for line, not "EXTRA".
#[test]
fn exit_codes_end_the_help_and_the_man_pages_have_examples_and_exit_status() {
    let home = common::Home::new();
    let codes = "\
Exit codes:
  0    done
  1    failed (network, vendor error after retries, I/O)
  2    bad usage, bad input or bad config (the message says what and where)
  3    the vendor rejected the credentials (401/403); the hint names the secret
  4    the vendor does not support this command
  5    partly done: some items failed, the rest succeeded (the summary lists them)
  130  interrupted (Ctrl-C): no partial output file, state not advanced
  143  terminated (SIGTERM): as 130
";
    let r = common::run(home.cmd().arg("--help"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.ends_with(&format!(
            "\nTry it without an account:  calls --sandbox --vendor famulor list\n\n{codes}"
        )),
        "{}",
        r.stdout
    );
    let r = common::run(home.cmd().arg("-h"));
    assert!(
        r.stdout
            .ends_with("\nTry it without an account:  calls --sandbox --vendor famulor list\n")
            && !r.stdout.contains("Exit codes:"),
        "{}",
        r.stdout
    );
    let status: String = codes
        .lines()
        .skip(1)
        .map(|l| format!("{}\n", l.replace('-', "\\-")))
        .collect();
    let list = common::run(home.cmd().args(["__man", "--list"]));
    for command in std::iter::once("").chain(list.stdout.lines()) {
        let mut args = vec!["__man"];
        if !command.is_empty() {
            args.push(command);
        }
        let page = common::run(home.cmd().args(&args)).stdout;
        assert!(!page.contains(".SH EXTRA"), "{command}: {page}");
        assert!(
            page.contains(&format!(".SH \"EXIT STATUS\"\n.nf\n{status}.fi\n")),
            "{command}: {page}"
        );
        // The examples as the help shows them, one a line.
        let mut help = vec!["help"];
        if !command.is_empty() {
            help.push(command);
        }
        let help = common::run(home.cmd().args(&help)).stdout;
        let recipes: Vec<&str> = help
            .lines()
            .filter(|l| l.starts_with("  calls ") || l.starts_with("Try it"))
            .collect();
        if recipes.is_empty() {
            // A command without examples in its help (stats, for now) has no EXAMPLES either.
            assert!(!page.contains(".SH EXAMPLES"), "{command}: {page}");
            continue;
        }
        let examples = page
            .split(".SH EXAMPLES\n.nf\n")
            .nth(1)
            .unwrap_or_else(|| panic!("{command}: no EXAMPLES: {page}"));
        for recipe in recipes {
            assert!(
                examples.contains(&format!(
                    "{}\n",
                    recipe.replace('\\', "\\e").replace('-', "\\-")
                )),
                "{command}: {recipe:?} in {examples}"
            );
        }
    }
}
