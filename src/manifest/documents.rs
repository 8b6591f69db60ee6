//! A stream of documents read on every core: cut at its `---` lines (`split`), each piece
//! read by the reader of its format (`json` for a JSON document, `yaml` for anything
//! else, through `yaml_events` when that is sure of the piece), results in stream order.

use super::located::{Located, ParseError};
use super::split::Chunk;
use super::{json, parallel, yaml, yaml_events};

/// Parses every document of a YAML stream (JSON is YAML too). Empty documents are dropped.
/// The first error in the stream fails it.
///
/// Each document is parsed on its own, so serde-saphyr's limits (nodes, events, aliases)
/// bound each document rather than the whole input: a whole-input budget refuses a
/// 10,000-document manifest (at 1,024 documents or 250,000 nodes), while a bomb inside
/// one document is still stopped.
#[cfg(test)]
pub(crate) fn parse_documents(text: &str) -> Result<Vec<Located>, ParseError> {
    let chunks = super::split::split_documents(text);
    Ok(read_in_parallel(&chunks)?.into_iter().flatten().collect())
}

/// Reads `chunks` on every core; one list of documents per chunk, in order. The first
/// error in stream order wins.
pub(super) fn read_in_parallel(chunks: &[Chunk]) -> Result<Vec<Vec<Located>>, ParseError> {
    parallel::map(chunks, read_chunk).into_iter().collect()
}

/// One piece's documents. A JSON document is read by serde_json (a few times faster than
/// a YAML parser); anything serde_json does not take is YAML, built from the parser's
/// events when `yaml_events` is sure of the piece (about three times faster), and read by
/// serde-saphyr otherwise.
fn read_chunk(chunk: &Chunk) -> Result<Vec<Located>, ParseError> {
    if let Some(document) = json::read_document(chunk) {
        return Ok(vec![document]);
    }
    match yaml_events::read_documents(chunk) {
        Some(documents) => Ok(documents),
        None => yaml::read_documents(chunk),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;
    use crate::manifest::FieldPath;

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
    fn a_stream_with_directives_is_read_whole_past_one_documents_budget() {
        let text: String = std::iter::once("%YAML 1.2\n".to_string())
            .chain((0..1500).map(|i| format!("---\nkind: Pod\nmetadata: {{name: p{i}}}\n")))
            .collect();
        let docs = parse_documents(&text).unwrap();
        assert_eq!(docs.len(), 1500);
        assert_eq!(docs[1499].lines.line_of(&path(&["metadata"])), 4501);
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
