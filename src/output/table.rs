//! The table writer: rows are kept so that columns can fit the terminal, a block at a time, so
//! that an export to a terminal neither holds every call nor shows nothing until the end. The
//! first block settles the layout (which columns, how wide); every later block is printed in it,
//! so a long table stays aligned from its first row to its last.

use std::io::Write;

use anyhow::Result;

use super::{text, Zone};
use crate::call::{Call, Field};
use crate::term::{paint, Paint};

/// Rows printed together. The first block settles the columns and their widths; only it has
/// the header. A `list` (25 rows by default) is one block.
const BLOCK: usize = 1000;

/// Room a name (agent, campaign) keeps before the columns around it are given up: a word or two.
const NAME_ROOM: usize = 12;

const ELLIPSIS: char = '\u{2026}';

pub struct TableWriter<W: Write> {
    out: W,
    fields: Vec<Field>,
    zone: Zone,
    width: Option<u16>,
    rows: Vec<Vec<String>>,
    /// The columns shown and their widths, settled by the first block.
    layout: Option<Layout>,
    /// Bold header, coloured statuses (stdout on a terminal, `--color`).
    color: bool,
}

#[derive(Debug, Clone, PartialEq)]
struct Layout {
    /// Indexes into the fields.
    columns: Vec<usize>,
    widths: Vec<usize>,
    /// The first block's widest value of each column: a column narrower than that was cut to
    /// fit, and cuts every value longer.
    content: Vec<usize>,
}

impl<W: Write> TableWriter<W> {
    pub fn new(out: W, fields: Vec<Field>, zone: Zone, width: Option<u16>) -> Self {
        TableWriter {
            out,
            fields,
            zone,
            width,
            rows: Vec::new(),
            layout: None,
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
                // A vendor's value reaches a terminal: no escape sequences through it, and no
                // line breaks or tabs to tear the row apart.
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

    /// Prints the rows kept so far now, however few (`export --follow`: a row as each call
    /// comes; the first rows printed settle the columns).
    pub fn print_now(&mut self) -> Result<()> {
        if !self.rows.is_empty() {
            self.print()?;
        }
        self.out.flush()?;
        Ok(())
    }

    pub fn finish(mut self) -> Result<W> {
        if !self.rows.is_empty() {
            self.print()?;
        } else if self.layout.is_none() {
            crate::term::log("no calls match");
        }
        Ok(self.out)
    }

    /// Prints the rows kept so far, in the layout the first block settled (with the header and
    /// the zone the times are in, once).
    fn print(&mut self) -> Result<()> {
        let rows = std::mem::take(&mut self.rows);
        let layout = match &self.layout {
            Some(l) => l.clone(),
            None => {
                let l = self.settle(&rows);
                if l.columns.iter().any(|&i| is_time(self.fields[i])) {
                    let Zone::Tz(tz) = self.zone;
                    writeln!(self.out, "times in {}", tz.name())?;
                }
                let header: Vec<String> = l
                    .columns
                    .iter()
                    .map(|&i| self.fields[i].name().to_uppercase().replace('_', " "))
                    .collect();
                self.write_row(&l, &header, true)?;
                self.layout = Some(l.clone());
                l
            }
        };
        for row in &rows {
            let cells: Vec<String> = layout.columns.iter().map(|&i| row[i].clone()).collect();
            self.write_row(&layout, &cells, false)?;
        }
        Ok(())
    }

    /// One row, over as many lines as its wrapped cells need. A value of a later block one
    /// character longer than its column (an id of one more digit) takes the space after it,
    /// so the columns after it stay in place; longer still, it is cut with an ellipsis.
    fn write_row(&mut self, layout: &Layout, cells: &[String], header: bool) -> Result<()> {
        let cut = self.width.is_some();
        // NOTE: an id is what people copy into `show` and `recording` (issue 20): never cut,
        // also when a later block brings a longer one (it takes the room after it).
        let parts: Vec<Vec<String>> = cells
            .iter()
            .zip(&layout.columns)
            .zip(layout.widths.iter().zip(&layout.content))
            .map(|((cell, &i), (&w, &seen))| {
                let id = !header && self.fields[i] == Field::Id;
                fit_cell(cell, w, !header && w >= seen, cut && !id)
            })
            .collect();
        let styles: Vec<Option<Paint>> = layout
            .columns
            .iter()
            .zip(cells)
            .map(|(&i, cell)| match (self.color, header, self.fields[i]) {
                (false, _, _) => None,
                (true, true, _) => Some(Paint::Bold),
                (true, false, Field::Status) => status_color(cell),
                _ => None,
            })
            .collect();
        for line in compose(&parts, &layout.widths, &styles) {
            writeln!(self.out, "{line}")?;
        }
        Ok(())
    }

    /// The layout: every column at its widest where that fits. Else, in turn: headers wrap at
    /// their spaces; names wrap at spaces down to [`NAME_ROOM`]; then the default columns give
    /// up the least needed ones (campaign, agent, customer number, duration, direction), saying
    /// so on stderr, while columns picked with `--fields` are all kept and wrap at their spaces
    /// (a time's date over its clock). A time or a number is never broken: only when nothing
    /// else is left to give is a word shortened with an ellipsis. An id is never shortened.
    fn settle(&self, rows: &[Vec<String>]) -> Layout {
        let mut columns: Vec<usize> = (0..self.fields.len()).collect();
        let defaults = self.fields == super::OutputOptions::TABLE_FIELDS;
        const LEAST_NEEDED: [Field; 5] = [
            Field::Campaign,
            Field::Agent,
            Field::CustomerNumber,
            Field::Duration,
            Field::Direction,
        ];
        let mut left_out = Vec::new();
        let mut least = LEAST_NEEDED.iter();
        let widths = loop {
            let (widths, fits) = self.widths(&columns, rows, !defaults);
            match least.next() {
                Some(field) if !fits && defaults => {
                    columns.retain(|&i| self.fields[i] != *field);
                    left_out.push(field.name());
                }
                // Nothing left to give up: what is left wraps, as picked columns do.
                None if !fits => break self.widths(&columns, rows, true).0,
                _ => break widths,
            }
        };
        if !left_out.is_empty() {
            crate::term::note(&format!(
                "left out {} to fit {} columns\n  (a wider terminal, --fields or -o csv shows them)",
                left_out.join(", "),
                self.width.unwrap_or(0)
            ));
        }
        let content = columns
            .iter()
            .map(|&i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
            .collect();
        Layout {
            columns,
            widths,
            content,
        }
    }

    /// The columns' widths, and whether they fit without shortening a time or a number. The
    /// default columns give up columns before they wrap times (`wrap_all` once there is none
    /// left to give up, and always for `--fields`).
    fn widths(
        &self,
        columns: &[usize],
        rows: &[Vec<String>],
        wrap_all: bool,
    ) -> (Vec<usize>, bool) {
        let longest = |k: usize, of: &dyn Fn(&str) -> usize| {
            rows.iter().map(|r| of(&r[columns[k]])).max().unwrap_or(0)
        };
        let chars = |s: &str| s.chars().count();
        let longest_word = |s: &str| s.split(' ').map(|w| w.chars().count()).max().unwrap_or(0);
        let content: Vec<usize> = (0..columns.len()).map(|k| longest(k, &chars)).collect();
        let words: Vec<usize> = (0..columns.len())
            .map(|k| longest(k, &longest_word))
            .collect();
        let header: Vec<String> = columns
            .iter()
            .map(|&i| self.fields[i].name().replace('_', " "))
            .collect();
        let mut widths: Vec<usize> = content
            .iter()
            .zip(&header)
            .map(|(&c, h)| c.max(h.chars().count()))
            .collect();
        let Some(room) = self.width.map(|w| w as usize) else {
            return (widths, true);
        };
        // Each cell has a space either side; the last one's is trimmed.
        let room = room.saturating_sub(2 * columns.len()).saturating_add(1);
        let word = |k: usize| longest_word(&header[k]);
        let field = |k: usize| self.fields[columns[k]];
        // An id keeps its whole width at every stage: the other columns give way.
        let id = |k: usize| field(k) == Field::Id;
        let floors: [&dyn Fn(usize) -> usize; 3] = [
            // Headers wrap at their spaces.
            &|k| content[k].max(word(k)),
            // Names wrap at their spaces; a word stays whole (an id shown as the agent: famulor
            // v1's UUIDs, brightcall's numbers, is what `--agent` takes).
            &|k| {
                if free_text(field(k)) {
                    content[k].min(NAME_ROOM).max(words[k])
                } else {
                    content[k]
                }
                .max(word(k))
            },
            // Every column wraps at its spaces.
            &|k| if id(k) { content[k] } else { words[k] }.max(word(k)),
        ];
        let stages = if wrap_all { 3 } else { 2 };
        for floor in &floors[..stages] {
            let floors: Vec<usize> = (0..columns.len()).map(floor).collect();
            if shrink(&mut widths, &floors, room) {
                return (widths, true);
            }
        }
        // Nothing left to give: names and headers are cut first, down to a character and an
        // ellipsis, so that times, ids and numbers stay whole as long as they can; then the
        // widest columns, whatever they hold.
        let names: Vec<usize> = (0..columns.len())
            .map(|k| {
                if id(k) {
                    content[k].max(word(k))
                } else if free_text(field(k)) {
                    2
                } else {
                    floors[2](k).min(words[k].max(2))
                }
            })
            .collect();
        if !shrink(&mut widths, &names, room) {
            let last: Vec<usize> = (0..columns.len())
                .map(|k| if id(k) { content[k].max(word(k)) } else { 2 })
                .collect();
            shrink(&mut widths, &last, room);
        }
        (widths, false)
    }
}

/// The lines of a row whose cells are already fitted: each column starts where the layout
/// puts it (a space either side of every column), or a space after an overflowing cell.
fn compose(parts: &[Vec<String>], widths: &[usize], styles: &[Option<Paint>]) -> Vec<String> {
    let height = parts.iter().map(Vec::len).max().unwrap_or(1);
    (0..height)
        .map(|n| {
            let mut line = String::new();
            let (mut len, mut start) = (0, 1);
            for (k, (part, &w)) in parts.iter().zip(widths).enumerate() {
                let piece = part.get(n).map(String::as_str).unwrap_or("");
                let pad = if len < start { start - len } else { 1 };
                line.extend(std::iter::repeat_n(' ', pad));
                match styles.get(k).copied().flatten() {
                    Some(style) if !piece.is_empty() => line.push_str(&paint(piece, style)),
                    _ => line.push_str(piece),
                }
                len += pad + piece.chars().count();
                start += w + 2;
            }
            line.trim_end().to_string()
        })
        .collect()
}

/// Narrows the widest columns one character at a time, none below its floor, until their sum
/// is `room`: true when it is.
fn shrink(widths: &mut [usize], floors: &[usize], room: usize) -> bool {
    loop {
        if widths.iter().sum::<usize>() <= room {
            return true;
        }
        let widest = (0..widths.len())
            .filter(|&k| widths[k] > floors[k])
            .max_by_key(|&k| (widths[k], std::cmp::Reverse(k)));
        match widest {
            Some(k) => widths[k] -= 1,
            None => return false,
        }
    }
}

/// A cell's lines at width `w`: whole when it fits; else wrapped at its spaces, and a word still
/// too long cut with an ellipsis (when there is a width to fit; without one, printed whole).
/// Never broken mid-word. `value`: a value one character too long, with no space to wrap at,
/// is kept whole (it takes the space after it).
fn fit_cell(text: &str, w: usize, value: bool, cut: bool) -> Vec<String> {
    let len = |s: &str| s.chars().count();
    if len(text) <= w || (value && len(text) == w + 1 && !text.contains(' ')) {
        return vec![text.to_string()];
    }
    let shorten = |s: &str| -> String {
        if !cut || len(s) <= w {
            s.to_string()
        } else {
            let mut out: String = s.chars().take(w.saturating_sub(1)).collect();
            out.push(ELLIPSIS);
            out
        }
    };
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        if !line.is_empty() && len(&line) + 1 + len(word) <= w {
            line.push(' ');
            line.push_str(word);
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        line = shorten(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// The colour of a status in a table: missed red, answered green, the rest plain.
fn status_color(status: &str) -> Option<Paint> {
    match status {
        "missed" => Some(Paint::Red),
        "answered" => Some(Paint::Green),
        _ => None,
    }
}

fn is_time(field: Field) -> bool {
    matches!(field, Field::StartedAt | Field::EndedAt)
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
    use crate::types::Vendor;

    fn call(n: usize) -> Call {
        Call {
            duration: Some(n as i64 % 600),
            customer_number: Some("+4930123".into()),
            agent: Some(
                if n.is_multiple_of(7) {
                    "Anna Schmidt"
                } else {
                    "Jo"
                }
                .into(),
            ),
            ..Call::bare(
                Vendor::Famulor,
                &n.to_string(),
                chrono::DateTime::from_timestamp(1_700_000_000 + n as i64 * 60, 0).unwrap(),
            )
        }
    }

    fn table(fields: Vec<Field>, width: Option<u16>, rows: usize) -> String {
        let mut t = TableWriter::new(Vec::new(), fields, Zone::Tz(chrono_tz::Tz::UTC), width);
        for n in 0..rows {
            t.push(&call(n));
        }
        String::from_utf8(t.finish().unwrap()).unwrap()
    }

    /// Every word of the output is a whole word of a value or header, or the start of one cut
    /// with an ellipsis: nothing is broken mid-word onto a second line.
    fn no_broken_token(out: &str, fields: &[Field], rows: usize) {
        let mut words: std::collections::HashSet<String> = fields
            .iter()
            .flat_map(|f| {
                f.name()
                    .to_uppercase()
                    .split('_')
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .collect();
        words.extend(["times", "in", "UTC"].map(String::from));
        for n in 0..rows {
            let c = call(n);
            for &f in fields {
                let v = text(&c, f, Zone::Tz(chrono_tz::Tz::UTC), true).unwrap_or("-".into());
                words.extend(v.split(' ').map(str::to_string));
            }
        }
        for token in out.split_whitespace() {
            let ok = words.contains(token)
                || token.strip_suffix(ELLIPSIS).is_some_and(|stem| {
                    !stem.is_empty() && words.iter().any(|w| w.starts_with(stem))
                });
            assert!(ok, "{token:?} is broken:\n{out}");
        }
    }

    /// On a narrow terminal the default columns give up the least needed ones instead of
    /// wrapping times; columns the user picked are all kept: names wrap at spaces, and what
    /// still does not fit is cut with an ellipsis, never split.
    #[test]
    fn a_narrow_terminal_leaves_out_the_least_needed_default_columns() {
        let defaults = super::super::OutputOptions::TABLE_FIELDS.to_vec();
        let wide = table(defaults.clone(), Some(200), 5);
        assert_eq!(
            wide.lines().take(3).collect::<Vec<_>>(),
            [
                "times in UTC",
                " ID  STARTED AT           DIRECTION  STATUS    DURATION  CUSTOMER NUMBER  AGENT         CAMPAIGN",
                " 0   2023-11-14 22:13:20  inbound    answered  0:00      +4930123         Anna Schmidt  -",
            ]
        );
        let narrow = table(defaults, Some(60), 5);
        assert_eq!(
            narrow.lines().take(3).collect::<Vec<_>>(),
            [
                "times in UTC",
                " ID  STARTED AT           DIRECTION  STATUS    DURATION",
                " 0   2023-11-14 22:13:20  inbound    answered  0:00",
            ]
        );
        let fields = vec![Field::Id, Field::Agent, Field::Campaign, Field::StartedAt];
        // At 12 columns four columns do not fit even cut to a character: still nothing broken.
        for width in [30, 24, 12] {
            let picked = table(fields.clone(), Some(width), 8);
            assert!(
                width < 15 || picked.lines().all(|l| l.chars().count() <= width as usize),
                "{picked}"
            );
            no_broken_token(&picked, &fields, 8);
        }
        assert_eq!(
            table(fields, Some(30), 8)
                .lines()
                .take(5)
                .collect::<Vec<_>>(),
            [
                "times in UTC",
                " ID  AGENT  CAMPA…  STARTED AT",
                " 0   Anna   -       2023-11-14",
                "     Schm…          22:13:20",
                " 1   Jo     -       2023-11-14",
            ]
        );
    }

    /// 2,500 rows in pages of 100: blocks come out while the rows arrive, never more than a
    /// block and a page is held, the header is printed once, and every block keeps the first
    /// one's layout (ids of four digits overflow the three-digit column by one, into its
    /// padding, and the columns after them stay where they are).
    #[test]
    fn a_long_table_is_printed_a_block_at_a_time_in_one_layout() {
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
        assert_eq!(lines[0], " ID   DURATION  AGENT");
        assert_eq!(lines[1], " 0    0:00      Anna Schmidt");
        assert_eq!(lines[1000], " 999  6:39      Jo");
        assert_eq!(lines[1001], " 1000 6:40      Jo");
        assert_eq!(lines[2500], " 2499 1:39      Anna Schmidt");
        assert_eq!(lines.iter().filter(|l| l.contains("DURATION")).count(), 1);
    }

    /// Without a width (a table piped on purpose) nothing is cut or wrapped.
    #[test]
    fn without_a_width_values_are_whole() {
        let fields = vec![Field::Id, Field::Agent, Field::StartedAt];
        assert_eq!(
            table(fields, None, 2),
            concat!(
                "times in UTC\n",
                " ID  AGENT         STARTED AT\n",
                " 0   Anna Schmidt  2023-11-14 22:13:20\n",
                " 1   Jo            2023-11-14 22:14:20\n",
            )
        );
    }
}
