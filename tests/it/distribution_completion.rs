//! Cluster-backed completion through the library: pods and `TYPE/NAME` workloads (no
//! subcommand on this branch takes them yet, so a stand-in CLI declares them the way
//! `explain-pod` and `migrate` will), namespaces, and silence when the cluster fails.

use crate::support::loopback_api::{LoopbackApi, refused_url, write_kubeconfig};
use clap::{CommandFactory, Parser, Subcommand};
use kubectl_sandbox::KubeArgs;
use kubectl_sandbox::complete_plugin::{complete, directive};

#[derive(Parser)]
struct StandIn {
    #[command(subcommand)]
    command: StandInCommand,
}

#[derive(Subcommand)]
enum StandInCommand {
    ExplainPod {
        #[command(flatten)]
        kube: KubeArgs,
        #[arg(short = 'n', long, value_name = "NAMESPACE")]
        namespace: Option<String>,
        #[arg(value_name = "POD")]
        pod: String,
    },
    Migrate {
        #[command(flatten)]
        kube: KubeArgs,
        #[arg(short = 'n', long, value_name = "NAMESPACE")]
        namespace: Option<String>,
        #[arg(value_name = "TYPE/NAME")]
        workload: String,
    },
}

struct Setup {
    api: LoopbackApi,
    kubeconfig: String,
    // Accepts connections and never answers; kept open for the test's length.
    _silent: std::net::TcpListener,
    _dir: tempfile::TempDir,
}

fn setup() -> Setup {
    let api = LoopbackApi::start();
    let dir = tempfile::tempdir().unwrap();
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_url = format!("http://{}", silent.local_addr().unwrap());
    let kubeconfig = write_kubeconfig(dir.path(), &api, &refused_url(), &silent_url);
    Setup {
        api,
        kubeconfig: kubeconfig.to_str().unwrap().to_owned(),
        _silent: silent,
        _dir: dir,
    }
}

/// Completes `subcommand --kubeconfig KUBECONFIG rest...`, the last word being the one typed.
fn values(setup: &Setup, subcommand: &str, rest: &[&str]) -> (Vec<String>, u32) {
    let mut words: Vec<String> = [subcommand, "--kubeconfig", &setup.kubeconfig]
        .into_iter()
        .map(String::from)
        .collect();
    words.extend(rest.iter().map(|w| w.to_string()));
    let (candidates, directive) = complete(&StandIn::command(), &words);
    (candidates.into_iter().map(|c| c.value).collect(), directive)
}

#[test]
fn pods_come_from_the_contexts_namespace_with_one_cheap_list() {
    let setup = setup();
    let (pods, directive) = values(&setup, "explain-pod", &[""]);
    assert_eq!(pods, ["web-0", "web-1"]);
    assert_eq!(directive, directive::NO_FILE_COMP);
    let seen = setup.api.seen();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(
        seen[0].url.starts_with("/api/v1/namespaces/tenant-a/pods?"),
        "{seen:?}"
    );
    assert!(seen[0].url.contains("limit=200"), "{seen:?}");
    assert!(
        seen[0].accept.contains("as=PartialObjectMetadataList"),
        "metadata only: {seen:?}"
    );
}

#[test]
fn workloads_complete_the_type_then_the_names() {
    let setup = setup();
    let (types, directive) = values(&setup, "migrate", &["dep"]);
    assert_eq!(types, ["deployment/"]);
    assert_eq!(
        directive,
        directive::NO_SPACE | directive::NO_FILE_COMP,
        "the name follows"
    );
    let (names, _) = values(&setup, "migrate", &["deployment/w"]);
    assert_eq!(names, ["deployment/web", "deployment/worker"]);
    let (short_name, _) = values(&setup, "migrate", &["deploy/wo"]);
    assert_eq!(short_name, ["deploy/worker"]);
}

#[test]
fn namespaces_are_listed_and_narrow_the_pods() {
    let setup = setup();
    let (namespaces, _) = values(&setup, "explain-pod", &["-n", "t"]);
    assert_eq!(namespaces, ["tenant-a"]);
    let (pods, _) = values(&setup, "explain-pod", &["-n", "default", ""]);
    assert!(pods.is_empty(), "default has no pods here: {pods:?}");
    assert!(
        setup
            .api
            .seen()
            .iter()
            .any(|s| s.url.starts_with("/api/v1/namespaces/default/pods?"))
    );
}

#[test]
fn an_unreachable_or_silent_cluster_gives_no_candidates() {
    let setup = setup();
    for context in ["refused", "silent"] {
        let (pods, directive) = values(&setup, "explain-pod", &["--context", context, ""]);
        assert!(pods.is_empty(), "{context}: {pods:?}");
        assert_eq!(directive, directive::NO_FILE_COMP, "{context}");
    }
}
