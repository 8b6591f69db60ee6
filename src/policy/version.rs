//! Whether a cluster serves ValidatingAdmissionPolicy as GA: admissionregistration.k8s.io/v1
//! since Kubernetes 1.30. `--apply` reads `/version` and refuses older clusters.

/// The first Kubernetes 1.x minor with ValidatingAdmissionPolicy GA.
pub(crate) const MINIMUM_MINOR: u32 = 30;

/// `Ok(())` when `git_version` (`v1.33.2-gke.1000`) is at least 1.30, otherwise the
/// reason. A version that does not parse is refused too: applying to an unknown version
/// could fail halfway.
pub(crate) fn supports_policies(git_version: &str) -> Result<(), String> {
    let numbers = git_version.trim().trim_start_matches('v');
    let mut parts = numbers.split(['.', '-', '+']);
    let major = parts.next().and_then(|p| p.parse::<u32>().ok());
    let minor = parts.next().and_then(|p| p.parse::<u32>().ok());
    match (major, minor) {
        (Some(major), Some(minor)) if major > 1 || (major == 1 && minor >= MINIMUM_MINOR) => Ok(()),
        (Some(major), Some(minor)) => Err(format!(
            "the cluster runs Kubernetes {major}.{minor} ({git_version}); ValidatingAdmissionPolicy \
             is GA (admissionregistration.k8s.io/v1) from 1.{MINIMUM_MINOR}"
        )),
        _ => Err(format!(
            "the cluster's version `{git_version}` is not a Kubernetes version this tool can read"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_thirty_and_later_are_supported() {
        for v in [
            "v1.30.0",
            "v1.30.5-gke.1014001",
            "v1.33.2-gke.1000",
            "v2.0.0",
        ] {
            assert_eq!(supports_policies(v), Ok(()), "{v}");
        }
    }

    #[test]
    fn older_or_unreadable_versions_are_refused() {
        let old = supports_policies("v1.29.9-gke.1").unwrap_err();
        assert!(old.contains("1.29") && old.contains("from 1.30"), "{old}");
        assert!(supports_policies("v0.99.0").is_err());
        assert!(supports_policies("latest").is_err());
    }
}
