//! A [`Writer`] over an in-memory store, for the engine's unit tests: it keeps
//! resourceVersions like the API server (409 on a stale one), logs every request, and
//! fails the request a test names.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::PathBuf;

use k8s_openapi::api::core::v1::Pod;
use serde_json::{Value, json};

use super::merge_patch;
use super::writer::{DryRun, ObjectKey, WriteError, Writer};
use crate::dry_run::Admission;

/// A request the engine sent.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Request {
    Get(String),
    Patch {
        name: String,
        dry_run: DryRun,
        patch: Value,
    },
    Replace {
        name: String,
        body: Value,
    },
    /// A pod dry run, by the pod's `generateName`.
    DryRunPod(String),
}

/// Which request fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Step {
    DryRun,
    Write,
    Get,
    Replace,
}

#[derive(Default)]
pub(super) struct FakeWriter {
    /// By name; every object is in one namespace.
    pub objects: RefCell<BTreeMap<String, Value>>,
    pub requests: RefCell<Vec<Request>>,
    pub failures: Vec<(Step, &'static str)>,
    /// A directory whose files are counted when the first real write arrives.
    pub watch_dir: Option<PathBuf>,
    pub files_at_first_write: RefCell<Option<Vec<String>>>,
    /// An object someone else changes between the dry runs and the first write.
    pub changed_before_first_write: Option<&'static str>,
    /// The cluster's admission: pods whose `generateName` starts with the name are
    /// refused with the message; every other pod is admitted.
    pub refused_pods: Vec<(&'static str, &'static str)>,
}

impl FakeWriter {
    pub(super) fn with(objects: &[Value]) -> Self {
        let writer = FakeWriter::default();
        for object in objects {
            let name = object["metadata"]["name"].as_str().unwrap().to_string();
            writer.objects.borrow_mut().insert(name, object.clone());
        }
        writer
    }

    pub(super) fn object(&self, name: &str) -> Value {
        self.objects.borrow()[name].clone()
    }

    /// Someone else's change: the object gets a new resourceVersion.
    pub(super) fn touch(&self, name: &str) {
        let mut objects = self.objects.borrow_mut();
        let object = objects.get_mut(name).unwrap();
        bump(object);
    }

    fn fails(&self, step: Step, name: &str) -> Result<(), WriteError> {
        if self.failures.contains(&(step, name)) {
            return Err(WriteError::new(format!("{step:?} of {name} refused")));
        }
        Ok(())
    }

    fn check_version(&self, name: &str, sent: &Value) -> Result<(), WriteError> {
        let stored = &self.objects.borrow()[name]["metadata"]["resourceVersion"];
        if sent["metadata"]["resourceVersion"] != *stored {
            return Err(WriteError {
                conflict: true,
                reason: format!("{name} changed"),
            });
        }
        Ok(())
    }
}

fn bump(object: &mut Value) {
    let version: u64 = object["metadata"]["resourceVersion"]
        .as_str()
        .unwrap_or("0")
        .parse()
        .unwrap();
    object["metadata"]["resourceVersion"] = json!((version + 1).to_string());
}

impl Writer for FakeWriter {
    async fn get(&self, object: ObjectKey<'_>) -> Result<Value, WriteError> {
        self.requests
            .borrow_mut()
            .push(Request::Get(object.name.to_string()));
        self.fails(Step::Get, object.name)?;
        Ok(self.object(object.name))
    }

    async fn merge_patch(
        &self,
        object: ObjectKey<'_>,
        patch: &Value,
        dry_run: DryRun,
    ) -> Result<Value, WriteError> {
        let name = object.name;
        self.requests.borrow_mut().push(Request::Patch {
            name: name.to_string(),
            dry_run,
            patch: patch.clone(),
        });
        if dry_run == DryRun::No
            && let Some(dir) = &self.watch_dir
            && self.files_at_first_write.borrow().is_none()
        {
            let mut files: Vec<String> = std::fs::read_dir(dir)
                .map(|entries| {
                    entries
                        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                        .collect()
                })
                .unwrap_or_default();
            files.sort();
            *self.files_at_first_write.borrow_mut() = Some(files);
        }
        let first_write = dry_run == DryRun::No
            && !self.requests.borrow()[..self.requests.borrow().len() - 1]
                .iter()
                .any(|r| {
                    matches!(
                        r,
                        Request::Patch {
                            dry_run: DryRun::No,
                            ..
                        }
                    )
                });
        if first_write && let Some(changed) = self.changed_before_first_write {
            self.touch(changed);
        }
        let step = match dry_run {
            DryRun::Yes => Step::DryRun,
            DryRun::No => Step::Write,
        };
        self.fails(step, name)?;
        self.check_version(name, patch)?;
        let mut changed = self.object(name);
        merge_patch(&mut changed, patch);
        if dry_run == DryRun::No {
            bump(&mut changed);
            self.objects
                .borrow_mut()
                .insert(name.to_string(), changed.clone());
        }
        Ok(changed)
    }

    async fn replace(&self, object: ObjectKey<'_>, body: &Value) -> Result<Value, WriteError> {
        let name = object.name;
        self.requests.borrow_mut().push(Request::Replace {
            name: name.to_string(),
            body: body.clone(),
        });
        self.fails(Step::Replace, name)?;
        self.check_version(name, body)?;
        let mut stored = body.clone();
        bump(&mut stored);
        self.objects
            .borrow_mut()
            .insert(name.to_string(), stored.clone());
        Ok(stored)
    }

    async fn dry_run_pod(&self, pod: &Pod) -> Admission {
        let generate_name = pod.metadata.generate_name.clone().unwrap_or_default();
        self.requests
            .borrow_mut()
            .push(Request::DryRunPod(generate_name.clone()));
        match self
            .refused_pods
            .iter()
            .find(|(name, _)| generate_name.starts_with(name))
        {
            Some((_, message)) => Admission::from_refusal(message, "shop"),
            None => Admission::Admitted {
                warnings: Vec::new(),
                settles: Vec::new(),
            },
        }
    }
}
