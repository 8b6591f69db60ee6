//! The one module that talks to the Kubernetes API.
//!
//! [`connect`] turns the kubectl flags into a client for one kubeconfig context;
//! [`read_cluster`] reads the in-cluster parts of the snapshot, each either known or a
//! [`Gap`](crate::snapshot::Gap) saying why not and what to do. [`read_list`] is the
//! paged, trimmed, error-classifying list the readers share.

mod admission;
mod connect;
mod contexts;
mod failure;
mod kubeconfig;
mod list;
mod pod_fields;
pub mod raw;
mod read;
mod trim;

pub use admission::{AdmissionReads, read_admission};
pub use connect::{ConnectError, Connection, connect, read_kubeconfig};
pub use contexts::list_contexts;
pub use failure::{ListScope, ReadFailure};
pub use list::{PAGE_SIZE, list_all, read_list, read_list_as};
pub use read::{ClusterReads, read_cluster, read_context};
