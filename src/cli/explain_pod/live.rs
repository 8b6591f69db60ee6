//! `explain-pod` against a live cluster: read the targets (or every top-level workload with
//! `-A`/`-l`), and the context a manifest lacks (namespace labels, RuntimeClasses, the GKE
//! cluster), then run the same engine as `-f`.

use std::io::{self, Write};

use k8s_openapi::api::core::v1::Pod;
use serde_json::Value;

use crate::cli::CliError;
use crate::cli::gather::{Reading, block_on, read_live};
use crate::cli::source_args::SourceArgs;
use crate::dry_run;
use crate::explain::{Context, ObjectReport, Report, Workload, WorkloadKind, WorkloadRef, explain};
use crate::k8s::{self, ListScope};
use crate::manifest::InputError;
use crate::render::explain_stream::{ReportStream, StreamFormat};
use crate::snapshot::{PodScope, Unread};

/// What a live explain-pod reads, from the flags.
pub(super) struct LiveInput<'a> {
    pub source: &'a SourceArgs,
    /// Named targets; none means every workload in scope (`-A`, `-l`).
    pub targets: &'a [WorkloadRef],
    pub namespace: Option<&'a str>,
    pub all_namespaces: bool,
    pub selector: Option<&'a str>,
    /// Also create each workload's sandboxed pod as a dry run (`--server-dry-run`).
    pub server_dry_run: bool,
}

/// Reads what the flags name, explains it and writes each object to `out` as soon as it is
/// explained (`stream`), then the rest of the report; returns the report without its
/// objects (the summary counts them) for the exit code. Errors are for a cluster out of
/// reach; a missing target is an error inside the report (exit 2), like an unreadable
/// manifest.
pub(super) fn explain_live(
    input: &LiveInput,
    format: StreamFormat,
    out: impl Write,
) -> Result<Report, CliError> {
    block_on(live(input, format, out))
}

async fn live(
    input: &LiveInput<'_>,
    format: StreamFormat,
    out: impl Write,
) -> Result<Report, CliError> {
    let choose_scope = |connection: &k8s::Connection| match (input.namespace, input.all_namespaces)
    {
        (_, true) => PodScope::AllNamespaces,
        (Some(namespace), false) => PodScope::Namespace(namespace.to_string()),
        (None, false) => PodScope::Namespace(connection.default_namespace().to_string()),
    };
    // Namespace labels, RuntimeClasses and the GKE cluster come with the read `check` uses.
    let (connection, snapshot) =
        read_live(input.source, choose_scope, Reading::WorkloadContext).await?;
    let namespace = input.namespace.map_or_else(
        || connection.default_namespace().to_string(),
        str::to_string,
    );
    let context = Context::from_snapshot(&snapshot);
    let explainer = Explainer {
        context: &context,
        namespace: &namespace,
        server_dry_run: input.server_dry_run,
    };
    let mut output = Output {
        report: Report::new(&context),
        stream: ReportStream::new(out, format),
        written: Ok(()),
        held: input.server_dry_run.then(Vec::new),
    };
    for part in snapshot.unread() {
        output.report.add_unread(part);
    }
    let errors = if input.targets.is_empty() {
        let scope = &snapshot.pod_scope;
        list_top_level(&connection, scope, input.selector, &explainer, &mut output).await
    } else {
        get_targets(
            &connection,
            &namespace,
            input.targets,
            &explainer,
            &mut output,
        )
        .await
    };
    // `--server-dry-run`: the pods are tried once everything is listed, in list order.
    for Explained { mut object, pod } in output.held.take().unwrap_or_default() {
        if let Some(pod) = pod {
            let admission = k8s::dry_run_pod(&connection, &pod).await;
            // Asked and not answered: incomplete, like a list that could not be read.
            let label = WorkloadRef::new(object.kind, object.name.as_str());
            let place = object.namespace.as_deref().unwrap_or(&namespace);
            if let Some(unread) = admission.unread(&format!("{label} in {place}")) {
                output.report.add_unread(unread);
            }
            dry_run::judge(&mut object, admission);
        }
        output.write(object);
    }
    let Output {
        mut report,
        stream,
        written,
        ..
    } = output;
    report.end_stream(errors);
    // A closed pipe (`| head`) is not an error worth reporting.
    if written.is_ok() {
        let _ = stream.finish(&report);
    }
    Ok(report)
}

/// Where explained workloads go: written out at once, or with `--server-dry-run` held
/// (with the pods to try) until everything is listed. The report keeps what is said once
/// and the counts, not the objects.
struct Output<W: Write> {
    report: Report,
    stream: ReportStream<W>,
    written: io::Result<()>,
    held: Option<Vec<Explained>>,
}

impl<W: Write> Output<W> {
    fn explained(&mut self, explained: Explained) {
        match &mut self.held {
            Some(held) => held.push(explained),
            None => self.write(explained.object),
        }
    }

    fn write(&mut self, object: ObjectReport) {
        self.report.count_streamed(object.verdict);
        if self.written.is_ok() {
            self.written = self.stream.object(&object, &self.report);
        }
    }
}

/// Explains each workload as it is read, so a listed page is dropped once explained.
struct Explainer<'a> {
    context: &'a Context<'a>,
    namespace: &'a str,
    server_dry_run: bool,
}

/// A workload's report row, and its sandboxed pod when `--server-dry-run` will try it.
struct Explained {
    object: ObjectReport,
    pod: Option<Pod>,
}

impl Explainer<'_> {
    fn explain(&self, workload: &Workload, owner: Option<String>) -> Explained {
        let explanation = explain(workload, Some(self.namespace), self.context);
        let mut object = ObjectReport::new(workload, explanation, None, None);
        object.owner = owner;
        let pod = self
            .server_dry_run
            .then(|| dry_run::sandboxed_pod(workload, self.namespace));
        Explained { object, pod }
    }
}

/// Reads and explains each target in turn; returns the targets that could not be read.
async fn get_targets(
    connection: &k8s::Connection,
    namespace: &str,
    targets: &[WorkloadRef],
    explainer: &Explainer<'_>,
    output: &mut Output<impl Write>,
) -> Vec<InputError> {
    let mut errors = Vec::new();
    for target in targets {
        let result = k8s::get_workload(connection, target.kind, namespace, &target.name)
            .await
            .map_err(|error| match error.kind {
                // The object alone is missing: the message says where it was looked for.
                k8s::ErrorKind::NotFound => error.message,
                _ => error.to_string(),
            })
            .and_then(|object| workload_of(&object));
        match result {
            Ok(workload) => output.explained(explainer.explain(&workload, None)),
            Err(message) => errors.push(InputError::new(&target.to_string(), message)),
        }
    }
    errors
}

fn workload_of(object: &Value) -> Result<Workload, String> {
    match Workload::from_value(object) {
        Ok(Some(workload)) => Ok(workload),
        Ok(None) => Err(format!(
            "{} is not a workload kind",
            object["kind"].as_str().unwrap_or("?")
        )),
        Err(e) => Err(e.to_string()),
    }
}

/// Every workload in scope that no listed controller owns: a Deployment explains its
/// ReplicaSets and pods, so they are not explained again. A pod whose controller is not
/// read (a CRD, a ReplicaSet that is gone) is explained itself, naming that owner. Each is
/// explained as its page arrives and handed to `output`; returns the objects that could
/// not be explained.
async fn list_top_level(
    connection: &k8s::Connection,
    scope: &PodScope,
    selector: Option<&str>,
    explainer: &Explainer<'_>,
    output: &mut Output<impl Write>,
) -> Vec<InputError> {
    let explain_one = |kind: WorkloadKind, object: Value| match workload_of(&object) {
        Ok(workload) => {
            let owner = crate::explain::controller(&object).map(owner_label);
            Ok(explainer.explain(&workload, owner))
        }
        Err(message) => {
            let name = object["metadata"]["name"].as_str().unwrap_or_default();
            let label = WorkloadRef::new(kind, name).to_string();
            Err(InputError::new(&label, message))
        }
    };
    let mut errors = Vec::new();
    let outcomes = k8s::list_top_level(
        connection,
        ListScope::of(scope),
        selector,
        k8s::Owned::UnreadOwners,
        explain_one,
        |_, explained| match explained {
            Ok(explained) => output.explained(explained),
            Err(error) => errors.push(error),
        },
    )
    .await;
    for (kind, outcome) in outcomes {
        if let Err(error) = outcome {
            // `deployments`: every workload kind's plural is its name and an `s`.
            let plural = format!("{}s", kind.name().to_ascii_lowercase());
            // A list that could not be read (forbidden) leaves the run incomplete, not invalid.
            output.report.add_unread(Unread::new(plural, &error.gap()));
        }
    }
    errors
}

/// `Rollout/web`, as an ownerReference names its controller.
fn owner_label(owner: &Value) -> String {
    let kind = owner["kind"].as_str().unwrap_or("?");
    let name = owner["name"].as_str().unwrap_or("?");
    format!("{kind}/{name}")
}
