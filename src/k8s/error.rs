//! The one classification of a failed API request: not found, forbidden (with the
//! missing permission), conflict, out of reach, or other. Every caller gets an
//! [`ApiError`] whose message names what failed with the server's words, and whose hint
//! says what to do next; no debug formatting of a kube error can reach a user from here.

use std::error::Error as StdError;
use std::fmt;
use std::io;

use kube::core::Status;

use crate::snapshot::Gap;

/// What kind of failure it was, for the callers that branch on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// 404: the object (or the whole API) is not there.
    NotFound,
    /// 403: `permission` is what RBAC must grant, as `kubectl auth can-i` takes it
    /// (`list pods -n shop`).
    Forbidden { permission: String },
    /// 409: the object changed since it was read, or another field manager owns a field.
    Conflict,
    /// The API server is out of reach for this user: unreachable, too slow, or rejecting
    /// the credentials (401, a failing credential plugin).
    Unreachable,
    /// Anything else (5xx, 410, a body that is not what was asked for).
    Other,
}

/// A failed request, classified, with the words the user sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub kind: ErrorKind,
    /// What failed, with the server's message.
    pub message: String,
    /// What to do next.
    pub hint: String,
}

impl ApiError {
    pub fn is_unreachable(&self) -> bool {
        self.kind == ErrorKind::Unreachable
    }

    /// The failure as a snapshot gap: a part that could not be read.
    pub fn gap(&self) -> Gap {
        Gap::new(self.message.clone(), self.hint.clone())
    }
}

impl fmt::Display for ApiError {
    /// `MESSAGE (HINT)`, for lists of errors that have no separate hint line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.hint)
    }
}

/// The verb of a request, as RBAC names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Verb {
    List,
    Get,
    Patch,
    Update,
}

impl Verb {
    fn as_str(self) -> &'static str {
        match self {
            Verb::List => "list",
            Verb::Get => "get",
            Verb::Patch => "patch",
            Verb::Update => "update",
        }
    }
}

/// Where a request was made, which decides the RBAC permission it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ListScope<'a> {
    /// A cluster-scoped resource such as nodes.
    Cluster,
    /// A namespaced resource across all namespaces.
    AllNamespaces,
    Namespace(&'a str),
}

impl<'a> ListScope<'a> {
    /// Where pods (or any namespaced kind) are read for `scope`.
    pub(crate) fn of(scope: &'a crate::snapshot::PodScope) -> Self {
        match scope {
            crate::snapshot::PodScope::AllNamespaces => ListScope::AllNamespaces,
            crate::snapshot::PodScope::Namespace(namespace) => ListScope::Namespace(namespace),
        }
    }
}

/// One request, named the way `kubectl auth can-i` takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ApiRequest<'a> {
    pub verb: Verb,
    /// `pods`, or `runtimeclasses.node.k8s.io` outside the core group.
    pub resource: String,
    pub scope: ListScope<'a>,
    /// The object, for a request about one.
    pub name: Option<&'a str>,
}

impl ApiRequest<'_> {
    /// `list pods at cluster scope`, `list pods in namespace shop`, `list nodes`,
    /// `patch deployments.apps in namespace shop`.
    fn permission(&self) -> String {
        let verb = self.verb.as_str();
        match self.scope {
            ListScope::Cluster => format!("{verb} {}", self.resource),
            ListScope::AllNamespaces => format!("{verb} {} at cluster scope", self.resource),
            ListScope::Namespace(namespace) => {
                format!("{verb} {} in namespace {namespace}", self.resource)
            }
        }
    }

    /// `list pods`, `get deployments.apps/web`: what was attempted, for messages.
    fn attempt(&self) -> String {
        let verb = self.verb.as_str();
        match self.name {
            Some(name) => format!("{verb} {}/{name}", self.resource),
            None => format!("{verb} {}", self.resource),
        }
    }

    /// `listing pods`, `trying to get deployments.apps/web`: what was under way.
    fn doing(&self) -> String {
        match self.verb {
            Verb::List => format!("listing {}", self.resource),
            _ => format!("trying to {}", self.attempt()),
        }
    }

    /// The `kubectl auth can-i` arguments that check the permission.
    fn can_i(&self) -> String {
        let verb = self.verb.as_str();
        let resource = &self.resource;
        match self.scope {
            ListScope::Cluster => format!("kubectl auth can-i {verb} {resource}"),
            ListScope::AllNamespaces => format!("kubectl auth can-i {verb} {resource} -A"),
            ListScope::Namespace(namespace) => {
                format!("kubectl auth can-i {verb} {resource} -n {namespace}")
            }
        }
    }

    fn forbidden_hint(&self) -> String {
        let ask = format!(
            "Ask a cluster admin for RBAC permission to {}; check with `{}`.",
            self.permission(),
            self.can_i()
        );
        if self.scope == ListScope::AllNamespaces {
            let narrow = ApiRequest {
                scope: ListScope::Namespace("NAMESPACE"),
                ..self.clone()
            };
            return format!(
                "{ask} Or audit one namespace you can read with -n NAMESPACE (check with `{}`).",
                narrow.can_i()
            );
        }
        ask
    }
}

/// Classifies an error from `request` to the API server at `server`.
pub(super) fn classify(error: &kube::Error, request: &ApiRequest, server: &str) -> ApiError {
    let doing = request.doing();
    if let kube::Error::Api(status) = error {
        return api_status(status, request);
    }
    if let kube::Error::Auth(auth) = error {
        return ApiError {
            kind: ErrorKind::Unreachable,
            message: format!(
                "the credential plugin failed while {doing}: {}",
                one_line(auth)
            ),
            hint: "Run the plugin by hand to see why; for GKE check `gke-gcloud-auth-plugin --version`, \
                   `gcloud auth login`, then `gcloud container clusters get-credentials`."
                .to_string(),
        };
    }
    let detail = describe(error);
    if has_io_kind(error, io::ErrorKind::TimedOut) {
        return ApiError {
            kind: ErrorKind::Unreachable,
            message: format!(
                "no answer from the API server at {server} within the request timeout while {doing} ({detail})"
            ),
            hint: "Check that this machine can reach the control plane (authorized networks, VPN, private \
                   endpoint), or allow more time with --request-timeout (0 waits forever)."
                .to_string(),
        };
    }
    if is_connect_error(error) {
        return ApiError {
            kind: ErrorKind::Unreachable,
            message: format!("could not connect to the API server at {server} ({detail})"),
            hint: "Check that the cluster exists and that its endpoint is reachable from here \
                   (`kubectl cluster-info`); a private cluster needs an authorized network, a VPN or a bastion."
                .to_string(),
        };
    }
    ApiError {
        kind: ErrorKind::Other,
        message: match request.verb {
            Verb::List => format!(
                "reading {} from the API server failed: {detail}",
                request.resource
            ),
            _ => format!(
                "the request to {} at the API server {server} failed: {detail}",
                request.attempt()
            ),
        },
        hint:
            "Run the command again; if it keeps failing, check proxies or load balancers between \
               this machine and the control plane."
                .to_string(),
    }
}

fn api_status(status: &Status, request: &ApiRequest) -> ApiError {
    let resource = &request.resource;
    let attempt = request.attempt();
    let message = &status.message;
    let (kind, text, hint) = match status.code {
        401 => (
            ErrorKind::Unreachable,
            format!("the API server rejected the credentials (401 Unauthorized) while {}", request.doing()),
            "The credentials are missing or expired: run `gcloud container clusters get-credentials \
             CLUSTER --location LOCATION --project PROJECT` again, and check that \
             gke-gcloud-auth-plugin is installed and on PATH (`gke-gcloud-auth-plugin --version`)."
                .to_string(),
        ),
        403 => (
            ErrorKind::Forbidden {
                permission: request.permission(),
            },
            format!("not allowed to {} (403 Forbidden: {message})", request.permission()),
            request.forbidden_hint(),
        ),
        404 if request.name.is_some() => (
            ErrorKind::NotFound,
            match request.scope {
                ListScope::Namespace(namespace) => format!("not found in namespace {namespace}"),
                _ => "not found".to_string(),
            },
            format!(
                "Check the name and the namespace with `kubectl get {resource}{}`.",
                match request.scope {
                    ListScope::Namespace(namespace) => format!(" -n {namespace}"),
                    _ => String::new(),
                }
            ),
        ),
        404 if resource.ends_with(".node.k8s.io") => (
            ErrorKind::NotFound,
            "the API server does not serve RuntimeClasses (node.k8s.io/v1, 404 Not Found)".to_string(),
            "RuntimeClass node.k8s.io/v1 is served from Kubernetes 1.20; check the server version \
             with `kubectl version`. GKE Sandbox needs a cluster new enough to have RuntimeClass `gvisor`."
                .to_string(),
        ),
        404 => (
            ErrorKind::NotFound,
            format!("the API server has no {resource} to list (404 Not Found: {message})"),
            "Check that --context points at a Kubernetes API server (`kubectl get --raw /version`).".to_string(),
        ),
        409 => (
            ErrorKind::Conflict,
            format!("the API server refused to {attempt}: it changed since it was read (409 Conflict: {message})"),
            "Someone else changed it meanwhile: run the command again to work from its current state.".to_string(),
        ),
        410 => (
            ErrorKind::Other,
            format!("the continue token expired while {resource} were read in pages (410 Gone)"),
            "The list changed faster than it could be read; run the command again. On a very busy \
             cluster, narrow the read with -n NAMESPACE."
                .to_string(),
        ),
        code if code >= 500 && request.verb == Verb::List => (
            ErrorKind::Other,
            format!("the API server failed to list {resource} ({code}: {message})"),
            server_error_hint(),
        ),
        code if code >= 500 => (
            ErrorKind::Other,
            format!("the API server failed to {attempt} ({code}: {message})"),
            server_error_hint(),
        ),
        code if request.verb == Verb::List => (
            ErrorKind::Other,
            format!("the API server refused to list {resource} ({code}: {message})"),
            "Check the request with `kubectl get --raw` against the same path.".to_string(),
        ),
        code => (
            ErrorKind::Other,
            format!("the API server refused to {attempt} ({code}: {message})"),
            "Check the request with `kubectl get --raw` against the same path.".to_string(),
        ),
    };
    ApiError {
        kind,
        message: text,
        hint,
    }
}

fn server_error_hint() -> String {
    "Run the command again; if it persists, check the control plane's health \
     (`kubectl get --raw '/readyz?verbose'`)."
        .to_string()
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
    match std::error::Error::source(error) {
        Some(source) => one_line(source),
        None => error.to_string(),
    }
}

/// An error and its causes, each said once, joined with `: `. hyper's own wrapper
/// (`client error (Connect)`, the name of a Rust enum variant) is left out: its causes
/// say what happened.
fn one_line(error: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in causes(error) {
        if cause.is::<hyper_util::client::legacy::Error>() {
            continue;
        }
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

    fn pods(scope: ListScope) -> ApiRequest {
        ApiRequest {
            verb: Verb::List,
            resource: "pods".to_string(),
            scope,
            name: None,
        }
    }

    #[test]
    fn forbidden_names_the_permission_and_the_can_i_check() {
        let failure = classify(
            &status(403, "pods is forbidden"),
            &pods(ListScope::AllNamespaces),
            "s",
        );
        assert!(!failure.is_unreachable());
        assert!(
            failure.message.contains("list pods at cluster scope"),
            "{}",
            failure.message
        );
        assert!(
            failure.hint.contains("`kubectl auth can-i list pods -A`"),
            "{}",
            failure.hint
        );
        assert!(failure.hint.contains("-n NAMESPACE"), "{}", failure.hint);

        let failure = classify(&status(403, "no"), &pods(ListScope::Namespace("shop")), "s");
        assert!(
            failure.message.contains("list pods in namespace shop"),
            "{}",
            failure.message
        );
        assert!(
            failure
                .hint
                .contains("`kubectl auth can-i list pods -n shop`"),
            "{}",
            failure.hint
        );
    }

    #[test]
    fn unauthorized_means_unreachable_but_other_statuses_do_not() {
        assert!(
            classify(&status(401, "Unauthorized"), &pods(ListScope::Cluster), "s").is_unreachable()
        );
        for code in [403, 404, 410, 500] {
            assert!(
                !classify(&status(code, "x"), &pods(ListScope::Cluster), "s").is_unreachable(),
                "{code}"
            );
        }
    }

    fn patch_of_web() -> ApiRequest<'static> {
        ApiRequest {
            verb: Verb::Patch,
            resource: "deployments.apps".to_string(),
            scope: ListScope::Namespace("shop"),
            name: Some("web"),
        }
    }

    #[test]
    fn one_object_classified_forbidden_not_found_conflict_with_the_servers_words() {
        let forbidden = classify(
            &status(403, "deployments.apps \"web\" is forbidden"),
            &patch_of_web(),
            "s",
        );
        assert_eq!(
            forbidden.kind,
            ErrorKind::Forbidden {
                permission: "patch deployments.apps in namespace shop".to_string()
            }
        );
        assert!(
            forbidden.message.contains("is forbidden"),
            "{}",
            forbidden.message
        );
        assert!(
            forbidden
                .hint
                .contains("`kubectl auth can-i patch deployments.apps -n shop`"),
            "{}",
            forbidden.hint
        );

        let missing = classify(&status(404, "not there"), &patch_of_web(), "s");
        assert_eq!(missing.kind, ErrorKind::NotFound);
        assert_eq!(missing.message, "not found in namespace shop");
        assert!(
            missing
                .hint
                .contains("kubectl get deployments.apps -n shop"),
            "{}",
            missing.hint
        );

        let conflict = classify(
            &status(409, "the object has been modified"),
            &patch_of_web(),
            "s",
        );
        assert_eq!(conflict.kind, ErrorKind::Conflict);
        assert!(
            conflict.message.contains("patch deployments.apps/web"),
            "{}",
            conflict.message
        );
        assert!(
            conflict.message.contains("the object has been modified"),
            "{}",
            conflict.message
        );

        let broken = classify(&status(500, "etcd is down"), &patch_of_web(), "s");
        assert_eq!(broken.kind, ErrorKind::Other);
        assert!(
            broken.message.contains("etcd is down"),
            "{}",
            broken.message
        );
        assert!(broken.to_string().contains("readyz"), "{broken}");
    }
}
