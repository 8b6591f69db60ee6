//! `kubectl-sandbox`: audit and adopt GKE Sandbox (gVisor).
//!
//! The core is sans-IO: [`snapshot::ClusterSnapshot`] in, [`check::Finding`]s out
//! ([`check`]), pod specs in, blockers out ([`explain`]). IO lives at the edges: [`k8s`]
//! talks to the Kubernetes API, [`gke::gcloud`] runs gcloud. [`render`] turns results into
//! tables, JSON, YAML or SARIF. [`cli`] parses arguments and wires the pieces.

pub mod check;
pub mod cli;
pub mod dry_run;
pub mod exit;
pub mod explain;
pub mod fleet;
pub mod gke;
pub mod k8s;
#[cfg(test)]
mod layers;
pub mod manifest;
pub mod migrate;
pub mod policy;
pub mod render;
pub mod selector;
pub mod snapshot;

#[cfg(test)]
mod advice_keeps_controls;
#[cfg(test)]
mod facts_cited;
