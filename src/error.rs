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
    err.chain()
        .any(|cause| io_kind(cause) == Some(std::io::ErrorKind::BrokenPipe))
}

/// The kind of the I/O error `cause` is or carries. NOTE: the writers' own errors do not show
/// it as a `source()`: `csv::Error` has none, and `serde_json::Error` gives the I/O error's
/// source rather than the error itself. A write that fills the buffer in the middle of a page
/// (a Callcap page of 1,000 calls is larger than the 64 KiB buffer) fails inside them, and an
/// `export | head` then ended with `error: Broken pipe`.
fn io_kind(cause: &(dyn std::error::Error + 'static)) -> Option<std::io::ErrorKind> {
    if let Some(e) = cause.downcast_ref::<std::io::Error>() {
        // An I/O error may wrap a writer's error that carries the real kind.
        return match e.get_ref() {
            Some(inner) if e.kind() == std::io::ErrorKind::Other => {
                io_kind(inner).or(Some(e.kind()))
            }
            _ => Some(e.kind()),
        };
    }
    if let Some(e) = cause.downcast_ref::<serde_json::Error>() {
        return e.io_error_kind();
    }
    if let Some(e) = cause.downcast_ref::<csv::Error>() {
        return match e.kind() {
            csv::ErrorKind::Io(e) => Some(e.kind()),
            _ => None,
        };
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{self, Write};

    /// A writer whose reader has gone, as stdout after `| head`.
    struct Closed;
    impl Write for Closed {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> io::Result<()> {
            Err(io::ErrorKind::BrokenPipe.into())
        }
    }

    /// Every writer's own error for a closed pipe is seen as one, however it is wrapped.
    #[test]
    fn a_closed_pipe_is_recognized_through_every_writer() {
        let json = serde_json::to_writer(Closed, &[1, 2, 3]).unwrap_err();
        let mut w = csv::Writer::from_writer(Closed);
        w.write_record(["a"]).unwrap();
        let csv = w.flush().map_err(csv::Error::from).unwrap_err();
        let mut w = csv::WriterBuilder::new()
            .buffer_capacity(1)
            .from_writer(Closed);
        let csv_record = w.write_record(["a", "b"]).unwrap_err();
        for err in [
            anyhow::Error::new(json),
            anyhow::Error::new(csv),
            anyhow::Error::new(csv_record).context("writing the output"),
            anyhow::Error::new(io::Error::from(io::ErrorKind::BrokenPipe)),
            anyhow::Error::new(io::Error::other(
                serde_json::to_writer(Closed, &1).unwrap_err(),
            )),
        ] {
            assert!(is_broken_pipe(&err), "{err:#}");
        }
        let other = serde_json::from_str::<u8>("x").unwrap_err();
        assert!(!is_broken_pipe(&anyhow::Error::new(other)));
        assert!(!is_broken_pipe(&anyhow::anyhow!("Broken pipe")));
        assert!(!is_broken_pipe(&anyhow::Error::new(io::Error::from(
            io::ErrorKind::PermissionDenied
        ))));
    }
}
