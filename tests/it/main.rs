//! The integration tests, one binary (as ripgrep does): each file once linked kube, tokio
//! and rustls into a binary of its own; as modules they link them once.
//! `cargo test --test it migrate_live::` runs one module.
//!
//! Two tests keep binaries of their own: `tests/closed_stdout.rs` (a child spawned by a
//! concurrent test could hold its pipe open) and `tests/k8s_kubeconfig_env.rs` (it sets a
//! process-wide environment variable).

// A test binary has no public surface: `pub` in its modules means "shared with the others".
#![allow(unreachable_pub)]

mod common;
mod support;

mod check_fleet;
mod check_live;
mod check_offline;
mod distribution_completion;
mod distribution_generated;
mod distribution_krew;
mod distribution_kubectl;
mod error_texts;
mod exit_codes;
mod explain_pod_files;
mod explain_pod_live;
mod faults;
mod gcloud_real;
mod gcloud_timeout;
mod k8s_reader;
mod migrate_apply;
mod migrate_live;
mod policy_cel;
mod policy_cli;
mod rbac;
mod real_plane;
mod robustness;
mod synthetic_manifest;
