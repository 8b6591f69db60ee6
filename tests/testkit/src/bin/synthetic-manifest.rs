//! Writes a many-document YAML manifest of synthetic Deployments and Pods to stdout, for
//! benchmarking `kubectl sandbox explain-pod -f`.
//!
//! ```text
//! synthetic-manifest --docs 10000 [--seed 1] > manifest.yaml
//! ```

use std::io::Write;

use testkit::synthetic::SyntheticCluster;
use testkit::yaml::to_yaml;

fn main() {
    let (mut docs, mut seed) = (10_000usize, 1u64);
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().unwrap_or_default();
        let parsed = match flag.as_str() {
            "--docs" => value.parse().map(|n| docs = n),
            "--seed" => value.parse().map(|n| seed = n),
            _ => {
                eprintln!("usage: synthetic-manifest --docs N [--seed S] > FILE");
                std::process::exit(2);
            }
        };
        if parsed.is_err() {
            eprintln!("synthetic-manifest: {flag} takes a number, not {value:?}");
            std::process::exit(2);
        }
    }
    let cluster = SyntheticCluster::new(docs, seed);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for index in 0..docs {
        let document = to_yaml(&cluster.manifest(index));
        out.write_all(b"---\n")
            .and_then(|()| out.write_all(document.as_bytes()))
            .expect("write to stdout");
    }
    out.flush().expect("write to stdout");
}
