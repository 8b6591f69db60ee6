//! `migrate -f`: the plan for manifest files, and with `-o yaml` the files with exactly
//! the change made, comments and layout kept. No cluster; `--gke-json` tells which node
//! pools are sandbox pools.

use std::collections::BTreeMap;
use std::io::Read;

use super::CliError;
use super::MigrateArgs;
use crate::cli::gather::read_gke_json;
use crate::explain::Context;
use crate::manifest::{ManifestError, ManifestObject, read_sources};
use crate::migrate::report::{Mode, Report, WorkloadReport};
use crate::migrate::text_edit::{self, LineEdit};
use crate::migrate::{Action, plan};

/// The report, and the YAML output: every file's text with the change made.
pub fn migrate_files(args: &MigrateArgs) -> Result<(Report, String), CliError> {
    let gke = args
        .source
        .gke_json
        .as_deref()
        .map(read_gke_json)
        .transpose()?;
    let context = Context {
        gke: gke.as_ref(),
        ..Context::offline()
    };
    // Stdin is read here, once, so its text is still at hand for the edit.
    let mut stdin_text = String::new();
    if args
        .manifests
        .filenames
        .iter()
        .any(|f| f.as_os_str() == "-")
    {
        std::io::stdin()
            .read_to_string(&mut stdin_text)
            .map_err(|e| CliError::usage(format!("cannot read stdin: {e}")))?;
    }
    let set = read_sources(
        &args.manifests.filenames,
        args.manifests.recursive,
        &mut stdin_text.as_bytes(),
    );
    let mut report = Report::new(Mode::Plan);
    report.errors = set.errors;
    // Files in the order their objects came, each with its line edits.
    let mut files: Vec<(String, Vec<LineEdit>)> = Vec::new();
    let mut texts: BTreeMap<String, String> = BTreeMap::new();
    for object in &set.objects {
        if !files.iter().any(|(f, _)| *f == object.file) {
            files.push((object.file.clone(), Vec::new()));
        }
        if !selected(args, object) {
            continue;
        }
        let planned = match plan(
            &object.value,
            args.namespace.as_deref(),
            &context,
            args.force,
        ) {
            Ok(Some(planned)) => planned,
            Ok(None) => continue,
            Err(e) => {
                report
                    .errors
                    .push(ManifestError::new(&object.file, e.to_string()).at(object.line(), None));
                continue;
            }
        };
        if let Action::Migrate { changes, .. } = &planned.action {
            let text = texts
                .entry(object.file.clone())
                .or_insert_with(|| file_text(&object.file, &stdin_text));
            match text_edit::edits_for(object, text, changes) {
                Ok(edits) => {
                    if let Some((_, all)) = files.iter_mut().find(|(f, _)| *f == object.file) {
                        all.extend(edits);
                    }
                }
                Err(why) => report.errors.push(ManifestError::new(&object.file, why)),
            }
        }
        let mut row = WorkloadReport::new(planned);
        row.file = Some(object.file.clone());
        row.line = Some(object.line());
        report.workloads.push(row);
    }
    let yaml = files
        .iter()
        .map(|(file, edits)| {
            let text = texts
                .remove(file)
                .unwrap_or_else(|| file_text(file, &stdin_text));
            let mut edited = text_edit::apply(&text, edits);
            if files.len() > 1 && !edited.ends_with('\n') {
                edited.push('\n');
            }
            edited
        })
        .collect::<Vec<_>>()
        .join(&separator(&files));
    report.finish();
    Ok((report, yaml))
}

/// Between two files' texts: a document marker, so the output stays one YAML stream.
fn separator(files: &[(String, Vec<LineEdit>)]) -> String {
    if files.len() > 1 {
        "---\n".to_string()
    } else {
        String::new()
    }
}

fn selected(args: &MigrateArgs, object: &ManifestObject) -> bool {
    let Some(selector) = &args.selector else {
        return true;
    };
    let labels = object.value["metadata"]["labels"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
        .collect();
    selector.matches(&labels)
}

/// A file's text again (it parsed a moment ago), or stdin's for `-`.
fn file_text(file: &str, stdin_text: &str) -> String {
    if file == "-" {
        return stdin_text.to_string();
    }
    std::fs::read_to_string(file).unwrap_or_default()
}
