//! Turning results into text: tables for people, JSON/YAML/SARIF for machines.

pub mod explain_table;
pub mod sarif;
