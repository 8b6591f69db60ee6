//! The layer boundaries, held by reading the source: only `k8s/` talks to the Kubernetes
//! API (kube's types, HTTP status codes), only `cli/` knows the argument parser.

use std::fs;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// Every `.rs` file under `src/` outside `except`, with its code lines (comments and
/// this file left out: they may name what they forbid).
fn code_outside(except: &str) -> Vec<(String, usize, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut lines = Vec::new();
    for file in files {
        let relative = file
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if relative.starts_with(except) || relative == "layers.rs" {
            continue;
        }
        for (i, line) in fs::read_to_string(&file).unwrap().lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            if !code.trim().is_empty() {
                lines.push((relative.clone(), i + 1, code.to_string()));
            }
        }
    }
    lines
}

/// A status code compared or matched: `== 404`, `!= 409`, `403 =>`.
fn names_a_status_code(code: &str) -> bool {
    const STATUSES: [&str; 8] = ["401", "403", "404", "409", "410", "422", "429", "500"];
    let alphanumeric = |c: char| c.is_ascii_alphanumeric();
    STATUSES.iter().any(|status| {
        code.match_indices(status).any(|(at, _)| {
            let (before, after) = (&code[..at], &code[at + status.len()..]);
            let alone = !before.ends_with(alphanumeric) && !after.starts_with(alphanumeric);
            let before = before.trim_end();
            alone
                && (before.ends_with("==")
                    || before.ends_with("!=")
                    || after.trim_start().starts_with("=>"))
        })
    })
}

#[test]
fn only_k8s_talks_to_the_kubernetes_api() {
    let forbidden = [
        "kube::",
        "use kube",
        "Error::Api(",
        "StatusCode",
        ".client.",
    ];
    let offending: Vec<String> = code_outside("k8s/")
        .into_iter()
        .filter(|(_, _, code)| {
            forbidden.iter().any(|word| code.contains(word)) || names_a_status_code(code)
        })
        .map(|(file, line, code)| format!("src/{file}:{line}: {}", code.trim()))
        .collect();
    assert!(
        offending.is_empty(),
        "Kubernetes API calls and status codes belong in src/k8s/:\n{}",
        offending.join("\n")
    );
}

#[test]
fn only_cli_knows_clap() {
    let offending: Vec<String> = code_outside("cli/")
        .into_iter()
        .filter(|(_, _, code)| code.contains("clap::") || code.contains("use clap"))
        .map(|(file, line, code)| format!("src/{file}:{line}: {}", code.trim()))
        .collect();
    assert!(
        offending.is_empty(),
        "the argument parser belongs in src/cli/:\n{}",
        offending.join("\n")
    );
}

#[test]
fn the_status_code_check_sees_comparisons_and_match_arms_only() {
    assert!(names_a_status_code("if status.code == 404 {"));
    assert!(names_a_status_code("        403 => ("));
    assert!(names_a_status_code("Err(e) if e.code != 409"));
    assert!(!names_a_status_code("let limit = 4040;"));
    assert!(!names_a_status_code("\"HTTP 403 in text\""));
}
