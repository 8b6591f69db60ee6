//! The fake Kubernetes API server as a program: serves a synthetic cluster on loopback so
//! `kubectl-sandbox` and the real `kubectl` can be pointed at the same cluster through one
//! kubeconfig. Used by `bench/run.py`.
//!
//! ```text
//! fake-apiserver --pods 10000 [--deployments N] [--seed 1] [--port 0] [--serve-for 900]
//!                [--kubeconfig FILE] [--request-log FILE]
//! ```
//!
//! Prints `READY <url>` on stdout once every object is loaded, then serves until killed
//! or until `--serve-for` seconds have passed (it always stops by itself). The kubeconfig's
//! cluster entry has GKE's `gke_PROJECT_LOCATION_CLUSTER` name for the cluster in
//! `tests/fixtures/gke/standard-with-sandbox.json`, so a live check with gcloud pointed at
//! the GKE mock (the `gke-mock` program) finds it. `--deployments N` adds N Deployments in
//! namespace `bench` (for `migrate` at scale: `bench/scale.py`).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use testkit::fake_apiserver::objects::namespace;
use testkit::fake_apiserver::{Credentials, FakeApiServer, KubeconfigContext, kubeconfig_yaml};
use testkit::synthetic::SyntheticCluster;

/// The GKE cluster the kubeconfig names; `gke-mock` serves it under this project.
const GKE_CLUSTER_ENTRY: &str = "gke_bench-project_europe-west1_prod-eu";
/// The namespace `--deployments` fills.
const DEPLOYMENTS_NAMESPACE: &str = "bench";

struct Options {
    pods: usize,
    deployments: usize,
    seed: u64,
    port: u16,
    serve_for: Duration,
    kubeconfig: Option<PathBuf>,
    request_log: Option<PathBuf>,
}

fn main() {
    let options = match parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("fake-apiserver: {message}");
            eprintln!(
                "usage: fake-apiserver --pods N [--deployments N] [--seed S] [--port P] [--serve-for SECONDS] [--kubeconfig FILE] [--request-log FILE]"
            );
            std::process::exit(2);
        }
    };
    let started = Instant::now();
    let server = FakeApiServer::start_on(options.port, options.serve_for);
    let cluster = SyntheticCluster::new(options.pods, options.seed);
    server.insert_all(cluster.objects());
    if options.deployments > 0 {
        server.insert(namespace(DEPLOYMENTS_NAMESPACE));
        server.insert_all(
            (0..options.deployments).map(|i| cluster.deployment(i, DEPLOYMENTS_NAMESPACE)),
        );
    }
    if let Some(path) = &options.request_log {
        let log = std::fs::File::create(path).expect("create the request log");
        server.log_requests_to(log);
    }
    if let Some(path) = &options.kubeconfig {
        write_kubeconfig(path, server.url());
    }
    eprintln!(
        "fake-apiserver: {} pods loaded in {:.1} s",
        options.pods,
        started.elapsed().as_secs_f64()
    );
    println!("READY {}", server.url());
    std::thread::sleep(options.serve_for);
}

fn write_kubeconfig(path: &std::path::Path, url: &str) {
    let context = KubeconfigContext {
        context_name: "synthetic".into(),
        cluster_name: GKE_CLUSTER_ENTRY.into(),
        server_url: url.to_string(),
        credentials: Credentials::None,
    };
    std::fs::write(path, kubeconfig_yaml(&[context], "synthetic")).expect("write the kubeconfig");
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        pods: 1000,
        deployments: 0,
        seed: 1,
        port: 0,
        serve_for: Duration::from_secs(900),
        kubeconfig: None,
        request_log: None,
    };
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--pods" => options.pods = number(&flag, &value()?)?,
            "--deployments" => options.deployments = number(&flag, &value()?)?,
            "--seed" => options.seed = number(&flag, &value()?)?,
            "--port" => options.port = number(&flag, &value()?)?,
            "--serve-for" => options.serve_for = Duration::from_secs(number(&flag, &value()?)?),
            "--kubeconfig" => options.kubeconfig = Some(value()?.into()),
            "--request-log" => options.request_log = Some(value()?.into()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(options)
}

fn number<T: std::str::FromStr>(flag: &str, text: &str) -> Result<T, String> {
    text.parse()
        .map_err(|_| format!("{flag} takes a number, not {text:?}"))
}
