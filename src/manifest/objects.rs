//! From the text of one file to Kubernetes objects: every document, `List` kinds opened
//! into their items, each object with its own line map. Pure: no IO.

use std::fmt;

use serde::Serialize;
use serde_json::Value;

use super::batches::Batch;
use super::documents::read_in_parallel;
use super::located::{LineMap, Located};
use super::parallel;
use super::path::FieldPath;
use super::split::{Chunk, split_documents};

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

/// An input that could not be read, parsed or explained, as a report lists it: a manifest
/// file (with the place when known) or, for the live commands, a named workload that could
/// not be fetched (`file` then holds `kind/name`; the report schemas keep the field name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InputError {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    pub message: String,
}

impl InputError {
    pub fn new(file: &str, message: impl Into<String>) -> Self {
        InputError {
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

impl fmt::Display for InputError {
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

/// Text read per batch: bounds what parsed documents hold at once (some twenty times the
/// text) and lets the allocator reuse that memory batch after batch.
const BATCH_BYTES: usize = 4 << 20;

/// Parses one file's text. A syntax error anywhere fails the whole file: a stream cut
/// short cannot be trusted to hold every object the author meant.
pub fn parse_objects(file: &str, text: &str) -> Result<Vec<ManifestObject>, InputError> {
    map_objects(file, text, |object| object)
}

/// Like [`parse_objects`], but hands each object to `work` as soon as its batch of
/// documents is read, on every core, and keeps only what `work` returns, in file order.
/// The documents of a batch are freed on the threads that used them.
pub(crate) fn map_objects<T: Send>(
    file: &str,
    text: &str,
    work: impl Fn(ManifestObject) -> T + Sync,
) -> Result<Vec<T>, InputError> {
    map_in_batches(file, text, BATCH_BYTES, work)
}

fn map_in_batches<T: Send>(
    file: &str,
    text: &str,
    batch_bytes: usize,
    work: impl Fn(ManifestObject) -> T + Sync,
) -> Result<Vec<T>, InputError> {
    let chunks = split_documents(text);
    let mut results = Vec::new();
    let mut document = 0;
    for batch in batches(&chunks, batch_bytes) {
        results.extend(map_chunks(file, batch, &mut document, &work)?);
    }
    Ok(results)
}

/// Text read per batch when a file is read a batch at a time ([`ObjectReader`]).
pub(super) const STREAM_BATCH_BYTES: usize = BATCH_BYTES;

/// The objects of one file read a batch of whole documents at a time, numbered as one
/// stream.
pub(super) struct ObjectReader<'f> {
    file: &'f str,
    document: usize,
}

impl<'f> ObjectReader<'f> {
    pub(super) fn new(file: &'f str) -> Self {
        ObjectReader { file, document: 0 }
    }

    /// What `work` makes of each object of `batch`, read on every core, in order.
    pub(super) fn map_batch<T: Send>(
        &mut self,
        batch: &Batch,
        work: &(impl Fn(ManifestObject) -> T + Sync),
    ) -> Result<Vec<T>, InputError> {
        let shift = batch.first_line - 1;
        let chunks: Vec<Chunk> = split_documents(&batch.text)
            .into_iter()
            .map(|chunk| Chunk {
                first_line: chunk.first_line.saturating_add(shift),
                ..chunk
            })
            .collect();
        map_chunks(self.file, &chunks, &mut self.document, work)
    }
}

/// Parses `chunks` on every core and hands their objects to `work`; `document` counts
/// the documents read so far in the file.
fn map_chunks<T: Send>(
    file: &str,
    chunks: &[Chunk],
    document: &mut usize,
    work: &(impl Fn(ManifestObject) -> T + Sync),
) -> Result<Vec<T>, InputError> {
    let parsed = read_in_parallel(chunks).map_err(|e| InputError {
        file: file.to_string(),
        line: e.line,
        column: e.line.and(e.column),
        message: e.message,
    })?;
    let mut objects = Vec::new();
    for located in parsed.into_iter().flatten() {
        objects.extend(objects_of(file, *document, located));
        *document += 1;
    }
    Ok(parallel::map_owned(objects, work))
}

/// Consecutive chunks of about `batch_bytes` together.
fn batches<'c, 'a>(
    chunks: &'c [Chunk<'a>],
    batch_bytes: usize,
) -> impl Iterator<Item = &'c [Chunk<'a>]> {
    let mut rest = chunks;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut size = 0;
        let end = rest
            .iter()
            .position(|chunk| {
                size += chunk.text.len();
                size >= batch_bytes
            })
            .map_or(rest.len(), |i| i + 1);
        let (batch, after) = rest.split_at(end);
        rest = after;
        Some(batch)
    })
}

/// A document's objects: itself, or a `List`'s items, each with its own line map.
fn objects_of(file: &str, document: usize, located: Located) -> Vec<ManifestObject> {
    let is_list = located.value["kind"]
        .as_str()
        .is_some_and(|kind| kind.ends_with("List"))
        && located.value["items"].is_array();
    if !is_list {
        return vec![ManifestObject {
            file: file.to_string(),
            document,
            base: FieldPath::root(),
            value: located.value,
            lines: located.lines,
        }];
    }
    let mut list = located.value;
    let Some(Value::Array(items)) = list.get_mut("items").map(Value::take) else {
        return Vec::new();
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, value)| {
            let base = FieldPath::root().key("items").index(i);
            let lines = located
                .lines
                .subtree(&base)
                .cloned()
                .unwrap_or_else(|| located.lines.clone());
            ManifestObject {
                file: file.to_string(),
                document,
                base,
                value,
                lines,
            }
        })
        .collect()
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
    fn batches_number_documents_as_one_stream_and_keep_the_first_error() {
        let text: String = (0..50)
            .map(|i| format!("---\n# {i}\n---\nkind: Pod\nmetadata:\n  name: p{i}\n"))
            .collect();
        let whole = map_in_batches("f", &text, usize::MAX, |o| (o.document, o.line())).unwrap();
        let small = map_in_batches("f", &text, 64, |o| (o.document, o.line())).unwrap();
        assert_eq!(whole.len(), 50);
        assert_eq!(small, whole);
        assert_eq!(
            small[49],
            (49, 49 * 6 + 4),
            "empty documents are not counted"
        );

        let broken = format!("{text}---\nkind: [\n---\nkind: {{\n");
        let error = map_in_batches("f", &broken, 64, |o| o.document).unwrap_err();
        assert_eq!(error.line, Some(302), "{error}");
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
