//! Commits signed as `git commit` would sign them under the user's configuration.
//!
//! With `commit.gpgsign = true`, every commit treaty writes is signed by the configured
//! signer on the commit buffer ([`git2::Repository::commit_create_buffer`] then
//! [`git2::Repository::commit_signed`]), so `git verify-commit` and `git log
//! --show-signature` accept it:
//! - `gpg.format = ssh`: `gpg.ssh.program` (default `ssh-keygen`) `-Y sign -n git -f KEY`,
//!   where `user.signingkey` is a key file (private, or public with its private half in
//!   the agent) or a literal public key (`ssh-ed25519 AAAA…`, `key::…`, used through the
//!   agent); without `user.signingkey`, `gpg.ssh.defaultKeyCommand`'s first line;
//! - `gpg.format = openpgp` (the default): `gpg.program` (default `gpg`) `--status-fd=2
//!   -bsau KEY`, KEY being `user.signingkey`, else the committer's `Name <e-mail>`;
//! - `gpg.format = x509`: `gpg.x509.program` (default `gpgsm`), the same arguments.
//!
//! A signer that fails refuses the commit: nothing is written unsigned behind the user's back.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use git2::{Config, Oid, Repository, Signature, Tree};

use super::StoreError;

/// How commits are signed here: `None` when `commit.gpgsign` is not set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Signer {
    Ssh {
        program: String,
        key: SshKey,
    },
    /// OpenPGP or X.509 through a gpg-like program.
    Gpg {
        program: String,
        key: Option<String>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SshKey {
    /// A key file.
    File(PathBuf),
    /// A public key given literally; its private half is in the agent.
    Literal(String),
    /// None configured: ask `gpg.ssh.defaultKeyCommand`.
    Default(Option<String>),
}

fn config_string(config: &Config, key: &str) -> Option<String> {
    config
        .get_string(key)
        .ok()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

fn expand_home(path: &str) -> PathBuf {
    match path.strip_prefix("~/") {
        Some(rest) => std::env::var_os("HOME")
            .map(|h| Path::new(&h).join(rest))
            .unwrap_or_else(|| PathBuf::from(path)),
        None => PathBuf::from(path),
    }
}

impl Signer {
    /// The signer `repo`'s configuration asks for, if any.
    pub fn from_config(repo: &Repository) -> Result<Option<Signer>, StoreError> {
        let config = super::identity::git_config(repo)?.snapshot()?;
        if !config.get_bool("commit.gpgsign").unwrap_or(false) {
            return Ok(None);
        }
        let format = config_string(&config, "gpg.format").unwrap_or_else(|| "openpgp".into());
        let key = config_string(&config, "user.signingkey");
        Ok(Some(match format.to_ascii_lowercase().as_str() {
            "ssh" => Signer::Ssh {
                program: config_string(&config, "gpg.ssh.program")
                    .unwrap_or_else(|| "ssh-keygen".into()),
                key: match key {
                    Some(k) if k.starts_with("key::") => {
                        SshKey::Literal(k["key::".len()..].trim().to_string())
                    }
                    Some(k) if k.starts_with("ssh-") || k.starts_with("ecdsa-") => {
                        SshKey::Literal(k)
                    }
                    Some(k) => SshKey::File(expand_home(&k)),
                    None => SshKey::Default(config_string(&config, "gpg.ssh.defaultKeyCommand")),
                },
            },
            "x509" => Signer::Gpg {
                program: config_string(&config, "gpg.x509.program")
                    .unwrap_or_else(|| "gpgsm".into()),
                key,
            },
            "openpgp" => Signer::Gpg {
                program: config_string(&config, "gpg.openpgp.program")
                    .or_else(|| config_string(&config, "gpg.program"))
                    .unwrap_or_else(|| "gpg".into()),
                key,
            },
            other => {
                return Err(StoreError::Sign {
                    why: format!(
                        "gpg.format is \"{other}\", which git does not know: use ssh, openpgp or x509"
                    ),
                });
            }
        }))
    }

    /// The armoured signature of `buffer`.
    pub fn sign(&self, buffer: &[u8], committer: &Signature<'_>) -> Result<String, StoreError> {
        match self {
            Signer::Ssh { program, key } => sign_ssh(program, key, buffer),
            Signer::Gpg { program, key } => {
                let key = key.clone().unwrap_or_else(|| {
                    format!(
                        "{} <{}>",
                        String::from_utf8_lossy(committer.name_bytes()),
                        String::from_utf8_lossy(committer.email_bytes())
                    )
                });
                sign_gpg(program, &key, buffer)
            }
        }
    }
}

fn failed(program: &str, why: impl std::fmt::Display) -> StoreError {
    StoreError::Sign {
        why: format!("{program} could not sign the commit (commit.gpgsign is set): {why}"),
    }
}

fn sign_ssh(program: &str, key: &SshKey, buffer: &[u8]) -> Result<String, StoreError> {
    let dir = tempfile::tempdir().map_err(|e| failed(program, e))?;
    let (key_file, literal) = match key {
        SshKey::File(path) => (path.clone(), false),
        SshKey::Literal(text) => {
            let path = dir.path().join("signing-key.pub");
            std::fs::write(&path, format!("{text}\n")).map_err(|e| failed(program, e))?;
            (path, true)
        }
        SshKey::Default(command) => {
            let Some(command) = command else {
                return Err(StoreError::Sign {
                    why: "commit.gpgsign is set with gpg.format = ssh, but user.signingkey is not: set it to your key (`git config user.signingkey ~/.ssh/id_ed25519.pub`)".into(),
                });
            };
            let out = Command::new("sh")
                .arg("-c")
                .arg(command)
                .output()
                .map_err(|e| failed(command, e))?;
            let first = String::from_utf8_lossy(&out.stdout)
                .lines()
                .next()
                .unwrap_or_default()
                .trim()
                .to_string();
            let text = first.strip_prefix("key::").unwrap_or(&first).to_string();
            if !out.status.success() || text.is_empty() {
                return Err(failed(command, "gpg.ssh.defaultKeyCommand gave no key"));
            }
            let path = dir.path().join("signing-key.pub");
            std::fs::write(&path, format!("{text}\n")).map_err(|e| failed(program, e))?;
            (path, true)
        }
    };
    let data = dir.path().join("commit");
    std::fs::write(&data, buffer).map_err(|e| failed(program, e))?;
    let mut cmd = Command::new(program);
    cmd.args(["-Y", "sign", "-n", "git", "-f"]).arg(&key_file);
    if literal {
        cmd.arg("-U");
    }
    let out = cmd
        .arg(&data)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| failed(program, e))?;
    if !out.status.success() {
        return Err(failed(
            program,
            String::from_utf8_lossy(&out.stderr).trim().to_string(),
        ));
    }
    let mut sig_path = data.into_os_string();
    sig_path.push(".sig");
    std::fs::read_to_string(&sig_path).map_err(|e| failed(program, e))
}

fn sign_gpg(program: &str, key: &str, buffer: &[u8]) -> Result<String, StoreError> {
    let mut child = Command::new(program)
        .args(["--status-fd=2", "-bsau", key])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| failed(program, e))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(buffer).map_err(|e| failed(program, e))?;
    }
    let out = child.wait_with_output().map_err(|e| failed(program, e))?;
    let status = String::from_utf8_lossy(&out.stderr);
    let created = status
        .lines()
        .any(|l| l.starts_with("[GNUPG:] SIG_CREATED "));
    if !out.status.success() || !created {
        return Err(failed(program, status.trim().to_string()));
    }
    String::from_utf8(out.stdout).map_err(|e| failed(program, e))
}

/// Writes a commit object (no ref moves), signed when the configuration says so.
pub(crate) fn commit_object(
    repo: &Repository,
    author: &Signature<'_>,
    committer: &Signature<'_>,
    message: &str,
    tree: &Tree<'_>,
    parents: &[&git2::Commit<'_>],
) -> Result<Oid, StoreError> {
    match Signer::from_config(repo)? {
        None => Ok(repo.commit(None, author, committer, message, tree, parents)?),
        Some(signer) => {
            let buffer = repo.commit_create_buffer(author, committer, message, tree, parents)?;
            let signature = signer.sign(&buffer, committer)?;
            let text = std::str::from_utf8(&buffer).map_err(|_| StoreError::Sign {
                why: "the commit is not UTF-8, so it cannot be signed".into(),
            })?;
            Ok(repo.commit_signed(text, &signature, Some("gpgsig"))?)
        }
    }
}
