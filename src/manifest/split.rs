//! Cutting a YAML stream into its documents before parsing any of them, so documents can
//! be read on several threads and each by the fastest reader that can read it.
//!
//! YAML 1.2 §9.1 makes this safe without parsing: a line that starts with `---` followed
//! by a space, a tab or the line's end is a document marker wherever it appears (the spec's
//! `c-forbidden`): no scalar, quoted or block, may contain one. Parsers agree: a scalar
//! that would run across such a line ends there or is an error, whether the stream is
//! read whole or cut here.

/// One piece of a stream: a document marker line (except for the first piece) and what
/// follows it up to the next marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Chunk<'a> {
    /// The 1-based line of the piece's first line in the whole stream.
    pub first_line: u32,
    pub text: &'a str,
}

/// The stream's pieces, in order. A stream with directives (`%YAML`, `%TAG`) stays whole:
/// a directive belongs to the document after it, and a `...` line may end a document
/// before the marker, so the parser must see them together.
pub(super) fn split_documents(text: &str) -> Vec<Chunk<'_>> {
    let whole = || {
        vec![Chunk {
            first_line: 1,
            text,
        }]
    };
    let mut chunks = Vec::new();
    let mut start = 0;
    let mut start_line = 1u32;
    let mut line = 1u32;
    let mut offset = 0;
    for piece in text.split_inclusive('\n') {
        if piece.starts_with('%') {
            return whole();
        }
        if offset > start && is_document_marker(piece) {
            chunks.push(Chunk {
                first_line: start_line,
                text: &text[start..offset],
            });
            start = offset;
            start_line = line;
        }
        offset += piece.len();
        line = line.saturating_add(1);
    }
    chunks.push(Chunk {
        first_line: start_line,
        text: &text[start..],
    });
    chunks
}

/// `---` at the start of a line, then a space, a tab or the end of the line.
pub(super) fn is_document_marker(line: &str) -> bool {
    line.strip_prefix("---")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\r', '\n']))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<(u32, &str)> {
        split_documents(text)
            .into_iter()
            .map(|c| (c.first_line, c.text))
            .collect()
    }

    #[test]
    fn cuts_before_every_marker_line_and_keeps_line_numbers() {
        assert_eq!(
            texts("a: 1\n---\nb: 2\n--- # c\nc: 3\n"),
            [(1, "a: 1\n"), (2, "---\nb: 2\n"), (4, "--- # c\nc: 3\n")]
        );
    }

    #[test]
    fn a_leading_marker_is_not_an_empty_first_piece() {
        assert_eq!(texts("---\na: 1\n"), [(1, "---\na: 1\n")]);
    }

    #[test]
    fn only_markers_at_column_zero_followed_by_a_break_count() {
        let text = "a: |\n  ---\n---x: 1\n----\n";
        assert_eq!(texts(text), [(1, text)]);
    }

    #[test]
    fn a_marker_with_content_on_its_line_starts_a_piece() {
        assert_eq!(
            texts("a: 1\n--- {b: 2}\n---\t\n"),
            [(1, "a: 1\n"), (2, "--- {b: 2}\n"), (3, "---\t\n")]
        );
    }

    #[test]
    fn a_marker_on_the_last_line_without_a_newline_counts() {
        assert_eq!(texts("a: 1\n---"), [(1, "a: 1\n"), (2, "---")]);
    }

    #[test]
    fn streams_with_directives_stay_whole() {
        let text = "a: 1\n...\n%YAML 1.2\n---\nb: 2\n";
        assert_eq!(texts(text), [(1, text)]);
    }

    #[test]
    fn crlf_markers_count() {
        assert_eq!(
            texts("a: 1\r\n---\r\nb: 2\r\n"),
            [(1, "a: 1\r\n"), (2, "---\r\nb: 2\r\n")]
        );
    }
}
