//! The JSON reader (`kubectl get -o json`, `.json` manifests): serde_json builds the value,
//! and the line of every key and item is where serde_json stands in the text when it
//! reaches them. It reads through [`LineCounting`], which hands it one byte at a time and
//! counts the line breaks it has handed out; serde_json looks at the first byte of a key or
//! an item (to know what it is) just before it asks for it, so the count at that moment is
//! that key's or item's line.
//!
//! What is not plain JSON (YAML flow style, comments, duplicate keys, nesting deeper than
//! [`MAX_DEPTH`], characters YAML does not allow) is answered with `None` and read as
//! YAML, which JSON is a subset of, so such a document gets the YAML reader's value or
//! error.

use std::cell::Cell;
use std::fmt;
use std::io;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use super::located::{LineMap, Located};
use super::split::Chunk;

/// Deeper documents go to the YAML reader, whose own depth limit (64 levels) then decides;
/// this keeps the answer for deep input the same whichever way the document is written.
const MAX_DEPTH: usize = 32;
/// YAML limits a key written without `?` to 1024 characters; longer keys are the YAML
/// reader's to judge (with room left for the quotes and the indentation it may count).
const MAX_KEY_BYTES: usize = 900;

/// Reads one piece from `split_documents` whose document is JSON. `None`: not plain JSON.
pub(super) fn read_document(chunk: &Chunk) -> Option<Located> {
    let (body, mut line) = after_marker_line(chunk.text, chunk.first_line);
    // The root's line is its first byte's, so the space before it is skipped here.
    let start = body.find(|c: char| !matches!(c, ' ' | '\t' | '\r' | '\n'))?;
    line = line.saturating_add(count_lines(&body[..start]));
    let body = &body[start..];
    // Looked at first, so a YAML document costs this reader one byte, not a parse.
    if !body.starts_with(['{', '[']) || !is_yaml_printable(body) {
        return None;
    }
    let line = Cell::new(line);
    let reader = LineCounting {
        rest: body.as_bytes(),
        line: &line,
    };
    let mut deserializer = serde_json::Deserializer::from_reader(reader);
    let (value, lines) = Node {
        line: &line,
        depth: 1,
    }
    .deserialize(&mut deserializer)
    .ok()?;
    deserializer.end().ok()?;
    Some(Located { value, lines })
}

/// The piece without its own `---` line, and the line it then starts on; the piece as it
/// is when that line holds more than the marker.
fn after_marker_line(text: &str, first_line: u32) -> (&str, u32) {
    if let Some(rest) = text.strip_prefix("---")
        && let Some((marker, body)) = rest.split_once('\n')
        && marker.trim_matches([' ', '\t', '\r']).is_empty()
    {
        return (body, first_line.saturating_add(1));
    }
    (text, first_line)
}

fn count_lines(text: &str) -> u32 {
    u32::try_from(text.bytes().filter(|&b| b == b'\n').count()).unwrap_or(u32::MAX)
}

/// Tabs, line breaks and printable characters: what YAML allows in a document. serde_json
/// takes more (DEL, C1 controls, a BOM inside the text); such input is the YAML reader's.
fn is_yaml_printable(text: &str) -> bool {
    let ascii = |b: u8| matches!(b, b'\t' | b'\n' | b'\r' | b' '..=b'~');
    if text.is_ascii() {
        return text.bytes().all(ascii);
    }
    text.chars().all(|c| match u8::try_from(c) {
        Ok(b) if b.is_ascii() => ascii(b),
        _ => !matches!(
            c,
            '\u{80}'..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
        ),
    })
}

/// Hands serde_json the text one byte per call, so what it has taken is exactly what it
/// has looked at, and counts the line breaks among those bytes.
struct LineCounting<'a> {
    rest: &'a [u8],
    line: &'a Cell<u32>,
}

impl io::Read for LineCounting<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let (Some(slot), Some((&byte, rest))) = (buf.first_mut(), self.rest.split_first()) else {
            return Ok(0);
        };
        *slot = byte;
        self.rest = rest;
        if byte == b'\n' {
            self.line.set(self.line.get().saturating_add(1));
        }
        Ok(1)
    }
}

/// Any JSON value with its line map. Its line is taken when serde_json asks for it: the
/// value's first byte is then the last one read. (A field's value is asked for before the
/// space after its colon is read; a field takes its key's line instead.)
struct Node<'a> {
    line: &'a Cell<u32>,
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = (Value, LineMap);

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        if self.depth > MAX_DEPTH {
            return Err(de::Error::custom(
                "nested deeper than the JSON reader reads",
            ));
        }
        let at = self.line.get();
        deserializer.deserialize_any(NodeVisitor { node: self, at })
    }
}

/// A key and its line.
struct Key<'a> {
    line: &'a Cell<u32>,
}

impl<'de> DeserializeSeed<'de> for Key<'_> {
    type Value = (String, u32);

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        let at = self.line.get();
        let key = String::deserialize(deserializer)?;
        if key.len() > MAX_KEY_BYTES {
            return Err(de::Error::custom("a key longer than YAML allows"));
        }
        Ok((key, at))
    }
}

struct NodeVisitor<'a> {
    node: Node<'a>,
    at: u32,
}

impl NodeVisitor<'_> {
    fn leaf<E>(&self, value: Value) -> Result<(Value, LineMap), E> {
        Ok((value, LineMap::leaf(self.at)))
    }

    fn child(&self) -> Node<'_> {
        Node {
            line: self.node.line,
            depth: self.node.depth + 1,
        }
    }
}

impl<'de> Visitor<'de> for NodeVisitor<'_> {
    type Value = (Value, LineMap);

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        self.leaf(Value::Null)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        self.leaf(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        self.leaf(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        self.leaf(Value::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        let number = Number::from_f64(v).ok_or_else(|| E::custom("a number JSON cannot hold"))?;
        self.leaf(Value::Number(number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        self.leaf(Value::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        self.leaf(Value::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut values = Vec::new();
        let mut items = Vec::new();
        while let Some((value, lines)) = seq.next_element_seed(self.child())? {
            values.push(value);
            items.push(lines);
        }
        Ok((Value::Array(values), LineMap::items(self.at, items)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut values = Map::new();
        let mut fields = Vec::new();
        while let Some((key, key_line)) = map.next_key_seed(Key {
            line: self.node.line,
        })? {
            let (value, mut lines) = map.next_value_seed(self.child())?;
            lines.line = key_line;
            // YAML refuses a duplicate key; the YAML reader says so.
            if values.insert(key.clone(), value).is_some() {
                return Err(de::Error::custom("a duplicate key"));
            }
            fields.push((key, lines));
        }
        Ok((Value::Object(values), LineMap::fields(self.at, fields)))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::manifest::FieldPath;
    use crate::manifest::yaml;

    fn read(text: &str, first_line: u32) -> Option<Located> {
        read_document(&Chunk { first_line, text })
    }

    #[test]
    fn reads_json_with_the_line_of_every_key_and_item() {
        let text = "---\n{\n  \"kind\": \"Pod\",\n  \"spec\": {\n    \"containers\": [\n      {\"name\": \"a\", \"ports\": [80, -1]},\n      {\n        \"name\": \"b\"\n      }\n    ],\n    \"hostPID\": true\n  }\n}\n";
        let doc = read(text, 10).unwrap();
        assert_eq!(doc.value["spec"]["containers"][0]["ports"], json!([80, -1]));
        let containers = FieldPath::of(&["spec", "containers"]);
        assert_eq!(doc.lines.line_of(&FieldPath::root()), 11);
        assert_eq!(doc.lines.line_of(&containers), 14);
        assert_eq!(doc.lines.line_of(&containers.clone().index(1)), 16);
        assert_eq!(doc.lines.line_of(&containers.index(1).key("name")), 17);
        assert_eq!(doc.lines.line_of(&FieldPath::of(&["spec", "hostPID"])), 20);
    }

    #[test]
    fn items_on_their_own_lines_keep_them() {
        // A number ends where the next byte is read: the item's line is taken before.
        let doc = read("[\n  1,\n  2\n]", 1).unwrap();
        assert_eq!(doc.lines.line_of(&FieldPath::root().index(0)), 2);
        assert_eq!(doc.lines.line_of(&FieldPath::root().index(1)), 3);
        let doc = read("\n\n{\"a\":\n\n  [true]}", 5).unwrap();
        assert_eq!(doc.lines.line_of(&FieldPath::root()), 7);
        assert_eq!(doc.lines.line_of(&FieldPath::of(&["a"])), 7);
        assert_eq!(doc.lines.line_of(&FieldPath::of(&["a"]).index(0)), 9);
    }

    #[test]
    fn reads_json_as_the_yaml_reader_does() {
        for text in [
            "{\"kind\": \"Pod\", \"spec\": {\"hostPID\": true, \"containers\": []}}",
            "---\n{\n\t\"a\": [1, -2, 1.5, 1e3, null, false, {}],\n\t\"b\": {\"c\": \"\\u00e9\\n\\\"\"}\n}\n",
            "\n  [\n    {\"x\": \"y\"},\n    [\"z\"]\n  ]\n",
            "{\"annotations\": {\"sidecar.istio.io/status\": \"{\\\"a\\\": 1}\", \"é\": \"ü\"}}",
        ] {
            let chunk = Chunk {
                first_line: 3,
                text,
            };
            let json = read_document(&chunk).expect(text);
            assert_eq!(Ok(vec![json]), yaml::read_documents(&chunk), "{text}");
        }
    }

    #[test]
    fn leaves_what_is_not_plain_json_to_the_yaml_reader() {
        for text in [
            "{\"a\": [1,]}",
            "{\"a\": 1, \"a\": 2}",
            "{\"a\": 1} # c",
            "{\"a\": 1} {}",
            "{\"a\": 1}\n...\n",
            "{a: 1}",
            "kind: Pod",
            "{\"a\": \"\u{85}\"}",
            "",
        ] {
            assert_eq!(read(text, 1), None, "{text:?}");
        }
        let long_key = format!("{{\"{}\": 1}}", "k".repeat(1000));
        assert_eq!(read(&long_key, 1), None);
        let deep = format!("{}{}", "[".repeat(40), "]".repeat(40));
        assert_eq!(read(&deep, 1), None);
    }
}
