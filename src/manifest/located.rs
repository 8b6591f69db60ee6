//! A YAML (or JSON) document read twice over in one pass: as a `serde_json::Value` for the
//! engine, and as a tree of line numbers so a finding's field path can be turned into the
//! line SARIF points at.
//!
//! The stream is cut into documents first (`split`), and the documents are read on every
//! core. Each is read by `json_style` or `block_style` when one of them is sure of it,
//! else by the full parser: serde-saphyr, whose `Spanned<T>` gives the location of any value it wraps,
//! including map keys, so a small self-describing node type wrapped in `Spanned` at every
//! level yields both.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use serde_saphyr::Spanned;

use super::split::{Chunk, split_documents};
use super::{block_style, json_style, parallel};
use crate::explain::{FieldPath, Segment};

/// The line of every field and item of a document (1-based).
#[derive(Debug, Clone, PartialEq)]
pub struct LineMap {
    pub(super) line: u32,
    children: Children,
}

#[derive(Debug, Clone, PartialEq)]
enum Children {
    Leaf,
    Items(Vec<LineMap>),
    Fields(Vec<(String, LineMap)>),
}

impl LineMap {
    /// A scalar (or null) at `line`.
    pub(super) fn leaf(line: u32) -> Self {
        LineMap {
            line,
            children: Children::Leaf,
        }
    }

    /// A mapping at `line` with its fields in document order.
    pub(super) fn fields(line: u32, fields: Vec<(String, LineMap)>) -> Self {
        LineMap {
            line,
            children: Children::Fields(fields),
        }
    }

    /// A sequence at `line` with its items.
    pub(super) fn items(line: u32, items: Vec<LineMap>) -> Self {
        LineMap {
            line,
            children: Children::Items(items),
        }
    }

    /// The line of `path`, or of its longest prefix that exists: a finding about a field
    /// that is missing (no CPU limit) points at its parent.
    pub fn line_of(&self, path: &FieldPath) -> u32 {
        let mut node = self;
        for segment in path.segments() {
            let next = match (segment, &node.children) {
                (Segment::Index(i), Children::Items(items)) => items.get(*i),
                (Segment::Key(key), Children::Fields(fields)) => {
                    fields.iter().find(|(k, _)| k == key).map(|(_, v)| v)
                }
                _ => None,
            };
            match next {
                Some(child) => node = child,
                None => break,
            }
        }
        node.line
    }

    /// The sub-map at `path`, for objects inside a `List` document.
    pub fn subtree(&self, path: &FieldPath) -> Option<&LineMap> {
        let mut node = self;
        for segment in path.segments() {
            node = match (segment, &node.children) {
                (Segment::Index(i), Children::Items(items)) => items.get(*i)?,
                (Segment::Key(key), Children::Fields(fields)) => {
                    fields.iter().find(|(k, _)| k == key).map(|(_, v)| v)?
                }
                _ => return None,
            };
        }
        Some(node)
    }
}

/// One parsed document: its value and its lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Located {
    pub value: Value,
    pub lines: LineMap,
}

/// The raw node serde-saphyr fills; keys carry their own spans so a field's line is the
/// line of its key (for `hostPath:` followed by an indented map, the key's line).
enum RawNode {
    Scalar(Value),
    Items(Vec<Spanned<RawNode>>),
    Fields(Vec<(Spanned<ScalarKey>, Spanned<RawNode>)>),
}

/// Map keys as strings: Kubernetes keys are strings, and a `true`/`1` key is written as text.
struct ScalarKey(String);

impl<'de> Deserialize<'de> for ScalarKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match RawNode::deserialize(deserializer)? {
            RawNode::Scalar(Value::String(text)) => Ok(ScalarKey(text)),
            RawNode::Scalar(Value::Null) => Ok(ScalarKey(String::new())),
            RawNode::Scalar(other) => Ok(ScalarKey(other.to_string())),
            _ => Err(de::Error::custom("a map key must be a scalar")),
        }
    }
}

impl<'de> Deserialize<'de> for RawNode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = RawNode;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_unit<E>(self) -> Result<RawNode, E> {
        Ok(RawNode::Scalar(Value::Null))
    }

    fn visit_none<E>(self) -> Result<RawNode, E> {
        Ok(RawNode::Scalar(Value::Null))
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<RawNode, D::Error> {
        RawNode::deserialize(deserializer)
    }

    fn visit_bool<E>(self, v: bool) -> Result<RawNode, E> {
        Ok(RawNode::Scalar(Value::Bool(v)))
    }

    fn visit_i64<E>(self, v: i64) -> Result<RawNode, E> {
        Ok(RawNode::Scalar(Value::Number(v.into())))
    }

    fn visit_u64<E>(self, v: u64) -> Result<RawNode, E> {
        Ok(RawNode::Scalar(Value::Number(v.into())))
    }

    fn visit_f64<E>(self, v: f64) -> Result<RawNode, E> {
        // .nan and .inf have no JSON form; keep them as text rather than fail the file.
        Ok(RawNode::Scalar(Number::from_f64(v).map_or_else(
            || Value::String(v.to_string()),
            Value::Number,
        )))
    }

    fn visit_str<E>(self, v: &str) -> Result<RawNode, E> {
        Ok(RawNode::Scalar(Value::String(v.to_string())))
    }

    fn visit_string<E>(self, v: String) -> Result<RawNode, E> {
        Ok(RawNode::Scalar(Value::String(v)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawNode, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(RawNode::Items(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawNode, A::Error> {
        let mut fields = Vec::new();
        while let Some(key) = map.next_key()? {
            fields.push((key, map.next_value()?));
        }
        Ok(RawNode::Fields(fields))
    }
}

/// A document that could not be parsed: the parser's message and, when it knows, where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub line: Option<u32>,
    pub column: Option<u32>,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(line) = self.line {
            write!(f, " at line {line}")?;
            if let Some(column) = self.column {
                write!(f, " column {column}")?;
            }
        }
        Ok(())
    }
}

fn narrow(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Splits a spanned raw node into its value and its line map; `at` is the line the node
/// is known by (its key's line for a field, its own line otherwise); `offset` turns the
/// piece's lines into the stream's.
fn split(node: RawNode, at: u32, offset: u32) -> (Value, LineMap) {
    let line = |location: &serde_saphyr::Location| narrow(location.line()).saturating_add(offset);
    match node {
        RawNode::Scalar(value) => (value, LineMap::leaf(at)),
        RawNode::Items(items) => {
            let (values, lines) = items
                .into_iter()
                .map(|item| {
                    let at = line(&item.referenced);
                    split(item.value, at, offset)
                })
                .unzip();
            (Value::Array(values), LineMap::items(at, lines))
        }
        RawNode::Fields(fields) => {
            let mut map = Map::new();
            let mut lines = Vec::new();
            for (key, value) in fields {
                let (value, value_lines) = split(value.value, line(&key.referenced), offset);
                map.insert(key.value.0.clone(), value);
                lines.push((key.value.0, value_lines));
            }
            (Value::Object(map), LineMap::fields(at, lines))
        }
    }
}

/// Parses every document of a YAML stream (JSON is YAML too). Empty documents are dropped.
/// The first error in the stream fails it.
///
/// Each document is parsed on its own, so serde-saphyr's limits (nodes, events, aliases)
/// bound each document rather than the whole input: a whole-input budget refuses a
/// 10,000-document manifest (at 1,024 documents or 250,000 nodes), while a bomb inside
/// one document is still stopped.
pub fn parse_documents(text: &str) -> Result<Vec<Located>, ParseError> {
    let chunks = split_documents(text);
    Ok(read_in_parallel(&chunks)?.into_iter().flatten().collect())
}

/// Reads `chunks` on every core; one list of documents per chunk, in order. The first
/// error in stream order wins.
pub(super) fn read_in_parallel(chunks: &[Chunk]) -> Result<Vec<Vec<Located>>, ParseError> {
    parallel::map(chunks, read_chunk).into_iter().collect()
}

/// One piece's documents: by a fast reader when one is sure of them, else by the full
/// parser.
fn read_chunk(chunk: &Chunk) -> Result<Vec<Located>, ParseError> {
    match read_fast(chunk) {
        Some(documents) => Ok(documents),
        None => parse_full(chunk),
    }
}

/// A piece's documents as `json_style` or `block_style` reads them; `None` when neither
/// is sure of them. JSON is tried first: it turns a YAML document down at its first
/// character, where the block reader would split a JSON document into lines first.
pub(super) fn read_fast(chunk: &Chunk) -> Option<Vec<Located>> {
    if let Some(document) = json_style::read_document(chunk.text, chunk.first_line) {
        return Some(vec![document]);
    }
    block_style::read_document(chunk.text, chunk.first_line)
        .map(|document| document.into_iter().collect())
}

/// The full parser, for any YAML: what `block_style` does not read.
pub(super) fn parse_full(chunk: &Chunk) -> Result<Vec<Located>, ParseError> {
    // No snippet: errors are reported on one line as `file:line:column: message`.
    let options = serde_saphyr::options! { with_snippet: false };
    let offset = chunk.first_line - 1;
    let mut input = chunk.text.as_bytes();
    serde_saphyr::read_with_options::<_, Spanned<RawNode>>(&mut input, options)
        .map(|doc| {
            let doc = doc.map_err(|e| parse_error(&e, offset))?;
            let at = narrow(doc.referenced.line()).saturating_add(offset);
            let (value, lines) = split(doc.value, at, offset);
            Ok(Located { value, lines })
        })
        .filter(|doc| doc.as_ref().map_or(true, |doc| !doc.value.is_null()))
        .collect()
}

fn parse_error(error: &serde_saphyr::Error, offset: u32) -> ParseError {
    let rendered = error.to_string();
    // The location is kept apart from the message, in the stream's lines.
    let message = rendered
        .rsplit_once(" at line ")
        .map_or(rendered.as_str(), |(message, _)| message)
        .to_string();
    let location = error.location();
    ParseError {
        message,
        line: location.map(|at| narrow(at.line()).saturating_add(offset)),
        column: location.map(|at| narrow(at.column())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(text: &[&str]) -> FieldPath {
        FieldPath::of(text)
    }

    #[test]
    fn a_stream_of_many_documents_is_read_whole() {
        let text: String = (0..1500)
            .map(|i| format!("---\nkind: Pod\nmetadata:\n  name: p{i}\n"))
            .collect();
        let docs = parse_documents(&text).unwrap();
        assert_eq!(docs.len(), 1500);
        assert_eq!(docs[1499].value["metadata"]["name"], "p1499");
        assert_eq!(docs[1499].lines.line_of(&path(&["metadata", "name"])), 6000);
    }

    const POD: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  hostNetwork: true
  volumes:
    - name: proc
      hostPath:
        path: /proc
  containers:
    - name: app
      securityContext:
        privileged: true
";

    #[test]
    fn values_match_serde_json() {
        let docs = parse_documents(POD).unwrap();
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].value["spec"]["hostNetwork"], Value::Bool(true));
        assert_eq!(
            docs[0].value["spec"]["volumes"][0]["hostPath"]["path"],
            "/proc"
        );
    }

    #[test]
    fn fields_map_to_their_key_lines() {
        let lines = &parse_documents(POD).unwrap()[0].lines;
        assert_eq!(lines.line_of(&path(&["spec", "hostNetwork"])), 6);
        assert_eq!(
            lines.line_of(&path(&["spec", "volumes"]).index(0).key("hostPath")),
            9
        );
        let privileged = path(&["spec", "containers"])
            .index(0)
            .key("securityContext")
            .key("privileged");
        assert_eq!(lines.line_of(&privileged), 14);
        assert_eq!(lines.line_of(&path(&["spec", "containers"]).index(0)), 12);
    }

    #[test]
    fn a_missing_field_maps_to_its_nearest_parent() {
        let lines = &parse_documents(POD).unwrap()[0].lines;
        let missing = path(&["spec", "containers"])
            .index(0)
            .key("resources")
            .key("limits");
        assert_eq!(lines.line_of(&missing), 12);
    }

    #[test]
    fn multi_document_streams_keep_their_own_lines() {
        let docs = parse_documents("a: 1\n---\n\n---\nb:\n  c: 2\n").unwrap();
        assert_eq!(docs.len(), 2, "the empty document is dropped");
        assert_eq!(docs[1].lines.line_of(&path(&["b", "c"])), 6);
    }

    #[test]
    fn json_input_has_lines_too() {
        let json = "{\n  \"kind\": \"Pod\",\n  \"spec\": {\n    \"hostPID\": true\n  }\n}\n";
        let docs = parse_documents(json).unwrap();
        assert_eq!(docs[0].value["spec"]["hostPID"], Value::Bool(true));
        assert_eq!(docs[0].lines.line_of(&path(&["spec", "hostPID"])), 4);
    }

    #[test]
    fn tab_indented_json_parses() {
        let json = "{\n\t\"kind\": \"Pod\",\n\t\"spec\": {\n\t\t\"hostIPC\": true\n\t}\n}\n";
        let docs = parse_documents(json).unwrap();
        assert_eq!(docs[0].lines.line_of(&path(&["spec", "hostIPC"])), 4);
    }

    #[test]
    fn broken_yaml_reports_a_line() {
        let err = parse_documents("a: 1\nb: [1, 2\nc: 3\n").unwrap_err();
        assert!(err.line.is_some_and(|l| l >= 2), "{err}");
    }

    #[test]
    fn reads_more_documents_than_the_parsers_default_budget() {
        let text: String = (0..3000)
            .map(|i| format!("---\nkind: ConfigMap\nmetadata: {{name: c{i}}}\n"))
            .collect();
        assert_eq!(parse_documents(&text).unwrap().len(), 3000);
    }

    #[test]
    fn still_refuses_alias_expansion_bombs() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for level in 1..10u8 {
            let (prev, this) = ((b'a' + level - 1) as char, (b'a' + level) as char);
            let refs = vec![format!("*{prev}"); 9].join(", ");
            text.push_str(&format!("{this}: &{this} [{refs}]\n"));
        }
        let error = parse_documents(&text).unwrap_err().to_string();
        assert!(error.contains("budget"), "{error}");
    }
}
