//! Commits treaty makes are signed as `git commit` would sign them under the user's
//! configuration (`commit.gpgsign`, `gpg.format = ssh`, `user.signingkey`): `git
//! verify-commit` accepts them against an allowed-signers file, and `treaty verify` and
//! the server's hook check them against the roster's keys. Real `ssh-keygen`, real `git`.

use std::path::Path;

use crate::exercise::Class;
use crate::proposals::open_round;
use crate::support::{stderr, stdout};

fn git_ok(class: &Class, dir: &Path, args: &[&str]) -> String {
    let o = class.run(dir, "git", args);
    assert!(o.status.success(), "git {args:?}: {}", stderr(&o));
    stdout(&o) + &stderr(&o)
}

/// Signing on in `dir` with `key`, and an allowed-signers file of every key in the class.
fn sign_with(class: &Class, dir: &Path, key: &Path) {
    let allowed = class.path("allowed_signers");
    let mut lines = String::new();
    for (email, public) in [
        ("rc@uni.example", class.path("rc-key.pub")),
        ("ia@uni.example", class.path("ia-key.pub")),
        ("prof@uni.example", class.path("home/.ssh/id_ed25519.pub")),
    ] {
        let key = std::fs::read_to_string(public).unwrap();
        lines.push_str(&format!("{email} namespaces=\"git\" {}", key.trim()));
        lines.push('\n');
    }
    std::fs::write(&allowed, lines).unwrap();
    for (k, v) in [
        ("commit.gpgsign", "true"),
        ("gpg.format", "ssh"),
        ("user.signingkey", key.to_str().unwrap()),
        ("gpg.ssh.allowedSignersFile", allowed.to_str().unwrap()),
    ] {
        git_ok(class, dir, &["config", k, v]);
    }
}

fn identity(class: &Class, slug: &str) {
    class.identity(slug, &format!("{slug}@uni.example"));
}

#[test]
fn treaty_signs_its_commits_as_git_would_and_verify_checks_them_against_the_roster() {
    let class = Class::new();
    let (moot, rc, ia) = open_round(&class);
    sign_with(&class, &rc, &class.path("rc-key"));
    sign_with(&class, &moot, &class.path("home/.ssh/id_ed25519"));

    // A proposal: signed, and git agrees.
    identity(&class, "rc");
    let out = class.ok(&rc, &["propose", "--clause", "pp6", "--option", "1:1"]);
    let id = out.lines().next().unwrap().to_string();
    let shown = git_ok(
        &class,
        &rc,
        &["log", "-1", "--show-signature", "--format=%G?"],
    );
    assert!(
        shown.contains("Good \"git\" signature for rc@uni.example with ED25519 key"),
        "{shown}"
    );
    git_ok(&class, &rc, &["verify-commit", "HEAD"]);

    // Replayed by sync on top of another team's push: signed again, by the replayer.
    identity(&class, "ia");
    class.ok(&ia, &["propose", "--clause", "pp7", "--option", "2:1"]);
    class.ok(&ia, &["sync"]);
    identity(&class, "rc");
    assert!(
        class
            .ok(&rc, &["sync"])
            .contains("replayed your 1 amendment(s)")
    );
    git_ok(&class, &rc, &["verify-commit", "HEAD"]);

    // The chair requires signatures from now on (every delegation and the chair).
    class.identity("Prof Ada", "prof@uni.example");
    class.ok(&moot, &["sync"]);
    let roster = moot.join("positions/roster.ron");
    let text = std::fs::read_to_string(&roster).unwrap();
    std::fs::write(
        &roster,
        text.replace("require_signature: false", "require_signature: true"),
    )
    .unwrap();
    git_ok(
        &class,
        &moot,
        &["commit", "-q", "-am", "Signatures required"],
    );
    git_ok(&class, &moot, &["verify-commit", "HEAD"]);
    // The chair's landing is signed, so verify and the hook accept it.
    let landed = class.ok(&moot, &["land", &id]);
    assert!(landed.contains(&format!("landed {id}")), "{landed}");
    git_ok(&class, &moot, &["verify-commit", "HEAD"]);
    class.ok(&moot, &["sync"]);

    // A signed proposal passes the hook; an unsigned one is refused by verify and the hook.
    identity(&class, "rc");
    class.ok(&rc, &["sync"]);
    class.ok(&rc, &["propose", "--clause", "pp3", "--option", "1:1"]);
    class.ok(&rc, &["sync"]);
    git_ok(&class, &rc, &["config", "commit.gpgsign", "false"]);
    class.ok(&rc, &["propose", "--clause", "pp4", "--option", "1:1"]);
    let o = class.treaty(&rc, &["verify"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("which requires signed commits: the commit is not signed"),
        "{}",
        stdout(&o)
    );
    let o = class.treaty(&rc, &["sync"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("requires signed commits"),
        "{}",
        stderr(&o)
    );
    git_ok(&class, &rc, &["reset", "-q", "--hard", "HEAD~1"]);

    // Signed with a key the roster does not list for the author: refused too.
    git_ok(&class, &rc, &["config", "commit.gpgsign", "true"]);
    git_ok(
        &class,
        &rc,
        &[
            "config",
            "user.signingkey",
            class.path("ia-key").to_str().unwrap(),
        ],
    );
    class.ok(&rc, &["propose", "--clause", "pp4", "--option", "1:1"]);
    let o = class.treaty(&rc, &["verify"]);
    assert!(
        stdout(&o).contains("does not verify against the keys the roster lists for rc@uni.example"),
        "{}",
        stdout(&o)
    );
    git_ok(&class, &rc, &["reset", "-q", "--hard", "HEAD~1"]);

    // A signer that fails refuses the commit: nothing is written unsigned.
    git_ok(
        &class,
        &rc,
        &[
            "config",
            "user.signingkey",
            class.path("no-such-key").to_str().unwrap(),
        ],
    );
    let head = class.head(&rc);
    let err = class.refused(&rc, &["propose", "--clause", "pp4", "--option", "1:1"]);
    assert!(
        err.contains("ssh-keygen could not sign the commit (commit.gpgsign is set)")
            && err.contains("nothing was recorded"),
        "{err}"
    );
    assert_eq!(class.head(&rc), head);
}
