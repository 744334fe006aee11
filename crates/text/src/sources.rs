//! Where each clause came from in a published document: `drafts/sources.ron`.
//!
//! A text imported from a PDF or Word file keeps, beside its clauses, what an archivist
//! cites: the document (file, symbol from its running head, masthead, pages), and for each
//! clause the pages it is printed on and its label as printed (`12 ter`, `16 quarter`,
//! `23.1`), the Word comments anchored in it with the Parties they name, and, in a history
//! imported from successive drafts, the clause of the draft before that it continues and
//! how alike the two are. The draft's own text and labels stay as the draft format writes
//! them; this file is never needed to read the text, only to cite it.
//!
//! ```ron
//! (
//!     version: 1,
//!     document: (file: "negotiating-text.pdf", format: "pdf", pages: Some(86),
//!                running_heads: ["ADP 2-8 - agenda item 3"], page_counter: Some("N"), ...),
//!     clauses: {
//!         "art-c.12-ter": (pages: Some((8, 8)), label: Some("12 ter")),
//!     },
//! )
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::import::{SourceComment, SourceDocument, SourceRef};
use crate::ronfile::{self, FORMAT_VERSION, RonError};

/// The file under `drafts/`.
pub const SOURCES_FILE: &str = "sources.ron";

/// `drafts/sources.ron`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Sources {
    pub version: u32,
    pub document: Document,
    /// By clause id.
    #[serde(default)]
    pub clauses: BTreeMap<String, ClauseSource>,
}

/// The published document.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub file: String,
    pub format: String,
    #[serde(default)]
    pub pages: Option<u32>,
    #[serde(default)]
    pub running_heads: Vec<String>,
    #[serde(default)]
    pub page_counter: Option<String>,
    #[serde(default)]
    pub front_matter: Vec<String>,
    /// In an imported history: the draft's label (`Zero draft`).
    #[serde(default)]
    pub draft: Option<String>,
}

/// One clause's place in the document.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ClauseSource {
    #[serde(default)]
    pub pages: Option<(u32, u32)>,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub comments: Vec<Comment>,
    /// In an imported history: the clauses of the draft before that this one continues.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub from: Vec<Predecessor>,
}

/// A Word comment anchored in the clause.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comment {
    pub id: String,
    pub author: String,
    pub date: String,
    /// Delegations and groups the comment names (`US`, `EU`, `LMDC`).
    pub parties: Vec<String>,
    pub text: String,
    #[serde(default)]
    pub reply_to: Option<String>,
}

/// How a clause continues one of the draft before.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Predecessor {
    /// The clause id in the draft before (the same id when it kept it).
    pub id: String,
    /// `matched` (same provision), `split` (split off it), `merged` (merged into this one),
    /// or `override` (matched by the alignment file).
    pub how: String,
    /// 0–1: how alike the two texts are (for a split or merge: the share found again).
    pub similarity: f64,
}

impl From<&SourceComment> for Comment {
    fn from(c: &SourceComment) -> Comment {
        Comment {
            id: c.id.clone(),
            author: c.author.clone(),
            date: c.date.clone(),
            parties: c.parties.clone(),
            text: c.text.clone(),
            reply_to: c.reply_to.clone(),
        }
    }
}

impl From<&Comment> for SourceComment {
    fn from(c: &Comment) -> SourceComment {
        SourceComment {
            id: c.id.clone(),
            author: c.author.clone(),
            date: c.date.clone(),
            parties: c.parties.clone(),
            text: c.text.clone(),
            reply_to: c.reply_to.clone(),
        }
    }
}

impl From<&SourceRef> for ClauseSource {
    fn from(r: &SourceRef) -> ClauseSource {
        ClauseSource {
            pages: r.pages,
            label: r.label.clone(),
            comments: r.comments.iter().map(Comment::from).collect(),
            from: Vec::new(),
        }
    }
}

impl From<&ClauseSource> for SourceRef {
    fn from(c: &ClauseSource) -> SourceRef {
        SourceRef {
            pages: c.pages,
            label: c.label.clone(),
            comments: c.comments.iter().map(SourceComment::from).collect(),
        }
    }
}

impl From<&SourceDocument> for Document {
    fn from(d: &SourceDocument) -> Document {
        Document {
            file: d.file.clone(),
            format: d.format.clone(),
            pages: d.pages,
            running_heads: d.running_heads.clone(),
            page_counter: d.page_counter.clone(),
            front_matter: d.front_matter.clone(),
            draft: None,
        }
    }
}

impl From<&Document> for SourceDocument {
    fn from(d: &Document) -> SourceDocument {
        SourceDocument {
            file: d.file.clone(),
            format: d.format.clone(),
            pages: d.pages,
            running_heads: d.running_heads.clone(),
            page_counter: d.page_counter.clone(),
            front_matter: d.front_matter.clone(),
        }
    }
}

impl Sources {
    /// The file's text.
    pub fn to_ron(&self) -> String {
        let config = ron::ser::PrettyConfig::new().struct_names(false);
        let mut text = ron::ser::to_string_pretty(self, config)
            .unwrap_or_else(|e| format!("// cannot be written: {e}\n"));
        text.push('\n');
        text
    }

    /// Reads `drafts/sources.ron` of the negotiation in `root`; `None` when there is none.
    pub fn load(root: &Path) -> Result<Option<Sources>, RonError> {
        let rel = Path::new("drafts").join(SOURCES_FILE);
        let path = root.join(&rel);
        if !path.is_file() {
            return Ok(None);
        }
        ronfile::load(&path, &rel).map(Some)
    }

    /// Parses the file's text (as read from a commit, say).
    pub fn parse(text: &str) -> Result<Sources, RonError> {
        ronfile::parse_str(text, &Path::new("drafts").join(SOURCES_FILE))
    }

    pub fn new(document: Document) -> Sources {
        Sources {
            version: FORMAT_VERSION,
            document,
            clauses: BTreeMap::new(),
        }
    }

    /// The document as a reader cites it: its symbol (running head) if it has one, then
    /// its file.
    pub fn document_name(&self) -> String {
        let d = &self.document;
        match d.running_heads.first() {
            Some(symbol) if !d.file.is_empty() => format!("{symbol} ({})", d.file),
            Some(symbol) => symbol.clone(),
            None => d.file.clone(),
        }
    }

    /// `ADP 2-8 - agenda item 3 (text.pdf), p. 8, para. 12 ter`: where clause `id` stands.
    pub fn cite(&self, id: &str) -> Option<String> {
        let c = self.clauses.get(id)?;
        let mut s = self.document_name();
        if let Some(p) = c.place() {
            s.push_str(", ");
            s.push_str(&p);
        }
        Some(s)
    }
}

impl ClauseSource {
    /// `p. 8, para. 12 ter`, `pp. 8–9`, `para. 3 (a)`: pages and label, as cited.
    pub fn place(&self) -> Option<String> {
        let mut parts = Vec::new();
        match self.pages {
            Some((a, b)) if a == b => parts.push(format!("p. {a}")),
            Some((a, b)) => parts.push(format!("pp. {a}–{b}")),
            None => {}
        }
        if let Some(l) = &self.label {
            parts.push(format!("para. {l}"));
        }
        (!parts.is_empty()).then(|| parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_and_read_back() {
        let mut s = Sources::new(Document {
            file: "text.pdf".into(),
            format: "pdf".into(),
            pages: Some(86),
            running_heads: vec!["ADP 2-8 - agenda item 3".into()],
            ..Document::default()
        });
        s.clauses.insert(
            "art-c.12-ter".into(),
            ClauseSource {
                pages: Some((8, 9)),
                label: Some("12 ter".into()),
                comments: vec![Comment {
                    id: "5".into(),
                    parties: vec!["US".into()],
                    text: "US: Clarifies not decides".into(),
                    ..Comment::default()
                }],
                from: vec![Predecessor {
                    id: "art-c.12-bis".into(),
                    how: "matched".into(),
                    similarity: 0.93,
                }],
            },
        );
        let back = Sources::parse(&s.to_ron()).unwrap();
        assert_eq!(back, s);
        assert_eq!(
            s.cite("art-c.12-ter").as_deref(),
            Some("ADP 2-8 - agenda item 3 (text.pdf), pp. 8–9, para. 12 ter")
        );
        assert!(s.cite("nothing").is_none());
    }
}
