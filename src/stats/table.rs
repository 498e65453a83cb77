//! The stats table for a terminal: keys and numbers in columns fitted to the width, durations as
//! people read them, and a bar chart in the width left (answered, missed and the rest in three
//! shades, coloured when colour is on).

use super::{By, Counts, Key, Row};
use crate::term::{duration, printable, thousands, Paint};

/// The chart's glyphs: answered, missed, other.
const GLYPHS: [char; 3] = ['█', '▓', '░'];
/// Their colours when colour is on: green, red, grey.
const COLOURS: [Paint; 3] = [Paint::Green, Paint::Red, Paint::Grey];
/// The chart gets at least this many cells before columns are left out for it.
const MIN_CHART: usize = 20;
/// Before the answer rate is left out, the chart shrinks to this: the rate is the number a
/// lead reads first (issue 20).
const LEAST_CHART: usize = 8;
/// The chart's cells where there is no terminal width to fit (a pipe, a file): every column
/// is kept, as `list` keeps them.
const PIPE_CHART: usize = 40;
/// The legend in the chart's header, the longest that fits: words and the gap between them.
const LEGENDS: [([&str; 3], &str); 4] = [
    (["answered", "missed", "other"], "  "),
    (["answered", "missed", "other"], " "),
    (["ans", "missed", "other"], " "),
    (["ans", "mis", "oth"], " "),
];

/// Cells of a row's bar: answered, missed, other. The row with the most calls (`max`) fills
/// `width`; a row with calls gets at least one cell however small it is beside the largest, a
/// row without calls none. The cells are shared between the three parts by largest remainder,
/// so that they add up to the bar's length.
pub fn bar(answered: u64, missed: u64, other: u64, max: u64, width: usize) -> [usize; 3] {
    let calls = answered + missed + other;
    if calls == 0 || max == 0 || width == 0 {
        return [0; 3];
    }
    let (calls128, w) = (u128::from(calls), width as u128);
    let len = ((calls128 * w * 2 + u128::from(max)) / (u128::from(max) * 2)).clamp(1, w);
    let parts = [answered, missed, other].map(u128::from);
    let mut cells = parts.map(|p| p * len / calls128);
    let mut left = len - cells.iter().sum::<u128>();
    let mut order = [0usize, 1, 2];
    // Stable: on equal remainders the earlier part (answered, then missed) gets the cell.
    order.sort_by_key(|&i| std::cmp::Reverse(parts[i] * len % calls128));
    for &i in order.iter().cycle() {
        if left == 0 {
            break;
        }
        if parts[i] > 0 {
            cells[i] += 1;
            left -= 1;
        }
    }
    cells.map(|c| c as usize)
}

/// One column: its header, its cells (one per row, then the total's), and how it aligns.
struct Column {
    header: &'static str,
    cells: Vec<String>,
    right: bool,
    shown: bool,
}

impl Column {
    fn width(&self) -> usize {
        self.cells
            .iter()
            .map(|c| c.chars().count())
            .chain([self.header.chars().count()])
            .max()
            .unwrap_or(0)
    }
}

/// The numeric columns, in order; the ones that can be left out, in the order they go.
const NUMBERS: [&str; 8] = [
    "CALLS", "ANSWERED", "MISSED", "RATE", "TALK", "AVG TALK", "AVG DUR", "MAX DUR",
];
const LEAST_NEEDED: [&str; 5] = ["MAX DUR", "AVG TALK", "TALK", "AVG DUR", "RATE"];

/// The field (`--fields`, the CSV header) each numeric column shows.
fn field_of(header: &str) -> &'static str {
    match header {
        "CALLS" => "calls",
        "ANSWERED" => "answered",
        "MISSED" => "missed",
        "RATE" => "answer_rate",
        "TALK" => "talk_time",
        "AVG TALK" => "talk_time_avg",
        "AVG DUR" => "duration_avg",
        _ => "duration_max",
    }
}

fn number(header: &str, c: &Counts) -> String {
    let secs = |s: Option<u64>| s.map_or_else(|| "-".into(), duration);
    match header {
        "CALLS" => thousands(c.calls),
        "ANSWERED" => thousands(c.answered()),
        "MISSED" => thousands(c.missed()),
        "RATE" => match c.calls {
            0 => "-".into(),
            n => format!("{}%", (c.answered() * 100 + n / 2) / n),
        },
        "TALK" => secs(c.talk_time()),
        "AVG TALK" => secs(c.talk_time_avg()),
        "AVG DUR" => secs(c.duration_avg()),
        _ => secs(c.duration_max),
    }
}

/// A key as the table shows it: hours as `09:00`, null as `(none)`, vendor text made printable.
fn key_cell(by: By, key: &Key) -> String {
    match (by, key) {
        (By::Hour, Key::Number(h)) => format!("{h:02}:00"),
        _ => match by.text(key) {
            Some(t) => printable(&t).into_owned(),
            None => "(none)".into(),
        },
    }
}

/// `text` cut to `width` characters, with `…` where it was cut.
fn cut(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// The table's lines for `rows`, fitted to `width`, with a `total` line under them when there
/// are several rows; and the columns left out to make room (for a note). Columns are left out
/// (first those with nothing to show, then the least needed) until the chart has
/// [`MIN_CHART`] cells; then long names are cut.
pub fn table(
    by: &[By],
    rows: &[Row],
    total: &Counts,
    width: Option<usize>,
    colour: bool,
    fields: Option<&[&str]>,
) -> (Vec<String>, Vec<&'static str>) {
    let with_total = !by.is_empty() && rows.len() > 1;
    let counts: Vec<&Counts> = rows
        .iter()
        .map(|r| &r.counts)
        .chain(with_total.then_some(total))
        .collect();
    let mut keys: Vec<Column> = by
        .iter()
        .enumerate()
        .map(|(d, b)| {
            let mut previous: Option<&Key> = None;
            let mut cells: Vec<String> = rows
                .iter()
                .map(|r| {
                    let k = &r.keys[d];
                    // An outer group's name once, on its first row.
                    let repeat = d == 0 && by.len() > 1 && previous == Some(k);
                    previous = Some(k);
                    if repeat {
                        String::new()
                    } else {
                        key_cell(*b, k)
                    }
                })
                .collect();
            if with_total {
                cells.push(if d == 0 {
                    "total".into()
                } else {
                    String::new()
                });
            }
            Column {
                header: header(*b),
                cells,
                right: false,
                shown: true,
            }
        })
        .collect();
    if by.is_empty() {
        keys.push(Column {
            header: "",
            cells: vec!["total".into()],
            right: false,
            shown: true,
        });
    }
    let mut numbers: Vec<Column> = NUMBERS
        .iter()
        .map(|h| Column {
            header: h,
            cells: counts.iter().map(|c| number(h, c)).collect(),
            right: true,
            // `--fields` picks numeric columns; the groups' keys are always shown.
            shown: fields.is_none_or(|f| f.contains(&field_of(h))),
        })
        .collect();

    let used = |keys: &[Column], numbers: &[Column]| -> usize {
        let widths: Vec<usize> = keys
            .iter()
            .chain(numbers.iter().filter(|c| c.shown))
            .map(Column::width)
            .collect();
        1 + widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1)
    };
    let fits_with = |keys: &[Column], numbers: &[Column], chart: usize| {
        width.is_none_or(|width| used(keys, numbers) + 2 + chart <= width)
    };
    let fits = |keys: &[Column], numbers: &[Column]| fits_with(keys, numbers, MIN_CHART);
    let empty = |name: &&str| {
        numbers
            .iter()
            .any(|c| c.header == *name && c.cells.iter().all(|v| v == "-"))
    };
    let order: Vec<&str> = LEAST_NEEDED
        .iter()
        .filter(|n| empty(n))
        .chain(LEAST_NEEDED.iter().filter(|n| !empty(n)))
        .copied()
        .collect();
    let mut left_out = Vec::new();
    for name in order {
        if fits(&keys, &numbers) || (name == "RATE" && fits_with(&keys, &numbers, LEAST_CHART)) {
            break;
        }
        if let Some(c) = numbers.iter_mut().find(|c| c.header == name && c.shown) {
            c.shown = false;
            left_out.push(c.header);
        }
    }
    // Still too wide: the longest names are cut, down to 6 characters.
    while !fits_with(&keys, &numbers, LEAST_CHART) {
        let Some(widest) = keys
            .iter_mut()
            .filter(|c| c.width() > 6 && c.width() > c.header.chars().count())
            .max_by_key(|c| c.width())
        else {
            break;
        };
        let w = widest.width() - 1;
        for cell in &mut widest.cells {
            *cell = cut(cell, w);
        }
    }
    let chart = match width {
        Some(width) => width.saturating_sub(used(&keys, &numbers) + 2),
        None => PIPE_CHART,
    };
    let chart = if chart >= 3 { chart } else { 0 };
    let max = rows.iter().map(|r| r.counts.calls).max().unwrap_or(0);

    let columns: Vec<&Column> = keys
        .iter()
        .chain(numbers.iter().filter(|c| c.shown))
        .collect();
    let widths: Vec<usize> = columns.iter().map(|c| c.width()).collect();
    let line = |cells: Vec<&str>, chart_cell: String| -> String {
        let mut out = String::from(" ");
        for (i, (cell, c)) in cells.iter().zip(&columns).enumerate() {
            if i > 0 {
                out.push_str("  ");
            }
            let pad = " ".repeat(widths[i].saturating_sub(cell.chars().count()));
            if c.right {
                out.push_str(&pad);
                out.push_str(cell);
            } else {
                out.push_str(cell);
                out.push_str(&pad);
            }
        }
        if !chart_cell.is_empty() {
            out.push_str("  ");
            out.push_str(&chart_cell);
        }
        out.trim_end().to_string()
    };
    // Bold, as `list`'s header is when colour is on.
    let head = line(
        columns.iter().map(|c| c.header).collect(),
        legend(chart, colour),
    );
    let mut lines = vec![if colour {
        crate::term::paint(&head, Paint::Bold)
    } else {
        head
    }];
    for (i, c) in counts.iter().enumerate() {
        let is_total = with_total && i == rows.len();
        let cells: Vec<&str> = columns.iter().map(|col| col.cells[i].as_str()).collect();
        let bar = if chart == 0 || is_total {
            String::new()
        } else {
            let cells = bar(c.answered(), c.missed(), c.other(), max, chart);
            paint(cells, colour)
        };
        lines.push(line(cells, bar));
    }
    (lines, left_out)
}

fn header(by: By) -> &'static str {
    match by {
        By::Day => "DAY",
        By::Week => "WEEK",
        By::Month => "MONTH",
        By::Hour => "HOUR",
        By::Weekday => "WEEKDAY",
        By::Agent => "AGENT",
        By::Campaign => "CAMPAIGN",
        By::Line => "LINE",
        By::Direction => "DIRECTION",
        By::Status => "STATUS",
    }
}

/// The bar's cells as glyphs (coloured when asked).
fn paint(cells: [usize; 3], colour: bool) -> String {
    let mut out = String::new();
    for (i, n) in cells.into_iter().enumerate() {
        if n == 0 {
            continue;
        }
        let glyphs: String = std::iter::repeat_n(GLYPHS[i], n).collect();
        if colour {
            out.push_str(&crate::term::paint(&glyphs, COLOURS[i]));
        } else {
            out.push_str(&glyphs);
        }
    }
    out
}

/// `█ answered  ▓ missed  ░ other`, or a shorter form, if one fits the chart's width.
fn legend(chart: usize, colour: bool) -> String {
    for (words, gap) in LEGENDS {
        let plain: Vec<String> = words
            .iter()
            .enumerate()
            .map(|(i, w)| format!("{} {w}", GLYPHS[i]))
            .collect();
        if plain.join(gap).chars().count() <= chart {
            return words
                .iter()
                .enumerate()
                .map(|(i, w)| match colour {
                    true => format!(
                        "{} {w}",
                        crate::term::paint(&GLYPHS[i].to_string(), COLOURS[i])
                    ),
                    false => format!("{} {w}", GLYPHS[i]),
                })
                .collect::<Vec<_>>()
                .join(gap);
        }
    }
    String::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_largest_row_fills_the_chart() {
        // One group: the whole width, shared by largest remainder.
        assert_eq!(bar(3, 1, 0, 4, 20), [15, 5, 0]);
        assert_eq!(bar(1, 1, 1, 3, 10), [4, 3, 3]);
        assert_eq!(bar(50, 0, 0, 50, 37), [37, 0, 0]);
        // Half the largest: half the width.
        assert_eq!(bar(1, 1, 0, 4, 20), [5, 5, 0]);
    }

    #[test]
    fn a_row_without_calls_has_no_bar_and_a_tiny_one_still_shows() {
        assert_eq!(bar(0, 0, 0, 10, 20), [0, 0, 0]);
        assert_eq!(bar(0, 0, 0, 0, 20), [0, 0, 0]);
        assert_eq!(bar(5, 5, 0, 10, 0), [0, 0, 0]);
        // A thousand times smaller than the largest: one cell, never none.
        assert_eq!(bar(3000, 2000, 0, 5000, 40), [24, 16, 0]);
        assert_eq!(bar(5, 0, 0, 5000, 40), [1, 0, 0]);
        assert_eq!(bar(0, 5, 0, 5000, 40), [0, 1, 0]);
        // That one cell goes to the larger part.
        assert_eq!(bar(1, 4, 0, 5000, 40), [0, 1, 0]);
    }

    #[test]
    fn bars_never_exceed_the_width_and_add_up() {
        for width in [1usize, 3, 10, 57] {
            for (a, m, o, max) in [
                (1, 0, 0, 1),
                (7, 3, 1, 11),
                (7, 3, 1, 1_000_000),
                (u64::MAX / 4, u64::MAX / 4, 0, u64::MAX / 2),
            ] {
                let cells = bar(a, m, o, max, width);
                let len: usize = cells.iter().sum();
                assert!((1..=width).contains(&len), "{a} {m} {o} {max} {width}");
                for (part, n) in [a, m, o].iter().zip(cells) {
                    assert!(*part > 0 || n == 0);
                }
            }
        }
    }

    fn counts(answered: u64, missed: u64, busy: u64) -> Counts {
        let mut c = Counts {
            calls: answered + missed + busy,
            ..Counts::default()
        };
        c.statuses[0] = answered;
        c.statuses[1] = missed;
        c.statuses[2] = busy;
        c
    }

    #[test]
    fn narrow_tables_leave_out_columns_then_cut_names() {
        let rows: Vec<Row> = [("Anna Schmidt", 6, 2), ("Webinar ../../follow-up", 1, 1)]
            .iter()
            .map(|(name, a, m)| Row {
                keys: vec![Key::Text(Some(name.to_string()))],
                counts: counts(*a, *m, 0),
            })
            .collect();
        let total = counts(7, 3, 0);
        let (wide, left_out) = table(&[By::Agent], &rows, &total, Some(120), false, None);
        assert!(left_out.is_empty());
        assert_eq!(
            wide,
            [
                " AGENT                    CALLS  ANSWERED  MISSED  RATE  TALK  AVG TALK  AVG DUR  MAX DUR  █ answered  ▓ missed  ░ other",
                " Anna Schmidt                 8         6       2   75%     -         -        -        -  ██████████████████████▓▓▓▓▓▓▓",
                " Webinar ../../follow-up      2         1       1   50%     -         -        -        -  ████▓▓▓",
                " total                       10         7       3   70%     -         -        -        -",
            ]
        );
        let (narrow, left_out) = table(&[By::Agent], &rows, &total, Some(50), false, None);
        // No durations here: those columns go first, least needed first; the rate last,
        // after the chart has shrunk to its least.
        assert_eq!(left_out, ["MAX DUR", "AVG TALK", "TALK", "AVG DUR", "RATE"]);
        assert_eq!(
            narrow,
            [
                " AGENT           CALLS  ANSWERED  MISSED",
                " Anna Schmidt        8         6       2  ██████▓▓",
                " Webinar ../..…      2         1       1  █▓",
                " total              10         7       3",
            ],
        );
        // Where the rate and a chart of its least fit, the rate stays and the chart shrinks.
        let (rated, left_out) = table(&[By::Agent], &rows, &total, Some(66), false, None);
        assert_eq!(left_out, ["MAX DUR", "AVG TALK", "TALK", "AVG DUR"]);
        assert_eq!(
            rated,
            [
                " AGENT                    CALLS  ANSWERED  MISSED  RATE",
                " Anna Schmidt                 8         6       2   75%  ███████▓▓",
                " Webinar ../../follow-up      2         1       1   50%  █▓",
                " total                       10         7       3   70%",
            ],
        );
        // Without a width (a pipe): every column, and a chart of its own width.
        let (piped, left_out) = table(&[By::Agent], &rows, &total, None, false, None);
        assert!(left_out.is_empty());
        assert_eq!(piped[0], wide[0]);
        assert!(
            piped[1].ends_with(&format!("  {}{}", "█".repeat(30), "▓".repeat(10))),
            "{piped:?}"
        );
    }
}
