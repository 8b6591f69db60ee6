//! `migrate -f`: the plan for manifest files, and with `-o yaml` the files with exactly
//! the change made, comments and layout kept. No cluster; `--gke-json` tells which node
//! pools are sandbox pools.

use std::collections::BTreeMap;
use std::path::Path;

use crate::cli::CliError;
use crate::cli::gather::read_gke_json;
use crate::cli::source_args::ManifestArgs;
use crate::explain::Context;
use crate::manifest::{InputError, ManifestObject, read_sources};
use crate::migrate::report::{Mode, Report, WorkloadReport};
use crate::migrate::text_edit::{self, LineEdit};
use crate::migrate::{Action, plan};
use crate::selector::LabelSelector;

/// What `-f` reads and plans, from the flags.
pub(super) struct FilesInput<'a> {
    pub manifests: &'a ManifestArgs,
    pub gke_json: Option<&'a Path>,
    pub selector: Option<&'a LabelSelector>,
    /// The namespace of manifests that name none.
    pub namespace: Option<&'a str>,
    /// Plan blocked workloads too.
    pub force: bool,
}

/// The report, and the YAML output: every file's text with the change made.
pub(super) fn migrate_files(input: &FilesInput<'_>) -> Result<(Report, String), CliError> {
    let gke = input.gke_json.map(read_gke_json).transpose()?;
    let context = Context {
        gke: gke.as_ref(),
        ..Context::offline()
    };
    // The edits are made to the very text that was parsed: a file that changed on disk
    // since would misplace them.
    let (set, sources) = read_sources(
        &input.manifests.filenames,
        input.manifests.recursive,
        &mut std::io::stdin().lock(),
    );
    let mut texts: BTreeMap<String, String> = sources
        .into_iter()
        .map(|source| (source.file, source.text))
        .collect();
    let mut report = Report::new(Mode::Plan);
    report.errors = set.errors;
    // Files in the order their objects came, each with its line edits.
    let mut files: Vec<(String, Vec<LineEdit>)> = Vec::new();
    for object in &set.objects {
        if !files.iter().any(|(f, _)| *f == object.file) {
            files.push((object.file.clone(), Vec::new()));
        }
        if !selected(input, object) {
            continue;
        }
        let planned = match plan(&object.value, input.namespace, &context, input.force) {
            Ok(Some(planned)) => planned,
            Ok(None) => continue,
            Err(e) => {
                report
                    .errors
                    .push(InputError::new(&object.file, e.to_string()).at(object.line(), None));
                continue;
            }
        };
        if let Action::Migrate { changes, .. } = &planned.action {
            let text = texts.get(&object.file).map_or("", String::as_str);
            match text_edit::edits_for(object, text, changes) {
                Ok(edits) => {
                    if let Some((_, all)) = files.iter_mut().find(|(f, _)| *f == object.file) {
                        all.extend(edits);
                    }
                }
                Err(why) => report.errors.push(InputError::new(&object.file, why)),
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
            let text = texts.remove(file).unwrap_or_default();
            let mut edited = text_edit::apply(&text, edits);
            if files.len() > 1 && !edited.ends_with('\n') {
                edited.push('\n');
            }
            edited
        })
        .collect::<Vec<_>>()
        .join(&separator(&files));
    // Files ask the cluster nothing: never incomplete.
    report.finish(false);
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

fn selected(input: &FilesInput<'_>, object: &ManifestObject) -> bool {
    let Some(selector) = input.selector else {
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
