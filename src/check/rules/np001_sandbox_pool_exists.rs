//! NP001: the cluster has a node pool with GKE Sandbox enabled.

use crate::check::{Context, Outcome, Rule, Section};
use crate::gke::SandboxSetting;
use crate::gke::commands::{self, DEFAULT_SANDBOX_POOL};
use crate::snapshot::Part;

pub(super) const RULE: Rule = Rule {
    id: "NP001",
    name: "sandbox-pool-exists",
    section: Section::Gke,
    fact: "Sandbox is a node-pool setting: nodePools[].config.sandboxConfig.type == GVISOR \
           (deprecated: sandboxType == gvisor); CIS GKE 5.10.3 \"Consider GKE Sandbox for \
           running untrusted workloads\" (docs/gke-sandbox.md#node-pools)",
    evaluate,
};

fn evaluate(context: &Context) -> Vec<Outcome> {
    let cluster = match &context.snapshot.gke {
        Part::Known(cluster) => cluster,
        // One SKIP stands for every GKE-side rule: they all need the same missing data.
        Part::Unknown(gap) => {
            let mut skip = Outcome::skip("node pools", gap);
            skip.message = format!(
                "{}: GKE-side checks NP001-NP006 and AP001 not run",
                gap.reason
            );
            return vec![skip];
        }
    };
    if cluster.autopilot {
        return vec![];
    }
    let sandbox: Vec<_> = cluster.sandbox_pools().collect();
    if sandbox.is_empty() {
        let argv = commands::create_sandbox_pool(
            cluster,
            DEFAULT_SANDBOX_POOL,
            commands::ordinary_machine_type(cluster),
        );
        let mut outcome = Outcome::fail(
            format!("cluster {}", cluster.name),
            "no node pool has GKE Sandbox enabled: nothing can run under gVisor",
        )
        .fix(commands::display(&argv));
        for pool in &cluster.node_pools {
            outcome = outcome.evidence(format!(
                "node pool {}: config.sandboxConfig not set to gVisor",
                pool.name
            ));
        }
        return vec![outcome];
    }
    sandbox
        .into_iter()
        .map(|pool| {
            let field = match &pool.sandbox {
                SandboxSetting::Gvisor { field } => field.as_str(),
                SandboxSetting::None => unreachable!("filtered to sandbox pools"),
            };
            Outcome::pass(
                format!("node pool {}", pool.name),
                "GKE Sandbox (gVisor) is enabled",
            )
            .evidence(format!("node pool {}: {field} = gvisor", pool.name))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Status;
    use crate::check::rules::fixtures::*;

    #[test]
    fn passes_for_each_sandbox_pool() {
        let out = run(&RULE, &snapshot());
        assert_eq!(statuses(&out), [Status::Pass]);
        assert_eq!(out[0].subject, "node pool gvisor");
    }

    #[test]
    fn fails_with_the_create_command_when_no_pool_is_sandboxed() {
        let mut s = snapshot();
        gke_mut(&mut s).node_pools = vec![ordinary_pool("default-pool")];
        let out = run(&RULE, &s);
        assert_eq!(statuses(&out), [Status::Fail]);
        let fix = out[0].fix.as_deref().unwrap();
        assert!(fix.starts_with("gcloud container node-pools create gvisor-pool --cluster prod"));
        assert!(fix.contains("--image-type=cos_containerd --sandbox=type=gvisor"));
        assert!(fix.contains("--machine-type=e2-standard-4"));
    }

    #[test]
    fn says_which_field_enabled_it() {
        let mut s = snapshot();
        gke_mut(&mut s).node_pools[1].sandbox = SandboxSetting::Gvisor {
            field: "config.sandboxConfig.sandboxType".into(),
        };
        let out = run(&RULE, &s);
        assert_eq!(
            out[0].evidence[0],
            "node pool gvisor: config.sandboxConfig.sandboxType = gvisor"
        );
    }

    #[test]
    fn autopilot_gets_no_node_pool_finding() {
        let mut s = snapshot();
        s.gke = Part::Known(autopilot("1.34.1-gke.1829001"));
        assert!(run(&RULE, &s).is_empty());
    }

    #[test]
    fn skips_with_the_reason_when_gke_is_unknown() {
        let mut s = snapshot();
        s.gke = Part::Unknown(gap());
        let out = run(&RULE, &s);
        assert_eq!(statuses(&out), [Status::Skip]);
        assert!(out[0].message.starts_with("gcloud was not found"));
        assert_eq!(out[0].fix.as_deref(), Some("install the Google Cloud CLI"));
    }
}
