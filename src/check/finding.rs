//! What a rule says about one subject: the status, the evidence, the fix, and the fact.

use serde::Serialize;

/// A finding's verdict. Ordered by how much it demands attention, so `--fail-on` is a
/// comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Status {
    Pass,
    Info,
    Skip,
    Warn,
    Fail,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Pass,
        Status::Fail,
        Status::Warn,
        Status::Info,
        Status::Skip,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Info => "INFO",
            Status::Skip => "SKIP",
            Status::Warn => "WARN",
            Status::Fail => "FAIL",
        }
    }
}

/// Where a finding belongs in the report; the table groups by it, in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Section {
    Gke,
    Cluster,
    Workloads,
}

impl Section {
    pub fn title(self) -> &'static str {
        match self {
            Section::Gke => "GKE",
            Section::Cluster => "CLUSTER",
            Section::Workloads => "WORKLOADS",
        }
    }
}

/// What a rule's evaluation returns for one subject; the engine adds the rule's identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Outcome {
    pub status: Status,
    /// The object the outcome is about: `node pool gvisor-pool`, `namespace tenant-a`.
    pub subject: String,
    /// One line a person can read in a second.
    pub message: String,
    /// The objects and fields that led to the verdict.
    pub evidence: Vec<String>,
    /// A command or manifest change that resolves it, for FAIL, WARN and SKIP.
    pub fix: Option<String>,
}

impl Outcome {
    pub(crate) fn new(
        status: Status,
        subject: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Outcome {
            status,
            subject: subject.into(),
            message: message.into(),
            evidence: Vec::new(),
            fix: None,
        }
    }

    pub(crate) fn pass(subject: impl Into<String>, message: impl Into<String>) -> Self {
        Outcome::new(Status::Pass, subject, message)
    }

    pub(crate) fn fail(subject: impl Into<String>, message: impl Into<String>) -> Self {
        Outcome::new(Status::Fail, subject, message)
    }

    pub(crate) fn warn(subject: impl Into<String>, message: impl Into<String>) -> Self {
        Outcome::new(Status::Warn, subject, message)
    }

    pub(crate) fn info(subject: impl Into<String>, message: impl Into<String>) -> Self {
        Outcome::new(Status::Info, subject, message)
    }

    /// SKIP because a part of the snapshot is missing: the gap's reason and hint say why
    /// and what to do.
    pub(crate) fn skip(subject: impl Into<String>, gap: &crate::snapshot::Gap) -> Self {
        Outcome::new(Status::Skip, subject, gap.reason.clone()).fix(gap.hint.clone())
    }

    pub(crate) fn evidence(mut self, line: impl Into<String>) -> Self {
        self.evidence.push(line.into());
        self
    }

    pub(crate) fn fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }
}

/// An outcome with the identity of the rule that produced it: what the report carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub id: &'static str,
    pub rule: &'static str,
    pub section: Section,
    pub status: Status,
    pub subject: String,
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    /// The fact the rule rests on, with its source.
    pub fact: &'static str,
}
