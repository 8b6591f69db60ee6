//! Every test against the real Kubernetes control plane (etcd, kube-apiserver and, when a
//! test asks, kube-controller-manager and kube-scheduler), started once for the test binary by
//! `testkit::envtest`. Each test skips itself, saying so, when `KUBEBUILDER_ASSETS` is unset.

mod admission;
mod check;
mod common;
mod explain;
mod harness;
mod migrate;
mod policy;
mod rbac;
mod rollout;
