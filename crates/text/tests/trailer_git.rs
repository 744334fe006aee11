//! Differential tests: our reader against the real `git interpret-trailers`.
//!
//! Each message is checked twice:
//! * `--parse` (= `--only-trailers --only-input --unfold`): the `key: value`
//!   lines must equal what `trailers()` gives;
//! * `--only-input --unfold`: git reprints the message with the block
//!   reformatted. We rebuild that text from `body_end()`, `block().end`,
//!   the trailers and `other_lines`, which checks the block boundaries and
//!   the non-trailer lines too.
//!
//! Set `TRAILER_GIT` to choose the git binary (default: `git` on PATH). The rules are
//! those of git 2.47; an older git reads some messages differently (one without a final
//! newline, say), so with an older git these tests say so and check nothing.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use treaty_text::trailer::{block, body_end, lines_like_trailers_outside_block, trailers};

fn git_bin() -> String {
    std::env::var("TRAILER_GIT").unwrap_or_else(|_| "git".into())
}

/// Whether the git to compare with is 2.47 or newer (the rules the reader follows).
fn git_is_current() -> bool {
    static CURRENT: OnceLock<bool> = OnceLock::new();
    *CURRENT.get_or_init(|| {
        let out = Command::new(git_bin()).arg("--version").output();
        let version = out
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default();
        let numbers: Vec<u32> = version
            .split_whitespace()
            .nth(2)
            .unwrap_or("")
            .split('.')
            .filter_map(|n| n.parse().ok())
            .collect();
        let current = numbers.len() >= 2 && (numbers[0], numbers[1]) >= (2, 47);
        if !current {
            eprintln!(
                "note: `{}` is not git 2.47 or newer ({}): the differential trailer tests compare nothing; set TRAILER_GIT to a current git",
                git_bin(),
                version.trim()
            );
        }
        current
    })
}

/// An empty directory outside any repository, so no repo config is read.
fn workdir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("trailer-difftest-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        d
    })
}

fn git(args: &[&str], input: &str) -> Result<String, String> {
    let mut child = Command::new(git_bin())
        .arg("interpret-trailers")
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CEILING_DIRECTORIES", std::env::temp_dir())
        .env_remove("GIT_DIR")
        .env_remove("GIT_CONFIG_PARAMETERS")
        .current_dir(workdir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run git");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    // A hung git must fail the test, not stall it: git 2.39 loops forever
    // on some of the generated messages.
    let deadline = Instant::now() + Duration::from_secs(10);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().ok();
            child.wait().ok();
            return Err(format!("git {args:?} timed out"));
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let out = child.wait_with_output().unwrap();
    if !out.status.success() {
        return Err(format!(
            "git failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8(out.stdout).expect("git output is UTF-8"))
}

/// What `--parse` should print according to us.
fn ours_parse(msg: &str) -> String {
    trailers(msg)
        .iter()
        .map(|t| format!("{}: {}\n", t.key, t.value))
        .collect()
}

/// What `--only-input --unfold` should print according to us.
fn ours_reprint(msg: &str) -> String {
    // git reads the message with a final newline added.
    let buf = if msg.is_empty() || msg.ends_with('\n') {
        msg.to_string()
    } else {
        format!("{msg}\n")
    };
    let start = body_end(msg);
    let (end, mut items) = match block(msg) {
        None => (start, vec![]),
        Some(b) => {
            assert_eq!(b.start, start, "block().start == body_end()");
            let mut items: Vec<(usize, String)> = b
                .trailers
                .iter()
                .map(|t| (t.line, format!("{}: {}", t.key, t.value)))
                .collect();
            items.extend(b.other_lines.iter().map(|(n, l)| (*n, l.to_string())));
            items.sort();
            (b.end, items)
        }
    };
    // Offsets are clamped to the message. Map "end of message" back to the
    // end of git's buffer, which includes the added newline.
    let widen = |x: usize| if x == msg.len() { buf.len() } else { x };
    let (start, end) = (widen(start), widen(end));
    let mut out = buf[..start].to_string();
    // git adds a blank line unless the text before the block ends in one.
    // (git's ends_with_blank_line: the line that ends at `start`).
    let last_line = &buf[buf[..start.saturating_sub(1)]
        .rfind('\n')
        .map_or(0, |i| i + 1)..start];
    if start == 0
        || !last_line
            .bytes()
            .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
    {
        out.push('\n');
    }
    for (_, text) in items.drain(..) {
        out.push_str(&text);
        out.push('\n');
    }
    out.push_str(&buf[end..]);
    out
}

/// Compare one message with git. Returns a description of any mismatch.
fn check(msg: &str) -> Option<String> {
    type Ours = fn(&str) -> String;
    let cases: [(&[&str], Ours); 2] = [
        (&["--parse"], ours_parse),
        (&["--only-input", "--unfold"], ours_reprint),
    ];
    for (args, ours) in cases {
        let g = match git(args, msg) {
            Ok(g) => g,
            Err(e) => return Some(format!("{e} on {msg:?}")),
        };
        let o = ours(msg);
        if g != o {
            return Some(format!(
                "{args:?} differs for {msg:?}\n  git:  {g:?}\n  ours: {o:?}"
            ));
        }
    }
    None
}

const TABLE: &[(&str, &str)] = &[
    ("empty message", ""),
    ("single newline", "\n"),
    ("subject only", "Amend clause x.1\n"),
    ("subject that looks like a trailer", "Proposed-by: EU\n"),
    (
        "single paragraph with trailer lines",
        "Amend x.1\nProposed-by: EU\nClause: x.1\n",
    ),
    (
        "simple block",
        "Amend x.1\n\nProposed-by: EU, AU\nClause: x.1\n",
    ),
    (
        "full amendment",
        "Amend x.1\n\nReplace the text.\n\nAmendment-Id: am-1\nProposed-by: EU, AU\nClause: x.1\nKind: replace\nRound: r1\nStatus: adopted\n",
    ),
    (
        "FORGED: trailer then ordinary line",
        "Amend x.1\n\nBody.\n\nProposed-by: EU\nordinary line\n",
    ),
    (
        "FORGED: ordinary line then trailer",
        "Amend x.1\n\nordinary line\nProposed-by: EU\n",
    ),
    ("no final newline", "Amend x.1\n\nProposed-by: EU"),
    ("trailing empty lines", "Amend x.1\n\nProposed-by: EU\n\n\n"),
    (
        "trailing whitespace-only lines",
        "Amend x.1\n\nProposed-by: EU\n  \n\t\n",
    ),
    (
        "whitespace-only separator line",
        "Amend x.1\n   \nProposed-by: EU\n",
    ),
    (
        "trailing whitespace in values",
        "Amend x.1\n\nProposed-by: EU   \nClause:   x.1\t\n",
    ),
    (
        "CRLF",
        "Amend x.1\r\n\r\nProposed-by: EU\r\nClause: x.1\r\n",
    ),
    (
        "CRLF with continuation",
        "Amend x.1\r\n\r\nProposed-by: EU,\r\n  AU\r\n",
    ),
    (
        "patch divider",
        "Amend x.1\n\nProposed-by: EU\n---\n src/x.rs | 2 +-\n",
    ),
    (
        "divider with diff",
        "Amend x.1\n\nProposed-by: EU\n--- a/x\n+++ b/x\n",
    ),
    (
        "four dashes are not a divider",
        "Amend x.1\n\nProposed-by: EU\n----\n",
    ),
    ("divider as subject", "--- x\n\nProposed-by: EU\n"),
    (
        "trailers only after divider",
        "Amend x.1\n\nBody.\n---\n\nProposed-by: EU\n",
    ),
    (
        "divider at end without newline",
        "Amend x.1\n\nProposed-by: EU\n---",
    ),
    (
        "comment inside block",
        "Amend x.1\n\nProposed-by: EU\n# a comment\nClause: x.1\n",
    ),
    (
        "trailing comments",
        "Amend x.1\n\nProposed-by: EU\n# Please enter the message\n#\n",
    ),
    ("comment in title", "# note\nAmend x.1\n\nProposed-by: EU\n"),
    ("only comments", "# a\n# b\n"),
    (
        "continuation lines",
        "Amend x.1\n\nProposed-by: EU,\n  AU,\n\tUN\nClause: x.1\n",
    ),
    (
        "indented line opens the paragraph",
        "Amend x.1\n\n  indented\nProposed-by: EU\n",
    ),
    (
        "continuation after comment",
        "Amend x.1\n\nProposed-by: EU\n# c\n  AU\n",
    ),
    (
        "whitespace-only continuation",
        "Amend x.1\n\nProposed-by: EU\n\t\n  AU\n",
    ),
    (
        "spaces before colon",
        "Amend x.1\n\nProposed-by : EU\nClause\t: x.1\n",
    ),
    ("underscore in key", "Amend x.1\n\nProposed_by: EU\n"),
    ("space inside key", "Amend x.1\n\nProposed by: EU\n"),
    ("colon first", "Amend x.1\n\n: EU\n"),
    ("dash-only key", "Amend x.1\n\n-: dash\n"),
    ("no space after colon", "Amend x.1\n\nStatus:adopted\n"),
    ("empty value", "Amend x.1\n\nProposed-by:\nClause: x.1\n"),
    (
        "value with colons",
        "Amend x.1\n\nLink: https://example.org/a:b\n",
    ),
    (
        "Signed-off-by meets 25%",
        "Amend x.1\n\nSigned-off-by: A <a@x>\nfree text 1\nfree text 2\nfree text 3\n",
    ),
    (
        "Signed-off-by fails 25%",
        "Amend x.1\n\nSigned-off-by: A <a@x>\nfree 1\nfree 2\nfree 3\nfree 4\n",
    ),
    (
        "Signed-off-by without space is not git-generated",
        "Amend x.1\n\nSigned-off-by:A\nfree\n",
    ),
    (
        "Signed-off-by with continuation and prose",
        "Amend x.1\n\nSigned-off-by: A\n  cont\nfree 1\nfree 2\nfree 3\n",
    ),
    (
        "cherry-pick line alone",
        "Amend x.1\n\nfree text\n(cherry picked from commit abc123)\n",
    ),
    (
        "forged line rescued by cherry-pick",
        "Amend x.1\n\nProposed-by: EU\nnot a trailer\n(cherry picked from commit abc)\n",
    ),
    (
        "body looks like trailers, real block after",
        "Amend x.1\n\nProposed-by: XX\nClause: 9.9\n\nBody.\n\nProposed-by: EU\n",
    ),
    (
        "body looks like trailers, forged block after",
        "Amend x.1\n\nProposed-by: XX\n\nProposed-by: EU\nordinary\n",
    ),
    ("two trailer paragraphs", "Amend x.1\n\nA: 1\n\nB: 2\n"),
    (
        "unicode values",
        "Amend x.1\n\nProposed-by: Côte d’Ivoire, 日本\n",
    ),
    ("unicode key", "Amend x.1\n\nPrüfer: x\n"),
    (
        "unicode key among trailers",
        "Amend x.1\n\nProposed-by: EU\nPrüfer: x\n",
    ),
    (
        "scissors",
        "Amend x.1\n\nProposed-by: EU\n# ------------------------ >8 ------------------------\ndiff\n",
    ),
    (
        "old Conflicts block",
        "Amend x.1\n\nProposed-by: EU\n\nConflicts:\n\tfile.c\n",
    ),
    ("leading empty line", "\nProposed-by: EU\n"),
    (
        "vertical tab is not whitespace",
        "Amend x.1\n\n\x0bProposed-by: EU\n",
    ),
    (
        "form feed line in block",
        "Amend x.1\n\nProposed-by: EU\n\x0c\n",
    ),
    (
        "subject looks like trailer, block after",
        "Proposed-by: XX\n\nClause: x.1\n",
    ),
    (
        "tab before colon and in value",
        "Amend x.1\n\nKind\t:\treplace\tall\n",
    ),
];

#[test]
fn table_agrees_with_git() {
    assert!(TABLE.len() >= 40);
    if !git_is_current() {
        return;
    }
    let failures: Vec<String> = TABLE
        .iter()
        .filter_map(|(name, msg)| check(msg).map(|e| format!("[{name}] {e}")))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} disagree:\n{}",
        failures.len(),
        TABLE.len(),
        failures.join("\n")
    );
    eprintln!("table: {} messages, all agree with git", TABLE.len());
}

#[test]
fn forged_attribution_is_not_a_trailer_and_is_flagged() {
    let msg = "Amend x.1\n\nBody.\n\nProposed-by: EU\nordinary line\n";
    assert!(block(msg).is_none());
    assert!(trailers(msg).is_empty());
    assert_eq!(body_end(msg), msg.len());
    assert_eq!(
        lines_like_trailers_outside_block(msg, &["proposed-by"]),
        vec![(5, "Proposed-by: EU")]
    );

    let real = "Amend x.1\n\nSee Proposed-by : XX above.\nproposed-by : XX\n\nProposed-by: EU\n  Clause: 1.1\n";
    let t = trailers(real);
    assert_eq!(t.len(), 1);
    assert_eq!(
        (t[0].key, t[0].value.as_str(), t[0].line),
        ("Proposed-by", "EU Clause: 1.1", 6)
    );
    assert_eq!(
        lines_like_trailers_outside_block(real, &["Proposed-by", "Clause"]),
        vec![(4, "proposed-by : XX"), (7, "  Clause: 1.1")]
    );
}

#[test]
fn block_details() {
    let msg = "Amend x.1\n\nProposed-by: EU\nnot a trailer\n(cherry picked from commit abc)\n---\npatch\n";
    let b = block(msg).unwrap();
    assert_eq!(
        &msg[b.start..b.end],
        "Proposed-by: EU\nnot a trailer\n(cherry picked from commit abc)\n"
    );
    assert_eq!(
        b.other_lines,
        vec![(4, "not a trailer"), (5, "(cherry picked from commit abc)")]
    );
    assert_eq!(body_end(msg), b.start);
}

/// Deterministic xorshift64* generator, so failures are reproducible.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Line shapes; blank lines are listed several times so paragraphs are common.
const SHAPES: &[&str] = &[
    "",
    "",
    "",
    "",
    "   ",
    "\t",
    "Amend clause x.1",
    "plain body text",
    "Another sentence: with a colon",
    "Proposed-by: EU, AU",
    "Amendment-Id: am-7",
    "Clause: x.1",
    "Kind: replace",
    "Round: r1",
    "Status: adopted",
    "Status:adopted",
    "Key :spaced",
    "Key\t: tab",
    "Bad key: x",
    "Bad_key: x",
    "Prüfer: ü",
    "-: dash",
    ":colon first",
    "Empty:",
    "Link: http://x/a:b",
    "Signed-off-by: A U Thor <a@x>",
    "Signed-off-by:nospace",
    "(cherry picked from commit abc)",
    "  continued",
    "\tcontinued",
    " ",
    "# comment",
    "#",
    "---",
    "--- a/x",
    "----",
    "Conflicts:",
    "\tpath.c",
    "# ------------------------ >8 ------------------------",
    "\x0bvt: x",
    "\x0c",
    "日本: no",
    "value 日本",
];

fn generate(rng: &mut Rng) -> String {
    let mut msg = String::new();
    for i in 0..1 + rng.below(10) {
        if i > 0 {
            msg.push_str(if rng.below(8) == 0 { "\r\n" } else { "\n" });
        }
        msg.push_str(SHAPES[rng.below(SHAPES.len())]);
        if rng.below(10) == 0 {
            msg.push(' ');
        }
    }
    if rng.below(5) != 0 {
        msg.push('\n');
    }
    msg
}

#[test]
fn generated_sweep_agrees_with_git() {
    const CASES: usize = 6000;
    if !git_is_current() {
        return;
    }
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let messages: Vec<String> = (0..CASES).map(|_| generate(&mut rng)).collect();
    let with_trailers = messages.iter().filter(|m| !trailers(m).is_empty()).count();
    let with_block = messages.iter().filter(|m| block(m).is_some()).count();
    // Two worker threads (the machine has two cores). Each one runs git.
    let failures: Vec<String> = std::thread::scope(|s| {
        let workers: Vec<_> = messages
            .chunks(CASES / 2)
            .map(|chunk| s.spawn(move || chunk.iter().filter_map(|m| check(m)).collect::<Vec<_>>()))
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} of {CASES} disagree; first ones:\n{}",
        failures.len(),
        failures
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    let version = Command::new(git_bin())
        .arg("--version")
        .output()
        .unwrap()
        .stdout;
    eprintln!("sweep against {}", String::from_utf8_lossy(&version).trim());
    eprintln!(
        "sweep: {CASES} messages ({with_block} with a block, {with_trailers} with trailers), all agree with git"
    );
}
