//! The GKE API mock as a program, for running the real gcloud against it from a shell
//! (the benchmark's check-with-gcloud run).
//!
//! ```text
//! gke-mock --cluster-json FILE… --env-file OUT.sh [--project P] [--location L]
//!          [--gcloud-config DIR] [--serve-for SECONDS]
//! ```
//!
//! `--cluster-json` may be given several times: every cluster is served (and listed by
//! `gcloud container clusters list`) in `--location`.
//!
//! Writes `export NAME='value'` lines to `--env-file` that point gcloud at the mock (see
//! `GkeMock::gcloud_env`), prints `READY <port>`, then serves until killed or until
//! `--serve-for` seconds have passed.

use std::path::PathBuf;
use std::time::Duration;

use testkit::gke_mock::GkeMock;

struct Options {
    project: String,
    location: String,
    cluster_json: Vec<PathBuf>,
    env_file: PathBuf,
    gcloud_config: PathBuf,
    serve_for: Duration,
}

fn main() {
    let options = match parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("gke-mock: {message}");
            eprintln!(
                "usage: gke-mock --cluster-json FILE… --env-file OUT.sh [--project P] [--location L] [--gcloud-config DIR] [--serve-for SECONDS]"
            );
            std::process::exit(2);
        }
    };
    let mut builder = GkeMock::builder(&options.project).deadline(options.serve_for);
    for path in &options.cluster_json {
        let describe = std::fs::read_to_string(path).expect("read --cluster-json");
        builder = builder.cluster(&options.location, &describe);
    }
    let mock = builder.start();
    std::fs::create_dir_all(&options.gcloud_config).expect("create the gcloud config dir");
    let exports: String = mock
        .gcloud_env(&options.gcloud_config)
        .iter()
        .map(|(name, value)| format!("export {name}='{value}'\n"))
        .collect();
    std::fs::write(&options.env_file, exports).expect("write --env-file");
    println!("READY {}", mock.port());
    std::thread::sleep(options.serve_for);
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut env_file = None;
    let mut options = Options {
        project: "bench-project".into(),
        location: "europe-west1".into(),
        cluster_json: Vec::new(),
        env_file: PathBuf::new(),
        gcloud_config: std::env::temp_dir().join(format!("gke-mock-gcloud-{}", std::process::id())),
        serve_for: Duration::from_secs(900),
    };
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--project" => options.project = value()?,
            "--location" => options.location = value()?,
            "--cluster-json" => options.cluster_json.push(value()?.into()),
            "--env-file" => env_file = Some(value()?),
            "--gcloud-config" => options.gcloud_config = value()?.into(),
            "--serve-for" => {
                let text = value()?;
                let seconds = text
                    .parse()
                    .map_err(|_| format!("--serve-for takes seconds, not {text:?}"))?;
                options.serve_for = Duration::from_secs(seconds);
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if options.cluster_json.is_empty() {
        return Err("--cluster-json is required".into());
    }
    options.env_file = env_file.ok_or("--env-file is required")?.into();
    Ok(options)
}
