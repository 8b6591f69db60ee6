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
    let mut argv: Vec<String> = [
        "container",
        "node-pools",
        "create",
        pool_name,
        "--cluster",
        &cluster.name,
        "--location",
        &cluster.location,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    argv.push("--project".into());
    argv.push(cluster.project.clone().unwrap_or_else(|| "PROJECT".into()));
    argv.push("--image-type=cos_containerd".into());
    argv.push("--sandbox=type=gvisor".into());
    if let Some(machine_type) = machine_type {
        argv.push(format!("--machine-type={machine_type}"));
    }
    argv
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
