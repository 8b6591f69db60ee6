//! Writes a JSON value as block-style YAML, the way manifests are written by hand, for the
//! benchmark's many-document manifest. Strings are always double-quoted (a JSON string is
//! a valid YAML one), so no value can be mistaken for a number, a boolean or a comment.

use serde_json::Value;

/// One YAML document for `value`, without the `---` separator, ending in a newline.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    if is_block(value) {
        write_block(value, 0, &mut out);
    } else {
        out.push_str(&inline(value));
        out.push('\n');
    }
    out
}

/// A non-empty map or list at `indent` spaces, one line per scalar; a scalar inline.
fn write_block(value: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                out.push_str(&pad);
                out.push_str(&key_text(key));
                out.push(':');
                write_child(child, indent + 2, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                // `- ` then the item's first line; its other lines line up under the first.
                let mut nested = String::new();
                write_child(item, indent + 2, &mut nested);
                out.push_str(&pad);
                out.push('-');
                match nested.strip_prefix('\n') {
                    Some(block) => {
                        out.push(' ');
                        out.push_str(&block[indent + 2..]);
                    }
                    None => out.push_str(&nested),
                }
            }
        }
        scalar => {
            out.push_str(&pad);
            out.push_str(&inline(scalar));
            out.push('\n');
        }
    }
}

/// After a key's colon (or a list dash): ` scalar\n`, or a newline and the nested block.
fn write_child(value: &Value, indent: usize, out: &mut String) {
    if is_block(value) {
        out.push('\n');
        write_block(value, indent, out);
    } else {
        out.push(' ');
        out.push_str(&inline(value));
        out.push('\n');
    }
}

fn is_block(value: &Value) -> bool {
    match value {
        Value::Object(map) => !map.is_empty(),
        Value::Array(items) => !items.is_empty(),
        _ => false,
    }
}

fn inline(value: &Value) -> String {
    match value {
        Value::Object(_) => "{}".to_string(),
        Value::Array(_) => "[]".to_string(),
        other => other.to_string(),
    }
}

/// Keys such as `app.kubernetes.io/name` stay plain; anything else is quoted.
fn key_text(key: &str) -> String {
    let plain = key.starts_with(|c: char| c.is_ascii_alphabetic())
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '/' | '-' | '_'));
    if plain {
        key.to_string()
    } else {
        Value::from(key).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn maps_lists_and_scalars_in_block_style() {
        let value = json!({
            "kind": "Pod",
            "metadata": {"name": "web", "labels": {"app.kubernetes.io/name": "web"}},
            "spec": {"containers": [{"name": "app", "ports": [{"containerPort": 80}], "args": ["a", "b"]}],
                     "volumes": [], "hostNetwork": false, "x": null, "9": {}},
        });
        let expected = "\
kind: \"Pod\"
metadata:
  labels:
    app.kubernetes.io/name: \"web\"
  name: \"web\"
spec:
  \"9\": {}
  containers:
    - args:
        - \"a\"
        - \"b\"
      name: \"app\"
      ports:
        - containerPort: 80
  hostNetwork: false
  volumes: []
  x: null
";
        assert_eq!(to_yaml(&value), expected);
    }
}
