//! [`Writer`] on the API server: migrate's requests, with failures turned into messages.

use k8s_openapi::api::core::v1::Pod;
use serde_json::Value;

use super::Connection;
use super::raw;
use crate::dry_run::Admission;
use crate::migrate::writer::{DryRun, ObjectKey, WriteError, Writer};

/// Sends migrate's requests to the cluster of `connection`.
pub struct ClusterWriter<'a> {
    pub connection: &'a Connection,
}

impl Writer for ClusterWriter<'_> {
    async fn get(&self, object: ObjectKey<'_>) -> Result<Value, WriteError> {
        raw::get(
            &self.connection.client,
            object.kind,
            object.namespace,
            object.name,
        )
        .await
        .map_err(|e| write_error(&e))
    }

    async fn merge_patch(
        &self,
        object: ObjectKey<'_>,
        patch: &Value,
        dry_run: DryRun,
    ) -> Result<Value, WriteError> {
        raw::merge_patch(
            &self.connection.client,
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
        raw::replace(
            &self.connection.client,
            object.kind,
            object.namespace,
            object.name,
            body,
        )
        .await
        .map_err(|e| write_error(&e))
    }

    async fn dry_run_pod(&self, pod: &Pod) -> Admission {
        super::dry_run_pod(&self.connection.client, pod).await
    }
}

fn write_error(error: &kube::Error) -> WriteError {
    WriteError {
        conflict: raw::is_conflict(error),
        reason: raw::describe(error),
    }
}
