//! Themes: semantic style names mapped to colours.
//!
//! Widgets never ask for a colour; they ask for a name such as `diff.inserted.token` or
//! `bracket.depth.2`, and the theme answers with a [`Style`]. Names are dotted and fall back
//! from the most specific to the least, helix-style, merging field by field on the way:
//! `diff.inserted.token` is `default`, patched by `diff`, then `diff.inserted`, then
//! `diff.inserted.token`, so a token style that only says `underline` keeps the inserted
//! colour. The names a theme may set are listed in [`STYLE_NAMES`].
//!
//! A theme file is RON:
//!
//! ```ron
//! (
//!     version: 1,
//!     name: "mine",
//!     inherits: Some("light"), // optional; a theme inherits `default` unless it says so
//!     styles: {
//!         "bracket.depth.1": (fg: Some("yellow"), bold: Some(true)),
//!         "diff.inserted.token": (fg: Some("#00aa66"), underline: Some(true)),
//!     },
//! )
//! ```
//!
//! A theme overrides only the names, and within a name only the fields, it gives.
//! This module is terminal-agnostic: the TUI converts [`Color`] to its own colour type.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::Deserialize;

use crate::diag::{Diagnostic, LineIndex, display_path};
use crate::ronfile::{self, RonError};
use crate::suggest;

/// One semantic style name and what it is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StyleName {
    pub name: &'static str,
    pub doc: &'static str,
}

const fn n(name: &'static str, doc: &'static str) -> StyleName {
    StyleName { name, doc }
}

/// Every style name the workbench uses, and so every name a theme file may set.
///
/// The list is closed under prefixes (`diff` is here because `diff.inserted` is), so any
/// level of a fallback chain can be themed.
pub const STYLE_NAMES: &[StyleName] = &[
    n(
        "default",
        "text with no more specific style; the base of every lookup",
    ),
    n("title", "the treaty's title"),
    n("heading", "Part, Chapter, Article and Annex headings"),
    n("clause", "parent of the clause.* names"),
    n("clause.id", "a clause's stable id, `{#id}`"),
    n(
        "clause.number",
        "a clause's number or label: `1.`, `(a)`, `PP1.`",
    ),
    n("bracket", "bracketed (unagreed) text at any depth"),
    n("bracket.depth", "parent of the bracket.depth.* names"),
    n("bracket.depth.1", "bracketed text, outermost bracket"),
    n("bracket.depth.2", "bracketed text nested two deep"),
    n("bracket.depth.3", "bracketed text nested three deep"),
    n("bracket.depth.4", "bracketed text nested four or more deep"),
    n(
        "bracket.open",
        "the `[` and `]` marks of an unresolved bracket; layered over the depth style",
    ),
    n("alternative", "one alternative in `[a][b]` or `[a/b]`"),
    n(
        "alternative.separator",
        "the `/` or `][` between alternatives",
    ),
    n("option", "an `Option N:` line's text"),
    n("option.label", "the `Option N:` label"),
    n("option.no_text", "`Option N: No text.`"),
    n(
        "attribution",
        "who proposed or supports bracketed text: `- EU, AU`",
    ),
    n(
        "attribution.delete",
        "a delegation's call to delete: `G77 delete`",
    ),
    n("placeholder", "`[Placeholder for ...]`"),
    n(
        "emphasis",
        "`*emphasis*` in clause text, its markers hidden",
    ),
    n(
        "strong",
        "`**strong emphasis**` in clause text, its markers hidden",
    ),
    n(
        "link",
        "a link's text, `[text](url)`; its number follows and its target is listed below",
    ),
    n("status", "a status mark such as `[agreed ad ref]`"),
    n("status.agreed", "text or marks that are agreed"),
    n(
        "problem",
        "something wrong in the draft itself: an unclosed bracket, a bad reference",
    ),
    n("diff", "parent of the diff.* names"),
    n("diff.inserted", "a line or clause added between rounds"),
    n("diff.deleted", "a line or clause removed between rounds"),
    n(
        "diff.inserted.token",
        "an inserted word within a changed line; never colour alone",
    ),
    n(
        "diff.deleted.token",
        "a deleted word within a changed line; never colour alone",
    ),
    n("diff.moved", "text moved, not changed"),
    n("tier", "parent of the tier.* names"),
    n("tier.1", "obligations or Parties of tier 1"),
    n("tier.2", "obligations or Parties of tier 2"),
    n("tier.3", "obligations or Parties of tier 3"),
    n("tier.disputed", "a tier assignment still under negotiation"),
    n("annex", "parent of the annex.* names"),
    n("annex.proposed", "an annex proposal with status proposed"),
    n(
        "annex.under_negotiation",
        "an annex proposal under negotiation",
    ),
    n("annex.agreed", "an agreed annex"),
    n("annex.withdrawn", "a withdrawn annex proposal"),
    n("round", "a negotiation round's name or date"),
    n("delegation", "a delegation or Party code"),
    n("selection", "the selected row or clause"),
    n("statusbar", "the status bar"),
    n("hint", "the key-hint bar and other secondary text"),
    n("help", "the help screen's text"),
    n("help.key", "a key in the help screen or the hint bar"),
    n("error", "an error message"),
    n("warning", "a warning message"),
    n("border", "pane borders"),
    n("border.focused", "the border of the focused pane"),
];

/// Whether `name` is one of [`STYLE_NAMES`].
pub fn is_known(name: &str) -> bool {
    STYLE_NAMES.iter().any(|s| s.name == name)
}

/// Names whose meaning must not rest on colour alone: every theme gives them bold,
/// underline or crossed-out (checked by tests for shipped themes, warned about by
/// [`Theme::validate`] for user themes).
pub const EMPHASIS_REQUIRED: &[&str] = &["diff.inserted.token", "diff.deleted.token"];

// ---------------------------------------------------------------------------------------
// Colours

/// A terminal colour, independent of any terminal library.
///
/// Named colours are the terminal's own 16, so they follow the user's palette. Beware when
/// converting: `white` is ANSI 7 (ratatui's `Gray`) and `bright_white` is ANSI 15
/// (ratatui's `White`); `bright_black` is ratatui's `DarkGray`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Color {
    /// The terminal's default foreground or background.
    Reset,
    Black,
    Red,
    Green,
    Yellow,
    Blue,
    Magenta,
    Cyan,
    White,
    BrightBlack,
    BrightRed,
    BrightGreen,
    BrightYellow,
    BrightBlue,
    BrightMagenta,
    BrightCyan,
    BrightWhite,
    /// One of the 256 indexed colours, written `i0`..`i255`.
    Indexed(u8),
    /// A 24-bit colour, written `#rrggbb`.
    Rgb(u8, u8, u8),
}

/// The 16 named colours, in ANSI order, with their canonical spelling.
const NAMED: &[(&str, Color)] = &[
    ("black", Color::Black),
    ("red", Color::Red),
    ("green", Color::Green),
    ("yellow", Color::Yellow),
    ("blue", Color::Blue),
    ("magenta", Color::Magenta),
    ("cyan", Color::Cyan),
    ("white", Color::White),
    ("bright_black", Color::BrightBlack),
    ("bright_red", Color::BrightRed),
    ("bright_green", Color::BrightGreen),
    ("bright_yellow", Color::BrightYellow),
    ("bright_blue", Color::BrightBlue),
    ("bright_magenta", Color::BrightMagenta),
    ("bright_cyan", Color::BrightCyan),
    ("bright_white", Color::BrightWhite),
];

/// Accepted extra spellings. `gray` and `dark_gray` follow ratatui's names for ANSI 7 and 8.
const ALIASES: &[(&str, Color)] = &[
    ("gray", Color::White),
    ("grey", Color::White),
    ("dark_gray", Color::BrightBlack),
    ("dark_grey", Color::BrightBlack),
];

/// The colour forms, for messages.
pub const COLOR_FORMS: &str = "black, red, green, yellow, blue, magenta, cyan, white, \
     bright_black, bright_red, bright_green, bright_yellow, bright_blue, bright_magenta, \
     bright_cyan, bright_white (also gray, dark_gray), reset, i0..i255 (indexed), #rrggbb";

/// A colour string that is none of the accepted forms.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown colour `{given}`: expected one of {COLOR_FORMS}")]
pub struct ColorError {
    pub given: String,
}

impl FromStr for Color {
    type Err = ColorError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ColorError {
            given: s.to_string(),
        };
        if s == "reset" {
            return Ok(Color::Reset);
        }
        if let Some(&(_, c)) = NAMED.iter().chain(ALIASES).find(|(name, _)| *name == s) {
            return Ok(c);
        }
        if let Some(hex) = s.strip_prefix('#') {
            if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(err());
            }
            let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| err());
            return Ok(Color::Rgb(byte(0)?, byte(2)?, byte(4)?));
        }
        if let Some(digits) = s.strip_prefix('i')
            && !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
        {
            return digits.parse().map(Color::Indexed).map_err(|_| err());
        }
        Err(err())
    }
}

impl fmt::Display for Color {
    /// The canonical spelling, which [`Color::from_str`] reads back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Color::Reset => f.write_str("reset"),
            Color::Indexed(i) => write!(f, "i{i}"),
            Color::Rgb(r, g, b) => write!(f, "#{r:02x}{g:02x}{b:02x}"),
            named => {
                let name = NAMED
                    .iter()
                    .find(|(_, c)| c == named)
                    .map_or("reset", |(name, _)| name);
                f.write_str(name)
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Styles

/// How to draw text. Every field is optional so that styles merge field by field: `None`
/// means "as the less specific style says".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Style {
    pub fg: Option<Color>,
    pub bg: Option<Color>,
    pub bold: Option<bool>,
    pub italic: Option<bool>,
    pub underline: Option<bool>,
    pub reversed: Option<bool>,
    pub dim: Option<bool>,
    pub crossed_out: Option<bool>,
}

impl Style {
    /// `self` with every field that `over` sets replaced by `over`'s.
    #[must_use]
    pub fn patch(self, over: Style) -> Style {
        Style {
            fg: over.fg.or(self.fg),
            bg: over.bg.or(self.bg),
            bold: over.bold.or(self.bold),
            italic: over.italic.or(self.italic),
            underline: over.underline.or(self.underline),
            reversed: over.reversed.or(self.reversed),
            dim: over.dim.or(self.dim),
            crossed_out: over.crossed_out.or(self.crossed_out),
        }
    }

    /// Whether the style marks text by something other than colour: bold, underline or
    /// crossed-out, which survive a monochrome terminal and colour blindness.
    pub fn has_non_colour_emphasis(&self) -> bool {
        [self.bold, self.underline, self.crossed_out].contains(&Some(true))
    }
}

/// A style as written in a theme file: colours still strings, so that a bad one can be
/// reported at its line and column.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct StyleSpec {
    fg: Option<String>,
    bg: Option<String>,
    bold: Option<bool>,
    italic: Option<bool>,
    underline: Option<bool>,
    reversed: Option<bool>,
    dim: Option<bool>,
    crossed_out: Option<bool>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    #[allow(dead_code)] // checked by `ronfile`
    version: u32,
    name: String,
    #[serde(default)]
    inherits: Option<String>,
    #[serde(default)]
    styles: BTreeMap<String, StyleSpec>,
}

// ---------------------------------------------------------------------------------------
// Themes

/// The themes compiled into the binary, so it works from any directory.
const BUILTIN: &[(&str, &str)] = &[
    ("default", include_str!("../../../themes/default.ron")),
    ("light", include_str!("../../../themes/light.ron")),
    (
        "high-contrast",
        include_str!("../../../themes/high-contrast.ron"),
    ),
    (
        "colourblind",
        include_str!("../../../themes/colourblind.ron"),
    ),
];

/// The names of the built-in themes.
pub fn builtin_names() -> impl Iterator<Item = &'static str> {
    BUILTIN.iter().map(|(name, _)| *name)
}

/// Why a theme could not be had.
#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    /// The file could not be read, or is wrong at a known line and column.
    #[error(transparent)]
    File(#[from] RonError),
    #[error("unknown theme `{name}`; available: {}", available.join(", "))]
    Unknown {
        name: String,
        available: Vec<String>,
    },
    #[error("themes inherit in a loop: {}", chain.join(" -> "))]
    Cycle { chain: Vec<String> },
}

impl ThemeError {
    /// As a diagnostic; errors not tied to a file are reported against `path`.
    pub fn into_diagnostic(self, path: &Path) -> Diagnostic {
        match self {
            ThemeError::File(e) => e.into_diagnostic(),
            other => Diagnostic::error(path, 1, 1, other.to_string()),
        }
    }
}

/// A resolved theme: its own styles merged over those of the theme it inherits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Theme {
    name: String,
    styles: BTreeMap<String, Style>,
}

impl Default for Theme {
    /// The built-in `default` theme.
    fn default() -> Self {
        Theme::builtin("default").unwrap_or_else(|_| Theme {
            name: "default".into(),
            styles: BTreeMap::new(),
        })
    }
}

impl Theme {
    /// The theme's `name` field.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The style for `name`, resolved: `default`, patched by each dotted prefix of `name`
    /// from the shortest to `name` itself. Names the theme does not set are skipped, so an
    /// unknown name still gets a sensible style.
    pub fn style(&self, name: &str) -> Style {
        let mut style = self.styles.get("default").copied().unwrap_or_default();
        if name == "default" {
            return style;
        }
        for (i, _) in name.match_indices('.') {
            if let Some(s) = self.styles.get(&name[..i]) {
                style = style.patch(*s);
            }
        }
        if let Some(s) = self.styles.get(name) {
            style = style.patch(*s);
        }
        style
    }

    /// Several names layered left to right, as a widget draws `bracket.open` inside
    /// `bracket.depth.2`. The first name is resolved as by [`Theme::style`]; each later
    /// one patches it with its own fields and those of its prefixes that the earlier names
    /// do not share, so `bracket.open` adds its boldness without `bracket`'s colour
    /// undoing the depth colour.
    pub fn compose<'a>(&self, names: impl IntoIterator<Item = &'a str>) -> Style {
        let mut style = self.style("default");
        let mut earlier: Vec<&str> = Vec::new();
        for name in names {
            let shared = |prefix: &str| {
                earlier.iter().any(|e| {
                    *e == prefix || e.strip_prefix(prefix).is_some_and(|r| r.starts_with('.'))
                })
            };
            let prefixes = name.match_indices('.').map(|(i, _)| &name[..i]);
            for level in prefixes.chain([name]) {
                if !shared(level)
                    && let Some(s) = self.styles.get(level)
                {
                    style = style.patch(*s);
                }
            }
            earlier.push(name);
        }
        style
    }

    /// The style set for exactly `name` (after inheritance), without fallback.
    pub fn get(&self, name: &str) -> Option<&Style> {
        self.styles.get(name)
    }

    /// A built-in theme by name.
    pub fn builtin(name: &str) -> Result<Theme, ThemeError> {
        ThemeSet::builtin_only().load(name)
    }

    /// Reads a theme file. `inherits` is looked for next to the file, then among the
    /// built-in themes. `display` is the path to show in messages.
    pub fn load(path: &Path, display: &Path) -> Result<Theme, ThemeError> {
        let dirs = path.parent().map(Path::to_path_buf).into_iter().collect();
        let set = ThemeSet::new(dirs);
        let text = std::fs::read_to_string(path).map_err(|source| RonError::Io {
            path: display.to_path_buf(),
            source,
        })?;
        set.resolve_text(&text, display, &stem(path), &mut Vec::new(), false)
    }

    /// Parses theme text; `inherits` may name only a built-in theme.
    #[allow(clippy::should_implement_trait)] // takes a display path too
    pub fn from_str(text: &str, display: &Path) -> Result<Theme, ThemeError> {
        ThemeSet::builtin_only().resolve_text(text, display, &stem(display), &mut Vec::new(), false)
    }

    /// Finds a theme by name: `<dir>/<name>.ron` in the first of `user_dirs` that has it,
    /// else the built-in theme of that name.
    pub fn resolve(name: &str, user_dirs: &[PathBuf]) -> Result<Theme, ThemeError> {
        ThemeSet::new(user_dirs.to_vec()).load(name)
    }

    /// Every problem in one theme's text, for `treaty check`: syntax, version, unknown
    /// style names (with a suggestion), unknown colours, an `inherits` that is not a
    /// built-in theme (a warning; it may be a user theme), and, as warnings, changed-word
    /// styles that rely on colour alone.
    pub fn validate(text: &str, display: &Path) -> Vec<Diagnostic> {
        ThemeSet::builtin_only().validate_text(text, display)
    }
}

/// Where themes are looked for: user directories first, then the built-in themes.
#[derive(Clone, Debug, Default)]
pub struct ThemeSet {
    dirs: Vec<PathBuf>,
}

/// How deep `inherits` may chain before it is taken for a loop that the name check missed.
const MAX_INHERITANCE: usize = 16;

impl ThemeSet {
    pub fn new(dirs: Vec<PathBuf>) -> Self {
        Self { dirs }
    }

    pub fn builtin_only() -> Self {
        Self::default()
    }

    /// Every theme name available: user files, then built-ins, without duplicates.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for dir in &self.dirs {
            let Ok(entries) = std::fs::read_dir(dir) else {
                continue;
            };
            let mut found: Vec<String> = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "ron"))
                .filter_map(|p| p.file_stem()?.to_str().map(str::to_string))
                .collect();
            found.sort();
            names.extend(found);
        }
        names.extend(builtin_names().map(str::to_string));
        let mut seen = std::collections::HashSet::new();
        names.retain(|n| seen.insert(n.clone()));
        names
    }

    /// The theme called `name`, resolved with everything it inherits.
    pub fn load(&self, name: &str) -> Result<Theme, ThemeError> {
        self.load_chain(name, &mut Vec::new(), false)
    }

    /// Checks every `*.ron` in the user directories; paths are shown relative to `root`.
    pub fn check(&self, root: &Path) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for dir in &self.dirs {
            let Ok(entries) = std::fs::read_dir(dir) else {
                continue;
            };
            let mut paths: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "ron"))
                .collect();
            paths.sort();
            for path in paths {
                let display = display_path(root, &path);
                match std::fs::read_to_string(&path) {
                    Ok(text) => out.extend(self.validate_text(&text, &display)),
                    Err(e) => out.push(Diagnostic::error(
                        display,
                        1,
                        1,
                        format!("cannot read: {e}"),
                    )),
                }
            }
        }
        out
    }

    fn user_file(&self, name: &str) -> Option<PathBuf> {
        // A theme name is a file stem, never a path.
        if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
            return None;
        }
        self.dirs
            .iter()
            .map(|d| d.join(format!("{name}.ron")))
            .find(|p| p.is_file())
    }

    /// `builtin_parent`: the theme inheriting from `name` is itself called `name` (a user
    /// `default.ron` refining the built-in one), so skip the user directories.
    fn load_chain(
        &self,
        name: &str,
        chain: &mut Vec<String>,
        builtin_parent: bool,
    ) -> Result<Theme, ThemeError> {
        if (!builtin_parent && chain.iter().any(|c| c == name)) || chain.len() > MAX_INHERITANCE {
            let mut chain = chain.clone();
            chain.push(name.to_string());
            return Err(ThemeError::Cycle { chain });
        }
        if !builtin_parent && let Some(path) = self.user_file(name) {
            let text = std::fs::read_to_string(&path).map_err(|source| RonError::Io {
                path: path.clone(),
                source,
            })?;
            return self.resolve_text(&text, &path, name, chain, false);
        }
        if let Some((_, text)) = BUILTIN.iter().find(|(n, _)| *n == name) {
            let display = PathBuf::from(format!("<builtin>/themes/{name}.ron"));
            return ThemeSet::builtin_only().resolve_text(text, &display, name, chain, true);
        }
        Err(ThemeError::Unknown {
            name: name.to_string(),
            available: self.names(),
        })
    }

    /// Parses and resolves one theme's text. `own_name` is the name it was found by;
    /// `chain` holds the themes already being resolved above this one, to catch loops.
    fn resolve_text(
        &self,
        text: &str,
        display: &Path,
        own_name: &str,
        chain: &mut Vec<String>,
        builtin: bool,
    ) -> Result<Theme, ThemeError> {
        let file: ThemeFile = ronfile::parse_str(text, display)?;
        let own = match convert(&file, text, display) {
            Ok(own) => own,
            Err(mut diags) => {
                return Err(RonError::Invalid(Box::new(diags.swap_remove(0))).into());
            }
        };
        let mut styles = match parent_of(&file, own_name, builtin) {
            None => BTreeMap::new(),
            Some(parent) => {
                chain.push(own_name.to_string());
                // A user theme inheriting its own name refines the built-in one.
                let theme = self.load_chain(&parent, chain, parent == own_name)?;
                chain.pop();
                theme.styles
            }
        };
        for (name, style) in own {
            let merged = styles.get(&name).copied().unwrap_or_default().patch(style);
            styles.insert(name, merged);
        }
        Ok(Theme {
            name: file.name,
            styles,
        })
    }

    fn validate_text(&self, text: &str, display: &Path) -> Vec<Diagnostic> {
        let file: ThemeFile = match ronfile::parse_str(text, display) {
            Ok(f) => f,
            Err(e) => return vec![e.into_diagnostic()],
        };
        if let Err(diags) = convert(&file, text, display) {
            return diags;
        }
        let mut out = Vec::new();
        if let Some(parent) = parent_of(&file, &stem(display), false) {
            let known = self.user_file(&parent).is_some() || builtin_names().any(|b| b == parent);
            if !known {
                let (line, col) = ronfile::find_string(text, &parent);
                let d = Diagnostic::warning(
                    display,
                    line,
                    col,
                    format!("inherits `{parent}`, which is not a known theme here"),
                )
                .with_help(format!(
                    "built-in themes: {}",
                    builtin_names().collect::<Vec<_>>().join(", ")
                ));
                out.push(d);
                return out;
            }
        }
        match self.resolve_text(text, display, &stem(display), &mut Vec::new(), false) {
            Ok(theme) => {
                for name in EMPHASIS_REQUIRED {
                    if !theme.style(name).has_non_colour_emphasis() {
                        let (line, col) = match ronfile::find_string(text, name) {
                            (1, 1) => ronfile::find_field(text, "styles"),
                            at => at,
                        };
                        out.push(
                            Diagnostic::warning(
                                display,
                                line,
                                col,
                                format!("`{name}` is marked by colour alone"),
                            )
                            .with_help(
                                "add `bold: Some(true)`, `underline: Some(true)` or \
                                 `crossed_out: Some(true)` so changes show without colour",
                            ),
                        );
                    }
                }
            }
            Err(e) => out.push(e.into_diagnostic(display)),
        }
        out
    }
}

/// A theme's name as found on disk: its file stem.
fn stem(path: &Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_string()
}

/// The theme a file inherits: as written, else `default`. Only the built-in `default`
/// inherits nothing; it is the root every theme ends in.
fn parent_of(file: &ThemeFile, own_name: &str, builtin: bool) -> Option<String> {
    match &file.inherits {
        Some(p) => Some(p.clone()),
        None if builtin && own_name == "default" => None,
        None => Some("default".to_string()),
    }
}

/// Checks names and colours of a parsed file; all problems, each at its line and column.
fn convert(
    file: &ThemeFile,
    text: &str,
    display: &Path,
) -> Result<Vec<(String, Style)>, Vec<Diagnostic>> {
    let index = LineIndex::new(text);
    let mut diags = Vec::new();
    let mut out = Vec::new();
    for (name, spec) in &file.styles {
        let key_at = text.find(&format!("\"{name}\""));
        if !is_known(name) {
            let (line, col) = key_at.map_or((1, 1), |i| index.line_col(i));
            let mut d = Diagnostic::error(display, line, col, format!("unknown style `{name}`"));
            d = match nearest_name(name) {
                Some(near) => d.with_help(suggest::help(near)),
                None => d.with_help("see `treaty_workbench::theme::STYLE_NAMES` for the names"),
            };
            diags.push(d);
            continue;
        }
        let mut colour = |value: &Option<String>| -> Option<Color> {
            let value = value.as_deref()?;
            match value.parse() {
                Ok(c) => Some(c),
                Err(e) => {
                    // The value's own occurrence after its style's key, not the first
                    // occurrence in the file: two styles may both name the bad colour.
                    let quoted = format!("\"{value}\"");
                    let from = key_at.unwrap_or(0);
                    let at = text[from..].find(&quoted).map(|i| from + i);
                    let (line, col) = at.map_or((1, 1), |i| index.line_col(i));
                    let mut d = Diagnostic::error(display, line, col, format!("{e}"));
                    if let Some(near) = suggest::nearest(value, NAMED.iter().map(|(n, _)| *n)) {
                        d = d.with_help(suggest::help(near));
                    }
                    diags.push(d);
                    None
                }
            }
        };
        let style = Style {
            fg: colour(&spec.fg),
            bg: colour(&spec.bg),
            bold: spec.bold,
            italic: spec.italic,
            underline: spec.underline,
            reversed: spec.reversed,
            dim: spec.dim,
            crossed_out: spec.crossed_out,
        };
        out.push((name.clone(), style));
    }
    if diags.is_empty() {
        Ok(out)
    } else {
        diags.sort_by_key(|d| (d.line, d.col));
        Err(diags)
    }
}

/// The known style name closest to `name`, if any is close enough to be a likely typo.
pub fn nearest_name(name: &str) -> Option<&'static str> {
    suggest::nearest(name, STYLE_NAMES.iter().map(|s| s.name))
}

#[cfg(test)]
mod tests;
