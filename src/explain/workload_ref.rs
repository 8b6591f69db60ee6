//! A workload named on the command line: `web` (a pod) or `deployment/web`.

use std::fmt;
use std::str::FromStr;

use super::WorkloadKind;

/// A workload by kind and name, the way kubectl's `TYPE/NAME` names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct WorkloadRef {
    pub kind: WorkloadKind,
    pub name: String,
}

impl WorkloadRef {
    pub(crate) fn new(kind: WorkloadKind, name: impl Into<String>) -> Self {
        WorkloadRef {
            kind,
            name: name.into(),
        }
    }
}

impl FromStr for WorkloadRef {
    type Err = String;

    /// `web` is a pod; `deploy/web`, `deployments.apps/web` and the other kubectl type
    /// forms name the kind.
    fn from_str(text: &str) -> Result<Self, String> {
        let (kind, name) = match text.split_once('/') {
            Some((kind, name)) => (
                WorkloadKind::from_type_name(kind).ok_or_else(|| {
                    format!("`{kind}` is not a workload type: use pod, deployment, statefulset, daemonset, replicaset, job or cronjob")
                })?,
                name,
            ),
            None => (WorkloadKind::Pod, text),
        };
        if name.is_empty() {
            return Err(format!("`{text}` names no object"));
        }
        Ok(WorkloadRef::new(kind, name))
    }
}

impl fmt::Display for WorkloadRef {
    /// `deployment/web`, as kubectl prints it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.kind.name().to_ascii_lowercase(), self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_pods_or_type_slash_name() {
        assert_eq!(
            "web-0".parse::<WorkloadRef>().unwrap(),
            WorkloadRef::new(WorkloadKind::Pod, "web-0")
        );
        let parse = |text: &str| text.parse::<WorkloadRef>();
        assert_eq!(parse("deploy/web").unwrap().kind, WorkloadKind::Deployment);
        assert_eq!(
            parse("cronjobs.batch/nightly").unwrap().kind,
            WorkloadKind::CronJob
        );
        assert!(parse("service/web").is_err());
        assert!(parse("deployment/").is_err());
    }

    #[test]
    fn it_prints_as_kubectl_names_it_and_reads_back() {
        let web = WorkloadRef::new(WorkloadKind::StatefulSet, "db");
        assert_eq!(web.to_string(), "statefulset/db");
        assert_eq!(web.to_string().parse::<WorkloadRef>().unwrap(), web);
    }
}
