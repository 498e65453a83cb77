//! Every `calls ...` command shown in `README.md` and `docs/**/*.md` is parsed with the CLI
//! definition (`calls::cli::Cli`), so the docs cannot drift from the tool; and every relative
//! link between those pages leads to a file and a heading that exist.
//!
//! What counts as a command:
//! - In a fenced code block of shell kind (`sh`, `bash`, `shell`, `zsh`, `console`, or no
//!   language): every simple command whose program is `calls` (or a path ending in `/calls`),
//!   after `VAR=value` prefixes, at the start of a line (a `$ ` prompt dropped; in `console`
//!   blocks only the prompted lines) or after `|`, `||`, `&&`, `;`, `&`, `(` or `$(`; also the
//!   command that `flock`, `timeout`, `nice`, `nohup`, `exec`, `time`, `xargs`, `env`, `sudo`
//!   or `watch` runs, and `cargo run ... -- ARGS`. `\` continues a line.
//! - In a `cron` block, the same after the five schedule fields; in an `ini` block, the
//!   `ExecStart=` lines.
//! - Outside code blocks, an inline code span that starts with `calls ` (or `$ calls `).
//!
//! A command is split as a POSIX shell splits it (quotes, backslashes, `#` comments; nothing is
//! expanded: `"$HOME/x"` stays as written) and ends at `|`, `>`, `<`, `&&`, `||`, `;`, `&` or
//! `)` (inside an unquoted `[...]` group, `|` separates alternatives). It is then parsed by clap (`try_get_matches_from`), and the values clap leaves as free
//! text are checked as the commands check them: `--from` / `--to` read as dates, `--tz` as a
//! zone, `--every` / `--revisit` / `--lookback` as durations, and `--status`, `--direction` and
//! `--fields` against the words the CLI offers for them. Nothing is run.
//!
//! Usage synopses: a command that fails that check but holds a placeholder (an unquoted word in
//! capitals such as `DEST`, `NAME` or `KEY=VALUE`, a word in `[brackets]` or `<angle
//! brackets>`, or one containing `...`) is a synopsis. For it, every word that is not a
//! placeholder or a flag's value must name a subcommand of the one before (until a command
//! with positional arguments is reached), and every flag it names (`--x`, `-x`, inside brackets
//! too) must be an argument of that subcommand or a global one. Any other failure fails the
//! test with the file, the line and clap's message.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory, FromArgMatches};

use calls::cli::Cli;

/// A shell word, and whether any of it was quoted (a quoted word is never a placeholder and
/// never the program `calls`).
#[derive(Debug, Clone, PartialEq)]
struct Word {
    text: String,
    quoted: bool,
    line: usize,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(Word),
    /// A separator or redirection: `|`, `||`, `&`, `&&`, `;`, `(`, `)`, `$(`, `<`, `>`, `>>`,
    /// and a line break.
    Op(&'static str),
}

/// Splits shell source into words and operators, as `sh` would (without expanding anything).
fn tokenize(src: &str, first_line: usize) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = src.chars().collect();
    let mut toks = Vec::new();
    let mut line = first_line;
    let mut cur = String::new();
    let mut in_word = false;
    let mut quoted = false;
    let mut word_line = line;
    // Unquoted `[` not yet closed: inside a synopsis' optional group, `|` separates
    // alternatives (`[--order oldest-first|shuffled]`), it is no pipe.
    let mut group = 0;
    let mut i = 0;
    macro_rules! flush {
        () => {
            if in_word {
                toks.push(Tok::Word(Word {
                    text: std::mem::take(&mut cur),
                    quoted,
                    line: word_line,
                }));
                in_word = false;
                quoted = false;
            }
        };
    }
    macro_rules! start {
        () => {
            if !in_word {
                in_word = true;
                word_line = line;
            }
        };
    }
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match c {
            '\n' => {
                flush!();
                toks.push(Tok::Op("\n"));
                line += 1;
            }
            ' ' | '\t' | '`' => flush!(),
            '#' if !in_word => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                continue;
            }
            '\'' => {
                start!();
                quoted = true;
                i += 1;
                while i < chars.len() && chars[i] != '\'' {
                    if chars[i] == '\n' {
                        line += 1;
                    }
                    cur.push(chars[i]);
                    i += 1;
                }
                if i == chars.len() {
                    return Err(format!("line {word_line}: a ' that is never closed"));
                }
            }
            '"' => {
                start!();
                quoted = true;
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    match (chars[i], chars.get(i + 1)) {
                        ('\\', Some('\n')) => {
                            line += 1;
                            i += 1;
                        }
                        ('\\', Some(&e)) if matches!(e, '"' | '\\' | '$' | '`') => {
                            cur.push(e);
                            i += 1;
                        }
                        (ch, _) => {
                            if ch == '\n' {
                                line += 1;
                            }
                            cur.push(ch);
                        }
                    }
                    i += 1;
                }
                if i == chars.len() {
                    return Err(format!("line {word_line}: a \" that is never closed"));
                }
            }
            '\\' => match next {
                Some('\n') => {
                    line += 1;
                    i += 1;
                }
                Some(e) => {
                    start!();
                    quoted = true;
                    cur.push(e);
                    i += 1;
                }
                None => {}
            },
            '|' if group > 0 => {
                start!();
                cur.push(c);
            }
            '|' | '&' | ';' => {
                flush!();
                let op = match (c, next) {
                    ('|', Some('|')) => "||",
                    ('&', Some('&')) => "&&",
                    ('&', Some('>')) => "&>",
                    ('|', _) => "|",
                    ('&', _) => "&",
                    _ => ";",
                };
                if op.len() == 2 {
                    i += 1;
                }
                toks.push(Tok::Op(op));
            }
            '(' | ')' => {
                flush!();
                toks.push(Tok::Op(if c == '(' { "(" } else { ")" }));
            }
            '$' if next == Some('(') => {
                flush!();
                toks.push(Tok::Op("$("));
                i += 1;
            }
            '<' | '>' => {
                // `<ID>`: a placeholder in a synopsis, not a redirection.
                if c == '<' && !in_word {
                    let rest: String = chars[i + 1..].iter().take_while(|&&ch| ch != '>').collect();
                    if !rest.is_empty()
                        && i + 1 + rest.len() < chars.len()
                        && rest
                            .chars()
                            .all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-')
                    {
                        start!();
                        cur.push('<');
                        cur.push_str(&rest);
                        cur.push('>');
                        i += rest.len() + 2;
                        continue;
                    }
                }
                // `2>`: the number is the redirected descriptor, not a word.
                if in_word && !quoted && cur.chars().all(|ch| ch.is_ascii_digit()) {
                    cur.clear();
                    in_word = false;
                }
                flush!();
                if c == '>' && next == Some('>') {
                    i += 1;
                    toks.push(Tok::Op(">>"));
                } else {
                    toks.push(Tok::Op(if c == '<' { "<" } else { ">" }));
                }
                if chars.get(i + 1) == Some(&'&') {
                    i += 1; // `2>&1`: the descriptor after `&` is the target, a word
                }
            }
            _ => {
                start!();
                cur.push(c);
                match c {
                    '[' => group += 1,
                    ']' if group > 0 => group -= 1,
                    _ => {}
                }
            }
        }
        i += 1;
    }
    if in_word {
        toks.push(Tok::Word(Word {
            text: cur,
            quoted,
            line: word_line,
        }));
    }
    Ok(toks)
}

/// Programs that run the command given after their own options.
const WRAPPERS: &[&str] = &[
    "flock", "timeout", "nice", "nohup", "exec", "time", "xargs", "env", "sudo", "watch",
];

/// The `calls` commands in these tokens: the line of the program, and its arguments.
fn calls_commands(toks: &[Tok]) -> Vec<(usize, Vec<Word>)> {
    let mut simple: Vec<Vec<Word>> = vec![Vec::new()];
    let mut redirected = false;
    for t in toks {
        match t {
            Tok::Word(w) if !redirected => simple.last_mut().unwrap().push(w.clone()),
            Tok::Word(_) => {}
            Tok::Op("<" | ">" | ">>" | "&>") => redirected = true,
            Tok::Op(_) => {
                simple.push(Vec::new());
                redirected = false;
            }
        }
    }
    let is_calls = |w: &Word| !w.quoted && (w.text == "calls" || w.text.ends_with("/calls"));
    let mut out = Vec::new();
    for words in simple {
        let start = words
            .iter()
            .position(|w| !is_assignment(w))
            .unwrap_or(words.len());
        let words = &words[start..];
        let Some(first) = words.first() else { continue };
        let program = if is_calls(first) {
            Some(0)
        } else if !first.quoted && WRAPPERS.contains(&first.text.as_str()) {
            words.iter().position(is_calls)
        } else if first.text == "cargo" && words.get(1).is_some_and(|w| w.text == "run") {
            words.iter().position(|w| w.text == "--" && !w.quoted)
        } else {
            None
        };
        if let Some(p) = program {
            out.push((words[p].line, words[p + 1..].to_vec()));
        }
    }
    out
}

fn is_assignment(w: &Word) -> bool {
    let Some((name, _)) = w.text.split_once('=') else {
        return false;
    };
    let mut cs = name.chars();
    cs.next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && cs.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// One command shown in a doc: where, and its words after `calls`.
#[derive(Debug)]
struct Shown {
    file: String,
    line: usize,
    args: Vec<Word>,
}

/// Every `calls` command shown in one markdown document.
fn extract(file: &str, doc: &str) -> Result<Vec<Shown>, String> {
    let mut shown = Vec::new();
    let push = |src: &str, line: usize, shown: &mut Vec<Shown>| -> Result<(), String> {
        let toks = tokenize(src, line).map_err(|e| format!("{file}: {e}"))?;
        for (line, args) in calls_commands(&toks) {
            shown.push(Shown {
                file: file.to_string(),
                line,
                args,
            });
        }
        Ok(())
    };
    let lines: Vec<&str> = doc.lines().collect();
    let mut prose = String::new(); // the text outside code blocks, line breaks kept
    let mut i = 0;
    while i < lines.len() {
        let trimmed = lines[i].trim_start();
        let fence = ["```", "~~~"].into_iter().find(|f| trimmed.starts_with(f));
        let Some(fence) = fence else {
            prose.push_str(lines[i]);
            prose.push('\n');
            i += 1;
            continue;
        };
        let kind = trimmed[fence.len()..]
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        let open = i + 1; // 1-based line of the fence
        let mut body = Vec::new();
        i += 1;
        while i < lines.len() && !lines[i].trim_start().starts_with(fence) {
            body.push(lines[i]);
            i += 1;
        }
        i += 1;
        prose.push_str(&"\n".repeat(body.len() + 2));
        let first = open + 1;
        let src: Option<String> = match kind.as_str() {
            "" | "sh" | "bash" | "shell" | "zsh" => Some(
                body.iter()
                    .map(|l| l.strip_prefix("$ ").unwrap_or(l))
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            "console" => Some(
                body.iter()
                    .map(|l| l.strip_prefix("$ ").unwrap_or(""))
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            "cron" => Some(
                body.iter()
                    .map(|l| cron_command(l))
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            "ini" => Some(
                body.iter()
                    .map(|l| l.trim().strip_prefix("ExecStart=").unwrap_or(""))
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            _ => None,
        };
        if let Some(src) = src {
            push(&src, first, &mut shown)?;
        }
    }
    // Inline code spans (they may run over a line break, as in markdown).
    let chars: Vec<char> = prose.chars().collect();
    let mut line = 1;
    let mut k = 0;
    while k < chars.len() {
        if chars[k] == '\n' {
            line += 1;
            k += 1;
            continue;
        }
        if chars[k] != '`' {
            k += 1;
            continue;
        }
        let run = chars[k..].iter().take_while(|&&c| c == '`').count();
        let start = k + run;
        let mut j = start;
        let close = loop {
            if j >= chars.len() {
                break None;
            }
            if chars[j] == '`' {
                let r = chars[j..].iter().take_while(|&&c| c == '`').count();
                if r == run {
                    break Some(j);
                }
                j += r;
            } else {
                j += 1;
            }
        };
        let Some(end) = close else {
            k = start;
            continue;
        };
        let span: String = chars[start..end].iter().collect();
        let text = span.replace('\n', " ");
        let text = text.trim();
        let text = text.strip_prefix("$ ").unwrap_or(text);
        if text.starts_with("calls ") {
            push(text, line, &mut shown)?;
        }
        line += span.matches('\n').count();
        k = end + run;
    }
    Ok(shown)
}

/// A crontab line without its schedule (five fields, or `@daily` and the like); an
/// environment line stays as it is (an assignment).
fn cron_command(line: &str) -> String {
    let t = line.trim_start();
    if t.starts_with('#') || t.is_empty() {
        return String::new();
    }
    if t.starts_with('@') {
        return t
            .split_once(char::is_whitespace)
            .map_or("", |x| x.1)
            .to_string();
    }
    let first = t.split_whitespace().next().unwrap_or("");
    if first
        .chars()
        .all(|c| c.is_ascii_digit() || "*/,-".contains(c))
    {
        let mut rest = t;
        for _ in 0..5 {
            rest = rest.trim_start();
            rest = rest.split_once(char::is_whitespace).map_or("", |x| x.1);
        }
        return rest.to_string();
    }
    t.to_string()
}

fn is_placeholder(w: &Word) -> bool {
    if w.quoted {
        return false;
    }
    let t = w.text.as_str();
    let caps = |s: &str| {
        let mut cs = s.chars();
        cs.next().is_some_and(|c| c.is_ascii_uppercase())
            && cs.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
    };
    t.starts_with('[')
        || t.ends_with(']')
        || t.contains("...")
        || (t.starts_with('<') && t.ends_with('>'))
        || t.split_once('=')
            .map_or(caps(t), |(k, v)| caps(k) && caps(v))
}

/// How a shown command passed.
#[derive(Debug, PartialEq)]
enum Checked {
    /// Parsed whole, values included.
    Parsed,
    /// A usage synopsis: its subcommands and the flags it names exist.
    Synopsis,
}

fn root() -> clap::Command {
    let mut cmd = Cli::command();
    cmd.build();
    cmd
}

/// Parses one command's words (after `calls`) with the CLI definition.
fn check(args: &[Word]) -> Result<Checked, String> {
    let argv: Vec<OsString> = std::iter::once(OsString::from("calls"))
        .chain(args.iter().map(|w| OsString::from(&w.text)))
        .collect();
    let full = match root().try_get_matches_from(&argv) {
        Ok(m) => check_values(&root(), &m).and_then(|()| {
            Cli::from_arg_matches(&m)
                .map(drop)
                .map_err(|e| e.to_string())
        }),
        Err(e)
            if matches!(
                e.kind(),
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion
            ) =>
        {
            Ok(())
        }
        Err(e) => Err(e.to_string()),
    };
    match full {
        Ok(()) => Ok(Checked::Parsed),
        Err(e) if args.iter().any(is_placeholder) => check_synopsis(args)
            .map(|()| Checked::Synopsis)
            .map_err(|s| format!("{s}\n(as a whole command: {})", e.trim())),
        Err(e) => Err(e.trim().to_string()),
    }
}

/// The values clap takes as free text, checked as the commands check them.
fn check_values(cmd: &clap::Command, m: &ArgMatches) -> Result<(), String> {
    use calls::when;
    let now = chrono::Utc::now();
    for arg in cmd.get_arguments() {
        let id = arg.get_id().as_str();
        if m.value_source(id) != Some(ValueSource::CommandLine) {
            continue;
        }
        let Ok(Some(raw)) = m.try_get_raw(id) else {
            continue;
        };
        for value in raw {
            let v = value.to_string_lossy();
            let flag = format!("--{}", arg.get_long().unwrap_or(id));
            let bad = |e: String| Err(format!("{flag} {v}: {e}"));
            match id {
                "from" | "to" => {
                    let end = if id == "from" {
                        when::End::From
                    } else {
                        when::End::To
                    };
                    if let Err(e) = when::parse(&v, chrono_tz::UTC, now, end) {
                        return bad(e);
                    }
                }
                "tz" => {
                    if let Err(e) = when::parse_tz(&v) {
                        return bad(e);
                    }
                }
                "every" => {
                    if let Err(e) = calls::resolve::interval(&flag, &v) {
                        return bad(e.to_string());
                    }
                }
                "revisit" | "lookback" => {
                    if let Err(e) = calls::resolve::duration(&flag, &v) {
                        return bad(e.to_string());
                    }
                }
                "status" | "direction" | "fields" => {
                    let known: Vec<String> = arg
                        .get_possible_values()
                        .iter()
                        .map(|p| p.get_name().to_ascii_lowercase())
                        .collect();
                    for part in v.split(',') {
                        if !known.contains(&part.trim().to_ascii_lowercase()) {
                            return bad(format!("{part:?} is none of {}", known.join(", ")));
                        }
                    }
                }
                _ => {}
            }
        }
    }
    match m.subcommand() {
        Some((name, sub)) => match cmd.find_subcommand(name) {
            Some(c) => check_values(c, sub),
            None => Ok(()),
        },
        None => Ok(()),
    }
}

/// A synopsis: its subcommands exist, and each flag it names is an argument where it stands.
fn check_synopsis(args: &[Word]) -> Result<(), String> {
    let root = root();
    let mut cur = &root;
    let mut path = String::from("calls");
    let mut skip_value = false;
    for w in args {
        if skip_value {
            skip_value = false;
            continue;
        }
        let t = w.text.trim_start_matches('[').trim_end_matches(']');
        let t = t.trim_end_matches("...");
        if t.is_empty() || t == "-" || t == "--" {
            continue;
        }
        if !w.quoted && t.starts_with("--") {
            let (name, attached) = match t[2..].split_once('=') {
                Some((n, _)) => (n, true),
                None => (&t[2..], false),
            };
            let arg = cur
                .get_arguments()
                .find(|a| a.get_long() == Some(name))
                .ok_or_else(|| format!("`{path}` has no flag --{name}"))?;
            skip_value = !attached && arg.get_action().takes_values();
            continue;
        }
        if !w.quoted && t.starts_with('-') && t.len() > 1 && !t[1..].starts_with(char::is_numeric) {
            for (n, c) in t[1..].char_indices() {
                let arg = cur
                    .get_arguments()
                    .find(|a| a.get_short() == Some(c))
                    .ok_or_else(|| format!("`{path}` has no flag -{c}"))?;
                if arg.get_action().takes_values() {
                    skip_value = n + c.len_utf8() == t.len() - 1;
                    break;
                }
            }
            continue;
        }
        if is_placeholder(w) {
            continue;
        }
        if let Some(sub) = cur.find_subcommand(t) {
            path = format!("{path} {t}");
            cur = sub;
            continue;
        }
        if cur.get_positionals().next().is_none() && cur.has_subcommands() {
            return Err(format!("`{path}` has no subcommand {t:?}"));
        }
    }
    Ok(())
}

/// `README.md` and every `.md` under `docs/`, in a stable order.
fn doc_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("README.md")];
    let mut dirs = vec![root.join("docs")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("docs/ exists") {
            let p = entry.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|e| e == "md") {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

fn relative(p: &Path) -> String {
    p.strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(p)
        .display()
        .to_string()
}

/// Checks every shown command of these docs: (commands parsed whole, synopses, failures).
fn check_docs(docs: &[(String, String)]) -> (usize, usize, Vec<String>) {
    let (mut parsed, mut synopses, mut failures) = (0, 0, Vec::new());
    for (file, text) in docs {
        let shown = match extract(file, text) {
            Ok(s) => s,
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        for s in shown {
            if std::env::var_os("CALLS_TEST_LIST_DOC_COMMANDS").is_some() {
                let words: Vec<&str> = s.args.iter().map(|w| w.text.as_str()).collect();
                println!("{}:{}: calls {}", s.file, s.line, words.join(" "));
            }
            match check(&s.args) {
                Ok(Checked::Parsed) => parsed += 1,
                Ok(Checked::Synopsis) => synopses += 1,
                Err(e) => {
                    let words: Vec<&str> = s.args.iter().map(|w| w.text.as_str()).collect();
                    failures.push(format!(
                        "{}:{}: calls {}\n{e}",
                        s.file,
                        s.line,
                        words.join(" ")
                    ));
                }
            }
        }
    }
    (parsed, synopses, failures)
}

#[test]
fn every_calls_command_in_the_readme_and_docs_parses() {
    let docs: Vec<(String, String)> = doc_files()
        .iter()
        .map(|p| (relative(p), std::fs::read_to_string(p).unwrap()))
        .collect();
    assert!(
        docs.len() >= 15,
        "README.md and docs/: {} files",
        docs.len()
    );
    let (parsed, synopses, failures) = check_docs(&docs);
    println!(
        "{} commands checked in {} files: {parsed} parsed whole, {synopses} synopses",
        parsed + synopses,
        docs.len()
    );
    assert!(
        failures.is_empty(),
        "{} doc commands do not match the CLI:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    // The extraction itself is checked: a change that finds fewer commands fails here.
    assert!(parsed >= 110, "only {parsed} commands parsed whole");
    assert!(synopses >= 8, "only {synopses} synopses");
}

fn one(doc: &str) -> (usize, usize, Vec<String>) {
    check_docs(&[("docs/x.md".to_string(), doc.to_string())])
}

#[test]
fn a_made_up_flag_is_reported_with_file_line_and_clap_message() {
    let doc = "# X\n\nSome text.\n\n```sh\ncalls list --from today\ncalls export --frobnicate -o csv | head\n```\n";
    let (parsed, _, failures) = one(doc);
    assert_eq!(parsed, 1, "{failures:?}");
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert!(
        failures[0].starts_with("docs/x.md:7: calls export --frobnicate -o csv"),
        "{}",
        failures[0]
    );
    assert!(
        failures[0].contains("unexpected argument '--frobnicate'"),
        "{}",
        failures[0]
    );
}

#[test]
fn made_up_values_and_subcommands_are_reported_everywhere_a_command_is_shown() {
    let doc = "Run `calls list --status mised` or\n`calls export -o xlsx`.\n\n\
               ```cron\n*/5 * * * * flock -n x calls --tz Mars/Base list\n```\n\n\
               ```sh\nCALLS_TZ=UTC calls \\\n  sync x.db --every soon\n\
               echo $(calls stats --by colour)\ncalls frobnicate\n\
               calls list --from \"next tuesday\"\ncalls export --fields id,nope\n```\n\n\
               ```ini\nExecStart=%h/bin/calls sync x.db --jobs 0\n```\n";
    let (parsed, synopses, failures) = one(doc);
    assert_eq!((parsed, synopses), (0, 0), "{failures:#?}");
    let lines: Vec<&str> = failures
        .iter()
        .map(|f| f.split(": calls").next().unwrap())
        .collect();
    assert_eq!(
        lines,
        [
            "docs/x.md:5",
            "docs/x.md:9",
            "docs/x.md:11",
            "docs/x.md:12",
            "docs/x.md:13",
            "docs/x.md:14",
            "docs/x.md:18",
            "docs/x.md:1",
            "docs/x.md:2"
        ],
        "{failures:#?}"
    );
}

#[test]
fn synopses_are_checked_for_their_subcommands_and_flags() {
    let ok = "```sh\ncalls config init [--vendor V]\ncalls sync DEST -p NAME\n\
              calls completions SHELL\ncalls help COMMAND\ncalls sandbox [--port 8787] \\\n  \
              [--short-page once|always] [--order oldest-first]\n```\n";
    let (parsed, synopses, failures) = one(ok);
    assert!(failures.is_empty(), "{failures:#?}");
    // `calls sync DEST -p NAME` parses as it is (DEST and NAME are any text).
    assert_eq!((parsed, synopses), (1, 4));
    for bad in [
        "```sh\ncalls config init [--vendr V]\n```\n",
        "```sh\ncalls confg init [--vendor V]\n```\n",
        "```sh\ncalls sandbox [--port N] [--nope]\n```\n",
        "`calls sync DEST --reprot FILE`",
    ] {
        let (_, _, failures) = one(bad);
        assert_eq!(failures.len(), 1, "{bad}: {failures:#?}");
    }
}

#[test]
fn words_are_split_as_a_shell_splits_them() {
    let toks = tokenize(
        "A=1 calls list --agent \"Night Line\" --search 'a b' 2>&1 | jq .id # note\n\
         calls export --output \"$HOME/x.csv\" \\\n  --from 7d && x=$(calls vendors)",
        1,
    )
    .unwrap();
    let cmds: Vec<Vec<String>> = calls_commands(&toks)
        .into_iter()
        .map(|(_, c)| c.into_iter().map(|w| w.text).collect())
        .collect();
    assert_eq!(
        cmds,
        [
            vec!["list", "--agent", "Night Line", "--search", "a b"],
            vec!["export", "--output", "$HOME/x.csv", "--from", "7d"],
            vec!["vendors"],
        ]
    );
    assert!(tokenize("calls list --agent 'x", 1).is_err());
}

/// Every relative link of README.md and docs/ leads to a file that exists, and a `#fragment`
/// to a heading of that file (GitHub's anchors: lower case, punctuation dropped, spaces as `-`).
#[test]
fn every_link_between_the_docs_leads_somewhere() {
    let mut bad = Vec::new();
    let mut checked = 0;
    for file in doc_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        let text = without_code(&text);
        for (n, line) in text.lines().enumerate() {
            for target in links(line) {
                if target.contains("://") || target.starts_with("mailto:") {
                    continue;
                }
                checked += 1;
                let (path, fragment) = target.split_once('#').unwrap_or((target, ""));
                let dest = if path.is_empty() {
                    file.clone()
                } else {
                    file.parent().unwrap().join(path)
                };
                if !dest.exists() {
                    bad.push(format!(
                        "{}:{}: {target}: no such file",
                        relative(&file),
                        n + 1
                    ));
                    continue;
                }
                if !fragment.is_empty() {
                    let anchors = anchors(&std::fs::read_to_string(&dest).unwrap_or_default());
                    if !anchors.iter().any(|a| a == fragment) {
                        bad.push(format!(
                            "{}:{}: {target}: no heading #{fragment} in {}",
                            relative(&file),
                            n + 1,
                            relative(&dest)
                        ));
                    }
                }
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    assert!(checked >= 50, "only {checked} links");
}

/// The text with fenced code blocks blanked and inline code spans removed (lines kept).
fn without_code(text: &str) -> String {
    let mut out = String::new();
    let mut fence = false;
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            fence = !fence;
        } else if !fence {
            let mut inside = false;
            for part in line.split('`') {
                if !inside {
                    out.push_str(part);
                }
                inside = !inside;
            }
        }
        out.push('\n');
    }
    out
}

/// The targets of `[text](target)` links in a line.
fn links(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(p) = rest.find("](") {
        let after = &rest[p + 2..];
        match after.find(')') {
            Some(end) => {
                out.push(after[..end].trim());
                rest = &after[end..];
            }
            None => break,
        }
    }
    out
}

/// GitHub's anchors for a markdown file's headings.
fn anchors(text: &str) -> Vec<String> {
    let mut seen = std::collections::HashMap::<String, usize>::new();
    let mut out = Vec::new();
    let mut fence = false;
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            fence = !fence;
            continue;
        }
        if fence || !line.starts_with('#') {
            continue;
        }
        let title = line.trim_start_matches('#').trim();
        let slug: String = title
            .to_lowercase()
            .chars()
            .filter_map(|c| match c {
                ' ' => Some('-'),
                c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                _ => None,
            })
            .collect();
        let n = seen.entry(slug.clone()).or_default();
        out.push(if *n == 0 {
            slug.clone()
        } else {
            format!("{slug}-{n}")
        });
        *n += 1;
    }
    out
}

#[test]
fn links_and_anchors_are_read_as_github_makes_them() {
    assert_eq!(
        links("see [a](x.md#y) and [b](../z.md), not (c)"),
        ["x.md#y", "../z.md"]
    );
    assert_eq!(
        anchors("# Databases: `calls sync`\n## `--report`: one line\n```sh\n# no\n```\n## `--report`: one line\n"),
        ["databases-calls-sync", "--report-one-line", "--report-one-line-1"]
    );
}
