//! Reading manifests for `explain-pod -f`: files, directories, stdin; multi-document YAML
//! or JSON; `List` kinds; and the line of every field, for SARIF.

mod block_style;
mod json_style;
mod located;
mod objects;
mod parallel;
#[cfg(any(test, fuzzing))]
pub mod readers_agree;
mod sources;
mod split;

pub use located::{LineMap, Located, ParseError, parse_documents};
pub use objects::{ManifestError, ManifestObject, map_objects, parse_objects};
pub use sources::{ManifestSet, SourceText, read_sources, read_sources_with};
