//! The result of one `explain-pod` run, as plain data: every object's explanation with the
//! place it came from, the caveats said once, what was not known, what was passed over,
//! and what could not be read. Renderers turn it into a table, JSON, YAML or SARIF.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{
    Context, Explanation, FieldPath, Finding, UNIVERSAL_CAVEATS, UniversalCaveat, Unknown, Verdict,
    Workload, WorkloadKind, explain,
};
use crate::dry_run::Admission;
use crate::manifest::{InputError, ManifestObject};
use crate::selector::LabelSelector;
use crate::snapshot::Unread;

/// Version tag of the JSON/YAML report; bump on an incompatible change.
pub(crate) const EXPLAIN_SCHEMA: &str = "kubectl-sandbox.dev/explain/v1";

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Report {
    /// Always [`EXPLAIN_SCHEMA`].
    pub schema: &'static str,
    pub objects: Vec<ObjectReport>,
    /// Hold for every sandboxed pod, so they are said once here and not per object.
    pub universal_caveats: &'static [UniversalCaveat],
    /// Parts of the cluster that were not known, and what that left unchecked.
    pub not_known: Vec<Unknown>,
    /// Documents that are not workloads, counted by kind.
    pub passed_over: BTreeMap<String, usize>,
    /// Inputs that could not be read or are not valid workloads.
    pub errors: Vec<InputError>,
    /// A part of the live cluster nobody opted out of could not be read (exit 4).
    pub incomplete: bool,
    /// What could not be read, why, and what to do; empty when complete.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unread: Vec<Unread>,
    pub summary: Summary,
}

/// Where an object came from, when it came from a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Source {
    pub file: String,
    pub line: u32,
    /// 0-based document index in the file.
    pub document: usize,
    /// `items[3]` when the object is an item of a List; empty otherwise.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub item: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct ObjectReport {
    pub kind: WorkloadKind,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    /// The RuntimeClass the template already asks for, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime_class_name: Option<String>,
    /// The controller that owns this object but is not read (`Rollout/web`: a kind this
    /// tool does not list, or one that is gone), so the object is explained itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    pub verdict: Verdict,
    pub findings: Vec<LocatedFinding>,
    /// What the cluster's admission said about the sandboxed pod (`--server-dry-run`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admission: Option<Admission>,
}

/// A finding and, for file input, the line of its field (or of the nearest parent that
/// exists, for a missing field such as an absent CPU limit).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct LocatedFinding {
    #[serde(flatten)]
    pub finding: Finding,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub(crate) struct Summary {
    pub objects: usize,
    pub compatible: usize,
    pub compatible_with_caveats: usize,
    pub blocked: usize,
    pub passed_over: usize,
    pub errors: usize,
}

impl ObjectReport {
    /// One explained workload; `lines` maps a field path to its line for file input.
    pub(crate) fn new(
        workload: &Workload,
        explanation: Explanation,
        source: Option<Source>,
        lines: Option<&dyn Fn(&FieldPath) -> u32>,
    ) -> Self {
        let findings = explanation
            .findings
            .into_iter()
            .map(|finding| LocatedFinding {
                line: lines.map(|line_of| line_of(&finding.path)),
                finding,
            })
            .collect();
        ObjectReport {
            kind: workload.kind,
            name: workload.name.clone(),
            namespace: workload.namespace.clone(),
            source,
            runtime_class_name: workload.spec.runtime_class_name.clone(),
            owner: None,
            verdict: explanation.verdict,
            findings,
            admission: None,
        }
    }
}

impl Report {
    /// An empty report for a run with this context.
    pub(crate) fn new(context: &Context) -> Self {
        Report {
            schema: EXPLAIN_SCHEMA,
            objects: Vec::new(),
            universal_caveats: UNIVERSAL_CAVEATS,
            not_known: context.unknowns(),
            passed_over: BTreeMap::new(),
            errors: Vec::new(),
            incomplete: false,
            unread: Vec::new(),
            summary: Summary::default(),
        }
    }

    /// Records a part that could not be read: the report is incomplete.
    pub(crate) fn add_unread(&mut self, unread: Unread) {
        self.incomplete = true;
        self.unread.push(unread);
    }

    /// Explains every workload among `objects`; counts the rest; keeps `errors` and adds
    /// one for each workload whose template cannot be read. `selector` keeps only objects
    /// whose labels match (`-l` with `-f`). The tests' shorthand: `explain-pod -f` explains
    /// each object as it is read (`stream_sources`) and calls [`Report::add_streamed`].
    #[cfg(test)]
    pub(crate) fn from_manifests(
        objects: &[ManifestObject],
        errors: Vec<InputError>,
        selector: Option<&LabelSelector>,
        default_namespace: Option<&str>,
        context: &Context,
    ) -> Self {
        let explainer = ManifestExplainer {
            selector,
            default_namespace,
            context,
        };
        Report::from_entries(
            objects.iter().map(|o| explainer.explain(o)),
            errors,
            context,
        )
    }

    /// The report of objects already explained one by one (by [`ManifestExplainer`]),
    /// in order, after the read `errors`; `explain-pod -f` streams instead
    /// ([`Report::add_streamed`]).
    #[cfg(test)]
    pub(crate) fn from_entries(
        entries: impl IntoIterator<Item = ReportEntry>,
        errors: Vec<InputError>,
        context: &Context,
    ) -> Self {
        let mut report = Report::new(context);
        report.errors = errors;
        for entry in entries {
            match entry {
                ReportEntry::Explained(object) => report.objects.push(*object),
                ReportEntry::PassedOver(kind) => {
                    *report.passed_over.entry(kind).or_default() += 1;
                }
                ReportEntry::Invalid(error) => report.errors.push(error),
                ReportEntry::NotSelected => {}
            }
        }
        report.summarise();
        report
    }

    /// Adds `entry` as [`Report::from_entries`] does, except that an explained object
    /// is counted in the summary and handed back rather than kept: for output written
    /// object by object. [`Report::end_stream`] completes the summary.
    pub(crate) fn add_streamed(&mut self, entry: ReportEntry) -> Option<Box<ObjectReport>> {
        match entry {
            ReportEntry::Explained(object) => {
                self.count_streamed(object.verdict);
                return Some(object);
            }
            ReportEntry::PassedOver(kind) => *self.passed_over.entry(kind).or_default() += 1,
            ReportEntry::Invalid(error) => self.errors.push(error),
            ReportEntry::NotSelected => {}
        }
        None
    }

    /// Counts in the summary an object written out rather than kept.
    pub(crate) fn count_streamed(&mut self, verdict: Verdict) {
        let summary = &mut self.summary;
        summary.objects += 1;
        *match verdict {
            Verdict::Compatible => &mut summary.compatible,
            Verdict::CompatibleWithCaveats => &mut summary.compatible_with_caveats,
            Verdict::Blocked => &mut summary.blocked,
        } += 1;
    }

    /// Completes a report built with [`Report::add_streamed`]: the read `errors` go
    /// first, as in [`Report::from_entries`], and the summary counts the rest.
    pub(crate) fn end_stream(&mut self, errors: Vec<InputError>) {
        self.errors.splice(0..0, errors);
        self.summary.passed_over = self.passed_over.values().sum();
        self.summary.errors = self.errors.len();
    }

    /// Recomputes the summary from the objects, counts and errors.
    #[cfg(test)]
    pub(crate) fn summarise(&mut self) {
        let count = |v: Verdict| self.objects.iter().filter(|o| o.verdict == v).count();
        self.summary = Summary {
            objects: self.objects.len(),
            compatible: count(Verdict::Compatible),
            compatible_with_caveats: count(Verdict::CompatibleWithCaveats),
            blocked: count(Verdict::Blocked),
            passed_over: self.passed_over.values().sum(),
            errors: self.errors.len(),
        };
    }

    /// The worst verdict, `None` when no object was explained.
    pub(crate) fn worst(&self) -> Option<Verdict> {
        let s = &self.summary;
        let streamed = [
            (s.blocked, Verdict::Blocked),
            (s.compatible_with_caveats, Verdict::CompatibleWithCaveats),
            (s.compatible, Verdict::Compatible),
        ]
        .into_iter()
        .find(|(n, _)| *n > 0)
        .map(|(_, verdict)| verdict);
        self.objects.iter().map(|o| o.verdict).max().max(streamed)
    }
}

/// What one manifest object adds to a report.
#[derive(Debug, Clone)]
pub(crate) enum ReportEntry {
    Explained(Box<ObjectReport>),
    /// Not a workload: counted by kind.
    PassedOver(String),
    /// A workload whose template cannot be read.
    Invalid(InputError),
    /// Left out by `-l`.
    NotSelected,
}

/// Explains manifest objects one at a time, with the run's selector, default namespace
/// and context; shared by every thread that reads a manifest.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ManifestExplainer<'a> {
    pub selector: Option<&'a LabelSelector>,
    pub default_namespace: Option<&'a str>,
    pub context: &'a Context<'a>,
}

impl ManifestExplainer<'_> {
    pub(crate) fn explain(&self, object: &ManifestObject) -> ReportEntry {
        if let Some(selector) = self.selector
            && !selector.matches(&labels_of(&object.value))
        {
            return ReportEntry::NotSelected;
        }
        match Workload::from_value(&object.value) {
            Ok(Some(workload)) => {
                let explanation = explain(&workload, self.default_namespace, self.context);
                let source = Source {
                    file: object.file.clone(),
                    line: object.line(),
                    document: object.document,
                    item: object.base.to_string(),
                };
                let line_of = |path: &FieldPath| object.line_of(path);
                let mut explained =
                    ObjectReport::new(&workload, explanation, Some(source), Some(&line_of));
                // Where the object would run: its own namespace, else `-n`.
                explained.namespace = explained
                    .namespace
                    .or_else(|| self.default_namespace.map(str::to_string));
                ReportEntry::Explained(Box::new(explained))
            }
            Ok(None) => {
                let kind = object.value["kind"].as_str().unwrap_or("(no kind)");
                ReportEntry::PassedOver(kind.to_string())
            }
            Err(e) => ReportEntry::Invalid(
                InputError::new(&object.file, e.to_string()).at(object.line(), None),
            ),
        }
    }
}

fn labels_of(object: &serde_json::Value) -> BTreeMap<String, String> {
    object["metadata"]["labels"]
        .as_object()
        .map(|labels| {
            labels
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::parse_objects;

    const MIXED: &str = "\
kind: ConfigMap
metadata: {name: c}
---
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  template:
    spec:
      hostNetwork: true
      containers: [{name: c, image: nginx, resources: {limits: {cpu: 1, memory: 1Gi}}}]
---
kind: Deployment
metadata: {name: broken}
spec: {}
";

    #[test]
    fn explains_counts_and_reports_invalid_workloads() {
        let objects = parse_objects("m.yaml", MIXED).unwrap();
        let report = Report::from_manifests(&objects, Vec::new(), None, None, &Context::offline());
        assert_eq!(report.objects.len(), 1);
        let web = &report.objects[0];
        assert_eq!(web.verdict, Verdict::Blocked);
        assert_eq!(web.source.as_ref().unwrap().line, 4);
        assert_eq!(web.findings[0].line, Some(9));
        assert_eq!(report.passed_over.get("ConfigMap"), Some(&1));
        assert_eq!(report.errors.len(), 1);
        assert_eq!(report.errors[0].line, Some(12));
        assert_eq!(report.summary.blocked, 1);
        assert_eq!(report.worst(), Some(Verdict::Blocked));
    }

    #[test]
    fn a_selector_keeps_matching_objects_only() {
        let objects = parse_objects("m.yaml", MIXED).unwrap();
        let selector: LabelSelector = "app=other".parse().unwrap();
        let report = Report::from_manifests(
            &objects,
            Vec::new(),
            Some(&selector),
            None,
            &Context::offline(),
        );
        assert_eq!(report.objects.len(), 0);
        assert_eq!(report.summary.passed_over, 0);
    }

    #[test]
    fn objects_without_a_namespace_take_the_default() {
        let objects = parse_objects("m.yaml", MIXED).unwrap();
        let report = Report::from_manifests(
            &objects,
            Vec::new(),
            None,
            Some("team-a"),
            &Context::offline(),
        );
        assert_eq!(report.objects[0].namespace.as_deref(), Some("team-a"));
    }
}
