//! The real kubectl with the built plugin: discovery (`kubectl plugin list`), plugin mode
//! (`kubectl sandbox ...` says `kubectl sandbox`), and kubectl's plugin completion protocol
//! (`kubectl __complete sandbox ...` runs `kubectl_complete-sandbox`). Skipped, saying so,
//! when kubectl is not installed.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::loopback_api::{LoopbackApi, refused_url, write_kubeconfig};

struct Kubectl {
    kubectl: PathBuf,
    /// Holds `kubectl-sandbox` and `kubectl_complete-sandbox`, first on PATH.
    plugins: PathBuf,
    kubeconfig: PathBuf,
    api: LoopbackApi,
    _dir: tempfile::TempDir,
}

impl Kubectl {
    fn new() -> Option<Self> {
        Self::with_completion(env!("CARGO_BIN_EXE_kubectl_complete-sandbox"))
    }

    /// `completion` is what `kubectl_complete-sandbox` links to.
    fn with_completion(completion: &str) -> Option<Self> {
        let Ok(kubectl) = which::which("kubectl") else {
            eprintln!("skipped: kubectl is not installed");
            return None;
        };
        let dir = tempfile::tempdir().unwrap();
        let plugins = dir.path().join("bin");
        std::fs::create_dir(&plugins).unwrap();
        for (name, built) in [
            ("kubectl-sandbox", env!("CARGO_BIN_EXE_kubectl-sandbox")),
            ("kubectl_complete-sandbox", completion),
        ] {
            std::os::unix::fs::symlink(built, plugins.join(name)).unwrap();
        }
        let api = LoopbackApi::start();
        let kubeconfig = write_kubeconfig(dir.path(), &api, &refused_url(), &refused_url());
        Some(Kubectl {
            kubectl,
            plugins,
            kubeconfig,
            api,
            _dir: dir,
        })
    }

    /// kubectl with only the plugins' directory and kubectl's own on PATH, and the test's
    /// kubeconfig, so nothing from this machine's setup leaks in.
    fn run(&self, args: &[&str]) -> Output {
        let kubectl_dir = self.kubectl.parent().unwrap();
        let path = std::env::join_paths([self.plugins.as_path(), kubectl_dir]).unwrap();
        Command::new(&self.kubectl)
            .args(args)
            .env("PATH", path)
            .env("KUBECONFIG", &self.kubeconfig)
            .env_remove("NO_COLOR")
            .output()
            .unwrap()
    }

    /// `kubectl __complete sandbox WORDS`: the candidates (descriptions cut off) and directive.
    fn complete(&self, words: &[&str]) -> (Vec<String>, String) {
        let mut args = vec!["__complete", "sandbox"];
        args.extend_from_slice(words);
        let output = self.run(&args);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let stdout = String::from_utf8(output.stdout).unwrap();
        let mut lines: Vec<&str> = stdout.lines().collect();
        let directive = lines.pop().unwrap_or_default().to_owned();
        let candidates = lines
            .iter()
            .map(|l| l.split('\t').next().unwrap().to_owned())
            .collect();
        (candidates, directive)
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn kubectl_discovers_the_plugin_and_runs_it() {
    let Some(kubectl) = Kubectl::new() else {
        return;
    };
    let list = kubectl.run(&["plugin", "list"]);
    let listed = stdout(&list);
    let plugin = kubectl.plugins.join("kubectl-sandbox");
    assert!(
        listed.lines().any(|l| Path::new(l.trim()) == plugin),
        "{listed}"
    );
    let version = kubectl.run(&["sandbox", "version"]);
    assert!(version.status.success());
    assert_eq!(
        stdout(&version),
        format!("kubectl sandbox {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn help_and_usage_say_kubectl_sandbox() {
    let Some(kubectl) = Kubectl::new() else {
        return;
    };
    let help = stdout(&kubectl.run(&["sandbox", "--help"]));
    assert!(help.contains("Usage: kubectl sandbox <COMMAND>"), "{help}");
    let check_help = stdout(&kubectl.run(&["sandbox", "check", "--help"]));
    assert!(
        check_help.contains("Usage: kubectl sandbox check [OPTIONS]"),
        "{check_help}"
    );
    let misuse = kubectl.run(&["sandbox", "check", "--no-such-flag"]);
    assert_eq!(misuse.status.code(), Some(2));
    let error = String::from_utf8_lossy(&misuse.stderr);
    assert!(error.contains("Usage: kubectl sandbox check"), "{error}");
    for text in [&help, &check_help, &error.to_string()] {
        assert!(!text.contains("Usage: kubectl-sandbox"), "{text}");
    }
}

#[test]
fn kubectl_completes_subcommands_flags_and_output_formats() {
    let Some(kubectl) = Kubectl::new() else {
        return;
    };
    let (subcommands, directive) = kubectl.complete(&[""]);
    for expected in ["check", "snapshot", "version", "completion"] {
        assert!(subcommands.iter().any(|s| s == expected), "{subcommands:?}");
    }
    assert_eq!(directive, ":4", "no file names among subcommands");
    assert_eq!(
        kubectl.complete(&["check", "--con"]).0,
        ["--context", "--contexts"]
    );
    assert_eq!(
        kubectl.complete(&["check", "-o", ""]).0,
        ["table", "json", "yaml"]
    );
    assert_eq!(
        kubectl.complete(&["snapshot", "--output="]).0,
        ["--output=json", "--output=yaml"]
    );
    assert_eq!(
        kubectl.complete(&["completion", ""]).0,
        ["bash", "elvish", "fish", "powershell", "zsh"]
    );
    let (files, directive) = kubectl.complete(&["check", "--from", ""]);
    assert!(files.is_empty());
    assert_eq!(directive, ":0", "the shell completes file names");
}

#[test]
fn kubectl_completes_contexts_and_namespaces_from_the_cluster() {
    let Some(kubectl) = Kubectl::new() else {
        return;
    };
    assert_eq!(
        kubectl.complete(&["check", "--context", ""]).0,
        ["loopback", "refused", "silent"]
    );
    assert_eq!(
        kubectl.complete(&["check", "-n", ""]).0,
        ["default", "tenant-a"]
    );
    assert_eq!(
        kubectl.complete(&["check", "--untrusted", "ten"]).0,
        ["tenant-a"]
    );
    // kubectl itself asks for /version; the completion executable asks for the lists.
    let lists: Vec<_> = kubectl
        .api
        .seen()
        .into_iter()
        .filter(|s| s.url.starts_with("/api/"))
        .collect();
    assert_eq!(lists.len(), 2, "one list per completion: {lists:?}");
    assert!(
        lists
            .iter()
            .all(|s| s.url.contains("limit=200")
                && s.accept.contains("as=PartialObjectMetadataList")),
        "small metadata-only pages: {lists:?}"
    );
    let (unreachable, directive) = kubectl.complete(&["check", "--context", "refused", "-n", ""]);
    assert!(unreachable.is_empty(), "{unreachable:?}");
    assert_eq!(directive, ":4");
}

#[test]
fn a_link_named_kubectl_complete_sandbox_to_the_plugin_completes() {
    // What the krew caveats suggest: one binary, linked under the completion name.
    let Some(kubectl) = Kubectl::with_completion(env!("CARGO_BIN_EXE_kubectl-sandbox")) else {
        return;
    };
    assert_eq!(kubectl.complete(&["check", "-o", "y"]).0, ["yaml"]);
    assert_eq!(kubectl.complete(&["check", "-n", "def"]).0, ["default"]);
}
