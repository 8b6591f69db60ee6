//! The admission preflight (sans-IO): the pod a workload's controller would create, with
//! `runtimeClassName: gvisor` ([`sandboxed_pod`]), is created as a dry run by
//! [`crate::k8s::dry_run_pod`]; the answer is an [`Admission`], and [`judge`] turns it into
//! the object's verdict. The cluster's own admission (RuntimeClass, Pod Security,
//! ValidatingAdmissionPolicies, webhooks, LimitRanges, quotas) says what the rules can only
//! say GKE probably does.

mod admission;
mod pod;
mod verdict;

pub(crate) use admission::Admission;
#[cfg(test)]
pub(crate) use admission::{Limit, Step};
pub(crate) use pod::sandboxed_pod;
pub(crate) use verdict::judge;
