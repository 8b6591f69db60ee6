//! The committed completion scripts and man pages are what the CLI generates today. When this
//! fails after a CLI change, run `cargo run --example regenerate` and commit the result.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use kubectl_sandbox::generated;

const REGENERATE: &str = "run `cargo run --example regenerate` and commit the result";

#[test]
fn committed_files_match_the_cli() {
    for file in generated::files() {
        let committed = std::fs::read(&file.path)
            .unwrap_or_else(|e| panic!("{} is missing ({e}): {REGENERATE}", file.path.display()));
        assert!(
            committed == file.contents,
            "{} drifted from the CLI: {REGENERATE}",
            file.path.display()
        );
    }
}

#[test]
fn no_stale_generated_files_are_committed() {
    let expected: BTreeSet<PathBuf> = generated::files().into_iter().map(|f| f.path).collect();
    for directory in generated::DIRECTORIES {
        for entry in std::fs::read_dir(directory).unwrap() {
            let path = Path::new(directory).join(entry.unwrap().file_name());
            assert!(
                expected.contains(&path),
                "{} is no longer generated: {REGENERATE}",
                path.display()
            );
        }
    }
}

#[test]
fn the_completion_subcommand_prints_the_committed_scripts() {
    for (shell, file) in [
        ("bash", "completions/kubectl-sandbox.bash"),
        ("zsh", "completions/_kubectl-sandbox"),
        ("fish", "completions/kubectl-sandbox.fish"),
        ("powershell", "completions/_kubectl-sandbox.ps1"),
        ("elvish", "completions/kubectl-sandbox.elv"),
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_kubectl-sandbox"))
            .args(["completion", shell])
            .output()
            .unwrap();
        assert!(output.status.success(), "completion {shell}");
        assert_eq!(
            output.stdout,
            std::fs::read(file).unwrap(),
            "completion {shell}"
        );
    }
}

/// Runs the committed bash script's completion function as bash would for `words`.
fn bash_complete(words: &[&str]) -> Option<Vec<String>> {
    which::which("bash").ok()?;
    let cword = words.len() - 1;
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let script = format!(
        "source completions/kubectl-sandbox.bash\n\
         COMP_WORDS=({words})\nCOMP_CWORD={cword}\n\
         _kubectl__sandbox kubectl-sandbox '{current}' '{previous}'\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        words = quoted.join(" "),
        current = words[cword],
        previous = words[cword - 1],
    );
    let output = Command::new("bash").arg("-c").arg(script).output().ok()?;
    Some(candidates(output, "bash"))
}

/// A completion run's candidates, one per line; it must have succeeded.
fn candidates(output: std::process::Output, shell: &str) -> Vec<String> {
    assert!(
        output.status.success(),
        "{shell} exited {:?}: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(String::from)
        .collect()
}

#[test]
fn the_bash_script_completes_subcommands_and_their_flags() {
    let Some(top) = bash_complete(&["kubectl-sandbox", "sn"]) else {
        eprintln!("skipped: bash is not installed");
        return;
    };
    assert_eq!(top, ["snapshot"]);
    // The case clap_complete gets wrong for hyphenated names (clap-rs/clap#6421).
    let flags = bash_complete(&["kubectl-sandbox", "check", "--no-h"]).unwrap();
    assert_eq!(flags, ["--no-headers"]);
    let values = bash_complete(&["kubectl-sandbox", "check", "--fail-on", ""]).unwrap();
    assert_eq!(values, ["fail", "warn"]);
}

/// What the committed fish script offers for `line`, as fish's own `complete -C` lists it
/// (candidates only, without their descriptions).
fn fish_complete(line: &str) -> Option<Vec<String>> {
    which::which("fish").ok()?;
    let script = format!("source completions/kubectl-sandbox.fish; complete -C '{line}'");
    let output = Command::new("fish").arg("-c").arg(script).output().ok()?;
    let lines = candidates(output, "fish");
    // fish prints `candidate<TAB>description`.
    Some(
        lines
            .iter()
            .map(|line| line.split('\t').next().unwrap_or_default().to_string())
            .collect(),
    )
}

#[test]
fn the_fish_script_completes_subcommands_flags_and_values() {
    let Some(top) = fish_complete("kubectl-sandbox sn") else {
        eprintln!("skipped: fish is not installed (.ci/run installs it)");
        return;
    };
    assert_eq!(top, ["snapshot"]);
    let flags = fish_complete("kubectl-sandbox check --no-h").unwrap();
    assert_eq!(flags, ["--no-headers"]);
    let values = fish_complete("kubectl-sandbox check --fail-on ").unwrap();
    assert_eq!(values, ["fail", "warn"]);
    let outputs = fish_complete("kubectl-sandbox explain-pod -o ").unwrap();
    assert_eq!(
        outputs,
        ["json", "sarif", "table", "yaml"],
        "fish sorts them"
    );
}

/// What the committed zsh script offers after `line`, captured from a real interactive zsh
/// (`tests/it/support/zsh-complete.zsh`).
fn zsh_complete(line: &str) -> Option<Vec<String>> {
    which::which("zsh").ok()?;
    let output = Command::new("timeout")
        .args([
            "30",
            "zsh",
            "tests/it/support/zsh-complete.zsh",
            "completions",
            line,
        ])
        .output()
        .ok()?;
    Some(candidates(output, "zsh"))
}

#[test]
fn the_zsh_script_completes_subcommands_flags_and_values() {
    let Some(top) = zsh_complete("kubectl-sandbox sn") else {
        eprintln!("skipped: zsh is not installed (.ci/run installs it)");
        return;
    };
    assert_eq!(top, ["snapshot"]);
    let flags = zsh_complete("kubectl-sandbox check --no-h").unwrap();
    assert_eq!(flags, ["--no-headers"]);
    let values = zsh_complete("kubectl-sandbox check --fail-on ").unwrap();
    assert_eq!(values, ["fail", "warn"]);
    let outputs = zsh_complete("kubectl-sandbox explain-pod -o ").unwrap();
    assert_eq!(outputs, ["table", "json", "yaml", "sarif"]);
}
