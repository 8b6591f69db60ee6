//! Reading manifests for `explain-pod -f`: files, directories, stdin; multi-document YAML
//! or JSON; `List` kinds; and the line of every field, for SARIF.

mod located;
mod objects;
mod sources;

pub use located::{LineMap, Located, parse_documents};
pub use objects::{ManifestError, ManifestObject, parse_objects};
pub use sources::{ManifestSet, read_sources};
