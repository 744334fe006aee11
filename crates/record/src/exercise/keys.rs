//! SSH keys for the exercise: public keys read from `.pub` files for the roster and as
//! `age` recipients, and the private key a reader decrypts a brief with.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use super::ExerciseError;

/// The one public key line of an OpenSSH `.pub` file, checked to be a key `age` can
/// encrypt to (`ssh-ed25519` or `ssh-rsa`).
pub fn read_public_key(path: &Path) -> Result<String, ExerciseError> {
    let text = std::fs::read_to_string(path).map_err(ExerciseError::io(path))?;
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .unwrap_or_default()
        .to_string();
    check_public_key(&line)
        .map_err(|why| ExerciseError::Invalid(format!("{}: {why}", path.display())))?;
    Ok(line)
}

/// Whether `line` is a public key `age` can encrypt to.
pub fn check_public_key(line: &str) -> Result<(), String> {
    if line.contains("PRIVATE KEY") {
        return Err("this is a private key: give the public key (the `.pub` file)".into());
    }
    recipient(line).map(|_| ())
}

/// `line` as an `age` recipient.
pub(crate) fn recipient(line: &str) -> Result<age::ssh::Recipient, String> {
    age::ssh::Recipient::from_str(line.trim()).map_err(|e| match e {
        age::ssh::ParseRecipientKeyError::Unsupported(kind) => format!(
            "{kind} keys cannot be encrypted to: use an ssh-ed25519 or ssh-rsa key (`ssh-keygen -t ed25519`)"
        ),
        _ => "not an OpenSSH public key line (`ssh-ed25519 AAAA… comment`)".to_string(),
    })
}

/// The private key to decrypt with when none is given: the key git signs with
/// (`user.signingkey`, a path to the key or to its `.pub`), else `~/.ssh/id_ed25519`.
pub fn default_identity() -> Option<PathBuf> {
    let config = git2::Config::open_default().ok();
    if let Some(key) = config.and_then(|c| c.get_string("user.signingkey").ok()) {
        let key = key.trim();
        if !key.starts_with("key::") && !key.starts_with("ssh-") && !key.is_empty() {
            let path = expand_home(key);
            let path = match path.to_str().and_then(|p| p.strip_suffix(".pub")) {
                Some(private) => PathBuf::from(private),
                None => path,
            };
            return Some(path);
        }
    }
    home().map(|h| h.join(".ssh").join("id_ed25519"))
}

fn home() -> Option<PathBuf> {
    std::env::var_os("HOME").map(PathBuf::from)
}

fn expand_home(p: &str) -> PathBuf {
    match (p.strip_prefix("~/"), home()) {
        (Some(rest), Some(h)) => h.join(rest),
        _ => PathBuf::from(p),
    }
}

/// The public key that goes with the private key at `path` (`path.pub`), if there is one.
pub fn public_key_beside(path: &Path) -> Option<String> {
    let mut pubfile = path.as_os_str().to_owned();
    pubfile.push(".pub");
    read_public_key(Path::new(&pubfile)).ok()
}

/// Reads the private key at `path` for `age`.
pub(crate) fn load_identity(path: &Path) -> Result<age::ssh::Identity, ExerciseError> {
    let bytes = std::fs::read(path).map_err(|e| {
        ExerciseError::Invalid(format!(
            "cannot read your private key {}: {e}; give the key with --identity KEYFILE",
            path.display()
        ))
    })?;
    let identity = age::ssh::Identity::from_buffer(&bytes[..], Some(path.display().to_string()))
        .map_err(|e| {
            ExerciseError::Invalid(format!(
                "{} is not an OpenSSH private key ({e}): give the private key (not the .pub) with --identity",
                path.display()
            ))
        })?;
    match identity {
        age::ssh::Identity::Unencrypted(_) => Ok(identity),
        age::ssh::Identity::Encrypted(_) => Err(ExerciseError::Invalid(format!(
            "{} is protected by a passphrase, which treaty does not ask for: use a copy without one (`ssh-keygen -p -f COPY`) or another key",
            path.display()
        ))),
        age::ssh::Identity::Unsupported(_) => Err(ExerciseError::Invalid(format!(
            "{} is a kind of key age cannot decrypt with: use an ssh-ed25519 or ssh-rsa key",
            path.display()
        ))),
    }
}
