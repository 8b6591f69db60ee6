//! The YAML reader: serde-saphyr, whose `Spanned<T>` gives the location of any value it
//! wraps, including map keys, so a small self-describing node type wrapped in `Spanned` at
//! every level yields both the value and the line of every field.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use serde_saphyr::Spanned;

use super::located::{LineMap, Located, ParseError};
use super::split::Chunk;

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

/// Every document of one piece from `split_documents`; empty documents are dropped.
///
/// Read from the text itself, about a quarter faster than through a reader. Its budget
/// (nodes, events, aliases) then covers the whole piece: a piece `split_documents` could
/// not cut (a stream with directives) may hold more documents than one budget allows, so
/// a piece over budget is read again document by document, each with a budget of its own,
/// which still stops a bomb inside one document.
pub(super) fn read_documents(chunk: &Chunk) -> Result<Vec<Located>, ParseError> {
    // No snippet: errors are reported on one line as `file:line:column: message`.
    let options = || serde_saphyr::options! { with_snippet: false };
    let offset = chunk.first_line - 1;
    let documents =
        match serde_saphyr::from_multiple_with_options::<Spanned<RawNode>>(chunk.text, options()) {
            Err(serde_saphyr::Error::Budget { .. }) => {
                let mut input = chunk.text.as_bytes();
                serde_saphyr::read_with_options::<_, Spanned<RawNode>>(&mut input, options())
                    .collect()
            }
            read => read,
        };
    let documents = documents.map_err(|e| parse_error(&e, offset))?;
    Ok(documents
        .into_iter()
        .map(|doc| {
            let at = narrow(doc.referenced.line()).saturating_add(offset);
            let (value, lines) = split(doc.value, at, offset);
            Located { value, lines }
        })
        .filter(|doc| !doc.value.is_null())
        .collect())
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
