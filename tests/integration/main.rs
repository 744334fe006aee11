//! All integration tests, in one binary so the crate is linked once.

mod support;

mod bad_input;
mod cli_document;
mod drafts_roundtrip;
mod hostile_text;
