//! GKE's naming rules, checked before any value reaches gcloud.
//!
//! Every value the tool passes to gcloud (project, location, cluster, node pool, machine
//! type) comes from flags or a kubeconfig the user may not have written. gcloud is run with
//! an argv, so a shell cannot split a value; but gcloud itself would read a value starting
//! with `-` as a flag. Accepting only what GKE accepts refuses that and any other surprise.

/// Which value failed and why, worded for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a valid {what}: {rule}")]
pub struct NameError {
    pub what: &'static str,
    pub value: String,
    pub rule: &'static str,
}

fn refuse(what: &'static str, value: &str, rule: &'static str) -> NameError {
    NameError {
        what,
        value: value.to_string(),
        rule,
    }
}

fn is_lower_digit_hyphen(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
}

/// A Google Cloud project id: 6 to 30 lowercase letters, digits or hyphens, starting with a
/// letter and not ending with a hyphen; or the legacy domain-scoped `example.com:project`.
pub(crate) fn validate_project(value: &str) -> Result<(), NameError> {
    const WHAT: &str = "project id";
    const RULE: &str = "use 6 to 30 lowercase letters, digits or hyphens, starting with a \
                        letter and not ending with a hyphen (or the legacy example.com:project form)";
    let project = match value.split_once(':') {
        Some((domain, project)) => {
            if !is_domain(domain) {
                return Err(refuse(WHAT, value, RULE));
            }
            project
        }
        None => value,
    };
    let plain = (6..=30).contains(&project.len())
        && project.starts_with(|c: char| c.is_ascii_lowercase())
        && !project.ends_with('-')
        && project.chars().all(is_lower_digit_hyphen);
    if plain {
        Ok(())
    } else {
        Err(refuse(WHAT, value, RULE))
    }
}

/// The domain of a legacy `example.com:project` id: dot-separated labels of lowercase
/// letters, digits and hyphens, at least two of them.
fn is_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(is_lower_digit_hyphen)
        })
}

/// A GKE location: a region such as `europe-west1` or a zone such as `europe-west1-b`.
pub(crate) fn validate_location(value: &str) -> Result<(), NameError> {
    let parts: Vec<&str> = value.split('-').collect();
    let region_ok = |area: &str, place: &str| {
        let letters = place.trim_end_matches(|c: char| c.is_ascii_digit());
        !area.is_empty()
            && area.chars().all(|c| c.is_ascii_lowercase())
            && !letters.is_empty()
            && letters.len() < place.len()
            && letters.chars().all(|c| c.is_ascii_lowercase())
    };
    let ok = match parts.as_slice() {
        [area, place] => region_ok(area, place),
        [area, place, zone] => {
            region_ok(area, place)
                && zone.len() == 1
                && zone.chars().all(|c| c.is_ascii_lowercase())
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(refuse(
            "location",
            value,
            "use a region like europe-west1 or a zone like europe-west1-b",
        ))
    }
}

const RESOURCE_RULE: &str = "use at most 40 lowercase letters, digits or hyphens, starting with \
                             a letter and ending with a letter or digit";

/// GKE's rule for cluster and node-pool names.
fn validate_resource_name(what: &'static str, value: &str) -> Result<(), NameError> {
    let ok = (1..=40).contains(&value.len())
        && value.starts_with(|c: char| c.is_ascii_lowercase())
        && !value.ends_with('-')
        && value.chars().all(is_lower_digit_hyphen);
    if ok {
        Ok(())
    } else {
        Err(refuse(what, value, RESOURCE_RULE))
    }
}

pub(crate) fn validate_cluster(value: &str) -> Result<(), NameError> {
    validate_resource_name("cluster name", value)
}

pub(crate) fn validate_node_pool(value: &str) -> Result<(), NameError> {
    validate_resource_name("node-pool name", value)
}

/// A Compute Engine machine type such as `e2-standard-4` or `n2-custom-4-8192`.
pub(crate) fn validate_machine_type(value: &str) -> Result<(), NameError> {
    let ok = value.starts_with(|c: char| c.is_ascii_lowercase())
        && value.len() <= 63
        && value.chars().all(is_lower_digit_hyphen);
    if ok {
        Ok(())
    } else {
        Err(refuse(
            "machine type",
            value,
            "use lowercase letters, digits and hyphens, starting with a letter (e.g. e2-standard-4)",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_length_is_6_to_30() {
        assert!(validate_project("abcdef").is_ok());
        assert!(validate_project("abcde").is_err());
        assert!(validate_project(&format!("a{}", "b".repeat(29))).is_ok());
        assert!(validate_project(&format!("a{}", "b".repeat(30))).is_err());
    }

    #[test]
    fn project_starts_with_a_letter_and_does_not_end_with_a_hyphen() {
        assert!(validate_project("acme-prod-1").is_ok());
        assert!(validate_project("1acme-prod").is_err());
        assert!(validate_project("-acme-prod").is_err());
        assert!(validate_project("acme-prod-").is_err());
    }

    #[test]
    fn project_refuses_other_characters() {
        for bad in [
            "Acme-prod",
            "acme_prod",
            "acme prod",
            "acme-prod;ls",
            "acme.prod1",
            "",
        ] {
            assert!(validate_project(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn project_accepts_the_legacy_domain_form() {
        assert!(validate_project("example.com:my-project").is_ok());
        assert!(validate_project("corp.example.com:my-project").is_ok());
        assert!(validate_project("example:my-project").is_err(), "one label");
        assert!(validate_project("example.com:").is_err());
        assert!(validate_project(":my-project").is_err());
        assert!(validate_project("-x.com:my-project").is_err());
        assert!(validate_project("ex_ample.com:my-project").is_err());
    }

    #[test]
    fn locations_are_regions_or_zones() {
        for good in [
            "europe-west1",
            "us-central1",
            "northamerica-northeast2",
            "europe-west1-b",
        ] {
            assert!(validate_location(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "europe",
            "europe-west",
            "europe-1",
            "-west1",
            "europe-west1-",
            "europe-west1-bb",
            "europe-west1-1",
            "Europe-west1",
            "europe-west1-b-c",
            "--project=evil",
        ] {
            assert!(validate_location(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn resource_names_are_at_most_40_and_start_with_a_letter() {
        let forty = format!("a{}", "b".repeat(39));
        assert!(validate_cluster(&forty).is_ok());
        assert!(validate_cluster(&format!("{forty}c")).is_err());
        assert!(validate_cluster("a").is_ok());
        assert!(validate_cluster("").is_err());
        assert!(validate_node_pool("gvisor-pool").is_ok());
        assert!(validate_node_pool("9pool").is_err());
        assert!(validate_node_pool("pool-").is_err());
        assert!(validate_node_pool("Pool").is_err());
        assert!(validate_node_pool("pool_1").is_err());
    }

    #[test]
    fn a_leading_hyphen_never_passes() {
        assert!(validate_cluster("--format=text").is_err());
        assert!(validate_node_pool("-q").is_err());
        assert!(validate_machine_type("--machine-type=x").is_err());
        assert!(validate_project("--impersonate-service-account=x").is_err());
    }

    #[test]
    fn machine_types() {
        for good in ["e2-standard-4", "n2-custom-4-8192", "a"] {
            assert!(validate_machine_type(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "E2-standard-4",
            "e2_standard",
            "e2 standard",
            "4-cpu",
            &"a".repeat(64),
        ] {
            assert!(validate_machine_type(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_message_names_the_value_and_the_rule() {
        let e = validate_cluster("-x").unwrap_err();
        assert_eq!(e.what, "cluster name");
        assert!(
            e.to_string()
                .starts_with("`-x` is not a valid cluster name: ")
        );
    }
}
