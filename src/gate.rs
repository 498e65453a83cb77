//! The one gate destructive commands pass before they reach a backend: never an empty id list,
//! `--dry-run` prints what would be sent and sends nothing, and a deletion asks first on a
//! terminal and refuses without `--yes` when nobody can answer.

use std::io::{BufRead, Write};

use anyhow::Result;

use crate::error::Failure;
use crate::vendors::Planned;

#[derive(Debug, Clone, Copy, Default)]
pub struct Gate {
    pub dry_run: bool,
    pub yes: bool,
    /// What the operation really does, where that is not what its name says (a deletion
    /// that hides): said in the dry run and in the question.
    pub note: Option<&'static str>,
}

/// Whether to send.
#[derive(Debug, PartialEq, Eq)]
pub enum Go {
    Send,
    DryRun,
    /// Anything but `yes` at the question: nothing sent, and no failure either (exit 0).
    Canceled,
}

/// `action` is "delete" or "assign"; `what` names the target ("3 calls on famulor (profile x)").
pub fn pass(
    gate: Gate,
    action: &str,
    count: usize,
    what: &str,
    planned: &[Planned],
    confirm: bool,
) -> Result<Go> {
    if count == 0 || planned.is_empty() || planned.iter().any(|p| p.ids.is_empty()) {
        // NOTE: an empty list is never sent: to myCRM it would mean every record.
        return Err(Failure::usage(format!("nothing to {action}: no call ids")).into());
    }
    if gate.dry_run {
        crate::term::out_line(&format!(
            "dry run: would {action} {what} with {}:",
            crate::term::count(planned.len() as u64, "request", "requests")
        ))?;
        if let Some(note) = gate.note {
            crate::term::out_line(&format!("note: {note}."))?;
        }
        for p in planned {
            crate::term::out_line(&crate::term::printable(&p.to_string()))?;
        }
        return Ok(Go::DryRun);
    }
    if confirm && !gate.yes {
        if !crate::term::stdin_is_tty() {
            return Err(Failure::usage(format!(
                "refusing to {action} without --yes: stdin is not a terminal"
            ))
            .hint("check first with --dry-run, then add --yes")
            .into());
        }
        let effect = gate
            .note
            .map_or("This cannot be undone.".to_string(), |n| format!("{n}."));
        eprint!("{action} {what}? {effect} Type 'yes' to go on: ");
        std::io::stderr().flush()?;
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        // Exactly what the prompt asks for: a stray `y` (or Enter) is not a yes.
        // NOTE: a refusal is the user's answer, not a failure: a plain line and exit 0, not
        // `error:` and the exit code of a network failure.
        if answer.trim() != "yes" {
            crate::term::log(&format!("canceled: nothing was {action}d"));
            return Ok(Go::Canceled);
        }
    }
    Ok(Go::Send)
}
