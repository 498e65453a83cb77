//! `-o parquet`: the call fields as typed Parquet columns, the SQL schema's types (README
//! "Databases"), for DuckDB, pandas/pyarrow and polars. Calls are collected column by column
//! into a row group of at most [`ROW_GROUP_ROWS`] rows or [`ROW_GROUP_BYTES`] of text, which is
//! then encoded, compressed (Snappy) and written, so memory stays flat at any size.
//!
//! Types: times `TIMESTAMP(MICROS, UTC)`, `duration` and `talk_time` `INT64`, text `STRING`,
//! `raw` the vendor's JSON as `STRING`, and `cost` a `DECIMAL(38, 9)` with, beside it,
//! `cost_text`: the vendor's text where it is no plain decimal that fits (see [`decimal`]).

use std::io::Write;

use anyhow::{Context, Result};
use bytes::Bytes;
use parquet::basic::Compression;
use parquet::data_type::Int64Type;
use parquet::data_type::{ByteArray, ByteArrayType, FixedLenByteArray, FixedLenByteArrayType};
use parquet::file::properties::{WriterProperties, WriterVersion};
use parquet::file::writer::SerializedFileWriter;

use crate::call::{Call, Field};

/// Rows in a row group (fewer when the text reaches [`ROW_GROUP_BYTES`] first).
pub const ROW_GROUP_ROWS: usize = 64 * 1024;

/// Bytes of text (ids, names, `raw`) held before a row group is written: with `--raw` a call is
/// a kilobyte or more, and 64k of them would be far from flat.
pub const ROW_GROUP_BYTES: usize = 16 * 1024 * 1024;

/// `cost`'s type: 38 digits, 9 of them after the point.
const COST_SCALE: u32 = 9;

/// One output column's values so far, for the row group being collected.
enum Column {
    /// Text: the values one after another in `data`, each ending at its `ends` entry.
    Text {
        data: Vec<u8>,
        ends: Vec<usize>,
        defs: Vec<i16>,
    },
    Int {
        values: Vec<i64>,
        defs: Vec<i16>,
    },
    /// `cost` as a decimal's unscaled value.
    Decimal {
        values: Vec<i128>,
        defs: Vec<i16>,
    },
}

impl Column {
    fn text() -> Column {
        Column::Text {
            data: Vec::new(),
            ends: Vec::new(),
            defs: Vec::new(),
        }
    }

    fn int() -> Column {
        Column::Int {
            values: Vec::new(),
            defs: Vec::new(),
        }
    }

    fn push_text(&mut self, value: Option<&str>) {
        if let Column::Text { data, ends, defs } = self {
            defs.push(i16::from(value.is_some()));
            if let Some(v) = value {
                data.extend_from_slice(v.as_bytes());
                ends.push(data.len());
            }
        }
    }

    fn push_int(&mut self, value: Option<i64>) {
        if let Column::Int { values, defs } = self {
            defs.push(i16::from(value.is_some()));
            values.extend(value);
        }
    }

    fn push_decimal(&mut self, value: Option<i128>) {
        if let Column::Decimal { values, defs } = self {
            defs.push(i16::from(value.is_some()));
            values.extend(value);
        }
    }

    fn text_bytes(&self) -> usize {
        match self {
            Column::Text { data, .. } => data.len(),
            _ => 0,
        }
    }
}

/// What a column holds: a call field, or `cost_text` (the cost that is no decimal).
#[derive(Clone, Copy, PartialEq)]
enum Source {
    Field(Field),
    CostText,
}

/// Writes calls as Parquet to `W`; [`ParquetWriter::finish`] writes the last row group and the
/// footer. Nothing is complete (readable) before then.
pub struct ParquetWriter<W: Write + Send> {
    out: SerializedFileWriter<W>,
    sources: Vec<Source>,
    columns: Vec<Column>,
    /// Rows in the row group being collected.
    rows: usize,
    /// Rows written in all.
    written: u64,
    row_group_rows: usize,
}

/// The Parquet schema of these fields, in their order; `cost` brings `cost_text` after it.
fn schema(fields: &[Field]) -> (String, Vec<Source>) {
    let mut text = String::from("message calls {\n");
    let mut sources = Vec::new();
    for &f in fields {
        let name = f.name();
        let line = match f {
            Field::Vendor | Field::Id | Field::Direction | Field::Status => {
                format!("REQUIRED BYTE_ARRAY {name} (STRING);")
            }
            Field::StartedAt => format!("REQUIRED INT64 {name} (TIMESTAMP(MICROS,true));"),
            Field::EndedAt => format!("OPTIONAL INT64 {name} (TIMESTAMP(MICROS,true));"),
            Field::Duration | Field::TalkTime => format!("OPTIONAL INT64 {name};"),
            Field::Cost => format!(
                "OPTIONAL FIXED_LEN_BYTE_ARRAY (16) {name} (DECIMAL(38,{COST_SCALE}));\n\
                 OPTIONAL BYTE_ARRAY cost_text (STRING);"
            ),
            // NOTE: `raw` is STRING, not Parquet's JSON type: pyarrow and polars read a JSON
            // column as binary or an extension type; a string every reader reads as text
            // (DuckDB: `raw::JSON`, polars: `str.json_decode`).
            Field::VendorStatus
            | Field::CustomerNumber
            | Field::LineNumber
            | Field::Agent
            | Field::Campaign
            | Field::RecordingUrl
            | Field::Raw => format!("OPTIONAL BYTE_ARRAY {name} (STRING);"),
        };
        text.push_str(&line);
        text.push('\n');
        sources.push(Source::Field(f));
        if f == Field::Cost {
            sources.push(Source::CostText);
        }
    }
    text.push('}');
    (text, sources)
}

impl<W: Write + Send> ParquetWriter<W> {
    pub fn new(out: W, fields: &[Field]) -> Result<Self> {
        let (text, sources) = schema(fields);
        let schema = parquet::schema::parser::parse_message_type(&text)
            .context("cannot build the Parquet schema")?;
        // NOTE: Snappy: the codec every Parquet reader has (DuckDB's, pyarrow's and polars'
        // default too), pure Rust (zstd would compile C), and the fastest to write; the
        // dictionary encoding of the repeated words (vendor, status, agent) does the rest.
        let props = WriterProperties::builder()
            .set_writer_version(WriterVersion::PARQUET_1_0)
            .set_compression(Compression::SNAPPY)
            .set_created_by(format!("calls {}", env!("CARGO_PKG_VERSION")))
            .build();
        let out = SerializedFileWriter::new(out, schema.into(), props.into())
            .context("cannot start the Parquet file")?;
        let columns = sources
            .iter()
            .map(|s| match s {
                Source::Field(Field::StartedAt | Field::EndedAt)
                | Source::Field(Field::Duration | Field::TalkTime) => Column::int(),
                Source::Field(Field::Cost) => Column::Decimal {
                    values: Vec::new(),
                    defs: Vec::new(),
                },
                _ => Column::text(),
            })
            .collect();
        Ok(ParquetWriter {
            out,
            sources,
            columns,
            rows: 0,
            written: 0,
            row_group_rows: row_group_rows(),
        })
    }

    /// Calls written so far (those in the row group being collected included).
    pub fn written(&self) -> u64 {
        self.written
    }

    pub fn write(&mut self, call: &Call) -> Result<()> {
        let cost = call.cost.as_deref().map(|c| (c, decimal(c)));
        for (source, column) in self.sources.iter().zip(self.columns.iter_mut()) {
            match *source {
                Source::CostText => {
                    column.push_text(cost.and_then(|(text, d)| d.is_none().then_some(text)))
                }
                Source::Field(Field::Cost) => column.push_decimal(cost.and_then(|(_, d)| d)),
                Source::Field(Field::StartedAt) => {
                    column.push_int(Some(call.started_at.timestamp_micros()))
                }
                Source::Field(Field::EndedAt) => {
                    column.push_int(call.ended_at.map(|t| t.timestamp_micros()))
                }
                Source::Field(Field::Duration) => column.push_int(call.duration),
                Source::Field(Field::TalkTime) => column.push_int(call.talk_time),
                Source::Field(f) => {
                    // Times print in UTC here and are never text; the zone does not matter.
                    let zone = super::Zone::Tz(chrono_tz::Tz::UTC);
                    column.push_text(super::text(call, f, zone, false).as_deref())
                }
            }
        }
        self.rows += 1;
        self.written += 1;
        let bytes: usize = self.columns.iter().map(Column::text_bytes).sum();
        if self.rows >= self.row_group_rows || bytes >= ROW_GROUP_BYTES {
            self.row_group()?;
        }
        Ok(())
    }

    /// Encodes and writes the collected rows as one row group.
    fn row_group(&mut self) -> Result<()> {
        if self.rows == 0 {
            return Ok(());
        }
        let mut group = self.out.next_row_group()?;
        for column in self.columns.iter_mut() {
            let mut writer = group
                .next_column()?
                .context("the Parquet schema has fewer columns than the writer")?;
            match column {
                Column::Text { data, ends, defs } => {
                    let data = Bytes::from(std::mem::take(data));
                    let mut start = 0;
                    let values: Vec<ByteArray> = ends
                        .drain(..)
                        .map(|end| {
                            let v = ByteArray::from(data.slice(start..end));
                            start = end;
                            v
                        })
                        .collect();
                    writer
                        .typed::<ByteArrayType>()
                        .write_batch(&values, Some(defs), None)?;
                    defs.clear();
                }
                Column::Int { values, defs } => {
                    writer
                        .typed::<Int64Type>()
                        .write_batch(values, Some(defs), None)?;
                    values.clear();
                    defs.clear();
                }
                Column::Decimal { values, defs } => {
                    let values: Vec<FixedLenByteArray> = values
                        .drain(..)
                        .map(|v| FixedLenByteArray::from(v.to_be_bytes().to_vec()))
                        .collect();
                    writer.typed::<FixedLenByteArrayType>().write_batch(
                        &values,
                        Some(defs),
                        None,
                    )?;
                    defs.clear();
                }
            }
            writer.close()?;
        }
        group.close()?;
        self.rows = 0;
        Ok(())
    }

    /// Writes the last row group and the footer; hands back the target.
    pub fn finish(mut self) -> Result<W> {
        self.row_group()?;
        Ok(self.out.into_inner()?)
    }
}

/// Rows per row group: [`ROW_GROUP_ROWS`], or `CALLS_TEST_PARQUET_ROWS` (it exists for the
/// tests, which look at several row groups without writing 100,000 calls).
fn row_group_rows() -> usize {
    std::env::var("CALLS_TEST_PARQUET_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(ROW_GROUP_ROWS)
}

/// The vendor's cost text as a `DECIMAL(38, 9)` (its unscaled value), or `None` where it is not
/// a plain decimal (an exponent is moved into place, as PostgreSQL's `numeric` takes it) with at
/// most 9 digits after the point (trailing zeros aside) and 29 before it.
// NOTE: one rule per value, never per file: every file of a folder has the same schema, so
// `DIR/*.parquet` reads as one table, and no file has to be seen whole before it is written.
pub fn decimal(text: &str) -> Option<i128> {
    let (negative, int, frac) = crate::call::plain_decimal(text)?;
    let frac = frac.trim_end_matches('0');
    let int = int.trim_start_matches('0');
    if frac.len() > COST_SCALE as usize || int.len() > 38 - COST_SCALE as usize {
        return None;
    }
    let mut unscaled: i128 = 0;
    let padding = COST_SCALE as usize - frac.len();
    for d in int.bytes().chain(frac.bytes()) {
        unscaled = unscaled * 10 + i128::from(d - b'0');
    }
    unscaled *= 10i128.pow(padding as u32);
    Some(if negative { -unscaled } else { unscaled })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn plain_decimals_that_fit_are_decimals() {
        assert_eq!(decimal("0.05"), Some(50_000_000));
        assert_eq!(decimal("-1.5"), Some(-1_500_000_000));
        assert_eq!(decimal("12"), Some(12_000_000_000));
        assert_eq!(decimal("0.123456789000"), Some(123_456_789));
        assert_eq!(decimal("1e-07"), Some(100));
        assert_eq!(decimal("-0.0"), Some(0));
        // Ten places, 30 digits before the point, or no number: text.
        for text in [
            "0.0000000001",
            &"9".repeat(30),
            "1,5",
            "abc",
            "",
            "1e-10",
            "NaN",
        ] {
            assert_eq!(decimal(text), None, "{text}");
        }
        assert_eq!(
            decimal(&format!("{}.999999999", "9".repeat(29))),
            Some(10i128.pow(38) - 1)
        );
    }

    /// Costs that fit are decimals, the rest their text in `cost_text`, a missing one null in
    /// both; every call in its row group and row order, read back through the crate.
    #[test]
    fn costs_read_back_as_decimal_or_text_across_row_groups() {
        use parquet::file::reader::{FileReader, SerializedFileReader};
        use parquet::record::Field as Value;
        let t0 = chrono::DateTime::from_timestamp(1_717_000_000, 0).unwrap();
        let costs = [
            Some("0.05"),
            Some("1e-07"),
            Some("abc"),
            Some("0.0000000001"),
            None,
        ];
        let mut w = ParquetWriter::new(Vec::new(), &[Field::Id, Field::Cost]).unwrap();
        w.row_group_rows = 2;
        for (i, cost) in costs.iter().enumerate() {
            let mut call = Call::bare(crate::types::Vendor::Famulor, &i.to_string(), t0);
            call.cost = cost.map(str::to_string);
            w.write(&call).unwrap();
        }
        let file = Bytes::from(w.finish().unwrap());
        let reader = SerializedFileReader::new(file).unwrap();
        assert_eq!(reader.metadata().num_row_groups(), 3);
        let rows: Vec<Vec<(String, Value)>> = reader
            .get_row_iter(None)
            .unwrap()
            .map(|r| {
                r.unwrap()
                    .get_column_iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .collect();
        let unscaled = |v: &Value| match v {
            Value::Decimal(d) => Some(i128::from_be_bytes(d.data().try_into().unwrap())),
            _ => None,
        };
        let text = |v: &Value| match v {
            Value::Str(s) => Some(s.clone()),
            _ => None,
        };
        let got: Vec<(String, Option<i128>, Option<String>)> = rows
            .iter()
            .map(|r| {
                assert_eq!(
                    r.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
                    ["id", "cost", "cost_text"]
                );
                (text(&r[0].1).unwrap(), unscaled(&r[1].1), text(&r[2].1))
            })
            .collect();
        assert_eq!(
            got,
            [
                ("0".into(), Some(50_000_000), None),
                ("1".into(), Some(100), None),
                ("2".into(), None, Some("abc".into())),
                ("3".into(), None, Some("0.0000000001".into())),
                ("4".into(), None, None),
            ]
        );
    }

    proptest! {
        /// Every plain decimal within DECIMAL(38, 9) reads back as the same number.
        #[test]
        fn decimals_keep_their_value(int in 0u64.., frac in 0u32..1_000_000_000, places in 0usize..=9, negative: bool) {
            let frac = frac % 10u32.pow(places as u32);
            let text = if places == 0 {
                format!("{}{int}", if negative { "-" } else { "" })
            } else {
                format!("{}{int}.{frac:0places$}", if negative { "-" } else { "" })
            };
            let want = (i128::from(int) * 10i128.pow(9) + i128::from(frac) * 10i128.pow(9 - places as u32))
                * if negative { -1 } else { 1 };
            prop_assert_eq!(decimal(&text), Some(want));
        }
    }
}
