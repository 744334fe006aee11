use super::blame::tokens;
use super::*;

#[test]
fn tokens_tile_the_text_and_split_brackets() {
    let text = "review [annually - EU / every two years]  on\nthe basis;";
    let toks = tokens(text);
    let joined: String = toks.iter().map(|&(s, e)| &text[s..e]).collect();
    assert_eq!(joined, text);
    let words: Vec<&str> = toks
        .iter()
        .map(|&(s, e)| &text[s..e])
        .filter(|t| !t.trim().is_empty())
        .collect();
    assert_eq!(
        words,
        [
            "review", "[", "annually", "-", "EU", "/", "every", "two", "years", "]", "on", "the",
            "basis", ";"
        ]
    );
    assert_eq!(tokens("[[a]]").len(), 5);
    assert!(tokens("").is_empty());
}

fn version(id: &str, file: &str, kind: &str) -> ClauseVersion {
    ClauseVersion {
        id: id.into(),
        kind: kind.into(),
        label: None,
        title: None,
        text: String::new(),
        parent: None,
        article: None,
        file: file.into(),
        position: 0,
        brackets: BracketCounts::default(),
    }
}

#[test]
fn state_orders_files_where_treaty_md_includes_them() {
    let mut state = TextState::default();
    let record = Record {
        oid: "0".repeat(40),
        amendment: None,
        author: "a".into(),
        email: "e".into(),
        time: 0,
        offset_minutes: 0,
        summary: String::new(),
        changes: [
            version("part-1", "treaty.md", "division"),
            version("art-b", "articles/b.md", "article"),
            version("art-a", "articles/a.md", "article"),
        ]
        .into_iter()
        .map(|v| ClauseEdit {
            id: v.id.clone(),
            after: Some(v),
        })
        .collect(),
        files: vec![
            ("treaty.md".into(), Some(vec!["part-1".into()])),
            ("articles/a.md".into(), Some(vec!["art-a".into()])),
            ("articles/b.md".into(), Some(vec!["art-b".into()])),
        ],
        layout: Some(vec![
            LayoutItem::Clause("part-1".into()),
            LayoutItem::Include("articles/b.md".into()),
            LayoutItem::Include("articles/a.md".into()),
        ]),
    };
    state.apply(&record);
    let ids: Vec<&str> = state.ordered().iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["part-1", "art-b", "art-a"]);
    let containers = build::containers(&state.layout, |id| {
        state.clauses.get(id).map(|c| c.kind.clone())
    });
    assert_eq!(containers["articles/a.md"].as_deref(), Some("part-1"));
}

/// The draft files of the sample negotiation, as (path under the repo, text).
fn sample_drafts() -> Vec<(String, String)> {
    fn walk(dir: &std::path::Path, root: &std::path::Path, out: &mut Vec<(String, String)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, root, out);
            } else {
                let rel = p
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((rel, std::fs::read_to_string(&p).unwrap()));
            }
        }
    }
    let root = crate::repo_root();
    let mut out = Vec::new();
    walk(&root.join("drafts"), root, &mut out);
    out.sort();
    out
}

#[test]
fn a_warm_lazy_open_answers_like_the_build() {
    use crate::store::FileChange;
    use crate::testing;
    use treaty_text::amendment::{Amendment, AmendmentKind};
    let dir = tempfile::tempdir().unwrap();
    testing::init_repo(dir.path());
    let store = Store::init_with_clock(dir.path(), testing::test_clock()).unwrap();
    let mut files = sample_drafts();
    let commit = |files: &[(String, String)], summary: &str| {
        let changes: Vec<FileChange> = files
            .iter()
            .map(|(p, t)| FileChange::write(p.clone(), t.clone()))
            .collect();
        let am = Amendment::new(AmendmentKind::Replace, ["EU"], Vec::<String>::new())
            .with_summary(summary)
            .with_derived_id(summary);
        let head = store.head().unwrap();
        store.commit(&am, head, &changes).unwrap();
    };
    commit(&files, "compilation");
    for f in files.iter_mut().filter(|(p, _)| p.contains("articles/")) {
        f.1 = f.1.replace(" shall ", " should ");
    }
    commit(&files, "softened");
    let built = History::open(&store).unwrap();
    assert!(built.report().saved);
    let warm = History::open(&store).unwrap();
    assert_eq!(warm.report().processed, 0);
    // Summaries read to be kept elsewhere are those the index keeps, from the mapped file
    // (nothing decoded yet) and once decoded.
    for i in 0..warm.len() {
        let from_file = warm.info_owned(i);
        assert_eq!(from_file, built.records()[i].info());
        assert_eq!(&from_file, warm.info(i));
        assert_eq!(warm.info_owned(i), from_file, "once decoded");
    }
    let mut ids: Vec<&str> = built.clause_ids().collect();
    ids.sort();
    let mut warm_ids: Vec<&str> = warm.clause_ids().collect();
    warm_ids.sort();
    assert_eq!(ids, warm_ids);
    assert!(ids.len() > 3);
    // Asked clause by clause first (records decoded one at a time), then as a whole.
    for id in &ids {
        let a = built.clause_history(id).unwrap();
        let b = warm.clause_history(id).unwrap();
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(
                (x.index, x.record, x.version),
                (y.index, y.record, y.version)
            );
        }
        // The same versions with summaries only, from a fresh warm open (nothing decoded
        // yet) and from the build.
        let fresh = History::open(&store).unwrap();
        let steps = fresh.clause_versions(id).unwrap();
        assert_eq!(steps.len(), a.len());
        for (s, e) in steps.iter().zip(&a) {
            assert_eq!(
                (s.index, s.info, s.version),
                (e.index, &e.record.info(), e.version)
            );
        }
        assert_eq!(fresh.blame(id).unwrap(), built.blame(id).unwrap());
        assert_eq!(built.blame(id).unwrap(), warm.blame(id).unwrap());
        let filter = LogFilter {
            clause: Some(id.to_string()),
            ..Default::default()
        };
        assert_eq!(built.log(&filter), warm.log(&filter));
        assert_eq!(built.log_info(&filter), fresh.log_info(&filter));
        assert_eq!(
            built.log(&filter).len(),
            fresh.log_info(&filter).len(),
            "log and log_info agree"
        );
        assert_eq!(built.current(id), warm.current(id));
    }
    assert!(built.records()[1].changes.len() > 1);
    assert_eq!(built.records(), warm.records());
    assert_eq!(
        built.log(&LogFilter::default()),
        warm.log(&LogFilter::default())
    );

    // A version that passes its checksum and still does not decode (what a bug in the
    // writer would leave) is damage like any other: the record is re-read from git, the
    // answers are the same and the index is rewritten.
    let id = *ids
        .iter()
        .find(|id| built.clause_history(id).unwrap().len() > 1)
        .unwrap();
    let path = History::index_path(&store);
    let mut bytes = std::fs::read(&path).unwrap();
    let (at, len) = *store_file::version_places(&bytes, id).last().unwrap();
    bytes[at..at + len].fill(0xff);
    store_file::reseal(&mut bytes);
    std::fs::write(&path, &bytes).unwrap();
    let damaged = History::open(&store).unwrap();
    assert_eq!(damaged.blame(id).unwrap(), built.blame(id).unwrap());
    let report = damaged.report();
    assert!(
        report.rebuilt.as_deref().unwrap().contains("corrupt"),
        "{report:?}"
    );
    assert_eq!(report.processed, built.len());
    assert_eq!(damaged.records(), built.records());
    let next = History::open(&store).unwrap();
    assert_eq!(next.blame(id).unwrap(), built.blame(id).unwrap());
    assert_eq!(next.report().rebuilt, None);
}
