//! `calls show ID`: one call in full, with the vendor's record.

use std::io::Write;

use anyhow::Result;

use crate::call::Field;
use crate::cli::ShowArgs;
use crate::http::Http;
use crate::output::{self, CallWriter, Format, Target};
use crate::resolve::{self, Settings};
use crate::vendors::{Backend, Operation};
use crate::when;

pub async fn run(s: &Settings, args: &ShowArgs) -> Result<()> {
    let mut out = resolve::output(&args.output, s)?;
    if out.format == Format::Parquet {
        return crate::error::usage("-o parquet is for export; show prints a table, CSV or JSON");
    }
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
            let mut record = raw.value();
            // The conversation and its evaluation read as text, not as JSON strings with `\n`
            // escapes; shown so, they leave the record below.
            if let Some(lines) = record
                .get("transcript")
                .and_then(|t| transcript(t, out.zone))
            {
                writeln!(target, "\ntranscript:")?;
                for line in lines {
                    writeln!(target, "  {line}")?;
                }
                record.as_object_mut().map(|o| o.remove("transcript"));
            }
            if let Some(lines) = record.get("evaluation").and_then(evaluation) {
                writeln!(target, "\nevaluation:")?;
                for line in lines {
                    writeln!(target, "  {line}")?;
                }
                record.as_object_mut().map(|o| o.remove("evaluation"));
            }
            writeln!(
                target,
                "\n{} record:\n{}",
                call.vendor,
                // JSON escapes C0 controls but not DEL, C1 (CSI) or bidi overrides.
                crate::term::printable_lines(&serde_json::to_string_pretty(&record)?)
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

/// A transcript as `speaker: text` lines (`HH:MM:SS  ` first where a line has a time), from the
/// shapes Famulor sends: one string of such lines; a list of `{sender, text, timestamp}` (the
/// classic API's list) or `{role, content}` (v1); or that list under `items`. `None` for
/// anything else, or an empty one (the record then shows it as it is).
fn transcript(t: &serde_json::Value, zone: when::Zone) -> Option<Vec<String>> {
    use serde_json::Value;
    let lines: Vec<String> = match t {
        Value::String(s) => s
            .lines()
            .map(str::trim_end)
            .filter(|l| !l.is_empty())
            .map(|l| crate::term::printable(l).into_owned())
            .collect(),
        Value::Array(items) => {
            let field = |item: &Value, keys: &[&str]| -> Option<String> {
                keys.iter().find_map(|k| match item.get(*k)? {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
            };
            let mut lines = Vec::new();
            for item in items {
                let text = field(item, &["text", "content", "message"])?;
                let who = field(item, &["sender", "role", "speaker"]).unwrap_or_else(|| "?".into());
                let at = item
                    .get("timestamp")
                    .or_else(|| item.get("time"))
                    .and_then(|v| when(v, zone));
                let line = format!("{who}: {}", text.replace('\n', " "));
                let line = crate::term::printable(&line).into_owned();
                lines.push(match at {
                    Some(at) => format!("{at}  {line}"),
                    None => line,
                });
            }
            lines
        }
        Value::Object(o) => return o.get("items").and_then(|items| transcript(items, zone)),
        _ => return None,
    };
    (!lines.is_empty()).then_some(lines)
}

/// A line's time: epoch seconds as `HH:MM:SS` in the run's zone; seconds into the call (a small
/// number) as `+M:SS`; a string as it is.
fn when(v: &serde_json::Value, zone: when::Zone) -> Option<String> {
    if let Some(s) = v.as_str() {
        return Some(crate::term::printable(s).into_owned());
    }
    let secs = v.as_f64()?;
    if secs >= 1e9 {
        let t = chrono::DateTime::from_timestamp(secs as i64, 0)?;
        let when::Zone::Tz(tz) = zone;
        Some(t.with_timezone(&tz).format("%H:%M:%S").to_string())
    } else if secs >= 0.0 {
        let s = secs as i64;
        Some(format!("+{}:{:02}", s / 60, s % 60))
    } else {
        None
    }
}

/// An evaluation as a small table: an object's keys and values, or a list of criteria
/// (`name`, `value`, `description`) one a row. `None` for other shapes.
fn evaluation(e: &serde_json::Value) -> Option<Vec<String>> {
    use serde_json::Value;
    let show = |v: &Value| -> String {
        let s = match v {
            Value::String(s) => s.clone(),
            Value::Null => "-".into(),
            other => other.to_string(),
        };
        crate::term::printable(&s.replace('\n', " ")).into_owned()
    };
    let rows: Vec<Vec<String>> = match e {
        Value::Object(o) if !o.is_empty() => o
            .iter()
            .map(|(k, v)| vec![crate::term::printable(k).into_owned(), show(v)])
            .collect(),
        Value::Array(items) if !items.is_empty() => {
            let mut rows = Vec::new();
            for item in items {
                let name = item.get("name")?;
                rows.push(vec![
                    show(name),
                    item.get("value").map(show).unwrap_or_else(|| "-".into()),
                    item.get("description").map(show).unwrap_or_default(),
                ]);
            }
            rows
        }
        _ => return None,
    };
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|k| {
            rows.iter()
                .filter_map(|r| r.get(k))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    Some(
        rows.iter()
            .map(|r| {
                r.iter()
                    .zip(&widths)
                    .map(|(c, &w)| format!("{c:w$}"))
                    .collect::<Vec<_>>()
                    .join("  ")
                    .trim_end()
                    .to_string()
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Every transcript shape Famulor's two APIs send reads as the same conversation.
    #[test]
    fn transcripts_read_as_a_conversation_in_every_shape() {
        let zone = when::Zone::Tz("Europe/Berlin".parse().unwrap());
        let want = vec!["bot: Guten Tag!".to_string(), "user: Hallo?".to_string()];
        let list = json!([{"role": "bot", "content": "Guten Tag!"}, {"role": "user", "content": "Hallo?"}]);
        assert_eq!(
            transcript(&json!("bot: Guten Tag!\nuser: Hallo?\n"), zone),
            Some(want.clone())
        );
        assert_eq!(transcript(&list, zone), Some(want.clone()));
        assert_eq!(transcript(&json!({"items": list}), zone), Some(want));
        let timed = json!([
            {"text": "Guten Tag!", "type": "transcript", "sender": "bot", "timestamp": 1748728800.0},
            {"text": "Hallo?\u{1b}[2J", "type": "transcript", "sender": "user", "timestamp": 1748728803.5},
        ]);
        assert_eq!(
            transcript(&timed, zone),
            Some(vec![
                "00:00:00  bot: Guten Tag!".to_string(),
                "00:00:03  user: Hallo?\\u{1b}[2J".to_string(),
            ])
        );
        assert_eq!(transcript(&json!([]), zone), None);
        assert_eq!(transcript(&json!(42), zone), None);
        assert_eq!(transcript(&json!([{"x": 1}]), zone), None);
    }

    #[test]
    fn evaluations_read_as_a_small_table() {
        assert_eq!(
            evaluation(&json!({"status": true, "summary": "Generated."})),
            Some(vec![
                "status   true".to_string(),
                "summary  Generated.".to_string()
            ])
        );
        assert_eq!(
            evaluation(&json!([
                {"name": "status", "type": "bool", "value": false, "description": "Objective met."},
                {"name": "appointment", "type": "bool", "value": true, "description": "Booked."},
            ])),
            Some(vec![
                "status       false  Objective met.".to_string(),
                "appointment  true   Booked.".to_string(),
            ])
        );
        assert_eq!(evaluation(&json!("ok")), None);
    }
}
