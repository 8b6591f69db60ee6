//! gVisor behaviour worth a warning before moving a workload (gvisor.dev docs): no iptables
//! `nat` table, and the highest overhead for I/O-heavy work such as databases.

use super::Rule;
use crate::explain::{Context, Effect, Hit, Subject};

pub(super) const NET_ADMIN: Rule = Rule {
    id: "EP030",
    name: "iptables-net-admin",
    fact: "gVisor supports iptables only partly (no `nat` table): egress sidecars that program iptables fail (docs/gke-sandbox.md#iptables)",
    evaluate: net_admin,
};

fn net_admin(subject: &Subject, _: &Context) -> Vec<Hit> {
    let mut hits = Vec::new();
    for c in subject.containers() {
        let added = c
            .security_context
            .and_then(|s| s.capabilities.as_ref())
            .and_then(|caps| caps.add.as_deref())
            .unwrap_or_default();
        for (i, capability) in added.iter().enumerate() {
            let name = capability.trim_start_matches("CAP_");
            if name == "NET_ADMIN" || name == "ALL" {
                hits.push(Hit::new(
                    Effect::Caution,
                    Subject::security_field(&c, "capabilities").key("add").index(i),
                    format!("container `{}` adds {capability}, usually to program iptables; gVisor has no `nat` table", c.name),
                    "check that the container does not redirect traffic with iptables NAT rules (mesh init containers do)",
                ));
            }
        }
    }
    hits
}

pub(super) const IO_HEAVY: Rule = Rule {
    id: "EP031",
    name: "io-heavy",
    fact: "I/O-heavy workloads (databases) pay the most gVisor overhead; running a database sandboxed is not recommended (docs/gke-sandbox.md#io-heavy-workloads)",
    evaluate: io_heavy,
};

/// Image names of common databases and data stores.
const DATABASE_IMAGES: &[&str] = &[
    "postgres",
    "postgresql",
    "postgis",
    "mysql",
    "mariadb",
    "percona",
    "mongo",
    "mongodb",
    "redis",
    "valkey",
    "keydb",
    "cassandra",
    "scylla",
    "elasticsearch",
    "opensearch",
    "etcd",
    "cockroach",
    "clickhouse",
    "influxdb",
    "neo4j",
    "couchdb",
    "couchbase",
];

/// `docker.io/bitnami/postgresql:16@sha256:...` → `postgresql`.
fn image_name(image: &str) -> &str {
    let without_digest = image.split('@').next().unwrap_or(image);
    let last = without_digest.rsplit('/').next().unwrap_or(without_digest);
    last.split(':').next().unwrap_or(last)
}

/// Suffixes that still name the database itself (`redis-stack-server`), unlike tools around
/// it (`redis-exporter`, `postgres-operator`), which are not I/O-heavy.
const SERVER_SUFFIXES: &[&str] = &[
    "",
    "-server",
    "-stack",
    "-stack-server",
    "-cluster",
    "-sentinel",
    "-ha",
];

fn database_of(image: &str) -> Option<&'static str> {
    let name = image_name(image).to_ascii_lowercase();
    DATABASE_IMAGES.iter().copied().find(|db| {
        name.strip_prefix(db)
            .is_some_and(|rest| SERVER_SUFFIXES.contains(&rest))
    })
}

fn io_heavy(subject: &Subject, _: &Context) -> Vec<Hit> {
    subject
        .containers()
        .into_iter()
        .filter_map(|c| {
            let image = c.image?;
            let database = database_of(image)?;
            Some(Hit::new(
                Effect::Caution,
                c.path.key("image"),
                format!("container `{}` runs {database} ({image}): databases are I/O-heavy and pay the most gVisor overhead", c.name),
                "measure before moving it, or keep the database on ordinary nodes and sandbox its untrusted clients",
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::rules::testing::{paths, pod, run};

    #[test]
    fn net_admin_added_dropped_absent() {
        let added = pod(
            "  initContainers: [{name: istio-init, securityContext: {capabilities: {add: [NET_RAW, NET_ADMIN]}}}]\n  containers: [{name: c}]\n",
        );
        assert_eq!(
            paths(&run(&NET_ADMIN, &added)),
            ["spec.initContainers[0].securityContext.capabilities.add[1]"]
        );
        let dropped = pod(
            "  containers: [{name: c, securityContext: {capabilities: {add: [NET_BIND_SERVICE], drop: [NET_ADMIN]}}}]\n",
        );
        assert!(run(&NET_ADMIN, &dropped).is_empty());
        assert!(run(&NET_ADMIN, &pod("  containers: [{name: c}]\n")).is_empty());
    }

    #[test]
    fn database_images_are_recognised() {
        for image in [
            "postgres:16",
            "docker.io/bitnami/postgresql:16.2.0",
            "mysql",
            "mongo@sha256:abc",
            "redis-stack-server:7",
            "quay.io/coreos/etcd:v3.5.0",
        ] {
            assert!(database_of(image).is_some(), "{image}");
        }
        for image in [
            "nginx:1.27",
            "oliver006/redis_exporter",
            "myorg/redis-exporter",
            "postgres-operator:1.10",
            "ghcr.io/acme/shop",
            "postgresqlish",
        ] {
            assert_eq!(database_of(image), None, "{image}");
        }
    }

    #[test]
    fn io_heavy_points_at_the_image() {
        let db = pod("  containers: [{name: db, image: postgres:16}]\n");
        assert_eq!(paths(&run(&IO_HEAVY, &db)), ["spec.containers[0].image"]);
        assert!(
            run(
                &IO_HEAVY,
                &pod("  containers: [{name: web, image: nginx:1.27}]\n")
            )
            .is_empty()
        );
        assert!(run(&IO_HEAVY, &pod("  containers: [{name: web}]\n")).is_empty());
    }
}
