//! [`Writer`] on the API server: migrate's requests, with failures turned into messages.

use k8s_openapi::api::core::v1::Pod;
use serde_json::Value;

use super::Connection;
use super::error::{ApiError, ErrorKind};
use super::workloads;
use crate::dry_run::Admission;
use crate::migrate::writer::{DryRun, ObjectKey, WriteError, Writer};

/// Sends migrate's requests to the cluster of `connection`.
pub struct ClusterWriter<'a> {
    pub connection: &'a Connection,
}

impl Writer for ClusterWriter<'_> {
    async fn get(&self, object: ObjectKey<'_>) -> Result<Value, WriteError> {
        workloads::get_workload(self.connection, object.kind, object.namespace, object.name)
            .await
            .map_err(|e| write_error(&e))
    }

    async fn merge_patch(
        &self,
        object: ObjectKey<'_>,
        patch: &Value,
        dry_run: DryRun,
    ) -> Result<Value, WriteError> {
        workloads::merge_patch(
            self.connection,
            object.kind,
            object.namespace,
            object.name,
            patch,
            dry_run == DryRun::Yes,
        )
        .await
        .map_err(|e| write_error(&e))
    }

    async fn replace(&self, object: ObjectKey<'_>, body: &Value) -> Result<Value, WriteError> {
        workloads::replace(
            self.connection,
            object.kind,
            object.namespace,
            object.name,
            body,
        )
        .await
        .map_err(|e| write_error(&e))
    }

    async fn dry_run_pod(&self, pod: &Pod) -> Admission {
        super::dry_run_pod(self.connection, pod).await
    }
}

fn write_error(error: &ApiError) -> WriteError {
    WriteError {
        conflict: error.kind == ErrorKind::Conflict,
        reason: error.to_string(),
    }
}
