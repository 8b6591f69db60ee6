//! The fleet's audit: `check`'s report for every captured cluster, one summary row each,
//! and one exit code for the whole fleet.
//!
//! Exit code, first that applies:
//! - 3 when no cluster's API server could be read (nothing in the fleet was reached);
//! - 1 when any cluster has a finding at or above `--fail-on`;
//! - 4 when any cluster is unreachable, has no context, or had a part it could not read
//!   (forbidden, gcloud failed…), unless `--allow-skip`;
//! - 0 otherwise.
//!
//! This is the single-cluster rule for `check` applied over the fleet:
//! a finding is a fact whatever else could not be read, so it wins over incompleteness;
//! `--allow-skip` accepts an incomplete fleet.

use serde::Serialize;

use super::captured::{CapturedCluster, FleetSnapshot, Reach};
use crate::check::{Finding, Gate, Report, Status, Untrusted};
use crate::exit;
use crate::snapshot::{ClusterSnapshot, Gap, Part};

pub(crate) const FLEET_REPORT_SCHEMA: &str = "kubectl-sandbox.dev/fleet/v1";

/// What `check --all-contexts -o json` prints: one report per cluster, then the summary.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FleetReport {
    pub schema: &'static str,
    pub clusters: Vec<ClusterAudit>,
    pub summary: FleetSummary,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct ClusterAudit {
    pub name: String,
    pub context: Option<String>,
    pub state: State,
    /// Why the audit is not complete: each part that could not be read, once.
    pub problems: Vec<Gap>,
    /// For a cluster without a context: the command that adds one.
    pub get_credentials: Option<String>,
    /// `check`'s own report (its schema, `docs/check-report.schema.json`).
    pub report: Report,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum State {
    /// Every part was read.
    Complete,
    /// Read, but some part could not be (forbidden, GKE not answered…).
    Incomplete,
    /// The API server could not be read; only the GKE side was audited.
    Unreachable,
    /// No kubeconfig context reaches this listed GKE cluster.
    NoContext,
}

impl State {
    pub(crate) fn label(self) -> &'static str {
        match self {
            State::Complete => "ok",
            State::Incomplete => "incomplete",
            State::Unreachable => "unreachable",
            State::NoContext => "no context",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct FleetSummary {
    pub rows: Vec<Row>,
    pub clusters: usize,
    pub complete: usize,
    pub incomplete: usize,
    pub unreachable: usize,
    pub no_context: usize,
    pub fail: usize,
    pub warn: usize,
    pub skip: usize,
    pub fail_on: Status,
    pub allow_skip: bool,
    pub exit_code: u8,
}

/// One line of the fleet table.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Row {
    pub cluster: String,
    pub location: Option<String>,
    pub state: State,
    /// `Standard` or `Autopilot`; null when GKE was not read.
    pub mode: Option<&'static str>,
    /// Sandbox node pools; null when GKE was not read (Autopilot has none to show).
    pub sandbox_pools: Option<Vec<String>>,
    /// Untrusted namespaces whose every pod runs under gVisor, of those checked (WL001);
    /// null when none were named or they could not be checked.
    pub untrusted_covered: Option<usize>,
    pub untrusted_checked: Option<usize>,
    pub fail: usize,
    pub warn: usize,
    pub skip: usize,
    /// The admission policy check's status (PL001, the worst when several).
    pub admission: Option<Status>,
}

impl FleetReport {
    pub(crate) fn build(
        fleet: &FleetSnapshot,
        untrusted: &Untrusted,
        fail_on: Status,
        allow_skip: bool,
    ) -> FleetReport {
        let clusters: Vec<ClusterAudit> = fleet
            .clusters
            .iter()
            .map(|captured| {
                let gate = Gate {
                    fail_on,
                    allow_skip,
                };
                audit(captured, untrusted, gate)
            })
            .collect();
        let rows = clusters
            .iter()
            .zip(&fleet.clusters)
            .map(|(audit, captured)| row(audit, captured))
            .collect();
        let summary = FleetSummary::of(&clusters, rows, fail_on, allow_skip);
        FleetReport {
            schema: FLEET_REPORT_SCHEMA,
            clusters,
            summary,
        }
    }
}

fn audit(captured: &CapturedCluster, untrusted: &Untrusted, gate: Gate) -> ClusterAudit {
    let snapshot = &captured.snapshot;
    let report = Report::build(snapshot, untrusted, gate);
    let (state, problems, get_credentials) = match &captured.reach {
        Reach::Unreachable { gap } => (State::Unreachable, vec![gap.clone()], None),
        Reach::NoContext { get_credentials } => {
            (State::NoContext, Vec::new(), Some(get_credentials.clone()))
        }
        Reach::Reached => {
            let problems = unread_parts(snapshot);
            let state = if problems.is_empty() {
                State::Complete
            } else {
                State::Incomplete
            };
            (state, problems, None)
        }
    };
    ClusterAudit {
        name: captured.name.clone(),
        context: snapshot.context.clone(),
        state,
        problems,
        get_credentials,
        report,
    }
}

/// The parts of a reached cluster that could not be read ([`ClusterSnapshot::unread`]:
/// parts left out on purpose never count), each reason once.
fn unread_parts(snapshot: &ClusterSnapshot) -> Vec<Gap> {
    let mut unique: Vec<Gap> = Vec::new();
    for part in snapshot.unread() {
        if !unique.iter().any(|seen| seen.reason == part.reason) {
            unique.push(Gap::new(part.reason, part.hint));
        }
    }
    unique
}

impl FleetSummary {
    fn of(
        clusters: &[ClusterAudit],
        rows: Vec<Row>,
        fail_on: Status,
        allow_skip: bool,
    ) -> FleetSummary {
        let count = |state: State| clusters.iter().filter(|c| c.state == state).count();
        let total = |status: Status| {
            clusters
                .iter()
                .map(|c| c.report.summary.count(status))
                .sum()
        };
        FleetSummary {
            rows,
            clusters: clusters.len(),
            complete: count(State::Complete),
            incomplete: count(State::Incomplete),
            unreachable: count(State::Unreachable),
            no_context: count(State::NoContext),
            fail: total(Status::Fail),
            warn: total(Status::Warn),
            skip: total(Status::Skip),
            fail_on,
            allow_skip,
            exit_code: exit_code(clusters, allow_skip),
        }
    }
}

/// The fleet's exit code (the module docs give the order).
fn exit_code(clusters: &[ClusterAudit], allow_skip: bool) -> u8 {
    let reached = |c: &&ClusterAudit| matches!(c.state, State::Complete | State::Incomplete);
    if !clusters.is_empty() && !clusters.iter().any(|c| reached(&c)) {
        return exit::UNREACHABLE;
    }
    if clusters
        .iter()
        .any(|c| c.report.exit_code == exit::FINDINGS)
    {
        exit::FINDINGS
    } else if !allow_skip && clusters.iter().any(|c| c.state != State::Complete) {
        exit::INCOMPLETE
    } else {
        exit::OK
    }
}

fn row(audit: &ClusterAudit, captured: &CapturedCluster) -> Row {
    let report = &audit.report;
    let untrusted: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| {
            f.id == "WL001" && f.subject.starts_with("namespace ") && f.status != Status::Skip
        })
        .collect();
    let checked = (!untrusted.is_empty()).then_some(untrusted.len());
    let gke = match &captured.snapshot.gke {
        Part::Known(cluster) => Some(cluster),
        Part::Unknown(_) => None,
    };
    Row {
        cluster: audit.name.clone(),
        location: gke
            .map(|c| c.location.clone())
            .or_else(|| captured.location.clone()),
        state: audit.state,
        mode: gke.map(|c| if c.autopilot { "Autopilot" } else { "Standard" }),
        sandbox_pools: gke.map(|c| c.sandbox_pools().map(|p| p.name.clone()).collect()),
        untrusted_covered: checked.map(|_| {
            untrusted
                .iter()
                .filter(|f| f.status == Status::Pass)
                .count()
        }),
        untrusted_checked: checked,
        fail: report.summary.fail,
        warn: report.summary.warn,
        skip: report.summary.skip,
        admission: report
            .findings
            .iter()
            .filter(|f| f.id == "PL001")
            .map(|f| f.status)
            .max(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::fixtures::{gap, snapshot};
    use crate::fleet::FLEET_SNAPSHOT_SCHEMA;

    fn reached(name: &str, snapshot: ClusterSnapshot) -> CapturedCluster {
        CapturedCluster {
            name: name.into(),
            location: None,
            reach: Reach::Reached,
            snapshot,
        }
    }

    fn failing() -> ClusterSnapshot {
        let mut s = snapshot();
        s.runtime_classes = Part::Known(vec![]);
        s
    }

    fn unreachable(name: &str) -> CapturedCluster {
        CapturedCluster {
            name: name.into(),
            location: Some("us-east1".into()),
            reach: Reach::Unreachable { gap: gap() },
            snapshot: snapshot(),
        }
    }

    fn build(clusters: Vec<CapturedCluster>, allow_skip: bool) -> FleetReport {
        let fleet = FleetSnapshot {
            schema: FLEET_SNAPSHOT_SCHEMA.into(),
            gke_asked: true,
            clusters,
        };
        FleetReport::build(&fleet, &Untrusted::default(), Status::Fail, allow_skip)
    }

    #[test]
    fn the_exit_code_is_the_worst_over_the_fleet() {
        let ok = || reached("ok", snapshot());
        assert_eq!(build(vec![ok(), ok()], false).summary.exit_code, exit::OK);
        let findings = build(vec![ok(), reached("bad", failing())], false);
        assert_eq!(findings.summary.exit_code, exit::FINDINGS);
        let both = build(vec![reached("bad", failing()), unreachable("down")], false);
        assert_eq!(
            both.summary.exit_code,
            exit::FINDINGS,
            "a finding wins over 4"
        );
        let incomplete = build(vec![ok(), unreachable("down")], false);
        assert_eq!(incomplete.summary.exit_code, exit::INCOMPLETE);
        let accepted = build(vec![ok(), unreachable("down")], true);
        assert_eq!(
            accepted.summary.exit_code,
            exit::OK,
            "--allow-skip accepts it"
        );
        let nothing = build(vec![unreachable("a"), unreachable("b")], true);
        assert_eq!(
            nothing.summary.exit_code,
            exit::UNREACHABLE,
            "no cluster reached"
        );
    }

    #[test]
    fn a_part_not_read_makes_the_cluster_incomplete_unless_opted_out() {
        let mut forbidden = snapshot();
        forbidden.pods = Part::Unknown(Gap::new("pods: forbidden", "grant list pods"));
        forbidden.nodes = Part::Unknown(Gap::new("pods: forbidden", "grant list pods"));
        let report = build(vec![reached("f", forbidden)], false);
        assert_eq!(report.clusters[0].state, State::Incomplete);
        assert_eq!(report.clusters[0].problems.len(), 1, "each reason once");
        assert_eq!(report.summary.exit_code, exit::INCOMPLETE);

        // As `members_of_contexts` records --no-gke: a gap left out on purpose.
        let mut no_gke = snapshot();
        no_gke.gke = Part::Unknown(Gap::expected("GKE was not asked (--no-gke)", "-"));
        let fleet = FleetSnapshot {
            schema: FLEET_SNAPSHOT_SCHEMA.into(),
            gke_asked: false,
            clusters: vec![reached("n", no_gke)],
        };
        let report = FleetReport::build(&fleet, &Untrusted::default(), Status::Fail, false);
        assert_eq!(
            report.clusters[0].state,
            State::Complete,
            "--no-gke was chosen"
        );
    }

    #[test]
    fn a_row_shows_mode_pools_coverage_and_counts() {
        let report = build(vec![reached("ok", snapshot()), unreachable("down")], false);
        assert_eq!(report.summary.unreachable, 1);
        assert_eq!(report.summary.complete, 1);
        let row = &report.summary.rows[0];
        assert_eq!(row.mode, Some("Standard"));
        assert_eq!(
            row.sandbox_pools.as_deref(),
            Some(&["gvisor".to_string()][..])
        );
        assert_eq!(row.location.as_deref(), Some("europe-west1"));
        assert_eq!(row.untrusted_checked, None, "no namespace named untrusted");
        assert_eq!(report.summary.rows[1].state, State::Unreachable);
        let mut far = unreachable("far");
        far.snapshot.gke = Part::Unknown(gap());
        let report = build(vec![far], false);
        assert_eq!(
            report.summary.rows[0].location.as_deref(),
            Some("us-east1"),
            "from the context's name when GKE did not say"
        );
    }
}
