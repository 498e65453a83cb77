//! Callcap's JSON, from its "Calls" page (vendor-docs/002_*.txt). Only `call_id` and the start
//! are required: `detail=` decides which blocks come, so everything else is optional.

use serde::Deserialize;

use crate::vendors::lenient;

/// `GET /v2/get/calls/` and `GET /v2/get/calls/<call_id>/`, its records typed in one pass over
/// the body (for when the raw record is not wanted).
#[derive(Debug, Deserialize)]
#[serde(bound(deserialize = "C: Deserialize<'de>"))]
pub struct Envelope<C> {
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub pagination: Option<Pagination>,
    #[serde(default)]
    pub search: Option<Search>,
    /// An array in the search; a single object (one call) is tolerated too.
    #[serde(default = "Vec::new", deserialize_with = "one_or_many")]
    pub call: Vec<C>,
}

/// The same answer with each record kept raw (borrowed from the body).
#[derive(Debug, Deserialize)]
pub struct RawEnvelope<'a> {
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

impl<'a> RawEnvelope<'a> {
    /// The call records, each still raw.
    pub fn calls(&self) -> serde_json::Result<Vec<&'a serde_json::value::RawValue>> {
        match self.call {
            None => Ok(Vec::new()),
            Some(raw) if raw.get().trim_start().starts_with('[') => serde_json::from_str(raw.get()),
            Some(raw) if raw.get() == "null" => Ok(Vec::new()),
            Some(raw) => Ok(vec![raw]),
        }
    }
}

/// An error answer: only its words.
#[derive(Debug, Deserialize)]
pub struct ErrorReply {
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
}

/// `[record, ...]`, one `{record}`, or `null`, without buffering the records.
fn one_or_many<'de, D, C>(d: D) -> Result<Vec<C>, D::Error>
where
    D: serde::Deserializer<'de>,
    C: Deserialize<'de>,
{
    struct Visit<C>(std::marker::PhantomData<C>);
    impl<'de, C: Deserialize<'de>> serde::de::Visitor<'de> for Visit<C> {
        type Value = Vec<C>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a call or a list of calls")
        }
        fn visit_unit<E>(self) -> Result<Vec<C>, E> {
            Ok(Vec::new())
        }
        fn visit_none<E>(self) -> Result<Vec<C>, E> {
            Ok(Vec::new())
        }
        fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Vec<C>, D::Error> {
            d.deserialize_any(self)
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<C>, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1_000));
            while let Some(c) = seq.next_element()? {
                out.push(c);
            }
            Ok(out)
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Vec<C>, A::Error> {
            C::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(|c| vec![c])
        }
    }
    d.deserialize_option(Visit(std::marker::PhantomData))
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
    /// When the record last changed: local time in `search.timezone`, no offset, like the others.
    #[serde(default)]
    pub last_modified: Option<String>,
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
