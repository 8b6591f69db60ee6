//! NP002: every sandbox pool runs the Container-Optimized OS with containerd image.

use crate::check::{Context, Outcome, Rule, Section};

pub(super) const RULE: Rule = Rule {
    id: "NP002",
    name: "sandbox-pool-image",
    section: Section::Gke,
    fact: "A sandbox pool needs the image COS_CONTAINERD (config.imageType, case-insensitive) \
           (docs/gke-sandbox.md#node-image)",
    evaluate,
};

const REQUIRED_IMAGE: &str = "COS_CONTAINERD";

fn evaluate(context: &Context) -> Vec<Outcome> {
    let Some(cluster) = super::standard_cluster(context) else {
        return vec![];
    };
    cluster
        .sandbox_pools()
        .map(|pool| {
            let subject = format!("node pool {}", pool.name);
            let image = pool.image_type.as_deref().unwrap_or("(not set)");
            let evidence = format!("node pool {}: config.imageType = {image}", pool.name);
            if image.eq_ignore_ascii_case(REQUIRED_IMAGE) {
                Outcome::pass(subject, "uses COS_CONTAINERD").evidence(evidence)
            } else {
                Outcome::fail(subject, format!("image {image} cannot run GKE Sandbox"))
                    .evidence(evidence)
                    .fix(format!(
                        "the image cannot be changed on a sandbox pool: create a new one with \
                         --image-type=cos_containerd, move the workloads, then delete {}",
                        pool.name
                    ))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Status;
    use crate::check::rules::fixtures::*;

    #[test]
    fn passes_cos_containerd_in_any_case() {
        let mut s = snapshot();
        gke_mut(&mut s).node_pools[1].image_type = Some("cos_containerd".into());
        assert_eq!(statuses(&run(&RULE, &s)), [Status::Pass]);
    }

    #[test]
    fn fails_other_images_and_missing_image() {
        for image in [Some("UBUNTU_CONTAINERD"), None] {
            let mut s = snapshot();
            gke_mut(&mut s).node_pools[1].image_type = image.map(str::to_string);
            let out = run(&RULE, &s);
            assert_eq!(statuses(&out), [Status::Fail], "{image:?}");
        }
    }

    #[test]
    fn ignores_ordinary_pools_whatever_their_image() {
        let mut s = snapshot();
        gke_mut(&mut s).node_pools[0].image_type = Some("UBUNTU_CONTAINERD".into());
        assert_eq!(statuses(&run(&RULE, &s)), [Status::Pass]);
    }
}
