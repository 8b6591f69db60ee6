//! Test helpers: a rule run on a pod written in YAML.

use super::Rule;
use crate::explain::{Context, Hit, Subject, Workload};
use crate::manifest::parse_documents;

/// Parses one object (any supported kind) from YAML.
pub(crate) fn workload(yaml: &str) -> Workload {
    let docs = parse_documents(yaml).expect("test YAML parses");
    Workload::from_value(&docs[0].value)
        .expect("a valid workload")
        .expect("a workload kind")
}

/// A Pod whose `spec` is `spec_yaml` (indented by two spaces).
pub(crate) fn pod(spec_yaml: &str) -> Workload {
    workload(&format!(
        "kind: Pod\nmetadata:\n  name: p\nspec:\n{spec_yaml}"
    ))
}

pub(crate) fn run_with(rule: &Rule, workload: &Workload, context: &Context) -> Vec<Hit> {
    let subject = Subject::new(workload, None);
    (rule.evaluate)(&subject, context)
}

pub(crate) fn run(rule: &Rule, workload: &Workload) -> Vec<Hit> {
    run_with(rule, workload, &Context::offline())
}

/// The paths of the hits, as text, for short assertions.
pub(crate) fn paths(hits: &[Hit]) -> Vec<String> {
    hits.iter().map(|h| h.path.to_string()).collect()
}
