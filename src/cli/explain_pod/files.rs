//! `explain-pod -f`: manifests from files, directories or stdin, explained without a
//! cluster; `--gke-json` stands in for what the cluster would tell.

use std::io::Write;
use std::path::Path;

use crate::cli::CliError;
use crate::cli::gather::read_gke_json;
use crate::cli::source_args::ManifestArgs;
use crate::explain::{Context, ManifestExplainer, Report};
use crate::manifest::stream_sources;
use crate::render::explain_stream::{ReportStream, StreamFormat};
use crate::selector::LabelSelector;

/// What `-f` reads and how, from the flags.
pub(super) struct FilesInput<'a> {
    pub manifests: &'a ManifestArgs,
    pub gke_json: Option<&'a Path>,
    pub selector: Option<&'a LabelSelector>,
    /// The namespace of manifests that name none.
    pub namespace: Option<&'a str>,
}

/// Explains every object of the manifests and writes each to `out` as soon as its batch
/// is explained (`stream`), then the rest of the report; returns the report without its
/// objects (the summary counts them) for the exit code.
pub(super) fn explain_files(
    input: &FilesInput,
    format: StreamFormat,
    out: impl Write,
) -> Result<Report, CliError> {
    let gke = input.gke_json.map(read_gke_json).transpose()?;
    let context = Context {
        gke: gke.as_ref(),
        ..Context::offline()
    };
    let explainer = ManifestExplainer {
        selector: input.selector,
        default_namespace: input.namespace,
        context: &context,
    };
    let mut report = Report::new(&context);
    let mut stream = ReportStream::new(out, format);
    let mut entries = 0usize;
    // A closed pipe (`| head`) is not an error worth reporting: the run still ends with
    // the exit code its verdicts give.
    let mut written = Ok(());
    let errors = stream_sources(
        &input.manifests.filenames,
        input.manifests.recursive,
        &mut std::io::stdin().lock(),
        |object| explainer.explain(&object),
        |entry| {
            entries += 1;
            if let Some(object) = report.add_streamed(entry)
                && written.is_ok()
            {
                written = stream.object(&object, &report);
            }
        },
    );
    // A gate pointed at the wrong path must not pass forever on "0 objects explained".
    // Nothing was written: only an explained object writes.
    if entries == 0 && errors.is_empty() {
        let paths: Vec<String> = input
            .manifests
            .filenames
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        return Err(
            CliError::usage(format!("no objects in {}", paths.join(", "))).hint(
                "check the path; a directory is read for .yaml, .yml and .json files (-R descends)",
            ),
        );
    }
    report.end_stream(errors);
    if written.is_ok() {
        let _ = stream.finish(&report);
    }
    Ok(report)
}
