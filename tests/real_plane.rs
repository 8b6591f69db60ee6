//! Every test against the real Kubernetes control plane (etcd, kube-apiserver and, when a
//! test asks, kube-controller-manager and kube-scheduler), started once for this binary by
//! `testkit::envtest`. Each test skips itself, saying so, when `KUBEBUILDER_ASSETS` is unset.

#[path = "real_plane/admission.rs"]
mod admission;
#[path = "real_plane/check.rs"]
mod check;
#[path = "real_plane/common.rs"]
mod common;
#[path = "real_plane/explain.rs"]
mod explain;
#[path = "real_plane/harness.rs"]
mod harness;
#[path = "real_plane/migrate.rs"]
mod migrate;
#[path = "real_plane/policy.rs"]
mod policy;
#[path = "real_plane/rbac.rs"]
mod rbac;
#[path = "real_plane/rollout.rs"]
mod rollout;
