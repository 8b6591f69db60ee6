//! Reads the words typed after `kubectl sandbox` against the clap definition: which
//! subcommand they reach, which flags they set, and what the last word should become.
//! No IO: the plan says what to look up, [`super::complete`] looks it up.

use std::path::PathBuf;

use clap::{Arg, ArgAction, Command, ValueHint};

use super::{Candidate, directive};

/// What the word under the cursor can be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Need {
    /// Known without the cluster: subcommands, flags, possible values (or nothing at all).
    Fixed(Vec<Candidate>),
    /// A path: the shell completes file names.
    Files,
    /// Kubeconfig contexts.
    Contexts,
    Namespaces,
    /// Pod names in the namespace of the scope.
    Pods,
    /// `TYPE/NAME`: a workload type first, then that type's objects in the namespace.
    Workloads,
}

/// The connection the typed flags name; unset parts fall back to the kubeconfig's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    pub kubeconfig: Option<PathBuf>,
    pub context: Option<String>,
    pub namespace: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub need: Need,
    /// The part of the last word candidates must start with.
    pub current: String,
    /// Put back before every candidate: `--output=` when the word was `--output=j`.
    pub prefix: String,
    pub scope: Scope,
}

impl Plan {
    pub fn directive(&self) -> u32 {
        match self.need {
            Need::Files => directive::DEFAULT,
            Need::Workloads if !self.current.contains('/') => {
                directive::NO_SPACE | directive::NO_FILE_COMP
            }
            _ => directive::NO_FILE_COMP,
        }
    }
}

/// Plans the completion of the last of `words` (the words after `kubectl sandbox`).
pub fn plan(command: &Command, words: &[String]) -> Plan {
    let mut root = command.clone();
    // Building propagates global flags (`--context`, …) into every subcommand.
    root.build();
    let (current, typed) = match words.split_last() {
        Some((current, typed)) => (current.as_str(), typed),
        None => ("", &[][..]),
    };
    let mut walk = Walk::new(&root);
    for word in typed {
        walk.step(word);
    }
    walk.finish(current)
}

struct Walk<'a> {
    command: &'a Command,
    scope: Scope,
    /// Flags already given to the current command, not offered again unless repeatable.
    used: Vec<&'a str>,
    positionals: usize,
    /// A flag whose value is the next word.
    pending: Option<&'a Arg>,
    after_double_dash: bool,
}

impl<'a> Walk<'a> {
    fn new(command: &'a Command) -> Self {
        Walk {
            command,
            scope: Scope::default(),
            used: Vec::new(),
            positionals: 0,
            pending: None,
            after_double_dash: false,
        }
    }

    fn step(&mut self, word: &str) {
        if let Some(arg) = self.pending.take() {
            self.record(arg, word);
        } else if self.after_double_dash {
            self.positionals += 1;
        } else if word == "--" {
            self.after_double_dash = true;
        } else if let Some(body) = word.strip_prefix("--") {
            let (name, value) = match body.split_once('=') {
                Some((name, value)) => (name, Some(value)),
                None => (body, None),
            };
            if let Some(arg) = find_long(self.command, name) {
                self.flag(arg, value);
            }
        } else if let Some(shorts) = word.strip_prefix('-').filter(|s| !s.is_empty()) {
            self.shorts(shorts);
        } else if let Some(sub) = self
            .command
            .find_subcommand(word)
            .filter(|_| self.positionals == 0)
        {
            self.command = sub;
            self.used.clear();
        } else {
            self.positionals += 1;
        }
    }

    /// `-A`, `-nkube-system`, `-n=kube-system`: flags grouped after one dash.
    fn shorts(&mut self, shorts: &str) {
        for (at, letter) in shorts.char_indices() {
            let Some(arg) = self
                .command
                .get_arguments()
                .find(|a| a.get_short() == Some(letter))
            else {
                return;
            };
            if takes_value(arg) {
                let rest = &shorts[at + letter.len_utf8()..];
                let rest = rest.strip_prefix('=').unwrap_or(rest);
                self.flag(arg, Some(rest).filter(|r| !r.is_empty()));
                return;
            }
            self.flag(arg, None);
        }
    }

    fn flag(&mut self, arg: &'a Arg, value: Option<&str>) {
        self.used.push(arg.get_id().as_str());
        if takes_value(arg) {
            match value {
                Some(value) => self.record(arg, value),
                None => self.pending = Some(arg),
            }
        }
    }

    /// Keeps the values that say which cluster and namespace to ask.
    fn record(&mut self, arg: &Arg, value: &str) {
        match arg.get_id().as_str() {
            "kubeconfig" => self.scope.kubeconfig = Some(PathBuf::from(value)),
            "context" => self.scope.context = Some(value.to_owned()),
            "namespace" => self.scope.namespace = Some(value.to_owned()),
            _ => {}
        }
    }

    fn finish(self, current: &str) -> Plan {
        let plan = |need, current: &str, prefix: &str| Plan {
            need,
            current: current.to_owned(),
            prefix: prefix.to_owned(),
            scope: self.scope.clone(),
        };
        if let Some(arg) = self.pending {
            return plan(value_need(arg), current, "");
        }
        if !self.after_double_dash && current.starts_with('-') {
            if let Some((name, value)) = current.strip_prefix("--").and_then(|b| b.split_once('='))
            {
                let need = find_long(self.command, name)
                    .filter(|arg| takes_value(arg))
                    .map_or(Need::Fixed(Vec::new()), value_need);
                return plan(need, value, &format!("--{name}="));
            }
            return plan(Need::Fixed(self.flags(current)), current, "");
        }
        let subcommands = subcommands(self.command);
        if !subcommands.is_empty() && self.positionals == 0 {
            return plan(Need::Fixed(subcommands), current, "");
        }
        let need =
            positional(self.command, self.positionals).map_or(Need::Fixed(Vec::new()), value_need);
        plan(need, current, "")
    }

    fn flags(&self, current: &str) -> Vec<Candidate> {
        let offer_shorts = !current.starts_with("--");
        let mut candidates = Vec::new();
        for arg in self.command.get_arguments() {
            if arg.is_positional() || arg.is_hide_set() {
                continue;
            }
            let repeatable = matches!(arg.get_action(), ArgAction::Append | ArgAction::Count);
            if !repeatable && self.used.contains(&arg.get_id().as_str()) {
                continue;
            }
            let description = arg.get_help().map(ToString::to_string);
            if let Some(long) = arg.get_long() {
                candidates.push(Candidate {
                    value: format!("--{long}"),
                    description: description.clone(),
                });
            }
            if let Some(short) = arg.get_short().filter(|_| offer_shorts) {
                candidates.push(Candidate {
                    value: format!("-{short}"),
                    description,
                });
            }
        }
        candidates
    }
}

fn find_long<'a>(command: &'a Command, name: &str) -> Option<&'a Arg> {
    command
        .get_arguments()
        .find(|arg| arg.get_long() == Some(name))
}

fn takes_value(arg: &Arg) -> bool {
    arg.get_action().takes_values()
}

fn subcommands(command: &Command) -> Vec<Candidate> {
    command
        .get_subcommands()
        .filter(|sub| !sub.is_hide_set())
        .map(|sub| Candidate {
            value: sub.get_name().to_owned(),
            description: sub.get_about().map(ToString::to_string),
        })
        .collect()
}

/// The positional argument the next free word fills; a last one that takes several values
/// keeps taking them.
fn positional(command: &Command, index: usize) -> Option<&Arg> {
    let positionals: Vec<&Arg> = command.get_positionals().collect();
    positionals.get(index).copied().or_else(|| {
        positionals
            .last()
            .copied()
            .filter(|arg| arg.get_num_args().is_some_and(|n| n.max_values() > 1))
    })
}

/// What an argument's value can be, from its possible values, name, path hint or value name.
fn value_need(arg: &Arg) -> Need {
    let possible = arg.get_possible_values();
    if !possible.is_empty() {
        return Need::Fixed(
            possible
                .iter()
                .filter(|value| !value.is_hide_set())
                .map(|value| Candidate {
                    value: value.get_name().to_owned(),
                    description: value.get_help().map(ToString::to_string),
                })
                .collect(),
        );
    }
    let value_names: Vec<&str> = arg
        .get_value_names()
        .unwrap_or_default()
        .iter()
        .map(|name| name.as_str())
        .collect();
    let named = |name: &str| value_names.contains(&name);
    if arg.get_id() == "context" {
        Need::Contexts
    } else if named("NAMESPACE") {
        Need::Namespaces
    } else if named("POD") {
        Need::Pods
    } else if named("TYPE/NAME") || named("WORKLOAD") {
        Need::Workloads
    } else if matches!(
        arg.get_value_hint(),
        ValueHint::AnyPath | ValueHint::FilePath | ValueHint::DirPath
    ) {
        Need::Files
    } else {
        Need::Fixed(Vec::new())
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;
    use crate::cli::Cli;

    fn plan_for(words: &[&str]) -> Plan {
        let words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        plan(&Cli::command(), &words)
    }

    fn offered(plan: &Plan) -> Vec<String> {
        match &plan.need {
            Need::Fixed(candidates) => candidates.iter().map(|c| c.value.clone()).collect(),
            other => panic!("expected fixed candidates, got {other:?}"),
        }
    }

    #[test]
    fn the_scope_follows_every_flag_spelling() {
        let plan = plan_for(&[
            "check",
            "--kubeconfig",
            "/tmp/kc",
            "--context=prod",
            "-nkube-system",
            "-o",
            "",
        ]);
        assert_eq!(
            plan.scope,
            Scope {
                kubeconfig: Some(PathBuf::from("/tmp/kc")),
                context: Some("prod".into()),
                namespace: Some("kube-system".into()),
            }
        );
        assert_eq!(offered(&plan), ["table", "json", "yaml"]);
    }

    #[test]
    fn flags_given_once_are_not_offered_again_but_repeatable_ones_are() {
        let flags = offered(&plan_for(&[
            "check",
            "-o",
            "json",
            "--untrusted",
            "a",
            "--",
        ]));
        assert!(!flags.contains(&"--output".to_owned()), "{flags:?}");
        assert!(flags.contains(&"--untrusted".to_owned()), "{flags:?}");
        assert!(
            flags.iter().all(|f| f.starts_with("--")),
            "no short flags after --"
        );
    }

    #[test]
    fn values_are_planned_by_what_the_argument_is() {
        assert_eq!(plan_for(&["check", "--context", ""]).need, Need::Contexts);
        assert_eq!(plan_for(&["check", "-n", ""]).need, Need::Namespaces);
        assert_eq!(
            plan_for(&["check", "--untrusted", ""]).need,
            Need::Namespaces
        );
        assert_eq!(
            plan_for(&["snapshot", "--kubeconfig", ""]).need,
            Need::Files
        );
        assert_eq!(
            plan_for(&["check", "--project", ""]).need,
            Need::Fixed(Vec::new())
        );
    }

    #[test]
    fn past_a_subcommand_no_subcommand_is_offered() {
        assert_eq!(offered(&plan_for(&["version", ""])), Vec::<String>::new());
        assert_eq!(
            plan_for(&["version", ""]).directive(),
            directive::NO_FILE_COMP
        );
    }
}
