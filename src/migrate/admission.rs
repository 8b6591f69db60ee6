//! The admission preflight of `migrate`: each target's sandboxed pod, as its controller
//! would create it once migrated, is created as a dry run, so a workload whose new pods
//! the cluster would refuse is not migrated (its new ReplicaSet would create no pod while
//! the old one kept running). Patching the workload itself runs no pod admission at all.

use super::apply::Target;
use super::writer::Writer;
use crate::dry_run::{Admission, sandboxed_pod};
use crate::explain::Workload;

/// One answer per target, in order. Never fails: a target whose template cannot be read
/// (the plan read it already, so this does not happen) is `NotKnown`.
pub(crate) async fn admit_all(writer: &impl Writer, targets: &[Target]) -> Vec<Admission> {
    let mut admissions = Vec::with_capacity(targets.len());
    for target in targets {
        let namespace = target.object["metadata"]["namespace"]
            .as_str()
            .unwrap_or("default");
        // The pod of the template as migrate will leave it: runtimeClassName set, pins to
        // ordinary pools removed.
        let migrated = target.planned.migrated(&target.object);
        let object = migrated.as_ref().unwrap_or(&target.object);
        let admission = match Workload::from_value(object) {
            Ok(Some(workload)) => {
                writer
                    .dry_run_pod(&sandboxed_pod(&workload, namespace))
                    .await
            }
            Ok(None) => {
                Admission::no_answer(format!("{} is not a workload", target.planned.label()))
            }
            Err(e) => Admission::no_answer(e.to_string()),
        };
        admissions.push(admission);
    }
    admissions
}
