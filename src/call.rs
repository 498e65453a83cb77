//! The one normalized call record every vendor converts into, and its output fields.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use crate::types::Vendor;

/// Who called whom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    Inbound,
    Outbound,
    Internal,
    Web,
    Unknown,
}

/// How the call ended, normalized across vendors; the vendor's own word stays in `vendor_status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Answered,
    Missed,
    Busy,
    Failed,
    Voicemail,
    Canceled,
    InProgress,
    Unknown,
}

impl Direction {
    pub const ALL: [Direction; 5] = [
        Direction::Inbound,
        Direction::Outbound,
        Direction::Internal,
        Direction::Web,
        Direction::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
            Direction::Internal => "internal",
            Direction::Web => "web",
            Direction::Unknown => "unknown",
        }
    }
}

impl Status {
    pub const ALL: [Status; 8] = [
        Status::Answered,
        Status::Missed,
        Status::Busy,
        Status::Failed,
        Status::Voicemail,
        Status::Canceled,
        Status::InProgress,
        Status::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Answered => "answered",
            Status::Missed => "missed",
            Status::Busy => "busy",
            Status::Failed => "failed",
            Status::Voicemail => "voicemail",
            Status::Canceled => "canceled",
            Status::InProgress => "in-progress",
            Status::Unknown => "unknown",
        }
    }
}

macro_rules! parse_by_name {
    ($ty:ty, $what:literal) => {
        impl FromStr for $ty {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                let s = s.trim();
                <$ty>::ALL
                    .into_iter()
                    .find(|v| v.as_str().eq_ignore_ascii_case(s))
                    .ok_or_else(|| {
                        let names: Vec<&str> = <$ty>::ALL.iter().map(|v| v.as_str()).collect();
                        format!(
                            "unknown {} '{}' (expected one of: {})",
                            $what,
                            s,
                            names.join(", ")
                        )
                    })
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
parse_by_name!(Direction, "direction");
parse_by_name!(Status, "status");

/// One call, normalized. Field order is the CSV header order (SPEC "Output").
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub vendor: Vendor,
    pub id: String,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub direction: Direction,
    pub status: Status,
    pub vendor_status: Option<String>,
    pub duration: Option<i64>,
    pub talk_time: Option<i64>,
    pub customer_number: Option<String>,
    pub line_number: Option<String>,
    pub agent: Option<String>,
    pub campaign: Option<String>,
    pub recording_url: Option<String>,
    pub cost: Option<String>,
    /// Not printed: ids the client-side `--agent` / `--campaign` checks compare against, when
    /// the vendor's record carries them.
    pub agent_id: Option<String>,
    pub campaign_id: Option<String>,
    /// The vendor's original record, kept only when `--raw`, `show` or `--search` needs it.
    pub raw: Option<serde_json::Value>,
}

/// The printable fields, in CSV header order, plus `raw`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Vendor,
    Id,
    StartedAt,
    EndedAt,
    Direction,
    Status,
    VendorStatus,
    Duration,
    TalkTime,
    CustomerNumber,
    LineNumber,
    Agent,
    Campaign,
    RecordingUrl,
    Cost,
    Raw,
}

impl Field {
    /// Every normalized field, in the order of SPEC's table (the default for machine formats).
    pub const NORMALIZED: [Field; 15] = [
        Field::Vendor,
        Field::Id,
        Field::StartedAt,
        Field::EndedAt,
        Field::Direction,
        Field::Status,
        Field::VendorStatus,
        Field::Duration,
        Field::TalkTime,
        Field::CustomerNumber,
        Field::LineNumber,
        Field::Agent,
        Field::Campaign,
        Field::RecordingUrl,
        Field::Cost,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Field::Vendor => "vendor",
            Field::Id => "id",
            Field::StartedAt => "started_at",
            Field::EndedAt => "ended_at",
            Field::Direction => "direction",
            Field::Status => "status",
            Field::VendorStatus => "vendor_status",
            Field::Duration => "duration",
            Field::TalkTime => "talk_time",
            Field::CustomerNumber => "customer_number",
            Field::LineNumber => "line_number",
            Field::Agent => "agent",
            Field::Campaign => "campaign",
            Field::RecordingUrl => "recording_url",
            Field::Cost => "cost",
            Field::Raw => "raw",
        }
    }

    /// Parses `--fields a,b,c`, rejecting unknown and repeated names.
    pub fn parse_list(list: &str) -> Result<Vec<Field>, String> {
        let mut out = Vec::new();
        for name in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let field = Field::NORMALIZED
                .into_iter()
                .chain([Field::Raw])
                .find(|f| f.name() == name)
                .ok_or_else(|| {
                    let names: Vec<&str> = Field::NORMALIZED.iter().map(|f| f.name()).collect();
                    format!("unknown field '{name}' (fields: {}, raw)", names.join(", "))
                })?;
            if out.contains(&field) {
                return Err(format!("field '{name}' is listed twice"));
            }
            out.push(field);
        }
        if out.is_empty() {
            return Err("--fields needs at least one field name".into());
        }
        Ok(out)
    }
}

/// Digits of a phone number, for comparisons that ignore formatting (`+49 151-23`).
pub fn phone_digits(number: &str) -> String {
    number.chars().filter(char::is_ascii_digit).collect()
}

/// `t` plus `secs` seconds, `None` where that leaves the calendar (never a panic on a vendor's
/// number).
pub fn plus_seconds(t: DateTime<Utc>, secs: i64) -> Option<DateTime<Utc>> {
    t.checked_add_signed(chrono::TimeDelta::try_seconds(secs)?)
}
