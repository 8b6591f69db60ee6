//! The migration applied to manifest text, for GitOps repositories: the output is the
//! input plus exactly the change. Serialising through serde would drop comments and
//! reorder keys, so the change is made line by line, at the lines the manifest reader
//! recorded: `runtimeClassName: gvisor` inserted as the pod spec's first field, at its
//! indentation; a removed nodeSelector entry's line deleted (and `nodeSelector:` with it
//! when nothing is left). Layouts where a line edit could not be exact (flow-style maps
//! holding other fields, affinity changes) are refused with the reason, never guessed.

use serde_json::Value;

use super::Change;
use crate::explain::{FieldPath, Segment};
use crate::manifest::ManifestObject;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LineEdit {
    /// Insert a whole line before this (1-based) line.
    Insert {
        before: u32,
        text: String,
    },
    Remove {
        line: u32,
    },
}

/// The line edits that make `changes` in `object`'s text (`text` is its whole file).
pub(crate) fn edits_for(
    object: &ManifestObject,
    text: &str,
    changes: &[Change],
) -> Result<Vec<LineEdit>, String> {
    let lines: Vec<&str> = text.lines().collect();
    // JSON manifests: a field can be inserted (with its comma), but removing one would
    // leave a dangling comma, so removals are refused there.
    let json = text.trim_start().starts_with('{');
    let line_text = |n: u32| lines.get(n as usize - 1).copied().unwrap_or_default();
    let mut edits = Vec::new();
    for change in changes {
        let keys = keys_of(&change.path);
        let Some((field, parent_keys)) = keys.split_last() else {
            continue;
        };
        let parent = FieldPath::of(parent_keys);
        let parent_value = pointer(&object.value, &parent);
        match (*field, parent_keys.last().copied()) {
            ("runtimeClassName", _) => {
                edits.extend(runtime_class(
                    object,
                    &parent,
                    parent_value,
                    change,
                    json,
                    line_text,
                )?);
            }
            (key, Some("nodeSelector")) if !json => {
                let line = object.line_of(&change.path);
                let selector_line = object.line_of(&parent);
                let entries = parent_value
                    .and_then(Value::as_object)
                    .map_or(0, |m| m.len());
                let removed_here = changes
                    .iter()
                    .filter(|c| {
                        c.after.is_none()
                            && keys_of(&c.path).split_last().map(|(_, p)| p) == Some(parent_keys)
                    })
                    .count();
                let whole_selector = removed_here == entries;
                if line == selector_line {
                    if !whole_selector {
                        return Err(format!(
                            "line {line}: nodeSelector is written on one line with other entries; remove `{key}` by hand"
                        ));
                    }
                    push_once(&mut edits, LineEdit::Remove { line });
                    continue;
                }
                if !line_text(line).contains(key) || continues(&lines, line) {
                    return Err(format!(
                        "line {line}: the nodeSelector entry `{key}` is not on a line of its own; remove it by hand"
                    ));
                }
                edits.push(LineEdit::Remove { line });
                if whole_selector {
                    push_once(
                        &mut edits,
                        LineEdit::Remove {
                            line: selector_line,
                        },
                    );
                }
            }
            _ => {
                return Err(format!(
                    "line {}: `{}` changes; a line edit cannot make that change exactly: edit it by hand",
                    object.line_of(&change.path),
                    change.path
                ));
            }
        }
    }
    Ok(edits)
}

fn runtime_class<'a>(
    object: &ManifestObject,
    spec_path: &FieldPath,
    spec: Option<&Value>,
    change: &Change,
    json: bool,
    line_text: impl Fn(u32) -> &'a str,
) -> Result<Vec<LineEdit>, String> {
    let value = change
        .after
        .as_ref()
        .and_then(Value::as_str)
        .unwrap_or("gvisor");
    if change.before.is_some() && json {
        return Err(format!(
            "line {}: set \"runtimeClassName\": \"{value}\" by hand",
            object.line_of(&change.path)
        ));
    }
    if change.before.is_some() {
        let line = object.line_of(&change.path);
        let current = line_text(line);
        if !current.trim_start().starts_with("runtimeClassName:") {
            return Err(format!(
                "line {line}: runtimeClassName is not on a line of its own; set it by hand"
            ));
        }
        return Ok(vec![
            LineEdit::Remove { line },
            LineEdit::Insert {
                before: line,
                text: format!("{}runtimeClassName: {value}", indentation(current)),
            },
        ]);
    }
    let spec_line = object.line_of(spec_path);
    let first = spec
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(key, _)| object.line_of(&spec_path.key(key)))
        .min()
        .ok_or_else(|| format!("line {spec_line}: the pod spec is empty"))?;
    if first == spec_line {
        return Err(format!(
            "line {spec_line}: the pod spec is a one-line (flow-style) map; add runtimeClassName: {value} by hand"
        ));
    }
    let indent = indentation(line_text(first));
    let text = if json {
        format!("{indent}\"runtimeClassName\": \"{value}\",")
    } else {
        format!("{indent}runtimeClassName: {value}")
    };
    Ok(vec![LineEdit::Insert {
        before: first,
        text,
    }])
}

/// Applies edits to `text`; line endings and everything not edited stay as they were.
pub(crate) fn apply(text: &str, edits: &[LineEdit]) -> String {
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut out = String::with_capacity(text.len() + 64);
    let mut number = 0u32;
    for line in text.split_inclusive('\n') {
        number += 1;
        for edit in edits {
            if let LineEdit::Insert { before, text } = edit
                && *before == number
            {
                out.push_str(text);
                out.push_str(newline);
            }
        }
        if !edits.contains(&LineEdit::Remove { line: number }) {
            out.push_str(line);
        }
    }
    out
}

fn push_once(edits: &mut Vec<LineEdit>, edit: LineEdit) {
    if !edits.contains(&edit) {
        edits.push(edit);
    }
}

/// Whether the value of the field on `line` goes on to the next lines (a block scalar or
/// a nested map), which deleting one line would cut in half.
fn continues(lines: &[&str], line: u32) -> bool {
    let own = indentation(lines[line as usize - 1]).len();
    lines[line as usize..]
        .iter()
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .is_some_and(|next| indentation(next).len() > own)
}

fn indentation(line: &str) -> &str {
    &line[..line.len() - line.trim_start_matches(' ').len()]
}

fn keys_of(path: &FieldPath) -> Vec<&str> {
    path.segments()
        .iter()
        .filter_map(|s| match s {
            Segment::Key(key) => Some(key.as_str()),
            Segment::Index(_) => None,
        })
        .collect()
}

fn pointer<'a>(value: &'a Value, path: &FieldPath) -> Option<&'a Value> {
    keys_of(path)
        .iter()
        .try_fold(value, |node, key| node.get(*key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::Context;
    use crate::gke::GkeCluster;
    use crate::manifest::parse_objects;
    use crate::migrate::{Action, plan};

    const STANDARD: &str = include_str!("../../tests/fixtures/gke/standard-with-sandbox.json");

    fn migrate_text(text: &str, context: &Context) -> Result<String, String> {
        let objects = parse_objects("f.yaml", text).unwrap();
        let mut edits = Vec::new();
        for object in &objects {
            let planned = plan(&object.value, None, context, true).unwrap().unwrap();
            if let Action::Migrate { changes, .. } = &planned.action {
                edits.extend(edits_for(object, text, changes)?);
            }
        }
        Ok(apply(text, &edits))
    }

    const DEPLOYMENT: &str = "\
# the shop front end
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web   # keep this comment
spec:
  template:
    metadata:
      labels: {app: web}
    spec:
      # containers first
      containers:
        - name: web
          image: nginx:1.27
      nodeSelector:
        cloud.google.com/gke-nodepool: default-pool
";

    #[test]
    fn the_output_is_the_input_plus_exactly_the_change() {
        let gke = GkeCluster::from_describe_json(STANDARD).unwrap();
        let context = Context {
            gke: Some(&gke),
            ..Context::offline()
        };
        let out = migrate_text(DEPLOYMENT, &context).unwrap();
        let expected = DEPLOYMENT
            .replace(
                "      # containers first\n",
                "      # containers first\n      runtimeClassName: gvisor\n",
            )
            .replace(
                "      nodeSelector:\n        cloud.google.com/gke-nodepool: default-pool\n",
                "",
            );
        assert_eq!(out, expected);
    }

    #[test]
    fn unknown_pools_are_kept_offline() {
        let out = migrate_text(DEPLOYMENT, &Context::offline()).unwrap();
        assert_eq!(
            out,
            DEPLOYMENT.replace(
                "      # containers first\n",
                "      # containers first\n      runtimeClassName: gvisor\n"
            )
        );
    }

    #[test]
    fn one_entry_of_several_goes_and_the_others_stay() {
        let text = "kind: Job\nmetadata: {name: j}\nspec:\n  template:\n    spec:\n      nodeSelector:\n        disk: ssd\n        sandbox.gke.io/runtime: runc\n      containers: [{name: c}]\n";
        let out = migrate_text(text, &Context::offline()).unwrap();
        assert_eq!(
            out,
            "kind: Job\nmetadata: {name: j}\nspec:\n  template:\n    spec:\n      runtimeClassName: gvisor\n      nodeSelector:\n        disk: ssd\n      containers: [{name: c}]\n"
        );
    }

    #[test]
    fn another_runtime_class_is_replaced_in_place() {
        let text = "kind: Job\nmetadata: {name: j}\nspec:\n  template:\n    spec:\n      containers: [{name: c}]\n      runtimeClassName: runc-fast\n";
        let out = migrate_text(text, &Context::offline()).unwrap();
        assert_eq!(out, text.replace("runc-fast", "gvisor"));
    }

    #[test]
    fn layouts_a_line_edit_cannot_handle_are_refused() {
        let flow = "kind: Job\nmetadata: {name: j}\nspec:\n  template:\n    spec: {containers: [{name: c}]}\n";
        assert!(
            migrate_text(flow, &Context::offline())
                .unwrap_err()
                .contains("flow-style")
        );
        let shared = "kind: Job\nmetadata: {name: j}\nspec:\n  template:\n    spec:\n      nodeSelector: {disk: ssd, sandbox.gke.io/runtime: runc}\n      containers: [{name: c}]\n";
        assert!(
            migrate_text(shared, &Context::offline())
                .unwrap_err()
                .contains("by hand")
        );
    }

    #[test]
    fn json_manifests_get_the_field_with_its_comma() {
        let text = "{\n  \"kind\": \"Job\",\n  \"metadata\": {\"name\": \"j\"},\n  \"spec\": {\n    \"template\": {\n      \"spec\": {\n        \"containers\": [{\"name\": \"c\"}]\n      }\n    }\n  }\n}\n";
        let out = migrate_text(text, &Context::offline()).unwrap();
        let expected = text.replace(
            "        \"containers\"",
            "        \"runtimeClassName\": \"gvisor\",\n        \"containers\"",
        );
        assert_eq!(out, expected);
        let value: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            value["spec"]["template"]["spec"]["runtimeClassName"],
            "gvisor"
        );
    }

    #[test]
    fn crlf_files_keep_their_line_endings() {
        let text = "kind: Job\r\nmetadata:\r\n  name: j\r\nspec:\r\n  template:\r\n    spec:\r\n      containers: [{name: c}]\r\n";
        let out = migrate_text(text, &Context::offline()).unwrap();
        assert_eq!(
            out,
            text.replace(
                "    spec:\r\n",
                "    spec:\r\n      runtimeClassName: gvisor\r\n"
            )
        );
    }
}
