//! Typed failures that map to the exit codes in SPEC.md; everything else is `anyhow` context.

use std::fmt;

/// Exit codes users and cron jobs rely on (SPEC "Exit codes").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Failed = 1,
    Usage = 2,
    Auth = 3,
    Unsupported = 4,
    Partial = 5,
    Interrupted = 130,
    /// SIGTERM (`kill`, `timeout`, systemd): 128 + 15, as shells report it.
    Terminated = 143,
}

/// An error the CLI branches on: it carries its exit code and, where there is one, the next
/// thing the user should try. Anything not wrapped in this exits 1.
#[derive(Debug)]
pub struct Failure {
    pub exit: Exit,
    pub message: String,
    pub hint: Option<String>,
}

impl Failure {
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        Failure {
            exit,
            message: message.into(),
            hint: None,
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Exit::Usage, message)
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn interrupted() -> Self {
        Self::new(Exit::Interrupted, "interrupted")
    }

    pub fn terminated() -> Self {
        Self::new(Exit::Terminated, "terminated")
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

/// Shorthand for returning a usage error (exit 2).
pub fn usage<T>(message: impl Into<String>) -> anyhow::Result<T> {
    Err(Failure::usage(message).into())
}

/// The exit code and hint for an error chain: the first `Failure` in it decides.
pub fn classify(err: &anyhow::Error) -> (Exit, Option<&str>) {
    for cause in err.chain() {
        if let Some(f) = cause.downcast_ref::<Failure>() {
            return (f.exit, f.hint.as_deref());
        }
    }
    (Exit::Failed, None)
}

/// True when the error is a closed stdout (`calls export | head`): a normal, silent exit 0.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
