//! The bridge from the library's terminal-agnostic theme to ratatui styles.

use ratatui::style::{Color, Modifier, Style};

use crate::theme::{self as lib, Theme};

/// A ratatui colour for a theme colour. `white` is ANSI 7, which ratatui calls `Gray`.
pub fn color(c: lib::Color) -> Color {
    use lib::Color as C;
    match c {
        C::Reset => Color::Reset,
        C::Black => Color::Black,
        C::Red => Color::Red,
        C::Green => Color::Green,
        C::Yellow => Color::Yellow,
        C::Blue => Color::Blue,
        C::Magenta => Color::Magenta,
        C::Cyan => Color::Cyan,
        C::White => Color::Gray,
        C::BrightBlack => Color::DarkGray,
        C::BrightRed => Color::LightRed,
        C::BrightGreen => Color::LightGreen,
        C::BrightYellow => Color::LightYellow,
        C::BrightBlue => Color::LightBlue,
        C::BrightMagenta => Color::LightMagenta,
        C::BrightCyan => Color::LightCyan,
        C::BrightWhite => Color::White,
        C::Indexed(i) => Color::Indexed(i),
        C::Rgb(r, g, b) => Color::Rgb(r, g, b),
    }
}

/// A ratatui style for a resolved theme style. Fields the theme leaves unset stay unset,
/// so the terminal's own defaults show through.
pub fn style(s: lib::Style) -> Style {
    let mut out = Style::default();
    if let Some(fg) = s.fg {
        out = out.fg(color(fg));
    }
    if let Some(bg) = s.bg {
        out = out.bg(color(bg));
    }
    for (flag, m) in [
        (s.bold, Modifier::BOLD),
        (s.italic, Modifier::ITALIC),
        (s.underline, Modifier::UNDERLINED),
        (s.reversed, Modifier::REVERSED),
        (s.dim, Modifier::DIM),
        (s.crossed_out, Modifier::CROSSED_OUT),
    ] {
        match flag {
            Some(true) => out = out.add_modifier(m),
            Some(false) => out = out.remove_modifier(m),
            None => {}
        }
    }
    out
}

/// Styles by semantic name, resolved once per name and cached: rendering asks for the
/// same few dozen names on every frame.
#[derive(Clone, Debug)]
pub struct Styles {
    theme: Theme,
    cache: std::collections::HashMap<String, Style>,
}

impl Styles {
    pub fn new(theme: Theme) -> Styles {
        let mut cache = std::collections::HashMap::new();
        for n in crate::theme::STYLE_NAMES {
            cache.insert(n.name.to_string(), style(theme.style(n.name)));
        }
        Styles { theme, cache }
    }

    pub fn theme(&self) -> &Theme {
        &self.theme
    }

    /// The style for a semantic name such as `diff.inserted.token`.
    pub fn get(&self, name: &str) -> Style {
        self.cache
            .get(name)
            .copied()
            .unwrap_or_else(|| style(self.theme.style(name)))
    }

    /// Several names layered, as `bracket.open` over `bracket.depth.2`.
    pub fn compose(&self, names: &[&str]) -> Style {
        style(self.theme.compose(names.iter().copied()))
    }
}

impl Default for Styles {
    fn default() -> Self {
        Styles::new(Theme::default())
    }
}
