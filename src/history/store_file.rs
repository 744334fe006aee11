//! The index file: `.git/treaty/history-index-v1`, a header line with the format version,
//! the commit the index was built up to and a checksum, then the records as JSON.
//!
//! Any problem reading it (missing, other version, bad checksum, unparsable, built for a
//! history that was rewritten) is a reason to rebuild, never an error for the user.

use std::path::{Path, PathBuf};

use git2::{ObjectType, Oid};
use serde::{Deserialize, Serialize};

use super::Record;
use crate::store::Store;

const MAGIC: &str = "treaty-history-index";
const VERSION: u32 = 1;

pub(super) fn index_path(store: &Store) -> PathBuf {
    store.repo().path().join("treaty").join("history-index-v1")
}

#[derive(Serialize, Deserialize)]
struct Payload {
    head: String,
    records: Vec<Record>,
}

pub(super) struct Stored {
    pub head: Oid,
    pub records: Vec<Record>,
}

fn checksum(bytes: &[u8]) -> String {
    Oid::hash_object(ObjectType::Blob, bytes)
        .map(|o| o.to_string())
        .unwrap_or_default()
}

/// Reads the index, or says why it cannot be used.
pub(super) fn read(path: &Path) -> Result<Stored, String> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err("no history index yet".into());
        }
        Err(e) => return Err(format!("the history index could not be read ({e})")),
    };
    let newline = memchr::memchr(b'\n', &bytes).ok_or("the history index is truncated")?;
    let header = std::str::from_utf8(&bytes[..newline]).map_err(|_| "bad index header")?;
    let body = &bytes[newline + 1..];
    let mut parts = header.split(' ');
    if parts.next() != Some(MAGIC) {
        return Err("the history index has an unknown format".into());
    }
    if parts.next() != Some(&VERSION.to_string()) {
        return Err("the history index was written by another version".into());
    }
    if parts.next() != Some(checksum(body).as_str()) {
        return Err("the history index is corrupt (checksum mismatch)".into());
    }
    let payload: Payload =
        serde_json::from_slice(body).map_err(|e| format!("the history index is corrupt ({e})"))?;
    let head = Oid::from_str(&payload.head).map_err(|_| "the history index names no commit")?;
    if payload.records.last().map(|r| r.oid.as_str()) != Some(payload.head.as_str()) {
        return Err("the history index is inconsistent".into());
    }
    Ok(Stored {
        head,
        records: payload.records,
    })
}

/// Whether `stored` can be extended to `head`: `Ok(Some(indexed head))` when its head is
/// on `head`'s first-parent line, else the reason to rebuild.
pub(super) fn usable_from(
    store: &Store,
    stored: &Stored,
    head: Oid,
) -> Result<Option<Oid>, String> {
    if stored.head == head {
        return Ok(Some(head));
    }
    let repo = store.repo();
    if repo.find_commit(stored.head).is_err() {
        return Err("the history index was built for commits no longer in the record".into());
    }
    // Walk the first-parent line back from the tip until the indexed head; a rewritten
    // or diverged history never reaches it.
    let mut cur = repo.find_commit(head).map_err(|e| e.to_string())?;
    let mut steps = 0usize;
    loop {
        let Some(parent) = cur.parent_ids().next() else {
            return Err("the history was rewritten since the index was built".into());
        };
        if parent == stored.head {
            return Ok(Some(stored.head));
        }
        steps += 1;
        if steps > stored.records.len().max(1) * 4 + 100_000 {
            return Err("the history index is too far behind".into());
        }
        cur = repo.find_commit(parent).map_err(|e| e.to_string())?;
    }
}

pub(super) fn write(path: &Path, head: Oid, records: &[Record]) -> std::io::Result<()> {
    #[derive(Serialize)]
    struct PayloadRef<'a> {
        head: String,
        records: &'a [Record],
    }
    let payload = PayloadRef {
        head: head.to_string(),
        records,
    };
    let body = serde_json::to_vec(&payload).map_err(std::io::Error::other)?;
    let mut bytes = format!("{MAGIC} {VERSION} {}\n", checksum(&body)).into_bytes();
    bytes.extend_from_slice(&body);
    crate::fsutil::write_atomic(path, &bytes)
}
