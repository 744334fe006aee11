//! The index file: `.git/treaty/history-index-v2`, binary.
//!
//! Layout (all integers little-endian):
//!
//! | bytes | what |
//! |-------|------|
//! | 8     | magic `TRTYHIDX` |
//! | 4     | format version (2) |
//! | 20    | the commit the index was built up to |
//! | 8     | number of records |
//! | 8     | length of the body |
//! | 8     | checksum of the body ([`checksum`]) |
//! | …     | body: the records, [postcard](https://docs.rs/postcard)-encoded |
//!
//! Any problem reading it (missing, other version, wrong length, bad checksum,
//! undecodable, built for a history that was rewritten) is a reason to rebuild, never an
//! error for the user. It is written through a temporary file and a rename, so a reader
//! sees the old index or the new one, never half of one.

use std::path::{Path, PathBuf};

use git2::Oid;

use super::Record;
use crate::store::Store;

const MAGIC: &[u8; 8] = b"TRTYHIDX";
const VERSION: u32 = 2;
const FILE_NAME: &str = "history-index-v2";
/// Index files of earlier versions, removed when a new one is written.
const OLD_FILES: &[&str] = &["history-index-v1"];
const HEADER: usize = 8 + 4 + 20 + 8 + 8 + 8;

pub(super) fn index_path(store: &Store) -> PathBuf {
    store.repo().path().join("treaty").join(FILE_NAME)
}

pub(super) struct Stored {
    pub head: Oid,
    pub records: Vec<Record>,
}

/// A fast 64-bit checksum over 8-byte words. Each step is a bijection of the running
/// value for a fixed word and of the word for a fixed running value, so any change
/// confined to one word always changes the result; the length is checked separately.
pub(super) fn checksum(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h: u64 = 0x5452_4541_5459_0002 ^ bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes(c.try_into().expect("chunks of 8"));
        h = (h.rotate_left(5) ^ w).wrapping_mul(K);
    }
    let mut last = [0u8; 8];
    let rest = chunks.remainder();
    last[..rest.len()].copy_from_slice(rest);
    h = (h.rotate_left(5) ^ u64::from_le_bytes(last)).wrapping_mul(K);
    h ^ (h >> 29)
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"))
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
    decode(&bytes)
}

fn decode(bytes: &[u8]) -> Result<Stored, String> {
    if bytes.len() < HEADER {
        return Err("the history index is truncated".into());
    }
    if &bytes[..8] != MAGIC {
        return Err("the history index has an unknown format".into());
    }
    if bytes[8..12] != VERSION.to_le_bytes() {
        return Err("the history index was written by another version".into());
    }
    let head = Oid::from_bytes(&bytes[12..32]).map_err(|_| "the history index names no commit")?;
    let count = u64_at(bytes, 32);
    let len = u64_at(bytes, 40);
    let sum = u64_at(bytes, 48);
    let body = &bytes[HEADER..];
    if body.len() as u64 != len {
        return Err("the history index is truncated".into());
    }
    if checksum(body) != sum {
        return Err("the history index is corrupt (checksum mismatch)".into());
    }
    let records: Vec<Record> =
        postcard::from_bytes(body).map_err(|e| format!("the history index is corrupt ({e})"))?;
    if records.len() as u64 != count
        || records.last().map(|r| r.oid.as_str()) != Some(head.to_string().as_str())
    {
        return Err("the history index is inconsistent".into());
    }
    Ok(Stored { head, records })
}

fn encode(head: Oid, records: &[Record]) -> Result<Vec<u8>, postcard::Error> {
    let mut bytes = Vec::with_capacity(HEADER + records.len() * 512);
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&VERSION.to_le_bytes());
    bytes.extend_from_slice(head.as_bytes());
    bytes.extend_from_slice(&(records.len() as u64).to_le_bytes());
    bytes.extend_from_slice(&[0; 16]);
    let mut bytes = postcard::to_extend(records, bytes)?;
    let len = (bytes.len() - HEADER) as u64;
    let sum = checksum(&bytes[HEADER..]);
    bytes[40..48].copy_from_slice(&len.to_le_bytes());
    bytes[48..56].copy_from_slice(&sum.to_le_bytes());
    Ok(bytes)
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
    let bytes = encode(head, records).map_err(std::io::Error::other)?;
    crate::fsutil::write_atomic(path, &bytes)?;
    if let Some(dir) = path.parent() {
        for old in OLD_FILES {
            let _ = std::fs::remove_file(dir.join(old));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(oid: Oid) -> Record {
        Record {
            oid: oid.to_string(),
            amendment: None,
            author: "Chair".into(),
            email: "chair@example.org".into(),
            time: 1_735_689_600,
            offset_minutes: 60,
            summary: "Compilation text".into(),
            changes: Vec::new(),
            files: vec![("treaty.md".into(), Some(vec!["preamble".into()]))],
            layout: None,
        }
    }

    #[test]
    fn round_trips_and_rejects_every_single_byte_change() {
        let head = Oid::from_str("0123456789abcdef0123456789abcdef01234567").unwrap();
        let records = vec![record(head)];
        let bytes = encode(head, &records).unwrap();
        let back = decode(&bytes).unwrap();
        assert_eq!(back.head, head);
        assert_eq!(back.records, records);
        for i in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[i] ^= 0x20;
            assert!(decode(&bad).is_err(), "flipped byte {i} went unnoticed");
        }
        for n in 0..bytes.len() {
            assert!(decode(&bytes[..n]).is_err(), "truncated to {n} bytes");
        }
    }

    #[test]
    fn checksum_sees_changes_in_the_last_partial_word() {
        assert_ne!(checksum(b"abcdefghi"), checksum(b"abcdefghj"));
        assert_ne!(checksum(b""), checksum(b"\0"));
    }
}
