//! `kubectl sandbox completion SHELL`: the shell completion script for the `kubectl-sandbox`
//! executable. `kubectl sandbox <TAB>` is completed by kubectl itself through
//! `kubectl_complete-sandbox` (see `complete_plugin`); these scripts cover direct calls.

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::{Cli, CliError};

/// The executable name the scripts complete: a shell completes one word, not `kubectl sandbox`.
pub(super) const EXECUTABLE: &str = "kubectl-sandbox";

/// Every shell a script is generated and committed for, in `completions/`.
pub(super) const SHELLS: [Shell; 5] = [
    Shell::Bash,
    Shell::Zsh,
    Shell::Fish,
    Shell::PowerShell,
    Shell::Elvish,
];

#[derive(Debug, Clone, Args)]
#[command(after_help = "Examples:\n  \
    source <(kubectl sandbox completion bash)\n  \
    kubectl sandbox completion zsh > \"${fpath[1]}/_kubectl-sandbox\"\n  \
    kubectl sandbox completion fish > ~/.config/fish/completions/kubectl-sandbox.fish\n\n\
    For `kubectl sandbox <TAB>`, put kubectl_complete-sandbox on PATH (see the README).")]
pub(crate) struct CompletionArgs {
    /// The shell to print the script for.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// The completion script for `shell`, exactly as committed in `completions/`.
pub(super) fn script(shell: Shell) -> String {
    let mut out = Vec::new();
    // The scripts derive function names from the command's name: it must be one word too.
    let mut command = Cli::command().name(EXECUTABLE);
    clap_complete::generate(shell, &mut command, EXECUTABLE, &mut out);
    let text = String::from_utf8(out).expect("clap_complete writes UTF-8");
    match shell {
        Shell::Bash => fix_bash_hyphenated_name(&text),
        _ => text,
    }
}

/// clap_complete's bash script names a subcommand's state `kubectl__sandbox__subcmd__check`
/// where it walks the words, but labels the matching case arm
/// `kubectl__subcmd__sandbox__subcmd__check`, so no subcommand's flags ever complete when the
/// executable's name has a hyphen (clap-rs/clap#6421). Spell the arms as the walk does.
fn fix_bash_hyphenated_name(text: &str) -> String {
    text.replace(
        "kubectl__subcmd__sandbox__subcmd__",
        "kubectl__sandbox__subcmd__",
    )
}

/// The file name a shell's script is committed under (the name each shell looks for).
pub(super) fn file_name(shell: Shell) -> String {
    clap_complete::Generator::file_name(&shell, EXECUTABLE)
}

pub(super) fn run(args: &CompletionArgs) -> Result<u8, CliError> {
    print!("{}", script(args.shell));
    Ok(crate::exit::OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_complete_the_executable_and_the_subcommands() {
        for shell in SHELLS {
            let text = script(shell);
            assert!(text.contains(EXECUTABLE), "{shell}");
            assert!(text.contains("snapshot"), "{shell}");
            assert!(text.contains("completion"), "{shell}");
        }
    }
}
