//! `explain-pod` as a kubectl-style table: one block per object with its findings aligned,
//! then the caveats every sandboxed pod has, what was not known, and the summary.
//! Colour carries meaning only (red blocks, yellow caveats, green compatible) and is off
//! when stdout is not a terminal or NO_COLOR is set.

use std::fmt::Write as _;
use std::io;

use serde::{Deserialize, Serialize};

use super::{Palette, Tone, admission};
use crate::dry_run::Admission;
use crate::explain::{Effect, ObjectReport, Report, Verdict};

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct TableOptions {
    pub palette: Palette,
    pub no_headers: bool,
    /// One line per object (`-A`, `-l`: many objects) instead of a block with findings.
    pub one_line: bool,
}

fn paint_effect(palette: Palette, effect: Effect, padded: &str) -> String {
    let tone = match effect {
        Effect::Blocks => Tone::Bad,
        Effect::Uncertain | Effect::VersionDependent | Effect::Caution => Tone::Caution,
        Effect::NotEnforced | Effect::Unavailable => Tone::Note,
    };
    palette.tone(tone, padded)
}

/// Colours `label` (the verdict, possibly padded) by the verdict's meaning.
fn paint_verdict(palette: Palette, verdict: Verdict, label: &str) -> String {
    let tone = match verdict {
        Verdict::Compatible => Tone::Good,
        Verdict::CompatibleWithCaveats => Tone::Caution,
        Verdict::Blocked => Tone::Bad,
    };
    palette.tone(tone, label)
}

/// `Deployment shop/web (manifests/web.yaml:3)`.
fn title(object: &ObjectReport) -> String {
    let name = match &object.namespace {
        Some(ns) => format!("{ns}/{}", object.name),
        None => object.name.clone(),
    };
    let mut title = format!("{} {name}", object.kind);
    if let Some(source) = &object.source {
        let _ = write!(title, "  ({}:{})", source.file, source.line);
    }
    title
}

/// `owner: Rollout/web, not read: explained from its pod`, for an object explained in
/// place of a controller this tool does not read.
fn owner_line(object: &ObjectReport) -> Option<String> {
    let owner = object.owner.as_ref()?;
    let own = object.kind.name().to_ascii_lowercase();
    Some(format!(
        "owner: {owner}, not read: explained from its {own}"
    ))
}

/// Counts per effect in the order of severity: `1 blocks, 2 not-enforced`.
fn effect_counts(object: &ObjectReport) -> String {
    let mut counts: Vec<(Effect, usize)> = Vec::new();
    for finding in &object.findings {
        match counts
            .iter_mut()
            .find(|(e, _)| *e == finding.finding.effect)
        {
            Some((_, n)) => *n += 1,
            None => counts.push((finding.finding.effect, 1)),
        }
    }
    counts.sort_by_key(|(effect, _)| std::cmp::Reverse(*effect));
    counts
        .iter()
        .map(|(effect, n)| format!("{n} {}", effect.label()))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn render_object(out: &mut String, object: &ObjectReport, options: TableOptions) {
    let _ = writeln!(out, "{}", options.palette.heading(&title(object)));
    if let Some(line) = owner_line(object) {
        let _ = writeln!(out, "  {line}");
    }
    if let Some(class) = &object.runtime_class_name {
        let _ = writeln!(out, "  runtimeClassName: {class}");
    }
    let with_lines = object.findings.iter().any(|f| f.line.is_some());
    let field_width = object
        .findings
        .iter()
        .map(|f| f.finding.path.to_string().len())
        .chain(std::iter::once("FIELD".len()))
        .max()
        .unwrap_or(0);
    let line_column = |line: &str| {
        if with_lines {
            format!("{line:>5}  ")
        } else {
            String::new()
        }
    };
    if !object.findings.is_empty() && !options.no_headers {
        let _ = writeln!(
            out,
            "  {:<6} {:<17}  {}{:<field_width$}  DETAIL",
            "ID",
            "EFFECT",
            line_column("LINE"),
            "FIELD"
        );
    }
    let detail_indent = 2 + 7 + 19 + line_column("").len() + field_width + 2;
    for located in &object.findings {
        let f = &located.finding;
        let line = located.line.map(|l| l.to_string()).unwrap_or_default();
        let _ = writeln!(
            out,
            "  {:<6} {}  {}{:<field_width$}  {}",
            f.id,
            paint_effect(
                options.palette,
                f.effect,
                &format!("{:<17}", f.effect.label())
            ),
            line_column(&line),
            f.path.to_string(),
            f.message
        );
        let _ = writeln!(out, "{:detail_indent$}fix: {}", "", f.fix);
    }
    if let Some(answer) = &object.admission {
        for line in admission::lines(answer, options.palette) {
            let _ = writeln!(out, "  {line}");
        }
    }
    let counts = effect_counts(object);
    let _ = write!(
        out,
        "  VERDICT: {}",
        paint_verdict(options.palette, object.verdict, object.verdict.label())
    );
    if !counts.is_empty() {
        let _ = write!(out, " ({counts})");
    }
    let _ = writeln!(out);
}

/// One object's cells in the one-line table, kept (or spooled) while the rows are aligned.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Row {
    cells: [String; 6],
    verdict: Verdict,
    dry_run: bool,
    /// Said under the table: why the object was explained in its owner's place.
    owner: Option<String>,
    /// Said under the table, painted: an admission answer that is not a plain "admitted".
    unsettled: Option<String>,
}

/// The row of one object: where it is, its verdict, and the IDs of its findings. The last
/// column is the file for `-f`, or the admission answer for `--server-dry-run` (live
/// objects have no file).
pub(crate) fn row(o: &ObjectReport, palette: Palette) -> Row {
    let mut ids: Vec<&str> = o.findings.iter().map(|f| f.finding.id).collect();
    ids.dedup();
    let unsettled = o
        .admission
        .as_ref()
        .filter(|a| !matches!(a, Admission::Admitted { .. }))
        .map(|answer| {
            let mut text = format!("{}\n", palette.heading(&title(o)));
            for line in admission::lines(answer, palette) {
                let _ = writeln!(text, "  {line}");
            }
            text
        });
    Row {
        cells: [
            o.namespace.clone().unwrap_or_else(|| "-".into()),
            o.kind.to_string(),
            o.name.clone(),
            o.verdict.label().to_string(),
            if ids.is_empty() {
                "-".into()
            } else {
                ids.join(",")
            },
            match (&o.admission, &o.source) {
                (Some(answer), _) => admission::word(answer).to_string(),
                (None, Some(s)) => format!("{}:{}", s.file, s.line),
                (None, None) => "-".into(),
            },
        ],
        verdict: o.verdict,
        dry_run: o.admission.is_some(),
        owner: owner_line(o).map(|line| format!("{}: {line}", title(o))),
        unsettled,
    }
}

/// The rows of the one-line table, gone through once for the column widths and again for
/// the lines and for each kind of note under them: in memory, or spooled to a file when
/// the objects are written as they come (`explain_stream`).
pub(crate) trait Rows {
    fn each(&mut self, visit: &mut dyn FnMut(&Row)) -> io::Result<()>;
}

/// The tests' whole report at once ([`render`]).
#[cfg(test)]
impl Rows for Vec<Row> {
    fn each(&mut self, visit: &mut dyn FnMut(&Row)) -> io::Result<()> {
        self.iter().for_each(visit);
        Ok(())
    }
}

/// One line per row, aligned; admission refusals and limits (`--server-dry-run`) are
/// spelled out under the table.
fn render_lines(
    out: &mut dyn io::Write,
    rows: &mut dyn Rows,
    options: TableOptions,
) -> io::Result<()> {
    let (mut any, mut dry_run, mut owners, mut unsettled) = (false, false, false, false);
    let mut widths = [0; 6];
    rows.each(&mut |row| {
        any = true;
        dry_run |= row.dry_run;
        owners |= row.owner.is_some();
        unsettled |= row.unsettled.is_some();
        for (width, cell) in widths.iter_mut().zip(&row.cells) {
            *width = (*width).max(cell.len());
        }
    })?;
    let last = if dry_run { "ADMISSION" } else { "SOURCE" };
    let headers = ["NAMESPACE", "KIND", "NAME", "VERDICT", "FINDINGS", last];
    for (width, header) in widths.iter_mut().zip(headers) {
        *width = (*width).max(header.len());
    }
    let line = |cells: [&str; 6], verdict: Option<Verdict>| {
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate() {
            let padded = if i + 1 == cells.len() {
                (*cell).to_string()
            } else {
                format!("{cell:<width$}   ", width = widths[i])
            };
            match (i, verdict) {
                (3, Some(v)) => text.push_str(&paint_verdict(options.palette, v, &padded)),
                _ => text.push_str(&padded),
            }
        }
        text.push('\n');
        text
    };
    if !options.no_headers {
        out.write_all(line(headers, None).as_bytes())?;
    }
    write_each(out, rows, |row| {
        Some(line(
            row.cells.each_ref().map(String::as_str),
            Some(row.verdict),
        ))
    })?;
    if any && !options.no_headers {
        out.write_all(b"\n")?;
    }
    // Objects explained in place of an owner not read say so under the table, as limits do.
    // Each kind of note is one more pass over the rows: made only when a row has one.
    if owners && !options.no_headers {
        write_each(out, rows, |row| {
            row.owner.as_ref().map(|owner| format!("{owner}\n"))
        })?;
    }
    if unsettled {
        write_each(out, rows, |row| {
            row.unsettled
                .as_ref()
                .map(|unsettled| format!("{unsettled}\n"))
        })?;
    }
    Ok(())
}

/// Writes the text `text_of` gives for each row that has one, in order.
fn write_each(
    out: &mut dyn io::Write,
    rows: &mut dyn Rows,
    text_of: impl Fn(&Row) -> Option<String>,
) -> io::Result<()> {
    let mut written = Ok(());
    rows.each(&mut |row| {
        if written.is_ok()
            && let Some(text) = text_of(row)
        {
            written = out.write_all(text.as_bytes());
        }
    })?;
    written
}

/// The whole report as text. `--no-headers` prints the one-line rows only, as `check`
/// does: no titles, no blocks, no footer (errors go to stderr then).
#[cfg(test)]
pub(crate) fn render(report: &Report, options: TableOptions) -> String {
    let mut out = String::new();
    let mut rows: Vec<Row> = if options.no_headers || options.one_line {
        report
            .objects
            .iter()
            .map(|o| row(o, options.palette))
            .collect()
    } else {
        for object in &report.objects {
            render_object(&mut out, object, options);
            out.push('\n');
        }
        Vec::new()
    };
    let mut rest = Vec::new();
    render_rest(&mut rest, report, &mut rows, options).expect("a Vec takes any text");
    out.push_str(&String::from_utf8(rest).expect("the table is text"));
    out
}

/// What follows the objects' blocks: the aligned rows (one-line table), then the footer.
/// `rows` are those of the one-line table; blocks were written before.
pub(crate) fn render_rest(
    out: &mut dyn io::Write,
    report: &Report,
    rows: &mut dyn Rows,
    options: TableOptions,
) -> io::Result<()> {
    if options.no_headers || options.one_line {
        render_lines(out, rows, options)?;
    }
    if !options.no_headers {
        let mut footer = String::new();
        render_footer(&mut footer, report, options.palette);
        out.write_all(footer.as_bytes())?;
    }
    Ok(())
}

/// What is said once per report: the universal caveats, what was not known, what was
/// passed over, what could not be read, and the summary.
fn render_footer(out: &mut String, report: &Report, palette: Palette) {
    // Streamed objects are counted in the summary, not kept in `objects`.
    if report.summary.objects > 0 || !report.objects.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            palette.heading("Every sandboxed pod (said once, not per object):")
        );
        for caveat in report.universal_caveats {
            let _ = writeln!(
                out,
                "  {:<6} {}  {}",
                caveat.id,
                paint_effect(
                    palette,
                    caveat.effect,
                    &format!("{:<17}", caveat.effect.label())
                ),
                caveat.message
            );
        }
    }
    if !report.not_known.is_empty() {
        let _ = writeln!(out, "{}", palette.heading("Not known:"));
        for unknown in &report.not_known {
            let _ = writeln!(out, "  {}: {}", unknown.part, unknown.consequence);
        }
    }
    if !report.passed_over.is_empty() {
        let kinds: Vec<String> = report
            .passed_over
            .iter()
            .map(|(kind, n)| format!("{kind} {n}"))
            .collect();
        let n = report.summary.passed_over;
        let _ = writeln!(
            out,
            "Passed over {n} {}: {}",
            if n == 1 {
                "document that is not a workload"
            } else {
                "documents that are not workloads"
            },
            kinds.join(", ")
        );
    }
    for error in &report.errors {
        let _ = writeln!(out, "{} {error}", palette.tone(Tone::Bad, "error:"));
    }
    for unread in &report.unread {
        let _ = writeln!(
            out,
            "{} could not read {}: {} ({})",
            palette.tone(Tone::Caution, "incomplete:"),
            unread.part,
            unread.reason,
            unread.hint
        );
    }
    let s = report.summary;
    let mut summary = format!(
        "{} object{} explained: {} compatible, {} compatible with caveats, {} blocked",
        s.objects,
        if s.objects == 1 { "" } else { "s" },
        s.compatible,
        s.compatible_with_caveats,
        s.blocked
    );
    if s.errors > 0 {
        let _ = write!(
            summary,
            "; {} input error{}",
            s.errors,
            if s.errors == 1 { "" } else { "s" }
        );
    }
    let _ = writeln!(out, "{}", palette.heading(&summary));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::Context;
    use crate::manifest::parse_objects;

    fn report(yaml: &str) -> Report {
        let objects = parse_objects("m.yaml", yaml).unwrap();
        Report::from_manifests(&objects, Vec::new(), None, None, &Context::offline())
    }

    const PRIVILEGED: &str = "kind: Pod\nmetadata: {name: p, namespace: ns}\nspec:\n  containers:\n    - name: c\n      securityContext: {privileged: true}\n      resources: {limits: {cpu: 1, memory: 1Gi}}\n";

    #[test]
    fn a_block_per_object_with_aligned_findings_and_a_summary() {
        let text = render(&report(PRIVILEGED), TableOptions::default());
        assert!(text.contains("Pod ns/p  (m.yaml:1)"), "{text}");
        assert!(text.contains("ID     EFFECT"), "{text}");
        assert!(
            text.contains(
                "EP005  blocks                 6  spec.containers[0].securityContext.privileged"
            ),
            "{text}"
        );
        assert!(text.contains("VERDICT: blocked (1 blocks)"), "{text}");
        assert_eq!(text.matches("EP090").count(), 1, "universal caveats once");
        assert!(
            text.ends_with(
                "1 object explained: 0 compatible, 0 compatible with caveats, 1 blocked\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn no_headers_prints_one_row_per_object_and_nothing_else() {
        let text = render(
            &report(PRIVILEGED),
            TableOptions {
                no_headers: true,
                ..TableOptions::default()
            },
        );
        assert_eq!(
            text, "ns          Pod    p      blocked   EP005      m.yaml:1\n",
            "rows only, as on check"
        );
    }

    #[test]
    fn one_passed_over_document_is_singular() {
        let text = render(
            &report("kind: Service\nmetadata: {name: s}\n"),
            TableOptions::default(),
        );
        assert!(
            text.contains("Passed over 1 document that is not a workload: Service 1"),
            "{text}"
        );
    }

    #[test]
    fn one_line_per_object() {
        let two = format!(
            "{PRIVILEGED}---\nkind: Pod\nmetadata: {{name: q}}\nspec:\n  containers: [{{name: c, resources: {{limits: {{cpu: 1, memory: 1Gi}}}}}}]\n"
        );
        let text = render(
            &report(&two),
            TableOptions {
                one_line: true,
                ..TableOptions::default()
            },
        );
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "NAMESPACE   KIND   NAME   VERDICT      FINDINGS   SOURCE"
        );
        assert_eq!(
            lines[1],
            "ns          Pod    p      blocked      EP005      m.yaml:1"
        );
        assert_eq!(
            lines[2],
            "-           Pod    q      compatible   -          m.yaml:9"
        );
        assert!(!text.contains("VERDICT:"), "no per-object blocks: {text}");
        assert_eq!(text.matches("EP090").count(), 1);
    }

    #[test]
    fn no_colour_when_not_a_terminal() {
        let text = render(&report(PRIVILEGED), TableOptions::default());
        assert!(!text.contains('\u{1b}'), "tests do not run on a terminal");
    }
}
