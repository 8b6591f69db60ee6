//! A document as the readers give it: a `serde_json::Value` for the engine, and a tree of
//! line numbers so a finding's field path can be turned into the line SARIF points at.
//! Types only; the readers (`json`, `yaml`) build them.

use std::fmt;

use serde_json::Value;

use super::path::{FieldPath, Segment};

/// The line of every field and item of a document (1-based).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LineMap {
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
    pub(crate) fn line_of(&self, path: &FieldPath) -> u32 {
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
    pub(crate) fn subtree(&self, path: &FieldPath) -> Option<&LineMap> {
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
pub(crate) struct Located {
    pub value: Value,
    pub lines: LineMap,
}

/// A document that could not be parsed: the parser's message and, when it knows, where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParseError {
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
