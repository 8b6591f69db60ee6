//! NoNewPrivileges (`allowPrivilegeEscalation: false`): the workload's processes live in
//! gVisor's user-space kernel, so the host kernel's flag does not apply to them. No report
//! has GKE refusing it and restricted pods run sandboxed: `not-enforced`, and the setting
//! stays (the Pod Security Standards "restricted" profile requires it).

use super::Rule;
use crate::explain::{Context, Effect, Hit, Subject};

pub(super) const NO_NEW_PRIVILEGES: Rule = Rule {
    id: "EP011",
    name: "no-new-privileges",
    fact: "allowPrivilegeEscalation: false (NoNewPrivileges) is not applied by the host kernel inside the sandbox; pods that set it run (docs/gke-sandbox.md#no-new-privileges)",
    evaluate: no_new_privileges,
};

fn no_new_privileges(subject: &Subject, _: &Context) -> Vec<Hit> {
    subject
        .containers()
        .into_iter()
        .filter(|c| c.security_context.and_then(|s| s.allow_privilege_escalation) == Some(false))
        .map(|c| {
            Hit::new(
                Effect::NotEnforced,
                Subject::security_field(&c, "allowPrivilegeEscalation"),
                format!(
                    "container `{}` sets allowPrivilegeEscalation: false: the host kernel's NoNewPrivileges flag does not apply inside the sandbox",
                    c.name
                ),
                "keep allowPrivilegeEscalation: false (the restricted Pod Security Standard requires it); nothing to change: gVisor isolates the container from the host kernel",
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::rules::testing::{paths, pod, run};

    #[test]
    fn no_new_privileges_false_true_absent() {
        let set = pod(
            "  containers: [{name: a, securityContext: {allowPrivilegeEscalation: true}}, {name: b, securityContext: {allowPrivilegeEscalation: false}}]\n",
        );
        let hits = run(&NO_NEW_PRIVILEGES, &set);
        assert_eq!(
            paths(&hits),
            ["spec.containers[1].securityContext.allowPrivilegeEscalation"]
        );
        assert_eq!(hits[0].effect, Effect::NotEnforced);
        assert!(hits[0].fix.starts_with("keep "));
        assert!(
            run(
                &NO_NEW_PRIVILEGES,
                &pod(
                    "  containers: [{name: c, securityContext: {allowPrivilegeEscalation: true}}]\n"
                )
            )
            .is_empty()
        );
        assert!(run(&NO_NEW_PRIVILEGES, &pod("  containers: [{name: c}]\n")).is_empty());
    }
}
