//! Writes a many-document YAML manifest of synthetic Deployments and Pods to stdout, for
//! benchmarking `kubectl sandbox explain-pod -f`.
//!
//! ```text
//! synthetic-manifest --docs 10000 [--seed 1] [--json] > manifest.yaml
//! ```
//!
//! `--json` writes each document as indented JSON (still one YAML stream): the same
//! objects in a form only the full YAML parser reads, to measure that path too.

use std::io::Write;

use testkit::synthetic::SyntheticCluster;
use testkit::yaml::to_yaml;

fn main() {
    let (mut docs, mut seed, mut json) = (10_000usize, 1u64, false);
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        if flag == "--json" {
            json = true;
            continue;
        }
        let value = args.next().unwrap_or_default();
        let parsed = match flag.as_str() {
            "--docs" => value.parse().map(|n| docs = n),
            "--seed" => value.parse().map(|n| seed = n),
            _ => {
                eprintln!("usage: synthetic-manifest --docs N [--seed S] [--json] > FILE");
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
        let object = cluster.manifest(index);
        let document = if json {
            serde_json::to_string_pretty(&object).expect("a JSON value prints") + "\n"
        } else {
            to_yaml(&object)
        };
        out.write_all(b"---\n")
            .and_then(|()| out.write_all(document.as_bytes()))
            .expect("write to stdout");
    }
    out.flush().expect("write to stdout");
}
