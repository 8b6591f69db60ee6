//! The files generated from the CLI definition and committed: shell completion scripts in
//! `completions/` and man pages in `man/`. `cargo run --example regenerate` writes them;
//! `tests/it/distribution_generated.rs` fails when they drift from the CLI.

use std::path::PathBuf;

use clap::CommandFactory;

use super::{Cli, completion};

/// One generated file: its path relative to the repository root, and its contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: PathBuf,
    pub contents: Vec<u8>,
}

/// The directories the generated files live in; nothing else is kept there.
pub const DIRECTORIES: [&str; 2] = ["completions", "man"];

/// Every generated file, completion scripts first.
pub fn files() -> Vec<GeneratedFile> {
    let mut files: Vec<GeneratedFile> = completion::SHELLS
        .iter()
        .map(|&shell| GeneratedFile {
            path: PathBuf::from("completions").join(completion::file_name(shell)),
            contents: completion::script(shell).into_bytes(),
        })
        .collect();
    files.extend(man_pages());
    files
}

/// One page per command: `kubectl-sandbox.1`, `kubectl-sandbox-check.1`, … The display
/// name makes the file and page names; the synopsis keeps `kubectl sandbox check`.
fn man_pages() -> Vec<GeneratedFile> {
    let mut root = Cli::command().display_name(completion::EXECUTABLE);
    root.build();
    let mut pages = Vec::new();
    collect_pages(&root, &mut pages);
    pages
}

fn collect_pages(command: &clap::Command, pages: &mut Vec<GeneratedFile>) {
    let man = clap_mangen::Man::new(command.clone()).source(format!(
        "{} {}",
        completion::EXECUTABLE,
        env!("CARGO_PKG_VERSION")
    ));
    let mut contents = Vec::new();
    man.render(&mut contents)
        .expect("rendering into memory cannot fail");
    pages.push(GeneratedFile {
        path: PathBuf::from("man").join(man.get_filename()),
        contents,
    });
    for sub in command.get_subcommands().filter(|sub| !sub.is_hide_set()) {
        collect_pages(sub, pages);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn man_pages_are_named_after_the_executable_and_show_kubectl_sandbox_usage() {
        let files = files();
        let names: Vec<_> = files.iter().map(|f| f.path.clone()).collect();
        assert!(
            names.contains(&PathBuf::from("man/kubectl-sandbox.1")),
            "{names:?}"
        );
        assert!(
            names.contains(&PathBuf::from("man/kubectl-sandbox-check.1")),
            "{names:?}"
        );
        let check = files
            .iter()
            .find(|f| f.path.ends_with("kubectl-sandbox-check.1"))
            .unwrap();
        let text = String::from_utf8(check.contents.clone()).unwrap();
        assert!(text.contains("kubectl sandbox check"), "{text}");
    }
}
