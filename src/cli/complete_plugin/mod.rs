//! kubectl's plugin completion protocol: kubectl (>= 1.26) runs `kubectl_complete-sandbox`
//! with the words typed after `kubectl sandbox`, the last one being the word under the cursor
//! (empty after a space). It prints one candidate per line (`value<TAB>description`), then
//! `:N`, N being a cobra ShellCompDirective.
//!
//! What to complete is read from the clap definition of [`Cli`], so subcommands and flags
//! added later complete without changes here. Values come from an argument's possible values
//! (`-o`), its name (`--context`, `-n`, `--untrusted`), its path hint (files) or its value
//! name (`POD`, `TYPE/NAME`); the cluster-backed ones are looked up by [`cluster`].

mod cluster;
mod words;

use std::io::Write;

use clap::CommandFactory;

use super::Cli;
pub use words::{Need, Plan, Scope, plan};

/// cobra's ShellCompDirective bits.
pub mod directive {
    /// Let the shell complete file names when there is no candidate.
    pub const DEFAULT: u32 = 0;
    /// Do not add a space after the candidate (`deployment/` goes on with a name).
    pub const NO_SPACE: u32 = 2;
    /// Never fall back to file names.
    pub const NO_FILE_COMP: u32 = 4;
}

/// One completion candidate and the help shown next to it by shells that show one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub value: String,
    pub description: Option<String>,
}

impl Candidate {
    pub fn plain(value: impl Into<String>) -> Self {
        Candidate {
            value: value.into(),
            description: None,
        }
    }
}

/// Runs as `kubectl_complete-sandbox`: completes the words after `kubectl sandbox`.
/// Completion never fails loudly: an unreachable cluster just means no candidates.
pub fn main() {
    // Lossy: a word that is not UTF-8 cannot start any candidate, and must not panic here.
    let words: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|word| word.to_string_lossy().into_owned())
        .collect();
    let (candidates, directive) = complete(&Cli::command(), &words);
    let mut out = std::io::stdout().lock();
    // A closed pipe (the shell gave up) is not worth reporting.
    let _ = out.write_all(render(&candidates, directive).as_bytes());
}

/// The candidates and directive for `words`, asking the cluster when the plan needs it.
pub fn complete(command: &clap::Command, words: &[String]) -> (Vec<Candidate>, u32) {
    let plan = plan(command, words);
    let values = match &plan.need {
        Need::Fixed(candidates) => candidates.clone(),
        Need::Files => Vec::new(),
        Need::Contexts => cluster::contexts(&plan.scope),
        Need::Namespaces => cluster::namespaces(&plan.scope),
        Need::Pods => cluster::pods(&plan.scope),
        Need::Workloads => cluster::workloads(&plan.scope, &plan.current),
    };
    let candidates = values
        .into_iter()
        .filter(|c| c.value.starts_with(&plan.current))
        .map(|c| Candidate {
            value: format!("{}{}", plan.prefix, c.value),
            description: c.description,
        })
        .collect();
    (candidates, plan.directive())
}

/// The protocol's text: candidates, one per line, then `:DIRECTIVE`.
pub fn render(candidates: &[Candidate], directive: u32) -> String {
    let mut text = String::new();
    for candidate in candidates {
        text.push_str(&candidate.value);
        if let Some(description) = &candidate.description {
            text.push('\t');
            text.push_str(&one_line(description));
        }
        text.push('\n');
    }
    text.push_str(&format!(":{directive}\n"));
    text
}

/// Descriptions must stay on the candidate's line.
fn one_line(text: &str) -> String {
    let first = text.lines().next().unwrap_or_default();
    first.replace('\t', " ").trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_candidates_then_the_directive() {
        let candidates = [
            Candidate {
                value: "json".into(),
                description: Some("JSON report.\nmore".into()),
            },
            Candidate::plain("yaml"),
        ];
        assert_eq!(
            render(&candidates, directive::NO_FILE_COMP),
            "json\tJSON report\nyaml\n:4\n"
        );
    }

    #[test]
    fn output_formats_are_completed_without_the_cluster() {
        let words = ["check", "-o", "j"].map(String::from);
        let (candidates, directive) = complete(&Cli::command(), &words);
        let values: Vec<_> = candidates.iter().map(|c| c.value.as_str()).collect();
        assert_eq!(values, ["json"]);
        assert_eq!(directive, directive::NO_FILE_COMP);
    }

    #[test]
    fn the_equals_form_keeps_the_flag_in_the_candidate() {
        let words = ["check", "--fail-on="].map(String::from);
        let (candidates, _) = complete(&Cli::command(), &words);
        let values: Vec<_> = candidates.iter().map(|c| c.value.as_str()).collect();
        assert_eq!(values, ["--fail-on=fail", "--fail-on=warn"]);
    }
}
