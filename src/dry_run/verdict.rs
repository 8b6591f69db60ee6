//! The verdict once the cluster has answered: a refusal is the strongest evidence there is
//! (the pod cannot be created), and an admission settles, for this cluster, the findings
//! the rules could only call uncertain.

use super::Admission;
use crate::explain::{Effect, Finding, ObjectReport, Verdict};

/// Whether a finding is the kind only the cluster's admission can decide (FSGroup: refused
/// by GKE once, no evidence either way since).
fn settled_by_admission(finding: &Finding) -> bool {
    finding.effect == Effect::Blocks && finding.id == "EP013"
}

/// Records `admission` on the object and gives it the verdict the answer supports:
/// refused is `blocked` with the server's words as the evidence; admitted leaves out the
/// uncertain findings it settled; a limit changes nothing.
pub fn judge(object: &mut ObjectReport, mut admission: Admission) {
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
