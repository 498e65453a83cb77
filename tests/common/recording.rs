//! Helpers for the recording tests: the files a run left, its manifest, hashes.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use calls::vendors::Vendor;

/// The vendors that declare recordings (all of them; Brightcall's where `recordName` is a URL).
pub fn recording_vendors() -> Vec<Vendor> {
    Vendor::ALL
        .into_iter()
        .filter(|v| v.supports(calls::vendors::Operation::Recording))
        .collect()
}

/// Every file below `dir`, sorted; symbolic links are listed, never followed.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.filter_map(|e| e.ok()) {
        let p = e.path();
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

pub fn manifest(path: &Path) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            headers
                .iter()
                .zip(rec.unwrap().iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

pub fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
