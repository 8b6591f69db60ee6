//! The audit: a [`ClusterSnapshot`] goes in, [`Finding`]s come out. No IO here.
//!
//! Each rule is one [`Rule`] value in its own file under `rules/`, with its ID, the fact it
//! rests on, its evaluation and its tests; `rules::ALL` lists them in report order.

mod finding;
mod report;
pub(crate) mod rules;
mod untrusted;

pub(crate) use finding::{Finding, Outcome, Section, Status};
pub(crate) use report::{Gate, Report};
pub use untrusted::Untrusted;

use crate::snapshot::ClusterSnapshot;

/// One audit rule.
pub(crate) struct Rule {
    /// Stable ID, never reused: `NP001`, `CL002`, `WL001`.
    pub id: &'static str,
    /// Short kebab-case name.
    pub name: &'static str,
    pub section: Section,
    /// The fact the rule rests on and where it is written down.
    pub fact: &'static str,
    pub evaluate: fn(&Context) -> Vec<Outcome>,
}

/// What rules read: the snapshot and the user's choices.
pub(crate) struct Context<'a> {
    pub snapshot: &'a ClusterSnapshot,
    pub untrusted: &'a Untrusted,
}

/// Runs every rule and returns the findings in report order (section, then rule order).
pub fn run(snapshot: &ClusterSnapshot, untrusted: &Untrusted) -> Vec<Finding> {
    let context = Context {
        snapshot,
        untrusted,
    };
    let mut findings: Vec<Finding> = rules::ALL
        .iter()
        .flat_map(|rule| {
            (rule.evaluate)(&context)
                .into_iter()
                .map(move |outcome| Finding {
                    id: rule.id,
                    rule: rule.name,
                    section: rule.section,
                    status: outcome.status,
                    subject: outcome.subject,
                    message: outcome.message,
                    evidence: outcome.evidence,
                    fix: outcome.fix,
                    fact: rule.fact,
                })
        })
        .collect();
    // A stable sort keeps rule order within a section.
    findings.sort_by_key(|f| f.section);
    findings
}

/// Counts per status, for the summary line and the JSON report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub pass: usize,
    pub fail: usize,
    pub warn: usize,
    pub info: usize,
    pub skip: usize,
}

impl Summary {
    pub fn of(findings: &[Finding]) -> Self {
        let mut summary = Summary::default();
        for finding in findings {
            *summary.count_mut(finding.status) += 1;
        }
        summary
    }

    pub fn count(&self, status: Status) -> usize {
        match status {
            Status::Pass => self.pass,
            Status::Fail => self.fail,
            Status::Warn => self.warn,
            Status::Info => self.info,
            Status::Skip => self.skip,
        }
    }

    fn count_mut(&mut self, status: Status) -> &mut usize {
        match status {
            Status::Pass => &mut self.pass,
            Status::Fail => &mut self.fail,
            Status::Warn => &mut self.warn,
            Status::Info => &mut self.info,
            Status::Skip => &mut self.skip,
        }
    }
}
