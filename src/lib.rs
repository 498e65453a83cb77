//! The `calls` library: everything the binary does, exposed for its tests. See `main.rs` for
//! the architecture.

pub mod call;
pub mod cli;
pub mod commands;
pub mod config;
pub mod db;
pub mod error;
pub mod gate;
pub mod http;
pub mod output;
pub mod pace;
pub mod pager;
pub mod phone;
pub mod query;
pub mod recording;
pub mod redact;
pub mod resolve;
pub mod sandbox;
pub mod state;
pub mod stats;
pub mod suggest;
pub mod term;
pub mod types;
pub mod vendors;
pub mod when;
pub mod window;
