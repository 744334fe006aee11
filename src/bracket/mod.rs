//! Bracketed text.
