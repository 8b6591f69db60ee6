//! The verdict once the cluster has answered: a refusal is the strongest evidence there is
//! (the pod cannot be created), and an admission settles, for this cluster, the findings
//! the rules could only call uncertain.

use super::Admission;
use crate::explain::{Effect, Finding, ObjectReport, Verdict};

/// Whether a finding is the kind only the cluster's admission can decide (FSGroup: refused
/// by GKE once, no evidence either way since).
fn settled_by_admission(finding: &Finding) -> bool {
    finding.effect == Effect::Uncertain
}

/// Records `admission` on the object and gives it the verdict the answer supports:
/// refused is `blocked` with the server's words as the evidence; admitted leaves out the
/// uncertain findings it settled; a limit changes nothing.
pub(crate) fn judge(object: &mut ObjectReport, mut admission: Admission) {
    match &mut admission {
        Admission::Refused { .. } => object.verdict = Verdict::Blocked,
        Admission::Admitted { settles, .. } => {
            let (settled, open): (Vec<&Finding>, Vec<&Finding>) = object
                .findings
                .iter()
                .map(|located| &located.finding)
                .partition(|finding| settled_by_admission(finding));
            if !settled.is_empty() {
                let open: Vec<Finding> = open.into_iter().cloned().collect();
                object.verdict = Verdict::of(&open);
                settles.extend(settled.iter().map(|finding| finding.id));
                settles.dedup();
            }
        }
        Admission::NotKnown { .. } => {}
    }
    object.admission = Some(admission);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::{Context, Report};
    use crate::manifest::parse_objects;

    /// A Deployment whose only finding is `fsGroup`, and one with hostPID besides.
    fn object(extra: &str) -> ObjectReport {
        let yaml = format!(
            "kind: Deployment\nmetadata: {{name: web, namespace: shop}}\nspec:\n  template:\n    spec:\n\
             {extra}      securityContext: {{fsGroup: 2000}}\n      \
             containers: [{{name: c, resources: {{limits: {{cpu: 1, memory: 1Gi}}}}}}]\n"
        );
        let objects = parse_objects("m.yaml", &yaml).unwrap();
        let report = Report::from_manifests(&objects, Vec::new(), None, None, &Context::offline());
        report.objects[0].clone()
    }

    fn admitted() -> Admission {
        Admission::Admitted {
            warnings: Vec::new(),
            settles: Vec::new(),
        }
    }

    #[test]
    fn an_admission_settles_the_fsgroup_finding_for_this_cluster() {
        let mut web = object("");
        assert_eq!(web.findings[0].finding.id, "EP013");
        judge(&mut web, admitted());
        assert_eq!(web.verdict, Verdict::Compatible);
        assert_eq!(
            web.admission,
            Some(Admission::Admitted {
                warnings: Vec::new(),
                settles: vec!["EP013"]
            })
        );
        assert_eq!(web.findings.len(), 1, "the finding stays, settled");
    }

    #[test]
    fn an_admission_does_not_settle_what_blocks() {
        let mut host = object("      hostPID: true\n");
        judge(&mut host, admitted());
        assert_eq!(host.verdict, Verdict::Blocked);
    }

    #[test]
    fn a_refusal_blocks_and_a_limit_changes_nothing() {
        let mut clean = object("");
        clean.findings.clear();
        clean.verdict = Verdict::Compatible;
        let mut refused = clean.clone();
        judge(
            &mut refused,
            Admission::from_refusal("admission webhook \"w\" denied the request: no", "shop"),
        );
        assert_eq!(refused.verdict, Verdict::Blocked);
        let mut limited = clean.clone();
        judge(
            &mut limited,
            Admission::from_refusal("pods is forbidden: exceeded quota: q", "shop"),
        );
        assert_eq!(limited.verdict, Verdict::Compatible);
        assert!(limited.admission.is_some());
    }
}
