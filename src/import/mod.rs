//! Importing real treaty texts (plain text, Markdown) into the draft format.
