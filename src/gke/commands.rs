//! gcloud commands the tool prints as fixes and may run (migrate `--create-node-pool`).
//! Built as an argv, so running one never goes through a shell; shown shell-quoted.

use super::GkeCluster;

/// The default name for a new sandbox pool.
pub const DEFAULT_SANDBOX_POOL: &str = "gvisor-pool";

/// `gcloud container node-pools create NAME --cluster C --location L --project P
/// --image-type=cos_containerd --sandbox="type=gvisor"` (docs/gke-sandbox.md#node-pools:
/// the remediation command). Without a machine type, gcloud's default applies.
pub fn create_sandbox_pool(
    cluster: &GkeCluster,
    pool_name: &str,
    machine_type: Option<&str>,
) -> Vec<String> {
    let mut extra = vec![
        "--image-type=cos_containerd".to_string(),
        "--sandbox=type=gvisor".to_string(),
    ];
    if let Some(machine_type) = machine_type {
        extra.push(format!("--machine-type={machine_type}"));
    }
    node_pool(cluster, "create", pool_name, &extra)
}

/// `gcloud container clusters VERB CLUSTER --location L --project P EXTRA…`: every cluster
/// command the tool prints names the cluster exactly, wherever the user runs it.
pub fn cluster(cluster: &GkeCluster, verb: &str, extra: &[String]) -> Vec<String> {
    let mut argv = vec!["container".into(), "clusters".into(), verb.into()];
    argv.push(cluster.name.clone());
    argv.extend(location_and_project(cluster));
    argv.extend_from_slice(extra);
    argv
}

/// `gcloud container node-pools VERB POOL --cluster C --location L --project P EXTRA…`.
pub fn node_pool(cluster: &GkeCluster, verb: &str, pool: &str, extra: &[String]) -> Vec<String> {
    let mut argv = vec!["container".into(), "node-pools".into(), verb.into()];
    argv.extend([pool.to_string(), "--cluster".into(), cluster.name.clone()]);
    argv.extend(location_and_project(cluster));
    argv.extend_from_slice(extra);
    argv
}

/// `--location L --project P`; `PROJECT` only when GKE's answer did not say (a saved
/// describe output without selfLink).
fn location_and_project(cluster: &GkeCluster) -> [String; 4] {
    [
        "--location".into(),
        cluster.location.clone(),
        "--project".into(),
        cluster.project.clone().unwrap_or_else(|| "PROJECT".into()),
    ]
}

/// The machine type of the first ordinary pool, so a new sandbox pool matches the
/// cluster's existing capacity by default.
pub fn ordinary_machine_type(cluster: &GkeCluster) -> Option<&str> {
    cluster
        .node_pools
        .iter()
        .find(|p| !p.is_sandbox())
        .and_then(|p| p.machine_type.as_deref())
}

/// `gcloud ARGV…` as a person would type it: arguments with shell-special characters are
/// single-quoted.
pub fn display(argv: &[String]) -> String {
    std::iter::once("gcloud".to_string())
        .chain(argv.iter().map(|a| shell_quote(a)))
        .collect::<Vec<_>>()
        .join(" ")
}

fn shell_quote(arg: &str) -> String {
    let plain = !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@".contains(c));
    if plain {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cluster() -> GkeCluster {
        GkeCluster::from_describe_json(include_str!(
            "../../tests/fixtures/gke/standard-with-sandbox.json"
        ))
        .unwrap()
    }

    #[test]
    fn builds_the_documented_remediation_command() {
        let argv = create_sandbox_pool(&cluster(), "gvisor-pool", Some("e2-standard-4"));
        assert_eq!(
            display(&argv),
            "gcloud container node-pools create gvisor-pool --cluster prod-eu \
             --location europe-west1 --project acme-prod --image-type=cos_containerd \
             --sandbox=type=gvisor --machine-type=e2-standard-4"
        );
    }

    #[test]
    fn copies_the_machine_type_of_an_ordinary_pool() {
        assert_eq!(ordinary_machine_type(&cluster()), Some("e2-standard-4"));
    }

    #[test]
    fn quotes_what_a_shell_would_split() {
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
    }
}
