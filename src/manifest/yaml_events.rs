//! The YAML reader's fast path: a document's value and line map built straight from the
//! events of granit-parser, the parser serde-saphyr itself reads through (its re-export, so
//! one version), for the documents whose meaning is beyond doubt.
//!
//! Why it exists: on the 10,000-document benchmark manifest the parser's bare event stream
//! takes 0.97 s, serde-saphyr's deserialization of the same text into values 4.7 s; the
//! serde layer (its events, key capture and replay, typed visitors) cost ~3.7 s on top of
//! the parser, nearly all of `explain-pod -f`'s CPU.
//!
//! What it is not: a YAML parser. All syntax is granit-parser's, with the options
//! serde-saphyr gives it (and directives refused), and this module only turns events into
//! values. It declines — `None`, and the piece goes to serde-saphyr ([`super::yaml`])
//! unchanged — on anything it is not sure it reads exactly as serde-saphyr does: any parse
//! error (so every message is still serde-saphyr's), anchors, aliases, tags, directives,
//! merge keys, keys that are not plainly strings, duplicate keys, nesting past
//! [`MAX_DEPTH`], pieces near serde-saphyr's budgets, and any plain scalar whose type is
//! not beyond doubt ([`plain_scalar`], [`plain_string`]). Its tests compare it with
//! serde-saphyr on every YAML fixture, synthetic manifests, a table of tricky scalars and
//! random documents.

use std::borrow::Cow;

use serde_json::{Map, Value};
use serde_saphyr::granit_parser::{Event, Options, Parser, ScalarStyle, Span, StrInput};

use super::located::{LineMap, Located};
use super::split::Chunk;

/// Deeper pieces go to serde-saphyr, whose limit (64 levels) then decides, as in `json`.
const MAX_DEPTH: usize = 32;
/// Well inside serde-saphyr's default budget (1,000,000 events, 250,000 nodes,
/// 1,024 documents, 64 MiB of scalar text), which a piece under these never reaches, so
/// the budget cannot be what decides its answer.
const MAX_EVENTS: usize = 200_000;
const MAX_DOCUMENTS: usize = 64;
const MAX_BYTES: usize = 16 << 20;

/// Every document of one piece from `split_documents`, empty documents dropped, exactly as
/// [`super::yaml::read_documents`] reads them; `None`: not sure, read it with serde-saphyr.
pub(super) fn read_documents(chunk: &Chunk) -> Option<Vec<Located>> {
    if chunk.text.len() > MAX_BYTES {
        return None;
    }
    let mut events = Events {
        parser: Parser::new_from_str_with_options(chunk.text, parser_options()),
        offset: chunk.first_line - 1,
        seen: 0,
    };
    let mut documents = Vec::new();
    let (Event::StreamStart, _) = events.next()? else {
        return None;
    };
    loop {
        match events.next()? {
            (Event::StreamEnd, _) => return Some(documents),
            // A version means a `%YAML` directive (refused by the options anyway).
            (Event::DocumentStart(_, None), _) => {}
            _ => return None,
        }
        let (event, span) = events.next()?;
        let document = if matches!(event, Event::DocumentEnd) {
            None
        } else {
            let at = events.line(&span);
            let document = events.node(event, at, 0)?;
            let (Event::DocumentEnd, _) = events.next()? else {
                return None;
            };
            Some(document)
        };
        if let Some((value, lines)) = document.filter(|(value, _)| !value.is_null()) {
            if documents.len() == MAX_DOCUMENTS {
                return None;
            }
            documents.push(Located { value, lines });
        }
    }
}

/// The parser as serde-saphyr 2.2 configures it by default (`Budget::parser_options`:
/// granit's defaults but 32 buffered comments), and stricter in one way: a directive is
/// an error here, so such a piece is declined. On an upgrade of serde-saphyr, check these
/// and the scalar rules below against its `deserialize_any`; the tests compare results.
fn parser_options() -> Options {
    let mut options = Options::default();
    options.simple_key_max_lookahead = 1024;
    options.flow_nesting_limit = 255;
    options.block_nesting_limit = 255;
    options.emit_comments = true;
    options.max_buffered_comment_events = 32;
    options.strict_indentation = false;
    options.bom_inside_document_as_content = false;
    options.disallow_directives = true;
    options
}

struct Events<'a> {
    parser: Parser<'a, StrInput<'a>>,
    /// Turns the piece's lines into the stream's.
    offset: u32,
    seen: usize,
}

impl<'a> Events<'a> {
    /// The next event that is not a comment; `None` on an error or past the budget.
    fn next(&mut self) -> Option<(Event<'a>, Span)> {
        loop {
            self.seen += 1;
            if self.seen > MAX_EVENTS {
                return None;
            }
            match self.parser.next()?.ok()? {
                (Event::Comment(..), _) => {}
                event => return Some(event),
            }
        }
    }

    /// The line serde-saphyr's `Spanned` gives a node: where its first event starts.
    fn line(&self, span: &Span) -> u32 {
        u32::try_from(span.start.line())
            .unwrap_or(u32::MAX)
            .saturating_add(self.offset)
    }

    /// The node that starts with `event`; `at` is the line it is known by (its key's line
    /// for a field's value, its own otherwise); `depth` counts the collections around it.
    fn node(&mut self, event: Event<'a>, at: u32, depth: usize) -> Option<(Value, LineMap)> {
        match event {
            Event::Scalar(text, style, 0, None) => Some((scalar(text, style)?, LineMap::leaf(at))),
            Event::SequenceStart(_, 0, None) if depth < MAX_DEPTH => {
                let mut values = Vec::new();
                let mut lines = Vec::new();
                loop {
                    let (event, span) = self.next()?;
                    if matches!(event, Event::SequenceEnd) {
                        break;
                    }
                    let line = self.line(&span);
                    let (value, value_lines) = self.node(event, line, depth + 1)?;
                    values.push(value);
                    lines.push(value_lines);
                }
                Some((Value::Array(values), LineMap::items(at, lines)))
            }
            Event::MappingStart(_, 0, None) if depth < MAX_DEPTH => {
                let mut map = Map::new();
                let mut lines = Vec::new();
                loop {
                    let (event, span) = self.next()?;
                    let key = match event {
                        Event::MappingEnd => break,
                        Event::Scalar(text, style, 0, None) => key(text, style)?,
                        _ => return None,
                    };
                    let line = self.line(&span);
                    let (event, _) = self.next()?;
                    let (value, value_lines) = self.node(event, line, depth + 1)?;
                    if map.insert(key.clone(), value).is_some() {
                        return None;
                    }
                    lines.push((key, value_lines));
                }
                Some((Value::Object(map), LineMap::fields(at, lines)))
            }
            _ => None,
        }
    }
}

/// A map key as serde-saphyr's `ScalarKey` reads it, for keys that are strings to it:
/// quoted or block keys, and plain keys [`plain_string`] is sure of. `<<` (a merge key
/// when plain) is declined however written.
fn key(text: Cow<'_, str>, style: ScalarStyle) -> Option<String> {
    let sure = style != ScalarStyle::Plain || plain_string(&text);
    (sure && text != "<<").then(|| text.into_owned())
}

/// A scalar value as serde-saphyr's untyped deserialization reads it: quoted and block
/// scalars are strings, plain ones go through [`plain_scalar`].
fn scalar(text: Cow<'_, str>, style: ScalarStyle) -> Option<Value> {
    if style != ScalarStyle::Plain {
        return Some(Value::String(text.into_owned()));
    }
    plain_scalar(&text).or_else(|| plain_string(&text).then(|| Value::String(text.into_owned())))
}

/// The plain scalars that are not strings, for the spellings beyond doubt: the YAML 1.2
/// null and boolean words and decimal integers that fit 64 bits.
fn plain_scalar(text: &str) -> Option<Value> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => Some(Value::Null),
        "true" | "True" | "TRUE" => Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => Some(Value::Bool(false)),
        _ => {
            let digits = text.strip_prefix('-').unwrap_or(text);
            let decimal = digits == "0" && digits.len() == text.len()
                || digits.starts_with(|c: char| matches!(c, '1'..='9'))
                    && digits.bytes().all(|b| b.is_ascii_digit());
            if !decimal {
                None
            } else if digits.len() == text.len() {
                text.parse::<u64>().ok().map(Value::from)
            } else {
                text.parse::<i64>().ok().map(Value::from)
            }
        }
    }
}

/// Whether serde-saphyr certainly reads this plain scalar (not one of [`plain_scalar`]'s)
/// as a string. Its untyped reading tries YAML 1.1 booleans (`yes`, `off`, `y`... in any
/// case), nulls, integers (a sign, `0x`/`0o`/`0b`, underscores) and floats (Rust's syntax,
/// `.inf`, `.nan`). A numeral starts with a digit or a dot after an optional sign; after a
/// radix prefix it holds only hex digits and `_`, otherwise only digits, `_ . e E + -` and
/// at most one dot. So a scalar with another first character is a string, and so is one
/// starting with a digit that holds another character (`128Mi`, a UUID) or two dots
/// (`10.0.0.1`). `:` (sexagesimal in YAML 1.1) counts as a numeral's; the rest is declined.
fn plain_string(text: &str) -> bool {
    let padding = [' ', '\t', '\r', '\n'];
    let words = [
        "y", "yes", "n", "no", "on", "off", "true", "false", "null", "~",
    ];
    if text.is_empty()
        || text.starts_with(padding)
        || text.ends_with(padding)
        || words.iter().any(|word| text.eq_ignore_ascii_case(word))
    {
        return false;
    }
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let numeral = |b: u8| {
        matches!(
            b,
            b'0'..=b'9' | b'_' | b'.' | b'e' | b'E' | b'+' | b'-' | b':'
        )
    };
    match unsigned.as_bytes() {
        [] => false,
        [b'0', b'x' | b'X' | b'o' | b'O' | b'b' | b'B', digits @ ..] => {
            !digits.iter().all(|&b| b.is_ascii_hexdigit() || b == b'_')
        }
        [b'0'..=b'9', ..] => {
            text.bytes().filter(|&b| b == b'.').count() > 1 || !text.bytes().all(numeral)
        }
        [b'.', ..] => !text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || numeral(b)),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::path::Path;

    use proptest::prelude::*;
    use proptest::test_runner::TestRunner;
    use testkit::synthetic::SyntheticCluster;
    use testkit::yaml::to_yaml;

    use super::*;
    use crate::manifest::documents::parse_documents;
    use crate::manifest::located::ParseError;
    use crate::manifest::sources::collect_dir;
    use crate::manifest::split::split_documents;
    use crate::manifest::{json, yaml};

    /// The stream as read before this module existed: serde_json, else serde-saphyr.
    fn without_fast_path(text: &str) -> Result<Vec<Located>, ParseError> {
        let mut documents = Vec::new();
        for chunk in split_documents(text) {
            match json::read_document(&chunk) {
                Some(document) => documents.push(document),
                None => documents.extend(yaml::read_documents(&chunk)?),
            }
        }
        Ok(documents)
    }

    /// Checks every piece the fast path accepts against serde-saphyr, and the whole
    /// stream's result against the one without the fast path. Returns (accepted, pieces).
    /// On a thread with the manifest pool's stack: serde-saphyr on 64 levels needs more
    /// than a test thread has in a debug build.
    fn check(name: &str, text: &str) -> (usize, usize) {
        std::thread::scope(|scope| {
            std::thread::Builder::new()
                .stack_size(64 << 20)
                .spawn_scoped(scope, || check_here(name, text))
                .unwrap()
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
    }

    fn check_here(name: &str, text: &str) -> (usize, usize) {
        let chunks = split_documents(text);
        let mut accepted = 0;
        for chunk in &chunks {
            if let Some(fast) = read_documents(chunk) {
                accepted += 1;
                let full = yaml::read_documents(chunk);
                assert_eq!(
                    Ok(&fast),
                    full.as_ref(),
                    "{name}: the piece at line {} differs:\n{}",
                    chunk.first_line,
                    chunk.text
                );
            }
        }
        assert_eq!(
            parse_documents(text),
            without_fast_path(text),
            "{name}: the stream's result changed"
        );
        (accepted, chunks.len())
    }

    fn accepts(text: &str) -> bool {
        let (accepted, pieces) = check(text, text);
        accepted == pieces
    }

    #[test]
    fn agrees_with_serde_saphyr_on_every_fixture() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in ["tests", "examples", "fuzz/seeds"] {
            collect_dir(&root.join(dir), true, &mut files).unwrap();
        }
        // JSON files go to serde_json, not here.
        files.retain(|file| file.extension().is_some_and(|e| e == "yaml" || e == "yml"));
        assert!(files.len() >= 15, "{files:?}");
        let (mut accepted, mut pieces) = (0, 0);
        for file in &files {
            let Ok(text) = std::fs::read_to_string(file) else {
                continue;
            };
            let (a, p) = check(&file.display().to_string(), &text);
            accepted += a;
            pieces += p;
        }
        // Hand-written manifests: most of them are plainly typed.
        assert!(accepted * 2 > pieces, "{accepted} of {pieces} pieces");
    }

    /// The benchmark's manifest, and the same objects as serde-saphyr writes them (plain
    /// strings where it may), with the other synthetic objects (nodes, statuses).
    #[test]
    fn agrees_with_serde_saphyr_on_synthetic_manifests() {
        let cluster = SyntheticCluster::new(300, 7);
        let benchmark: String = (0..300)
            .map(|i| format!("---\n{}", to_yaml(&cluster.manifest(i))))
            .collect();
        assert_eq!(check("benchmark", &benchmark), (300, 300));

        let written: String = cluster
            .objects()
            .map(|object| format!("---\n{}", serde_saphyr::to_string(&object).unwrap()))
            .collect();
        let (accepted, pieces) = check("serde-saphyr's writing", &written);
        assert!(pieces > 300, "{pieces}");
        assert!(
            accepted * 20 >= pieces * 19,
            "{accepted} of {pieces} pieces"
        );
    }

    /// Each scalar as a value, an item, a key and a document: the fast path declines or
    /// reads it as serde-saphyr does.
    #[test]
    fn tricky_scalars_are_declined_or_read_alike() {
        // Written as they appear after `key: `; the ones without spaces first.
        let words = "yes no on off y n Yes NO Y oN ~ null Null NULL nULL true False TRUE tRUE \
            0 -0 +0 +1 -1 007 -007 0x1F 0X1F 0o17 0b101 0b12 0b1-2 0x1G 0o8 1_000 1:20 1.5 \
            -1.5 1. 1e3 1E3 12e4 1e-3 1e+3 1_0.5 1e999 .5 +.5 -.5 .inf -.inf .Inf .nan -.nan \
            .NaN inf nan Infinity -inf 9223372036854775807 9223372036854775808 \
            -9223372036854775808 -9223372036854775809 18446744073709551615 \
            18446744073709551616 100m 128Mi 1Gi 0.5Gi 1.2.3 2026-01-05 2026-01-05T10:00:00Z \
            10.0.0.1 6.6.87+ 1.5. 2dd0850d-8dc6-434e-ac64-b071d2b4ad9e nginx:1.25 \
            v1.33.5-gke.1201000 \"quoted\" 'single' \"1\" 'true' \"\" naïve 日本語 é1 - + --1 \
            -x _ . .. .a a:b http://x /proc @x `x %x !x &x *x = << ? x? \"\\u00e9\\t\" 'it''s'";
        let others = [
            "",
            "a b c",
            "hello world",
            "|\n  block\n",
            ">\n  folded\n  text\n",
            "|-\n  1\n",
            "\"a\\\nb\"",
            "multi\n  line",
            "1\n\n  2",
        ];
        let scalars: Vec<&str> = words.split_whitespace().chain(others).collect();
        let mut read = 0;
        for scalar in scalars {
            for text in [
                format!("key: {scalar}\n"),
                format!("- {scalar}\n"),
                format!("{scalar}: x\n"),
                format!("--- {scalar}\n"),
                format!("a:\n  - {scalar}\n  - [{scalar}]\n"),
            ] {
                let (accepted, _) = check(&text, &text);
                read += accepted;
            }
        }
        assert!(read > 100, "{read}");
    }

    #[test]
    fn reads_what_it_is_sure_of() {
        for text in [
            "a: 1\nb: -2\nc: true\nd: FALSE\ne: ~\nf:\ng: null\n",
            "limits: {cpu: 100m, memory: 128Mi}\nimage: nginx:1.25\nargs: [a, 'b', \"c\"]\n",
            "s: |\n  line one\n  line two\nf: >\n  folded\n  text\n",
            "# comment\n--- # marker\na: # after\n  - 1 # one\n...\n",
            "\"1\": one\n'true': t\n? explicit\n: k\n",
            "---\n",
            "",
            "just text\n",
            "a: 1\n...\n---\nb: 2\n...\nc: 3\n",
            "{a, b: 1}\n",
            "[a: 1, b, {}, []]\n",
            "-\n- a\n-\n",
            "a:\n- 1\n-\n  - x\n  -\n? b\nc: {\n  d: 1,\n  e\n  }\n",
            "- a: 1\n  b: 2\n- - x\n  - z\n",
            "a: 1\r\nb:\r\n  - c\r\nd: |\r\n  e\r\n",
            "\u{feff}a: 1\n",
            "a: |+\n  keep\n\nb: >-\n  strip\n  me\n\nc: \"\\u00e9\\x41\\\n  d\"\n",
            "a: 'it''s'   # comment\n# between\n\nb:    x y   \n",
            "# only a comment\n",
        ] {
            assert!(accepts(text), "{text:?} declined");
        }
    }

    #[test]
    fn declines_what_it_is_not_sure_of() {
        let deep_flow = format!("a: {}1{}\n", "[".repeat(40), "]".repeat(40));
        let deep_block: String = (0..40)
            .map(|i| format!("{}k{i}:\n", "  ".repeat(i)))
            .collect();
        let many: String = (0..100).map(|i| format!("d{i}: 1\n...\n")).collect();
        for text in [
            "a: &x 1\nb: 2\n",
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "a: !custom x\n",
            "!!map\na: 1\n",
            "a: !!int \"1\"\n",
            "base: {a: 1}\nm:\n  <<: {b: 2}\n",
            "m:\n  \"<<\": {b: 2}\n",
            "a: 1\na: 2\n",
            "a: 1\n'a': 2\n",
            &deep_flow,
            &deep_block,
            "a: [1, 2\nc: 3\n",
            "a: b: c\n",
            "%YAML 1.2\n---\na: 1\n",
            "%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n",
            "? [a]\n: b\n",
            "? {a: 1}\n: b\n",
            "1: x\n",
            "true: x\n",
            "~: x\n",
            ": x\n",
            "a: yes\n",
            "a: 1.5\n",
            &many,
        ] {
            let chunks = split_documents(text);
            assert!(
                chunks.iter().any(|chunk| read_documents(chunk).is_none()),
                "{text:?} accepted"
            );
            check(text, text);
        }
    }

    #[test]
    fn a_long_plain_key_is_the_parsers_to_refuse() {
        let text = format!("{}: 1\n", "k".repeat(1100));
        assert!(read_documents(&split_documents(&text)[0]).is_none());
        check("long key", &text);
    }

    fn one_of(words: &'static str) -> impl Strategy<Value = String> + Clone {
        prop::sample::select(words.split(' ').collect::<Vec<_>>()).prop_map(str::to_string)
    }

    /// Small documents of random shape, block and flow, from scalars and keys the fast
    /// path mostly reads and sometimes declines.
    fn document() -> impl Strategy<Value = String> {
        let scalar = prop_oneof![
            8 => one_of("1 -3 0 true False ~ null x nginx:1.25 128Mi 'q' \"d\" é /p a-b 2dd0-x"),
            1 => one_of("007 1.5 no on .5 0x1F 1e3 y - +1"),
        ];
        let key = prop_oneof![
            8 => one_of("a b name 'k' c.d/e \"q\" x_y"),
            1 => one_of("1 true y ~ <<"),
        ];
        let leaf = (scalar, 0..5u8).prop_map(|(scalar, style)| match style {
            0 => format!("[{scalar}, {scalar}]"),
            1 => format!("{{k: {scalar}}}"),
            2 => format!("{scalar} # c"),
            _ => scalar,
        });
        leaf.prop_recursive(4, 24, 4, move |inner| {
            prop_oneof![
                prop::collection::vec((key.clone(), inner.clone()), 1..4).prop_map(|fields| {
                    fields
                        .into_iter()
                        .map(|(k, v)| format!("{k}:{}", indent(&v)))
                        .collect::<String>()
                }),
                prop::collection::vec(inner, 1..4).prop_map(|items| {
                    items
                        .into_iter()
                        .map(|v| format!("-{}", indent(&v)))
                        .collect::<String>()
                }),
            ]
        })
    }

    /// A value after `key:` or `-`: a one-line scalar on the same line, a block below.
    fn indent(value: &str) -> String {
        if value.ends_with('\n') {
            let body: String = value.lines().map(|line| format!("  {line}\n")).collect();
            format!("\n{body}")
        } else {
            format!(" {value}\n")
        }
    }

    #[test]
    fn random_documents_are_declined_or_read_alike() {
        let (accepted, pieces) = (Cell::new(0), Cell::new(0));
        let mut runner = TestRunner::new(ProptestConfig::with_cases(1024));
        let streams = prop::collection::vec(document(), 1..4);
        let result = runner.run(&streams, |documents| {
            let text: String = documents.iter().map(|d| format!("---\n{d}")).collect();
            let (a, p) = check(&text, &text);
            accepted.set(accepted.get() + a);
            pieces.set(pieces.get() + p);
            Ok(())
        });
        result.unwrap();
        let (accepted, pieces) = (accepted.get(), pieces.get());
        assert!(accepted * 4 > pieces, "{accepted} of {pieces} pieces");
    }
}
