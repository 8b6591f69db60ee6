//! Why a list could not be read, as a [`Gap`] whose hint tells the user what to do.

use std::error::Error as StdError;
use std::io;

use kube::core::Status;

use crate::snapshot::Gap;

/// A list that failed: the gap to record, and whether the failure means the API server
/// is out of reach for this user (unreachable, too slow, or rejecting the credentials),
/// as opposed to a problem with this one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadFailure {
    pub gap: Gap,
    pub unreachable: bool,
}

/// Where a list was read, which decides the RBAC permission it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListScope<'a> {
    /// A cluster-scoped resource such as nodes.
    Cluster,
    /// A namespaced resource across all namespaces.
    AllNamespaces,
    Namespace(&'a str),
}

/// The resource a list was for, named the way `kubectl auth can-i` takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListTarget<'a> {
    /// `pods`, or `runtimeclasses.node.k8s.io` outside the core group.
    pub resource: String,
    pub scope: ListScope<'a>,
}

impl ListTarget<'_> {
    /// `list pods at cluster scope`, `list pods in namespace shop`, `list nodes`.
    fn permission(&self) -> String {
        match self.scope {
            ListScope::Cluster => format!("list {}", self.resource),
            ListScope::AllNamespaces => format!("list {} at cluster scope", self.resource),
            ListScope::Namespace(namespace) => {
                format!("list {} in namespace {namespace}", self.resource)
            }
        }
    }

    fn forbidden_hint(&self) -> String {
        let resource = &self.resource;
        let ask = format!(
            "Ask a cluster admin for RBAC permission to {}",
            self.permission()
        );
        match self.scope {
            ListScope::Cluster => {
                format!("{ask}; check with `kubectl auth can-i list {resource}`.")
            }
            ListScope::AllNamespaces => format!(
                "{ask}; check with `kubectl auth can-i list {resource} -A`. Or audit one namespace \
                 you can read with -n NAMESPACE (check with `kubectl auth can-i list {resource} -n NAMESPACE`)."
            ),
            ListScope::Namespace(namespace) => {
                format!("{ask}; check with `kubectl auth can-i list {resource} -n {namespace}`.")
            }
        }
    }
}

/// Classifies an error from listing `target` on the API server at `server`.
pub fn classify(error: &kube::Error, target: &ListTarget, server: &str) -> ReadFailure {
    let resource = &target.resource;
    if let kube::Error::Api(status) = error {
        return api_status(status, target);
    }
    if let kube::Error::Auth(auth) = error {
        return ReadFailure {
            gap: Gap::new(
                format!("the credential plugin failed while listing {resource}: {auth}"),
                "Run the plugin by hand to see why; for GKE check `gke-gcloud-auth-plugin --version`, \
                 `gcloud auth login`, then `gcloud container clusters get-credentials`.",
            ),
            unreachable: true,
        };
    }
    let detail = describe(error);
    if has_io_kind(error, io::ErrorKind::TimedOut) {
        return ReadFailure {
            gap: Gap::new(
                format!(
                    "no answer from the API server at {server} within the request timeout while listing {resource} ({detail})"
                ),
                "Check that this machine can reach the control plane (authorized networks, VPN, private \
                 endpoint), or allow more time with --request-timeout (0 waits forever).",
            ),
            unreachable: true,
        };
    }
    if is_connect_error(error) {
        return ReadFailure {
            gap: Gap::new(
                format!("could not connect to the API server at {server} ({detail})"),
                "Check that the cluster exists and that its endpoint is reachable from here \
                 (`kubectl cluster-info`); a private cluster needs an authorized network, a VPN or a bastion.",
            ),
            unreachable: true,
        };
    }
    ReadFailure {
        gap: Gap::new(
            format!("reading {resource} from the API server failed: {detail}"),
            "Run the command again; if it keeps failing, check proxies or load balancers between \
             this machine and the control plane.",
        ),
        unreachable: false,
    }
}

fn api_status(status: &Status, target: &ListTarget) -> ReadFailure {
    let resource = &target.resource;
    let message = &status.message;
    let (reason, hint) = match status.code {
        401 => {
            return ReadFailure {
                gap: Gap::new(
                    format!("the API server rejected the credentials (401 Unauthorized) while listing {resource}"),
                    "The credentials are missing or expired: run `gcloud container clusters get-credentials \
                     CLUSTER --location LOCATION --project PROJECT` again, and check that \
                     gke-gcloud-auth-plugin is installed and on PATH (`gke-gcloud-auth-plugin --version`).",
                ),
                unreachable: true,
            };
        }
        403 => (
            format!("not allowed to {} (403 Forbidden: {message})", target.permission()),
            target.forbidden_hint(),
        ),
        404 if resource.ends_with(".node.k8s.io") => (
            "the API server does not serve RuntimeClasses (node.k8s.io/v1, 404 Not Found)".to_string(),
            "RuntimeClass node.k8s.io/v1 is served from Kubernetes 1.20; check the server version \
             with `kubectl version`. GKE Sandbox needs a cluster new enough to have RuntimeClass `gvisor`."
                .to_string(),
        ),
        404 => (
            format!("the API server has no {resource} to list (404 Not Found: {message})"),
            "Check that --context points at a Kubernetes API server (`kubectl get --raw /version`).".to_string(),
        ),
        410 => (
            format!("the continue token expired while {resource} were read in pages (410 Gone)"),
            "The list changed faster than it could be read; run the command again. On a very busy \
             cluster, narrow the read with -n NAMESPACE."
                .to_string(),
        ),
        code if code >= 500 => (
            format!("the API server failed to list {resource} ({code}: {message})"),
            "Run the command again; if it persists, check the control plane's health \
             (`kubectl get --raw '/readyz?verbose'`)."
                .to_string(),
        ),
        code => (
            format!("the API server refused to list {resource} ({code}: {message})"),
            "Check the request with `kubectl get --raw` against the same path.".to_string(),
        ),
    };
    ReadFailure {
        gap: Gap::new(reason, hint),
        unreachable: false,
    }
}

fn causes<'a>(
    error: &'a (dyn StdError + 'static),
) -> impl Iterator<Item = &'a (dyn StdError + 'static)> {
    std::iter::successors(Some(error), |&error| error.source())
}

fn has_io_kind(error: &kube::Error, kind: io::ErrorKind) -> bool {
    causes(error).any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == kind)
    })
}

/// A failure to open the connection at all (refused, no route, name not resolved).
fn is_connect_error(error: &kube::Error) -> bool {
    has_io_kind(error, io::ErrorKind::ConnectionRefused)
        || causes(error).any(|cause| {
            cause
                .downcast_ref::<hyper_util::client::legacy::Error>()
                .is_some_and(hyper_util::client::legacy::Error::is_connect)
        })
}

/// The causes of a transport error in one line, without kube's own wrapper
/// (`ServiceError: ...`) and without repeating text a wrapper already shows.
fn describe(error: &kube::Error) -> String {
    let Some(source) = std::error::Error::source(error) else {
        return error.to_string();
    };
    let mut parts: Vec<String> = Vec::new();
    for cause in causes(source) {
        let text = cause.to_string();
        if !parts.iter().any(|part| part.contains(&text)) {
            parts.push(text);
        }
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(code: u16, message: &str) -> kube::Error {
        kube::Error::Api(Status::failure(message, "").with_code(code).boxed())
    }

    fn pods(scope: ListScope) -> ListTarget {
        ListTarget {
            resource: "pods".to_string(),
            scope,
        }
    }

    #[test]
    fn forbidden_names_the_permission_and_the_can_i_check() {
        let failure = classify(
            &status(403, "pods is forbidden"),
            &pods(ListScope::AllNamespaces),
            "s",
        );
        assert!(!failure.unreachable);
        assert!(
            failure.gap.reason.contains("list pods at cluster scope"),
            "{}",
            failure.gap.reason
        );
        assert!(
            failure
                .gap
                .hint
                .contains("`kubectl auth can-i list pods -A`"),
            "{}",
            failure.gap.hint
        );
        assert!(
            failure.gap.hint.contains("-n NAMESPACE"),
            "{}",
            failure.gap.hint
        );

        let failure = classify(&status(403, "no"), &pods(ListScope::Namespace("shop")), "s");
        assert!(
            failure.gap.reason.contains("list pods in namespace shop"),
            "{}",
            failure.gap.reason
        );
        assert!(
            failure
                .gap
                .hint
                .contains("`kubectl auth can-i list pods -n shop`"),
            "{}",
            failure.gap.hint
        );
    }

    #[test]
    fn unauthorized_means_unreachable_but_other_statuses_do_not() {
        assert!(classify(&status(401, "Unauthorized"), &pods(ListScope::Cluster), "s").unreachable);
        for code in [403, 404, 410, 500] {
            assert!(
                !classify(&status(code, "x"), &pods(ListScope::Cluster), "s").unreachable,
                "{code}"
            );
        }
    }
}
