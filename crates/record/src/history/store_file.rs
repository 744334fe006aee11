//! The index file: `.git/treaty/history-index-v4`, binary.
//!
//! Layout (all integers little-endian, offsets from the start of the file):
//!
//! | bytes | what |
//! |-------|------|
//! | 8     | magic `TRTYHIDX` |
//! | 4     | format version (4) |
//! | 4     | checksum block size (4096) |
//! | 20    | the commit the index was built up to |
//! | 4     | zero |
//! | 8     | number of records |
//! | 8     | number of clauses |
//! | 7 × 8 | where each section starts: record table, commit ids, clause directory, clause names, clause postings, data, block checksums |
//! | 8     | checksum of the block checksums |
//! | 8     | checksum of the 120 bytes above |
//!
//! Sections, in this order:
//! - record table: per record 4 × u64, where its parts start in the data section (summary, file
//!   orders, clause changes) and where it ends;
//! - commit ids: per record 20 bytes;
//! - clause directory, sorted by clause id: per clause 24 bytes (name offset u32, name length
//!   u32, postings offset u64, number of versions u32, number of naming records u32);
//! - clause names: the ids, back to back;
//! - clause postings: per clause, per version 24 bytes (record u32, change u32, where the
//!   change starts u64, its length u32, zero u32), then per naming record a u32;
//! - data: per record, its [`RecordInfo`], its file orders and treaty.md layout, then each
//!   clause change, each [postcard](https://docs.rs/postcard)-encoded on its own;
//! - block checksums: the bytes from the end of the header to the end of the data, cut in
//!   4096-byte blocks, a [`checksum`] of each.
//!
//! So one clause's history reads a few directory entries (binary search), its postings,
//! its versions and the summaries of the amendments that made them, and checks only the
//! blocks those lie in. Nothing else of the file is read: it is mapped, not loaded.
//!
//! Any problem reading it (missing, other version, wrong length, bad checksum,
//! undecodable, built for a history that was rewritten) is a reason to rebuild, never an
//! error for the user. It is written through a temporary file and a rename, so a reader
//! sees the old index or the new one, never half of one, and a mapped file is never
//! changed under its reader.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use git2::Oid;
use serde::Deserialize;

use super::{ClauseEdit, ClauseVersion, LayoutItem, Record, RecordInfo};
use crate::store::Store;

const MAGIC: &[u8; 8] = b"TRTYHIDX";
const VERSION: u32 = 4;
const FILE_NAME: &str = "history-index-v4";
/// Index files of earlier versions, removed when a new one is written.
const OLD_FILES: &[&str] = &["history-index-v1", "history-index-v2", "history-index-v3"];
const BLOCK: usize = 4096;
const HEADER: usize = 128;
const RECORD_ENTRY: usize = 32;
const DIR_ENTRY: usize = 24;
const POSTING: usize = 24;

pub(super) fn index_path(store: &Store) -> PathBuf {
    store.repo().path().join("treaty").join(FILE_NAME)
}

/// The records one clause appears in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct ClauseEntry {
    pub id: String,
    /// (record index, change index) of each version, oldest first.
    pub changes: Vec<(u32, u32)>,
    /// Records whose amendment trailers name the clause, oldest first.
    pub named: Vec<u32>,
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
/// confined to one word always changes the result; the length is mixed in too.
pub(super) fn checksum(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h: u64 = 0x5452_4541_5459_0002 ^ bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
    }
    let mut last = [0u8; 8];
    let rest = chunks.remainder();
    last[..rest.len()].copy_from_slice(rest);
    h = (h.rotate_left(5) ^ u64::from_le_bytes(last)).wrapping_mul(K);
    h ^ (h >> 29)
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    let mut w = [0u8; 4];
    w.copy_from_slice(&bytes[at..at + 4]);
    u32::from_le_bytes(w)
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(w)
}

fn corrupt(what: impl std::fmt::Display) -> String {
    format!("the history index is corrupt ({what})")
}

/// The file's bytes: mapped, or read when mapping is not possible.
enum Bytes {
    Mapped(memmap2::Mmap),
    Read(Vec<u8>),
}

impl Bytes {
    fn as_slice(&self) -> &[u8] {
        match self {
            Bytes::Mapped(m) => m,
            Bytes::Read(v) => v,
        }
    }
}

impl std::fmt::Debug for Bytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} bytes", self.as_slice().len())
    }
}

/// Where each section starts.
#[derive(Clone, Copy, Debug)]
struct Sections {
    records: usize,
    oids: usize,
    directory: usize,
    names: usize,
    postings: usize,
    data: usize,
    sums: usize,
}

/// One clause as the index holds it.
#[derive(Debug)]
pub(super) struct ClauseData {
    /// (record, change) of each version, oldest first.
    pub changes: Vec<(u32, u32)>,
    /// Records whose trailers name the clause.
    pub named: Vec<u32>,
    /// Each version (`None`: deleted), decoded.
    pub versions: Vec<Option<ClauseVersion>>,
}

/// A record's file orders and treaty.md layout, stored apart from its summary.
#[derive(Deserialize)]
struct Orders {
    files: Vec<(String, Option<Vec<String>>)>,
    layout: Option<Vec<LayoutItem>>,
}

/// An opened index: the header checked, everything else checked block by block as it is
/// read.
#[derive(Debug)]
pub(super) struct Index {
    pub head: Oid,
    records: usize,
    clauses: usize,
    at: Sections,
    bytes: Bytes,
    /// Blocks whose checksum has been checked.
    checked: Box<[AtomicBool]>,
}

/// Reads the index, or says why it cannot be used.
pub(super) fn read(path: &Path) -> Result<Index, String> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err("no history index yet".into());
        }
        Err(e) => return Err(format!("the history index could not be read ({e})")),
    };
    let len = file
        .metadata()
        .map_err(|e| format!("the history index could not be read ({e})"))?
        .len();
    if len < HEADER as u64 {
        return Err("the history index is truncated".into());
    }
    // SAFETY: treaty never changes an index file in place (it writes a new one and
    // renames it over the old), so the mapped bytes stay as they were while mapped.
    // Every length and offset read from them is checked before use.
    let bytes = match unsafe { memmap2::Mmap::map(&file) } {
        Ok(m) => Bytes::Mapped(m),
        Err(_) => Bytes::Read(
            std::fs::read(path)
                .map_err(|e| format!("the history index could not be read ({e})"))?,
        ),
    };
    Index::new(bytes)
}

fn header_sections(b: &[u8]) -> Result<(usize, usize, Sections), String> {
    let size = |v: u64| usize::try_from(v).map_err(|_| "the history index is inconsistent");
    let records = size(u64_at(b, 40))?;
    let clauses = size(u64_at(b, 48))?;
    let at = Sections {
        records: size(u64_at(b, 56))?,
        oids: size(u64_at(b, 64))?,
        directory: size(u64_at(b, 72))?,
        names: size(u64_at(b, 80))?,
        postings: size(u64_at(b, 88))?,
        data: size(u64_at(b, 96))?,
        sums: size(u64_at(b, 104))?,
    };
    Ok((records, clauses, at))
}

fn blocks(at: &Sections) -> usize {
    (at.sums - HEADER).div_ceil(BLOCK)
}

impl Index {
    /// An index read from the bytes of a file ([`Writer::finish`]) held in memory.
    pub fn from_vec(bytes: Vec<u8>) -> Result<Index, String> {
        Index::new(Bytes::Read(bytes))
    }

    fn new(bytes: Bytes) -> Result<Index, String> {
        let b = bytes.as_slice();
        if b.len() < HEADER {
            return Err("the history index is truncated".into());
        }
        if &b[..8] != MAGIC {
            return Err("the history index has an unknown format".into());
        }
        if b[8..12] != VERSION.to_le_bytes() {
            return Err("the history index was written by another version".into());
        }
        if checksum(&b[..120]) != u64_at(b, 120) {
            return Err(corrupt("checksum mismatch in the header"));
        }
        if u32_at(b, 12) as usize != BLOCK {
            return Err("the history index is inconsistent".into());
        }
        let head = Oid::from_bytes(&b[16..36]).map_err(|_| "the history index names no commit")?;
        let (records, clauses, at) = header_sections(b)?;
        let in_order = at.records == HEADER
            && Some(at.oids) == records.checked_mul(RECORD_ENTRY).map(|n| at.records + n)
            && Some(at.directory) == records.checked_mul(20).and_then(|n| at.oids.checked_add(n))
            && Some(at.names)
                == clauses
                    .checked_mul(DIR_ENTRY)
                    .and_then(|n| at.directory.checked_add(n))
            && at.names <= at.postings
            && at.postings <= at.data
            && at.data <= at.sums;
        if !in_order {
            return Err("the history index is inconsistent".into());
        }
        let n = blocks(&at);
        if Some(b.len() as u64) != (n as u64).checked_mul(8).map(|s| s + at.sums as u64) {
            return Err("the history index is truncated".into());
        }
        if checksum(&b[at.sums..]) != u64_at(b, 112) {
            return Err(corrupt("checksum mismatch in the block checksums"));
        }
        let index = Index {
            head,
            records,
            clauses,
            at,
            checked: (0..n).map(|_| AtomicBool::new(false)).collect(),
            bytes,
        };
        if records == 0 || index.oid(records - 1)? != head.as_bytes() {
            return Err("the history index is inconsistent".into());
        }
        Ok(index)
    }

    pub fn len(&self) -> usize {
        self.records
    }

    fn check_block(&self, k: usize) -> Result<(), String> {
        if self.checked[k].load(Ordering::Relaxed) {
            return Ok(());
        }
        let b = self.bytes.as_slice();
        let start = HEADER + k * BLOCK;
        let end = (start + BLOCK).min(self.at.sums);
        if checksum(&b[start..end]) != u64_at(b, self.at.sums + k * 8) {
            return Err(corrupt(format!("checksum mismatch in block {k}")));
        }
        self.checked[k].store(true, Ordering::Relaxed);
        Ok(())
    }

    /// `len` bytes at `start`, their blocks checked.
    fn get(&self, start: usize, len: usize) -> Result<&[u8], String> {
        let end = start
            .checked_add(len)
            .filter(|&end| start >= HEADER && end <= self.at.sums)
            .ok_or_else(|| corrupt("a part lies outside the file"))?;
        if len > 0 {
            for k in (start - HEADER) / BLOCK..=(end - 1 - HEADER) / BLOCK {
                self.check_block(k)?;
            }
        }
        Ok(&self.bytes.as_slice()[start..end])
    }

    /// Checks every block: whether the whole file is sound.
    pub fn check_all(&self) -> Result<(), String> {
        (0..self.checked.len()).try_for_each(|k| self.check_block(k))
    }

    /// The commit id of record `i`.
    pub fn oid(&self, i: usize) -> Result<&[u8], String> {
        self.get(self.at.oids + i * 20, 20)
    }

    /// Every commit id, 20 bytes each.
    pub fn oids(&self) -> Result<&[u8], String> {
        self.get(self.at.oids, self.records * 20)
    }

    /// Where record `i`'s parts lie: summary, orders, changes, end.
    fn record_parts(&self, i: usize) -> Result<[usize; 4], String> {
        if i >= self.records {
            return Err(corrupt("a record out of range"));
        }
        let e = self.get(self.at.records + i * RECORD_ENTRY, RECORD_ENTRY)?;
        let mut parts = [0usize; 4];
        for (k, p) in parts.iter_mut().enumerate() {
            *p = usize::try_from(u64_at(e, k * 8)).map_err(|_| corrupt("a record's place"))?;
        }
        if parts[0] < self.at.data
            || parts.windows(2).any(|w| w[0] > w[1])
            || parts[3] > self.at.sums
        {
            return Err(corrupt("a record's place"));
        }
        Ok(parts)
    }

    /// Record `i`'s summary, without its clause versions.
    pub fn info(&self, i: usize) -> Result<RecordInfo, String> {
        let p = self.record_parts(i)?;
        let bytes = self.get(p[0], p[1] - p[0])?;
        postcard::from_bytes(bytes).map_err(|e| corrupt(format!("record {i}: {e}")))
    }

    /// Record `i`, whole.
    pub fn record(&self, i: usize) -> Result<Record, String> {
        let p = self.record_parts(i)?;
        let bad = |e: postcard::Error| corrupt(format!("record {i}: {e}"));
        let info: RecordInfo = postcard::from_bytes(self.get(p[0], p[1] - p[0])?).map_err(bad)?;
        let orders: Orders = postcard::from_bytes(self.get(p[1], p[2] - p[1])?).map_err(bad)?;
        let mut rest = self.get(p[2], p[3] - p[2])?;
        let mut changes = Vec::with_capacity(info.changed.min(rest.len()));
        for _ in 0..info.changed {
            let (change, after): (ClauseEdit, _) = postcard::take_from_bytes(rest).map_err(bad)?;
            changes.push(change);
            rest = after;
        }
        if !rest.is_empty() {
            return Err(corrupt(format!("record {i} is longer than its changes")));
        }
        Ok(Record {
            oid: info.oid,
            amendment: info.amendment,
            author: info.author,
            email: info.email,
            time: info.time,
            offset_minutes: info.offset_minutes,
            summary: info.summary,
            changes,
            files: orders.files,
            layout: orders.layout,
        })
    }

    pub fn clauses(&self) -> usize {
        self.clauses
    }

    fn dir_entry(&self, k: usize) -> Result<&[u8], String> {
        if k >= self.clauses {
            return Err(corrupt("a clause out of range"));
        }
        self.get(self.at.directory + k * DIR_ENTRY, DIR_ENTRY)
    }

    /// The id of directory entry `k`.
    pub fn name(&self, k: usize) -> Result<&str, String> {
        let e = self.dir_entry(k)?;
        let (off, len) = (u32_at(e, 0) as usize, u32_at(e, 4) as usize);
        if self.at.names + off + len > self.at.postings {
            return Err(corrupt("a clause name's place"));
        }
        std::str::from_utf8(self.get(self.at.names + off, len)?)
            .map_err(|_| corrupt("a clause name"))
    }

    /// How many versions directory entry `k` has.
    pub fn version_count(&self, k: usize) -> Result<usize, String> {
        Ok(u32_at(self.dir_entry(k)?, 16) as usize)
    }

    /// The directory entry of clause `id`.
    pub fn find(&self, id: &str) -> Result<Option<usize>, String> {
        let (mut lo, mut hi) = (0, self.clauses);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.name(mid)?.cmp(id) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Ok(Some(mid)),
            }
        }
        Ok(None)
    }

    /// Directory entry `k`'s versions and naming records, the versions decoded.
    pub fn clause(&self, k: usize) -> Result<ClauseData, String> {
        let e = self.dir_entry(k)?;
        let off = usize::try_from(u64_at(e, 8)).map_err(|_| corrupt("a clause's postings"))?;
        let (nc, nn) = (u32_at(e, 16) as usize, u32_at(e, 20) as usize);
        let len = nc * POSTING + nn * 4;
        let start = self
            .at
            .postings
            .checked_add(off)
            .filter(|s| s.checked_add(len).is_some_and(|end| end <= self.at.data))
            .ok_or_else(|| corrupt("a clause's postings"))?;
        let id = self.name(k)?;
        let p = self.get(start, len)?;
        let mut data = ClauseData {
            changes: Vec::with_capacity(nc),
            named: Vec::with_capacity(nn),
            versions: Vec::with_capacity(nc),
        };
        for j in 0..nc {
            let q = &p[j * POSTING..];
            let (record, change) = (u32_at(q, 0), u32_at(q, 4));
            let at = usize::try_from(u64_at(q, 8)).map_err(|_| corrupt("a version's place"))?;
            let size = u32_at(q, 16) as usize;
            if (record as usize) >= self.records || at < self.at.data {
                return Err(corrupt("a version's place"));
            }
            let c: ClauseEdit = postcard::from_bytes(self.get(at, size)?)
                .map_err(|e| corrupt(format!("a version of {id}: {e}")))?;
            if c.id != id {
                return Err(corrupt(format!("a version of {id} names {}", c.id)));
            }
            data.changes.push((record, change));
            data.versions.push(c.after);
        }
        for j in 0..nn {
            let r = u32_at(p, nc * POSTING + j * 4);
            if (r as usize) >= self.records {
                return Err(corrupt("a naming record out of range"));
            }
            data.named.push(r);
        }
        Ok(data)
    }
}

fn put_u32(out: &mut Vec<u8>, v: usize) -> std::io::Result<()> {
    let v = u32::try_from(v).map_err(|_| std::io::Error::other("the history is too large"))?;
    out.extend_from_slice(&v.to_le_bytes());
    Ok(())
}

fn put_u64(out: &mut Vec<u8>, v: usize) {
    out.extend_from_slice(&(v as u64).to_le_bytes());
}

/// The index being written, one record at a time: each record is encoded into the data
/// section as it comes and can be dropped, so building the index never holds every
/// record (at UN scale the records took several times the index's own size).
pub(super) struct Writer {
    /// The data section so far.
    data: Vec<u8>,
    /// Per record, where its parts start in the data section and where it ends.
    parts: Vec<[usize; 4]>,
    oids: Vec<[u8; 20]>,
    /// Clause id → (record, change, where in the data section, length) of each version
    /// and the records whose trailers name it.
    clauses: std::collections::HashMap<String, Postings>,
    /// The first encoding error, reported by [`Writer::finish`].
    failed: Option<std::io::Error>,
}

#[derive(Default)]
struct Postings {
    changes: Vec<(u32, u32, usize, usize)>,
    named: Vec<u32>,
}

impl Writer {
    pub fn new() -> Writer {
        Writer {
            data: Vec::new(),
            parts: Vec::new(),
            oids: Vec::new(),
            clauses: Default::default(),
            failed: None,
        }
    }

    /// How many records it holds.
    pub fn len(&self) -> usize {
        self.parts.len()
    }

    /// Appends one record.
    pub fn push(&mut self, r: &Record) {
        if self.failed.is_none()
            && let Err(e) = self.encode(r)
        {
            self.failed = Some(e);
        }
    }

    fn encode(&mut self, r: &Record) -> std::io::Result<()> {
        let enc = |e: postcard::Error| std::io::Error::other(e);
        let ri = u32::try_from(self.parts.len())
            .map_err(|_| std::io::Error::other("the history is too large"))?;
        let mut data = std::mem::take(&mut self.data);
        let start = data.len();
        data = postcard::to_extend(&r.info(), data).map_err(enc)?;
        let orders = data.len();
        data = postcard::to_extend(&(&r.files, &r.layout), data).map_err(enc)?;
        let changes = data.len();
        for (ci, c) in r.changes.iter().enumerate() {
            let s = data.len();
            data = postcard::to_extend(c, data).map_err(enc)?;
            let ci = u32::try_from(ci).map_err(|_| std::io::Error::other("too many changes"))?;
            let e = match self.clauses.get_mut(c.id.as_str()) {
                Some(e) => e,
                None => self.clauses.entry(c.id.clone()).or_default(),
            };
            e.changes.push((ri, ci, s, data.len() - s));
        }
        if let Some(a) = &r.amendment {
            for id in &a.clauses {
                let e = match self.clauses.get_mut(id.as_str()) {
                    Some(e) => e,
                    None => self.clauses.entry(id.clone()).or_default(),
                };
                if e.named.last() != Some(&ri) {
                    e.named.push(ri);
                }
            }
        }
        self.parts.push([start, orders, changes, data.len()]);
        self.data = data;
        let oid = Oid::from_str(&r.oid).unwrap_or(Oid::ZERO_SHA1);
        let mut o = [0u8; 20];
        o.copy_from_slice(oid.as_bytes());
        self.oids.push(o);
        Ok(())
    }

    /// The whole index file for the records pushed, built up to `head`. The data section
    /// becomes the file's buffer: the parts before it are moved in front of it, not the
    /// data copied after them.
    pub fn finish(self, head: Oid) -> std::io::Result<Vec<u8>> {
        if let Some(e) = self.failed {
            return Err(e);
        }
        let Writer {
            mut data,
            parts,
            oids,
            clauses,
            ..
        } = self;
        let mut entries: Vec<(String, Postings)> = clauses.into_iter().collect();
        entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let names_len: usize = entries.iter().map(|(id, _)| id.len()).sum();
        let postings_len: usize = entries
            .iter()
            .map(|(_, e)| e.changes.len() * POSTING + e.named.len() * 4)
            .sum();
        let records = parts.len();
        let at_records = HEADER;
        let at_oids = at_records + records * RECORD_ENTRY;
        let at_directory = at_oids + records * 20;
        let at_names = at_directory + entries.len() * DIR_ENTRY;
        let at_postings = at_names + names_len;
        let at_data = at_postings + postings_len;
        let at_sums = at_data + data.len();

        let mut b = Vec::with_capacity(at_data);
        b.extend_from_slice(MAGIC);
        b.extend_from_slice(&VERSION.to_le_bytes());
        b.extend_from_slice(&(BLOCK as u32).to_le_bytes());
        b.extend_from_slice(head.as_bytes());
        b.extend_from_slice(&[0; 4]);
        put_u64(&mut b, records);
        put_u64(&mut b, entries.len());
        for at in [
            at_records,
            at_oids,
            at_directory,
            at_names,
            at_postings,
            at_data,
            at_sums,
        ] {
            put_u64(&mut b, at);
        }
        b.extend_from_slice(&[0; 16]);
        debug_assert_eq!(b.len(), HEADER);
        for p in &parts {
            for v in p {
                put_u64(&mut b, at_data + v);
            }
        }
        drop(parts);
        for o in &oids {
            b.extend_from_slice(o);
        }
        drop(oids);
        let (mut name_at, mut posting_at) = (0, 0);
        for (id, e) in &entries {
            put_u32(&mut b, name_at)?;
            put_u32(&mut b, id.len())?;
            put_u64(&mut b, posting_at);
            put_u32(&mut b, e.changes.len())?;
            put_u32(&mut b, e.named.len())?;
            name_at += id.len();
            posting_at += e.changes.len() * POSTING + e.named.len() * 4;
        }
        for (id, _) in &entries {
            b.extend_from_slice(id.as_bytes());
        }
        for (_, e) in &entries {
            for &(ri, ci, at, len) in &e.changes {
                put_u32(&mut b, ri as usize)?;
                put_u32(&mut b, ci as usize)?;
                put_u64(&mut b, at_data + at);
                put_u32(&mut b, len)?;
                put_u32(&mut b, 0)?;
            }
            for &ri in &e.named {
                put_u32(&mut b, ri as usize)?;
            }
        }
        drop(entries);
        debug_assert_eq!(b.len(), at_data);
        let sums_len = (at_sums - HEADER).div_ceil(BLOCK) * 8;
        data.reserve_exact(at_data + sums_len);
        data.splice(0..0, b);
        debug_assert_eq!(data.len(), at_sums);
        let mut sums = Vec::with_capacity(sums_len);
        for block in data[HEADER..].chunks(BLOCK) {
            sums.extend_from_slice(&checksum(block).to_le_bytes());
        }
        let sums_sum = checksum(&sums);
        data.extend_from_slice(&sums);
        data[112..120].copy_from_slice(&sums_sum.to_le_bytes());
        let header_sum = checksum(&data[..120]);
        data[120..128].copy_from_slice(&header_sum.to_le_bytes());
        Ok(data)
    }
}

#[cfg(test)]
fn encode(head: Oid, records: &[Record]) -> std::io::Result<Vec<u8>> {
    let mut w = Writer::new();
    for r in records {
        w.push(r);
    }
    w.finish(head)
}

/// Whether `stored` can be extended to `head`: `Ok(Some(indexed head))` when its head is
/// on `head`'s first-parent line, else the reason to rebuild.
pub(super) fn usable_from(store: &Store, stored: &Index, head: Oid) -> Result<Option<Oid>, String> {
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
    let mut w = Writer::new();
    for r in records {
        w.push(r);
    }
    save(path, &w.finish(head)?)
}

/// Writes the bytes of an index file ([`Writer::finish`]) to `path`.
pub(super) fn save(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    treaty_text::fsutil::write_atomic(path, bytes)?;
    if let Some(dir) = path.parent() {
        for old in OLD_FILES {
            let _ = std::fs::remove_file(dir.join(old));
        }
    }
    Ok(())
}

/// Recomputes every checksum of an index file: what a bug in the writer would leave,
/// bytes that pass their checksums and still do not decode.
#[cfg(test)]
pub(super) fn reseal(b: &mut [u8]) {
    let (_, _, at) = header_sections(b).expect("a v4 header");
    let mut sums = Vec::new();
    for block in b[HEADER..at.sums].chunks(BLOCK) {
        sums.extend_from_slice(&checksum(block).to_le_bytes());
    }
    b[at.sums..].copy_from_slice(&sums);
    let sums_sum = checksum(&sums);
    b[112..120].copy_from_slice(&sums_sum.to_le_bytes());
    let header_sum = checksum(&b[..120]);
    b[120..128].copy_from_slice(&header_sum.to_le_bytes());
}

/// Where the encoded versions of clause `id` lie in an index file: (start, length) each.
#[cfg(test)]
pub(super) fn version_places(b: &[u8], id: &str) -> Vec<(usize, usize)> {
    let index = Index::new(Bytes::Read(b.to_vec())).expect("a sound index");
    let k = index.find(id).unwrap().expect("the clause");
    let e = index.dir_entry(k).unwrap();
    let start = index.at.postings + u64_at(e, 8) as usize;
    (0..u32_at(e, 16) as usize)
        .map(|j| {
            let q = &b[start + j * POSTING..];
            (u64_at(q, 8) as usize, u32_at(q, 16) as usize)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::{BracketCounts, ClauseEdit, ClauseVersion};

    fn version(id: &str, text: &str) -> ClauseVersion {
        ClauseVersion {
            id: id.into(),
            kind: "paragraph".into(),
            label: Some("1.".into()),
            title: None,
            text: text.into(),
            parent: Some("art-1".into()),
            article: Some("art-1".into()),
            file: "articles/01.md".into(),
            position: 1,
            brackets: BracketCounts::default(),
        }
    }

    fn record(oid: &str, changes: Vec<ClauseEdit>) -> Record {
        Record {
            oid: oid.into(),
            amendment: None,
            author: "Chair".into(),
            email: "chair@example.org".into(),
            time: 1_735_689_600,
            offset_minutes: 60,
            summary: "Compilation text".into(),
            changes,
            files: vec![("treaty.md".into(), Some(vec!["preamble".into()]))],
            layout: None,
        }
    }

    fn records() -> (Oid, Vec<Record>) {
        let a = "0123456789abcdef0123456789abcdef01234567";
        let b = "89abcdef0123456789abcdef0123456789abcdef";
        let change = |id: &str, text: Option<&str>| ClauseEdit {
            id: id.into(),
            after: text.map(|t| version(id, t)),
        };
        let records = vec![
            record(
                a,
                vec![
                    change("p-1", Some("The Parties shall")),
                    change("p-2", Some("Each Party")),
                ],
            ),
            record(
                b,
                vec![
                    change("p-1", Some("The Parties should")),
                    change("p-2", None),
                ],
            ),
        ];
        (Oid::from_str(b).unwrap(), records)
    }

    fn open(bytes: Vec<u8>) -> Result<Index, String> {
        Index::new(Bytes::Read(bytes))
    }

    type Everything = (Vec<Record>, Vec<RecordInfo>, Vec<ClauseData>);

    /// Everything a reader can ask, all checked.
    fn read_all(index: &Index) -> Result<Everything, String> {
        index.check_all()?;
        let records = (0..index.len())
            .map(|i| index.record(i))
            .collect::<Result<_, _>>()?;
        let infos = (0..index.len())
            .map(|i| index.info(i))
            .collect::<Result<_, _>>()?;
        let clauses = (0..index.clauses())
            .map(|k| index.clause(k))
            .collect::<Result<_, _>>()?;
        Ok((records, infos, clauses))
    }

    #[test]
    fn round_trips_and_rejects_every_single_byte_change() {
        let (head, records) = records();
        let bytes = encode(head, &records).unwrap();
        let back = open(bytes.clone()).unwrap();
        assert_eq!(back.head, head);
        let (decoded, infos, clauses) = read_all(&back).unwrap();
        assert_eq!(decoded, records);
        assert_eq!(infos, records.iter().map(Record::info).collect::<Vec<_>>());
        let entries = clause_entries(&records);
        assert_eq!(clauses.len(), entries.len());
        for (k, (c, e)) in clauses.iter().zip(&entries).enumerate() {
            assert_eq!(back.name(k).unwrap(), e.id);
            assert_eq!(back.find(&e.id).unwrap(), Some(k));
            assert_eq!(c.changes, e.changes);
            assert_eq!(c.named, e.named);
            let expected: Vec<Option<ClauseVersion>> = e
                .changes
                .iter()
                .map(|&(r, c)| records[r as usize].changes[c as usize].after.clone())
                .collect();
            assert_eq!(c.versions, expected);
        }
        assert_eq!(back.find("p-0").unwrap(), None);
        for i in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[i] ^= 0x20;
            let seen = open(bad).and_then(|ix| read_all(&ix).map(|_| ()));
            assert!(seen.is_err(), "flipped byte {i} went unnoticed");
        }
        for n in 0..bytes.len() {
            assert!(open(bytes[..n].to_vec()).is_err(), "truncated to {n} bytes");
        }
    }

    #[test]
    fn a_clause_reads_only_its_own_blocks() {
        // Many records, so the file spans many blocks; a corrupt block elsewhere does
        // not stop one clause's history from being read, and is found when read.
        let mut records = Vec::new();
        for k in 0..400u32 {
            let oid = format!("{:040x}", k + 1);
            let text = format!("version {k} {}", "words ".repeat(20));
            records.push(record(
                &oid,
                vec![ClauseEdit {
                    id: format!("c-{:03}", k % 40),
                    after: Some(version(&format!("c-{:03}", k % 40), &text)),
                }],
            ));
        }
        let head = Oid::from_str(&records.last().unwrap().oid).unwrap();
        let mut bytes = encode(head, &records).unwrap();
        let index = open(bytes.clone()).unwrap();
        let k = index.find("c-007").unwrap().unwrap();
        let good = index.clause(k).unwrap();
        assert_eq!(good.versions.len(), 10);
        let used = index
            .checked
            .iter()
            .filter(|c| c.load(Ordering::Relaxed))
            .count();
        assert!(
            used < index.checked.len() / 2,
            "{used} of {} blocks read",
            index.checked.len()
        );
        // Corrupt the block holding the last version of c-007: that read fails.
        let (ri, _) = *good.changes.last().unwrap();
        let at = index.record_parts(ri as usize).unwrap()[2];
        bytes[at + 2] ^= 1;
        let index = open(bytes).unwrap();
        let err = index.clause(k).unwrap_err();
        assert!(err.contains("corrupt"), "{err}");
        assert!(index.check_all().is_err());
    }

    #[test]
    fn bytes_that_pass_their_checksums_but_do_not_decode_are_corrupt_not_a_panic() {
        let (head, records) = records();
        let bytes = encode(head, &records).unwrap();
        let sound = open(bytes.clone()).unwrap();
        for (at, len) in version_places(&bytes, "p-1") {
            for i in at..at + len {
                let mut bad = bytes.clone();
                bad[i] = 0xff;
                reseal(&mut bad);
                let Ok(index) = open(bad) else { continue };
                index.check_all().unwrap();
                let k = index.find("p-1").unwrap().unwrap();
                // Either it still decodes to something, or it is reported corrupt.
                if let Err(e) = index.clause(k) {
                    assert!(e.contains("corrupt"), "{e}");
                }
            }
        }
        // A record whose summary is garbage.
        let at = sound.record_parts(1).unwrap()[0];
        let mut bad = bytes.clone();
        bad[at..at + 4].copy_from_slice(&[0xff; 4]);
        reseal(&mut bad);
        let index = open(bad).unwrap();
        assert!(index.info(1).unwrap_err().contains("corrupt"));
        assert!(index.record(1).unwrap_err().contains("corrupt"));
        assert!(index.record(0).is_ok());
        // A directory entry whose name and postings lie far outside the file.
        let dir = u64_at(&bytes, 72) as usize;
        for (at, len) in [(dir, 8), (dir + 8, 8), (dir + 16, 8)] {
            let mut bad = bytes.clone();
            bad[at..at + len].fill(0xff);
            reseal(&mut bad);
            let index = open(bad).unwrap();
            assert!(index.clause(0).unwrap_err().contains("corrupt"));
        }
    }

    #[test]
    fn checksum_sees_changes_in_the_last_partial_word() {
        assert_ne!(checksum(b"abcdefghi"), checksum(b"abcdefghj"));
        assert_ne!(checksum(b""), checksum(b"\0"));
    }
}
