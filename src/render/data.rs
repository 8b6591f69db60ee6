//! JSON and YAML output of any serialisable report.

use std::io::{self, Write};

use serde::Serialize;

pub fn json<T: Serialize>(value: &T) -> String {
    let mut text = Vec::new();
    write_json(value, &mut text).expect("reports serialise to JSON");
    String::from_utf8(text).expect("serde_json writes UTF-8")
}

/// [`json`]'s text, written as it is produced: a report of thousands of objects is not
/// built in memory first (35 MB for explain-pod on 10,000 documents).
pub fn write_json<T: Serialize>(value: &T, out: &mut impl Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(io::Error::from)?;
    out.write_all(b"\n")
}

pub fn yaml<T: Serialize>(value: &T) -> String {
    serde_saphyr::to_string(value).expect("reports serialise to YAML")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_json_is_the_same_text() {
        let value = serde_json::json!({"a": [1, {"b": "c"}], "d": null});
        let mut out = Vec::new();
        write_json(&value, &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), json(&value));
    }
}
