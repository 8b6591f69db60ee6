//! Which clusters make up the fleet: the kubeconfig's contexts (all, or the ones named), or
//! every GKE cluster of a project matched to the contexts that reach it.

use crate::gke::{GkeCluster, GkeTarget, ListedCluster};
use crate::snapshot::{Gap, Part};

/// One kubeconfig context: its name, its cluster entry's name, and that entry's server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KubeContext {
    pub name: String,
    /// GKE names it `gke_PROJECT_LOCATION_CLUSTER`; a renamed context still points at it.
    pub cluster: String,
    pub server: Option<String>,
}

/// One cluster of the fleet: a context to read it through (absent when the kubeconfig has
/// none for a listed GKE cluster), its GKE identity when known, and its GKE side.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Member {
    pub context: Option<String>,
    pub target: Option<GkeTarget>,
    pub gke: Part<GkeCluster>,
}

impl Member {
    /// The GKE cluster name when known, else the context.
    pub(crate) fn name(&self) -> String {
        match (&self.target, &self.context) {
            (Some(target), _) => target.cluster.clone(),
            (None, Some(context)) => context.clone(),
            (None, None) => "(unnamed)".to_string(),
        }
    }

    /// Gives the member its cluster from a project's list, or the gap saying why not.
    /// Members of other projects, or not identified as GKE clusters, are left alone.
    pub(crate) fn attach(&mut self, project: &str, list: &Result<Vec<ListedCluster>, Gap>) {
        let Some(target) = self.target.as_ref().filter(|t| t.project == project) else {
            return;
        };
        self.gke = match list {
            Err(gap) => Part::Unknown(gap.clone()),
            Ok(listed) => listed
                .iter()
                .find(|l| l.cluster.name == target.cluster && l.cluster.location == target.location)
                .map(|l| Part::Known(l.cluster.clone()))
                .unwrap_or_else(|| {
                    Part::Unknown(Gap::new(
                        format!(
                            "GKE cluster {} is not in the cluster list of project {project}, \
                             location {}",
                            target.cluster, target.location
                        ),
                        format!("see what the project has: gcloud container clusters list --project {project}"),
                    ))
                }),
        };
    }
}

/// `--contexts a,b`: those contexts in the order given; `None`: every context.
pub(crate) fn pick_contexts<'a>(
    all: &'a [KubeContext],
    wanted: Option<&[String]>,
) -> Result<Vec<&'a KubeContext>, String> {
    let Some(wanted) = wanted else {
        return Ok(all.iter().collect());
    };
    let mut picked: Vec<&KubeContext> = Vec::new();
    for name in wanted {
        let Some(context) = all.iter().find(|c| &c.name == name) else {
            let available: Vec<&str> = all.iter().map(|c| c.name.as_str()).collect();
            return Err(format!(
                "context `{name}` is not in the kubeconfig (available: {})",
                if available.is_empty() {
                    "none".to_string()
                } else {
                    available.join(", ")
                }
            ));
        };
        if !picked.iter().any(|p| p.name == context.name) {
            picked.push(context);
        }
    }
    Ok(picked)
}

/// One member per context; its GKE identity from the cluster entry's name, its GKE side
/// still to be listed (or never, for a cluster that is not named like GKE's).
pub(crate) fn members_of_contexts(contexts: &[&KubeContext], gke_asked: bool) -> Vec<Member> {
    contexts
        .iter()
        .map(|context| {
            let target = GkeTarget::from_kubeconfig_cluster(&context.cluster);
            let gke = match (&target, gke_asked) {
                // Left out on purpose: never makes the cluster incomplete.
                (_, false) => Part::Unknown(Gap::expected(
                    "GKE was not asked (--no-gke)",
                    "run without --no-gke",
                )),
                (Some(_), true) => Part::Unknown(Gap::new(
                    "the project's cluster list was not read",
                    "run again",
                )),
                (None, true) => Part::Unknown(Gap::new(
                    format!(
                        "the GKE cluster could not be identified: the kubeconfig cluster `{}` \
                         is not named like gke_PROJECT_LOCATION_CLUSTER",
                        context.cluster
                    ),
                    "audit it alone with --project, --location and --cluster",
                )),
            };
            Member {
                context: Some(context.name.clone()),
                target,
                gke,
            }
        })
        .collect()
}

/// One member per listed cluster of `project`, each with the first context that reaches
/// it: by GKE's `gke_PROJECT_LOCATION_CLUSTER` name (of the cluster entry or the context),
/// else by the API server address. A cluster no context reaches has none.
pub(crate) fn members_of_project(
    project: &str,
    listed: &[ListedCluster],
    contexts: &[KubeContext],
) -> Vec<Member> {
    listed
        .iter()
        .map(|entry| {
            let cluster = &entry.cluster;
            let target = GkeTarget {
                project: cluster
                    .project
                    .clone()
                    .unwrap_or_else(|| project.to_string()),
                location: cluster.location.clone(),
                cluster: cluster.name.clone(),
            };
            let gke_name = format!(
                "gke_{}_{}_{}",
                target.project, target.location, target.cluster
            );
            let by_name = contexts
                .iter()
                .find(|c| c.cluster == gke_name || c.name == gke_name);
            let by_endpoint = || {
                let endpoint = entry.endpoint.as_deref()?;
                contexts
                    .iter()
                    .find(|c| c.server.as_deref().and_then(server_host) == Some(endpoint))
            };
            Member {
                context: by_name.or_else(by_endpoint).map(|c| c.name.clone()),
                target: Some(target),
                gke: Part::Known(cluster.clone()),
            }
        })
        .collect()
}

/// What adds a context for `target`, exactly as the user runs it.
pub(crate) fn get_credentials(target: &GkeTarget) -> String {
    format!(
        "gcloud container clusters get-credentials {} --project {} --location {}",
        target.cluster, target.project, target.location
    )
}

/// `https://34.1.2.3:443/` → `34.1.2.3`: the host a GKE `endpoint` is compared with.
fn server_host(server: &str) -> Option<&str> {
    let rest = server.split_once("://").map_or(server, |(_, rest)| rest);
    let authority = rest.split('/').next()?;
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next()?,
        None => authority.split(':').next()?,
    };
    (!host.is_empty()).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context(name: &str, cluster: &str, server: &str) -> KubeContext {
        KubeContext {
            name: name.into(),
            cluster: cluster.into(),
            server: Some(server.into()),
        }
    }

    fn listed(name: &str, location: &str, endpoint: Option<&str>) -> ListedCluster {
        let json = format!(r#"[{{"name":"{name}","location":"{location}","nodePools":[]}}]"#);
        let mut cluster = GkeCluster::list_from_json(&json).unwrap().remove(0);
        cluster.endpoint = endpoint.map(str::to_string);
        cluster
    }

    #[test]
    fn project_clusters_match_contexts_by_gke_name_then_by_endpoint() {
        let contexts = [
            context(
                "prod",
                "gke_acme-prod_europe-west1_prod-eu",
                "https://10.0.0.1",
            ),
            context("renamed", "my-own-name", "https://34.1.2.3:443"),
            context(
                "gke_acme-prod_us-central1_ctx-named",
                "x",
                "https://10.0.0.9",
            ),
        ];
        let listed = [
            listed("prod-eu", "europe-west1", Some("10.9.9.9")),
            listed("by-ip", "us-east1", Some("34.1.2.3")),
            listed("ctx-named", "us-central1", None),
            listed("nobody", "asia-east1", Some("8.8.8.8")),
        ];
        let members = members_of_project("acme-prod", &listed, &contexts);
        let contexts: Vec<Option<&str>> = members.iter().map(|m| m.context.as_deref()).collect();
        assert_eq!(
            contexts,
            [
                Some("prod"),
                Some("renamed"),
                Some("gke_acme-prod_us-central1_ctx-named"),
                None
            ]
        );
        assert!(members.iter().all(|m| m.gke.known().is_some()));
        assert_eq!(
            get_credentials(members[3].target.as_ref().unwrap()),
            "gcloud container clusters get-credentials nobody --project acme-prod --location asia-east1"
        );
    }

    #[test]
    fn server_hosts_drop_scheme_port_and_path() {
        assert_eq!(server_host("https://34.1.2.3"), Some("34.1.2.3"));
        assert_eq!(server_host("https://34.1.2.3:443/x"), Some("34.1.2.3"));
        assert_eq!(
            server_host("https://[2001:db8::1]:443"),
            Some("2001:db8::1")
        );
        assert_eq!(server_host("https://"), None);
    }

    #[test]
    fn named_contexts_must_exist_and_keep_the_given_order() {
        let all = [context("a", "a", "s"), context("b", "b", "s")];
        let picked = pick_contexts(&all, Some(&["b".into(), "a".into(), "b".into()])).unwrap();
        let names: Vec<&str> = picked.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["b", "a"]);
        let error = pick_contexts(&all, Some(&["c".into()])).unwrap_err();
        assert_eq!(
            error,
            "context `c` is not in the kubeconfig (available: a, b)"
        );
        assert_eq!(pick_contexts(&all, None).unwrap().len(), 2);
    }

    #[test]
    fn context_members_get_their_cluster_from_the_projects_list() {
        let contexts = [
            context("prod", "gke_acme-prod_europe-west1_prod-eu", "s"),
            context("gone", "gke_acme-prod_europe-west1_gone", "s"),
            context("other", "gke_elsewhere_europe-west1_x", "s"),
            context("kind", "kind-kind", "s"),
        ];
        let refs: Vec<&KubeContext> = contexts.iter().collect();
        let mut members = members_of_contexts(&refs, true);
        let list = Ok(vec![listed("prod-eu", "europe-west1", None)]);
        for member in &mut members {
            member.attach("acme-prod", &list);
        }
        assert!(members[0].gke.known().is_some());
        let gap = |i: usize| members[i].gke.gap().unwrap().reason.clone();
        assert!(
            gap(1).contains("not in the cluster list of project acme-prod"),
            "{}",
            gap(1)
        );
        assert_eq!(gap(2), "the project's cluster list was not read");
        assert!(gap(3).contains("kind-kind"), "{}", gap(3));
        assert_eq!(members[3].name(), "kind");
        let failed = Err(Gap::new("no login", "gcloud auth login"));
        members[0].attach("acme-prod", &failed);
        assert_eq!(members[0].gke.gap().unwrap().reason, "no login");
    }
}
