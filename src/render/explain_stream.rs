//! `explain-pod` output written object by object, as the objects are explained (from `-f`
//! manifests or a live cluster's pages), in the same bytes as the whole report rendered at
//! once: a manifest set or a cluster of any size is never held whole. What is said once (caveats, errors, the summary) comes last anyway.
//!
//! JSON and YAML write their opening at the first object and the rest of the report
//! (errors, counts, summary) at the end. SARIF names success and the input errors before
//! the findings, so its results wait in an unnamed temporary file until the end. So do the
//! one-line table's rows: the columns are aligned over every row, known at the last.

use std::fs::File;
use std::io::{self, BufRead, Seek, Write};

use serde::Serialize;

use super::explain_table::{self, Row, Rows, TableOptions};
use super::{data, sarif};
use crate::explain::{ObjectReport, Report};

/// How the report is written.
#[derive(Debug, Clone, Copy)]
pub(crate) enum StreamFormat {
    Table(TableOptions),
    Json,
    Yaml,
    Sarif,
}

/// Writes a report's objects as they come, then the rest with [`ReportStream::finish`].
pub(crate) struct ReportStream<W: Write> {
    out: W,
    format: StreamFormat,
    written: usize,
    rows: RowSpool,
    /// SARIF's results, each after a comma.
    results: Spool,
}

/// The JSON report's indentation of an item of `objects`.
const JSON_OBJECT_INDENT: &str = "\n    ";
/// A SARIF result's indentation in `runs[0].results`.
const SARIF_RESULT_INDENT: &str = "\n        ";
/// Stands in for the findings' results in the SARIF log written at the end.
const SARIF_PLACEHOLDER: &str = "\u{0}results\u{0}";

impl<W: Write> ReportStream<W> {
    pub(crate) fn new(out: W, format: StreamFormat) -> Self {
        ReportStream {
            out,
            format,
            written: 0,
            rows: RowSpool::default(),
            results: Spool::default(),
        }
    }

    /// Writes one explained object (`report` gives the run's fixed parts).
    pub(crate) fn object(&mut self, object: &ObjectReport, report: &Report) -> io::Result<()> {
        let first = self.written == 0;
        self.written += 1;
        match self.format {
            StreamFormat::Table(options) if options.no_headers || options.one_line => {
                self.rows.push(&explain_table::row(object, options.palette))
            }
            StreamFormat::Table(options) => {
                let mut text = String::new();
                explain_table::render_object(&mut text, object, options);
                text.push('\n');
                self.out.write_all(text.as_bytes())
            }
            StreamFormat::Json => {
                if first {
                    self.out.write_all(json_head(report).as_bytes())?;
                    self.out.write_all(b"[")?;
                } else {
                    self.out.write_all(b",")?;
                }
                let text = data::json(object);
                let text = text.trim_end().replace('\n', JSON_OBJECT_INDENT);
                write!(self.out, "{JSON_OBJECT_INDENT}{text}")
            }
            StreamFormat::Yaml => {
                if first {
                    self.out.write_all(yaml_head(report).as_bytes())?;
                }
                self.out.write_all(yaml_item(object).as_bytes())
            }
            StreamFormat::Sarif => {
                let results = sarif::object_results(object);
                if results.is_empty() {
                    return Ok(());
                }
                let mut text = String::new();
                for result in results {
                    text.push(',');
                    text.push_str(SARIF_RESULT_INDENT);
                    text.push_str(
                        &data::json(&result)
                            .trim_end()
                            .replace('\n', SARIF_RESULT_INDENT),
                    );
                }
                self.results.writer()?.write_all(text.as_bytes())
            }
        }
    }

    /// Writes what follows the objects: `report` holds everything but them (its summary
    /// counts them).
    pub(crate) fn finish(mut self, report: &Report) -> io::Result<()> {
        match self.format {
            StreamFormat::Table(options) => {
                explain_table::render_rest(&mut self.out, report, &mut self.rows, options)?;
            }
            StreamFormat::Json => {
                let whole = data::json(report);
                if self.written == 0 {
                    self.out.write_all(whole.as_bytes())?;
                } else {
                    let (_, tail) = after_empty_list(&whole, JSON_NO_OBJECTS);
                    write!(self.out, "\n  ]{tail}")?;
                }
            }
            StreamFormat::Yaml => {
                let whole = data::yaml(report);
                if self.written == 0 {
                    self.out.write_all(whole.as_bytes())?;
                } else {
                    let (_, tail) = after_empty_list(&whole, "objects: []\n");
                    self.out.write_all(tail.as_bytes())?;
                }
            }
            StreamFormat::Sarif => {
                let Some(mut spooled) = self.results.read()? else {
                    data::write_json(&sarif::render(report), &mut self.out)?;
                    return self.out.flush();
                };
                let log = sarif::render_with_placeholder(report, SARIF_PLACEHOLDER);
                let whole = data::json(&log);
                let quoted = serde_json::to_string(SARIF_PLACEHOLDER).expect("a string serialises");
                let (head, tail) = whole
                    .split_once(&quoted)
                    .expect("the placeholder is in the log");
                // The placeholder is the last result: drop it with the separator before it.
                let head = head.trim_end_matches(' ');
                let head = head.strip_suffix('\n').unwrap_or(head);
                let (head, first_separator) = match head.strip_suffix(',') {
                    Some(head) => (head, true),
                    None => (head, false),
                };
                self.out.write_all(head.as_bytes())?;
                if !first_separator {
                    // No input errors: the first spooled result opens the list.
                    let mut comma = [0u8; 1];
                    io::Read::read_exact(&mut spooled, &mut comma)?;
                }
                io::copy(&mut spooled, &mut self.out)?;
                self.out.write_all(tail.as_bytes())?;
            }
        }
        self.out.flush()
    }
}

/// Text kept in an unnamed temporary file (made at the first write) until the stream
/// ends, then read back from its start, as often as needed.
#[derive(Default)]
struct Spool {
    file: Option<io::BufWriter<File>>,
}

impl Spool {
    fn writer(&mut self) -> io::Result<&mut io::BufWriter<File>> {
        let file = match self.file.take() {
            Some(file) => file,
            None => io::BufWriter::new(tempfile::tempfile()?),
        };
        Ok(self.file.insert(file))
    }

    /// What was written, from its start; `None` when nothing was.
    fn read(&mut self) -> io::Result<Option<io::BufReader<&File>>> {
        let Some(file) = &mut self.file else {
            return Ok(None);
        };
        file.flush()?;
        let mut file = file.get_ref();
        file.rewind()?;
        Ok(Some(io::BufReader::new(file)))
    }
}

/// The one-line table's rows, one JSON line each, read back as many times as the table
/// needs.
#[derive(Default)]
struct RowSpool(Spool);

impl RowSpool {
    fn push(&mut self, row: &Row) -> io::Result<()> {
        let file = self.0.writer()?;
        serde_json::to_writer(&mut *file, row)?;
        file.write_all(b"\n")
    }
}

impl Rows for RowSpool {
    fn each(&mut self, visit: &mut dyn FnMut(&Row)) -> io::Result<()> {
        let Some(rows) = self.0.read()? else {
            return Ok(());
        };
        for line in rows.lines() {
            visit(&serde_json::from_str(&line?)?);
        }
        Ok(())
    }
}

/// What the whole report text has before and after the given empty list.
fn after_empty_list<'a>(whole: &'a str, empty: &str) -> (&'a str, &'a str) {
    whole
        .split_once(empty)
        .expect("a report without objects has an empty list of them")
}

/// `objects` in the JSON report of none.
const JSON_NO_OBJECTS: &str = "\"objects\": []";

/// The JSON report up to its list of objects (`report` holds none).
fn json_head(report: &Report) -> String {
    let whole = data::json(report);
    let (head, _) = after_empty_list(&whole, JSON_NO_OBJECTS);
    format!("{head}\"objects\": ")
}

/// The YAML report up to its list of objects (`report` holds none).
fn yaml_head(report: &Report) -> String {
    let whole = data::yaml(report);
    let (head, _) = after_empty_list(&whole, "objects: []\n");
    format!("{head}objects:\n")
}

/// One object as an item of the YAML report's `objects`.
fn yaml_item(object: &ObjectReport) -> String {
    #[derive(Serialize)]
    struct Objects<'a> {
        objects: [&'a ObjectReport; 1],
    }
    let text = data::yaml(&Objects { objects: [object] });
    text.strip_prefix("objects:\n")
        .expect("a list serialises below its key")
        .to_string()
}
