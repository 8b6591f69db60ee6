//! Istio sidecars: an injected sidecar blocks the pod under GKE Sandbox (GKE docs; the
//! sidecar's iptables set-up needs what the sandbox lacks). Seen in a pod as the `istio-proxy`
//! container or the `sidecar.istio.io/status` annotation the injector leaves; before
//! injection, only the namespace's labels say it will happen, and only a live cluster
//! knows them.

use super::Rule;
use crate::explain::{Context, Effect, FieldPath, Hit, Subject};

const PROXY_CONTAINER: &str = "istio-proxy";
const STATUS_ANNOTATION: &str = "sidecar.istio.io/status";
/// The pod label that opts a pod out of namespace-wide injection (Istio's documented way).
const INJECT_LABEL: &str = "sidecar.istio.io/inject";

pub(super) const ISTIO: Rule = Rule {
    id: "EP002",
    name: "istio",
    fact: "an injected Istio sidecar (container istio-proxy, annotation sidecar.istio.io/status, namespace label istio-injection=enabled or istio.io/rev) is not supported under GKE Sandbox (docs/gke-sandbox.md#istio-sidecar)",
    evaluate: istio,
};

const FIX: &str = "run the sandboxed version without the Istio sidecar (pod label sidecar.istio.io/inject: \"false\"), or keep it on ordinary nodes";

fn istio(subject: &Subject, context: &Context) -> Vec<Hit> {
    // The most concrete sign wins: one finding per pod is enough to say Istio is there.
    let proxies: Vec<Hit> = subject
        .containers()
        .into_iter()
        .filter(|c| c.name == PROXY_CONTAINER)
        .map(|c| {
            Hit::new(
                Effect::Blocks,
                c.path.key("name"),
                format!("container `{PROXY_CONTAINER}` is an Istio sidecar"),
                FIX,
            )
        })
        .collect();
    if !proxies.is_empty() {
        return proxies;
    }
    if subject.annotations.contains_key(STATUS_ANNOTATION) {
        return vec![Hit::new(
            Effect::Blocks,
            subject
                .metadata_path
                .key("annotations")
                .key(STATUS_ANNOTATION),
            "the pod was injected with the Istio sidecar",
            FIX,
        )];
    }
    let opted_out = subject
        .labels
        .get(INJECT_LABEL)
        .is_some_and(|v| v == "false");
    let Some(namespace) = subject.namespace else {
        return Vec::new();
    };
    let Some(labels) = context.namespace_labels(namespace) else {
        return Vec::new();
    };
    let injection = if labels
        .get("istio-injection")
        .is_some_and(|v| v == "enabled")
    {
        Some("istio-injection=enabled".to_string())
    } else {
        labels
            .get("istio.io/rev")
            .map(|rev| format!("istio.io/rev={rev}"))
    };
    match injection {
        Some(label) if !opted_out => vec![Hit::new(
            Effect::Blocks,
            FieldPath::of(&["metadata", "namespace"]),
            format!("namespace `{namespace}` has the label {label}: Istio will inject its sidecar"),
            FIX,
        )],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::explain::rules::testing::{paths, pod, run, run_with, workload};
    use crate::snapshot::NamespaceInfo;

    fn namespace(label: (&str, &str)) -> Vec<NamespaceInfo> {
        vec![NamespaceInfo {
            name: "shop".into(),
            labels: BTreeMap::from([(label.0.to_string(), label.1.to_string())]),
        }]
    }

    fn deployment_in_shop(pod_labels: &str) -> crate::explain::Workload {
        workload(&format!(
            "kind: Deployment\nmetadata: {{name: d, namespace: shop}}\nspec:\n  template:\n    metadata: {{labels: {{{pod_labels}}}}}\n    spec:\n      containers: [{{name: c}}]\n"
        ))
    }

    #[test]
    fn proxy_container_or_status_annotation() {
        let injected = workload(
            "kind: Pod\nmetadata:\n  name: p\n  annotations: {sidecar.istio.io/status: '{}'}\nspec:\n  initContainers: [{name: istio-init}]\n  containers: [{name: app}, {name: istio-proxy}]\n",
        );
        assert_eq!(paths(&run(&ISTIO, &injected)), ["spec.containers[1].name"]);
        let annotated = workload(
            "kind: Pod\nmetadata:\n  name: p\n  annotations: {sidecar.istio.io/status: '{}'}\nspec:\n  containers: [{name: app}]\n",
        );
        assert_eq!(
            paths(&run(&ISTIO, &annotated)),
            [r#"metadata.annotations["sidecar.istio.io/status"]"#]
        );
        assert!(run(&ISTIO, &pod("  containers: [{name: app}, {name: proxy}]\n")).is_empty());
    }

    #[test]
    fn namespace_injection_when_live() {
        let ns = namespace(("istio-injection", "enabled"));
        let context = Context {
            namespaces: Some(&ns),
            ..Context::offline()
        };
        let hits = run_with(&ISTIO, &deployment_in_shop(""), &context);
        assert_eq!(paths(&hits), ["metadata.namespace"]);
        assert!(hits[0].message.contains("istio-injection=enabled"));

        let rev = namespace(("istio.io/rev", "asm-1-20"));
        let context = Context {
            namespaces: Some(&rev),
            ..Context::offline()
        };
        assert_eq!(run_with(&ISTIO, &deployment_in_shop(""), &context).len(), 1);
    }

    #[test]
    fn namespace_injection_off_or_opted_out_or_unknown() {
        let disabled = namespace(("istio-injection", "disabled"));
        let context = Context {
            namespaces: Some(&disabled),
            ..Context::offline()
        };
        assert!(run_with(&ISTIO, &deployment_in_shop(""), &context).is_empty());

        let enabled = namespace(("istio-injection", "enabled"));
        let context = Context {
            namespaces: Some(&enabled),
            ..Context::offline()
        };
        let opted_out = deployment_in_shop("sidecar.istio.io/inject: \"false\"");
        assert!(run_with(&ISTIO, &opted_out, &context).is_empty());

        assert!(
            run(&ISTIO, &deployment_in_shop("")).is_empty(),
            "offline: labels unknown"
        );
    }
}
