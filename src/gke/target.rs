//! Which GKE cluster to describe: from flags, or from the kubeconfig context's cluster.

use super::names::{self, NameError};
use crate::snapshot::Gap;

/// A GKE cluster's identity: what `gcloud container clusters describe` needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GkeTarget {
    pub project: String,
    pub location: String,
    pub cluster: String,
}

/// `--project`, `--location` and `--cluster` as the user gave them (any may be absent).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TargetFlags {
    pub project: Option<String>,
    pub location: Option<String>,
    pub cluster: Option<String>,
}

/// The prefix of the kubeconfig cluster entries `gcloud container clusters get-credentials`
/// writes: `gke_PROJECT_LOCATION_CLUSTER`.
const KUBECONFIG_PREFIX: &str = "gke_";

impl GkeTarget {
    /// Reads `gke_PROJECT_LOCATION_CLUSTER`. None of the three may contain `_`, so the name
    /// splits unambiguously; anything else (or a part GKE would not accept) is None.
    pub fn from_kubeconfig_cluster(name: &str) -> Option<GkeTarget> {
        let rest = name.strip_prefix(KUBECONFIG_PREFIX)?;
        let mut parts = rest.split('_');
        let target = GkeTarget {
            project: parts.next()?.to_string(),
            location: parts.next()?.to_string(),
            cluster: parts.next()?.to_string(),
        };
        if parts.next().is_some() || target.validate().is_err() {
            return None;
        }
        Some(target)
    }

    /// Checks every part against GKE's naming rules, so nothing reaches gcloud that it could
    /// read as a flag.
    pub fn validate(&self) -> Result<(), NameError> {
        names::validate_project(&self.project)?;
        names::validate_location(&self.location)?;
        names::validate_cluster(&self.cluster)
    }

    /// Explicit flags win; a missing flag is filled from the kubeconfig cluster entry's name
    /// (the caller passes the cluster entry, not the context: contexts can be renamed).
    pub fn resolve(
        flags: &TargetFlags,
        kubeconfig_cluster: Option<&str>,
    ) -> Result<GkeTarget, Gap> {
        let inferred = kubeconfig_cluster.and_then(GkeTarget::from_kubeconfig_cluster);
        let pick = |flag: &Option<String>, from_name: fn(&GkeTarget) -> &String| {
            flag.clone()
                .or_else(|| inferred.as_ref().map(|t| from_name(t).clone()))
        };
        let project = pick(&flags.project, |t| &t.project);
        let location = pick(&flags.location, |t| &t.location);
        let cluster = pick(&flags.cluster, |t| &t.cluster);
        let (Some(project), Some(location), Some(cluster)) = (project, location, cluster) else {
            return Err(unidentified(flags, kubeconfig_cluster));
        };
        let target = GkeTarget {
            project,
            location,
            cluster,
        };
        let checks = [
            (
                "--project",
                &flags.project,
                names::validate_project(&target.project),
            ),
            (
                "--location",
                &flags.location,
                names::validate_location(&target.location),
            ),
            (
                "--cluster",
                &flags.cluster,
                names::validate_cluster(&target.cluster),
            ),
        ];
        for (flag, given, check) in checks {
            check.map_err(|e| invalid(&e, flag, given.is_some()))?;
        }
        Ok(target)
    }
}

/// The cluster could not be identified: name exactly the flags still missing.
fn unidentified(flags: &TargetFlags, kubeconfig_cluster: Option<&str>) -> Gap {
    let missing: Vec<&str> = [
        (flags.project.is_none(), "--project PROJECT"),
        (flags.location.is_none(), "--location LOCATION"),
        (flags.cluster.is_none(), "--cluster NAME"),
    ]
    .into_iter()
    .filter_map(|(missing, flag)| missing.then_some(flag))
    .collect();
    let reason = match kubeconfig_cluster {
        Some(name) => format!(
            "the GKE cluster could not be identified: the kubeconfig cluster `{name}` is not \
             named like gke_PROJECT_LOCATION_CLUSTER"
        ),
        None => "the GKE cluster could not be identified: no kubeconfig cluster to infer it from"
            .to_string(),
    };
    Gap::new(
        reason,
        format!(
            "pass {} (or --gke-json FILE with saved `gcloud container clusters describe \
             --format json` output)",
            missing.join(" ")
        ),
    )
}

/// A value breaks GKE's naming rules: say which flag to fix, or that it came from kubeconfig.
fn invalid(error: &NameError, flag: &str, given: bool) -> Gap {
    let hint = if given {
        format!("fix {flag}")
    } else {
        format!("the value came from the kubeconfig cluster name; pass {flag} explicitly")
    };
    Gap::new(format!("refusing to run gcloud: {error}"), hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(project: &str, location: &str, cluster: &str) -> GkeTarget {
        GkeTarget {
            project: project.into(),
            location: location.into(),
            cluster: cluster.into(),
        }
    }

    fn flags(project: Option<&str>, location: Option<&str>, cluster: Option<&str>) -> TargetFlags {
        TargetFlags {
            project: project.map(Into::into),
            location: location.map(Into::into),
            cluster: cluster.map(Into::into),
        }
    }

    #[test]
    fn parses_the_name_gke_writes() {
        assert_eq!(
            GkeTarget::from_kubeconfig_cluster("gke_acme-prod_europe-west1_prod-eu"),
            Some(target("acme-prod", "europe-west1", "prod-eu"))
        );
        assert_eq!(
            GkeTarget::from_kubeconfig_cluster("gke_acme-prod_europe-west1-b_c1"),
            Some(target("acme-prod", "europe-west1-b", "c1"))
        );
        assert_eq!(
            GkeTarget::from_kubeconfig_cluster("gke_example.com:acme-prod_us-central1_c1"),
            Some(target("example.com:acme-prod", "us-central1", "c1"))
        );
    }

    #[test]
    fn anything_else_is_none() {
        for name in [
            "prod-eu",
            "kind-kind",
            "gke_",
            "gke_acme-prod_europe-west1",
            "gke_acme-prod_europe-west1_prod-eu_extra",
            "gke_acme-prod_europe-west1_Prod",
            "gke_acme-prod_europe_prod-eu",
            "gke_acme_europe-west1_prod-eu",
            "gke_acme-prod_europe-west1_-q",
            "arn:aws:eks:eu-west-1:123:cluster/x",
        ] {
            assert_eq!(GkeTarget::from_kubeconfig_cluster(name), None, "{name}");
        }
    }

    #[test]
    fn flags_win_over_the_kubeconfig_name() {
        let t = GkeTarget::resolve(
            &flags(Some("other-proj"), Some("us-east1"), Some("c2")),
            Some("gke_acme-prod_europe-west1_prod-eu"),
        )
        .unwrap();
        assert_eq!(t, target("other-proj", "us-east1", "c2"));
    }

    #[test]
    fn missing_flags_are_filled_from_the_kubeconfig_name() {
        let t = GkeTarget::resolve(
            &flags(None, Some("europe-west1-b"), None),
            Some("gke_acme-prod_europe-west1_prod-eu"),
        )
        .unwrap();
        assert_eq!(t, target("acme-prod", "europe-west1-b", "prod-eu"));
    }

    #[test]
    fn all_three_flags_need_no_kubeconfig() {
        let t = GkeTarget::resolve(
            &flags(Some("acme-prod"), Some("europe-west1"), Some("c")),
            None,
        )
        .unwrap();
        assert_eq!(t, target("acme-prod", "europe-west1", "c"));
    }

    #[test]
    fn unidentified_names_exactly_the_missing_flags() {
        let gap = GkeTarget::resolve(&flags(Some("acme-prod"), None, None), Some("kind-kind"))
            .unwrap_err();
        assert!(gap.reason.contains("`kind-kind`"), "{}", gap.reason);
        assert!(
            gap.hint
                .starts_with("pass --location LOCATION --cluster NAME "),
            "{}",
            gap.hint
        );
        assert!(!gap.hint.contains("--project"), "{}", gap.hint);
        let gap = GkeTarget::resolve(&TargetFlags::default(), None).unwrap_err();
        assert!(
            gap.hint
                .starts_with("pass --project PROJECT --location LOCATION --cluster NAME "),
            "{}",
            gap.hint
        );
    }

    #[test]
    fn a_flag_that_looks_like_a_flag_is_refused() {
        let gap = GkeTarget::resolve(
            &flags(None, None, Some("--impersonate-service-account=x")),
            Some("gke_acme-prod_europe-west1_prod-eu"),
        )
        .unwrap_err();
        assert!(
            gap.reason
                .starts_with("refusing to run gcloud: `--impersonate"),
            "{}",
            gap.reason
        );
        assert_eq!(gap.hint, "fix --cluster");
        let gap = GkeTarget::resolve(&flags(Some("-p"), Some("europe-west1"), Some("c")), None)
            .unwrap_err();
        assert_eq!(gap.hint, "fix --project");
        let gap = GkeTarget::resolve(
            &flags(None, Some("mars"), None),
            Some("gke_acme-prod_europe-west1_c"),
        )
        .unwrap_err();
        assert_eq!(gap.hint, "fix --location");
    }
}
