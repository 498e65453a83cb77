//! myCRM's JSON, from the PF Expert "Call Trackings" page (vendor-docs/004_*.txt) and the OAuth2
//! facts in vendor-docs/README.md. Never leaves the module.

use serde::{Deserialize, Serialize};

use crate::vendors::lenient;

/// `POST {token_url}` body.
#[derive(Debug, Serialize)]
pub struct TokenRequest<'a> {
    pub scope: &'a str,
    pub grant_type: &'a str,
}

#[derive(Debug, Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    #[serde(default, deserialize_with = "lenient::opt_secs")]
    pub expires_in: Option<i64>,
}

/// `GET /calltrackings`: `count` is the total of matching records (public client code); the
/// answer does not say its page size.
#[derive(Debug, Deserialize)]
pub struct ListResponse<T> {
    #[serde(default, deserialize_with = "lenient::opt_count")]
    pub count: Option<i64>,
    #[serde(default)]
    pub call_trackings: Vec<T>,
}

/// `GET /calltrackings/{id}`: the record, or the record wrapped in `call_tracking`.
#[derive(Debug, Deserialize)]
pub struct Wrapped {
    #[serde(default)]
    pub call_tracking: Option<Box<serde_json::value::RawValue>>,
}

#[derive(Debug, Deserialize)]
pub struct WireCall {
    #[serde(deserialize_with = "lenient::id")]
    pub id: String,
    #[serde(default)]
    pub phone: Option<String>,
    /// notanswered | answered | canceled | voicemail
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub call_start: Option<String>,
    #[serde(default)]
    pub call_end: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_secs")]
    pub call_time: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_secs")]
    pub talk_time: Option<i64>,
    #[serde(default)]
    pub user: Option<Related>,
    #[serde(default)]
    pub property: Option<Related>,
    #[serde(default)]
    pub download_url: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
}

/// A user or property: not expanded by default, so only `id` is sure; with
/// `X-MyCRM-Expand-Data: true` a user has `public`.
#[derive(Debug, Deserialize)]
pub struct Related {
    #[serde(default)]
    pub public: Option<Public>,
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub reference: Option<String>,
}

/// An expanded user's `public` part (`email` and `phone` too, unused).
#[derive(Debug, Deserialize)]
pub struct Public {
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct ErrorBody {
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub error_description: Option<String>,
}

/// `GET /calltrackings/{id}/recording`: `{"recording": {"url": "..."}}`.
#[derive(Debug, Deserialize)]
pub struct RecordingResponse {
    #[serde(default)]
    pub recording: Option<RecordingUrl>,
}

#[derive(Debug, Deserialize)]
pub struct RecordingUrl {
    #[serde(default)]
    pub url: Option<String>,
}
