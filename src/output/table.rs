//! The table writer: rows are kept so that columns can fit the terminal, a block at a time, so
//! that an export to a terminal neither holds every call nor shows nothing until the end.

use std::io::Write;

use anyhow::Result;
use comfy_table::{ContentArrangement, Table};

use super::{text, Zone};
use crate::call::{Call, Field};

/// Rows fitted and printed together. Each block fits its own columns; only the first has the
/// header. A `list` (25 rows by default) is one block.
const BLOCK: usize = 1000;

pub struct TableWriter<W: Write> {
    out: W,
    fields: Vec<Field>,
    zone: Zone,
    width: Option<u16>,
    rows: Vec<Vec<String>>,
    /// A block (and so the header) has been printed.
    printed: bool,
}

impl<W: Write> TableWriter<W> {
    pub fn new(out: W, fields: Vec<Field>, zone: Zone, width: Option<u16>) -> Self {
        TableWriter {
            out,
            fields,
            zone,
            width,
            rows: Vec::new(),
            printed: false,
        }
    }

    pub fn push(&mut self, call: &Call) {
        let row = self
            .fields
            .iter()
            .map(|&f| {
                text(call, f, self.zone, true)
                    .map(|v| v.into_owned())
                    .unwrap_or_else(|| "-".into())
            })
            .collect();
        self.rows.push(row);
    }

    /// At a page boundary: prints a block once there are enough rows for one.
    pub fn flush(&mut self) -> Result<()> {
        if self.rows.len() >= BLOCK {
            self.print()?;
            self.out.flush()?;
        }
        Ok(())
    }

    pub fn finish(mut self) -> Result<W> {
        if !self.rows.is_empty() {
            self.print()?;
        } else if !self.printed {
            crate::term::log("no calls match");
        }
        Ok(self.out)
    }

    /// Prints the rows kept so far as one block.
    fn print(&mut self) -> Result<()> {
        let mut table = Table::new();
        table.load_preset(comfy_table::presets::NOTHING);
        if !self.printed {
            table.set_header(
                self.fields
                    .iter()
                    .map(|f| f.name().to_uppercase().replace('_', " ")),
            );
        }
        match self.width {
            Some(w) => {
                table
                    .set_width(w)
                    .set_content_arrangement(ContentArrangement::Dynamic);
            }
            None => {
                table.set_content_arrangement(ContentArrangement::Disabled);
            }
        }
        table.add_rows(std::mem::take(&mut self.rows));
        // Times, ids and numbers stay whole and names wrap when space is short; on a terminal too
        // narrow even for that, every column wraps.
        let whole: Vec<usize> = (0..self.fields.len())
            .filter(|i| !free_text(self.fields[*i]))
            .collect();
        for &i in &whole {
            if let Some(column) = table.column_mut(i) {
                column.set_constraint(comfy_table::ColumnConstraint::ContentWidth);
            }
        }
        let mut lines: Vec<String> = table.lines().collect();
        if self.width.is_some_and(|w| {
            lines
                .iter()
                .any(|l| l.trim_end().chars().count() > w as usize)
        }) {
            for &i in &whole {
                if let Some(column) = table.column_mut(i) {
                    column.remove_constraint();
                }
            }
            lines = table.lines().collect();
        }
        for line in lines {
            writeln!(self.out, "{}", line.trim_end())?;
        }
        self.printed = true;
        Ok(())
    }
}

/// Columns whose text may wrap: names and other free text.
fn free_text(field: Field) -> bool {
    matches!(
        field,
        Field::Agent
            | Field::Campaign
            | Field::VendorStatus
            | Field::RecordingUrl
            | Field::LineNumber
            | Field::Raw
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::{Direction, Status};
    use crate::vendors::Vendor;

    fn call(n: usize) -> Call {
        Call {
            vendor: Vendor::Famulor,
            id: n.to_string(),
            started_at: chrono::DateTime::from_timestamp(1_700_000_000 + n as i64 * 60, 0).unwrap(),
            ended_at: None,
            direction: Direction::Inbound,
            status: Status::Answered,
            vendor_status: None,
            duration: Some(n as i64 % 600),
            talk_time: None,
            customer_number: Some("+4930123".into()),
            line_number: None,
            agent: Some(
                if n.is_multiple_of(7) {
                    "Anna Schmidt"
                } else {
                    "Jo"
                }
                .into(),
            ),
            campaign: None,
            recording_url: None,
            cost: None,
            agent_id: None,
            campaign_id: None,
            raw: None,
        }
    }

    /// 2,500 rows in pages of 100: blocks come out while the rows arrive, never more than a
    /// block and a page is held, and the header is printed once.
    #[test]
    fn a_long_table_is_printed_a_block_at_a_time() {
        let fields = vec![Field::Id, Field::Duration, Field::Agent];
        let mut t = TableWriter::new(Vec::new(), fields, Zone::Tz(chrono_tz::Tz::UTC), Some(80));
        for n in 0..2500 {
            t.push(&call(n));
            assert!(t.rows.len() <= BLOCK + 100);
            if n % 100 == 99 {
                t.flush().unwrap();
            }
            if n == 1050 {
                let so_far = String::from_utf8(t.out.clone()).unwrap();
                assert_eq!(so_far.lines().count(), 1 + 1000, "header and a first block");
            }
        }
        let out = String::from_utf8(t.finish().unwrap()).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 1 + 2500);
        assert_eq!(
            lines[0].split_whitespace().collect::<Vec<_>>(),
            ["ID", "DURATION", "AGENT"]
        );
        assert_eq!(lines.iter().filter(|l| l.contains("DURATION")).count(), 1);
        assert_eq!(lines[2500].split_whitespace().next(), Some("2499"));
    }
}
