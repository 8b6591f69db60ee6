//! The check that keeps the fast readers (`block_style`, `json_style`) honest: wherever
//! one reads a document, the full parser must read the same value and the same lines. Used by the unit tests below
//! (fixtures, fuzz seeds, synthetic manifests, generated YAML) and by the fuzz target
//! `readers_agree`; compiled only for them.

use super::located::{parse_full, read_fast};
use super::split::split_documents;

/// Compares the readers on every document of `text`. `Ok(n)`: they agree, and the fast
/// readers read `n` pieces themselves. `Err`: where and how they differ.
pub fn check(text: &str) -> Result<usize, String> {
    let mut taken = 0;
    for chunk in split_documents(text) {
        let Some(fast) = read_fast(&chunk) else {
            continue;
        };
        taken += 1;
        match parse_full(&chunk) {
            Ok(full) if full == fast => {}
            Ok(full) => {
                return Err(format!(
                    "readers differ on the piece at line {}:\n{}\nfast reader: {fast:?}\nfull parser: {full:?}",
                    chunk.first_line, chunk.text
                ));
            }
            Err(error) => {
                return Err(format!(
                    "a fast reader read a piece the full parser refuses ({error}):\n{}",
                    chunk.text
                ));
            }
        }
    }
    Ok(taken)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use proptest::prelude::*;

    use super::check;

    fn files_under(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files_under(&path, out);
            } else {
                out.push(path);
            }
        }
    }

    #[test]
    fn agree_on_every_fixture_and_fuzz_seed() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in [
            "tests/fixtures",
            "tests/fuzz-corpus",
            "fuzz/seeds",
            "examples",
        ] {
            files_under(&root.join(dir), &mut files);
        }
        let mut taken = 0;
        for file in &files {
            let Ok(text) = std::fs::read_to_string(file) else {
                continue;
            };
            taken += check(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        }
        assert!(taken >= 10, "the block reader read only {taken} documents");
    }

    #[test]
    fn agree_on_synthetic_manifests_and_read_them_all() {
        let cluster = testkit::synthetic::SyntheticCluster::new(400, 7);
        let text: String = (0..400)
            .map(|i| format!("---\n{}", testkit::yaml::to_yaml(&cluster.manifest(i))))
            .collect();
        assert_eq!(check(&text), Ok(400));
    }

    #[test]
    fn agree_on_synthetic_manifests_as_json() {
        let cluster = testkit::synthetic::SyntheticCluster::new(200, 9);
        let pretty: String = (0..100)
            .map(|i| {
                format!(
                    "---\n{}\n",
                    serde_json::to_string_pretty(&cluster.manifest(i)).unwrap()
                )
            })
            .collect();
        assert_eq!(check(&pretty), Ok(100));
        let list = serde_json::json!({"apiVersion": "v1", "kind": "List",
            "items": (100..200).map(|i| cluster.manifest(i)).collect::<Vec<_>>()});
        assert_eq!(check(&serde_json::to_string(&list).unwrap()), Ok(1));
    }

    /// Scalars chosen to sit on every edge of plain-scalar typing and quoting.
    const SCALARS: &[&str] = &[
        "web",
        "nginx:1.25",
        "/proc",
        "500m",
        "128Mi",
        "80",
        "-3",
        "0",
        "007",
        "1.5",
        "1e3",
        "0x1F",
        "0o17",
        "1_000",
        "12:30",
        ".inf",
        "-.inf",
        ".nan",
        "yes",
        "No",
        "on",
        "OFF",
        "y",
        "N",
        "true",
        "True",
        "tRUE",
        "false",
        "null",
        "Null",
        "~",
        "",
        " lead",
        "trail ",
        "a: b",
        "a:b",
        "a #b",
        "a#b",
        "#c",
        "- x",
        "-",
        "-x",
        "[x]",
        "{y: 1}",
        "*ref",
        "&anc",
        "!tag",
        "|",
        ">",
        "%d",
        "@a",
        "`b",
        "it's",
        "say \"hi\"",
        "tab\there",
        "é ü",
        "\\",
        "back\\slash",
        "99999999999999999999",
        "-9223372036854775808",
        "a,b",
        "?q",
        ": x",
    ];

    const KEYS: &[&str] = &[
        "apiVersion",
        "kind",
        "name",
        "a b",
        "app.kubernetes.io/name",
        "8080",
        "true",
        "null",
        "x:y",
        "yes",
        "k",
        "\"quoted\"",
        "'single'",
        "-k",
        "key ",
    ];

    #[derive(Debug, Clone)]
    enum Node {
        Scalar(&'static str, Style),
        Map(Vec<(&'static str, Node)>),
        Seq(Vec<Node>),
    }

    #[derive(Debug, Clone, Copy)]
    enum Style {
        Plain,
        Double,
        Single,
    }

    fn node() -> impl Strategy<Value = Node> {
        let style = prop_oneof![Just(Style::Plain), Just(Style::Double), Just(Style::Single)];
        let leaf =
            (proptest::sample::select(SCALARS), style).prop_map(|(s, st)| Node::Scalar(s, st));
        leaf.prop_recursive(5, 48, 5, |inner| {
            prop_oneof![
                proptest::collection::vec((proptest::sample::select(KEYS), inner.clone()), 1..5)
                    .prop_map(Node::Map),
                proptest::collection::vec(inner, 1..4).prop_map(Node::Seq),
            ]
        })
    }

    /// How a generated document is laid out: kubectl puts a sequence at its key's
    /// indentation, other emitters indent it; comments and dash spacing vary.
    #[derive(Debug, Clone, Copy)]
    struct Layout {
        sequence_under_key: bool,
        comments: bool,
        dash_spaces: usize,
    }

    fn scalar_text(text: &str, style: Style) -> String {
        match style {
            Style::Plain => text.to_string(),
            Style::Double => serde_json::to_string(text).unwrap(),
            Style::Single => format!("'{}'", text.replace('\'', "''")),
        }
    }

    fn render(node: &Node, indent: usize, layout: Layout, out: &mut String) {
        let pad = " ".repeat(indent);
        match node {
            Node::Scalar(text, style) => {
                out.push_str(&format!("{pad}{}\n", scalar_text(text, *style)))
            }
            Node::Map(fields) => {
                for (key, value) in fields {
                    out.push_str(&format!("{pad}{key}:"));
                    render_value(value, indent, layout, out);
                }
            }
            Node::Seq(items) => {
                for item in items {
                    let dash = format!("{pad}-{}", " ".repeat(layout.dash_spaces));
                    let mut inner = String::new();
                    render(item, indent + 1 + layout.dash_spaces, layout, &mut inner);
                    // The item's first line goes after the dash, the rest stay indented.
                    let first_line_pad = indent + 1 + layout.dash_spaces;
                    out.push_str(&dash);
                    out.push_str(&inner[first_line_pad.min(inner.len())..]);
                }
            }
        }
    }

    fn render_value(value: &Node, indent: usize, layout: Layout, out: &mut String) {
        match value {
            Node::Scalar(text, style) => {
                let comment = if layout.comments { " # note" } else { "" };
                out.push_str(&format!(" {}{comment}\n", scalar_text(text, *style)));
            }
            Node::Map(_) => {
                out.push('\n');
                if layout.comments {
                    out.push_str(&format!("{}# a comment line\n", " ".repeat(indent)));
                }
                render(value, indent + 2, layout, out);
            }
            Node::Seq(_) => {
                out.push('\n');
                let at = if layout.sequence_under_key {
                    indent
                } else {
                    indent + 2
                };
                render(value, at, layout, out);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn agree_on_generated_block_yaml(
            root in proptest::collection::vec((proptest::sample::select(KEYS), node()), 1..6),
            sequence_under_key: bool,
            comments: bool,
            dash_spaces in 1usize..3,
        ) {
            let layout = Layout { sequence_under_key, comments, dash_spaces };
            let mut text = String::from("---\n");
            render(&Node::Map(root), 0, layout, &mut text);
            if let Err(e) = check(&text) {
                prop_assert!(false, "{}", e);
            }
        }
    }

    /// The generated tree as JSON: plain scalars that are integers become numbers.
    fn to_json(node: &Node) -> serde_json::Value {
        match node {
            Node::Scalar(text, Style::Plain) => text
                .parse::<i64>()
                .map_or_else(|_| serde_json::Value::from(*text), serde_json::Value::from),
            Node::Scalar(text, _) => serde_json::Value::from(*text),
            Node::Map(fields) => fields
                .iter()
                .map(|(key, value)| (key.to_string(), to_json(value)))
                .collect(),
            Node::Seq(items) => items.iter().map(to_json).collect(),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn agree_on_generated_json(root in node(), pretty: bool, tabs: bool) {
            let value = to_json(&root);
            let mut text = if pretty {
                serde_json::to_string_pretty(&value).unwrap()
            } else {
                serde_json::to_string(&value).unwrap()
            };
            if tabs {
                text = text.replace("  ", "\t");
            }
            if let Err(e) = check(&format!("---\n{text}\n")) {
                prop_assert!(false, "{}", e);
            }
        }
    }

    #[test]
    fn the_generator_reaches_the_block_reader() {
        // Without this, a generator whose every document fell back would prove nothing.
        let layout = Layout {
            sequence_under_key: true,
            comments: true,
            dash_spaces: 1,
        };
        let doc = Node::Map(vec![(
            "spec",
            Node::Map(vec![
                ("name", Node::Scalar("web", Style::Plain)),
                (
                    "ports",
                    Node::Seq(vec![Node::Map(vec![(
                        "containerPort",
                        Node::Scalar("80", Style::Plain),
                    )])]),
                ),
            ]),
        )]);
        let mut text = String::new();
        render(&doc, 0, layout, &mut text);
        assert_eq!(check(&text), Ok(1), "{text}");
    }
}
