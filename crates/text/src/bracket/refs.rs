//! Markdown reference-link labels, so `[text][ref]` is not taken for two alternatives.

use std::collections::HashSet;

/// Labels defined by `[label]: destination` lines, compared as Markdown does: case- and
/// whitespace-insensitively.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RefLabels {
    labels: HashSet<String>,
}

impl RefLabels {
    /// Collects every `[label]:` that starts a line (after at most three spaces).
    pub fn scan(document: &str) -> Self {
        let bytes = document.as_bytes();
        let mut labels = HashSet::new();
        let mut line = 0;
        while line < bytes.len() {
            let eol = memchr::memchr(b'\n', &bytes[line..]).map_or(bytes.len(), |i| line + i);
            if let Some(label) = definition_label(&document[line..eol]) {
                labels.insert(normalize(label));
            }
            line = eol + 1;
        }
        Self { labels }
    }

    pub fn insert(&mut self, label: &str) {
        self.labels.insert(normalize(label));
    }

    pub fn contains(&self, label: &str) -> bool {
        // Cheap rejections first: most documents define nothing, and labels are short.
        !self.labels.is_empty()
            && label.len() <= 999
            && !label.trim().is_empty()
            && self.labels.contains(&normalize(label))
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    pub fn len(&self) -> usize {
        self.labels.len()
    }
}

/// The label of a definition line `   [label]: ...`.
fn definition_label(line: &str) -> Option<&str> {
    let trimmed = line.trim_start_matches(' ');
    if line.len() - trimmed.len() > 3 {
        return None;
    }
    let rest = trimmed.strip_prefix('[')?;
    let close = memchr::memchr(b']', rest.as_bytes())?;
    let label = &rest[..close];
    let valid = !label.trim().is_empty() && !label.starts_with('^') && !label.contains('[');
    (valid && rest[close + 1..].starts_with(':')).then_some(label)
}

/// A label as Markdown compares it: case- and whitespace-insensitively.
pub fn normalize(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    for word in label.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_definitions_only_at_line_start() {
        let refs = RefLabels::scan(
            "See [UNFCCC][1].\n\n[1]: https://unfccc.int\n   [Two  Words]: /x\n    [deep]: /y\ntext [no]: z\n[^1]: note",
        );
        assert!(refs.contains("1"));
        assert!(refs.contains("two words"));
        assert!(refs.contains("TWO\nWORDS"));
        assert!(!refs.contains("deep"));
        assert!(!refs.contains("no"));
        assert!(!refs.contains("^1"));
        assert_eq!(refs.len(), 2);
    }
}
