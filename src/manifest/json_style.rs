//! A fast reader for JSON documents (`kubectl get -o json`, `.json` manifests), which are
//! YAML flow collections: it builds what the full parser builds for them, with the line of
//! every key and item, and answers `None` for anything it is not sure of (numbers other
//! than decimal integers, escapes it does not know, deep nesting, keys near YAML's length
//! limit, anything after the document), leaving that document to the full parser. Like
//! `block_style`, it never reports an error, and `readers_agree` holds it to the full
//! parser's results.

use serde_json::{Map, Value};

use super::block_style::scalars::{decimal, quoted};
use super::block_style::{Built, MAX_DEPTH, MAX_KEY_BYTES, is_printable_allowing_tabs};
use super::located::{LineMap, Located};

/// Larger documents go to the full parser, which enforces its own budgets. (A JSON List
/// from `kubectl get -o json` is one document, so this is larger than block style's.)
const MAX_BYTES: usize = 64 << 20;

/// Reads one piece from `split_documents` whose document is JSON. `None`: not JSON, or not
/// JSON this reader is sure of.
pub fn read_document(text: &str, first_line: u32) -> Option<Located> {
    let mut cursor = Cursor {
        text,
        pos: 0,
        line: first_line,
    };
    cursor.skip_marker_line();
    cursor.skip_space();
    // Looked at first, so a YAML document costs this reader a few bytes, not a scan.
    if !matches!(cursor.peek(), Some(b'{' | b'[')) {
        return None;
    }
    if text.len() > MAX_BYTES || !is_printable_allowing_tabs(text) {
        return None;
    }
    let (value, lines) = cursor.value(1)?;
    cursor.skip_space();
    (cursor.pos == text.len()).then_some(Located { value, lines })
}

struct Cursor<'a> {
    text: &'a str,
    pos: usize,
    line: u32,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    /// The piece's own `---` line, when nothing but spaces follow it.
    fn skip_marker_line(&mut self) {
        if let Some(rest) = self.text.strip_prefix("---")
            && let Some(end) = rest.find('\n')
            && rest[..end].trim_matches(' ').is_empty()
        {
            self.pos = 3 + end + 1;
            self.line += 1;
        }
    }

    fn skip_space(&mut self) {
        while let Some(b) = self.peek() {
            match b {
                b' ' | b'\t' => self.pos += 1,
                b'\n' => {
                    self.pos += 1;
                    self.line += 1;
                }
                _ => break,
            }
        }
    }

    /// Spaces and tabs only: what may stand between a key and its colon.
    fn skip_blanks(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Option<Built> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.skip_space();
        let line = self.line;
        match self.peek()? {
            b'{' => self.object(depth, line),
            b'[' => self.array(depth, line),
            b'"' => Some((Value::String(self.string()?), LineMap::leaf(line))),
            _ => Some((self.literal()?, LineMap::leaf(line))),
        }
    }

    fn object(&mut self, depth: usize, line: u32) -> Option<Built> {
        self.pos += 1;
        let mut map = Map::new();
        let mut fields = Vec::new();
        self.skip_space();
        if self.peek() == Some(b'}') {
            self.pos += 1;
        } else {
            loop {
                self.skip_space();
                let (key_start, key_line) = (self.pos, self.line);
                if self.peek() != Some(b'"') {
                    return None;
                }
                let key = self.string()?;
                // A key and its colon share a line in YAML, within its length limit.
                self.skip_blanks();
                if self.peek() != Some(b':') || self.pos - key_start > MAX_KEY_BYTES {
                    return None;
                }
                self.pos += 1;
                let (value, mut lines) = self.value(depth + 1)?;
                lines.line = key_line;
                if map.insert(key.clone(), value).is_some() {
                    return None;
                }
                fields.push((key, lines));
                if self.next_or_close(b'}')? {
                    break;
                }
            }
        }
        Some((Value::Object(map), LineMap::fields(line, fields)))
    }

    fn array(&mut self, depth: usize, line: u32) -> Option<Built> {
        self.pos += 1;
        let mut values = Vec::new();
        let mut items = Vec::new();
        self.skip_space();
        if self.peek() == Some(b']') {
            self.pos += 1;
        } else {
            loop {
                let (value, lines) = self.value(depth + 1)?;
                values.push(value);
                items.push(lines);
                if self.next_or_close(b']')? {
                    break;
                }
            }
        }
        Some((Value::Array(values), LineMap::items(line, items)))
    }

    /// After an entry: `Some(false)` at a comma, `Some(true)` at `close`, `None` for
    /// anything else (a trailing comma included).
    fn next_or_close(&mut self, close: u8) -> Option<bool> {
        self.skip_space();
        match self.peek()? {
            b',' => {
                self.pos += 1;
                self.skip_space();
                (self.peek() != Some(close)).then_some(false)
            }
            b if b == close => {
                self.pos += 1;
                Some(true)
            }
            _ => None,
        }
    }

    /// A string that ends on its line (YAML folds line breaks inside quotes; JSON has none).
    fn string(&mut self) -> Option<String> {
        let rest = &self.text[self.pos..];
        let line = rest.split('\n').next().unwrap_or_default();
        let (value, after) = quoted(line)?;
        // Escapes that make control characters are left to the full parser.
        if value
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
        {
            return None;
        }
        self.pos += line.len() - after.len();
        Some(value)
    }

    /// `true`, `false`, `null` or a decimal integer, ended by a space, comma or bracket.
    fn literal(&mut self) -> Option<Value> {
        let rest = &self.text[self.pos..];
        let end = rest
            .find([' ', '\t', '\n', ',', ']', '}'])
            .unwrap_or(rest.len());
        let word = &rest[..end];
        let value = match word {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "null" => Value::Null,
            _ => match word.strip_prefix('-') {
                Some(digits) => Value::from(-i64::try_from(decimal(digits)?).ok()?),
                None => Value::from(decimal(word)?),
            },
        };
        self.pos += end;
        Some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::FieldPath;
    use serde_json::json;

    #[test]
    fn reads_json_with_the_line_of_every_key_and_item() {
        let text = "---\n{\n  \"kind\": \"Pod\",\n  \"spec\": {\n    \"containers\": [\n      {\"name\": \"a\", \"ports\": [80, -1]},\n      {\n        \"name\": \"b\"\n      }\n    ],\n    \"hostPID\": true\n  }\n}\n";
        let doc = read_document(text, 10).unwrap();
        assert_eq!(doc.value["spec"]["containers"][0]["ports"], json!([80, -1]));
        let containers = FieldPath::of(&["spec", "containers"]);
        assert_eq!(doc.lines.line_of(&FieldPath::root()), 11);
        assert_eq!(doc.lines.line_of(&containers), 14);
        assert_eq!(doc.lines.line_of(&containers.clone().index(1)), 16);
        assert_eq!(doc.lines.line_of(&containers.index(1).key("name")), 17);
        assert_eq!(doc.lines.line_of(&FieldPath::of(&["spec", "hostPID"])), 20);
    }

    #[test]
    fn leaves_the_doubtful_to_the_full_reader() {
        for text in [
            "{\"a\": 1.5}",
            "{\"a\": 1e3}",
            "{\"a\": 007}",
            "{\"a\": [1,]}",
            "{\"a\": 1, \"a\": 2}",
            "{\"a\"\n: 1}",
            "{\"a\": \"\\u0001\"}",
            "{\"a\": \"\\ud83d\\ude00\"}",
            "{\"a\": 1} # c",
            "{\"a\": 1} {}",
            "{a: 1}",
            "kind: Pod",
            "{\"a\": \"x\r\n\"}",
        ] {
            assert_eq!(read_document(text, 1), None, "{text:?}");
        }
        let long_key = format!("{{\"{}\": 1}}", "k".repeat(1000));
        assert_eq!(read_document(&long_key, 1), None);
        let deep = format!("{}{}", "[".repeat(40), "]".repeat(40));
        assert_eq!(read_document(&deep, 1), None);
    }
}
