//! `calls show ID`: one call in full, with the vendor's record.

use std::io::Write;

use anyhow::Result;

use crate::call::Field;
use crate::cli::ShowArgs;
use crate::http::Http;
use crate::output::{self, CallWriter, Format, Target};
use crate::resolve::{self, Settings};
use crate::vendors::{Backend, Operation};

pub async fn run(s: &Settings, args: &ShowArgs) -> Result<()> {
    let mut out = resolve::output(&args.output, s.tz)?;
    if !s.profile.vendor.supports(Operation::Show) {
        return Err(s.profile.vendor.unsupported(Operation::Show).into());
    }
    let backend = Backend::new(&s.profile, Http::new(s.http.clone())?)?;
    let id = s.profile.ids(std::slice::from_ref(&args.id))?.remove(0);
    let call = backend.show(&id).await?;
    let mut target = Target::open(out.path.as_deref())?;
    if out.format == Format::Table {
        let fields = if args.output.fields.is_some() {
            out.fields.clone()
        } else {
            Field::NORMALIZED.to_vec()
        };
        let width = fields.iter().map(|f| f.name().len()).max().unwrap_or(0);
        for f in fields {
            let value = output::text(&call, f, out.zone, true);
            writeln!(
                target,
                "{:width$}  {}",
                f.name(),
                crate::term::printable(value.as_deref().unwrap_or("-"))
            )?;
        }
        if let Some(raw) = &call.raw {
            writeln!(
                target,
                "\n{} record:\n{}",
                call.vendor,
                // JSON escapes C0 controls but not DEL, C1 (CSI) or bidi overrides.
                crate::term::printable_lines(&serde_json::to_string_pretty(&raw.value())?)
            )?;
        }
    } else {
        if args.output.fields.is_none()
            && matches!(out.format, Format::Json | Format::Ndjson)
            && !out.fields.contains(&Field::Raw)
        {
            out.fields.push(Field::Raw);
        }
        if out.format == Format::Json {
            // One call is one object, not an array.
            serde_json::to_writer_pretty(
                &mut target,
                &output::Row {
                    call: &call,
                    fields: &out.fields,
                    zone: out.zone,
                },
            )?;
            writeln!(target)?;
        } else {
            let mut w = CallWriter::new(target, &out, true)?;
            w.write(&call)?;
            target = w.finish()?;
        }
    }
    target.commit()
}
