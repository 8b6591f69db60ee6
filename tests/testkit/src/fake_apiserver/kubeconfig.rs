//! Writes real kubeconfig files pointing at a fake API server, so tests go through the
//! same loading path (files, contexts, exec plugins) as `kubectl`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Numbers the files written in this process, so several can share one directory.
static FILE_NUMBER: AtomicUsize = AtomicUsize::new(0);

/// How the user of one context authenticates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credentials {
    None,
    /// `users[].user.token`.
    Token(String),
    /// `users[].user.exec`: a client-go credential plugin, run to get an ExecCredential.
    Exec {
        command: PathBuf,
        args: Vec<String>,
    },
}

/// One context of a kubeconfig, with its own cluster entry and user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KubeconfigContext {
    pub context_name: String,
    /// The `clusters[].name` the context points at (GKE's is `gke_PROJECT_LOCATION_CLUSTER`).
    pub cluster_name: String,
    pub server_url: String,
    pub credentials: Credentials,
}

impl KubeconfigContext {
    /// A context whose cluster entry has the same name as the context.
    pub fn new(name: &str, server_url: &str, credentials: Credentials) -> Self {
        KubeconfigContext {
            context_name: name.to_string(),
            cluster_name: name.to_string(),
            server_url: server_url.to_string(),
            credentials,
        }
    }
}

/// Writes a kubeconfig file into `dir` and returns its path. Each context gets a user
/// named `{context}-user`; cluster entries shared by several contexts are written once.
pub fn write_kubeconfig(
    dir: &Path,
    contexts: &[KubeconfigContext],
    current_context: &str,
) -> PathBuf {
    let yaml = kubeconfig_yaml(contexts, current_context);
    let number = FILE_NUMBER.fetch_add(1, Ordering::Relaxed);
    let path = dir.join(format!("kubeconfig-{number}.yaml"));
    std::fs::write(&path, yaml).expect("write kubeconfig");
    path
}

/// The text of a kubeconfig with these contexts, as [`write_kubeconfig`] writes it.
pub fn kubeconfig_yaml(contexts: &[KubeconfigContext], current_context: &str) -> String {
    let mut yaml = format!(
        "apiVersion: v1\nkind: Config\ncurrent-context: {}\nclusters:\n",
        quoted(current_context)
    );
    let mut written_clusters: Vec<&str> = Vec::new();
    for context in contexts {
        if written_clusters.contains(&context.cluster_name.as_str()) {
            continue;
        }
        written_clusters.push(&context.cluster_name);
        let _ = write!(
            yaml,
            "- name: {}\n  cluster:\n    server: {}\n",
            quoted(&context.cluster_name),
            quoted(&context.server_url)
        );
    }
    yaml.push_str("contexts:\n");
    for context in contexts {
        let _ = write!(
            yaml,
            "- name: {}\n  context:\n    cluster: {}\n    user: {}\n",
            quoted(&context.context_name),
            quoted(&context.cluster_name),
            quoted(&format!("{}-user", context.context_name))
        );
    }
    yaml.push_str("users:\n");
    for context in contexts {
        let _ = writeln!(
            yaml,
            "- name: {}",
            quoted(&format!("{}-user", context.context_name))
        );
        yaml.push_str(&user_yaml(&context.credentials));
    }
    yaml
}

/// Writes a shell script that prints an ExecCredential carrying `token`, and returns the
/// credentials that run it. The plugin is `/bin/sh SCRIPT` rather than an executable
/// script, so a test never executes a file it has just written (which can fail with
/// "text file busy" while another test thread forks).
pub fn exec_credential_plugin(dir: &Path, token: &str) -> Credentials {
    assert!(
        !token.contains('\'') && !token.contains('"'),
        "keep test tokens free of quotes"
    );
    let number = FILE_NUMBER.fetch_add(1, Ordering::Relaxed);
    let script = dir.join(format!("exec-credential-{number}.sh"));
    let credential = format!(
        r#"{{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{{"token":"{token}"}}}}"#
    );
    std::fs::write(&script, format!("printf '%s' '{credential}'\n")).expect("write exec plugin");
    Credentials::Exec {
        command: PathBuf::from("/bin/sh"),
        args: vec![script.display().to_string()],
    }
}

fn user_yaml(credentials: &Credentials) -> String {
    match credentials {
        Credentials::None => "  user: {}\n".to_string(),
        Credentials::Token(token) => format!("  user:\n    token: {}\n", quoted(token)),
        Credentials::Exec { command, args } => {
            let args: Vec<String> = args.iter().map(|arg| quoted(arg)).collect();
            format!(
                "  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: {}\n      args: [{}]\n      interactiveMode: Never\n",
                quoted(&command.display().to_string()),
                args.join(", ")
            )
        }
    }
}

/// A JSON string is a valid YAML double-quoted scalar, escapes included.
fn quoted(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}
