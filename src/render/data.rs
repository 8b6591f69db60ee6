//! JSON and YAML output of any serialisable report.

use serde::Serialize;

pub fn json<T: Serialize>(value: &T) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("reports serialise to JSON");
    text.push('\n');
    text
}

pub fn yaml<T: Serialize>(value: &T) -> String {
    serde_saphyr::to_string(value).expect("reports serialise to YAML")
}
