//! A stream read a bounded batch at a time, each batch cut at a `---` line (see `split`),
//! so a large manifest is parsed, explained and freed in pieces instead of held whole.

use std::io::{self, BufRead};

use super::split::is_document_marker;

/// Consecutive whole documents of a stream, and the line they start on in the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    pub first_line: u32,
    pub text: String,
}

/// Reads `input` in batches of about `batch_bytes`: a batch ends before the first
/// document marker after `batch_bytes` were read, so it holds at most `batch_bytes` and
/// one document. A stream with a directive (`%YAML`) is not cut after it: the directive
/// belongs with what follows (as `split::split_documents` keeps such a stream whole).
pub struct BatchReader<R> {
    input: R,
    batch_bytes: usize,
    /// The line that starts the next batch, read ahead of it.
    pending: Option<String>,
    /// The 1-based line number of `pending` (or of the next line read).
    next_line: u32,
    done: bool,
}

impl<R: BufRead> BatchReader<R> {
    pub fn new(input: R, batch_bytes: usize) -> Self {
        BatchReader {
            input,
            batch_bytes,
            pending: None,
            next_line: 1,
            done: false,
        }
    }

    /// The next batch, `None` at the end of the stream.
    pub fn next_batch(&mut self) -> io::Result<Option<Batch>> {
        if self.done {
            return Ok(None);
        }
        let first_line = self.next_line;
        let mut text = self.pending.take().unwrap_or_default();
        let mut lines = u32::from(!text.is_empty());
        let mut whole = text.starts_with('%');
        let mut line = String::new();
        loop {
            line.clear();
            if self.input.read_line(&mut line)? == 0 {
                self.done = true;
                break;
            }
            whole |= line.starts_with('%');
            if !whole && text.len() >= self.batch_bytes && is_document_marker(&line) {
                self.pending = Some(std::mem::take(&mut line));
                break;
            }
            text.push_str(&line);
            lines += 1;
        }
        self.next_line = first_line.saturating_add(lines);
        if text.is_empty() && self.done {
            return Ok(None);
        }
        Ok(Some(Batch { first_line, text }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batches(text: &str, batch_bytes: usize) -> Vec<Batch> {
        let mut reader = BatchReader::new(text.as_bytes(), batch_bytes);
        std::iter::from_fn(|| reader.next_batch().unwrap()).collect()
    }

    #[test]
    fn batches_end_at_the_first_marker_past_the_bound_and_keep_line_numbers() {
        let document = "---\nkind: Pod\nmetadata: {name: p}\n";
        let text = document.repeat(10);
        let cut = batches(&text, 2 * document.len());
        assert_eq!(cut.len(), 5);
        for (i, batch) in cut.iter().enumerate() {
            assert_eq!(batch.text, document.repeat(2));
            assert_eq!(batch.first_line, 1 + 6 * i as u32);
        }
        let joined: String = cut.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(joined, text);
    }

    #[test]
    fn no_batch_holds_more_than_the_bound_and_one_document() {
        let text: String = (0..200)
            .map(|i| {
                format!(
                    "---\nkind: Pod\nmetadata:\n  name: p{}\n",
                    "x".repeat(i % 37)
                )
            })
            .collect();
        let longest = text.split("---\n").map(|d| d.len() + 4).max().unwrap();
        for bound in [1, 64, 500, 4096] {
            let cut = batches(&text, bound);
            assert!(
                cut.iter().all(|b| b.text.len() < bound + longest),
                "{bound}"
            );
            let joined: String = cut.iter().map(|b| b.text.as_str()).collect();
            assert_eq!(joined, text);
        }
    }

    #[test]
    fn markers_inside_a_line_or_indented_do_not_cut() {
        let text = "a: |\n  ---\nb: --- x\n";
        assert_eq!(
            batches(text, 1),
            [Batch {
                first_line: 1,
                text: text.into()
            }]
        );
    }

    #[test]
    fn a_directive_keeps_the_rest_of_the_stream_together() {
        let text = "---\na: 1\n---\nb: 2\n...\n%YAML 1.2\n---\nc: 3\n---\nd: 4\n";
        let cut = batches(text, 1);
        assert_eq!(cut[0].text, "---\na: 1\n");
        assert_eq!(
            cut[1].text,
            "---\nb: 2\n...\n%YAML 1.2\n---\nc: 3\n---\nd: 4\n"
        );
        assert_eq!(cut[1].first_line, 3);
        assert_eq!(cut.len(), 2);
    }

    #[test]
    fn an_empty_stream_has_no_batches() {
        assert_eq!(batches("", 10), []);
    }
}
