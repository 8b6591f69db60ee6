//! The one module that talks to the Kubernetes API.
//!
//! [`connect`] turns [`ConnectOptions`] into a client for one kubeconfig context;
//! [`read_cluster`] reads the in-cluster parts of the snapshot, each either known or a
//! [`Gap`](crate::snapshot::Gap) saying why not and what to do; [`get_workload`] and
//! [`list_top_level`] are how every command reads workloads; [`ClusterWriter`] makes
//! migrate's writes. Every list goes through one paging loop (`list`), and every failure
//! through one classification ([`ApiError`]), which words the message and the hint.

mod admission;
mod connect;
mod contexts;
mod error;
mod in_order;
mod kubeconfig;
mod list;
mod ownership;
mod pod_dry_run;
mod pod_fields;
mod policy;
mod read;
mod rollout;
mod trim;
mod workloads;
mod writer;

pub(crate) use admission::{AdmissionReads, read_admission};
pub(crate) use connect::read_kubeconfig;
pub use connect::{ConnectError, ConnectOptions, Connection, connect};
pub(crate) use contexts::list_contexts;
pub(crate) use error::{ApiError, ErrorKind, ListScope};
pub(crate) use pod_dry_run::dry_run_pod;
pub(crate) use policy::{PolicyRefusal, apply_policy, server_version};
pub(crate) use read::read_context;
pub use read::{ClusterReads, read_cluster};
pub use rollout::follow_rollouts;
pub use workloads::get_workload;
pub(crate) use workloads::{FIELD_MANAGER, Owned, list_top_level, namespace_names, workload_names};
pub use writer::ClusterWriter;
