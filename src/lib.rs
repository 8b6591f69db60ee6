//! `kubectl-sandbox`: audit and adopt GKE Sandbox (gVisor).
//!
//! The core is sans-IO: a cluster snapshot in, findings out (`check`), pod specs in,
//! blockers out (`explain`). IO lives at the edges: `k8s` talks to the Kubernetes API,
//! `gke::gcloud` runs gcloud. `render` turns results into tables, JSON, YAML or SARIF.
//! `cli` parses arguments and wires the pieces.
//!
//! Every module is crate-private. The public surface is the `pub use` front below: what
//! the two binaries, `examples/`, `fuzz/` and the integration tests use, and nothing else
//! (the `unreachable_pub` lint keeps every other item `pub(crate)`).

pub(crate) mod check;
pub(crate) mod cli;
pub(crate) mod dry_run;
pub(crate) mod exit;
pub(crate) mod explain;
pub(crate) mod fleet;
pub(crate) mod gke;
pub(crate) mod k8s;
#[cfg(test)]
mod layers;
pub(crate) mod manifest;
pub(crate) mod migrate;
pub(crate) mod policy;
pub(crate) mod render;
pub(crate) mod selector;
pub(crate) mod snapshot;

#[cfg(test)]
mod advice_keeps_controls;
#[cfg(test)]
mod facts_cited;

// The binaries: src/main.rs and src/bin/kubectl_complete-sandbox.rs.
pub use cli::{complete_plugin, main};
pub use exit::end_quietly_on_closed_pipe;
// The completions and man pages generated from the CLI: examples/regenerate.rs writes them,
// tests/it/distribution_generated.rs compares them.
pub use cli::generated;
// The flags every cluster-reading command takes (tests parse them as the command does).
pub use cli::kube_args::KubeArgs;

// Manifests in, explanations out (fuzz/fuzz_targets/manifest.rs, tests/it/robustness.rs,
// tests/it/policy_cel.rs).
pub use explain::rules as explain_rules;
pub use explain::{Context, Effect, Verdict, Workload, WorkloadKind, explain};
pub use manifest::parse_objects;

// A cluster snapshot in, findings out (tests/it/robustness.rs).
pub use check::{Summary, Untrusted, run as run_checks};
pub use gke::{Autoscaling, GkeCluster, NodePool, SandboxSetting, Telemetry};
pub use snapshot::{
    ClusterSnapshot, Gap, NamespaceInfo, NodeInfo, Part, PodInfo, PodScope, RuntimeClassInfo,
    SNAPSHOT_SCHEMA,
};

// gcloud against the GKE API mock (tests/it/gcloud_real.rs, tests/it/gcloud_timeout.rs).
pub use gke::GkeTarget;
pub use gke::commands as gke_commands;
pub use gke::gcloud::{Gcloud, GcloudError};

// The admission policy (tests/it/policy_cel.rs, tests/it/real_plane/).
pub use policy::cel::STRICT as STRICT_POLICY_CEL;
pub use policy::{
    Action as PolicyAction, DEFAULT_UNTRUSTED_SELECTOR, POLICY_NAME, PolicyOptions,
    build as build_policy,
};

// The Kubernetes API reader and writer (tests/it/k8s_reader.rs, tests/k8s_kubeconfig_env.rs,
// tests/it/migrate_apply.rs, tests/it/real_plane/migrate.rs).
pub use k8s::{
    ClusterReads, ClusterWriter, ConnectError, ConnectOptions, Connection, connect,
    follow_rollouts, get_workload, read_cluster,
};

// migrate --apply's write sequence against a fake and a real API server (same tests).
pub use migrate::apply;
pub use migrate::backup::Backup;
pub use migrate::plan;
pub use migrate::report as migrate_report;
pub use migrate::wait::WaitResult;
pub use render::data as render_data;
