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
        // Times, ids and numbers stay whole; names and other free text wrap when space is short.
        for (i, field) in self.fields.iter().enumerate() {
            let free_text = matches!(
                field,
                Field::Agent | Field::Campaign | Field::VendorStatus | Field::RecordingUrl | Field::LineNumber | Field::Raw
            );
            if let (false, Some(column)) = (free_text, table.column_mut(i)) {
                column.set_constraint(comfy_table::ColumnConstraint::ContentWidth);
            }
        }
        for line in table.lines() {
            writeln!(self.out, "{}", line.trim_end())?;
        }
        Ok(self.out)
    }
}
