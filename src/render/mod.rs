//! Turning results into text: tables for people, JSON/YAML/SARIF for machines.
