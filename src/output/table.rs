//! The table writer: rows are kept until the end so columns can fit the terminal.

use std::io::Write;

use anyhow::Result;
use comfy_table::{ContentArrangement, Table};

use super::{text, Zone};
use crate::call::{Call, Field};

pub struct TableWriter<W: Write> {
    out: W,
    fields: Vec<Field>,
    zone: Zone,
    width: Option<u16>,
    rows: Vec<Vec<String>>,
}

impl<W: Write> TableWriter<W> {
    pub fn new(out: W, fields: Vec<Field>, zone: Zone, width: Option<u16>) -> Self {
        TableWriter {
            out,
            fields,
            zone,
            width,
            rows: Vec::new(),
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

    pub fn finish(mut self) -> Result<W> {
        if self.rows.is_empty() {
            crate::term::log("no calls match");
            return Ok(self.out);
        }
        let mut table = Table::new();
        table.load_preset(comfy_table::presets::NOTHING);
        table.set_header(
            self.fields
                .iter()
                .map(|f| f.name().to_uppercase().replace('_', " ")),
        );
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
        Ok(self.out)
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
