//! The index file: `.git/treaty/history-index-v3`, binary.
//!
//! Layout (all integers little-endian):
//!
//! | bytes | what |
//! |-------|------|
//! | 8     | magic `TRTYHIDX` |
//! | 4     | format version (3) |
//! | 20    | the commit the index was built up to |
//! | 8     | number of records |
//! | 8     | length of the body |
//! | 8     | checksum of the body ([`checksum`]) |
//! | …     | body |
//!
//! The body is a length-prefixed (8 bytes) [postcard](https://docs.rs/postcard) table of
//! contents ([`Contents`]: each record's commit id and end offset, and per clause the
//! records that changed or named it), then the records, each postcard-encoded on its
//! own. Opening reads the table of contents only; a record is decoded when it is first
//! asked for, so clause history and blame decode just the amendments they show.
//!
//! Any problem reading it (missing, other version, wrong length, bad checksum,
//! undecodable, built for a history that was rewritten) is a reason to rebuild, never an
//! error for the user. It is written through a temporary file and a rename, so a reader
//! sees the old index or the new one, never half of one.

use std::path::{Path, PathBuf};

use git2::Oid;
use serde::{Deserialize, Serialize};

use super::Record;
use crate::store::Store;

const MAGIC: &[u8; 8] = b"TRTYHIDX";
const VERSION: u32 = 3;
const FILE_NAME: &str = "history-index-v3";
/// Index files of earlier versions, removed when a new one is written.
const OLD_FILES: &[&str] = &["history-index-v1", "history-index-v2"];
const HEADER: usize = 8 + 4 + 20 + 8 + 8 + 8;

pub(super) fn index_path(store: &Store) -> PathBuf {
    store.repo().path().join("treaty").join(FILE_NAME)
}

/// The records one clause appears in.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct ClauseEntry {
    pub id: String,
    /// (record index, change index) of each version, oldest first.
    pub changes: Vec<(u32, u32)>,
    /// Records whose amendment trailers name the clause, oldest first.
    pub named: Vec<u32>,
}

/// The table of contents at the start of the body (clauses sorted by id, each once).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Contents {
    pub oids: Vec<[u8; 20]>,
    /// End of each record, relative to the start of the records.
    pub ends: Vec<u64>,
    pub clauses: Vec<ClauseEntry>,
}

/// A read index: the table of contents and the still-encoded records.
pub(super) struct Stored {
    pub head: Oid,
    pub contents: Contents,
    /// The whole file; the records start at `base`.
    pub bytes: Vec<u8>,
    pub base: usize,
}

impl Stored {
    pub fn len(&self) -> usize {
        self.contents.ends.len()
    }

    /// The encoded bytes of record `i`.
    pub fn record_bytes(&self, i: usize) -> &[u8] {
        record_slice(&self.bytes, self.base, &self.contents.ends, i)
    }

    /// Every record, decoded.
    pub fn decode_all(&self) -> Result<Vec<Record>, String> {
        (0..self.len())
            .map(|i| {
                postcard::from_bytes(self.record_bytes(i))
                    .map_err(|e| format!("the history index is corrupt ({e})"))
            })
            .collect()
    }
}

pub(super) fn record_slice<'b>(bytes: &'b [u8], base: usize, ends: &[u64], i: usize) -> &'b [u8] {
    let start = if i == 0 { 0 } else { ends[i - 1] as usize };
    &bytes[base + start..base + ends[i] as usize]
}

/// The clause table of `records`, sorted by clause id.
pub(super) fn clause_entries(records: &[Record]) -> Vec<ClauseEntry> {
    let mut map: std::collections::HashMap<&str, ClauseEntry> = Default::default();
    for (ri, r) in records.iter().enumerate() {
        let ri = ri as u32;
        for (ci, c) in r.changes.iter().enumerate() {
            map.entry(&c.id)
                .or_insert_with(|| ClauseEntry {
                    id: c.id.clone(),
                    ..Default::default()
                })
                .changes
                .push((ri, ci as u32));
        }
        if let Some(a) = &r.amendment {
            for id in &a.clauses {
                let e = map.entry(id).or_insert_with(|| ClauseEntry {
                    id: id.clone(),
                    ..Default::default()
                });
                if e.named.last() != Some(&ri) {
                    e.named.push(ri);
                }
            }
        }
    }
    let mut out: Vec<ClauseEntry> = map.into_values().collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
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
    decode(bytes)
}

fn decode(bytes: Vec<u8>) -> Result<Stored, String> {
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
    let count = u64_at(&bytes, 32);
    let len = u64_at(&bytes, 40);
    let sum = u64_at(&bytes, 48);
    let body = &bytes[HEADER..];
    if body.len() as u64 != len {
        return Err("the history index is truncated".into());
    }
    if checksum(body) != sum {
        return Err("the history index is corrupt (checksum mismatch)".into());
    }
    let corrupt = || "the history index is corrupt (bad table of contents)".to_string();
    if body.len() < 8 {
        return Err(corrupt());
    }
    let toc_len = usize::try_from(u64_at(body, 0)).map_err(|_| corrupt())?;
    let toc = body
        .get(8..8usize.saturating_add(toc_len))
        .ok_or_else(corrupt)?;
    let contents: Contents =
        postcard::from_bytes(toc).map_err(|e| format!("the history index is corrupt ({e})"))?;
    let records_len = (body.len() - 8 - toc_len) as u64;
    let n = contents.ends.len();
    let ordered = contents.ends.windows(2).all(|w| w[0] <= w[1])
        && contents.clauses.windows(2).all(|w| w[0].id < w[1].id);
    let in_range = contents.clauses.iter().all(|c| {
        c.changes.iter().all(|&(ri, _)| (ri as usize) < n)
            && c.named.iter().all(|&ri| (ri as usize) < n)
    });
    if n as u64 != count
        || contents.oids.len() != n
        || !ordered
        || !in_range
        || contents.ends.last().copied().unwrap_or(0) != records_len
        || contents.oids.last() != Some(&head.as_bytes().try_into().expect("20 bytes"))
    {
        return Err("the history index is inconsistent".into());
    }
    Ok(Stored {
        head,
        contents,
        base: HEADER + 8 + toc_len,
        bytes,
    })
}

fn encode(head: Oid, records: &[Record]) -> Result<Vec<u8>, postcard::Error> {
    let mut data = Vec::with_capacity(records.len() * 512);
    let mut ends = Vec::with_capacity(records.len());
    let mut oids = Vec::with_capacity(records.len());
    for r in records {
        data = postcard::to_extend(r, data)?;
        ends.push(data.len() as u64);
        let oid = Oid::from_str(&r.oid).unwrap_or(Oid::ZERO_SHA1);
        oids.push(oid.as_bytes().try_into().expect("20 bytes"));
    }
    let contents = Contents {
        oids,
        ends,
        clauses: clause_entries(records),
    };
    let toc = postcard::to_allocvec(&contents)?;
    let mut bytes = Vec::with_capacity(HEADER + 8 + toc.len() + data.len());
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&VERSION.to_le_bytes());
    bytes.extend_from_slice(head.as_bytes());
    bytes.extend_from_slice(&(records.len() as u64).to_le_bytes());
    bytes.extend_from_slice(&[0; 16]);
    bytes.extend_from_slice(&(toc.len() as u64).to_le_bytes());
    bytes.extend_from_slice(&toc);
    bytes.extend_from_slice(&data);
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
        if steps > stored.len().max(1) * 4 + 100_000 {
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
        let back = decode(bytes.clone()).unwrap();
        assert_eq!(back.head, head);
        assert_eq!(back.decode_all().unwrap(), records);
        assert_eq!(back.contents.clauses, clause_entries(&records));
        for i in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[i] ^= 0x20;
            assert!(decode(bad).is_err(), "flipped byte {i} went unnoticed");
        }
        for n in 0..bytes.len() {
            assert!(
                decode(bytes[..n].to_vec()).is_err(),
                "truncated to {n} bytes"
            );
        }
    }

    #[test]
    fn checksum_sees_changes_in_the_last_partial_word() {
        assert_ne!(checksum(b"abcdefghi"), checksum(b"abcdefghj"));
        assert_ne!(checksum(b""), checksum(b"\0"));
    }
}
