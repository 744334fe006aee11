//! Loading the project's RON files (positions, tiers, annex proposals, themes, key maps)
//! with errors that name the file, line and column, and a checked `version` field.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::diag::{Diagnostic, LineIndex};

/// The data-format version this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// Why a RON file could not be loaded. Always convertible to a located [`Diagnostic`].
#[derive(Debug, thiserror::Error)]
pub enum RonError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}", .0)]
    Invalid(Box<Diagnostic>),
}

impl RonError {
    pub fn into_diagnostic(self) -> Diagnostic {
        match self {
            RonError::Io { path, source } => {
                Diagnostic::error(path, 1, 1, format!("cannot read: {source}"))
            }
            RonError::Invalid(d) => *d,
        }
    }
}

/// Reads and parses one RON file. `display` is the path to show in messages (usually
/// relative to the negotiation folder).
pub fn load<T: DeserializeOwned>(path: &Path, display: &Path) -> Result<T, RonError> {
    let bytes = std::fs::read(path).map_err(|source| RonError::Io {
        path: display.to_path_buf(),
        source,
    })?;
    parse_bytes(&bytes, display)
}

/// Parses RON from bytes, checking UTF-8 and the `version` field first so that a file
/// from a newer build gets a clear message rather than a confusing field error.
pub fn parse_bytes<T: DeserializeOwned>(bytes: &[u8], display: &Path) -> Result<T, RonError> {
    parse_bytes_upto(bytes, display, FORMAT_VERSION)
}

/// [`parse_bytes`] for a format whose newest version is `newest` (it reads every version
/// from 1 to `newest`).
pub fn parse_bytes_upto<T: DeserializeOwned>(
    bytes: &[u8],
    display: &Path,
    newest: u32,
) -> Result<T, RonError> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = &bytes[..e.valid_up_to()];
            // The prefix is valid UTF-8 by construction.
            let prefix = std::str::from_utf8(valid).unwrap_or_default();
            let (line, col) = LineIndex::new(prefix).line_col(prefix.len());
            return Err(invalid(
                Diagnostic::error(display, line, col, "file is not valid UTF-8")
                    .with_help("save the file as UTF-8"),
            ));
        }
    };
    parse_str_upto(text, display, newest)
}

/// Parses RON text; see [`parse_bytes`].
pub fn parse_str<T: DeserializeOwned>(text: &str, display: &Path) -> Result<T, RonError> {
    parse_str_upto(text, display, FORMAT_VERSION)
}

fn parse_str_upto<T: DeserializeOwned>(
    text: &str,
    display: &Path,
    newest: u32,
) -> Result<T, RonError> {
    if let Some(rest) = text.strip_prefix('\u{feff}') {
        // A BOM is harmless; RON itself would reject it.
        return parse_str_upto(rest, display, newest);
    }
    if text.trim().is_empty() {
        return Err(invalid(
            Diagnostic::error(display, 1, 1, "file is empty").with_help(format!(
                "a RON file starts with `(version: {FORMAT_VERSION}, ...)`"
            )),
        ));
    }
    // Check the version before the full shape, so a newer file is named as such.
    if let Some((v, offset)) = declared_version(text)
        && !(FORMAT_VERSION..=newest).contains(&v)
    {
        let (line, col) = LineIndex::new(text).line_col(offset);
        let reads = if newest == FORMAT_VERSION {
            format!("version {FORMAT_VERSION}")
        } else {
            format!("versions {FORMAT_VERSION} to {newest}")
        };
        return Err(invalid(
            Diagnostic::error(
                display,
                line,
                col,
                format!("unsupported version {v}: this build reads {reads}"),
            )
            .with_help("upgrade treaty, or set `version: 1` if the file was written by hand"),
        ));
    }
    ron_options().from_str::<T>(text).map_err(|e| {
        let line = e.span.start.line.max(1);
        let col = e.span.start.col.max(1);
        let mut d = Diagnostic::error(display, line, col, format!("invalid RON: {}", e.code));
        if let ron::error::Error::MissingStructField { field, .. } = &e.code
            && *field == "version"
        {
            d = d.with_help(format!(
                "add `version: {FORMAT_VERSION},` as the first field"
            ));
        }
        invalid(d)
    })
}

/// The top-level `version: N` of a RON file and the byte offset of `version`, read
/// without parsing the rest (which may not match this build's shape).
fn declared_version(text: &str) -> Option<(u32, usize)> {
    let offset = text.find("version:")?;
    let digits: String = text[offset + "version:".len()..]
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok().map(|v| (v, offset))
}

/// `implicit_some` lets hand-written files say `label: "2 bis"` for an optional field;
/// `Some("2 bis")` still works.
fn ron_options() -> ron::Options {
    ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
}

fn invalid(d: Diagnostic) -> RonError {
    RonError::Invalid(Box::new(d))
}

/// Line and column of the first `name:` field in `text`, or 1:1.
pub fn find_field(text: &str, name: &str) -> (usize, usize) {
    let needle = format!("{name}:");
    text.find(&needle)
        .map(|i| LineIndex::new(text).line_col(i))
        .unwrap_or((1, 1))
}

/// Line and column of the first occurrence of `"value"` (a quoted string) in `text`:
/// how a reference such as a clause id in a position file is located for messages.
pub fn find_string(text: &str, value: &str) -> (usize, usize) {
    let needle = format!("\"{value}\"");
    text.find(&needle)
        .map(|i| LineIndex::new(text).line_col(i))
        .unwrap_or((1, 1))
}

/// Line and column of the `n`-th (0-based) occurrence of `"value"`, or of the last one.
pub fn find_nth_string(text: &str, value: &str, n: usize) -> (usize, usize) {
    let needle = format!("\"{value}\"");
    let hits: Vec<usize> = text.match_indices(&needle).map(|(i, _)| i).collect();
    hits.get(n)
        .or(hits.last())
        .map(|&i| LineIndex::new(text).line_col(i))
        .unwrap_or((1, 1))
}

/// Line and column of `"value"` where it is the value of `field:` (e.g. `code: "FRA"`).
pub fn find_field_value(text: &str, field: &str, value: &str) -> (usize, usize) {
    let needle = format!("{field}: \"{value}\"");
    match text.find(&needle) {
        Some(i) => LineIndex::new(text).line_col(i + field.len() + 2),
        None => find_string(text, value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    struct Sample {
        #[allow(dead_code)]
        version: u32,
        name: String,
    }

    #[test]
    fn reads_a_valid_file() {
        let s: Sample = parse_str("(version: 1, name: \"x\")", Path::new("a.ron")).unwrap();
        assert_eq!(s.name, "x");
    }

    #[test]
    fn wrong_version_is_named() {
        let e = parse_str::<Sample>("(\n  version: 7,\n  name: \"x\",\n)", Path::new("a.ron"))
            .unwrap_err()
            .into_diagnostic();
        assert_eq!(
            e.to_string().lines().next().unwrap(),
            "a.ron:2:3: error: unsupported version 7: this build reads version 1"
        );
    }

    #[test]
    fn syntax_error_has_line_and_column() {
        let e = parse_str::<Sample>("(\n  version: 1,\n  name: x\"\n)", Path::new("p.ron"))
            .unwrap_err()
            .into_diagnostic();
        assert_eq!((e.line, e.col), (3, 8));
        assert!(e.message.starts_with("invalid RON"), "{}", e.message);
    }

    #[test]
    fn bom_is_accepted_and_non_utf8_rejected() {
        let s: Sample =
            parse_bytes(b"\xEF\xBB\xBF(version: 1, name: \"y\")", Path::new("a.ron")).unwrap();
        assert_eq!(s.name, "y");
        let e = parse_bytes::<Sample>(b"(version: 1,\n name: \"\xff\")", Path::new("a.ron"))
            .unwrap_err()
            .into_diagnostic();
        assert_eq!(
            (e.line, e.col, e.message.as_str()),
            (2, 9, "file is not valid UTF-8")
        );
    }
}
