//! PL001: untrusted namespaces are guarded at admission by a ValidatingAdmissionPolicy that
//! requires `runtimeClassName: gvisor`, bound with the Deny action, so an unsandboxed pod
//! is refused instead of found afterwards (`kubectl sandbox policy`).

use crate::check::{Context, Outcome, Rule, Section};
use crate::policy::{DEFAULT_UNTRUSTED_SELECTOR, POLICY_NAME};
use crate::snapshot::{
    AdmissionBindingInfo, AdmissionPolicyInfo, NamespaceInfo, NamespaceSelector, Part,
};

pub(super) const RULE: Rule = Rule {
    id: "PL001",
    name: "admission-policy-requires-gvisor",
    section: Section::Workloads,
    fact: "A pod runs sandboxed when spec.runtimeClassName: gvisor (docs/gke-sandbox.md#runtimeclass); a ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1, Kubernetes \
           1.30+) bound with validationActions Deny refuses pods whose expressions fail",
    evaluate,
};

const DENY: &str = "Deny";

fn evaluate(context: &Context) -> Vec<Outcome> {
    let snapshot = context.snapshot;
    let subject = "admission policies";
    let (policies, bindings) = match (&snapshot.admission_policies, &snapshot.admission_bindings) {
        (Part::Known(policies), Part::Known(bindings)) => (policies, bindings),
        (Part::Unknown(gap), _) | (_, Part::Unknown(gap)) => {
            return vec![Outcome::skip(subject, gap)];
        }
    };
    let guarding: Vec<&AdmissionBindingInfo> = bindings
        .iter()
        .filter(|b| {
            policies
                .iter()
                .any(|p| p.name == b.policy_name && requires_gvisor(p))
        })
        .collect();
    if !context.untrusted.is_named() {
        return vec![overview(subject, &guarding)];
    }
    let namespaces = match &snapshot.namespaces {
        Part::Known(namespaces) => namespaces,
        Part::Unknown(gap) => return vec![Outcome::skip(subject, gap)],
    };
    let untrusted: Vec<&NamespaceInfo> = namespaces
        .iter()
        .filter(|ns| context.untrusted.includes(ns))
        .collect();
    if untrusted.is_empty() {
        return vec![Outcome::info(
            subject,
            "no namespace is marked untrusted: nothing to guard at admission",
        )];
    }
    untrusted
        .into_iter()
        .map(|ns| namespace_outcome(context, ns, &guarding))
        .collect()
}

/// A policy guards the sandbox when one of its validations reads `runtimeClassName` and
/// compares it with `gvisor`: ours, or one written by hand to the same end.
fn requires_gvisor(policy: &AdmissionPolicyInfo) -> bool {
    policy.validations.iter().any(|expression| {
        expression.contains("runtimeClassName")
            && (expression.contains("'gvisor'") || expression.contains("\"gvisor\""))
    })
}

fn describe(binding: &AdmissionBindingInfo) -> String {
    let namespaces = match &binding.namespace_selector {
        Some(selector) => format!("namespaces matching `{}`", selector.to_text()),
        None => "every namespace".to_string(),
    };
    format!(
        "ValidatingAdmissionPolicyBinding {}: policy {}, validationActions [{}], {namespaces}",
        binding.name,
        binding.policy_name,
        binding.validation_actions.join(", ")
    )
}

fn overview(subject: &str, guarding: &[&AdmissionBindingInfo]) -> Outcome {
    if guarding.is_empty() {
        return Outcome::info(
            subject,
            "no admission policy requires runtimeClassName: gvisor; name untrusted namespaces \
             (--untrusted, --untrusted-selector) to check them",
        )
        .fix("kubectl sandbox policy --action warn --apply, then --action deny once no warning shows");
    }
    let mut outcome = Outcome::info(
        subject,
        "an admission policy requires runtimeClassName: gvisor; name untrusted namespaces to \
         check that it covers them",
    );
    outcome.evidence = guarding.iter().map(|b| describe(b)).collect();
    outcome
}

fn namespace_outcome(
    context: &Context,
    namespace: &NamespaceInfo,
    guarding: &[&AdmissionBindingInfo],
) -> Outcome {
    let subject = format!("namespace {}", namespace.name);
    let covering: Vec<&&AdmissionBindingInfo> = guarding
        .iter()
        .filter(|b| {
            b.namespace_selector
                .as_ref()
                .is_none_or(|s| s.matches(&namespace.labels))
        })
        .collect();
    let evidence: Vec<String> = covering.iter().map(|b| describe(b)).collect();
    let denying = covering
        .iter()
        .any(|b| b.validation_actions.iter().any(|a| a == DENY));
    let mut outcome = if denying {
        Outcome::pass(
            subject,
            "untrusted, pods without runtimeClassName: gvisor are refused at admission",
        )
    } else if covering.is_empty() {
        Outcome::warn(
            subject,
            "untrusted, but no admission policy refuses pods without runtimeClassName: gvisor",
        )
        .fix(rollout(context, namespace, guarding))
    } else {
        Outcome::warn(
            subject,
            "untrusted, but the admission policy only warns or audits: pods without gVisor are still admitted",
        )
        .fix(rollout(context, namespace, guarding))
    };
    outcome.evidence = evidence;
    outcome
}

/// The README's rollout order: deny refuses the replacement pods of workloads not yet
/// sandboxed, so where such pods run the namespace is migrated (or warned) first.
fn rollout(
    context: &Context,
    namespace: &NamespaceInfo,
    guarding: &[&AdmissionBindingInfo],
) -> String {
    let deny = fix_command(context, namespace, guarding, "deny");
    let snapshot = context.snapshot;
    let unsandboxed = snapshot.pods.known().map_or(0, |pods| {
        pods.iter()
            .filter(|p| p.namespace == namespace.name && p.is_active())
            .filter(|p| !snapshot.pod_is_sandboxed(p))
            .count()
    });
    if unsandboxed == 0 {
        return deny;
    }
    format!(
        "{unsandboxed} pod(s) here run without gVisor, and deny would refuse their \
         replacements: first kubectl sandbox migrate -n {ns} --all --apply --wait (or {warn} \
         to see what would be refused), then {deny}",
        ns = namespace.name,
        warn = fix_command(context, namespace, guarding, "warn"),
    )
}

/// The command that gives `namespace` a binding with `action` without taking it from the
/// namespaces our binding already covers: the user's selector when it is what marks the
/// namespace; else our binding's selector (the default label when there is none), with the
/// namespace labelled to match it first.
fn fix_command(
    context: &Context,
    namespace: &NamespaceInfo,
    guarding: &[&AdmissionBindingInfo],
    action: &str,
) -> String {
    let apply = |selector: &str| {
        let flag = if selector == DEFAULT_UNTRUSTED_SELECTOR {
            String::new()
        } else {
            format!("--untrusted-selector '{selector}' ")
        };
        format!(
            "kubectl sandbox policy {flag}--action {action} --apply (installs or updates {POLICY_NAME})"
        )
    };
    if let Some(selector) = &context.untrusted.selector
        && selector.matches(&namespace.labels)
    {
        return apply(selector.as_str());
    }
    let ours = guarding
        .iter()
        .find(|b| b.name == POLICY_NAME)
        .and_then(|b| b.namespace_selector.clone());
    let selector = ours.unwrap_or_else(default_selector);
    let text = selector.to_text();
    if selector.matches(&namespace.labels) {
        return apply(&text);
    }
    if selector.match_expressions.is_empty() {
        let labels: Vec<String> = selector
            .match_labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        return format!(
            "kubectl label namespace {} {} --overwrite && {}",
            namespace.name,
            labels.join(" "),
            apply(&text)
        );
    }
    format!(
        "give namespace {} labels matching `{text}`, then {}",
        namespace.name,
        apply(&text)
    )
}

/// [`DEFAULT_UNTRUSTED_SELECTOR`] as a namespace selector.
fn default_selector() -> NamespaceSelector {
    let (key, value) = DEFAULT_UNTRUSTED_SELECTOR
        .split_once('=')
        .expect("the default selector is key=value");
    NamespaceSelector {
        match_labels: [(key.to_string(), value.to_string())].into(),
        match_expressions: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::fixtures::*;
    use crate::check::{Status, Untrusted};
    use crate::snapshot::{ClusterSnapshot, Gap, SelectorExpression};
    use std::collections::BTreeMap;

    const GVISOR: &str =
        "has(variables.podSpec.runtimeClassName) && variables.podSpec.runtimeClassName == 'gvisor'";

    fn policy(name: &str, expression: &str) -> AdmissionPolicyInfo {
        AdmissionPolicyInfo {
            name: name.into(),
            validations: vec![expression.into()],
        }
    }

    fn binding(action: &str, labels: &[(&str, &str)]) -> AdmissionBindingInfo {
        AdmissionBindingInfo {
            name: POLICY_NAME.into(),
            policy_name: POLICY_NAME.into(),
            validation_actions: vec![action.into()],
            namespace_selector: Some(NamespaceSelector {
                match_labels: labels
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect::<BTreeMap<_, _>>(),
                match_expressions: vec![],
            }),
        }
    }

    fn snap(
        policies: Vec<AdmissionPolicyInfo>,
        bindings: Vec<AdmissionBindingInfo>,
    ) -> ClusterSnapshot {
        let mut s = snapshot();
        s.namespaces = Part::Known(vec![
            namespace("tenant-a", &[("kubectl-sandbox.dev/untrusted", "true")]),
            namespace("tenant-b", &[("trust", "untrusted")]),
            namespace("prod", &[]),
        ]);
        s.admission_policies = Part::Known(policies);
        s.admission_bindings = Part::Known(bindings);
        s
    }

    fn by_name(names: &[&str]) -> Untrusted {
        Untrusted {
            names: names.iter().map(|n| n.to_string()).collect(),
            selector: None,
        }
    }

    #[test]
    fn a_denying_binding_over_the_namespace_passes() {
        let s = snap(
            vec![policy(POLICY_NAME, GVISOR)],
            vec![binding(
                "Deny",
                &[("kubectl-sandbox.dev/untrusted", "true")],
            )],
        );
        let out = run_with(&RULE, &s, &by_name(&["tenant-a"]));
        assert_eq!(statuses(&out), [Status::Pass]);
        assert!(
            out[0].evidence[0].contains("validationActions [Deny]"),
            "{:?}",
            out[0].evidence
        );
    }

    #[test]
    fn a_warning_binding_is_a_warn_with_the_deny_command() {
        let s = snap(
            vec![policy(POLICY_NAME, GVISOR)],
            vec![binding(
                "Warn",
                &[("kubectl-sandbox.dev/untrusted", "true")],
            )],
        );
        let out = run_with(&RULE, &s, &by_name(&["tenant-a"]));
        assert_eq!(statuses(&out), [Status::Warn]);
        assert!(out[0].message.contains("only warns or audits"));
        assert!(
            out[0]
                .fix
                .as_deref()
                .unwrap()
                .contains("--action deny --apply")
        );
    }

    #[test]
    fn unsandboxed_pods_are_migrated_or_warned_before_deny() {
        let mut s = snap(vec![], vec![]);
        s.pods = Part::Known(vec![
            pod("tenant-a", "web-1", None),
            pod("tenant-a", "web-2", Some("gvisor")),
            pod("prod", "api", None),
        ]);
        let out = run_with(&RULE, &s, &by_name(&["tenant-a"]));
        assert_eq!(statuses(&out), [Status::Warn]);
        assert_eq!(
            out[0].fix.as_deref(),
            Some(
                "1 pod(s) here run without gVisor, and deny would refuse their replacements: \
                 first kubectl sandbox migrate -n tenant-a --all --apply --wait (or kubectl \
                 sandbox policy --action warn --apply (installs or updates \
                 kubectl-sandbox-require-gvisor) to see what would be refused), then kubectl \
                 sandbox policy --action deny --apply (installs or updates \
                 kubectl-sandbox-require-gvisor)"
            )
        );
    }

    #[test]
    fn an_untrusted_namespace_outside_the_selector_is_a_warn_with_the_fix() {
        let s = snap(
            vec![policy(POLICY_NAME, GVISOR)],
            vec![binding(
                "Deny",
                &[("kubectl-sandbox.dev/untrusted", "true")],
            )],
        );
        let untrusted = Untrusted {
            names: vec![],
            selector: Some("trust=untrusted".parse().unwrap()),
        };
        let out = run_with(&RULE, &s, &untrusted);
        assert_eq!(statuses(&out), [Status::Warn]);
        assert_eq!(out[0].subject, "namespace tenant-b");
        assert_eq!(
            out[0].fix.as_deref().unwrap(),
            format!(
                "kubectl sandbox policy --untrusted-selector 'trust=untrusted' --action deny --apply (installs or updates {POLICY_NAME})"
            )
        );
    }

    #[test]
    fn a_namespace_named_untrusted_is_told_to_take_the_label() {
        let out = run_with(&RULE, &snap(vec![], vec![]), &by_name(&["prod"]));
        assert_eq!(statuses(&out), [Status::Warn]);
        assert!(
            out[0]
                .fix
                .as_deref()
                .unwrap()
                .starts_with("kubectl label namespace prod kubectl-sandbox.dev/untrusted=true --overwrite && kubectl sandbox policy --action deny --apply")
        );
    }

    #[test]
    fn the_fix_keeps_the_selector_our_binding_already_has() {
        let s = snap(
            vec![policy(POLICY_NAME, GVISOR)],
            vec![binding("Deny", &[("trust", "untrusted")])],
        );
        let out = run_with(&RULE, &s, &by_name(&["prod"]));
        assert_eq!(
            out[0].fix.as_deref().unwrap(),
            format!(
                "kubectl label namespace prod trust=untrusted --overwrite && kubectl sandbox policy --untrusted-selector 'trust=untrusted' --action deny --apply (installs or updates {POLICY_NAME})"
            )
        );
        let mut with_expression = binding("Warn", &[]);
        with_expression
            .namespace_selector
            .as_mut()
            .unwrap()
            .match_expressions
            .push(SelectorExpression {
                key: "tier".into(),
                operator: "In".into(),
                values: vec!["tenant".into()],
            });
        let s = snap(vec![policy(POLICY_NAME, GVISOR)], vec![with_expression]);
        let out = run_with(&RULE, &s, &by_name(&["prod"]));
        assert!(
            out[0]
                .fix
                .as_deref()
                .unwrap()
                .starts_with("give namespace prod labels matching `tier in (tenant)`, then kubectl sandbox policy --untrusted-selector 'tier in (tenant)' --action deny --apply"),
            "{:?}",
            out[0].fix
        );
    }

    #[test]
    fn a_binding_to_a_policy_that_does_not_require_gvisor_does_not_count() {
        let s = snap(
            vec![policy(POLICY_NAME, "object.metadata.name != 'x'")],
            vec![binding(
                "Deny",
                &[("kubectl-sandbox.dev/untrusted", "true")],
            )],
        );
        assert_eq!(
            statuses(&run_with(&RULE, &s, &by_name(&["tenant-a"]))),
            [Status::Warn]
        );
        let missing_policy = snap(vec![], vec![binding("Deny", &[])]);
        assert_eq!(
            statuses(&run_with(&RULE, &missing_policy, &by_name(&["tenant-a"]))),
            [Status::Warn]
        );
    }

    #[test]
    fn a_hand_written_policy_and_an_unrestricted_binding_count() {
        let mut all = binding("Deny", &[]);
        all.namespace_selector = None;
        all.policy_name = "mine".into();
        let s = snap(
            vec![policy("mine", "object.spec.runtimeClassName == \"gvisor\"")],
            vec![all],
        );
        let out = run_with(&RULE, &s, &by_name(&["tenant-a", "prod"]));
        assert_eq!(statuses(&out), [Status::Pass, Status::Pass]);
        assert!(out[0].evidence[0].ends_with("every namespace"));
    }

    #[test]
    fn without_untrusted_namespaces_it_is_info() {
        let none = run(&RULE, &snap(vec![], vec![]));
        assert_eq!(statuses(&none), [Status::Info]);
        assert!(
            none[0]
                .fix
                .as_deref()
                .unwrap()
                .contains("--action warn --apply")
        );
        let some = run(
            &RULE,
            &snap(
                vec![policy(POLICY_NAME, GVISOR)],
                vec![binding("Deny", &[])],
            ),
        );
        assert_eq!(statuses(&some), [Status::Info]);
        assert_eq!(some[0].evidence.len(), 1);
    }

    #[test]
    fn unreadable_policies_skip_with_the_hint() {
        let mut s = snap(vec![], vec![]);
        s.admission_bindings = Part::Unknown(Gap::new("404", "upgrade to 1.30"));
        let out = run_with(&RULE, &s, &by_name(&["tenant-a"]));
        assert_eq!(statuses(&out), [Status::Skip]);
        assert_eq!(out[0].fix.as_deref(), Some("upgrade to 1.30"));
    }
}
