//! Key maps: which keys do which [`Action`].
//!
//! The shipped maps live in `themes/keymaps/*.ron` (embedded at build time); `vim` is laid
//! over `default`, and a user's RON file is laid over either. A layer replaces the keys of
//! the actions it names and leaves every other action alone. A key that ends up bound to
//! two actions is reported (the later layer wins), never silently dropped.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;

use super::action::Action;
use crate::diag::Diagnostic;
use crate::ronfile::{self, RonError};

/// The shipped key maps, by name.
pub const BUILTIN: &[(&str, &str)] = &[
    ("default", include_str!("../../themes/keymaps/default.ron")),
    ("vim", include_str!("../../themes/keymaps/vim.ron")),
];

/// A key with the modifiers that matter (Shift is folded into the character).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub code: KeyName,
    pub ctrl: bool,
    pub alt: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyName {
    Char(char),
    F(u8),
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Delete,
}

const NAMED: &[(&str, KeyName)] = &[
    ("Up", KeyName::Up),
    ("Down", KeyName::Down),
    ("Left", KeyName::Left),
    ("Right", KeyName::Right),
    ("PageUp", KeyName::PageUp),
    ("PageDown", KeyName::PageDown),
    ("Home", KeyName::Home),
    ("End", KeyName::End),
    ("Enter", KeyName::Enter),
    ("Esc", KeyName::Esc),
    ("Tab", KeyName::Tab),
    ("BackTab", KeyName::BackTab),
    ("Backspace", KeyName::Backspace),
    ("Delete", KeyName::Delete),
    ("Space", KeyName::Char(' ')),
];

impl Key {
    pub fn plain(code: KeyName) -> Key {
        Key {
            code,
            ctrl: false,
            alt: false,
        }
    }

    pub fn char(c: char) -> Key {
        Key::plain(KeyName::Char(c))
    }

    pub fn ctrl(c: char) -> Key {
        Key {
            ctrl: true,
            ..Key::char(c)
        }
    }

    /// The key of a crossterm event, or `None` for keys no map can name.
    pub fn from_event(ev: &KeyEvent) -> Option<Key> {
        let code = match ev.code {
            KeyCode::Char(c) => KeyName::Char(if ev.modifiers.contains(KeyModifiers::CONTROL) {
                c.to_ascii_lowercase()
            } else {
                c
            }),
            KeyCode::F(n) => KeyName::F(n),
            KeyCode::Up => KeyName::Up,
            KeyCode::Down => KeyName::Down,
            KeyCode::Left => KeyName::Left,
            KeyCode::Right => KeyName::Right,
            KeyCode::PageUp => KeyName::PageUp,
            KeyCode::PageDown => KeyName::PageDown,
            KeyCode::Home => KeyName::Home,
            KeyCode::End => KeyName::End,
            KeyCode::Enter => KeyName::Enter,
            KeyCode::Esc => KeyName::Esc,
            KeyCode::Tab => KeyName::Tab,
            KeyCode::BackTab => KeyName::BackTab,
            KeyCode::Backspace => KeyName::Backspace,
            KeyCode::Delete => KeyName::Delete,
            _ => return None,
        };
        Some(Key {
            code,
            ctrl: ev.modifiers.contains(KeyModifiers::CONTROL),
            alt: ev.modifiers.contains(KeyModifiers::ALT),
        })
    }

    /// Parses `q`, `Ctrl-c`, `Alt-x`, `PageUp`, `F5`, `Space`.
    pub fn parse(s: &str) -> Result<Key, String> {
        let mut rest = s;
        let mut key = Key::char(' ');
        loop {
            if let Some(r) = rest.strip_prefix("Ctrl-").filter(|r| !r.is_empty()) {
                key.ctrl = true;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("Alt-").filter(|r| !r.is_empty()) {
                key.alt = true;
                rest = r;
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        key.code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyName::Char(if key.ctrl { c.to_ascii_lowercase() } else { c }),
            _ => {
                if let Some((_, k)) = NAMED.iter().find(|(n, _)| *n == rest) {
                    *k
                } else if let Some(n) = rest
                    .strip_prefix('F')
                    .and_then(|n| n.parse::<u8>().ok())
                    .filter(|n| (1..=12).contains(n))
                {
                    KeyName::F(n)
                } else {
                    return Err(format!(
                        "unknown key `{s}`: use a single character, Ctrl-x, Alt-x, F1..F12 or one of {}",
                        NAMED.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
                    ));
                }
            }
        };
        Ok(key)
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("Ctrl-")?;
        }
        if self.alt {
            f.write_str("Alt-")?;
        }
        match self.code {
            KeyName::Char(' ') => f.write_str("Space"),
            KeyName::Char(c) => write!(f, "{c}"),
            KeyName::F(n) => write!(f, "F{n}"),
            other => {
                let name = NAMED.iter().find(|(_, k)| *k == other).map(|(n, _)| *n);
                f.write_str(name.unwrap_or("?"))
            }
        }
    }
}

/// One key-map file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeymapFile {
    #[allow(dead_code)] // checked by ronfile before deserialising
    version: u32,
    #[serde(default)]
    #[allow(dead_code)]
    name: String,
    bindings: BTreeMap<String, Vec<String>>,
}

/// Why a key map could not be used.
#[derive(Debug, thiserror::Error)]
pub enum KeymapError {
    #[error(transparent)]
    File(#[from] RonError),
    #[error("{file}: unknown action `{name}` in the key map; actions are: {}", Action::ALL.iter().map(|a| a.name()).collect::<Vec<_>>().join(", "))]
    UnknownAction { file: String, name: String },
    #[error("{file}: action `{action}`: {message}")]
    BadKey {
        file: String,
        action: String,
        message: String,
    },
    #[error(
        "unknown key map `{0}`; shipped maps are default and vim (or give a path to a .ron file)"
    )]
    Unknown(String),
}

/// The live bindings, plus any duplicate bindings found while building them.
#[derive(Clone, Debug)]
pub struct Keymap {
    pub name: String,
    by_key: BTreeMap<Key, Action>,
    by_action: BTreeMap<Action, Vec<Key>>,
    /// Readable reports of keys bound to two actions.
    pub duplicates: Vec<String>,
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap::builtin("default").expect("the shipped default key map parses")
    }
}

impl Keymap {
    fn empty(name: &str) -> Keymap {
        Keymap {
            name: name.into(),
            by_key: BTreeMap::new(),
            by_action: BTreeMap::new(),
            duplicates: Vec::new(),
        }
    }

    /// A shipped map: `default`, or `vim` (over `default`).
    pub fn builtin(name: &str) -> Result<Keymap, KeymapError> {
        let text = |n: &str| BUILTIN.iter().find(|(b, _)| *b == n).map(|(_, t)| *t);
        let base = text("default").ok_or_else(|| KeymapError::Unknown(name.into()))?;
        let mut map = Keymap::empty(name);
        map.layer(base, Path::new("themes/keymaps/default.ron"))?;
        if name != "default" {
            let t = text(name).ok_or_else(|| KeymapError::Unknown(name.into()))?;
            map.layer(t, &Path::new("themes/keymaps").join(format!("{name}.ron")))?;
        }
        Ok(map)
    }

    /// Lays the bindings in `text` over this map: each action it names gets exactly the
    /// keys it lists; a key taken from another action is reported as a duplicate.
    pub fn layer(&mut self, text: &str, display: &Path) -> Result<(), KeymapError> {
        let file: KeymapFile = ronfile::parse_str(text, display)?;
        let shown = display.display().to_string();
        let mut parsed: Vec<(Action, Vec<Key>)> = Vec::new();
        for (name, keys) in &file.bindings {
            let action = Action::from_name(name).ok_or_else(|| KeymapError::UnknownAction {
                file: shown.clone(),
                name: name.clone(),
            })?;
            let keys = keys
                .iter()
                .map(|k| Key::parse(k))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|message| KeymapError::BadKey {
                    file: shown.clone(),
                    action: name.clone(),
                    message,
                })?;
            parsed.push((action, keys));
        }
        // First drop the old keys of every action this layer names, so re-binding an
        // action never counts as a clash with its own former keys.
        for (action, _) in &parsed {
            if let Some(old) = self.by_action.remove(action) {
                for k in old {
                    self.by_key.remove(&k);
                }
            }
        }
        for (action, keys) in parsed {
            for key in keys {
                if let Some(other) = self.by_key.get(&key).copied()
                    && other != action
                {
                    self.duplicates.push(format!(
                        "{shown}: key {key} is bound to both `{}` and `{}`; `{}` wins",
                        other.name(),
                        action.name(),
                        action.name()
                    ));
                    if let Some(list) = self.by_action.get_mut(&other) {
                        list.retain(|k| *k != key);
                    }
                }
                self.by_key.insert(key, action);
                let list = self.by_action.entry(action).or_default();
                if !list.contains(&key) {
                    list.push(key);
                }
            }
        }
        Ok(())
    }

    /// Lays a user's key-map file over this map.
    pub fn layer_file(&mut self, path: &Path) -> Result<(), KeymapError> {
        let text = std::fs::read_to_string(path).map_err(|source| {
            KeymapError::File(RonError::Io {
                path: path.to_path_buf(),
                source,
            })
        })?;
        self.layer(&text, path)
    }

    /// The action bound to `key`, if any.
    pub fn action(&self, key: Key) -> Option<Action> {
        self.by_key.get(&key).copied()
    }

    /// The keys that do `action`, in the order the map lists them.
    pub fn keys(&self, action: Action) -> &[Key] {
        self.by_action
            .get(&action)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// `q/Ctrl-c` style label for the first two keys of `action`, or `None` when unbound.
    pub fn label(&self, action: Action) -> Option<String> {
        let keys = self.keys(action);
        if keys.is_empty() {
            return None;
        }
        Some(
            keys.iter()
                .take(2)
                .map(|k| k.to_string())
                .collect::<Vec<_>>()
                .join("/"),
        )
    }
}

/// `treaty check` for the key maps in `<root>/themes/keymaps/*.ron`: each laid over the
/// shipped default, as `--keys FILE` lays it; a key bound to two actions is an error at
/// the second binding, with its line and column.
pub fn check_dir(root: &Path) -> Vec<Diagnostic> {
    let dir = root.join("themes").join("keymaps");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut paths: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    paths.sort();
    let mut out = Vec::new();
    for path in paths {
        let display = crate::diag::display_path(root, &path);
        match std::fs::read_to_string(&path) {
            Ok(text) => out.extend(check_text(&text, &display)),
            Err(e) => out.push(Diagnostic::error(
                display,
                1,
                1,
                format!("cannot read: {e}"),
            )),
        }
    }
    out
}

/// The problems in one key-map file laid over the shipped default.
pub fn check_text(text: &str, display: &Path) -> Vec<Diagnostic> {
    let file: KeymapFile = match ronfile::parse_str(text, display) {
        Ok(f) => f,
        Err(e) => return vec![e.into_diagnostic()],
    };
    if let Err(e) = Keymap::default().layer(text, display) {
        let (name, message) = match e {
            KeymapError::UnknownAction { name, .. } => {
                let known: Vec<&str> = Action::ALL.iter().map(|a| a.name()).collect();
                let message = format!("unknown action `{name}`; actions are: {}", known.join(", "));
                (name, message)
            }
            KeymapError::BadKey {
                action, message, ..
            } => (action.clone(), format!("action `{action}`: {message}")),
            other => (String::new(), other.to_string()),
        };
        let (line, col) = ronfile::find_string(text, &name);
        return vec![Diagnostic::error(display, line, col, message)];
    }
    // Who holds each key as the layer goes: the default's keys, minus those of every
    // action this file names (it replaces their keys), then the file's bindings in the
    // order `Keymap::layer` takes them.
    let base = Keymap::default();
    let named: Vec<Action> = file
        .bindings
        .keys()
        .filter_map(|n| Action::from_name(n))
        .collect();
    let mut owner: BTreeMap<Key, Action> = base
        .by_key
        .iter()
        .filter(|(_, a)| !named.contains(a))
        .map(|(k, a)| (*k, *a))
        .collect();
    let index = crate::diag::LineIndex::new(text);
    let mut out = Vec::new();
    for (name, keys) in &file.bindings {
        let Some(action) = Action::from_name(name) else {
            continue;
        };
        let entry = text.find(&format!("\"{name}\"")).unwrap_or(0);
        for written in keys {
            let Ok(key) = Key::parse(written) else {
                continue;
            };
            if let Some(other) = owner.insert(key, action)
                && other != action
            {
                let at = text[entry..]
                    .find(&format!("\"{written}\""))
                    .map_or(entry, |i| entry + i);
                let (line, col) = index.line_col(at);
                out.push(
                    Diagnostic::error(
                        display,
                        line,
                        col,
                        format!(
                            "key {key} is bound to both `{}` and `{}`",
                            other.name(),
                            action.name()
                        ),
                    )
                    .with_help("give each key to one action"),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_locates_a_key_bound_twice_in_one_file() {
        let text = "(\n    version: 1,\n    bindings: {\n        \"help\": [\"?\"],\n        \"quit\": [\"q\", \"?\"],\n    },\n)\n";
        let diags = check_text(text, Path::new("k.ron"));
        assert_eq!(diags.len(), 1);
        assert_eq!(
            diags[0].to_string().lines().next().unwrap(),
            "k.ron:5:23: error: key ? is bound to both `help` and `quit`"
        );
    }

    #[test]
    fn shipped_maps_parse_without_duplicates_and_bind_every_action() {
        for (name, text) in BUILTIN {
            let map = Keymap::builtin(name).unwrap();
            assert!(map.duplicates.is_empty(), "{name}: {:?}", map.duplicates);
            let diags = check_text(text, Path::new(name));
            assert!(diags.is_empty(), "{name}: {}", diags[0]);
            for a in Action::ALL {
                assert!(
                    !map.keys(*a).is_empty(),
                    "{name}: `{}` has no key",
                    a.name()
                );
            }
        }
    }

    #[test]
    fn vim_keeps_arrows_and_adds_hjkl() {
        let map = Keymap::builtin("vim").unwrap();
        assert_eq!(map.action(Key::char('j')), Some(Action::Down));
        assert_eq!(map.action(Key::plain(KeyName::Down)), Some(Action::Down));
        assert_eq!(map.action(Key::char('q')), Some(Action::Quit));
    }

    #[test]
    fn user_layer_overrides_only_what_it_names_and_reports_clashes() {
        let mut map = Keymap::default();
        let user = r#"(version: 1, bindings: { "replay_next": ["q"], "help": ["h"] })"#;
        map.layer(user, Path::new("user.ron")).unwrap();
        assert_eq!(map.action(Key::char('q')), Some(Action::ReplayNext));
        assert_eq!(map.action(Key::char('h')), Some(Action::Help));
        assert_eq!(map.action(Key::char('?')), None, "help was re-bound");
        assert_eq!(map.action(Key::ctrl('c')), Some(Action::Quit));
        assert_eq!(map.duplicates.len(), 1, "{:?}", map.duplicates);
        assert!(map.duplicates[0].contains("key q is bound to both `quit` and `replay_next`"));
        assert_eq!(map.keys(Action::Quit), &[Key::ctrl('c')]);
    }

    #[test]
    fn bad_names_are_reported() {
        let mut map = Keymap::default();
        let err = map
            .layer(
                r#"(version: 1, bindings: { "fly": ["x"] })"#,
                Path::new("u.ron"),
            )
            .unwrap_err();
        assert!(err.to_string().contains("unknown action `fly`"), "{err}");
        let err = map
            .layer(
                r#"(version: 1, bindings: { "up": ["Hyper-x"] })"#,
                Path::new("u.ron"),
            )
            .unwrap_err();
        assert!(err.to_string().contains("unknown key `Hyper-x`"), "{err}");
    }

    #[test]
    fn keys_round_trip_through_their_names() {
        for s in [
            "q", "Ctrl-c", "Alt-x", "PageUp", "F5", "Space", "BackTab", "?", "L",
        ] {
            assert_eq!(Key::parse(s).unwrap().to_string(), s);
        }
    }
}
