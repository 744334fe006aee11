//! Themes: semantic style names mapped to colours.
