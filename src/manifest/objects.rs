//! From the text of one file to Kubernetes objects: every document, `List` kinds opened
//! into their items, each object with its own line map. Pure: no IO.

use std::fmt;

use serde::Serialize;
use serde_json::Value;

use super::{LineMap, parse_documents};
use crate::explain::FieldPath;

/// One object of a manifest file.
#[derive(Debug, Clone, PartialEq)]
pub struct ManifestObject {
    /// The file as the user named it (`-` for stdin).
    pub file: String,
    /// 0-based index of the YAML document in the file.
    pub document: usize,
    /// Where the object sits in its document: root, or `items[3]` inside a List.
    pub base: FieldPath,
    pub value: Value,
    lines: LineMap,
}

impl ManifestObject {
    /// The line of `path` (relative to the object), or of its nearest existing parent.
    pub fn line_of(&self, path: &FieldPath) -> u32 {
        self.lines.line_of(path)
    }

    /// The line the object starts on.
    pub fn line(&self) -> u32 {
        self.lines.line_of(&FieldPath::root())
    }
}

/// A file that could not be read or parsed, with the place when known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ManifestError {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    pub message: String,
}

impl ManifestError {
    pub fn new(file: &str, message: impl Into<String>) -> Self {
        ManifestError {
            file: file.to_string(),
            line: None,
            column: None,
            message: message.into(),
        }
    }

    pub fn at(mut self, line: u32, column: Option<u32>) -> Self {
        self.line = Some(line);
        self.column = column;
        self
    }
}

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}

fn narrow(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Parses one file's text. A syntax error anywhere fails the whole file: a stream cut
/// short cannot be trusted to hold every object the author meant.
pub fn parse_objects(file: &str, text: &str) -> Result<Vec<ManifestObject>, ManifestError> {
    let documents = parse_documents(text).map_err(|e| {
        let rendered = e.to_string();
        // The location is reported separately; keep the message without it.
        let message = rendered
            .rsplit_once(" at line ")
            .map_or(rendered.as_str(), |(message, _)| message)
            .to_string();
        let error = ManifestError::new(file, message);
        match e.location() {
            Some(at) => error.at(narrow(at.line()), Some(narrow(at.column()))),
            None => error,
        }
    })?;
    let mut objects = Vec::new();
    for (document, located) in documents.into_iter().enumerate() {
        let is_list = located.value["kind"]
            .as_str()
            .is_some_and(|kind| kind.ends_with("List"))
            && located.value["items"].is_array();
        if !is_list {
            objects.push(ManifestObject {
                file: file.to_string(),
                document,
                base: FieldPath::root(),
                value: located.value,
                lines: located.lines,
            });
            continue;
        }
        let Value::Array(items) = located.value["items"].clone() else {
            continue;
        };
        for (i, value) in items.into_iter().enumerate() {
            let base = FieldPath::root().key("items").index(i);
            let lines = located
                .lines
                .subtree(&base)
                .cloned()
                .unwrap_or_else(|| located.lines.clone());
            objects.push(ManifestObject {
                file: file.to_string(),
                document,
                base,
                value,
                lines,
            });
        }
    }
    Ok(objects)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_and_list_items_become_objects() {
        let text = "kind: ConfigMap\nmetadata: {name: c}\n---\napiVersion: v1\nkind: List\nitems:\n  - kind: Pod\n    metadata: {name: a}\n  - kind: Pod\n    metadata: {name: b}\n    spec:\n      hostPID: true\n";
        let objects = parse_objects("f.yaml", text).unwrap();
        assert_eq!(objects.len(), 3);
        assert_eq!(objects[0].value["kind"], "ConfigMap");
        assert_eq!(objects[2].base.to_string(), "items[1]");
        assert_eq!(objects[2].document, 1);
        assert_eq!(objects[2].line(), 9);
        assert_eq!(objects[2].line_of(&FieldPath::of(&["spec", "hostPID"])), 12);
    }

    #[test]
    fn a_syntax_error_names_file_line_and_column() {
        let err =
            parse_objects("bad.yaml", "kind: Pod\nmetadata:\n  name: [x\nspec: {}\n").unwrap_err();
        assert_eq!(err.file, "bad.yaml");
        assert!(err.line.is_some_and(|l| l >= 3), "{err}");
        assert!(!err.message.contains(" at line "), "{err}");
        assert!(err.to_string().starts_with("bad.yaml:"), "{err}");
    }

    #[test]
    fn an_empty_file_has_no_objects() {
        assert_eq!(parse_objects("e.yaml", "").unwrap(), []);
        assert_eq!(
            parse_objects("e.yaml", "---\n# only a comment\n").unwrap(),
            []
        );
    }
}
