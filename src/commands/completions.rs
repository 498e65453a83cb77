//! `calls completions SHELL`: clap's generated script, where bash, zsh and fish also complete
//! profile names from the config (by calling the hidden `calls __complete profiles`); and that
//! command itself.

use clap::CommandFactory;

use crate::cli::Cli;

/// What the scripts run to list the profiles (quiet when there is no config).
const LIST_PROFILES: &str = "calls __complete profiles 2>/dev/null";

/// The completion script for `shell`.
pub fn script(shell: clap_complete::Shell) -> String {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "calls", &mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    match shell {
        clap_complete::Shell::Bash => bash(&text),
        clap_complete::Shell::Zsh => zsh(&text),
        clap_complete::Shell::Fish => fish(&text),
        _ => text,
    }
}

/// The value of `-p` / `--profile` comes from the config instead of file names.
fn bash(text: &str) -> String {
    let files = "COMPREPLY=($(compgen -f \"${cur}\"))";
    let profiles = format!("COMPREPLY=($(compgen -W \"$({LIST_PROFILES})\" -- \"${{cur}}\"))");
    let mut out = String::with_capacity(text.len() + 4096);
    let mut profile_case = false;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if profile_case && trimmed == files {
            out.push_str(&line.replace(files, &profiles));
            profile_case = false;
            continue;
        }
        profile_case = trimmed == "--profile)" || trimmed == "-p)";
        out.push_str(line);
    }
    out
}

fn zsh(text: &str) -> String {
    let helper = format!(
        "\n_calls_profiles() {{\n    local -a profiles\n    profiles=(${{(f)\"$({LIST_PROFILES})\"}})\n    _describe -t profiles 'profile' profiles\n}}\n"
    );
    let mut out = String::with_capacity(text.len() + 4096);
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if line.starts_with("'*-p+[") || line.starts_with("'*--profile=[") {
            out.push_str(&line.replace(":NAME:_default'", ":NAME:_calls_profiles'"));
        } else {
            out.push_str(line);
        }
        if i == 0 {
            // After `#compdef calls`: defined when the file is loaded.
            out.push_str(&helper);
        }
    }
    out
}

fn fish(text: &str) -> String {
    text.split_inclusive('\n')
        .map(|line| {
            if line.contains(" -s p -l profile ") && line.trim_end().ends_with(" -r") {
                format!("{} -f -a \"({LIST_PROFILES})\"\n", line.trim_end())
            } else {
                line.to_string()
            }
        })
        .collect()
}

/// The config's profile names, for `calls __complete profiles`: nothing (never an error) when
/// there is no config or it does not parse, since a completion must not print errors.
pub fn profiles(path: Option<&std::path::Path>) -> Vec<String> {
    let Some(text) = path.and_then(|p| std::fs::read_to_string(p).ok()) else {
        return Vec::new();
    };
    match crate::config::parse(&text, path.unwrap_or(std::path::Path::new(""))) {
        Ok(cfg) => cfg.profiles.into_keys().collect(),
        Err(_) => Vec::new(),
    }
}
