//! The check report as a person reads it: one block per section, aligned columns, the
//! evidence and the fix under every finding that needs action, the summary line last.

use super::{Columns, Palette, Tone};
use crate::check::{Report, Section, Status};

const HEADERS: [&str; 4] = ["STATUS", "ID", "SUBJECT", "MESSAGE"];

pub(crate) struct TableOptions {
    pub palette: Palette,
    /// kubectl's `--no-headers`: rows only, one per finding, for scripts.
    pub no_headers: bool,
}

pub(crate) fn render(report: &Report, options: &TableOptions) -> String {
    let palette = options.palette;
    let mut columns = Columns::new();
    if !options.no_headers {
        columns.row(HEADERS);
    }
    for finding in &report.findings {
        columns.row([
            finding.status.label(),
            finding.id,
            finding.subject.as_str(),
            finding.message.as_str(),
        ]);
    }
    let widths = columns.widths();
    let paint = |status: Status| {
        move |column: usize, cell: &str| {
            if column == 0 {
                palette.status(status, cell)
            } else {
                cell.to_string()
            }
        }
    };
    let rows = columns.rows();
    let (header, finding_rows) = if options.no_headers {
        (None, rows)
    } else {
        (Some(&rows[0]), &rows[1..])
    };

    let mut out = String::new();
    if options.no_headers {
        for (finding, row) in report.findings.iter().zip(finding_rows) {
            out.push_str(&Columns::format_row(&widths, row, paint(finding.status)));
            out.push('\n');
        }
        return out;
    }

    // The detail lines start under the SUBJECT column so the eye stays on the finding.
    let indent = " ".repeat(widths[0] + 3 + widths[1] + 3);
    let mut section: Option<Section> = None;
    for (finding, row) in report.findings.iter().zip(finding_rows) {
        if section != Some(finding.section) {
            if section.is_some() {
                out.push('\n');
            }
            out.push_str(&palette.heading(finding.section.title()));
            out.push('\n');
            if let Some(header) = header {
                out.push_str(
                    &palette.dim(&Columns::format_row(&widths, header, |_, c| c.to_string())),
                );
                out.push('\n');
            }
            section = Some(finding.section);
        }
        out.push_str(&Columns::format_row(&widths, row, paint(finding.status)));
        out.push('\n');
        if needs_detail(finding.status) {
            for line in &finding.evidence {
                out.push_str(&format!("{indent}{}\n", palette.dim(line)));
            }
            if let Some(fix) = &finding.fix {
                out.push_str(&format!("{indent}fix: {fix}\n"));
            }
        }
    }
    if report.findings.is_empty() {
        out.push_str("no findings\n");
    }
    out.push('\n');
    if let Some(line) = incomplete_line(report) {
        out.push_str(&palette.tone(Tone::Caution, &line));
        out.push('\n');
    }
    out.push_str(&summary_line(report, palette));
    out.push('\n');
    out
}

/// `incomplete: could not read nodes, pods (exit 4; --allow-skip accepts it)`: the SKIP
/// rows above say why and what to do.
fn incomplete_line(report: &Report) -> Option<String> {
    if report.unread.is_empty() {
        return None;
    }
    let parts: Vec<&str> = report.unread.iter().map(|u| u.part.as_str()).collect();
    Some(format!(
        "incomplete: could not read {} (exit {} unless --allow-skip)",
        parts.join(", "),
        crate::exit::INCOMPLETE
    ))
}

/// Evidence and fixes are shown where the reader has something to do or learn.
fn needs_detail(status: Status) -> bool {
    matches!(status, Status::Fail | Status::Warn | Status::Skip)
}

/// `prod-eu (europe-west1, context …): 2 fail, 1 warn, 9 pass, 4 info, 0 skip; exit 1 (--fail-on fail)`
fn summary_line(report: &Report, palette: Palette) -> String {
    let counts: Vec<String> = [
        Status::Fail,
        Status::Warn,
        Status::Pass,
        Status::Info,
        Status::Skip,
    ]
    .into_iter()
    .map(|status| {
        let count = report.summary.count(status);
        let text = format!("{count} {}", status.label().to_lowercase());
        if count > 0 {
            palette.status(status, &text)
        } else {
            text
        }
    })
    .collect();
    format!(
        "{}: {}; exit {} (--fail-on {})",
        report.cluster.describe(),
        counts.join(", "),
        report.exit_code,
        report.fail_on.label().to_lowercase()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::fixtures::snapshot;
    use crate::check::{Gate, Report, Untrusted};
    use crate::snapshot::Part;

    fn plain(no_headers: bool) -> TableOptions {
        TableOptions {
            palette: Palette::PLAIN,
            no_headers,
        }
    }

    #[test]
    fn groups_by_section_aligns_columns_and_ends_with_the_summary() {
        let report = Report::build(&snapshot(), &Untrusted::default(), Gate::STRICT);
        let text = render(&report, &plain(false));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "GKE");
        assert!(
            lines[1].starts_with("STATUS   ID      SUBJECT"),
            "{}",
            lines[1]
        );
        assert!(text.contains("\nCLUSTER\n") && text.contains("\nWORKLOADS\n"));
        let summary = lines.last().unwrap();
        assert!(
            summary.starts_with("prod (europe-west1): 0 fail, 0 warn,"),
            "{summary}"
        );
        assert!(summary.ends_with("exit 0 (--fail-on fail)"), "{summary}");
        assert!(!text.contains('\u{1b}'), "no colour codes in plain mode");
    }

    #[test]
    fn shows_evidence_and_fix_under_failures_only() {
        let mut s = snapshot();
        s.runtime_classes = Part::Known(vec![]);
        let report = Report::build(&s, &Untrusted::default(), Gate::STRICT);
        let text = render(&report, &plain(false));
        let at = text.find("FAIL     CL001").expect("CL001 fails");
        let after: Vec<&str> = text[at..].lines().take(2).collect();
        assert!(
            after[1]
                .trim_start()
                .starts_with("fix: GKE makes RuntimeClass gvisor"),
            "{after:?}"
        );
        assert!(
            !text.contains("evidence: node pool gvisor: config.sandboxConfig.type"),
            "PASS rows carry no detail"
        );
    }

    #[test]
    fn no_headers_prints_only_finding_rows() {
        let report = Report::build(&snapshot(), &Untrusted::default(), Gate::STRICT);
        let text = render(&report, &plain(true));
        assert_eq!(text.lines().count(), report.findings.len());
        assert!(
            text.lines()
                .all(|l| Status::ALL.iter().any(|s| l.starts_with(s.label())))
        );
    }

    #[test]
    fn colour_marks_the_status_when_enabled() {
        let report = Report::build(&snapshot(), &Untrusted::default(), Gate::STRICT);
        let text = render(
            &report,
            &TableOptions {
                palette: Palette { enabled: true },
                no_headers: false,
            },
        );
        assert!(text.contains("\u{1b}[32mPASS\u{1b}["), "green PASS");
    }
}
