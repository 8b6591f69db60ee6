//! Flow collections that open and close on one line, as hand-written manifests use them:
//! `args: ["--port", "80"]`, `limits: {cpu: 500m, memory: 128Mi}`, nested. Everything in
//! them is on their line, so every node gets that line, as the full parser gives it.
//! Plain scalars holding `:` or `#`, trailing commas, `[a: b]` pairs and anything that
//! runs past the line are left to the full parser.

use serde_json::{Map, Value};

use super::scalars::{key_text, quoted, resolve_plain};
use super::{Built, LineMap, is_short_key};

/// Deeper flow collections go to the full parser.
const MAX_DEPTH: usize = 8;

/// The flow value at the start of `rest`, which is moved past it.
pub(super) fn value(rest: &mut &str, line: u32, depth: usize) -> Option<Built> {
    if depth > MAX_DEPTH {
        return None;
    }
    skip_spaces(rest);
    if let Some(after) = rest.strip_prefix('[') {
        *rest = after;
        return sequence(rest, line, depth);
    }
    if let Some(after) = rest.strip_prefix('{') {
        *rest = after;
        return mapping(rest, line, depth);
    }
    Some((scalar(rest)?, LineMap::leaf(line)))
}

fn sequence(rest: &mut &str, line: u32, depth: usize) -> Option<Built> {
    let mut values = Vec::new();
    let mut items = Vec::new();
    if !closes(rest, ']') {
        loop {
            let (value, lines) = value(rest, line, depth + 1)?;
            values.push(value);
            items.push(lines);
            if next_or_close(rest, ']')? {
                break;
            }
        }
    }
    Some((Value::Array(values), LineMap::items(line, items)))
}

fn mapping(rest: &mut &str, line: u32, depth: usize) -> Option<Built> {
    let mut map = Map::new();
    let mut fields = Vec::new();
    if !closes(rest, '}') {
        loop {
            let key = key(rest)?;
            let (value, lines) = value(rest, line, depth + 1)?;
            if map.insert(key.clone(), value).is_some() {
                return None;
            }
            fields.push((key, lines));
            if next_or_close(rest, '}')? {
                break;
            }
        }
    }
    Some((Value::Object(map), LineMap::fields(line, fields)))
}

fn skip_spaces(rest: &mut &str) {
    *rest = rest.trim_start_matches(' ');
}

/// Consumes `close` if it comes next.
fn closes(rest: &mut &str, close: char) -> bool {
    skip_spaces(rest);
    match rest.strip_prefix(close) {
        Some(after) => {
            *rest = after;
            true
        }
        None => false,
    }
}

/// After an entry: `Some(false)` at a comma (another entry follows), `Some(true)` at the
/// closing bracket, `None` for anything else, a trailing comma included.
fn next_or_close(rest: &mut &str, close: char) -> Option<bool> {
    if closes(rest, close) {
        return Some(true);
    }
    *rest = rest.strip_prefix(',')?;
    skip_spaces(rest);
    (!rest.starts_with(close)).then_some(false)
}

/// `key: ` inside `{...}`, the cursor moved past the colon.
fn key(rest: &mut &str) -> Option<String> {
    skip_spaces(rest);
    if rest.starts_with(['"', '\'']) {
        let (key, after) = quoted(rest)?;
        let after = after.strip_prefix(':')?;
        if !is_short_key(rest, after) {
            return None;
        }
        *rest = after;
        return Some(key);
    }
    let colon = rest.find(':')?;
    let raw = rest[..colon].trim_end_matches(' ');
    let after = &rest[colon + 1..];
    if !is_plain_in_flow(raw) || !after.starts_with(' ') || !is_short_key(rest, after) {
        return None;
    }
    let key = key_text(resolve_plain(raw)?);
    *rest = after;
    Some(key)
}

fn scalar(rest: &mut &str) -> Option<Value> {
    if rest.starts_with(['"', '\'']) {
        let (value, after) = quoted(rest)?;
        *rest = after;
        return Some(Value::String(value));
    }
    let end = rest.find([',', ']', '}'])?;
    let raw = rest[..end].trim_end_matches(' ');
    if !is_plain_in_flow(raw) {
        return None;
    }
    *rest = &rest[end..];
    resolve_plain(raw)
}

/// A plain scalar the flow reader is sure of: no indicator first, nothing that could start
/// a comment, a pair or a nested collection inside.
fn is_plain_in_flow(raw: &str) -> bool {
    !raw.is_empty()
        && !raw.starts_with(super::INDICATORS)
        && !raw.contains([':', '#', ',', '[', ']', '{', '}', '"', '\''])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(text: &str) -> Option<(Value, &str)> {
        let mut rest = text;
        let (value, _) = value(&mut rest, 7, 0)?;
        Some((value, rest))
    }

    #[test]
    fn reads_one_line_collections() {
        assert_eq!(
            read(r#"["sh", "-c", 'echo hi'] # c"#),
            Some((json!(["sh", "-c", "echo hi"]), " # c"))
        );
        assert_eq!(
            read("{cpu: 100m, memory: 64Mi, count: 3}"),
            Some((json!({"cpu": "100m", "memory": "64Mi", "count": 3}), ""))
        );
        assert_eq!(
            read(r#"{"a":{"b": [1, {c: d}]}, e: []}"#),
            Some((json!({"a": {"b": [1, {"c": "d"}]}, "e": []}), ""))
        );
    }

    #[test]
    fn every_node_is_on_the_line() {
        let mut rest = "{a: [x, z]}";
        let (_, lines) = value(&mut rest, 7, 0).unwrap();
        let path = crate::explain::FieldPath::of(&["a"]).index(1);
        assert_eq!(lines.line_of(&path), 7);
    }

    #[test]
    fn leaves_the_doubtful_to_the_full_reader() {
        for text in [
            "[a, b",
            "[a, ]",
            "[a: b]",
            "{a:b}",
            "{a}",
            "{a: 1, a: 2}",
            "[nginx:1.25]",
            "[a #b]",
            "[yes]",
            "[, a]",
            "{? a: b}",
            "[[[[[[[[[[1]]]]]]]]]]",
            "{a]b: 1}",
            "{a,b: 1}",
        ] {
            assert_eq!(read(text), None, "{text}");
        }
    }
}
