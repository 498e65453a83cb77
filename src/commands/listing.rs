//! `calls list` and `calls export`: one query, every page, one writer.

use std::time::Instant;

use anyhow::Result;

use crate::cli::ListArgs;
use crate::http::Http;
use crate::output::{CallWriter, Target};
use crate::pager::Pager;
use crate::resolve::{self, Settings};
use crate::term;
use crate::vendors::Backend;

pub async fn run(
    s: &Settings,
    args: &ListArgs,
    default_limit: Option<u64>,
    summary: bool,
) -> Result<()> {
    let out = resolve::output(&args.output, s.tz)?;
    let query = resolve::query(&args.filters, s, default_limit, out.raw)?;
    let backend = Backend::new(&s.profile, Http::new(s.http.clone())?)?;
    let plan = backend.plan(&query)?;
    if s.http.verbose > 0 {
        term::log(&format!(
            "{}: {} .. {}; {}",
            backend.vendor(),
            crate::output::time(query.from, crate::output::Zone::Tz(query.tz), false),
            crate::output::time(query.to, crate::output::Zone::Tz(query.tz), false),
            plan.describe()
        ));
    }
    let started = Instant::now();
    let mut writer = CallWriter::new(Target::open(out.path.as_deref())?, &out, true)?;
    let pager = Pager {
        backend: &backend,
        query: &query,
        plan: &plan,
        concurrency: s.concurrency,
        progress: s.progress,
    };
    let stats = pager.run(&mut writer).await?;
    writer.finish()?.commit()?;
    if summary && !s.quiet {
        let secs = started.elapsed().as_secs_f64();
        let to = out
            .path
            .as_ref()
            .map(|p| format!(" to {}", p.display()))
            .unwrap_or_default();
        term::log(&format!(
            "exported {} calls{to} in {secs:.1} s",
            thousands(stats.calls)
        ));
    }
    Ok(())
}

/// 12345 -> "12,345"
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands() {
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(12345), "12,345");
        assert_eq!(super::thousands(1234567), "1,234,567");
    }
}
