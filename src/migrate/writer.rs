//! The requests `migrate --apply` and `--rollback` send, as a trait: the engine
//! ([`super::apply`]) decides the order, `k8s::ClusterWriter` talks to the API server, and
//! the unit tests use a fake that fails wherever a test says.

use std::fmt;

use k8s_openapi::api::core::v1::Pod;
use serde_json::Value;

use crate::dry_run::Admission;
use crate::explain::WorkloadKind;

/// The object one request is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObjectKey<'a> {
    pub kind: WorkloadKind,
    pub namespace: &'a str,
    pub name: &'a str,
}

impl fmt::Display for ObjectKey<'_> {
    /// `deployment/web in shop`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = self.kind.name().to_ascii_lowercase();
        write!(f, "{kind}/{} in {}", self.name, self.namespace)
    }
}

/// Whether a request only runs admission and validation (`dryRun=All`) or stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DryRun {
    Yes,
    No,
}

/// A request that failed, as the writer tells it: `reason` is ready for the user (what
/// failed, the server's words, what to do next).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteError {
    /// The server answered 409 Conflict: the object changed since it was read.
    pub conflict: bool,
    pub reason: String,
}

impl WriteError {
    pub fn new(reason: impl Into<String>) -> Self {
        WriteError {
            conflict: false,
            reason: reason.into(),
        }
    }
}

/// One object at a time, raw JSON in and out, so nothing the server has is lost.
/// Adding a request is a new method here and in `k8s::ClusterWriter`.
#[allow(async_fn_in_trait, reason = "used on one thread; no Send bound wanted")]
pub trait Writer {
    /// The object as the server has it now.
    async fn get(&self, object: ObjectKey<'_>) -> Result<Value, WriteError>;

    /// A JSON merge patch; `metadata.resourceVersion` in the patch makes it conditional.
    async fn merge_patch(
        &self,
        object: ObjectKey<'_>,
        patch: &Value,
        dry_run: DryRun,
    ) -> Result<Value, WriteError>;

    /// Replaces the object (PUT); the body's `metadata.resourceVersion` makes it
    /// conditional.
    async fn replace(&self, object: ObjectKey<'_>, body: &Value) -> Result<Value, WriteError>;

    /// Creates `pod` (namespace set) with `dryRun=All`: what the cluster's admission says
    /// of it. Stores nothing; what could not be asked is an `Admission::NotKnown`.
    async fn dry_run_pod(&self, pod: &Pod) -> Admission;
}
