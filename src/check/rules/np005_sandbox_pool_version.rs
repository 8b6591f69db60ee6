//! NP005: sandbox pools run a node version that supports GKE Sandbox.

use crate::check::{Context, Outcome, Rule, Section};
use crate::gke::{GkeVersion, commands};

pub(super) const RULE: Rule = Rule {
    id: "NP005",
    name: "sandbox-pool-version",
    section: Section::Gke,
    fact: "Minimum node version 1.12.6-gke.8 (docs/gke-sandbox.md#node-version)",
    evaluate,
};

const MINIMUM: GkeVersion = GkeVersion::new(1, 12, 6, 8);

fn evaluate(context: &Context) -> Vec<Outcome> {
    let Some(cluster) = super::standard_cluster(context) else {
        return vec![];
    };
    cluster
        .sandbox_pools()
        .map(|pool| {
            let subject = format!("node pool {}", pool.name);
            let Some(text) = pool.version.as_deref().or(cluster.node_version.as_deref()) else {
                return Outcome::warn(subject, "node version unknown: GKE reported none").fix(
                    format!(
                        "{} shows it",
                        commands::display(&commands::node_pool(
                            cluster,
                            "describe",
                            &pool.name,
                            &["--format=value(version)".into()]
                        ))
                    ),
                );
            };
            let evidence = format!("node pool {}: version {text}", pool.name);
            match text.parse::<GkeVersion>() {
                Ok(version) if version >= MINIMUM => {
                    Outcome::pass(subject, format!("{text} is at least {MINIMUM}"))
                        .evidence(evidence)
                }
                Ok(_) => Outcome::fail(subject, format!("{text} is older than {MINIMUM}"))
                    .evidence(evidence)
                    .fix(commands::display(&commands::cluster(
                        cluster,
                        "upgrade",
                        &["--node-pool".into(), pool.name.clone()],
                    ))),
                Err(why) => Outcome::warn(subject, why).evidence(evidence),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Status;
    use crate::check::rules::fixtures::*;

    fn with_version(version: Option<&str>) -> Vec<Status> {
        let mut s = snapshot();
        let cluster = gke_mut(&mut s);
        cluster.node_version = None;
        cluster.node_pools[1].version = version.map(str::to_string);
        statuses(&run(&RULE, &s))
    }

    #[test]
    fn boundary_is_inclusive() {
        assert_eq!(with_version(Some("1.12.6-gke.8")), [Status::Pass]);
        assert_eq!(with_version(Some("1.12.6-gke.7")), [Status::Fail]);
        assert_eq!(with_version(Some("1.33.5-gke.1201000")), [Status::Pass]);
    }

    #[test]
    fn unreadable_or_missing_version_is_a_warning_not_a_guess() {
        assert_eq!(with_version(Some("weird")), [Status::Warn]);
        assert_eq!(with_version(None), [Status::Warn]);
    }
}
