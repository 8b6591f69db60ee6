//! The `migrate` report for people: the preflight, one row per workload with its action
//! and the exact changes, then one summary line.

use serde_json::Value;

use super::{Columns, Palette, admission};
use crate::check::Status;
use crate::dry_run::Admission;
use crate::migrate::apply::WriteStatus;
use crate::migrate::report::{Mode, Report};
use crate::migrate::wait::WaitResult;
use crate::migrate::{Action, Change};

pub(crate) fn render(report: &Report, palette: Palette) -> String {
    let mut out = String::new();
    if let Some(preflight) = &report.preflight {
        out.push_str(&palette.heading("PREFLIGHT"));
        out.push('\n');
        for check in &preflight.checks {
            out.push_str(&format!(
                "{}   {check}\n",
                palette.status(Status::Pass, "ok     ")
            ));
        }
        for problem in &preflight.problems {
            out.push_str(&format!(
                "{}   {problem}\n",
                palette.status(Status::Fail, "missing")
            ));
        }
        if let Some(line) = preflight.command_line() {
            out.push_str(&format!("          fix: {line}\n"));
        }
        if let Some(why) = &preflight.no_command {
            out.push_str(&format!("          {why}\n"));
        }
        out.push('\n');
    }
    if !report.workloads.is_empty() {
        out.push_str(&workload_table(report, palette));
    }
    for restored in &report.restored {
        match &restored.error {
            None => out.push_str(&format!("restored   {}\n", restored.object)),
            Some(e) => out.push_str(&format!(
                "{}   {}: {e}\n",
                palette.status(Status::Fail, "not restored"),
                restored.object
            )),
        }
    }
    for error in &report.errors {
        out.push_str(&format!("error: {error}\n"));
    }
    // What to do is said under the workload's row (its admission lines).
    for unread in &report.unread {
        out.push_str(&format!(
            "{} could not know the {}: {}\n",
            palette.status(Status::Warn, "incomplete:"),
            unread.part,
            unread.reason
        ));
    }
    if let Some(stopped) = &report.stopped {
        out.push_str(&palette.status(Status::Fail, stopped));
        out.push('\n');
    }
    out.push_str(&summary(report));
    out.push('\n');
    out
}

fn workload_table(report: &Report, palette: Palette) -> String {
    let mut columns = Columns::new();
    columns.row(["ACTION", "WORKLOAD", "NAMESPACE", "RESULT"]);
    for w in &report.workloads {
        columns.row([
            w.planned.action.label().to_string(),
            w.planned.label(),
            w.planned.namespace.clone().unwrap_or_default(),
            result(w.write.as_ref(), w.admission.as_ref(), w.wait.as_ref()),
        ]);
    }
    let widths = columns.widths();
    let indent = " ".repeat(widths.first().copied().unwrap_or(0) + 3);
    let mut out = String::new();
    for (i, row) in columns.rows().iter().enumerate() {
        let workload = report.workloads.get(i.wrapping_sub(1));
        let refused = workload
            .and_then(|w| w.admission.as_ref())
            .is_some_and(Admission::is_refused);
        let status = match workload.map(|w| &w.planned.action) {
            // The cluster's admission refuses its pods: skipped, or forced past the refusal.
            Some(Action::Migrate { .. }) if refused => Status::Fail,
            Some(Action::Migrate { forced, .. }) if !forced.is_empty() => Status::Warn,
            Some(Action::AlreadyDone { blockers }) if !blockers.is_empty() => Status::Fail,
            Some(Action::Migrate { .. } | Action::AlreadyDone { .. }) => Status::Pass,
            Some(Action::Skip { .. } | Action::BarePod { .. }) => Status::Fail,
            None => Status::Info,
        };
        let line = Columns::format_row(&widths, row, |col, cell| {
            if col == 0 && i > 0 {
                palette.status(status, cell)
            } else {
                cell.to_string()
            }
        });
        out.push_str(line.trim_end());
        out.push('\n');
        let Some(w) = i.checked_sub(1).and_then(|i| report.workloads.get(i)) else {
            continue;
        };
        let mut detail = |text: String| out.push_str(&format!("{indent}{text}\n"));
        match &w.planned.action {
            Action::Migrate {
                changes,
                forced,
                rollout,
                ..
            } => {
                for change in changes {
                    for line in diff_lines(change) {
                        detail(line);
                    }
                }
                detail(format!("pods: {rollout}"));
                for f in forced {
                    detail(palette.status(
                        Status::Warn,
                        &format!(
                            "FORCED past {} {}: {} ({})",
                            f.id,
                            f.effect.label(),
                            f.message,
                            f.path
                        ),
                    ));
                }
            }
            Action::Skip { reasons: blockers } | Action::AlreadyDone { blockers } => {
                for f in blockers {
                    detail(format!(
                        "{} {}: {} ({})",
                        f.id,
                        f.effect.label(),
                        f.message,
                        f.path
                    ));
                    detail(format!("  fix: {}", f.fix));
                }
            }
            Action::BarePod { advice } => detail(advice.clone()),
        }
        if let Some(answer) = &w.admission {
            for line in admission::lines(answer, palette) {
                detail(line);
            }
        }
        for f in &w.planned.caveats {
            detail(palette.dim(&format!(
                "caveat {} {}: {}",
                f.id,
                f.effect.label(),
                f.message
            )));
        }
    }
    out
}

/// `+ path: value` for a new value, `- path: value` for a removed one, both for a change.
pub(crate) fn diff_lines(change: &Change) -> Vec<String> {
    let show = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut lines = Vec::new();
    if let Some(before) = &change.before {
        lines.push(format!("- {}: {}", change.path, show(before)));
    }
    if let Some(after) = &change.after {
        lines.push(format!("+ {}: {}", change.path, show(after)));
    }
    lines
}

fn result(
    write: Option<&WriteStatus>,
    admission: Option<&Admission>,
    wait: Option<&WaitResult>,
) -> String {
    let unjudged = matches!(admission, Some(Admission::NotKnown { .. }));
    let written = match write {
        None => String::new(),
        // Migrated without an answer from admission: its new pods are the first judgement.
        Some(WriteStatus::Migrated { resource_version }) if unjudged => format!(
            "written (resourceVersion {resource_version}), admission not known: its new pods will tell"
        ),
        Some(WriteStatus::DryRunPassed) => "dry run passed, not written".into(),
        Some(WriteStatus::DryRunFailed { reason }) => format!("dry run failed: {reason}"),
        Some(WriteStatus::Migrated { resource_version }) => {
            format!("written (resourceVersion {resource_version})")
        }
        Some(WriteStatus::Conflict { reason }) => {
            format!("conflict, changed by someone else, left as is: {reason}")
        }
        Some(WriteStatus::Failed { reason }) => format!("write failed: {reason}"),
        Some(WriteStatus::Restored) => "written, then restored from the backup".into(),
        Some(WriteStatus::RestoreFailed { reason }) => format!("NOT restored: {reason}"),
        Some(WriteStatus::NotWritten) => "not written".into(),
        Some(WriteStatus::Refused { reason }) => format!("skipped, not written: {reason}"),
    };
    let waited = match wait {
        None => String::new(),
        Some(WaitResult::Sandboxed { pods }) => format!("; {pods} pod(s) sandboxed"),
        Some(WaitResult::TimedOut { sandboxed, total }) => {
            format!("; timed out with {sandboxed}/{total} pod(s) sandboxed")
        }
        Some(WaitResult::NotFollowed { reason }) => format!("; {reason}"),
        Some(WaitResult::Failed { reason }) => format!("; wait failed: {reason}"),
    };
    format!("{written}{waited}")
}

fn summary(report: &Report) -> String {
    let s = &report.summary;
    let mut counts = format!(
        "{} to migrate, {} skipped, {} already done, {} bare pod(s)",
        s.migrate, s.skip, s.already_done, s.bare_pod
    );
    if s.refused > 0 {
        counts.push_str(&format!(", {} refused by admission", s.refused));
    }
    let tail = match report.mode {
        Mode::Plan => "nothing was changed (--apply makes the changes)".to_string(),
        Mode::Apply => {
            let mut text = format!(
                "{} written, {} restored, {} failed",
                s.migrated, s.restored, s.failed
            );
            if let Some(dir) = &report.backup_dir {
                text.push_str(&format!(
                    "; backup in {dir} (undo: kubectl sandbox migrate --rollback {dir})"
                ));
            }
            text
        }
        Mode::Rollback => {
            return format!(
                "rollback of {}: {} restored, {} failed; exit {}",
                report.backup_dir.as_deref().unwrap_or("?"),
                report.restored.len() - s.failed,
                s.failed,
                report.exit_code
            );
        }
    };
    format!("{counts}; {tail}; exit {}", report.exit_code)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::explain::Context;
    use crate::migrate::plan;
    use crate::migrate::report::WorkloadReport;

    fn plan_table(object: serde_json::Value) -> String {
        let planned = plan(&object, None, &Context::offline(), false)
            .unwrap()
            .unwrap();
        let mut report = Report::new(Mode::Plan);
        report.workloads.push(WorkloadReport::new(planned));
        report.finish(false);
        render(&report, Palette::PLAIN)
    }

    #[test]
    fn already_done_still_shows_its_blockers_and_caveats() {
        let text = plan_table(json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "agent"},
            "spec": {"template": {"spec": {"runtimeClassName": "gvisor", "hostPID": true,
                "securityContext": {"fsGroup": 1000}, "containers": [{"name": "c"}]}}}}));
        assert!(text.contains("already done   deployment/agent"), "{text}");
        assert!(
            text.contains("EP004 blocks: the pod uses the host's process namespace"),
            "{text}"
        );
        assert!(text.contains("caveat EP013 uncertain"), "{text}");
    }

    #[test]
    fn a_migration_says_which_pods_are_replaced() {
        let text = plan_table(json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": "db"},
            "spec": {"template": {"spec": {"containers": [{"name": "c"}]}}}}));
        assert!(
            text.contains("pods: every pod is replaced, one at a time"),
            "{text}"
        );
    }
}
