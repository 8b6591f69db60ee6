//! Turning the kubectl connection options into a ready `kube::Client`, with errors that
//! say what to do.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use kube::client::AuthError;
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};

use super::kubeconfig;

/// What `gcloud container clusters get-credentials` is for, quoted in several messages.
const GET_CREDENTIALS: &str =
    "gcloud container clusters get-credentials CLUSTER --location LOCATION --project PROJECT";
/// The exec plugin GKE kubeconfigs use.
const GKE_AUTH_PLUGIN: &str = "gke-gcloud-auth-plugin";

/// Which kubeconfig, which context, how long a request may take: kubectl's
/// `--kubeconfig`, `--context` and `--request-timeout`, as plain data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectOptions {
    /// Read this file alone instead of `$KUBECONFIG` or `~/.kube/config`.
    pub kubeconfig: Option<PathBuf>,
    /// The context to use instead of the current one.
    pub context: Option<String>,
    /// A bound on each request; zero means none.
    pub request_timeout: Duration,
}

/// A client for one kubeconfig context.
#[derive(Clone)]
pub struct Connection {
    /// Only `k8s` sends requests; everyone else goes through its functions.
    pub(super) client: Client,
    /// The kubeconfig context used.
    pub context: String,
    /// The name of the context's `clusters[]` entry. GKE names it
    /// `gke_PROJECT_LOCATION_CLUSTER`, and a renamed context still points at it.
    pub cluster: String,
    /// The API server URL, for messages.
    pub server: String,
}

impl Connection {
    /// The context's namespace, `default` when it names none: where `-n` defaults to.
    pub fn default_namespace(&self) -> &str {
        self.client.default_namespace()
    }
}

impl fmt::Debug for Connection {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Connection")
            .field("context", &self.context)
            .field("cluster", &self.cluster)
            .field("server", &self.server)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(
        "no kubeconfig found (looked at {}). Get credentials for a GKE cluster with `{GET_CREDENTIALS}`, or pass --kubeconfig FILE",
        list_paths(.looked_at)
    )]
    KubeconfigMissing { looked_at: Vec<PathBuf> },

    #[error(
        "the kubeconfig {} cannot be used: {detail}. Fix the file, or write it again with `{GET_CREDENTIALS}`",
        .path.display()
    )]
    KubeconfigMalformed { path: PathBuf, detail: String },

    #[error(
        "the kubeconfig sets no current context; pass --context NAME ({})",
        available_contexts(.available)
    )]
    NoCurrentContext { available: Vec<String> },

    #[error(
        "context `{name}` is not in the kubeconfig ({}); pass one of them with --context",
        available_contexts(.available)
    )]
    ContextNotFound {
        name: String,
        available: Vec<String>,
    },

    #[error(
        "context `{context}` points at cluster `{cluster}`, which the kubeconfig does not define; write it again with `{GET_CREDENTIALS}`"
    )]
    ClusterEntryMissing { context: String, cluster: String },

    #[error(
        "context `{context}` cannot be used: {detail}; check it with `kubectl config view --minify --context {context}`"
    )]
    InvalidContext { context: String, detail: String },

    #[error("the credential plugin `{command}` is not installed or not on PATH; {install}")]
    ExecPluginMissing { command: String, install: String },

    #[error(
        "the credential plugin `{command}` failed: {detail}. Run it by hand to see why; for GKE, `gcloud auth login` and `{GET_CREDENTIALS}` usually fix it"
    )]
    ExecPluginFailed { command: String, detail: String },

    #[error("could not set up a client for context `{context}`: {detail}")]
    Client { context: String, detail: String },
}

/// The merged kubeconfig, found as kubectl finds it: `--kubeconfig` alone when given,
/// else every file in `$KUBECONFIG`, else `~/.kube/config`.
pub(crate) fn read_kubeconfig(flag: Option<&Path>) -> Result<Kubeconfig, ConnectError> {
    let files = kubeconfig::candidate_files(
        flag,
        std::env::var_os("KUBECONFIG").as_deref(),
        std::env::home_dir().as_deref(),
    );
    kubeconfig::load(&files, flag.is_some())
}

/// Loads the kubeconfig like kubectl (`--kubeconfig`, `$KUBECONFIG` with several files,
/// `~/.kube/config`), picks the context, runs its credential plugin and applies
/// `--request-timeout`. No request is sent yet.
pub async fn connect(args: &ConnectOptions) -> Result<Connection, ConnectError> {
    let config = read_kubeconfig(args.kubeconfig.as_deref())?;
    let (context, cluster) = kubeconfig::choose_context(&config, args.context.as_deref())?;
    let client_config = client_config(config, &context, args.request_timeout).await?;
    let server = client_config.cluster_url.to_string();
    let exec_command = client_config
        .auth_info
        .exec
        .as_ref()
        .and_then(|exec| exec.command.clone());
    // Building the client runs the exec credential plugin, so its failures surface here.
    let client = Client::try_from(client_config)
        .map_err(|error| client_error(error, &context, exec_command.as_deref()))?;
    Ok(Connection {
        client,
        context,
        cluster,
        server,
    })
}

async fn client_config(
    config: Kubeconfig,
    context: &str,
    timeout: Duration,
) -> Result<Config, ConnectError> {
    let options = KubeConfigOptions {
        context: Some(context.to_string()),
        ..KubeConfigOptions::default()
    };
    let mut config = Config::from_custom_kubeconfig(config, &options)
        .await
        .map_err(|error| ConnectError::InvalidContext {
            context: context.to_string(),
            detail: error.to_string(),
        })?;
    // kubectl's --request-timeout bounds the whole request; the closest kube offers is a
    // bound on connecting and on each wait for bytes. 0 means no bound, as in kubectl.
    let bound = (!timeout.is_zero()).then_some(timeout);
    config.connect_timeout = bound;
    config.read_timeout = bound;
    config.write_timeout = bound;
    // Count the read timeout from when a request is sent, not from when a pooled
    // connection went idle.
    config.reset_reader_on_write = true;
    Ok(config)
}

fn client_error(error: kube::Error, context: &str, exec_command: Option<&str>) -> ConnectError {
    let command = exec_command.unwrap_or("exec plugin").to_string();
    match error {
        kube::Error::Auth(AuthError::AuthExecStart(start))
            if start.kind() == std::io::ErrorKind::NotFound =>
        {
            let install = install_hint(&command);
            ConnectError::ExecPluginMissing { command, install }
        }
        kube::Error::Auth(AuthError::AuthExecRun { out, .. }) => ConnectError::ExecPluginFailed {
            command,
            detail: match String::from_utf8_lossy(&out.stderr).trim() {
                "" => out.status.to_string(),
                stderr => format!("{}: {stderr}", out.status),
            },
        },
        kube::Error::Auth(auth) => ConnectError::ExecPluginFailed {
            command,
            detail: auth.to_string(),
        },
        other => ConnectError::Client {
            context: context.to_string(),
            detail: other.to_string(),
        },
    }
}

fn install_hint(command: &str) -> String {
    let is_gke_plugin = Path::new(command)
        .file_name()
        .is_some_and(|name| name == GKE_AUTH_PLUGIN);
    if is_gke_plugin {
        format!(
            "install it with `gcloud components install {GKE_AUTH_PLUGIN}` (or the package \
             `google-cloud-cli-gke-gcloud-auth-plugin` with apt or yum), then check `{GKE_AUTH_PLUGIN} --version`"
        )
    } else {
        format!("install `{command}`, or fix `users[].user.exec.command` in the kubeconfig")
    }
}

fn list_paths(paths: &[PathBuf]) -> String {
    if paths.is_empty() {
        return "no path: neither $KUBECONFIG nor a home directory is set".to_string();
    }
    paths
        .iter()
        .map(|path| path.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn available_contexts(available: &[String]) -> String {
    if available.is_empty() {
        return "it defines no contexts".to_string();
    }
    format!("available: {}", available.join(", "))
}
