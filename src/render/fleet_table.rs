//! The fleet as a person reads it: one row per cluster, then (unless `--summary`) each
//! cluster's findings as `check` prints them, the fleet's totals last.

use super::check_table::{self, TableOptions};
use super::{Columns, Palette, Tone};
use crate::check::Status;
use crate::fleet::{ClusterAudit, FleetReport, Row, State};

const HEADERS: [&str; 10] = [
    "CLUSTER",
    "LOCATION",
    "STATE",
    "MODE",
    "SANDBOX POOL",
    "UNTRUSTED COVERED",
    "FAIL",
    "WARN",
    "SKIP",
    "ADMISSION",
];

/// What the table says for something not known.
const UNKNOWN: &str = "-";

pub(crate) fn render(report: &FleetReport, options: &TableOptions, summary_only: bool) -> String {
    let palette = options.palette;
    let rows = &report.summary.rows;
    let mut columns = Columns::new();
    if !options.no_headers {
        columns.row(HEADERS);
    }
    for row in rows {
        columns.row(cells(row));
    }
    let widths = columns.widths();
    let mut out = String::new();
    let mut laid_out = columns.rows().iter();
    if !options.no_headers
        && let Some(header) = laid_out.next()
    {
        out.push_str(&palette.dim(&Columns::format_row(&widths, header, |_, c| c.to_string())));
        out.push('\n');
    }
    for (row, cells) in rows.iter().zip(laid_out) {
        out.push_str(&Columns::format_row(&widths, cells, |column, cell| {
            paint(palette, row, column, cell)
        }));
        out.push('\n');
    }
    if options.no_headers {
        return out;
    }
    if summary_only {
        for audit in report
            .clusters
            .iter()
            .filter(|a| a.state != State::Complete)
        {
            out.push_str(&format!("\n{}: ", palette.heading(&audit.name)));
            out.push_str(&problem_lines(audit).join("\n    "));
            out.push('\n');
        }
    } else {
        for audit in &report.clusters {
            out.push('\n');
            out.push_str(&cluster_section(audit, options));
        }
    }
    out.push('\n');
    out.push_str(&totals_line(report, palette));
    out.push('\n');
    out
}

fn cells(row: &Row) -> [String; 10] {
    let or_unknown = |value: Option<String>| value.unwrap_or_else(|| UNKNOWN.to_string());
    let pools = match (&row.sandbox_pools, row.mode) {
        (_, Some("Autopilot")) => "n/a (Autopilot)".to_string(),
        (Some(pools), _) if pools.is_empty() => "none".to_string(),
        (Some(pools), _) => pools.join(","),
        (None, _) => UNKNOWN.to_string(),
    };
    let untrusted = match (row.untrusted_covered, row.untrusted_checked) {
        (Some(covered), Some(checked)) => format!("{covered}/{checked}"),
        _ => UNKNOWN.to_string(),
    };
    [
        row.cluster.clone(),
        or_unknown(row.location.clone()),
        row.state.label().to_string(),
        or_unknown(row.mode.map(str::to_string)),
        pools,
        untrusted,
        row.fail.to_string(),
        row.warn.to_string(),
        row.skip.to_string(),
        or_unknown(row.admission.map(|s| s.label().to_string())),
    ]
}

fn paint(palette: Palette, row: &Row, column: usize, cell: &str) -> String {
    match column {
        2 => palette.tone(state_tone(row.state), cell),
        4 if cell == "none" => palette.tone(Tone::Bad, cell),
        6 if row.fail > 0 => palette.status(Status::Fail, cell),
        7 if row.warn > 0 => palette.status(Status::Warn, cell),
        9 => row
            .admission
            .map_or_else(|| cell.to_string(), |status| palette.status(status, cell)),
        _ => cell.to_string(),
    }
}

fn state_tone(state: State) -> Tone {
    match state {
        State::Complete => Tone::Good,
        State::Incomplete | State::NoContext => Tone::Caution,
        State::Unreachable => Tone::Bad,
    }
}

/// Why a cluster's audit is not complete, and what to do, one line each.
fn problem_lines(audit: &ClusterAudit) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(command) = &audit.get_credentials {
        lines.push(format!(
            "no kubeconfig context; only its GKE side was audited. Add one with: {command}"
        ));
    }
    for gap in &audit.problems {
        let prefix = if audit.state == State::Unreachable {
            "unreachable, only its GKE side was audited: "
        } else {
            "not read: "
        };
        lines.push(format!("{prefix}{}", gap.reason));
        lines.push(format!("hint: {}", gap.hint));
    }
    lines
}

fn cluster_section(audit: &ClusterAudit, options: &TableOptions) -> String {
    let palette = options.palette;
    let context = audit
        .context
        .as_deref()
        .map(|c| format!(" (context {c})"))
        .unwrap_or_default();
    let mut out = palette.heading(&format!("=== {}{context} ===", audit.name));
    out.push('\n');
    for line in problem_lines(audit) {
        out.push_str(&palette.tone(state_tone(audit.state), &line));
        out.push('\n');
    }
    out.push_str(&check_table::render(&audit.report, options));
    out
}

/// `3 clusters: 1 ok, 1 incomplete, 1 unreachable; 4 fail, 2 warn, 9 skip; exit 4 (--fail-on fail)`
fn totals_line(report: &FleetReport, palette: Palette) -> String {
    let summary = &report.summary;
    let states: Vec<String> = [
        (summary.complete, State::Complete),
        (summary.incomplete, State::Incomplete),
        (summary.unreachable, State::Unreachable),
        (summary.no_context, State::NoContext),
    ]
    .into_iter()
    .filter(|(count, state)| *count > 0 || *state == State::Complete)
    .map(|(count, state)| format!("{count} {}", state.label()))
    .collect();
    let counts = [
        (summary.fail, Status::Fail),
        (summary.warn, Status::Warn),
        (summary.skip, Status::Skip),
    ]
    .map(|(count, status)| {
        let text = format!("{count} {}", status.label().to_lowercase());
        if count > 0 {
            palette.status(status, &text)
        } else {
            text
        }
    });
    let allow_skip = if summary.allow_skip {
        ", --allow-skip"
    } else {
        ""
    };
    format!(
        "{} cluster{}: {}; {}; exit {} (--fail-on {}{allow_skip})",
        summary.clusters,
        if summary.clusters == 1 { "" } else { "s" },
        states.join(", "),
        counts.join(", "),
        summary.exit_code,
        summary.fail_on.label().to_lowercase()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Untrusted;
    use crate::check::rules::fixtures::{gap, snapshot};
    use crate::fleet::{CapturedCluster, FLEET_SNAPSHOT_SCHEMA, FleetSnapshot, Reach};

    fn report() -> FleetReport {
        let fleet = FleetSnapshot {
            schema: FLEET_SNAPSHOT_SCHEMA.into(),
            gke_asked: true,
            clusters: vec![
                CapturedCluster {
                    name: "prod".into(),
                    location: None,
                    reach: Reach::Reached,
                    snapshot: snapshot(),
                },
                CapturedCluster {
                    name: "far".into(),
                    location: None,
                    reach: Reach::Unreachable { gap: gap() },
                    snapshot: snapshot(),
                },
            ],
        };
        FleetReport::build(&fleet, &Untrusted::default(), Status::Fail, false)
    }

    fn plain(no_headers: bool) -> TableOptions {
        TableOptions {
            palette: Palette::PLAIN,
            no_headers,
        }
    }

    #[test]
    fn the_table_comes_first_each_cluster_next_the_totals_last() {
        let text = render(&report(), &plain(false), false);
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[0].starts_with("CLUSTER   LOCATION       STATE"),
            "{text}"
        );
        assert!(
            lines[1].starts_with("prod      europe-west1   ok            Standard   gvisor"),
            "{text}"
        );
        assert!(
            lines[2].starts_with("far       europe-west1   unreachable"),
            "{text}"
        );
        let prod = text.find("=== prod ===").expect("prod's section");
        let far = text.find("=== far ===").expect("far's section");
        assert!(prod < far);
        assert!(text.contains("unreachable, only its GKE side was audited: gcloud was not found"));
        assert_eq!(
            *lines.last().unwrap(),
            "2 clusters: 1 ok, 1 unreachable; 0 fail, 0 warn, 0 skip; exit 4 (--fail-on fail)"
        );
    }

    #[test]
    fn summary_only_leaves_out_the_findings_but_not_the_problems() {
        let text = render(&report(), &plain(false), true);
        assert!(!text.contains("==="), "{text}");
        assert!(
            text.contains("far: unreachable, only its GKE side was audited"),
            "{text}"
        );
        let rows = render(&report(), &plain(true), false);
        assert_eq!(
            rows.lines().count(),
            2,
            "--no-headers: the rows only\n{rows}"
        );
    }
}
