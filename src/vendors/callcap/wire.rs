//! Callcap's JSON, from its "Calls" page (vendor-docs/002_*.txt). Only `call_id` and the start
//! are required: `detail=` decides which blocks come, so everything else is optional.

use serde::Deserialize;

use crate::vendors::lenient;

/// `GET /v2/get/calls/` and `GET /v2/get/calls/<call_id>/`. The call records borrow from the
/// response body: a 1,000-call page is not copied twice more on its way to being parsed.
#[derive(Debug, Deserialize)]
pub struct Envelope<'a> {
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub pagination: Option<Pagination>,
    #[serde(default)]
    pub search: Option<Search>,
    /// An array in the search; a single object is tolerated too (see `calls`).
    #[serde(default, borrow)]
    pub call: Option<&'a serde_json::value::RawValue>,
}

impl<'a> Envelope<'a> {
    /// The call records, each still raw.
    pub fn calls(&self) -> serde_json::Result<Vec<&'a serde_json::value::RawValue>> {
        match self.call {
            None => Ok(Vec::new()),
            Some(raw) if raw.get().trim_start().starts_with('[') => serde_json::from_str(raw.get()),
            Some(raw) => Ok(vec![raw]),
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct Pagination {
    #[serde(default, deserialize_with = "lenient::opt_count")]
    pub last_page: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_count")]
    pub total_records: Option<i64>,
    /// Records per page, as the vendor pages them.
    #[serde(default, deserialize_with = "lenient::opt_count")]
    pub show: Option<i64>,
    /// Records on this page, as the vendor counts them.
    #[serde(default, deserialize_with = "lenient::opt_count")]
    pub records_returned: Option<i64>,
}

#[derive(Debug, Deserialize)]
pub struct Search {
    #[serde(default)]
    pub timezone: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct WireCall {
    pub call_id: String,
    /// `Answer`, `Missed`, `Blocked`, `In Progress` ...
    #[serde(default)]
    pub action: Option<String>,
    /// Local time in `search.timezone`, no offset.
    pub start_datetime: String,
    #[serde(default)]
    pub end_datetime: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_secs")]
    pub duration: Option<i64>,
    #[serde(default)]
    pub recording: Option<String>,
    #[serde(default)]
    pub caller: Option<Caller>,
    #[serde(default)]
    pub callsurance: Option<Callsurance>,
    #[serde(default)]
    pub accounts: Option<Accounts>,
}

#[derive(Debug, Deserialize)]
pub struct Caller {
    #[serde(default)]
    pub caller_id: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Callsurance {
    #[serde(default)]
    pub csr: Option<Named>,
}

#[derive(Debug, Deserialize)]
pub struct Named {
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Accounts {
    #[serde(default)]
    pub campaign: Option<Campaign>,
}

#[derive(Debug, Deserialize)]
pub struct Campaign {
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub callcap_number: Option<String>,
    #[serde(default)]
    pub direction: Option<String>,
}
