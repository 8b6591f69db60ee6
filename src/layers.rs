//! The layer boundaries, held by reading the source: only `k8s/` talks to the Kubernetes
//! API (kube's types, HTTP status codes), only `cli/` knows the argument parser, and no two
//! files depend on each other, directly or around a loop.

use std::collections::{BTreeMap, BTreeSet};
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

/// Every `.rs` file under `src/`: its path from there (`cli/check.rs`) and its text.
fn sources() -> Vec<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files
        .iter()
        .map(|file| {
            let relative = file.strip_prefix(&src).unwrap().to_string_lossy();
            (
                relative.replace('\\', "/"),
                fs::read_to_string(file).unwrap(),
            )
        })
        .collect()
}

/// Every `.rs` file under `src/` outside `except`, with its code lines (comments and
/// this file left out: they may name what they forbid).
fn code_outside(except: &str) -> Vec<(String, usize, String)> {
    let mut lines = Vec::new();
    for (relative, text) in sources() {
        if relative.starts_with(except) || relative == "layers.rs" {
            continue;
        }
        for (i, line) in text.lines().enumerate() {
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

/// A module as its path from the crate root: `["cli", "explain_pod", "live"]`.
type Module = Vec<String>;
/// Each file's module and the modules (files) its own code names.
type Graph = BTreeMap<Module, BTreeSet<Module>>;

/// The module path of a file under `src/`: `cli/explain_pod/live.rs` is
/// `["cli", "explain_pod", "live"]`, `cli/mod.rs` is `["cli"]`, `lib.rs` is `[]`.
fn module_of(relative: &str) -> Module {
    let mut parts: Module = relative
        .trim_end_matches(".rs")
        .split('/')
        .map(str::to_string)
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

/// The paths a statement names from the crate: `crate::a::b`, `super::c`, and each path of
/// a `use` group (`use super::{json, yaml};`), with `super` and `self` made absolute from
/// `module`. Item names stay at the end of a path: [`file_of`] stops at the deepest module.
fn paths_named(statement: &str, module: &[String]) -> Vec<Module> {
    let mut paths = Vec::new();
    // A `use` is one path (or group) once its spaces are gone; other code has paths
    // among other words.
    let words: Vec<String> = match statement.strip_prefix("use ") {
        Some(used) => vec![used.split_whitespace().collect()],
        None => statement
            .split(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | ':')))
            .map(str::to_string)
            .collect(),
    };
    for word in &words {
        for path in expand_group(word) {
            let mut segments = path.split("::").filter(|s| !s.is_empty());
            let mut absolute: Module = match segments.next() {
                Some("crate") => Vec::new(),
                Some("super") => module[..module.len().saturating_sub(1)].to_vec(),
                Some("self") => module.to_vec(),
                _ => continue,
            };
            for segment in segments {
                if segment == "super" {
                    absolute.pop();
                } else {
                    absolute.push(segment.to_string());
                }
            }
            paths.push(absolute);
        }
    }
    paths
}

/// `a::{b,c::d};` as `a::b` and `a::c::d` (inner braces are dropped: a nested group
/// counts as its items' common prefix followed by each, close enough to name the module).
fn expand_group(word: &str) -> Vec<String> {
    let word = word.trim_end_matches(';');
    match word.split_once('{') {
        None => vec![word.to_string()],
        Some((prefix, rest)) => rest
            .split(',')
            .map(|item| format!("{prefix}{}", item.replace(['{', '}'], "")))
            .collect(),
    }
}

/// The file a path lands in: the deepest module of it that is a file.
fn file_of(path: &[String], modules: &BTreeSet<Module>) -> Module {
    (0..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|prefix| modules.contains(prefix))
        .unwrap_or_default()
}

/// What each library file's code names of the others. A `use` over several lines is read
/// whole; re-exports (`pub use`) are a module's front, not what its code depends on; test
/// modules are left out (a test may reach anywhere).
fn dependencies() -> Graph {
    // The binaries are not the library's files.
    let sources: Vec<(Module, String)> = sources()
        .into_iter()
        .filter(|(relative, _)| !relative.starts_with("bin/") && relative != "main.rs")
        .map(|(relative, text)| (module_of(&relative), text))
        .collect();
    let modules: BTreeSet<Module> = sources.iter().map(|(module, _)| module.clone()).collect();
    let mut graph = Graph::new();
    for (module, text) in &sources {
        let code = text
            .split("#[cfg(test)]\nmod tests")
            .next()
            .unwrap_or_default();
        let mut named = BTreeSet::new();
        let mut statement = String::new();
        for line in code.lines() {
            let line = line.split("//").next().unwrap_or_default().trim();
            if line.starts_with("pub use") || line.starts_with("pub(crate) use") {
                continue;
            }
            statement.push_str(line);
            if statement.starts_with("use ") && !statement.ends_with(';') {
                continue;
            }
            for path in paths_named(&statement, module) {
                named.insert(file_of(&path, &modules));
            }
            statement.clear();
        }
        named.remove(module);
        graph.insert(module.clone(), named);
    }
    graph
}

/// One cycle through `node` if the depth-first search from it meets one.
fn find_cycle(
    node: &Module,
    graph: &Graph,
    stack: &mut Vec<Module>,
    seen: &mut BTreeSet<Module>,
) -> Option<String> {
    if let Some(at) = stack.iter().position(|n| n == node) {
        let names: Vec<String> = stack[at..]
            .iter()
            .chain([node])
            .map(|m| m.join("::"))
            .collect();
        return Some(names.join(" -> "));
    }
    if !seen.insert(node.clone()) {
        return None;
    }
    stack.push(node.clone());
    let cycle = graph
        .get(node)
        .into_iter()
        .flatten()
        .find_map(|next| find_cycle(next, graph, stack, seen));
    stack.pop();
    cycle
}

#[test]
fn no_import_cycles_between_files() {
    let graph = dependencies();
    let module = |path: &str| -> Module { path.split("::").map(str::to_string).collect() };
    // The reading works: a plain `use`, a group, and a path in code are all seen.
    let live = &graph[&module("cli::explain_pod::live")];
    assert!(live.contains(&module("k8s")), "{live:?}");
    assert!(live.contains(&module("cli::gather")), "{live:?}");
    let documents = &graph[&module("manifest::documents")];
    assert!(
        documents.contains(&module("manifest::yaml")),
        "{documents:?}"
    );
    let mut seen = BTreeSet::new();
    let cycles: Vec<String> = graph
        .keys()
        .filter_map(|node| find_cycle(node, &graph, &mut Vec::new(), &mut seen))
        .collect();
    assert!(
        cycles.is_empty(),
        "files that depend on each other (the README's Development section says which way \
         the layers go):\n{}",
        cycles.join("\n")
    );
}

#[test]
fn a_cycle_is_found() {
    let module = |name: &str| vec![name.to_string()];
    let graph: Graph = [
        (module("a"), [module("b")].into()),
        (module("b"), [module("c")].into()),
        (module("c"), [module("a")].into()),
    ]
    .into();
    let cycle = find_cycle(&module("a"), &graph, &mut Vec::new(), &mut BTreeSet::new());
    assert_eq!(cycle.as_deref(), Some("a -> b -> c -> a"));
}
