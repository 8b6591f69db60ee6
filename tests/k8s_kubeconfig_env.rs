//! `$KUBECONFIG` naming several files, as kubectl merges them. In a test binary of its
//! own because it sets a process-wide environment variable.

use std::time::Duration;

use kubectl_sandbox::{ConnectOptions, PodScope, connect, read_cluster};
use tempfile::TempDir;
use testkit::fake_apiserver::{Credentials, FakeApiServer, KubeconfigContext, write_kubeconfig};

#[tokio::test]
async fn kubeconfig_env_merges_files_and_context_picks_from_the_second() {
    let (first, second) = (FakeApiServer::start(), FakeApiServer::start());
    let dir = TempDir::new().unwrap();
    let first_file = write_kubeconfig(
        dir.path(),
        &[KubeconfigContext::new(
            "first",
            first.url(),
            Credentials::None,
        )],
        "first",
    );
    let second_file = write_kubeconfig(
        dir.path(),
        &[KubeconfigContext {
            context_name: "second".into(),
            cluster_name: "gke_acme-prod_europe-west1_prod-eu".into(),
            server_url: second.url().into(),
            credentials: Credentials::None,
        }],
        "second",
    );
    let missing_file = dir.path().join("skipped-like-kubectl-does");
    let joined = std::env::join_paths([&first_file, &missing_file, &second_file]).unwrap();
    // SAFETY: this is the only test in this binary, so no other thread reads or writes
    // the environment meanwhile.
    unsafe { std::env::set_var("KUBECONFIG", joined) };
    let args = |context: Option<&str>| ConnectOptions {
        kubeconfig: None,
        context: context.map(str::to_string),
        request_timeout: Duration::from_secs(30),
    };

    let chosen = connect(&args(Some("second"))).await.unwrap();
    read_cluster(&chosen, &PodScope::AllNamespaces, None).await;
    assert_eq!(chosen.context, "second");
    assert_eq!(chosen.cluster, "gke_acme-prod_europe-west1_prod-eu");
    assert_eq!(second.requests().len(), 4);
    assert!(first.requests().is_empty());

    // Without --context, the first file's current-context wins.
    let default = connect(&args(None)).await.unwrap();
    assert_eq!(default.context, "first");
}
