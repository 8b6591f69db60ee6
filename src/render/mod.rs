//! Turning results into text: tables for people, JSON/YAML/SARIF for machines. Nothing
//! here decides anything; it only lays out what the core returned.

mod admission;
pub mod check_table;
mod columns;
pub mod data;
pub mod explain_stream;
pub mod explain_table;
pub mod fleet_table;
pub mod migrate_table;
mod palette;
pub mod sarif;

pub use columns::Columns;
pub use palette::{Palette, Tone};
