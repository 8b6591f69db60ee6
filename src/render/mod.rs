//! Turning results into text: tables for people, JSON/YAML/SARIF for machines. Nothing
//! here decides anything; it only lays out what the core returned.

mod admission;
pub(crate) mod check_table;
mod columns;
pub mod data;
pub(crate) mod explain_stream;
pub(crate) mod explain_table;
pub(crate) mod fleet_table;
pub(crate) mod migrate_table;
mod palette;
pub(crate) mod sarif;

pub(crate) use columns::Columns;
pub(crate) use palette::{Palette, Tone};
