//! Reading manifests for `explain-pod -f`: files, directories, stdin; multi-document YAML
//! or JSON; `List` kinds; and the line of every field, for SARIF.
//!
//! Layers, each using only those above it: `path` (field paths), `located` (a document's
//! value and line map), the two readers `json` (serde_json) and `yaml` (serde-saphyr, with
//! `yaml_events` as its fast path for the documents it is sure of),
//! `split` and `parallel` (a stream cut at its `---` lines, read on every core),
//! `documents` (which reader reads a piece), `objects` (documents to Kubernetes objects),
//! `sources` (files, directories, stdin: the only IO).

mod batches;
mod documents;
mod json;
mod located;
mod objects;
mod parallel;
mod path;
mod sources;
mod split;
mod yaml;
mod yaml_events;

#[cfg(test)]
pub(crate) use documents::parse_documents;
pub use objects::parse_objects;
pub(crate) use objects::{InputError, ManifestObject};
pub(crate) use path::{FieldPath, Segment};
pub(crate) use sources::{read_sources, stream_sources};
