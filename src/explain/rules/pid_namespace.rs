//! Per-container PID namespaces: a sandboxed pod's containers always share one.

use super::Rule;
use crate::explain::{Context, Effect, Hit, Subject};

pub(super) const SHARED_PID_NAMESPACE: Rule = Rule {
    id: "EP016",
    name: "shared-pid-namespace",
    fact: "all containers of a sandboxed pod share one PID namespace, so isolation between containers differs (docs/gke-sandbox.md#shared-pid-namespace)",
    evaluate: shared_pid_namespace,
};

fn shared_pid_namespace(subject: &Subject, _: &Context) -> Vec<Hit> {
    // With `shareProcessNamespace: true` the pod already asks for what gVisor does; with a
    // single container there is nobody to share with.
    if subject.spec.share_process_namespace == Some(true) || subject.containers().len() < 2 {
        return Vec::new();
    }
    let path = match subject.spec.share_process_namespace {
        Some(false) => subject.field("shareProcessNamespace"),
        _ => subject.field("containers"),
    };
    vec![Hit::new(
        Effect::Caution,
        path,
        "the containers will share one PID namespace and can see each other's processes",
        "make sure no container relies on not seeing the others' processes (or set shareProcessNamespace: true to say so)",
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::rules::testing::{paths, pod, run};

    const TWO: &str = "  containers: [{name: a}, {name: b}]\n";

    #[test]
    fn separate_namespaces_asked_or_implied() {
        let explicit = pod(&format!("  shareProcessNamespace: false\n{TWO}"));
        assert_eq!(
            paths(&run(&SHARED_PID_NAMESPACE, &explicit)),
            ["spec.shareProcessNamespace"]
        );
        assert_eq!(
            paths(&run(&SHARED_PID_NAMESPACE, &pod(TWO))),
            ["spec.containers"]
        );
    }

    #[test]
    fn already_shared_or_alone_is_fine() {
        assert!(
            run(
                &SHARED_PID_NAMESPACE,
                &pod(&format!("  shareProcessNamespace: true\n{TWO}"))
            )
            .is_empty()
        );
        assert!(run(&SHARED_PID_NAMESPACE, &pod("  containers: [{name: a}]\n")).is_empty());
    }
}
