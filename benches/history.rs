//! History index at UN scale: 320 articles, 10,000 amendments, generated straight into a
//! git repository with libgit2 (cached under target/ between runs).
//!
//! Measures: index build (cold, first-ever open), warm open, clause history and blame of a
//! busy clause, and a full replay. Also times `git blame` and `git log -L` once on the
//! same clause's file for comparison.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use git2::{Oid, Repository, Signature, Time};
use treaty_workbench::amendment::{Amendment, AmendmentKind};
use treaty_workbench::history::History;
use treaty_workbench::store::Store;
use treaty_workbench::testing;

const ARTICLES: usize = 320;
const PARAGRAPHS: usize = 5;
const AMENDMENTS: usize = 10_000;
/// The clause the benches query; one amendment in ten touches it.
const BUSY: &str = "art-7.2";

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const WORDS: &[&str] = &[
    "Parties",
    "shall",
    "should",
    "ensure",
    "that",
    "artificial",
    "intelligence",
    "systems",
    "respect",
    "human",
    "rights",
    "dignity",
    "including",
    "through",
    "independent",
    "oversight",
    "national",
    "reports",
    "annually",
    "review",
    "capacity",
    "support",
    "developing",
];

fn article_text(a: usize, paras: &[String]) -> String {
    let mut s = format!("### Article {}. Provision {a} {{#art-{a}}}\n", a + 1);
    for (p, text) in paras.iter().enumerate() {
        let _ = write!(s, "\n{}. {text} {{#art-{a}.{}}}\n", p + 1, p + 1);
    }
    s
}

fn front_text(order: &[usize]) -> String {
    let mut s = String::from(
        "# Generated Convention {#treaty}\n\n## Preamble {#preamble}\n\nThe Parties, {#pp-chapeau}\n\n## Part I. Provisions {#part-1}\n\n",
    );
    for (k, &a) in order.iter().enumerate() {
        if k == ARTICLES / 2 {
            s.push_str("\n## Part II. More provisions {#part-2}\n\n");
        }
        let _ = writeln!(s, "- [Article {}](articles/art-{a}.md)", a + 1);
    }
    s
}

/// Writes `files` (path under drafts/ → text) over `base` and returns the new root tree.
fn tree_with(repo: &Repository, base: Option<Oid>, files: &[(String, String)]) -> Oid {
    let root = base.map(|t| repo.find_tree(t).unwrap());
    let drafts = root.as_ref().and_then(|r| {
        r.get_name("drafts")
            .map(|e| repo.find_tree(e.id()).unwrap())
    });
    let articles = drafts.as_ref().and_then(|d| {
        d.get_name("articles")
            .map(|e| repo.find_tree(e.id()).unwrap())
    });
    let mut art_b = repo.treebuilder(articles.as_ref()).unwrap();
    let mut drafts_b = repo.treebuilder(drafts.as_ref()).unwrap();
    for (path, text) in files {
        let blob = repo.blob(text.as_bytes()).unwrap();
        match path.strip_prefix("articles/") {
            Some(name) => art_b.insert(name, blob, 0o100644).unwrap(),
            None => drafts_b.insert(path, blob, 0o100644).unwrap(),
        };
    }
    drafts_b
        .insert("articles", art_b.write().unwrap(), 0o040000)
        .unwrap();
    let mut root_b = repo.treebuilder(root.as_ref()).unwrap();
    root_b
        .insert("drafts", drafts_b.write().unwrap(), 0o040000)
        .unwrap();
    root_b.write().unwrap()
}

fn generate(path: &Path) {
    let repo = testing::init_repo(path);
    let mut rng = Lcg(42);
    let mut paras: Vec<Vec<String>> = (0..ARTICLES)
        .map(|a| {
            (0..PARAGRAPHS)
                .map(|p| {
                    (0..12 + (a + p) % 7)
                        .map(|k| WORDS[(a * 7 + p * 3 + k) % WORDS.len()])
                        .collect::<Vec<_>>()
                        .join(" ")
                        + "."
                })
                .collect()
        })
        .collect();
    let mut order: Vec<usize> = (0..ARTICLES).collect();
    let mut files: Vec<(String, String)> = vec![("treaty.md".into(), front_text(&order))];
    for (a, p) in paras.iter().enumerate() {
        files.push((format!("articles/art-{a}.md"), article_text(a, p)));
    }
    let mut tree = tree_with(&repo, None, &files);
    let mut parent: Option<Oid> = None;
    let delegations = ["EU", "USA", "CHN", "AGN", "G77", "AOSIS", "JPN", "CHAIR"];
    for n in 0..=AMENDMENTS {
        let (amendment, changed) = if n == 0 {
            let a = Amendment::new(AmendmentKind::Insert, ["CHAIR"], Vec::<String>::new())
                .with_summary("Compilation text")
                .with_derived_id("compilation");
            (a, Vec::new())
        } else if n % 1000 == 0 {
            // Move an article to another place in treaty.md.
            let from = rng.below(ARTICLES);
            let a = order.remove(from);
            let to = rng.below(ARTICLES - 1);
            order.insert(to, a);
            let am = Amendment::new(AmendmentKind::Move, ["CHAIR"], [format!("art-{a}")])
                .with_derived_id(&n.to_string());
            (am, vec![("treaty.md".to_string(), front_text(&order))])
        } else {
            let a = if n % 10 == 0 { 7 } else { rng.below(ARTICLES) };
            let p = if a == 7 { 1 } else { rng.below(PARAGRAPHS) };
            let text = &mut paras[a][p];
            let mut words: Vec<String> = text.split(' ').map(String::from).collect();
            let at = rng.below(words.len());
            let kind = match rng.below(3) {
                0 => {
                    words[at] = format!("[{}]", WORDS[rng.below(WORDS.len())]);
                    AmendmentKind::Bracket
                }
                1 if words.len() > 8 => {
                    words.remove(at);
                    AmendmentKind::Replace
                }
                _ => {
                    words.insert(at, WORDS[rng.below(WORDS.len())].to_string());
                    AmendmentKind::Replace
                }
            };
            *text = words.join(" ");
            if !text.ends_with('.') {
                text.push('.');
            }
            let by = delegations[rng.below(delegations.len())];
            let am = Amendment::new(kind, [by], [format!("art-{a}.{}", p + 1)])
                .with_round(format!("round-{}", n / 2000 + 1))
                .with_derived_id(&n.to_string());
            (
                am,
                vec![(format!("articles/art-{a}.md"), article_text(a, &paras[a]))],
            )
        };
        if n > 0 {
            tree = tree_with(&repo, Some(tree), &changed);
        }
        let t = testing::EPOCH + n as i64 * 60;
        let sig = Signature::new(testing::NAME, testing::EMAIL, &Time::new(t, 0)).unwrap();
        let parents: Vec<git2::Commit> = parent
            .iter()
            .map(|p| repo.find_commit(*p).unwrap())
            .collect();
        let parent_refs: Vec<&git2::Commit> = parents.iter().collect();
        let oid = repo
            .commit(
                None,
                &sig,
                &sig,
                &amendment.to_message(),
                &repo.find_tree(tree).unwrap(),
                &parent_refs,
            )
            .unwrap();
        parent = Some(oid);
    }
    repo.reference("refs/heads/main", parent.unwrap(), true, "generated")
        .unwrap();
    // Real records are packed by git's own housekeeping; pack this one too if git is there.
    let home = tempfile::tempdir().unwrap();
    let _ = testing::git_command(path, home.path())
        .args(["repack", "-adq"])
        .status();
}

fn repo_path() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join(format!("bench-history-{ARTICLES}x{AMENDMENTS}-v2"))
}

fn open_repo() -> Store {
    testing::hermetic();
    let path = repo_path();
    let done = path.join(".generated");
    if !done.exists() {
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        let started = Instant::now();
        generate(&path);
        std::fs::write(&done, "").unwrap();
        eprintln!(
            "generated {AMENDMENTS} amendments over {ARTICLES} articles in {:.1?}",
            started.elapsed()
        );
    }
    Store::open(&path).unwrap()
}

fn time_git(path: &Path, args: &[&str]) {
    let home = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let out = testing::git_command(path, home.path()).args(args).output();
    match out {
        Ok(o) if o.status.success() => {
            eprintln!("git {}: {:.1?}", args.join(" "), started.elapsed())
        }
        _ => eprintln!("git {}: could not run", args.join(" ")),
    }
}

fn benches(c: &mut Criterion) {
    let store = open_repo();
    let index = History::index_path(&store);

    let mut g = c.benchmark_group("history");
    g.sample_size(10);
    // A cold build takes seconds: timed three times here rather than sampled by criterion.
    for run in 1..=3 {
        let _ = std::fs::remove_file(&index);
        let started = Instant::now();
        let h = History::open(&store).unwrap();
        assert_eq!(h.records().len(), AMENDMENTS + 1);
        eprintln!(
            "history/index build, cold (first-ever open), run {run}: {:.2?}",
            started.elapsed()
        );
    }
    let _ = History::open(&store).unwrap();
    g.bench_function("open, warm (read the index)", |b| {
        b.iter(|| History::open(&store).unwrap())
    });
    let history = History::open(&store).unwrap();
    assert_eq!(history.report().processed, 0);
    let versions = history.clause_history(BUSY).unwrap().len();
    eprintln!("{BUSY} has {versions} versions");
    g.sample_size(50);
    g.bench_function("clause history, warm", |b| {
        b.iter(|| history.clause_history(BUSY).unwrap().len())
    });
    g.bench_function("blame, warm", |b| b.iter(|| history.blame(BUSY).unwrap()));
    g.bench_function("clause versions with summaries, warm", |b| {
        b.iter(|| history.clause_versions(BUSY).unwrap().len())
    });
    // What `treaty blame` does in process: open the index, read one clause, nothing cached.
    g.bench_function("open + blame, warm index, nothing cached", |b| {
        b.iter(|| {
            let h = History::open(&store).unwrap();
            h.blame(BUSY).unwrap()
        })
    });
    g.sample_size(10);
    g.bench_function("full replay of 10,000 amendments, warm", |b| {
        b.iter(|| {
            let mut replay = history.replay();
            let mut changes = 0;
            for step in replay.by_ref() {
                changes += step.changes.len();
            }
            (changes, replay.state().clauses.len())
        })
    });
    g.finish();

    let path = repo_path();
    time_git(&path, &["blame", "main", "--", "drafts/articles/art-7.md"]);
    time_git(
        &path,
        &[
            "log",
            "-L",
            "/#art-7.2/,+1:drafts/articles/art-7.md",
            "main",
            "--no-patch",
        ],
    );
}

criterion_group!(history_benches, benches);
criterion_main!(history_benches);
