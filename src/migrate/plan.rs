//! Deciding what to do with one workload: the change that puts its pod template under
//! gVisor, whether the explain-pod rules let it run there once changed, or why not. Only a
//! `blocks` finding stops a migration; every other finding is a caveat shown with the plan.

use serde::Serialize;
use serde_json::{Value, json};

use super::merge::{merge_patch, patch_of};
use super::pins::pin_removals;
use crate::explain::{
    Context, FieldPath, Finding, Workload, WorkloadError, WorkloadKind, WorkloadRef, explain,
};
use crate::snapshot::{GVISOR_HANDLER, GVISOR_RUNTIME_CLASS};

/// One field the migration sets or removes. `before` absent: the field is new; `after`
/// absent: the field goes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub path: FieldPath,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "action", rename_all = "kebab-case")]
pub enum Action {
    /// Change the object with `patch` (a JSON merge patch), which makes exactly `changes`.
    /// `forced` lists the blocking findings `--force` went past; `rollout` says which pods
    /// the change replaces, and when.
    Migrate {
        changes: Vec<Change>,
        patch: Value,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        forced: Vec<Finding>,
        rollout: &'static str,
    },
    /// Left alone: the findings that would stop it running sandboxed.
    Skip { reasons: Vec<Finding> },
    /// Already asks for gVisor and pins nothing elsewhere. `blockers` are the findings that
    /// stop its pods running there all the same: being sandboxed does not hide them.
    AlreadyDone {
        #[serde(skip_serializing_if = "Vec::is_empty")]
        blockers: Vec<Finding>,
    },
    /// A Pod's runtimeClassName cannot change in place.
    BarePod { advice: String },
}

impl Action {
    pub fn label(&self) -> &'static str {
        match self {
            Action::Migrate { forced, .. } if !forced.is_empty() => "migrate (forced)",
            Action::Migrate { .. } => "migrate",
            Action::Skip { .. } => "skip",
            Action::AlreadyDone { .. } => "already done",
            Action::BarePod { .. } => "bare pod",
        }
    }
}

/// The plan for one workload.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Planned {
    pub kind: WorkloadKind,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(flatten)]
    pub action: Action,
    /// What explain-pod says about the template as it will be: caveats to know about.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub caveats: Vec<Finding>,
}

impl Planned {
    /// `deployment/web`, as kubectl names it.
    pub fn label(&self) -> String {
        WorkloadRef::new(self.kind, self.name.as_str()).to_string()
    }

    /// The object as it will be, when the plan is to migrate it.
    pub fn migrated(&self, object: &Value) -> Option<Value> {
        let Action::Migrate { patch, .. } = &self.action else {
            return None;
        };
        let mut changed = object.clone();
        merge_patch(&mut changed, patch);
        Some(changed)
    }
}

/// Plans one object. `Ok(None)` for kinds that are not workloads (ConfigMaps...).
/// `force` migrates blocked workloads anyway; the report says so.
pub fn plan(
    object: &Value,
    default_namespace: Option<&str>,
    context: &Context,
    force: bool,
) -> Result<Option<Planned>, WorkloadError> {
    let Some(workload) = Workload::from_value(object)? else {
        return Ok(None);
    };
    let planned = |action, caveats| Planned {
        kind: workload.kind,
        name: workload.name.clone(),
        namespace: workload.namespace.clone(),
        action,
        caveats,
    };
    let spec_path = workload.template_path().key("spec");
    let spec = pointer(object, &spec_path).cloned().unwrap_or(Value::Null);
    let sandboxed = asks_for_gvisor(&spec, context);
    if workload.kind == WorkloadKind::Pod && !sandboxed {
        return Ok(Some(planned(
            Action::BarePod {
                advice: bare_pod_advice(object),
            },
            Vec::new(),
        )));
    }
    let mut changes = Vec::new();
    if !sandboxed {
        changes.push(Change {
            path: spec_path.key("runtimeClassName"),
            before: spec.get("runtimeClassName").cloned(),
            after: Some(json!(GVISOR_RUNTIME_CLASS)),
        });
    }
    // A Pod cannot change its template in place: a sandboxed one is done as it is.
    if workload.kind != WorkloadKind::Pod {
        changes.extend(pin_removals(&spec, &spec_path, context));
    }
    if changes.is_empty() {
        let (blockers, caveats) = judged(&workload, default_namespace, context);
        return Ok(Some(planned(Action::AlreadyDone { blockers }, caveats)));
    }
    let patch = patch_of(&changes);
    let mut changed = object.clone();
    merge_patch(&mut changed, &patch);
    // Judge the template as it will be: the removed pins no longer count against it.
    let after = Workload::from_value(&changed)?.unwrap_or(workload.clone());
    let (blocking, caveats) = judged(&after, default_namespace, context);
    if !blocking.is_empty() && !force {
        return Ok(Some(planned(Action::Skip { reasons: blocking }, caveats)));
    }
    Ok(Some(planned(
        Action::Migrate {
            changes,
            patch,
            forced: blocking,
            rollout: rollout(workload.kind),
        },
        caveats,
    )))
}

/// The explain-pod findings about `workload`: those that block it (what makes its verdict
/// `blocked`), then the caveats.
fn judged(
    workload: &Workload,
    default_namespace: Option<&str>,
    context: &Context,
) -> (Vec<Finding>, Vec<Finding>) {
    explain(workload, default_namespace, context)
        .findings
        .into_iter()
        .partition(|f| f.effect.is_blocking())
}

/// Which pods a change of the pod template replaces, and when: every pod of the workload
/// ends up replaced, at the pace its controller sets.
fn rollout(kind: WorkloadKind) -> &'static str {
    match kind {
        WorkloadKind::Deployment => {
            "every pod is replaced by a rolling update (the Deployment's strategy sets the pace)"
        }
        WorkloadKind::DaemonSet => {
            "every pod is replaced, node by node, by a rolling update (with updateStrategy OnDelete, only as pods are deleted)"
        }
        WorkloadKind::StatefulSet => {
            "every pod is replaced, one at a time from the highest ordinal (with updateStrategy OnDelete, only as pods are deleted)"
        }
        WorkloadKind::ReplicaSet => {
            "only pods the ReplicaSet creates from now on are sandboxed: it does not replace running pods (delete them, or migrate its Deployment)"
        }
        WorkloadKind::Job => {
            "only new runs are sandboxed: a Job's pod template cannot change once created, so the next Job made from this manifest runs sandboxed"
        }
        WorkloadKind::CronJob => {
            "from the next scheduled run: Jobs already started finish unsandboxed"
        }
        WorkloadKind::Pod => "a Pod is replaced only by creating it again",
    }
}

/// `runtimeClassName: gvisor`, or a class of another name that the cluster says runs the
/// gvisor handler.
fn asks_for_gvisor(spec: &Value, context: &Context) -> bool {
    let Some(class) = spec["runtimeClassName"].as_str() else {
        return false;
    };
    class == GVISOR_RUNTIME_CLASS
        || context.runtime_classes.is_some_and(|classes| {
            classes
                .iter()
                .any(|rc| rc.name == class && rc.handler == GVISOR_HANDLER)
        })
}

fn bare_pod_advice(pod: &Value) -> String {
    match crate::explain::controller(pod) {
        Some(owner) => format!(
            "a Pod cannot change its runtimeClassName in place; it is owned by {}/{}: migrate that instead",
            owner["kind"].as_str().unwrap_or("?").to_ascii_lowercase(),
            owner["name"].as_str().unwrap_or("?")
        ),
        None => "a Pod cannot change its runtimeClassName in place: create it again with \
                 spec.runtimeClassName: gvisor, or run it from a Deployment or Job and migrate that"
            .to_string(),
    }
}

fn pointer<'a>(value: &'a Value, path: &FieldPath) -> Option<&'a Value> {
    path.segments()
        .iter()
        .try_fold(value, |node, segment| match segment {
            crate::explain::Segment::Key(key) => node.get(key.as_str()),
            crate::explain::Segment::Index(i) => node.get(*i),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployment(spec: Value) -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "shop"},
            "spec": {"template": {"spec": spec}}})
    }

    fn limits() -> Value {
        json!({"limits": {"cpu": "1", "memory": "1Gi"}})
    }

    fn plan_of(object: &Value, force: bool) -> Planned {
        plan(object, None, &Context::offline(), force)
            .unwrap()
            .unwrap()
    }

    #[test]
    fn a_plain_deployment_gets_exactly_the_runtime_class() {
        let object = deployment(
            json!({"containers": [{"name": "c", "image": "nginx", "resources": limits()}]}),
        );
        let planned = plan_of(&object, false);
        let Action::Migrate {
            changes,
            patch,
            forced,
            rollout,
        } = &planned.action
        else {
            panic!("{planned:?}");
        };
        assert!(forced.is_empty());
        assert!(rollout.starts_with("every pod is replaced"), "{rollout}");
        assert_eq!(changes.len(), 1);
        assert_eq!(
            changes[0].path.to_string(),
            "spec.template.spec.runtimeClassName"
        );
        assert_eq!(
            patch,
            &json!({"spec": {"template": {"spec": {"runtimeClassName": "gvisor"}}}})
        );
        let migrated = planned.migrated(&object).unwrap();
        assert_eq!(
            migrated["spec"]["template"]["spec"]["runtimeClassName"],
            "gvisor"
        );
        assert_eq!(
            plan_of(&migrated, false).action,
            Action::AlreadyDone { blockers: vec![] }
        );
    }

    #[test]
    fn a_cronjob_changes_its_job_template() {
        let object = json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "n"},
            "spec": {"schedule": "@daily", "jobTemplate": {"spec": {"template": {"spec":
                {"containers": [{"name": "c", "resources": limits()}]}}}}}});
        let Action::Migrate { changes, .. } = plan_of(&object, false).action else {
            panic!();
        };
        assert_eq!(
            changes[0].path.to_string(),
            "spec.jobTemplate.spec.template.spec.runtimeClassName"
        );
    }

    #[test]
    fn a_blocked_workload_is_skipped_unless_forced() {
        let object = deployment(
            json!({"hostNetwork": true, "containers": [{"name": "c", "resources": limits()}]}),
        );
        let Action::Skip { reasons } = plan_of(&object, false).action else {
            panic!();
        };
        assert_eq!(reasons[0].id, "EP004");
        let Action::Migrate { forced, .. } = plan_of(&object, true).action else {
            panic!();
        };
        assert_eq!(forced[0].id, "EP004");
    }

    #[test]
    fn a_removed_conflict_no_longer_blocks() {
        let object = deployment(json!({"nodeSelector": {"sandbox.gke.io/runtime": "runc"},
            "containers": [{"name": "c", "resources": limits()}]}));
        let Action::Migrate { changes, .. } = plan_of(&object, false).action else {
            panic!();
        };
        assert_eq!(changes.len(), 2);
    }

    #[test]
    fn pods_are_reported_with_advice() {
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p",
            "ownerReferences": [{"kind": "ReplicaSet", "name": "web-1", "controller": true}]},
            "spec": {"containers": [{"name": "c"}]}});
        let Action::BarePod { advice } = plan_of(&pod, false).action else {
            panic!();
        };
        assert!(advice.contains("replicaset/web-1"), "{advice}");
    }

    #[test]
    fn a_hardened_deployment_migrates_with_caveats() {
        let object = deployment(json!({
            "securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}},
            "containers": [{"name": "c", "resources": limits(), "securityContext":
                {"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}}]}));
        let planned = plan_of(&object, false);
        assert!(
            matches!(&planned.action, Action::Migrate { forced, .. } if forced.is_empty()),
            "{planned:?}"
        );
        let caveats: Vec<&str> = planned.caveats.iter().map(|f| f.id).collect();
        assert_eq!(caveats, ["EP007", "EP011"]);
    }

    #[test]
    fn already_done_still_shows_blockers_and_caveats() {
        let object = deployment(json!({"runtimeClassName": "gvisor", "hostPID": true,
            "securityContext": {"fsGroup": 1000},
            "containers": [{"name": "c", "resources": limits()}]}));
        let planned = plan_of(&object, false);
        let Action::AlreadyDone { blockers } = &planned.action else {
            panic!("{planned:?}");
        };
        assert_eq!(blockers[0].id, "EP004");
        assert_eq!(planned.caveats[0].id, "EP013");
    }

    #[test]
    fn each_kind_says_which_pods_are_replaced() {
        let statefulset = json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db"},
            "spec": {"template": {"spec": {"containers": [{"name": "c", "resources": limits()}]}}}});
        let Action::Migrate { rollout: pods, .. } = plan_of(&statefulset, false).action else {
            panic!();
        };
        assert!(pods.contains("one at a time"), "{pods}");
        assert!(rollout(WorkloadKind::Job).contains("only new runs"));
        assert!(rollout(WorkloadKind::CronJob).contains("next scheduled run"));
        assert!(rollout(WorkloadKind::DaemonSet).contains("rolling"));
    }

    #[test]
    fn a_bare_pod_already_under_gvisor_is_done() {
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
            "spec": {"runtimeClassName": "gvisor", "nodeSelector": {"cloud.google.com/gke-nodepool": "gvisor"},
                     "containers": [{"name": "c", "resources": limits()}]}});
        let planned = plan_of(&pod, false);
        assert_eq!(planned.action, Action::AlreadyDone { blockers: vec![] });
    }

    #[test]
    fn other_kinds_are_not_planned() {
        let config_map =
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}});
        assert_eq!(
            plan(&config_map, None, &Context::offline(), false),
            Ok(None)
        );
    }
}
