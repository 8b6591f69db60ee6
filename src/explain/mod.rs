//! `explain-pod`: which features of a pod template GKE Sandbox blocks or degrades (sans-IO).
//!
//! A [`Workload`] (from a manifest or a live object) and a [`Context`] (whatever is known
//! about the cluster) go in; an [`Explanation`] (findings and a [`Verdict`]) comes out.
//! Each rule is one [`Rule`] value under `rules/`, with its ID, fact and tests.

mod context;
mod finding;
mod report;
pub mod rules;
mod subject;
mod universal;
mod verdict;
mod workload;
mod workload_ref;

pub(crate) use crate::manifest::{FieldPath, Segment};
pub use context::Context;
pub(crate) use context::Unknown;
pub use finding::Effect;
pub(crate) use finding::{Finding, Hit};
pub(crate) use report::{ManifestExplainer, ObjectReport, Report};
pub(crate) use subject::{ContainerList, ContainerRef, Subject};
pub(crate) use universal::{UNIVERSAL_CAVEATS, UniversalCaveat};
pub use verdict::Verdict;
pub use workload::{Workload, WorkloadKind};
pub(crate) use workload::{WorkloadError, controller};
pub(crate) use workload_ref::WorkloadRef;

/// What the rules found in one workload's pod template.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Explanation {
    pub verdict: Verdict,
    /// In rule order, then manifest order.
    pub findings: Vec<Finding>,
}

/// Runs every rule on `workload`. `default_namespace` stands in for a manifest that names
/// none (`-n`, or the kubeconfig's namespace).
pub fn explain(
    workload: &Workload,
    default_namespace: Option<&str>,
    context: &Context,
) -> Explanation {
    let subject = Subject::new(workload, default_namespace);
    let findings: Vec<Finding> = rules::ALL
        .iter()
        .flat_map(|rule| {
            (rule.evaluate)(&subject, context)
                .into_iter()
                .map(move |hit| Finding {
                    id: rule.id,
                    rule: rule.name,
                    effect: hit.effect,
                    path: hit.path,
                    message: hit.message,
                    fix: hit.fix,
                    fact: rule.fact,
                })
        })
        .collect();
    Explanation {
        verdict: Verdict::of(&findings),
        findings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::rules::testing::{pod, workload};

    #[test]
    fn a_plain_pod_is_compatible() {
        let plain = pod(
            "  containers: [{name: web, image: nginx:1.27, resources: {limits: {cpu: 500m, memory: 256Mi}}}]\n",
        );
        let explanation = explain(&plain, None, &Context::offline());
        assert_eq!(explanation.findings, []);
        assert_eq!(explanation.verdict, Verdict::Compatible);
    }

    #[test]
    fn a_caution_gives_caveats_and_a_host_feature_blocks() {
        let limits = "resources: {limits: {cpu: 500m, memory: 256Mi}}";
        let db = pod(&format!(
            "  containers: [{{name: db, image: postgres:16, {limits}}}]\n"
        ));
        assert_eq!(
            explain(&db, None, &Context::offline()).verdict,
            Verdict::CompatibleWithCaveats
        );
        let host = pod(&format!(
            "  hostNetwork: true\n  containers: [{{name: web, image: nginx, {limits}}}]\n"
        ));
        let explanation = explain(&host, None, &Context::offline());
        assert_eq!(explanation.verdict, Verdict::Blocked);
        assert_eq!(explanation.findings[0].id, "EP004");
    }

    #[test]
    fn a_restricted_profile_pod_is_not_blocked() {
        let restricted = pod(
            "  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}\n  containers: [{name: web, image: nginx:1.27, securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}}]\n",
        );
        let explanation = explain(&restricted, None, &Context::offline());
        assert_eq!(explanation.verdict, Verdict::CompatibleWithCaveats);
        let ids: Vec<&str> = explanation.findings.iter().map(|f| f.id).collect();
        assert_eq!(ids, ["EP007", "EP011"]);
        assert!(
            explanation
                .findings
                .iter()
                .all(|f| f.effect == Effect::NotEnforced && f.fix.starts_with("keep "))
        );
    }

    #[test]
    fn uncertain_and_not_enforced_findings_are_caveats() {
        let uncertain = pod(
            "  securityContext: {fsGroup: 2000, sysctls: [{name: net.core.somaxconn, value: \"1024\"}], seLinuxOptions: {level: \"s0:c1\"}}\n  containers: [{name: c}]\n",
        );
        let explanation = explain(&uncertain, None, &Context::offline());
        assert_eq!(explanation.verdict, Verdict::CompatibleWithCaveats);
        assert!(
            explanation
                .findings
                .iter()
                .any(|f| f.effect == Effect::Uncertain)
        );
    }

    #[test]
    fn rule_ids_are_unique() {
        let mut ids: Vec<&str> = rules::ALL.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), rules::ALL.len());
    }

    #[test]
    fn the_namespace_falls_back_to_the_default() {
        let w = workload("kind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c}]\n");
        let subject = Subject::new(&w, Some("team-a"));
        assert_eq!(subject.namespace, Some("team-a"));
    }
}
