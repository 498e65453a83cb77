//! Brightcall's JSON, from "Getting Dialer Calls & Reports via API" (vendor-docs/003_*.txt).
//! The page gives no example, so every field but the call's ids and time is optional, and
//! numbers may come as strings.

use serde::{Deserialize, Serialize};

use crate::vendors::lenient;

/// `POST /api/v1/stat/calls` (and v3's `count` / `list`) body. Absent options are not sent.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Request<'a> {
    pub day_from: String,
    pub day_to: String,
    pub date_interval: &'a str,
    pub timezone: &'a str,
    pub page: u64,
    pub items_per_page: u32,
    pub sort_by: &'a str,
    pub sort_direction: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub types: Option<Vec<u8>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub states: Option<Vec<u8>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_ids: Option<Vec<serde_json::Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project_ids: Option<Vec<serde_json::Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unique_ids: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub all_users: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search_string: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListResponse<T> {
    #[serde(default)]
    pub success: Option<bool>,
    #[serde(default)]
    pub calls: Vec<T>,
    #[serde(default, deserialize_with = "lenient::opt_count")]
    pub pages_count: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_count")]
    pub total_items: Option<i64>,
    #[serde(default)]
    pub timezone: Option<String>,
}

/// v3 `POST /api/v3/stat/calls/count`: `{"pagesCount": N}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CountResponse {
    #[serde(default, deserialize_with = "lenient::opt_count")]
    pub pages_count: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireCall {
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub unique_id: Option<String>,
    pub timestamp: String,
    /// 0 inbound, 1 outbound, 2 internal, or a word.
    #[serde(default, rename = "type", deserialize_with = "lenient::opt_id")]
    pub kind: Option<String>,
    /// 0 unanswered, 1 answered, 2 failed, or a word.
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub state: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_secs")]
    pub total_time: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_secs")]
    pub call_time: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_secs")]
    pub talk_time: Option<i64>,
    #[serde(default)]
    pub from_number: Option<String>,
    #[serde(default)]
    pub to_number: Option<String>,
    #[serde(default)]
    pub client_number: Option<String>,
    #[serde(default)]
    pub line_number: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub user_id: Option<String>,
    #[serde(default)]
    pub campaign: Option<String>,
    #[serde(default)]
    pub project_name: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub project_id: Option<String>,
    /// A file name, or (seen in client code) an http(s) URL of the recording.
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub record_name: Option<String>,
}

/// Errors: `{"success": false, "message" | "error": "..."}`.
#[derive(Debug, Deserialize)]
pub struct ErrorBody {
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub error: Option<String>,
}
