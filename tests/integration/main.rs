//! All integration tests, in one binary so the crate is linked once.

mod support;

mod cli_document;
mod drafts_roundtrip;
mod synth;
