//! `explain-pod -o sarif`: SARIF 2.1.0, one result per finding with the file and line of the
//! offending field, so a manifests repository can gate CI on it (GitHub code scanning and
//! other SARIF readers). Unreadable manifests are results too (rule `EP000`), so CI sees
//! them fail rather than pass silently.

use serde_json::{Value, json};

use crate::dry_run::Admission;
use crate::explain::{Effect, ObjectReport, Report, rules};

const SARIF_SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/kubectl-sandbox/kubectl-sandbox";
/// The pseudo-rule for input that could not be read: SARIF results need a rule.
const MANIFEST_ERROR_RULE: &str = "EP000";
/// The pseudo-rules of `--server-dry-run`, after the rules in the table: the cluster's
/// admission refused the sandboxed pod, could not say, or admitted it with a warning.
const ADMISSION_RULES: [(&str, &str, &str, &str); 3] = [
    (
        "AD001",
        "admission-refused",
        "error",
        "The cluster's admission refuses the sandboxed pod (server-side dry run)",
    ),
    (
        "AD002",
        "admission-not-known",
        "warning",
        "The server-side dry run of the sandboxed pod could not tell (forbidden, quota, a webhook without dry run, no answer)",
    ),
    (
        "AD003",
        "admission-warning",
        "note",
        "The cluster's admission admits the sandboxed pod with a warning",
    ),
];

/// Only what stops the pod is an error. What needs the user's check (an uncertain or
/// version-dependent feature, a behaviour change) is a warning; a control gVisor replaces
/// and a signal that is unavailable are notes: nothing to change in the manifest.
fn level(effect: Effect) -> &'static str {
    match effect {
        Effect::Blocks => "error",
        Effect::Uncertain | Effect::VersionDependent | Effect::Caution => "warning",
        Effect::NotEnforced | Effect::Unavailable => "note",
    }
}

/// SARIF wants URIs: a relative path stays relative (code scanning resolves it against
/// the repository), an absolute one becomes a `file://` URI.
fn uri(file: &str) -> String {
    let path = file
        .replace('\\', "/")
        .replace('%', "%25")
        .replace(' ', "%20");
    if path.starts_with('/') {
        format!("file://{path}")
    } else {
        path
    }
}

fn physical(file: &str, line: u32) -> Value {
    json!({
        "artifactLocation": { "uri": uri(file) },
        "region": { "startLine": line.max(1) }
    })
}

fn object_name(object: &ObjectReport) -> String {
    match &object.namespace {
        Some(ns) => format!("{}/{ns}/{}", object.kind, object.name),
        None => format!("{}/{}", object.kind, object.name),
    }
}

fn rule_table() -> Vec<Value> {
    let mut table = vec![json!({
        "id": MANIFEST_ERROR_RULE,
        "name": "manifest-error",
        "shortDescription": { "text": "The manifest could not be read or is not a valid workload" },
        "defaultConfiguration": { "level": "error" }
    })];
    table.extend(rules::ALL.iter().map(|rule| {
        json!({
            "id": rule.id,
            "name": rule.name,
            "shortDescription": { "text": rule.name },
            "fullDescription": { "text": rule.fact },
        })
    }));
    table.extend(ADMISSION_RULES.iter().map(|(id, name, level, text)| {
        json!({
            "id": id,
            "name": name,
            "shortDescription": { "text": text },
            "defaultConfiguration": { "level": level }
        })
    }));
    table
}

/// One result per refusal, limit or warning of the object's server-side dry run.
fn admission_results(object: &ObjectReport, name: &str) -> Vec<Value> {
    let Some(admission) = &object.admission else {
        return Vec::new();
    };
    let texts: Vec<(usize, String)> = match admission {
        Admission::Refused { .. } => vec![(0, admission.summary())],
        Admission::NotKnown { hint, .. } => vec![(1, format!("{}; {hint}", admission.summary()))],
        Admission::Admitted { warnings, .. } => warnings
            .iter()
            .map(|w| (2, format!("admitted, with the warning: {w}")))
            .collect(),
    };
    texts
        .into_iter()
        .map(|(i, text)| {
            let (id, _, level, _) = ADMISSION_RULES[i];
            json!({
                "ruleId": id,
                "ruleIndex": 1 + rules::ALL.len() + i,
                "level": level,
                "message": { "text": format!("{name}: {text}") },
                "locations": [{ "logicalLocations": [{ "fullyQualifiedName": name, "kind": "object" }] }],
                "properties": { "admission": admission, "verdict": object.verdict }
            })
        })
        .collect()
}

fn rule_index(id: &str) -> usize {
    rules::ALL
        .iter()
        .position(|rule| rule.id == id)
        .map_or(0, |i| i + 1)
}

/// The results of one object's findings and admission answer.
pub(crate) fn object_results(object: &ObjectReport) -> Vec<Value> {
    let name = object_name(object);
    let mut results = Vec::new();
    for located in &object.findings {
        let f = &located.finding;
        let mut location = json!({
            "logicalLocations": [{
                "fullyQualifiedName": format!("{name}:{}", f.path),
                "kind": "object"
            }]
        });
        if let (Some(source), Some(line)) = (&object.source, located.line)
            && source.file != "-"
        {
            location["physicalLocation"] = physical(&source.file, line);
        }
        results.push(json!({
            "ruleId": f.id,
            "ruleIndex": rule_index(f.id),
            "level": level(f.effect),
            "message": { "text": format!("{name}: {} ({}). Fix: {}", f.message, f.effect.label(), f.fix) },
            "locations": [location],
            "properties": { "effect": f.effect, "path": f.path, "verdict": object.verdict }
        }));
    }
    results.extend(admission_results(object, &name));
    results
}

/// The report as a SARIF log.
pub(crate) fn render(report: &Report) -> Value {
    let results = report.objects.iter().flat_map(object_results).collect();
    log(report, results)
}

/// The log of `report` with `placeholder`, a string, as its last result: where results
/// written elsewhere (`explain_stream`) go.
pub(crate) fn render_with_placeholder(report: &Report, placeholder: &str) -> Value {
    let mut results: Vec<Value> = report.objects.iter().flat_map(object_results).collect();
    results.push(Value::String(placeholder.to_string()));
    log(report, results)
}

/// The input errors' results, then `results`, in one SARIF log.
fn log(report: &Report, results: Vec<Value>) -> Value {
    let mut all = Vec::new();
    for error in &report.errors {
        let mut result = json!({
            "ruleId": MANIFEST_ERROR_RULE,
            "ruleIndex": 0,
            "level": "error",
            "message": { "text": error.to_string() },
        });
        // Only a parse error has a place in a file; an unreadable file or a missing live
        // object has none, and its message names it.
        if let Some(line) = error.line.filter(|_| error.file != "-") {
            result["locations"] = json!([{ "physicalLocation": physical(&error.file, line) }]);
        }
        all.push(result);
    }
    all.extend(results);
    json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "kubectl-sandbox",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": INFORMATION_URI,
                "rules": rule_table(),
            }},
            "invocations": [{ "executionSuccessful": report.errors.is_empty() }],
            "results": all,
        }]
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::Context;
    use crate::manifest::{InputError, parse_objects};

    #[test]
    fn findings_carry_file_line_and_rule() {
        let objects = parse_objects("k8s/pod.yaml", "kind: Pod\nmetadata: {name: p}\nspec:\n  hostPID: true\n  containers: [{name: c, resources: {limits: {cpu: 1, memory: 1Gi}}}]\n").unwrap();
        let errors = vec![InputError::new("k8s/bad.yaml", "did not parse").at(3, Some(1))];
        let report = Report::from_manifests(&objects, errors, None, None, &Context::offline());
        let sarif = render(&report);
        assert_eq!(sarif["version"], "2.1.0");
        let run = &sarif["runs"][0];
        let results = run["results"].as_array().unwrap();
        assert_eq!(results[0]["ruleId"], "EP000");
        assert_eq!(
            results[0]["locations"][0]["physicalLocation"]["region"]["startLine"],
            3
        );
        let host = &results[1];
        assert_eq!(host["ruleId"], "EP004");
        assert_eq!(host["level"], "error");
        assert_eq!(
            host["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "k8s/pod.yaml"
        );
        assert_eq!(
            host["locations"][0]["physicalLocation"]["region"]["startLine"],
            4
        );
        let index = host["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(run["tool"]["driver"]["rules"][index]["id"], "EP004");
        assert_eq!(run["invocations"][0]["executionSuccessful"], false);
    }

    #[test]
    fn errors_without_a_line_have_no_location() {
        let mut report = Report::new(&Context::offline());
        report.errors = vec![InputError::new(
            "cronjob/gone",
            "not found in namespace batch",
        )];
        let sarif = render(&report);
        let result = &sarif["runs"][0]["results"][0];
        assert!(result.get("locations").is_none());
        assert_eq!(
            result["message"]["text"],
            "cronjob/gone: not found in namespace batch"
        );
    }

    #[test]
    fn a_refused_admission_is_an_error_result_with_the_servers_words() {
        let objects = parse_objects(
            "-",
            "kind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  template:\n    spec:\n      containers: [{name: c, resources: {limits: {cpu: 1, memory: 1Gi}}}]\n",
        )
        .unwrap();
        let mut report =
            Report::from_manifests(&objects, Vec::new(), None, None, &Context::offline());
        let message = "pods is forbidden: violates PodSecurity \"baseline:latest\": host namespaces (hostPID=true)";
        crate::dry_run::judge(
            &mut report.objects[0],
            Admission::from_refusal(message, "shop"),
        );
        let sarif = render(&report);
        let run = &sarif["runs"][0];
        let refused = run["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["ruleId"] == "AD001")
            .expect("a result for the refusal");
        assert_eq!(refused["level"], "error");
        assert!(
            refused["message"]["text"]
                .as_str()
                .unwrap()
                .ends_with(message),
            "{refused}"
        );
        assert_eq!(refused["properties"]["verdict"], "blocked");
        let index = refused["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(run["tool"]["driver"]["rules"][index]["id"], "AD001");
    }

    #[test]
    fn uris_for_relative_and_absolute_paths() {
        assert_eq!(uri("k8s/my app.yaml"), "k8s/my%20app.yaml");
        assert_eq!(uri("/repo/k8s/a.yaml"), "file:///repo/k8s/a.yaml");
    }
}
