//! A fast reader for the block-style YAML that kubectl, Helm and kustomize print: indented
//! mappings and sequences, one scalar per line, plain or quoted. It builds exactly what the
//! full parser (`located::parse_chunk`) builds for such a document, about ten times
//! faster, and answers `None` for anything else (flow collections, block scalars,
//! anchors, tags, multi-line scalars, ambiguous plain scalars, anything near a limit), so
//! the caller hands that document to the full parser. It never reports an error: only the
//! full parser decides what is wrong with a document.
//!
//! `tests/manifest_readers.rs` checks that both readers agree on every document of the
//! fixtures, the fuzz corpus and generated manifests.

mod flow;
pub(super) mod scalars;

use serde_json::{Map, Value};

use super::located::{LineMap, Located};
use scalars::{decimal, key_text, quoted, resolve_plain};

/// Deeper documents go to the full parser, which enforces its own limit (64).
pub(super) const MAX_DEPTH: usize = 32;
/// YAML limits a key written without `?` to 1024 characters up to its colon (serde-saphyr:
/// `simple_key_max_lookahead`); long ones are the full parser's to judge. Counted in bytes,
/// never fewer than characters, with room left for the indentation a parser may count.
pub(super) const MAX_KEY_BYTES: usize = 900;
/// Larger documents go to the full parser, which enforces its own budgets.
const MAX_BYTES: usize = 8 << 20;

/// Reads one document piece from `split_documents` (the piece's first line is line
/// `first_line` of the stream). `Some(None)`: the piece holds no document (only a marker,
/// comments or blank lines). `None`: not this reader's kind of YAML.
pub fn read_document(text: &str, first_line: u32) -> Option<Option<Located>> {
    if text.len() > MAX_BYTES || !is_printable(text) {
        return None;
    }
    let lines = content_lines(text, first_line)?;
    if lines.is_empty() {
        return Some(None);
    }
    let mut reader = Reader { lines, pos: 0 };
    let root_indent = reader.lines[0].indent;
    let (value, lines) = reader.block(root_indent, 1)?;
    // Every line must belong to the root: a stray, less indented line is not block style.
    (reader.pos == reader.lines.len()).then_some(Some(Located { value, lines }))
}

/// Only printable characters and line feeds. YAML refuses other control characters, even
/// in comments; tabs and carriage returns have rules of their own; NEL, LS and PS end lines
/// for some parsers; a byte order mark has a place of its own. The full parser decides.
fn is_printable(text: &str) -> bool {
    printable(text, false)
}

/// [`is_printable`], with tabs, which JSON may use as white space.
pub(super) fn is_printable_allowing_tabs(text: &str) -> bool {
    printable(text, true)
}

fn printable(text: &str, tabs: bool) -> bool {
    let printable_ascii = |b: u8| b == b'\n' || (tabs && b == b'\t') || (b' '..=b'~').contains(&b);
    if text.is_ascii() {
        return text.bytes().all(printable_ascii);
    }
    text.chars().all(|c| match u8::try_from(c) {
        Ok(b) if b.is_ascii() => printable_ascii(b),
        _ => !matches!(
            c,
            '\u{80}'..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
        ),
    })
}

/// A line that holds something: its number, its indentation and the rest, with trailing
/// spaces removed.
#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    number: u32,
    indent: usize,
    text: &'a str,
}

/// The lines that hold content. The piece's own `---` line is dropped when nothing but a
/// comment follows it; directives, `...` and content after `---` are not this reader's.
fn content_lines(text: &str, first_line: u32) -> Option<Vec<Line<'_>>> {
    let mut lines = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let number = first_line.checked_add(u32::try_from(i).ok()?)?;
        let trimmed = raw.trim_end_matches(' ');
        let body = trimmed.trim_start_matches(' ');
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let indent = trimmed.len() - body.len();
        if indent == 0 {
            if let Some(rest) = body.strip_prefix("---") {
                if i == 0 && is_blank_or_comment(rest) {
                    continue;
                }
                return None;
            }
            if body.starts_with("...") || body.starts_with('%') {
                return None;
            }
        }
        lines.push(Line {
            number,
            indent,
            text: body,
        });
    }
    Some(lines)
}

fn is_blank_or_comment(rest: &str) -> bool {
    let after = rest.trim_start_matches(' ');
    after.is_empty() || (after.len() < rest.len() && after.starts_with('#'))
}

struct Reader<'a> {
    lines: Vec<Line<'a>>,
    pos: usize,
}

pub(super) type Built = (Value, LineMap);

impl<'a> Reader<'a> {
    /// The mapping or sequence whose first line is the current one, at `indent`.
    fn block(&mut self, indent: usize, depth: usize) -> Option<Built> {
        if depth > MAX_DEPTH {
            return None;
        }
        let line = self.lines[self.pos];
        if is_sequence_entry(line.text) {
            self.sequence(indent, depth)
        } else {
            self.mapping(indent, depth, None)
        }
    }

    /// The mapping at `indent` from the current line; `first` is its first entry when the
    /// caller has already split it (`- name: x`).
    fn mapping(
        &mut self,
        indent: usize,
        depth: usize,
        mut first: Option<(String, &'a str)>,
    ) -> Option<Built> {
        let at = self.lines[self.pos].number;
        let mut map = Map::new();
        let mut fields = Vec::new();
        while let Some(&line) = self.lines.get(self.pos) {
            if line.indent < indent {
                break;
            }
            if line.indent > indent || is_sequence_entry(line.text) {
                return None;
            }
            let (key, rest) = match first.take() {
                Some(entry) => entry,
                None => split_key(line.text)?,
            };
            if map.contains_key(&key) {
                return None;
            }
            self.pos += 1;
            let value = if rest.is_empty() {
                self.nested_value(indent, depth, line.number)?
            } else {
                scalar(rest, line.number)?
            };
            let (value, mut lines) = value;
            // A field is known by its key's line, whatever its value's own position.
            lines.line = line.number;
            map.insert(key.clone(), value);
            fields.push((key, lines));
        }
        Some((Value::Object(map), LineMap::fields(at, fields)))
    }

    /// The value of `key:` with nothing after it: a more indented block, a sequence at the
    /// key's own indentation (kubectl's style), or null.
    fn nested_value(&mut self, indent: usize, depth: usize, key_line: u32) -> Option<Built> {
        match self.lines.get(self.pos) {
            Some(next) if next.indent > indent => self.block(next.indent, depth + 1),
            Some(next) if next.indent == indent && is_sequence_entry(next.text) => {
                self.sequence(indent, depth + 1)
            }
            _ => Some((Value::Null, LineMap::leaf(key_line))),
        }
    }

    fn sequence(&mut self, indent: usize, depth: usize) -> Option<Built> {
        if depth > MAX_DEPTH {
            return None;
        }
        let at = self.lines[self.pos].number;
        let mut values = Vec::new();
        let mut items = Vec::new();
        while let Some(&line) = self.lines.get(self.pos) {
            if line.indent < indent || (line.indent == indent && !is_sequence_entry(line.text)) {
                break;
            }
            if line.indent > indent {
                return None;
            }
            let rest = line.text[1..].trim_start_matches(' ');
            // A dash alone, or `- - x`, are valid YAML that kubectl does not print.
            if rest.is_empty() || is_sequence_entry(rest) {
                return None;
            }
            let (value, lines) = if let Some(entry) = split_key(rest) {
                // `- name: x`: a mapping whose keys line up after the dash.
                let column = indent + (line.text.len() - rest.len());
                self.lines[self.pos] = Line {
                    number: line.number,
                    indent: column,
                    text: rest,
                };
                self.mapping(column, depth + 1, Some(entry))?
            } else {
                self.pos += 1;
                scalar(rest, line.number)?
            };
            values.push(value);
            items.push(lines);
        }
        Some((Value::Array(values), LineMap::items(at, items)))
    }
}

/// `- ` or a lone `-` starts a sequence entry; `-1` or `-x` is a scalar.
fn is_sequence_entry(text: &str) -> bool {
    text == "-" || text.starts_with("- ")
}

/// `key: rest` or `key:` → the key as a string (as the full reader makes it) and the rest
/// without its comment. `None` when the line is not a simple mapping entry.
fn split_key(text: &str) -> Option<(String, &str)> {
    let (key, after) = if text.starts_with(['"', '\'']) {
        let (key, after) = quoted(text)?;
        (key, after.strip_prefix(':')?)
    } else {
        if text.starts_with(INDICATORS) {
            return None;
        }
        let colon = find_value_colon(text)?;
        let raw = text[..colon].trim_end_matches(' ');
        let key = key_text(resolve_plain(raw)?);
        (key, &text[colon + 1..])
    };
    if !(after.is_empty() || after.starts_with(' ')) || !is_short_key(text, after) {
        return None;
    }
    Some((key, strip_comment(after)))
}

/// Whether the key that starts `line` and ends before `after_colon` is within
/// [`MAX_KEY_BYTES`].
pub(super) fn is_short_key(line: &str, after_colon: &str) -> bool {
    line.len() - after_colon.len() <= MAX_KEY_BYTES
}

/// The colon that ends a plain key: the first `:` followed by a space or the line's end,
/// unless a comment starts before it.
fn find_value_colon(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b':' if bytes.get(i + 1).is_none_or(|&n| n == b' ') => return Some(i),
            b'#' if i > 0 && bytes[i - 1] == b' ' => return None,
            _ => {}
        }
    }
    None
}

/// What is left after `key:`: the value's text, or nothing when only a comment follows.
/// (A comment after a value is the value reader's to cut.)
fn strip_comment(after: &str) -> &str {
    let rest = after.trim_start_matches(' ');
    if rest.starts_with('#') { "" } else { rest }
}

/// Characters that give a plain scalar another meaning when they start it.
const INDICATORS: &[char] = &[
    '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`',
];

/// A value on the rest of its line: a quoted string, a one-line flow collection or a
/// plain scalar.
fn scalar(text: &str, line: u32) -> Option<Built> {
    if text.starts_with(['"', '\'']) {
        let (value, after) = quoted(text)?;
        return is_blank_or_comment(after).then(|| (Value::String(value), LineMap::leaf(line)));
    }
    if text.starts_with(['[', '{']) {
        let mut rest = text;
        let built = flow::value(&mut rest, line, 0)?;
        return is_blank_or_comment(rest).then_some(built);
    }
    if text.starts_with(INDICATORS) && !is_negative_integer(text) {
        return None;
    }
    let plain = match text.find(" #") {
        Some(comment) => text[..comment].trim_end_matches(' '),
        None => text,
    };
    // `a: b` in a value is an error or a nested mapping; a trailing `:` a key.
    if plain.contains(": ") || plain.ends_with(':') {
        return None;
    }
    Some((resolve_plain(plain)?, LineMap::leaf(line)))
}

fn is_negative_integer(text: &str) -> bool {
    text.strip_prefix('-')
        .and_then(|digits| digits.split(" #").next())
        .is_some_and(|digits| decimal(digits.trim_end_matches(' ')).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::FieldPath;

    fn read(text: &str) -> Option<Located> {
        read_document(text, 1).expect("block style")
    }

    #[test]
    fn reads_kubectl_style_with_sequences_at_the_key_indent() {
        let doc = read(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: \"nginx:1.25\"\n    ports:\n    - containerPort: 80\n  hostPID: true\n",
        )
        .unwrap();
        assert_eq!(doc.value["spec"]["containers"][0]["image"], "nginx:1.25");
        assert_eq!(
            doc.value["spec"]["containers"][0]["ports"][0]["containerPort"],
            80
        );
        assert_eq!(doc.value["spec"]["hostPID"], true);
        let path = FieldPath::of(&["spec", "containers"]).index(0).key("ports");
        assert_eq!(doc.lines.line_of(&path), 9);
        assert_eq!(doc.lines.line_of(&FieldPath::of(&["spec", "hostPID"])), 11);
    }

    #[test]
    fn comments_markers_and_empty_pieces() {
        assert_eq!(read_document("---\n# nothing\n\n", 1), Some(None));
        let doc = read("--- # first\n# c\nkind: Pod # the kind\nmetadata: {}\n").unwrap();
        assert_eq!(doc.value["kind"], "Pod");
        assert_eq!(doc.value["metadata"], Value::Object(Map::new()));
    }

    #[test]
    fn everything_else_is_left_to_the_full_reader() {
        for text in [
            "a: [1, 2\n",
            "a: {b: 1} c\n",
            "a: |\n  text\n",
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "a: b\n  c\n",
            "a: 1\na: 2\n",
            "- - x\n",
            "-\n  a: 1\n",
            "a: b: c\n",
            "a:\n  b: 1\n c: 2\n",
            "--- a\n",
            "a: 1\n...\n",
            "\"a\": 1\n\tb: 2\n",
            "{\"kind\": \"Pod\"}\n",
            "just a scalar\n",
            "#\0",
            "a: 1 # \u{7f}\n",
            "a: b\u{85}c\n",
            "\u{feff}a: 1\n",
            "a: 1\r\n",
            &format!("{}: 1\n", "k".repeat(1100)),
            &format!("a: {{\"{}\": 1}}\n", "k".repeat(1100)),
            "a: 'open\n  quote'\n",
        ] {
            assert_eq!(read_document(text, 1), None, "{text:?}");
        }
    }

    #[test]
    fn deep_documents_are_left_to_the_full_reader() {
        let deep: String = (0..40).map(|i| format!("{}k:\n", "  ".repeat(i))).collect();
        assert_eq!(read_document(&deep, 1), None);
        let shallow: String = (0..20).map(|i| format!("{}k:\n", "  ".repeat(i))).collect();
        assert!(read_document(&shallow, 1).is_some());
    }

    #[test]
    fn line_numbers_start_at_the_piece() {
        let doc = read_document("---\nkind: Pod\nspec:\n  hostIPC: true\n", 41)
            .unwrap()
            .unwrap();
        assert_eq!(doc.lines.line_of(&FieldPath::of(&["spec", "hostIPC"])), 44);
    }
}
