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
    /// The columns shown, settled by the first block.
    columns: Option<Vec<usize>>,
    /// Bold header, coloured statuses (stdout on a terminal, `--color`).
    color: bool,
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
            columns: None,
            color: false,
        }
    }

    /// With a bold header and statuses in colour (missed red, answered green).
    pub fn colored(mut self, color: bool) -> Self {
        self.color = color;
        self
    }

    pub fn push(&mut self, call: &Call) {
        let row = self
            .fields
            .iter()
            .map(|&f| {
                // A vendor's value reaches a terminal: no escape sequences through it.
                text(call, f, self.zone, true)
                    .map(|v| crate::term::printable(&v).into_owned())
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
        let rows = std::mem::take(&mut self.rows);
        let columns = match &self.columns {
            Some(c) => c.clone(),
            None => {
                let c = self.fit(&rows);
                self.columns = Some(c.clone());
                c
            }
        };
        let lines = self.render(&columns, &rows);
        for line in lines {
            writeln!(self.out, "{}", line.trim_end())?;
        }
        self.printed = true;
        Ok(())
    }

    /// The columns to show: all of them, except that the default columns give up the least
    /// needed ones (campaign, agent, customer number, duration, direction) rather than wrap a
    /// time or an id mid-word on a narrow terminal. Says on stderr what it left out.
    fn fit(&self, rows: &[Vec<String>]) -> Vec<usize> {
        let mut columns: Vec<usize> = (0..self.fields.len()).collect();
        if self.fields != super::OutputOptions::TABLE_FIELDS {
            return columns;
        }
        const LEAST_NEEDED: [Field; 5] = [
            Field::Campaign,
            Field::Agent,
            Field::CustomerNumber,
            Field::Duration,
            Field::Direction,
        ];
        let mut left_out = Vec::new();
        for field in LEAST_NEEDED {
            if self.fits(&columns, rows) {
                break;
            }
            columns.retain(|&i| self.fields[i] != field);
            left_out.push(field.name());
        }
        if !left_out.is_empty() {
            crate::term::note(&format!(
                "left out {} to fit {} columns (a wider terminal, --fields or -o csv shows them)",
                left_out.join(", "),
                self.width.unwrap_or(0)
            ));
        }
        columns
    }

    /// Whether these columns fit the width with times, ids and numbers whole and names given
    /// room for a word (up to 12 characters) a line.
    fn fits(&self, columns: &[usize], rows: &[Vec<String>]) -> bool {
        let Some(width) = self.width else {
            return true;
        };
        let need: usize = columns
            .iter()
            .map(|&i| {
                let field = self.fields[i];
                let header = field.name().split('_').map(str::len).max().unwrap_or(0);
                let content = rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0);
                let room = if free_text(field) {
                    content.min(12)
                } else {
                    content
                };
                room.max(header) + 2
            })
            .sum();
        need <= width as usize
    }

    /// The block's lines.
    fn render(&self, columns: &[usize], rows: &[Vec<String>]) -> Vec<String> {
        let mut table = Table::new();
        table.load_preset(comfy_table::presets::NOTHING);
        let paint = |cell: comfy_table::Cell, attr: Option<comfy_table::Attribute>, fg| {
            let cell = match attr {
                Some(a) => cell.add_attribute(a),
                None => cell,
            };
            match fg {
                Some(c) => cell.fg(c),
                None => cell,
            }
        };
        if self.color {
            table.enforce_styling();
            table.style_text_only();
        }
        if !self.printed {
            table.set_header(columns.iter().map(|&i| {
                let cell =
                    comfy_table::Cell::new(self.fields[i].name().to_uppercase().replace('_', " "));
                match self.color {
                    true => paint(cell, Some(comfy_table::Attribute::Bold), None),
                    false => cell,
                }
            }));
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
        table.add_rows(rows.iter().map(|row| {
            columns
                .iter()
                .map(|&i| {
                    let cell = comfy_table::Cell::new(&row[i]);
                    match self.fields[i] {
                        Field::Status if self.color => paint(cell, None, status_color(&row[i])),
                        _ => cell,
                    }
                })
                .collect::<Vec<_>>()
        }));
        // Times, ids and numbers stay whole and names wrap when space is short. On a terminal
        // too narrow for that, times and numbers wrap too, but the id (the thing to copy) stays
        // whole while it can; narrower still, every column wraps.
        let whole: Vec<usize> = (0..columns.len())
            .filter(|&k| !free_text(self.fields[columns[k]]))
            .collect();
        for &k in &whole {
            if let Some(column) = table.column_mut(k) {
                column.set_constraint(comfy_table::ColumnConstraint::ContentWidth);
            }
        }
        let too_wide = |lines: &[String]| {
            self.width.is_some_and(|w| {
                lines
                    .iter()
                    .any(|l| crate::term::visible_width(l.trim_end()) > w as usize)
            })
        };
        let mut lines: Vec<String> = table.lines().collect();
        for keep_id in [true, false] {
            if !too_wide(&lines) {
                break;
            }
            for &k in &whole {
                if keep_id && self.fields[columns[k]] == Field::Id {
                    continue;
                }
                if let Some(column) = table.column_mut(k) {
                    column.remove_constraint();
                }
            }
            lines = table.lines().collect();
        }
        lines
    }
}

/// The colour of a status in a table: missed red, answered green, the rest plain.
fn status_color(status: &str) -> Option<comfy_table::Color> {
    match status {
        "missed" => Some(comfy_table::Color::Red),
        "answered" => Some(comfy_table::Color::Green),
        _ => None,
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
    use crate::types::Vendor;

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

    /// On a narrow terminal the default columns give up the least needed ones instead of
    /// wrapping times mid-word; columns the user picked are all kept (and wrap).
    #[test]
    fn a_narrow_terminal_leaves_out_the_least_needed_default_columns() {
        let table = |fields: Vec<Field>, width: u16| {
            let mut t = TableWriter::new(
                Vec::new(),
                fields,
                Zone::Tz(chrono_tz::Tz::UTC),
                Some(width),
            );
            for n in 0..5 {
                t.push(&call(n));
            }
            String::from_utf8(t.finish().unwrap()).unwrap()
        };
        let defaults = super::super::OutputOptions::TABLE_FIELDS.to_vec();
        let wide = table(defaults.clone(), 200);
        assert!(wide.lines().next().unwrap().ends_with("CAMPAIGN"), "{wide}");
        let narrow = table(defaults, 60);
        let header: Vec<&str> = narrow.lines().next().unwrap().split_whitespace().collect();
        assert_eq!(
            header,
            ["ID", "STARTED", "AT", "DIRECTION", "STATUS", "DURATION"]
        );
        assert!(narrow.lines().all(|l| l.chars().count() <= 60), "{narrow}");
        assert!(
            narrow.contains("2023-11-14 22:13:20"),
            "times stay whole: {narrow}"
        );
        let picked = table(
            vec![Field::Id, Field::Agent, Field::Campaign, Field::StartedAt],
            30,
        );
        let first: Vec<&str> = picked.lines().next().unwrap().split_whitespace().collect();
        assert_eq!(
            first,
            ["ID", "A", "C", "STARTED", "AT"],
            "all kept, wrapped: {picked}"
        );
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
