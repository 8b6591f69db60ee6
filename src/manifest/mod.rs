//! Reading manifests for `explain-pod -f`: files, directories, stdin; multi-document YAML
//! or JSON; `List` kinds; and the line of every field, for SARIF.

mod located;

pub use located::{LineMap, Located, parse_documents};
