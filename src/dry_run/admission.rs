//! What the cluster's admission said about a sandboxed pod created as a dry run, as plain
//! data: admitted (with the server's warnings), refused (with its exact words and the
//! admission step they name), or not known, with the limit that kept it from being known.

use serde::Serialize;

use crate::snapshot::Unread;

/// One pod's answer. Only `Admitted` and `Refused` are facts about the cluster; `NotKnown`
/// is never to be read as either.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "kebab-case")]
pub enum Admission {
    /// Every admission step let the pod in; nothing was stored.
    Admitted {
        /// The server's `Warning` headers (Pod Security warnings, deprecations...).
        #[serde(skip_serializing_if = "Vec::is_empty")]
        warnings: Vec<String>,
        /// The rules whose uncertain findings this admission settled for this cluster.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        settles: Vec<&'static str>,
    },
    /// An admission step (or validation) refused the pod.
    Refused {
        step: Step,
        /// The policy or webhook that refused, when the message names it.
        #[serde(skip_serializing_if = "Option::is_none")]
        by: Option<String>,
        /// The server's message, exactly.
        message: String,
    },
    /// The dry run could not tell.
    NotKnown {
        limit: Limit,
        /// The server's message, or what failed.
        message: String,
        /// What it means and what to do.
        hint: String,
    },
}

/// The admission step a refusal names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Step {
    /// RuntimeClass admission: the class is missing, or the pod's nodeSelector conflicts
    /// with the class's scheduling.
    RuntimeClass,
    /// Pod Security Admission (`violates PodSecurity "baseline:latest"`).
    PodSecurity,
    /// A ValidatingAdmissionPolicy, named in `by`.
    ValidatingAdmissionPolicy,
    /// A validating or mutating webhook (Gatekeeper, Kyverno...), named in `by`.
    Webhook,
    /// A LimitRange of the namespace.
    LimitRange,
    /// The API server's validation of the pod itself (`Pod "x" is invalid`).
    Validation,
    /// A step the message does not name.
    Unnamed,
}

/// Why a dry run said neither admitted nor refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Limit {
    /// A webhook whose `sideEffects` is Unknown or Some cannot be called for a dry run, so
    /// the server refuses the dry run without judging the pod.
    DryRunUnsupported,
    /// The user may not `create pods` in the namespace; RBAC checks a dry run like a create.
    Forbidden,
    /// The namespace's ResourceQuota has no room for one more pod.
    QuotaExceeded,
    /// No answer: the server could not be reached, failed, or a webhook could not be called.
    NoAnswer,
}

impl Admission {
    /// Reads a refusal from the server's message (any 4xx but 401 and 404): the honest
    /// limits first, then the step the words name.
    pub fn from_refusal(message: &str, namespace: &str) -> Admission {
        if message.contains("does not support dry run") {
            return Admission::NotKnown {
                limit: Limit::DryRunUnsupported,
                message: message.to_string(),
                hint: format!(
                    "a webhook with sideEffects Unknown or Some is never called for a dry run, so the \
                     pod was not judged; the webhook's owner can declare sideEffects None or NoneOnDryRun \
                     ({})",
                    quoted(message, "admission webhook \"").unwrap_or_default()
                ),
            };
        }
        if message.contains("cannot create resource \"pods\"") {
            return Admission::NotKnown {
                limit: Limit::Forbidden,
                message: message.to_string(),
                hint: forbidden_hint(namespace),
            };
        }
        if message.contains("exceeded quota") {
            return Admission::NotKnown {
                limit: Limit::QuotaExceeded,
                message: message.to_string(),
                hint: "a dry run counts one more pod against the namespace's quota; a rolling update \
                       replaces pods, so this may be spurious: check `kubectl describe resourcequota -n \
                       NAMESPACE`"
                    .replace("NAMESPACE", namespace),
            };
        }
        let (step, by) = step_of(message);
        Admission::Refused {
            step,
            by,
            message: message.to_string(),
        }
    }

    /// The server could not be asked, or failed to answer.
    pub fn no_answer(message: impl Into<String>) -> Admission {
        Admission::NotKnown {
            limit: Limit::NoAnswer,
            message: message.into(),
            hint: "the pod was not judged; run the command again, and check the control plane and \
                   its webhooks (`kubectl get --raw '/readyz?verbose'`)"
                .to_string(),
        }
    }

    /// One line a person reads in a second: `admitted (2 warnings)`,
    /// `refused by PodSecurity: ...`, `not known (forbidden): ...`.
    pub fn summary(&self) -> String {
        match self {
            Admission::Admitted { warnings, .. } if warnings.is_empty() => "admitted".to_string(),
            Admission::Admitted { warnings, .. } => format!(
                "admitted, with {} warning{}",
                warnings.len(),
                if warnings.len() == 1 { "" } else { "s" }
            ),
            Admission::Refused { step, by, message } => {
                let by = by
                    .as_ref()
                    .map(|name| format!(" {name}"))
                    .unwrap_or_default();
                format!("refused by {}{by}: {message}", step.label())
            }
            Admission::NotKnown { limit, message, .. } => {
                format!("not known ({}): {message}", limit.label())
            }
        }
    }

    pub fn is_refused(&self) -> bool {
        matches!(self, Admission::Refused { .. })
    }

    /// A limit leaves the run incomplete (exit 4 unless `--allow-skip`): the admission of
    /// `workload` (`Deployment/web`) was asked and not answered. `None` for an answer.
    pub fn unread(&self, workload: &str) -> Option<Unread> {
        match self {
            Admission::NotKnown {
                limit,
                message,
                hint,
            } => Some(Unread {
                part: format!("admission of {workload} (server dry run)"),
                reason: format!("{}: {message}", limit.label()),
                hint: hint.clone(),
            }),
            Admission::Admitted { .. } | Admission::Refused { .. } => None,
        }
    }
}

impl Step {
    pub fn label(self) -> &'static str {
        match self {
            Step::RuntimeClass => "RuntimeClass admission",
            Step::PodSecurity => "Pod Security Admission",
            Step::ValidatingAdmissionPolicy => "ValidatingAdmissionPolicy",
            Step::Webhook => "admission webhook",
            Step::LimitRange => "LimitRange",
            Step::Validation => "validation",
            Step::Unnamed => "admission",
        }
    }
}

impl Limit {
    pub fn label(self) -> &'static str {
        match self {
            Limit::DryRunUnsupported => "webhook without dry run",
            Limit::Forbidden => "forbidden",
            Limit::QuotaExceeded => "quota exceeded",
            Limit::NoAnswer => "no answer",
        }
    }
}

/// What `--server-dry-run` needs and how to get it, for a forbidden dry run.
pub(crate) fn forbidden_hint(namespace: &str) -> String {
    format!(
        "a dry run needs the same RBAC permission as a real create: `create pods` in namespace \
         {namespace}, which the read-only role kubectl-sandbox-read does not grant; bind \
         deploy/rbac/preflight.yaml (check with `kubectl auth can-i create pods -n {namespace}`)"
    )
}

/// The step named by the API server's wording of each admission plugin.
fn step_of(message: &str) -> (Step, Option<String>) {
    if let Some(name) = quoted(message, "ValidatingAdmissionPolicy '") {
        return (Step::ValidatingAdmissionPolicy, Some(name));
    }
    if let Some(name) = quoted(message, "admission webhook \"") {
        return (Step::Webhook, Some(name));
    }
    if message.contains("violates PodSecurity") {
        return (Step::PodSecurity, None);
    }
    if message.contains("runtimeClass.scheduling") || message.contains("RuntimeClass \"") {
        return (Step::RuntimeClass, None);
    }
    if message.contains("usage per Container") || message.contains("usage per Pod") {
        return (Step::LimitRange, None);
    }
    if message.contains(" is invalid: ") {
        return (Step::Validation, None);
    }
    (Step::Unnamed, None)
}

/// The text after `opening` up to the quote character `opening` ends with.
fn quoted(message: &str, opening: &str) -> Option<String> {
    let close = opening.chars().last()?;
    let start = message.find(opening)? + opening.len();
    let rest = &message[start..];
    let end = rest.find(close)?;
    Some(rest[..end].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(message: &str) -> (Step, Option<String>) {
        match Admission::from_refusal(message, "shop") {
            Admission::Refused {
                step,
                by,
                message: kept,
            } => {
                assert_eq!(kept, message);
                (step, by)
            }
            other => panic!("not a refusal: {other:?}"),
        }
    }

    fn limit(message: &str) -> Limit {
        match Admission::from_refusal(message, "shop") {
            Admission::NotKnown { limit, .. } => limit,
            other => panic!("not a limit: {other:?}"),
        }
    }

    #[test]
    fn each_admission_step_is_named_from_the_servers_words() {
        assert_eq!(
            refused(
                "pods \"web-x7k2p\" is forbidden: conflict: runtimeClass.scheduling.nodeSelector\
                 [sandbox.gke.io/runtime] = gvisor; pod.spec.nodeSelector[sandbox.gke.io/runtime] = runc"
            ),
            (Step::RuntimeClass, None)
        );
        assert_eq!(
            refused("pods is forbidden: pod rejected: RuntimeClass \"gvisor\" not found"),
            (Step::RuntimeClass, None)
        );
        assert_eq!(
            refused(
                "pods \"web-abcde\" is forbidden: violates PodSecurity \"baseline:latest\": host \
                 namespaces (hostPID=true)"
            ),
            (Step::PodSecurity, None)
        );
        assert_eq!(
            refused(
                "pods \"web-abcde\" is forbidden: ValidatingAdmissionPolicy 'gke-sandbox-fsgroup' with \
                 binding 'gke-sandbox-fsgroup' denied request: FSGroup is not supported"
            ),
            (
                Step::ValidatingAdmissionPolicy,
                Some("gke-sandbox-fsgroup".to_string())
            )
        );
        assert_eq!(
            refused(
                "admission webhook \"validation.gatekeeper.sh\" denied the request: [no-host-pid] \
                 hostPID is not allowed"
            ),
            (Step::Webhook, Some("validation.gatekeeper.sh".to_string()))
        );
        assert_eq!(
            refused(
                "pods \"web-1\" is forbidden: maximum cpu usage per Container is 1, but limit is 2"
            ),
            (Step::LimitRange, None)
        );
        assert_eq!(
            refused("Pod \"web-1\" is invalid: spec.containers[0].image: Required value"),
            (Step::Validation, None)
        );
        assert_eq!(refused("something else entirely"), (Step::Unnamed, None));
    }

    #[test]
    fn honest_limits_are_never_refusals() {
        assert_eq!(
            limit("admission webhook \"kyverno.svc\" does not support dry run"),
            Limit::DryRunUnsupported
        );
        assert_eq!(
            limit(
                "pods is forbidden: User \"alice\" cannot create resource \"pods\" in API group \"\" \
                 in the namespace \"shop\""
            ),
            Limit::Forbidden
        );
        assert_eq!(
            limit(
                "pods \"web-1\" is forbidden: exceeded quota: compute, requested: pods=1, used: \
                 pods=10, limited: pods=10"
            ),
            Limit::QuotaExceeded
        );
    }

    #[test]
    fn hints_say_what_the_limit_means() {
        let Admission::NotKnown { hint, .. } = Admission::from_refusal(
            "pods is forbidden: User \"a\" cannot create resource \"pods\" in API group \"\" in the namespace \"shop\"",
            "shop",
        ) else {
            panic!("not a limit");
        };
        assert!(hint.contains("`create pods` in namespace shop"), "{hint}");
        assert!(hint.contains("deploy/rbac/preflight.yaml"), "{hint}");
        let Admission::NotKnown { hint, .. } =
            Admission::from_refusal("pods is forbidden: exceeded quota: q", "shop")
        else {
            panic!("not a limit");
        };
        assert!(hint.contains("may be spurious"), "{hint}");
        let Admission::NotKnown { hint, .. } = Admission::from_refusal(
            "admission webhook \"kyverno.svc\" does not support dry run",
            "shop",
        ) else {
            panic!("not a limit");
        };
        assert!(hint.contains("(kyverno.svc)"), "{hint}");
    }

    #[test]
    fn summaries_name_the_step_and_keep_the_servers_words() {
        let refusal = Admission::from_refusal(
            "pods is forbidden: violates PodSecurity \"baseline:latest\": host namespaces (hostPID=true)",
            "shop",
        );
        assert_eq!(
            refusal.summary(),
            "refused by Pod Security Admission: pods is forbidden: violates PodSecurity \
             \"baseline:latest\": host namespaces (hostPID=true)"
        );
        let admitted = Admission::Admitted {
            warnings: vec!["would violate PodSecurity \"restricted:latest\"".into()],
            settles: Vec::new(),
        };
        assert_eq!(admitted.summary(), "admitted, with 1 warning");
        let json = serde_json::to_value(&refusal).unwrap();
        assert_eq!(json["result"], "refused");
        assert_eq!(json["step"], "pod-security");
    }
}
